#pragma once
// What a saved plan does, from `tofu show -json <plan>`: counts for the summary table and
// the destructive changes the destroy guard looks for.

#include <optional>
#include <string>
#include <vector>

namespace eurus::run {

struct PlanSummary {
  int adds = 0;
  int changes = 0;
  int destroys = 0;  ///< a replacement counts as one add and one destroy, as tofu prints it
  /// Addresses of guarded resources (data stores, buckets, KMS keys) the plan deletes or replaces.
  std::vector<std::string> guarded_deletes;
  bool empty() const { return adds == 0 && changes == 0 && destroys == 0; }
};

/// Parses the plan JSON; nullopt and `err` set when it is not a plan.
std::optional<PlanSummary> SummarizePlan(const std::string& json, std::string* err);

/// Resource types whose deletion loses data: apply refuses to delete or replace them unless
/// the unit is named with --allow-destroy.
bool IsGuardedType(const std::string& type);

}  // namespace eurus::run
