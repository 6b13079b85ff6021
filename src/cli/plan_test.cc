#include "cli/plan.h"
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

/// A console whose answers are `input` and whose output is kept.
class FakeConsole {
 public:
  explicit FakeConsole(const std::string& input, bool interactive = true) : input_(input) {
    console.in = fmemopen(input_.data(), input_.size(), "r");
    console.out = open_memstream(&buf_, &len_);
    console.interactive = interactive;
  }
  ~FakeConsole() {
    std::fclose(console.in);
    std::fclose(console.out);
    free(buf_);
  }
  std::string Output() {
    std::fflush(console.out);
    return std::string(buf_, len_);
  }
  Console console;

 private:
  std::string input_;
  char* buf_ = nullptr;
  size_t len_ = 0;
};

// Given answers, only y and yes (any case) say yes; end of input says no.
TEST(AskYesNoTest, OnlyYesIsYes) {
  for (const char* yes : {"y\n", "YES\n", " Yes \n", "y"}) {
    FakeConsole c(yes);
    EXPECT_TRUE(AskYesNo(c.console, "Apply these changes to 2 units?")) << yes;
    EXPECT_EQ(c.Output(), "Apply these changes to 2 units? [y/N] ");
  }
  for (const char* no : {"n\n", "\n", "", "yep\n", "no\n"}) {
    FakeConsole c(no);
    EXPECT_FALSE(AskYesNo(c.console, "Apply?")) << no;
  }
}

CommonOptions Repo() {
  CommonOptions o;
  o.dir = "repo";
  o.diag_format = DiagFormat::kShort;
  return o;
}

// Given `eurus apply` without a terminal and without --yes, we should refuse before any
// work (nothing synthesized), exit 1 and say how to go on.
TEST(RunPlanTest, ApplyWithoutTerminalNeedsYes) {
  MemoryFileSystem mem = ExampleInMemory("minimal");
  CommonOptions opts = Repo();
  PlanOptions p;
  p.apply = true;
  FakeConsole c("y\n", /*interactive=*/false);
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunPlan(mem, opts, p, c.console), kInputError);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("there is no terminal to ask on; pass --yes to apply without asking"), std::string::npos) << err;
  EXPECT_FALSE(WroteOut(mem));
}

// Given a unit name that does not exist (as UNIT or in --allow-destroy), we should say
// which unit was meant, exit 2, and write nothing (not out/, not the lock).
TEST(RunPlanTest, UnknownUnitSuggestsAndWritesNothing) {
  MemoryFileSystem mem = ExampleInMemory("minimal");
  std::string lock = mem.files["repo/eurus.lock.json"];
  CommonOptions opts = Repo();
  PlanOptions p;
  p.units = {"dev/netwrok"};
  p.allow_destroy = {"dev/tenant-hallo"};
  FakeConsole c("");
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunPlan(mem, opts, p, c.console), kUsage);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("eurus: unknown unit `dev/netwrok`; did you mean `dev/network`?"), std::string::npos) << err;
  EXPECT_NE(err.find("eurus: unknown unit `dev/tenant-hallo`; did you mean `dev/tenant-hello`? (in --allow-destroy)"),
            std::string::npos)
      << err;
  EXPECT_FALSE(WroteOut(mem));
  EXPECT_EQ(mem.files["repo/eurus.lock.json"], lock);
}

// Given --role or EURUS_ROLE, plan takes deployer or planner; apply only deployer.
TEST(ResolveRoleTest, PlanChoosesApplyIsDeployer) {
  unsetenv("EURUS_ROLE");
  PlanOptions plan, apply;
  apply.apply = true;
  EXPECT_EQ(ResolveRole(plan), "deployer");
  EXPECT_EQ(ResolveRole(apply), "deployer");
  setenv("EURUS_ROLE", "planner", 1);
  EXPECT_EQ(ResolveRole(plan), "planner");
  testing::internal::CaptureStderr();
  EXPECT_EQ(ResolveRole(apply), "");
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("`eurus apply` always runs as the deployer role; EURUS_ROLE asks for `planner`"),
            std::string::npos)
      << err;
  plan.role = "deployer";  // the flag wins over the environment
  EXPECT_EQ(ResolveRole(plan), "deployer");
  unsetenv("EURUS_ROLE");
  plan.role = "plannr";
  testing::internal::CaptureStderr();
  EXPECT_EQ(ResolveRole(plan), "");
  err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("--role `plannr` is not a role: use deployer or planner (did you mean `planner`?)"),
            std::string::npos)
      << err;
  apply.role = "planner";
  testing::internal::CaptureStderr();
  EXPECT_EQ(ResolveRole(apply), "");
  testing::internal::GetCapturedStderr();
}

}  // namespace
}  // namespace eurus::cli
