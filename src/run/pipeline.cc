#include "run/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <thread>

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
  // Per pass.
  enum { kPending, kRunning, kDone, kFailed } state = kPending;
  int waiting = 0;
};

class Pipeline {
 public:
  Pipeline(CommandRunner& runner, const RunOptions& o) : runner_(runner), o_(o) {
    dot_ = (fs::path(o.repo_dir) / ".eurus").string();
    durations_ = LoadDurations(Path("durations.json"));
    applied_ = LoadApplied(Path("applied.json"));
    jobs_ = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  }

  RunReport Run(const std::vector<RunUnit>& manifest);

 private:
  std::string Path(const std::string& rel) const { return (fs::path(dot_) / rel).string(); }
  std::string PlanPath(const Node& n) const { return Path("plans/" + n.unit.id + ".tfplan"); }
  std::string LogPath(const Node& n) const { return Path("logs/" + n.unit.id + ".log"); }

  Command Tofu(const Node& n, std::vector<std::string> args) const {
    Command c;
    c.argv.push_back(o_.tofu);
    for (auto& a : args) c.argv.push_back(std::move(a));
    c.cwd = n.unit.dir;
    c.env = {{"TF_DATA_DIR", Path("tfdata/" + n.unit.id)},
             {"TF_PLUGIN_CACHE_DIR", Path("plugin-cache")},
             {"TF_IN_AUTOMATION", "1"},
             {"TF_INPUT", "0"}};
    c.log_path = LogPath(n);
    return c;
  }
  std::string ProvidersHash(const Node& n) const {
    return synth::ContentHash({{"providers.tf.json", ReadFileOr((fs::path(n.unit.dir) / "providers.tf.json").string())}});
  }
  void PlanSteps(Node& n) const;
  void ApplySteps(Node& n) const;
  /// Runs the nodes' steps as a DAG. Nodes already kFailed count as failed dependencies.
  void Pass(const char* verb);
  bool StartStep(Node& n, size_t index);
  bool StepDone(Node& n);  // the post-action of a successful step; false: the unit failed
  void Finish(Node& n, bool ok, const std::string& detail);
  void SkipDependents(const Node& n, const std::string& why);
  void Status(const std::string& line, bool keep = false);
  void RecordApplied(Node& n);

  CommandRunner& runner_;
  const RunOptions& o_;
  std::string dot_;
  Durations durations_;
  Applied applied_;
  unsigned jobs_;
  std::vector<Node> nodes_;
  const char* verb_ = "plan";
  size_t done_ = 0, total_ = 0;
  bool status_open_ = false;  ///< a smart-terminal status line is on screen without newline
  bool interrupted_ = false;
};

