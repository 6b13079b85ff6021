#pragma once
// The validated organisation: built once from the configuration, immutable afterwards.
// Every value is resolved (defaults applied, overrides merged, subnets allocated) so later
// passes never look at YAML again. Spans point back at the YAML for "//" comments and for
// diagnostics raised by later passes.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/store_kinds.h"
#include "diag/source.h"
#include "ipam/cidr.h"

namespace eurus::model {

enum class RealmKind { kNonprod, kProd };
enum class NatMode { kPerAz, kSingle };
/// `network.endpoints`: which interface VPC endpoints the network unit creates.
enum class EndpointMode {
  kAuto,  ///< what the environment's tasks call (NeededEndpoints), none with internet egress
  kNone,  ///< none: tasks reach AWS APIs through a NAT gateway or not at all
  kList,  ///< exactly `Network::endpoint_services`
};
/// The kinds of data store, with their facts in catalog::Row(type).
using ResourceType = catalog::StoreKind;

const char* RealmName(RealmKind r);
/// "postgres", ...: catalog::Row(t).name.
const char* ResourceTypeName(ResourceType t);

struct Realm {
  RealmKind kind;
  std::string common_account;
  Span span;
};

struct Egress {
  Cidr cidr;                           ///< secondary "allowed range" CIDR of the VPC
  std::vector<Cidr> destinations;
  std::string transit_gateway_id;      ///< empty: no next hop configured
};

struct Network {
  Cidr cidr;
  std::vector<std::string> azs;        ///< in configuration order
  int platform_subnet_size = 24;
  int tenant_subnet_size = 24;
  int data_subnet_size = 27;
  NatMode nat = NatMode::kPerAz;
  bool internet_egress = false;
  std::optional<Egress> egress;
  bool flow_logs = true;
  int flow_logs_retention_days = 30;
  std::vector<Cidr> platform_subnets;  ///< one per AZ, same order as `azs`
  std::vector<Cidr> egress_subnets;    ///< one per AZ when `egress` is set
  std::vector<Cidr> nat_subnets;       ///< one /28 per AZ when `internet_egress` (public NAT only)
  EndpointMode endpoints = EndpointMode::kAuto;
  std::vector<std::string> endpoint_services;  ///< kList: the services named (sorted, distinct)
  /// `endpoint_zones: one`: interface endpoints in the first AZ only (the nonprod default;
  /// E0214 in prod). Tasks in the other AZs reach them across zones.
  bool endpoints_one_zone = false;
};

/// `ingress.apex_zone`: the environment owns the org's apex zone `<domain>` (one environment
/// of the org at most, E0327). Its platform unit creates the zone (or reads the one named),
/// delegates the environment's own zone into it, and serves the hosts ValidationIn calls
/// kApex: CloudFront and ALB certificates validated there, alias records there, and the
/// HTTP API also at `api.<domain>` (docs/Ingress.md, "The company's own domain").
struct ApexZone {
  std::string name;      ///< the org's domain
  std::string zone_id;   ///< an existing public hosted zone of `name` in the account; empty: created
  /// Every environment's zone "<env>.<domain>", this one's included, sorted: names at or
  /// under them are delegated away, never the apex zone's to serve.
  std::vector<std::string> environment_zones;
  Span span;             ///< the `apex_zone` value
};

struct Environment {
  std::string name;
  std::string account;
  RealmKind realm = RealmKind::kNonprod;
  Network network;
  bool cloudfront = false;
  bool api_gateway = false;
  bool waf = false;
  /// The WAF's common rule set blocks request bodies over 8 KB (its SizeRestrictions_BODY
  /// rule); off (the default), that rule only counts, so uploads and large POSTs pass.
  bool waf_body_limit = false;
  /// Deletion protection of data stores, resolved once: `protection` when set (W0003 when a
  /// prod environment turns it off), else on in the prod realm. Every consumer (synth,
  /// policy, manifest) reads this field and never recomputes it from the realm.
  bool protection = false;
  /// What holds data leaves a trace when it is destroyed, resolved once: the prod realm or
  /// `protection`. Clusters leave a final snapshot, buckets and the backup vault are never
  /// force-emptied, the environment's KMS keys and zone keep `prevent_destroy`. Unlike
  /// `protection`, `protection: false` does not lift it in prod: a prod store can then be
  /// deleted on purpose, but never without a trace (docs/DataStores.md).
  bool retain = false;
  /// The highly available layout, resolved once: `ha` when set, else on in the prod realm
  /// (where `ha: false` is E0213). Off: Aurora clusters run a writer only and
  /// `nat_gateways` defaults to `single` (docs/Configuration.md).
  bool ha = false;
  /// Container Insights on the tenants' ECS clusters: `container_insights` when set, else on
  /// in the prod realm. Off: no ECS/ContainerInsights metrics; an unrouted app has no
  /// tasks-low alarm (docs/Workloads.md).
  bool container_insights = false;
  /// "<env>.<domain>": the environment's public hosted zone; empty when the org has no domain.
  std::string zone;
  /// Set when the environment owns the org's apex zone (`ingress.apex_zone`).
  std::optional<ApexZone> apex;
  int log_retention_days = 30;
  /// `tracing.sampling_rate`: the share of requests the environment's default X-Ray sampling
  /// rule traces beyond its reservoir (kSamplingRateProd in prod, kSamplingRateNonprod else).
  double sampling_rate = 0.01;
  /// `tracing.reservoir`: requests per second the default rule traces first, whatever the rate.
  int sampling_reservoir = 1;
  Span tracing_span;     ///< the `tracing` key; invalid when not written
  int rpo_hours = 4;
  int rto_hours = 4;
  std::string file;      ///< environments/<name>.yaml, relative to the repository
  Span span;
};

struct Route {
  std::string host;      ///< fully qualified
  std::vector<std::string> paths;
  Span span;
};

/// Ports the OpenTelemetry collector sidecar listens on in every task (OTLP gRPC and HTTP,
/// its health check, its own metrics, its X-Ray sampling proxy on TCP 2000). Fargate tasks
/// share one network namespace, so an app listening on one of them would crash-loop (E0323).
inline constexpr int kCollectorPorts[] = {2000, 4317, 4318, 8888, 13133};

/// Repository names under this prefix hold the platform's own images (sidecars); an app may
/// not name one (E0319).
inline constexpr char kPlatformImagePrefix[] = "eurus/";

struct App {
  std::string name;
  std::string image;                   ///< ECR repository name in the realm's registry
  std::optional<int> port;
  int cpu = 256;
  int memory = 512;
  std::vector<std::string> command;
  std::string health_check_path;       ///< empty for apps without a port
  std::optional<Route> route;
  bool expose_cloudfront = false;
  bool expose_api = false;
  int replicas_min = 1;
  int replicas_max = 1;
  std::optional<int> scaling_cpu, scaling_memory, scaling_requests;
  bool spot = false;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::string> secrets;
  std::vector<std::string> uses;
  Span span;
};

/// Where a data store is created from instead of empty (`restore_from`). Read only when the
/// store is created: on a store that exists it changes nothing (docs/DisasterRecovery.md).
struct Restore {
  std::string snapshot;       ///< cluster snapshot id or ARN; a cache snapshot ARN
  std::string point_in_time;  ///< "2026-11-26T10:00:00Z" or "latest" (Aurora, DocumentDB)
  std::string source;         ///< with point_in_time: the cluster identifier restored from
  Span span;
};

/// A data store. Fields the YAML leaves out hold the catalog's defaults (store_kinds.h);
/// `version` and `instances` depend on the kind and the realm and are set by the model.
struct Resource {
  std::string name;
  ResourceType type = ResourceType::kS3;
  std::string version;       ///< engine version (Aurora, DocumentDB); defaulted when empty
  double min_acu = catalog::kMinAcu.def.number;
  double max_acu = catalog::kMaxAcu.def.number;
  int instances = static_cast<int>(catalog::kInstances.def.prod_number);
  std::string instance_class{catalog::kInstanceClass.def.text};
  bool versioning = catalog::kVersioning.def.flag;
  int expire_days = static_cast<int>(catalog::kExpireDays.def.number);
  /// cache: data storage limit
  int max_storage_gb = static_cast<int>(catalog::kMaxStorageGb.def.number);
  /// cache: compute limit (ElastiCache Processing Units)
  int max_ecpu_per_second = static_cast<int>(catalog::kMaxEcpuPerSecond.def.number);
  std::optional<Restore> restore_from;
  Span span;
};

/// Where a rule sits in an environment's listener: rules are evaluated lowest priority
/// first, so exact paths come before wildcard patterns, and catch-alls ("/*") come last.
enum class RuleBand { kExact = 0, kPattern = 1, kCatchAll = 2 };

/// One listener rule on the environment's shared ALB (model/routing.h): a host and at most
/// three paths (the ALB's limit per condition) of one app.
struct ListenerRule {
  std::string app;
  std::string host;
  std::vector<std::string> paths;
  RuleBand band = RuleBand::kCatchAll;
  int priority = 0;      ///< 1..50000, unique on the environment's listener
  Span span;             ///< the app's `route`
};

/// A tenant as onboarded in one environment: overrides applied, subnets allocated.
struct Deployment {
  std::string env;
  size_t env_index = 0;
  std::vector<App> apps;               ///< sorted by name
  std::vector<Resource> resources;     ///< sorted by name
  std::vector<Cidr> tenant_subnets;    ///< one per AZ, in the environment's AZ order
  std::vector<Cidr> data_subnets;
  /// The routed apps' listener rules, in priority order (set with the subnets).
  std::vector<ListenerRule> listener_rules;
  /// `tracing.sampling_rate` (overrides applied): the tenant's own X-Ray sampling rule in
  /// this environment; none: the environment's default rule covers its apps.
  std::optional<double> sampling_rate;
  Span sampling_span;                  ///< where the rate was written
};

/// Default shares of the environment's X-Ray sampling rule (docs/Observability.md).
inline constexpr double kSamplingRateProd = 0.05;
inline constexpr double kSamplingRateNonprod = 0.01;

/// `access`: principals the tenant team already has (IAM role or user ARNs, e.g. an IAM
/// Identity Center permission set's role) that may assume the tenant's roles.
struct Access {
  std::vector<std::string> read;     ///< the read role in each environment account
  std::vector<std::string> release;  ///< the release role in each common and environment account
  Span span;                         ///< the `access` key; invalid when not written
};

/// `budget`: the tenant's monthly AWS Budgets (USD), each notifying at kBudgetActualPercent of
/// actual and kBudgetForecastPercent of forecast spend (synth/billing.cc).
struct Budget {
  std::optional<double> total;                              ///< every environment together
  std::vector<std::pair<std::string, double>> environments; ///< env → amount, in org order
  Span span;                                                ///< the `budget` key
};
inline constexpr double kBudgetActualPercent = 80;
inline constexpr double kBudgetForecastPercent = 100;

struct Tenant {
  std::string name;
  std::string cost_center;             ///< defaults to the tenant name
  std::vector<std::string> contacts;
  Budget budget;                       ///< none when neither total nor environments is set
  Access access;                       ///< no roles when both lists are empty
  std::vector<Deployment> deployments; ///< in the order of the org's environments
  std::string file;                    ///< tenants/<name>.yaml
  Span span;
};

/// billing.shared_costs: how the shared costs of a scope (an environment's network and
/// platform units, a realm's common accounts, the management account) are divided among
/// the scope's tenants (docs/Cost.md, "Shared costs"). The estimate (`eurus cost`) and the
/// billing unit's cost categories apply the same rule.
struct SharedCosts {
  enum class Method {
    kProportional,  ///< by each tenant's direct cost in the same scope (default)
    kEven,          ///< the same share for every tenant of the scope
  };
  Method method = Method::kProportional;
  /// `fixed`: tenant → percent of every scope the tenant is in; the rest proportional.
  /// Sorted by tenant; the percents sum to at most 100.
  std::vector<std::pair<std::string, double>> fixed;
};

/// `ci.eurus`: how the CI workflows (`eurus ci github`) get eurus; exactly one of a release
/// archive (`url` + its pinned `sha256`) or a git repository built from source (`source` at
/// `ref`); both empty when not configured (docs/Pipelines.md, "Installing eurus").
struct EurusInstall {
  std::string url;     ///< https URL of a `make package` archive
  std::string sha256;  ///< lowercase hex SHA-256 of that archive, pinned in the repository
  std::string source;  ///< a git URL of eurus's sources, built with scripts/package
  std::string ref;     ///< the tag, branch or full commit of `source` to build

