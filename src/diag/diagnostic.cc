#include "diag/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <tuple>

#include "diag/codes.h"

namespace eurus {

Span Diagnostic::primary() const {
  for (const auto& l : labels)
    if (l.primary) return l.span;
  return labels.empty() ? Span{} : labels.front().span;
}

Diagnostic Error(std::string code, std::string message) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.code = std::move(code);
  d.message = std::move(message);
  return d;
}

Diagnostic Warning(std::string code, std::string message) {
  Diagnostic d = Error(std::move(code), std::move(message));
  d.severity = Severity::kWarning;
  return d;
}

Diagnostic Bug(std::string_view where, std::string_view what) {
  Diagnostic d = Error(codes::kInternal, fmt::format("unexpected failure in {}: {}", where, what));
  d.severity = Severity::kBug;
  d.help =
      "this is a bug in eurus, not a mistake in the configuration; please report it with the output of "
      "`eurus --version`, the command line, this message and the configuration files that trigger it";
  return d;
}

void ReportInternalError(Diagnostics& diags, std::string_view where) {
  std::string what = "an exception of unknown type";
  try {
    throw;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  diags.Report(Bug(where, what));
}

void Diagnostics::Report(Diagnostic d) {
  // A suggestion in a label must survive the one-line formats, which print no labels.
  for (const auto& l : d.labels) {
    if (!l.primary || l.text.rfind("did you mean", 0) != 0) continue;
    if (d.help.find("did you mean") == std::string::npos)
      d.help = d.help.empty() ? l.text : l.text + " " + d.help;
    break;
  }
  Span p = d.primary();
  for (const auto& o : items_)
    if (o.code == d.code && o.message == d.message && o.primary() == p) return;
  if (d.severity == Severity::kError || d.severity == Severity::kBug) ++errors_;
  if (d.severity == Severity::kBug) ++bugs_;
  if (d.severity == Severity::kWarning) ++warnings_;
  items_.push_back(std::move(d));
}

void Diagnostics::Append(Diagnostics&& other) {
  for (auto& d : other.items_) Report(std::move(d));
  other.items_.clear();
  other.errors_ = other.warnings_ = other.bugs_ = 0;
}

void Diagnostics::Sort(const SourceMap& sources) {
  auto key = [&](const Diagnostic& d) {
    Span s = d.primary();
    // Diagnostics without a file come first: they usually explain the others.
    std::string path = s.valid() ? sources.path(s.file) : std::string();
    return std::make_tuple(s.valid(), path, s.begin, d.code);
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

namespace {

/// Optimal-string-alignment distance: insert, delete, substitute, and swap of two
/// adjacent letters (`replcias` is one edit from `replicas`).
size_t EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

}  // namespace

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  // A plausible typo: at most a third of the longer word changed, and at least one letter kept.
  size_t limit = std::max<size_t>(1, std::max(word.size(), best.size()) / 3);
  if (best.empty() || best_d > limit || best_d >= word.size()) return {};
  return best;
}

}  // namespace eurus
