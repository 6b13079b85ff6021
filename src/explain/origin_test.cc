#include "explain/origin.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "explain/testing.h"

namespace eurus::explain {
namespace {

using testing::Compiled;

/// "tenants/shop.yaml:15": a span as the blocks' "//" comments write it (relative path).
std::string Comment(const run::Session& s, Span span) {
  std::string path = s.sources.path(span.file);
  const std::string& dir = s.project->dir;
  if (path.starts_with(dir + "/")) path = path.substr(dir.size() + 1);
  return fmt::format("{}:{}", path, s.sources.Locate(span.file, span.begin).line);
}

/// Every resource of every unit of `example`: a noun for its type, a row of the table, a
/// reason with every placeholder filled, and a model object.
void ExpectEveryResourceExplained(const std::string& example) {
  const run::Session& s = Compiled(example);
  ASSERT_FALSE(s.units.empty());
  size_t seen = 0;
  for (const auto& unit : s.units) {
    Scope scope = ScopeOf(s.org(), &*s.project, unit);
    EXPECT_FALSE(UnitReason(scope).starts_with("unit ")) << unit.id() << " has no explanation";
    EXPECT_TRUE(UnitSpan(scope).valid()) << unit.id();
    for (const auto& [type, blocks] : unit.resources().items()) {
      EXPECT_NE(NounOf(type), nullptr) << "resource type " << type << " has no noun in explain/origin.cc";
      for (const auto& [name, body] : blocks.items()) {
        ++seen;
        auto o = OriginOf(scope, type, name);
        ASSERT_TRUE(o) << unit.id() << "/" << type << "." << name << " has no row in explain/origin.cc";
        EXPECT_EQ(o->reason.find('{'), std::string::npos) << o->reason;
        EXPECT_EQ(o->reason.find("  "), std::string::npos) << unit.id() << "/" << type << "." << name << ": " << o->reason;
        EXPECT_EQ(o->from.find("``"), std::string::npos) << unit.id() << "/" << type << "." << name << ": " << o->from;
        EXPECT_FALSE(o->from.empty()) << unit.id() << "/" << type << "." << name;
        EXPECT_TRUE(o->span.valid()) << unit.id() << "/" << type << "." << name << " has no YAML";
      }
    }
  }
  EXPECT_GT(seen, 0u);
}

// Given examples/acme, every resource synth builds should have an origin and a reason: a new
// resource type (or block name) without a row in the table fails here.
TEST(OriginTest, EveryAcmeResourceIsExplained) { ExpectEveryResourceExplained("acme"); }
TEST(OriginTest, EveryMinimalResourceIsExplained) { ExpectEveryResourceExplained("minimal"); }

// Given a tenant unit, the YAML line explain names should be the line synth wrote in the
// block's "//" comment: explain maps a resource to the same model object synth built it from.
TEST(OriginTest, TenantResourcesPointWhereSynthSays) {
  const run::Session& s = Compiled("acme");
  size_t checked = 0;
  for (const auto& unit : s.units) {
    if (!unit.name().starts_with("tenant-")) continue;
    Scope scope = ScopeOf(s.org(), &*s.project, unit);
    for (const auto& [type, blocks] : unit.resources().items())
      for (const auto& [name, body] : blocks.items()) {
        if (!body.contains("//")) continue;
        auto o = OriginOf(scope, type, name);
        ASSERT_TRUE(o);
        EXPECT_EQ(Comment(s, o->span), body["//"].get<std::string>()) << unit.id() << "/" << type << "." << name;
        ++checked;
      }
  }
  EXPECT_GT(checked, 100u);
}

// Given well-known blocks, the reason should say what they are and for whom.
TEST(OriginTest, ReasonsNameTheirObjects) {
  const run::Session& s = Compiled("acme");
  auto explain = [&](const std::string& id, const std::string& type, const std::string& name) {
    for (const auto& u : s.units)
      if (u.id() == id) return OriginOf(ScopeOf(s.org(), &*s.project, u), type, name);
    return std::optional<Origin>();
  };
  auto service = explain("dev/tenant-shop", "aws_ecs_service", "shop_web");
  ASSERT_TRUE(service);
  EXPECT_EQ(service->reason, "the ECS service that runs app web of tenant shop");
  EXPECT_EQ(service->from, "app `web` of tenant `shop`");
  auto rule = explain("dev/tenant-shop", "aws_lb_listener_rule", "shop_web_0");
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->from, "the `route` of app `web` of tenant `shop`");
  auto store = explain("prod/tenant-shop", "aws_rds_cluster", "orders");
  ASSERT_TRUE(store);
  EXPECT_EQ(store->reason, "the Aurora cluster of data store orders of tenant shop");
  auto repo = explain("common-nonprod/registry", "aws_ecr_repository", "shop--web");
  ASSERT_TRUE(repo);
  EXPECT_EQ(repo->reason, "the ECR repository that app web of tenant shop pulls its image `shop/web` from");
  auto alias = explain("dev/platform", "aws_route53_record", "host_shop_dev_acme_example_com_cloudfront_a");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->from, "the `route` of app `web` of tenant `shop`");
  auto nat = explain("dev/network", "aws_nat_gateway", "public_eu_west_1a");
  ASSERT_TRUE(nat);
  EXPECT_EQ(nat->from, "environment `dev`, `network`");
}

}  // namespace
}  // namespace eurus::explain
