// The billing unit's inputs (synth/billing.cc): each tenant's `budget`, and the limits AWS
// puts on the tenants' cost category (model/billing.h).

#include <charconv>

#include "diag/codes.h"
#include "model/billing.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

/// AWS Budgets: a notification has at most 10 email subscribers (Budgets API reference,
/// CreateBudget: "one SNS subscriber and up to 10 email subscribers").
constexpr size_t kMaxBudgetEmails = 10;

/// A positive USD amount, or nullopt after E0118.
std::optional<double> Amount(Context& ctx, const config::Str& s) {
  double x = 0;
  const std::string& v = s.value;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec == std::errc() && p == v.data() + v.size() && x > 0 && std::isfinite(x)) return x;
  ctx.Report(Bad(codes::kBudgetAmount, fmt::format("`{}` is not a budget", v), s.span,
                 "expected a positive amount of USD a month")
                 .Help("write the monthly amount in US dollars, e.g. `budget: 500`"));
  return std::nullopt;
}

}  // namespace

void BuildBudget(Context& ctx, const config::TenantDoc& doc, const std::set<std::string>& onboarded, Tenant& t) {
  const auto& b = doc.budget;
  if (!b.set) return;
  t.budget.span = b.span;
  if (b.total) t.budget.total = Amount(ctx, b.total);
  const std::vector<std::string> names(onboarded.begin(), onboarded.end());
  for (const auto& [env, amount] : b.environments.value) {
    std::optional<double> x = Amount(ctx, amount);
    if (!onboarded.count(env.value)) {
      std::string near = ClosestMatch(env.value, names);
      ctx.Report(Bad(codes::kBudgetEnvironment,
                     fmt::format("budget for environment `{}`, where tenant `{}` is not onboarded", env.value, t.name),
                     env.span, near.empty() ? "not in `environments`" : "did you mean `" + near + "`?")
                     .Help(names.empty() ? "list the environment in `environments` first"
                                         : "the tenant is onboarded in " + List(names, "and")));
      continue;
    }
    if (x) t.budget.environments.emplace_back(env.value, *x);
  }
  // In the org's environment order, like the deployments.
  std::vector<std::pair<std::string, double>> sorted;
  for (const Environment& e : ctx.org.environments)
    for (const auto& [env, x] : t.budget.environments)
      if (env == e.name) sorted.emplace_back(env, x);
  t.budget.environments = std::move(sorted);
  const size_t recipients = t.contacts.size() + ctx.org.alert_emails.size();
  if ((t.budget.total || !t.budget.environments.empty()) && (recipients == 0 || recipients > kMaxBudgetEmails)) {
    Diagnostic w = Warning(codes::kWarnBudgetRecipients,
                           recipients == 0
                               ? fmt::format("the budgets of tenant `{}` notify nobody", t.name)
                               : fmt::format("the budgets of tenant `{}` notify only the first {} of {} addresses",
                                             t.name, kMaxBudgetEmails, recipients));
    w.Label(b.span, recipients == 0 ? "no `contacts` here and no `alerts.emails` in eurus.yaml"
                                    : "AWS Budgets emails at most 10 addresses a notification");
    w.Help(recipients == 0 ? "add `contacts: [...]` to the tenant, or `alerts: { emails: [...] }` to eurus.yaml"
                           : "the tenant's contacts come first, then the org's alert emails: shorten the lists");
    ctx.Report(std::move(w));
  }
}

namespace {

/// Where W0024 points: the org's `billing` block, else eurus.yaml's `org`. An absent field is
/// located at its owning key, so `activate_tags` finds `billing` when only the block is written.
Span BillingSpan(const config::OrgDoc& doc) {
  if (doc.activate_tags.given) return doc.activate_tags.key_span;
  if (doc.shared_costs.set) return doc.shared_costs.span;
  const Span& owner = doc.activate_tags.key_span;
  if (owner.valid() && owner.end > owner.begin) return owner;  // not the file's start
  return doc.org.key_span;
}

/// W0024: the per-environment form broke a limit, so the category is compact.
void WarnCompact(Context& ctx, const billing::Overflow& o) {
  std::string why;
  if (o.rules > billing::kMaxRules)
    why = fmt::format("{} tenant environments need {} rules, AWS allows {}", o.tenant_environments, o.rules,
                      billing::kMaxRules);
  else if (o.splits > billing::kMaxSplitRules)
    why = fmt::format("{} scopes with tenants need {} split charge rules, AWS allows {}", o.splits, o.splits,
                      billing::kMaxSplitRules);
  else
    why = fmt::format("`{}` would be split among {} tenant environments, AWS allows {} targets", o.widest,
                      o.targets, billing::kMaxSplitTargets);
  Diagnostic w = Warning(codes::kWarnCompactCategory,
                         "the tenants' cost category has one value per tenant, not per tenant and environment: " +
                             why);
  w.Label(BillingSpan(ctx.project.org), "the Billing console shows each tenant across its environments");
  w.Help("shared_<scope> values stay unsplit in the Billing console (no split charge rules), the platform's tagged "
         "resources of every account are one value, `platform`, and budgets per environment filter on the "
         "environment's account; `eurus cost report` still splits shared costs per tenant and environment "
         "(docs/CostAllocation.md)");
  ctx.Report(std::move(w));
}

}  // namespace

void CheckCostCategory(Context& ctx) {
  const billing::Category c = billing::Plan(ctx.org);
  if (c.form == billing::Form::kCompact) WarnCompact(ctx, c.overflow);
  if (c.rules.size() > billing::kMaxRules) {
    // Only the compact form gets here: the inherited rule and one per account, so some 497
    // environments. The rules past the limit are the accounts' own (in account order).
    const billing::Rule& r = c.rules[billing::kMaxRules];
    ctx.Report(Bad(codes::kCategoryRules,
                   fmt::format("the tenants' cost category needs {} rules, AWS allows {}", c.rules.size(),
                               billing::kMaxRules),
                   r.span.valid() ? r.span : BillingSpan(ctx.project.org),
                   fmt::format("rule {} (`{}`) is one too many", billing::kMaxRules + 1, r.value))
                   .Help("one rule per account (environments, common accounts, management) and one for the "
                         "tenants: run fewer environments in this organisation, or a second eurus organisation"));
  }
  // E0116 and E0117 are no longer reported: a category past those limits takes the compact
  // form, which has no split charge rules (W0024).
  bool fixed = c.fixed_approximated;
  for (const billing::Split& s : c.splits) fixed = fixed || !s.percents.empty();
  if (fixed) {
    const auto& sc = ctx.project.org.shared_costs;
    Diagnostic w = Warning(codes::kWarnFixedSplit,
                           "the cost category splits shared costs in proportion to cost, not by the `fixed` percents");
    w.Label(sc.span, "applied by `eurus cost` and `eurus cost report` only");
    w.Help("the AWS provider keeps a split charge rule's targets as a set and its FIXED percents as a list, so "
           "the percents could land on the wrong tenants (hashicorp/terraform-provider-aws#42836); the report "
           "from the CUR export applies them (docs/CostAllocation.md)");
    ctx.Report(std::move(w));
  }
}

}  // namespace eurus::model::build
