#include "model/routing.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

namespace eurus::model {
namespace {

Cidr C(const char* s) { return *Cidr::Parse(s); }

App Routed(const std::string& name, const std::string& host, std::vector<std::string> paths) {
  App a;
  a.name = name;
  a.port = 8080;
  a.route = Route{host, std::move(paths), {}};
  return a;
}

Network Vpc(const char* cidr, int tenant_size) {
  Network n;
  n.cidr = C(cidr);
  n.tenant_subnet_size = tenant_size;
  return n;
}

// Given paths, we should band exact paths first, wildcard patterns next, catch-alls last.
TEST(RoutingTest, Bands) {
  EXPECT_EQ(BandOf("/healthz"), RuleBand::kExact);
  EXPECT_EQ(BandOf("/"), RuleBand::kExact);
  EXPECT_EQ(BandOf("/api/*"), RuleBand::kPattern);
  EXPECT_EQ(BandOf("/v?/x"), RuleBand::kPattern);
  EXPECT_EQ(BandOf("*.png"), RuleBand::kPattern);
  EXPECT_EQ(BandOf("/*"), RuleBand::kCatchAll);
  EXPECT_EQ(BandOf("/**"), RuleBand::kCatchAll);
}

// Given a tenant's lowest tenant subnet, its slot should be its offset in the VPC in units
// of the tenant subnet size, whatever the AZ order.
TEST(RoutingTest, SlotFromLowestTenantSubnet) {
  Network n = Vpc("10.1.0.0/16", 24);
  auto s = TenantRuleSlot(n, {C("10.1.9.0/24"), C("10.1.5.0/24"), C("10.1.7.0/24")});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->slot, 5);
  EXPECT_EQ(s->slots, 256);
  EXPECT_EQ(s->stride, kBandWidth / 256);
  // A /20 VPC with /24 tenants: 16 slots, 1000 priorities per band each.
  s = TenantRuleSlot(Vpc("10.0.0.0/20", 24), {C("10.0.3.0/24"), C("10.0.2.0/24")});
  ASSERT_TRUE(s);
  EXPECT_EQ(s->slot, 2);
  EXPECT_EQ(s->stride, 1000);
  // Outside the VPC (a stale lock): no slot.
  EXPECT_FALSE(TenantRuleSlot(n, {C("10.2.0.0/24")}));
  EXPECT_FALSE(TenantRuleSlot(n, {}));
}

// Given more than three paths in a band, we should split them into rules of at most three
// (the ALB allows three values per condition), most specific patterns first.
TEST(RoutingTest, PathsSplitIntoRulesOfThree) {
  std::vector<int> index;
  auto rules = PlanListenerRules(
      {Routed("api", "api.example.com", {"/a/*", "/bb/*", "/ccc/*", "/dddd/*", "/x", "/*"})},
      &index);
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].band, RuleBand::kExact);
  EXPECT_EQ(rules[0].paths, std::vector<std::string>({"/x"}));
  EXPECT_EQ(rules[1].paths, std::vector<std::string>({"/dddd/*", "/ccc/*", "/bb/*"}));
  EXPECT_EQ(rules[2].paths, std::vector<std::string>({"/a/*"}));
  EXPECT_EQ(rules[3].band, RuleBand::kCatchAll);
  EXPECT_EQ(index, std::vector<int>({0, 0, 1, 0}));
  for (const auto& r : rules) EXPECT_LE(r.paths.size(), kMaxPathsPerRule);
}

// Given two apps of one tenant sharing a host, the more specific app's rule should come
// first even when its name sorts later, and apps without a route have no rules.
TEST(RoutingTest, SpecificBeforeGeneralAcrossApps) {
  App worker;
  worker.name = "worker";
  std::vector<int> index;
  auto rules = PlanListenerRules(
      {Routed("a-site", "h.example.com", {"/*"}), Routed("b-api", "h.example.com", {"/api/v2/*"}),
       Routed("c-api", "h.example.com", {"/api/*"}), worker},
      &index);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].app, "b-api");
  EXPECT_EQ(rules[1].app, "c-api");
  EXPECT_EQ(rules[2].app, "a-site");
}

// Given a slot, priorities should be 1 + band * kBandWidth + slot * stride + index, and an
// index past the stride should be reported.
TEST(RoutingTest, PrioritiesAndOverflow) {
  std::vector<int> index;
  auto rules = PlanListenerRules({Routed("web", "h", {"/x", "/*"})}, &index);
  RuleSlot slot{7, 256, 62};
  EXPECT_EQ(AssignPriorities(rules, index, slot), nullptr);
  EXPECT_EQ(rules[0].priority, 1 + 7 * 62);
  EXPECT_EQ(rules[1].priority, 1 + 2 * kBandWidth + 7 * 62);
  // Four exact-path rules with room for three.
  rules = PlanListenerRules(
      {Routed("web", "h", {"/1", "/2", "/3", "/4", "/5", "/6", "/7", "/8", "/9", "/10"})}, &index);
  ASSERT_EQ(rules.size(), 4u);
  const ListenerRule* over = AssignPriorities(rules, index, RuleSlot{0, 4096, 3});
  ASSERT_NE(over, nullptr);
  EXPECT_EQ(over, &rules[3]);
}

// Given every slot of the largest VPC with the smallest tenant subnets, every priority of a
// full stride should be within the ALB's 1..50000 and unique.
TEST(RoutingTest, BoundsHoldForEveryLayout) {
  for (int vpc = 16; vpc <= 24; ++vpc) {
    for (int size = vpc + 1; size <= 28; ++size) {
      Network n = Vpc(fmt::format("10.0.0.0/{}", vpc).c_str(), size);
      std::set<int> seen;
      const int slots = 1 << (size - vpc);
      for (int s : {0, slots - 1}) {
        Cidr sub{(10u << 24) + (static_cast<uint32_t>(s) << (32 - size)), size};
        auto slot = TenantRuleSlot(n, {sub});
        ASSERT_TRUE(slot);
        for (int band = 0; band < 3; ++band) {
          for (int i : {0, slot->stride - 1}) {
            int p = 1 + band * kBandWidth + slot->slot * slot->stride + i;
            EXPECT_GE(p, 1);
            EXPECT_LE(p, kMaxRulePriority);
            EXPECT_TRUE(seen.insert(p).second) << vpc << " " << size;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace eurus::model
