// tenants/*.yaml → model::Tenant: its name, cost center and contacts, the environments it is
// onboarded in, its overrides, and one Deployment (apps, resources) per environment.

#include <algorithm>

#include "diag/codes.h"
#include "model/billing.h"
#include "model/build_context.h"
#include "model/routing.h"

namespace eurus::model::build {

namespace {

/// The tenant's name (from the file name), cost center and contacts.
void BuildIdentity(Context& ctx, const config::TenantFile& tf, Tenant& t) {
  t.name = tf.name.value;
  t.file = "tenants/" + t.name + ".yaml";
  t.span = tf.name.span;
  const config::TenantDoc& base = tf.doc;
  if (!NameLike(t.name, 2, 16) && ctx.bad_inputs.insert("tenant:" + t.name).second)
    ctx.Report(Bad(codes::kBadName, fmt::format("invalid tenant name `{}` (from the file name)", t.name), tf.name.span,
                   "in this file's name")
                   .Help("rename the file: tenant names match ^[a-z][a-z0-9]{1,15}$"));
  // eurus:tenant = platform marks the platform's own resources, and the cost category's
  // values `unallocated` and `untagged` stand for lines of no tenant (model/billing.h): a
  // tenant of that name would take the platform's costs, or be them.
  for (const char* reserved : {billing::kPlatformTenant, billing::kUnallocated, billing::kUntagged})
    if (t.name == reserved)
      ctx.Report(Bad(codes::kReservedTenant, fmt::format("tenant name `{}` is reserved", t.name), tf.name.span,
                     "in this file's name")
                     .Help(fmt::format("`{}` stands for the platform's shared costs in tags and in the cost "
                                       "category; rename tenants/{}.yaml",
                                       t.name, t.name)));
  t.cost_center = base.cost_center ? base.cost_center.value : t.name;
  if (base.cost_center && (base.cost_center.value.empty() || base.cost_center.value.size() > 256 ||
                           !TagText(base.cost_center.value)))
    ctx.Report(Bad(codes::kBadTag, "`cost_center` is not a valid tag value", base.cost_center.span,
                   "at most 256 characters of letters, digits, spaces and _.:/=+-@"));
  for (const auto& c : base.contacts.value) {
    CheckEmail(ctx, c);
    t.contacts.push_back(c.value);
  }
}

/// `environments`: the environments the tenant is onboarded in (each listed once, each defined).
std::set<std::string> Onboarded(Context& ctx, const config::TenantDoc& base, const Tenant& t) {
  const Org& org = ctx.org;
  std::vector<std::string> env_names;
  for (const auto& e : org.environments) env_names.push_back(e.name);
  std::set<std::string> onboarded;
  for (const auto& e : base.environments.value) {
    if (!onboarded.insert(e.value).second) {
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("environment `{}` is listed twice", e.value), e.span, "duplicate"));
      continue;
    }
    if (org.environment(e.value)) continue;
    std::string near = ClosestMatch(e.value, env_names);
    ctx.Report(Bad(codes::kUnknownEnvironment, fmt::format("unknown environment `{}`", e.value), e.span,
                   near.empty() ? "no environments/" + e.value + ".yaml" : "did you mean `" + near + "`?")
                   .Help(env_names.empty() ? "add environments/" + e.value + ".yaml"
                                           : "environments defined: " + List(env_names, "and")));
  }
  if (base.environments && base.environments.value.empty())
    ctx.Report(Bad(codes::kNoEnvironments, fmt::format("tenant `{}` is onboarded in no environment", t.name),
                   base.environments.span, "empty list")
                   .Help("list at least one environment, or delete the tenant file to offboard it"));
  return onboarded;
}

/// Overrides must target an onboarded environment and existing apps/resources.
void CheckOverrideTargets(Context& ctx, const config::TenantFile& tf, const std::set<std::string>& onboarded,
                          const Tenant& t) {
  for (const auto& ov : tf.overrides) {
    if (!onboarded.count(ov.env)) {
      std::string near = ClosestMatch(ov.env, {onboarded.begin(), onboarded.end()});
      ctx.Report(Bad(codes::kOverrideTarget, fmt::format("override for environment `{}`, where tenant `{}` is not onboarded", ov.env, t.name),
                     ov.key_span, near.empty() ? "not in `environments`" : "did you mean `" + near + "`?")
                     .Help("add it to `environments`, or remove this override"));
    }
    for (const char* section : {"apps", "resources"}) {
      const config::Node* sec = ov.node.Find(section);
      const config::Node* base_sec = tf.base.Find(section);
      if (!sec || !sec->is_map()) continue;
      for (const auto& item : sec->entries) {
        if (base_sec && base_sec->Find(item.key)) continue;
        std::vector<std::string> names;
        if (base_sec) for (const auto& b : base_sec->entries) names.push_back(b.key);
        std::string near = ClosestMatch(item.key, names);
        bool app = section[0] == 'a';
        ctx.Report(Bad(codes::kOverrideTarget,
                       fmt::format("override for {} `{}`, which tenant `{}` does not define", app ? "app" : "resource", item.key, t.name),
                       item.key_span, near.empty() ? "not defined in the tenant" : "did you mean `" + near + "`?")
                       .Help(fmt::format("overrides change existing {}s; define `{}` under the tenant's top-level `{}` first",
                                         app ? "app" : "resource", item.key, section)));
      }
    }
  }
}

