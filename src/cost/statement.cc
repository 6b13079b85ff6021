#include "cost/statement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace eurus::cost {

namespace {

constexpr char kSep = '\x1f';
/// The tenant tag value of the platform's own (shared) resources (synth/synth.h tags::kPlatform).
constexpr char kPlatformTenant[] = "platform";

std::vector<std::string> SplitKey(const std::string& k) {
  std::vector<std::string> out(1);
  for (char c : k) {
    if (c == kSep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

/// `n` shared so that the parts are proportional to `w` (≥ 0, not all 0) and sum to `n`
/// exactly: floors, then the largest remainders get one more.
std::vector<Amount> Apportion(Amount n, const std::vector<double>& w) {
  std::vector<Amount> out(w.size(), 0);
  if (w.empty()) return out;
  double sum = std::accumulate(w.begin(), w.end(), 0.0);
  Amount mag = n < 0 ? -n : n;
  std::vector<std::pair<double, size_t>> rem;
  Amount given = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    double exact = sum > 0 ? static_cast<double>(mag) * (w[i] / sum) : static_cast<double>(mag) / static_cast<double>(w.size());
    Amount f = static_cast<Amount>(std::floor(exact));
    out[i] = f;
    given += f;
    rem.push_back({exact - static_cast<double>(f), i});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  Amount left = mag - given;  // small: the floors lose < 1 each (more only by rounding of huge values)
  for (size_t k = 0; left > 0; k = (k + 1) % rem.size(), --left) ++out[rem[k].second];
  for (size_t k = 0; left < 0; k = (k + 1) % rem.size()) {  // doubles summed above the amount
    if (out[rem[rem.size() - 1 - k].second] > 0) --out[rem[rem.size() - 1 - k].second], ++left;
  }
  if (n < 0)
    for (auto& x : out) x = -x;
  return out;
}

/// The (tenant, environment) pairs of `scope`, in the org's order (as the estimate's Allocate).
std::vector<std::pair<std::string, std::string>> PairsOf(const model::Org& org, const std::string& scope) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : org.tenants)
    for (const auto& d : t.deployments) {
      const model::Environment* env = org.environment(d.env);
      bool in = scope == "management" || scope == "env:" + d.env ||
                (env && scope == std::string("realm:") + model::RealmName(env->realm));
      if (in) out.push_back({t.name, d.env});
    }
  return out;
}

bool Onboarded(const model::Org& org, const std::string& tenant, const std::string& env) {
  for (const auto& t : org.tenants)
    if (t.name == tenant)
      for (const auto& d : t.deployments)
        if (d.env == env) return true;
  return false;
}

/// Attributed sums of one month: direct by (tenant, env, service), shared by (scope, service),
/// unallocated by reason.
struct Sums {
  std::map<std::tuple<std::string, std::string, std::string>, Amount> direct;
  std::map<std::pair<std::string, std::string>, Amount> shared;
  std::map<std::string, Amount> unallocated;

  void Add(const Attribution& a, const std::string& service, Amount cost) {
    if (a.to == Attribution::To::kDirect) direct[{a.tenant, a.environment, service}] += cost;
    else if (a.to == Attribution::To::kShared) shared[{a.scope, service}] += cost;
    else unallocated[a.reason] += cost;
  }
};

/// After the split: (tenant, env, service) → {direct, shared}; scopes; unallocated.
struct Split {
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<Amount, Amount>> rows;
  std::vector<ScopeSplit> scopes;
  std::map<std::string, Amount> unallocated;
};

Split SplitSums(const model::Org& org, const Sums& s) {
  Split out;
  out.unallocated = s.unallocated;
  std::map<std::pair<std::string, std::string>, Amount> pair_direct;
  for (const auto& [k, v] : s.direct) {
    out.rows[k].first += v;
    pair_direct[{std::get<0>(k), std::get<1>(k)}] += v;
  }
  std::map<std::string, ScopeSplit> scopes;
  for (const auto& [k, amount] : s.shared) {
    const auto& [scope, service] = k;
    auto pairs = PairsOf(org, scope);
    if (pairs.empty()) {
      out.unallocated[fmt::format("shared cost of {} (no tenant is onboarded there)", scope)] += amount;
      continue;
    }
    std::vector<std::string> names;
    std::vector<Amount> weights;
    for (const auto& p : pairs) {
      names.push_back(p.first);
      auto it = pair_direct.find(p);
      weights.push_back(it == pair_direct.end() ? 0 : it->second);
    }
    std::vector<Amount> shares = SplitExact(org.shared_costs, amount, names, weights);
    ScopeSplit& sc = scopes[scope];
    sc.scope = scope;
    sc.amount += amount;
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (shares[i] == 0) continue;
      out.rows[{pairs[i].first, pairs[i].second, service}].second += shares[i];
      std::string who = pairs[i].first + "/" + pairs[i].second;
      auto it = std::find_if(sc.to.begin(), sc.to.end(), [&](const auto& x) { return x.first == who; });
      if (it == sc.to.end()) sc.to.push_back({who, shares[i]});
      else it->second += shares[i];
    }
  }
  for (auto& [_, sc] : scopes) out.scopes.push_back(std::move(sc));
  return out;
}

/// The estimate as sums: tenant lines direct, the others shared in their unit's scope.
Sums EstimateSums(const Estimate& e) {
  Sums s;
  for (const auto& l : e.lines) {
    if (l.monthly == 0) continue;
    Amount n = static_cast<Amount>(std::llround(l.monthly * static_cast<double>(kAmountScale)));
    Attribution a;
    if (!l.tenant.empty()) {
      a.to = Attribution::To::kDirect;
      a.tenant = l.tenant;
      a.environment = l.environment;
    } else {
      std::string dir = l.unit.substr(0, l.unit.find('/'));
      a.to = Attribution::To::kShared;
      a.scope = !l.environment.empty() ? "env:" + l.environment
                : dir.rfind("common-", 0) == 0 ? "realm:" + dir.substr(7)
                                               : "management";
    }
    s.Add(a, l.service, n);
  }
  return s;
}

}  // namespace

