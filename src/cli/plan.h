#pragma once
// `eurus plan` and `eurus apply`: synth (exactly as `eurus synth`), then tofu over the
// selected units through run/pipeline.h. Apply shows what will change and asks once on a
// terminal; `--yes` skips the question, and without a terminal it is required.

#include <CLI/CLI.hpp>
#include <cstdio>
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
  bool yes = false;  ///< apply: no questions (CI)
  /// --role: the role tofu assumes in each unit's account; empty: $EURUS_ROLE, else deployer.
  std::string role;
};

/// Where apply's question is asked and answered: the process's terminal, or streams a test
/// injects. `interactive` is the seam: true only when stdin and stdout are terminals.
struct Console {
  std::FILE* in = stdin;
  std::FILE* out = stdout;
  bool interactive = false;
};
/// stdin/stdout, interactive when both are terminals.
Console ProcessConsole();
/// Prints "<question> [y/N] " and reads one line: true for y or yes (any case), false for
/// anything else, end of input, or an interrupt (Ctrl-C) while waiting.
bool AskYesNo(Console& c, const std::string& question);

/// The role tofu runs with, from --role, else $EURUS_ROLE, else "deployer"; empty (and the
/// error printed) when it is not deployer or planner, or apply asks for the planner.
std::string ResolveRole(const PlanOptions& p);

/// Registers `plan` or `apply` (per `p.apply`) with its options on `app`.
CLI::App* AddPlanCommand(CLI::App& app, CommonOptions& opts, PlanOptions& p);

/// `eurus plan|apply`: synth quietly, select units, run them, print the summary.
int RunPlan(FileSystem& fs, CommonOptions& opts, const PlanOptions& p, Console console = ProcessConsole());

/// Synthesizes into `out_dir` (empty: <dir>/out) exactly as `eurus synth -q` does. With
/// `check`, it is called after the synth pass (before anything is rendered or written);
/// false stops the run with kUsage. `keep`, `session` and `parsed` as in SynthOptions.
int SynthForRun(FileSystem& fs, CommonOptions& opts, const std::string& out_dir,
                std::function<bool(const Session&)> check = {}, config::ParsedFiles* keep = nullptr,
                Session** session = nullptr, std::function<void()> parsed = {});

/// The runner part alone, after synth: tofu over `unit_ids` (empty: every unit, plus the
/// removed ones). The hook for other selections (`--changed --base REF`).
int RunSelectedUnits(const CommonOptions& opts, const PlanOptions& p, const std::vector<std::string>& unit_ids,
                     Console console = ProcessConsole());

}  // namespace eurus::cli
