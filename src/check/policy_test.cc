#include "check/policy.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <deque>

#include "check/codes.h"
#include "config/load.h"
#include "diag/render.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::check {
namespace {

using tf::Json;

constexpr char kDevAccount[] = "444444444444";
constexpr char kProdAccount[] = "555555555555";

/// Small units built with tf::Unit, shaped like eurus's: an environment account per
/// directory, a provider with eurus's default tags, an S3 backend. Each test seeds one
/// violation and asserts its code and the unit and block in the message.
class PolicyTest : public ::testing::Test {
 protected:
  std::deque<tf::Unit> units;  // stable references while tests add units
  PolicyContext ctx;
  Diagnostics diags;

  void SetUp() override {
    ctx.accounts[kDevAccount] = {"dev", 2, 4, false, std::nullopt};
    ctx.accounts[kProdAccount] = {"prod", 3, 4, true, std::nullopt};
  }

  static std::string AccountOf(const std::string& env) {
    return env == "prod" ? kProdAccount : kDevAccount;
  }

  tf::Unit& Add(const std::string& env, const std::string& name, const std::string& tenant) {
    tf::Unit u(env, name);
    const std::string account = AccountOf(env);
    u.backend.bucket = "acme-tfstate-" + account;
    u.backend.key = name + "/terraform.tfstate";
    u.backend.region = "eu-west-1";
    tf::Provider p;
    p.region = "eu-west-1";
    p.account = account;
    p.default_tags = {{"eurus:environment", env},
                      {"eurus:tenant", tenant},
                      {"eurus:cost-center", tenant},
                      {"eurus:unit", name},
                      {"eurus:org", "acme"}};
    u.providers.push_back(p);
    units.push_back(std::move(u));
    return units.back();
  }

  /// An environment's network unit: VPC, a subnet per AZ, an internet gateway (output).
  tf::Unit& Network(const std::string& env, int azs = 3) {
    tf::Unit& n = Add(env, "network", "platform");
    tf::Ref vpc =
        n.Resource("aws_vpc", "main", {{"cidr_block", "10.1.0.0/16"}}, "environments/dev.yaml:1");
    Json ids = Json::array();
    for (int i = 0; i < azs; ++i) {
      std::string az = std::string("eu-west-1") + static_cast<char>('a' + i);
      tf::Ref s = n.Resource("aws_subnet", "platform_" + std::to_string(i),
                             {{"vpc_id", vpc["id"]},
                              {"cidr_block", fmt::format("10.1.{}.0/24", i)},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false}},
                             "environments/dev.yaml:4");
      ids.push_back(s["id"]);
    }
    tf::Ref igw = n.Resource("aws_internet_gateway", "main", {{"vpc_id", vpc["id"]}},
                             "environments/dev.yaml:1");
    tf::Ref sg =
        n.Resource("aws_security_group", "alb", {{"vpc_id", vpc["id"]}}, "environments/dev.yaml:1");
    n.Output("vpc_id", vpc["id"], "vpc");
    n.Output("platform_subnet_ids", ids, "platform subnets");
    n.Output("internet_gateway_id", igw["id"], "igw");
    n.Output("alb_security_group_id", sg["id"], "alb sg");
    return n;
  }

  /// A tenant unit with a subnet per AZ (10.1.<base+i>.0/24), reading the network.
  tf::Unit& Tenant(const std::string& env, const std::string& tenant, int base, int azs = 3) {
    tf::Unit* network = nullptr;
    for (auto& u : units)
      if (u.id() == env + "/network") network = &u;
    tf::Unit& t = Add(env, "tenant-" + tenant, tenant);
    tf::Backend nb;
    nb.bucket = network->backend.bucket;
    nb.key = network->backend.key;
    nb.region = "eu-west-1";
    tf::Ref nw = t.RemoteState(*network, nb);
    for (int i = 0; i < azs; ++i) {
      std::string az = std::string("eu-west-1") + static_cast<char>('a' + i);
      t.Resource("aws_subnet", tenant + "_" + std::to_string(i),
                 {{"vpc_id", nw.Output("vpc_id")},
                  {"cidr_block", fmt::format("10.1.{}.0/24", base + i)},
                  {"availability_zone", az}},
                 "tenants/" + tenant + ".yaml:1");
    }
    t.Resource("aws_security_group", tenant + "_app", {{"vpc_id", nw.Output("vpc_id")}},
               "tenants/" + tenant + ".yaml:1");
    return t;
  }

  static std::string Ref(const std::string& address) { return "${" + address + "}"; }

  void Run(const SourceMap* origins = nullptr) {
    std::vector<PolicyUnit> view;
    for (const auto& u : units) view.push_back(FromUnit(u));
    CheckPolicy(view, ctx, origins, diags);
  }

  /// Every finding as "E0801 message".
  std::vector<std::string> Findings() const {
    std::vector<std::string> out;
    for (const auto& d : diags.items()) out.push_back(d.code + " " + d.message);
    return out;
  }

  std::string All() const {
    std::string s;
    for (const auto& f : Findings()) s += "\n  " + f;
    return s.empty() ? " (none)" : s;
  }

  /// A finding with `code` whose message holds every part.
  ::testing::AssertionResult Reported(const std::string& code,
                                      std::initializer_list<std::string> parts) const {
    for (const auto& d : diags.items()) {
      if (d.code != code) continue;
      bool all = true;
      for (const auto& p : parts) all = all && d.message.find(p) != std::string::npos;
      if (all) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "no " << code << " finding with those parts in:" << All();
  }

  ::testing::AssertionResult Clean() const {
    if (diags.items().empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected no findings, got:" << All();
  }

  /// A fully compliant Aurora cluster in `t` (encrypted with its own key, protected, spread
  /// over the tenant's subnets, continuous backups by default).
  void GoodAurora(tf::Unit& t, const std::string& tenant, int azs = 3) {
    tf::Ref key =
        t.Resource("aws_kms_key", "data", {{"enable_key_rotation", true}}, "tenants/x.yaml:1");
    Json ids = Json::array();
    for (int i = 0; i < azs; ++i)
      ids.push_back(Ref("aws_subnet." + tenant + "_" + std::to_string(i) + ".id"));
    tf::Ref group =
        t.Resource("aws_db_subnet_group", "orders", {{"subnet_ids", ids}}, "tenants/x.yaml:5");
    t.Resource("aws_rds_cluster", "orders",
               {{"engine", "aurora-postgresql"},
                {"storage_encrypted", true},
                {"kms_key_id", key["arn"]},
                {"deletion_protection", true},
                {"db_subnet_group_name", group["name"]}},
               "tenants/x.yaml:5");
  }
};

// Given a tenant and a network as eurus emits them, we should report nothing.
TEST_F(PolicyTest, CompliantUnitsAreClean) {
  Network("prod");
  tf::Unit& t = Tenant("prod", "shop", 10);
  GoodAurora(t, "shop");
  Run();
  EXPECT_TRUE(Clean());
}

// ---- E0802 public IPs -------------------------------------------------------------------------

// Given a tenant subnet that maps public IPs, we should report E0802 naming unit and subnet.
TEST_F(PolicyTest, PublicIpSubnet) {
  Network("dev");
  tf::Unit& t = Tenant("dev", "shop", 10);
  t.Resource("aws_subnet", "open",
             {{"cidr_block", "10.1.40.0/24"},
              {"availability_zone", "eu-west-1a"},
              {"map_public_ip_on_launch", true}},
             "tenants/shop.yaml:3");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyPublic,
                       {"unit dev/tenant-shop:", "aws_subnet.open", "maps a public IP"}));
  EXPECT_EQ(diags.errors(), 1u) << All();
}

