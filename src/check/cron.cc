#include "check/cron.h"

#include <algorithm>

namespace eurus::check {

std::vector<int> CronHours(const std::string& field) {
  std::vector<int> out;
  size_t b = 0;
  while (b <= field.size()) {
    size_t e = field.find(',', b);
    if (e == std::string::npos) e = field.size();
    std::string part = field.substr(b, e - b);
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string::npos) {
      try {
        step = std::stoi(part.substr(slash + 1));
      } catch (...) {
        return {};
      }
      part = part.substr(0, slash);
      if (step < 1) return {};
    }
    int lo = 0, hi = 23;
    try {
      if (part != "*") {
        size_t dash = part.find('-');
        lo = std::stoi(part.substr(0, dash));
        hi = dash == std::string::npos ? (step > 1 ? 23 : lo) : std::stoi(part.substr(dash + 1));
      }
    } catch (...) {
      return {};
    }
    if (lo < 0 || hi > 23 || lo > hi) return {};
    for (int h = lo; h <= hi; h += step) out.push_back(h);
    b = e + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::optional<int> ScheduleGapHours(const std::string& expr) {
  if (expr.rfind("cron(", 0) != 0 || expr.back() != ')') return std::nullopt;
  std::vector<std::string> f;
  std::string inner = expr.substr(5, expr.size() - 6);
  size_t b = 0;
  while (b < inner.size()) {
    size_t e = inner.find(' ', b);
    if (e == std::string::npos) e = inner.size();
    if (e > b) f.push_back(inner.substr(b, e - b));
    b = e + 1;
  }
  if (f.size() != 6) return std::nullopt;
  auto any_day = [](const std::string& s) { return s == "*" || s == "?"; };
  if (!any_day(f[2]) || !any_day(f[4]) || !any_day(f[3])) return kLessThanDaily;
  std::vector<int> hours = CronHours(f[1]);
  if (hours.empty()) return std::nullopt;
  int gap = 24 - hours.back() + hours.front();
  for (size_t i = 1; i < hours.size(); ++i) gap = std::max(gap, hours[i] - hours[i - 1]);
  return gap;
}

}  // namespace eurus::check
