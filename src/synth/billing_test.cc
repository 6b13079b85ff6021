#include "synth/billing.h"

#include <gtest/gtest.h>

#include <string>

#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::Resource;

/// The base org with shop in dev and prod and kb in dev only.
struct BillingTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["eurus.yaml"] += "alerts: { emails: [ops@acme.example.com] }\n";
    fs.files["tenants/shop.yaml"] =
        "contacts: [shop@acme.example.com]\nenvironments: [dev, prod]\n"
        "budget: { total: 500, environments: { prod: 400 } }\n";
    fs.files["tenants/kb.yaml"] = "environments: [dev]\n";
  }
  const tf::Unit& B() const { return U("management/billing"); }
  Json Category() const { return Resource(B(), "aws_ce_cost_category", "tenants"); }
};

// Given an org, we should make management/billing in the payer account, after every
// environment and common unit but no tenant unit, with a us-east-1 provider alias.
TEST_F(BillingTest, UnitInThePayerAccountAfterTheSharedUnits) {
  Synth();
  EXPECT_EQ(B().providers.size(), 2u);
  EXPECT_EQ(B().providers[0].account, "111111111111");
  EXPECT_EQ(B().providers[1].alias, billing::kGlobalAlias);
  EXPECT_EQ(B().providers[1].region, "us-east-1");
  EXPECT_TRUE(B().dependencies.count("dev/network"));
  EXPECT_TRUE(B().dependencies.count("prod/platform"));
  EXPECT_TRUE(B().dependencies.count("common-nonprod/registry"));
  EXPECT_FALSE(B().dependencies.count("dev/tenant-shop"));
  // Tags are activated only when asked (a first apply would fail: AWS has not seen them).
  EXPECT_FALSE(B().resources().contains("aws_ce_cost_allocation_tag"));
}

// Given billing.activate_tags, we should activate eurus's tag keys (not eurus:app, which only
// units with apps set: AWS refuses to activate a key it has never seen).
TEST_F(BillingTest, ActivatesTagKeysWhenAsked) {
  fs.files["eurus.yaml"] += "billing: { activate_tags: true }\n";
  Synth();
  EXPECT_EQ(B().resources()["aws_ce_cost_allocation_tag"].size(), billing::AllocationTagKeys().size());
  EXPECT_TRUE(HasResource(B(), "aws_ce_cost_allocation_tag", R"({"tag_key":"eurus:tenant","status":"Active"})"));
  EXPECT_FALSE(HasResource(B(), "aws_ce_cost_allocation_tag", R"({"tag_key":"eurus:app"})"));
}

// Given two tenants, we should give each tenant environment its tagged lines, each account
// the rest, and split every scope with tenants among exactly that scope's tenants.
TEST_F(BillingTest, CategoryValuesCarryTheScope) {
  Synth();
  Json c = Category();
  std::vector<std::string> values;
  for (const auto& r : c["rule"]) values.push_back(r["value"]);
  EXPECT_EQ(values, (std::vector<std::string>{"kb-dev", "shop-dev", "shop-prod", "shared_dev", "shared_prod",
                                              "shared_common-nonprod", "shared_common-prod", "shared_management"}));
  EXPECT_EQ(c["default_value"], "unallocated");
  Json splits = c["split_charge_rule"];
  ASSERT_EQ(splits.size(), 5u);  // management, both realms, dev, prod
  EXPECT_EQ(splits[0]["source"], "shared_management");
  EXPECT_EQ(splits[0]["targets"], Json({"kb-dev", "shop-dev", "shop-prod"}));
  EXPECT_EQ(splits[3]["source"], "shared_dev");
  EXPECT_EQ(splits[3]["targets"], Json({"kb-dev", "shop-dev"}));
  EXPECT_EQ(splits[4]["targets"], Json({"shop-prod"}));
  EXPECT_EQ(splits[4]["method"], "PROPORTIONAL");
}

// Given fixed shares, we should still split PROPORTIONAL in the cost category and warn (W0013):
// the provider keeps targets as a set and percents as a list, so FIXED percents could land
// on the wrong tenants (hashicorp/terraform-provider-aws#42836).
TEST_F(BillingTest, FixedSharesStayProportionalInTheCategory) {
  fs.files["eurus.yaml"] += "billing: { shared_costs: { fixed: { kb: 33.333 } } }\n";
  Synth();
  Json splits = Category()["split_charge_rule"];
  for (const auto& s : splits) {
    EXPECT_EQ(s["method"], "PROPORTIONAL") << s.dump();
    EXPECT_FALSE(s.contains("parameter")) << s.dump();
  }
}