// Given an ECS service with assign_public_ip, an internet-facing ALB and an Elastic IP no NAT
// gateway uses, we should report each.
TEST_F(PolicyTest, PublicIpsOnWorkloads) {
  Network("dev", 2);
  tf::Unit& t = Tenant("dev", "shop", 10, 2);
  t.Resource("aws_ecs_service", "web",
             {{"network_configuration",
               {{"subnets", {Ref("aws_subnet.shop_0.id"), Ref("aws_subnet.shop_1.id")}},
                {"assign_public_ip", true}}}},
             "tenants/shop.yaml:4");
  t.Resource("aws_lb", "web",
             {{"subnets", {Ref("aws_subnet.shop_0.id"), Ref("aws_subnet.shop_1.id")}}},
             "tenants/shop.yaml:4");
  t.Resource("aws_eip", "stray", {{"domain", "vpc"}}, "tenants/shop.yaml:4");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyPublic, {"aws_ecs_service.web", "public IPs"}));
  EXPECT_TRUE(Reported(codes::kPolicyPublic, {"aws_lb.web", "internet-facing"}));
  EXPECT_TRUE(Reported(codes::kPolicyPublic, {"aws_eip.stray", "public IP"}));
  EXPECT_EQ(diags.errors(), 3u) << All();
}

// Given the managed edge in front of an internal ALB (CloudFront distribution and VPC origin,
// API Gateway API, VPC link, custom domain), we should report nothing: they are AWS edge
// services, not VPC resources with addresses; an ALB with internal = false still is reported.
TEST_F(PolicyTest, ManagedEdgeIsNotPublicExposure) {
  Network("dev", 2);
  tf::Unit& t = Tenant("dev", "shop", 10, 2);
  const std::string o = "environments/dev.yaml:9";
  const Json subnets = {Ref("aws_subnet.shop_0.id"), Ref("aws_subnet.shop_1.id")};
  tf::Ref alb = t.Resource("aws_lb", "main", {{"internal", true}, {"subnets", subnets}}, o);
  tf::Ref origin = t.Resource(
      "aws_cloudfront_vpc_origin", "alb",
      {{"vpc_origin_endpoint_config",
        Json::array({{{"arn", alb["arn"]}, {"origin_protocol_policy", "https-only"}}})}},
      o);
  t.Resource("aws_cloudfront_distribution", "env",
             {{"enabled", true},
              {"origin", Json::array({{{"vpc_origin_config", {{"vpc_origin_id", origin["id"]}}}}})}},
             o);
  t.Resource("aws_apigatewayv2_api", "main", {{"protocol_type", "HTTP"}}, o);
  t.Resource("aws_apigatewayv2_vpc_link", "main", {{"subnet_ids", subnets}}, o);
  t.Resource("aws_apigatewayv2_domain_name", "api", {{"domain_name", "api.dev.example.com"}}, o);
  Run();
  EXPECT_FALSE(Reported(codes::kPolicyPublic, {})) << All();

  t.Resource("aws_lb", "exposed", {{"internal", false}, {"subnets", subnets}}, o);
  diags = Diagnostics();
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyPublic, {"aws_lb.exposed", "internet-facing"})) << All();
}

// ---- E0803 internet routes --------------------------------------------------------------------

/// The public NAT as network.cc builds it: its own subnet and route table, an EIP.
void PublicNat(tf::Unit& n) {
  const std::string o = "environments/dev.yaml:6";
  tf::Ref rt = n.Resource("aws_route_table", "nat", {{"vpc_id", "${aws_vpc.main.id}"}}, o);
  n.Resource("aws_route", "nat_to_internet",
             {{"route_table_id", rt["id"]},
              {"destination_cidr_block", "0.0.0.0/0"},
              {"gateway_id", "${aws_internet_gateway.main.id}"}},
             o);
  tf::Ref s = n.Resource("aws_subnet", "nat_a",
                         {{"cidr_block", "10.1.200.0/28"}, {"availability_zone", "eu-west-1a"}}, o);
  n.Resource("aws_route_table_association", "nat_a",
             {{"subnet_id", s["id"]}, {"route_table_id", rt["id"]}}, o);
  tf::Ref eip = n.Resource("aws_eip", "nat_a", {{"domain", "vpc"}}, o);
  n.Resource("aws_nat_gateway", "public_a",
             {{"connectivity_type", "public"},
              {"allocation_id", eip["allocation_id"]},
              {"subnet_id", s["id"]}},
             o);
}

// Given the public NAT's own route table routing to the internet gateway, we should report
// nothing; given a tenant route table routing there (through the network's output), E0803.
TEST_F(PolicyTest, InternetRouteFromTenantRouteTable) {
  tf::Unit& n = Network("dev");
  PublicNat(n);
  tf::Unit& t = Tenant("dev", "shop", 10);
  tf::Ref rt = t.Resource("aws_route_table", "shop_0", {{"vpc_id", "x"}}, "tenants/shop.yaml:1");
  t.Resource("aws_route_table_association", "shop_0",
             {{"subnet_id", Ref("aws_subnet.shop_0.id")}, {"route_table_id", rt["id"]}},
             "tenants/shop.yaml:1");
  t.Resource("aws_route", "shop_0_to_internet",
             {{"route_table_id", rt["id"]},
              {"destination_cidr_block", "0.0.0.0/0"},
              {"gateway_id", "${data.terraform_remote_state.network.outputs.internet_gateway_id}"}},
             "environments/dev.yaml:7");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyInternetRoute,
                       {"unit dev/tenant-shop:", "aws_route.shop_0_to_internet",
                        "aws_subnet.shop_0", "internet gateway"}));
  EXPECT_EQ(diags.errors(), 1u) << All();
}

// Given a workload placed in a NAT subnet, its route table no longer serves only the NAT
// gateway: we should report E0803 on the NAT route.
TEST_F(PolicyTest, InternetRouteWhenNatSubnetHostsMore) {
  tf::Unit& n = Network("dev");
  PublicNat(n);
  n.Resource("aws_instance", "bastion", {{"subnet_id", "${aws_subnet.nat_a.id}"}},
             "environments/dev.yaml:9");
  Run();
  EXPECT_TRUE(
      Reported(codes::kPolicyInternetRoute, {"aws_route.nat_to_internet", "aws_subnet.nat_a"}));
}

// ---- E0804 encryption -------------------------------------------------------------------------

// Given an unencrypted cluster, one on an AWS-managed key and a bucket without SSE-KMS, we
// should report E0804 for each.
TEST_F(PolicyTest, UnencryptedDataStores) {
  Network("dev", 2);
  tf::Unit& t = Tenant("dev", "shop", 10, 2);
  GoodAurora(t, "shop", 2);
  t.Resource("aws_docdb_cluster", "catalog", {{"storage_encrypted", false}}, "tenants/shop.yaml:8");
  t.Resource("aws_elasticache_serverless_cache", "cache",
             {{"kms_key_id", "arn:aws:kms:eu-west-1:444444444444:alias/aws/elasticache"},
              {"snapshot_retention_limit", 7},
              {"subnet_ids", {Ref("aws_subnet.shop_0.id"), Ref("aws_subnet.shop_1.id")}}},
             "tenants/shop.yaml:9");
  tf::Ref bucket = t.Resource("aws_s3_bucket", "uploads", {{"bucket", "acme-dev-shop-uploads"}},
                              "tenants/shop.yaml:10");
  t.Resource("aws_s3_bucket_versioning", "uploads",
             {{"bucket", bucket["id"]}, {"versioning_configuration", {{"status", "Enabled"}}}},
             "tenants/shop.yaml:10");
  t.Resource("aws_s3_bucket_server_side_encryption_configuration", "uploads",
             {{"bucket", bucket["id"]},
              {"rule", Json::array({{{"apply_server_side_encryption_by_default",
                                      {{"sse_algorithm", "AES256"}}}}})}},
             "tenants/shop.yaml:10");
  Run();
  EXPECT_TRUE(
      Reported(codes::kPolicyEncryption, {"aws_docdb_cluster.catalog", "not encrypted at rest"}));
  EXPECT_TRUE(Reported(codes::kPolicyEncryption,
                       {"aws_elasticache_serverless_cache.cache", "AWS-managed key"}));
  EXPECT_TRUE(Reported(codes::kPolicyEncryption, {"aws_s3_bucket.uploads", "customer-managed"}));
  for (const auto& f : Findings())
    EXPECT_EQ(f.find("aws_rds_cluster.orders"), std::string::npos) << f;
}

