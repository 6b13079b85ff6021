#include "run/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <thread>

#include "diag/diagnostic.h"
#include "run/lock_files.h"
#include "run/state.h"
#include "synth/manifest.h"

namespace eurus::run {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const char* StatusName(UnitStatus s) {
  switch (s) {
    case UnitStatus::kNotRun: return "not run";
    case UnitStatus::kOk: return "ok";
    case UnitStatus::kFailed: return "FAILED";
    case UnitStatus::kSkipped: return "skipped";
    case UnitStatus::kRefused: return "REFUSED";
    case UnitStatus::kInterrupted: return "interrupted";
    case UnitStatus::kWaiting: return "waits";
  }
  return "?";
}

std::optional<std::vector<RunUnit>> ReadManifestUnits(const std::string& out_dir, std::string* err) {
  std::string path = (fs::path(out_dir) / "eurus.manifest.json").string();
  auto j = nlohmann::json::parse(ReadFileOr(path), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("version", 0) != synth::kManifestVersion ||
      !j.contains("units") || !j["units"].is_object()) {
    if (err) *err = "cannot read `" + path + "` (run `eurus synth`)";
    return std::nullopt;
  }
  std::vector<RunUnit> units;
  for (const auto& [id, u] : j["units"].items()) {
    RunUnit r;
    r.id = id;
    r.dir = (fs::path(out_dir) / u.value("dir", id)).string();
    r.hash = u.value("hash", "");
    std::string state = u.value("state", "");
    r.local_state = state == "local";
    if (state.rfind("s3://", 0) == 0) r.state_bucket = state.substr(5, state.find('/', 5) - 5);
    for (const auto& d : u.value("dependencies", nlohmann::json::array())) r.dependencies.push_back(d.get<std::string>());
    units.push_back(std::move(r));
  }
  return units;
}

namespace {

enum class Step { kInit, kPlan, kShow, kApply };

/// A unit in the run. Its steps for the current pass run one after another in one slot.
struct Node {
  RunUnit unit;
  std::vector<int> deps, dependents;  ///< indices of selected units
  UnitReport report;
  std::vector<std::pair<Step, Command>> steps;
  size_t step = 0;
  Clock::time_point started;
  // Per pass. kHeld: left for the pass's second phase (the bootstrap runs alone first).
  enum { kPending, kRunning, kDone, kFailed, kHeld } state = kPending;
  int waiting = 0;
  bool applied_changes = false;  ///< its apply ran in this run: its outputs may have changed
  bool replanning = false;       ///< apply pass: planned again before it is applied
  bool logged = false;           ///< its log was started (truncated) in this run
  std::set<std::string> confirmed_deletes;  ///< what the question showed it destroy or replace
};

/// What a re-plan in the apply pass leads to.
enum class Replanned { kApply, kNothing, kStopped };

class Pipeline {
 public:
  Pipeline(CommandRunner& runner, const RunOptions& o) : runner_(runner), o_(o) {
    dot_ = (fs::path(o.repo_dir) / ".eurus").string();
    durations_ = LoadDurations(Path("durations.json"));
    applied_ = LoadApplied(Path("applied.json"));
    jobs_ = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
    const char* token = std::getenv("TF_VAR_eurus_web_identity_token_file");
    identity_ = "role=" + o.role + " web_identity_token_file=" + (token ? token : "");
  }

  RunReport Run(const std::vector<RunUnit>& manifest);

 private:
  std::string Path(const std::string& rel) const { return (fs::path(dot_) / rel).string(); }
  std::string PlanPath(const Node& n) const {
    return Path((o_.mode == Mode::kDrift ? "drift/" : "plans/") + n.unit.id + ".tfplan");
  }
  std::string LogPath(const Node& n) const { return Path("logs/" + n.unit.id + ".log"); }
  std::string StampPath(const Node& n) const { return Path("init/" + n.unit.id + ".stamp"); }

