#include "synth/access.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "check/glob.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::Json;
using testing::Resource;
using testing::ResourcesByName;

constexpr char kA[] = "arn:aws:iam::777777777777:role/shop-team";
constexpr char kB[] = "arn:aws:iam::777777777777:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Shop_1a2b";
constexpr char kCi[] = "arn:aws:iam::888888888888:role/shop-ci";

/// IAM's wildcard match (`*` any run of characters, `/` and `:` included; `?` one): the
/// same as AWS Backup's (check/glob.h).
using check::Glob;

/// The base org with tenants shop (dev and prod: a routed web app and a worker) and shopx
/// (dev: a name that starts with shop's), each with its own image.
struct AccessTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n    image: shop/web\n    cpu: 256\n    memory: 512\n    port: 8080\n    route: { host: shop }\n"
        "  worker:\n    image: shop/worker\n    cpu: 256\n    memory: 512\n    command: [\"./worker\"]\n";
    fs.files["tenants/shopx.yaml"] =
        "environments: [dev]\n"
        "apps:\n"
        "  web:\n    image: shopx/web\n    cpu: 256\n    memory: 512\n    port: 8080\n    route: { host: shopx }\n";
  }

  /// Synthesizes with `access` set on the tenants it names (on the model: the YAML decoder
  /// of `access` is another change).
  void SynthWith(const std::map<std::string, model::Access>& access) {
    auto p = config::LoadProject(fs, ".", sources, diags);
    ASSERT_TRUE(p.has_value());
    model::BuildResult r = model::Build(*p, lock, {}, diags);
    ASSERT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
    org = std::move(r.org);
    for (auto& t : org->tenants)
      if (auto it = access.find(t.name); it != access.end()) t.access = it->second;
    ctx.emplace(*org, sources, ".");
    units = Synthesize(*ctx);
  }

  static Json Doc(const Json& body, const char* key) { return Json::parse(body[key].get<std::string>()); }
  /// The statements of an inline policy by Sid.
  static std::map<std::string, Json> BySid(const tf::Unit& u, const std::string& block) {
    std::map<std::string, Json> out;
    const Json policy = Doc(Resource(u, "aws_iam_role_policy", block), "policy");
    for (const Json& st : policy["Statement"]) out[st["Sid"]] = st;
    return out;
  }
  /// Every `name` (or `alarm_name`) of the unit's resources of `type`.
  static std::vector<std::string> Names(const tf::Unit& u, const std::string& type, const char* key = "name") {
    std::vector<std::string> out;
    for (const auto& [k, body] : ResourcesByName(u, type)) out.push_back(body[key]);
    return out;
  }
};

// Given no `access`, we should make no tenant role anywhere.
TEST_F(AccessTest, NoRolesWithoutAccess) {
  SynthWith({});
  for (const auto& u : units) {
    SCOPED_TRACE(u.id());
    EXPECT_TRUE(Resource(u, "aws_iam_role", "tenant_read").is_null());
    EXPECT_TRUE(Resource(u, "aws_iam_role", "tenant_release").is_null());
    for (const auto& name : Names(u, "aws_iam_role"))
      EXPECT_FALSE(name.ends_with("-read") || name.ends_with("-release")) << name;
  }
}

// Given read principals (one twice), each of shop's units should hold `acme-shop-read`
// trusted by exactly those principals (sorted, once each), carrying the account's boundary; shopx has none.
TEST_F(AccessTest, ReadRoleTrustsExactlyItsPrincipals) {
  SynthWith({{"shop", {{kB, kA, kB}, {}, {}}}});
  for (const auto& [id, account] : {std::pair{"dev/tenant-shop", "444444444444"},
                                    std::pair{"prod/tenant-shop", "555555555555"}}) {
    SCOPED_TRACE(id);
    const Json role = Resource(U(id), "aws_iam_role", "tenant_read");
    ASSERT_FALSE(role.is_null());
    EXPECT_EQ(role["name"], "acme-shop-read");
    EXPECT_EQ(role["permissions_boundary"], std::string("arn:aws:iam::") + account + ":policy/acme-boundary");
    EXPECT_EQ(Doc(role, "assume_role_policy")["Statement"], Json::parse(std::string(R"([{"Sid":"TenantTeam",
        "Effect":"Allow","Principal":{"AWS":[")") + kB + "\",\"" + kA + R"("]},"Action":"sts:AssumeRole"}])"));
    EXPECT_EQ(Resource(U(id), "aws_iam_role_policy", "tenant_read")["role"], "${aws_iam_role.tenant_read.id}");
    EXPECT_TRUE(Resource(U(id), "aws_iam_role", "tenant_release").is_null());
  }
  EXPECT_TRUE(Resource(U("dev/tenant-shopx"), "aws_iam_role", "tenant_read").is_null());
}

