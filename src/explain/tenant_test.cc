#include "explain/tenant.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cost/estimate.h"
#include "cost/prices.h"
#include "explain/testing.h"

namespace eurus::explain {
namespace {

using testing::Compiled;
using Json = nlohmann::json;

const EnvReport* Env(const TenantReport& r, const std::string& env) {
  for (const auto& e : r.envs)
    if (e.env == env) return &e;
  return nullptr;
}

const AppReport* App(const EnvReport& e, const std::string& name) {
  for (const auto& a : e.apps)
    if (a.name == name) return &a;
  return nullptr;
}

bool HasUrl(const EnvReport& e, const std::string& via, const std::string& url) {
  return std::any_of(e.urls.begin(), e.urls.end(), [&](const Url& u) { return u.via == via && u.url == url; });
}

// Given acme's shop, we should see its storefront behind CloudFront and on the internal ALB,
// in every environment it is deployed in.
TEST(ExplainTenantTest, AcmeShopUrls) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "shop", "");
  ASSERT_EQ(r.envs.size(), 3u);
  const EnvReport* dev = Env(r, "dev");
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->unit, "dev/tenant-shop");
  EXPECT_TRUE(HasUrl(*dev, "cloudfront", "https://shop.dev.acme.example.com/"));
  EXPECT_TRUE(HasUrl(*dev, "alb", "https://shop.dev.acme.example.com/*"));
  // prod owns the apex zone: the storefront is www.<domain>, the home page the apex itself.
  EXPECT_TRUE(HasUrl(*Env(r, "prod"), "cloudfront", "https://www.acme.example.com/"));
  EXPECT_TRUE(HasUrl(*Env(r, "prod"), "cloudfront", "https://acme.example.com/"));
  EXPECT_EQ(App(*dev, "web")->internal_only, "");
  EXPECT_EQ(App(*dev, "worker")->internal_only, "");  // no route: nothing to reach
}

// Given payments, which exposes its API, we should see one API URL per route key.
TEST(ExplainTenantTest, AcmePaymentsApiRoutes) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "payments", "dev");
  ASSERT_EQ(r.envs.size(), 1u);
  EXPECT_TRUE(HasUrl(r.envs[0], "api", "https://api.dev.acme.example.com/payments/v1/{proxy+}"));
  EXPECT_TRUE(HasUrl(r.envs[0], "api", "https://api.dev.acme.example.com/payments/v2/{proxy+}"));
  for (const auto& u : r.envs[0].urls) EXPECT_EQ(u.method, u.via == "api" ? "ANY" : "") << u.url;
}

// Given catalog's api, routed but exposed nowhere, we should say it is internal-only and how to
// expose it.
TEST(ExplainTenantTest, RoutedAppWithoutExposeIsInternalOnly) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "catalog", "dev");
  const AppReport* api = App(r.envs[0], "api");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->internal_only,
            "reachable only inside the VPC (the internal ALB); add `expose: [api]` to it in tenants/catalog.yaml; "
            "CloudFront needs a host under `dev.acme.example.com` (its host `catalog.internal.acme.example.com` is "
            "outside the zone)");
  EXPECT_TRUE(HasUrl(r.envs[0], "alb", "https://catalog.internal.acme.example.com/*"));
  EXPECT_FALSE(std::any_of(r.envs[0].urls.begin(), r.envs[0].urls.end(), [](const Url& u) { return u.via != "alb"; }));
}

// Given shop's web app in dev, the variables and secrets should be exactly those of the
// synthesized task definition, each with where it comes from.
TEST(ExplainTenantTest, VariablesAreTheTaskDefinitions) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "shop", "dev");
  const AppReport* web = App(r.envs[0], "web");
  ASSERT_TRUE(web);
  const tf::Unit* unit = nullptr;
  for (const auto& u : s.units)
    if (u.id() == "dev/tenant-shop") unit = &u;
  ASSERT_TRUE(unit);
  Json defs = Json::parse(unit->resources()["aws_ecs_task_definition"]["shop_web"]["container_definitions"].get<std::string>());
  Json app = defs[0]["name"] == "app" ? defs[0] : defs[1];
  ASSERT_EQ(web->environment.size(), app["environment"].size());
  for (size_t i = 0; i < web->environment.size(); ++i) {
    EXPECT_EQ(web->environment[i].name, app["environment"][i]["name"]);
    std::string value = app["environment"][i]["value"];
    EXPECT_TRUE(value == web->environment[i].value || value == "${" + web->environment[i].value + "}") << value;
  }
  ASSERT_EQ(web->secrets.size(), 1u);
  EXPECT_EQ(web->secrets[0].name, "STRIPE_KEY");
  EXPECT_EQ(web->secrets[0].value, "aws_secretsmanager_secret.shop_secret_stripe_key.arn");
  EXPECT_EQ(web->secrets[0].from, "secret stripe-key");
  auto from = [&](const std::string& name) {
    for (const auto& v : web->environment)
      if (v.name == name) return v.from;
    return std::string("(none)");
  };
  EXPECT_EQ(from("LOG_LEVEL"), "configuration");
  EXPECT_EQ(from("ORDERS_HOST"), "data store orders");
  EXPECT_EQ(from("CACHE_TLS"), "data store cache");
  EXPECT_EQ(from("UPLOADS_BUCKET"), "data store uploads");
  EXPECT_EQ(from("OTEL_SERVICE_NAME"), "OpenTelemetry");
  EXPECT_EQ(web->image, "shop/web");
  EXPECT_EQ(web->image_parameter, "/eurus/dev/shop/web/image");
  EXPECT_EQ(web->cpu, "256");
  EXPECT_EQ(web->memory, "512");
  EXPECT_EQ(web->min, 1);
  EXPECT_EQ(web->max, 4);
  EXPECT_EQ(web->ports, std::vector<int>{8080});
  EXPECT_TRUE(std::any_of(web->task_role.begin(), web->task_role.end(), [](const Grant& g) {
    return g.sid == "ObjectsUploads" && g.resources == std::vector<std::string>{"arn:aws:s3:::acme-shop-uploads-444444444444/*"};
  }));
}