/// The tenant document with the override for one environment merged in. Entries that name no
/// app/resource of the tenant were reported by CheckOverrideTargets; leaving them out keeps
/// them from reading as new, incomplete apps.
config::TenantDoc MergeOverride(Context& ctx, const config::TenantFile& tf,
                                const config::TenantFile::Override& ov) {
  config::Node over = ov.node;
  for (auto& sec : over.entries) {
    if ((sec.key != "apps" && sec.key != "resources") || !sec.value.is_map()) continue;
    const config::Node* base_sec = tf.base.Find(sec.key);
    std::erase_if(sec.value.entries, [&](const config::Entry& item) {
      return !base_sec || !base_sec->Find(item.key);
    });
  }
  config::Node merged = config::DeepMerge(tf.base, over);
  return config::DecodeTenant(merged, ctx.diags);
}

/// The tenant's apps exposed through `api` share its prefix on the environment's HTTP API,
/// where a route key names one integration.
void CheckApiRoutes(Context& ctx, const Tenant& t, const Deployment& dep) {
  std::map<std::string, const App*> api_routes;
  for (const App& a : dep.apps) {
    if (!a.expose_api || !a.route) continue;
    for (const ApiRoute& r : ApiRoutesOf(t.name, a.route->paths)) {
      auto [it, fresh] = api_routes.emplace(r.key, &a);
      if (!fresh && it->second != &a)
        ctx.Report(Bad(codes::kEdgeExposure,
                       fmt::format("apps `{}` and `{}` are both exposed through the API at `{}`", it->second->name,
                                   a.name, r.key),
                       a.route->span, "this app's paths")
                       .Secondary(it->second->route->span, "the other app's paths")
                       .Help(fmt::format("the API serves a tenant's apps under /{}/ by path alone: give them "
                                         "distinct paths, or expose only one through `api`",
                                         t.name)));
    }
  }
}

/// The tenant in one environment: its resources, then its apps, each sorted by name.
void BuildDeployment(Context& ctx, const Environment& env, const Tenant& t, const config::TenantDoc& doc,
                     Deployment& dep) {
  DeploymentScope scope{env, t, env.realm == RealmKind::kProd, {}, {}};
  for (const auto& r : doc.resources) {
    scope.resource_names.insert(r.name.value);
    scope.resource_list.push_back(r.name.value);
  }
  for (const auto& rd : doc.resources) {
    Resource r;
    if (BuildResource(ctx, scope, rd, r)) dep.resources.push_back(std::move(r));
  }
  for (const auto& ad : doc.apps) dep.apps.push_back(BuildApp(ctx, scope, ad));
  std::sort(dep.apps.begin(), dep.apps.end(), [](const App& a, const App& b) { return a.name < b.name; });
  CheckApiRoutes(ctx, t, dep);
  std::sort(dep.resources.begin(), dep.resources.end(),
            [](const Resource& a, const Resource& b) { return a.name < b.name; });
}

/// One deployment per environment the tenant is onboarded in, in the org's environment order.
void BuildDeployments(Context& ctx, const config::TenantFile& tf, const std::set<std::string>& onboarded,
                      Tenant& t) {
  const Org& org = ctx.org;
  for (size_t ei = 0; ei < org.environments.size(); ++ei) {
    const Environment& env = org.environments[ei];
    if (!onboarded.count(env.name)) continue;
    const config::TenantFile::Override* ov = nullptr;
    for (const auto& o : tf.overrides)
      if (o.env == env.name) ov = &o;
    Deployment dep;
    dep.env = env.name;
    dep.env_index = ei;
    if (ov) {
      config::TenantDoc doc = MergeOverride(ctx, tf, *ov);
      BuildDeployment(ctx, env, t, doc, dep);
      BuildSampling(ctx, doc, dep);
    } else {
      BuildDeployment(ctx, env, t, tf.doc, dep);
      BuildSampling(ctx, tf.doc, dep);
    }
    t.deployments.push_back(std::move(dep));
  }
}

/// The names that do not depend on the environment.
void CheckTenantNames(Context& ctx, const Tenant& t) {
  const std::string& org = ctx.org.name;
  CheckName(ctx, naming::EcsCluster(org, t.name), t.span, "tenant");
  CheckName(ctx, naming::AppSecurityGroup(org, t.name), t.span, "tenant");
  CheckName(ctx, naming::TenantDashboard(org, t.name), t.span, "tenant");
  if (!t.contacts.empty()) CheckName(ctx, naming::TenantAlarmTopic(org, t.name), t.span, "tenant");
}

}  // namespace

void BuildTenants(Context& ctx) {
  for (const auto& tf : ctx.project.tenants) {
    Tenant t;
    BuildIdentity(ctx, tf, t);
    std::set<std::string> onboarded = Onboarded(ctx, tf.doc, t);
    BuildBudget(ctx, tf.doc, onboarded, t);
    BuildAccess(ctx, tf.doc, t);
    CheckOverrideTargets(ctx, tf, onboarded, t);
    BuildDeployments(ctx, tf, onboarded, t);
    CheckTenantNames(ctx, t);
    ctx.org.tenants.push_back(std::move(t));
  }
}

}  // namespace eurus::model::build