// Given a bucket whose SSE configuration names the unit's KMS key, we should report nothing
// about its encryption (nor its backup: versioning keeps every write).
TEST_F(PolicyTest, BucketWithCustomerKey) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  tf::Ref key = t.Resource("aws_kms_key", "data", Json::object(), "tenants/shop.yaml:1");
  tf::Ref bucket = t.Resource("aws_s3_bucket", "uploads", {{"bucket", "acme-dev-shop-uploads"}},
                              "tenants/shop.yaml:10");
  t.Resource("aws_s3_bucket_versioning", "uploads",
             {{"bucket", bucket["id"]}, {"versioning_configuration", {{"status", "Enabled"}}}},
             "tenants/shop.yaml:10");
  t.Resource(
      "aws_s3_bucket_server_side_encryption_configuration", "uploads",
      {{"bucket", bucket["id"]},
       {"rule",
        Json::array({{{"apply_server_side_encryption_by_default",
                       {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}}}})}},
      "tenants/shop.yaml:10");
  Run();
  EXPECT_TRUE(Clean());
}

// Given two SSE-S3 buckets of the platform unit, one an ALB's access-log bucket, we should
// accept SSE-S3 for that one only (ELB writes to nothing else), and still refuse an ALB
// log bucket that does not say how it is encrypted.
TEST_F(PolicyTest, LoadBalancerLogBucketMayUseSseS3) {
  tf::Unit& p = Add("dev", "platform", "platform");
  auto bucket = [&](const std::string& name, const char* sse) {
    tf::Ref b = p.Resource("aws_s3_bucket", name, {{"bucket", "acme-dev-" + name}},
                           "environments/dev.yaml:1");
    p.Resource("aws_s3_bucket_versioning", name,
               {{"bucket", b["id"]}, {"versioning_configuration", {{"status", "Enabled"}}}},
               "environments/dev.yaml:1");
    if (sse)
      p.Resource("aws_s3_bucket_server_side_encryption_configuration", name,
                 {{"bucket", b["id"]},
                  {"rule", Json::array({{{"apply_server_side_encryption_by_default",
                                          {{"sse_algorithm", sse}}}}})}},
                 "environments/dev.yaml:1");
    return b;
  };
  tf::Ref logs = bucket("alb-logs", "AES256");
  bucket("other", "AES256");
  tf::Ref unencrypted = bucket("connection-logs", nullptr);
  p.Resource("aws_lb", "main",
             {{"internal", true},
              {"access_logs", {{"bucket", logs["id"]}, {"enabled", true}}},
              {"connection_logs", {{"bucket", unencrypted["id"]}, {"enabled", true}}}},
             "environments/dev.yaml:1");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyEncryption, {"aws_s3_bucket.other", "customer-managed"}));
  EXPECT_TRUE(
      Reported(codes::kPolicyEncryption, {"aws_s3_bucket.connection-logs", "customer-managed"}));
  for (const auto& f : Findings()) EXPECT_EQ(f.find("aws_s3_bucket.alb-logs"), std::string::npos) << f;
}

// ---- E0805 backups ----------------------------------------------------------------------------

/// A DynamoDB table, encrypted, with or without point-in-time recovery.
void Table(tf::Unit& t, bool pitr) {
  tf::Ref key = t.Resource("aws_kms_key", "table", Json::object(), "tenants/shop.yaml:1");
  Json body = {{"name", "acme-dev-shop-orders"},
               {"server_side_encryption", {{"enabled", true}, {"kms_key_arn", key["arn"]}}}};
  if (pitr) body["point_in_time_recovery"] = {{"enabled", true}};
  t.Resource("aws_dynamodb_table", "orders", body, "tenants/shop.yaml:12");
}

/// The platform's backup plan (rule schedule `cron`) selecting by the environment tag.
void BackupPlan(tf::Unit& p, const std::string& cron, const std::string& env = "dev") {
  tf::Ref plan = p.Resource(
      "aws_backup_plan", "main",
      {{"name", "acme"}, {"rule", Json::array({{{"rule_name", "r"}, {"schedule", cron}}})}},
      "environments/dev.yaml:20");
  p.Resource("aws_backup_selection", "tagged",
             {{"name", "tagged"},
              {"plan_id", plan["id"]},
              {"iam_role_arn", "arn:aws:iam::444444444444:role/backup"},
              {"resources", {"*"}},
              {"condition",
               {{"string_equals",
                 Json::array({{{"key", "aws:ResourceTag/eurus:environment"}, {"value", env}}})}}}},
             "environments/dev.yaml:20");
}

// Given a data store no backup covers while the RPO is known, we should report E0805; an
// unknown RPO switches the rule off.
TEST_F(PolicyTest, DataStoreWithoutBackup) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  Table(t, false);
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyBackup,
                       {"aws_dynamodb_table.orders", "not covered by any backup", "RPO is 4 h"}));

  diags = Diagnostics();
  ctx.accounts[kDevAccount].rpo_hours.reset();
  Run();
  EXPECT_TRUE(Clean());
}

// Given a backup plan in another unit of the account selecting by tag: every 4 hours meets a
// 4 h RPO, a daily plan does not.
TEST_F(PolicyTest, BackupSelectionAcrossUnits) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  Table(t, false);
  tf::Unit& p = Add("dev", "platform", "platform");
  BackupPlan(p, "cron(0 */4 * * ? *)");
  Run();
  EXPECT_TRUE(Clean());

  diags = Diagnostics();
  units.pop_back();
  tf::Unit& daily = Add("dev", "platform", "platform");
  BackupPlan(daily, "cron(0 5 * * ? *)");
  Run();
  EXPECT_TRUE(
      Reported(codes::kPolicyBackup, {"aws_dynamodb_table.orders", "every 24 h", "RPO of 4 h"}));

  // A selection for another environment's tag covers nothing here.
  diags = Diagnostics();
  units.pop_back();
  tf::Unit& other = Add("dev", "platform", "platform");
  BackupPlan(other, "cron(0 */2 * * ? *)", "staging");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyBackup, {"aws_dynamodb_table.orders", "not covered"}));
}

// Given a cache without snapshots, we should report E0805 (ElastiCache: snapshots required).
TEST_F(PolicyTest, CacheWithoutSnapshots) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  tf::Ref key = t.Resource("aws_kms_key", "data", Json::object(), "tenants/shop.yaml:1");
  t.Resource("aws_elasticache_serverless_cache", "cache", {{"kms_key_id", key["arn"]}},
             "tenants/shop.yaml:9");
  Run();
  EXPECT_TRUE(
      Reported(codes::kPolicyBackup, {"aws_elasticache_serverless_cache.cache", "no snapshots"}));
}

