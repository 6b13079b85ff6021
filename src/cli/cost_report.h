#pragma once
// `eurus cost report`: the per-tenant statement of a real AWS bill (CUR 2.0 export) beside
// `eurus cost`'s estimate (src/cost/statement.h, docs/CostAllocation.md).

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/common.h"

namespace eurus::cli {

struct CostReportOptions {
  std::vector<std::string> cur;  ///< files or export folders (searched recursively)
  std::string month;             ///< YYYY-MM; empty: the latest month in the input
  std::string format = "table";  ///< table | csv | json | html
  std::string out;               ///< empty: stdout
  std::string usage;             ///< the estimate's usage file (as `eurus cost --usage`)
  std::string prices;            ///< the estimate's price file (as `eurus cost --prices`)
};

/// Adds `report` under `eurus cost` (`cost`).
CLI::App* AddCostReportCommand(CLI::App& cost, CommonOptions& opts, CostReportOptions& r);
int RunCostReport(FileSystem& fs, CommonOptions& opts, const CostReportOptions& r);

}  // namespace eurus::cli
