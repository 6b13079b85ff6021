#pragma once
// `eurus plan` and `eurus apply`: synth (exactly as `eurus synth`), then tofu over the
// selected units through run/pipeline.h.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace eurus::cli {

struct PlanOptions {
  bool apply = false;
  std::string out_dir;             ///< empty: <dir>/out
  std::vector<std::string> units;  ///< empty: all
  unsigned jobs = 0;               ///< 0: the number of CPUs
  std::vector<std::string> allow_destroy;
  bool changed = false;  ///< --changed --base REF: select through run/changes.h
  std::string base;
};

/// Registers `plan` or `apply` (per `p.apply`) with its options on `app`.
CLI::App* AddPlanCommand(CLI::App& app, CommonOptions& opts, PlanOptions& p);

/// `eurus plan|apply`: synth quietly, select units, run them, print the summary.
int RunPlan(FileSystem& fs, CommonOptions& opts, const PlanOptions& p);

/// Synthesizes into `out_dir` (empty: <dir>/out) exactly as `eurus synth -q` does.
int SynthForRun(FileSystem& fs, CommonOptions& opts, const std::string& out_dir);

/// The runner part alone, after synth: tofu over `unit_ids` (empty: every unit, plus the
/// removed ones). The hook for other selections (`--changed --base REF`).
int RunSelectedUnits(const CommonOptions& opts, const PlanOptions& p, const std::vector<std::string>& unit_ids);

}  // namespace eurus::cli