// Given a cache with its daily snapshots, a 4 h RPO should be met only by a cache declared
// rebuildable (eurus:backup = rebuildable, as eurus tags caches); at a 24 h RPO the snapshots
// meet it either way.
TEST_F(PolicyTest, CacheRpoNeedsTheRebuildableDeclaration) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  tf::Ref key = t.Resource("aws_kms_key", "data", Json::object(), "tenants/shop.yaml:1");
  t.Resource("aws_elasticache_serverless_cache", "cache",
             {{"kms_key_id", key["arn"]}, {"snapshot_retention_limit", 7}}, "tenants/shop.yaml:9");
  Run();
  EXPECT_TRUE(
      Reported(codes::kPolicyBackup, {"aws_elasticache_serverless_cache.cache", "every 24 h",
                                      "RPO of 4 h", "not declared rebuildable"}));

  diags = Diagnostics();
  t.Body(t.Existing("aws_elasticache_serverless_cache", "cache"))["tags"] = {
      {"eurus:backup", "rebuildable"}};
  Run();
  EXPECT_TRUE(Clean());

  // Any other value of the tag is no declaration.
  diags = Diagnostics();
  t.Body(t.Existing("aws_elasticache_serverless_cache", "cache"))["tags"] = {
      {"eurus:backup", "acme-dev"}};
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyBackup, {"aws_elasticache_serverless_cache.cache"}));

  diags = Diagnostics();
  ctx.accounts[kDevAccount].rpo_hours = 24;
  Run();
  EXPECT_TRUE(Clean());
}

// Given a bucket without versioning and no plan selecting it, E0805 should hold unless it is
// declared rebuildable.
TEST_F(PolicyTest, UnversionedBucketDeclaredRebuildable) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  tf::Ref b = t.Resource("aws_s3_bucket", "scratch", {{"bucket", "acme-shop-scratch-444444444444"}},
                         "tenants/shop.yaml:9");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyBackup, {"aws_s3_bucket.scratch", "not covered"}));
  diags = Diagnostics();
  t.Body(b)["tags"] = {{"eurus:backup", "rebuildable"}};
  Run();
  EXPECT_FALSE(Reported(codes::kPolicyBackup, {"aws_s3_bucket.scratch"}));
}

// ---- E0806 tags -------------------------------------------------------------------------------

// Given a provider whose default_tags lack the tenant and cost centre, and blocks that do not
// set them, we should report E0806 naming the unit, the blocks and the keys.
TEST_F(PolicyTest, MissingTags) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  t.providers[0].default_tags.erase("eurus:tenant");
  t.providers[0].default_tags.erase("eurus:cost-center");
  t.Resource("aws_vpc", "main", {{"cidr_block", "10.0.0.0/16"}, {"tags", {{"Name", "x"}}}},
             "tenants/shop.yaml:1");
  t.Resource("aws_ecs_cluster", "shop",
             {{"name", "x"}, {"tags", {{"eurus:tenant", "shop"}, {"eurus:cost-center", "shop"}}}},
             "tenants/shop.yaml:1");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyTags, {"unit dev/tenant-shop:", "aws_vpc.main",
                                            "eurus:cost-center, eurus:tenant", "aws"}));
  for (const auto& f : Findings()) EXPECT_EQ(f.find("aws_ecs_cluster"), std::string::npos) << f;
  EXPECT_EQ(diags.errors(), 1u) << All();
}

// Given a schema that says aws_route takes no tags, we should not count it against the provider.
TEST_F(PolicyTest, TagsFollowTheSchema) {
  std::string err;
  auto schema = Schema::Parse(R"({"format": 1, "package": "f@1", "provider_source": "hashicorp/aws",
    "provider_version": "6.25.0", "provider": {"arguments": {}},
    "resources": {"aws_route": {"arguments": {"route_table_id": {"shape": "scalar"}}, "attributes": ["id"]},
                  "aws_vpc": {"arguments": {"tags": {"shape": "map"}}, "attributes": ["id"]}},
    "data_sources": {}})",
                              &err);
  ASSERT_TRUE(schema) << err;
  ctx.schema = &*schema;
  tf::Unit& t = Add("dev", "network", "platform");
  t.providers[0].default_tags.clear();
  t.Resource("aws_route", "r", {{"route_table_id", "rtb-1"}}, "environments/dev.yaml:1");
  Run();
  EXPECT_TRUE(Clean());
  t.Resource("aws_vpc", "main", Json::object(), "environments/dev.yaml:1");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyTags, {"aws_vpc.main lacks tags"}));
}

// ---- E0807 IAM --------------------------------------------------------------------------------

// Given `*` on `*` in a role policy, a policy document and an AdministratorAccess attachment,
// we should report each; a key policy granting the account `kms:*` is fine.
TEST_F(PolicyTest, IamWildcards) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  Json star = {
      {"Version", "2012-10-17"},
      {"Statement",
       Json::array(
           {{{"Sid", "Ok"}, {"Effect", "Allow"}, {"Action", "s3:GetObject"}, {"Resource", "*"}},
            {{"Sid", "Everything"}, {"Effect", "Allow"}, {"Action", "*"}, {"Resource", "*"}}})}};
  t.Resource("aws_iam_role_policy", "app", {{"role", "x"}, {"policy", star.dump()}},
             "tenants/shop.yaml:4");
  Json deny = {
      {"Statement", Json::array({{{"Effect", "Deny"}, {"Action", "*"}, {"Resource", "*"}}})}};
  t.Resource("aws_iam_policy", "deny", {{"policy", deny.dump()}}, "tenants/shop.yaml:4");
  Json key_policy = {
      {"Statement", Json::array({{{"Effect", "Allow"},
                                  {"Principal", {{"AWS", "arn:aws:iam::444444444444:root"}}},
                                  {"Action", "kms:*"},
                                  {"Resource", "*"}}})}};
  t.Resource("aws_kms_key", "data", {{"policy", key_policy.dump()}}, "tenants/shop.yaml:1");
  t.Resource("aws_iam_role_policy_attachment", "admin",
             {{"role", "x"}, {"policy_arn", "arn:aws:iam::aws:policy/AdministratorAccess"}},
             "tenants/shop.yaml:4");
  t.Resource("aws_iam_role", "inline",
             {{"assume_role_policy", "{}"},
              {"permissions_boundary", "arn:aws:iam::444444444444:policy/acme-boundary"},
              {"inline_policy",
               Json::array(
                   {{{"name", "p"},
                     {"policy",
                      R"({"Statement":{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}})"}}})}},
             "tenants/shop.yaml:4");
  t.Data("aws_iam_policy_document", "doc",
         {{"statement", Json::array({{{"actions", {"*"}}, {"resources", {"*"}}}})}},
         "tenants/shop.yaml:4");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyIamWildcard, {"aws_iam_role_policy.app", "`Everything`"}));
  EXPECT_TRUE(Reported(codes::kPolicyIamWildcard,
                       {"aws_iam_role_policy_attachment.admin", "AdministratorAccess"}));
  EXPECT_TRUE(Reported(codes::kPolicyIamWildcard, {"aws_iam_role.inline", "inline_policy.policy"}));
  EXPECT_TRUE(Reported(codes::kPolicyIamWildcard, {"data.aws_iam_policy_document.doc"}));
  EXPECT_EQ(diags.errors(), 4u) << All();
}

// ---- E0810 permissions boundary ---------------------------------------------------------------

