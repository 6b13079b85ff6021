#pragma once
// model::Org → OpenTofu units. One file per feature (bootstrap, network, tenant, ...), each
// a free function that adds units or blocks; Synthesize() lists them in order (mold-style).

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "diag/source.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::synth {

/// Output directory names of the non-environment accounts.
inline constexpr char kManagementDir[] = "management";
std::string CommonDir(model::RealmKind realm);  ///< "common-nonprod" / "common-prod"

/// Tag keys eurus sets on every resource (through the providers' default_tags).
namespace tags {
inline constexpr char kOrg[] = "eurus:org";
inline constexpr char kEnvironment[] = "eurus:environment";
inline constexpr char kTenant[] = "eurus:tenant";
inline constexpr char kUnit[] = "eurus:unit";
inline constexpr char kCostCenter[] = "eurus:cost-center";
inline constexpr char kApp[] = "eurus:app";
/// On every data store: which backup covers it (a plan name, or backup::kRebuildable).
inline constexpr char kBackup[] = "eurus:backup";
/// Tenant of shared platform resources.
inline constexpr char kPlatform[] = "platform";
}  // namespace tags

class Context {
 public:
  Context(const model::Org& o, const SourceMap& sources, std::string repo_dir);

  const model::Org& org;

  /// "tenants/shop.yaml:12": where a block came from, relative to the repository.
  tf::Origin Origin(Span span) const;
  /// "environments/dev.yaml" etc. of a span, relative to the repository.
  std::string File(Span span) const;
  /// The text of a configuration file by its path relative to the repository; nullptr
  /// when the run did not read it.
  const std::string* Text(const std::string& rel) const;
  /// "sha256:…" of a configuration file's text ("missing" when not read); all files are
  /// hashed, on all cores, on the first call.
  const std::string& FileDigest(const std::string& rel) const;
  /// Every configuration file the run read, by its path relative to the repository.
  const std::map<std::string, FileId>& files() const { return by_rel_; }

  /// arn:aws:iam::<account>:role/<org>-deployer
  std::string DeployerRoleArn(const std::string& account) const;
  /// `<org>-planner`: plans (reads configuration and state, writes lock files).
  std::string PlannerRoleArn(const std::string& account) const;
  /// The deployer or the planner, chosen at run time (tf::kRoleVariable).
  std::string IdentityRoleArn(const std::string& account) const;
  /// The permissions boundary of the account's roles (bootstrap creates it).
  std::string BoundaryArn(const std::string& account) const;
  /// The S3 backend of `unit` in `account` (the account's own state bucket).
  tf::Backend BackendFor(const std::string& account, const std::string& unit) const;
  /// A default provider for a unit in `account`, assuming its deployer role, with tags.
  tf::Provider ProviderFor(const std::string& account, const std::string& environment,
                           const std::string& tenant, const std::string& unit,
                           const std::string& cost_center) const;
  /// Starts a unit in an account: backend, provider, default tags.
  tf::Unit NewUnit(const std::string& dir, const std::string& account, const std::string& environment,
                   const std::string& tenant, const std::string& unit_name,
                   const std::string& cost_center) const;

 private:
  const SourceMap& sources_;
  std::string repo_dir_;
  std::map<std::string, FileId> by_rel_;
  mutable std::once_flag digests_once_;
  mutable std::map<std::string, std::string> digests_;
};

/// The AWS account id behind each output directory ("management", "common-prod", "dev").
std::map<std::string, std::string> AccountByDir(const model::Org& org);

/// "eu-west-1a" → "eu_west_1a", "192.168.0.0/16" → "192_168_0_0_16": part of a block name.
std::string BlockKey(std::string s);

/// "tenant-<name>": the unit of a tenant in each environment it is onboarded in.
std::string TenantUnitName(const model::Tenant& tenant);

/// The configuration files a tenant unit is made from, relative to the repository:
/// eurus.yaml, its environment's file and its tenant's file (the unit's `sources`).
std::vector<std::string> TenantSources(const model::Environment& env, const model::Tenant& tenant);

/// What a tenant unit is a function of: the bytes of TenantSources and the subnets the
/// lock gives the environment and the tenant. THE RULE for every feature that adds to a
/// tenant unit: read only the org, the unit's environment and the unit's tenant (never
/// another tenant), and reach shared resources through remote-state outputs, never their
/// values. Then two tenant units with equal fingerprints have identical files, and
/// `eurus changes` renders only units whose fingerprint differs (tests/changes/run checks
/// it against a full comparison). A feature that needs more (another tenant, another
/// file, a lock entry) must add it here.
std::string TenantFingerprint(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                              const model::Deployment& dep);

/// id ("dev/tenant-shop") → TenantFingerprint of every tenant unit of `ctx.org` (on all cores).
std::map<std::string, std::string> TenantFingerprints(const Context& ctx);

