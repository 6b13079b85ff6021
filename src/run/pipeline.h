#pragma once
// `eurus plan|apply` after synth: tofu over the selected units as a DAG, in a worker pool
// of -j slots, the longest recorded unit first among the ready ones (ninja's model: one
// thread, a CommandRunner, a status line). Apply plans every unit first, refuses
// destructive plans before applying anything (the destroy guard), shows what will change and
// asks once; units with local state (the bootstrap) run first and alone.

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run/plan_summary.h"
#include "run/runner.h"

namespace eurus::run {

/// kDrift (`eurus drift`): a refresh-only plan of each unit, nothing applied, no removed
/// units; with RunOptions::ahead_from_state also a plan without refresh (run/drift.h).
enum class Mode { kPlan, kApply, kDrift };

/// One unit to run, from out/eurus.manifest.json or from the applied record.
struct RunUnit {
  std::string id;  ///< "dev/network"
  std::string dir;  ///< absolute directory holding its .tf.json files
  std::string hash;
  std::vector<std::string> dependencies;  ///< unit ids it reads from
  /// In .eurus/applied.json but no longer in the manifest: planned with -destroy from its
  /// last applied copy (.eurus/applied/<id>/), and apply needs --allow-destroy for it.
  bool removed = false;
  /// The manifest's "state" is "local" (management/bootstrap before its migration): it
  /// creates the state buckets and roles every other unit needs, so it runs first and alone.
  bool local_state = false;
  /// The S3 bucket of its state ("" for local state): a unit whose bucket the bootstrap's
  /// plan creates cannot be planned before the bootstrap is applied.
  std::string state_bucket;
};

/// The units of out/eurus.manifest.json (dir made absolute under `out_dir`); nullopt and
/// `err` when it is missing or of another version.
std::optional<std::vector<RunUnit>> ReadManifestUnits(const std::string& out_dir, std::string* err);

struct RunOptions {
  Mode mode = Mode::kPlan;
  std::string repo_dir;  ///< absolute; .eurus/ lives here
  /// Unit ids to run; empty: every unit in the manifest plus every removed unit. The
  /// dependencies of a selected unit are not added (they order the run when selected too).
  std::vector<std::string> selected;
  unsigned jobs = 0;  ///< 0: the number of CPUs
  std::set<std::string> allow_destroy;
  std::string tofu = "tofu";  ///< $EURUS_TOFU
  bool smart_terminal = false;  ///< overprint the status line
  std::FILE* out = stdout;
  /// The role every tofu process assumes in each unit's account: `TF_VAR_eurus_role`
  /// ("deployer" or "planner"; apply is always "deployer", the CLI refuses the rest).
  std::string role = "deployer";
  /// Apply: asked once, after every plan and before anything is applied, and again for a
  /// unit re-planned after its upstream units whose new plan destroys or replaces an
  /// address the first question did not show. false: that is not applied. Empty: `--yes`,
  /// nothing is asked (the destroy guard still holds).
  std::function<bool(const std::string& question)> confirm;
  /// Drift: after the refresh-only plan, also `plan -refresh=false` (the code against the
  /// state as last applied); UnitReport::plan is then that plan's summary.
  bool ahead_from_state = false;
};

enum class UnitStatus {
  kNotRun,       ///< interrupted before it started
  kOk,
  kFailed,       ///< a tofu command failed; its log was printed
  kSkipped,      ///< a dependency failed (or was refused / left by an interrupt)
  kRefused,      ///< apply: the destroy guard stopped it (nothing was applied)
  kInterrupted,  ///< running when the run was interrupted
  kWaiting,      ///< plan: not planned, its state bucket is created by the bootstrap's plan
};
const char* StatusName(UnitStatus s);

struct UnitReport {
  std::string id;
  bool removed = false;
  UnitStatus status = UnitStatus::kNotRun;
  std::optional<PlanSummary> plan;
  double seconds = 0;  ///< plan (+ apply) wall time
  std::string detail;  ///< why it failed, was skipped or refused
  /// Apply: why its plan waits for its upstream units (planned again after they are
  /// applied); empty when its first plan is the one applied.
  std::string waits;
  std::string log;  ///< its log, .eurus/logs/<unit>.log (absolute)
};

struct RunReport {
  /// 0; 1 when the confirmation was declined (nothing applied); 2 when a selected unit
  /// does not exist; 3 when a unit failed or was refused; 130 when interrupted.
  int exit_code = 0;
  std::vector<UnitReport> units;  ///< the selected units, by id
};

/// Runs tofu over the selected units. Never throws for tofu failures: they are in the report.
RunReport RunUnits(CommandRunner& runner, const std::vector<RunUnit>& manifest, const RunOptions& o);

/// "unknown unit `dev/netwrk`; did you mean `dev/network`?" (the closest of `known` by
/// edit distance, when one is close enough).
std::string UnknownUnitMessage(const std::string& id, const std::vector<std::string>& known);

/// The per-unit table: adds, changes, destroys, duration, status; then a totals line.
void PrintSummary(std::FILE* out, Mode mode, const RunReport& r);

}  // namespace eurus::run
