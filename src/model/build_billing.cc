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

void CheckCostCategory(Context& ctx) {
  const billing::Category c = billing::Plan(ctx.org);
  if (c.rules.size() > billing::kMaxRules) {
    // The rules are the tenants' environments first: the first one past the limit is a tenant's.
    const billing::Rule& r = c.rules[std::min(billing::kMaxRules, c.rules.size() - 1)];
    size_t fixed = c.rules.size() - (c.rules.size() - ctx.org.environments.size() - ctx.org.realms.size() - 1);
    ctx.Report(Bad(codes::kCategoryRules,
                   fmt::format("the tenants' cost category needs {} rules, AWS allows {}", c.rules.size(),
                               billing::kMaxRules),
                   r.span, fmt::format("rule {} (`{}`) is one too many", billing::kMaxRules + 1, r.value))
                   .Help(fmt::format("one rule per tenant and environment, plus {} for the accounts: onboard fewer "
                                     "tenants in this organisation, or run a second eurus organisation",
                                     fixed)));
  }
  if (c.splits.size() > billing::kMaxSplitRules) {
    const billing::Split& s = c.splits[billing::kMaxSplitRules];
    ctx.Report(Bad(codes::kSplitRules,
                   fmt::format("the tenants' cost category needs {} split charge rules, AWS allows {}",
                               c.splits.size(), billing::kMaxSplitRules),
                   s.span, fmt::format("`{}` is the split rule past the limit", s.source))
                   .Help("one split rule per scope with tenants: the management account, each realm with "
                         "tenants and each environment with tenants; merge environments or run a second "
                         "eurus organisation"));
  }
  for (const billing::Split& s : c.splits)
    if (s.targets.size() > billing::kMaxSplitTargets)
      ctx.Report(Bad(codes::kSplitTargets,
                     fmt::format("the shared costs of `{}` would go to {} tenant environments, AWS allows {}",
                                 s.source, s.targets.size(), billing::kMaxSplitTargets),
                     // The management scope has no file: its targets are the tenant rules, in order.
                     s.span.valid() ? s.span : c.rules[billing::kMaxSplitTargets].span,
                     "too many tenants share this scope")
                     .Help("a split charge rule takes at most 500 targets: onboard fewer tenants here"));
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
