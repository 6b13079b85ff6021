#pragma once
// The per-tenant statement of a real AWS bill (`eurus cost report`, docs/CostAllocation.md):
// CUR 2.0 line items summed in a Ledger while streaming, then attributed to (tenant,
// environment) by the resource tags eurus sets and by account, shared costs split by
// billing.shared_costs with the estimate's rule (SplitShared), and reconciled to the cent:
// the rows' totals plus the unallocated total are the bill's total.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "cost/cur.h"
#include "cost/estimate.h"
#include "model/model.h"

namespace eurus::cost {

/// The sum of the line items that share month, currency, account, line type, service and
/// eurus tags. Memory grows with the number of distinct groups, never with the lines.
struct LedgerGroup {
  std::string month, currency, account, line_type, service, tenant, environment;
  Amount cost = 0;
  int64_t lines = 0;
};

class Ledger {
 public:
  /// The hot path: one hash lookup per line, no allocation once the group exists.
  void Add(const CurRow& r);
  /// Adds `other`'s sums (a ledger of another file).
  void Merge(const Ledger& other);
  std::vector<LedgerGroup> Groups() const;
  int64_t lines() const { return lines_; }

 private:
  std::unordered_map<std::string, std::pair<Amount, int64_t>> sums_;
  std::string key_;
  int64_t lines_ = 0;
};

/// Where one group of lines goes. Scopes: "env:<e>", "realm:<r>", "management".
struct Attribution {
  enum class To { kDirect, kShared, kUnallocated } to = To::kUnallocated;
  std::string tenant, environment;  ///< kDirect
  std::string scope;                ///< kShared
  std::string reason;               ///< kUnallocated
};

/// Tags first (a tenant tag naming a tenant onboarded in the tagged environment, or the
/// account's environment, is direct), else the account (an environment's account: that
/// environment's shared cost; a realm's common account: the realm's; the management account:
/// everyone's). Everything else is unallocated with the reason.
Attribution Attribute(const model::Org& org, const std::string& account, const std::string& tenant,
                      const std::string& environment);

struct StatementRow {
  std::string tenant, environment, service;
  Amount direct = 0, shared = 0, estimate = 0;
  /// Cents as printed: total_cents over every row and reason sums to the bill's total in cents
  /// (largest remainders); direct_cents rounded, shared_cents = total_cents − direct_cents.
  int64_t direct_cents = 0, shared_cents = 0, total_cents = 0, estimate_cents = 0;
  Amount total() const { return direct + shared; }
};

struct UnallocatedReason {
  std::string reason;
  Amount amount = 0;
  int64_t cents = 0;
};

/// One scope's shared cost and who got what.
struct ScopeSplit {
  std::string scope;
  Amount amount = 0;
  std::vector<std::pair<std::string, Amount>> to;  ///< "tenant/environment" → share
};

struct MonthTotal {
  std::string month;
  Amount total = 0;
  std::map<std::string, Amount> tenants;  ///< tenant → total (all environments)
  Amount unallocated = 0;
};

struct Statement {
  std::string currency;
  std::string month;
  int64_t lines = 0;
  Amount total = 0;
  int64_t total_cents = 0;
  std::vector<StatementRow> rows;           ///< by tenant, environment, service
  std::vector<UnallocatedReason> unallocated;
  Amount unallocated_total = 0;
  int64_t unallocated_cents = 0;
  std::vector<ScopeSplit> scopes;
  std::map<std::string, Amount> line_types;  ///< line_item_line_item_type → sum
  std::vector<MonthTotal> trend;            ///< every month of the input, in order
};

/// The statement of `month` (empty: the latest month of the input). `estimate` (may be null)
/// fills each row's estimate by the same attribution and split. False with `*error` when the
/// input holds several currencies or nothing for the month.
bool BuildStatement(const model::Org& org, const std::vector<LedgerGroup>& groups, const std::string& month,
                    const Estimate* estimate, Statement* out, std::string* error);

/// Shares `amount` among tenants in `pairs` with `weights` (their direct costs in the scope,
/// negatives as 0) by `rule` (SplitShared), exactly: the shares sum to `amount`.
std::vector<Amount> SplitExact(const model::SharedCosts& rule, Amount amount, const std::vector<std::string>& tenants,
                              const std::vector<Amount>& weights);

/// An amount → cents, rounded half away from zero.
int64_t ToCents(Amount n);
/// 123456 cents → "1,234.56" (`grouped`) or "1234.56"; negatives keep their sign.
std::string CentsText(int64_t cents, bool grouped = true);

enum class StatementFormat { kTable, kCsv, kJson, kHtml };
/// The JSON contract (docs/CostAllocation.md): currency, month, total, tenants[], unallocated.
std::string RenderStatement(const Statement& s, StatementFormat f, const std::string& org);
/// One self-contained HTML page (inline CSS and SVG, no script, no network).
std::string RenderStatementHtml(const Statement& s, const std::string& org);

}  // namespace eurus::cost
