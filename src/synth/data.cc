// The data part of a tenant unit: one data store per resource of the tenant, each in the
// tenant's data subnets of every AZ and behind its data security group (tenant_network.cc,
// which admits only the tenant's app tasks on each kind's ports), encrypted with the
// environment's key (read from <env>/platform), and tagged for the environment's backups.
// Each kind is emitted by a file of its own (store.h):
//
//   postgres/mysql → Aurora Serverless v2: a cluster, a writer and a reader in another AZ
//                    (store_aurora.cc)
//   redis          → ElastiCache Serverless (Valkey): spread over every AZ by the service
//                    (store_cache.cc)
//   documentdb     → a DocumentDB cluster with `instances` instances over the AZs
//                    (store_docdb.cc)
//   s3             → a private, TLS-only bucket that only the tenant's apps using it may read
//                    (store_bucket.cc)
//
// Where the environment is protected (model::Environment::protection) every store has
// deletion protection where the service has it and `lifecycle.prevent_destroy`.
// AccessTo() tells the workloads what an app that `uses` a store needs. Everything here is
// a function of the org, the environment and this tenant only (synth.h, TenantFingerprint).
// See docs/DataStores.md and docs/DisasterRecovery.md.

#include <fmt/format.h>

#include <cctype>

#include "synth/contract.h"
#include "synth/store.h"
#include "synth/synth.h"

namespace eurus::synth {

namespace store {

std::string Key(const model::Resource& r) { return BlockKey(r.name); }

std::string Leading(const std::string& version, int parts) {
  size_t end = 0;
  for (int i = 0; i < parts; ++i) {
    end = version.find('.', i == 0 ? 0 : end + 1);
    if (end == std::string::npos) return version;
  }
  return version.substr(0, end);
}

Json ParameterList(const std::vector<std::pair<const char*, const char*>>& params) {
  Json out = Json::array();
  // pending-reboot is accepted for static and dynamic parameters alike; a new cluster starts
  // with its group's values either way.
  for (const auto& [name, value] : params)
    out.push_back({{"name", name}, {"value", value}, {"apply_method", "pending-reboot"}});
  return out;
}

Json StoreTags(const std::string& name, const std::string& backup, const std::string& tenant) {
  return {{"Name", name}, {tags::kTenant, tenant}, {tags::kBackup, backup}};
}

Json Lifecycle(bool protect, Json restore_arguments) {
  Json l = {{"ignore_changes", std::move(restore_arguments)}};
  if (protect) l["prevent_destroy"] = true;
  return l;
}

void ClusterProtection(const Inputs& in, const std::string& id, Json& body) {
  body["deletion_protection"] = in.protect;
  body["skip_final_snapshot"] = !in.retain;
  if (in.retain) body["final_snapshot_identifier"] = id + "-final";
  body["lifecycle"] = Lifecycle(in.protect, {"snapshot_identifier", "restore_to_point_in_time"});
}

Json ClusterLogGroups(const Inputs& in, tf::Unit& u, const model::Resource& r,
                      const std::vector<std::string>& exports, const std::string& path,
                      const tf::Origin& o) {
  Json refs = Json::array();
  for (const std::string& log : exports) {
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

Json KeyThrough(const Context& ctx, const model::Environment& env, const std::string& sid,
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

void Var(DataAccess& out, const model::Resource& r, const char* what, std::string value) {
  out.environment.emplace_back(DataVariable(r.name, what), std::move(value));
}

void MasterSecret(DataAccess& out, const Context& ctx, const model::Environment& env,
                  const model::Resource& r, const std::string& type, bool env_key) {
  const std::string arn = "${" + type + "." + Key(r) + ".master_user_secret[0].secret_arn}";
  out.statements.push_back(
      {{"Sid", "ReadSecretOf" + Pascal(r.name)},
       {"Effect", "Allow"},
       {"Action", {"secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"}},
       {"Resource", arn}});
  if (env_key)
    out.statements.push_back(
        KeyThrough(ctx, env, "DecryptSecretOf" + Pascal(r.name), "secretsmanager", "kms:Decrypt"));
  Var(out, r, "SECRET_ARN", arn);
}

}  // namespace store

std::string DataVariable(const std::string& resource, const std::string& what) {
  std::string out;
  for (char c : resource)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out + "_" + what;
}

// The two switches below are the only places that dispatch on the kind; they have no
// `default:`, so -Wswitch (an error in CI) names a kind added without its synth file.

void AddTenantData(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                   const model::Deployment& dep, const tf::Unit& /*network*/,
                   const tf::Unit& platform, tf::Unit& unit) {
  if (dep.resources.empty()) return;
  const std::string& t = tenant.name;
  tf::Ref pf = unit.RemoteState(platform, ctx.BackendFor(env.account, kPlatformUnit));
  store::Inputs in{ctx,
                   env,
                   tenant,
                   dep,
                   pf.Output(platform_out::kKmsKeyArn),
                   tf::Json::array(),
                   "",
                   env.protection,
                   env.retain,
                   backup::RetentionDays(env.realm)};
  // The data subnets and group of the tenant's network (tenant_network.cc).
  for (const std::string& az : env.network.azs)
    in.subnets.push_back(unit.Existing("aws_subnet", t + "_data_" + BlockKey(az))["id"]);
  in.sg = unit.Existing("aws_security_group", t + "_data")["id"];

  for (const model::Resource& r : dep.resources) {
    switch (r.type) {
      case catalog::StoreKind::kPostgres:
      case catalog::StoreKind::kMysql:
        store::AddAurora(in, unit, r);
        break;
      case catalog::StoreKind::kRedis:
        store::AddCache(in, unit, r);
        break;
      case catalog::StoreKind::kDocumentDb:
        store::AddDocDb(in, unit, r);
        break;
      case catalog::StoreKind::kS3:
        store::AddBucket(in, unit, r);
        break;
    }
  }
}

DataAccess AccessTo(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                    const model::Resource& r) {
  switch (r.type) {
    case catalog::StoreKind::kPostgres:
    case catalog::StoreKind::kMysql:
      return store::AuroraAccess(ctx, env, tenant, r);
    case catalog::StoreKind::kRedis:
      return store::CacheAccess(ctx, env, tenant, r);
    case catalog::StoreKind::kDocumentDb:
      return store::DocDbAccess(ctx, env, tenant, r);
    case catalog::StoreKind::kS3:
      return store::BucketAccess(ctx, env, tenant, r);
  }
  return {};
}

}  // namespace eurus::synth
