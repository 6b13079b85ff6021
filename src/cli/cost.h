#pragma once
// `eurus cost`: the monthly estimate of the synthesized organisation (src/cost/,
// docs/Cost.md), or with --base REF the difference a change makes.

#include <CLI/CLI.hpp>
#include <string>

#include "cli/common.h"
#include "cli/cost_report.h"
#include "cost/estimate.h"

namespace eurus::cli {

struct CostOptions {
  std::string env;
  std::string tenant;
  std::string by = "unit";       ///< unit | tenant | environment | service
  std::string usage;             ///< empty: DIR/eurus.usage.yaml when it exists
  std::string prices;            ///< empty: the bundled data/prices.json
  std::string format = "table";  ///< table | json | csv | markdown
  std::string base;              ///< a git ref: print the difference against it
  CostReportOptions report;      ///< `eurus cost report` (cli/cost_report.h)
  CLI::App* report_cmd = nullptr;
};

CLI::App* AddCostCommand(CLI::App& app, CommonOptions& opts, CostOptions& c);
int RunCost(FileSystem& fs, CommonOptions& opts, const CostOptions& c);

/// Compiles the project in opts.dir and prices it as `eurus cost` does (`prices_file`,
/// `usage_file`: empty for the defaults). False when it cannot, with diagnostics printed and
/// the exit code in `*code`. `*session` lives until exit.
bool EstimateProject(FileSystem& fs, CommonOptions& opts, const std::string& prices_file, const std::string& usage_file,
                     Session** session, cost::Estimate* out, int* code);

/// The usage file `eurus cost` reads by default, beside eurus.yaml.
inline constexpr char kUsageFile[] = "eurus.usage.yaml";

}  // namespace eurus::cli
