#include "model/build.h"

#include <gtest/gtest.h>

#include "diag/codes.h"
#include "diag/render.h"

namespace eurus::model {
namespace {

/// A small valid org in memory; tests edit one file to seed one mistake.
struct BuildTest : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  BuildResult result;

  void SetUp() override {
    fs.files["eurus.yaml"] =
        "eurus: 1\norg: acme\nregion: eu-west-1\ndomain: acme.example.com\n"
        "management_account: \"111111111111\"\n"
        "realms:\n  nonprod: { common_account: \"222222222222\" }\n"
        "  prod: { common_account: \"333333333333\" }\n"
        "administrators: [\"arn:aws:iam::111111111111:role/platform-admin\"]\n";
    fs.files["environments/dev.yaml"] =
        "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b]\n";
    fs.files["environments/prod.yaml"] =
        "account: \"555555555555\"\nrealm: prod\nnetwork:\n  cidr: 10.2.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]\n";
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n"
        "    port: 8080\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: shop }\n"
        "    replicas: { min: 1, max: 2 }\n"
        "    uses: [orders]\n"
        "resources:\n"
        "  orders: { type: postgres }\n"
        "overrides:\n"
        "  prod:\n"
        "    apps:\n"
        "      web: { replicas: { min: 3, max: 6 } }\n";
  }

  bool Run(const Lock& lock = {}, bool frozen = false) {
    auto p = config::LoadProject(fs, ".", sources, diags);
    if (!p) return false;
    BuildOptions o;
    o.frozen = frozen;
    result = Build(*p, lock, o, diags);
    return result.org.has_value();
  }

  /// "file:line:col code" of every diagnostic, for exact assertions.
  std::vector<std::string> Where() {
    std::vector<std::string> out;
    for (const auto& d : diags.items()) {
      Span s = d.primary();
      LineCol lc = sources.Locate(s.file, s.begin);
      out.push_back(sources.path(s.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + " " + d.code);
    }
    return out;
  }
};

// Given the valid org, we should resolve overrides per environment and allocate subnets.
TEST_F(BuildTest, ResolvesOverridesAndSubnets) {
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Org& org = *result.org;
  ASSERT_EQ(org.tenants.size(), 1u);
  const Tenant& t = org.tenants[0];
  ASSERT_EQ(t.deployments.size(), 2u);
  EXPECT_EQ(t.deployments[0].env, "dev");
  EXPECT_EQ(t.deployments[0].apps[0].replicas_min, 1);
  EXPECT_EQ(t.deployments[1].apps[0].replicas_min, 3);
  EXPECT_EQ(t.deployments[1].apps[0].route->host, "shop.prod.acme.example.com");
  EXPECT_EQ(t.deployments[1].tenant_subnets.size(), 3u);
  EXPECT_TRUE(org.environment("prod")->protection);
  EXPECT_FALSE(org.environment("dev")->protection);
  EXPECT_TRUE(result.lock_changed);
  // A second run against the written lock changes nothing.
  Lock lock = result.lock;
  diags = {};
  ASSERT_TRUE(Run(lock, /*frozen=*/true));
  EXPECT_FALSE(result.lock_changed);
}

// Given a value that an override sets wrongly, we should point at the override, not the base.
TEST_F(BuildTest, OverrideErrorPointsAtOverride) {
  fs.files["tenants/shop.yaml"] += "      worker: { cpu: 256 }\n";
  fs.files["tenants/shop.yaml"].replace(fs.files["tenants/shop.yaml"].find("min: 3"), 6, "min: 1");
  EXPECT_FALSE(Run());
  diags.Sort(sources);
  EXPECT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:16:31 E0306",
                                               "tenants/shop.yaml:17:7 E0303"}));
}

// Given several independent mistakes in different files, we should report all of them.
TEST_F(BuildTest, ReportsEveryErrorAtOnce) {
  fs.files["environments/dev.yaml"].replace(fs.files["environments/dev.yaml"].find("10.1.0.0/16"), 11, "10.1.0.1/16");
  fs.files["tenants/shop.yaml"].replace(fs.files["tenants/shop.yaml"].find("memory: 512"), 11, "memory: 513");
  fs.files["eurus.yaml"] += "tags: { owner: x }\nalerts: { emials: [a@b.c] }\n";
  EXPECT_FALSE(Run());
  diags.Sort(sources);
  EXPECT_EQ(Where(), (std::vector<std::string>{"environments/dev.yaml:4:9 E0202", "eurus.yaml:11:11 E0004",
                                               "tenants/shop.yaml:7:13 E0304"}));
}

