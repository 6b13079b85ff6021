// postgres and mysql: Aurora Serverless v2. The cluster in a subnet group over every AZ, its
// TLS-only parameter group with the engine's logs switched on, and two db.serverless
// instances in different AZs (writer at promotion tier 0, reader at 1: failover promotes the
// reader); the writer only in an environment with `ha: false`. Backups: automated (continuous) and the environment's AWS Backup snapshot plan.
// The kinds' facts (fields, ports, policy) are their rows in catalog/store_kinds.h.

#include <fmt/format.h>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/store.h"

namespace eurus::synth::store {
namespace {

bool Postgres(const model::Resource& r) { return r.type == catalog::StoreKind::kPostgres; }

/// The database created in the cluster: the resource name with '_' for '-'.
std::string DatabaseName(const model::Resource& r) { return BlockKey(r.name); }

/// The cluster parameter group family of the engine version.
std::string Family(const model::Resource& r) {
  // Every 8.0.mysql_aurora.3.x version is aurora-mysql8.0 (the model checks the prefix).
  return Postgres(r) ? "aurora-postgresql" + Leading(r.version, 1) : "aurora-mysql8.0";
}

/// The CloudWatch log exports of the cluster (each switched on in Parameters()).
std::vector<std::string> LogExports(const model::Resource& r) {
  if (Postgres(r)) return {"postgresql"};
  return {"audit", "error", "slowquery"};
}

/// Cluster parameters: TLS enforced, and the logs LogExports() publishes switched on.
Json Parameters(const model::Resource& r) {
  if (Postgres(r))
    return ParameterList(
        {{"rds.force_ssl", "1"}, {"log_statement", "ddl"}, {"log_min_duration_statement", "2000"}});
  return ParameterList({{"require_secure_transport", "ON"},
                        {"server_audit_logging", "1"},
                        {"server_audit_events", "CONNECT,QUERY_DCL,QUERY_DDL"},
                        {"slow_query_log", "1"},
                        {"long_query_time", "2"}});
}

/// `version` is the version a new cluster starts at; afterwards the cluster's version is
/// AWS's. AWS upgrades the minor by itself in the maintenance window (the instances'
/// auto_minor_version_upgrade). The provider (6.25) then reads the running version into
/// engine_version, so a configured 16.6 under a running 16.8 would plan a downgrade, which RDS
/// refuses ("Cannot upgrade aurora-postgresql from 16.8 to 16.6") and which would stop every
/// apply of the tenant unit. Ignored after creation, engine_version stays what is running, and
/// the provider sends EngineVersion with another modification only when it differs from
/// engine_version_actual, which it then does not. A major alone ("16") is no way out: the
/// provider keeps "16" in the state beside a running "16.8" and sends it with any other
/// modification, which RDS reads as the major's default minor, again a downgrade
/// (hashicorp/terraform-provider-aws #45026, #48936); the model requires the minor (E0312).
/// Intended upgrades, minor and major: docs/DataStores.md, "Engine versions".
void IgnoreMinorUpgrades(Json& body) {
  body["lifecycle"]["ignore_changes"].push_back("engine_version");
}

}  // namespace

void AddAurora(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string k = Key(r);
  const naming::Name cluster_name =
      naming::StoreName(r.type, org.name, in.tenant.name, r.name, in.env.account);
  const std::string id = cluster_name.value;
  const std::string engine = Postgres(r) ? "aurora-postgresql" : "aurora-mysql";
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
                               {"parameter", Parameters(r)},
                               {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
                              o);
  const Json logs =
      ClusterLogGroups(in, u, r, LogExports(r), fmt::format("/aws/rds/cluster/{}", id), o);

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
      {"enabled_cloudwatch_logs_exports", LogExports(r)},
      {"tags", tags},
      {"depends_on", logs}};
  ClusterProtection(in, id, body);
  IgnoreMinorUpgrades(body);
  RestoreArguments(r, body);
  tf::Ref cluster = u.Resource("aws_rds_cluster", k, std::move(body), o);

  const auto& azs = in.env.network.azs;
  // Enhanced monitoring's role is the platform unit's, known by name.
  const std::string monitoring_role = fmt::format("arn:aws:iam::{}:role/{}", in.env.account,
                                                  naming::RdsMonitoringRole(org.name).value);
  // A writer and a reader in another AZ; the writer only where the environment is not
  // highly available (`ha: false`, nonprod): the reader endpoint then resolves to the writer.
  const int instances = in.env.ha ? 2 : 1;
  for (int n = 1; n <= instances; ++n) {
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

DataAccess AuroraAccess(const Context& ctx, const model::Environment& env,
                        const model::Tenant& /*tenant*/, const model::Resource& r) {
  DataAccess out;
  const std::string c = "aws_rds_cluster." + Key(r);
  Var(out, r, "HOST", "${" + c + ".endpoint}");
  Var(out, r, "READER_HOST", "${" + c + ".reader_endpoint}");
  Var(out, r, "PORT", "${" + c + ".port}");
  Var(out, r, "DATABASE", DatabaseName(r));
  MasterSecret(out, ctx, env, r, "aws_rds_cluster", true);  // encrypted with the environment key
  return out;
}

}  // namespace eurus::synth::store
