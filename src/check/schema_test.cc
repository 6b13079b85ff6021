#include "check/schema.h"

#include <gtest/gtest.h>

namespace eurus::check {
namespace {

// Given a small schema, we should look types and arguments up by Terraform name, with
// arguments readable as attributes.
TEST(AwsSchemaTest, Lookup) {
  std::string err;
  auto s = Schema::Parse(R"({"format": 1, "package": "p@1", "provider_version": "6.25.0",
    "resources": {"aws_vpc": {"arguments": {"cidr_block": {"shape": "scalar"},
        "tags": {"shape": "map"}}, "attributes": ["arn"]}},
    "data_sources": {}})",
                         &err);
  ASSERT_TRUE(s) << err;
  EXPECT_EQ(s->package(), "p@1");
  const TypeSchema* vpc = s->Resource("aws_vpc");
  ASSERT_TRUE(vpc);
  EXPECT_EQ(vpc->block.Find("tags")->shape, Shape::kMap);
  EXPECT_FALSE(vpc->block.Find("nope"));
  EXPECT_TRUE(vpc->HasAttribute("arn"));
  EXPECT_TRUE(vpc->HasAttribute("cidr_block"));
  EXPECT_FALSE(s->Resource("aws_vpcc"));
  EXPECT_FALSE(s->DataSource("aws_vpc"));
  EXPECT_EQ(s->ResourceTypes(), std::vector<std::string>{"aws_vpc"});
}

// Given a file of another format or a malformed entry, we should refuse it and say where.
TEST(AwsSchemaTest, RejectsMalformed) {
  std::string err;
  EXPECT_FALSE(Schema::Parse("{", &err));
  EXPECT_EQ(err, "the schema file is not valid JSON");
  EXPECT_FALSE(Schema::Parse(R"({"format": 2})", &err));
  EXPECT_FALSE(Schema::Parse(
      R"({"format": 1, "resources": {"aws_vpc": {"arguments": {"x": {"shape": "tuple"}}}},
                                 "data_sources": {}})",
      &err));
  EXPECT_EQ(err, "resources.aws_vpc.arguments.x: unknown shape `tuple`");
}

}  // namespace
}  // namespace eurus::check
