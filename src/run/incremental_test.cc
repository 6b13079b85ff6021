// Incremental synth (CompileOptions::incremental): the tree it writes is the full synth's,
// byte for byte, and it builds only what changed.

#include <gtest/gtest.h>

#include <regex>

#include "cli/testing.h"
#include "run/compile.h"
#include "util/build_id.h"

namespace eurus::run {
namespace {

struct IncrementalTest : ::testing::Test {
  MemoryFileSystem fs = cli::fixtures::ExampleInMemory("acme");
  void SetUp() override {
    // A tree of another run would be read as the previous one.
    std::erase_if(fs.files, [](const auto& f) { return f.first.rfind("repo/out/", 0) == 0; });
    if (BuildId().empty()) GTEST_SKIP() << "this test binary has no build id";
  }
  /// One synth into repo/out (incremental unless `full`); the session for inspection.
  Session& Synth(bool full = false) {
    sessions.push_back(std::make_unique<Session>());
    CompileOptions o;
    o.dir = "repo";
    o.until = Pass::kWrite;
    o.incremental = !full;
    EXPECT_TRUE(Compile(fs, o, *sessions.back())) << "synth failed";
    return *sessions.back();
  }
  /// The generated tree under repo/out, the stamp aside.
  std::map<std::string, std::string> Tree() const {
    std::map<std::string, std::string> out;
    for (const auto& [p, d] : fs.files)
      if (p.rfind("repo/out/", 0) == 0 && p != "repo/out/.eurus-synth.json") out[p] = d;
    return out;
  }
  void Edit(const std::string& file, const std::string& from, const std::string& to) {
    std::string& text = fs.files.at("repo/" + file);
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  std::vector<std::unique_ptr<Session>> sessions;
};

std::set<std::string> Built(const Session& s) {
  std::set<std::string> ids;
  for (const auto& u : s.units) ids.insert(u.id());
  return ids;
}

// Given no previous tree, we should build every unit, say why, and stamp the tree.
TEST_F(IncrementalTest, FirstSynthBuildsEverything) {
  Session& s = Synth();
  EXPECT_FALSE(s.full_reason.empty());
  EXPECT_TRUE(s.kept.empty());
  EXPECT_TRUE(fs.files.count("repo/out/.eurus-synth.json"));
  EXPECT_NE(s.files.at("eurus.manifest.json").find("\"inputs\": \"sha256:"), std::string::npos);
}

// Given nothing changed, we should build no unit and write the same tree.
TEST_F(IncrementalTest, NothingChangedBuildsNothing) {
  Session& first = Synth();
  auto before = Tree();
  Session& s = Synth();
  EXPECT_TRUE(s.full_reason.empty()) << s.full_reason;
  EXPECT_TRUE(s.units.empty());
  EXPECT_FALSE(s.kept.empty());
  EXPECT_EQ(Tree(), before);
  // Commands that check unit names given on the command line (plan, apply, drift) see
  // every unit, built or kept.
  EXPECT_EQ(s.UnitIds(), first.UnitIds());
  EXPECT_TRUE(s.UnitIds().count("dev/network"));
}

// Given one tenant file edited, we should build that tenant's units and the organisation's
// (never another tenant's), and write exactly the tree a full synth writes.
TEST_F(IncrementalTest, OneTenantEditMatchesAFullSynth) {
  Synth();
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: x");
  Session& s = Synth();
  for (const auto& id : Built(s)) EXPECT_TRUE(id.find("/tenant-") == std::string::npos || id.find("/tenant-shop") != std::string::npos) << id;
  EXPECT_TRUE(Built(s).count("dev/tenant-shop"));
  EXPECT_TRUE(s.kept.count("prod/tenant-payments"));
  auto incremental = Tree();
  Synth(/*full=*/true);
  EXPECT_EQ(Tree(), incremental);
}

// Given a stamp another build wrote, we should trust nothing and build every unit.
TEST_F(IncrementalTest, AnotherBuildsTreeIsRebuilt) {
  Synth();
  std::string& stamp = fs.files.at("repo/out/.eurus-synth.json");
  stamp = std::regex_replace(stamp, std::regex("\"build\": \"[0-9a-f]+\""), "\"build\": \"0000\"");
  Session& s = Synth();
  EXPECT_FALSE(s.full_reason.empty());
  EXPECT_TRUE(s.kept.empty());
}

// Given a unit directory deleted by hand, we should build that unit again.
TEST_F(IncrementalTest, MissingUnitDirectoryIsRebuilt) {
  Synth();
  auto before = Tree();
  std::erase_if(fs.files, [](const auto& f) { return f.first.rfind("repo/out/dev/tenant-shop/", 0) == 0; });
  Session& s = Synth();
  EXPECT_TRUE(Built(s).count("dev/tenant-shop"));
  EXPECT_EQ(Tree(), before);
}

// Given a synth that fails, we should leave the tree and the stamp as they were.
TEST_F(IncrementalTest, FailedSynthLeavesTheTree) {
  Synth();
  auto before = fs.files;
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: [");
  Session s;
  CompileOptions o;
  o.dir = "repo";
  o.until = Pass::kWrite;
  o.incremental = true;
  EXPECT_FALSE(Compile(fs, o, s));
  for (const auto& [p, d] : before)
    if (p.rfind("repo/out/", 0) == 0) {
      EXPECT_EQ(fs.files.at(p), d) << p;
    }
}

}  // namespace
}  // namespace eurus::run
