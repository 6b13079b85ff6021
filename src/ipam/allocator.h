#pragma once
// Deterministic, stable subnet allocation for one environment. A block, once in the lock,
// never moves and is never handed to anyone else until its tenant is released.

#include <optional>
#include <string>
#include <vector>

#include "ipam/cidr.h"
#include "ipam/lock.h"

namespace eurus {

/// What an environment's configuration asks for. Sizes are prefix lengths.
struct EnvLayout {
  Cidr vpc;                      ///< aligned, already validated
  std::optional<Cidr> egress;    ///< secondary "allowed range" for private NAT; no vpc overlap
  std::vector<std::string> azs;  ///< configured AZs, config order, >= 2, no duplicates
  int platform_size = 24;
  int tenant_size = 24;
  int data_size = 27;
  /// Internet egress: one /28 per AZ for the public NAT gateway (routes to the internet
  /// gateway; no workload ever runs there).
  bool public_nat = false;
  std::vector<std::string> tenants;  ///< onboarded here; any order (allocated in sorted order)
};

struct AllocResult {
  /// The previous lock plus this run's blocks. When `problem` is set: the previous lock
  /// unchanged (or empty) and nothing allocated.
  EnvLock lock;
  std::vector<std::string> allocated;  ///< tenants given new blocks this run (sorted)
  std::vector<std::string> reserved;   ///< in the lock but no longer onboarded (sorted)
  bool changed = false;                ///< lock != *previous (always true without previous)
  /// Onboarded tenants that could not be given all their missing blocks (sorted). Tenants
  /// are placed in sorted order, all-or-nothing, and placement stops at the first that
  /// does not fit: it and every later tenant needing blocks are unplaced, with nothing
  /// partial recorded for them.
  std::vector<std::string> unplaced;
  /// Set only with `unplaced`: how many new tenants (a full set of blocks in every
  /// configured AZ, current sizes) fit in the space the previous lock left free, i.e. how
  /// many tenants this environment can still take ("the vpc has room for N more tenants").
  int fit_more = 0;
  /// Non-empty when the previous allocations are unusable or the platform/egress subnets do
  /// not fit; lowercase, stands alone.
  std::string problem;
};

/// Keeps every block of `previous` (live or reserved, in any AZ, configured or not), then
/// adds, first-fit at the lowest free aligned address: a platform subnet for each
/// configured AZ lacking one; an egress subnet per such AZ in `layout.egress` (a quarter of
/// it, but no smaller than /28, the AWS minimum); then for each onboarded tenant a tenant
/// and a data subnet per configured AZ lacking them (larger blocks first). Existing blocks keep
/// their sizes when the configured sizes change. The vpc may change only if every platform and
/// tenant block lies inside the new one. Runs in O(n log n) in the number of blocks when little is
/// free between them.
AllocResult Allocate(const EnvLayout& layout, const EnvLock* previous);

/// Forgets `tenant`'s blocks in `env` so later runs may reuse them. False if there was
/// nothing to release.
bool Release(Lock& lock, const std::string& env, const std::string& tenant);

}  // namespace eurus
