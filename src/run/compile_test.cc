#include "run/compile.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "diag/codes.h"

namespace eurus::run {
namespace {

/// examples/minimal in memory under "repo/", its lock without the allocations a build makes.
struct CompileTest : ::testing::Test {
  MemoryFileSystem fs;
  void SetUp() override {
    RealFileSystem real;
    const std::string src = std::string(EURUS_SOURCE_DIR) + "/examples/minimal/";
    for (const char* rel : {"eurus.yaml", "environments/dev.yaml", "tenants/hello.yaml"}) {
      std::string err;
      auto text = real.Read(src + rel, &err);
      ASSERT_TRUE(text) << err;
      fs.files[std::string("repo/") + rel] = *text;
    }
  }
  CompileOptions Options(Pass until) {
    CompileOptions o;
    o.dir = "repo";
    o.until = until;
    return o;
  }
  /// A pass hook that throws as `pass` starts: a bug in that pass.
  static std::function<void(Pass)> FailIn(Pass pass) {
    return [pass](Pass p) {
      if (p == pass) throw std::logic_error("map::at");
    };
  }
};

std::vector<std::string> Names(const Session& s) {
  std::vector<std::string> out;
  for (const auto& t : s.times) out.push_back(t.name);
  return out;
}

// Given a valid repository, we should run every pass up to the manifest, each timed, and
// write nothing.
TEST_F(CompileTest, RunsEveryPassInOrder) {
  Session s;
  ASSERT_TRUE(Compile(fs, Options(Pass::kManifest), s));
  EXPECT_EQ(Names(s), (std::vector<std::string>{"load", "build", "synth", "policy", "render", "manifest"}));
  EXPECT_EQ(s.done, Pass::kManifest);
  EXPECT_FALSE(s.units.empty());
  EXPECT_EQ(s.accounts.size(), s.units.size());
  EXPECT_TRUE(s.files.count("eurus.manifest.json"));
  EXPECT_FALSE(fs.files.count("repo/eurus.lock.json"));
  EXPECT_FALSE(fs.files.count("repo/out/eurus.manifest.json"));
}

// Given a run stopped after the build, Compile should go on from there, not start over.
TEST_F(CompileTest, ResumesAfterTheLastPass) {
  Session s;
  ASSERT_TRUE(Compile(fs, Options(Pass::kBuild), s));
  EXPECT_EQ(s.done, Pass::kBuild);
  EXPECT_TRUE(s.units.empty());
  CompileOptions o = Options(Pass::kManifest);
  o.output = Output::kHashes;
  ASSERT_TRUE(Compile(fs, o, s));
  EXPECT_EQ(Names(s), (std::vector<std::string>{"load", "build", "synth", "policy", "render", "manifest"}));
  EXPECT_EQ(s.manifest.units.size(), s.units.size());
  EXPECT_EQ(s.manifest.units.begin()->second.hash.rfind("sha256:", 0), 0u);
  EXPECT_TRUE(s.files.empty());
}

// Given an exception thrown inside a pass, we should get one internal error naming the pass,
// with the bug severity, and no later pass should run.
TEST_F(CompileTest, ExceptionInAPassIsAnInternalError) {
  Session s;
  CompileOptions o = Options(Pass::kWrite);
  o.before_pass = FailIn(Pass::kSynth);
  EXPECT_FALSE(Compile(fs, o, s));
  ASSERT_EQ(s.diags.items().size(), 1u);
  const Diagnostic& d = s.diags.items()[0];
  EXPECT_EQ(d.severity, Severity::kBug);
  EXPECT_EQ(d.code, codes::kInternal);
  EXPECT_EQ(d.message, "unexpected failure in the synth pass: map::at");
  EXPECT_NE(d.help.find("bug in eurus"), std::string::npos);
  EXPECT_EQ(s.diags.bugs(), 1u);
  EXPECT_TRUE(s.diags.has_errors());
  EXPECT_EQ(s.done, Pass::kBuild);
  EXPECT_EQ(Names(s), (std::vector<std::string>{"load", "build", "synth"}));
  // Nothing written: neither the tree nor the lock (the build allocated the tenant).
  EXPECT_TRUE(s.build.lock_changed);
  EXPECT_FALSE(fs.files.count("repo/eurus.lock.json"));
  EXPECT_FALSE(fs.files.count("repo/out/eurus.manifest.json"));
  // A failed session stays failed.
  EXPECT_FALSE(Compile(fs, Options(Pass::kWrite), s));
}

// Given something thrown that is not a std::exception, it should still be an internal error.
TEST_F(CompileTest, AnyExceptionIsAnInternalError) {
  Session s;
  CompileOptions o = Options(Pass::kManifest);
  o.before_pass = [](Pass p) {
    if (p == Pass::kLoad) throw 42;
  };
  EXPECT_FALSE(Compile(fs, o, s));
  ASSERT_EQ(s.diags.bugs(), 1u);
  EXPECT_EQ(s.diags.items()[0].message, "unexpected failure in the load pass: an exception of unknown type");
}

// Given a configuration error, the checkpoint should stop after its pass without a bug.
TEST_F(CompileTest, InputErrorStopsAtTheCheckpoint) {
  fs.files["repo/tenants/hello.yaml"] += "bogus_key: 1\n";
  Session s;
  EXPECT_FALSE(Compile(fs, Options(Pass::kWrite), s));
  EXPECT_TRUE(s.diags.has_errors());
  EXPECT_EQ(s.diags.bugs(), 0u);
  EXPECT_EQ(s.done, Pass::kNone);
  EXPECT_EQ(Names(s), (std::vector<std::string>{"load"}));
}

// Given the write pass, the lock and then the tree should be written.
TEST_F(CompileTest, WritePassWritesLockAndTree) {
  Session s;
  ASSERT_TRUE(Compile(fs, Options(Pass::kWrite), s));
  EXPECT_EQ(s.out_dir, "repo/out");
  EXPECT_TRUE(fs.files.count("repo/eurus.lock.json"));
  EXPECT_TRUE(fs.files.count("repo/out/eurus.manifest.json"));
}

}  // namespace
}  // namespace eurus::run
