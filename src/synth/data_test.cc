#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "check/policy.h"
#include "diag/codes.h"
#include "diag/render.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Example;
using testing::Json;
using testing::Matches;
using testing::OutputValue;
using testing::Resource;
using testing::ResourceCount;
using testing::Resources;
using testing::ResourcesByName;

constexpr char kKey[] = "${data.terraform_remote_state.platform.outputs.kms_key_arn}";

/// The base org (testing::BaseOrg): dev (nonprod, two AZs, unprotected), prod (three AZs, protected, RPO
/// 6 h). Tenant shop has every kind of data store and two apps (web uses orders, cache and
/// uploads; worker uses orders); blog has a MySQL database and no apps; quiet has no
/// resources. Tests edit the YAML, then synthesize.
struct DataTest : testing::SynthFixture {

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/dev.yaml"] += "logs: { retention_days: 14 }\n";
    fs.files["environments/prod.yaml"] += "dr: { rpo_hours: 6, rto_hours: 4 }\n";
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n"
        "    port: 8080\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    replicas: { min: 2, max: 2 }\n"
        "    uses: [orders, cache, uploads]\n"
        "  worker:\n"
        "    image: shop/worker\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    replicas: { min: 2, max: 2 }\n"
        "    uses: [orders]\n"
        "resources:\n"
        "  orders: { type: postgres, version: \"16.6\", min_acu: 0.5, max_acu: 4 }\n"
        "  cache: { type: redis }\n"
        "  catalog-db: { type: documentdb, instances: 3, instance_class: db.r6g.large }\n"
        "  uploads: { type: s3, versioning: true, expire_days: 30 }\n"
        "  scratch: { type: s3, versioning: false }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev]\n"
        "resources:\n"
        "  posts: { type: mysql, version: \"8.0.mysql_aurora.3.08.0\", min_acu: 0, max_acu: 2 }\n";
    fs.files["tenants/quiet.yaml"] = "environments: [dev]\n";
  }



  const model::Resource& R(const std::string& env, const std::string& tenant,
                           const std::string& name) const {
    for (const auto& t : org->tenants)
      for (const auto& d : t.deployments)
        if (t.name == tenant && d.env == env)
          for (const auto& r : d.resources)
            if (r.name == name) return r;
    throw std::out_of_range("no resource " + name);
  }
};

// Given a postgres resource, we should get an Aurora Serverless v2 cluster in the tenant's
// data subnets of every AZ and its data group, encrypted with the environment key, its
// password managed in Secrets Manager, IAM authentication, backups, logs and TLS.
TEST_F(DataTest, AuroraCluster) {
  Synth();
  const tf::Unit& u = U("dev/tenant-shop");
  Json c = Resource(u, "aws_rds_cluster", "orders");
  ASSERT_FALSE(c.is_null());
  EXPECT_TRUE(Matches(Json::parse(R"({
      "cluster_identifier":"acme-shop-orders","engine":"aurora-postgresql","engine_mode":"provisioned",
      "engine_version":"16.6","database_name":"orders","master_username":"eurusadmin",
      "manage_master_user_password":true,"storage_encrypted":true,
      "iam_database_authentication_enabled":true,"copy_tags_to_snapshot":true,
      "db_subnet_group_name":"${aws_db_subnet_group.orders.name}",
      "db_cluster_parameter_group_name":"${aws_rds_cluster_parameter_group.orders.name}",
      "vpc_security_group_ids":["${aws_security_group.shop_data.id}"],
      "serverlessv2_scaling_configuration":[{"min_capacity":0.5,"max_capacity":4.0}],
      "backup_retention_period":7,"preferred_backup_window":"02:00-03:00",
      "enabled_cloudwatch_logs_exports":["postgresql"]})"),
                      c))
      << c.dump();
  EXPECT_EQ(c["kms_key_id"], kKey);
  EXPECT_EQ(c["master_user_secret_kms_key_id"], kKey);
  EXPECT_EQ(c["tags"][tags::kBackup], "acme-dev");
  EXPECT_EQ(
      Resource(u, "aws_db_subnet_group", "orders")["subnet_ids"],
      Json::parse(
          R"(["${aws_subnet.shop_data_eu_west_1a.id}","${aws_subnet.shop_data_eu_west_1b.id}"])"));
  Json params = Resource(u, "aws_rds_cluster_parameter_group", "orders");
  EXPECT_EQ(params["family"], "aurora-postgresql16");
  EXPECT_TRUE(Matches(
      Json::parse(R"([{"name":"rds.force_ssl","value":"1"},{"name":"log_statement","value":"ddl"},
          {"name":"log_min_duration_statement","value":"2000"}])"),
      params["parameter"]));
  // The log group exists first, encrypted, with the environment's retention.
  Json logs = Resource(u, "aws_cloudwatch_log_group", "db-orders-postgresql");
  EXPECT_EQ(logs["name"], "/aws/rds/cluster/acme-shop-orders/postgresql");
  EXPECT_EQ(logs["retention_in_days"], 14);
  EXPECT_EQ(logs["kms_key_id"], kKey);
  EXPECT_EQ(c["depends_on"], Json::array({"aws_cloudwatch_log_group.db-orders-postgresql"}));
  // The store reads the environment key from the platform unit.
  EXPECT_TRUE(u.dependencies.count("dev/platform"));
  EXPECT_TRUE(u.data()["terraform_remote_state"].contains("platform"));
}

