#include "cost/statement.h"

#include <gtest/gtest.h>

#include <random>

#include "synth/testing.h"

namespace eurus::cost {
namespace {

using synth::testing::Example;

// acme: management 111111111111, commons 222222222222 (nonprod) and 333333333333 (prod),
// dev 444444444444, staging 555555555555, prod 666666666666.
TEST(Statement, AttributesByTagThenAccount) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  const model::Org& org = *acme.org;
  Attribution a = Attribute(org, "444444444444", "shop", "dev");
  EXPECT_EQ(a.to, Attribution::To::kDirect);
  EXPECT_EQ(a.tenant, "shop");
  EXPECT_EQ(a.environment, "dev");
  a = Attribute(org, "444444444444", "shop", "");  // the account's environment
  EXPECT_EQ(a.to, Attribution::To::kDirect);
  EXPECT_EQ(a.environment, "dev");
  a = Attribute(org, "444444444444", "platform", "dev");
  EXPECT_EQ(a.to, Attribution::To::kShared);
  EXPECT_EQ(a.scope, "env:dev");
  a = Attribute(org, "444444444444", "", "");
  EXPECT_EQ(a.scope, "env:dev");
  EXPECT_EQ(Attribute(org, "222222222222", "", "").scope, "realm:nonprod");
  EXPECT_EQ(Attribute(org, "333333333333", "platform", "prod").scope, "realm:prod");
  EXPECT_EQ(Attribute(org, "111111111111", "", "").scope, "management");
  a = Attribute(org, "999999999999", "", "");
  EXPECT_EQ(a.to, Attribution::To::kUnallocated);
  EXPECT_NE(a.reason.find("999999999999"), std::string::npos);
  a = Attribute(org, "444444444444", "ghost", "dev");
  EXPECT_EQ(a.to, Attribution::To::kUnallocated);
  EXPECT_NE(a.reason.find("ghost"), std::string::npos);
}

TEST(Statement, SplitExactSumsToTheAmount) {
  model::SharedCosts even;
  even.method = model::SharedCosts::Method::kEven;
  auto s = SplitExact(even, 100, {"a", "b", "c"}, {5, 0, 0});
  EXPECT_EQ(s[0] + s[1] + s[2], 100);
  EXPECT_EQ(s[0], 34);
  model::SharedCosts prop;
  s = SplitExact(prop, 1000, {"a", "b"}, {3, 1});
  EXPECT_EQ(s[0], 750);
  EXPECT_EQ(s[1], 250);
  s = SplitExact(prop, -1001, {"a", "b"}, {1, 1});  // a credit
  EXPECT_EQ(s[0] + s[1], -1001);
  model::SharedCosts fixed;
  fixed.fixed = {{"a", 40}};
  s = SplitExact(fixed, 1000, {"a", "b", "c"}, {0, 1, 3});
  EXPECT_EQ(s[0], 400);
  EXPECT_EQ(s[1], 150);
  EXPECT_EQ(s[2], 450);
}

LedgerGroup G(std::string account, std::string tenant, std::string env, std::string service, Amount cost,
              std::string type = "Usage", std::string month = "2026-11") {
  return {month, "USD", account, type, service, tenant, env, cost, 1};
}

TEST(Statement, ReconcilesToTheCent) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  std::mt19937_64 rng(7);
  const char* accounts[] = {"111111111111", "222222222222", "333333333333", "444444444444", "555555555555",
                            "666666666666", "999999999999"};
  const char* tenants[] = {"", "platform", "shop", "catalog", "payments", "analytics", "ghost"};
  const char* envs[] = {"", "dev", "staging", "prod"};
  std::vector<LedgerGroup> groups;
  Amount total = 0;
  for (int i = 0; i < 3000; ++i) {
    Amount cost = static_cast<Amount>(rng() % 1000000000000) - 100000000000;  // −10 .. 90, 10 decimals
    groups.push_back(G(accounts[rng() % 7], tenants[rng() % 7], envs[rng() % 4], i % 2 ? "AmazonEC2" : "AmazonS3", cost,
                       i % 11 ? "Usage" : "Credit", i % 5 ? "2026-11" : "2026-10"));
    if (i % 5) total += cost;
  }
  for (auto method : {model::SharedCosts::Method::kProportional, model::SharedCosts::Method::kEven}) {
    model::Org org = *acme.org;
    org.shared_costs.method = method;
    Statement s;
    std::string err;
    ASSERT_TRUE(BuildStatement(org, groups, "", nullptr, &s, &err)) << err;
    EXPECT_EQ(s.month, "2026-11");
    EXPECT_EQ(s.total, total);
    Amount exact = s.unallocated_total;
    int64_t cents = s.unallocated_cents;
    for (const auto& r : s.rows) exact += r.total(), cents += r.total_cents;
    EXPECT_EQ(exact, total);
    EXPECT_EQ(cents, s.total_cents);
    EXPECT_EQ(cents, ToCents(total));
    for (const auto& r : s.rows) EXPECT_EQ(r.direct_cents + r.shared_cents, r.total_cents);
    EXPECT_EQ(s.trend.size(), 2u);
  }
}

