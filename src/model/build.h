#pragma once
// config::Project → model::Org: every rule of CONFIG.md, all errors of a run at once, and
// subnet allocation against the lock file.

#include <optional>
#include <string>
#include <vector>

#include "config/load.h"
#include "ipam/lock.h"
#include "model/model.h"

namespace eurus::model {

struct BuildOptions {
  /// The lock may not change (CI): a run that would allocate is an error instead.
  bool frozen = false;
  /// Where the lock was read from, for messages ("eurus.lock.json").
  std::string lock_path = "eurus.lock.json";
};

struct BuildResult {
  std::optional<Org> org;          ///< set when there were no errors
  Lock lock;                       ///< the lock to write (previous + new allocations)
  bool lock_changed = false;
  std::vector<std::string> lock_changes;   ///< one line per change, for the summary
  std::vector<std::string> reserved;       ///< "env/tenant" held by removed tenants
};

BuildResult Build(const config::Project& project, const Lock& previous, const BuildOptions& options,
                  Diagnostics& diags);

/// Fargate's valid memory sizes (MiB) for a cpu value, empty for an invalid cpu.
std::vector<int> FargateMemoryFor(int cpu);
/// CloudWatch Logs' accepted retention periods, in days.
const std::vector<int>& LogRetentionDays();

}  // namespace eurus::model