/// What every other unit (bootstrap, registry, backup, observability, network, platform,
/// billing) is a function of: the bytes of every configuration file the run read and
/// `lock`, the lock as this run leaves it. Coarse on purpose: those units read across
/// tenants and environments (the registry every image, the platform every host of its
/// environment, the billing unit everything), so any edit rebuilds them; there are few.
std::string OrgFingerprint(const Context& ctx, std::string_view lock);

/// Which tenant units Synthesize builds; an empty filter builds them all. Every tenant
/// unit depends on every environment-level unit of its environment (network, platform),
/// whether or not it reads them: that is the order an apply needs anyway, and it lets
/// `eurus changes` know the dependencies of the tenant units it does not build.
using TenantFilter = std::function<bool(const model::Environment&, const model::Tenant&)>;

/// Every unit of the organisation, in a stable order (management, commons, environments);
/// tenant units the filter rejects are left out.
std::vector<tf::Unit> Synthesize(const Context& ctx, const TenantFilter& build = {});

/// Synthesize in steps, for a caller that holds one environment's tenant units at a time
/// (the writing synth, run::Compile): every unit that is not a tenant unit first, then the
/// tenant units of each environment on demand, then all of them in Synthesize's order.
class Synthesis {
 public:
  Synthesis(const Context& ctx, const TenantFilter& build);
  /// Every unit but the tenant units, in Synthesize's order (billing last). Tenant units
  /// read them (TenantUnits): keep them whole until the last call.
  std::vector<tf::Unit>& units() { return units_; }
  const std::vector<tf::Unit>& units() const { return units_; }
  size_t environments() const { return jobs_.size(); }
  /// [begin, end) of environment `e`'s own units (network, platform) in units().
  std::pair<size_t, size_t> EnvironmentUnits(size_t e) const { return {env_begin_[e], env_end_[e]}; }
  /// The ids of the tenant units the filter selected, every environment's.
  std::vector<std::string> TenantIds() const;
  /// Builds the tenant units of environment `e` the filter selects (on all cores), reading
  /// `units`: units() or what it was moved into, whole (not rendered yet).
  std::vector<tf::Unit> TenantUnits(size_t e, const std::vector<tf::Unit>& units) const;
  /// `units` (units(), possibly rendered and compacted since) and each environment's
  /// tenant units in Synthesize's order.
  std::vector<tf::Unit> Assemble(std::vector<tf::Unit> units, std::vector<std::vector<tf::Unit>> tenants) const;

 private:
  struct Job {
    const model::Tenant* tenant;
    const model::Deployment* dep;
  };
  const Context& ctx_;
  std::vector<tf::Unit> units_;
  size_t n_units_ = 0;  ///< units_.size() once built (a caller may move them out)
  std::vector<size_t> env_begin_, env_end_, network_, platform_;
  std::vector<std::vector<Job>> jobs_;  ///< by environment
};

// ---- features (one file each) ----
/// management/bootstrap: state buckets and deployer roles in every account (local state).
void AddBootstrap(const Context& ctx, std::vector<tf::Unit>& units);
/// management/billing: tag activation, the tenants' cost category, budgets and the CUR 2.0
/// export in the payer account (billing.cc), after every non-tenant unit in `units`.
void AddBilling(const Context& ctx, std::vector<tf::Unit>& units);
/// <env>/network: the VPC, platform and egress subnets, NAT, endpoints, flow logs.
/// Returns the index of the network unit in `units`.
size_t AddNetwork(const Context& ctx, const model::Environment& env, std::vector<tf::Unit>& units);
/// <env>/tenant-<name>: the tenant's subnets, routes and security groups (reads network).
void AddTenantNetwork(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                      const model::Deployment& dep, const tf::Unit& network, tf::Unit& unit);
/// common-<realm>/registry: ECR repositories for every image of the realm (registry.cc).
void AddRegistry(const Context& ctx, std::vector<tf::Unit>& units);
/// <env>/platform: KMS key, zone, certificate, shared ALB, alarm topic, dashboard
/// (platform.cc; reads network). Returns the index of the platform unit in `units`.
size_t AddPlatform(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                   std::vector<tf::Unit>& units);
/// common-<realm>/backup: the realm's central backup vault, for realms with environments
/// (backup.cc).
void AddBackup(const Context& ctx, std::vector<tf::Unit>& units);
/// common-<realm>/observability: the realm's OAM sink (admitting its environment accounts for
/// metrics, log groups and traces), realm dashboard and realm-wide alarms, for realms with
/// environments (observability.cc).
void AddObservability(const Context& ctx, std::vector<tf::Unit>& units);
/// The environment's OAM link to its realm's sink, in its platform unit, which reads the
/// sink's ARN from common-<realm>/observability's state and so depends on it (observability.cc).
void AddObservabilityLink(const Context& ctx, const model::Environment& env, tf::Unit& platform);
/// The data stores of a tenant unit: per resource an Aurora Serverless v2 cluster,
/// ElastiCache Serverless (Valkey) cache, DocumentDB cluster or S3 bucket in the tenant's data
/// subnets and data security group (tenant_network.cc), encrypted with the environment's key
/// (reads platform), tagged for the environment's backups (data.cc; docs/DataStores.md).
void AddTenantData(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                   const model::Deployment& dep, const tf::Unit& network, const tf::Unit& platform,
                   tf::Unit& unit);