TEST(Statement, SharedCostOfAnEnvironmentGoesToItsTenantsByTheirDirectCost) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  std::vector<LedgerGroup> groups = {G("444444444444", "shop", "dev", "AmazonECS", 30 * kAmountScale),
                                     G("444444444444", "catalog", "dev", "AmazonECS", 10 * kAmountScale),
                                     G("444444444444", "platform", "dev", "AmazonVPC", 8 * kAmountScale)};
  Statement s;
  std::string err;
  ASSERT_TRUE(BuildStatement(*acme.org, groups, "2026-11", nullptr, &s, &err)) << err;
  Amount shop = 0, catalog = 0;
  for (const auto& r : s.rows) {
    if (r.tenant == "shop" && r.environment == "dev") shop += r.shared;
    if (r.tenant == "catalog" && r.environment == "dev") catalog += r.shared;
  }
  EXPECT_EQ(shop, 6 * kAmountScale);
  EXPECT_EQ(catalog, 2 * kAmountScale);
  EXPECT_TRUE(s.unallocated.empty());
}

TEST(Statement, RefusesSeveralCurrenciesAndAMissingMonth) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  std::vector<LedgerGroup> groups = {G("444444444444", "", "", "AmazonVPC", 1)};
  Statement s;
  std::string err;
  EXPECT_FALSE(BuildStatement(*acme.org, groups, "2026-01", nullptr, &s, &err));
  EXPECT_NE(err.find("no line items for 2026-01"), std::string::npos) << err;
  groups.push_back(groups[0]);
  groups[1].currency = "EUR";
  EXPECT_FALSE(BuildStatement(*acme.org, groups, "", nullptr, &s, &err));
  EXPECT_NE(err.find("several currencies"), std::string::npos) << err;
}

TEST(Statement, EstimateBesideEachTenantMatchesEurusCost) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  Estimate e = EstimateUnits(*acme.org, acme.units, PriceList::Bundled(), Usage());
  std::vector<LedgerGroup> groups = {G("444444444444", "", "", "AmazonVPC", 1)};
  Statement s;
  std::string err;
  ASSERT_TRUE(BuildStatement(*acme.org, groups, "", &e, &s, &err)) << err;
  for (const auto& t : e.tenants) {
    Amount sum = 0;
    for (const auto& r : s.rows)
      if (r.tenant == t.tenant && r.environment == t.environment) sum += r.estimate;
    EXPECT_NEAR(static_cast<double>(sum) / kAmountScale, t.total(), 0.01) << t.tenant << "/" << t.environment;
  }
  std::string json = RenderStatement(s, StatementFormat::kJson, "acme");
  EXPECT_NE(json.find("\"estimate\""), std::string::npos);
  std::string html = RenderStatement(s, StatementFormat::kHtml, "acme");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace eurus::cost
