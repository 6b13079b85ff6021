// redis: ElastiCache Serverless (Valkey, the open-source Redis OSS fork; TLS always on). The
// service keeps the data in several AZs of the given subnets. AWS Backup does not cover it: a
// daily snapshot of its own, kept `retention` days; a cache is rebuildable by contract
// (docs/DisasterRecovery.md), so no RPO applies. The kind's facts (fields, ports, policy)
// are its row in catalog/store_kinds.h.

#include <fmt/format.h>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/store.h"

namespace eurus::synth::store {
namespace {

constexpr char kCacheSnapshotTime[] = "03:00";  // after the clusters' backup window
constexpr char kCacheEngine[] = "valkey";
/// Only the major: ElastiCache Serverless moves the minor (full_engine_version, which eurus
/// never sets) by itself, without a maintenance window, so nothing here can drift. A new
/// major is a change of this constant (docs/DataStores.md, "Engine versions").
constexpr char kCacheMajorVersion[] = "8";

}  // namespace

void AddCache(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string name = naming::Cache(in.ctx.org.name, in.tenant.name, r.name).value;
  Json body = {
      {"name", name},
      {"engine", kCacheEngine},
      {"major_engine_version", kCacheMajorVersion},
      {"description", fmt::format("cache {} of tenant {}", r.name, in.tenant.name)},
      {"kms_key_id", in.key},
      {"subnet_ids", in.subnets},
      {"security_group_ids", {in.sg}},
      {"daily_snapshot_time", kCacheSnapshotTime},
      {"snapshot_retention_limit", in.retention},
      {"cache_usage_limits",
       Json::array(
           {{{"data_storage", Json::array({{{"maximum", r.max_storage_gb}, {"unit", "GB"}}})},
             {"ecpu_per_second", Json::array({{{"maximum", r.max_ecpu_per_second}}})}}})},
      {"tags", StoreTags(name, backup::kRebuildable, in.tenant.name)},
      {"lifecycle", Lifecycle(in.protect, {"snapshot_arns_to_restore"})}};
  if (r.restore_from) body["snapshot_arns_to_restore"] = {r.restore_from->snapshot};
  u.Resource("aws_elasticache_serverless_cache", Key(r), std::move(body), o);
}

DataAccess CacheAccess(const Context& /*ctx*/, const model::Environment& /*env*/,
                       const model::Tenant& /*tenant*/, const model::Resource& r) {
  // No IAM: Valkey IAM authentication needs a user group; the cache is reachable only from
  // the tenant's app tasks (data security group), over TLS.
  DataAccess out;
  const std::string c = "aws_elasticache_serverless_cache." + Key(r);
  Var(out, r, "HOST", "${" + c + ".endpoint[0].address}");
  Var(out, r, "PORT", "${" + c + ".endpoint[0].port}");
  Var(out, r, "READER_HOST", "${" + c + ".reader_endpoint[0].address}");
  Var(out, r, "READER_PORT", "${" + c + ".reader_endpoint[0].port}");
  Var(out, r, "TLS", "true");
  return out;
}

}  // namespace eurus::synth::store
