#include "run/drift.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace eurus::run {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Appends the paths under `path` where `a` and `b` differ: object members and list elements
/// of the same length are compared one by one, anything else is one difference.
void DiffPaths(const json& a, const json& b, const std::string& path, std::vector<std::string>& out) {
  if (a == b) return;
  auto join = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (const auto& [k, v] : a.items()) keys.insert(k);
    for (const auto& [k, v] : b.items()) keys.insert(k);
    for (const auto& k : keys) DiffPaths(a.contains(k) ? a[k] : json(), b.contains(k) ? b[k] : json(), join(k), out);
    return;
  }
  if (a.is_array() && b.is_array() && a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) DiffPaths(a[i], b[i], join(std::to_string(i)), out);
    return;
  }
  out.push_back(path.empty() ? "(the whole object)" : path);
}

/// An ignore_changes reference as a drift path: `tags["team"]` → `tags.team`, `a[0].b` → `a.0.b`.
std::string DottedPath(const std::string& ref) {
  std::string out;
  for (char c : ref) {
    if (c == '[') {
      out += '.';
    } else if (c != ']' && c != '"') {
      out += c;
    }
  }
  return out;
}

std::string Counts(const PlanSummary& p) {
  return fmt::format("{} to add, {} to change, {} to destroy", p.adds, p.changes, p.destroys);
}

}  // namespace

std::optional<std::vector<DriftedResource>> ParseResourceDrift(const std::string& text, std::string* err) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("format_version")) {
    if (err) *err = "not the JSON of a plan";
    return std::nullopt;
  }
  std::vector<DriftedResource> out;
  auto rd = j.find("resource_drift");
  if (rd == j.end() || !rd->is_array()) return out;
  for (const auto& r : *rd) {
    if (!r.is_object() || r.value("mode", "managed") != "managed" || !r.contains("change")) continue;
    const json& c = r["change"];
    std::set<std::string> actions;
    for (const auto& a : c.value("actions", json::array()))
      if (a.is_string()) actions.insert(a.get<std::string>());
    DriftedResource d;
    d.address = r.value("address", "?");
    if (actions.count("delete") && !actions.count("create")) {
      d.action = "delete";
    } else if (actions.count("update") || actions.count("create")) {
      d.action = "update";
      std::vector<std::string> paths;
      DiffPaths(c.contains("before") ? c["before"] : json(), c.contains("after") ? c["after"] : json(), "", paths);
      if (paths.size() > kMaxPaths) {
        size_t more = paths.size() - kMaxPaths + 1;
        paths.resize(kMaxPaths - 1);
        paths.push_back(fmt::format("and {} more", more));
      }
      d.attributes = std::move(paths);
    } else {
      continue;  // no-op, read
    }
    out.push_back(std::move(d));
  }
  return out;
}

const char* AheadWhy(AheadUnit::Why w) {
  switch (w) {
    case AheadUnit::kChanged: return "changed since it was applied";
    case AheadUnit::kNeverApplied: return "never applied";
    case AheadUnit::kRemoved: return "removed from the configuration, not destroyed";
    case AheadUnit::kPlanChanges: return "its plan without refresh changes something";
  }
  return "?";
}

std::vector<AheadUnit> AheadOfRecord(const std::vector<RunUnit>& manifest, const Applied& applied,
                                     const std::vector<std::string>& selected) {
  std::set<std::string> want(selected.begin(), selected.end());
  auto chosen = [&](const std::string& id) { return want.empty() || want.count(id); };
  std::map<std::string, AheadUnit> out;
  std::set<std::string> present;
  for (const auto& u : manifest) {
    present.insert(u.id);
    if (!chosen(u.id)) continue;
    auto it = applied.find(u.id);
    if (it == applied.end())
      out[u.id] = {u.id, AheadUnit::kNeverApplied, ""};
    else if (it->second.hash != u.hash)
      out[u.id] = {u.id, AheadUnit::kChanged, ""};
  }
  for (const auto& [id, a] : applied)
    if (!present.count(id) && chosen(id)) out[id] = {id, AheadUnit::kRemoved, ""};
  std::vector<AheadUnit> v;
  for (auto& [id, a] : out) v.push_back(std::move(a));
  return v;
}

