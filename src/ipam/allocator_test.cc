#include "ipam/allocator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace eurus {
namespace {

Cidr C(std::string_view s) { return Cidr::Parse(s).value(); }

/// "az=cidr ..." of a map, for compact exact assertions.
std::string Show(const std::map<std::string, Cidr>& m) {
  std::string out;
  for (const auto& [az, c] : m) out += (out.empty() ? "" : " ") + az + "=" + c.ToString();
  return out;
}

std::string Show(const EnvLock::Tenant& t) { return Show(t.tenant) + " | " + Show(t.data); }

EnvLayout TwoAzs(std::vector<std::string> tenants) {
  EnvLayout l;
  l.vpc = C("10.0.0.0/16");
  l.azs = {"a", "b"};
  l.tenants = std::move(tenants);
  return l;
}

// Given an empty lock, we should place platform subnets first, then tenants in sorted order,
// larger blocks first, each at the lowest free aligned address.
TEST(AllocatorTest, FirstFitLayout) {
  AllocResult r = Allocate(TwoAzs({"shop", "blog"}), nullptr);
  ASSERT_EQ(r.problem, "");
  EXPECT_EQ(r.lock.vpc, "10.0.0.0/16");
  EXPECT_EQ(Show(r.lock.platform), "a=10.0.0.0/24 b=10.0.1.0/24");
  EXPECT_EQ(Show(r.lock.tenants.at("blog")),
            "a=10.0.2.0/24 b=10.0.3.0/24 | a=10.0.4.0/27 b=10.0.4.32/27");
  EXPECT_EQ(Show(r.lock.tenants.at("shop")),
            "a=10.0.5.0/24 b=10.0.6.0/24 | a=10.0.4.64/27 b=10.0.4.96/27");
  EXPECT_TRUE(r.lock.egress.empty());
  EXPECT_EQ(r.allocated, (std::vector<std::string>{"blog", "shop"}));
  EXPECT_TRUE(r.reserved.empty());
  EXPECT_TRUE(r.unplaced.empty());
  EXPECT_TRUE(r.changed);
}

// Given the same inputs in another order, we should produce the same lock; given the lock
// back, we should change nothing.
TEST(AllocatorTest, DeterministicAndIdempotent) {
  AllocResult a = Allocate(TwoAzs({"shop", "blog", "crm"}), nullptr);
  AllocResult b = Allocate(TwoAzs({"crm", "shop", "blog", "shop"}), nullptr);
  EXPECT_EQ(a.lock, b.lock);
  AllocResult again = Allocate(TwoAzs({"blog", "crm", "shop"}), &a.lock);
  EXPECT_FALSE(again.changed);
  EXPECT_TRUE(again.allocated.empty());
  EXPECT_EQ(again.lock, a.lock);
}

// Given a new tenant that sorts first, we should give it free space and move nobody.
TEST(AllocatorTest, AddingTenantNeverMovesExisting) {
  AllocResult first = Allocate(TwoAzs({"shop"}), nullptr);
  AllocResult second = Allocate(TwoAzs({"shop", "aaa"}), &first.lock);
  ASSERT_EQ(second.problem, "");
  EXPECT_EQ(second.lock.tenants.at("shop"), first.lock.tenants.at("shop"));
  EXPECT_EQ(Show(second.lock.tenants.at("aaa")),
            "a=10.0.5.0/24 b=10.0.6.0/24 | a=10.0.4.64/27 b=10.0.4.96/27");
  EXPECT_EQ(second.allocated, std::vector<std::string>{"aaa"});
  EXPECT_TRUE(second.changed);
}

// Given a tenant no longer onboarded, we should keep its blocks reserved and out of reach
// of new tenants until it is released; then the next tenant should reuse them.
TEST(AllocatorTest, RemovedTenantIsReservedUntilReleased) {
  AllocResult r1 = Allocate(TwoAzs({"blog", "shop"}), nullptr);
  const EnvLock::Tenant blog = r1.lock.tenants.at("blog");

  AllocResult r2 = Allocate(TwoAzs({"shop"}), &r1.lock);
  EXPECT_EQ(r2.reserved, std::vector<std::string>{"blog"});
  EXPECT_FALSE(r2.changed);
  EXPECT_EQ(r2.lock.tenants.at("blog"), blog);

  AllocResult r3 = Allocate(TwoAzs({"shop", "crm"}), &r2.lock);
  EXPECT_EQ(r3.lock.tenants.at("blog"), blog);
  EXPECT_EQ(Show(r3.lock.tenants.at("crm")),
            "a=10.0.7.0/24 b=10.0.8.0/24 | a=10.0.4.128/27 b=10.0.4.160/27");

  Lock lock;
  lock.environments["dev"] = r3.lock;
  EXPECT_TRUE(Release(lock, "dev", "blog"));
  EXPECT_FALSE(Release(lock, "dev", "blog"));
  EXPECT_FALSE(Release(lock, "prod", "shop"));
  AllocResult r4 = Allocate(TwoAzs({"shop", "crm", "dms"}), &lock.environments["dev"]);
  EXPECT_TRUE(r4.reserved.empty());
  EXPECT_EQ(r4.lock.tenants.at("dms"), blog);
}

// Given a new AZ, we should add blocks for that AZ only; given an AZ dropped, we should keep
// its blocks.
TEST(AllocatorTest, AddingAzAddsOnlyItsBlocks) {
  AllocResult r1 = Allocate(TwoAzs({"blog", "shop"}), nullptr);
  EnvLayout three = TwoAzs({"blog", "shop"});
  three.azs = {"a", "b", "c"};
  AllocResult r2 = Allocate(three, &r1.lock);
  ASSERT_EQ(r2.problem, "");
  EXPECT_EQ(Show(r2.lock.platform), "a=10.0.0.0/24 b=10.0.1.0/24 c=10.0.7.0/24");
  EXPECT_EQ(Show(r2.lock.tenants.at("blog")),
            "a=10.0.2.0/24 b=10.0.3.0/24 c=10.0.8.0/24 | "
            "a=10.0.4.0/27 b=10.0.4.32/27 c=10.0.4.128/27");
  EXPECT_EQ(Show(r2.lock.tenants.at("shop")),
            "a=10.0.5.0/24 b=10.0.6.0/24 c=10.0.9.0/24 | "
            "a=10.0.4.64/27 b=10.0.4.96/27 c=10.0.4.160/27");
  EXPECT_EQ(r2.allocated, (std::vector<std::string>{"blog", "shop"}));

  EnvLayout other = TwoAzs({"blog", "shop"});
  other.azs = {"b", "c"};
  AllocResult r3 = Allocate(other, &r2.lock);
  EXPECT_FALSE(r3.changed);
  EXPECT_EQ(r3.lock, r2.lock);
}

// Given new subnet sizes, we should keep existing blocks and use the sizes for new ones only.
TEST(AllocatorTest, SizeChangeAffectsOnlyNewBlocks) {
  AllocResult r1 = Allocate(TwoAzs({"blog"}), nullptr);
  EnvLayout l = TwoAzs({"blog", "shop"});
  l.tenant_size = 26;
  l.data_size = 28;
  l.platform_size = 20;
  AllocResult r2 = Allocate(l, &r1.lock);
  EXPECT_EQ(r2.lock.platform, r1.lock.platform);
  EXPECT_EQ(r2.lock.tenants.at("blog"), r1.lock.tenants.at("blog"));
  EXPECT_EQ(Show(r2.lock.tenants.at("shop")),
            "a=10.0.4.64/26 b=10.0.4.128/26 | a=10.0.4.192/28 b=10.0.4.208/28");
}

// Given more new tenants than the vpc holds, we should place the first in sorted order, stop
// at the first that does not fit, record nothing for the rest, and say how many fitted.
TEST(AllocatorTest, ExhaustionReportsUnplacedAndFitMore) {
  EnvLayout l;
  l.vpc = C("10.0.0.0/22");
  l.azs = {"a", "b"};
  l.platform_size = 26;
  l.tenant_size = 26;
  l.data_size = 28;
  l.tenants = {"t1", "t2"};
  AllocResult r1 = Allocate(l, nullptr);
  ASSERT_TRUE(r1.unplaced.empty());
  l.tenants = {"t8", "t7", "t6", "t5", "t4", "t3", "t2", "t1"};
  AllocResult r2 = Allocate(l, &r1.lock);
  EXPECT_EQ(r2.problem, "");
  EXPECT_EQ(r2.allocated, (std::vector<std::string>{"t3", "t4", "t5"}));
  EXPECT_EQ(r2.unplaced, (std::vector<std::string>{"t6", "t7", "t8"}));
  EXPECT_EQ(r2.fit_more, 3);
  EXPECT_EQ(r2.lock.tenants.size(), 5u);
  EXPECT_EQ(Show(r2.lock.tenants.at("t5")),
            "a=10.0.3.0/26 b=10.0.3.64/26 | a=10.0.3.128/28 b=10.0.3.144/28");

  // A full vpc: nothing more fits.
  AllocResult r3 = Allocate(l, &r2.lock);
  EXPECT_EQ(r3.unplaced, (std::vector<std::string>{"t6", "t7", "t8"}));
  EXPECT_EQ(r3.fit_more, 0);
  EXPECT_FALSE(r3.changed);
}

// Given an existing tenant that needs a block in a new AZ and no room, we should leave it
// unplaced with its old blocks intact and nothing partial added.
TEST(AllocatorTest, ExhaustionIsAllOrNothingPerTenant) {
  EnvLayout l;
  l.vpc = C("10.0.0.0/24");
  l.azs = {"a", "b"};
  l.platform_size = 27;
  l.tenant_size = 27;
  l.data_size = 28;
  l.tenants = {"x"};
  AllocResult r1 = Allocate(l, nullptr);  // platform 0-63, x: 64-127 and 128-159
  l.azs = {"a", "b", "c"};
  l.tenant_size = 26;
  AllocResult r2 = Allocate(l, &r1.lock);  // platform c at 160; x needs a /26: only 192 free
  ASSERT_EQ(r2.problem, "");
  EXPECT_EQ(Show(r2.lock.platform), "a=10.0.0.0/27 b=10.0.0.32/27 c=10.0.0.160/27");
  EXPECT_EQ(r2.unplaced, std::vector<std::string>{"x"});
  EXPECT_EQ(r2.lock.tenants.at("x"), r1.lock.tenants.at("x"));
  EXPECT_EQ(r2.fit_more, 0);
}

// Given an egress range, we should carve one quarter of it (but nothing smaller than /28)
// per AZ out of it.
TEST(AllocatorTest, EgressSubnets) {
  EnvLayout l = TwoAzs({"shop"});
  l.azs = {"a", "b", "c"};
  l.egress = C("10.102.9.0/24");
  AllocResult r = Allocate(l, nullptr);
  ASSERT_EQ(r.problem, "");
  EXPECT_EQ(Show(r.lock.egress), "a=10.102.9.0/26 b=10.102.9.64/26 c=10.102.9.128/26");
  EXPECT_EQ(r.lock.platform.at("a").ToString(), "10.0.0.0/24");

  l.egress = C("100.64.0.0/16");
  EXPECT_EQ(Show(Allocate(l, nullptr).lock.egress),
            "a=100.64.0.0/18 b=100.64.64.0/18 c=100.64.128.0/18");
  l.egress = C("100.64.0.0/27");
  l.azs = {"a", "b"};
  EXPECT_EQ(Show(Allocate(l, nullptr).lock.egress), "a=100.64.0.0/28 b=100.64.0.16/28");
  l.azs = {"a", "b", "c"};

  l.egress = C("10.102.9.0/27");
  AllocResult small = Allocate(l, nullptr);
  EXPECT_EQ(small.problem,
            "the egress cidr 10.102.9.0/27 has no room for a /28 egress subnet in c");
  EXPECT_FALSE(small.changed);

  l.egress = C("10.102.10.0/24");
  AllocResult moved = Allocate(l, &r.lock);
  EXPECT_EQ(moved.problem,
            "egress subnet 10.102.9.0/26 (a) lies outside the egress cidr 10.102.10.0/24: egress "
            "subnets cannot move; keep the egress cidr, or remove the environment's egress "
            "entries from the lock");
  EXPECT_EQ(moved.lock, r.lock);

  l.egress.reset();
  AllocResult dropped = Allocate(l, &r.lock);
  EXPECT_EQ(dropped.lock.egress, r.lock.egress);
}

// Given a new vpc cidr, we should accept it when every block still lies inside, and refuse
// otherwise, naming the first stray block.
TEST(AllocatorTest, VpcChange) {
  EnvLayout l = TwoAzs({"blog", "shop"});
  l.vpc = C("10.0.0.0/20");
  AllocResult r1 = Allocate(l, nullptr);

  l.vpc = C("10.0.0.0/16");
  AllocResult grown = Allocate(l, &r1.lock);
  EXPECT_EQ(grown.problem, "");
  EXPECT_TRUE(grown.changed);
  EXPECT_EQ(grown.lock.vpc, "10.0.0.0/16");
  EXPECT_EQ(grown.lock.tenants, r1.lock.tenants);

  l.vpc = C("10.0.0.0/22");
  AllocResult shrunk = Allocate(l, &r1.lock);
  EXPECT_EQ(shrunk.problem,
            "data subnet 10.0.4.0/27 of tenant blog (a) lies outside the vpc cidr 10.0.0.0/22 "
            "(and 5 more blocks): the vpc cidr cannot change under live allocations (the lock "
            "has 10.0.0.0/20); keep the vpc cidr 10.0.0.0/20, or release tenant blog first");
  EXPECT_EQ(shrunk.lock, r1.lock);
  EXPECT_FALSE(shrunk.changed);
  EXPECT_TRUE(shrunk.allocated.empty());

  l.vpc = C("10.1.0.0/16");
  EXPECT_EQ(Allocate(l, &r1.lock).problem,
            "platform subnet 10.0.0.0/24 (a) lies outside the vpc cidr 10.1.0.0/16 (and 9 more "
            "blocks): the vpc cidr cannot change under live allocations (the lock has "
            "10.0.0.0/20); keep the vpc cidr 10.0.0.0/20");
}

// Given 500 tenants in 3 AZs, we should allocate 3000 blocks in a few milliseconds, and
// re-check the full lock as fast.
TEST(AllocatorTest, FiveHundredTenantsAreFast) {
  EnvLayout l;
  l.vpc = C("10.0.0.0/16");
  l.azs = {"a", "b", "c"};
  l.tenant_size = 28;
  l.data_size = 28;
  for (int i = 0; i < 500; ++i) l.tenants.push_back("t" + std::to_string(i));
  auto start = std::chrono::steady_clock::now();
  AllocResult r = Allocate(l, nullptr);
  AllocResult again = Allocate(l, &r.lock);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(r.unplaced.empty());
  EXPECT_EQ(r.lock.tenants.size(), 500u);
  EXPECT_FALSE(again.changed);
  EXPECT_LT(ms.count(), 100.0);  // a few ms in practice; generous for slow CI machines
  RecordProperty("milliseconds", std::to_string(ms.count()));
}

// --- Property test ---------------------------------------------------------------------

struct Owned {
  Cidr cidr;
  const std::string* owner;  ///< tenant name, or null for platform/egress
  bool egress = false;
};

std::vector<Owned> Blocks(const EnvLock& lock) {
  std::vector<Owned> out;
  for (const auto& [az, c] : lock.platform) out.push_back({c, nullptr, false});
  for (const auto& [az, c] : lock.egress) out.push_back({c, nullptr, true});
  for (const auto& [name, t] : lock.tenants) {
    for (const auto& [az, c] : t.tenant) out.push_back({c, &name, false});
    for (const auto& [az, c] : t.data) out.push_back({c, &name, false});
  }
  return out;
}

bool IsSubmap(const std::map<std::string, Cidr>& small, const std::map<std::string, Cidr>& big) {
  return std::all_of(small.begin(), small.end(), [&](const auto& kv) {
    auto it = big.find(kv.first);
    return it != big.end() && it->second == kv.second;
  });
}

/// Checks every invariant of one Allocate step; returns a description of the first broken one.
std::string CheckStep(const EnvLayout& l, const EnvLock* prev, const AllocResult& r) {
  const EnvLock empty;
  const EnvLock& before = prev ? *prev : empty;
  if (!r.problem.empty()) {
    if (r.lock != before || r.changed) return "a problem must leave the lock unchanged";
    return "";
  }
  std::vector<Owned> blocks = Blocks(r.lock);
  std::sort(blocks.begin(), blocks.end(),
            [](const Owned& a, const Owned& b) { return a.cidr < b.cidr; });
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Owned& b = blocks[i];
    if (!b.cidr.aligned()) return "misaligned " + b.cidr.ToString();
    if (i > 0 && blocks[i - 1].cidr.Overlaps(b.cidr)) {
      return "overlap " + blocks[i - 1].cidr.ToString() + " " + b.cidr.ToString();
    }
    bool inside = b.egress ? (!l.egress || l.egress->Contains(b.cidr)) : l.vpc.Contains(b.cidr);
    if (!inside) return "outside " + b.cidr.ToString();
  }
  // Nothing recorded ever moves or disappears.
  if (!IsSubmap(before.platform, r.lock.platform) || !IsSubmap(before.egress, r.lock.egress)) {
    return "shared subnet moved";
  }
  for (const auto& [name, t] : before.tenants) {
    auto it = r.lock.tenants.find(name);
    if (it == r.lock.tenants.end() || !IsSubmap(t.tenant, it->second.tenant) ||
        !IsSubmap(t.data, it->second.data)) {
      return "tenant " + name + " moved";
    }
  }
  // New blocks never touch a block reserved for a tenant that is not onboarded.
  std::set<std::string> onboarded(l.tenants.begin(), l.tenants.end());
  std::vector<Owned> old = Blocks(before);
  std::set<Cidr> old_set;
  for (const Owned& o : old) old_set.insert(o.cidr);
  for (const Owned& n : blocks) {
    if (old_set.count(n.cidr)) continue;
    for (const Owned& o : old) {
      if (o.cidr.Overlaps(n.cidr))
        return "reused " + o.cidr.ToString() + " of " + (o.owner ? *o.owner : "platform");
    }
  }
  for (const std::string& az : l.azs) {
    if (!r.lock.platform.count(az)) return "no platform subnet in " + az;
    if (l.egress && !r.lock.egress.count(az)) return "no egress subnet in " + az;
  }
  // Placed tenants are complete; unplaced ones got nothing; the lists are consistent.
  std::set<std::string> unplaced(r.unplaced.begin(), r.unplaced.end());
  for (const std::string& name : onboarded) {
    auto it = r.lock.tenants.find(name);
    if (unplaced.count(name)) {
      auto was = before.tenants.find(name);
      bool same =
          was == before.tenants.end() ? it == r.lock.tenants.end() : it->second == was->second;
      if (!same) return "partial blocks for unplaced " + name;
      continue;
    }
    for (const std::string& az : l.azs) {
      if (it == r.lock.tenants.end() || !it->second.tenant.count(az) ||
          !it->second.data.count(az)) {
        return "incomplete tenant " + name;
      }
    }
  }
  if (!std::is_sorted(r.allocated.begin(), r.allocated.end()) ||
      !std::is_sorted(r.unplaced.begin(), r.unplaced.end())) {
    return "unsorted lists";
  }
  if (!r.unplaced.empty() && !r.allocated.empty() && r.allocated.back() > r.unplaced.front()) {
    return "placement skipped a tenant";
  }
  std::vector<std::string> reserved;
  for (const auto& [name, t] : r.lock.tenants) {
    if (!onboarded.count(name)) reserved.push_back(name);
  }
  if (reserved != r.reserved) return "wrong reserved list";
  if (r.changed != (r.lock != before)) return "wrong changed flag";
  return "";
}

