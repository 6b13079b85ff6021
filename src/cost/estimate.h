#pragma once
// The monthly estimate of a synthesized organisation (docs/Cost.md): every generated resource
// priced (fixed: paid at rest; usage: from the usage assumptions), explicitly free, or not
// estimated with a reason; the always-free allowances; shared costs allocated to tenants by
// billing.shared_costs. Reads units and the model; no I/O.

#include <map>
#include <string>
#include <vector>

#include "cost/prices.h"
#include "cost/usage.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::cost {

enum class Kind { kFixed, kUsage, kFree, kNotEstimated };
/// "fixed", "usage", "free", "not_estimated".
const char* KindName(Kind k);

struct Line {
  std::string unit;         ///< "dev/network", as in the manifest
  std::string environment;  ///< empty: a management or common unit (JSON null)
  std::string tenant;       ///< empty: shared (JSON null)
  std::string service;      ///< CUR product code, e.g. AmazonEC2
  std::string address;      ///< "aws_nat_gateway.eu_west_1a"; "aws_iam_role.*" for a free group
  std::string item;         ///< what is priced: "NAT gateway-hours"
  std::string price_key;    ///< data/prices.json key; empty for free and not-estimated lines
  double quantity = 0;
  std::string quantity_unit;  ///< "hours", "GB", ...
  double unit_price = 0;
  double monthly = 0;         ///< quantity × unit_price, unrounded
  Kind kind = Kind::kFixed;
  std::string note;           ///< the assumption and its origin, why free, why not estimated
};

/// A tenant in one environment: its own lines, and its share of the shared costs of the
/// environment, its realm's common accounts and the management account.
struct TenantCost {
  std::string tenant;
  std::string environment;
  double direct = 0;
  double shared = 0;
  double total() const { return direct + shared; }
};

struct Estimate {
  std::string currency;
  std::string region;
  std::string prices_date;
  std::vector<Line> lines;          ///< in unit order (management, commons, environments), then address
  double fixed = 0, usage = 0;      ///< sums of the lines by kind
  double total() const { return fixed + usage; }
  std::vector<TenantCost> tenants;  ///< by tenant, then environment (the org's order)
  double unallocated = 0;           ///< shared costs of scopes without tenants
};

/// Prices `units` (the whole organisation as synth builds it) in `org.region`, which the
/// caller checked `prices` has.
Estimate EstimateUnits(const model::Org& org, const std::vector<tf::Unit>& units, const PriceList& prices,
                       const Usage& usage);

/// billing.shared_costs applied to one scope (docs/Cost.md, "Shared costs"): `amount` shared
/// among the scope's (tenant, environment) pairs, `tenants[i]` the tenant of pair i and
/// `direct[i]` its direct cost in the scope. Returns each pair's share (they sum to `amount`).
/// `eurus cost` and `eurus cost report` both split with it.
std::vector<double> SplitShared(const model::SharedCosts& rule, double amount, const std::vector<std::string>& tenants,
                                const std::vector<double>& direct);

/// The resource types the rules know, priced or free (tests: every emitted type has one).
bool HasRule(const std::string& resource_type);

}  // namespace eurus::cost
