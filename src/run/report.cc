// The runner's messages about a run as a whole: the summary table, unknown unit names.
// (Declared in run/pipeline.h.)

#include <fmt/format.h>

#include <map>

#include "diag/diagnostic.h"
#include "run/pipeline.h"

namespace eurus::run {

std::string UnknownUnitMessage(const std::string& id, const std::vector<std::string>& known) {
  std::string msg = fmt::format("unknown unit `{}`", id);
  if (std::string near = ClosestMatch(id, known); !near.empty()) return msg + fmt::format("; did you mean `{}`?", near);
  return msg + " (units are named like `dev/network`; `eurus synth` lists them)";
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
    if (u.status == UnitStatus::kFailed) status += " (log: " + u.log + ")";
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