// Given read access, each statement should name exactly the tenant's own resources of the
// environment, `*` only where IAM cannot scope (and the ECS lists held to the own cluster).
TEST_F(AccessTest, ReadRoleStatementsAndTheirResources) {
  SynthWith({{"shop", {{kA}, {}, {}}}});
  auto sts = BySid(U("dev/tenant-shop"), "tenant_read");
  EXPECT_EQ(sts.size(), 7u);
  const std::string region_account = "eu-west-1:444444444444";
  EXPECT_EQ(sts["OwnLogGroups"]["Resource"], "arn:aws:logs:" + region_account + ":log-group:/eurus/acme/dev/shop/*");
  EXPECT_EQ(sts["OwnLogGroups"]["Action"], Json::parse(R"(["logs:DescribeLogStreams","logs:FilterLogEvents",
      "logs:GetLogEvents","logs:GetLogGroupFields","logs:StartLiveTail","logs:StartQuery"])"));
  EXPECT_EQ(sts["LogsCallsWithoutResource"]["Resource"], "*");
  EXPECT_EQ(sts["LogsCallsWithoutResource"]["Action"], Json::parse(R"(["logs:DescribeLogGroups",
      "logs:GetQueryResults","logs:StopLiveTail","logs:StopQuery"])"));
  EXPECT_EQ(sts["EnvironmentDashboard"]["Resource"], "arn:aws:cloudwatch::444444444444:dashboard/acme-dev-platform");
  EXPECT_EQ(Resource(U("dev/platform"), "aws_cloudwatch_dashboard", "platform")["dashboard_name"], "acme-dev-platform");
  // One pattern per app: `<org>-<tenant>-<app>-*`.
  EXPECT_EQ(sts["OwnAlarms"]["Resource"], Json({"arn:aws:cloudwatch:" + region_account + ":alarm:acme-shop-web-*",
                                                "arn:aws:cloudwatch:" + region_account + ":alarm:acme-shop-worker-*"}));
  const std::string cluster = "arn:aws:ecs:" + region_account + ":cluster/acme-shop";
  EXPECT_EQ(sts["OwnCluster"]["Resource"],
            Json({cluster, "arn:aws:ecs:" + region_account + ":service/acme-shop/*",
                  "arn:aws:ecs:" + region_account + ":task/acme-shop/*"}));
  EXPECT_EQ(sts["ListOwnCluster"]["Resource"], "*");
  EXPECT_EQ(sts["ListOwnCluster"]["Condition"], Json({{"ArnEquals", {{"ecs:cluster", cluster}}}}));
  EXPECT_EQ(sts["AccountWideReadsIamCannotScope"]["Resource"], "*");
  EXPECT_EQ(sts["AccountWideReadsIamCannotScope"]["Action"], Json::parse(R"(["cloudwatch:GetMetricData",
      "cloudwatch:GetMetricStatistics","cloudwatch:ListDashboards","cloudwatch:ListMetrics",
      "xray:BatchGetTraces","xray:GetServiceGraph","xray:GetTimeSeriesServiceStatistics",
      "xray:GetTraceGraph","xray:GetTraceSummaries"])"));
  // The prod unit names the prod account and environment.
  auto prod = BySid(U("prod/tenant-shop"), "tenant_read");
  EXPECT_EQ(prod["OwnLogGroups"]["Resource"], "arn:aws:logs:eu-west-1:555555555555:log-group:/eurus/acme/prod/shop/*");
  EXPECT_EQ(prod["EnvironmentDashboard"]["Resource"], "arn:aws:cloudwatch::555555555555:dashboard/acme-prod-platform");
}

