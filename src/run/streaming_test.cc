// The writing synth (run::Compile to Pass::kWrite) builds, checks and writes one
// environment's tenant units at a time; its policy findings must be those of the whole
// organisation walked at once, its tree the same.

#include <gtest/gtest.h>

#include "cli/testing.h"
#include "run/compile.h"

namespace eurus::run {
namespace {

tf::Unit* Find(std::vector<tf::Unit>& units, const std::string& id) {
  for (auto& u : units)
    if (u.id() == id) return &u;
  return nullptr;
}

std::string FirstName(const tf::Unit& u, const std::string& type) {
  return u.resources().at(type).begin().key();
}

/// Plants findings of every kind the rules judge across units: in an environment's own unit
/// (E0802), in a tenant unit (E0802), a tenant group opened to another tenant's subnet of the
/// same account (E0808, the table of tenant subnets), a route to an internet gateway in a
/// tenant's table (E0803, judged against associations), and in an account-level unit.
void Plant(std::vector<tf::Unit>& batch) {
  const tf::Json public_instance = {{"associate_public_ip_address", true}};
  if (tf::Unit* n = Find(batch, "dev/network")) n->Resource("aws_instance", "planted", public_instance, "environments/dev.yaml:1");
  if (tf::Unit* r = Find(batch, "common-nonprod/registry")) r->Resource("aws_instance", "planted", public_instance, "eurus.yaml:1");
  tf::Unit* shop = Find(batch, "dev/tenant-shop");
  tf::Unit* catalog = Find(batch, "dev/tenant-catalog");
  if (shop && catalog) {
    shop->Resource("aws_instance", "planted", public_instance, "tenants/shop.yaml:1");
    const std::string cidr =
        catalog->resources().at("aws_subnet").begin().value().at("cidr_block").get<std::string>();
    shop->Resource("aws_vpc_security_group_ingress_rule", "planted",
                   {{"security_group_id", "${aws_security_group." + FirstName(*shop, "aws_security_group") + ".id}"},
                    {"cidr_ipv4", cidr},
                    {"ip_protocol", "tcp"},
                    {"from_port", 5432},
                    {"to_port", 5432}},
                   "tenants/shop.yaml:2");
    shop->Resource("aws_route", "planted",
                   {{"route_table_id", "${aws_route_table." + FirstName(*shop, "aws_route_table") + ".id}"},
                    {"destination_cidr_block", "0.0.0.0/0"},
                    {"gateway_id", "igw-0123456789abcdef0"}},
                   "tenants/shop.yaml:3");
  }
}

std::multiset<std::string> Errors(const Session& s) {
  std::multiset<std::string> out;
  for (const auto& d : s.diags.items())
    if (d.severity == Severity::kError) out.insert(d.code + " " + d.message);
  return out;
}

// Given findings planted in the units as they are built, we should report exactly the
// findings a walk of the whole organisation reports, and write nothing.
TEST(StreamingTest, FindingsAreTheWholeOrganisations) {
  MemoryFileSystem fs = cli::fixtures::ExampleInMemory("acme");
  std::erase_if(fs.files, [](const auto& f) { return f.first.rfind("repo/out/", 0) == 0; });
  CompileOptions o;
  o.dir = "repo";
  o.built = Plant;
  Session whole, streaming;
  o.until = Pass::kPolicy;  // not writing: every unit built, then checked at once
  EXPECT_FALSE(Compile(fs, o, whole));
  o.until = Pass::kWrite;
  EXPECT_FALSE(Compile(fs, o, streaming));
  EXPECT_FALSE(whole.synthesis.has_value());
  EXPECT_TRUE(streaming.synthesis.has_value());
  const auto expected = Errors(whole);
  EXPECT_EQ(Errors(streaming), expected);
  for (const char* code : {"E0802", "E0803", "E0808"}) {
    size_t n = 0;
    for (const auto& e : expected) n += e.rfind(code, 0) == 0;
    EXPECT_GE(n, 1u) << code << " was not planted: the test proves nothing";
  }
  EXPECT_GE(expected.size(), 5u);
  for (const auto& [path, data] : fs.files) EXPECT_NE(path.rfind("repo/out/", 0), 0u) << path;
}

// Given a valid organisation, we should write the tree the whole-organisation synth renders
// (Output::kTree without writing builds every unit at once), file for file.
TEST(StreamingTest, TreeIsTheWholeSynths) {
  MemoryFileSystem fs = cli::fixtures::ExampleInMemory("acme");
  std::erase_if(fs.files, [](const auto& f) { return f.first.rfind("repo/out/", 0) == 0; });
  CompileOptions o;
  o.dir = "repo";
  o.until = Pass::kManifest;
  Session whole;
  ASSERT_TRUE(Compile(fs, o, whole));
  o.until = Pass::kWrite;
  Session streaming;
  ASSERT_TRUE(Compile(fs, o, streaming));
  std::map<std::string, std::string> written;
  for (const auto& [path, data] : fs.files)
    if (path.rfind("repo/out/", 0) == 0 && path != "repo/out/.eurus-synth.json") written[path.substr(9)] = data;
  EXPECT_EQ(written, whole.files);
  ASSERT_EQ(streaming.units.size(), whole.units.size());
  for (size_t i = 0; i < whole.units.size(); ++i) EXPECT_EQ(streaming.units[i].id(), whole.units[i].id()) << i;
  EXPECT_TRUE(streaming.pending_ids.empty());
}

}  // namespace
}  // namespace eurus::run
