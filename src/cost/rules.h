#pragma once
// The pricing rules, one per resource type (rules.cc): what a resource costs, from its
// arguments, its unit's model (environment, tenant) and the usage assumptions. Internal to
// cost/: estimate.cc runs them.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cost/estimate.h"

namespace eurus::cost {

/// What one rule sees: one resource of one unit, and where its lines go.
struct RuleContext {
  const model::Org& org;
  const tf::Unit& unit;
  const model::Environment* env;     ///< null: a management or common unit
  const model::Tenant* tenant;       ///< null: a shared unit
  const model::Deployment* dep;      ///< the tenant's deployment in env
  const PriceList& prices;
  const cost::Usage& usage;
  /// Backup plan name → copies it makes to other vaults (data/prices: stored again there).
  const std::map<std::string, int>& backup_copies;
  std::vector<Line>& out;
  std::string type, name;  ///< the resource
  const tf::Json* body = nullptr;

  double hours() const;
  std::string Address() const { return type + "." + name; }
  const std::string& Env() const;
  const std::string& TenantName() const;
  /// A line priced at `key`: quantity × the region's price.
  void Add(Kind kind, const std::string& item, const std::string& key, double quantity, const std::string& qunit,
           const std::string& note = {});
  void Fixed(const std::string& item, const std::string& key, double quantity, const std::string& qunit,
             const std::string& note = {}) {
    Add(Kind::kFixed, item, key, quantity, qunit, note);
  }
  void Use(const std::string& item, const std::string& key, double quantity, const std::string& qunit,
           const std::string& note = {}) {
    Add(Kind::kUsage, item, key, quantity, qunit, note);
  }
  void Free(const std::string& item, const std::string& why);
  void NotEstimated(const std::string& item, const std::string& why);
  /// An environment-kind assumption (defaults only outside environments).
  UsageValue EnvUsage(const char* key) const;
  /// An assumption of `kind` for the tenant's app or data store `thing`.
  UsageValue ThingUsage(const char* kind, const char* key, const std::string& thing) const;
};

using Rule = std::function<void(RuleContext&)>;
/// Resource type → rule, for every type with a cost (rules.cc).
const std::map<std::string, Rule>& PricedRules();
/// Resource type → why it costs nothing, for every free type (rules.cc).
const std::map<std::string, std::string>& FreeTypes();

/// "12.5 GB/month (default)" for notes.
std::string Assumed(const UsageValue& v, const char* what);

}  // namespace eurus::cost
