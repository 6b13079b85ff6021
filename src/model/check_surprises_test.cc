#include "model/check_surprises.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "config/load.h"
#include "diag/codes.h"
#include "diag/render.h"
#include "model/build.h"

namespace eurus::model {
namespace {

/// A small valid org with an edge in both environments and no surprise; tests edit one
/// setting and read the warnings.
struct SurprisesTest : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;

  void SetUp() override {
    fs.files["eurus.yaml"] =
        "eurus: 1\norg: acme\nregion: eu-west-1\ndomain: acme.example.com\n"
        "management_account: \"111111111111\"\n"
        "realms:\n  nonprod: { common_account: \"222222222222\" }\n"
        "  prod: { common_account: \"333333333333\" }\n"
        "administrators: [\"arn:aws:iam::111111111111:role/platform-admin\"]\n";
    fs.files["environments/dev.yaml"] =
        "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b]\n  internet_egress: true\n"
        "ingress: { cloudfront: true }\n";
    fs.files["environments/prod.yaml"] =
        "account: \"555555555555\"\nrealm: prod\nnetwork:\n  cidr: 10.2.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]\n"
        "ingress: { cloudfront: true, api_gateway: true }\n";
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n"
        "    port: 8080\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: shop }\n"
        "    expose: [cloudfront]\n"
        "    replicas: { min: 2, max: 4 }\n"
        "    scaling: { cpu: 60 }\n";
  }

  /// Builds the org; "file:line:col code message" of every warning.
  std::vector<std::string> Warnings() {
    auto p = config::LoadProject(fs, ".", sources, diags);
    EXPECT_TRUE(p.has_value());
    if (!p) return {};
    BuildResult r = Build(*p, Lock{}, BuildOptions{}, diags);
    EXPECT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
    std::vector<std::string> out;
    for (const auto& d : diags.items()) {
      if (d.severity != Severity::kWarning) continue;
      LineCol lc = sources.Locate(d.primary().file, d.primary().begin);
      out.push_back(fmt::format("{}:{}:{} {} {}", sources.path(d.primary().file), lc.line, lc.column, d.code,
                                d.message));
    }
    return out;
  }

  void Replace(const std::string& file, const std::string& from, const std::string& to) {
    std::string& text = fs.files[file];
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
};

// Given the org as set up, we should warn of nothing.
TEST_F(SurprisesTest, NoSurpriseNoWarning) { EXPECT_EQ(Warnings(), std::vector<std::string>{}); }

// Given a routed app without `expose` in environments with an edge, we should warn once at
// its route, naming both environments.
TEST_F(SurprisesTest, RouteWithoutExpose) {
  Replace("tenants/shop.yaml", "    expose: [cloudfront]\n", "");
  EXPECT_EQ(Warnings(), std::vector<std::string>{"tenants/shop.yaml:8:5 W0018 app `web` of tenant `shop` is "
                                                 "reachable only from inside the VPC in dev and prod"});
}

// Given `expose: []` (in the tenant or its override), a host outside the environment's
// zone, or no edge, we should not warn.
TEST_F(SurprisesTest, InternalOnPurpose) {
  Replace("tenants/shop.yaml", "    expose: [cloudfront]\n", "    expose: []\n");
  EXPECT_EQ(Warnings(), std::vector<std::string>{});
  SetUp();
  diags = Diagnostics();
  Replace("tenants/shop.yaml", "    expose: [cloudfront]\n", "");
  Replace("tenants/shop.yaml", "host: shop", "host: shop.internal.acme.example.com");
  for (const std::string& w : Warnings())  // W0005 only: its certificate is validated by hand
    EXPECT_EQ(w.find(" W0018 "), std::string::npos) << w;
}

// Given `expose` removed by the prod override only, we should warn for prod alone.
TEST_F(SurprisesTest, RouteWithoutExposeInOneEnvironment) {
  fs.files["tenants/shop.yaml"] += "overrides:\n  prod:\n    apps:\n      web: { expose: [] }\n";
  EXPECT_EQ(Warnings(), std::vector<std::string>{});
}

// Given `nat_gateways` without internet egress or private egress, we should warn at it and
// not also warn that prod's single NAT gateway is a risk (W0001).
TEST_F(SurprisesTest, NatGatewaysWithoutEgress) {
  Replace("environments/prod.yaml", "  availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]\n",
          "  availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]\n  nat_gateways: single\n");
  EXPECT_EQ(Warnings(), std::vector<std::string>{"environments/prod.yaml:6:17 W0019 `nat_gateways` does nothing in "
                                                 "environment `prod`: it has no NAT gateway"});
}

// Given two environments with the same VPC CIDR, we should warn at the second by name.
TEST_F(SurprisesTest, SameVpcCidr) {
  Replace("environments/prod.yaml", "cidr: 10.2.0.0/16", "cidr: 10.1.128.0/17");
  EXPECT_EQ(Warnings(), std::vector<std::string>{"environments/prod.yaml:4:9 W0020 the VPC CIDR 10.1.128.0/17 of "
                                                 "environment `prod` overlaps the VPC CIDR 10.1.0.0/16 of `dev`"});
}

// Given flow log retention with flow logs off, and endpoint zones without endpoints, we
// should warn at each setting.
TEST_F(SurprisesTest, IdleNetworkSettings) {
  Replace("environments/dev.yaml", "  internet_egress: true\n",
          "  internet_egress: true\n  endpoint_zones: all\n  flow_logs: { enabled: false, retention_days: 7 }\n");
  std::vector<std::string> w = Warnings();
  ASSERT_EQ(w.size(), 3u);  // W0007 (flow logs off) first
  EXPECT_EQ(w[1], "environments/dev.yaml:8:48 W0021 `flow_logs.retention_days` does nothing in environment `dev`: "
                  "flow logs are off");
  EXPECT_EQ(w[2], "environments/dev.yaml:7:19 W0022 `endpoint_zones` does nothing in environment `dev`: it has no "
                  "interface endpoints");
}

// Given scaling targets with replicas.min equal to replicas.max (here only in prod, through
// the override), we should warn at `scaling`, naming prod.
TEST_F(SurprisesTest, ScalingWithFixedReplicas) {
  fs.files["tenants/shop.yaml"] += "overrides:\n  prod:\n    apps:\n      web: { replicas: { min: 3, max: 3 } }\n";
  EXPECT_EQ(Warnings(), std::vector<std::string>{"tenants/shop.yaml:11:16 W0023 `scaling` of app `web` (tenant `shop`) "
                                                 "does nothing in prod: it runs exactly 3 replicas"});
}

}  // namespace
}  // namespace eurus::model