void Ledger::Add(const CurRow& r) {
  key_.clear();
  for (std::string_view f : {r.month, r.currency, r.account, r.line_type, r.service, r.tenant, r.environment}) {
    key_.append(f.data(), f.size());
    key_ += kSep;
  }
  auto it = sums_.find(key_);
  if (it == sums_.end()) it = sums_.emplace(key_, std::pair<Amount, int64_t>{0, 0}).first;
  it->second.first += r.cost;
  ++it->second.second;
  ++lines_;
}

void Ledger::Merge(const Ledger& other) {
  for (const auto& [k, v] : other.sums_) {
    auto& mine = sums_[k];
    mine.first += v.first;
    mine.second += v.second;
  }
  lines_ += other.lines_;
}

std::vector<LedgerGroup> Ledger::Groups() const {
  std::vector<LedgerGroup> out;
  for (const auto& [k, v] : sums_) {
    auto f = SplitKey(k);
    f.resize(8);
    out.push_back({f[0], f[1], f[2], f[3], f[4], f[5], f[6], v.first, v.second});
  }
  std::sort(out.begin(), out.end(), [](const LedgerGroup& a, const LedgerGroup& b) {
    return std::tie(a.month, a.account, a.line_type, a.service, a.tenant, a.environment) <
           std::tie(b.month, b.account, b.line_type, b.service, b.tenant, b.environment);
  });
  return out;
}

Attribution Attribute(const model::Org& org, const std::string& account, const std::string& tenant,
                      const std::string& environment) {
  Attribution a;
  std::vector<std::string> envs;  // the environments in this account
  for (const auto& e : org.environments)
    if (e.account == account) envs.push_back(e.name);
  bool env_tag_here = std::find(envs.begin(), envs.end(), environment) != envs.end();
  std::string env = env_tag_here ? environment : envs.size() == 1 ? envs[0] : std::string();
  if (!tenant.empty() && tenant != kPlatformTenant) {
    bool known = std::any_of(org.tenants.begin(), org.tenants.end(), [&](const auto& t) { return t.name == tenant; });
    if (!known) {
      a.reason = fmt::format("resource tag eurus:tenant=`{}` names no tenant of the organisation", tenant);
      return a;
    }
    // The environment tag wins when it names an environment (a resource in another account
    // is still the tenant's); else the account's environment.
    std::string e = org.environment(environment) ? environment : env;
    if (!e.empty() && Onboarded(org, tenant, e)) {
      a.to = Attribution::To::kDirect;
      a.tenant = tenant;
      a.environment = e;
      return a;
    }
    a.reason = e.empty() ? fmt::format("tenant `{}` tagged in account {}, which is no environment's, without "
                                       "an eurus:environment tag",
                                       tenant, account)
                         : fmt::format("tenant `{}` is not onboarded in environment `{}`", tenant, e);
    return a;
  }
  a.to = Attribution::To::kShared;
  if (account == org.management_account) {
    a.scope = "management";
    return a;
  }
  for (const auto& r : org.realms)
    if (r.common_account == account) {
      a.scope = std::string("realm:") + model::RealmName(r.kind);
      return a;
    }
  if (!env.empty()) {
    a.scope = "env:" + env;
    return a;
  }
  if (envs.empty() && !environment.empty() && org.environment(environment)) {
    a.scope = "env:" + environment;  // a platform resource tagged with its environment, in another account
    return a;
  }
  a.to = Attribution::To::kUnallocated;
  a.reason = envs.empty() ? fmt::format("account {} is not an account of the organisation (untagged)", account)
                          : fmt::format("account {} holds environments {}: an untagged line names none of them",
                                        account, fmt::join(envs, ", "));
  return a;
}

std::vector<Amount> SplitExact(const model::SharedCosts& rule, Amount amount, const std::vector<std::string>& tenants,
                              const std::vector<Amount>& weights) {
  std::vector<double> w;
  for (Amount x : weights) w.push_back(x > 0 ? static_cast<double>(x) : 0.0);
  // The estimate's rule on 1 unit gives each pair's fraction; Apportion makes it exact.
  std::vector<double> frac = SplitShared(rule, 1.0, tenants, w);
  for (auto& f : frac) f = std::max(f, 0.0);
  return Apportion(amount, frac);
}

