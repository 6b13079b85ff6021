#include "check/locate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace eurus::check {
namespace {

std::string_view Slice(std::string_view text, std::optional<TextRange> r) {
  if (!r) return "<none>";
  return text.substr(r->begin, r->end - r->begin);
}

// Given eurus's pretty-printed output, we should find the key of a nested path, not an
// earlier key of the same name elsewhere.
TEST(LocateTest, KeyInPrettyJson) {
  nlohmann::json doc = nlohmann::json::parse(
      R"({"resource": {"aws_subnet": {"a": {"vpc_id": "1"}, "b": {"vpc_id": "2"}}}})");
  std::string text = doc.dump(2);
  JsonPath path = {PathStep::Key("resource"), PathStep::Key("aws_subnet"), PathStep::Key("b"),
                   PathStep::Key("vpc_id")};
  auto r = LocateKey(text, path);
  ASSERT_TRUE(r);
  EXPECT_EQ(Slice(text, r), "\"vpc_id\"");
  EXPECT_EQ(Slice(text, LocateValue(text, path)), "\"2\"");
  EXPECT_EQ(FormatPath(path), "resource.aws_subnet.b.vpc_id");
}

// Given compact JSON with arrays, we should walk indexes and point at the element.
TEST(LocateTest, IndexesInCompactJson) {
  std::string text = R"({"rule":[{"x":1},{"x":{"y":[1,2,"three"]}}]})";
  JsonPath path = {PathStep::Key("rule"), PathStep::Index(1), PathStep::Key("x"),
                   PathStep::Key("y"), PathStep::Index(2)};
  EXPECT_EQ(Slice(text, LocateValue(text, path)), "\"three\"");
  EXPECT_EQ(Slice(text, LocateKey(text, {PathStep::Key("rule"), PathStep::Index(1)})), "{");
  EXPECT_EQ(FormatPath(path), "rule[1].x.y[2]");
  EXPECT_FALSE(LocateKey(text, {PathStep::Key("rule"), PathStep::Index(2)}));
  EXPECT_FALSE(LocateKey(text, {PathStep::Key("rules")}));
}

// Given escaped characters before a position, we should map decoded offsets to raw bytes.
TEST(LocateTest, RawOffsetSkipsEscapes) {
  std::string text = R"({"k": "a\"b\u00e9${x}"})";
  auto v = LocateValue(text, {PathStep::Key("k")});
  ASSERT_TRUE(v);
  // decoded: a " b é(2 bytes) $ → `$` is decoded byte 5
  uint32_t at = RawOffset(text, v->begin, 5);
  EXPECT_EQ(text.substr(at, 4), "${x}");
}

}  // namespace
}  // namespace eurus::check
