#include "cli/plan.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "cli/changes.h"
#include "diag/diagnostic.h"
#include "run/detect.h"
#include "run/pipeline.h"
#include "run/runner.h"
#include "run/state.h"

namespace eurus::cli {

namespace fs = std::filesystem;

Console ProcessConsole() {
  Console c;
  c.interactive = ::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO);
  return c;
}

bool AskYesNo(Console& c, const std::string& question) {
  fmt::print(c.out, "{} [y/N] ", question);
  std::fflush(c.out);
  // The runner's interrupt handler restarts reads (SA_RESTART): wait with poll, which an
  // interrupt does end, so Ctrl-C at the question answers no at once.
  if (int fd = fileno(c.in); fd >= 0)
    for (;;) {
      if (run::ScopedInterruptHandler::signal()) {
        fmt::print(c.out, "\n");
        return false;
      }
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 200) > 0) break;
    }
  char buf[64];
  if (!std::fgets(buf, sizeof buf, c.in)) {
    fmt::print(c.out, "\n");
    return false;
  }
  std::string a(buf);
  while (!a.empty() && std::isspace(static_cast<unsigned char>(a.back()))) a.pop_back();
  while (!a.empty() && std::isspace(static_cast<unsigned char>(a.front()))) a.erase(a.begin());
  for (auto& ch : a) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return a == "y" || a == "yes";
}

std::string ResolveRole(const PlanOptions& p) {
  std::string role = p.role, from = "--role";
  if (role.empty()) {
    const char* env = std::getenv("EURUS_ROLE");
    role = env && *env ? env : "deployer";
    from = "EURUS_ROLE";
  }
  if (role != "deployer" && role != "planner") {
    std::string near = ClosestMatch(role, {"deployer", "planner"});
    fmt::print(stderr, "eurus: {} `{}` is not a role: use deployer or planner{}\n", from, role,
               near.empty() ? "" : fmt::format(" (did you mean `{}`?)", near));
    return "";
  }
  if (p.apply && role != "deployer") {
    fmt::print(stderr,
               "eurus: `eurus apply` always runs as the deployer role; {} asks for `{}`, which can only plan "
               "(use `eurus plan`{})\n",
               from, role, from == "EURUS_ROLE" ? ", or unset EURUS_ROLE to apply" : "");
    return "";
  }
  return role;
}

CLI::App* AddPlanCommand(CLI::App& app, CommonOptions& opts, PlanOptions& p) {
  auto* cmd = p.apply ? app.add_subcommand("apply", "synth, plan the selected units, confirm, then apply the saved plans in dependency order")
                      : app.add_subcommand("plan", "synth, then `tofu plan` the selected units in dependency order, in parallel");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("-o,--out", p.out_dir, "output directory (default: DIR/out)");
  cmd->add_option("units", p.units, "unit ids to run, like dev/network (default: all)");
  cmd->add_flag("--changed", p.changed, "only the units that differ from --base (apply: and their dependents)");
  cmd->add_option("--base", p.base, "the git ref --changed compares against (e.g. the merge base)");
  cmd->add_option("-j,--jobs", p.jobs, "tofu processes at once (default: the number of CPUs)");
  cmd->add_option("--role", p.role,
                  p.apply ? "the role tofu assumes in each account: only deployer (the default)"
                          : "the role tofu assumes in each account: deployer or planner (default: $EURUS_ROLE, else deployer)")
      ->type_name("ROLE");
  if (p.apply) cmd->add_flag("-y,--yes", p.yes, "apply without asking (required without a terminal, e.g. in CI)");
  cmd->add_option("--allow-destroy", p.allow_destroy,
                  "allow UNIT's plan to delete or replace data stores, buckets or KMS keys, or to destroy a removed unit")
      ->type_name("UNIT")
      ->allow_extra_args(false);
  return cmd;
}

int SynthForRun(FileSystem& fs, CommonOptions& opts, const std::string& out_dir,
                std::function<bool(const Session&)> check, config::ParsedFiles* keep, Session** session,
                std::function<void()> parsed) {
  SynthOptions so;
  so.parsed = std::move(parsed);
  so.out_dir = out_dir;
  so.quiet = true;
  so.check = std::move(check);
  so.keep_parsed = keep;
  so.session = session;
  return RunSynth(fs, opts, so);
}

