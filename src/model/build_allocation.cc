// Subnet allocation against the lock file (ipam/allocator.h), the subnets resolved into the
// model, and each tenant's listener rule priorities (model/routing.h).

#include <algorithm>

#include "diag/codes.h"
#include "ipam/allocator.h"
#include "model/build_context.h"
#include "model/routing.h"

namespace eurus::model::build {

namespace {

/// A deployment of `env`, with its tenant.
using Placed = std::vector<std::pair<Tenant*, Deployment*>>;

/// What the allocator needs to know of `env`; collects the deployments placed there.
EnvLayout LayoutOf(Org& org, const Environment& env, Placed& here) {
  EnvLayout layout;
  layout.vpc = env.network.cidr;
  if (env.network.egress) layout.egress = env.network.egress->cidr;
  layout.azs = env.network.azs;
  layout.platform_size = env.network.platform_subnet_size;
  layout.tenant_size = env.network.tenant_subnet_size;
  layout.data_size = env.network.data_subnet_size;
  layout.public_nat = env.network.internet_egress;
  for (auto& t : org.tenants)
    for (auto& dep : t.deployments)
      if (dep.env == env.name) {
        layout.tenants.push_back(t.name);
        here.emplace_back(&t, &dep);
      }
  return layout;
}

/// Reports why `ar` cannot be used (a VPC too small or full, a lock that no longer fits);
/// false when it was.
bool CheckAllocation(Context& ctx, const Environment& env, const config::EnvDoc& d, const EnvLock* prev,
                     const AllocResult& ar) {
  if (!ar.problem.empty() && (!prev || ar.problem.find("no room") != std::string::npos)) {
    ctx.Report(Bad(codes::kVpcExhausted, fmt::format("environment `{}` has no room for its shared subnets: {}", env.name, ar.problem),
                   d.network.cidr.span, fmt::format("VPC {} is too small", env.network.cidr.ToString()))
                   .Help("use a larger VPC CIDR, or smaller platform_subnet_size/tenant_subnet_size/data_subnet_size"));
    return false;
  }
  if (!ar.problem.empty()) {
    ctx.Report(Bad(codes::kLockConflict, fmt::format("the subnets recorded for environment `{}` no longer fit: {}", env.name, ar.problem),
                   d.network.cidr.span, "changed since the allocations were made")
                   .Note(fmt::format("{} records the live subnets; eurus never moves them", ctx.options.lock_path))
                   .Help("restore the previous network settings, or release the affected tenants (`eurus release`) first"));
    return false;
  }
  if (!ar.unplaced.empty()) {
    int per_tenant_tenant = static_cast<int>(env.network.azs.size());
    ctx.Report(Bad(codes::kVpcExhausted,
                   fmt::format("environment `{}` has no room for {} more tenant{} ({})", env.name, ar.unplaced.size(),
                               ar.unplaced.size() == 1 ? "" : "s", List(ar.unplaced, "and")),
                   d.network.cidr.span, fmt::format("VPC {} is full", env.network.cidr.ToString()))
                   .Note(fmt::format("each tenant takes {} /{} tenant subnets and {} /{} data subnets; {} more tenant{} fit{}",
                                     per_tenant_tenant, env.network.tenant_subnet_size, per_tenant_tenant,
                                     env.network.data_subnet_size, ar.fit_more, ar.fit_more == 1 ? "" : "s",
                                     ar.reserved.empty() ? "" : fmt::format("; {} removed tenant{} still hold subnets", ar.reserved.size(), ar.reserved.size() == 1 ? "" : "s")))
                   .Help("use a larger VPC CIDR (down to /16), smaller tenant_subnet_size/data_subnet_size, or release removed tenants with `eurus release`"));
    return false;
  }
  return true;
}

/// The lock's subnets in the model, in the environment's AZ order.
void ResolveSubnets(const EnvLock& el, Environment& env, const Placed& here) {
  for (const auto& az : env.network.azs) {
    env.network.platform_subnets.push_back(el.platform.at(az));
    if (env.network.egress && el.egress.count(az)) env.network.egress_subnets.push_back(el.egress.at(az));
    if (env.network.internet_egress) env.network.nat_subnets.push_back(el.nat.at(az));
  }
  for (auto [t, dep] : here) {
    const auto& tl = el.tenants.at(t->name);
    for (const auto& az : env.network.azs) {
      dep->tenant_subnets.push_back(tl.tenant.at(az));
      dep->data_subnets.push_back(tl.data.at(az));
    }
  }
}

/// Listener rule priorities of every tenant of `env` (model/routing.h): each tenant's rules
/// fit its share of every band, and no two tenants with rules share a slot (only possible
/// when tenant subnets were allocated smaller than today's tenant_subnet_size).
void AssignRulePriorities(Context& ctx, const Environment& env, const Placed& here) {
  std::map<int, std::pair<const Tenant*, Span>> slot_owner;
  for (auto [t, dep] : here) {
    std::vector<int> index;
    std::vector<ListenerRule> rules = PlanListenerRules(dep->apps, &index);
    if (rules.empty()) continue;
    std::optional<RuleSlot> slot = TenantRuleSlot(env.network, dep->tenant_subnets);
    if (!slot) continue;
    const char* band_names[] = {"exact-path", "wildcard-path", "catch-all"};
    if (const ListenerRule* over = AssignPriorities(rules, index, *slot)) {
      int need = 0;
      for (const auto& r : rules) need += r.band == over->band;
      const int unit = std::max(env.network.tenant_subnet_size, env.network.cidr.prefix);
      ctx.Report(Bad(codes::kRulePriority,
                     fmt::format("tenant `{}` needs {} {} listener rules in environment `{}`, and each tenant has room for {}",
                                 t->name, need, band_names[static_cast<int>(over->band)], env.name, slot->stride),
                     over->span, fmt::format("app `{}`'s rule does not fit", over->app))
                     .Note(fmt::format("the VPC {} holds {} tenant slots of /{}; each slot gets {} / {} = {} priorities per band",
                                       env.network.cidr.ToString(), slot->slots, unit, kBandWidth, slot->slots, slot->stride))
                     .Help(fmt::format("use fewer route paths (up to {} share one rule) or fewer routed apps; the share "
                                       "of environment `{}` grows with larger tenant subnets (a smaller tenant_subnet_size, set "
                                       "before tenants are allocated)",
                                       kMaxPathsPerRule, env.name)));
      continue;
    }
    auto [it, fresh] = slot_owner.emplace(slot->slot, std::make_pair(t, rules.front().span));
    if (!fresh) {
      ctx.Report(Bad(codes::kRulePriority,
                     fmt::format("tenants `{}` and `{}` share listener rule slot {} in environment `{}`",
                                 it->second.first->name, t->name, slot->slot, env.name),
                     rules.front().span, "this tenant's rule priorities would collide")
                     .Secondary(it->second.second, fmt::format("with tenant `{}`'s", it->second.first->name))
                     .Note(fmt::format("their lowest tenant subnets lie in the same /{} of the VPC: they were allocated "
                                       "smaller than today's tenant_subnet_size",
                                       std::max(env.network.tenant_subnet_size, env.network.cidr.prefix)))
                     .Help(fmt::format("set tenant_subnet_size in {} back to the size the subnets were allocated with",
                                       env.file)));
      continue;
    }
    for (const ListenerRule& r : rules) {
      if (r.priority >= 1 && r.priority <= kMaxRulePriority) continue;
      ctx.Report(Bad(codes::kRulePriority,
                     fmt::format("listener rule priority {} of app `{}` is outside 1..{}", r.priority, r.app, kMaxRulePriority),
                     r.span, "out of range"));
    }
    dep->listener_rules = std::move(rules);
  }
}

/// One environment's subnets: allocated (or read from the lock), resolved into the model,
/// and the lock updated in `result`.
void AllocateEnvironment(Context& ctx, Environment& env, BuildResult& result) {
  const config::EnvDoc& d = *ctx.env_docs[env.name];
  Placed here;
  EnvLayout layout = LayoutOf(ctx.org, env, here);
  auto prev_it = ctx.previous.environments.find(env.name);
  const EnvLock* prev = prev_it == ctx.previous.environments.end() ? nullptr : &prev_it->second;
  AllocResult ar = eurus::Allocate(layout, prev);
  if (!CheckAllocation(ctx, env, d, prev, ar)) return;
  for (const auto& r : ar.reserved) {
    result.reserved.push_back(env.name + "/" + r);
  }
  if (ar.changed) {
    for (const auto& tn : ar.allocated)
      result.lock_changes.push_back(fmt::format("allocated subnets for {}/{}", env.name, tn));
    if (ar.allocated.empty()) result.lock_changes.push_back(fmt::format("allocated shared subnets for {}", env.name));
  }
  ResolveSubnets(ar.lock, env, here);
  AssignRulePriorities(ctx, env, here);
  if (ar.changed) result.lock_changed = true;
  result.lock.environments[env.name] = std::move(ar.lock);
}

}  // namespace

void Allocate(Context& ctx, BuildResult& result) {
  result.lock = ctx.previous;
  for (auto& env : ctx.org.environments) {
    if (!ctx.env_cidr_ok[env.name]) continue;
    AllocateEnvironment(ctx, env, result);
  }
  if (result.lock_changed && ctx.options.frozen) {
    std::string what = List(result.lock_changes, "and");
    ctx.Report(Error(codes::kLockFrozen, fmt::format("{} would change with --frozen", ctx.options.lock_path))
                   .Note(what)
                   .Help("run `eurus check` without --frozen and commit the updated lock file"));
  }
}

}  // namespace eurus::model::build
