#pragma once
// Inside synth/: what the data part of a tenant unit (data.cc) shares with the files that
// emit one kind of data store each (store_aurora.cc, store_cache.cc, store_docdb.cc,
// store_bucket.cc). A store kind's facts that are not code (its fields, ports, guarded
// types, policy) are in catalog/store_kinds.h; its file here emits it and says what an app
// that uses it needs (AccessTo). See docs/Contributing.md to add a kind.

#include <string>
#include <utility>
#include <vector>

#include "synth/synth.h"

namespace eurus::synth::store {

using tf::Json;

/// The master user of the clusters; its password is generated and rotated by the service in
/// Secrets Manager (manage_master_user_password).
inline constexpr char kMasterUser[] = "eurusadmin";
/// UTC windows: automated backups first, then maintenance (they must not overlap), then the
/// cache's daily snapshot.
inline constexpr char kBackupWindow[] = "02:00-03:00";
inline constexpr char kMaintenanceWindow[] = "sun:04:00-sun:05:00";

/// What every store of a tenant unit is built from.
struct Inputs {
  const Context& ctx;
  const model::Environment& env;
  const model::Tenant& tenant;
  const model::Deployment& dep;
  std::string key;  ///< the environment key's ARN (remote state of the platform unit)
  Json subnets;     ///< the tenant's data subnets, one per AZ in the environment's order
  std::string sg;   ///< the tenant's data security group
  bool protect;     ///< the environment's `protection`: deletion protection, prevent_destroy
  bool retain;      ///< the environment's `retain`: final snapshots, no force_destroy
  int retention;    ///< days of automated backups and snapshots
};

/// "orders-db" → "orders_db": block names of a resource (unique: names hold no '_').
std::string Key(const model::Resource& r);

/// "16.6" → "16"; "5.0.0" → "5.0": the leading `parts` numbers of a version.
std::string Leading(const std::string& version, int parts);

/// A cluster parameter group's `parameter` list: every (name, value) applied pending-reboot.
Json ParameterList(const std::vector<std::pair<const char*, const char*>>& params);

/// The tags of a data store: its name and the backup that covers it (tags::kBackup).
Json StoreTags(const std::string& name, const std::string& backup, const std::string& tenant);

/// The protection every data store gets where the environment is protected; and what the
/// service reads only when creating the store (restore_from), ignored afterwards so that
/// adding, keeping or removing `restore_from` never replaces a store.
Json Lifecycle(bool protect, Json restore_arguments);
/// What a cluster (Aurora, DocumentDB) `id` does when it is destroyed, set on its `body`:
/// deletion protection and prevent_destroy where `in.protect`, a final snapshot `<id>-final`
/// where `in.retain`; restore arguments ignored after creation. One place for both kinds.
void ClusterProtection(const Inputs& in, const std::string& id, Json& body);

/// Log groups a cluster publishes `exports` to, created first: encrypted, with the
/// environment's retention (the service would create them without either). Block
/// "db-<key>-<log>" (hyphens: no other pass of a tenant unit writes block names with one).
/// Returns their addresses, for the cluster's depends_on.
Json ClusterLogGroups(const Inputs& in, tf::Unit& u, const model::Resource& r,
                      const std::vector<std::string>& exports, const std::string& path,
                      const tf::Origin& o);

/// What a cluster restored from `restore_from` needs: a snapshot, or a point in time.
void RestoreArguments(const model::Resource& r, Json& body);

/// KMS use of the environment key through `service` (S3 objects, Secrets Manager secrets),
/// matched by the key's alias (contract.h): `actions` on it, nothing else.
Json KeyThrough(const Context& ctx, const model::Environment& env, const std::string& sid,
                const char* service, Json actions);

/// "orders-db" → "OrdersDb": part of statement ids.
std::string Pascal(const std::string& name);

/// Adds variable <RESOURCE>_<what> to `out`.
void Var(DataAccess& out, const model::Resource& r, const char* what, std::string value);

/// The cluster's managed master secret (block `type`.Key(r)): read by the app when it
/// connects (never injected at start: the service rotates the password every 7 days, and
/// ECS reads `secrets` only at start). `env_key`: the secret is encrypted with the
/// environment key, which the app may then decrypt through Secrets Manager.
void MasterSecret(DataAccess& out, const Context& ctx, const model::Environment& env,
                  const model::Resource& r, const std::string& type, bool env_key);

// ---- one file per kind: Add<Kind> emits a resource's blocks, <Kind>Access is AccessTo ----

void AddAurora(const Inputs& in, tf::Unit& u, const model::Resource& r);  // postgres, mysql
DataAccess AuroraAccess(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Resource& r);
void AddCache(const Inputs& in, tf::Unit& u, const model::Resource& r);  // redis
DataAccess CacheAccess(const Context& ctx, const model::Environment& env,
                       const model::Tenant& tenant, const model::Resource& r);
void AddDocDb(const Inputs& in, tf::Unit& u, const model::Resource& r);  // documentdb
DataAccess DocDbAccess(const Context& ctx, const model::Environment& env,
                       const model::Tenant& tenant, const model::Resource& r);
void AddBucket(const Inputs& in, tf::Unit& u, const model::Resource& r);  // s3
DataAccess BucketAccess(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Resource& r);

}  // namespace eurus::synth::store