// Given shop and shopx (whose name starts with shop's), shop's patterns should match every
// log group, alarm, cluster and image parameter of shop's unit and none of shopx's: the
// separator after the tenant (`/`, `-`) is never part of a tenant name.
TEST_F(AccessTest, PatternsReachOwnResourcesAndNoOtherTenants) {
  SynthWith({{"shop", {{kA}, {kCi}, {}}}});
  auto read = BySid(U("dev/tenant-shop"), "tenant_read");
  auto release = BySid(U("dev/tenant-shop"), "tenant_release");
  const std::string logs = read["OwnLogGroups"]["Resource"];
  const Json alarm_patterns = read["OwnAlarms"]["Resource"];
  auto alarms_match = [&](const std::string& arn) {
    for (const auto& p : alarm_patterns)
      if (Glob(p.get<std::string>(), arn)) return true;
    return false;
  };
  const std::string params = release["OwnImageParameters"]["Resource"];
  const std::string services = read["OwnCluster"]["Resource"][1];
  auto check = [&](const std::string& id, bool own) {
    SCOPED_TRACE(id);
    const tf::Unit& u = U(id);
    int n = 0;
    for (const auto& g : Names(u, "aws_cloudwatch_log_group")) {
      if (!g.starts_with("/eurus/")) continue;  // the data stores' own groups are not app logs
      EXPECT_EQ(Glob(logs, "arn:aws:logs:eu-west-1:444444444444:log-group:" + g), own) << g;
      ++n;
    }
    for (const auto& a : Names(u, "aws_cloudwatch_metric_alarm", "alarm_name")) {
      EXPECT_EQ(alarms_match("arn:aws:cloudwatch:eu-west-1:444444444444:alarm:" + a), own) << a;
      ++n;
    }
    for (const auto& p : Names(u, "aws_ssm_parameter")) {
      EXPECT_EQ(Glob(params, "arn:aws:ssm:eu-west-1:444444444444:parameter" + p), own) << p;
      ++n;
    }
    for (const auto& c : Names(u, "aws_ecs_cluster")) {
      EXPECT_EQ("arn:aws:ecs:eu-west-1:444444444444:cluster/" + c == read["OwnCluster"]["Resource"][0], own);
      EXPECT_EQ(Glob(services, "arn:aws:ecs:eu-west-1:444444444444:service/" + c + "/web"), own);
      ++n;
    }
    EXPECT_GE(n, 4);
  };
  check("dev/tenant-shop", true);
  check("dev/tenant-shopx", false);
  // The environment's own alarms and log groups are not shop's either.
  for (const auto& a : Names(U("dev/platform"), "aws_cloudwatch_metric_alarm", "alarm_name"))
    EXPECT_FALSE(alarms_match("arn:aws:cloudwatch:eu-west-1:444444444444:alarm:" + a)) << a;
  for (const auto& g : Names(U("dev/network"), "aws_cloudwatch_log_group"))
    EXPECT_FALSE(Glob(logs, "arn:aws:logs:eu-west-1:444444444444:log-group:" + g)) << g;
}

// Given release principals, each of shop's units should hold `acme-shop-release`, trusted
// by them, writing only the image parameters of shop in that environment (plain Strings:
// no KMS).
TEST_F(AccessTest, ReleaseRoleWritesOwnImageParameters) {
  SynthWith({{"shop", {{}, {kCi}, {}}}});
  const tf::Unit& u = U("dev/tenant-shop");
  const Json role = Resource(u, "aws_iam_role", "tenant_release");
  EXPECT_EQ(role["name"], "acme-shop-release");
  EXPECT_EQ(Doc(role, "assume_role_policy")["Statement"][0]["Principal"], Json({{"AWS", kCi}}));
  EXPECT_TRUE(Resource(u, "aws_iam_role", "tenant_read").is_null());
  auto sts = BySid(u, "tenant_release");
  ASSERT_EQ(sts.size(), 1u);
  EXPECT_EQ(sts["OwnImageParameters"]["Action"],
            Json({"ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"}));
  EXPECT_EQ(sts["OwnImageParameters"]["Resource"], "arn:aws:ssm:eu-west-1:444444444444:parameter/eurus/dev/shop/*/image");
  for (const auto& [k, p] : ResourcesByName(u, "aws_ssm_parameter")) EXPECT_EQ(p["type"], "String") << k;
  EXPECT_EQ(BySid(U("prod/tenant-shop"), "tenant_release")["OwnImageParameters"]["Resource"],
            "arn:aws:ssm:eu-west-1:555555555555:parameter/eurus/prod/shop/*/image");
}

}  // namespace
}  // namespace eurus::synth
