// tf::JsonDigest and tf::Unit::Digest: equal digests for equal rendered bytes, different
// ones for anything Dump renders differently.

#include "tf/json_digest.h"

#include <gtest/gtest.h>

#include "tf/json_writer.h"

namespace eurus::tf {
namespace {

std::string DigestOf(const Json& j) {
  JsonDigest d;
  d.Add(j);
  return d.Finish();
}

// Given documents that render differently (types, lengths, nesting, order of array items),
// we should get different digests; given equal documents, equal ones.
TEST(JsonDigestTest, DistinguishesWhatDumpRendersDifferently) {
  const std::vector<Json> docs = {
      Json(), Json(true), Json(false), Json(0), Json(1), Json(-1), Json(1.0), Json(-0.0), Json(0.0), Json(""),
      Json("1"), Json("ab"), Json::array(), Json::object(), Json::array({"a", "b"}), Json::array({"b", "a"}),
      Json::array({"ab"}), Json::array({Json::array()}), Json{{"a", "b"}}, Json{{"ab", ""}}, Json{{"a", Json::object()}},
      Json{{"a", 1}, {"b", 2}}, Json{{"a", 2}, {"b", 1}}, Json::array({Json{{"a", 1}}, Json{{"b", 1}}}),
      Json{{"x", Json::array({1, 2})}}, Json{{"x", Json::array({Json::array({1}), 2})}},
      Json(Json::value_t::discarded), Json::binary({1, 2}), Json::binary({1, 2}, 7), Json::binary({})};
  std::map<std::string, std::string> seen;  // digest → dump
  for (const auto& j : docs) {
    auto [it, fresh] = seen.emplace(DigestOf(j), j.dump());
    EXPECT_TRUE(fresh) << j.dump() << " and " << it->second << " share a digest";
    if (!j.is_binary() && !j.is_discarded()) {
      EXPECT_EQ(DigestOf(j), DigestOf(Json::parse(Dump(j)))) << Dump(j);
    }
  }
}

// Given the same integer stored signed and unsigned (Dump prints both alike), we should
// get one digest; a string longer than the buffer digests like the same string in parts.
TEST(JsonDigestTest, SignednessAndLongStrings) {
  EXPECT_EQ(DigestOf(Json(static_cast<int64_t>(5))), DigestOf(Json(static_cast<uint64_t>(5))));
  const std::string big(200000, 'x');
  EXPECT_EQ(DigestOf(Json::array({big, big})), DigestOf(Json::array({big, big})));
  EXPECT_NE(DigestOf(Json::array({big, big + "y"})), DigestOf(Json::array({big + "y", big})));
}

Unit Sample() {
  Unit u("dev", "network");
  Ref vpc = u.Resource("aws_vpc", "main", {{"cidr_block", "10.0.0.0/16"}}, "environments/dev.yaml:3");
  u.Output("vpc_id", vpc["id"], "the VPC");
  u.providers.push_back({.alias = "", .region = "eu-west-1", .account = "111111111111", .role_arn = "", .default_tags = {{"k", "v"}}, .identity = false});
  u.backend = {.local = false, .bucket = "b", .key = "k", .region = "eu-west-1", .role_arn = "", .kms_key_id = "", .identity = false};
  return u;
}

// Given a change to any part a unit's files are made from, we should get another digest;
// given the same unit built twice, the same one.
TEST(JsonDigestTest, UnitDigestCoversEveryFile) {
  EXPECT_EQ(Sample().Digest(), Sample().Digest());
  const std::string base = Sample().Digest();
  std::vector<std::pair<const char*, std::function<void(Unit&)>>> edits = {
      {"block", [](Unit& u) { u.Body(u.Existing("aws_vpc", "main"))["cidr_block"] = "10.1.0.0/16"; }},
      {"data", [](Unit& u) { u.Data("aws_region", "current", Json::object(), ""); }},
      {"variable", [](Unit& u) { u.Variable("v", {{"type", "string"}}); }},
      {"local", [](Unit& u) { u.Local("l", 1); }},
      {"output", [](Unit& u) { u.Output("o", "x", "o"); }},
      {"default tag", [](Unit& u) { u.providers[0].default_tags["k"] = "w"; }},
      {"provider role", [](Unit& u) { u.providers[0].role_arn = "arn:aws:iam::111111111111:role/x"; }},
      {"identity", [](Unit& u) { u.providers[0].identity = true; }},
      {"backend key", [](Unit& u) { u.backend.key = "other"; }},
      {"dependency", [](Unit& u) { u.dependencies.insert("dev/platform"); }},
  };
  for (auto& [what, edit] : edits) {
    Unit u = Sample();
    edit(u);
    EXPECT_NE(u.Digest(), base) << what;
    EXPECT_NE(u.MainJson() + u.ProvidersJson() + u.TerragruntHcl(),
              Sample().MainJson() + Sample().ProvidersJson() + Sample().TerragruntHcl())
        << what << ": the edit changes no file, the test is wrong";
  }
  // Not rendered, not digested: `sources` only feeds the manifest.
  Unit u = Sample();
  u.sources.insert("tenants/x.yaml");
  EXPECT_EQ(u.Digest(), base);
}

}  // namespace
}  // namespace eurus::tf
