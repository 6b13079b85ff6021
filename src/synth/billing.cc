// management/billing: cost allocation in the management (payer) account, where AWS keeps the
// organisation's bill. Applied after every environment and common unit (their ids are its
// dependencies): it reads none of their outputs, but its rules name their accounts and the
// tags their providers set. docs/Cost.md ("Shared costs") states the rule it applies.
//
// - Tag activation. AWS accepts a cost allocation tag key only once it has seen the key on a
//   resource, up to 24 hours after the first resource carries it (UpdateCostAllocationTagsStatus
//   fails with TagKeysNotFoundException before). The GetTags data source (aws_ce_tags) reads
//   Cost Explorer's data, where user-defined keys appear only once active, so it cannot tell
//   when activation becomes possible, and provider 6.25 has no data source for
//   ListCostAllocationTags (terraform-provider-aws #44763 proposes one). So activation is an
//   explicit second step: `billing.activate_tags: true` once the first apply is a day old. No
//   first apply fails; until then the cost category's tag rules match nothing and each
//   environment's whole account is shared among its tenants, which the split rules still do.
// - One cost category (model/billing.h): `<tenant>-<env>` for a tenant's tagged lines in the
//   environment's account, `shared_<scope>` for each account's untagged and platform lines,
//   one split charge rule per scope with tenants; past AWS's limits the compact form (one
//   value per tenant, inherited from the eurus:tenant tag, no split rules; W0024). No two
//   rules match the same line: the provider hands them to AWS in set order. Its
//   effective_start is left to AWS (the first day of the current month; a date here would
//   make the output depend on the day of the synth).
// - Budgets: per tenant (and per environment where set), monthly, on the category's values
//   (compact form: the tenant's value, and for an environment also its account).
// - A CUR 2.0 export (Data Exports, us-east-1 only) to a KMS-encrypted bucket here.

#include "synth/billing.h"

#include <fmt/format.h>

#include <optional>

#include <algorithm>

#include "model/billing.h"
#include "model/naming.h"
#include "synth/policy_docs.h"