  bool configured() const { return !url.empty() || !source.empty(); }
};

struct Org {
  std::string name;
  std::string region;
  std::string domain;                  ///< empty: no DNS zones
  std::string management_account;
  std::vector<Realm> realms;           ///< nonprod, prod
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> alert_emails;
  std::string github_repository;
  std::string default_branch = "main";     ///< ci.default_branch: applies run from it
  EurusInstall eurus_install;              ///< ci.eurus
  std::vector<std::string> administrators; ///< IAM principal ARNs that may deploy from a terminal
  SharedCosts shared_costs;                ///< billing.shared_costs
  /// billing.activate_tags: the billing unit activates eurus's tag keys for cost allocation.
  /// Off until AWS has seen the keys on a resource (up to 24 hours after the first apply):
  /// activating a key AWS has not seen fails (synth/billing.cc).
  bool activate_tags = false;  std::vector<Environment> environments;   ///< sorted by name
  std::vector<Tenant> tenants;             ///< sorted by name
  std::vector<std::string> source_files;   ///< relative to the repository

  const Realm& realm(RealmKind k) const;
  const Environment* environment(const std::string& name) const;
};

/// "<env>.<domain>": the environment's public hosted zone; empty when the org has no domain.
std::string EnvironmentZone(const std::string& domain, const std::string& env);

/// How the certificate of a route host is validated (docs/Platform.md):
enum class HostValidation {
  kWildcard,  ///< the zone's apex or one label under it: the zone's `*.<zone>` certificate
  kZone,      ///< deeper inside the zone: its own certificate, validated by a record in the zone
  kApex,      ///< outside the zone, in the apex zone the environment owns (and under no
              ///< environment's zone): its own certificate, validated by a record there
  kManual,    ///< outside the zone (or no zone): its own certificate, DNS records added by hand
};
/// kWildcard, kZone or kManual: `host` against the one zone `zone`.
HostValidation ValidationOf(const std::string& host, const std::string& zone);
/// ValidationOf against the environment's zone, then kApex for a host the environment's
/// apex zone serves: `<domain>` or a name under it outside every environment's zone.
HostValidation ValidationIn(const Environment& env, const std::string& host);

/// The interface endpoint services eurus knows (`com.amazonaws.<region>.<service>`), the
/// values `network.endpoints` may list.
const std::vector<std::string>& KnownEndpointServices();
/// What the tasks of the environment's tenants call at run time through an interface
/// endpoint, sorted: nothing without apps; else ecr.api and ecr.dkr (image pulls; the layers
/// come through the S3 gateway endpoint), logs (the awslogs driver), xray (the collector
/// sidecar), and secretsmanager when an app injects secrets or uses a store whose password
/// lives in Secrets Manager. Reads every tenant deployed in `env`.
std::vector<std::string> NeededEndpoints(const Org& org, const Environment& env);
/// The interface endpoints the network unit creates, sorted: `endpoints` resolved (`auto`:
/// none with internet egress, else NeededEndpoints).
std::vector<std::string> InterfaceEndpoints(const Org& org, const Environment& env);

}  // namespace eurus::model