// Given Aurora clusters, whose minor version AWS upgrades by itself in the maintenance
// window, engine_version should be ignored after creation: a configured 16.6 under a running
// 16.8 would otherwise plan a downgrade, which RDS refuses, on every later apply. DocumentDB,
// which never upgrades by itself, follows `version`; the cache names only its major.
TEST_F(DataTest, EngineVersionsThatCannotDrift) {
  Synth();
  for (const auto& [unit, name] : {std::pair{"dev/tenant-shop", "orders"},
                                   std::pair{"dev/tenant-blog", "posts"},
                                   std::pair{"prod/tenant-shop", "orders"}}) {
    SCOPED_TRACE(std::string(unit) + " " + name);
    Json c = Resource(U(unit), "aws_rds_cluster", name);
    const Json& ignored = c["lifecycle"]["ignore_changes"];
    EXPECT_NE(std::find(ignored.begin(), ignored.end(), "engine_version"), ignored.end())
        << ignored.dump();
    // The restore arguments stay ignored too.
    EXPECT_NE(std::find(ignored.begin(), ignored.end(), "snapshot_identifier"), ignored.end());
    for (const auto& [iname, instance] : ResourcesByName(U(unit), "aws_rds_cluster_instance"))
      EXPECT_EQ(instance["auto_minor_version_upgrade"], true) << iname;
  }
  EXPECT_EQ(Resource(U("dev/tenant-blog"), "aws_rds_cluster", "posts")["engine_version"],
            "8.0.mysql_aurora.3.08.0");
  Json docdb = Resource(U("dev/tenant-shop"), "aws_docdb_cluster", "catalog_db");
  EXPECT_EQ(docdb["engine_version"], "5.0.0");
  const Json& docdb_ignored = docdb["lifecycle"]["ignore_changes"];
  EXPECT_EQ(std::find(docdb_ignored.begin(), docdb_ignored.end(), "engine_version"),
            docdb_ignored.end());
  Json cache = Resource(U("dev/tenant-shop"), "aws_elasticache_serverless_cache", "cache");
  EXPECT_EQ(cache["major_engine_version"], "8");
  EXPECT_FALSE(cache.contains("full_engine_version"));
  EXPECT_FALSE(cache.contains("engine_version"));
}

// Given an environment that is not highly available (nonprod's default, `ha: false`), an
// Aurora cluster should run a writer only, in the first AZ; prod keeps its reader.
TEST_F(DataTest, AuroraWriterOnlyWithoutHa) {
  Synth();
  auto dev = ResourcesByName(U("dev/tenant-shop"), "aws_rds_cluster_instance");
  ASSERT_EQ(dev.size(), 1u);
  EXPECT_EQ(dev.at("orders_1")["availability_zone"], "eu-west-1a");
  EXPECT_EQ(dev.at("orders_1")["promotion_tier"], 0);
  EXPECT_EQ(ResourceCount(U("prod/tenant-shop"), "aws_rds_cluster_instance"), 2);
  // DocumentDB keeps the instances the tenant asks for.
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_docdb_cluster_instance"), 3);
}

// Given a cluster, its writer and reader should be db.serverless in two different AZs, at
// promotion tiers 0 and 1, private, with Performance Insights encrypted by the key.
TEST_F(DataTest, AuroraWriterAndReaderInDifferentAzs) {
  fs.files["environments/dev.yaml"] += "ha: true\n";
  Synth();
  for (const char* env : {"dev", "prod"}) {
    const tf::Unit& u = U(std::string(env) + "/tenant-shop");
    auto instances = ResourcesByName(u, "aws_rds_cluster_instance");
    ASSERT_EQ(instances.size(), 2u) << env;
    Json w = instances.at("orders_1"), r = instances.at("orders_2");
    EXPECT_EQ(w["identifier"], "acme-shop-orders-1");
    EXPECT_EQ(r["identifier"], "acme-shop-orders-2");
    EXPECT_NE(w["availability_zone"], r["availability_zone"]) << env;
    EXPECT_EQ(w["promotion_tier"], 0);
    EXPECT_EQ(r["promotion_tier"], 1);
    for (const Json& i : {w, r}) {
      EXPECT_TRUE(Matches(Json::parse(R"({"cluster_identifier":"${aws_rds_cluster.orders.id}",
          "engine":"${aws_rds_cluster.orders.engine}","instance_class":"db.serverless",
          "publicly_accessible":false,"auto_minor_version_upgrade":true,
          "performance_insights_enabled":true})"),
                          i))
          << i.dump();
      EXPECT_EQ(i["performance_insights_kms_key_id"], kKey);
      EXPECT_EQ(i["monitoring_interval"], 60);
      EXPECT_EQ(i["monitoring_role_arn"],
                std::string("arn:aws:iam::") +
                    (std::string(env) == "dev" ? "444444444444" : "555555555555") +
                    ":role/acme-rds-monitoring");
    }
  }
}

// Given the environment's protection, clusters should have deletion protection, a final
// snapshot and prevent_destroy in prod, and neither in unprotected dev; both ignore the
// restore arguments after creation.
TEST_F(DataTest, ProtectionFollowsTheEnvironment) {
  Synth();
  Json dev = Resource(U("dev/tenant-shop"), "aws_rds_cluster", "orders");
  EXPECT_EQ(dev["deletion_protection"], false);
  EXPECT_EQ(dev["skip_final_snapshot"], true);
  EXPECT_FALSE(dev.contains("final_snapshot_identifier"));
  EXPECT_FALSE(dev["lifecycle"].contains("prevent_destroy"));
  Json prod = Resource(U("prod/tenant-shop"), "aws_rds_cluster", "orders");
  EXPECT_EQ(prod["deletion_protection"], true);
  EXPECT_EQ(prod["skip_final_snapshot"], false);
  EXPECT_EQ(prod["final_snapshot_identifier"], "acme-shop-orders-final");
  EXPECT_EQ(prod["backup_retention_period"], 35);
  EXPECT_EQ(prod["lifecycle"], Json::parse(R"({"prevent_destroy":true,
      "ignore_changes":["snapshot_identifier","restore_to_point_in_time","engine_version"]})"));
  const tf::Unit& p = U("prod/tenant-shop");
  EXPECT_EQ(Resource(p, "aws_docdb_cluster", "catalog_db")["deletion_protection"], true);
  EXPECT_EQ(Resource(p, "aws_docdb_cluster", "catalog_db")["lifecycle"]["prevent_destroy"], true);
  EXPECT_EQ(
      Resource(p, "aws_elasticache_serverless_cache", "cache")["lifecycle"]["prevent_destroy"],
      true);
  EXPECT_EQ(Resource(p, "aws_s3_bucket", "uploads")["lifecycle"]["prevent_destroy"], true);
  EXPECT_FALSE(Resource(p, "aws_s3_bucket", "uploads").contains("force_destroy"));
  EXPECT_EQ(Resource(U("dev/tenant-shop"), "aws_s3_bucket", "uploads")["force_destroy"], true);
  // `protection: true` in a nonprod environment protects as well.
  fs.files["environments/dev.yaml"] += "protection: true\n";
  Synth();
  EXPECT_EQ(Resource(U("dev/tenant-shop"), "aws_rds_cluster", "orders")["deletion_protection"],
            true);
}

