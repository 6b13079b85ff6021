// The data part of a tenant unit: one data store per resource of the tenant, each in the
// tenant's data subnets of every AZ and behind its data security group (tenant_network.cc,
// which admits only the tenant's app tasks on each engine's port), encrypted with the
// environment's key (read from <env>/platform), and tagged for the environment's backups:
//
//   postgres/mysql → Aurora Serverless v2: a cluster, a writer and a reader in another AZ
//   redis          → ElastiCache Serverless (Valkey): spread over every AZ by the service
//   documentdb     → a DocumentDB cluster with `instances` instances over the AZs
//   s3             → a private, TLS-only bucket that only the tenant's apps using it may read
//
// Where the environment is protected (prod realm or `protection: true`) every store has
// deletion protection where the service has it and `lifecycle.prevent_destroy`.
// AccessTo() tells the workloads what an app that `uses` a store needs. Everything here is
// a function of the org, the environment and this tenant only (synth.h, TenantFingerprint).
// See docs/DataStores.md and docs/DisasterRecovery.md.

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// The master user of the clusters; its password is generated and rotated by the service in
/// Secrets Manager (manage_master_user_password).
constexpr char kMasterUser[] = "eurusadmin";
/// UTC windows: automated backups first, then maintenance (they must not overlap), then the
/// cache's daily snapshot.
constexpr char kBackupWindow[] = "02:00-03:00";
constexpr char kMaintenanceWindow[] = "sun:04:00-sun:05:00";
constexpr char kCacheSnapshotTime[] = "03:00";
/// Valkey, the open-source Redis OSS fork ElastiCache Serverless runs; TLS is always on.
constexpr char kCacheEngine[] = "valkey";
constexpr char kCacheMajorVersion[] = "8";
/// Versions of overwritten or deleted objects kept (the in-bucket undo), in days.
constexpr int kNoncurrentDaysProd = 90;
constexpr int kNoncurrentDaysNonprod = 30;

bool Protected(const model::Environment& env) {
  return env.protection;
}

/// "orders-db" → "orders_db": block names of a resource (unique: names hold no '_').
std::string Key(const model::Resource& r) { return BlockKey(r.name); }

/// The database created in an Aurora cluster: the resource name with '_' for '-'.
std::string DatabaseName(const model::Resource& r) { return BlockKey(r.name); }

/// The cluster identifier of an Aurora or DocumentDB resource.
naming::Name ClusterName(const model::Org& org, const model::Tenant& t, const model::Resource& r) {
  return r.type == model::ResourceType::kDocumentDb
             ? naming::DocDbCluster(org.name, t.name, r.name)
             : naming::AuroraCluster(org.name, t.name, r.name);
}

/// "16.6" → "16"; "5.0.0" → "5.0": the leading `parts` numbers of a version.
std::string Leading(const std::string& version, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = version.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return version;
  }
  return version.substr(0, end);
}

/// The cluster parameter group family of an Aurora or DocumentDB version.
std::string Family(const model::Resource& r) {
  switch (r.type) {
    case model::ResourceType::kPostgres:
      return "aurora-postgresql" + Leading(r.version, 1);
    case model::ResourceType::kMysql:
      return "aurora-mysql8.0";  // every 8.0.mysql_aurora.3.x version (the model checks the prefix)
    case model::ResourceType::kDocumentDb:
      return "docdb" + Leading(r.version, 2);
    default:
      throw std::logic_error("no parameter group family for " + r.name);
  }
}

/// The CloudWatch log exports of a cluster (each with its parameters in Parameters()).
std::vector<std::string> LogExports(model::ResourceType t) {
  switch (t) {
    case model::ResourceType::kPostgres:
      return {"postgresql"};
    case model::ResourceType::kMysql:
      return {"audit", "error", "slowquery"};
    case model::ResourceType::kDocumentDb:
      return {"audit", "profiler"};
    default:
      return {};
  }
}

