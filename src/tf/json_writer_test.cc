#include "tf/json_writer.h"

#include <gtest/gtest.h>

#include "cli/testing.h"
#include "run/compile.h"

namespace eurus::tf {
namespace {

// Given values of every kind and every character class, we should write nlohmann's dump(2).
TEST(JsonWriterTest, SameBytesAsNlohmann) {
  Json j = {
      {"empty_object", Json::object()},
      {"empty_array", Json::array()},
      {"strings", {"plain", "quote \" backslash \\ slash /", "\b\f\n\r\t", std::string("nul \0 x", 7), "\x01\x1f\x7f",
                   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "${aws_vpc.main.id}"}},
      {"numbers", {0, -1, 42, 9223372036854775807LL, 18446744073709551615ULL, 0.05, 1.5, 100.0, 1e-7, -2.5e10}},
      {"bools", {true, false, nullptr}},
      {"nested", {{"a", {{"b", {{"c", Json::array({Json::object(), Json::array({1, {{"d", "e"}}})})}}}}}}},
      {"key with \"quotes\" and \n", "v"},
  };
  EXPECT_EQ(Dump(j), j.dump(2));
  for (const Json& v : {Json(), Json(1), Json("s"), Json::object(), Json::array(), Json(0.1)}) EXPECT_EQ(Dump(v), v.dump(2));
}

// Given a byte that needs escaping at every position of strings of every length around the
// writer's 8-byte steps, we should still write nlohmann's dump(2).
TEST(JsonWriterTest, EscapesAtEveryPosition) {
  std::vector<std::string> specials = {"\"", "\\", "\x7f", "/", "\xc3\xa9", "~", " "};
  for (int c = 0; c < 0x20; ++c) specials.push_back(std::string(1, static_cast<char>(c)));
  for (size_t len = 0; len <= 26; ++len)
    for (size_t at = 0; at <= len; ++at)
      for (const auto& special : specials) {
        std::string text(len, 'x');
        text.insert(at, special);
        if (len > 3) text.insert(len / 2 < at ? len / 2 : text.size(), "\"");  // a second one
        const Json j = text;
        ASSERT_EQ(Dump(j), j.dump(2)) << "length " << len << ", at " << at;
      }
}

// Given every unit an example organisation synthesizes, we should write each file exactly as
// nlohmann would.
TEST(JsonWriterTest, EveryExampleUnit) {
  for (const char* example : {"acme", "minimal"}) {
    MemoryFileSystem fs = cli::fixtures::ExampleInMemory(example);
    run::Session s;
    run::CompileOptions o;
    o.dir = "repo";
    o.until = run::Pass::kSynth;
    ASSERT_TRUE(run::Compile(fs, o, s)) << example;
    for (const auto& u : s.units) {
      for (const std::string& text : {u.MainJson(), u.ProvidersJson()}) {
        Json parsed = Json::parse(text);
        EXPECT_EQ(text, parsed.dump(2) + "\n") << u.id();
      }
    }
  }
}

}  // namespace
}  // namespace eurus::tf