// Given `protection: false` in a prod environment, we should warn (W0003) and emit its
// stores unprotected, as the warning says: the model resolves protection once and synth and
// the policy read it there (issue 12: they used to recompute `prod || protection`).
TEST_F(DataTest, ProdProtectionFalseTurnsProtectionOff) {
  fs.files["environments/prod.yaml"] += "protection: false\n";
  Synth();
  EXPECT_FALSE(org->environment("prod")->protection);
  bool warned = false;
  for (const auto& d : diags.items()) warned |= d.code == codes::kWarnNoProtection;
  EXPECT_TRUE(warned);
  const tf::Unit& p = U("prod/tenant-shop");
  Json orders = Resource(p, "aws_rds_cluster", "orders");
  EXPECT_EQ(orders["deletion_protection"], false);
  EXPECT_FALSE(orders["lifecycle"].contains("prevent_destroy"));
  EXPECT_EQ(Resource(p, "aws_docdb_cluster", "catalog_db")["deletion_protection"], false);
  EXPECT_FALSE(Resource(p, "aws_s3_bucket", "uploads")["lifecycle"].contains("prevent_destroy"));
  // Deletable, but never without a trace in prod: final snapshots, no emptied buckets or
  // vault, the key that decrypts the snapshots and the zone kept (model::Environment::retain).
  EXPECT_TRUE(org->environment("prod")->retain);
  EXPECT_EQ(orders["skip_final_snapshot"], false);
  EXPECT_EQ(orders["final_snapshot_identifier"], "acme-shop-orders-final");
  EXPECT_EQ(Resource(p, "aws_docdb_cluster", "catalog_db")["skip_final_snapshot"], false);
  EXPECT_FALSE(Resource(p, "aws_s3_bucket", "uploads").contains("force_destroy"));
  const tf::Unit& platform = U("prod/platform");
  EXPECT_FALSE(Resource(platform, "aws_backup_vault", "main").contains("force_destroy"));
  EXPECT_FALSE(Resource(platform, "aws_backup_vault", "main")["lifecycle"].contains("prevent_destroy"));
  EXPECT_EQ(Resource(platform, "aws_kms_key", "platform")["lifecycle"]["prevent_destroy"], true);
  // The policy asks for what the model resolved: the unprotected prod stores pass E0809.
  check::PolicyContext policy = check::ContextFromOrg(*org);
  EXPECT_FALSE(policy.accounts.at("555555555555").deletion_protection.value_or(true));
}

// Given a mysql resource that scales to zero, we should get aurora-mysql with TLS required,
// the audit, error and slow query logs switched on and exported, and min capacity 0.
TEST_F(DataTest, AuroraMysql) {
  Synth();
  const tf::Unit& u = U("dev/tenant-blog");
  Json c = Resource(u, "aws_rds_cluster", "posts");
  EXPECT_EQ(c["engine"], "aurora-mysql");
  EXPECT_EQ(c["engine_version"], "8.0.mysql_aurora.3.08.0");
  EXPECT_EQ(c["serverlessv2_scaling_configuration"][0]["min_capacity"], 0.0);
  EXPECT_EQ(c["enabled_cloudwatch_logs_exports"], Json::parse(R"(["audit","error","slowquery"])"));
  Json params = Resource(u, "aws_rds_cluster_parameter_group", "posts");
  EXPECT_EQ(params["family"], "aurora-mysql8.0");
  EXPECT_TRUE(Matches(Json::parse(R"([{"name":"require_secure_transport","value":"ON"},
      {"name":"server_audit_logging","value":"1"},{"name":"slow_query_log","value":"1"}])"),
                      params["parameter"]));
  for (const char* log : {"audit", "error", "slowquery"})
    EXPECT_EQ(Resource(u, "aws_cloudwatch_log_group", std::string("db-posts-") + log)["name"],
              std::string("/aws/rds/cluster/acme-blog-posts/") + log);
}

// Given a redis resource, we should get ElastiCache Serverless with Valkey 8 in the data
// subnets and group, KMS, daily snapshots, usage limits, declared rebuildable.
TEST_F(DataTest, ValkeyServerlessCache) {
  Synth();
  Json c = Resource(U("prod/tenant-shop"), "aws_elasticache_serverless_cache", "cache");
  EXPECT_TRUE(Matches(Json::parse(R"({"name":"acme-shop-cache","engine":"valkey",
      "major_engine_version":"8","security_group_ids":["${aws_security_group.shop_data.id}"],
      "daily_snapshot_time":"03:00","snapshot_retention_limit":35,
      "cache_usage_limits":[{"data_storage":[{"maximum":10,"unit":"GB"}],
                             "ecpu_per_second":[{"maximum":5000}]}]})"),
                      c))
      << c.dump();
  EXPECT_EQ(c["kms_key_id"], kKey);
  EXPECT_EQ(c["subnet_ids"].size(), 3u);
  EXPECT_EQ(c["tags"][tags::kBackup], backup::kRebuildable);
  EXPECT_EQ(c["lifecycle"]["ignore_changes"], Json::array({"snapshot_arns_to_restore"}));
  // The limits are configurable.
  fs.files["tenants/shop.yaml"] +=
      "overrides:\n  prod:\n    resources:\n"
      "      cache: { max_storage_gb: 50, max_ecpu_per_second: 20000 }\n";
  Synth();
  c = Resource(U("prod/tenant-shop"), "aws_elasticache_serverless_cache", "cache");
  EXPECT_EQ(c["cache_usage_limits"][0]["data_storage"][0]["maximum"], 50);
  EXPECT_EQ(c["cache_usage_limits"][0]["ecpu_per_second"][0]["maximum"], 20000);
}

