#include "synth/synth.h"

#include <fmt/format.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/naming.h"
#include "synth/manifest.h"
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

Context::Context(const model::Org& o, const SourceMap& sources, std::string repo_dir)
    : org(o), sources_(sources), repo_dir_(std::move(repo_dir)) {
  for (FileId id = 0; id < sources_.size(); ++id) by_rel_.emplace(File({id, 0, 0}), id);
}

const std::string& Context::FileDigest(const std::string& rel) const {
  std::call_once(digests_once_, [this] {
    std::vector<std::pair<std::string, FileId>> files(by_rel_.begin(), by_rel_.end());
    std::vector<std::string> d(files.size());
    ParallelFor(files.size(), [&](size_t i) { d[i] = Digest({sources_.text(files[i].second)}); });
    for (size_t i = 0; i < files.size(); ++i) digests_.emplace(files[i].first, std::move(d[i]));
  });
  static const std::string kMissing = "missing";
  auto it = digests_.find(rel);
  return it == digests_.end() ? kMissing : it->second;
}

const std::string* Context::Text(const std::string& rel) const {
  auto it = by_rel_.find(rel);
  return it == by_rel_.end() ? nullptr : &sources_.text(it->second);
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

std::string Context::PlannerRoleArn(const std::string& account) const {
  return fmt::format("arn:aws:iam::{}:role/{}", account, naming::PlannerRole(org.name).value);
}

std::string Context::IdentityRoleArn(const std::string& account) const {
  // `<org>-deployer` or `<org>-planner`, chosen at run time (tf::kRoleVariable).
  return fmt::format("arn:aws:iam::{}:role/{}-${{var.{}}}", account, org.name, tf::kRoleVariable);
}

std::string Context::BoundaryArn(const std::string& account) const {
  return fmt::format("arn:aws:iam::{}:policy/{}", account, naming::BoundaryPolicy(org.name).value);
}

tf::Backend Context::BackendFor(const std::string& account, const std::string& unit) const {
  tf::Backend b;
  b.bucket = naming::StateBucket(org.name, account).value;
  b.key = unit + "/terraform.tfstate";
  b.region = org.region;
  b.role_arn = IdentityRoleArn(account);
  b.identity = true;
  // The key the bootstrap unit creates for state in every account.
  b.kms_key_id = fmt::format("arn:aws:kms:{}:{}:{}", org.region, account, naming::StateKeyAlias(org.name));
  return b;
}

tf::Provider Context::ProviderFor(const std::string& account, const std::string& environment,
                                  const std::string& tenant, const std::string& unit,
                                  const std::string& cost_center) const {
  tf::Provider p;
  p.region = org.region;
  p.account = account;
  p.role_arn = IdentityRoleArn(account);
  p.identity = true;
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

std::string TenantUnitName(const model::Tenant& tenant) { return "tenant-" + tenant.name; }

std::vector<std::string> TenantSources(const model::Environment& env, const model::Tenant& tenant) {
  return {"eurus.yaml", env.file, tenant.file};
}

std::string TenantFingerprint(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                              const model::Deployment& dep) {
  std::vector<std::string> owned;
  std::vector<std::string_view> parts;
  const std::vector<std::string> sources = TenantSources(env, tenant);  // the views below point into it
  for (const auto& rel : sources) {
    parts.push_back(rel);
    parts.push_back(ctx.FileDigest(rel));
  }
  auto cidrs = [&](const char* what, const std::vector<Cidr>& v) {
    std::string s = what;
    for (const auto& c : v) s += " " + c.ToString();
    owned.push_back(std::move(s));
  };
  const model::Network& n = env.network;
  cidrs("platform", n.platform_subnets);
  cidrs("egress", n.egress_subnets);
  cidrs("nat", n.nat_subnets);
  cidrs("tenant", dep.tenant_subnets);
  cidrs("data", dep.data_subnets);
  for (const auto& o : owned) parts.push_back(o);
  return Digest(parts);
}

std::map<std::string, std::string> TenantFingerprints(const Context& ctx) {
  struct Job {
    std::string id;
    const model::Environment* env;
    const model::Tenant* tenant;
    const model::Deployment* dep;
  };
  std::vector<Job> jobs;
  for (const auto& t : ctx.org.tenants)
    for (const auto& d : t.deployments) {
      const model::Environment& env = ctx.org.environments[d.env_index];
      jobs.push_back({env.name + "/" + TenantUnitName(t), &env, &t, &d});
    }
  std::vector<std::string> fps(jobs.size());
  ParallelFor(jobs.size(), [&](size_t i) { fps[i] = TenantFingerprint(ctx, *jobs[i].env, *jobs[i].tenant, *jobs[i].dep); });
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < jobs.size(); ++i) out.emplace(std::move(jobs[i].id), std::move(fps[i]));
  return out;
}

std::string OrgFingerprint(const Context& ctx, std::string_view lock) {
  std::vector<std::string_view> parts = {"org"};
  for (const auto& [rel, id] : ctx.files()) {
    if (rel == "eurus.lock.json") continue;  // `lock` stands for it
    parts.push_back(rel);
    parts.push_back(ctx.FileDigest(rel));
  }
  parts.push_back("lock");
  parts.push_back(lock);
  return Digest(parts);
}

namespace {

/// Every role a unit creates carries its account's permissions boundary, whichever feature
/// made it (docs/Security.md, "The deployer cannot make itself admin"); E0810 checks it.
/// The bootstrap's own roles (deployer, planner) are made before the boundary and hold it.
void AddBoundaries(const Context& ctx, tf::Unit& unit) {
  if (unit.backend.local || unit.providers.empty()) return;
  const tf::Json& all = unit.resources();
  auto roles = all.find("aws_iam_role");
  if (roles == all.end()) return;
  std::vector<std::string> names;
  for (const auto& [name, body] : roles->items()) names.push_back(name);
  const std::string boundary = ctx.BoundaryArn(unit.providers.front().account);
  for (const auto& name : names) unit.Body(unit.Existing("aws_iam_role", name))["permissions_boundary"] = boundary;
}

}  // namespace

Synthesis::Synthesis(const Context& ctx, const TenantFilter& build) : ctx_(ctx) {
  // The account and environment units read only the model: each feature, and each
  // environment's pair, is built beside the others (the registries are the largest), then
  // they are placed in the fixed order.
  using Feature = void (*)(const Context&, std::vector<tf::Unit>&);
  static constexpr Feature kAccountUnits[] = {AddBootstrap, AddRegistry, AddBackup, AddObservability};
  constexpr size_t kFeatures = std::size(kAccountUnits);
  const size_t n_envs = ctx.org.environments.size();
  struct EnvUnits {
    std::vector<tf::Unit> units;
    size_t network = 0;
    size_t platform = 0;
  };
  std::vector<EnvUnits> envs(n_envs);
  std::vector<std::vector<tf::Unit>> account_units(kFeatures);
  ParallelFor(
      kFeatures + n_envs,
      [&](size_t k) {
        if (k < kFeatures) {
          kAccountUnits[k](ctx, account_units[k]);
          return;
        }
        const size_t i = k - kFeatures;
        const auto& env = ctx.org.environments[i];
        envs[i].network = AddNetwork(ctx, env, envs[i].units);
        envs[i].platform = AddPlatform(ctx, env, envs[i].units[envs[i].network], envs[i].units);
      },
      1);
  for (auto& feature : account_units)
    for (auto& u : feature) units_.push_back(std::move(u));
  env_begin_.resize(n_envs);
  env_end_.resize(n_envs);
  network_.resize(n_envs);
  platform_.resize(n_envs);
  jobs_.resize(n_envs);
  for (size_t i = 0; i < n_envs; ++i) {
    env_begin_[i] = units_.size();
    network_[i] = units_.size() + envs[i].network;
    platform_[i] = units_.size() + envs[i].platform;
    for (auto& u : envs[i].units) units_.push_back(std::move(u));
    env_end_[i] = units_.size();
    const auto& env = ctx.org.environments[i];
    for (const auto& t : ctx.org.tenants)
      for (const auto& dep : t.deployments)
        if (dep.env == env.name && (!build || build(env, t))) jobs_[i].push_back({&t, &dep});
  }
  for (auto& u : units_) AddBoundaries(ctx, u);
  AddBilling(ctx, units_);  // last: it orders itself after the other units
  n_units_ = units_.size();
}

std::vector<std::string> Synthesis::TenantIds() const {
  std::vector<std::string> ids;
  for (size_t e = 0; e < jobs_.size(); ++e)
    for (const Job& job : jobs_[e]) ids.push_back(ctx_.org.environments[e].name + "/" + TenantUnitName(*job.tenant));
  return ids;
}

std::vector<tf::Unit> Synthesis::TenantUnits(size_t e, const std::vector<tf::Unit>& units) const {
  if (units.size() != n_units_) throw std::logic_error("Synthesis::TenantUnits: not the units this synthesis made");
  const model::Environment& env = ctx_.org.environments[e];
  std::vector<std::optional<tf::Unit>> built(jobs_[e].size());
  ParallelFor(jobs_[e].size(), [&](size_t j) {
    const Job& job = jobs_[e][j];
    const model::Tenant& t = *job.tenant;
    tf::Unit u = ctx_.NewUnit(env.name, env.account, env.name, t.name, TenantUnitName(t), t.cost_center);
    for (auto& rel : TenantSources(env, t)) u.sources.insert(std::move(rel));
    const tf::Unit& network = units[network_[e]];
    const tf::Unit& platform = units[platform_[e]];
    AddTenantNetwork(ctx_, env, t, *job.dep, network, u);
    AddTenantData(ctx_, env, t, *job.dep, network, platform, u);
    AddTenantWorkloads(ctx_, env, t, *job.dep, network, platform, u);
    AddTenantApiRoutes(ctx_, env, t, *job.dep, platform, u);
    AddTenantAccess(ctx_, env, t, u);
    // After the environment's own units, whether or not this unit reads them (synth.h).
    for (size_t k = env_begin_[e]; k < env_end_[e]; ++k) u.dependencies.insert(units[k].id());
    AddBoundaries(ctx_, u);
    built[j] = std::move(u);
  });
  std::vector<tf::Unit> out;
  out.reserve(built.size());
  for (auto& u : built) out.push_back(std::move(*u));
  return out;
}

std::vector<tf::Unit> Synthesis::Assemble(std::vector<tf::Unit> units,
                                          std::vector<std::vector<tf::Unit>> tenants) const {
  if (units.size() != n_units_ || tenants.size() != jobs_.size())
    throw std::logic_error("Synthesis::Assemble: not the units this synthesis made");
  std::vector<tf::Unit> out;
  size_t next = 0;
  auto take_until = [&](size_t end) {
    for (; next < end; ++next) out.push_back(std::move(units[next]));
  };
  for (size_t e = 0; e < jobs_.size(); ++e) {
    take_until(env_end_[e]);
    for (auto& u : tenants[e]) out.push_back(std::move(u));
  }
  take_until(units.size());
  return out;
}

std::vector<tf::Unit> Synthesize(const Context& ctx, const TenantFilter& build) {
  Synthesis s(ctx, build);
  std::vector<std::vector<tf::Unit>> tenants;
  for (size_t e = 0; e < s.environments(); ++e) tenants.push_back(s.TenantUnits(e, s.units()));
  return s.Assemble(std::move(s.units()), std::move(tenants));
}

}  // namespace eurus::synth
