#pragma once
// `eurus drift [UNIT...]`: synth (as `eurus plan` does), then a refresh-only plan of every
// selected unit through the runner (run/pipeline.h, Mode::kDrift), with the planner role
// unless told otherwise; reports what changed outside eurus and which units' code is ahead
// of what was applied (run/drift.h). docs/Pipelines.md, "Drift".

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/plan.h"

namespace eurus::cli {

struct DriftOptions {
  std::string out_dir;             ///< empty: <dir>/out
  std::vector<std::string> units;  ///< empty: all
  unsigned jobs = 0;               ///< 0: the number of CPUs
  /// --role: empty: $EURUS_ROLE, else planner (drift reads; it never needs the deployer).
  std::string role;
  bool json = false;     ///< the report as one JSON object on stdout (progress on stderr)
  std::string markdown;  ///< append a markdown report here (CI: $GITHUB_STEP_SUMMARY)
};

/// Registers `drift` with its options on `app`.
CLI::App* AddDriftCommand(CLI::App& app, CommonOptions& opts, DriftOptions& d);

/// The role drift runs with: --role, else $EURUS_ROLE, else planner; empty (and the error
/// printed) when it is not deployer or planner.
std::string ResolveDriftRole(const DriftOptions& d);

/// `eurus drift`: exit 0 in sync, 5 drifted, 6 code ahead only (run::DriftExitCode); 1
/// configuration errors, 2 usage (unknown unit or role), 3 a unit failed, 130 interrupted.
int RunDrift(FileSystem& fs, CommonOptions& opts, const DriftOptions& d, Console console = ProcessConsole());

}  // namespace eurus::cli
