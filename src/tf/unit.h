#pragma once
// The Terraform JSON document builder. A Unit is one OpenTofu root module. Blocks are added
// through the Unit, which hands back a Ref; references are only made from Refs, so a
// reference can never name a block that was not declared (a dangling reference is a
// programming error caught at synth time, not a `tofu validate` failure later).

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eurus::tf {

/// std::map-backed JSON: keys come out sorted, so output is deterministic.
using Json = nlohmann::json;

/// Where a block came from: "tenants/shop.yaml:12". Written as the block's "//" entry.
using Origin = std::string;

class Unit;

/// A declared resource, data source, variable, local, or an upstream unit's remote state.
class Ref {
 public:
  /// "${aws_vpc.main.id}": the attribute as an interpolation.
  std::string operator[](std::string_view attr) const { return "${" + Expr(attr) + "}"; }
  /// "aws_vpc.main.id": the attribute as a bare expression, to build larger expressions.
  std::string Expr(std::string_view attr) const;
  /// "${aws_subnet.tenant[0].id}"-style access for counted blocks is not used: eurus
  /// unrolls every block so each one has a stable name and its own "//" origin.

  /// For a remote-state Ref: "${data.terraform_remote_state.network.outputs.vpc_id}".
  /// Throws std::logic_error when the upstream unit declares no such output.
  std::string Output(std::string_view name) const;

  const std::string& type() const { return type_; }
  const std::string& name() const { return name_; }
  /// "aws_vpc.main", "data.aws_region.current", "var.x", "local.y".
  std::string Address() const;

 private:
  friend class Unit;
  enum class Kind { kResource, kData, kVariable, kLocal, kRemoteState };
  Ref(Kind k, std::string type, std::string name) : kind_(k), type_(std::move(type)), name_(std::move(name)) {}
  Kind kind_;
  std::string type_;
  std::string name_;
  std::shared_ptr<const std::set<std::string>> outputs_;  ///< remote state: upstream outputs
};

/// The run-time identity (docs/Security.md, "Deploy identities"). A provider, backend or
/// remote-state read marked `identity` assumes the role its `role_arn` names, a template
/// ending in `${var.eurus_role}` (deployer or planner), and reads two variables every such
/// unit declares:
/// - `eurus_role`: "deployer" (apply) or "planner" (plan: read-only, state lock files);
/// - `eurus_web_identity_token_file`: empty, the role is assumed with AssumeRole from the
///   caller's credentials (a person at a terminal); set (CI), it is assumed directly with
///   AssumeRoleWithWebIdentity for kWebIdentityDuration, so no session is chained.
/// The backend reads them through OpenTofu's early evaluation (>= 1.8).
inline constexpr char kRoleVariable[] = "eurus_role";
inline constexpr char kTokenFileVariable[] = "eurus_web_identity_token_file";
/// Longer than any single unit's apply (cluster creation, certificate validation); the
/// SDK renews the session from the token file when it runs out.
inline constexpr char kWebIdentityDuration[] = "2h";
inline constexpr char kSessionName[] = "eurus";

struct Provider {
  std::string alias;                 ///< empty: the default provider
  std::string region;
  std::string account;               ///< allowed_account_ids
  std::string role_arn;              ///< assume_role; empty: the caller's own credentials
  std::map<std::string, std::string> default_tags;
  bool identity = false;             ///< role_arn is the run-time identity's template
};

struct Backend {
  bool local = false;                ///< local state (bootstrap before migration)
  std::string bucket;
  std::string key;
  std::string region;
  std::string role_arn;
  std::string kms_key_id;            ///< state encrypted with the account's state key
  bool identity = false;             ///< role_arn is the run-time identity's template
};

/// The backend-style attributes (S3 backend, terraform_remote_state config) that assume
/// `role_arn`: `assume_role` and `assume_role_with_web_identity`, one of them null at run
/// time (identity), or a plain `assume_role` (a fixed role).
void AddAssumeRole(Json& config, const std::string& role_arn, bool identity);

class Unit {
 public:
  /// `account` names the output directory (out/<account>/<name>), e.g. "dev" or "management".
  Unit(std::string account, std::string name) : account_(std::move(account)), name_(std::move(name)) {}

  const std::string& account() const { return account_; }
  const std::string& name() const { return name_; }
  /// "dev/network": the unit's id in the manifest and its directory under out/.
  std::string id() const { return account_ + "/" + name_; }

  /// Adds a block; `body` is the block's arguments. Throws std::logic_error on a duplicate
  /// address (two blocks with one name would silently merge in Terraform JSON).
  Ref Resource(const std::string& type, const std::string& name, Json body, const Origin& origin);
  Ref Data(const std::string& type, const std::string& name, Json body, const Origin& origin);
  Ref Variable(const std::string& name, Json body);
  Ref Local(const std::string& name, Json value);
  void Output(const std::string& name, Json value, const std::string& description, bool sensitive = false);
  /// Reads another unit's outputs through its S3 state; records the dependency edge. Asking
  /// again for the same upstream (another pass of this unit) returns the same data source.
  Ref RemoteState(const Unit& upstream, const Backend& upstream_backend);

  /// The body of a declared block, to amend it after creation (e.g. add depends_on).
  Json& Body(const Ref& ref);
  bool Has(const std::string& type, const std::string& name) const;
  /// A Ref to resource `type`.`name` that another pass of the same unit declared (e.g. the
  /// tenant's security groups, for the workloads). Throws std::logic_error when there is none.
  Ref Existing(const std::string& type, const std::string& name) const;

  std::vector<Provider> providers;
  Backend backend;
  /// Units that must be applied before this one (ids), for terragrunt.hcl and the manifest.
  std::set<std::string> dependencies;
  /// Configuration files that fed this unit (relative paths), for the manifest.
  std::set<std::string> sources;

  const std::set<std::string>& outputs() const { return *outputs_; }
  /// The declared blocks as main.tf.json writes them (type → name → body; name → value;
  /// name → {"value", ...}), for passes that read a unit without rendering it (check/policy).
  const Json& resources() const { return resources_; }
  const Json& data() const { return data_; }
  const Json& locals() const { return locals_; }
  const Json& output_blocks() const { return outputs_json_; }
  /// Some provider, the backend or a remote-state read assumes the run-time identity: the
  /// unit declares kRoleVariable and kTokenFileVariable.
  bool uses_identity() const;
  /// Counts of resources by type, for summaries.
  std::map<std::string, int> ResourceCounts() const;
  size_t resource_count() const;
  /// Drops the blocks once the unit is written, keeping its id, dependencies, sources,
  /// backend and resource counts (a large synth then never holds every unit's blocks and
  /// their files at once). Nothing may be declared, read or rendered afterwards.
  void Compact();

  /// The three files of the unit, deterministic: same unit → same bytes.
  std::string MainJson() const;
  /// MainJson, moving the blocks into the document instead of copying them: the unit is
  /// Compact() afterwards. For the writer, which drops each unit once it is rendered.
  std::string TakeMainJson();
  std::string ProvidersJson() const;
  /// `dependencies { paths = [...] }` relative to this unit's directory.
  std::string TerragruntHcl() const;
  /// A digest of everything the three files are made from (id, blocks, providers, backend,
  /// dependencies), taken without rendering them (tf::JsonDigest): units with equal
  /// digests render to the same bytes. Before Compact() or TakeMainJson().
  std::string Digest() const;

 private:
  std::string account_;
  std::string name_;
  Json resources_ = Json::object();
  Json data_ = Json::object();
  Json variables_ = Json::object();
  Json locals_ = Json::object();
  Json outputs_json_ = Json::object();
  std::shared_ptr<std::set<std::string>> outputs_ = std::make_shared<std::set<std::string>>();
  std::optional<std::map<std::string, int>> counts_;  ///< set by Compact()
};

/// The provider and OpenTofu versions every unit pins; part of each unit's content hash.
inline constexpr char kAwsProviderSource[] = "hashicorp/aws";
inline constexpr char kAwsProviderVersion[] = "= 6.25.0";
inline constexpr char kTofuVersion[] = ">= 1.10.0";

}  // namespace eurus::tf