// Given a documentdb resource with 3 instances in three AZs, we should get a cluster with
// TLS, audit and profiler logs, managed password, backups, and one instance per AZ in
// promotion order; Performance Insights only off burstable classes.
TEST_F(DataTest, DocumentDbInstancesOverTheAzs) {
  Synth();
  const tf::Unit& u = U("prod/tenant-shop");
  Json c = Resource(u, "aws_docdb_cluster", "catalog_db");
  EXPECT_TRUE(Matches(Json::parse(R"({"cluster_identifier":"acme-shop-catalog-db","engine":"docdb",
      "engine_version":"5.0.0","manage_master_user_password":true,"storage_encrypted":true,
      "db_subnet_group_name":"${aws_docdb_subnet_group.catalog_db.name}",
      "db_cluster_parameter_group_name":"${aws_docdb_cluster_parameter_group.catalog_db.name}",
      "vpc_security_group_ids":["${aws_security_group.shop_data.id}"],"backup_retention_period":35,
      "enabled_cloudwatch_logs_exports":["audit","profiler"],
      "final_snapshot_identifier":"acme-shop-catalog-db-final"})"),
                      c))
      << c.dump();
  EXPECT_EQ(c["kms_key_id"], kKey);
  EXPECT_EQ(c["tags"][tags::kBackup], "acme-prod");
  Json params = Resource(u, "aws_docdb_cluster_parameter_group", "catalog_db");
  EXPECT_EQ(params["family"], "docdb5.0");
  EXPECT_TRUE(Matches(
      Json::parse(R"([{"name":"tls","value":"enabled"},{"name":"audit_logs","value":"enabled"}])"),
      params["parameter"]));
  auto instances = ResourcesByName(u, "aws_docdb_cluster_instance");
  ASSERT_EQ(instances.size(), 3u);
  std::set<std::string> azs;
  for (int n = 1; n <= 3; ++n) {
    Json i = instances.at("catalog_db_" + std::to_string(n));
    EXPECT_EQ(i["identifier"], "acme-shop-catalog-db-" + std::to_string(n));
    EXPECT_EQ(i["promotion_tier"], n - 1);
    EXPECT_EQ(i["instance_class"], "db.r6g.large");
    EXPECT_EQ(i["enable_performance_insights"], true);
    azs.insert(i["availability_zone"]);
  }
  EXPECT_EQ(azs.size(), 3u);
  // dev defaults to one burstable instance, without Performance Insights.
  fs.files["tenants/shop.yaml"] +=
      "overrides:\n  dev:\n    resources:\n"
      "      catalog-db: { instances: 1, instance_class: db.t4g.medium }\n";
  Synth();
  auto dev = ResourcesByName(U("dev/tenant-shop"), "aws_docdb_cluster_instance");
  ASSERT_EQ(dev.size(), 1u);
  EXPECT_FALSE(dev.begin()->second.contains("enable_performance_insights"));
}

// Given an s3 resource, the bucket should carry the account id, be KMS-encrypted with a
// bucket key, private, TLS-only, versioned as configured, access-logged, expire objects, and
// let only the task roles of the apps using it (plus the deployer and AWS Backup) at its data.
TEST_F(DataTest, BucketPrivateEncryptedOnlyItsApps) {
  Synth();
  const tf::Unit& u = U("dev/tenant-shop");
  EXPECT_EQ(Resource(u, "aws_s3_bucket", "uploads")["bucket"], "acme-shop-uploads-444444444444");
  EXPECT_EQ(Resource(u, "aws_s3_bucket", "uploads")["tags"][tags::kBackup], "acme-dev-continuous");
  EXPECT_TRUE(HasResource(u, "aws_s3_bucket_server_side_encryption_configuration", R"({
      "bucket":"${aws_s3_bucket.uploads.id}","rule":[{"apply_server_side_encryption_by_default":
      {"sse_algorithm":"aws:kms","kms_master_key_id":"${data.terraform_remote_state.platform.outputs.kms_key_arn}"},
      "bucket_key_enabled":true}]})"));
  EXPECT_EQ(Resource(u, "aws_s3_bucket_public_access_block", "uploads"),
            Json::parse(R"({"bucket":"${aws_s3_bucket.uploads.id}","block_public_acls":true,
      "block_public_policy":true,"ignore_public_acls":true,"restrict_public_buckets":true,
      "//":"tenants/shop.yaml:20"})"));
  EXPECT_EQ(Resource(u, "aws_s3_bucket_ownership_controls", "uploads")["rule"]["object_ownership"],
            "BucketOwnerEnforced");
  EXPECT_EQ(
      Resource(u, "aws_s3_bucket_versioning", "uploads")["versioning_configuration"]["status"],
      "Enabled");
  EXPECT_EQ(Resource(u, "aws_s3_bucket_logging", "uploads")["target_bucket"],
            "acme-dev-access-logs-444444444444");
  Json rules = Resource(u, "aws_s3_bucket_lifecycle_configuration", "uploads")["rule"];
  EXPECT_TRUE(Matches(
      Json::parse(
          R"([{"id":"clean-up","abort_incomplete_multipart_upload":[{"days_after_initiation":7}],
      "noncurrent_version_expiration":[{"noncurrent_days":30}]},{"id":"expire-objects","expiration":[{"days":30}]}])"),
      rules));

  Json policy =
      Json::parse(Resource(u, "aws_s3_bucket_policy", "uploads")["policy"].get<std::string>());
  Json only;
  for (const Json& s : policy["Statement"])
    if (s["Sid"] == "OnlyTheTenantsAppsReadAndWrite") only = s;
  ASSERT_FALSE(only.is_null()) << policy.dump();
  EXPECT_EQ(only["Effect"], "Deny");
  EXPECT_EQ(only["Principal"], "*");
  EXPECT_EQ(only["Resource"], Json::parse(R"(["arn:aws:s3:::acme-shop-uploads-444444444444",
      "arn:aws:s3:::acme-shop-uploads-444444444444/*"])"));
  // web uses uploads; worker does not.
  EXPECT_EQ(only["Condition"]["ArnNotLike"]["aws:PrincipalArn"],
            Json::parse(R"(["arn:aws:iam::444444444444:role/acme-shop-web-task",
      "arn:aws:iam::444444444444:role/acme-deployer","arn:aws:iam::444444444444:role/acme-backup"])"));
  for (const Json& s : policy["Statement"]) EXPECT_EQ(s["Effect"], "Deny") << s.dump();
  EXPECT_TRUE(Matches(
      Json::parse(
          R"([{"Sid":"DenyInsecureTransport","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
      {"Sid":"DenyOutdatedTls","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}])"),
      policy["Statement"]));

  // Without versioning: no backup is possible; declared rebuildable, versioning suspended,
  // no version clean-up.
  EXPECT_EQ(Resource(u, "aws_s3_bucket", "scratch")["tags"][tags::kBackup], backup::kRebuildable);
  EXPECT_EQ(
      Resource(u, "aws_s3_bucket_versioning", "scratch")["versioning_configuration"]["status"],
      "Suspended");
  Json scratch = Resource(u, "aws_s3_bucket_lifecycle_configuration", "scratch")["rule"];
  ASSERT_EQ(scratch.size(), 1u);
  EXPECT_FALSE(scratch[0].contains("noncurrent_version_expiration"));
}

