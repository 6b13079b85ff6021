#pragma once
// How `eurus cost` prints an estimate (table, markdown, csv, json) and the difference between
// two estimates (--base). The JSON shapes are a contract: docs/Cost.md, "JSON output".

#include <string>

#include "cost/estimate.h"

namespace eurus::cost {

enum class Format { kTable, kMarkdown, kCsv, kJson };
enum class By { kUnit, kTenant, kEnvironment, kService };

struct ReportOptions {
  Format format = Format::kTable;
  By by = By::kUnit;
  std::string org;     ///< for the heading
  std::string env;     ///< --env: only this environment's lines and tenants
  std::string tenant;  ///< --tenant: only this tenant's lines and allocations
};

/// `e` narrowed to --env/--tenant, totals recomputed from the lines left (unallocated
/// only without a filter).
Estimate Filter(const Estimate& e, const ReportOptions& o);
std::string Render(const Estimate& e, const ReportOptions& o);
/// The monthly difference per unit and in total between `base` (the estimate at `ref`) and
/// `head`; units whose cost did not change are left out.
std::string RenderDiff(const Estimate& base, const Estimate& head, const std::string& ref, const ReportOptions& o);

/// Whether a line is observability: CloudWatch (log ingestion and storage, vended logs,
/// metrics such as Container Insights, alarms, dashboards), X-Ray traces, or anything of a
/// realm's observability unit (its alarm topic's KMS key). `--by
/// environment` and the JSON's `observability` sum these per account.
bool IsObservability(const Line& l);

/// "1234.5" → "1,234.50" (cents, thousands separated), for tables.
std::string Money(double usd);

}  // namespace eurus::cost
