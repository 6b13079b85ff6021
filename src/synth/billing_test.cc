#include "synth/billing.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "check/validate.h"
#include "model/billing.h"
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
  EXPECT_EQ(values, (std::vector<std::string>{"kb-dev", "shop-dev", "shop-prod", "shared_dev", "shared_dev",
                                              "shared_prod", "shared_prod", "shared_common-nonprod",
                                              "shared_common-prod", "shared_management"}));
  // A tenant's tagged lines; the environment's untagged lines, then the platform's; a common
  // account (no tenant rules there) whole.
  EXPECT_EQ(c["rule"][0]["rule"][0], Json::parse(R"({"and":[
      {"dimension":[{"key":"LINKED_ACCOUNT","values":["444444444444"],"match_options":["EQUALS"]}]},
      {"tags":[{"key":"eurus:tenant","values":["kb"],"match_options":["EQUALS"]}]}]})"));
  EXPECT_EQ(c["rule"][3]["rule"][0], Json::parse(R"({"and":[
      {"dimension":[{"key":"LINKED_ACCOUNT","values":["444444444444"],"match_options":["EQUALS"]}]},
      {"cost_category":[{"key":"${aws_ce_cost_category.tagged.name}","values":["untagged"],
                         "match_options":["EQUALS"]}]}]})"));
  // Untagged lines are the helper category's default: a tag ABSENT expression cannot be
  // applied with provider 6.25 (it sends an empty Values list, which AWS rejects).
  Json tagged = Resource(B(), "aws_ce_cost_category", "tagged");
  EXPECT_EQ(tagged["name"], "acme-tagged");
  EXPECT_EQ(tagged["default_value"], "untagged");
  EXPECT_EQ(tagged["rule"], Json::parse(R"([{"type":"INHERITED_VALUE",
      "inherited_value":[{"dimension_name":"TAG","dimension_key":"eurus:tenant"}]}])"));
  EXPECT_EQ(B().MainJson().find("ABSENT"), std::string::npos);
  EXPECT_EQ(c["rule"][4]["rule"][0]["and"][1]["tags"][0]["values"], Json({"platform"}));
  EXPECT_FALSE(c["rule"][7]["rule"][0].contains("and"));
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

/// 253 more tenants in dev and prod: 509 tenant environments, past AWS's 500 rules (with
/// subnets small enough for them, as bench/gen_org.py has).
void AddManyTenants(MemoryFileSystem& fs) {
  for (const char* env : {"environments/dev.yaml", "environments/prod.yaml"})
    fs.files[env] += "  tenant_subnet_size: 28\n  data_subnet_size: 28\n";
  for (int i = 0; i < 253; ++i)
    fs.files["tenants/t" + std::to_string(1000 + i) + ".yaml"] = "environments: [dev, prod]\n";
}

// Given 509 tenant environments, we should not fail (E0115/E0117 as before) but warn once
// (W0024) at eurus.yaml that the category is one value per tenant, saying why.
TEST_F(BillingTest, TooManyTenantEnvironmentsWarnsOfTheCompactForm) {
  AddManyTenants(fs);
  auto p = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  model::Build(*p, lock, {}, diags);
  std::string all = RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_FALSE(diags.has_errors()) << all;
  EXPECT_NE(all.find("eurus.yaml:2:1: warning[W0024]: the tenants' cost category has one value per tenant, not per "
                     "tenant and environment: 509 tenant environments need 516 rules, AWS allows 500"),
            std::string::npos)
      << all;
}

// Given a `billing` block, W0024 should point into it.
TEST_F(BillingTest, CompactWarningPointsAtTheBillingBlock) {
  AddManyTenants(fs);
  fs.files["eurus.yaml"] += "billing: { activate_tags: true }\n";
  auto p = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  model::Build(*p, lock, {}, diags);
  std::string all = RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_NE(all.find(":12: warning[W0024]"), std::string::npos) << all;
  EXPECT_EQ(all.find("eurus.yaml:2:1: warning[W0024]"), std::string::npos) << all;
}

// Given the compact form, we should write one inherited rule on eurus:tenant (the platform's
// lines get `platform`) and each account's untagged lines, no split charge rules; budgets on
// the tenant's one value, an environment's also on its account.
TEST_F(BillingTest, CompactCategoryAndItsBudgets) {
  AddManyTenants(fs);
  Synth();
  Json c = Category();
  EXPECT_FALSE(c.contains("split_charge_rule"));
  ASSERT_EQ(c["rule"].size(), 6u);  // the inherited rule and 5 accounts
  EXPECT_EQ(c["rule"][0], Json::parse(R"({"type":"INHERITED_VALUE",
      "inherited_value":[{"dimension_name":"TAG","dimension_key":"eurus:tenant"}]})"));
  EXPECT_EQ(c["rule"][1], Json::parse(R"({"value":"shared_dev","type":"REGULAR","rule":[{"and":[
      {"dimension":[{"key":"LINKED_ACCOUNT","values":["444444444444"],"match_options":["EQUALS"]}]},
      {"cost_category":[{"key":"${aws_ce_cost_category.tagged.name}","values":["untagged"],
                         "match_options":["EQUALS"]}]}]}]})"));
  EXPECT_EQ(c["rule"][5]["value"], "shared_management");
  Json total = Resource(B(), "aws_budgets_budget", "shop");
  EXPECT_EQ(total["cost_filter"], Json::parse(R"([{"name":"CostCategory","values":["acme-tenants$shop"]}])"));
  Json prod = Resource(B(), "aws_budgets_budget", "shop_prod");
  EXPECT_EQ(prod["cost_filter"], Json::parse(R"([{"name":"CostCategory","values":["acme-tenants$shop"]},
      {"name":"LinkedAccount","values":["555555555555"]}])"));
}

