#pragma once
// `eurus policy`: the platform's invariants, checked on the generated units themselves (what
// is actually emitted, not the model), in `eurus synth` before anything is written and in
// `eurus validate` on a tree. docs/Security.md lists the rules and their codes (E08xx):
//
//   E0801 every workload and data store spans >= 2 AZs (3 where the environment has 3 or more)
//   E0802 nothing gets a public IP or faces the internet (the public NAT's Elastic IP aside)
//   E0803 no route to an internet gateway except from the public NAT subnets' route table
//   E0804 every data store is encrypted with a customer-managed KMS key
//   E0805 every data store has a backup whose frequency meets the environment's RPO
//   E0806 every taggable resource carries eurus:environment, eurus:tenant, eurus:cost-center
//   E0807 no IAM policy allows `*` actions on `*` resources
//   E0808 a tenant's security groups admit no other tenant's traffic
//   E0809 data stores have deletion protection where the environment requires it (prod)
//
// Rules are tables keyed by resource type (data stores, workloads, public-IP arguments) or
// generic over every block (tags, policy documents), so a resource type a later feature
// emits is checked as soon as it appears. Rules read across units: remote-state outputs are
// followed into the upstream unit, AWS Backup selections cover data stores of other units
// in the same account, security group rules are judged against other tenants' subnets.
// A rule that cannot decide (an expression it cannot follow, an unknown RPO) stays silent:
// findings are errors, and only what the JSON proves is reported.
//
// The rules live in src/check/policy/: index.h (what is built once over the units, and the
// reference resolver), findings.h (how findings become diagnostics), data_stores.h (the data
// store table), one file per family E0801-E0809 declared in rules.h, and walk.cc (the one
// visit of every block, and CheckPolicy).

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/schema.h"
#include "diag/diagnostic.h"
#include "model/model.h"
#include "tf/unit.h"
#include "util/fs.h"

namespace eurus::check {

/// What the rules need to know about the account a resource is deployed into. Unknown
/// values switch the rules that need them off (they are never guessed).
struct AccountPolicy {
  std::string environment;                  ///< for messages: "prod", "common-prod"
  std::optional<int> azs;                   ///< availability zones of the environment's VPC
  std::optional<int> rpo_hours;             ///< backups must run at least this often
  std::optional<bool> deletion_protection;  ///< data stores must be protected from deletion
  /// The AZs interface VPC endpoints must span, when fewer than `azs` (a nonprod
  /// environment's `endpoint_zones: one`).
  std::optional<int> endpoint_azs;
};

struct PolicyContext {
  std::map<std::string, AccountPolicy> accounts;  ///< by account id
  /// Which resource types take `tags`. Null: a resource is taggable when it writes `tags`,
  /// and a provider whose default_tags lack a key is reported for the blocks that rely on it.
  const Schema* schema = nullptr;
};

/// `eurus synth`: every environment account (AZs, RPO, deletion protection = prod realm or
/// `protection: true`) and the realms' common accounts (deletion protection in prod).
PolicyContext ContextFromOrg(const model::Org& org);

/// `eurus validate`: the optional `environments` section of eurus.manifest.json
/// (`{"<env>": {"account", "azs", "rpo_hours", "deletion_protection"}}`) for accounts not
/// known yet. A manifest without it leaves the context unchanged.
void ContextFromManifest(const nlohmann::json& manifest, PolicyContext* ctx);

/// An `aws` provider configuration of a unit.
struct ProviderConfig {
  std::string alias;    ///< empty: the default provider
  std::string account;  ///< allowed_account_ids[0]
  std::string region;
  std::map<std::string, std::string> default_tags;
};

/// One unit as the rules read it. The JSON is borrowed: it must outlive the checks.
struct PolicyUnit {
  std::string id;                             ///< "dev/tenant-shop"
  const nlohmann::json* resources = nullptr;  ///< type → name → body (main.tf.json "resource")
  const nlohmann::json* data = nullptr;       ///< type → name → body
  const nlohmann::json* locals = nullptr;     ///< name → value
  const nlohmann::json* outputs = nullptr;    ///< name → {"value": ...}
  std::vector<ProviderConfig> providers;
  std::string state;  ///< "bucket/key" of the S3 backend; empty: local
  /// Where findings point in `eurus validate` (the files ValidateTree registered).
  const SourceMap* sources = nullptr;
  FileId main_file = kNoFile;
  FileId providers_file = kNoFile;
};

/// The in-memory unit of `eurus synth` (no rendering, no parsing).
PolicyUnit FromUnit(const tf::Unit& unit);
/// A unit read from its two parsed documents.
PolicyUnit FromDocuments(std::string id, const nlohmann::json& main,
                         const nlohmann::json& providers);

/// Whether blocks of `type` can hold a policy document (an argument whose name holds
/// "polic", nested blocks included): from `schema` when given; without one, false only for a
/// built-in list of common types that have none, so a new type is scanned until it is listed.
bool MayHoldPolicy(std::string_view type, const Schema* schema);
/// That built-in list, sorted.
std::vector<std::string_view> TypesWithoutPolicies();

struct PolicyStats {
  size_t units = 0;
  size_t resources = 0;
  size_t findings = 0;
};

/// Runs every rule over `units` (the whole organisation). With `origins` (synth: the
/// configuration's SourceMap), a finding is labelled at the YAML line its block came from;
/// otherwise at the block in the unit's main.tf.json. Every finding notes the YAML origin
/// (the block's "//") and names the unit and the block.
/// `context_only` (null: none), by unit: units the rules read through references and the
/// cross-unit tables but do not walk (the incremental synth's units known to pass).
PolicyStats CheckPolicy(const std::vector<PolicyUnit>& units, const PolicyContext& ctx,
                        const SourceMap* origins, Diagnostics& diags,
                        const std::vector<char>* context_only = nullptr);

/// `eurus validate`: the units under `out_dir` whose files `sources` already holds (as
/// ValidateTree registered them); the context is completed from eurus.manifest.json (read
/// through `fs`) and from the tree (AZs: the distinct availability zones of an account's
/// subnets). Files that do not parse are skipped (ValidateTree reported them).
PolicyStats CheckTree(FileSystem& fs, const std::string& out_dir, const SourceMap& sources,
                      PolicyContext ctx, Diagnostics& diags);

}  // namespace eurus::check
