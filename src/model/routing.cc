#include "model/routing.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace eurus::model {

std::optional<RuleSlot> TenantRuleSlot(const Network& net,
                                       const std::vector<Cidr>& tenant_subnets) {
  if (tenant_subnets.empty()) return std::nullopt;
  const Cidr vpc = net.cidr.Network();
  const int unit = std::max(net.tenant_subnet_size, vpc.prefix);
  uint32_t lowest = tenant_subnets.front().first();
  for (const Cidr& c : tenant_subnets) {
    if (!vpc.Contains(c)) return std::nullopt;
    lowest = std::min(lowest, c.first());
  }
  RuleSlot s;
  s.slots = 1 << (unit - vpc.prefix);
  s.slot = static_cast<int>((lowest - vpc.first()) >> (32 - unit));
  s.stride = kBandWidth / s.slots;
  return s;
}

RuleBand BandOf(const std::string& path) {
  if (path.find_first_of("*?") == std::string::npos) return RuleBand::kExact;
  if (path.size() >= 2 && path[0] == '/' && path.find_first_not_of('*', 1) == std::string::npos)
    return RuleBand::kCatchAll;
  return RuleBand::kPattern;
}

namespace {

/// The characters before the first wildcard: the longer, the more specific the pattern.
size_t LiteralPrefix(const std::string& path) {
  size_t w = path.find_first_of("*?");
  return w == std::string::npos ? path.size() : w;
}

}  // namespace

std::vector<ListenerRule> PlanListenerRules(const std::vector<App>& apps,
                                            std::vector<int>* index_in_band) {
  struct Planned {
    ListenerRule rule;
    size_t specificity;  ///< literal prefix of the rule's least specific path
    size_t app;
    size_t chunk;
  };
  std::vector<Planned> planned;
  for (size_t a = 0; a < apps.size(); ++a) {
    const App& app = apps[a];
    if (!app.route) continue;
    for (RuleBand band : {RuleBand::kExact, RuleBand::kPattern, RuleBand::kCatchAll}) {
      std::vector<std::string> paths;
      for (const std::string& p : app.route->paths)
        if (BandOf(p) == band) paths.push_back(p);
      // Within an app, the most specific patterns go into the first rules.
      std::stable_sort(paths.begin(), paths.end(), [](const std::string& x, const std::string& y) {
        return LiteralPrefix(x) > LiteralPrefix(y);
      });
      for (size_t i = 0, chunk = 0; i < paths.size(); i += kMaxPathsPerRule, ++chunk) {
        Planned p;
        p.rule.app = app.name;
        p.rule.host = app.route->host;
        p.rule.band = band;
        p.rule.span = app.route->span;
        p.specificity = SIZE_MAX;
        for (size_t j = i; j < std::min(paths.size(), i + kMaxPathsPerRule); ++j) {
          p.rule.paths.push_back(paths[j]);
          p.specificity = std::min(p.specificity, LiteralPrefix(paths[j]));
        }
        p.app = a;
        p.chunk = chunk;
        planned.push_back(std::move(p));
      }
    }
  }
  std::stable_sort(planned.begin(), planned.end(), [](const Planned& x, const Planned& y) {
    if (x.rule.band != y.rule.band) return x.rule.band < y.rule.band;
    if (x.rule.band == RuleBand::kPattern && x.specificity != y.specificity)
      return x.specificity > y.specificity;
    if (x.app != y.app) return x.app < y.app;
    return x.chunk < y.chunk;
  });
  std::vector<ListenerRule> out;
  std::array<int, 3> count = {0, 0, 0};
  if (index_in_band) index_in_band->clear();
  for (Planned& p : planned) {
    int& n = count[static_cast<size_t>(p.rule.band)];
    if (index_in_band) index_in_band->push_back(n);
    ++n;
    out.push_back(std::move(p.rule));
  }
  return out;
}

const ListenerRule* AssignPriorities(std::vector<ListenerRule>& rules,
                                     const std::vector<int>& index_in_band, const RuleSlot& slot) {
  const ListenerRule* overflow = nullptr;
  for (size_t i = 0; i < rules.size(); ++i) {
    const int index = index_in_band.at(i);
    if (index >= slot.stride && !overflow) overflow = &rules[i];
    rules[i].priority =
        1 + static_cast<int>(rules[i].band) * kBandWidth + slot.slot * slot.stride + index;
  }
  return overflow;
}

}  // namespace eurus::model
