#pragma once
// The tenants' cost category (docs/Cost.md "Shared costs", synth/billing.cc): which cost
// category value each line of the bill gets, and how the shared values are split among the
// tenants. Computed here, from the org alone, so that the checker (E0115, W0013, W0024) and
// the billing unit apply the same plan.
//
// Two forms (docs/CostAllocation.md §3). The per-environment form (one value per tenant and
// environment, split charge rules per scope) is used whenever it fits AWS's limits. Past them
// (about 485 tenant environments, or more than 7 environments with tenants) the compact form
// takes over: one INHERITED_VALUE rule gives every line tagged eurus:tenant the tag's value
// (the tenant's name, or "platform"), one rule per account keeps its untagged lines shared,
// and there are no split charge rules (W0024).
//
// AWS limits (AWS Billing user guide, "Quotas and restrictions", cost categories; Cost
// Explorer API reference, CostCategory and CostCategorySplitChargeRule):
//   rules per cost category (API) 500, split charge rules per cost category 10, targets per
//   split charge rule 500, value names at most 50 characters. A split rule's source may be
//   no other rule's source or target, and its targets no other rule's source.
//
// Rule order does not matter, by construction. AWS processes rules in order and the first
// match decides (API reference, CostCategoryRule), but AWS provider 6.25 keeps `rule` as a
// set (internal/service/ce/cost_category.go: schema.TypeSet, expanded from
// `d.Get("rule").(*schema.Set).List()`), so AWS receives them in the set's hash order. So no
// two rules of a category may match the same line (Disjoint): they differ in account, or one
// takes the lines without the eurus:tenant tag and the other lines with one value of it, or
// both name different values. "Without the tag" is written as the default value of a helper
// category `<org>-tagged` (one INHERITED_VALUE rule on eurus:tenant, default `untagged`;
// synth/billing.cc): a tag expression with MatchOptions ABSENT cannot be applied with
// provider 6.25, which always sends `Values: []`, and AWS rejects an empty list
// (hashicorp/terraform-provider-aws#36690). "Account AND NOT
// tag" would need a NOT whose meaning for lines without the tag AWS does not document.
// An INHERITED_VALUE rule matches only lines that carry its tag
// (CostCategoryInheritedValueDimension: "the value the line item is categorized as if the
// line item contains the matched dimension"), so it is disjoint from the untagged rules only.
// Split charge rules are a set too, but AWS's constraints above make them independent of
// each other, and PROPORTIONAL and EVEN do not depend on the targets' order.

#include <cstddef>
#include <string>
#include <vector>

#include "model/model.h"

namespace eurus::model::billing {

inline constexpr size_t kMaxRules = 500;
inline constexpr size_t kMaxSplitRules = 10;
inline constexpr size_t kMaxSplitTargets = 500;

/// The value of everything in no account of the org (and of accounts the org does not know).
inline constexpr char kUnallocated[] = "unallocated";
/// The eurus:tenant tag of the platform's own resources (synth::tags::kPlatform; the billing
/// unit's tests check that they agree).
inline constexpr char kPlatformTenant[] = "platform";
/// The value the helper category `<org>-tagged` gives a line without an eurus:tenant tag
/// (synth/billing.cc).
inline constexpr char kUntagged[] = "untagged";

/// Which form the category takes (see above).
enum class Form { kPerEnvironment, kCompact };

/// "<tenant>-<env>": a tenant's direct costs in one environment. Tenant and environment
/// names have no '-', so the value is unambiguous, and no shared value contains one.
std::string TenantValue(const std::string& tenant, const std::string& env);
/// "shared_<scope>": what an environment's account ("shared_dev"), a realm's common account
/// ("shared_common-prod") or the management account ("shared_management") costs besides
/// its tenants' tagged resources.
std::string SharedValue(const std::string& scope);

/// Which lines of an account a rule takes, by their eurus:tenant tag.
enum class TagMatch {
  kAny,     ///< every line of the account (an account no tenant rule names)
  kEquals,  ///< lines tagged eurus:tenant = `tag`
  kAbsent,  ///< lines without the tag (untagged, or billed before the key was activated)
};

/// One rule: the lines of `account` that `match` takes get `value`. No two rules of a
/// category match the same line (Disjoint), so their order does not matter. An `inherited`
/// rule (compact form) has neither value nor account: every line tagged eurus:tenant, in any
/// account, gets the tag's value.
struct Rule {
  std::string value;
  std::string account;
  TagMatch match = TagMatch::kAny;
  std::string tag;         ///< kEquals: the tag's value, a tenant or kPlatformTenant
  bool inherited = false;  ///< INHERITED_VALUE from the tag eurus:tenant
  Span span;               ///< what made it: the tenant, the environment or the org
};

/// Whether no bill line can match both rules (see the top of this file).
bool Disjoint(const Rule& a, const Rule& b);

/// One split charge rule: `source`'s cost goes to `targets`.
struct Split {
  std::string source;
  std::vector<std::string> targets;
  /// FIXED: the percent of each target (same order, summing to exactly 100, two decimals);
  /// empty: the org's method (PROPORTIONAL or EVEN).
  std::vector<std::string> percents;
  Span span;  ///< the environment, or the org for the realm and management scopes
};

/// The per-environment form's size, kept when the compact form replaced it (W0024 says why).
struct Overflow {
  size_t tenant_environments = 0;
  size_t rules = 0;   ///< rules it would need
  size_t splits = 0;  ///< split charge rules it would need
  size_t targets = 0; ///< the most targets of one split rule
  std::string widest; ///< that split rule's source
};

struct Category {
  Form form = Form::kPerEnvironment;
  Overflow overflow;  ///< compact form only
  std::vector<Rule> rules;
  std::vector<Split> splits;  ///< one per scope with tenants: management, realms, environments
  /// The `fixed` tenants' shares could not be kept exactly (W0013): in some scope the rest
  /// is split evenly among the other tenants, or a tenant's share among its environments.
  bool fixed_approximated = false;
};

/// The org's cost category in the per-environment form: every (tenant, environment), then
/// every environment's account, the realms' common accounts and the management account. An
/// account with tenant rules has two shared rules (its untagged lines, and the platform's);
/// any other has one for all its lines. One split charge rule per scope with tenants.
Category PerEnvironment(const Org& org);
/// The compact form: the inherited rule, then per account (environments, common accounts,
/// management) its untagged lines. No split charge rules.
Category Compact(const Org& org);
/// Whether a category keeps AWS's limits on rules, split rules and targets.
bool Fits(const Category& c);
/// The per-environment form when it fits, else the compact form (with `overflow` set). The
/// compact form's own rule count (one per account and one) is left to the checker (E0115).
Category Plan(const Org& org);

}  // namespace eurus::model::billing
