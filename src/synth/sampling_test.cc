#include "synth/sampling.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "diag/codes.h"
#include "check/glob.h"
#include "model/naming.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::Resource;
using testing::ResourceCount;

/// X-Ray's wildcard match of a rule field against a value (`*` any characters, `?` one):
/// the same matching as check/glob.h.
bool XrayMatch(const std::string& pattern, const std::string& value) { return check::Glob(pattern, value); }

/// The base org (dev: nonprod, prod: prod); tenant shop (web and worker in dev and prod),
/// tenant shopx (api in dev; its name starts with shop's), tenant idle (dev, no apps). The
/// decoder does not read `tracing` yet: tests set the model's fields and call Resynth().
struct SamplingTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web: { image: shop/web, port: 8080, cpu: 256, memory: 512, route: { host: shop } }\n"
        "  worker: { image: shop/worker, cpu: 256, memory: 512,\n"
        "            environment: { OTEL_SERVICE_NAME: jobs } }\n";
    fs.files["tenants/shopx.yaml"] =
        "environments: [dev]\n"
        "apps:\n"
        "  api: { image: shopx/api, cpu: 256, memory: 512 }\n";
    fs.files["tenants/idle.yaml"] = "environments: [dev]\n";
  }

  model::Environment& Env(const std::string& name) {
    for (model::Environment& e : org->environments)
      if (e.name == name) return e;
    throw std::out_of_range("no environment " + name);
  }
  model::Deployment& Dep(const std::string& tenant, const std::string& env) {
    for (model::Tenant& t : org->tenants)
      for (model::Deployment& d : t.deployments)
        if (t.name == tenant && d.env == env) return d;
    throw std::out_of_range("no deployment of " + tenant + " in " + env);
  }
  /// Synthesizes again from the (edited) model.
  void Resynth() {
    ctx.emplace(*org, sources, ".");
    units = Synthesize(*ctx);
  }

  /// The app container's environment variables of `app` in a tenant unit, by name.
  std::map<std::string, std::string> AppEnv(const tf::Unit& u, const std::string& block) {
    Json defs = Json::parse(Resource(u, "aws_ecs_task_definition", block)["container_definitions"].get<std::string>());
    std::map<std::string, std::string> out;
    for (const Json& c : defs)
      if (c["name"] == "app")
        for (const Json& e : c["environment"]) out[e["name"]] = e["value"];
    return out;
  }
};

// Given the longest org (12) and tenant (16) names, the rule names should fit X-Ray's 32
// characters, and the default rule's name should never be a tenant rule's name.
TEST(SamplingNames, FitAndNeverCollide) {
  const std::string org = "abcdefghijkl", tenant = "abcdefghijklmnop";
  naming::Name def = naming::DefaultSamplingRule(org);
  naming::Name ten = naming::TenantSamplingRule(org, tenant);
  EXPECT_EQ(def.value, "abcdefghijkl-all-services");
  EXPECT_EQ(ten.value, "abcdefghijkl-abcdefghijklmnop");
  EXPECT_EQ(ten.value.size(), 29u);
  EXPECT_EQ(naming::Problem(def), "");
  EXPECT_EQ(naming::Problem(ten), "");
  EXPECT_EQ(naming::Limit(naming::Kind::kSamplingRule), 32u);
  EXPECT_EQ(naming::Problem({naming::Kind::kSamplingRule, std::string(33, 'a'), {}}),
            "is 33 characters; the limit is 32");
  EXPECT_EQ(naming::Problem({naming::Kind::kSamplingRule, "acme shop", {}}),
            "may hold only letters, digits and hyphens");
  // Tenant names hold no '-': no tenant's rule is called "<org>-all-services".
  for (const char* t : {"all", "default", "allservices"})
    EXPECT_NE(naming::TenantSamplingRule("acme", t).value, naming::DefaultSamplingRule("acme").value);
}