namespace eurus::synth::billing {
namespace {

std::vector<std::string> SortedUnique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}


using tf::Json;
namespace mb = model::billing;

/// The Data Exports API and the CUR bucket policy's source ARNs are in us-east-1 (Data
/// Exports user guide, "Setting up an Amazon S3 bucket for data exports").
constexpr char kGlobalRegion[] = "us-east-1";
/// The services that deliver exports (both named in that bucket policy).
constexpr const char* kExportServices[] = {"bcm-data-exports.amazonaws.com", "billingreports.amazonaws.com"};
/// How long exported months stay: three years of history for the report.
constexpr int kExportDays = 1095;

/// Conditions every export-service statement carries: this account's exports and reports only.
Json ExportSource(const std::string& account) {
  return {{"StringLike",
           {{"aws:SourceAccount", account},
            {"aws:SourceArn",
             {fmt::format("arn:aws:cur:{}:{}:definition/*", kGlobalRegion, account),
              fmt::format("arn:aws:bcm-data-exports:{}:{}:export/*", kGlobalRegion, account)}}}}};
}

Json Services() {
  Json s = Json::array();
  for (const char* x : kExportServices) s.push_back(x);
  return s;
}

/// The key of the export bucket: the account administers it, the export services encrypt
/// the objects they write with it (SSE-KMS) for this account's exports only.
std::string KeyPolicy(const std::string& account) {
  return Policy(Json::array({
      {{"Sid", "AccountAdministers"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", fmt::format("arn:aws:iam::{}:root", account)}}},
       {"Action", "kms:*"},
       {"Resource", "*"}},
      {{"Sid", "ExportServicesEncrypt"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", Services()}}},
       {"Action", {"kms:Decrypt", "kms:GenerateDataKey*"}},
       {"Resource", "*"},
       {"Condition", ExportSource(account)}},
  }));
}

/// An expression block of the cost category: `dimension` or `tags` equal to `value`.
Json Match(const char* kind, const std::string& key, const std::string& value) {
  return {{kind, Json::array({{{"key", key}, {"values", {value}}, {"match_options", {"EQUALS"}}}})}};
}

void AddTagActivation(const Context& ctx, tf::Unit& u, const tf::Origin& o) {
  if (!ctx.org.activate_tags) return;
  for (const std::string& key : AllocationTagKeys())
    u.Resource("aws_ce_cost_allocation_tag", BlockKey(key.substr(key.find(':') + 1)),
               {{"tag_key", key}, {"status", "Active"}}, o);
}

/// `<org>-tagged`: one INHERITED_VALUE rule on eurus:tenant, default kUntagged. The tenants'
/// category tests "has no eurus:tenant tag" through it: a tag expression with match option
/// ABSENT cannot be applied with provider 6.25, which always sends `Values: []` and AWS
/// rejects an empty list (hashicorp/terraform-provider-aws#36690). Its definition never
/// changes, so the provider's update bug that drops `default_value` (#49410: an update sends
/// DefaultValue only when it changed itself) never reaches it.
tf::Ref AddTaggedCategory(const Context& ctx, tf::Unit& u, const tf::Origin& o) {
  Json rule = {{"type", "INHERITED_VALUE"},
               {"inherited_value", Json::array({{{"dimension_name", "TAG"}, {"dimension_key", tags::kTenant}}})}};
  return u.Resource("aws_ce_cost_category", "tagged",
                    {{"name", ctx.org.name + "-tagged"},
                     {"rule_version", "CostCategoryExpression.v1"},
                     {"default_value", mb::kUntagged},
                     {"rule", Json::array({rule})}},
                    o);
}

/// One rule of the category. An inherited rule names the tag whose value becomes the line's
/// value (CostCategoryInheritedValueDimension, dimension TAG) and has neither value nor
/// expression. Rules are disjoint (model/billing.h), so the order the provider's set hands
/// them to AWS in does not matter. `tagged` is the helper category (AddTaggedCategory).
Json CategoryRule(const mb::Rule& r, const tf::Ref* tagged) {
  if (r.inherited)
    return {{"type", "INHERITED_VALUE"},
            {"inherited_value", Json::array({{{"dimension_name", "TAG"}, {"dimension_key", tags::kTenant}}})}};
  Json account = Match("dimension", "LINKED_ACCOUNT", r.account);
  Json expr = account;
  if (r.match == mb::TagMatch::kEquals)
    expr = {{"and", Json::array({account, Match("tags", tags::kTenant, r.tag)})}};
  // No eurus:tenant tag: the helper category's default value. A cost category rule may
  // test another cost category's value (Cost Explorer API, Expression: CostCategories).
  if (r.match == mb::TagMatch::kAbsent)
    expr = {{"and", Json::array({account, {{"cost_category", Json::array({{{"key", (*tagged)["name"]},
                                                                           {"values", {mb::kUntagged}},
                                                                           {"match_options", {"EQUALS"}}}})}}})}};
  return {{"value", r.value}, {"type", "REGULAR"}, {"rule", Json::array({expr})}};
}

tf::Ref AddCategory(const Context& ctx, const mb::Category& plan, tf::Unit& u, const tf::Origin& o) {
  bool absent = false;
  for (const mb::Rule& r : plan.rules) absent = absent || (!r.inherited && r.match == mb::TagMatch::kAbsent);
  std::optional<tf::Ref> tagged;
  if (absent) tagged = AddTaggedCategory(ctx, u, o);
  Json rules = Json::array();
  for (const mb::Rule& r : plan.rules) rules.push_back(CategoryRule(r, tagged ? &*tagged : nullptr));
  const char* method = ctx.org.shared_costs.method == model::SharedCosts::Method::kEven ? "EVEN" : "PROPORTIONAL";
  Json splits = Json::array();
  for (const mb::Split& s : plan.splits) {
    // `fixed` stays PROPORTIONAL here (W0013): provider 6.25 keeps a split rule's targets in a
    // set and its FIXED percents in a list, so the percents can land on the wrong tenants
    // (hashicorp/terraform-provider-aws#42836). `eurus cost` and `eurus cost report` apply them.
    // The rules themselves are a set as well; their order does not matter (model/billing.h).
    splits.push_back({{"source", s.source}, {"targets", s.targets}, {"method", method}});
  }
  Json body = {{"name", CategoryName(ctx.org)},
               {"rule_version", "CostCategoryExpression.v1"},
               {"default_value", mb::kUnallocated},
               {"rule", std::move(rules)}};
  if (!splits.empty()) body["split_charge_rule"] = std::move(splits);
  return u.Resource("aws_ce_cost_category", "tenants", std::move(body), o);
}

/// The budget notifications: the tenant's contacts, then the org's alert emails (at most
/// 10 a notification, Budgets API CreateBudget; W0014 warned), at kBudgetActualPercent of
/// actual and kBudgetForecastPercent of forecast spend.
Json Notifications(const model::Org& org, const model::Tenant& t) {
  std::vector<std::string> to;
  for (const auto& v : {t.contacts, org.alert_emails})
    for (const std::string& e : v)
      if (std::find(to.begin(), to.end(), e) == to.end() && to.size() < 10) to.push_back(e);
  if (to.empty()) return Json::array();
  auto n = [&](const char* type, double pct) {
    return Json{{"notification_type", type},
                {"comparison_operator", "GREATER_THAN"},
                {"threshold", pct},
                {"threshold_type", "PERCENTAGE"},
                {"subscriber_email_addresses", to}};
  };
  return Json::array({n("ACTUAL", model::kBudgetActualPercent), n("FORECASTED", model::kBudgetForecastPercent)});
}

/// A budget on `values` of the category and, when `account` is set, that account's lines only
/// (Budgets combines filters of different names with AND, as the console's "Filters" do).
void AddBudget(tf::Unit& u, const model::Org& org, const model::Tenant& t, const std::string& name, double amount,
               const std::vector<std::string>& values, const std::string& account, const tf::Ref& category,
               const tf::Origin& o) {
  Json filter = Json::array();
  for (const std::string& v : values) filter.push_back(CategoryName(org) + "$" + v);
  // "CostCategory" filters take "<category>$<value>" (Budgets API, CostFilters).
  Json filters = Json::array({{{"name", "CostCategory"}, {"values", SortedUnique(std::move(filter))}}});
  if (!account.empty()) filters.push_back({{"name", "LinkedAccount"}, {"values", {account}}});
  Json body = {{"name", name},
               {"budget_type", "COST"},
               {"time_unit", "MONTHLY"},
               {"limit_amount", fmt::format("{:.2f}", amount)},
               {"limit_unit", "USD"},
               {"cost_filter", std::move(filters)},
               {"depends_on", {category.Address()}}};
  Json notes = Notifications(org, t);
  if (!notes.empty()) body["notification"] = std::move(notes);
  u.Resource("aws_budgets_budget", BlockKey(name.substr(org.name.size() + 1)), std::move(body), o);
}

/// Per-environment form: a tenant's values are `<tenant>-<env>`. Compact form: the tenant's
/// one value, narrowed to the environment's account for an environment's budget.
void AddBudgets(const Context& ctx, const mb::Category& plan, tf::Unit& u, const tf::Ref& category) {
  const model::Org& org = ctx.org;
  const bool compact = plan.form == mb::Form::kCompact;
  for (const model::Tenant& t : org.tenants) {
    const tf::Origin o = ctx.Origin(t.budget.span);
    if (t.budget.total) {
      std::vector<std::string> values;
      if (compact) values.push_back(t.name);
      else
        for (const model::Deployment& d : t.deployments) values.push_back(mb::TenantValue(t.name, d.env));
      AddBudget(u, org, t, fmt::format("{}-{}", org.name, t.name), *t.budget.total, values, {}, category, o);
    }
    for (const auto& [env, amount] : t.budget.environments) {
      const model::Environment* e = org.environment(env);
      AddBudget(u, org, t, fmt::format("{}-{}-{}", org.name, t.name, env), amount,
                {compact ? t.name : mb::TenantValue(t.name, env)}, compact && e ? e->account : std::string(),
                category, o);
    }
  }
}

/// "SELECT a, b FROM COST_AND_USAGE_REPORT".
std::string Query() {
  std::string q = "SELECT ";
  for (size_t i = 0; i < ExportColumns().size(); ++i) q += (i ? ", " : "") + ExportColumns()[i];
  return q + " FROM COST_AND_USAGE_REPORT";
}

void AddExport(const Context& ctx, tf::Unit& u, const tf::Origin& o) {
  const model::Org& org = ctx.org;
  const std::string& account = org.management_account;
  const std::string name = ExportBucket(org);
  tf::Ref key = u.Resource("aws_kms_key", "export",
                           {{"description", fmt::format("{}: the CUR 2.0 export of the organisation's bill", name)},
                            {"enable_key_rotation", true},
                            {"deletion_window_in_days", 30},
                            {"policy", KeyPolicy(account)},
                            {"lifecycle", {{"prevent_destroy", true}}},
                            {"tags", {{"Name", name}}}},
                           o);
  u.Resource("aws_kms_alias", "export", {{"name", "alias/" + name}, {"target_key_id", key["key_id"]}}, o);
  Json writers = Json::array({{{"Sid", "ExportServicesWrite"},
                               {"Effect", "Allow"},
                               {"Principal", {{"Service", Services()}}},
                               {"Action", {"s3:PutObject", "s3:GetBucketPolicy"}},
                               {"Resource", {"arn:aws:s3:::" + name, "arn:aws:s3:::" + name + "/*"}},
                               {"Condition", ExportSource(account)}}});
  const auto [bucket, policy] = AddLogBucket(
      u, "export", name,
      {{"apply_server_side_encryption_by_default", {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}},
       {"bucket_key_enabled", true}},
      // OVERWRITE_REPORT rewrites the month's files at every refresh (at least daily): keep
      // the overwritten versions 3 days, not 30, or the bucket holds ~30 copies of the month.
      std::move(writers), kExportDays, true, o, /*noncurrent_days=*/3);
  // S3 server access logs of the export bucket go to the account's state access-log bucket
  // (management/bootstrap, whose policy admits this bucket under its own prefix).
  u.Resource("aws_s3_bucket_logging", "export",
             {{"bucket", bucket["id"]},
              {"target_bucket", naming::StateLogBucket(org.name, account).value},
              {"target_prefix", name + "/"}},
             o);
  u.Resource(
      "aws_bcmdataexports_export", "cur",
      {{"provider", std::string("aws.") + kGlobalAlias},
       {"export",
        Json::array({{{"name", fmt::format("{}-cur2", org.name)},
                      {"description", "CUR 2.0 of the organisation, with resource tags and cost categories (eurus)"},
                      {"data_query",
                       Json::array({{{"query_statement", Query()},
                                     {"table_configurations",
                                      {{"COST_AND_USAGE_REPORT",
                                        {{"TIME_GRANULARITY", "DAILY"},
                                         {"INCLUDE_RESOURCES", "TRUE"},
                                         {"INCLUDE_MANUAL_DISCOUNT_COMPATIBILITY", "FALSE"},
                                         {"INCLUDE_SPLIT_COST_ALLOCATION_DATA", "FALSE"},
                                         // AWS fills it in when absent and the provider then
                                         // fails the apply (hashicorp/terraform-provider-aws#43978).
                                         {"BILLING_VIEW_ARN",
                                          fmt::format("arn:aws:billing::{}:billingview/primary", org.management_account)}}}}}}})},
                      {"destination_configurations",
                       Json::array({{{"s3_destination",
                                      Json::array({{{"s3_bucket", bucket["id"]},
                                                    {"s3_prefix", "cur2"},
                                                    {"s3_region", org.region},
                                                    {"s3_output_configurations",
                                                     Json::array({{{"compression", "GZIP"},
                                                                   {"format", "TEXT_OR_CSV"},
                                                                   {"output_type", "CUSTOM"},
                                                                   {"overwrite", "OVERWRITE_REPORT"}}})}}})}}})},
                      // SYNCHRONOUS is the only cadence: refreshed as the bill is, up to daily.
                      {"refresh_cadence", Json::array({{{"frequency", "SYNCHRONOUS"}}})}}})},
       // Data Exports checks on creation that it may write.
       {"depends_on", {policy.Address()}}},
      o);
}

}  // namespace

const std::vector<std::string>& AllocationTagKeys() {
  static const std::vector<std::string> keys = [] {
    // Not eurus:app: only tenant units with apps set it, and activating a key AWS has never
    // seen fails the apply.
    std::vector<std::string> k = {tags::kOrg, tags::kEnvironment, tags::kTenant, tags::kUnit, tags::kCostCenter};
    std::sort(k.begin(), k.end());
    return k;
  }();
  return keys;
}

std::string CategoryName(const model::Org& org) { return org.name + "-tenants"; }

std::string ExportBucket(const model::Org& org) {
  return fmt::format("{}-billing-{}", org.name, org.management_account);
}

const std::vector<std::string>& ExportColumns() {
  static const std::vector<std::string> columns = {
      "bill_billing_period_start_date", "bill_payer_account_id",       "line_item_usage_account_id",
      "line_item_line_item_type",       "line_item_usage_start_date",  "line_item_usage_end_date",
      "line_item_product_code",         "line_item_usage_type",        "line_item_operation",
      "line_item_resource_id",          "line_item_line_item_description", "line_item_usage_amount",
      "line_item_unblended_cost",       "line_item_net_unblended_cost", "line_item_currency_code",
      "product_region_code",            "pricing_unit",                "resource_tags",
      "cost_category",
  };
  return columns;
}

}  // namespace eurus::synth::billing

namespace eurus::synth {

void AddBilling(const Context& ctx, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  tf::Unit u = ctx.NewUnit(kManagementDir, org.management_account, "management", tags::kPlatform,
                           billing::kUnitName, tags::kPlatform);
  tf::Provider global = u.providers.front();
  global.alias = billing::kGlobalAlias;
  global.region = "us-east-1";
  u.providers.push_back(std::move(global));
  for (const model::Environment& e : org.environments) u.sources.insert(e.file);
  for (const model::Tenant& t : org.tenants) u.sources.insert(t.file);
  // After every environment and common unit (not the tenant units: they change daily and
  // add nothing the category needs to exist first).
  for (const tf::Unit& other : units)
    if (other.account() != kManagementDir && other.name().rfind("tenant-", 0) != 0)
      u.dependencies.insert(other.id());
  const tf::Origin o = "eurus.yaml";
  billing::AddTagActivation(ctx, u, o);
  const model::billing::Category plan = model::billing::Plan(org);
  const tf::Ref category = billing::AddCategory(ctx, plan, u, o);
  billing::AddBudgets(ctx, plan, u, category);
  billing::AddExport(ctx, u, o);
  u.Output("cost_category_arn", category["arn"], "the cost category that gives each line a tenant and environment");
  u.Output("export_bucket", billing::ExportBucket(org), "the bucket of the CUR 2.0 export (prefix cur2/)");
  units.push_back(std::move(u));
}

}  // namespace eurus::synth
