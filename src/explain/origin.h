#pragma once
// Why a generated resource exists and which YAML it came from (`eurus explain ADDRESS`).
// One table (origin.cc) maps a unit, a resource type and a block-name pattern to the model
// object the block was built from (tenant, app, route, store, environment, realm, org) and a
// sentence saying why it exists; a test walks every resource examples/acme synthesizes and
// requires a row and a noun for each.

#include <optional>
#include <string>

#include "config/load.h"
#include "diag/source.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::explain {

/// A unit and what of the model it belongs to.
struct Scope {
  const model::Org* org = nullptr;
  const config::Project* project = nullptr;  ///< spans of settings the model keeps none of; may be null
  const tf::Unit* unit = nullptr;
  const model::Environment* env = nullptr;   ///< the unit's environment (environment accounts)
  const model::Tenant* tenant = nullptr;     ///< tenant-<name> units
  const model::Deployment* dep = nullptr;    ///< the tenant in `env`
  std::optional<model::RealmKind> realm;     ///< common-<realm> units
};
Scope ScopeOf(const model::Org& org, const config::Project* project, const tf::Unit& unit);

/// What the unit is, as one sentence ("the workloads, data and network of tenant shop in dev").
std::string UnitReason(const Scope& s);
/// The YAML a unit comes from: its tenant's, its environment's or realm's, or the org's.
Span UnitSpan(const Scope& s);

struct Origin {
  std::string reason;  ///< "the ECS service that runs app web of tenant shop"
  std::string from;    ///< the model object: "app `web` of tenant `shop`"
  Span span;           ///< where that object is written; invalid when it is not in a file read
};

/// The origin of block `type`.`name` of `s.unit`; nullopt when no row of the table covers it
/// (a resource type or name eurus synthesizes without an explanation: a bug the tests catch).
std::optional<Origin> OriginOf(const Scope& s, const std::string& type, const std::string& name);

/// "the ECS service": what a resource type is; nullptr for a type the table lacks.
const char* NounOf(const std::string& type);

}  // namespace eurus::explain