size_t DriftResult::DriftedUnits() const {
  return static_cast<size_t>(std::count_if(units.begin(), units.end(), [](const Unit& u) { return !u.drifted.empty(); }));
}
size_t DriftResult::DriftedResources() const {
  size_t n = 0;
  for (const auto& u : units) n += u.drifted.size();
  return n;
}
size_t DriftResult::Failed() const {
  return static_cast<size_t>(
      std::count_if(units.begin(), units.end(), [](const Unit& u) { return u.status != UnitStatus::kOk; }));
}

DriftResult CollectDrift(const std::string& repo_dir, const RunReport& r, bool ahead_from_state) {
  DriftResult d;
  d.ahead_from_state = ahead_from_state;
  d.run_exit = r.exit_code;
  for (const auto& u : r.units) {
    DriftResult::Unit du{u.id, u.status, u.detail, u.log, u.seconds, {}};
    if (u.status == UnitStatus::kOk) {
      std::string path = (fs::path(repo_dir) / ".eurus" / "drift" / (u.id + ".json")).string(), err;
      if (auto found = ParseResourceDrift(ReadFileOr(path), &err)) {
        du.drifted = std::move(*found);
      } else {
        du.status = UnitStatus::kFailed;
        du.detail = fmt::format("`{}`: {}", path, err);
      }
      if (ahead_from_state && u.plan && !u.plan->empty())
        d.ahead.push_back({u.id, AheadUnit::kPlanChanges, Counts(*u.plan)});
    }
    d.units.push_back(std::move(du));
  }
  return d;
}

size_t DropIgnoredChanges(const std::string& main_tf_json, std::vector<DriftedResource>& drifted) {
  auto j = json::parse(main_tf_json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("resource")) return 0;
  // "type.name" → the first names of its ignore_changes ("*" for `all`).
  std::map<std::string, std::set<std::string>> ignored;
  for (const auto& [type, blocks] : j["resource"].items()) {
    if (!blocks.is_object()) continue;
    for (const auto& [name, body] : blocks.items()) {
      if (!body.is_object() || !body.contains("lifecycle")) continue;
      const json& ic = body["lifecycle"].value("ignore_changes", json());
      auto& set = ignored[type + "." + name];
      if (ic.is_string()) set.insert(ic.get<std::string>() == "all" ? "*" : ic.get<std::string>());
      for (const auto& e : ic.is_array() ? ic : json::array())
        if (e.is_string()) set.insert(DottedPath(e.get<std::string>()));
    }
  }
  size_t removed = 0;
  std::vector<DriftedResource> kept;
  for (auto& d : drifted) {
    auto it = ignored.find(d.address.substr(0, d.address.find('[')));
    if (d.action != "update" || it == ignored.end()) {
      kept.push_back(std::move(d));
      continue;
    }
    std::vector<std::string> left;
    for (auto& path : d.attributes) {
      bool covered = it->second.count("*") > 0;
      for (const auto& root : it->second)
        covered = covered || path == root || path.rfind(root + ".", 0) == 0;
      if (covered)
        ++removed;
      else
        left.push_back(std::move(path));
    }
    d.attributes = std::move(left);
    if (!d.attributes.empty()) kept.push_back(std::move(d));
  }
  drifted = std::move(kept);
  return removed;
}

int DriftExitCode(const DriftResult& d) {
  if (d.run_exit != 0) return d.run_exit;
  if (d.Failed()) return 3;
  if (d.DriftedResources()) return kDriftExitDrifted;
  if (!d.ahead.empty()) return kDriftExitAhead;
  return 0;
}

namespace {

std::string AheadSource(const DriftResult& d) {
  return d.ahead_from_state ? "plans without refresh: the code against the state as last applied"
                            : "the applied record, .eurus/applied.json";
}

std::string Totals(const DriftResult& d) {
  std::string s = fmt::format("eurus: drift of {} unit{}: ", d.units.size(), d.units.size() == 1 ? "" : "s");
  std::vector<std::string> parts;
  if (d.DriftedResources())
    parts.push_back(fmt::format("{} drifted ({} resource{} changed outside eurus)", d.DriftedUnits(),
                                d.DriftedResources(), d.DriftedResources() == 1 ? "" : "s"));
  else
    parts.push_back("no drift");
  parts.push_back(d.ahead.empty() ? "no code ahead of what was applied"
                                  : fmt::format("{} with code ahead of what was applied", d.ahead.size()));
  if (d.Failed()) parts.push_back(fmt::format("{} not checked (failed, skipped or interrupted)", d.Failed()));
  size_t expected = 0;
  for (const auto& u : d.units) expected += u.expected;
  if (expected)
    parts.push_back(fmt::format("{} expected change{} left out (the code ignores {})", expected,
                                expected == 1 ? "" : "s", expected == 1 ? "it" : "them"));
  return s + fmt::format("{}", fmt::join(parts, ", ")) + "\n";
}

}  // namespace