// Given `restore_from`, a cluster should be created from the snapshot or the point in time,
// and a cache from its snapshot.
TEST_F(DataTest, RestoreFrom) {
  fs.files["tenants/shop.yaml"] +=
      "overrides:\n  prod:\n    resources:\n"
      "      orders: { restore_from: { point_in_time: \"2026-11-26T10:00:00Z\", source: "
      "acme-shop-orders-old } }\n"
      "      catalog-db: { restore_from: { snapshot: \"awsbackup:job-1234\" } }\n"
      "      cache: { restore_from: { snapshot: \"arn:aws:elasticache:eu-west-1:555555555555:"
      "serverlesscachesnapshot:acme-shop-cache-final\" } }\n";
  Synth();
  const tf::Unit& p = U("prod/tenant-shop");
  EXPECT_EQ(Resource(p, "aws_rds_cluster", "orders")["restore_to_point_in_time"],
            Json::parse(
                R"([{"source_cluster_identifier":"acme-shop-orders-old","restore_type":"full-copy",
      "restore_to_time":"2026-11-26T10:00:00Z"}])"));
  EXPECT_FALSE(Resource(p, "aws_rds_cluster", "orders").contains("snapshot_identifier"));
  EXPECT_EQ(Resource(p, "aws_docdb_cluster", "catalog_db")["snapshot_identifier"],
            "awsbackup:job-1234");
  EXPECT_EQ(Resource(p, "aws_elasticache_serverless_cache", "cache")["snapshot_arns_to_restore"],
            Json::array({"arn:aws:elasticache:eu-west-1:555555555555:serverlesscachesnapshot:acme-"
                         "shop-cache-final"}));
  // Only where the override says so.
  const tf::Unit& d = U("dev/tenant-shop");
  EXPECT_FALSE(Resource(d, "aws_rds_cluster", "orders").contains("restore_to_point_in_time"));
  // "latest" restores the latest restorable time.
  fs.files["tenants/shop.yaml"] = std::regex_replace(
      fs.files["tenants/shop.yaml"], std::regex("\"2026-11-26T10:00:00Z\""), "latest");
  Synth();
  EXPECT_EQ(Resource(U("prod/tenant-shop"), "aws_rds_cluster",
                     "orders")["restore_to_point_in_time"][0]["use_latest_restorable_time"],
            true);
}

// Given a tenant without resources, its unit should hold no data store and not read the
// platform for them; a tenant's unit never names another tenant.
TEST_F(DataTest, OnlyTheTenantsOwnStores) {
  Synth();
  const tf::Unit& quiet = U("dev/tenant-quiet");
  for (const char* type : {"aws_rds_cluster", "aws_s3_bucket", "aws_docdb_cluster",
                           "aws_elasticache_serverless_cache"})
    EXPECT_EQ(ResourceCount(quiet, type), 0) << type;
  EXPECT_FALSE(quiet.data().contains("terraform_remote_state") &&
               quiet.data()["terraform_remote_state"].contains("platform"));
  const std::string blog = U("dev/tenant-blog").MainJson();
  EXPECT_EQ(blog.find("shop"), std::string::npos);
  EXPECT_EQ(ResourceCount(U("dev/tenant-blog"), "aws_rds_cluster"), 1);
}

/// Every "${type.name.…}" of `s` names a resource `unit` declares.
void ExpectReferencesResolve(const tf::Unit& unit, const std::string& s) {
  static const std::regex ref(R"(\$\{(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)\.)");
  for (std::sregex_iterator it(s.begin(), s.end(), ref), end; it != end; ++it)
    EXPECT_TRUE(unit.Has((*it)[1], (*it)[2])) << (*it)[0] << " in " << unit.id();
}