// Given the rules' priorities, a tenant's rule should come before the environment's, and the
// environment's before AWS's Default (X-Ray evaluates ascending; 1-9999 for rules we make).
TEST(SamplingPriorities, TenantThenEnvironmentThenAws) {
  EXPECT_GE(sampling::kTenantPriority, 1);
  EXPECT_LT(sampling::kTenantPriority, sampling::kEnvironmentPriority);
  EXPECT_LT(sampling::kEnvironmentPriority, sampling::kAwsDefaultPriority);
  EXPECT_LE(sampling::kEnvironmentPriority, 9999);
}

// Given tenants shop and shopx, shop's pattern should match all of shop's service names and
// none of shopx's (nor an unprefixed name), though one name starts with the other.
TEST(SamplingNames, TenantPatternMatchesOnlyItsServices) {
  const std::string shop = sampling::TenantServices("shop");
  EXPECT_EQ(shop, "shop-*");
  EXPECT_EQ(sampling::ServiceName("shop", "web"), "shop-web");
  EXPECT_TRUE(XrayMatch(shop, sampling::ServiceName("shop", "web")));
  EXPECT_TRUE(XrayMatch(shop, sampling::ServiceName("shop", "order-api")));
  EXPECT_FALSE(XrayMatch(shop, sampling::ServiceName("shopx", "web")));
  EXPECT_FALSE(XrayMatch(shop, "web"));
  EXPECT_TRUE(XrayMatch("*", sampling::ServiceName("shopx", "web")));
}

// Given an environment's rate and reservoir, its platform unit should hold one rule matching
// every service and request at that rate, between the tenants' rules and AWS's Default.
TEST_F(SamplingTest, DefaultRuleInEveryPlatformMatchesAll) {
  Synth();
  Env("dev").sampling_rate = model::kSamplingRateNonprod;
  Env("prod").sampling_rate = model::kSamplingRateProd;
  Env("prod").sampling_reservoir = 3;
  Resynth();
  for (const char* env : {"dev", "prod"}) {
    const tf::Unit& p = U(std::string(env) + "/platform");
    ASSERT_EQ(ResourceCount(p, "aws_xray_sampling_rule"), 1) << env;
    Json r = Resource(p, "aws_xray_sampling_rule", "default");
    EXPECT_EQ(r["rule_name"], "acme-all-services");
    EXPECT_EQ(r["priority"], sampling::kEnvironmentPriority);
    EXPECT_EQ(r["version"], 1);
    for (const char* field : {"service_name", "service_type", "host", "http_method", "url_path", "resource_arn"})
      EXPECT_EQ(r[field], "*") << env << " " << field;
    EXPECT_FALSE(r.contains("attributes"));
  }
  EXPECT_EQ(Resource(U("dev/platform"), "aws_xray_sampling_rule", "default")["fixed_rate"], 0.01);
  EXPECT_EQ(Resource(U("dev/platform"), "aws_xray_sampling_rule", "default")["reservoir_size"], 1);
  EXPECT_EQ(Resource(U("prod/platform"), "aws_xray_sampling_rule", "default")["fixed_rate"], 0.05);
  EXPECT_EQ(Resource(U("prod/platform"), "aws_xray_sampling_rule", "default")["reservoir_size"], 3);
}

// Given a deployment with its own rate, its tenant unit should hold a rule for its services
// only, at that rate with the environment's reservoir, before the environment's rule; other
// deployments (no rate, or no apps) should have none.
TEST_F(SamplingTest, TenantRuleOnlyWhereRateIsSet) {
  Synth();
  for (const tf::Unit& u : units) EXPECT_EQ(ResourceCount(u, "aws_xray_sampling_rule"), u.name() == "platform") << u.id();
  Env("dev").sampling_reservoir = 2;
  Dep("shop", "dev").sampling_rate = 0.25;
  Dep("idle", "dev").sampling_rate = 0.5;
  Resynth();
  EXPECT_TRUE(HasResource(U("dev/tenant-shop"), "aws_xray_sampling_rule",
                          R"({"rule_name":"acme-shop","priority":1000,"version":1,"fixed_rate":0.25,
                              "reservoir_size":2,"service_name":"shop-*","service_type":"*","host":"*",
                              "http_method":"*","url_path":"*","resource_arn":"*"})"));
  EXPECT_EQ(ResourceCount(U("prod/tenant-shop"), "aws_xray_sampling_rule"), 0);
  EXPECT_EQ(ResourceCount(U("dev/tenant-shopx"), "aws_xray_sampling_rule"), 0);
  EXPECT_EQ(ResourceCount(U("dev/tenant-idle"), "aws_xray_sampling_rule"), 0);
}

