#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

}  // namespace
}  // namespace eurus
