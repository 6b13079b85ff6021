#pragma once
// The invariants E0801-E0811 (docs/Security.md), one file per family, each a set of free
// functions over one Context. walk.cc visits every block of every unit once and calls, for
// each, the per-resource function of every family that applies to its type; the rules that
// need every unit read (E0803) run after the walk.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "check/policy/body.h"
#include "check/policy/data_stores.h"
#include "check/policy/findings.h"
#include "check/policy/index.h"

namespace eurus::check::policy {

/// A route to an internet gateway, judged once every unit's associations are known.
struct IgwRoute {
  size_t unit;
  std::string type, name;
  const json* body;
  Target table;  ///< the route table it is in
};

/// What E0803 keeps while the units are walked.
struct RouteState {
  std::vector<IgwRoute> igw_routes;
  /// Associations of the units with a table routing to an internet gateway.
  std::vector<std::pair<size_t, const json*>> assoc;
  std::vector<const json*> local_assoc;  ///< of the unit being read
  bool local_igw_table = false;          ///< the unit being read has a table routing to an IGW
  bool full_association_scan = false;    ///< an IGW table other units may associate with
  std::map<std::pair<size_t, std::string>, bool> nat_only;  ///< NatOnlySubnet's answers
};

/// One thread's share of a run: the shared index, its findings, the rules' own state.
struct Context {
  Context(const Index& index, const SourceMap* origins)
      : ix(index), findings(index.units, origins) {}

  const Index& ix;
  Findings findings;
  RouteState routes;
  /// E0811: (account, repository name) → the tenant whose file made it; built on first use.
  std::optional<std::map<std::pair<std::string, std::string>, std::string>> repository_owners;
};

// ---- E0801 availability zones (az_spread.cc) ----------------------------------------------

/// Compute and network paths that must span the environment's AZs.
struct WorkloadKind {
  const char* type;
  const char* subnets;
  const char* subnets2;  ///< a second way to write them (aws_lb subnet_mapping)
};
const WorkloadKind* FindWorkload(std::string_view type);

void Workload(Context& ctx, size_t u, const Block& b, const WorkloadKind& k);
void StoreSpread(Context& ctx, size_t u, const Block& b, const DataStoreKind& k);

// ---- E0802 public IPs (public_ip.cc) ------------------------------------------------------

/// An argument that, when true, gives something a public IP.
struct PublicArg {
  const char* type;
  const char* path;
  const char* what;
};
const PublicArg* FindPublicArg(std::string_view type);

void PublicArgument(Context& ctx, size_t u, const Block& b, const PublicArg& arg);
/// aws_lb, aws_alb, aws_elb: internet-facing unless `internal` (gateway LBs aside).
void LoadBalancer(Context& ctx, size_t u, const Block& b);
/// aws_eip: only a public NAT gateway of the unit may use it.
void Eip(Context& ctx, size_t u, const Block& b);
/// aws_eip_association: always a finding.
void EipAssociation(Context& ctx, size_t u, const Block& b);

// ---- E0803 routes to internet gateways (internet_routes.cc) -------------------------------

/// aws_route, aws_route_table, aws_default_route_table.
void RouteToInternet(Context& ctx, size_t u, const Block& b);
/// aws_route_table_association, aws_main_route_table_association: kept, unread, until the
/// unit is done (see EndUnitRoutes).
void Association(Context& ctx, const Block& b);
/// After unit `u` is walked: keeps its associations when one of its tables routes to an
/// internet gateway.
void EndUnitRoutes(Context& ctx, size_t u);
/// Takes over another thread's routes and associations.
void AbsorbRoutes(RouteState& into, RouteState&& from);
/// Judges every route found, once every unit is walked and absorbed.
void InternetRoutes(Context& ctx);

// ---- E0804 encryption (encryption.cc) -----------------------------------------------------

void Encryption(Context& ctx, size_t u, const Block& b, const DataStoreKind& k);

// ---- E0805 backups (backup.cc) ------------------------------------------------------------

void Backup(Context& ctx, size_t u, const Block& b, const DataStoreKind& k);

// ---- E0806 tags (tags.cc) -----------------------------------------------------------------

/// The blocks of a unit that rely on one provider and lack required tags.
struct TagGap {
  std::set<std::string> missing;
  std::vector<std::string> blocks;
  const json* first = nullptr;
};
using TagGaps = std::map<std::string, TagGap>;  ///< by provider alias

/// `own`: the block's tags (null: none); `provider`: its provider configuration. Gaps are
/// gathered per unit and reported by ReportTagGaps, one finding per provider.
void Tags(Context& ctx, size_t u, const Block& b, const json* own, const ProviderConfig* provider,
          TagGaps& gaps);
void ReportTagGaps(Context& ctx, size_t u, const TagGaps& gaps);

// ---- E0807 IAM (iam.cc) -------------------------------------------------------------------

/// Argument `k` of a block, whose name says it holds a policy (policy, assume_role_policy,
/// inline_policy { policy }, policy_document, access_policies, ...) or a managed policy ARN.
void PolicyString(Context& ctx, size_t u, const Block& b, const std::string& k, const json& v);
/// data.aws_iam_policy_document.
void PolicyDocument(Context& ctx, size_t u, const Block& b);

// ---- E0810 permissions boundary (iam.cc) --------------------------------------------------

/// aws_iam_role: carries the permissions boundary of its account (`<org>-boundary`), but for
/// the deploy identities the bootstrap makes (which hold it).
void RoleBoundary(Context& ctx, size_t u, const Block& b);

// ---- E0811 tenant roles (tenant_roles.cc) -------------------------------------------------

/// aws_iam_role named `<org>-<tenant>-read` or `-release`: its inline policies reach only the
/// tenant's own resources, `*` only for actions IAM cannot scope (synth/access.h).
void TenantRole(Context& ctx, size_t u, const Block& b);

// ---- E0808 tenant isolation (isolation.cc) ------------------------------------------------

/// Ingress rules: aws_vpc_security_group_ingress_rule, aws_security_group_rule,
/// aws_security_group and aws_default_security_group (inline `ingress`).
void Ingress(Context& ctx, size_t u, const Block& b);

// ---- E0809 deletion protection (protection.cc) --------------------------------------------

void Protection(Context& ctx, size_t u, const Block& b, const DataStoreKind& k);

}  // namespace eurus::check::policy