// Given --frozen and a lock missing the new tenant, we should fail instead of writing.
TEST_F(BuildTest, FrozenRefusesNewAllocations) {
  EXPECT_FALSE(Run({}, /*frozen=*/true));
  ASSERT_EQ(diags.items().size(), 1u);
  EXPECT_EQ(diags.items()[0].code, codes::kLockFrozen);
}

// Given a too-small VPC, we should say how many more tenants fit.
TEST_F(BuildTest, ExhaustionSaysWhatFits) {
  fs.files["environments/dev.yaml"].replace(fs.files["environments/dev.yaml"].find("10.1.0.0/16"), 11, "10.1.0.0/23");
  fs.files["environments/dev.yaml"] += "  platform_subnet_size: 26\n  tenant_subnet_size: 26\n  data_subnet_size: 27\n";
  fs.files["tenants/bb.yaml"] = "environments: [dev]\n";
  fs.files["tenants/cc.yaml"] = "environments: [dev]\n";
  fs.files["tenants/dd.yaml"] = "environments: [dev]\n";
  EXPECT_FALSE(Run());
  ASSERT_EQ(Where(), (std::vector<std::string>{"environments/dev.yaml:4:9 E0209"}));
  EXPECT_NE(diags.items()[0].message.find("no room for"), std::string::npos);
}

// Given unknown keys, we should suggest the closest field.
TEST_F(BuildTest, UnknownKeySuggestsField) {
  fs.files["tenants/shop.yaml"].replace(fs.files["tenants/shop.yaml"].find("replicas:"), 9, "replcias:");
  EXPECT_FALSE(Run());
  ASSERT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:9:5 E0004"}));
  EXPECT_EQ(diags.items()[0].help, "did you mean `replicas`?");
}

// Given a full route host no public CA certifies, or such a domain, we should refuse it
// where it is written.
TEST_F(BuildTest, PrivateSuffixesHaveNoCertificate) {
  fs.files["tenants/shop.yaml"].replace(fs.files["tenants/shop.yaml"].find("host: shop"), 10,
                                        "host: shop.acme.internal");
  fs.files["eurus.yaml"].replace(fs.files["eurus.yaml"].find("acme.example.com"), 16, "corp.local");
  EXPECT_FALSE(Run());
  diags.Sort(sources);
  EXPECT_EQ(Where(), (std::vector<std::string>{"eurus.yaml:4:9 E0108", "tenants/shop.yaml:8:20 E0308"}));
  EXPECT_NE(diags.items()[1].message.find("cannot get a public TLS certificate"), std::string::npos);
}

// Given route hosts outside the environment's zone, we should warn once per route, naming
// every environment whose certificate waits for hand-made records; a host inside the zone
// (at any depth) or a short host gets no warning.
TEST_F(BuildTest, ManualCertificateValidationWarns) {
  fs.files["tenants/shop.yaml"].replace(fs.files["tenants/shop.yaml"].find("host: shop"), 10,
                                        "host: shop.partner.example.org");
  fs.files["tenants/blog.yaml"] =
      "environments: [dev]\napps:\n  api:\n    image: blog/api\n    port: 8080\n    cpu: 256\n"
      "    memory: 512\n    route: { host: api.blog.dev.acme.example.com }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:8:20 W0005"}));
  EXPECT_EQ(diags.items()[0].message,
            "the certificate for route host `shop.partner.example.org` needs DNS validation records added "
            "by hand (environments `dev` and `prod`)");
  EXPECT_EQ(ValidationOf("api.blog.dev.acme.example.com", "dev.acme.example.com"), HostValidation::kZone);
  EXPECT_EQ(ValidationOf("blog.dev.acme.example.com", "dev.acme.example.com"), HostValidation::kWildcard);
  EXPECT_EQ(ValidationOf("dev.acme.example.com", "dev.acme.example.com"), HostValidation::kWildcard);
  EXPECT_EQ(ValidationOf("xdev.acme.example.com", "dev.acme.example.com"), HostValidation::kManual);
  EXPECT_EQ(ValidationOf("shop.example.org", ""), HostValidation::kManual);
}

