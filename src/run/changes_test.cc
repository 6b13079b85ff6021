#include "run/changes.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run/detect.h"
#include "synth/manifest.h"

namespace eurus::run {
namespace {

Manifest Make(std::vector<std::tuple<std::string, std::string, std::vector<std::string>>> units) {
  Manifest m;
  for (auto& [id, hash, deps] : units) m.units[id] = {"1", deps, hash};
  return m;
}

// Given two manifests, Diff should classify every unit of either by id and hash.
TEST(ChangesTest, DiffClassifiesByHash) {
  Manifest base = Make({{"dev/network", "h1", {}}, {"dev/tenant-a", "h2", {"dev/network"}}, {"dev/tenant-old", "h3", {}}});
  Manifest head = Make({{"dev/network", "h1", {}}, {"dev/tenant-a", "h2x", {"dev/network"}}, {"dev/tenant-new", "h4", {}}});
  ChangeSet cs = Diff(base, head);
  EXPECT_EQ(cs.Ids(UnitChange::kAdded), std::vector<std::string>{"dev/tenant-new"});
  EXPECT_EQ(cs.Ids(UnitChange::kChanged), std::vector<std::string>{"dev/tenant-a"});
  EXPECT_EQ(cs.Ids(UnitChange::kRemoved), std::vector<std::string>{"dev/tenant-old"});
  EXPECT_EQ(cs.Ids(UnitChange::kUnchanged), std::vector<std::string>{"dev/network"});
  EXPECT_EQ(cs.units.size(), 4u);
}

// Given a changed network, WithDependents should add everything that reads it, transitively.
TEST(ChangesTest, WithDependentsIsTransitive) {
  Manifest head = Make({{"dev/network", "n2", {}},
                        {"dev/platform", "p", {"dev/network"}},
                        {"dev/tenant-a", "a", {"dev/platform"}},
                        {"dev/tenant-b", "b", {"dev/network"}},
                        {"prod/network", "x", {}},
                        {"prod/tenant-a", "y", {"prod/network"}}});
  Manifest base = head;
  base.units["dev/network"].hash = "n1";
  EXPECT_EQ(WithDependents(Diff(base, head), head),
            (std::vector<std::string>{"dev/network", "dev/platform", "dev/tenant-a", "dev/tenant-b"}));
  // A removed unit is destroyed, not applied; nothing in head depends on it.
  base = head;
  base.units["dev/tenant-gone"] = {"1", {"dev/network"}, "g"};
  EXPECT_TRUE(WithDependents(Diff(base, head), head).empty());
}

// Given manifests of another version or without hashes, the parsers should refuse them.
TEST(ChangesTest, ParsersAreVersioned) {
  std::string err;
  EXPECT_FALSE(ParseManifest(R"({"version":2,"units":{}})", &err));
  EXPECT_EQ(err, "version 2, this eurus reads version 1");
  EXPECT_FALSE(ParseManifest("[]", &err));
  EXPECT_FALSE(ParseManifest(R"({"version":1,"units":{"a/b":{}}})", &err));
  EXPECT_EQ(err, "unit `a/b` has no hash");
  auto m = ParseManifest(R"({"version":1,"units":{"dev/t":{"account":"4","dependencies":["dev/network"],"hash":"h"}}})", &err);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->units["dev/t"].dependencies, std::vector<std::string>{"dev/network"});
  EXPECT_EQ(m->units["dev/t"].account, "4");
  // The applied record round-trips and keeps ids and hashes only.
  auto a = FromApplied(AppliedJson(*m), &err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->units["dev/t"].hash, "h");
  EXPECT_TRUE(a->units["dev/t"].dependencies.empty());
  EXPECT_EQ(AppliedJson(*m), "{\n  \"units\": {\n    \"dev/t\": {\n      \"hash\": \"h\"\n    }\n  },\n  \"version\": 1\n}\n");
  EXPECT_FALSE(FromApplied(R"({"version":3,"units":{}})", &err));
}

// Given one unit's files, the content hash should move with any byte of any file.
TEST(ChangesTest, ContentHashCoversEveryFile) {
  std::map<std::string, std::string> f = {{"dev/x/main.tf.json", "{}"}, {"dev/x/providers.tf.json", "{}"}, {"dev/x/terragrunt.hcl", ""}};
  std::string h = synth::ContentHash(f);
  for (auto& [name, data] : f) {
    auto g = f;
    g[name] += " ";
    EXPECT_NE(synth::ContentHash(g), h) << name;
  }
  EXPECT_EQ(synth::ContentHash(f), h);
}

// ---- end to end, on a temporary git repository ----

namespace fs = std::filesystem;

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

class ChangesGitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Sh("git --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "git is not installed";
    top_ = fs::temp_directory_path() / ("eurus-changes-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(top_);
    // The project sits in a subdirectory of the repository, as in a monorepo.
    dir_ = top_ / "platform";
    fs::create_directories(dir_);
    fs::copy(fs::path(EURUS_SOURCE_DIR) / "examples/minimal", dir_, fs::copy_options::recursive);
    fs::remove_all(dir_ / "out");
    Write("tenants/second.yaml", Read("tenants/hello.yaml"));
    ReplaceIn("tenants/second.yaml", "host: hello", "host: second");
    // Allocate for the second tenant so the committed lock is complete.
    ASSERT_EQ(Sh(std::string(EURUS_BINARY) + " check -C " + dir_.string() + " >/dev/null 2>&1"), 0);
    Git("init -q -b main && git -C " + top_.string() +
        " -c user.name=t -c user.email=t@t add -A && git -C " + top_.string() +
        " -c user.name=t -c user.email=t@t commit -qm base");
  }
  void TearDown() override {
    if (!top_.empty()) fs::remove_all(top_);
  }
  void Git(const std::string& args) { ASSERT_EQ(Sh("git -C " + top_.string() + " " + args), 0); }
  std::string Read(const std::string& rel) {
    std::ifstream in(dir_ / rel);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  void ReplaceIn(const std::string& rel, const std::string& from, const std::string& to) {
    std::string t = Read(rel);
    size_t p = t.find(from);
    ASSERT_NE(p, std::string::npos) << from;
    Write(rel, t.replace(p, from.size(), to));
  }
  run::Changes Changes() {
    RealFileSystem rfs;
    ChangeRequest r;
    r.dir = dir_.string();
    r.base = "HEAD";
    std::string err;
    run::Changes ch;
    EXPECT_TRUE(DetectChanges(rfs, r, ch, &err)) << err;
    return ch;
  }
  fs::path top_, dir_;
};

using Ids = std::vector<std::string>;

// Given nothing edited, every unit should be unchanged and the working tree untouched.
TEST_F(ChangesGitTest, NothingEdited) {
  std::string lock = Read("eurus.lock.json");
  auto ch = Changes();
  // bootstrap, the two realm registries, the nonprod backup vault and observability unit (prod
  // has no environment), dev/network, dev/platform, the two tenants and management/billing
  EXPECT_EQ(ch.changes.Count(run::UnitChange::kUnchanged), 10u);
  EXPECT_TRUE(ch.apply.empty());
  EXPECT_EQ(ch.base_commit.size(), 40u);
  EXPECT_EQ(Read("eurus.lock.json"), lock);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// Given one tenant edited in the working tree, exactly that tenant's unit should change.
TEST_F(ChangesGitTest, OneTenantEdited) {
  Write("tenants/second.yaml", Read("tenants/second.yaml") + "cost_center: finance\n");
  auto ch = Changes();
  EXPECT_EQ(ch.changes.Ids(run::UnitChange::kChanged), Ids{"dev/tenant-second"});
  EXPECT_TRUE(ch.changes.Ids(run::UnitChange::kAdded).empty());
  EXPECT_EQ(ch.apply, Ids{"dev/tenant-second"});
}

// Given a network change, the network should change and its tenants be applied after it.
TEST_F(ChangesGitTest, NetworkChangeBringsDependents) {
  ReplaceIn("environments/dev.yaml", "availability_zones: [eu-west-1a, eu-west-1b]",
            "availability_zones: [eu-west-1a, eu-west-1b]\n  flow_logs: { enabled: true, retention_days: 90 }");
  auto ch = Changes();
  auto changed = ch.changes.Ids(run::UnitChange::kChanged);
  EXPECT_TRUE(std::find(changed.begin(), changed.end(), "dev/network") != changed.end());
  // management/billing is ordered after every environment unit.
  EXPECT_EQ(ch.apply, (Ids{"dev/network", "dev/platform", "dev/tenant-hello", "dev/tenant-second",
                           "management/billing"}));
}

// Given a tenant file removed, its unit should be reported removed, and only the platform
// unit (the dashboard's tenant selector lists the tenants with apps) and the billing unit
// (its cost category names every tenant) changed.
TEST_F(ChangesGitTest, TenantRemoved) {
  fs::remove(dir_ / "tenants/second.yaml");
  auto ch = Changes();
  EXPECT_EQ(ch.changes.Ids(run::UnitChange::kRemoved), Ids{"dev/tenant-second"});
  EXPECT_EQ(ch.changes.Ids(run::UnitChange::kChanged), (Ids{"dev/platform", "management/billing"}));
}

// Given a base without a configuration (the empty tree), every unit should be added.
TEST_F(ChangesGitTest, InvalidBaseMeansAllAdded) {
  RealFileSystem rfs;
  ChangeRequest c;
  c.dir = dir_.string();
  c.base = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";  // git's empty tree
  std::string err;
  run::Changes ch;
  ASSERT_TRUE(DetectChanges(rfs, c, ch, &err)) << err;
  EXPECT_FALSE(ch.base_valid);
  EXPECT_EQ(ch.changes.Count(run::UnitChange::kAdded), 10u);
  c.base = "no-such-ref";
  run::Changes none;
  EXPECT_FALSE(DetectChanges(rfs, c, none, &err));
  EXPECT_NE(err.find("`no-such-ref` is not a commit or tree"), std::string::npos) << err;
}

// Given the manifest synth wrote recorded as applied, --applied should find nothing to do.
TEST_F(ChangesGitTest, AppliedRecordMatchesSynth) {
  ASSERT_EQ(Sh(std::string(EURUS_BINARY) + " synth -q -C " + dir_.string() + " >/dev/null 2>&1"), 0);
  std::string err;
  auto m = ParseManifest(Read("out/eurus.manifest.json"), &err);
  ASSERT_TRUE(m) << err;
  Write("applied.json", AppliedJson(*m));
  RealFileSystem rfs;
  ChangeRequest c;
  c.dir = dir_.string();
  c.applied = (dir_ / "applied.json").string();
  run::Changes ch;
  ASSERT_TRUE(DetectChanges(rfs, c, ch, &err)) << err;
  EXPECT_EQ(ch.changes.Count(run::UnitChange::kUnchanged), 10u);
  EXPECT_EQ(ch.head.units.size(), m->units.size());
}

}  // namespace
}  // namespace eurus::run
