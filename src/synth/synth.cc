#include "synth/synth.h"

#include <fmt/format.h>

#include <optional>

#include "model/naming.h"
#include "util/parallel.h"

namespace eurus::synth {

std::string CommonDir(model::RealmKind realm) {
  return std::string("common-") + model::RealmName(realm);
}

std::map<std::string, std::string> AccountByDir(const model::Org& org) {
  std::map<std::string, std::string> out = {{kManagementDir, org.management_account}};
  for (const auto& r : org.realms) out[CommonDir(r.kind)] = r.common_account;
  for (const auto& e : org.environments) out[e.name] = e.account;
  return out;
}

std::string BlockKey(std::string s) {
  for (char& c : s)
    if (c == '-' || c == '.' || c == '/') c = '_';
  return s;
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
  // Environment units first (each tenant unit reads its network and platform units'
  // outputs), then the tenant units, which are independent of each other: built on all
  // cores, then placed in the fixed order (environment, then its tenants) so output does
  // not depend on timing.
  struct EnvUnits {
    std::vector<tf::Unit> units;
    size_t network = 0;
    size_t platform = 0;
  };
  std::vector<EnvUnits> envs(ctx.org.environments.size());
  struct Job {
    size_t env;
    const model::Tenant* tenant;
    const model::Deployment* dep;
  };
  std::vector<Job> jobs;
  for (size_t i = 0; i < ctx.org.environments.size(); ++i) {
    const auto& env = ctx.org.environments[i];
    envs[i].network = AddNetwork(ctx, env, envs[i].units);
    envs[i].platform = AddPlatform(ctx, env, envs[i].units[envs[i].network], envs[i].units);
    for (const auto& t : ctx.org.tenants)
      for (const auto& dep : t.deployments)
        if (dep.env == env.name) jobs.push_back({i, &t, &dep});
  }
  std::vector<std::optional<tf::Unit>> built(jobs.size());
  ParallelFor(jobs.size(), [&](size_t j) {
    const Job& job = jobs[j];
    const model::Environment& env = ctx.org.environments[job.env];
    const model::Tenant& t = *job.tenant;
    tf::Unit u = ctx.NewUnit(env.name, env.account, env.name, t.name, "tenant-" + t.name, t.cost_center);
    u.sources.insert(env.file);
    u.sources.insert(t.file);
    const tf::Unit& network = envs[job.env].units[envs[job.env].network];
    const tf::Unit& platform = envs[job.env].units[envs[job.env].platform];
    AddTenantNetwork(ctx, env, t, *job.dep, network, u);
    AddTenantWorkloads(ctx, env, t, *job.dep, network, platform, u);
    built[j] = std::move(u);
  });
  size_t j = 0;
  for (size_t i = 0; i < envs.size(); ++i) {
    for (auto& u : envs[i].units) units.push_back(std::move(u));
    for (; j < jobs.size() && jobs[j].env == i; ++j) units.push_back(std::move(*built[j]));
  }
  return units;
}

}  // namespace eurus::synth