/// Cluster parameters: TLS enforced, and the logs LogExports() publishes switched on.
Json Parameters(model::ResourceType t) {
  std::vector<std::pair<const char*, const char*>> p;
  switch (t) {
    case model::ResourceType::kPostgres:
      p = {
          {"rds.force_ssl", "1"}, {"log_statement", "ddl"}, {"log_min_duration_statement", "2000"}};
      break;
    case model::ResourceType::kMysql:
      p = {{"require_secure_transport", "ON"},
           {"server_audit_logging", "1"},
           {"server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL"},
           {"slow_query_log", "1"},
           {"long_query_time", "2"}};
      break;
    case model::ResourceType::kDocumentDb:
      p = {{"tls", "enabled"}, {"audit_logs", "enabled"}, {"profiler", "enabled"}};
      break;
    default:
      break;
  }
  Json out = Json::array();
  // pending-reboot is accepted for static and dynamic parameters alike; a new cluster starts
  // with its group's values either way.
  for (const auto& [name, value] : p)
    out.push_back({{"name", name}, {"value", value}, {"apply_method", "pending-reboot"}});
  return out;
}

/// The tags of a data store: its name and the backup that covers it (tags::kBackup).
Json StoreTags(const std::string& name, const std::string& backup, const std::string& tenant) {
  return {{"Name", name}, {tags::kTenant, tenant}, {tags::kBackup, backup}};
}

/// The protection every data store gets where the environment is protected; and what the
/// service reads only when creating the store (restore_from), ignored afterwards so that
/// adding, keeping or removing `restore_from` never replaces a store.
Json Lifecycle(bool protect, Json restore_arguments) {
  Json l = {{"ignore_changes", std::move(restore_arguments)}};
  if (protect) l["prevent_destroy"] = true;
  return l;
}

struct Inputs {
  const Context& ctx;
  const model::Environment& env;
  const model::Tenant& tenant;
  std::string key;  ///< the environment key's ARN (remote state of the platform unit)
  Json subnets;     ///< the tenant's data subnets, one per AZ in the environment's order
  std::string sg;   ///< the tenant's data security group
  bool protect;
  int retention;  ///< days of automated backups and snapshots
};

/// Log groups the cluster publishes to, created first: encrypted, with the environment's
/// retention (the service would create them without either). Block "db-<key>-<log>" (hyphens:
/// no other pass of a tenant unit writes block names with one).
Json ClusterLogGroups(const Inputs& in, tf::Unit& u, const model::Resource& r,
                      const std::string& path, const tf::Origin& o) {
  Json refs = Json::array();
  for (const std::string& log : LogExports(r.type)) {
    tf::Ref g = u.Resource("aws_cloudwatch_log_group", fmt::format("db-{}-{}", Key(r), log),
                           {{"name", fmt::format("{}/{}", path, log)},
                            {"retention_in_days", in.env.log_retention_days},
                            {"kms_key_id", in.key},
                            {"tags", {{tags::kTenant, in.tenant.name}}}},
                           o);
    refs.push_back(g.Address());
  }
  return refs;
}

/// What a cluster restored from `restore_from` needs: a snapshot, or a point in time.
void RestoreArguments(const model::Resource& r, Json& body) {
  if (!r.restore_from) return;
  const model::Restore& rf = *r.restore_from;
  if (!rf.snapshot.empty()) {
    body["snapshot_identifier"] = rf.snapshot;
    return;
  }
  Json pitr = {{"source_cluster_identifier", rf.source}, {"restore_type", "full-copy"}};
  if (rf.point_in_time == "latest")
    pitr["use_latest_restorable_time"] = true;
  else
    pitr["restore_to_time"] = rf.point_in_time;
  body["restore_to_point_in_time"] = Json::array({pitr});
}