// Given each store type, AccessTo should give an app's task role exactly what it needs,
// scoped by ARN, and connection settings whose references resolve in the tenant unit.
TEST_F(DataTest, AccessToEachStore) {
  Synth();
  const model::Environment& env = *org->environment("dev");
  const model::Tenant* shop = nullptr;
  for (const auto& t : org->tenants)
    if (t.name == "shop") shop = &t;
  const tf::Unit& u = U("dev/tenant-shop");
  auto names = [](const DataAccess& a) {
    std::vector<std::string> out;
    for (const auto& [k, v] : a.environment) out.push_back(k);
    return out;
  };

  DataAccess pg = AccessTo(*ctx, env, *shop, R("dev", "shop", "orders"));
  EXPECT_EQ(names(pg), (std::vector<std::string>{"ORDERS_HOST", "ORDERS_READER_HOST", "ORDERS_PORT",
                                                 "ORDERS_DATABASE", "ORDERS_SECRET_ARN"}));
  EXPECT_EQ(pg.environment[0].second, "${aws_rds_cluster.orders.endpoint}");
  EXPECT_EQ(pg.environment[3].second, "orders");
  EXPECT_EQ(pg.environment[4].second, "${aws_rds_cluster.orders.master_user_secret[0].secret_arn}");
  ASSERT_EQ(pg.statements.size(), 2u);
  EXPECT_EQ(pg.statements[0], Json::parse(R"({"Sid":"ReadSecretOfOrders","Effect":"Allow",
      "Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"],
      "Resource":"${aws_rds_cluster.orders.master_user_secret[0].secret_arn}"})"));
  EXPECT_EQ(pg.statements[1], Json::parse(R"({"Sid":"DecryptSecretOfOrders","Effect":"Allow",
      "Action":"kms:Decrypt","Resource":"arn:aws:kms:eu-west-1:444444444444:key/*",
      "Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"},
                   "ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/acme-dev"}}})"));
  EXPECT_TRUE(pg.secrets.empty());

  DataAccess docdb = AccessTo(*ctx, env, *shop, R("dev", "shop", "catalog-db"));
  EXPECT_EQ(names(docdb), (std::vector<std::string>{"CATALOG_DB_HOST", "CATALOG_DB_READER_HOST",
                                                    "CATALOG_DB_PORT", "CATALOG_DB_SECRET_ARN"}));
  ASSERT_EQ(docdb.statements.size(), 1u);  // its secret uses the AWS managed key
  EXPECT_EQ(docdb.statements[0]["Resource"],
            "${aws_docdb_cluster.catalog_db.master_user_secret[0].secret_arn}");

  DataAccess cache = AccessTo(*ctx, env, *shop, R("dev", "shop", "cache"));
  EXPECT_EQ(names(cache), (std::vector<std::string>{"CACHE_HOST", "CACHE_PORT", "CACHE_READER_HOST",
                                                    "CACHE_READER_PORT", "CACHE_TLS"}));
  EXPECT_TRUE(
      cache.statements.empty());  // network access only: the data group admits the app group
  EXPECT_EQ(cache.environment[0].second,
            "${aws_elasticache_serverless_cache.cache.endpoint[0].address}");

  DataAccess s3 = AccessTo(*ctx, env, *shop, R("dev", "shop", "uploads"));
  EXPECT_EQ(s3.environment, (std::vector<std::pair<std::string, std::string>>{
                                {"UPLOADS_BUCKET", "acme-shop-uploads-444444444444"}}));
  ASSERT_EQ(s3.statements.size(), 3u);
  EXPECT_EQ(s3.statements[0]["Resource"], "arn:aws:s3:::acme-shop-uploads-444444444444");
  EXPECT_EQ(s3.statements[1]["Resource"], "arn:aws:s3:::acme-shop-uploads-444444444444/*");
  EXPECT_EQ(s3.statements[1]["Action"], Json::parse(R"(["s3:AbortMultipartUpload","s3:DeleteObject",
      "s3:GetObject","s3:ListMultipartUploadParts","s3:PutObject"])"));
  EXPECT_EQ(s3.statements[2]["Condition"]["StringEquals"]["kms:ViaService"],
            "s3.eu-west-1.amazonaws.com");

  for (const DataAccess* a : {&pg, &docdb, &cache, &s3}) {
    for (const auto& [k, v] : a->environment) ExpectReferencesResolve(u, v);
    for (const Json& st : a->statements) {
      ExpectReferencesResolve(u, st.dump());
      EXPECT_EQ(st["Effect"], "Allow");
      EXPECT_NE(st["Resource"], "*") << st.dump();
      EXPECT_EQ(st["Action"].dump().find('*'), std::string::npos) << st.dump();
    }
  }
}

// Given environment variable names, they should be the resource in upper case with '_'.
TEST(DataVariableTest, UpperCaseWithUnderscores) {
  EXPECT_EQ(DataVariable("orders", "HOST"), "ORDERS_HOST");
  EXPECT_EQ(DataVariable("catalog-db", "SECRET_ARN"), "CATALOG_DB_SECRET_ARN");
}

// ---- backups ---------------------------------------------------------------------------------