std::string DriftText(const DriftResult& d) {
  std::string s;
  if (d.DriftedResources()) {
    s += "changed outside eurus:\n";
    for (const auto& u : d.units) {
      if (u.drifted.empty()) continue;
      s += fmt::format("  {}\n", u.id);
      for (const auto& r : u.drifted)
        s += r.action == "delete" ? fmt::format("    - {}: deleted\n", r.address)
                                  : fmt::format("    ~ {}: {}\n", r.address, fmt::join(r.attributes, ", "));
    }
  }
  if (!d.ahead.empty()) {
    s += fmt::format("code ahead of what was applied (from {}):\n", AheadSource(d));
    for (const auto& a : d.ahead)
      s += fmt::format("  {}: {}{}\n", a.id, AheadWhy(a.why), a.detail.empty() ? "" : " (" + a.detail + ")");
  }
  if (d.Failed()) {
    s += "not checked:\n";
    for (const auto& u : d.units)
      if (u.status != UnitStatus::kOk)
        s += fmt::format("  {}: {}{}{}\n", u.id, StatusName(u.status), u.detail.empty() ? "" : ": " + u.detail,
                         u.status == UnitStatus::kFailed ? " (log: " + u.log + ")" : "");
  }
  return s + Totals(d);
}

std::string DriftJson(const DriftResult& d) {
  json units = json::array(), ahead = json::array(), failed = json::array();
  for (const auto& u : d.units) {
    if (u.status != UnitStatus::kOk) {
      failed.push_back({{"unit", u.id}, {"status", StatusName(u.status)}, {"detail", u.detail}, {"log", u.log}});
      continue;
    }
    if (u.drifted.empty()) continue;
    json rs = json::array();
    for (const auto& r : u.drifted) rs.push_back({{"address", r.address}, {"action", r.action}, {"attributes", r.attributes}});
    units.push_back({{"unit", u.id}, {"resources", rs}});
  }
  for (const auto& a : d.ahead) {
    json e = {{"unit", a.id}, {"why", AheadWhy(a.why)}};
    if (!a.detail.empty()) e["plan"] = a.detail;
    ahead.push_back(e);
  }
  json j = {{"units", d.units.size()},
            {"drifted", units},
            {"ahead", ahead},
            {"ahead_from", d.ahead_from_state ? "state" : "applied-record"},
            {"failed", failed},
            {"exit_code", DriftExitCode(d)}};
  return j.dump(2) + "\n";
}

namespace {
/// Markdown table cells: no pipes or newlines.
std::string Cell(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return o;
}
}  // namespace

std::string DriftMarkdown(const DriftResult& d) {
  std::string s = "## eurus drift\n\n" + Totals(d).substr(7) + "\n";
  if (d.DriftedResources()) {
    s += "### Changed outside eurus\n\n| unit | resource | change |\n|---|---|---|\n";
    for (const auto& u : d.units)
      for (const auto& r : u.drifted)
        s += fmt::format("| {} | `{}` | {} |\n", Cell(u.id), Cell(r.address),
                         r.action == "delete" ? "deleted" : Cell(fmt::format("{}", fmt::join(r.attributes, ", "))));
    s += "\n";
  }
  if (!d.ahead.empty()) {
    s += fmt::format("### Code ahead of what was applied\n\nFrom {}.\n\n| unit | why |\n|---|---|\n", AheadSource(d));
    for (const auto& a : d.ahead)
      s += fmt::format("| {} | {}{} |\n", Cell(a.id), AheadWhy(a.why), a.detail.empty() ? "" : " (" + Cell(a.detail) + ")");
    s += "\n";
  }
  if (d.Failed()) {
    s += "### Not checked\n\n| unit | status |\n|---|---|\n";
    for (const auto& u : d.units)
      if (u.status != UnitStatus::kOk)
        s += fmt::format("| {} | {}{} |\n", Cell(u.id), StatusName(u.status), u.detail.empty() ? "" : ": " + Cell(u.detail));
    s += "\n";
  }
  return s;
}

}  // namespace eurus::run
