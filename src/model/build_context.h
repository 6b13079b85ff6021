#pragma once
// Private to model/build*.cc: the context the build passes share, and the passes.
//
// model::Build (build.cc) runs the passes in order over one Context; each build_<section>.cc
// holds the passes of one configuration section:
//   build_org.cc          eurus.yaml: format, name, region, domain, realms, accounts, tags, alerts, ci
//   build_environment.cc  environments/*.yaml: realm, network, ingress, protection, logs, dr
//   build_tenant.cc       tenants/*.yaml: onboarding, overrides, one deployment per environment
//   build_app.cc          one app of a deployment: image, size, replicas, secrets, uses, ...
//   build_route.cc        an app's route and edge exposure; route conflicts, manual certificates
//   build_resource.cc     one data store of a deployment: every store-specific rule
//   build_allocation.cc   subnets against the lock file, listener rule priorities
//   build_observability.cc  tracing (sampling rates, the sampling-rule quota), tenant access,
//                         images a tenant's release role could not push
//   build_checks.cc       matchers and checks the sections share
// Passes report into ctx.diags and keep going: a run reports every error at once.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "config/load.h"
#include "diag/diagnostic.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "model/model.h"
#include "model/naming.h"

namespace eurus::model::build {

/// One (host, path) claimed by an app on an environment's shared ALB.
struct RouteUse {
  std::string host, path, tenant, app;
  Span span;
};

/// A route host whose certificate is validated by hand, with the environments serving it.
struct ManualHost {
  Span span;
  std::vector<std::string> envs;
};

/// An app's valid `image`, for W0015.
struct ImageUse {
  std::string tenant, app;
  Span span;
};

/// Everything the passes share: the input, the sink, the org under construction and what
/// earlier passes learnt for later ones.
struct Context {
  Context(const config::Project& p, const Lock& prev, const BuildOptions& o, Diagnostics& d)
      : project(p), previous(prev), options(o), diags(d) {}

  const config::Project& project;
  const Lock& previous;
  const BuildOptions& options;
  Diagnostics& diags;

  /// Under construction; handed out only when no error was reported.
  Org org;
  /// The org name is valid: names derived from it are worth checking.
  bool org_ok = false;
  /// The region is a region name: availability zones are checked against it.
  bool region_ok = false;
  /// "tenant:x", "app:y", "resource:z" whose names were rejected (reported once, and kept
  /// out of the derived-name checks).
  std::set<std::string> bad_inputs;
  /// Environment → its VPC CIDR is valid and it has at least 2 zones: subnets can be allocated.
  std::map<std::string, bool> env_cidr_ok;
  /// Environment → its document (for the spans of allocation errors).
  std::map<std::string, const config::EnvDoc*> env_docs;
  /// Environment → every (host, path) claimed there, in the order apps were built.
  std::map<std::string, std::vector<RouteUse>> routes;
  /// Route hosts whose certificate is validated by hand, by (host, file, offset) of the route.
  std::map<std::tuple<std::string, FileId, uint32_t>, ManualHost> manual_hosts;
  /// Environment → the names its CloudFront certificate holds beyond `<zone>` and `*.<zone>`
  /// (hosts deeper in the zone or in the apex zone), each with the first route that exposes it.
  std::map<std::string, std::map<std::string, Span>> viewer_names;
  /// (realm, ECR repository) → the apps that run it there, in the order apps were built.
  std::map<std::pair<RealmKind, std::string>, std::vector<ImageUse>> images;

