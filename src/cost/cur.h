#pragma once
// A streaming reader of AWS Cost and Usage Report 2.0 exports (CSV, plain or gzip) for
// `eurus cost report`: one row at a time in constant memory, columns found by header name.
//
// Column names and meanings: AWS Data Exports, "Cost and Usage Report (CUR) 2.0" table dictionary,
// https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html; `resource_tags` is
// a map<string,string> column (written as a JSON object in CSV) whose keys are the cost-allocation
// tag keys activated in the Billing console, user tags prefixed `user_`
// (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2-resource-tags.html).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace eurus::cost {

/// An amount of money in units of 1e-10 of the bill's currency (CUR writes costs with up to
/// 10 decimals): exact sums up to ±922 million a month. The reader rounds a cost with more
/// decimals half away from zero; every sum is exact from there on.
using Amount = int64_t;
inline constexpr int kAmountDecimals = 10;
inline constexpr Amount kAmountScale = 10000000000;
inline constexpr Amount kAmountPerCent = kAmountScale / 100;

/// Parses a CUR decimal ("12.5", "-0.0000001", "1E-7", "") into an Amount; false when it is not
/// a number.
bool ParseAmount(std::string_view text, Amount* out);

/// One line item, as much as the report needs. Views are valid during the callback only.
struct CurRow {
  std::string_view account;       ///< line_item_usage_account_id
  std::string_view line_type;     ///< line_item_line_item_type: Usage, Credit, Tax, ...
  std::string_view service;       ///< line_item_product_code (else product_servicecode)
  std::string_view currency;      ///< line_item_currency_code
  std::string_view month;         ///< "YYYY-MM" of bill_billing_period_start_date
  std::string_view tenant;        ///< resource tag eurus:tenant; empty when absent
  std::string_view environment;   ///< resource tag eurus:environment; empty when absent
  Amount cost = 0;                 ///< line_item_unblended_cost
};

/// "<file>:<line>: <what>", or "<file>: <what>" for the whole file.
struct CurError {
  std::string file;
  int64_t line = 0;  ///< 0: the whole file
  std::string message;
  std::string Text() const;
};

/// Reads one CSV file (gzip when it starts with the gzip magic, else plain) and calls `row`
/// for each line item. Errors (missing columns, bad numbers, malformed rows, truncated gzip)
/// are appended to `errors` (at most `max_errors` per file); rows with errors are skipped.
/// Returns the number of rows read.
int64_t ReadCurFile(const std::string& path, const std::function<void(const CurRow&)>& row,
                    std::vector<CurError>& errors, int max_errors = 20);

/// The data files of `paths` (files, or directories searched recursively): `*.csv` and
/// `*.csv.gz`, sorted. With `month` set, directories named `BILLING_PERIOD=<other month>` are
/// skipped. A path that does not exist is an error.
std::vector<std::string> FindCurFiles(const std::vector<std::string>& paths, const std::string& month,
                                      std::vector<CurError>& errors);

/// The value of tag `key` (e.g. "eurus:tenant") in a resource_tags JSON object text. Keys
/// match after normalisation (lower case, every character but letters and digits as `_`, a
/// `user_` prefix), so `user_eurus:tenant`, `user_eurus_tenant` and `user:eurus:tenant` all
/// name the tag. Returns an empty view when absent. Values are returned raw (escapes kept).
std::string_view TagValue(std::string_view json, std::string_view key);

}  // namespace eurus::cost
