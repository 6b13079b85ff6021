#pragma once
// What a saved plan does, from `tofu show -json <plan>`: counts for the summary table, the
// changes per resource address for the confirmation, and the destructive changes the
// destroy guard looks for.

#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eurus::run {

/// What one resource address does in a plan, in tofu's words; reads and no-ops are left out.
enum class ChangeAction { kCreate, kUpdate, kReplace, kDestroy };
const char* ChangeActionName(ChangeAction a);  ///< "create", "update", "replace", "destroy"

struct ResourceChange {
  std::string address;  ///< "aws_rds_cluster.db"
  ChangeAction action = ChangeAction::kCreate;
};

struct PlanSummary {
  int adds = 0;
  int changes = 0;
  int destroys = 0;  ///< a replacement counts as one add and one destroy, as tofu prints it
  /// Addresses of guarded resources (data stores, buckets, KMS keys) the plan deletes or replaces.
  std::vector<std::string> guarded_deletes;
  /// Every address the plan creates, updates, replaces or destroys, in the plan's order.
  std::vector<ResourceChange> resources;
  /// The names of the S3 buckets the plan creates (`change.after.bucket`): the bootstrap's
  /// plan names the state buckets that do not exist yet.
  std::set<std::string> created_buckets;
  bool empty() const { return adds == 0 && changes == 0 && destroys == 0; }
  /// The addresses the plan destroys or replaces.
  std::set<std::string> Deletes() const;
};

/// Parses the plan JSON; nullopt and `err` set when it is not a plan.
std::optional<PlanSummary> SummarizePlan(const std::string& json, std::string* err);

/// Resource types whose deletion loses data: apply refuses to delete or replace them unless
/// the unit is named with --allow-destroy.
bool IsGuardedType(const std::string& type);

/// One line per changed address, "  + create  aws_vpc.main", destroys and replacements
/// first (they are what a reader must not miss).
void PrintResourceChanges(std::FILE* out, const PlanSummary& s);

}  // namespace eurus::run
