#pragma once
// What `eurus synth` prints per unit: one line each that fits an 80-column terminal (id,
// account, resource count, and whether the unit changed since the tree it replaced), with
// the resource counts by type under each line only when asked for (`--verbose`).

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace eurus::cli {

struct UnitSummary {
  std::string id;       ///< "dev/tenant-shop"
  std::string account;  ///< 12 digits; empty for a unit that was removed
  size_t resources = 0;
  /// "new", "changed", "unchanged" or "removed" against the previous tree; empty when there
  /// was no readable previous tree.
  std::string status;
  std::map<std::string, int> by_type;  ///< "aws_lb" → 1
};

/// The terminal width the summary keeps to.
inline constexpr size_t kSummaryWidth = 80;

/// The header and one line per unit; with `verbose`, each unit's counts by type follow it,
/// indented and wrapped at kSummaryWidth. A line is wider only when a unit id alone is.
std::vector<std::string> SummaryLines(const std::vector<UnitSummary>& units, bool verbose);

/// Each unit's status from the content hashes of the previous and the new manifest (unit id →
/// hash): appends the previous tree's units that are gone, with status "removed". Leaves every
/// status empty when `previous` is null (no readable previous tree).
void SetStatus(std::vector<UnitSummary>& units, const std::map<std::string, std::string>* previous,
               const std::map<std::string, std::string>& current);

/// "2 changed, 1 new, 30 unchanged": the counts of each status present, in that order
/// (removed last); empty when no status is known.
std::string StatusCounts(const std::vector<UnitSummary>& units);

}  // namespace eurus::cli
