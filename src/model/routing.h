#pragma once
// Listener rule priorities on an environment's shared ALB. Every tenant unit adds its own
// rules to the one HTTPS listener, and the ALB rejects two rules with one priority, so the
// priorities must never collide between tenants, must not move when other tenants come or
// go (units are applied one at a time: a moved priority could collide with a neighbour's
// not yet applied), and must put specific paths before catch-alls. docs/Workloads.md
// ("Listener rule priorities") explains the scheme:
//
//   priority = 1 + band * kBandWidth + slot * stride + index
//
// - band: exact paths (0), wildcard patterns (1), catch-alls "/*" (2);
// - slot: the tenant's place in the VPC, from its lowest tenant subnet (eurus.lock.json:
//   unique per tenant and environment, never moved): offset / tenant subnet size;
// - stride: kBandWidth / the number of slots the VPC has for that subnet size;
// - index: the rule's position among the tenant's rules of that band.
//
// The largest priority is 3 * kBandWidth = 48000 <= 50000 (the ALB's limit).

#include <optional>
#include <string>
#include <vector>

#include "ipam/cidr.h"
#include "model/model.h"

namespace eurus::model {

inline constexpr int kMaxRulePriority = 50000;  ///< the ALB's largest rule priority
inline constexpr int kBandWidth = 16000;        ///< priorities per band
inline constexpr size_t kMaxPathsPerRule = 3;   ///< ALB: 3 values per condition (5 per rule)

/// A tenant's share of the listener's priorities.
struct RuleSlot {
  int slot = 0;    ///< 0..slots-1
  int slots = 1;   ///< tenant-subnet-sized blocks in the VPC
  int stride = 0;  ///< priorities per band for each tenant: kBandWidth / slots
};

/// The slot of a tenant with `tenant_subnets` in `net` (slot unit: net.tenant_subnet_size);
/// nullopt without subnets or when they lie outside the VPC.
std::optional<RuleSlot> TenantRuleSlot(const Network& net, const std::vector<Cidr>& tenant_subnets);

/// "/api" exact, "/api/*" or "/v?/x" a pattern, "/*" a catch-all.
RuleBand BandOf(const std::string& path);

/// The rules of `apps` (sorted by name; apps without a route have none), each app's paths
/// grouped by band and split into rules of at most kMaxPathsPerRule paths, in evaluation
/// order: by band, then (patterns) the rule whose least specific path has the longest
/// literal prefix first, then by app. `index_in_band[i]` is rule i's position in its band.
/// Priorities are left 0 (AssignPriorities).
std::vector<ListenerRule> PlanListenerRules(const std::vector<App>& apps,
                                            std::vector<int>* index_in_band);

/// Sets each rule's priority from its band, `slot` and its index in the band. Returns the
/// first rule whose index does not fit in the tenant's stride (nullptr: all fit).
const ListenerRule* AssignPriorities(std::vector<ListenerRule>& rules,
                                     const std::vector<int>& index_in_band, const RuleSlot& slot);

}  // namespace eurus::model
