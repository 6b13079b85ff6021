// Tracing, tenant access and shared images (build_observability.cc), through model::Build.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "diag/codes.h"
#include "diag/render.h"
#include "model/build.h"

namespace eurus::model {
namespace {

/// A small valid org in memory (dev in nonprod, prod in prod); tests add or edit files.
struct TracingAccessConfigTest : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  BuildResult result;

  void SetUp() override {
    fs.files["eurus.yaml"] =
        "eurus: 1\norg: acme\nregion: eu-west-1\n"
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
    fs.files["tenants/shop.yaml"] = WebTenant("shop/web");
  }

  /// A tenant in dev and prod with one worker app running `image`, and `extra` lines.
  static std::string WebTenant(const std::string& image, const std::string& extra = "") {
    return "environments: [dev, prod]\n" + extra +
           "apps:\n  web: { image: " + image + ", cpu: 256, memory: 512, replicas: { min: 2 } }\n";
  }

  bool Run() {
    auto p = config::LoadProject(fs, ".", sources, diags);
    if (!p) return false;
    result = Build(*p, {}, BuildOptions{}, diags);
    return result.org.has_value();
  }

  /// "file:line:col code message" of every diagnostic, sorted.
  std::vector<std::string> Reported() {
    diags.Sort(sources);
    std::vector<std::string> out;
    for (const auto& d : diags.items()) {
      Span s = d.primary();
      LineCol lc = sources.Locate(s.file, s.begin);
      out.push_back(fmt::format("{}:{}:{} {} {}", sources.path(s.file), lc.line, lc.column, d.code, d.message));
    }
    return out;
  }
};

using Lines = std::vector<std::string>;

// Given no `tracing`, we should default the rate by realm (prod higher) and the reservoir to 1.
TEST_F(TracingAccessConfigTest, TracingDefaultsByRealm) {
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Environment& dev = *result.org->environment("dev");
  const Environment& prod = *result.org->environment("prod");
  EXPECT_DOUBLE_EQ(dev.sampling_rate, kSamplingRateNonprod);
  EXPECT_DOUBLE_EQ(prod.sampling_rate, kSamplingRateProd);
  EXPECT_EQ(dev.sampling_reservoir, 1);
  EXPECT_EQ(prod.sampling_reservoir, 1);
  EXPECT_FALSE(dev.tracing_span.valid());
  for (const Deployment& d : result.org->tenants[0].deployments) EXPECT_FALSE(d.sampling_rate.has_value());
}

// Given an environment's `tracing`, we should take its rate and reservoir, 0 and 1 included.
TEST_F(TracingAccessConfigTest, EnvironmentTracing) {
  fs.files["environments/dev.yaml"] += "tracing: { sampling_rate: 1, reservoir: 0 }\n";
  fs.files["environments/prod.yaml"] += "tracing: { sampling_rate: 0 }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Environment& dev = *result.org->environment("dev");
  const Environment& prod = *result.org->environment("prod");
  EXPECT_DOUBLE_EQ(dev.sampling_rate, 1);
  EXPECT_EQ(dev.sampling_reservoir, 0);
  EXPECT_TRUE(dev.tracing_span.valid());
  EXPECT_DOUBLE_EQ(prod.sampling_rate, 0);
  EXPECT_EQ(prod.sampling_reservoir, 1);
}

// Given a tenant rate and an override of it in prod, we should let the override win there.
TEST_F(TracingAccessConfigTest, TenantRateAndOverride) {
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", "tracing: { sampling_rate: 0.2 }\n") +
                                  "overrides:\n  prod:\n    tracing: { sampling_rate: 0.1 }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Tenant& t = result.org->tenants[0];
  ASSERT_EQ(t.deployments.size(), 2u);
  EXPECT_DOUBLE_EQ(*t.deployments[0].sampling_rate, 0.2);
  EXPECT_DOUBLE_EQ(*t.deployments[1].sampling_rate, 0.1);
  EXPECT_EQ(sources.Locate(t.deployments[0].sampling_span.file, t.deployments[0].sampling_span.begin).line, 2u);
  EXPECT_EQ(sources.Locate(t.deployments[1].sampling_span.file, t.deployments[1].sampling_span.begin).line, 7u);
}

// Given rates and a reservoir out of range, we should report each once (E0325), the base
// rate once although two deployments read it.
TEST_F(TracingAccessConfigTest, SamplingOutOfRange) {
  fs.files["environments/dev.yaml"] += "tracing: { sampling_rate: 1.5, reservoir: 1001 }\n";
  fs.files["environments/prod.yaml"] += "tracing: { reservoir: -1 }\n";
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", "tracing: { sampling_rate: -0.1 }\n");
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(), (Lines{
                            "environments/dev.yaml:6:27 E0325 sampling rate 1.5 is not between 0 and 1",
                            "environments/dev.yaml:6:43 E0325 reservoir 1001 is out of range",
                            "environments/prod.yaml:6:23 E0325 reservoir -1 is out of range",
                            "tenants/shop.yaml:2:27 E0325 sampling rate -0.1 is not between 0 and 1",
                        }));
}