  Command Tofu(const Node& n, std::vector<std::string> args) const {
    Command c;
    c.argv.push_back(o_.tofu);
    for (auto& a : args) c.argv.push_back(std::move(a));
    c.cwd = n.unit.dir;
    c.env = {{"TF_DATA_DIR", Path("tfdata/" + n.unit.id)},
             {"TF_PLUGIN_CACHE_DIR", Path("plugin-cache")},
             {"TF_IN_AUTOMATION", "1"},
             {"TF_INPUT", "0"},
             // Every unit declares `eurus_role`; a unit that does not (an old tree) ignores
             // it: values from TF_VAR_ variables are never an error (hashicorp/terraform#20057).
             {"TF_VAR_eurus_role", o_.role}};
    c.log_path = LogPath(n);
    return c;
  }
  /// What `.eurus/init/<unit>.stamp` holds after a successful init: the providers file's
  /// hash, then the identity the backend was configured with.
  std::string InitStamp(const Node& n) const {
    return synth::ContentHash({{"providers.tf.json", ReadFileOr((fs::path(n.unit.dir) / "providers.tf.json").string())}}) +
           "\n" + identity_;
  }
  void PlanSteps(Node& n) const;
  void ApplySteps(Node& n) const;
  /// Runs the nodes' steps as a DAG: first the units with local state alone, then the rest.
  void PhasedPass(const char* verb);
  /// Runs the pending nodes' steps as a DAG. Nodes already kFailed count as failed dependencies.
  void Pass(const char* verb);
  bool StartStep(Node& n, size_t index);
  /// Frees the init lane and starts the next queued init.
  void NextInit();
  bool StepDone(Node& n);  // the post-action of a successful step; false: the unit failed
  /// Apply pass, as the unit starts: its steps. False when nothing is to run (empty plan).
  bool PrepareApply(Node& n);
  Replanned AfterReplan(Node& n);
  void Finish(Node& n, bool ok, const std::string& detail);
  void Refuse(Node& n, const std::string& why);
  /// Apply, plan pass: its plan failed while an upstream unit of the run is still to change.
  void Wait(Node& n, const std::string& why);
  std::string ChangingUpstream(const Node& n) const;
  std::string GuardRefusal(const Node& n) const;
  void MarkBucketWaiters();
  bool ConfirmAll();
  void SkipDependents(const Node& n, const std::string& why);
  void Status(const std::string& line, bool keep = false);
  void CloseStatus();
  void RecordApplied(Node& n);

