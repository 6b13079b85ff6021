#include "cli/plan.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "cli/changes.h"
#include "run/pipeline.h"
#include "run/state.h"
#include "run/runner.h"

namespace eurus::cli {

namespace fs = std::filesystem;

CLI::App* AddPlanCommand(CLI::App& app, CommonOptions& opts, PlanOptions& p) {
  auto* cmd = p.apply ? app.add_subcommand("apply", "synth, plan the selected units, then apply the saved plans in dependency order")
                      : app.add_subcommand("plan", "synth, then `tofu plan` the selected units in dependency order, in parallel");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("-o,--out", p.out_dir, "output directory (default: DIR/out)");
  cmd->add_option("units", p.units, "unit ids to run, like dev/network (default: all)");
  cmd->add_flag("--changed", p.changed, "only the units that differ from --base (apply: and their dependents)");
  cmd->add_option("--base", p.base, "the git ref --changed compares against (e.g. the merge base)");
  cmd->add_option("-j,--jobs", p.jobs, "tofu processes at once (default: the number of CPUs)");
  cmd->add_option("--allow-destroy", p.allow_destroy,
                  "allow UNIT's plan to delete or replace data stores, buckets or KMS keys, or to destroy a removed unit")
      ->type_name("UNIT")
      ->allow_extra_args(false);
  return cmd;
}

int SynthForRun(FileSystem& fs, CommonOptions& opts, const std::string& out_dir) {
  SynthOptions so;
  so.out_dir = out_dir;
  so.quiet = true;
  return RunSynth(fs, opts, so);
}

int RunSelectedUnits(const CommonOptions& opts, const PlanOptions& p, const std::vector<std::string>& unit_ids) {
  std::error_code ec;
  std::string repo = fs::absolute(opts.dir, ec).lexically_normal().string();
  std::string out = p.out_dir.empty() ? (fs::path(repo) / "out").string() : fs::absolute(p.out_dir, ec).string();
  std::string err;
  auto units = run::ReadManifestUnits(out, &err);
  if (!units) {
    fmt::print(stderr, "eurus: {}\n", err);
    return kInputError;
  }
  run::RunOptions ro;
  ro.mode = p.apply ? run::Mode::kApply : run::Mode::kPlan;
  ro.repo_dir = repo;
  ro.selected = unit_ids;
  ro.jobs = p.jobs;
  ro.allow_destroy = std::set<std::string>(p.allow_destroy.begin(), p.allow_destroy.end());
  if (const char* t = std::getenv("EURUS_TOFU"); t && *t) {
    ro.tofu = t;
    if (ro.tofu.find('/') != std::string::npos) ro.tofu = fs::absolute(ro.tofu, ec).string();  // units run elsewhere
  }
  const char* term = std::getenv("TERM");
  ro.smart_terminal = isatty(STDOUT_FILENO) && term && std::string(term) != "dumb";
  run::PosixCommandRunner runner;
  run::RunReport r = run::RunUnits(runner, *units, ro);
  if (r.exit_code == kUsage) return kUsage;
  run::PrintSummary(stdout, ro.mode, r);
  return r.exit_code;
}

int RunPlan(FileSystem& fs, CommonOptions& opts, const PlanOptions& p) {
  if (int rc = SynthForRun(fs, opts, p.out_dir); rc != kOk) return rc;
  std::vector<std::string> ids = p.units;
  if (p.changed) {
    if (p.base.empty() || !p.units.empty()) {
      fmt::print(stderr, "eurus: --changed needs --base REF and no UNIT arguments\n");
      return kUsage;
    }
    ChangesOptions co;
    co.base = p.base;
    std::string err;
    run::Changes found;
    if (int rc = DetectChanges(fs, opts, co, found, &err); rc != kOk) {
      if (!err.empty()) fmt::print(stderr, "eurus: {}\n", err);
      return rc == kInternal ? kInternal : kInputError;
    }
    const run::Changes& c = found;
    // plan: what differs; apply: that and its dependents. Removed units can be destroyed
    // only if eurus applied them (their files are kept under .eurus/applied/).
    ids = p.apply ? c.apply : c.changes.Ids(run::UnitChange::kAdded);
    if (!p.apply)
      for (auto& id : c.changes.Ids(run::UnitChange::kChanged)) ids.push_back(id);
    std::error_code ec;
    run::Applied applied = run::LoadApplied((fs::absolute(opts.dir, ec) / ".eurus" / "applied.json").string());
    for (auto& id : c.changes.Ids(run::UnitChange::kRemoved)) ids.push_back(id);
    std::set<std::string> seen;
    std::erase_if(ids, [&](const std::string& id) {
      return !seen.insert(id).second || (!c.head.units.count(id) && !applied.count(id));
    });
    if (ids.empty()) {
      fmt::print("eurus: no unit differs from {}\n", p.base);
      return kOk;
    }
  }
  return RunSelectedUnits(opts, p, ids);
}

}  // namespace eurus::cli