// Given apps of two tenants, each app should name its service "<tenant>-<app>" (unless its
// own environment sets OTEL_SERVICE_NAME), keep the tenant as service.namespace, and sample
// locally at its rule's rate with a sampler every OpenTelemetry SDK knows.
TEST_F(SamplingTest, AppsNameTheirServiceAndSampleAtTheirRate) {
  Synth();
  Env("prod").sampling_rate = 0.05;
  Dep("shop", "dev").sampling_rate = 0.25;
  Resynth();
  auto web = AppEnv(U("dev/tenant-shop"), "shop_web");
  EXPECT_EQ(web["OTEL_SERVICE_NAME"], "shop-web");
  EXPECT_EQ(web["OTEL_RESOURCE_ATTRIBUTES"], "service.namespace=shop,deployment.environment=dev");
  EXPECT_EQ(web["OTEL_TRACES_SAMPLER"], "parentbased_traceidratio");
  EXPECT_EQ(web["OTEL_TRACES_SAMPLER_ARG"], "0.25");
  EXPECT_EQ(AppEnv(U("prod/tenant-shop"), "shop_web")["OTEL_TRACES_SAMPLER_ARG"], "0.05");
  EXPECT_EQ(AppEnv(U("dev/tenant-shop"), "shop_worker")["OTEL_SERVICE_NAME"], "jobs");
  auto api = AppEnv(U("dev/tenant-shopx"), "shopx_api");
  EXPECT_EQ(api["OTEL_SERVICE_NAME"], "shopx-api");
  EXPECT_EQ(api["OTEL_TRACES_SAMPLER_ARG"], sampling::RateText(Env("dev").sampling_rate));
  EXPECT_FALSE(XrayMatch(sampling::TenantServices("shop"), api["OTEL_SERVICE_NAME"]));
}

// Given an app, its collector sidecar should run the image's traces-only config plus the
// X-Ray sampling proxy on localhost:2000, where the ADOT remote sampler looks by default.
TEST_F(SamplingTest, CollectorProxiesSamplingOnLocalhost) {
  Synth();
  Json defs = Json::parse(
      Resource(U("dev/tenant-shop"), "aws_ecs_task_definition", "shop_web")["container_definitions"].get<std::string>());
  Json otel;
  for (const Json& c : defs)
    if (c["name"] == "otel-collector") otel = c;
  EXPECT_EQ(otel["command"], Json::parse(R"(["--config=/etc/ecs/ecs-xray.yaml",
                                              "--set=extensions.awsproxy.endpoint=localhost:2000",
                                              "--set=service.extensions=[health_check, awsproxy]"])"));
  EXPECT_FALSE(otel.contains("portMappings"));  // nothing outside the task reaches it
}

// Given an app listening on 2000, the build should refuse it (E0323): the collector's X-Ray
// sampling proxy holds that port in every task.
TEST(SamplingProxy, ReservesItsPort) {
  MemoryFileSystem fs;
  testing::BaseOrg(fs);
  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\napps:\n  web: { image: shop/web, port: 2000, cpu: 256, memory: 512 }\n";
  SourceMap sources;
  Diagnostics diags;
  auto project = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(project.has_value());
  model::BuildResult r = model::Build(*project, Lock{}, {}, diags);
  EXPECT_FALSE(r.org.has_value());
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, codes::kReservedPort);
}

// Given the rate texts an SDK reads, they should be exact and short.
TEST(SamplingRate, Text) {
  EXPECT_EQ(sampling::RateText(0.05), "0.05");
  EXPECT_EQ(sampling::RateText(0.01), "0.01");
  EXPECT_EQ(sampling::RateText(1), "1");
  EXPECT_EQ(sampling::RateText(0), "0");
}

}  // namespace
}  // namespace eurus::synth
