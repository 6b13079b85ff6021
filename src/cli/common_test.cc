#include "cli/common.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "cli/commands.h"

namespace eurus::cli {
namespace {

/// A file system whose reads fail the way a bug would: by throwing.
struct ThrowingFileSystem : MemoryFileSystem {
  std::optional<std::string> Read(const std::string& path, std::string*) override {
    throw std::logic_error("unexpected read of `" + path + "`");
  }
};

CommonOptions Short(const std::string& dir) {
  CommonOptions o;
  o.dir = dir;
  o.diag_format = DiagFormat::kShort;
  return o;
}

// Given a bug inside a pass of `eurus synth`, we should report an internal error, exit 4 and
// write nothing.
TEST(CommandExitTest, BugInAPassExitsFour) {
  ThrowingFileSystem fs;
  fs.files["repo/eurus.yaml"] = "eurus: 1\n";
  CommonOptions opts = Short("repo");
  SynthOptions so;
  so.quiet = true;
  ::testing::internal::CaptureStderr();
  int rc = RunSynth(fs, opts, so);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kInternal);
  EXPECT_EQ(rc, 4);
  EXPECT_NE(err.find("eurus: internal error[E0000]: unexpected failure in the load pass: unexpected read of "
                     "`repo/eurus.yaml`"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("eurus: 1 internal error found; nothing was written"), std::string::npos) << err;
  EXPECT_EQ(fs.files.size(), 1u);
}

// Given a configuration error, the exit code should stay 1: only bugs exit 4.
TEST(CommandExitTest, InputErrorExitsOne) {
  MemoryFileSystem fs;
  CommonOptions opts = Short("nowhere");
  ::testing::internal::CaptureStderr();
  int rc = RunCheck(fs, opts);
  ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kInputError);
}

// Given an exception escaping a command, main's handler should report it as a bug: exit 4.
TEST(CommandExitTest, EscapedExceptionExitsFour) {
  ::testing::internal::CaptureStderr();
  int rc = kOk;
  try {
    throw std::runtime_error("boom");
  } catch (...) {
    rc = ReportEscaped(Short("."), "plan");
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kInternal);
  EXPECT_NE(err.find("eurus: internal error[E0000]: unexpected failure in `eurus plan`: boom (help: this is a bug in eurus"),
            std::string::npos)
      << err;
}

// Given diagnostics, the exit code should say whose fault they are.
TEST(CommandExitTest, ExitCodeForDiagnostics) {
  Diagnostics d;
  EXPECT_EQ(ExitCodeFor(d), kOk);
  d.Report(Warning("W0001", "a warning"));
  EXPECT_EQ(ExitCodeFor(d), kOk);
  d.Report(Error("E0004", "an error"));
  EXPECT_EQ(ExitCodeFor(d), kInputError);
  d.Report(Bug("the render pass", "boom"));
  EXPECT_EQ(ExitCodeFor(d), kInternal);
}

}  // namespace
}  // namespace eurus::cli

namespace eurus::cli {
namespace {

/// What ReportParseError prints for a command line refused by an app shaped like main's.
std::pair<int, std::string> Refused(std::vector<std::string> args) {
  CLI::App app{"eurus", "eurus"};
  std::string dir, format;
  bool frozen = false;
  app.add_option("--format", format);
  app.require_subcommand(1);
  app.fallthrough();
  auto* check = app.add_subcommand("check", "");
  check->add_option("-C,--dir", dir);
  check->add_flag("--frozen", frozen);
  app.add_subcommand("synth", "");
  auto* ci = app.add_subcommand("ci", "");
  ci->require_subcommand(1);
  ci->add_subcommand("github", "");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  testing::internal::CaptureStderr();
  int rc = -1;
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    rc = ReportParseError(app, e, args);
  }
  return {rc, testing::internal::GetCapturedStderr()};
}

// Given a misspelt subcommand or option, we should name the closest one and exit 2.
TEST(ParseErrorTest, DidYouMean) {
  EXPECT_EQ(Refused({"chek"}), std::make_pair(2, std::string("eurus: unknown command `chek`; did you mean `check`?\n")));
  EXPECT_EQ(Refused({"--format", "short", "check", "-C", "x", "--frozn"}),
            std::make_pair(2, std::string("eurus: unknown option `--frozn` for `eurus check`; did you mean `--frozen`?\n")));
  EXPECT_EQ(Refused({"ci", "githb"}),
            std::make_pair(2, std::string("eurus: unknown command `githb` for `eurus ci`; did you mean `github`?\n")));
  EXPECT_EQ(Refused({"zzzzzz"}).second, "eurus: unknown command `zzzzzz`; the commands are: check, synth, ci\n");
  // Nothing misspelt: CLI11's own message.
  auto [rc, err] = Refused({});
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("A subcommand is required"), std::string::npos) << err;
}

}  // namespace
}  // namespace eurus::cli