// Given wrong shapes, we should report them as the decoder does elsewhere.
TEST_F(TracingAccessConfigTest, TracingShapes) {
  fs.files["environments/dev.yaml"] += "tracing: { sampling_rate: 5%, reservior: 2 }\n";
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", "tracing: 0.5\naccess: { read: arn, write: [] }\n");
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(), (Lines{
                            "environments/dev.yaml:6:27 E0005 `sampling_rate` must be a number, found \"5%\"",
                            "environments/dev.yaml:6:31 E0004 unknown key `reservior` in `tracing`",
                            "tenants/shop.yaml:2:10 E0005 `tracing` must be a mapping, found \"0.5\"",
                            "tenants/shop.yaml:3:17 E0005 `read` must be a list of strings, found \"arn\"",
                            "tenants/shop.yaml:3:22 E0004 unknown key `write` in `access`",
                        }));
}

/// `n` tenants t01..tNN in dev, each with its own sampling rate.
void AddRatedTenants(MemoryFileSystem& fs, int n) {
  for (int i = 1; i <= n; ++i)
    fs.files[fmt::format("tenants/t{:02}.yaml", i)] =
        fmt::format("environments: [dev]\ntracing: {{ sampling_rate: 0.5 }}\n"
                    "apps:\n  web: {{ image: t{:02}/web, cpu: 256, memory: 512 }}\n",
                    i);
}

// Given 24 tenants with their own rate in dev, we should fit: 25 rules with the default one.
TEST_F(TracingAccessConfigTest, SamplingRulesFitTheQuota) {
  AddRatedTenants(fs, 24);
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
}

// Given 26 tenants with their own rate in dev, we should report E0326 once, at the rate of
// the first tenant (by name) past the quota; prod, where none has a rate, is fine.
TEST_F(TracingAccessConfigTest, SamplingRulesOverTheQuota) {
  AddRatedTenants(fs, 26);
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(), (Lines{"tenants/t25.yaml:2:27 E0326 environment `dev` needs 27 X-Ray sampling rules, "
                               "its account allows 25"}));
  EXPECT_EQ(diags.items()[0].help,
            "drop `tracing.sampling_rate` from 2 tenants in `dev`; tenants without one use the environment's rate "
            "(`tracing.sampling_rate` in environments/dev.yaml)");
}

// Given valid access lists, we should keep them in order: roles with paths, users, SSO roles.
TEST_F(TracingAccessConfigTest, Access) {
  fs.files["tenants/shop.yaml"] = WebTenant(
      "shop/web",
      "access:\n"
      "  read:\n"
      "    - arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Shop_0123456789abcdef\n"
      "    - arn:aws:iam::666666666666:user/alice\n"
      "  release: [\"arn:aws:iam::777777777777:role/ci/shop-ci\"]\n");
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  const Access& a = result.org->tenants[0].access;
  EXPECT_EQ(a.read, (std::vector<std::string>{
                        "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                        "AWSReservedSSO_Shop_0123456789abcdef",
                        "arn:aws:iam::666666666666:user/alice"}));
  EXPECT_EQ(a.release, (std::vector<std::string>{"arn:aws:iam::777777777777:role/ci/shop-ci"}));
  EXPECT_TRUE(a.span.valid());
}