int64_t ToCents(Amount n) {
  constexpr Amount kPerCent = kAmountPerCent;
  Amount mag = n < 0 ? -n : n;
  Amount c = (mag + kPerCent / 2) / kPerCent;
  return n < 0 ? -c : c;
}

namespace {

/// Cents for the rows and reasons whose sum is exactly the total's cents.
void ReconcileCents(Statement& s) {
  s.total_cents = ToCents(s.total);
  std::vector<int64_t*> cents;
  for (auto& r : s.rows) cents.push_back(&r.total_cents);
  for (auto& u : s.unallocated) cents.push_back(&u.cents);
  std::vector<Amount> exact;
  for (const auto& r : s.rows) exact.push_back(r.total());
  for (const auto& u : s.unallocated) exact.push_back(u.amount);
  // Truncate each to cents, then hand out the missing cents by the largest remainders.
  constexpr Amount kPerCent = kAmountPerCent;
  int64_t given = 0;
  std::vector<std::pair<Amount, size_t>> rem;
  for (size_t i = 0; i < exact.size(); ++i) {
    Amount q = exact[i] / kPerCent, r = exact[i] % kPerCent;
    if (r < 0) q -= 1, r += kPerCent;  // floor
    *cents[i] = q;
    given += q;
    rem.push_back({r, i});
  }
  std::stable_sort(rem.begin(), rem.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  int64_t left = s.total_cents - given;  // 0 ≤ left < number of items
  for (size_t k = 0; k < rem.size() && left > 0; ++k, --left) ++*cents[rem[k].second];
  for (auto& r : s.rows) {
    r.direct_cents = ToCents(r.direct);
    r.shared_cents = r.total_cents - r.direct_cents;
    r.estimate_cents = ToCents(r.estimate);
  }
  s.unallocated_cents = 0;
  for (const auto& u : s.unallocated) s.unallocated_cents += u.cents;
}

}  // namespace

bool BuildStatement(const model::Org& org, const std::vector<LedgerGroup>& groups, const std::string& month,
                    const Estimate* estimate, Statement* out, std::string* error) {
  std::set<std::string> currencies, months;
  for (const auto& g : groups) {
    if (!g.currency.empty()) currencies.insert(g.currency);
    months.insert(g.month);
  }
  if (currencies.size() > 1) {
    *error = fmt::format("the input holds several currencies ({}); report one payer's export at a time",
                         fmt::join(currencies, ", "));
    return false;
  }
  Statement& s = *out;
  s = Statement();
  s.currency = currencies.empty() ? "USD" : *currencies.begin();
  s.month = month.empty() ? (months.empty() ? std::string() : *months.rbegin()) : month;
  if (!months.count(s.month)) {
    *error = months.empty() ? "the input has no line items"
                            : fmt::format("the input has no line items for {} (it has {})", s.month, fmt::join(months, ", "));
    return false;
  }
  std::map<std::string, Sums> per_month;
  std::map<std::string, Amount> month_totals;
  for (const auto& g : groups) {
    Attribution a = Attribute(org, g.account, g.tenant, g.environment);
    per_month[g.month].Add(a, g.service, g.cost);
    month_totals[g.month] += g.cost;
    if (g.month == s.month) {
      s.total += g.cost;
      s.lines += g.lines;
      s.line_types[g.line_type.empty() ? "(none)" : g.line_type] += g.cost;
    }
  }
  for (const auto& [m, sums] : per_month) {
    Split sp = SplitSums(org, sums);
    MonthTotal t{m, month_totals[m], {}, 0};
    for (const auto& [k, v] : sp.rows) t.tenants[std::get<0>(k)] += v.first + v.second;
    for (const auto& [_, v] : sp.unallocated) t.unallocated += v;
    s.trend.push_back(std::move(t));
    if (m != s.month) continue;
    std::map<std::tuple<std::string, std::string, std::string>, Amount> est;
    if (estimate) {
      Split e = SplitSums(org, EstimateSums(*estimate));
      for (const auto& [k, v] : e.rows) est[k] = v.first + v.second;
    }
    std::set<std::tuple<std::string, std::string, std::string>> keys;
    for (const auto& [k, _] : sp.rows) keys.insert(k);
    for (const auto& [k, _] : est) keys.insert(k);
    for (const auto& k : keys) {
      StatementRow r{std::get<0>(k), std::get<1>(k), std::get<2>(k)};
      if (auto it = sp.rows.find(k); it != sp.rows.end()) r.direct = it->second.first, r.shared = it->second.second;
      if (auto it = est.find(k); it != est.end()) r.estimate = it->second;
      s.rows.push_back(std::move(r));
    }
    for (const auto& [reason, v] : sp.unallocated) {
      s.unallocated.push_back({reason, v, 0});
      s.unallocated_total += v;
    }
    s.scopes = std::move(sp.scopes);
  }
  ReconcileCents(s);
  return true;
}

}  // namespace eurus::cost
