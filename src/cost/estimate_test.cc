#include "cost/estimate.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cost/report.h"
#include "cost/rules.h"
#include "synth/testing.h"

namespace eurus::cost {
namespace {

using synth::testing::Example;
using synth::testing::SynthFixture;

double Sum(const Estimate& e) {
  double s = e.unallocated;
  for (const auto& t : e.tenants) s += t.total();
  return s;
}

const Line* Find(const Estimate& e, const std::string& unit, const std::string& address, const std::string& key) {
  for (const auto& l : e.lines)
    if (l.unit == unit && l.address == address && l.price_key == key) return &l;
  return nullptr;
}

TEST(Prices, BundledFileHasTheIssuesRegionsAndAssumptions) {
  const PriceList& p = PriceList::Bundled();
  for (const char* r : {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1",
                        "ap-southeast-1", "ap-southeast-2"})
    EXPECT_TRUE(p.has_region(r)) << r;
  EXPECT_EQ(p.Assumption("hours_per_month"), 730);
  EXPECT_GT(p.Assumption("fargate_spot_discount"), 0);
  EXPECT_FALSE(p.date().empty());
}

TEST(Prices, ParseRefusesAFileMissingAKeyInARegion) {
  std::string err;
  auto p = PriceList::Parse(R"({"format":1,"keys":{"a.b":{}},"regions":{"x":{}},
      "assumptions":{"hours_per_month":{"value":730},"fargate_spot_discount":{"value":0.6}}})", &err);
  EXPECT_FALSE(p.has_value());
  EXPECT_NE(err.find("no price for `a.b`"), std::string::npos) << err;
}

// Every rule asks only for keys the file has, in every bundled region (Get throws otherwise),
// and every resource type acme emits has a rule.
TEST(Estimate, AcmePricesInEveryBundledRegion) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  for (const auto& region : PriceList::Bundled().regions()) {
    model::Org org = *acme.org;
    org.region = region;
    Estimate e;
    ASSERT_NO_THROW(e = EstimateUnits(org, acme.units, PriceList::Bundled(), Usage())) << region;
    EXPECT_GT(e.fixed, 0) << region;
    for (const auto& l : e.lines) EXPECT_NE(l.kind, Kind::kNotEstimated) << l.unit << " " << l.address << " " << l.note;
  }
  for (const auto& u : acme.units)
    for (const auto& [type, _] : u.resources().items()) EXPECT_TRUE(HasRule(type)) << type;
}

TEST(Estimate, TenantSharesAndUnallocatedAddUpToTheTotalForEveryMethod) {
  Example acme("acme");
  ASSERT_TRUE(acme.org.has_value());
  std::vector<model::SharedCosts> rules(3);
  rules[1].method = model::SharedCosts::Method::kEven;
  rules[2].fixed = {{"payments", 30}, {"shop", 50}};
  for (const auto& r : rules) {
    model::Org org = *acme.org;
    org.shared_costs = r;
    Estimate e = EstimateUnits(org, acme.units, PriceList::Bundled(), Usage());
    EXPECT_NEAR(Sum(e), e.total(), 1e-6);
    EXPECT_NEAR(std::round(Sum(e) * 100), std::round(e.total() * 100), 0.5);
    for (const auto& t : e.tenants) EXPECT_GE(t.shared, 0) << t.tenant << "/" << t.environment;
  }
}

struct CostFixture : SynthFixture {
  Estimate Run(const Usage& usage = Usage()) { return EstimateUnits(*org, units, PriceList::Bundled(), usage); }
  void Tenants() {
    fs.files["tenants/aaa.yaml"] =
        "environments: [dev]\napps:\n  web:\n    image: aaa/web\n    port: 8080\n    cpu: 256\n    memory: 512\n"
        "    spot: true\n    route: { host: aaa }\nresources:\n  db: { type: postgres, version: \"16.6\", min_acu: 0, max_acu: 2 }\n";
    fs.files["tenants/bbb.yaml"] =
        "environments: [dev]\napps:\n  api:\n    image: bbb/api\n    port: 8080\n    cpu: 1024\n    memory: 2048\n"
        "    route: { host: bbb }\n";
  }
};

TEST_F(CostFixture, FargateSpotIsPricedAtTheAssumedDiscount) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  Estimate e = Run();
  const Line* cpu = Find(e, "dev/tenant-aaa", "aws_ecs_service.aaa_web", "fargate.vcpu_hour");
  ASSERT_NE(cpu, nullptr);
  const PriceList& p = PriceList::Bundled();
  double want = 0.25 * 730 * p.Get("eu-west-1", "fargate.vcpu_hour").usd * (1 - p.Assumption("fargate_spot_discount"));
  EXPECT_NEAR(cpu->monthly, want, 1e-9);
  EXPECT_EQ(cpu->kind, Kind::kFixed);
  EXPECT_EQ(cpu->tenant, "aaa");
  EXPECT_EQ(cpu->environment, "dev");
  EXPECT_EQ(cpu->service, "AmazonECS");
}