// Given a tenant's roles without the boundary, with another account's boundary and with its
// own, we should report the first two; the bootstrap's deployer is exempt, a role named like
// it in a unit with remote state is not.
TEST_F(PolicyTest, RolesCarryTheirAccountsBoundary) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  const std::string own = "arn:aws:iam::" + AccountOf("dev") + ":policy/acme-boundary";
  t.Resource("aws_iam_role", "none", {{"assume_role_policy", "{}"}}, "tenants/shop.yaml:4");
  t.Resource("aws_iam_role", "other",
             {{"assume_role_policy", "{}"},
              {"permissions_boundary", "arn:aws:iam::999999999999:policy/acme-boundary"}},
             "tenants/shop.yaml:5");
  t.Resource("aws_iam_role", "good", {{"assume_role_policy", "{}"}, {"permissions_boundary", own}},
             "tenants/shop.yaml:6");
  t.Resource("aws_iam_role", "fake_deployer", {{"name", "acme-deployer"}, {"assume_role_policy", "{}"}},
             "tenants/shop.yaml:7");
  tf::Unit& boot = Add("dev", "bootstrap", "platform");
  boot.backend = tf::Backend{};
  boot.backend.local = true;
  boot.Resource("aws_iam_role", "deployer", {{"name", "acme-deployer"}, {"assume_role_policy", "{}"}},
                "eurus.yaml:1");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyBoundary, {"aws_iam_role.none", "has no permissions boundary"}));
  EXPECT_TRUE(Reported(codes::kPolicyBoundary, {"aws_iam_role.other", "999999999999", "not its account's"}));
  EXPECT_TRUE(Reported(codes::kPolicyBoundary, {"aws_iam_role.fake_deployer"}));
  EXPECT_FALSE(Reported(codes::kPolicyBoundary, {"aws_iam_role.good"}));
  EXPECT_FALSE(Reported(codes::kPolicyBoundary, {"unit dev/bootstrap"}));
  EXPECT_EQ(diags.errors(), 3u) << All();
}

// ---- E0808 tenant isolation -------------------------------------------------------------------

// Given shop's data group admitting blog's app group (through blog's output), a CIDR covering
// blog's subnets, and a literal sg- id, we should report E0808 for each; shop's own group and
// the platform's ALB group are fine.
TEST_F(PolicyTest, CrossTenantSecurityGroupRules) {
  Network("dev");
  tf::Unit& blog = Tenant("dev", "blog", 20);
  blog.Output("app_security_group_id", "${aws_security_group.blog_app.id}", "blog app sg");
  tf::Unit& shop = Tenant("dev", "shop", 10);
  tf::Backend bb;
  bb.bucket = blog.backend.bucket;
  bb.key = blog.backend.key;
  tf::Ref rb = shop.RemoteState(blog, bb);
  tf::Ref data_sg =
      shop.Resource("aws_security_group", "shop_data", {{"vpc_id", "x"}}, "tenants/shop.yaml:1");
  auto rule = [&](const std::string& name, Json source) {
    Json body = {{"security_group_id", data_sg["id"]},
                 {"ip_protocol", "tcp"},
                 {"from_port", 5432},
                 {"to_port", 5432}};
    body.update(source);
    shop.Resource("aws_vpc_security_group_ingress_rule", name, body, "tenants/shop.yaml:6");
  };
  rule("own", {{"referenced_security_group_id", Ref("aws_security_group.shop_app.id")}});
  rule("alb", {{"referenced_security_group_id",
                "${data.terraform_remote_state.network.outputs.alb_security_group_id}"}});
  rule("own_subnet", {{"cidr_ipv4", "10.1.10.0/24"}});
  rule("corporate", {{"cidr_ipv4", "192.168.0.0/16"}});
  rule("from_blog", {{"referenced_security_group_id", rb.Output("app_security_group_id")}});
  rule("from_vpc", {{"cidr_ipv4", "10.1.0.0/16"}});
  rule("literal", {{"referenced_security_group_id", "sg-0123456789abcdef0"}});
  shop.Resource("aws_security_group", "legacy",
                {{"ingress", Json::array({{{"cidr_blocks", {"10.1.21.0/24"}},
                                           {"from_port", 0},
                                           {"to_port", 0},
                                           {"protocol", "-1"}}})}},
                "tenants/shop.yaml:7");
  Run();
  EXPECT_TRUE(Reported(
      codes::kPolicyTenantIsolation,
      {"unit dev/tenant-shop:", "aws_vpc_security_group_ingress_rule.from_blog", "tenant blog"}));
  EXPECT_TRUE(Reported(
      codes::kPolicyTenantIsolation,
      {"aws_vpc_security_group_ingress_rule.from_vpc", "10.1.0.0/16", "tenant blog's subnet"}));
  EXPECT_TRUE(Reported(codes::kPolicyTenantIsolation,
                       {"aws_vpc_security_group_ingress_rule.literal", "sg-0123456789abcdef0"}));
  EXPECT_TRUE(
      Reported(codes::kPolicyTenantIsolation, {"aws_security_group.legacy", "10.1.21.0/24"}));
  EXPECT_EQ(diags.errors(), 4u) << All();
}

// Given units only read (context_only: the incremental synth's unchanged ones), we should
// report nothing about their own blocks, yet still follow references into them and count
// their subnets: shop admitting blog's group or subnet is reported with blog only read.
TEST_F(PolicyTest, ContextOnlyUnitsAreReadNotWalked) {
  Network("dev");
  tf::Unit& blog = Tenant("dev", "blog", 20);
  blog.Output("app_security_group_id", "${aws_security_group.blog_app.id}", "blog app sg");
  blog.Resource("aws_instance", "pet", {{"associate_public_ip_address", true}}, "tenants/blog.yaml:3");
  tf::Unit& shop = Tenant("dev", "shop", 10);
  tf::Backend bb;
  bb.bucket = blog.backend.bucket;
  bb.key = blog.backend.key;
  tf::Ref rb = shop.RemoteState(blog, bb);
  tf::Ref sg = shop.Resource("aws_security_group", "shop_data", {{"vpc_id", "x"}}, "tenants/shop.yaml:1");
  shop.Resource("aws_vpc_security_group_ingress_rule", "from_blog",
                {{"security_group_id", sg["id"]}, {"referenced_security_group_id", rb.Output("app_security_group_id")}},
                "tenants/shop.yaml:6");
  shop.Resource("aws_vpc_security_group_ingress_rule", "from_blog_subnet",
                {{"security_group_id", sg["id"]}, {"cidr_ipv4", "10.1.20.0/24"}}, "tenants/shop.yaml:7");
  std::vector<PolicyUnit> view;
  for (const auto& u : units) view.push_back(FromUnit(u));
  std::vector<char> context_only(units.size(), 0);
  size_t blog_at = 0;
  for (size_t i = 0; i < units.size(); ++i)
    if (units[i].id() == "dev/tenant-blog") blog_at = i;
  // Walked, blog's public instance is a finding (the test would hold without it otherwise).
  Diagnostics all;
  CheckPolicy(view, ctx, nullptr, all);
  context_only[blog_at] = 1;
  PolicyStats stats = CheckPolicy(view, ctx, nullptr, diags, &context_only);
  EXPECT_EQ(stats.units, units.size() - 1);
  EXPECT_TRUE(Reported(codes::kPolicyTenantIsolation, {"aws_vpc_security_group_ingress_rule.from_blog", "tenant blog"}));
  EXPECT_TRUE(Reported(codes::kPolicyTenantIsolation, {"from_blog_subnet", "tenant blog's subnet"}));
  for (const auto& d : diags.items()) EXPECT_EQ(d.message.find("tenant-blog:"), std::string::npos) << d.message;
  EXPECT_EQ(all.errors(), diags.errors() + 1) << All();
  EXPECT_THROW(CheckPolicy(view, ctx, nullptr, diags, &(context_only = {1})), std::logic_error);
}

