#include "cli/drift.h"
#include "cli/testing.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace eurus::cli {
namespace {

using fixtures::ExampleInMemory;
using fixtures::WroteOut;

namespace fs = std::filesystem;

// Given unit names that do not exist, we should name each with the closest unit, exit 2 and
// write nothing (no out/, no lock change), before any tofu runs.
TEST(RunDriftTest, UnknownUnitSuggestsAndWritesNothing) {
  MemoryFileSystem mem = ExampleInMemory("minimal");
  std::string lock = mem.files["repo/eurus.lock.json"];
  CommonOptions opts;
  opts.dir = "repo";
  DriftOptions d;
  d.units = {"dev/netwrok", "dev/tenant-hallo"};
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunDrift(mem, opts, d), kUsage);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("eurus: unknown unit `dev/netwrok`; did you mean `dev/network`?"), std::string::npos) << err;
  EXPECT_NE(err.find("eurus: unknown unit `dev/tenant-hallo`; did you mean `dev/tenant-hello`?"), std::string::npos)
      << err;
  EXPECT_FALSE(WroteOut(mem));
  EXPECT_EQ(mem.files["repo/eurus.lock.json"], lock);
}

// Given no --role and no EURUS_ROLE, drift runs as the planner; a role that is not one is a
// usage error before anything is synthesized.
TEST(RunDriftTest, RoleIsPlannerUnlessTold) {
  unsetenv("EURUS_ROLE");
  EXPECT_EQ(ResolveDriftRole({}), "planner");
  DriftOptions told;
  told.role = "deployer";
  EXPECT_EQ(ResolveDriftRole(told), "deployer");
  setenv("EURUS_ROLE", "deployer", 1);
  EXPECT_EQ(ResolveDriftRole({}), "deployer");
  unsetenv("EURUS_ROLE");
  MemoryFileSystem mem = ExampleInMemory("minimal");
  CommonOptions opts;
  opts.dir = "repo";
  DriftOptions d;
  d.role = "reader";
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunDrift(mem, opts, d), kUsage);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("--role `reader` is not a role: use deployer or planner"), std::string::npos) << err;
  EXPECT_FALSE(WroteOut(mem));
}

}  // namespace
}  // namespace eurus::cli