// Given a total and a per-environment budget, we should make two monthly cost budgets on
// the tenant's category values, notifying its contacts and the org's alert emails.
TEST_F(BillingTest, BudgetsOnTheTenantsValues) {
  Synth();
  EXPECT_TRUE(HasResource(B(), "aws_budgets_budget",
                          R"({"name":"acme-shop","limit_amount":"500.00","time_unit":"MONTHLY","budget_type":"COST",
                              "cost_filter":[{"name":"CostCategory","values":["acme-tenants$shop-dev","acme-tenants$shop-prod"]}]})"));
  Json prod = Resource(B(), "aws_budgets_budget", "shop_prod");
  EXPECT_EQ(prod["cost_filter"][0]["values"], Json({"acme-tenants$shop-prod"}));
  ASSERT_EQ(prod["notification"].size(), 2u);
  EXPECT_EQ(prod["notification"][0]["notification_type"], "ACTUAL");
  EXPECT_EQ(prod["notification"][1]["notification_type"], "FORECASTED");
  EXPECT_EQ(prod["notification"][0]["subscriber_email_addresses"],
            Json({"shop@acme.example.com", "ops@acme.example.com"}));
}

// Given the export, we should deliver CUR 2.0 from us-east-1 to a KMS-encrypted bucket whose
// policy admits only this account's exports.
TEST_F(BillingTest, ExportToAnEncryptedBucket) {
  Synth();
  Json e = Resource(B(), "aws_bcmdataexports_export", "cur");
  EXPECT_EQ(e["provider"], "aws.us_east_1");
  const std::string q = e["export"][0]["data_query"][0]["query_statement"];
  EXPECT_NE(q.find("resource_tags, cost_category FROM COST_AND_USAGE_REPORT"), std::string::npos) << q;
  // Set, or AWS fills it in and the provider fails the apply (terraform-provider-aws#43978).
  EXPECT_EQ(e["export"][0]["data_query"][0]["table_configurations"]["COST_AND_USAGE_REPORT"]["BILLING_VIEW_ARN"],
            "arn:aws:billing::111111111111:billingview/primary");
  EXPECT_TRUE(HasResource(B(), "aws_s3_bucket_server_side_encryption_configuration", R"({"rule":[{"apply_server_side_encryption_by_default":{"sse_algorithm":"aws:kms"}}]})"));
  const std::string policy = Resource(B(), "aws_s3_bucket_policy", "export")["policy"];
  EXPECT_NE(policy.find("arn:aws:bcm-data-exports:us-east-1:111111111111:export/*"), std::string::npos);
  EXPECT_NE(policy.find("aws:SecureTransport"), std::string::npos);
  // Its S3 access logs go to the account's state access-log bucket, under its own prefix.
  Json logging = Resource(B(), "aws_s3_bucket_logging", "export");
  EXPECT_EQ(logging["target_bucket"], "acme-tfstate-logs-111111111111");
  EXPECT_EQ(logging["target_prefix"], "acme-billing-111111111111/");
  // Overwritten export files are kept 3 days, not a month of daily copies.
  Json rule = Resource(B(), "aws_s3_bucket_lifecycle_configuration", "export")["rule"][0];
  EXPECT_EQ(rule["noncurrent_version_expiration"][0]["noncurrent_days"], 3);
}

// Given 253 tenants in two environments, we should report the rule past AWS's 500 at a
// tenant (E0115) and the management split's 505 targets (E0117).
TEST_F(BillingTest, TooManyTenantEnvironments) {
  for (int i = 0; i < 251; ++i) fs.files["tenants/t" + std::to_string(1000 + i) + ".yaml"] = "environments: [dev, prod]\n";
  auto p = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  model::Build(*p, lock, {}, diags);
  std::string all = RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_NE(all.find("tenants/t1246.yaml:1:1: error[E0115]: the tenants' cost category needs 510 rules, AWS allows 500"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("tenants/t1246.yaml:1:1: error[E0117]: the shared costs of `shared_management` would go to 505 tenant environments"),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace eurus::synth