// Given thousands of random add/remove/release/resize sequences, we should never overlap,
// stray outside the vpc, move a recorded block, or hand a reserved block to anyone else.
TEST(AllocatorTest, PropertyRandomSequences) {
  std::mt19937 rng(20240611);
  auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<std::string> all_azs = {"a", "b", "c", "d"};
  int steps = 0, exhausted = 0, releases = 0;
  for (int seq = 0; seq < 2000; ++seq) {
    EnvLayout l;
    const int vpc_prefix = pick(0, 1) ? 16 : 20;
    l.vpc = C("10.0.0.0/8").Subnet(vpc_prefix, pick(0, (1 << (vpc_prefix - 8)) - 1)).value();
    l.azs = {"a", "b"};
    if (pick(0, 1)) l.azs.push_back("c");
    l.platform_size = pick(l.vpc.prefix + 3, 27);
    l.tenant_size = pick(l.vpc.prefix + 2, 28);
    l.data_size = pick(l.vpc.prefix + 4, 28);
    if (pick(0, 2) == 0) l.egress = C("100.64.0.0/16").Subnet(pick(24, 27), 3).value();
    std::set<std::string> onboarded;
    Lock file;
    const std::string env = "dev";
    const EnvLock* prev = nullptr;
    for (int step = 0, n = pick(4, 10); step < n; ++step) {
      switch (pick(0, 9)) {
        case 0:
        case 1:
        case 2:
        case 3:
          for (int k = pick(1, 4); k > 0; --k) onboarded.insert("t" + std::to_string(pick(0, 15)));
          break;
        case 4:
        case 5:
          if (!onboarded.empty())
            onboarded.erase(
                std::next(onboarded.begin(), pick(0, static_cast<int>(onboarded.size()) - 1)));
          break;
        case 6:
        case 7: {
          if (!prev) break;
          for (const auto& [name, t] : prev->tenants) {
            if (!onboarded.count(name) && pick(0, 1)) {
              ASSERT_TRUE(Release(file, env, name));
              ++releases;
              break;
            }
          }
          break;
        }
        case 8:
          if (l.azs.size() < 4) l.azs.push_back(all_azs[l.azs.size()]);
          break;
        case 9:
          l.tenant_size = pick(l.vpc.prefix + 2, 28);
          l.data_size = pick(l.vpc.prefix + 4, 28);
          break;
      }
      l.tenants.assign(onboarded.begin(), onboarded.end());
      std::shuffle(l.tenants.begin(), l.tenants.end(), rng);
      AllocResult r = Allocate(l, prev);
      std::string broken = CheckStep(l, prev, r);
      ASSERT_EQ(broken, "") << "sequence " << seq << " step " << step;
      if (step % 3 == 0) {
        ASSERT_EQ(Allocate(l, prev).lock, r.lock) << "not deterministic";
      }
      ++steps;
      exhausted += !r.unplaced.empty();
      if (!r.problem.empty()) continue;
      file.environments[env] = r.lock;
      prev = &file.environments[env];
    }
    if (seq % 50 == 0) {
      ASSERT_EQ(ParseLock(SerializeLock(file), nullptr), file);
    }
  }
  // The generator must actually reach the interesting cases.
  RecordProperty("steps", steps);
  RecordProperty("exhausted", exhausted);
  RecordProperty("releases", releases);
  EXPECT_GT(steps, 10000);
  EXPECT_GT(exhausted, 100);
  EXPECT_GT(releases, 200);
}

}  // namespace
}  // namespace eurus
