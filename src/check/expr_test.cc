#include "check/expr.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace eurus::check {
namespace {

std::vector<std::string> Found(std::string_view s) {
  std::vector<std::string> out;
  TemplateScan scan = ScanTemplate(s);
  for (const auto& t : scan.traversals) {
    std::string joined;
    for (const auto& p : t.parts) joined += (joined.empty() ? "" : ".") + p;
    out.push_back(joined + "@" + std::to_string(t.offset) + "+" + std::to_string(t.length));
  }
  return out;
}

// Given plain interpolations, we should find each traversal with where it is written.
TEST(ExprTest, Interpolations) {
  EXPECT_EQ(Found("${aws_vpc.main.id}"), (std::vector<std::string>{"aws_vpc.main.id@2+15"}));
  EXPECT_EQ(Found("arn:${var.x}/${local.y}"),
            (std::vector<std::string>{"var.x@6+5", "local.y@15+7"}));
  EXPECT_EQ(Found("no interpolation"), std::vector<std::string>{});
}

// Given escapes, we should not read `$${` or `%%{` as interpolations.
TEST(ExprTest, Escapes) {
  EXPECT_EQ(Found("$${aws_vpc.main.id} %%{if x}"), std::vector<std::string>{});
}

// Given indexes and splats, we should drop them from the parts but scan inside indexes.
TEST(ExprTest, IndexesAndSplats) {
  EXPECT_EQ(Found("${aws_subnet.a[0].id}"), (std::vector<std::string>{"aws_subnet.a.id@2+18"}));
  EXPECT_EQ(Found("${aws_subnet.a[*].id}"), (std::vector<std::string>{"aws_subnet.a.id@2+18"}));
  EXPECT_EQ(Found("${aws_subnet.a.*.id}"), (std::vector<std::string>{"aws_subnet.a.id@2+17"}));
  EXPECT_EQ(Found("${aws_subnet.a[var.i].id}"),
            (std::vector<std::string>{"var.i@15+5", "aws_subnet.a.id@2+22"}));
  EXPECT_EQ(Found("${data.terraform_remote_state.net.outputs.ids[\"a\"]}"),
            (std::vector<std::string>{"data.terraform_remote_state.net.outputs.ids@2+48"}));
}

// Given function calls, object keys, literals and attributes of call results, we should
// keep only the traversals.
TEST(ExprTest, FunctionsKeysAndLiterals) {
  EXPECT_EQ(Found("${jsonencode({Version = \"2012-10-17\", Resource = aws_s3_bucket.b.arn, n = "
                  "1.5, t = true})}"),
            (std::vector<std::string>{"aws_s3_bucket.b.arn@49+19"}));
  EXPECT_EQ(Found("${jsondecode(var.doc).items}"), (std::vector<std::string>{"var.doc@13+7"}));
  EXPECT_EQ(Found("${provider::aws::arn_parse(var.arn).region}"),
            (std::vector<std::string>{"var.arn@27+7"}));
}

// Given calls, we should record each function's name where it is written, with its namespace,
// and not mistake a method-like attribute of a call result or a traversal for a call.
TEST(ExprTest, Calls) {
  TemplateScan scan = ScanTemplate(
      "${provider::aws::arn_parse(core::upper(var.arn)).region}-${lower (var.x)}-${var.y.z}");
  std::vector<std::string> got;
  for (const auto& c : scan.calls) got.push_back(fmt::format("{}@{}+{}", c.name, c.offset, c.length));
  EXPECT_EQ(got, (std::vector<std::string>{"provider::aws::arn_parse@2+24", "core::upper@27+11",
                                           "lower@59+5"}));
}

// Given nested templates inside quoted strings, we should find references at every level.
TEST(ExprTest, NestedTemplates) {
  EXPECT_EQ(Found("${format(\"%s-${var.env}\", local.name)}"),
            (std::vector<std::string>{"var.env@15+7", "local.name@26+10"}));
  EXPECT_EQ(Found("${var.a == \"}\" ? var.b : var.c}"),
            (std::vector<std::string>{"var.a@2+5", "var.b@17+5", "var.c@25+5"}));
}

// Given for-expressions and directives, we should record their iterators.
TEST(ExprTest, ForIterators) {
  TemplateScan scan =
      ScanTemplate("${[for s in aws_subnet.a : s.id]} %{for k, v in var.m}${v.x}%{endfor}");
  EXPECT_TRUE(scan.ok);
  EXPECT_EQ(scan.iterators, (std::vector<std::string>{"k", "s", "v"}));
  ASSERT_EQ(scan.traversals.size(), 4u);
  EXPECT_EQ(scan.traversals[0].parts, (std::vector<std::string>{"aws_subnet", "a"}));
  EXPECT_EQ(scan.traversals[1].parts, (std::vector<std::string>{"s", "id"}));
}

// Given an unterminated interpolation, we should fail and say where it starts.
TEST(ExprTest, Unterminated) {
  TemplateScan scan = ScanTemplate("ok ${var.a} then ${var.b");
  EXPECT_FALSE(scan.ok);
  EXPECT_EQ(scan.error_offset, 17u);
}

// Given bare traversals as depends_on writes them, we should parse whole strings only.
TEST(ExprTest, BareTraversal) {
  auto t = ParseTraversal("aws_vpc.main");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->parts, (std::vector<std::string>{"aws_vpc", "main"}));
  EXPECT_TRUE(ParseTraversal("data.aws_region.current"));
  EXPECT_FALSE(ParseTraversal("aws_vpc"));
  EXPECT_FALSE(ParseTraversal("aws_vpc.main + 1"));
  EXPECT_FALSE(ParseTraversal("f(aws_vpc.main)"));
}

}  // namespace
}  // namespace eurus::check
