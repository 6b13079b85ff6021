// model::Build: the build passes in order (declared in build_context.h, one file per
// configuration section), and the small model.h helpers.

#include "model/build.h"

#include "model/build_context.h"
#include "model/check_surprises.h"

namespace eurus::model {

const char* RealmName(RealmKind r) { return r == RealmKind::kProd ? "prod" : "nonprod"; }

// The table's names are NUL-terminated literals.
const char* ResourceTypeName(ResourceType t) { return catalog::Row(t).name.data(); }

std::string EnvironmentZone(const std::string& domain, const std::string& env) {
  return domain.empty() ? std::string() : env + "." + domain;
}

HostValidation ValidationOf(const std::string& host, const std::string& zone) {
  if (zone.empty()) return HostValidation::kManual;
  if (host == zone) return HostValidation::kWildcard;
  if (host.size() <= zone.size() + 1 || host.compare(host.size() - zone.size(), zone.size(), zone) != 0 ||
      host[host.size() - zone.size() - 1] != '.')
    return HostValidation::kManual;
  // "<label>.<zone>": one label under the zone is what `*.<zone>` matches.
  return host.find('.') == host.size() - zone.size() - 1 ? HostValidation::kWildcard : HostValidation::kZone;
}

namespace {
/// `host` is `zone` or a name under it.
bool AtOrUnder(const std::string& host, const std::string& zone) {
  return host == zone || (host.size() > zone.size() && host.ends_with(zone) &&
                          host[host.size() - zone.size() - 1] == '.');
}
}  // namespace

HostValidation ValidationIn(const Environment& env, const std::string& host) {
  const HostValidation how = ValidationOf(host, env.zone);
  if (how != HostValidation::kManual || !env.apex || !AtOrUnder(host, env.apex->name)) return how;
  for (const std::string& z : env.apex->environment_zones)
    if (AtOrUnder(host, z)) return HostValidation::kManual;  // delegated away
  return HostValidation::kApex;
}

const Realm& Org::realm(RealmKind k) const {
  for (const auto& r : realms)
    if (r.kind == k) return r;
  return realms.front();
}

const Environment* Org::environment(const std::string& n) const {
  for (const auto& e : environments)
    if (e.name == n) return &e;
  return nullptr;
}

std::vector<int> FargateMemoryFor(int cpu) {
  auto range = [](int lo, int hi, int step) {
    std::vector<int> v;
    for (int m = lo; m <= hi; m += step) v.push_back(m);
    return v;
  };
  switch (cpu) {
    case 256: return {512, 1024, 2048};
    case 512: return range(1024, 4096, 1024);
    case 1024: return range(2048, 8192, 1024);
    case 2048: return range(4096, 16384, 1024);
    case 4096: return range(8192, 30720, 1024);
    case 8192: return range(16384, 61440, 4096);
    case 16384: return range(32768, 122880, 8192);
    default: return {};
  }
}

const std::vector<int>& LogRetentionDays() {
  static const std::vector<int> v = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
                                     731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  return v;
}

BuildResult Build(const config::Project& project, const Lock& previous, const BuildOptions& options,
                  Diagnostics& diags) {
  build::Context ctx(project, previous, options, diags);
  BuildResult result;
  build::BuildOrg(ctx);                // eurus.yaml
  build::CheckAccounts(ctx);           // no account in two roles
  build::BuildEnvironments(ctx);       // environments/*.yaml, sorted by name
  build::BuildTenants(ctx);            // tenants/*.yaml: deployments, apps, resources
  build::BuildBilling(ctx);            // billing.shared_costs names tenants
  build::CheckCostCategory(ctx);       // AWS's limits on the tenants' cost category
  build::CheckRoutes(ctx);             // no (host, path) claimed twice on an ALB
  build::WarnManualCertificates(ctx);  // route hosts validated by hand
  build::CheckViewerCertificate(ctx);  // the CloudFront certificate within ACM's 10 names
  build::WarnUnreachableApis(ctx);     // endpoints that leave out what the tasks call
  build::CheckSamplingRules(ctx);      // X-Ray sampling rules within the account quota
  build::WarnSharedImages(ctx);        // images a tenant's release role could not push
  build::WarnSurprises(ctx);           // settings that do not do what they seem to (W0018-W0023)
  build::Allocate(ctx, result);        // subnets against the lock, listener rule priorities
  ctx.org.source_files = project.files;
  if (!diags.has_errors()) result.org = std::move(ctx.org);
  return result;
}

}  // namespace eurus::model
