#include "explain/address.h"

#include <gtest/gtest.h>

#include "explain/testing.h"

namespace eurus::explain {
namespace {

using testing::Compiled;

AddressReport Explain(const std::string& address) {
  const run::Session& s = Compiled("acme");
  return ExplainAddress(s.org(), &*s.project, s.sources, s.units, address);
}

// Given a resource address, we should print what it is, why, and the YAML line it came from.
TEST(ExplainAddressTest, Resource) {
  AddressReport r = Explain("dev/tenant-shop/aws_ecs_service.shop_web");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(r.text.find("  what: the ECS service that runs app web of tenant shop\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("  from: app `web` of tenant `shop`\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("tenants/shop.yaml:15:3\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("15 |   web:\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("    name = acme-shop-web\n"), std::string::npos) << r.text;
  EXPECT_EQ(r.json["type"], "aws_ecs_service");
  EXPECT_EQ(r.json["from"]["span"]["line"], 15);
  EXPECT_EQ(r.json["from"]["span"]["text"], "  web:");
  EXPECT_EQ(r.json["attributes"]["desired_count"], 1);
}

// Given the colon form, we should explain the same resource.
TEST(ExplainAddressTest, ColonForm) {
  AddressReport slash = Explain("dev/tenant-shop/aws_ecs_service.shop_web");
  AddressReport colon = Explain("dev/tenant-shop:aws_ecs_service.shop_web");
  ASSERT_TRUE(colon.ok) << colon.error;
  EXPECT_EQ(colon.text, slash.text);
}

// Given a unit, we should print what it is, where it comes from and what it holds.
TEST(ExplainAddressTest, Unit) {
  AddressReport r = Explain("common-prod/registry");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(r.text.find("why: the ECR registry of the prod realm"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(" aws_ecr_repository,"), std::string::npos) << r.text;
  AddressReport t = Explain("dev/tenant-shop");
  ASSERT_TRUE(t.ok);
  EXPECT_NE(t.text.find("tenants/shop.yaml:"), std::string::npos) << t.text;
  EXPECT_EQ(t.json["dependencies"][0], "dev/network");
}

// Given a misspelt unit or resource, we should say which part is wrong and suggest the closest.
TEST(ExplainAddressTest, DidYouMean) {
  AddressReport u = Explain("dev/tenant-shp");
  EXPECT_FALSE(u.ok);
  EXPECT_EQ(u.error, "no unit `dev/tenant-shp`");
  EXPECT_EQ(u.suggestion, "dev/tenant-shop");
  AddressReport r = Explain("dev/tenant-shop/aws_ecs_service.shop_wb");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "no resource `aws_ecs_service.shop_wb` in unit `dev/tenant-shop`");
  EXPECT_EQ(r.suggestion, "aws_ecs_service.shop_web");
  EXPECT_EQ(r.error_at, 16u);
  EXPECT_EQ(LocatedError(r.error, {"explain", "dev/tenant-shop/aws_ecs_service.shop_wb"}, 1, r.error_at,
                         r.error_len, r.suggestion),
            "error: no resource `aws_ecs_service.shop_wb` in unit `dev/tenant-shop`\n"
            " --> eurus explain dev/tenant-shop/aws_ecs_service.shop_wb\n"
            "                                   ^^^^^^^^^^^^^^^^^^^^^^^ did you mean `aws_ecs_service.shop_web`?\n");
}

}  // namespace
}  // namespace eurus::explain
