#pragma once
// The tenants' cost category (docs/Cost.md "Shared costs", synth/billing.cc): which cost
// category value each line of the bill gets, and how the shared values are split among the
// tenants. Computed here, from the org alone, so that the checker (E0115-E0117, W0013) and
// the billing unit apply the same plan.
//
// AWS limits (AWS Billing user guide, "Quotas and restrictions", cost categories; Cost
// Explorer API reference, CostCategory and CostCategorySplitChargeRule):
//   rules per cost category (API) 500, split charge rules per cost category 10, targets per
//   split charge rule 500, value names at most 50 characters. A split rule's source may be
//   no other rule's source or target, and its targets no other rule's source.

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

/// "<tenant>-<env>": a tenant's direct costs in one environment. Tenant and environment
/// names have no '-', so the value is unambiguous, and no shared value contains one.
std::string TenantValue(const std::string& tenant, const std::string& env);
/// "shared_<scope>": what an environment's account ("shared_dev"), a realm's common account
/// ("shared_common-prod") or the management account ("shared_management") costs besides
/// its tenants' tagged resources.
std::string SharedValue(const std::string& scope);

/// One rule: the lines of `account`, and of those only the ones tagged eurus:tenant =
/// `tenant` when it is set, get `value`. Rules are evaluated in order; the first match wins.
struct Rule {
  std::string value;
  std::string account;
  std::string tenant;  ///< empty: every line of the account
  Span span;           ///< what made it: the tenant, the environment or the org
};

/// One split charge rule: `source`'s cost goes to `targets`.
struct Split {
  std::string source;
  std::vector<std::string> targets;
  /// FIXED: the percent of each target (same order, summing to exactly 100, two decimals);
  /// empty: the org's method (PROPORTIONAL or EVEN).
  std::vector<std::string> percents;
  Span span;  ///< the environment, or the org for the realm and management scopes
};

struct Category {
  std::vector<Rule> rules;
  std::vector<Split> splits;  ///< one per scope with tenants: management, realms, environments
  /// The `fixed` tenants' shares could not be kept exactly (W0013): in some scope the rest
  /// is split evenly among the other tenants, or a tenant's share among its environments.
  bool fixed_approximated = false;
};

/// The org's cost category, in rule order: every (tenant, environment), then every
/// environment's account, the realms' common accounts and the management account. Limits
/// are not applied here (the checker reports them).
Category Plan(const Org& org);

}  // namespace eurus::model::billing