  CommandRunner& runner_;
  const RunOptions& o_;
  std::string dot_;
  std::string identity_;  ///< the role (and web identity token file) tofu runs with
  Durations durations_;
  Applied applied_;
  unsigned jobs_;
  /// The init lane: `tofu init` runs one at a time, every unit sharing `.eurus/plugin-cache`,
  /// which OpenTofu does not make safe for concurrent inits (its docs: "not guaranteed to be
  /// concurrency safe"; opentofu/opentofu#1483). Seen under load with two parallel inits:
  /// "after installing registry.opentofu.org/hashicorp/aws it is still not detected" and
  /// "fork/exec …/terraform-provider-aws_v6.25.0: no such file or directory". Plans and
  /// applies of other units go on beside it; a queued init holds a job slot.
  int init_running_ = -1;  ///< node index of the init in the lane, or -1
  std::deque<int> init_queue_;
  /// Lock files shared between units before their init, so that inits read the plugin cache
  /// and never write it while other units run from it (run/lock_files.h).
  std::optional<LockFiles> lock_files_;
  std::vector<Node> nodes_;
  const char* verb_ = "plan";
  bool apply_pass_ = false;
  size_t done_ = 0, total_ = 0;
  bool status_open_ = false;  ///< a smart-terminal status line is on screen without newline
  bool interrupted_ = false;
};

void Pipeline::PlanSteps(Node& n) const {
  n.steps.clear();
  n.step = 0;
  std::error_code ec;
  bool have_data = fs::is_directory(Path("tfdata/" + n.unit.id), ec);
  std::string stamp = ReadFileOr(StampPath(n));
  if (!have_data || stamp != InitStamp(n)) {
    std::vector<std::string> init = {"init", "-input=false"};
    // The backend assumes the role var.eurus_role names, evaluated at init (OpenTofu's early
    // evaluation): after a role change the backend configuration saved in TF_DATA_DIR differs
    // and plan would stop with "Backend initialization required". -reconfigure initializes
    // the backend again without migrating: the state is remote and stays where it is. Not for
    // local state (the bootstrap), where a silently reconfigured backend could lose track of
    // a migrated state; nor when only the providers changed, so tofu still reports a backend
    // that moved.
    auto nl = stamp.find('\n');
    std::string last_identity = nl == std::string::npos ? "" : stamp.substr(nl + 1);
    if (have_data && !n.unit.local_state && last_identity != identity_) init.push_back("-reconfigure");
    n.steps.push_back({Step::kInit, Tofu(n, init)});
  }
  auto plan_and_show = [&](std::vector<std::string> plan, const std::string& stem) {
    plan.insert(plan.begin() + 2, "-out=" + stem + ".tfplan");  // after "plan -input=false"
    n.steps.push_back({Step::kPlan, Tofu(n, plan)});
    Command show = Tofu(n, {"show", "-json", stem + ".tfplan"});
    show.stdout_path = stem + ".json";
    n.steps.push_back({Step::kShow, show});
  };
  std::string stem = PlanPath(n).substr(0, PlanPath(n).size() - 7);
  if (o_.mode == Mode::kDrift) {
    // run/drift.h. Read-only: no state lock (the planner role may not write it). Exit 2 of
    // -detailed-exitcode is accepted, not trusted: the saved plan's JSON says what drifted.
    plan_and_show({"plan", "-input=false", "-refresh-only", "-detailed-exitcode", "-lock=false"}, stem);
    if (o_.ahead_from_state) plan_and_show({"plan", "-input=false", "-refresh=false", "-lock=false"}, stem + ".ahead");
    return;
  }
  std::vector<std::string> plan = {"plan", "-input=false"};
  if (n.unit.removed) plan.push_back("-destroy");
  plan_and_show(plan, stem);
}

void Pipeline::ApplySteps(Node& n) const {
  n.steps.clear();
  n.step = 0;
  n.steps.push_back({Step::kApply, Tofu(n, {"apply", "-input=false", PlanPath(n)})});
}

void Pipeline::Status(const std::string& line, bool keep) {
  if (o_.smart_terminal) {
    fmt::print(o_.out, "\r{}\x1b[K", line);
    status_open_ = true;
    if (keep) {
      fmt::print(o_.out, "\n");
      status_open_ = false;
    }
  } else {
    fmt::print(o_.out, "{}\n", line);
  }
  std::fflush(o_.out);
}

void Pipeline::CloseStatus() {
  if (status_open_) fmt::print(o_.out, "\n");
  status_open_ = false;
}

bool Pipeline::StartStep(Node& n, size_t index) {
  if (n.steps[n.step].first == Step::kInit) {
    if (init_running_ != -1) {
      init_queue_.push_back(static_cast<int>(index));
      return true;
    }
    init_running_ = static_cast<int>(index);
    if (!lock_files_) {
      std::vector<std::string> dirs;
      for (const auto& m : nodes_) dirs.push_back(m.unit.dir);
      lock_files_.emplace(std::move(dirs));
    }
    if (std::string from = lock_files_->Provide(n.unit.dir); !from.empty())
      std::ofstream(n.steps[n.step].second.log_path, n.logged ? std::ios::app : std::ios::trunc)
          << "eurus: .terraform.lock.hcl copied from " << from << " (same required_providers)\n";
    n.logged = true;
  }
  const Command& c = n.steps[n.step].second;
  {
    std::ofstream log(c.log_path, n.logged ? std::ios::app : std::ios::trunc);
    n.logged = true;
    log << "$";
    for (const auto& a : c.argv) log << " " << a;
    log << "\n";
  }
  std::string err;
  if (!runner_.Start(c, static_cast<int>(index), &err)) {
    if (init_running_ == static_cast<int>(index)) init_running_ = -1;
    if (runner_.aborted()) return false;
    std::ofstream(c.log_path, std::ios::app) << "eurus: " << err << "\n";
    Finish(n, false, err);
    return false;
  }
  return true;
}

void Pipeline::NextInit() {
  init_running_ = -1;
  while (!init_queue_.empty() && init_running_ == -1 && !runner_.aborted()) {
    int i = init_queue_.front();
    init_queue_.pop_front();
    StartStep(nodes_[i], static_cast<size_t>(i));
  }
}

bool Pipeline::StepDone(Node& n) {
  switch (n.steps[n.step].first) {
    case Step::kInit:
      WriteFileAtomic(StampPath(n), InitStamp(n));
      return true;
    case Step::kPlan: return true;
    case Step::kShow: {
      std::string err;
      n.report.plan = SummarizePlan(ReadFileOr(n.steps[n.step].second.stdout_path), &err);
      if (!n.report.plan) std::ofstream(LogPath(n), std::ios::app) << "eurus: `tofu show -json` printed no plan: " << err << "\n";
      return n.report.plan.has_value();
    }
    case Step::kApply:
      n.applied_changes = true;
      RecordApplied(n);
      return true;
  }
  return true;
}

void Pipeline::RecordApplied(Node& n) {
  std::error_code ec;
  fs::path copy = Path("applied/" + n.unit.id);
  if (n.unit.removed) {
    applied_.erase(n.unit.id);
    fs::remove_all(copy, ec);
    return;
  }
  auto it = applied_.find(n.unit.id);
  if (it != applied_.end() && it->second.hash == n.unit.hash && fs::is_directory(copy, ec)) return;
  applied_[n.unit.id] = {n.unit.hash, n.unit.dependencies};
  // The unit's files as applied: if the unit disappears from the configuration, its destroy
  // is planned from here (out/ no longer has it).
  fs::remove_all(copy, ec);
  fs::create_directories(copy, ec);
  for (const auto& e : fs::directory_iterator(n.unit.dir, ec))
    if (e.is_regular_file()) fs::copy_file(e.path(), copy / e.path().filename(), ec);
}

void Pipeline::SkipDependents(const Node& n, const std::string& why) {
  for (int d : n.dependents) {
    Node& m = nodes_[d];
    if (m.state != Node::kPending) continue;
    m.state = Node::kFailed;
    m.report.status = UnitStatus::kSkipped;
    m.report.detail = why;
    ++done_;
    Status(fmt::format("[{}/{}] skip {} ({})", done_, total_, m.unit.id, why));
    SkipDependents(m, why);
  }
}

void Pipeline::Finish(Node& n, bool ok, const std::string& detail) {
  double secs = std::chrono::duration<double>(Clock::now() - n.started).count();
  n.report.seconds += secs;
  ++done_;
  if (ok) {
    n.state = Node::kDone;
    n.report.status = UnitStatus::kOk;
    durations_[verb_][n.unit.id] = secs;
    Status(fmt::format("[{}/{}] {} {} {:.1f}s", done_, total_, verb_, n.unit.id, secs));
    return;
  }
  n.state = Node::kFailed;
  n.report.status = UnitStatus::kFailed;
  n.report.detail = detail;
  CloseStatus();
  // ninja: a failed command is printed whole, with its output.
  fmt::print(o_.out, "FAILED: [{}/{}] {} {} {:.1f}s ({}); its log: {}\n{}", done_, total_, verb_, n.unit.id, secs,
             detail, LogPath(n), ReadFileOr(LogPath(n)));
  std::fflush(o_.out);
  SkipDependents(n, "dependency " + n.unit.id + " failed");
}

void Pipeline::Refuse(Node& n, const std::string& why) {
  n.report.seconds += std::chrono::duration<double>(Clock::now() - n.started).count();
  ++done_;
  n.state = Node::kFailed;
  n.report.status = UnitStatus::kRefused;
  n.report.detail = why;
  CloseStatus();
  fmt::print(o_.out, "eurus: refusing to apply {}: {}.\n", n.unit.id, why);
  std::fflush(o_.out);
  SkipDependents(n, "dependency " + n.unit.id + " refused");
}

void Pipeline::Wait(Node& n, const std::string& why) {
  ++done_;
  n.state = Node::kDone;  // its dependents may still plan against what exists
  n.report.status = UnitStatus::kOk;
  n.report.plan.reset();
  n.report.waits = why;
  Status(fmt::format("[{}/{}] {} {} waits: {}", done_, total_, verb_, n.unit.id, why), true);
}

std::string Pipeline::ChangingUpstream(const Node& n) const {
  for (int d : n.deps) {
    const UnitReport& up = nodes_[d].report;
    if (!up.waits.empty() || (up.plan && !up.plan->empty())) return up.id;
  }
  return "";
}

std::string Pipeline::GuardRefusal(const Node& n) const {
  if (o_.allow_destroy.count(n.unit.id)) return "";
  std::string retry = fmt::format("run `eurus apply --allow-destroy {}`", n.unit.id);
  if (n.unit.removed) {
    int count = n.report.plan ? n.report.plan->destroys : 0;
    return fmt::format(
        "it is no longer in the configuration, so applying it destroys every resource it manages ({} in its plan); "
        "{} to destroy them, or put the unit back in the configuration to keep them",
        count, retry);
  }
  if (!n.report.plan || n.report.plan->guarded_deletes.empty()) return "";
  return fmt::format("its plan deletes or replaces {}, and the data they hold would be lost; {} if that is intended",
                     fmt::join(n.report.plan->guarded_deletes, ", "), retry);
}

bool Pipeline::PrepareApply(Node& n) {
  n.replanning = !n.report.waits.empty();
  for (int d : n.deps) n.replanning |= nodes_[d].applied_changes;
  if (n.replanning) {
    // Its first plan read its upstream units' outputs as they were before this run (or
    // failed without them): plan again against what they are now.
    PlanSteps(n);
    return true;
  }
  if (n.report.plan && n.report.plan->empty() && !n.unit.removed) {
    RecordApplied(n);  // nothing to change: nothing to run
    return false;
  }
  ApplySteps(n);
  return true;
}

Replanned Pipeline::AfterReplan(Node& n) {
  const PlanSummary& p = *n.report.plan;
  n.report.waits.clear();
  if (p.empty() && !n.unit.removed) return Replanned::kNothing;
  if (std::string why = GuardRefusal(n); !why.empty()) {
    Refuse(n, why);
    return Replanned::kStopped;
  }
  std::vector<std::string> unseen;
  for (const auto& a : p.Deletes())
    if (!n.confirmed_deletes.count(a)) unseen.push_back(a);
  if (unseen.empty() || !o_.confirm) return Replanned::kApply;
  CloseStatus();
  fmt::print(o_.out, "\n{} was planned again after its upstream units were applied, and now destroys or replaces {}:\n",
             n.unit.id, fmt::join(unseen, ", "));
  PrintResourceChanges(o_.out, p);
  std::fflush(o_.out);
  if (o_.confirm(fmt::format("Apply these changes to {}?", n.unit.id))) return Replanned::kApply;
  Refuse(n, "its new plan destroys or replaces " + fmt::format("{}", fmt::join(unseen, ", ")) + ", and that was not confirmed");
  return Replanned::kStopped;
}

void Pipeline::Pass(const char* verb) {
  verb_ = verb;
  apply_pass_ = std::string_view(verb) == "apply";
  done_ = total_ = 0;
  init_running_ = -1;
  init_queue_.clear();
  auto priority = [&](int i) {
    auto m = durations_.find(verb_);
    if (m == durations_.end()) return 0.0;
    auto it = m->second.find(nodes_[i].unit.id);
    return it == m->second.end() ? 0.0 : it->second;
  };
  // Longest recorded duration first; ties by id, so runs are reproducible.
  auto later = [&](int a, int b) {
    double pa = priority(a), pb = priority(b);
    if (pa != pb) return pa < pb;
    return nodes_[a].unit.id > nodes_[b].unit.id;
  };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (n.state != Node::kPending) continue;
    ++total_;
    n.waiting = 0;
    for (int d : n.deps) n.waiting += nodes_[d].state == Node::kPending;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (n.state != Node::kPending) continue;
    if (!apply_pass_ && n.steps.empty()) {  // nothing to do in this pass
      n.state = Node::kDone;
      n.report.status = UnitStatus::kOk;
      ++done_;
      continue;
    }
    for (int d : n.deps)
      if (nodes_[d].state == Node::kFailed) {
        n.state = Node::kFailed;
        n.report.status = UnitStatus::kSkipped;
        n.report.detail = "dependency " + nodes_[d].unit.id + " " + StatusName(nodes_[d].report.status);
        ++done_;
        SkipDependents(n, n.report.detail);
        break;
      }
  }
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].state == Node::kPending && nodes_[i].waiting == 0) ready.push(static_cast<int>(i));

  auto complete = [&](Node& n) {
    for (int d : n.dependents) {
      Node& m = nodes_[d];
      if (m.state == Node::kPending && --m.waiting == 0) ready.push(d);
    }
  };
  for (;;) {
    if (ScopedInterruptHandler::signal() || runner_.aborted()) break;
    while (runner_.running() + init_queue_.size() < jobs_ && !ready.empty()) {
      int i = ready.top();
      ready.pop();
      Node& n = nodes_[i];
      n.started = Clock::now();
      if (apply_pass_ && !PrepareApply(n)) {
        n.state = Node::kDone;
        ++done_;
        complete(n);
        continue;
      }
      n.state = Node::kRunning;
      if (o_.smart_terminal) Status(fmt::format("[{}/{}] {} {}", done_, total_, verb_, n.unit.id));
      if (!StartStep(n, i) && runner_.aborted()) break;
    }
    if (runner_.running() == 0 && ready.empty()) break;
    auto res = runner_.Wait();
    if (!res) continue;  // interrupted or aborted: checked at the top
    Node& n = nodes_[res->token];
    Step step = n.steps[n.step].first;
    if (step == Step::kInit && res->token == init_running_) {
      if (res->success && lock_files_) lock_files_->Learn(n.unit.dir);
      NextInit();
    }
    bool drift_exit = o_.mode == Mode::kDrift && step == Step::kPlan && res->status == "exit 2";
    if (!res->success && !drift_exit) {
      if (runner_.aborted() || ScopedInterruptHandler::signal()) {
        n.state = Node::kFailed;
        n.report.status = UnitStatus::kInterrupted;
        continue;
      }
      // apply: a first plan that failed while an upstream unit of the run is still to
      // change (a fresh environment: its outputs do not exist yet) waits for it.
      std::string up = o_.mode == Mode::kApply && !apply_pass_ && step == Step::kPlan ? ChangingUpstream(n) : "";
      if (!up.empty()) {
        Wait(n, fmt::format("its plan failed before {} is applied, so it is planned again after that (log: {})", up,
                            LogPath(n)));
        complete(n);
        continue;
      }
      Finish(n, false, fmt::format("tofu {} {}", n.steps[n.step].second.argv[1], res->status));
      continue;
    }
    if (!StepDone(n)) {
      Finish(n, false, "no plan from `tofu show -json`");
      continue;
    }
    if (apply_pass_ && n.replanning && step == Step::kShow) {
      Replanned next = AfterReplan(n);
      if (next == Replanned::kStopped) continue;
      if (next == Replanned::kNothing) {
        RecordApplied(n);
        Finish(n, true, "");
        complete(n);
        continue;
      }
      n.steps.push_back({Step::kApply, Tofu(n, {"apply", "-input=false", PlanPath(n)})});
    }
    if (++n.step < n.steps.size()) {
      StartStep(n, res->token);
      continue;
    }
    Finish(n, true, "");
    complete(n);
  }
  if (ScopedInterruptHandler::signal() || runner_.aborted()) {
    interrupted_ = true;
    for (int t : runner_.Abort()) {
      nodes_[t].state = Node::kFailed;
      nodes_[t].report.status = UnitStatus::kInterrupted;
    }
    for (auto& n : nodes_)
      if (n.state == Node::kPending || n.state == Node::kRunning || n.state == Node::kHeld) {
        if (n.state == Node::kRunning) n.report.status = UnitStatus::kInterrupted;
        n.state = Node::kFailed;
      }
  }
  CloseStatus();
  std::fflush(o_.out);
}