/// Aurora Serverless v2 (postgres, mysql): the cluster in a subnet group over every AZ, its
/// TLS-only parameter group, and two db.serverless instances in different AZs (writer at
/// promotion tier 0, reader at 1: failover promotes the reader).
void AddAurora(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const bool pg = r.type == model::ResourceType::kPostgres;
  const std::string k = Key(r);
  const naming::Name cluster_name = ClusterName(org, in.tenant, r);
  const std::string id = cluster_name.value;
  const std::string engine = pg ? "aurora-postgresql" : "aurora-mysql";
  const Json tags = StoreTags(id, backup::SnapshotPlan(org.name, in.env.name), in.tenant.name);

  tf::Ref group = u.Resource(
      "aws_db_subnet_group", k,
      {{"name", id},
       {"description", fmt::format("data subnets of tenant {} for {}", in.tenant.name, r.name)},
       {"subnet_ids", in.subnets},
       {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
      o);
  tf::Ref params = u.Resource("aws_rds_cluster_parameter_group", k,
                              {{"name", id},
                               {"family", Family(r)},
                               {"description", fmt::format("{}: TLS only, logs", id)},
                               {"parameter", Parameters(r.type)},
                               {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
                              o);
  const Json logs = ClusterLogGroups(in, u, r, fmt::format("/aws/rds/cluster/{}", id), o);

  Json scaling = {{"min_capacity", r.min_acu}, {"max_capacity", r.max_acu}};
  Json body = {
      {"cluster_identifier", id},
      {"engine", engine},
      {"engine_mode", "provisioned"},
      {"engine_version", r.version},
      {"database_name", DatabaseName(r)},
      {"master_username", kMasterUser},
      {"manage_master_user_password", true},
      {"master_user_secret_kms_key_id", in.key},
      {"storage_encrypted", true},
      {"kms_key_id", in.key},
      {"iam_database_authentication_enabled", true},
      {"db_subnet_group_name", group["name"]},
      {"db_cluster_parameter_group_name", params["name"]},
      {"vpc_security_group_ids", {in.sg}},
      {"serverlessv2_scaling_configuration", Json::array({scaling})},
      {"backup_retention_period", in.retention},
      {"preferred_backup_window", kBackupWindow},
      {"preferred_maintenance_window", kMaintenanceWindow},
      {"copy_tags_to_snapshot", true},
      {"enabled_cloudwatch_logs_exports", LogExports(r.type)},
      {"deletion_protection", in.protect},
      {"skip_final_snapshot", !in.protect},
      {"tags", tags},
      {"lifecycle", Lifecycle(in.protect, {"snapshot_identifier", "restore_to_point_in_time"})},
      {"depends_on", logs}};
  if (in.protect) body["final_snapshot_identifier"] = id + "-final";
  RestoreArguments(r, body);
  tf::Ref cluster = u.Resource("aws_rds_cluster", k, std::move(body), o);

  const auto& azs = in.env.network.azs;
  // Enhanced monitoring's role is the platform unit's, known by name.
  const std::string monitoring_role = fmt::format("arn:aws:iam::{}:role/{}", in.env.account,
                                                  naming::RdsMonitoringRole(org.name).value);
  for (int n = 1; n <= 2; ++n) {
    const std::string instance = naming::DbInstance(cluster_name, n).value;
    u.Resource("aws_rds_cluster_instance", fmt::format("{}_{}", k, n),
               {{"identifier", instance},
                {"cluster_identifier", cluster["id"]},
                {"engine", cluster["engine"]},
                {"instance_class", "db.serverless"},
                {"availability_zone", azs.at(static_cast<size_t>(n - 1) % azs.size())},
                {"promotion_tier", n - 1},
                {"db_subnet_group_name", group["name"]},
                {"publicly_accessible", false},
                {"auto_minor_version_upgrade", true},
                {"performance_insights_enabled", true},
                {"performance_insights_kms_key_id", in.key},
                {"performance_insights_retention_period", 7},
                {"monitoring_interval", 60},
                {"monitoring_role_arn", monitoring_role},
                {"tags", {{"Name", instance}, {tags::kTenant, in.tenant.name}}}},
               o);
  }
}

/// ElastiCache Serverless (Valkey): the service keeps the data in several AZs of the given
/// subnets. AWS Backup does not cover it: a daily snapshot of its own, kept `retention` days;
/// a cache is rebuildable by contract (docs/DisasterRecovery.md), so no RPO applies.
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

/// DocumentDB: the cluster in a subnet group over every AZ, its TLS-only parameter group, and
/// `instances` instances placed round-robin over the AZs (promotion tiers in that order).
void AddDocDb(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string k = Key(r);
  const naming::Name cluster_name = ClusterName(org, in.tenant, r);
  const std::string id = cluster_name.value;

  tf::Ref group = u.Resource(
      "aws_docdb_subnet_group", k,
      {{"name", id},
       {"description", fmt::format("data subnets of tenant {} for {}", in.tenant.name, r.name)},
       {"subnet_ids", in.subnets},
       {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
      o);
  tf::Ref params =
      u.Resource("aws_docdb_cluster_parameter_group", k,
                 {{"name", id},
                  {"family", Family(r)},
                  {"description", fmt::format("{}: TLS only, audit and profiler logs", id)},
                  {"parameter", Parameters(r.type)},
                  {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
                 o);
  const Json logs = ClusterLogGroups(in, u, r, fmt::format("/aws/docdb/{}", id), o);
  Json body = {
      {"cluster_identifier", id},
      {"engine", "docdb"},
      {"engine_version", r.version},
      {"master_username", kMasterUser},
      {"manage_master_user_password", true},
      {"storage_encrypted", true},
      {"kms_key_id", in.key},
      {"db_subnet_group_name", group["name"]},
      {"db_cluster_parameter_group_name", params["name"]},
      {"vpc_security_group_ids", {in.sg}},
      {"backup_retention_period", in.retention},
      {"preferred_backup_window", kBackupWindow},
      {"preferred_maintenance_window", kMaintenanceWindow},
      {"enabled_cloudwatch_logs_exports", LogExports(r.type)},
      {"deletion_protection", in.protect},
      {"skip_final_snapshot", !in.protect},
      {"tags", StoreTags(id, backup::SnapshotPlan(org.name, in.env.name), in.tenant.name)},
      {"lifecycle", Lifecycle(in.protect, {"snapshot_identifier", "restore_to_point_in_time"})},
      {"depends_on", logs}};
  if (in.protect) body["final_snapshot_identifier"] = id + "-final";
  RestoreArguments(r, body);
  tf::Ref cluster = u.Resource("aws_docdb_cluster", k, std::move(body), o);

  // Performance Insights is for the memory-optimized classes; burstable (db.t*) ones run
  // without it.
  const bool insights = r.instance_class.rfind("db.t", 0) != 0;
  const auto& azs = in.env.network.azs;
  for (int n = 1; n <= r.instances; ++n) {
    const std::string instance = naming::DbInstance(cluster_name, n).value;
    Json ib = {{"identifier", instance},
               {"cluster_identifier", cluster["id"]},
               {"instance_class", r.instance_class},
               {"availability_zone", azs.at(static_cast<size_t>(n - 1) % azs.size())},
               {"promotion_tier", std::min(n - 1, 15)},
               {"auto_minor_version_upgrade", true},
               {"tags", {{"Name", instance}, {tags::kTenant, in.tenant.name}}}};
    if (insights) {
      ib["enable_performance_insights"] = true;
      ib["performance_insights_kms_key_id"] = in.key;
    }
    u.Resource("aws_docdb_cluster_instance", fmt::format("{}_{}", k, n), std::move(ib), o);
  }
}

/// The IAM roles whose principals may read and write the objects of bucket `r`: the task roles
/// of the tenant's apps that use it, the deployer (it empties unprotected buckets on destroy)
/// and AWS Backup's role (it reads for backups and writes for restores).
std::vector<std::string> BucketPrincipals(const Context& ctx, const model::Environment& env,
                                          const model::Tenant& t, const model::Deployment& dep,
                                          const model::Resource& r) {
  const model::Org& org = ctx.org;
  std::vector<std::string> out;
  for (const model::App& a : dep.apps)
    for (const std::string& use : a.uses)
      if (use == r.name)
        out.push_back(fmt::format("arn:aws:iam::{}:role/{}", env.account,
                                  naming::TaskRole(org.name, t.name, a.name).value));
  out.push_back(ctx.DeployerRoleArn(env.account));
  out.push_back(
      fmt::format("arn:aws:iam::{}:role/{}", env.account, naming::BackupRole(org.name).value));
  return out;
}

/// S3: a private bucket (all public access blocked, ACLs disabled), SSE-KMS with the
/// environment key and a bucket key, TLS 1.2+ only, objects readable and writable only by
/// BucketPrincipals(), versioned as configured, access-logged to the environment's access-log
/// bucket (platform unit), incomplete uploads and old versions cleaned up, objects expiring
/// after `expire_days` when set.
void AddBucket(const Inputs& in, tf::Unit& u, const model::Deployment& dep,
               const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string k = Key(r);
  const std::string name = naming::Bucket(org.name, in.tenant.name, r.name, in.env.account).value;
  const std::string arn = "arn:aws:s3:::" + name;
  const std::string backup =
      r.versioning ? backup::ContinuousPlan(org.name, in.env.name) : backup::kRebuildable;

  Json body = {{"bucket", name}, {"tags", StoreTags(name, backup, in.tenant.name)}};
  if (in.protect)
    body["lifecycle"] = {{"prevent_destroy", true}};
  else
    body["force_destroy"] = true;  // an unprotected environment is torn down with its data
  tf::Ref bucket = u.Resource("aws_s3_bucket", k, std::move(body), o);
  tf::Ref versioning = u.Resource(
      "aws_s3_bucket_versioning", k,
      {{"bucket", bucket["id"]},
       {"versioning_configuration", {{"status", r.versioning ? "Enabled" : "Suspended"}}}},
      o);
  u.Resource(
      "aws_s3_bucket_server_side_encryption_configuration", k,
      {{"bucket", bucket["id"]},
       {"rule", Json::array({{{"apply_server_side_encryption_by_default",
                               {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", in.key}}},
                              {"bucket_key_enabled", true}}})}},
      o);
  tf::Ref public_access = u.Resource("aws_s3_bucket_public_access_block", k,
                                     {{"bucket", bucket["id"]},
                                      {"block_public_acls", true},
                                      {"block_public_policy", true},
                                      {"ignore_public_acls", true},
                                      {"restrict_public_buckets", true}},
                                     o);
  u.Resource("aws_s3_bucket_ownership_controls", k,
             {{"bucket", bucket["id"]}, {"rule", {{"object_ownership", "BucketOwnerEnforced"}}}},
             o);

  const Json resources = {arn, arn + "/*"};
  Json principals = Json::array();
  for (const std::string& p : BucketPrincipals(in.ctx, in.env, in.tenant, dep, r))
    principals.push_back(p);
  Json statements = Json::array({
      // Whatever IAM grants in this account, the data is the tenant's apps' only.
      {{"Sid", "OnlyTheTenantsAppsReadAndWrite"},
       {"Effect", "Deny"},
       {"Principal", "*"},
       {"Action",
        {"s3:AbortMultipartUpload", "s3:DeleteObject*", "s3:GetObject*", "s3:ListBucket*",
         "s3:ListMultipartUploadParts", "s3:PutObject*", "s3:RestoreObject"}},
       {"Resource", resources},
       {"Condition", {{"ArnNotLike", {{"aws:PrincipalArn", principals}}}}}},
  });
  for (Json& st : DenyInsecureTransport(arn)) statements.push_back(std::move(st));
  u.Resource("aws_s3_bucket_policy", k,
             {{"bucket", bucket["id"]},
              {"policy", Json{{"Version", kPolicyVersion}, {"Statement", statements}}.dump()},
              // S3 refuses concurrent bucket-policy and public-access-block changes.
              {"depends_on", {public_access.Address()}}},
             o);
  u.Resource(
      "aws_s3_bucket_logging", k,
      {{"bucket", bucket["id"]},
       {"target_bucket", naming::AccessLogsBucket(org.name, in.env.name, in.env.account).value},
       {"target_prefix", name + "/"}},
      o);

  Json rules = Json::array();
  Json cleanup = {
      {"id", "clean-up"},
      {"status", "Enabled"},
      {"filter", Json::array({Json::object()})},
      {"abort_incomplete_multipart_upload", Json::array({{{"days_after_initiation", 7}}})}};
  if (r.versioning) {
    const int noncurrent =
        in.env.realm == model::RealmKind::kProd ? kNoncurrentDaysProd : kNoncurrentDaysNonprod;
    cleanup["noncurrent_version_expiration"] = Json::array({{{"noncurrent_days", noncurrent}}});
  }
  rules.push_back(std::move(cleanup));
  if (r.expire_days > 0) {
    rules.push_back({{"id", "expire-objects"},
                     {"status", "Enabled"},
                     {"filter", Json::array({Json::object()})},
                     {"expiration", Json::array({{{"days", r.expire_days}}})}});
    if (r.versioning)
      // An expired current version leaves a delete marker; once its noncurrent versions are
      // gone too, the marker is removed (S3 rejects both expirations in one rule).
      rules.push_back({{"id", "remove-expired-delete-markers"},
                       {"status", "Enabled"},
                       {"filter", Json::array({Json::object()})},
                       {"expiration", Json::array({{{"expired_object_delete_marker", true}}})}});
  }
  u.Resource("aws_s3_bucket_lifecycle_configuration", k,
             {{"bucket", bucket["id"]},
              {"rule", std::move(rules)},
              {"depends_on", {versioning.Address()}}},
             o);
}

/// KMS use of the environment key through `service` (S3 objects, Secrets Manager secrets),
/// matched by the key's alias (contract.h): `actions` on it, nothing else.
Json KeyThrough(const Context& ctx, const model::Environment& env, const char* sid,
                const char* service, Json actions) {
  return {{"Sid", sid},
          {"Effect", "Allow"},
          {"Action", std::move(actions)},
          {"Resource", fmt::format("arn:aws:kms:{}:{}:key/*", ctx.org.region, env.account)},
          {"Condition",
           {{"StringEquals",
             {{"kms:ViaService", fmt::format("{}.{}.amazonaws.com", service, ctx.org.region)}}},
            {"ForAnyValue:StringEquals",
             {{"kms:ResourceAliases", EnvironmentKeyAlias(ctx.org.name, env.name)}}}}}};
}

/// "orders-db" → "OrdersDb": part of statement ids.
std::string Pascal(const std::string& name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

}  // namespace

std::string DataVariable(const std::string& resource, const std::string& what) {
  std::string out;
  for (char c : resource)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "_" + what;
}

void AddTenantData(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                   const model::Deployment& dep, const tf::Unit& /*network*/,
                   const tf::Unit& platform, tf::Unit& unit) {
  if (dep.resources.empty()) return;
  const std::string& t = tenant.name;
  tf::Ref pf = unit.RemoteState(platform, ctx.BackendFor(env.account, kPlatformUnit));
  Inputs in{ctx,           env, tenant,         pf.Output(platform_out::kKmsKeyArn),
            Json::array(), "",  Protected(env), backup::RetentionDays(env.realm)};
  // The data subnets and group of the tenant's network (tenant_network.cc).
  for (const std::string& az : env.network.azs)
    in.subnets.push_back(unit.Existing("aws_subnet", t + "_data_" + BlockKey(az))["id"]);
  in.sg = unit.Existing("aws_security_group", t + "_data")["id"];

  for (const model::Resource& r : dep.resources) {
    switch (r.type) {
      case model::ResourceType::kPostgres:
      case model::ResourceType::kMysql:
        AddAurora(in, unit, r);
        break;
      case model::ResourceType::kRedis:
        AddCache(in, unit, r);
        break;
      case model::ResourceType::kDocumentDb:
        AddDocDb(in, unit, r);
        break;
      case model::ResourceType::kS3:
        AddBucket(in, unit, dep, r);
        break;
    }
  }
}

DataAccess AccessTo(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                    const model::Resource& r) {
  DataAccess out;
  const std::string k = Key(r);
  auto var = [&](const char* what, std::string value) {
    out.environment.emplace_back(DataVariable(r.name, what), std::move(value));
  };
  // The managed master secret: read by the app when it connects (never injected at start:
  // the service rotates the password every 7 days, and ECS reads `secrets` only at start).
  auto secret = [&](const std::string& type, bool env_key) {
    const std::string arn = "${" + type + "." + k + ".master_user_secret[0].secret_arn}";
    out.statements.push_back(
        {{"Sid", "ReadSecretOf" + Pascal(r.name)},
         {"Effect", "Allow"},
         {"Action", {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}},
         {"Resource", arn}});
    if (env_key)
      out.statements.push_back(KeyThrough(ctx, env, ("DecryptSecretOf" + Pascal(r.name)).c_str(),
                                          "secretsmanager", "kms:Decrypt"));
    var("SECRET_ARN", arn);
  };
  switch (r.type) {
    case model::ResourceType::kPostgres:
    case model::ResourceType::kMysql: {
      const std::string c = "aws_rds_cluster." + k;
      var("HOST", "${" + c + ".endpoint}");
      var("READER_HOST", "${" + c + ".reader_endpoint}");
      var("PORT", "${" + c + ".port}");
      var("DATABASE", DatabaseName(r));
      secret("aws_rds_cluster", true);  // encrypted with the environment key
      break;
    }
    case model::ResourceType::kDocumentDb: {
      const std::string c = "aws_docdb_cluster." + k;
      var("HOST", "${" + c + ".endpoint}");
      var("READER_HOST", "${" + c + ".reader_endpoint}");
      var("PORT", "${" + c + ".port}");
      secret("aws_docdb_cluster", false);  // DocumentDB encrypts it with aws/secretsmanager
      break;
    }
    case model::ResourceType::kRedis: {
      // No IAM: Valkey IAM authentication needs a user group; the cache is reachable only
      // from the tenant's app tasks (data security group), over TLS.
      const std::string c = "aws_elasticache_serverless_cache." + k;
      var("HOST", "${" + c + ".endpoint[0].address}");
      var("PORT", "${" + c + ".endpoint[0].port}");
      var("READER_HOST", "${" + c + ".reader_endpoint[0].address}");
      var("READER_PORT", "${" + c + ".reader_endpoint[0].port}");
      var("TLS", "true");
      break;
    }
    case model::ResourceType::kS3: {
      const std::string name = naming::Bucket(ctx.org.name, tenant.name, r.name, env.account).value;
      const std::string arn = "arn:aws:s3:::" + name;
      const std::string p = Pascal(r.name);
      out.statements.push_back({{"Sid", "Bucket" + p},
                                {"Effect", "Allow"},
                                {"Action", {"s3:GetBucketLocation", "s3:ListBucket"}},
                                {"Resource", arn}});
      out.statements.push_back({{"Sid", "Objects" + p},
                                {"Effect", "Allow"},
                                {"Action",
                                 {"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject",
                                  "s3:ListMultipartUploadParts", "s3:PutObject"}},
                                {"Resource", arn + "/*"}});
      out.statements.push_back(KeyThrough(ctx, env, ("ObjectKeysOf" + p).c_str(), "s3",
                                          {"kms:Decrypt", "kms:GenerateDataKey"}));
      var("BUCKET", name);
      break;
    }
  }
  return out;
}

}  // namespace eurus::synth