TEST_F(CostFixture, AuroraAtZeroAcuHasNoFixedCapacity) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  Estimate e = Run();
  for (const auto& l : e.lines)
    if (l.unit == "dev/tenant-aaa" && l.price_key == "aurora.acu_hour") {
      EXPECT_EQ(l.kind, Kind::kUsage) << l.address;
    }
}

TEST_F(CostFixture, FixedPercentTakesExactlyThatShareOfEveryScope) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  org->shared_costs.fixed = {{"aaa", 40}};
  Estimate e = Run();
  double shared = e.total() - e.unallocated;
  for (const auto& t : e.tenants) shared -= t.direct;
  ASSERT_GT(shared, 0);
  for (const auto& t : e.tenants)
    if (t.tenant == "aaa") {
      EXPECT_NEAR(t.shared, 0.4 * shared, 1e-9);
    }
  // prod has no tenants: its network and platform, and the prod realm's common account,
  // are unallocated.
  EXPECT_GT(e.unallocated, 0);
  EXPECT_NEAR(Sum(e), e.total(), 1e-9);
}

TEST_F(CostFixture, EvenSplitsEachScopeEqually) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  org->shared_costs.method = model::SharedCosts::Method::kEven;
  Estimate e = Run();
  ASSERT_EQ(e.tenants.size(), 2u);
  EXPECT_NEAR(e.tenants[0].shared, e.tenants[1].shared, 1e-9);
}

TEST_F(CostFixture, AlarmsBeyondTheOrganisationsFreeTenArePriced) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  Estimate e = Run();
  double free = 0, priced = 0;
  for (const auto& l : e.lines)
    if (l.price_key == "cloudwatch.alarm_month") (l.kind == Kind::kFree ? free : priced) += l.quantity;
  EXPECT_EQ(free, 10);
  EXPECT_GT(priced, 0);
}

TEST_F(CostFixture, UsageFileMostSpecificValueWinsAndErrorsAreLocated) {
  synth::testing::BaseOrg(fs);
  Tenants();
  Synth();
  SourceMap src;
  Diagnostics d;
  FileId id = src.Add("eurus.usage.yaml",
                      "defaults:\n  environment: { nat_gb: 100 }\n  app: { log_gb: 3 }\n"
                      "environments:\n  dev: { app: { log_gb: 4 } }\n"
                      "tenants:\n  aaa:\n    apps: { web: { log_gb: 5 } }\n"
                      "    environments:\n      dev: { resources: { db: { storage_gb: 70 } } }\n");
  Usage u = Usage::Parse(src, id, *org, d);
  EXPECT_FALSE(d.has_errors()) << RenderAll(d, src, DiagFormat::kShort);
  EXPECT_EQ(u.Get("environment", "nat_gb", "dev", "", "").value, 100);
  EXPECT_EQ(u.Get("app", "log_gb", "dev", "aaa", "web").value, 5);
  EXPECT_EQ(u.Get("app", "log_gb", "dev", "bbb", "api").value, 4);
  EXPECT_EQ(u.Get("app", "log_gb", "prod", "bbb", "api").value, 3);
  EXPECT_EQ(u.Get("postgres", "storage_gb", "dev", "aaa", "db").value, 70);
  EXPECT_EQ(u.Get("postgres", "storage_gb", "dev", "aaa", "db").origin, "eurus.usage.yaml:10");
  Estimate e = Run(u);
  const Line* storage = Find(e, "dev/tenant-aaa", "aws_rds_cluster.db", "aurora.storage_gb_month");
  ASSERT_NE(storage, nullptr);
  EXPECT_EQ(storage->quantity, 70);

  FileId bad = src.Add("bad.yaml",
                       "defaults:\n  environment: { nat_gbb: 1, alb_lcu: -1 }\n  ap: {}\n"
                       "tenants:\n  aab: {}\n  aaa:\n    apps: { wbe: { log_gb: 1 } }\n");
  Diagnostics d2;
  Usage::Parse(src, bad, *org, d2);
  std::string out = RenderAll(d2, src, DiagFormat::kShort);
  EXPECT_NE(out.find("bad.yaml:2:18: error[E0004]"), std::string::npos) << out;  // nat_gbb
  EXPECT_NE(out.find("did you mean `nat_gb`"), std::string::npos) << out;
  EXPECT_NE(out.find("error[E0903]"), std::string::npos) << out;                 // -1
  EXPECT_NE(out.find("did you mean `app`"), std::string::npos) << out;
  EXPECT_NE(out.find("did you mean `aaa`"), std::string::npos) << out;
  EXPECT_NE(out.find("did you mean `web`"), std::string::npos) << out;
  EXPECT_EQ(d2.errors(), 5u) << out;
}

TEST(Report, MoneyRoundsOnlyWhenPrinted) {
  EXPECT_EQ(Money(1234.565), "$1,234.57");
  EXPECT_EQ(Money(0.004), "$0.00");
  EXPECT_EQ(Money(-12.5), "-$12.50");
  EXPECT_EQ(Money(1234567.891), "$1,234,567.89");
}

}  // namespace
}  // namespace eurus::cost
