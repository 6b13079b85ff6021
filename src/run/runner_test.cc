#include "run/runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "run/state.h"

namespace eurus::run {
namespace {

namespace fs = std::filesystem;

/// A scratch directory and a runner with a short grace period; commands are small shell
/// lines, or tests/fake-tofu where a real external tool is wanted.
struct RunnerTest : ::testing::Test {
  std::string dir;
  PosixCommandRunner runner{std::chrono::milliseconds(500)};

  void SetUp() override {
    char tmpl[] = "/tmp/eurus-runner-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir = fs::canonical(tmpl).string();
  }
  void TearDown() override {
    runner.Abort();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  static Command Sh(const std::string& script) { return Command{{"/bin/sh", "-c", script}, "", {}, "", ""}; }
  /// Starts `cmd` as `token` and waits for it to end.
  CommandResult Run(const Command& cmd, int token = 1) {
    std::string err;
    EXPECT_TRUE(runner.Start(cmd, token, &err)) << err;
    auto r = runner.Wait();
    EXPECT_TRUE(r.has_value());
    return r.value_or(CommandResult{});
  }
};

// Given a command that exits 0, we should report success, its token and its pid.
TEST_F(RunnerTest, Success) {
  CommandResult r = Run(Sh("exit 0"), 7);
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.status, "exit 0");
  EXPECT_EQ(r.token, 7);
  EXPECT_GT(r.pid, 0);
  EXPECT_EQ(runner.running(), 0u);
}

// Given a command that fails, we should report failure with its exit code.
TEST_F(RunnerTest, ExitCode) {
  CommandResult r = Run(Sh("exit 3"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.status, "exit 3");
}

// Given a command killed by a signal, we should report the signal.
TEST_F(RunnerTest, KilledBySignal) {
  CommandResult r = Run(Sh("kill -TERM $$; sleep 5"));
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.status, "signal 15");
}

// Given a log path, we should append stdout and stderr to it, run after run.
TEST_F(RunnerTest, OutputGoesToTheLog) {
  Command c = Sh("echo out; echo err >&2");
  c.log_path = dir + "/unit.log";
  Run(c);
  EXPECT_EQ(ReadFileOr(c.log_path), "out\nerr\n");
  Run(c);
  EXPECT_EQ(ReadFileOr(c.log_path), "out\nerr\nout\nerr\n");
}

// Given a stdout path, we should write stdout there (replacing what it held) and stderr
// to the log.
TEST_F(RunnerTest, StdoutToItsOwnFile) {
  Command c = Sh("echo '{\"a\":1}'; echo warning >&2");
  c.log_path = dir + "/unit.log";
  c.stdout_path = dir + "/plan.json";
  ASSERT_TRUE(WriteFileAtomic(c.stdout_path, "old content that is longer\n"));
  Run(c);
  EXPECT_EQ(ReadFileOr(c.stdout_path), "{\"a\":1}\n");
  EXPECT_EQ(ReadFileOr(c.log_path), "warning\n");
}

// Given no log path, we should discard the output (and still run the command).
TEST_F(RunnerTest, NoLogDiscardsOutput) {
  CommandResult r = Run(Sh("echo lost; exit 0"));
  EXPECT_TRUE(r.success);
  EXPECT_TRUE(fs::is_empty(dir));
}

// Given a working directory and variables, the command should run there with them set on
// top of the inherited environment (replacing an inherited value, not adding a second).
TEST_F(RunnerTest, WorkingDirectoryAndEnvironment) {
  ASSERT_EQ(setenv("EURUS_RUNNER_TEST_OLD", "inherited", 1), 0);
  ASSERT_EQ(setenv("EURUS_RUNNER_TEST_KEEP", "kept", 1), 0);
  fs::create_directories(dir + "/dev/network");
  Command c = Sh("pwd; echo \"$EURUS_RUNNER_TEST_OLD $EURUS_RUNNER_TEST_KEEP $EURUS_RUNNER_TEST_NEW\"; "
                 "env | grep -c '^EURUS_RUNNER_TEST_OLD='");
  c.cwd = dir + "/dev/network";
  c.env = {{"EURUS_RUNNER_TEST_OLD", "replaced"}, {"EURUS_RUNNER_TEST_NEW", "new"}};
  c.stdout_path = dir + "/out";
  Run(c);
  EXPECT_EQ(ReadFileOr(c.stdout_path), dir + "/dev/network\nreplaced kept new\n1\n");
  unsetenv("EURUS_RUNNER_TEST_OLD");
  unsetenv("EURUS_RUNNER_TEST_KEEP");
}

// Given a program that does not exist, Start should fail and say why.
TEST_F(RunnerTest, MissingProgram) {
  std::string err;
  EXPECT_FALSE(runner.Start(Command{{"eurus-no-such-program"}, "", {}, "", ""}, 1, &err));
  EXPECT_EQ(err, "cannot run `eurus-no-such-program`: No such file or directory");
  EXPECT_EQ(runner.running(), 0u);
  EXPECT_FALSE(runner.Wait().has_value());
}

// Given nothing running, Wait should return at once with nothing.
TEST_F(RunnerTest, WaitWithNothingRunning) {
  EXPECT_FALSE(runner.Wait().has_value());
}

// Given several commands, Wait should return each exactly once, with its own result.
TEST_F(RunnerTest, SeveralCommands) {
  std::string err;
  for (int i = 1; i <= 3; ++i)
    ASSERT_TRUE(runner.Start(Sh("exit " + std::to_string(i - 1)), i, &err)) << err;
  EXPECT_EQ(runner.running(), 3u);
  std::set<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    auto r = runner.Wait();
    ASSERT_TRUE(r.has_value());
    seen.insert(std::to_string(r->token) + " " + r->status + (r->success ? " ok" : " failed"));
  }
  EXPECT_EQ(seen, (std::set<std::string>{"1 exit 0 ok", "2 exit 1 failed", "3 exit 2 failed"}));
  EXPECT_FALSE(runner.Wait().has_value());
}

/// True when `pid` is gone or a zombie (killed, not yet reaped by its new parent).
bool Dead(pid_t pid) {
  std::string stat = ReadFileOr("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return true;
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

// Given running commands, Abort should end them and everything they started (their
// process group), return their tokens, and refuse new commands afterwards.
TEST_F(RunnerTest, AbortEndsTheProcessGroup) {
  const std::string pid_file = dir + "/child.pid";
  std::string err;
  ASSERT_TRUE(runner.Start(Sh("sleep 30 & echo $! > " + pid_file + "; wait"), 4, &err)) << err;
  ASSERT_TRUE(runner.Start(Sh("sleep 30"), 5, &err)) << err;
  std::string pid_text;
  for (int i = 0; i < 500 && (pid_text = ReadFileOr(pid_file)).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(pid_text.empty());
  const pid_t grandchild = std::stoi(pid_text);
  EXPECT_FALSE(Dead(grandchild));

  std::vector<int> tokens = runner.Abort();
  std::sort(tokens.begin(), tokens.end());
  EXPECT_EQ(tokens, (std::vector<int>{4, 5}));
  EXPECT_EQ(runner.running(), 0u);
  EXPECT_TRUE(runner.aborted());
  for (int i = 0; i < 200 && !Dead(grandchild); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(Dead(grandchild));
  EXPECT_FALSE(runner.Wait().has_value());
  EXPECT_FALSE(runner.Start(Sh("exit 0"), 6, &err));
  EXPECT_EQ(err, "cannot run `/bin/sh`: Operation canceled");
}

// Given a command that ignores SIGTERM, Abort should kill it after the grace period.
TEST_F(RunnerTest, AbortKillsAfterTheGracePeriod) {
  const std::string ready = dir + "/ready";
  std::string err;
  ASSERT_TRUE(runner.Start(Sh("trap '' TERM; touch " + ready + "; while :; do sleep 0.05; done"), 1, &err));
  for (int i = 0; i < 500 && !fs::exists(ready); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(fs::exists(ready));
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(runner.Abort(), std::vector<int>{1});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(runner.running(), 0u);
}

// Given an interrupt while waiting, Wait should return nothing and leave the command to
// the caller's Abort; the handler records which signal came.
TEST_F(RunnerTest, InterruptStopsTheWait) {
  std::string err;
  {
    ScopedInterruptHandler interrupts;
    ASSERT_TRUE(runner.Start(Sh("sleep 30"), 9, &err)) << err;
    std::thread t([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      kill(getpid(), SIGTERM);
    });
    EXPECT_FALSE(runner.Wait().has_value());
    t.join();
    EXPECT_EQ(ScopedInterruptHandler::signal(), SIGTERM);
    EXPECT_EQ(runner.running(), 1u);
    EXPECT_EQ(runner.Abort(), std::vector<int>{9});
    ScopedInterruptHandler::Reset();
    EXPECT_EQ(ScopedInterruptHandler::signal(), 0);
  }
}

/// tests/fake-tofu run in <dir>/dev/tenant-shop, as the pipeline runs tofu in a unit.
struct FakeTofuTest : RunnerTest {
  Command Tofu(const std::string& subcommand) {
    fs::create_directories(dir + "/dev/tenant-shop");
    Command c{{std::string(EURUS_SOURCE_DIR) + "/tests/fake-tofu", subcommand},
              dir + "/dev/tenant-shop",
              {},
              dir + "/tenant-shop.log",
              ""};
    return c;
  }
};

// Given an external tool that succeeds, we should see its output in the unit's log.
TEST_F(FakeTofuTest, ToolSucceeds) {
  CommandResult r = Run(Tofu("init"));
  EXPECT_TRUE(r.success);
  EXPECT_EQ(ReadFileOr(dir + "/tenant-shop.log"), "OpenTofu has been successfully initialized!\n");
}

// Given an external tool that fails, we should report its exit code and keep its error in
// the unit's log.
TEST_F(FakeTofuTest, ToolFails) {
  Command c = Tofu("plan");
  c.env = {{"FAKE_TOFU_FAIL", "dev/tenant-*"}};
  CommandResult r = Run(c);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.status, "exit 1");
  EXPECT_EQ(ReadFileOr(c.log_path), "Error: fake failure in dev/tenant-shop (plan)\n");
}

}  // namespace
}  // namespace eurus::run