// Given a tenant's app group admitting the platform unit's ALB group through the platform's
// remote state (as workloads.cc writes it), we should accept it; an output of the platform
// that is not one of its groups (a literal id) cannot be attributed and is reported.
TEST_F(PolicyTest, AppGroupAdmitsThePlatformAlbGroup) {
  Network("dev");
  tf::Unit& platform = Add("dev", "platform", "platform");
  tf::Ref alb = platform.Resource("aws_security_group", "alb", {{"vpc_id", "x"}}, "environments/dev.yaml:1");
  platform.Output("alb_security_group_id", alb["id"], "the ALB's group");
  platform.Output("legacy_security_group_id", "sg-0123456789abcdef0", "a group made elsewhere");
  tf::Unit& shop = Tenant("dev", "shop", 10);
  tf::Backend pb;
  pb.bucket = platform.backend.bucket;
  pb.key = platform.backend.key;
  tf::Ref pf = shop.RemoteState(platform, pb);
  for (const char* output : {"alb_security_group_id", "legacy_security_group_id"})
    shop.Resource("aws_vpc_security_group_ingress_rule", std::string("from_") + output,
                  {{"security_group_id", Ref("aws_security_group.shop_app.id")},
                   {"referenced_security_group_id", pf.Output(output)},
                   {"ip_protocol", "tcp"},
                   {"from_port", 8080},
                   {"to_port", 8080}},
                  "tenants/shop.yaml:8");
  Run();
  EXPECT_EQ(diags.errors(), 1u) << All();
  EXPECT_TRUE(Reported(codes::kPolicyTenantIsolation,
                       {"from_legacy_security_group_id", "sg-0123456789abcdef0"}));
}

// ---- E0809 deletion protection ----------------------------------------------------------------

// Given a prod cluster without deletion protection and a prod bucket without prevent_destroy,
// we should report E0809; the same cluster in dev is fine.
TEST_F(PolicyTest, ProdDataStoreWithoutDeletionProtection) {
  Network("prod");
  tf::Unit& t = Tenant("prod", "shop", 10);
  GoodAurora(t, "shop");
  t.Resource("aws_s3_bucket", "files", {{"bucket", "b"}, {"force_destroy", true}},
             "tenants/shop.yaml:9");
  t.Resource("aws_rds_cluster", "loose",
             {{"storage_encrypted", true},
              {"kms_key_id", Ref("aws_kms_key.data.arn")},
              {"deletion_protection", false},
              {"db_subnet_group_name", Ref("aws_db_subnet_group.orders.name")}},
             "tenants/shop.yaml:7");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyDeletionProtection,
                       {"unit prod/tenant-shop:", "aws_rds_cluster.loose", "environment prod"}));
  EXPECT_TRUE(
      Reported(codes::kPolicyDeletionProtection, {"aws_s3_bucket.files", "prevent_destroy"}));
  for (const auto& f : Findings())
    EXPECT_EQ(f.find("aws_rds_cluster.orders"), std::string::npos) << f;

  diags = Diagnostics();
  ctx.accounts[kProdAccount].deletion_protection = false;
  Run();
  for (const auto& d : diags.items())
    EXPECT_NE(d.code, codes::kPolicyDeletionProtection) << d.message;
}

// ---- E0801 availability zones -----------------------------------------------------------------

// Given a cluster whose subnet group holds one subnet, and a prod service in two of three AZs,
// we should report E0801 for both.
TEST_F(PolicyTest, SingleAzDataStoreAndWorkload) {
  Network("prod");
  tf::Unit& t = Tenant("prod", "shop", 10);
  GoodAurora(t, "shop", 1);
  t.Resource("aws_ecs_service", "web",
             {{"network_configuration",
               {{"subnets", {Ref("aws_subnet.shop_0.id"), Ref("aws_subnet.shop_1.id")}}}}},
             "tenants/shop.yaml:4");
  // Endpoints in the network's platform subnets, read through the remote state: all 3 AZs.
  t.Resource("aws_vpc_endpoint", "ok",
             {{"subnet_ids", "${data.terraform_remote_state.network.outputs.platform_subnet_ids}"}},
             "tenants/shop.yaml:4");
  t.Resource("aws_efs_file_system", "shared",
             {{"encrypted", true},
              {"kms_key_id", Ref("aws_kms_key.data.arn")},
              {"availability_zone_name", "eu-west-1a"},
              {"lifecycle", {{"prevent_destroy", true}}}},
             "tenants/shop.yaml:11");
  Run();
  EXPECT_TRUE(Reported(codes::kPolicyAzSpread,
                       {"aws_rds_cluster.orders", "spans 1 availability zone (eu-west-1a)",
                        "environment prod has 3"}));
  EXPECT_TRUE(
      Reported(codes::kPolicyAzSpread, {"aws_ecs_service.web", "spans 2 availability zones"}));
  EXPECT_TRUE(Reported(codes::kPolicyAzSpread, {"aws_efs_file_system.shared", "One Zone"}));
  for (const auto& f : Findings()) EXPECT_EQ(f.find("aws_vpc_endpoint"), std::string::npos) << f;
}

// ---- locations --------------------------------------------------------------------------------

// Given the configuration's SourceMap (synth), a finding should be labelled at its YAML origin
// line and note the generated block.
TEST_F(PolicyTest, SynthLabelsTheYamlOrigin) {
  SourceMap yaml;
  yaml.Add("repo/eurus.yaml", "eurus: 1\n");
  FileId shop = yaml.Add("repo/tenants/shop.yaml",
                         "environments: [dev]\nresources:\n  files: { type: s3 }\n");
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  t.Resource("aws_subnet", "open", {{"map_public_ip_on_launch", true}}, "tenants/shop.yaml:3");
  Run(&yaml);
  ASSERT_EQ(diags.items().size(), 1u) << All();
  const Diagnostic& d = diags.items()[0];
  ASSERT_TRUE(d.primary().valid());
  EXPECT_EQ(d.primary().file, shop);
  EXPECT_EQ(yaml.Locate(shop, d.primary().begin).line, 3u);
  EXPECT_EQ(yaml.Locate(shop, d.primary().begin).column, 3u);
  std::string notes;
  for (const auto& n : d.notes) notes += n + "\n";
  EXPECT_NE(notes.find("generated from tenants/shop.yaml:3"), std::string::npos) << notes;
  EXPECT_NE(notes.find("dev/tenant-shop/main.tf.json at resource.aws_subnet.open"),
            std::string::npos)
      << notes;
}

// Given a tree (validate), findings point at the block in main.tf.json, and the manifest's
// optional environments section supplies the RPO.
TEST_F(PolicyTest, TreeFindingsPointIntoMainTfJson) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  Table(t, false);
  t.Resource("aws_subnet", "open", {{"map_public_ip_on_launch", true}}, "tenants/shop.yaml:3");
  MemoryFileSystem fs;
  SourceMap sources;
  FileId main = sources.Add("out/dev/tenant-shop/main.tf.json", t.MainJson());
  sources.Add("out/dev/tenant-shop/providers.tf.json", t.ProvidersJson());
  CheckTree(fs, "out", sources, {}, diags);
  // No manifest: the RPO is unknown, the backup rule is off.
  ASSERT_EQ(diags.items().size(), 1u) << All();
  const Diagnostic& d = diags.items()[0];
  EXPECT_EQ(d.code, codes::kPolicyPublic);
  EXPECT_EQ(d.primary().file, main);
  EXPECT_EQ(sources.Line(main, sources.Locate(main, d.primary().begin).line).find("\"open\""), 6u);
  EXPECT_EQ(d.notes.at(0), "generated from tenants/shop.yaml:3");

  diags = Diagnostics();
  fs.files["out/eurus.manifest.json"] =
      R"({"environments": {"dev": {"account": "444444444444", "azs": 2, "rpo_hours": 4, "deletion_protection": false}}, "units": {}})";
  CheckTree(fs, "out", sources, {}, diags);
  EXPECT_TRUE(Reported(codes::kPolicyBackup,
                       {"aws_dynamodb_table.orders", "environment dev's RPO is 4 h"}));
}