/// What one rule of the generated category takes: the inherited rule, or an account's lines,
/// all of them or those whose eurus:tenant tag is absent or one of `values`.
struct Taken {
  bool inherited = false;
  std::string account;
  bool any = true, absent = false;
  std::set<std::string> values;
};

Taken Read(const Json& rule) {
  Taken t;
  if (rule["type"] == "INHERITED_VALUE") {
    t.inherited = true;
    return t;
  }
  const Json& expr = rule["rule"][0];
  const Json parts = expr.contains("and") ? expr["and"] : Json::array({expr});
  for (const Json& p : parts) {
    if (p.contains("dimension")) {
      EXPECT_EQ(p["dimension"][0]["key"], "LINKED_ACCOUNT") << rule.dump();
      EXPECT_EQ(p["dimension"][0]["values"].size(), 1u) << rule.dump();
      t.account = p["dimension"][0]["values"][0];
    } else if (p.contains("cost_category")) {
      // The helper category's default value: no eurus:tenant tag.
      const Json& cc = p["cost_category"][0];
      EXPECT_EQ(cc["key"], "${aws_ce_cost_category.tagged.name}") << rule.dump();
      EXPECT_EQ(cc["values"], Json({"untagged"})) << rule.dump();
      t.any = false;
      t.absent = true;
    } else {
      const Json& tag = p["tags"][0];
      EXPECT_EQ(tag["key"], "eurus:tenant") << rule.dump();
      EXPECT_TRUE(tag.contains("values") && !tag["values"].empty()) << rule.dump();  // never ABSENT
      t.any = false;
      for (const auto& v : tag["values"]) t.values.insert(v.get<std::string>());
    }
  }
  return t;
}

/// Whether some bill line could match both.
bool Overlap(const Taken& a, const Taken& b) {
  if (a.inherited || b.inherited) {
    const Taken& other = a.inherited ? b : a;
    return other.inherited || !other.absent;  // the inherited rule takes every tagged line
  }
  if (a.account != b.account) return false;
  if (a.any || b.any) return true;
  if (a.absent || b.absent) return a.absent == b.absent;
  for (const std::string& v : a.values)
    if (b.values.count(v)) return true;
  return false;
}

/// No two rules of the category match one line: AWS takes the first match, and provider 6.25
/// keeps `rule` as a set, so which is first is the set's hash order.
void ExpectDisjoint(const Json& category) {
  const Json& rules = category["rule"];
  for (size_t i = 0; i < rules.size(); ++i)
    for (size_t j = i + 1; j < rules.size(); ++j)
      EXPECT_FALSE(Overlap(Read(rules[i]), Read(rules[j]))) << rules[i].dump() << "\n" << rules[j].dump();
}

// Given either form, no two rules of the cost category should match the same bill line, so
// the order AWS receives them in does not matter.
TEST_F(BillingTest, NoTwoRulesMatchTheSameLine) {
  Synth();
  ExpectDisjoint(Category());
}

TEST_F(BillingTest, NoTwoCompactRulesMatchTheSameLine) {
  AddManyTenants(fs);
  Synth();
  ExpectDisjoint(Category());
}

// Given the compact form, the billing unit should pass the provider schema (when the build
// has one: make schema).
TEST_F(BillingTest, CompactCategoryValidates) {
  const char* path = std::getenv("EURUS_AWS_SCHEMA");
  std::ifstream in(path ? path : "");
  if (!in) GTEST_SKIP() << "no $EURUS_AWS_SCHEMA";
  std::stringstream text;
  text << in.rdbuf();
  std::string err;
  auto schema = check::Schema::Parse(text.str(), &err);
  ASSERT_TRUE(schema.has_value()) << err;
  AddManyTenants(fs);
  Synth();
  Diagnostics d;
  check::ValidateUnit(Json::parse(B().MainJson()), Json::parse(B().ProvidersJson()), *schema, {}, d);
  EXPECT_FALSE(d.has_errors()) << RenderAll(d, sources, DiagFormat::kShort);
}

// The compact form's platform rule matches the tag the platform's units carry.
TEST(BillingTagTest, PlatformTenantIsTheSynthTag) {
  EXPECT_STREQ(model::billing::kPlatformTenant, tags::kPlatform);
}

}  // namespace
}  // namespace eurus::synth