/// What an app that `uses` resource `r` needs (data.cc), for the workloads to wire in:
/// - statements: IAM statements for its task role (the app's own calls), scoped by ARN;
/// - environment: plain variables (name → value, "${...}" of the data blocks' attributes),
///   named <RESOURCE>_<WHAT> with the resource name in upper case and '-' as '_'
///   (DataVariable; docs/DataStores.md lists them per type);
/// - secrets: variables ECS injects from Secrets Manager at task start (name → valueFrom).
///   Empty today: the clusters' managed passwords rotate every 7 days, so apps read the
///   secret by its ARN (<RESOURCE>_SECRET_ARN) when they connect instead.
/// References name blocks of AddTenantData in the same unit, so it must have run.
struct DataAccess {
  std::vector<nlohmann::json> statements;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::pair<std::string, std::string>> secrets;
};
DataAccess AccessTo(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                    const model::Resource& r);
/// "orders", "HOST" → "ORDERS_HOST".
std::string DataVariable(const std::string& resource, const std::string& what);

/// What makes a bucket private, for every bucket eurus creates: all four public-access blocks
/// and ACLs disabled (BucketOwnerEnforced), as block `block` in `u`; `provider` names a
/// provider alias when not empty. Returns the public-access block (a bucket policy should
/// depend on it: S3 rejects a policy while the block is being put).
tf::Ref AddBucketPrivacy(tf::Unit& u, const std::string& block, const tf::Ref& bucket, const tf::Origin& o,
                         const std::string& provider = {});

/// A private log bucket in `u` (block name `block`): versioned (its backup, E0805),
/// encrypted by the server-side encryption rule `encryption`, all four public-access
/// blocks, ACLs disabled, a policy of the `writers` statements plus TLS-only, objects
/// expiring after `days`; kept by prevent_destroy where `protect`, and emptied on destroy
/// where not (the last routed app leaving takes the ALB and its logs away). Noncurrent
/// versions expire after `noncurrent_days`. Returns the bucket and its policy (log writers
/// check on creation that they may write). platform.cc.
std::pair<tf::Ref, tf::Ref> AddLogBucket(tf::Unit& u, const std::string& block, const std::string& name,
                                         tf::Json encryption, tf::Json writers, int days, bool protect,
                                         const tf::Origin& o, int noncurrent_days = 30);

/// One email subscription to `topic` per address of `emails` (each recipient confirms once),
/// with block names derived from the addresses (platform.cc).
void AddEmailSubscriptions(tf::Unit& u, const tf::Ref& topic, const std::vector<std::string>& emails,
                           const tf::Origin& o);

/// The workloads of a tenant unit: ECS cluster, services, roles, logs, target groups,
/// listener rules, scaling, secrets, alarms and dashboard (workloads.cc; reads platform).
void AddTenantWorkloads(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                        const model::Deployment& dep, const tf::Unit& network, const tf::Unit& platform,
                        tf::Unit& unit);

/// The environment's default X-Ray sampling rule (sampling.cc; sampling.h has the rule
/// order): every service of the account at env.sampling_rate after env.sampling_reservoir
/// traces a second, in its platform unit.
void AddDefaultSampling(const Context& ctx, const model::Environment& env, tf::Unit& platform);
/// The tenant's own X-Ray sampling rule (sampling.cc), where `dep` sets a sampling_rate and
/// runs apps: its services ("<tenant>-*") at that rate, before the environment's rule.
void AddTenantSampling(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                       const model::Deployment& dep, tf::Unit& unit);

/// The environment's edge (ingress.cc; docs/Ingress.md), at the end of AddPlatform: with
/// `ingress.cloudfront`, a CloudFront VPC origin to the shared ALB, one distribution for the
/// hosts of the apps that expose `cloudfront` (us-east-1 certificate, optional WAF, logs,
/// alias records) and the ALB admitting CloudFront's origin-facing prefix list; with
/// `ingress.api_gateway`, an HTTP API, its VPC link, custom domain api.<env>.<domain> and
/// logged, throttled $default stage. Reads all tenants of `env` (their hosts).
void AddEdgeIngress(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                    tf::Unit& platform);
/// The tenant's API Gateway integrations (HTTP_PROXY over the VPC link to the ALB's HTTPS
/// listener, the app's host passed) and routes under /<tenant>/ for every app that exposes
/// `api` (ingress.cc; reads platform).
void AddTenantApiRoutes(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                        const model::Deployment& dep, const tf::Unit& platform, tf::Unit& unit);
/// The tenant team's roles in its tenant unit (access.cc): `<org>-<tenant>-read` when
/// `access.read` names principals, `<org>-<tenant>-release` (its image parameters) when
/// `access.release` does. Reads the org, `env` and `tenant` only.
void AddTenantAccess(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                     tf::Unit& unit);

}  // namespace eurus::synth
