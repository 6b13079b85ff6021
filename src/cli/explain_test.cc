#include "cli/explain.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cost.h"

namespace eurus::cli {
namespace {

using Json = nlohmann::json;

CommonOptions Acme() {
  CommonOptions o;
  o.dir = std::string(EURUS_SOURCE_DIR) + "/examples/acme";
  return o;
}

/// Runs `eurus explain` with `what` (and --env `env`); stdout into `out`, stderr into `err`.
int Explain(const std::vector<std::string>& what, const std::string& env, bool json, std::string* out,
            std::string* err) {
  RealFileSystem fs;
  CommonOptions opts = Acme();
  ExplainOptions e;
  e.what = what;
  e.env = env;
  e.json = json;
  e.args = {"explain"};
  e.args.insert(e.args.end(), what.begin(), what.end());
  if (!env.empty()) e.args.insert(e.args.end(), {"--env", env});
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = RunExplain(fs, opts, e);
  *out = ::testing::internal::GetCapturedStdout();
  *err = ::testing::internal::GetCapturedStderr();
  return code;
}

// Given acme, `explain tenant shop --json` should print the same monthly cost per environment as
// `eurus cost --by tenant --format json`.
TEST(ExplainCommandTest, CostIsCostByTenants) {
  RealFileSystem fs;
  CommonOptions opts = Acme();
  CostOptions c;
  c.by = "tenant";
  c.format = "json";
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(RunCost(fs, opts, c), kOk);
  Json cost = Json::parse(::testing::internal::GetCapturedStdout());
  ::testing::internal::GetCapturedStderr();
  std::string out, err;
  ASSERT_EQ(Explain({"tenant", "shop"}, "", true, &out, &err), kOk) << err;
  Json j = Json::parse(out);
  ASSERT_EQ(j["environments"].size(), 3u);
  for (const auto& env : j["environments"]) {
    bool found = false;
    for (const auto& t : cost["tenants"])
      if (t["tenant"] == "shop" && t["environment"] == env["environment"]) {
        found = true;
        EXPECT_EQ(env["monthly_cost"]["total"], t["total"]) << env["environment"];
        EXPECT_EQ(env["monthly_cost"]["direct"], t["direct"]);
        EXPECT_EQ(env["monthly_cost"]["shared"], t["shared"]);
      }
    EXPECT_TRUE(found) << env["environment"];
  }
}

// Given --env, only that environment should be explained, in sections.
TEST(ExplainCommandTest, HumanOneEnvironment) {
  std::string out, err;
  ASSERT_EQ(Explain({"tenant", "shop"}, "dev", false, &out, &err), kOk) << err;
  EXPECT_NE(out.find("== dev (account 444444444444, unit dev/tenant-shop)\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("== prod"), std::string::npos);
  EXPECT_NE(out.find("https://shop.dev.acme.example.com/  (public, CloudFront)"), std::string::npos) << out;
  EXPECT_NE(out.find("monthly estimate: "), std::string::npos) << out;
}

// Given an unknown tenant, we should exit 1 with a located "did you mean".
TEST(ExplainCommandTest, UnknownTenant) {
  std::string out, err;
  EXPECT_EQ(Explain({"tenant", "shp"}, "", false, &out, &err), kInputError);
  EXPECT_EQ(out, "");
  EXPECT_NE(err.find("error: no tenant `shp`\n --> eurus explain tenant shp\n"), std::string::npos) << err;
  EXPECT_NE(err.find("^^^ did you mean `shop`?"), std::string::npos) << err;
}

// Given an unknown environment, or one the tenant is not in, we should exit 1 and say so.
TEST(ExplainCommandTest, UnknownEnvironment) {
  std::string out, err;
  EXPECT_EQ(Explain({"tenant", "shop"}, "stagin", false, &out, &err), kInputError);
  EXPECT_NE(err.find("error: no environment `stagin`"), std::string::npos) << err;
  EXPECT_NE(err.find("did you mean `staging`?"), std::string::npos) << err;
  EXPECT_EQ(Explain({"tenant", "analytics"}, "prod", false, &out, &err), kInputError);
  EXPECT_NE(err.find("tenant `analytics` is not deployed in environment `prod` (it is in: dev, staging)"), std::string::npos) << err;
}

// Given an unknown unit, we should exit 1 with the closest unit.
TEST(ExplainCommandTest, UnknownAddress) {
  std::string out, err;
  EXPECT_EQ(Explain({"dev/tenant-shp"}, "", false, &out, &err), kInputError);
  EXPECT_NE(err.find("^^^^^^^^^^^^^^ did you mean `dev/tenant-shop`?"), std::string::npos) << err;
  EXPECT_EQ(Explain({"dev/tenant-shop/aws_ecs_service.shop_web"}, "", true, &out, &err), kOk) << err;
  EXPECT_EQ(Json::parse(out)["unit"], "dev/tenant-shop");
}

}  // namespace
}  // namespace eurus::cli