void Pipeline::PlanSteps(Node& n) const {
  n.steps.clear();
  n.step = 0;
  std::error_code ec;
  bool init_current = fs::is_directory(Path("tfdata/" + n.unit.id), ec) &&
                      ReadFileOr(Path("init/" + n.unit.id + ".stamp")) == ProvidersHash(n);
  if (!init_current) n.steps.push_back({Step::kInit, Tofu(n, {"init", "-input=false"})});
  std::vector<std::string> plan = {"plan", "-input=false", "-out=" + PlanPath(n)};
  if (n.unit.removed) plan.push_back("-destroy");
  n.steps.push_back({Step::kPlan, Tofu(n, plan)});
  Command show = Tofu(n, {"show", "-json", PlanPath(n)});
  show.stdout_path = Path("plans/" + n.unit.id + ".json");
  n.steps.push_back({Step::kShow, show});
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

bool Pipeline::StartStep(Node& n, size_t index) {
  const Command& c = n.steps[n.step].second;
  {
    std::ofstream log(c.log_path, n.step == 0 && n.report.seconds == 0 ? std::ios::trunc : std::ios::app);
    log << "$";
    for (const auto& a : c.argv) log << " " << a;
    log << "\n";
  }
  std::string err;
  if (!runner_.Start(c, static_cast<int>(index), &err)) {
    if (runner_.aborted()) return false;
    std::ofstream(c.log_path, std::ios::app) << "eurus: " << err << "\n";
    Finish(n, false, err);
    return false;
  }
  return true;
}

bool Pipeline::StepDone(Node& n) {
  switch (n.steps[n.step].first) {
    case Step::kInit:
      WriteFileAtomic(Path("init/" + n.unit.id + ".stamp"), ProvidersHash(n));
      return true;
    case Step::kPlan: return true;
    case Step::kShow: {
      std::string err;
      n.report.plan = SummarizePlan(ReadFileOr(n.steps[n.step].second.stdout_path), &err);
      if (!n.report.plan) std::ofstream(LogPath(n), std::ios::app) << "eurus: `tofu show -json` printed no plan: " << err << "\n";
      return n.report.plan.has_value();
    }
    case Step::kApply: RecordApplied(n); return true;
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
  if (status_open_) fmt::print(o_.out, "\n");
  status_open_ = false;
  // ninja: a failed command is printed whole, with its output.
  fmt::print(o_.out, "FAILED: [{}/{}] {} {} {:.1f}s ({})\n{}", done_, total_, verb_, n.unit.id, secs, detail,
             ReadFileOr(LogPath(n)));
  std::fflush(o_.out);
  SkipDependents(n, "dependency " + n.unit.id + " failed");
}

void Pipeline::Pass(const char* verb) {
  verb_ = verb;
  done_ = total_ = 0;
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
    for (int d : n.deps) n.waiting += nodes_[d].state != Node::kDone;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& n = nodes_[i];
    if (n.state != Node::kPending) continue;
    if (n.steps.empty()) {  // nothing to do in this pass
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
    while (runner_.running() < jobs_ && !ready.empty()) {
      int i = ready.top();
      ready.pop();
      Node& n = nodes_[i];
      n.state = Node::kRunning;
      n.started = Clock::now();
      if (o_.smart_terminal) Status(fmt::format("[{}/{}] {} {}", done_, total_, verb_, n.unit.id));
      if (!StartStep(n, i) && runner_.aborted()) break;
    }
    if (runner_.running() == 0 && ready.empty()) break;
    auto res = runner_.Wait();
    if (!res) continue;  // interrupted or aborted: checked at the top
    Node& n = nodes_[res->token];
    if (!res->success) {
      if (runner_.aborted() || ScopedInterruptHandler::signal()) {
        n.state = Node::kFailed;
        n.report.status = UnitStatus::kInterrupted;
        continue;
      }
      Finish(n, false, fmt::format("tofu {} {}", n.steps[n.step].second.argv[1], res->status));
      continue;
    }
    if (!StepDone(n)) {
      Finish(n, false, "no plan from `tofu show -json`");
      continue;
    }
    if (++n.step < n.steps.size()) {
      StartStep(n, res->token);
      if (n.state == Node::kFailed && !runner_.aborted()) continue;
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
      if (n.state == Node::kPending || n.state == Node::kRunning) {
        if (n.state == Node::kRunning) n.report.status = UnitStatus::kInterrupted;
        n.state = Node::kFailed;
      }
  }
  if (status_open_) fmt::print(o_.out, "\n");
  status_open_ = false;
  std::fflush(o_.out);
}

RunReport Pipeline::Run(const std::vector<RunUnit>& manifest) {
  RunReport r;
  std::map<std::string, RunUnit> all;
  for (const auto& u : manifest) all[u.id] = u;
  for (const auto& [id, a] : applied_) {
    if (all.count(id)) continue;
    RunUnit u{id, Path("applied/" + id), a.hash, {}, true};
    all[id] = u;
  }
  // A removed unit is destroyed after the removed units that read from it.
  for (const auto& [id, a] : applied_)
    if (all[id].removed)
      for (const auto& d : a.dependencies)
        if (all.count(d) && all[d].removed) all[d].dependencies.push_back(id);

  std::set<std::string> selected(o_.selected.begin(), o_.selected.end());
  for (const auto& id : selected)
    if (!all.count(id)) {
      fmt::print(stderr, "eurus: unknown unit `{}` (not in the manifest nor in .eurus/applied.json)\n", id);
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
  for (auto& n : nodes_)
    for (const auto& d : n.unit.dependencies)
      if (auto it = index.find(d); it != index.end()) {
        n.deps.push_back(it->second);
        nodes_[it->second].dependents.push_back(static_cast<int>(&n - nodes_.data()));
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
  Pass("plan");

  if (o_.mode == Mode::kApply && !interrupted_) {
    // The destroy guard, over every plan, before anything is applied.
    bool refused = false;
    for (auto& n : nodes_) {
      if (n.report.status != UnitStatus::kOk || o_.allow_destroy.count(n.unit.id)) continue;
      std::string why;
      if (n.unit.removed) why = "the unit was removed: its destroy";
      else if (n.report.plan && !n.report.plan->guarded_deletes.empty()) {
        why = "the plan deletes or replaces";
        for (const auto& a : n.report.plan->guarded_deletes) why += " " + a;
      }
      if (why.empty()) continue;
      refused = true;
      n.report.status = UnitStatus::kRefused;
      n.report.detail = why;
      fmt::print(o_.out, "eurus: refusing to apply {}: {}; pass --allow-destroy {} to allow it\n", n.unit.id, why,
                 n.unit.id);
    }
    if (refused) {
      fmt::print(o_.out, "eurus: nothing was applied\n");
    } else {
      for (auto& n : nodes_) {
        if (n.report.status != UnitStatus::kOk) continue;
        n.state = Node::kPending;
        if (n.report.plan && n.report.plan->empty() && !n.unit.removed) {
          n.steps.clear();  // nothing to change: nothing to run
          RecordApplied(n);
        } else {
          ApplySteps(n);
        }
      }
      Pass("apply");
      SaveApplied(Path("applied.json"), applied_);
    }
  }
  SaveDurations(Path("durations.json"), durations_);

  bool failed = false;
  for (auto& n : nodes_) {
    failed |= n.report.status != UnitStatus::kOk;
    r.units.push_back(n.report);
  }
  if (interrupted_) {
    std::string left;
    for (const auto& u : r.units)
      if (u.status == UnitStatus::kInterrupted || u.status == UnitStatus::kNotRun) left += " " + u.id;
    fmt::print(o_.out, "eurus: interrupted; left:{}\n", left.empty() ? " none" : left);
  }
  r.exit_code = interrupted_ ? 130 : failed ? 3 : 0;
  return r;
}

}  // namespace

RunReport RunUnits(CommandRunner& runner, const std::vector<RunUnit>& manifest, const RunOptions& o) {
  Pipeline p(runner, o);
  return p.Run(manifest);
}

void PrintSummary(std::FILE* out, Mode mode, const RunReport& r) {
  fmt::print(out, "{:<32} {:>5} {:>7} {:>8} {:>8}  {}\n", "unit", "add", "change", "destroy", "time", "status");
  int add = 0, change = 0, destroy = 0;
  std::map<UnitStatus, int> by_status;
  for (const auto& u : r.units) {
    ++by_status[u.status];
    std::string a = "-", c = "-", d = "-";
    if (u.plan) {
      a = std::to_string(u.plan->adds), c = std::to_string(u.plan->changes), d = std::to_string(u.plan->destroys);
      add += u.plan->adds, change += u.plan->changes, destroy += u.plan->destroys;
    }
    std::string status = StatusName(u.status);
    if (u.removed) status += " (removed: destroy)";
    if (!u.detail.empty() && u.status != UnitStatus::kOk) status += ": " + u.detail;
    if (mode == Mode::kPlan && u.plan && (!u.plan->guarded_deletes.empty() || u.removed))
      status += " (apply needs --allow-destroy " + u.id + ")";
    fmt::print(out, "{:<32} {:>5} {:>7} {:>8} {:>7.1f}s  {}\n", u.id, a, c, d, u.seconds, status);
  }
  std::string counts;
  for (const auto& [s, n] : by_status) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, StatusName(s));
  fmt::print(out, "eurus: {} of {} units ({}): {} to add, {} to change, {} to destroy\n",
             mode == Mode::kPlan ? "plan" : "apply", r.units.size(), counts.empty() ? "none" : counts, add, change,
             destroy);
  std::fflush(out);
}

}  // namespace eurus::run
