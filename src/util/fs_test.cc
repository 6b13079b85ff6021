#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace eurus {
namespace {

namespace stdfs = std::filesystem;

bool Generated(const std::string& name) { return name == "main.tf.json" || name == "manifest.json"; }

struct ReplaceTreeTest : ::testing::Test {
  stdfs::path root = stdfs::temp_directory_path() / ("eurus-fs-test-" + std::to_string(::getpid()));
  RealFileSystem fs;
  void SetUp() override { stdfs::create_directories(root); }
  void TearDown() override { stdfs::remove_all(root); }
  std::string Read(const stdfs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void Write(const stdfs::path& p, const std::string& s) {
    stdfs::create_directories(p.parent_path());
    std::ofstream(p) << s;
  }
};

// Given state and provider caches in the old tree, we should keep them, drop generated files
// of removed units, and update changed ones.
TEST_F(ReplaceTreeTest, KeepsWhatItDidNotGenerate) {
  std::string out = (root / "out").string();
  std::string err;
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a1"}, {"dev/b/main.tf.json", "b1"}, {"manifest.json", "m1"}},
                             {}, &Generated, &err)) << err;
  Write(root / "out/dev/a/terraform.tfstate", "state-a");
  Write(root / "out/dev/b/.terraform/providers/x", "cache-b");
  Write(root / "out/dev/b/terraform.tfstate", "state-b");
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a2"}, {"manifest.json", "m2"}}, {}, &Generated, &err)) << err;
  EXPECT_EQ(Read(root / "out/dev/a/main.tf.json"), "a2");
  EXPECT_EQ(Read(root / "out/dev/a/terraform.tfstate"), "state-a");
  EXPECT_FALSE(stdfs::exists(root / "out/dev/b/main.tf.json"));     // unit removed
  EXPECT_EQ(Read(root / "out/dev/b/terraform.tfstate"), "state-b");  // its state is not
  EXPECT_EQ(Read(root / "out/dev/b/.terraform/providers/x"), "cache-b");
  EXPECT_EQ(Read(root / "out/manifest.json"), "m2");
  // No temporary trees are left beside it.
  int entries = 0;
  for (const auto& e : stdfs::directory_iterator(root)) entries += e.path().filename() == "out" ? 0 : 1;
  EXPECT_EQ(entries, 0);
}

// Given an unchanged unit, we should move its directory whole (inode kept), not rewrite it.
TEST_F(ReplaceTreeTest, UnchangedUnitsAreMovedNotRewritten) {
  std::string out = (root / "out").string();
  std::string err;
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a1"}}, {}, &Generated, &err));
  struct stat st1 {}, st2 {};
  ::stat((root / "out/dev/a/main.tf.json").c_str(), &st1);
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a1"}}, {}, &Generated, &err));
  ::stat((root / "out/dev/a/main.tf.json").c_str(), &st2);
  EXPECT_EQ(st1.st_ino, st2.st_ino);
}

// Given a write that fails, we should leave the old tree exactly as it was.
TEST_F(ReplaceTreeTest, FailureLeavesOldTree) {
  std::string out = (root / "out").string();
  std::string err;
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a1"}}, {}, &Generated, &err));
  Write(root / "out/dev/a/terraform.tfstate", "state-a");
  // A generated path that collides with an existing directory cannot be written.
  Write(root / "out/dev/c/main.tf.json/blocker", "x");
  EXPECT_FALSE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a2"}, {"dev/c/main.tf.json", "c"}}, {}, &Generated, &err));
  EXPECT_EQ(Read(root / "out/dev/a/main.tf.json"), "a1");
  EXPECT_EQ(Read(root / "out/dev/a/terraform.tfstate"), "state-a");
}

// Given directories to keep, we should leave them untouched (not even read: a kept file
// may hold anything), write only what changed, and drop removed units' generated files.
TEST_F(ReplaceTreeTest, KeptDirectoriesStayAsTheyAre) {
  std::string out = (root / "out").string();
  std::string err;
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/a/main.tf.json", "a1"}, {"dev/b/main.tf.json", "b1"},
                                   {"dev/c/main.tf.json", "c1"}, {"manifest.json", "m1"}},
                             {}, &Generated, &err)) << err;
  Write(root / "out/dev/a/main.tf.json", "edited by hand");  // trusted: kept as is
  struct stat before {}, after {};
  ::stat((root / "out/dev/a/main.tf.json").c_str(), &before);
  ASSERT_TRUE(fs.ReplaceTree(out, {{"dev/b/main.tf.json", "b2"}, {"dev/d/main.tf.json", "d1"}, {"manifest.json", "m2"}},
                             {"dev/a"}, &Generated, &err)) << err;
  ::stat((root / "out/dev/a/main.tf.json").c_str(), &after);
  EXPECT_EQ(before.st_ino, after.st_ino);
  EXPECT_EQ(Read(root / "out/dev/a/main.tf.json"), "edited by hand");
  EXPECT_EQ(Read(root / "out/dev/b/main.tf.json"), "b2");
  EXPECT_EQ(Read(root / "out/dev/d/main.tf.json"), "d1");
  EXPECT_FALSE(stdfs::exists(root / "out/dev/c"));  // removed unit, nothing else in it
  EXPECT_EQ(Read(root / "out/manifest.json"), "m2");
  // A directory to keep that is not there fails, and changes nothing.
  EXPECT_FALSE(fs.ReplaceTree(out, {{"dev/b/main.tf.json", "b3"}}, {"dev/gone"}, &Generated, &err));
  EXPECT_EQ(Read(root / "out/dev/b/main.tf.json"), "b2");
}

// Given files put one by one from several threads, we should commit them all, and an
// update dropped uncommitted should leave neither the tree nor anything beside it changed.
TEST_F(ReplaceTreeTest, TreeUpdateFromThreads) {
  std::string out = (root / "out").string();
  std::string err;
  {
    auto t = fs.BeginTree(out, &Generated);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&t, i] {
        std::string e;
        for (int k = 0; k < 50; ++k)
          EXPECT_TRUE(t->Put("u" + std::to_string(i) + "/x" + std::to_string(k) + "/main.tf.json", "v", &e)) << e;
      });
    for (auto& th : threads) th.join();
    ASSERT_TRUE(t->Commit({}, &err)) << err;
  }
  EXPECT_EQ(Read(root / "out/u3/x49/main.tf.json"), "v");
  {
    auto t = fs.BeginTree(out, &Generated);
    ASSERT_TRUE(t->Put("u0/x0/main.tf.json", "changed", &err));
  }  // dropped
  EXPECT_EQ(Read(root / "out/u0/x0/main.tf.json"), "v");
  int entries = 0;
  for (const auto& e : stdfs::directory_iterator(root)) entries += e.path().filename() == "out" ? 0 : 1;
  EXPECT_EQ(entries, 0);
}

}  // namespace
}  // namespace eurus
