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

// Given a small org, we should keep the per-environment form: one value per tenant and
// environment, split rules per scope, nothing compact.
TEST(BillingPlanTest, SmallOrgKeepsThePerEnvironmentForm) {
  const Category c = Plan(MakeOrg(2, 3));
  EXPECT_EQ(c.form, Form::kPerEnvironment);
  EXPECT_EQ(c.rules.size(), 6u + 2 + 2 + 1);
  EXPECT_EQ(c.rules[0].value, "t0000-e0");
  EXPECT_EQ(c.splits.size(), 5u);  // management, both realms, both environments
  for (const Rule& r : c.rules) EXPECT_FALSE(r.inherited);
}

// Given 6 environments x 500 tenants (the benchmark organisation), we should take the compact
// form: the platform's lines per account, one inherited rule, the rest per account, no split
// rules, well under AWS's 500 rules; and remember why.
TEST(BillingPlanTest, SixByFiveHundredIsCompact) {
  const Org org = MakeOrg(6, 500);
  const Category c = Plan(org);
  ASSERT_EQ(c.form, Form::kCompact);
  EXPECT_TRUE(Fits(c));
  const size_t accounts = 6 + 2 + 1;
  ASSERT_EQ(c.rules.size(), 2 * accounts + 1);
  EXPECT_TRUE(c.splits.empty());
  for (size_t i = 0; i < accounts; ++i) {
    EXPECT_EQ(c.rules[i].tenant, kPlatformTenant);
    EXPECT_EQ(c.rules[i].value, c.rules[accounts + 1 + i].value);
    EXPECT_EQ(c.rules[i].account, c.rules[accounts + 1 + i].account);
    EXPECT_TRUE(c.rules[accounts + 1 + i].tenant.empty());
  }
  EXPECT_EQ(c.rules[0].value, "shared_e0");
  EXPECT_EQ(c.rules[accounts - 1].value, "shared_management");
  EXPECT_TRUE(c.rules[accounts].inherited);
  EXPECT_TRUE(c.rules[accounts].value.empty());
  EXPECT_EQ(c.overflow.tenant_environments, 3000u);
  EXPECT_EQ(c.overflow.rules, 3009u);
  EXPECT_EQ(c.overflow.targets, 3000u);
  EXPECT_EQ(c.overflow.widest, "shared_management");
}

// Given the per-environment form just at AWS's limits, we should keep it; one tenant
// environment more and we should go compact (the 500-rule limit: 491 + 9 accounts).
TEST(BillingPlanTest, SwitchesExactlyPastTheRuleLimit) {
  Org org = MakeOrg(6, 81);  // 486 tenant environments + 9 account rules = 495
  for (int i = 0; i < 5; ++i) {
    Tenant t;
    t.name = fmt::format("x{}", i);
    t.deployments.emplace_back().env = "e0";
    org.tenants.push_back(std::move(t));
  }
  EXPECT_EQ(PerEnvironment(org).rules.size(), 500u);
  EXPECT_EQ(Plan(org).form, Form::kPerEnvironment);
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

// Given 247 environments, even the compact form passes 500 rules (2 per account and one):
// the checker's E0115 stays reachable there, and only there.
TEST(BillingPlanTest, CompactFormItselfFitsUpTo246Environments) {
  EXPECT_EQ(Compact(MakeOrg(246, 0)).rules.size(), 499u);
  EXPECT_TRUE(Fits(Compact(MakeOrg(246, 0))));
  EXPECT_EQ(Compact(MakeOrg(247, 0)).rules.size(), 501u);
  EXPECT_FALSE(Fits(Compact(MakeOrg(247, 0))));
}

}  // namespace
}  // namespace eurus::model::billing