// ---- large organisations ----------------------------------------------------------------------

// Given 400 tenant units (checked in parallel ranges), a rule in one range judged against a
// tenant of another, we should report every finding once, in unit order.
TEST_F(PolicyTest, ManyUnitsAreCheckedInParallel) {
  for (int i = 0; i < 400; ++i) {
    const std::string t = fmt::format("t{:03}", i);
    tf::Unit& u = Add("dev", "tenant-" + t, t);
    u.Resource("aws_subnet", t,
               {{"cidr_block", fmt::format("10.{}.{}.0/24", 1 + i / 200, i % 200)},
                {"availability_zone", "eu-west-1a"}},
               "tenants/" + t + ".yaml:1");
    tf::Ref sg = u.Resource("aws_security_group", t, Json::object(), "tenants/" + t + ".yaml:1");
    if (i == 50)
      u.Resource("aws_vpc_security_group_ingress_rule", "wide",
                 {{"security_group_id", sg["id"]}, {"cidr_ipv4", "10.2.0.0/16"}},
                 "tenants/t050.yaml:2");
    if (i == 390)
      u.Resource("aws_subnet", "open", {{"map_public_ip_on_launch", true}}, "tenants/t390.yaml:2");
  }
  Run();
  ASSERT_EQ(diags.items().size(), 2u) << All();
  EXPECT_EQ(diags.items()[0].code, codes::kPolicyTenantIsolation);
  EXPECT_NE(diags.items()[0].message.find("covers tenant t200's subnet 10.2.0.0/24"),
            std::string::npos)
      << All();
  EXPECT_EQ(diags.items()[1].code, codes::kPolicyPublic);
  EXPECT_NE(diags.items()[1].message.find("unit dev/tenant-t390"), std::string::npos) << All();
}

// Given the provider schema (skipped when `make schema` has not run), every type listed as
// holding no policy document should have no argument naming a policy, and the list is sorted.
TEST(PolicyTables, TypesWithoutPoliciesAgreeWithTheSchema) {
  auto types = TypesWithoutPolicies();
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_TRUE(MayHoldPolicy("aws_iam_role", nullptr));
  EXPECT_TRUE(MayHoldPolicy("aws_some_future_type", nullptr));
  EXPECT_FALSE(MayHoldPolicy("aws_subnet", nullptr));
  std::string path = std::string(EURUS_BINARY).substr(0, std::string(EURUS_BINARY).rfind('/')) +
                     "/aws-schema.json";
  if (const char* env = std::getenv("EURUS_AWS_SCHEMA"); env && *env) path = env;
  RealFileSystem fs;
  std::string err;
  auto text = fs.Read(path, &err);
  if (!text) GTEST_SKIP() << "no schema at " << path << " (run `make schema`)";
  auto schema = Schema::Parse(*text, &err);
  ASSERT_TRUE(schema) << err;
  for (std::string_view t : types) {
    ASSERT_TRUE(schema->Resource(t)) << t;
    EXPECT_FALSE(MayHoldPolicy(t, &*schema)) << t << " has a policy argument";
  }
  EXPECT_TRUE(MayHoldPolicy("aws_iam_role", &*schema));
  EXPECT_TRUE(MayHoldPolicy("aws_kms_key", &*schema));
}

// ---- the examples -----------------------------------------------------------------------------

/// Synthesizes examples/<name> with its committed lock and runs the policy as synth does.
std::vector<std::string> ExampleFindings(const std::string& name) {
  RealFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  const std::string dir = std::string(EURUS_SOURCE_DIR) + "/examples/" + name;
  auto project = config::LoadProject(fs, dir, sources, diags);
  EXPECT_TRUE(project.has_value());
  if (!project) return {"cannot load"};
  Lock lock;
  std::string err;
  if (auto text = fs.Read(dir + "/eurus.lock.json", &err)) {
    LockParseError perr;
    auto parsed = ParseLock(*text, &perr);
    EXPECT_TRUE(parsed.has_value()) << perr.message;
    if (parsed) lock = *parsed;
  }
  model::BuildResult r = model::Build(*project, lock, {}, diags);
  EXPECT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
  if (!r.org) return {"cannot build"};
  synth::Context sctx(*r.org, sources, dir);
  std::vector<tf::Unit> units = synth::Synthesize(sctx);
  std::vector<PolicyUnit> view;
  for (const auto& u : units) view.push_back(FromUnit(u));
  Diagnostics findings;
  PolicyStats stats = CheckPolicy(view, ContextFromOrg(*r.org), &sources, findings);
  EXPECT_EQ(stats.units, units.size());
  EXPECT_GT(stats.resources, 0u);
  std::vector<std::string> out;
  for (const auto& d : findings.items()) out.push_back(d.code + " " + d.message);
  return out;
}

// Given the bundled examples, synthesized as `eurus synth` does, we should report nothing.
TEST(PolicyExamples, AcmeIsClean) {
  auto f = ExampleFindings("acme");
  EXPECT_TRUE(f.empty()) << ::testing::PrintToString(f);
}

TEST(PolicyExamples, MinimalIsClean) {
  auto f = ExampleFindings("minimal");
  EXPECT_TRUE(f.empty()) << ::testing::PrintToString(f);
}

// ---- E0811 tenant roles -----------------------------------------------------------------------

/// Role `name` (block `key`) in `u`, with its account's boundary and one inline policy.
void RoleWithPolicy(tf::Unit& u, const std::string& key, const std::string& name, Json statements,
                    const std::string& origin) {
  const std::string boundary = "arn:aws:iam::" + u.providers[0].account + ":policy/acme-boundary";
  tf::Ref role = u.Resource("aws_iam_role", key,
                            {{"name", name}, {"assume_role_policy", "{}"}, {"permissions_boundary", boundary}},
                            origin);
  u.Resource("aws_iam_role_policy", key,
             {{"name", "p"},
              {"role", role["id"]},
              {"policy", Json{{"Version", "2012-10-17"}, {"Statement", std::move(statements)}}.dump()}},
             origin);
}

Json Allow(const std::string& sid, Json actions, Json resources) {
  return {{"Sid", sid}, {"Effect", "Allow"}, {"Action", std::move(actions)}, {"Resource", std::move(resources)}};
}