// Given `restore_from` variants, we should keep the valid ones and locate each mistake at the
// field that makes it: exactly one of snapshot and point_in_time, a UTC time or `latest`, a
// source with a point in time only, caches from snapshot ARNs only, no restore of a bucket.
TEST_F(BuildTest, RestoreFrom) {
  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\n"
      "resources:\n"
      "  a: { type: postgres, restore_from: { point_in_time: \"2026-11-26T10:00:00Z\", source: acme-shop-a-old } }\n"
      "  b: { type: documentdb, restore_from: { snapshot: \"awsbackup:job-9f1c\" } }\n"
      "  c: { type: redis, restore_from: { snapshot: \"arn:aws:elasticache:eu-west-1:444444444444:serverlesscachesnapshot:c\" } }\n"
      "  d: { type: mysql, restore_from: { point_in_time: latest, source: acme-shop-d } }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const auto& rs = result.org->tenants[0].deployments[0].resources;
  ASSERT_EQ(rs.size(), 4u);
  EXPECT_EQ(rs[0].restore_from->point_in_time, "2026-11-26T10:00:00Z");
  EXPECT_EQ(rs[0].restore_from->source, "acme-shop-a-old");
  EXPECT_EQ(rs[1].restore_from->snapshot, "awsbackup:job-9f1c");
  EXPECT_EQ(rs[2].restore_from->snapshot.substr(0, 20), "arn:aws:elasticache:");
  EXPECT_EQ(rs[3].restore_from->point_in_time, "latest");

  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\n"
      "resources:\n"
      "  a: { type: postgres, restore_from: { point_in_time: \"2026-13-26T10:00:00Z\", source: x } }\n"
      "  b: { type: documentdb, restore_from: { snapshot: s1, point_in_time: latest, source: x } }\n"
      "  c: { type: redis, restore_from: { point_in_time: latest } }\n"
      "  d: { type: mysql, restore_from: { point_in_time: latest } }\n"
      "  e: { type: s3, restore_from: { snapshot: s1 } }\n"
      "  f: { type: redis, restore_from: { snapshot: acme-shop-f } }\n"
      "  g: { type: postgres, restore_from: { snapshot: s1, source: x } }\n"
      "  h: { type: postgres, restore_from: { point_in_time: latest, source: Bad--Name } }\n";
  diags = Diagnostics();
  EXPECT_FALSE(Run());
  diags.Sort(sources);
  EXPECT_EQ(Where(), (std::vector<std::string>{
                         "tenants/shop.yaml:3:55 E0322",   // month 13
                         "tenants/shop.yaml:4:26 E0322",   // both snapshot and point_in_time
                         "tenants/shop.yaml:4:87 E0322",   // and a source with the snapshot
                         "tenants/shop.yaml:5:52 E0322",   // a cache to a point in time
                         "tenants/shop.yaml:6:21 E0322",   // no source
                         "tenants/shop.yaml:7:18 E0316",   // not for buckets
                         "tenants/shop.yaml:8:47 E0322",   // a cache snapshot is an ARN
                         "tenants/shop.yaml:9:62 E0322",   // source with a snapshot
                         "tenants/shop.yaml:10:71 E0322",  // not a cluster identifier
                     }));
}

// Given cache limits out of range, we should refuse them; in range, keep them.
TEST_F(BuildTest, CacheLimits) {
  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\nresources:\n  c: { type: redis, max_storage_gb: 50, max_ecpu_per_second: 20000 }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(result.org->tenants[0].deployments[0].resources[0].max_storage_gb, 50);
  EXPECT_EQ(result.org->tenants[0].deployments[0].resources[0].max_ecpu_per_second, 20000);
  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\nresources:\n  c: { type: redis, max_storage_gb: 0, max_ecpu_per_second: 999 }\n";
  diags = Diagnostics();
  EXPECT_FALSE(Run());
  EXPECT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:3:37 E0007", "tenants/shop.yaml:3:61 E0007"}));
}

// Given a bucket without versioning in the prod realm, we should warn that it has no backup.
TEST_F(BuildTest, UnversionedProdBucketWarns) {
  fs.files["tenants/shop.yaml"] =
      "environments: [dev, prod]\nresources:\n  scratch: { type: s3, versioning: false }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:3:36 W0006"}));
  EXPECT_EQ(diags.items()[0].message, "bucket `scratch` in prod environment `prod` has no backup");
}

