#pragma once
// The index the policy rules read besides the units' JSON: built once over every unit
// before any rule runs (the tenant of each unit, where its remote states lead, which of its
// providers set the required tags), plus two cross-unit tables built on first use. And the
// reference resolver: what a value stands for once `${...}`, locals and remote-state
// outputs are followed, possibly into another unit.

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "check/policy.h"
#include "check/policy/body.h"
#include "ipam/cidr.h"

namespace eurus::check::policy {

/// The tags every resource must carry (docs/Security.md, E0806): eurus:environment,
/// eurus:tenant, eurus:cost-center.
extern const char* const kRequiredTags[3];

/// What the rules know about a unit beyond its JSON.
struct UnitInfo {
  std::string tenant;
  std::map<std::string, size_t> remote;  ///< remote state name → upstream unit
  /// Per provider (as in PolicyUnit::providers): its default_tags hold every required key.
  std::vector<bool> tagged;
};

/// A tenant unit's subnet (E0808 judges source CIDRs against them).
struct TenantSubnet {
  Cidr cidr;
  size_t unit;
  std::string name;
};

/// An AWS Backup selection (E0805).
struct Selection {
  size_t unit;
  const json* body;
  std::optional<int> gap;  ///< the plan's most frequent rule; nullopt: unknown
};

/// Built once per run; read-only while the rules run, except the two tables built on first
/// use (by isolation.cc and backup.cc), each exactly once whatever thread asks first.
struct Index {
  /// Indexes `units`, split over `threads` threads.
  Index(const std::vector<PolicyUnit>& units, const PolicyContext& policy, size_t threads);

  const std::vector<PolicyUnit>& units;
  const PolicyContext& policy;  ///< the accounts' policies, the schema
  std::vector<UnitInfo> info;  ///< by unit

  mutable std::once_flag subnets_once;
  mutable std::map<std::string, std::vector<TenantSubnet>> tenant_subnets;  ///< by account
  mutable std::once_flag selections_once;
  mutable std::map<std::string, std::vector<Selection>> selections;  ///< by account
};

/// Calls fn(begin, end, i) for `threads` contiguous ranges of [0, n), in parallel; returns
/// when all are done.
template <class Fn>
void Parallel(size_t threads, size_t n, Fn&& fn) {
  std::vector<std::thread> workers;
  for (size_t i = 1; i < threads; ++i)
    workers.emplace_back([&, i] { fn(n * i / threads, n * (i + 1) / threads, i); });
  fn(0, n / threads, 0);
  for (auto& w : workers) w.join();
}

// ---- accounts and providers -------------------------------------------------------------

/// True for the platform's shared units (no tenant, or tenant `platform`).
bool SharedTenant(const std::string& tenant);

/// The policy of `account`; null when the context does not know it.
const AccountPolicy* Account(const Index& ix, const std::string& account);

/// The provider configuration a block's `provider` argument (null: none) selects.
const ProviderConfig* ProviderFor(const PolicyUnit& unit, const json* provider);
/// The provider configuration block `body` uses.
const ProviderConfig* ProviderOf(const PolicyUnit& unit, const json& body);
/// The account block `body` is deployed into; empty when unknown.
std::string AccountOf(const PolicyUnit& unit, const json& body);

// ---- references -------------------------------------------------------------------------

/// What a value stands for once references are followed.
struct Target {
  enum Kind { kLiteral, kRef, kUnknown } kind = kUnknown;
  size_t unit = 0;
  std::string type;  ///< "aws_subnet"; a data source: "data.aws_kms_alias"
  std::string name;
  std::string attr;  ///< the attribute read ("id", "arn"), empty when none
  std::string literal;

  bool Is(size_t u, std::string_view t, std::string_view n) const {
    return kind == kRef && unit == u && type == t && name == n;
  }
};

/// Appends what `v`, written in unit `u`, stands for: one target per literal or reference
/// (arrays and objects fan out), kUnknown for what cannot be followed.
void Resolve(const Index& ix, size_t u, const json& v, std::vector<Target>& out, int depth = 0);
/// The same for a value that may be absent (null: nothing).
std::vector<Target> Resolve(const Index& ix, size_t u, const json* v);

/// The body of the block a reference names; null for other targets or a missing block.
const json* BodyOf(const Index& ix, const Target& t);

/// True when `v` (written in unit `from`) names the block `type.name` of unit `u` (a
/// reference, or a literal equal to `literal_name` when given).
bool RefersTo(const Index& ix, size_t from, const json* v, size_t u, const std::string& type,
              const std::string& name, const std::string* literal_name);

/// The blocks of `type` in unit `u` whose `arg` names block `store_type.store_name` of the
/// same unit (or the literal `literal_name`).
std::vector<const json*> Companions(const Index& ix, size_t u, const std::string& store_type,
                                    const std::string& store_name, const char* type,
                                    const char* arg, const std::string* literal_name);

}  // namespace eurus::check::policy
