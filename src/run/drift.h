#pragma once
// `eurus drift`, after the runner (Mode::kDrift): what changed outside eurus, read from each
// unit's refresh-only plan (`tofu show -json`: resource_drift), and which units' code is
// ahead of what was applied — from the applied record (.eurus/applied.json) when there is
// one, else from a plan without refresh (`plan -refresh=false`: the code against the state
// as last written, which is in the state bucket wherever the plan runs, CI included).
//
//   .eurus/drift/<unit>.tfplan, <unit>.json              the refresh-only plan and its JSON
//   .eurus/drift/<unit>.ahead.tfplan, <unit>.ahead.json  the plan without refresh (state mode)

#include <optional>
#include <string>
#include <vector>

#include "run/pipeline.h"
#include "run/state.h"

namespace eurus::run {

/// One resource whose real object differs from the state: tofu's resource_drift entry.
struct DriftedResource {
  std::string address;  ///< "aws_vpc.main", "module.x.aws_s3_bucket.b[\"a\"]"
  /// "update": changed outside eurus; "delete": gone (deleted outside eurus).
  std::string action;
  /// The attribute paths whose values differ, "tags.Name", "ingress.0.cidr_blocks" (at most
  /// kMaxPaths; never values: they may be secrets). Empty for a delete.
  std::vector<std::string> attributes;
};
inline constexpr size_t kMaxPaths = 8;

/// The resource_drift of a plan's JSON (managed resources only, in the plan's order); an
/// empty list when there is none; nullopt and `err` when the text is not a plan.
std::optional<std::vector<DriftedResource>> ParseResourceDrift(const std::string& json, std::string* err);

/// Why a unit's code is ahead of what was applied.
struct AheadUnit {
  std::string id;
  enum Why { kChanged, kNeverApplied, kRemoved, kPlanChanges } why = kChanged;
  /// kPlanChanges: the plan without refresh ("2 to add, 1 to change, 0 to destroy").
  std::string detail;
};
const char* AheadWhy(AheadUnit::Why w);  ///< "changed since it was applied", ...

/// From the applied record: every unit of `manifest` (in `selected`, empty: all) whose hash
/// differs from the recorded one or that has no record, and every recorded unit no longer in
/// the manifest (removed, not destroyed; only when `selected` is empty or names it). By id.
std::vector<AheadUnit> AheadOfRecord(const std::vector<RunUnit>& manifest, const Applied& applied,
                                     const std::vector<std::string>& selected);

/// What `eurus drift` found.
struct DriftResult {
  struct Unit {
    std::string id;
    UnitStatus status = UnitStatus::kNotRun;
    std::string detail;  ///< why it failed or was skipped
    std::string log;
    double seconds = 0;
    std::vector<DriftedResource> drifted;
    /// Attribute changes left out of `drifted` because the unit's own code ignores them
    /// (`lifecycle.ignore_changes`: autoscaling's desired_count, the image parameter a
    /// tenant's pipeline sets): expected, not drift. DropIgnoredChanges counts them.
    size_t expected = 0;
  };
  std::vector<Unit> units;         ///< every unit the runner ran, by id
  std::vector<AheadUnit> ahead;    ///< by id
  bool ahead_from_state = false;   ///< ahead came from plans without refresh, not the record
  int run_exit = 0;                ///< the runner's (RunReport::exit_code)
  size_t DriftedUnits() const;
  size_t DriftedResources() const;
  size_t Failed() const;  ///< units not ok
};

/// Joins the runner's report with the saved plans under `repo_dir`/.eurus/drift/ (a unit
/// whose JSON cannot be read becomes kFailed) and, in state mode, each unit's plan summary.
DriftResult CollectDrift(const std::string& repo_dir, const RunReport& r, bool ahead_from_state);

/// tofu's resource_drift does not apply `lifecycle.ignore_changes` (hashicorp/terraform#29401:
/// a refresh-only plan reports every difference), so a service autoscaling scaled out or an
/// image parameter a release set would read as drift every day. Removes from `drifted` the
/// attribute paths whose first name the unit's code (`main_tf_json`, the generated
/// main.tf.json) ignores for that resource, and the updates left with none; returns how
/// many paths it removed. Deletions always stay.
size_t DropIgnoredChanges(const std::string& main_tf_json, std::vector<DriftedResource>& drifted);

/// `eurus drift`'s exit codes (docs/Pipelines.md, "Drift"): 0 in sync; 5 something changed
/// outside eurus; 6 nothing did, but some code is ahead of what was applied; the runner's
/// code when it was not 0 (3 a unit failed, 130 interrupted), which wins: the answer is
/// incomplete.
inline constexpr int kDriftExitDrifted = 5;
inline constexpr int kDriftExitAhead = 6;
int DriftExitCode(const DriftResult& d);

/// The human report: drifted units and resources, code ahead, failures, a totals line.
std::string DriftText(const DriftResult& d);
/// One JSON object (docs/Pipelines.md): {"drifted": [...], "ahead": [...], "failed": [...], ...}.
std::string DriftJson(const DriftResult& d);
/// Markdown for a CI job summary: a table of drifted units and resources, one of code ahead.
std::string DriftMarkdown(const DriftResult& d);

}  // namespace eurus::run
