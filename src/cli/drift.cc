#include "cli/drift.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "diag/diagnostic.h"
#include "run/drift.h"
#include "run/pipeline.h"
#include "run/runner.h"
#include "run/state.h"

namespace eurus::cli {

namespace fs = std::filesystem;

CLI::App* AddDriftCommand(CLI::App& app, CommonOptions& opts, DriftOptions& d) {
  auto* cmd = app.add_subcommand(
      "drift", "synth, then a refresh-only plan of the selected units: what changed outside eurus, and which "
               "units' code is ahead of what was applied (exit 5 drifted, 6 code ahead)");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("-o,--out", d.out_dir, "output directory (default: DIR/out)");
  cmd->add_option("units", d.units, "unit ids to check, like dev/network (default: all)");
  cmd->add_option("-j,--jobs", d.jobs, "tofu processes at once (default: the number of CPUs)");
  cmd->add_option("--role", d.role, "the role tofu assumes in each account: planner or deployer (default: "
                                    "$EURUS_ROLE, else planner)")
      ->type_name("ROLE");
  cmd->add_flag("--json", d.json, "print the report as one JSON object (progress goes to stderr)");
  cmd->add_option("--markdown", d.markdown, "also append the report as markdown to FILE (CI: $GITHUB_STEP_SUMMARY)")
      ->type_name("FILE");
  return cmd;
}

namespace {

/// Every UNIT given is a unit of the configuration just synthesized, or one the applied
/// record holds (removed, not destroyed: reported as code ahead).
bool CheckDriftUnits(const std::vector<std::string>& units, const run::Applied& applied, const Session& s) {
  std::set<std::string> known = s.UnitIds();
  for (const auto& [id, a] : applied) known.insert(id);
  std::vector<std::string> candidates(known.begin(), known.end());
  bool ok = true;
  for (const auto& id : units)
    if (!known.count(id)) {
      fmt::print(stderr, "eurus: {}\n", run::UnknownUnitMessage(id, candidates));
      ok = false;
    }
  return ok;
}

/// The runner over the manifest's units among `selected` (empty: all).
run::RunReport RunDriftPlans(const std::string& repo, const std::vector<run::RunUnit>& manifest,
                             const DriftOptions& d, const std::string& role, bool from_state, std::FILE* out) {
  run::RunOptions ro;
  ro.mode = run::Mode::kDrift;
  ro.repo_dir = repo;
  ro.jobs = d.jobs;
  ro.role = role;
  ro.ahead_from_state = from_state;
  std::set<std::string> present;
  for (const auto& u : manifest) present.insert(u.id);
  for (const auto& id : d.units)
    if (present.count(id)) ro.selected.push_back(id);
  if (!d.units.empty() && ro.selected.empty()) return {};  // only removed units: nothing to plan
  std::error_code ec;
  if (const char* t = std::getenv("EURUS_TOFU"); t && *t) {
    ro.tofu = t;
    if (ro.tofu.find('/') != std::string::npos) ro.tofu = fs::absolute(ro.tofu, ec).string();  // units run elsewhere
  }
  const char* term = std::getenv("TERM");
  ro.out = out;
  ro.smart_terminal = ::isatty(fileno(out)) && term && std::string(term) != "dumb";
  run::PosixCommandRunner runner;
  return run::RunUnits(runner, manifest, ro);
}

}  // namespace

std::string ResolveDriftRole(const DriftOptions& d) {
  PlanOptions p;
  p.role = d.role;
  if (const char* env = std::getenv("EURUS_ROLE"); p.role.empty() && !(env && *env)) p.role = "planner";
  return ResolveRole(p);
}

int RunDrift(FileSystem& fs, CommonOptions& opts, const DriftOptions& d, Console console) {
  std::string role = ResolveDriftRole(d);
  if (role.empty()) return kUsage;
  std::error_code ec;
  std::string repo = fs::absolute(opts.dir, ec).lexically_normal().string();
  // What `eurus apply` recorded from this checkout; none (CI, a fresh clone): the code is
  // compared with the state itself, by a plan without refresh of every unit.
  run::Applied applied = run::LoadApplied((fs::path(repo) / ".eurus" / "applied.json").string());
  bool from_state = applied.empty();
  std::function<bool(const Session&)> check;
  if (!d.units.empty()) check = [&](const Session& s) { return CheckDriftUnits(d.units, applied, s); };
  {
    // With --json, stdout holds the report alone: synth's one line goes to stderr.
    std::fflush(stdout);
    int saved = d.json ? ::dup(STDOUT_FILENO) : -1;
    if (saved >= 0) ::dup2(STDERR_FILENO, STDOUT_FILENO);
    int rc = SynthForRun(fs, opts, d.out_dir, check);
    if (saved >= 0) {
      std::fflush(stdout);
      ::dup2(saved, STDOUT_FILENO);
      ::close(saved);
    }
    if (rc != kOk) return rc;
  }
  std::string out = d.out_dir.empty() ? (fs::path(repo) / "out").string() : fs::absolute(d.out_dir, ec).string();
  std::string err;
  auto manifest = run::ReadManifestUnits(out, &err);
  if (!manifest) {
    fmt::print(stderr, "eurus: {}\n", err);
    return kInputError;
  }
  std::FILE* progress = d.json ? stderr : console.out;
  run::RunReport r = RunDriftPlans(repo, *manifest, d, role, from_state, progress);
  if (r.exit_code == kUsage) return kUsage;  // an unknown unit (checked before synth too)
  run::DriftResult result = run::CollectDrift(repo, r, from_state);
  for (auto& u : result.units)
    for (const auto& m : *manifest)
      if (m.id == u.id) u.expected = run::DropIgnoredChanges(run::ReadFileOr((fs::path(m.dir) / "main.tf.json").string()), u.drifted);
  if (!from_state) result.ahead = run::AheadOfRecord(*manifest, applied, d.units);
  fmt::print(console.out, "{}", d.json ? run::DriftJson(result) : run::DriftText(result));
  std::fflush(console.out);
  if (!d.markdown.empty()) {
    std::FILE* md = std::fopen(d.markdown.c_str(), "a");
    if (!md) {
      fmt::print(stderr, "eurus: cannot append to `{}`\n", d.markdown);
      return kInputError;
    }
    fmt::print(md, "{}", run::DriftMarkdown(result));
    std::fclose(md);
  }
  return run::DriftExitCode(result);
}

}  // namespace eurus::cli
