#pragma once
// What an environment's AWS Backup plans select, and the Region opt-in those selections need
// (backup.cc, beside the realm's central vault). The platform unit emits the vault, the role
// and the plans (platform.cc, AddBackups) and builds its selections and opt-in from here, so
// that which stores are really backed up is decided in one place (docs/DisasterRecovery.md,
// "What selects a store").

#include <string>

#include "synth/synth.h"

namespace eurus::synth::backup {

/// The environment's two plans (contract.h names them): snapshots every rpo_hours of the
/// clusters (Aurora, DocumentDB), and continuous backup of versioned buckets.
enum class Plan { kSnapshots, kContinuous };

/// The arguments of plan `plan`'s aws_backup_selection besides name, plan_id and
/// iam_role_arn: the ARN patterns of the resource types the plan backs up (`resources`),
/// narrowed to the stores whose tags::kBackup tag is `plan_name` (`condition`, which AWS
/// Backup ANDs with `resources`; `selection_tag` would be ORed). Naming the types makes AWS
/// Backup select them whatever the Region's opt-in, except those that need it anyway
/// (catalog::StorePolicy::needs_opt_in; AddOptIn).
tf::Json Selection(Plan plan, const std::string& plan_name);

/// The Region's service opt-in, in `env`'s account, for each resource type that needs it
/// (Aurora, DocumentDB) and that a tenant of `env` has a store of: one
/// aws_backup_region_settings block per type ("opt_in_<type>"), setting only that type and
/// ignoring the rest of the map afterwards. Adds the files of those tenants to `u.sources`.
void AddOptIn(const Context& ctx, const model::Environment& env, tf::Unit& u,
              const tf::Origin& o);

}  // namespace eurus::synth::backup
