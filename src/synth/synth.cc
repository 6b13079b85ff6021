#include "synth/synth.h"

#include <fmt/format.h>

#include "model/naming.h"

namespace eurus::synth {

std::string CommonDir(model::RealmKind realm) {
  return std::string("common-") + model::RealmName(realm);
}

std::string Context::File(Span span) const {
  if (!span.valid()) return {};
  const std::string& p = sources_.path(span.file);
  std::string prefix = repo_dir_.empty() || repo_dir_ == "." ? "" : repo_dir_ + (repo_dir_.back() == '/' ? "" : "/");
  if (!prefix.empty() && p.compare(0, prefix.size(), prefix) == 0) return p.substr(prefix.size());
  return p;
}

tf::Origin Context::Origin(Span span) const {
  if (!span.valid()) return {};
  return fmt::format("{}:{}", File(span), sources_.Locate(span.file, span.begin).line);
}

std::string Context::DeployerRoleArn(const std::string& account) const {
  return fmt::format("arn:aws:iam::{}:role/{}", account, naming::DeployerRole(org.name).value);
}

tf::Backend Context::BackendFor(const std::string& account, const std::string& unit) const {
  tf::Backend b;
  b.bucket = naming::StateBucket(org.name, account).value;
  b.key = unit + "/terraform.tfstate";
  b.region = org.region;
  b.role_arn = DeployerRoleArn(account);
  // The key the bootstrap unit creates for state in every account (alias/<org>-tfstate).
  b.kms_key_id = fmt::format("arn:aws:kms:{}:{}:alias/{}-tfstate", org.region, account, org.name);
  return b;
}

tf::Provider Context::ProviderFor(const std::string& account, const std::string& environment,
                                  const std::string& tenant, const std::string& unit,
                                  const std::string& cost_center) const {
  tf::Provider p;
  p.region = org.region;
  p.account = account;
  p.role_arn = DeployerRoleArn(account);
  for (const auto& [k, v] : org.tags) p.default_tags[k] = v;
  p.default_tags[tags::kOrg] = org.name;
  p.default_tags[tags::kEnvironment] = environment;
  p.default_tags[tags::kTenant] = tenant;
  p.default_tags[tags::kUnit] = unit;
  p.default_tags[tags::kCostCenter] = cost_center;
  return p;
}

tf::Unit Context::NewUnit(const std::string& dir, const std::string& account, const std::string& environment,
                          const std::string& tenant, const std::string& unit_name,
                          const std::string& cost_center) const {
  tf::Unit u(dir, unit_name);
  u.backend = BackendFor(account, unit_name);
  u.providers.push_back(ProviderFor(account, environment, tenant, unit_name, cost_center));
  u.sources.insert("eurus.yaml");
  return u;
}

std::vector<tf::Unit> Synthesize(const Context& ctx) {
  std::vector<tf::Unit> units;
  AddBootstrap(ctx, units);
  for (const auto& env : ctx.org.environments) {
    size_t net = AddNetwork(ctx, env, units);
    for (const auto& t : ctx.org.tenants) {
      for (const auto& dep : t.deployments) {
        if (dep.env != env.name) continue;
        std::string unit_name = "tenant-" + t.name;
        tf::Unit u = ctx.NewUnit(env.name, env.account, env.name, t.name, unit_name, t.cost_center);
        u.sources.insert(env.file);
        u.sources.insert(t.file);
        AddTenantNetwork(ctx, env, t, dep, units[net], u);
        units.push_back(std::move(u));
      }
    }
  }
  return units;
}

}  // namespace eurus::synth
