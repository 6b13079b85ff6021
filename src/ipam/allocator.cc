#include "ipam/allocator.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace eurus {
namespace {

/// Addresses in use, as disjoint half-open spans [start, end) in 64 bits (so 2^32 fits).
/// Touching spans are merged: a packed vpc is a handful of spans however many blocks it
/// holds, which keeps first-fit close to O(log n).
class SpanSet {
 public:
  /// Adds [lo, hi); returns false, changing nothing, when it intersects a span held.
  bool Insert(uint64_t lo, uint64_t hi) {
    auto next = spans_.lower_bound(lo);
    if (next != spans_.end() && next->first < hi) return false;
    if (next != spans_.begin()) {
      auto prev = std::prev(next);
      if (prev->second > lo) return false;
      if (prev->second == lo) {
        lo = prev->first;
        spans_.erase(prev);
      }
    }
    if (next != spans_.end() && next->first == hi) {
      hi = next->second;
      spans_.erase(next);
    }
    spans_.emplace(lo, hi);
    return true;
  }
  bool Insert(const Cidr& c) { return Insert(c.first(), uint64_t{c.first()} + c.size()); }

  /// Removes `c`, which must have been inserted.
  void Erase(const Cidr& c) {
    uint64_t lo = c.first();
    uint64_t hi = lo + c.size();
    auto it = std::prev(spans_.upper_bound(lo));
    auto [start, end] = *it;
    spans_.erase(it);
    if (start < lo) spans_.emplace(start, lo);
    if (hi < end) spans_.emplace(hi, end);
  }

  /// The lowest block of length `prefix` inside `range` that intersects no span.
  std::optional<Cidr> FirstFit(const Cidr& range, int prefix) const {
    if (prefix < range.prefix || prefix > 32) return std::nullopt;
    const uint64_t size = uint64_t{1} << (32 - prefix);
    const uint64_t end = uint64_t{range.first()} + range.size();
    auto align_up = [size](uint64_t a) { return (a + size - 1) & ~(size - 1); };
    uint64_t at = range.first();
    while (at + size <= end) {
      auto next = spans_.upper_bound(at);  // first span starting after `at`
      if (next != spans_.begin() && std::prev(next)->second > at) {
        at = align_up(std::prev(next)->second);  // `at` is inside a span: skip past it
      } else if (next != spans_.end() && next->first < at + size) {
        at = align_up(next->second);  // the gap before `next` is too small
      } else {
        return Cidr{static_cast<uint32_t>(at), prefix};
      }
    }
    return std::nullopt;
  }

 private:
  std::map<uint64_t, uint64_t> spans_;  ///< start -> end; disjoint and never touching
};

/// One recorded block; points into the EnvLock it came from.
struct Held {
  Cidr cidr;
  const char* kind;  ///< "platform", "egress", "tenant", "data"
  const std::string* az;
  const std::string* tenant;  ///< owner; null for platform and egress subnets
  bool in_vpc() const { return kind[0] != 'e'; }
};

std::string Describe(const Held& h) {
  if (!h.tenant) return fmt::format("{} subnet {} ({})", h.kind, h.cidr.ToString(), *h.az);
  return fmt::format("{} subnet {} of tenant {} ({})", h.kind, h.cidr.ToString(), *h.tenant, *h.az);
}

std::vector<Held> AllBlocks(const EnvLock& lock) {
  std::vector<Held> out;
  for (const auto& [az, c] : lock.platform) out.push_back({c, "platform", &az, nullptr});
  for (const auto& [az, c] : lock.egress) out.push_back({c, "egress", &az, nullptr});
  for (const auto& [az, c] : lock.nat) out.push_back({c, "nat", &az, nullptr});
  for (const auto& [name, t] : lock.tenants) {
    for (const auto& [az, c] : t.tenant) out.push_back({c, "tenant", &az, &name});
    for (const auto& [az, c] : t.data) out.push_back({c, "data", &az, &name});
  }
  return out;
}

/// Why the previous allocations cannot be kept under `layout`, or "" when they can. Fills
/// `used` with every block held.
std::string CheckPrevious(const EnvLayout& layout, const EnvLock& previous, SpanSet* used) {
  std::vector<Held> blocks = AllBlocks(previous);
  for (const Held& b : blocks) {
    if (!used->Insert(b.cidr)) {
      return fmt::format("{} overlaps another block in the lock", Describe(b));
    }
  }
  std::vector<const Held*> outside;
  for (const Held& b : blocks) {
    if (b.in_vpc() && !layout.vpc.Contains(b.cidr)) outside.push_back(&b);
  }
  if (!outside.empty()) {
    const Held& b = *outside.front();
    std::string more =
        outside.size() > 1 ? fmt::format(" (and {} more blocks)", outside.size() - 1) : "";
    std::string fix = b.tenant ? fmt::format("keep the vpc cidr {}, or release tenant {} first",
                                             previous.vpc, *b.tenant)
                               : fmt::format("keep the vpc cidr {}", previous.vpc);
    return fmt::format(
        "{} lies outside the vpc cidr {}{}: the vpc cidr cannot change under live allocations "
        "(the lock has {}); {}",
        Describe(b), layout.vpc.ToString(), more, previous.vpc, fix);
  }
  if (layout.egress) {
    for (const Held& b : blocks) {
      if (!b.in_vpc() && !layout.egress->Contains(b.cidr)) {
        return fmt::format(
            "{} lies outside the egress cidr {}: egress subnets cannot move; keep the egress "
            "cidr, or remove the environment's egress entries from the lock",
            Describe(b), layout.egress->ToString());
      }
    }
  }
  return "";
}

struct Need {
  const std::string* az;
  bool data;  ///< else the tenant subnet
  int prefix;
};

/// The blocks `t` lacks in the configured AZs, larger blocks first (less fragmentation),
/// then tenant before data, then AZs in config order.
std::vector<Need> Missing(const EnvLayout& layout, const EnvLock::Tenant& t) {
  std::vector<Need> needs;
  for (const std::string& az : layout.azs) {
    if (!t.tenant.count(az)) needs.push_back({&az, false, layout.tenant_size});
  }
  for (const std::string& az : layout.azs) {
    if (!t.data.count(az)) needs.push_back({&az, true, layout.data_size});
  }
  std::stable_sort(needs.begin(), needs.end(),
                   [](const Need& a, const Need& b) { return a.prefix < b.prefix; });
  return needs;
}

/// Places all of `needs` in `vpc` or none of them. Returns the blocks, in `needs` order.
std::optional<std::vector<Cidr>> PlaceAll(const std::vector<Need>& needs, const Cidr& vpc,
                                          SpanSet* used) {
  std::vector<Cidr> placed;
  for (const Need& n : needs) {
    std::optional<Cidr> c = used->FirstFit(vpc, n.prefix);
    if (!c) {
      for (const Cidr& p : placed) used->Erase(p);
      return std::nullopt;
    }
    used->Insert(*c);
    placed.push_back(*c);
  }
  return placed;
}

}  // namespace