// Given principals that are not IAM roles or users of the org's partition, and a duplicate,
// we should report each (E0324, E0315).
TEST_F(TracingAccessConfigTest, BadPrincipals) {
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web",
                                         "access:\n"
                                         "  read:\n"
                                         "    - \"666666666666\"\n"
                                         "    - arn:aws:iam::666666666666:root\n"
                                         "    - arn:aws:iam::666666666666:group/devs\n"
                                         "    - arn:aws-us-gov:iam::666666666666:role/ci\n"
                                         "    - arn:aws:iam::666666666666:role/a//b\n"
                                         "  release: [arn:aws:iam::666666666666:role/ci, "
                                         "arn:aws:iam::666666666666:role/ci]\n");
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(),
            (Lines{
                "tenants/shop.yaml:4:7 E0324 `666666666666` is an account id, not an IAM role or user",
                "tenants/shop.yaml:5:7 E0324 `arn:aws:iam::666666666666:root` is an account root",
                "tenants/shop.yaml:6:7 E0324 `arn:aws:iam::666666666666:group/devs` is not the ARN of an IAM role or user",
                "tenants/shop.yaml:7:7 E0324 `arn:aws-us-gov:iam::666666666666:role/ci` is in the aws-us-gov partition, "
                "the org's region eu-west-1 is in aws",
                "tenants/shop.yaml:8:7 E0324 `arn:aws:iam::666666666666:role/a//b` is not the ARN of an IAM role or user",
                "tenants/shop.yaml:9:48 E0315 principal `arn:aws:iam::666666666666:role/ci` is listed twice",
            }));
  EXPECT_NE(diags.items()[0].help.find("aws-reserved/sso.amazonaws.com/eu-west-1/"), std::string::npos);
}

// Given more principals than a 2,048-character trust policy holds, we should refuse the list
// at the first one that does not fit (E0324); 14 principals of 82-character ARNs fit, 15 do not.
TEST_F(TracingAccessConfigTest, TrustPolicyTooLong) {
  std::string fits = "access:\n  read:\n", too_many = "access:\n  release:\n";
  for (int i = 0; i < 15; ++i) {
    std::string arn = fmt::format("    - arn:aws:iam::666666666666:role/{:0>51}\n", i);
    if (i < 14) fits += arn;
    too_many += arn;
  }
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", fits);
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(result.org->tenants[0].access.read.size(), 14u);
  diags = {};
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", too_many);
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(), (Lines{"tenants/shop.yaml:18:7 E0324 the release role's trust policy would need about 2171 "
                               "characters, IAM allows 2048"}));
}

// Given `access` in an override, we should refuse it like `budget` (E0303).
TEST_F(TracingAccessConfigTest, AccessNotPerEnvironment) {
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web") + "overrides:\n  prod:\n    access: { read: [] }\n";
  EXPECT_FALSE(Run());
  EXPECT_EQ(Reported(), (Lines{"tenants/shop.yaml:6:5 E0303 `access` cannot be overridden per environment"}));
}

// Given two tenants running one image in a realm and one of them releasing, we should warn at
// each app's image (once per app, not per environment), naming the other tenant (W0015).
TEST_F(TracingAccessConfigTest, SharedImageWarns) {
  fs.files["tenants/blog.yaml"] = WebTenant("shop/web");
  fs.files["tenants/shop.yaml"] = WebTenant("shop/web", "access: { release: [\"arn:aws:iam::666666666666:role/ci\"] }\n");
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_EQ(Reported(), (Lines{"tenants/blog.yaml:3:17 W0015 image `shop/web` is also run by tenant `shop` in the "
                               "nonprod realm",
                               "tenants/shop.yaml:4:17 W0015 image `shop/web` is also run by tenant `blog` in the "
                               "nonprod realm"}));
  EXPECT_EQ(diags.items()[0].help, "give each tenant its own repository, such as `blog/web`");
  EXPECT_EQ(diags.items()[1].help, "give each tenant its own repository; `shop/web` can stay with tenant `shop`");
}

// Given a shared image but no tenant with a release role, or images shared only across realms,
// we should say nothing.
TEST_F(TracingAccessConfigTest, SharedImageSilentWithoutRelease) {
  fs.files["tenants/blog.yaml"] = WebTenant("shop/web");
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_TRUE(diags.items().empty());
  diags = {};
  fs.files["tenants/blog.yaml"] = "environments: [dev]\napps:\n  web: { image: shop/web, cpu: 256, memory: 512 }\n";
  fs.files["tenants/shop.yaml"] =
      "environments: [prod]\naccess: { release: [\"arn:aws:iam::666666666666:role/ci\"] }\n"
      "apps:\n  web: { image: shop/web, cpu: 256, memory: 512, replicas: { min: 2 } }\n";
  ASSERT_TRUE(Run()) << RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_TRUE(diags.items().empty()) << RenderAll(diags, sources, DiagFormat::kShort);
}

}  // namespace
}  // namespace eurus::model
