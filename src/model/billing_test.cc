#include "model/billing.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace eurus::model::billing {
namespace {

/// An org in memory: `envs` environments alternating nonprod and prod, `tenants` tenants
/// each onboarded in every environment.
Org MakeOrg(int envs, int tenants) {
  Org org;
  org.name = "acme";
  org.management_account = "111111111111";
  org.realms = {{RealmKind::kNonprod, "222222222222", {}}, {RealmKind::kProd, "333333333333", {}}};
  for (int i = 0; i < envs; ++i) {
    Environment e;
    e.name = fmt::format("e{}", i);
    e.account = fmt::format("444444444{:03}", i);
    e.realm = i % 2 ? RealmKind::kProd : RealmKind::kNonprod;
    org.environments.push_back(std::move(e));
  }
  for (int t = 0; t < tenants; ++t) {
    Tenant x;
    x.name = fmt::format("t{:04}", t);
    for (int i = 0; i < envs; ++i) {
      Deployment d;
      d.env = org.environments[static_cast<size_t>(i)].name;
      d.env_index = static_cast<size_t>(i);
      x.deployments.push_back(std::move(d));
    }
    org.tenants.push_back(std::move(x));
  }
  return org;
}

/// Every two rules of `c` are disjoint: no bill line matches both, so AWS's order (the
/// provider's set order) cannot change a line's value.
void ExpectDisjoint(const Category& c) {
  for (size_t i = 0; i < c.rules.size(); ++i)
    for (size_t j = i + 1; j < c.rules.size(); ++j)
      ASSERT_TRUE(Disjoint(c.rules[i], c.rules[j])) << "rules " << i << " (" << c.rules[i].value << ") and " << j
                                                    << " (" << c.rules[j].value << ") overlap";
}

// Given a small org, we should keep the per-environment form: one value per tenant and
// environment, the untagged and the platform's lines of each environment account shared,
// the common and management accounts whole, split rules per scope, nothing compact.
TEST(BillingPlanTest, SmallOrgKeepsThePerEnvironmentForm) {
  const Category c = Plan(MakeOrg(2, 3));
  EXPECT_EQ(c.form, Form::kPerEnvironment);
  ASSERT_EQ(c.rules.size(), 6u + 2 * 2 + 2 + 1);
  EXPECT_EQ(c.rules[0].value, "t0000-e0");
  EXPECT_EQ(c.rules[0].match, TagMatch::kEquals);
  EXPECT_EQ(c.rules[0].tag, "t0000");
  EXPECT_EQ(c.rules[6].value, "shared_e0");
  EXPECT_EQ(c.rules[6].match, TagMatch::kAbsent);
  EXPECT_EQ(c.rules[7].value, "shared_e0");
  EXPECT_EQ(c.rules[7].match, TagMatch::kEquals);
  EXPECT_EQ(c.rules[7].tag, kPlatformTenant);
  EXPECT_EQ(c.rules[10].value, "shared_common-nonprod");
  EXPECT_EQ(c.rules[10].match, TagMatch::kAny);
  EXPECT_EQ(c.rules[12].value, "shared_management");
  EXPECT_EQ(c.rules[12].match, TagMatch::kAny);
  EXPECT_EQ(c.splits.size(), 5u);  // management, both realms, both environments
  for (const Rule& r : c.rules) EXPECT_FALSE(r.inherited);
  ExpectDisjoint(c);
}

// Given an environment without tenants, its account should be one shared rule (nothing else
// names it).
TEST(BillingPlanTest, AccountWithoutTenantsIsOneRule) {
  Org org = MakeOrg(2, 1);
  org.tenants[0].deployments.pop_back();  // e1 has no tenant
  const Category c = PerEnvironment(org);
  ASSERT_EQ(c.rules.size(), 1u + 2 + 1 + 2 + 1);
  EXPECT_EQ(c.rules[3].value, "shared_e1");
  EXPECT_EQ(c.rules[3].match, TagMatch::kAny);
  ExpectDisjoint(c);
}

// Given 6 environments x 500 tenants (the benchmark organisation), we should take the compact
// form: one inherited rule, each account's untagged lines, no split rules, well under AWS's
// 500 rules; and remember why.
TEST(BillingPlanTest, SixByFiveHundredIsCompact) {
  const Org org = MakeOrg(6, 500);
  const Category c = Plan(org);
  ASSERT_EQ(c.form, Form::kCompact);
  EXPECT_TRUE(Fits(c));
  const size_t accounts = 6 + 2 + 1;
  ASSERT_EQ(c.rules.size(), accounts + 1);
  EXPECT_TRUE(c.splits.empty());
  EXPECT_TRUE(c.rules[0].inherited);
  EXPECT_TRUE(c.rules[0].value.empty());
  for (size_t i = 1; i <= accounts; ++i) {
    EXPECT_EQ(c.rules[i].match, TagMatch::kAbsent);
    EXPECT_FALSE(c.rules[i].inherited);
  }
  EXPECT_EQ(c.rules[1].value, "shared_e0");
  EXPECT_EQ(c.rules[accounts].value, "shared_management");
  ExpectDisjoint(c);
  EXPECT_EQ(c.overflow.tenant_environments, 3000u);
  EXPECT_EQ(c.overflow.rules, 3000u + 6 * 2 + 3);
  EXPECT_EQ(c.overflow.targets, 3000u);
  EXPECT_EQ(c.overflow.widest, "shared_management");
}

// Given the per-environment form just at AWS's limits, we should keep it; one tenant
// environment more and we should go compact (the 500-rule limit: 485 + 6 x 2 + 3 accounts).
TEST(BillingPlanTest, SwitchesExactlyPastTheRuleLimit) {
  Org org = MakeOrg(6, 80);  // 480 tenant environments + 15 account rules = 495
  for (int i = 0; i < 5; ++i) {
    Tenant t;
    t.name = fmt::format("x{}", i);
    t.deployments.emplace_back().env = "e0";
    org.tenants.push_back(std::move(t));
  }
  EXPECT_EQ(PerEnvironment(org).rules.size(), 500u);
  EXPECT_EQ(Plan(org).form, Form::kPerEnvironment);
  ExpectDisjoint(Plan(org));
  Tenant t;
  t.name = "y";
  t.deployments.emplace_back().env = "e1";
  org.tenants.push_back(std::move(t));
  EXPECT_EQ(Plan(org).form, Form::kCompact);
}

// Given more scopes with tenants than 10 split charge rules (few tenants), we should go
// compact too.
TEST(BillingPlanTest, TooManySplitRulesIsCompact) {
  const Category c = Plan(MakeOrg(8, 1));  // management, 2 realms, 8 environments: 11
  EXPECT_EQ(c.form, Form::kCompact);
  EXPECT_EQ(c.overflow.splits, 11u);
  EXPECT_LE(c.overflow.rules, kMaxRules);
}

// Given 497 environments, even the compact form passes 500 rules (one per account and one):
// the checker's E0115 stays reachable there, and only there.
TEST(BillingPlanTest, CompactFormItselfFitsUpTo496Environments) {
  EXPECT_EQ(Compact(MakeOrg(496, 0)).rules.size(), 500u);
  EXPECT_TRUE(Fits(Compact(MakeOrg(496, 0))));
  EXPECT_EQ(Compact(MakeOrg(497, 0)).rules.size(), 501u);
  EXPECT_FALSE(Fits(Compact(MakeOrg(497, 0))));
}

// Disjoint is what the plans rely on: same account and an unnarrowed rule overlap; the
// tag's absence and a value of it, or two values, do not; the inherited rule overlaps every
// rule but those of untagged lines.
TEST(BillingPlanTest, DisjointRules) {
  const Rule any{"shared_e0", "1", TagMatch::kAny, {}, false, {}};
  const Rule absent{"shared_e0", "1", TagMatch::kAbsent, {}, false, {}};
  const Rule shop{"shop-e0", "1", TagMatch::kEquals, "shop", false, {}};
  const Rule kb{"kb-e0", "1", TagMatch::kEquals, "kb", false, {}};
  const Rule elsewhere{"shared_e1", "2", TagMatch::kAny, {}, false, {}};
  const Rule inherited{{}, {}, TagMatch::kAny, {}, true, {}};
  EXPECT_FALSE(Disjoint(any, shop));
  EXPECT_FALSE(Disjoint(any, absent));
  EXPECT_TRUE(Disjoint(absent, shop));
  EXPECT_TRUE(Disjoint(shop, kb));
  EXPECT_FALSE(Disjoint(shop, shop));
  EXPECT_TRUE(Disjoint(elsewhere, shop));
  EXPECT_TRUE(Disjoint(inherited, absent));
  EXPECT_FALSE(Disjoint(inherited, shop));
  EXPECT_FALSE(Disjoint(elsewhere, inherited));
}

}  // namespace
}  // namespace eurus::model::billing