AllocResult Allocate(const EnvLayout& layout, const EnvLock* previous) {
  AllocResult r;
  EnvLock lock = previous ? *previous : EnvLock{};
  auto fail = [&](std::string problem) {
    AllocResult bad;
    bad.lock = previous ? *previous : EnvLock{};
    bad.problem = std::move(problem);
    return bad;
  };

  SpanSet used;
  if (previous) {
    std::string problem = CheckPrevious(layout, *previous, &used);
    if (!problem.empty()) return fail(std::move(problem));
  }
  lock.vpc = layout.vpc.ToString();

  // Shared subnets first, so tenants never crowd them out.
  for (const std::string& az : layout.azs) {
    if (lock.platform.count(az)) continue;
    std::optional<Cidr> c = used.FirstFit(layout.vpc, layout.platform_size);
    if (!c) {
      return fail(fmt::format("the vpc {} has no room for a /{} platform subnet in {}", lock.vpc,
                              layout.platform_size, az));
    }
    used.Insert(*c);
    lock.platform.emplace(az, *c);
  }
  if (layout.public_nat) {
    for (const std::string& az : layout.azs) {
      if (lock.nat.count(az)) continue;
      std::optional<Cidr> c = used.FirstFit(layout.vpc, 28);
      if (!c) {
        return fail(fmt::format("the vpc {} has no room for a /28 NAT subnet in {}", lock.vpc, az));
      }
      used.Insert(*c);
      lock.nat.emplace(az, *c);
    }
  }
  if (layout.egress) {
    const int prefix = std::min(28, layout.egress->prefix + 2);
    for (const std::string& az : layout.azs) {
      if (lock.egress.count(az)) continue;
      std::optional<Cidr> c = used.FirstFit(*layout.egress, prefix);
      if (!c) {
        return fail(fmt::format("the egress cidr {} has no room for a /{} egress subnet in {}",
                                layout.egress->ToString(), prefix, az));
      }
      used.Insert(*c);
      lock.egress.emplace(az, *c);
    }
  }

  const std::set<std::string> onboarded(layout.tenants.begin(), layout.tenants.end());
  std::vector<Cidr> new_tenant_blocks;  // to measure the previous free space afterwards
  for (const std::string& name : onboarded) {
    static const EnvLock::Tenant kNone;
    auto existing = lock.tenants.find(name);
    std::vector<Need> needs =
        Missing(layout, existing == lock.tenants.end() ? kNone : existing->second);
    if (needs.empty()) continue;
    std::optional<std::vector<Cidr>> placed;
    if (r.unplaced.empty()) placed = PlaceAll(needs, layout.vpc, &used);
    if (!placed) {
      r.unplaced.push_back(name);  // and, in sorted order, every later tenant needing blocks
      continue;
    }
    EnvLock::Tenant& t = lock.tenants[name];
    for (size_t i = 0; i < needs.size(); ++i) {
      (needs[i].data ? t.data : t.tenant).emplace(*needs[i].az, (*placed)[i]);
      new_tenant_blocks.push_back((*placed)[i]);
    }
    r.allocated.push_back(name);
  }
  for (const auto& [name, t] : lock.tenants) {
    if (!onboarded.count(name)) r.reserved.push_back(name);
  }

  if (!r.unplaced.empty()) {
    for (const Cidr& c : new_tenant_blocks) used.Erase(c);
    const std::vector<Need> full = Missing(layout, EnvLock::Tenant{});
    while (PlaceAll(full, layout.vpc, &used)) ++r.fit_more;
  }

  r.changed = !previous || lock != *previous;
  r.lock = std::move(lock);
  return r;
}

bool Release(Lock& lock, const std::string& env, const std::string& tenant) {
  auto it = lock.environments.find(env);
  return it != lock.environments.end() && it->second.tenants.erase(tenant) > 0;
}

}  // namespace eurus