  void Report(Diagnostic d) { diags.Report(std::move(d)); }
};

/// What the apps and resources of one deployment (a tenant in one environment) share.
struct DeploymentScope {
  const Environment& env;
  const Tenant& tenant;
  bool prod = false;                           ///< the environment is in the prod realm
  std::set<std::string> resource_names;        ///< the deployment's resources, for `uses`
  std::vector<std::string> resource_list;      ///< the same, in file order, for messages
};

// ---- passes, in the order model::Build runs them ----

/// eurus.yaml (build_org.cc).
void BuildOrg(Context& ctx);
/// No account serves two roles (management, realm common account, environment).
void CheckAccounts(Context& ctx);
/// environments/*.yaml, sorted by name afterwards (build_environment.cc).
void BuildEnvironments(Context& ctx);
/// tenants/*.yaml with their apps and resources (build_tenant.cc).
void BuildTenants(Context& ctx);
/// billing.shared_costs against the tenants (build_org.cc).
void BuildBilling(Context& ctx);
/// The limits AWS puts on the tenants' cost category (E0115-E0117) and W0013 (build_billing.cc,
/// after BuildBilling).
void CheckCostCategory(Context& ctx);
/// Two apps may not claim the same host and path on an environment's shared ALB (build_route.cc).
void CheckRoutes(Context& ctx);
/// Warns of route hosts whose certificate needs DNS records added by hand (build_route.cc).
void WarnManualCertificates(Context& ctx);
/// W0017: an environment's CloudFront certificate would hold more names than ACM's default
/// quota (build_route.cc, after the tenants).
void CheckViewerCertificate(Context& ctx);
/// W0011: an environment whose `endpoints` leave out a service its tasks need, without
/// internet egress (after BuildTenants: reads the deployments).
void WarnUnreachableApis(Context& ctx);
/// E0326: an environment whose X-Ray sampling rules exceed the account's quota
/// (build_observability.cc, after BuildTenants).
void CheckSamplingRules(Context& ctx);
/// W0015: an image that apps of two or more tenants run in one realm, when one of those
/// tenants has a release role (build_observability.cc, after BuildTenants).
void WarnSharedImages(Context& ctx);
/// Subnets against the previous lock, then listener rule priorities (build_allocation.cc).
void Allocate(Context& ctx, BuildResult& result);

// ---- per item, called by BuildTenants ----

/// One app of a deployment (build_app.cc).
App BuildApp(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d);
/// The app's `route` (build_route.cc): a host and paths on the environment's shared ALB; the
/// app gets a route only when its host is valid. Records the claimed paths and the
/// hand-validated hosts in `ctx`.
void BuildRoute(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a);
/// The app's `expose` (build_route.cc): cloudfront and/or api, each needing a route and the
/// environment's ingress.
void BuildExposure(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a);
/// One data store of a deployment (build_resource.cc); false when its type is missing or unknown.
bool BuildResource(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d,
                   Resource& r);

// ---- shared matchers (build_checks.cc; hand-written: std::regex would dominate a
// 3,000-tenant check) ----

inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
/// ^[a-z][a-z0-9<extra>]{min-1,max-1}$
bool NameLike(const std::string& s, size_t min, size_t max, const char* extra = "");
bool AccountId(const std::string& s);
/// An IAM role or user ARN, arn:<partition>:iam::<12 digits>:(role|user)/[<path>/]<name>:
/// the principals eurus lets assume its roles (never an account root, which would trust
/// every principal of its account).
bool PrincipalArn(const std::string& s);
/// "aws", "aws-cn" or "aws-us-gov" for an ARN in that partition; empty otherwise.
std::string PartitionOf(const std::string& arn);
/// arn:...:root, an account root.
bool AccountRoot(const std::string& s);
bool DnsLabel(const std::string& s);
/// At least two DNS labels joined by dots.
bool DnsName(const std::string& s);
/// The special-use suffix of `name` that no public certificate authority certifies (RFC 2606,
/// 6761, 6762, 7686, 8375, 9476, and ICANN's `.internal`); empty for any other name.
std::string PrivateSuffix(const std::string& name);
/// AWS tag characters: letters, digits, spaces and _ . : / = + - @
bool TagText(const std::string& s);
/// "a, b or c" (`conj` before the last item).
std::string List(const std::vector<std::string>& v, const char* conj = "or");

template <class T>
std::vector<std::string> Strings(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(fmt::format("{}", x));
  return out;
}

/// The environment's `tracing` (E0325; build_observability.cc): its default sampling rule,
/// defaulted by realm; `e.realm` is set.
void BuildTracing(Context& ctx, const config::EnvDoc& d, Environment& e);
/// The deployment's `tracing.sampling_rate`, overrides merged into `doc` (E0325).
void BuildSampling(Context& ctx, const config::TenantDoc& doc, Deployment& dep);
/// The tenant's `access` (E0324, E0315; build_observability.cc).
void BuildAccess(Context& ctx, const config::TenantDoc& doc, Tenant& t);

/// The tenant's `budget` (E0118, E0119, W0014; build_billing.cc).
void BuildBudget(Context& ctx, const config::TenantDoc& doc, const std::set<std::string>& onboarded, Tenant& t);

// ---- shared checks (build_checks.cc) ----

/// An error at `at`, with `label` under it.
Diagnostic Bad(const char* code, const std::string& msg, Span at, const std::string& label = {});
void CheckAccountId(Context& ctx, const config::Str& s);
void CheckEmail(Context& ctx, const config::Str& e);
/// A derived AWS name (naming.h) fits its kind's rules; `what` names the input at `at`.
void CheckName(Context& ctx, const naming::Name& n, Span at, const std::string& what);
/// App and resource names share one pattern; an invalid one is reported once and kept out
/// of the derived-name checks.
void CheckMemberName(Context& ctx, const char* what, const config::Str& name);

}  // namespace eurus::model::build