// Given shop in prod, the overrides should show: three to twelve web tasks.
TEST(ExplainTenantTest, OverridesApply) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "shop", "prod");
  const AppReport* web = App(r.envs[0], "web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->min, 3);
  EXPECT_EQ(web->max, 12);
}

// Given shop, its access roles, subnets (from the lock) and alarms should be listed.
TEST(ExplainTenantTest, AccessSubnetsAlarms) {
  const run::Session& s = Compiled("acme");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "shop", "dev");
  const EnvReport& dev = r.envs[0];
  ASSERT_EQ(dev.access.size(), 2u);
  EXPECT_EQ(dev.access[0].role, "acme-shop-read");
  EXPECT_EQ(dev.access[0].principals.size(), 1u);
  const auto* tenant = &s.org().tenants[0];
  for (const auto& t : s.org().tenants)
    if (t.name == "shop") tenant = &t;
  const auto& dep = tenant->deployments[0];
  ASSERT_EQ(dev.subnets.size(), dep.tenant_subnets.size());
  EXPECT_EQ(dev.subnets[0].az, "eu-west-1a");
  EXPECT_EQ(dev.subnets[0].tenant_cidr, dep.tenant_subnets[0].ToString());
  EXPECT_EQ(dev.subnets[0].data_cidr, dep.data_subnets[0].ToString());
  EXPECT_TRUE(std::any_of(dev.alarms.begin(), dev.alarms.end(), [](const Alarm& a) {
    return a.name == "acme-shop-web-cpu-high" && a.metric == "AWS/ECS CPUUtilization" && a.condition == "> 90";
  }));
}

// Given an estimate, each environment's cost should be the estimate's tenant entry.
TEST(ExplainTenantTest, CostIsTheEstimates) {
  const run::Session& s = Compiled("acme");
  cost::Estimate e = cost::EstimateUnits(s.org(), s.units, cost::PriceList::Bundled(), cost::Usage());
  TenantReport r = ExplainTenant(s.org(), s.units, &e, "shop", "");
  ASSERT_EQ(r.envs.size(), 3u);
  for (const auto& env : r.envs) {
    ASSERT_TRUE(env.cost) << env.env;
    bool found = false;
    for (const auto& c : e.tenants)
      if (c.tenant == "shop" && c.environment == env.env) {
        found = true;
        EXPECT_DOUBLE_EQ(env.cost->total(), c.total());
      }
    EXPECT_TRUE(found);
  }
  Json j = Json::parse(ToJson(r).dump());
  EXPECT_EQ(j["currency"], e.currency);
  EXPECT_TRUE(j["environments"][0]["monthly_cost"]["total"].is_number());
}

// Given examples/minimal (no edge), the routed app should be internal-only, with the
// environment setting to change.
TEST(ExplainTenantTest, Minimal) {
  const run::Session& s = Compiled("minimal");
  TenantReport r = ExplainTenant(s.org(), s.units, nullptr, "hello", "");
  ASSERT_EQ(r.envs.size(), 1u);
  const AppReport* web = App(r.envs[0], "web");
  ASSERT_TRUE(web);
  EXPECT_NE(web->internal_only.find("has no edge"), std::string::npos) << web->internal_only;
  EXPECT_TRUE(HasUrl(r.envs[0], "alb", "https://hello.dev.mini.example.com/*"));
  std::string text = Render(r);
  EXPECT_NE(text.find("== dev (account"), std::string::npos);
  EXPECT_EQ(Json::parse(ToJson(r).dump())["environments"][0]["apps"][0]["name"], "web");
}

// Given any acme tenant, the human output should fit 100 columns except for values that are
// longer than a line themselves.
TEST(ExplainTenantTest, FitsOneHundredColumns) {
  const run::Session& s = Compiled("acme");
  for (const auto& t : s.org().tenants) {
    std::string text = Render(ExplainTenant(s.org(), s.units, nullptr, t.name, ""));
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end - start);
      bool one_value = line.find(' ', line.find_first_not_of(' ')) == std::string::npos;
      EXPECT_TRUE(line.size() <= 100 || one_value) << t.name << ": " << line;
      start = end + 1;
    }
  }
}

}  // namespace
}  // namespace eurus::explain
