#pragma once
// Typed reading of the positioned YAML tree: shapes, types, required fields and unknown
// keys. Semantic rules (names, CIDRs, references) belong to model/.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/node.h"

namespace eurus::config {

/// A value read from YAML with where it was written. `set` is false when absent or invalid.
template <class T>
struct Field {
  T value{};
  Span span;       ///< the value (for an absent field: the owning key, for located errors)
  Span key_span;   ///< the key
  bool set = false;
  bool given = false;  ///< the key was written, even if its value was invalid
  explicit operator bool() const { return set; }
  const T& operator*() const { return value; }
  const T* operator->() const { return &value; }
};

using Str = Field<std::string>;
using Int = Field<int64_t>;
using Num = Field<double>;
using Bool = Field<bool>;
using StrList = Field<std::vector<Str>>;
using StrMap = Field<std::vector<std::pair<Str, Str>>>;  ///< keys in file order

struct OrgDoc {
  Int eurus;
  Str org, region, domain, management_account;
  struct RealmDoc { Str name; Str common_account; };
  Field<std::vector<RealmDoc>> realms;
  StrMap tags;
  StrList alert_emails;
  Str github_repository;
  Str default_branch;       ///< ci.default_branch
  /// ci.eurus: a release archive (`url`, `sha256`) or sources (`source`, `ref`).
  struct { Str url, sha256, source, ref; Span span; bool set = false; } eurus_install;
  StrList administrators;   ///< IAM role/user ARNs trusted by the deployer and planner roles
  /// billing.shared_costs: a method name (`method`), or `{ fixed: { tenant: percent } }`.
  struct {
    Str method;
    StrMap fixed;
    Span span;  ///< the `shared_costs` key
    bool set = false;
  } shared_costs;
  Bool activate_tags;       ///< billing.activate_tags
  Span file_span;
};

struct EnvDoc {
  Str name;  ///< from the file name; span covers the file's first line
  Str account, realm;
  struct {
    Str cidr;
    StrList availability_zones;
    Int platform_subnet_size, tenant_subnet_size, data_subnet_size;
    Str nat_gateways;
    Bool internet_egress;
    struct { Str cidr; StrList destinations; Str transit_gateway_id; Span span; bool set = false; } egress;
    struct { Bool enabled; Int retention_days; } flow_logs;
    /// `endpoints`: `auto`, `none` (in `endpoints`), or a list of services (in `endpoint_list`).
    Str endpoints;
    StrList endpoint_list;
    Str endpoint_zones;
    Span span;
  } network;
  /// `ingress`; `apex_zone` is `true`, `false` or a hosted zone id (model/build_environment.cc).
  struct { Bool cloudfront, api_gateway, waf, waf_body_limit; Str apex_zone; } ingress;
  Bool protection;
  Bool ha, container_insights;
  Int log_retention_days;
  Int rpo_hours, rto_hours;
  /// `tracing`: the environment's default X-Ray sampling rule.
  struct { Num sampling_rate; Int reservoir; Span span; bool set = false; } tracing;
  Span file_span;
};

struct AppDoc {
  Str name;
  Str image;
  Int port, cpu, memory;
  StrList command;
  Str health_check_path;
  struct { Str host; StrList paths; Span span; bool set = false; } route;
  StrList expose;
  Int replicas_min, replicas_max;
  Span replicas_span;
  Int scaling_cpu, scaling_memory, scaling_requests;
  Bool spot;
  StrMap environment;
  StrList secrets, uses;
};

struct ResourceDoc {
  Str name;
  Str type;
  Str version;
  Num min_acu, max_acu;
  Int instances;
  Str instance_class;
  Bool versioning;
  Int expire_days;
  Int max_storage_gb, max_ecpu_per_second;
  /// `restore_from`: where the store is created from (docs/DisasterRecovery.md).
  struct { Str snapshot, point_in_time, source; Span span; bool set = false; } restore_from;
};

/// A tenant as it applies to one environment (after overrides were merged), or the base.
struct TenantDoc {
  Str cost_center;
  StrList contacts;
  StrList environments;
  /// `budget`: a number (the total, in `total`) or `{ total: N, environments: { env: N } }`.
  struct {
    Str total;
    StrMap environments;
    Span span;  ///< the `budget` key
    bool set = false;
  } budget;
  /// `access`: principals that may assume the tenant's read and release roles (not per
  /// environment: `overrides` refuse it).
  struct { StrList read, release; Span span; bool set = false; } access;
  /// `tracing`: the tenant's own X-Ray sampling rate (overrides may change it).
  struct { Num sampling_rate; Span span; bool set = false; } tracing;
  std::vector<AppDoc> apps;
  std::vector<ResourceDoc> resources;
};

OrgDoc DecodeOrg(const Node& root, Diagnostics& diags);
EnvDoc DecodeEnv(const Node& root, Str name, Diagnostics& diags);
/// Decodes everything but `overrides` (whose keys are checked by the caller).
TenantDoc DecodeTenant(const Node& root, Diagnostics& diags);

/// The keys each mapping accepts: shared by the decoder (unknown-key errors) and
/// `eurus schema` so the two cannot drift apart.
namespace keys {
extern const std::vector<std::string> kOrg, kRealm, kAlerts, kCi;
extern const std::vector<std::string> kEnv, kNetwork, kEgress, kFlowLogs, kIngress, kLogs, kDr, kEnvTracing;
extern const std::vector<std::string> kTenant, kBudget, kAccess, kTenantTracing;
extern const std::vector<std::string> kApp, kHealthCheck, kRoute, kReplicas, kScaling;
/// kResource, kResourceTypes and ResourceFields are read from catalog/store_kinds.h.
extern const std::vector<std::string> kResource, kRestoreFrom;
/// The resource fields valid for each resource type (besides `type`).
const std::vector<std::string>& ResourceFields(const std::string& type);
extern const std::vector<std::string> kResourceTypes;
}  // namespace keys

}  // namespace eurus::config
