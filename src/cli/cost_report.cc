#include "cli/cost_report.h"

#include <fmt/format.h>

#include <cstdio>
#include <regex>

#include "cli/cost.h"
#include "cost/cur.h"
#include "cost/statement.h"
#include "util/parallel.h"

namespace eurus::cli {

CLI::App* AddCostReportCommand(CLI::App& cost, CommonOptions& opts, CostReportOptions& r) {
  auto* cmd = cost.add_subcommand(
      "report", "the bill (a CUR 2.0 export) per tenant, environment and service, beside the estimate");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("--cur", r.cur, "CUR 2.0 CSV files (plain or .gz) or export folders (searched recursively)")
      ->required()
      ->expected(1, -1);
  cmd->add_option("--month", r.month, "the billing period YYYY-MM (default: the latest in the input)");
  cmd->add_option("--format", r.format, "table, csv, json (docs/CostAllocation.md) or html (one self-contained page)")
      ->check(CLI::IsMember({"table", "csv", "json", "html"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", r.out, "write the report to this file (default: standard output)");
  cmd->add_option("--usage", r.usage, "the estimate's usage assumptions (as `eurus cost --usage`)");
  cmd->add_option("--prices", r.prices, "the estimate's price file (as `eurus cost --prices`)");
  return cmd;
}

int RunCostReport(FileSystem& fs, CommonOptions& opts, const CostReportOptions& r) {
  if (!r.month.empty() && !std::regex_match(r.month, std::regex("[0-9]{4}-(0[1-9]|1[0-2])"))) {
    fmt::print(stderr, "eurus cost report: --month `{}` is not YYYY-MM\n", r.month);
    return kUsage;
  }
  Session* s = nullptr;
  cost::Estimate estimate;
  int code = kOk;
  if (!EstimateProject(fs, opts, r.prices, r.usage, &s, &estimate, &code)) return code;
  std::vector<cost::CurError> errors;
  std::vector<std::string> files = cost::FindCurFiles(r.cur, r.month, errors);
  // The files are read in parallel (an export splits a month into several), each into its
  // own ledger, merged in file order. Every month is summed: the others feed the trend.
  std::vector<cost::Ledger> ledgers(files.size());
  std::vector<std::vector<cost::CurError>> file_errors(files.size());
  ParallelFor(
      files.size(),
      [&](size_t i) {
        cost::ReadCurFile(files[i], [&](const cost::CurRow& row) { ledgers[i].Add(row); }, file_errors[i]);
      },
      2);
  cost::Ledger ledger;
  for (size_t i = 0; i < files.size(); ++i) {
    ledger.Merge(ledgers[i]);
    errors.insert(errors.end(), file_errors[i].begin(), file_errors[i].end());
  }
  if (!errors.empty()) {
    for (const auto& e : errors) fmt::print(stderr, "error: {}\n", e.Text());
    fmt::print(stderr, "eurus cost report: {} error{} in the input; nothing was written\n", errors.size(),
               errors.size() == 1 ? "" : "s");
    return kInputError;
  }
  cost::Statement st;
  std::string err;
  if (!cost::BuildStatement(s->org(), ledger.Groups(), r.month, &estimate, &st, &err)) {
    fmt::print(stderr, "eurus cost report: {}; nothing was written\n", err);
    return kInputError;
  }
  cost::StatementFormat f = r.format == "json"   ? cost::StatementFormat::kJson
                            : r.format == "csv"  ? cost::StatementFormat::kCsv
                            : r.format == "html" ? cost::StatementFormat::kHtml
                                                 : cost::StatementFormat::kTable;
  std::string text = cost::RenderStatement(st, f, s->org().name);
  if (!r.out.empty()) {
    if (!fs.WriteAtomic(r.out, text, &err)) {
      fmt::print(stderr, "eurus cost report: cannot write {}: {}\n", r.out, err);
      return kExternal;
    }
    return kOk;
  }
  fmt::print("{}", text);
  std::fflush(stdout);
  return kOk;
}

}  // namespace eurus::cli