int RunSelectedUnits(const CommonOptions& opts, const PlanOptions& p, const std::vector<std::string>& unit_ids,
                     Console console) {
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
  ro.role = ResolveRole(p);
  if (ro.role.empty()) return kUsage;
  if (p.apply && !p.yes) ro.confirm = [&console](const std::string& q) { return AskYesNo(console, q); };
  if (const char* t = std::getenv("EURUS_TOFU"); t && *t) {
    ro.tofu = t;
    if (ro.tofu.find('/') != std::string::npos) ro.tofu = fs::absolute(ro.tofu, ec).string();  // units run elsewhere
  }
  const char* term = std::getenv("TERM");
  ro.out = console.out;
  ro.smart_terminal = ::isatty(fileno(console.out)) && term && std::string(term) != "dumb";
  run::PosixCommandRunner runner;
  run::RunReport r = run::RunUnits(runner, *units, ro);
  if (r.exit_code == kUsage || (p.apply && r.exit_code == kInputError)) return r.exit_code;  // unknown unit; declined
  run::PrintSummary(console.out, ro.mode, r);
  return r.exit_code;
}

namespace {

/// Every name given on the command line (UNIT..., --allow-destroy UNIT) is a unit of the
/// configuration just synthesized, or one `eurus apply` applied and can destroy.
bool CheckUnitNames(const CommonOptions& opts, const PlanOptions& p, const Session& s) {
  std::set<std::string> known = s.UnitIds();
  std::error_code ec;
  for (const auto& [id, a] : run::LoadApplied((fs::absolute(opts.dir, ec) / ".eurus" / "applied.json").string()))
    known.insert(id);
  std::vector<std::string> candidates(known.begin(), known.end());
  bool ok = true;
  auto check = [&](const std::string& id, const char* where) {
    if (known.count(id)) return;
    fmt::print(stderr, "eurus: {}{}\n", run::UnknownUnitMessage(id, candidates), where);
    ok = false;
  };
  for (const auto& id : p.units) check(id, "");
  for (const auto& id : p.allow_destroy) check(id, " (in --allow-destroy)");
  return ok;
}

}  // namespace

int RunPlan(FileSystem& fs, CommonOptions& opts, const PlanOptions& p, Console console) {
  // Everything that can be refused is refused before any work: the role, the question.
  if (ResolveRole(p).empty()) return kUsage;
  if (p.apply && !p.yes && !console.interactive) {
    fmt::print(stderr,
               "eurus: `eurus apply` asks before it changes anything, and there is no terminal to ask on; pass --yes "
               "to apply without asking (CI does), or run it on a terminal\n");
    return kInputError;
  }
  if (p.changed && (p.base.empty() || !p.units.empty())) {
    fmt::print(stderr, "eurus: --changed needs --base REF and no UNIT arguments\n");
    return kUsage;
  }
  std::function<bool(const Session&)> check;
  if (!p.units.empty() || !p.allow_destroy.empty())
    check = [&](const Session& s) { return CheckUnitNames(opts, p, s); };
  // --changed: the base is read with git and loaded beside the synth (from the moment the
  // working tree's files are parsed, reusing them), then compared on top of the synth's run.
  auto& parsed = *new config::ParsedFiles;  // NOLINT: kept until exit, like the session
  auto& base = *new run::BaseLoad;          // NOLINT
  run::ChangeRequest r;
  r.dir = opts.dir;
  r.base = p.base;
  std::function<void()> start_base;
  if (p.changed) start_base = [&] { run::StartBase(r, parsed, base); };
  Session* synthesized = nullptr;
  int rc = SynthForRun(fs, opts, p.out_dir, check, p.changed ? &parsed : nullptr, &synthesized, start_base);
  if (base.done.valid()) base.done.wait();  // never leave the base's thread running
  if (rc != kOk) return rc;
  std::vector<std::string> ids = p.units;
  if (p.changed) {
    if (!base.done.valid()) run::StartBase(r, parsed, base);  // the load never said it parsed
    // Change detection on top of the synth just run: the working tree is compiled once.
    std::string err;
    run::Changes found;
    bool ok = false;
    try {
      ok = run::ChangesAfterSynth(r, *synthesized, base, found, &err);
    } catch (const std::exception& e) {
      fmt::print(stderr, "eurus: internal error while comparing with {}: {}\n", p.base, e.what());
      return kInternal;
    }
    PrintPassTimes(found.times);
    if (!ok) {
      fmt::print(stderr, "eurus: {}\n", err);
      return kInputError;
    }
    if (!found.base_valid && found.base_run && found.base_run->diags.has_errors()) {
      fmt::print(stderr, "eurus: {}; its errors:\n", found.base_problem);
      PrintDiagnostics(opts, *found.base_run);
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
      fmt::print(console.out, "eurus: no unit differs from {}\n", p.base);
      return kOk;
    }
  }
  return RunSelectedUnits(opts, p, ids, console);
}

}  // namespace eurus::cli
