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