// Given an environment, its platform unit should hold the vault (environment key), the role
// AWS Backup assumes (its managed policies), and two plans whose rules run every rpo_hours,
// copy to the realm's central vault and select the stores by their backup tag.
TEST_F(DataTest, PlatformBackupPlansMeetTheRpo) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  EXPECT_TRUE(HasResource(p, "aws_backup_vault",
                          R"({"name":"acme-prod","kms_key_arn":"${aws_kms_key.platform.arn}",
      "lifecycle":{"prevent_destroy":true}})"));
  EXPECT_EQ(Resource(U("dev/platform"), "aws_backup_vault", "main")["force_destroy"], true);
  Json role = Resource(p, "aws_iam_role", "backup");
  EXPECT_EQ(role["name"], "acme-backup");
  EXPECT_EQ(Json::parse(role["assume_role_policy"].get<std::string>())["Statement"][0]["Principal"],
            Json::parse(R"({"Service":"backup.amazonaws.com"})"));
  // Enhanced monitoring's role, which the Aurora instances name.
  Json monitoring = Resource(p, "aws_iam_role", "rds_monitoring");
  EXPECT_EQ(monitoring["name"], "acme-rds-monitoring");
  EXPECT_EQ(
      Json::parse(monitoring["assume_role_policy"].get<std::string>())["Statement"][0]["Principal"],
      Json::parse(R"({"Service":"monitoring.rds.amazonaws.com"})"));
  EXPECT_EQ(Resource(p, "aws_iam_role_policy_attachment", "rds_monitoring")["policy_arn"],
            "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
  std::set<std::string> attached;
  for (const auto& [name, a] : ResourcesByName(p, "aws_iam_role_policy_attachment"))
    if (name != "rds_monitoring") attached.insert(a["policy_arn"]);
  EXPECT_EQ(attached,
            (std::set<std::string>{
                "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
                "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
                "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
                "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"}));

  const Json copy = Json::parse(R"([{"destination_vault_arn":
      "arn:aws:backup:eu-west-1:333333333333:backup-vault:acme-central","lifecycle":{"delete_after":35}}])");
  Json snapshots = Resource(p, "aws_backup_plan", "snapshots");
  EXPECT_EQ(snapshots["name"], "acme-prod");
  ASSERT_EQ(snapshots["rule"].size(), 1u);
  EXPECT_TRUE(Matches(
      Json::parse(R"js({"rule_name":"every-6h","target_vault_name":"${aws_backup_vault.main.name}",
      "schedule":"cron(0 */6 * * ? *)","lifecycle":{"delete_after":35}})js"),
      snapshots["rule"][0]));
  EXPECT_EQ(snapshots["rule"][0]["copy_action"], copy);
  EXPECT_FALSE(snapshots["rule"][0].contains("enable_continuous_backup"));
  Json continuous = Resource(p, "aws_backup_plan", "continuous");
  EXPECT_EQ(continuous["name"], "acme-prod-continuous");
  EXPECT_EQ(continuous["rule"][0]["enable_continuous_backup"], true);
  EXPECT_EQ(continuous["rule"][0]["copy_action"], copy);
  for (const char* s : {"snapshots", "continuous"}) {
    Json sel = Resource(p, "aws_backup_selection", s);
    EXPECT_EQ(sel["plan_id"], std::string("${aws_backup_plan.") + s + ".id}");
    EXPECT_EQ(sel["iam_role_arn"], "${aws_iam_role.backup.arn}");
    EXPECT_EQ(sel["condition"][0]["string_equals"][0]["key"],
              std::string("aws:ResourceTag/") + tags::kBackup);
    EXPECT_EQ(sel["condition"][0]["string_equals"][0]["value"],
              Resource(p, "aws_backup_plan", s)["name"]);
  }
  // The stores carry exactly those values.
  EXPECT_EQ(Resource(U("prod/tenant-shop"), "aws_rds_cluster", "orders")["tags"][tags::kBackup],
            "acme-prod");
  EXPECT_EQ(Resource(U("prod/tenant-shop"), "aws_s3_bucket", "uploads")["tags"][tags::kBackup],
            "acme-prod-continuous");
  // Nonprod: a week, copied to the nonprod central vault, every 4 h by default.
  Json dev = Resource(U("dev/platform"), "aws_backup_plan", "snapshots")["rule"][0];
  EXPECT_EQ(dev["schedule"], "cron(0 */4 * * ? *)");
  EXPECT_EQ(dev["copy_action"][0]["destination_vault_arn"],
            "arn:aws:backup:eu-west-1:222222222222:backup-vault:acme-central");
  EXPECT_EQ(dev["copy_action"][0]["lifecycle"]["delete_after"], 7);
  // The platform unit is applied after its realm's central vault.
  EXPECT_TRUE(p.dependencies.count("common-prod/backup"));
}

// Given the environment key, the realm's common account may use it for the copies, and only
// it besides the environment's own account.
TEST_F(DataTest, EnvironmentKeyLetsTheCentralVaultCopy) {
  Synth();
  Json policy = Json::parse(
      Resource(U("prod/platform"), "aws_kms_key", "platform")["policy"].get<std::string>());
  std::set<std::string> principals;
  for (const Json& s : policy["Statement"])
    if (s["Principal"].contains("AWS")) principals.insert(s["Principal"]["AWS"].get<std::string>());
  EXPECT_EQ(principals, (std::set<std::string>{"arn:aws:iam::555555555555:root",
                                               "arn:aws:iam::333333333333:root"}));
  Json grants;
  for (const Json& s : policy["Statement"])
    if (s["Sid"] == "CentralBackupVaultGrants") grants = s;
  EXPECT_EQ(grants["Condition"], Json::parse(R"({"Bool":{"kms:GrantIsForAWSResource":true}})"));
}

// Given the realms, each common account should get the central vault with its own key, a
// policy letting exactly the realm's environment accounts copy in, and a vault lock in prod.
TEST_F(DataTest, CentralVaultPerRealm) {
  Synth();
  for (const char* realm : {"nonprod", "prod"}) {
    const tf::Unit& b = U(std::string("common-") + realm + "/backup");
    EXPECT_TRUE(HasResource(b, "aws_backup_vault",
                            R"({"name":"acme-central","kms_key_arn":"${aws_kms_key.backup.arn}",
        "lifecycle":{"prevent_destroy":true}})"));
    const std::string env_account = std::string(realm) == "prod" ? "555555555555" : "444444444444";
    Json policy =
        Json::parse(Resource(b, "aws_backup_vault_policy", "central")["policy"].get<std::string>());
    EXPECT_EQ(policy["Statement"][0]["Action"], "backup:CopyIntoBackupVault");
    EXPECT_EQ(policy["Statement"][0]["Principal"]["AWS"],
              Json::array({"arn:aws:iam::" + env_account + ":root"}));
    Json key = Json::parse(Resource(b, "aws_kms_key", "backup")["policy"].get<std::string>());
    bool env_uses = false;
    for (const Json& s : key["Statement"])
      if (s["Sid"] == "EnvironmentsEncryptCopies")
        env_uses = s["Principal"]["AWS"] == Json::array({"arn:aws:iam::" + env_account + ":root"});
    EXPECT_TRUE(env_uses) << realm;
    EXPECT_EQ(ResourceCount(b, "aws_backup_vault_lock_configuration"),
              std::string(realm) == "prod" ? 1 : 0);
  }
  EXPECT_TRUE(
      HasResource(U("common-prod/backup"), "aws_backup_vault_lock_configuration",
                  R"({"min_retention_days":7,"max_retention_days":365,"changeable_for_days":3})"));
  // A realm without environments gets no vault (a locked vault is for good).
  fs.files.erase("environments/prod.yaml");
  std::string& shop = fs.files["tenants/shop.yaml"];
  shop.replace(shop.find("[dev, prod]"), 11, "[dev]");
  Synth();
  EXPECT_THROW(U("common-prod/backup"), std::out_of_range);
  EXPECT_NO_THROW(U("common-nonprod/backup"));
}