void Pipeline::PhasedPass(const char* verb) {
  std::string first;
  for (const auto& n : nodes_)
    if (n.unit.local_state && n.state == Node::kPending) first = n.unit.id;
  if (!first.empty()) {
    // The bootstrap creates the state buckets and roles every other unit's backend and
    // providers use: it runs first, and nothing runs beside it.
    for (auto& n : nodes_)
      if (!n.unit.local_state && n.state == Node::kPending) n.state = Node::kHeld;
    Pass(verb);
    if (interrupted_) return;
    std::string failed;
    for (const auto& n : nodes_)
      if (n.unit.local_state && n.state == Node::kFailed) failed = n.unit.id;
    for (auto& n : nodes_) {
      if (n.state != Node::kHeld) continue;
      n.state = Node::kPending;
      // A plan may go on without it (each unit fails or not on its own); an apply may not.
      if (failed.empty() || o_.mode == Mode::kPlan) continue;
      n.state = Node::kFailed;
      n.report.status = UnitStatus::kSkipped;
      n.report.detail = fmt::format("{} did not {}, and every other unit runs after it", failed, verb);
    }
    if (!failed.empty() && o_.mode == Mode::kApply) return;
    if (std::string_view(verb) == "plan") MarkBucketWaiters();
  }
  Pass(verb);
}

