// documentdb: a DocumentDB cluster in a subnet group over every AZ, its TLS-only parameter
// group with audit and profiler logs, and `instances` instances placed round-robin over the
// AZs (promotion tiers in that order). Backups: automated (continuous) and the environment's
// AWS Backup snapshot plan. The kind's facts (fields, ports, policy) are its row in
// catalog/store_kinds.h.

#include <fmt/format.h>

#include <algorithm>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/store.h"

namespace eurus::synth::store {
namespace {

/// The CloudWatch log exports of the cluster, each switched on by its parameters.
const std::vector<std::string> kLogExports = {"audit", "profiler"};

}  // namespace

void AddDocDb(const Inputs& in, tf::Unit& u, const model::Resource& r) {
  const model::Org& org = in.ctx.org;
  const tf::Origin o = in.ctx.Origin(r.span);
  const std::string k = Key(r);
  const naming::Name cluster_name =
      naming::StoreName(r.type, org.name, in.tenant.name, r.name, in.env.account);
  const std::string id = cluster_name.value;

  tf::Ref group = u.Resource(
      "aws_docdb_subnet_group", k,
      {{"name", id},
       {"description", fmt::format("data subnets of tenant {} for {}", in.tenant.name, r.name)},
       {"subnet_ids", in.subnets},
       {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
      o);
  tf::Ref params = u.Resource(
      "aws_docdb_cluster_parameter_group", k,
      {{"name", id},
       {"family", "docdb" + Leading(r.version, 2)},
       {"description", fmt::format("{}: TLS only, audit and profiler logs", id)},
       {"parameter",
        ParameterList({{"tls", "enabled"}, {"audit_logs", "enabled"}, {"profiler", "enabled"}})},
       {"tags", {{"Name", id}, {tags::kTenant, in.tenant.name}}}},
      o);
  const Json logs = ClusterLogGroups(in, u, r, kLogExports, fmt::format("/aws/docdb/{}", id), o);
  Json body = {
      {"cluster_identifier", id},
      {"engine", "docdb"},
      // DocumentDB never upgrades the engine version by itself (the instances'
      // auto_minor_version_upgrade "does not apply to Amazon DocumentDB", API reference):
      // `version` stays what runs, and changing it is how an upgrade is asked for
      // (docs/DataStores.md, "Engine versions").
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
      {"enabled_cloudwatch_logs_exports", kLogExports},
      {"tags", StoreTags(id, backup::SnapshotPlan(org.name, in.env.name), in.tenant.name)},
      {"depends_on", logs}};
  ClusterProtection(in, id, body);
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

DataAccess DocDbAccess(const Context& ctx, const model::Environment& env,
                       const model::Tenant& /*tenant*/, const model::Resource& r) {
  DataAccess out;
  const std::string c = "aws_docdb_cluster." + Key(r);
  Var(out, r, "HOST", "${" + c + ".endpoint}");
  Var(out, r, "READER_HOST", "${" + c + ".reader_endpoint}");
  Var(out, r, "PORT", "${" + c + ".port}");
  // DocumentDB encrypts the secret with aws/secretsmanager.
  MasterSecret(out, ctx, env, r, "aws_docdb_cluster", false);
  return out;
}

}  // namespace eurus::synth::store
