#include "cli/synth_summary.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace eurus::cli {

namespace {

/// Widths of the columns after the id: an account id, the resource count, the status.
constexpr size_t kAccountWidth = 12, kCountWidth = 9;

std::string Row(size_t id_width, const std::string& id, const std::string& account, const std::string& count,
                const std::string& status) {
  std::string line = fmt::format("{:<{}} {:<{}} {:>{}}", id, id_width, account, kAccountWidth, count, kCountWidth);
  if (!status.empty()) line += "  " + status;
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

/// "3 ecs_service, 1 lb, ..." wrapped into lines of at most kSummaryWidth, each indented.
void AppendByType(const UnitSummary& u, std::vector<std::string>& out) {
  const std::string indent(4, ' ');
  std::string line = indent;
  for (const auto& [type, n] : u.by_type) {
    std::string item = fmt::format("{} {}", n, type.starts_with("aws_") ? type.substr(4) : type);
    bool first = line.size() == indent.size();
    if (!first && line.size() + 2 + item.size() + 1 > kSummaryWidth) {
      out.push_back(line + ",");
      line = indent;
      first = true;
    }
    line += (first ? "" : ", ") + item;
  }
  if (line.size() > indent.size()) out.push_back(line);
}

}  // namespace

std::vector<std::string> SummaryLines(const std::vector<UnitSummary>& units, bool verbose) {
  bool status = std::any_of(units.begin(), units.end(), [](const UnitSummary& u) { return !u.status.empty(); });
  // The id column takes what the other columns leave of the width (the longest status is
  // "unchanged"), and no more than the longest id needs.
  const size_t rest = 1 + kAccountWidth + 1 + kCountWidth + (status ? 2 + 9 : 0);
  size_t id_width = 4;
  for (const auto& u : units) id_width = std::max(id_width, u.id.size());
  id_width = std::min(id_width, kSummaryWidth - rest);
  std::vector<std::string> out;
  out.push_back(Row(id_width, "unit", "account", "resources", status ? "status" : ""));
  for (const auto& u : units) {
    out.push_back(Row(id_width, u.id, u.account, u.status == "removed" ? "-" : std::to_string(u.resources),
                      u.status));
    if (verbose) AppendByType(u, out);
  }
  return out;
}

void SetStatus(std::vector<UnitSummary>& units, const std::map<std::string, std::string>* previous,
               const std::map<std::string, std::string>& current) {
  if (!previous) return;
  for (auto& u : units) {
    auto before = previous->find(u.id);
    auto now = current.find(u.id);
    if (before == previous->end()) u.status = "new";
    else u.status = now != current.end() && now->second == before->second ? "unchanged" : "changed";
  }
  for (const auto& [id, hash] : *previous)
    if (!current.count(id)) {
      UnitSummary gone;
      gone.id = id;
      gone.status = "removed";
      units.push_back(std::move(gone));
    }
}

std::string StatusCounts(const std::vector<UnitSummary>& units) {
  std::string out;
  for (const char* s : {"changed", "new", "unchanged", "removed"}) {
    size_t n = std::count_if(units.begin(), units.end(), [&](const UnitSummary& u) { return u.status == s; });
    if (n) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", n, s);
  }
  return out;
}

}  // namespace eurus::cli
