#include "model/billing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace eurus::model::billing {

std::string TenantValue(const std::string& tenant, const std::string& env) { return tenant + "-" + env; }

std::string SharedValue(const std::string& scope) { return "shared_" + scope; }

namespace {

struct Target {
  std::string tenant, env;
};

/// "12.5" for 1250 hundredths of a percent.
std::string Percent(long hundredths) {
  std::string s = fmt::format("{}.{:02}", hundredths / 100, hundredths % 100);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

/// The FIXED percents of a scope's targets, or none when no `fixed` tenant is in it (the
/// rest-proportional rule is then plain PROPORTIONAL). Each fixed tenant's percent is
/// divided evenly among its targets, the rest evenly among the other targets (or among all
/// of them when every tenant is fixed); AWS takes percents only, so an even division stands
/// in for the estimate's proportional one (W0013). Largest remainders make the sum exactly
/// 100 in hundredths.
std::vector<std::string> FixedPercents(const Org& org, const std::vector<Target>& targets, bool& approximated) {
  std::map<std::string, double> fixed(org.shared_costs.fixed.begin(), org.shared_costs.fixed.end());
  std::map<std::string, int> per_tenant;
  double fixed_sum = 0;
  size_t others = 0;
  for (const Target& t : targets) {
    if (!fixed.count(t.tenant)) {
      ++others;
      continue;
    }
    if (per_tenant[t.tenant]++ == 0) fixed_sum += fixed[t.tenant];
  }
  if (per_tenant.empty()) return {};
  const double rest = std::max(0.0, 100 - fixed_sum);
  std::vector<double> share;
  for (const Target& t : targets) {
    double s = 0;
    if (auto it = fixed.find(t.tenant); it != fixed.end()) s = it->second / per_tenant[t.tenant];
    if (others > 0 && !fixed.count(t.tenant)) s = rest / static_cast<double>(others);
    if (others == 0) s += rest / static_cast<double>(targets.size());
    share.push_back(s);
  }
  for (const auto& [tenant, n] : per_tenant)
    if (n > 1) approximated = true;
  if (others > 1 || (others == 0 && rest > 1e-9)) approximated = true;
  // Hundredths of a percent, rounded down, then the remainder to the largest fractions.
  const double sum = [&] {
    double x = 0;
    for (double s : share) x += s;
    return x;
  }();
  std::vector<long> h(share.size());
  std::vector<std::pair<double, size_t>> frac;
  long given = 0;
  for (size_t i = 0; i < share.size(); ++i) {
    double exact = share[i] / sum * 10000;
    h[i] = static_cast<long>(std::floor(exact));
    given += h[i];
    frac.emplace_back(exact - static_cast<double>(h[i]), i);
  }
  std::stable_sort(frac.begin(), frac.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < 10000 && k < frac.size(); ++k, ++given) ++h[frac[k].second];
  std::vector<std::string> out;
  for (long x : h) out.push_back(Percent(x));
  return out;
}

}  // namespace

bool Disjoint(const Rule& a, const Rule& b) {
  if (a.inherited || b.inherited) {
    const Rule& other = a.inherited ? b : a;
    return !other.inherited && other.match == TagMatch::kAbsent;
  }
  if (a.account != b.account) return true;
  if (a.match == TagMatch::kAny || b.match == TagMatch::kAny) return false;
  if (a.match != b.match) return true;           // one value of the tag against its absence
  return a.match == TagMatch::kEquals && a.tag != b.tag;
}

Category PerEnvironment(const Org& org) {
  Category c;
  // Direct costs: the tenant's tagged lines in each environment's account.
  std::set<std::string> tenanted;  // accounts with tenant rules
  for (const Environment& e : org.environments)
    for (const Tenant& t : org.tenants)
      for (const Deployment& d : t.deployments)
        if (d.env == e.name) {
          c.rules.push_back({TenantValue(t.name, e.name), e.account, TagMatch::kEquals, t.name, false, t.span});
          tenanted.insert(e.account);
        }
  // Shared costs: the rest of each account. Where tenants have rules, "the rest" cannot be
  // "account AND NOT those tenants" (see billing.h), so it is the untagged lines and the
  // platform's; a line tagged with a tenant the account has no rule for (a removed tenant's
  // leftovers) gets the default value.
  auto shared = [&](const std::string& value, const std::string& account, Span span) {
    if (!tenanted.count(account)) {
      c.rules.push_back({value, account, TagMatch::kAny, {}, false, span});
      return;
    }
    c.rules.push_back({value, account, TagMatch::kAbsent, {}, false, span});
    c.rules.push_back({value, account, TagMatch::kEquals, kPlatformTenant, false, span});
  };
  for (const Environment& e : org.environments) shared(SharedValue(e.name), e.account, e.span);
  for (const Realm& r : org.realms)
    shared(SharedValue(std::string("common-") + RealmName(r.kind)), r.common_account, r.span);
  shared(SharedValue("management"), org.management_account, {});

  auto split = [&](const std::string& scope, const std::vector<Target>& targets, Span span) {
    if (targets.empty()) return;  // nobody to carry it: it stays shared (the estimate's unallocated)
    Split s{SharedValue(scope), {}, {}, span};
    for (const Target& t : targets) s.targets.push_back(TenantValue(t.tenant, t.env));
    if (!org.shared_costs.fixed.empty()) s.percents = FixedPercents(org, targets, c.fixed_approximated);
    c.splits.push_back(std::move(s));
  };
  std::vector<Target> all;
  std::map<RealmKind, std::vector<Target>> by_realm;
  std::map<std::string, std::vector<Target>> by_env;
  for (const Environment& e : org.environments)
    for (const Tenant& t : org.tenants)
      for (const Deployment& d : t.deployments)
        if (d.env == e.name) {
          all.push_back({t.name, e.name});
          by_realm[e.realm].push_back({t.name, e.name});
          by_env[e.name].push_back({t.name, e.name});
        }
  split("management", all, {});
  for (const Realm& r : org.realms) split(std::string("common-") + RealmName(r.kind), by_realm[r.kind], r.span);
  for (const Environment& e : org.environments) split(e.name, by_env[e.name], e.span);
  return c;
}

Category Compact(const Org& org) {
  Category c;
  c.form = Form::kCompact;
  struct Scope {
    std::string value, account;
    Span span;
  };
  std::vector<Scope> scopes;
  for (const Environment& e : org.environments) scopes.push_back({SharedValue(e.name), e.account, e.span});
  for (const Realm& r : org.realms)
    scopes.push_back({SharedValue(std::string("common-") + RealmName(r.kind)), r.common_account, r.span});
  scopes.push_back({SharedValue("management"), org.management_account, {}});
  // Every tagged line, in any account, gets the tag's value: the tenant's name, or
  // "platform" for the platform's own resources. Then each account's untagged lines.
  c.rules.push_back({{}, {}, TagMatch::kAny, {}, true, {}});
  for (const Scope& s : scopes) c.rules.push_back({s.value, s.account, TagMatch::kAbsent, {}, false, s.span});
  return c;
}

bool Fits(const Category& c) {
  if (c.rules.size() > kMaxRules || c.splits.size() > kMaxSplitRules) return false;
  for (const Split& s : c.splits)
    if (s.targets.size() > kMaxSplitTargets) return false;
  return true;
}

Category Plan(const Org& org) {
  Category full = PerEnvironment(org);
  if (Fits(full)) return full;
  Category c = Compact(org);
  Overflow& o = c.overflow;
  o.rules = full.rules.size();
  o.splits = full.splits.size();
  for (const Rule& r : full.rules)
    if (r.match == TagMatch::kEquals && r.tag != kPlatformTenant) ++o.tenant_environments;
  for (const Split& s : full.splits)
    if (s.targets.size() > o.targets) {
      o.targets = s.targets.size();
      o.widest = s.source;
    }
  return c;
}

}  // namespace eurus::model::billing