void Pipeline::MarkBucketWaiters() {
  std::map<std::string, std::string> created;  // bucket → the unit whose plan creates it
  for (const auto& n : nodes_)
    if (n.unit.local_state && n.report.plan)
      for (const auto& b : n.report.plan->created_buckets) created[b] = n.unit.id;
  for (auto& n : nodes_) {
    auto it = created.find(n.unit.state_bucket);
    if (n.state != Node::kPending || it == created.end()) continue;
    // Its backend's bucket does not exist yet: init would fail. An apply plans it after the
    // bootstrap is applied; a plan cannot plan it at all.
    std::string why = fmt::format("its state bucket {} is created by {}", it->first, it->second);
    n.state = Node::kDone;
    if (o_.mode == Mode::kApply) {
      n.report.status = UnitStatus::kOk;
      n.report.waits = why + ", so it is planned after that is applied";
    } else {
      n.report.status = UnitStatus::kWaiting;
      n.report.detail = why;
    }
    fmt::print(o_.out, "eurus: {} waits: {}\n", n.unit.id, o_.mode == Mode::kApply ? n.report.waits : why);
  }
}

bool Pipeline::ConfirmAll() {
  std::vector<Node*> changing;
  size_t unchanged = 0;
  for (auto& n : nodes_) {
    if (n.report.status != UnitStatus::kOk) continue;
    if (!n.report.waits.empty() || n.unit.removed || (n.report.plan && !n.report.plan->empty())) {
      if (n.report.plan) n.confirmed_deletes = n.report.plan->Deletes();
      changing.push_back(&n);
    } else {
      ++unchanged;
    }
  }
  if (changing.empty()) {
    fmt::print(o_.out, "eurus: no changes to apply\n");
    return true;
  }
  if (!o_.confirm) return true;
  fmt::print(o_.out, "\n");
  for (const Node* n : changing) {
    if (!n->report.waits.empty()) {
      fmt::print(o_.out, "{}: {}; asked again only if that plan destroys or replaces something\n", n->unit.id,
                 n->report.waits);
      continue;
    }
    const PlanSummary& p = *n->report.plan;
    fmt::print(o_.out, "{}{}: {} to add, {} to change, {} to destroy\n", n->unit.id,
               n->unit.removed ? " (removed from the configuration)" : "", p.adds, p.changes, p.destroys);
    PrintResourceChanges(o_.out, p);
  }
  if (unchanged) fmt::print(o_.out, "{} other unit{}: no changes\n", unchanged, unchanged == 1 ? "" : "s");
  std::fflush(o_.out);
  return o_.confirm(fmt::format("Apply these changes to {} unit{}?", changing.size(), changing.size() == 1 ? "" : "s"));
}

