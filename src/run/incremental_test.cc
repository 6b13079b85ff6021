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

/// Ids of the units `s` built whose digest is the previous tree's (SynthPass).
std::set<std::string> Unchanged(const Session& s) {
  std::set<std::string> ids;
  for (size_t i = 0; i < s.unchanged.size(); ++i)
    if (s.unchanged[i]) ids.insert(s.units[i].id());
  return ids;
}

// Given a tenant edit the organisation's units do not read (cost_center), we should find
// them unchanged by digest (neither walked by the policy nor rendered) and still write the
// full synth's tree; the manifest, spliced from the previous one, is byte for byte a dump.
TEST_F(IncrementalTest, UnchangedOrganisationUnitsAreNotRendered) {
  Synth();
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: x");
  Session& s = Synth();
  EXPECT_TRUE(Unchanged(s).count("dev/network"));
  EXPECT_TRUE(Unchanged(s).count("common-nonprod/registry"));
  EXPECT_FALSE(Unchanged(s).count("dev/tenant-shop"));  // a tenant unit has no digest
  for (const auto& id : Unchanged(s)) EXPECT_TRUE(s.keep_dirs.count(id)) << id;
  auto incremental = Tree();
  Synth(/*full=*/true);
  EXPECT_EQ(Tree(), incremental);
}

// Given an edit the platform unit reads (an app's image names a new repository), we
// should build, render and write the registry again, and match the full synth.
TEST_F(IncrementalTest, ChangedOrganisationUnitIsWrittenAgain) {
  Synth();
  Edit("tenants/shop.yaml", "image: ", "image: renamed-");
  Session& s = Synth();
  EXPECT_FALSE(Unchanged(s).count("common-nonprod/registry"));
  EXPECT_FALSE(s.keep_dirs.count("common-nonprod/registry"));
  auto incremental = Tree();
  Synth(/*full=*/true);
  EXPECT_EQ(Tree(), incremental);
}

// Given a stamp whose digest for a unit is not the unit's, we should render and compare
// that unit (the digest only ever spares work, it never decides content).
TEST_F(IncrementalTest, ForeignDigestIsNotTrusted) {
  Synth();
  std::string& stamp = fs.files.at("repo/out/.eurus-synth.json");
  nlohmann::json j = nlohmann::json::parse(stamp);
  ASSERT_TRUE(j["digests"].contains("dev/network"));
  j["digests"]["dev/network"] = "sha256:00";
  stamp = j.dump(2) + "\n";
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: x");
  Session& s = Synth();
  EXPECT_FALSE(Unchanged(s).count("dev/network"));
  EXPECT_TRUE(Unchanged(s).count("dev/platform"));
}

// Given an edit of what the policy rules judge against (an environment's RPO), we should
// walk every built unit again, even unchanged ones: the previous verdicts do not hold.
TEST_F(IncrementalTest, PolicyFactsChangeWalksEveryUnit) {
  Synth();
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: x");
  Session& same = Synth();
  EXPECT_EQ(same.facts_digest, same.previous_facts_digest);
  EXPECT_LT(same.policy_walked, same.units.size());
  EXPECT_GT(same.policy_walked, 0u);  // the edited tenant's units, and the networks (E0803)
  Edit("environments/staging.yaml", "protection: false", "protection: true");
  Session& s = Synth();
  EXPECT_NE(s.facts_digest, s.previous_facts_digest);
  EXPECT_EQ(s.policy_walked, s.units.size());
}

// Given a caller that stops after the synth pass and goes on to write on the same session
// (plan UNIT..., drift UNIT...: unit names are checked in between), we should write the
// full synth's tree.
TEST_F(IncrementalTest, SynthThenWriteOnOneSession) {
  Synth();
  Edit("tenants/shop.yaml", "cost_center: ", "cost_center: x");
  Session s;
  CompileOptions o;
  o.dir = "repo";
  o.incremental = true;
  o.until = Pass::kSynth;
  ASSERT_TRUE(Compile(fs, o, s));
  o.until = Pass::kWrite;
  ASSERT_TRUE(Compile(fs, o, s));
  EXPECT_FALSE(Unchanged(s).empty());
  EXPECT_LT(s.policy_walked, s.units.size());
  auto incremental = Tree();
  Synth(/*full=*/true);
  EXPECT_EQ(Tree(), incremental);
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