// Given an environment that turns its flow logs off, we should warn at the `enabled` value
// (in any realm: the choice is deliberate, but a reviewer must see it), and not when they stay
// on or are left at the default.
TEST_F(BuildTest, FlowLogsOffWarns) {
  fs.files["environments/dev.yaml"] += "  flow_logs: { enabled: false }\n";
  fs.files["environments/prod.yaml"] += "  flow_logs: { enabled: true }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(Where(), (std::vector<std::string>{"environments/dev.yaml:6:25 W0007"}));
  EXPECT_EQ(diags.items()[0].message, "environment `dev` turns VPC flow logs off");
  EXPECT_FALSE(result.org->environment("dev")->network.flow_logs);
}

// Given routed apps, each deployment should carry its listener rules with priorities from
// its tenant subnet's slot: dev's /16 VPC holds 256 /24 slots, shop's lowest tenant subnet
// is slot 2, so its catch-all is 1 + 2 * 16000 + 2 * 62.
TEST_F(BuildTest, ListenerRulePriorities) {
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Deployment& dev = result.org->tenants[0].deployments[0];
  EXPECT_EQ(dev.tenant_subnets[0].ToString(), "10.1.2.0/24");
  ASSERT_EQ(dev.listener_rules.size(), 1u);
  EXPECT_EQ(dev.listener_rules[0].paths, std::vector<std::string>{"/*"});
  EXPECT_EQ(dev.listener_rules[0].host, "shop.dev.acme.example.com");
  EXPECT_EQ(dev.listener_rules[0].priority, 1 + 2 * 16000 + 2 * 62);
}

// Given more rules in a band than a tenant's share of the listener, we should point at the
// route that does not fit and say how much room there is.
TEST_F(BuildTest, ListenerRulesOverflowTheTenantShare) {
  fs.files["environments/dev.yaml"] += "  tenant_subnet_size: 28\n";
  std::string& shop = fs.files["tenants/shop.yaml"];
  shop.replace(shop.find("route: { host: shop }"), 21,
               "route: { host: shop, paths: [/a, /b, /c, /d, /e, /f, /g, /h, /i, /j] }");
  EXPECT_FALSE(Run());
  ASSERT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:8:5 E0320"}));
  EXPECT_EQ(diags.items()[0].message,
            "tenant `shop` needs 4 exact-path listener rules in environment `dev`, and each tenant has room for 3");
}

// Given tenant subnets allocated smaller than today's tenant_subnet_size, two tenants whose
// lowest subnets share a slot should be reported, not given colliding priorities.
TEST_F(BuildTest, ListenerRuleSlotsCollide) {
  fs.files["tenants/blog.yaml"] =
      "environments: [dev]\napps:\n  site:\n    image: blog/site\n    port: 80\n    cpu: 256\n"
      "    memory: 512\n    route: { host: blog }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  Lock lock = result.lock;
  fs.files["environments/dev.yaml"] += "  tenant_subnet_size: 17\n";
  diags = {};
  EXPECT_FALSE(Run(lock));
  ASSERT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:8:5 E0320"}));
  EXPECT_EQ(diags.items()[0].message, "tenants `blog` and `shop` share listener rule slot 0 in environment `dev`");
}

// Given a secret whose variable an `environment` entry also sets, or a route path with a
// character the ALB rejects, we should point at them.
TEST_F(BuildTest, SecretVariablesAndPathCharacters) {
  std::string& shop = fs.files["tenants/shop.yaml"];
  shop.replace(shop.find("    uses: [orders]\n"), 18,
               "    uses: [orders]\n    environment: { STRIPE_KEY: x }\n    secrets: [stripe-key]\n");
  shop.replace(shop.find("route: { host: shop }"), 21, "route: { host: shop, paths: [\"/a b\"] }");
  EXPECT_FALSE(Run());
  diags.Sort(sources);
  EXPECT_EQ(Where(), (std::vector<std::string>{"tenants/shop.yaml:8:34 E0308", "tenants/shop.yaml:12:15 E0315"}));
  EXPECT_EQ(diags.items()[1].message,
            "environment variable `STRIPE_KEY` of app `web` is set by both `environment` and secret `stripe-key`");
}

// Given Fargate's table, we should accept exactly the documented pairs.
TEST(FargateTest, Pairs) {
  EXPECT_EQ(FargateMemoryFor(256), (std::vector<int>{512, 1024, 2048}));
  EXPECT_EQ(FargateMemoryFor(4096).back(), 30720);
  EXPECT_EQ(FargateMemoryFor(16384).front(), 32768);
  EXPECT_TRUE(FargateMemoryFor(300).empty());
}

}  // namespace
}  // namespace eurus::model