RunReport Pipeline::Run(const std::vector<RunUnit>& manifest) {
  RunReport r;
  std::map<std::string, RunUnit> all;
  for (const auto& u : manifest) all[u.id] = u;
  for (const auto& [id, a] : applied_) {
    if (all.count(id) || o_.mode == Mode::kDrift) continue;  // drift: a removed unit is code ahead
    RunUnit u;
    u.id = id;
    u.dir = Path("applied/" + id);
    u.hash = a.hash;
    u.removed = true;
    all[id] = u;
  }
  // A removed unit is destroyed after the removed units that read from it.
  for (const auto& [id, a] : applied_)
    if (auto it = all.find(id); it != all.end() && it->second.removed)
      for (const auto& d : a.dependencies)
        if (all.count(d) && all[d].removed) all[d].dependencies.push_back(id);

  std::vector<std::string> known;
  for (const auto& [id, u] : all) known.push_back(id);
  std::set<std::string> selected(o_.selected.begin(), o_.selected.end());
  for (const auto& id : selected)
    if (!all.count(id)) {
      fmt::print(stderr, "eurus: {}\n", UnknownUnitMessage(id, known));
      r.exit_code = 2;
      return r;
    }
  std::map<std::string, int> index;
  for (const auto& [id, u] : all) {
    if (!selected.empty() && !selected.count(id)) continue;
    index[id] = static_cast<int>(nodes_.size());
    Node n;
    n.unit = u;
    n.report.id = id;
    n.report.removed = u.removed;
    nodes_.push_back(std::move(n));
  }
  for (auto& n : nodes_) {
    n.report.log = LogPath(n);
    for (const auto& d : n.unit.dependencies)
      if (auto it = index.find(d); it != index.end()) {
        n.deps.push_back(it->second);
        nodes_[it->second].dependents.push_back(static_cast<int>(&n - nodes_.data()));
      }
  }
  std::error_code ec;
  for (const auto& n : nodes_) {
    fs::create_directories(fs::path(LogPath(n)).parent_path(), ec);
    fs::create_directories(fs::path(PlanPath(n)).parent_path(), ec);
  }
  fs::create_directories(Path("plugin-cache"), ec);

  ScopedInterruptHandler interrupts;
  for (auto& n : nodes_) {
    PlanSteps(n);
    if (n.unit.removed && !fs::is_directory(n.unit.dir, ec)) {
      n.state = Node::kFailed;
      n.report.status = UnitStatus::kFailed;
      n.report.detail = "removed, but its last applied files are gone from " + n.unit.dir;
    }
  }
  PhasedPass(o_.mode == Mode::kDrift ? "drift" : "plan");

  if (o_.mode == Mode::kApply && !interrupted_) {
    // The destroy guard, over every plan, before anything is applied.
    bool refused = false;
    for (auto& n : nodes_) {
      if (n.report.status != UnitStatus::kOk || !n.report.waits.empty()) continue;
      std::string why = GuardRefusal(n);
      if (why.empty()) continue;
      refused = true;
      n.report.status = UnitStatus::kRefused;
      n.report.detail = why;
      fmt::print(o_.out, "eurus: refusing to apply {}: {}.\n", n.unit.id, why);
    }
    if (refused) {
      fmt::print(o_.out, "eurus: nothing was applied\n");
    } else if (!ConfirmAll()) {
      if (ScopedInterruptHandler::signal()) {
        interrupted_ = true;  // Ctrl-C at the question
      } else {
        fmt::print(o_.out, "eurus: nothing was applied (not confirmed)\n");
        r.exit_code = 1;
      }
    } else if (!ScopedInterruptHandler::signal()) {
      for (auto& n : nodes_)
        if (n.report.status == UnitStatus::kOk) n.state = Node::kPending;
      PhasedPass("apply");
      SaveApplied(Path("applied.json"), applied_);
    } else {
      interrupted_ = true;
    }
  }
  SaveDurations(Path("durations.json"), durations_);

  bool failed = false;
  for (auto& n : nodes_) {
    failed |= n.report.status != UnitStatus::kOk && n.report.status != UnitStatus::kWaiting;
    r.units.push_back(n.report);
  }
  if (interrupted_) {
    std::string left;
    for (const auto& u : r.units)
      if (u.status == UnitStatus::kInterrupted || u.status == UnitStatus::kNotRun) left += " " + u.id;
    fmt::print(o_.out, "eurus: interrupted; left:{}\n", left.empty() ? " none" : left);
  }
  if (r.exit_code == 0) r.exit_code = interrupted_ ? 130 : failed ? 3 : 0;
  return r;
}

}  // namespace

RunReport RunUnits(CommandRunner& runner, const std::vector<RunUnit>& manifest, const RunOptions& o) {
  Pipeline p(runner, o);
  return p.Run(manifest);
}

}  // namespace eurus::run