// Given shop's read role reaching blog's log group, alarms and cluster, a secret, and `logs:*`
// on `*`, and shop's release role pushing blog's repository and every repository, we should
// report each of those once and nothing for shop's own resources, the environment dashboard,
// the account-wide reads, the ECS lists held to shop's cluster, or a Deny; a role that is not
// a tenant role is not judged.
TEST_F(PolicyTest, TenantRolesReachOnlyTheirOwnResources) {
  tf::Unit& t = Add("dev", "tenant-shop", "shop");
  const std::string at = "eu-west-1:" + std::string(kDevAccount) + ":";
  Json list_own = Allow("ListOwn", {"ecs:ListServices", "ecs:ListTasks"}, "*");
  list_own["Condition"] = {{"ArnEquals", {{"ecs:cluster", "arn:aws:ecs:" + at + "cluster/acme-shop"}}}};
  Json list_blog = Allow("ListBlog", "ecs:ListTasks", "*");
  list_blog["Condition"] = {{"ArnEquals", {{"ecs:cluster", "arn:aws:ecs:" + at + "cluster/acme-blog"}}}};
  RoleWithPolicy(
      t, "tenant_read", "acme-shop-read",
      {Allow("OwnLogs", {"logs:FilterLogEvents", "logs:StartQuery"},
             "arn:aws:logs:" + at + "log-group:/eurus/acme/dev/shop/*"),
       Allow("BlogLogs", "logs:FilterLogEvents", "arn:aws:logs:" + at + "log-group:/eurus/acme/dev/blog/web"),
       Allow("Everything", "logs:*", "*"),
       Allow("Reads", {"cloudwatch:GetMetricData", "xray:GetTraceSummaries", "logs:GetQueryResults"}, "*"),
       list_own, list_blog,
       Allow("Alarms", "cloudwatch:DescribeAlarms",
             {"arn:aws:cloudwatch:" + at + "alarm:acme-shop-*", "arn:aws:cloudwatch:" + at + "alarm:acme-blog-*"}),
       Allow("Cluster", "ecs:DescribeServices",
             {"arn:aws:ecs:" + at + "service/acme-shop/*", "arn:aws:ecs:" + at + "service/acme-blog/*"}),
       Allow("Dashboard", "cloudwatch:GetDashboard", "arn:aws:cloudwatch::444444444444:dashboard/acme-dev-platform"),
       Allow("Secret", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:" + at + "secret:acme/shop/key"),
       Allow("Reference", "ssm:GetParameter", "${aws_ssm_parameter.web_image.arn}"),
       {{"Sid", "DenyAll"}, {"Effect", "Deny"}, {"Action", "*"}, {"Resource", "*"}}},
      "tenants/shop.yaml:3");
  RoleWithPolicy(t, "tenant_release", "acme-shop-release",
                 {Allow("Params", "ssm:PutParameter", "arn:aws:ssm:" + at + "parameter/eurus/dev/shop/*/image"),
                  Allow("BlogParams", "ssm:PutParameter", "arn:aws:ssm:" + at + "parameter/eurus/dev/blog/web/image")},
                 "tenants/shop.yaml:3");
  // Not a tenant role (E0811 judges `<org>-<tenant>-read|release` only).
  RoleWithPolicy(t, "web_task", "acme-shop-web-task",
                 {Allow("X", "logs:FilterLogEvents", "arn:aws:logs:" + at + "log-group:/eurus/acme/dev/blog/web")},
                 "tenants/shop.yaml:5");

  tf::Unit& reg = Add("prod", "registry", "platform");
  const std::string repo = "arn:aws:ecr:eu-west-1:" + std::string(kProdAccount) + ":repository/";
  reg.Resource("aws_ecr_repository", "shop--web", {{"name", "shop/web"}}, "tenants/shop.yaml:4");
  reg.Resource("aws_ecr_repository", "blog--api", {{"name", "blog/api"}}, "tenants/blog.yaml:4");
  reg.Resource("aws_ecr_repository", "eurus--aws-otel-collector", {{"name", "eurus/aws-otel-collector"}},
               "eurus.yaml:6");
  RoleWithPolicy(reg, "release_shop", "acme-shop-release",
                 {Allow("EcrLogin", "ecr:GetAuthorizationToken", "*"),
                  Allow("Push", {"ecr:PutImage", "ecr:UploadLayerPart"},
                        {repo + "shop/web", repo + "blog/api", repo + "*", repo + "eurus/aws-otel-collector"}),
                  Allow("PushAnywhere", "ecr:PutImage", "*")},
                 "tenants/shop.yaml:3");
  RoleWithPolicy(reg, "release_blog", "acme-blog-release",
                 {Allow("EcrLogin", "ecr:GetAuthorizationToken", "*"), Allow("Push", "ecr:PutImage", repo + "blog/api")},
                 "tenants/blog.yaml:3");
  Run();
  const char* code = codes::kPolicyTenantRole;
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`BlogLogs`", "/eurus/acme/dev/blog/web", "belongs to tenant `blog`"}));
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`Everything`", "allows `logs:*` on `*`"}));
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`ListBlog`", "allows `ecs:ListTasks` on `*`"}));
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`Alarms`", "alarm:acme-blog-*", "belongs to tenant `blog`"}));
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`Cluster`", "service/acme-blog/*", "belongs to tenant `blog`"}));
  EXPECT_TRUE(Reported(code, {"acme-shop-read", "`Secret`", "is not tenant `shop`'s"}));
  EXPECT_TRUE(Reported(code, {"unit dev/tenant-shop", "acme-shop-release", "`BlogParams`", "belongs to tenant `blog`"}));
  EXPECT_TRUE(Reported(code, {"unit prod/registry", "acme-shop-release", "repository/blog/api", "belongs to tenant `blog`"}));
  EXPECT_TRUE(Reported(code, {"unit prod/registry", "acme-shop-release", "repository/*"}));
  EXPECT_TRUE(Reported(code, {"unit prod/registry", "acme-shop-release", "repository/eurus/aws-otel-collector"}));
  EXPECT_TRUE(Reported(code, {"unit prod/registry", "acme-shop-release", "`PushAnywhere`", "`ecr:PutImage` on `*`"}));
  EXPECT_FALSE(Reported(code, {"acme-shop-web-task"}));
  EXPECT_FALSE(Reported(code, {"acme-blog-release"}));
  EXPECT_EQ(diags.errors(), 11u) << All();
}

/// The policy findings of examples/<name> when every tenant gives its team both roles (set
/// on the model, so every tenant of the examples has them, not only acme's shop).
std::vector<std::string> ExampleWithAccessFindings(const std::string& name, size_t* roles) {
  synth::testing::Example ex(name, [](model::Org& org) {
    for (auto& t : org.tenants)
      t.access = {{"arn:aws:iam::777777777777:role/" + t.name + "-team"},
                  {"arn:aws:iam::777777777777:role/" + t.name + "-ci"}, {}};
  });
  if (!ex.org) return {"cannot load"};
  const std::vector<tf::Unit>& units = ex.units;
  std::vector<PolicyUnit> view;
  for (const auto& u : units) view.push_back(FromUnit(u));
  *roles = 0;
  for (const auto& u : units) {
    const Json doc = Json::parse(u.MainJson());
    if (!doc.contains("resource") || !doc.at("resource").contains("aws_iam_role")) continue;
    for (const auto& body : doc.at("resource").at("aws_iam_role")) {
      const std::string role = body.value("name", "");
      if (role.ends_with("-read") || role.ends_with("-release")) ++*roles;
    }
  }
  Diagnostics findings;
  CheckPolicy(view, ContextFromOrg(*ex.org), &ex.sources, findings);
  std::vector<std::string> out;
  for (const auto& d : findings.items()) out.push_back(d.code + " " + d.message);
  return out;
}

// Given the bundled examples with every tenant's read and release roles, synthesized as
// `eurus synth` does, we should report nothing (E0811 included).
TEST(PolicyExamples, TenantRolesOfTheExamplesAreClean) {
  for (const char* name : {"acme", "minimal"}) {
    SCOPED_TRACE(name);
    size_t roles = 0;
    auto f = ExampleWithAccessFindings(name, &roles);
    EXPECT_TRUE(f.empty()) << ::testing::PrintToString(f);
    EXPECT_GT(roles, 0u);
  }
}

}  // namespace
}  // namespace eurus::check