// Given the organisation, its management account's bootstrap should allow cross-account
// backup copies (only the management account can), and set every key the API returns so
// that no plan shows a perpetual diff (issue 13, 4e).
TEST_F(DataTest, ManagementAllowsCrossAccountBackup) {
  Synth();
  EXPECT_EQ(Resource(U("management/bootstrap"), "aws_backup_global_settings", "cross_account")["global_settings"],
            Json::parse(R"({"isCrossAccountBackupEnabled":"true","isDelegatedAdministratorEnabled":"false",
                            "isMpaEnabled":"false"})"));
}

// ---- the examples ----------------------------------------------------------------------------


/// The hours between the runs of "cron(0 */N * * ? *)"; 0 for anything else.
int EveryHours(const std::string& schedule) {
  std::smatch m;
  static const std::regex every(R"(cron\(0 \*/([0-9]+) \* \* \? \*\))");
  return std::regex_match(schedule, m, every) ? std::stoi(m[1]) : 0;
}

// Given every example, every data store should be covered: selected by a backup plan of its
// environment's platform unit whose rule runs at least every rpo_hours (continuous backup or
// its own point-in-time restore besides), or declared rebuildable with its own snapshots (a
// cache) or no versioning (a bucket). And acme declares every kind of store.
TEST(DataExamples, EveryDataStoreIsCovered) {
  for (const char* name : {"acme", "minimal"}) {
    Example ex(name);
    ASSERT_TRUE(ex.org.has_value())
        << name << ": " << RenderAll(ex.diags, ex.sources, DiagFormat::kShort);
    std::map<std::string, int> kinds;
    for (const tf::Unit& u : ex.units) {
      if (u.name().rfind("tenant-", 0) != 0) continue;
      const model::Environment* env = ex.org->environment(u.account());
      ASSERT_NE(env, nullptr) << u.id();
      const tf::Unit* platform = nullptr;
      for (const tf::Unit& p : ex.units)
        if (p.id() == u.account() + "/platform") platform = &p;
      ASSERT_NE(platform, nullptr) << u.id();
      for (const char* type : {"aws_rds_cluster", "aws_docdb_cluster",
                               "aws_elasticache_serverless_cache", "aws_s3_bucket"}) {
        for (const auto& [block, body] : ResourcesByName(u, type)) {
          ++kinds[type];
          const std::string where = u.id() + " " + type + "." + block;
          ASSERT_TRUE(body.contains("tags") && body["tags"].contains(tags::kBackup)) << where;
          const std::string tag = body["tags"][tags::kBackup];
          if (tag == backup::kRebuildable) {
            if (std::string(type) == "aws_elasticache_serverless_cache") {
              EXPECT_GE(body["snapshot_retention_limit"].get<int>(), 1) << where;
            } else {
              ASSERT_EQ(std::string(type), "aws_s3_bucket")
                  << where << ": only caches and buckets are rebuildable";
              EXPECT_EQ(Resource(u, "aws_s3_bucket_versioning",
                                 block)["versioning_configuration"]["status"],
                        "Suspended")
                  << where;
            }
            continue;
          }
          // Selected by a plan of the environment whose rule meets the RPO.
          bool covered = false;
          for (const auto& [sel_name, sel] : ResourcesByName(*platform, "aws_backup_selection")) {
            const Json& by_tag = sel["condition"][0]["string_equals"][0];
            if (by_tag["value"] != tag ||
                by_tag["key"] != std::string("aws:ResourceTag/") + tags::kBackup)
              continue;
            // ... and of a type the selection names (an ARN pattern of the store's service).
            const std::string service =
                std::string(type) == "aws_s3_bucket" ? "arn:aws:s3:::*" : "arn:aws:rds:*:*:cluster:*";
            EXPECT_EQ(sel["resources"], Json::array({service})) << where;
            Json plan = Resource(*platform, "aws_backup_plan", sel_name);
            ASSERT_FALSE(plan.is_null()) << where;
            for (const Json& rule : plan["rule"]) {
              const int every = EveryHours(rule["schedule"]);
              covered = covered || (every >= 1 && every <= env->rpo_hours) ||
                        rule.value("enable_continuous_backup", false);
            }
          }
          EXPECT_TRUE(covered) << where << " (" << tag << ")";
          if (std::string(type) != "aws_s3_bucket") {
            EXPECT_GE(body["backup_retention_period"].get<int>(), 7) << where;
          }
        }
      }
    }
    if (std::string(name) == "acme") {
      EXPECT_GT(kinds["aws_rds_cluster"], 0);
      EXPECT_GT(kinds["aws_docdb_cluster"], 0);
      EXPECT_GT(kinds["aws_elasticache_serverless_cache"], 0);
      EXPECT_GT(kinds["aws_s3_bucket"], 0);
    }
  }
}

}  // namespace
}  // namespace eurus::synth
