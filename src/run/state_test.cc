#include "run/state.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace eurus::run {
namespace {

namespace fs = std::filesystem;

/// A scratch directory standing for <repo>/.eurus/.
struct StateTest : ::testing::Test {
  std::string dir;
  void SetUp() override {
    char tmpl[] = "/tmp/eurus-state-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string Path(const std::string& rel) const { return dir + "/" + rel; }
  void Write(const std::string& rel, const std::string& text) const {
    ASSERT_TRUE(WriteFileAtomic(Path(rel), text));
  }
};

// Given durations, we should save them as a versioned record and load the same back.
TEST_F(StateTest, DurationsRoundTrip) {
  Durations d;
  d["plan"]["dev/network"] = 1.5;
  d["plan"]["dev/tenant-shop"] = 12.25;
  d["apply"]["dev/network"] = 90;
  ASSERT_TRUE(SaveDurations(Path("durations.json"), d));
  EXPECT_EQ(LoadDurations(Path("durations.json")), d);
}

// Given durations, the file should hold exactly the version and the seconds per mode.
TEST_F(StateTest, DurationsFileFormat) {
  Durations d;
  d["plan"]["dev/network"] = 1.5;
  ASSERT_TRUE(SaveDurations(Path("durations.json"), d));
  EXPECT_EQ(ReadFileOr(Path("durations.json")),
            "{\n \"plan\": {\n  \"dev/network\": 1.5\n },\n \"version\": 1\n}\n");
}

// Given a durations file that is missing, corrupt, of another version or not an object,
// we should start over with nothing (ninja's log does the same).
TEST_F(StateTest, UnreadableDurationsStartOver) {
  EXPECT_TRUE(LoadDurations(Path("missing.json")).empty());
  Write("corrupt.json", "{\"version\": 1, \"plan\": {\"dev/network\": 1.5");
  EXPECT_TRUE(LoadDurations(Path("corrupt.json")).empty());
  Write("v2.json", R"({"version": 2, "plan": {"dev/network": 1.5}})");
  EXPECT_TRUE(LoadDurations(Path("v2.json")).empty());
  Write("unversioned.json", R"({"plan": {"dev/network": 1.5}})");
  EXPECT_TRUE(LoadDurations(Path("unversioned.json")).empty());
  Write("array.json", R"([1, 2])");
  EXPECT_TRUE(LoadDurations(Path("array.json")).empty());
}

// Given entries of the wrong shape inside a valid record, we should skip only those.
TEST_F(StateTest, DurationsSkipBadEntries) {
  Write("d.json", R"({"version": 1,
      "plan": {"dev/network": 2, "dev/platform": "slow", "dev/tenant-shop": null},
      "apply": [1],
      "destroy": {"dev/network": 3}})");
  Durations d = LoadDurations(Path("d.json"));
  EXPECT_EQ(d, (Durations{{"plan", {{"dev/network", 2.0}}}}));
}

// Given what was applied, we should save it versioned and load the same back.
TEST_F(StateTest, AppliedRoundTrip) {
  Applied a;
  a["dev/network"] = {"sha256:aa", {}};
  a["dev/tenant-shop"] = {"sha256:bb", {"dev/network", "dev/platform"}};
  ASSERT_TRUE(SaveApplied(Path("applied.json"), a));
  Applied back = LoadApplied(Path("applied.json"));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back["dev/network"].hash, "sha256:aa");
  EXPECT_TRUE(back["dev/network"].dependencies.empty());
  EXPECT_EQ(back["dev/tenant-shop"].hash, "sha256:bb");
  EXPECT_EQ(back["dev/tenant-shop"].dependencies,
            (std::vector<std::string>{"dev/network", "dev/platform"}));
}

// Given one applied unit, the file should hold exactly the version and the unit.
TEST_F(StateTest, AppliedFileFormat) {
  ASSERT_TRUE(SaveApplied(Path("applied.json"), Applied{{"dev/network", {"abc", {}}}}));
  EXPECT_EQ(ReadFileOr(Path("applied.json")),
            "{\n"
            "  \"units\": {\n"
            "    \"dev/network\": {\n"
            "      \"dependencies\": [],\n"
            "      \"hash\": \"abc\"\n"
            "    }\n"
            "  },\n"
            "  \"version\": 1\n"
            "}\n");
}

// Given an applied record that cannot be read, we should start over with nothing; inside
// a valid one, units without a string hash are skipped and non-string dependencies dropped.
TEST_F(StateTest, AppliedCorruptOrPartlyBad) {
  EXPECT_TRUE(LoadApplied(Path("missing.json")).empty());
  Write("corrupt.json", "not json at all");
  EXPECT_TRUE(LoadApplied(Path("corrupt.json")).empty());
  Write("v0.json", R"({"version": 0, "units": {"a": {"hash": "h"}}})");
  EXPECT_TRUE(LoadApplied(Path("v0.json")).empty());
  Write("units-list.json", R"({"version": 1, "units": [{"hash": "h"}]})");
  EXPECT_TRUE(LoadApplied(Path("units-list.json")).empty());
  Write("mixed.json", R"({"version": 1, "units": {
      "a": {"hash": "h1", "dependencies": ["x", 3, null, "y"]},
      "b": {"hash": 42},
      "c": {"dependencies": ["x"]},
      "d": "h4",
      "e": {"hash": "h5", "dependencies": "x"}}})");
  Applied a = LoadApplied(Path("mixed.json"));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a["a"].hash, "h1");
  EXPECT_EQ(a["a"].dependencies, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(a["e"].hash, "h5");
  EXPECT_TRUE(a["e"].dependencies.empty());
}

// Given a path under directories that do not exist, we should create them, write the file
// whole, and leave no temporary file beside it.
TEST_F(StateTest, WriteCreatesDirectoriesAndLeavesNoTemporary) {
  const std::string path = Path("init/dev/network.stamp");
  ASSERT_TRUE(WriteFileAtomic(path, "first"));
  ASSERT_TRUE(WriteFileAtomic(path, "second"));
  EXPECT_EQ(ReadFileOr(path), "second");
  int entries = 0;
  for (const auto& e : fs::directory_iterator(Path("init/dev"))) {
    EXPECT_EQ(e.path().filename(), "network.stamp");
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

// Given a parent that is a file, we should fail and leave the file as it was.
TEST_F(StateTest, WriteFailsUnderAFile) {
  Write("blocker", "x");
  EXPECT_FALSE(WriteFileAtomic(Path("blocker/inside.json"), "data"));
  EXPECT_EQ(ReadFileOr(Path("blocker")), "x");
  EXPECT_FALSE(SaveApplied(Path("blocker/applied.json"), Applied{}));
}

// Given a missing file, ReadFileOr should give the empty string; otherwise the exact bytes.
TEST_F(StateTest, ReadFileOr) {
  EXPECT_EQ(ReadFileOr(Path("nothing")), "");
  Write("bytes", std::string("a\0b\n", 4));
  EXPECT_EQ(ReadFileOr(Path("bytes")), std::string("a\0b\n", 4));
}

}  // namespace
}  // namespace eurus::run
