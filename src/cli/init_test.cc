#include "cli/init.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace eurus::cli {
namespace {

namespace stdfs = std::filesystem;

/// A fresh temporary directory, removed with the fixture.
class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (stdfs::temp_directory_path() / "eurus-init-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(tmp_, ec);
  }

  /// Runs init into `dir` (relative to the temporary directory); stderr in `err_`.
  int Init(InitOptions o, const std::string& dir = "repo") {
    o.dir = (stdfs::path(tmp_) / dir).string();
    CommonOptions opts;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int rc = RunInit(fs_, opts, o);
    out_ = ::testing::internal::GetCapturedStdout();
    err_ = ::testing::internal::GetCapturedStderr();
    return rc;
  }

  /// `eurus check` of `dir` with the real loader and model: its diagnostics, rendered short.
  std::string Check(const std::string& dir, bool* errors) {
    Session s;
    run::CompileOptions co;
    co.dir = (stdfs::path(tmp_) / dir).string();
    co.until = run::Pass::kBuild;
    *errors = !run::Compile(fs_, co, s);
    s.diags.Sort(s.sources);
    return RenderAll(s.diags, s.sources, DiagFormat::kShort, false);
  }

  std::string Read(const std::string& rel) { return fs_.Read(tmp_ + "/" + rel, nullptr).value_or(""); }

  size_t FileCount() {
    size_t n = 0;
    for (auto it = stdfs::recursive_directory_iterator(tmp_); it != stdfs::recursive_directory_iterator(); ++it)
      n += it->is_regular_file();
    return n;
  }

  RealFileSystem fs_;
  std::string tmp_, out_, err_;
};

InitOptions Acme() {
  InitOptions o;
  o.org = "acme";
  o.region = "eu-west-1";
  o.domain = "acme.example.com";
  o.accounts = {"management=111111111111", "common-nonprod=222222222222", "common-prod=333333333333",
                "dev=444444444444", "prod=555555555555"};
  o.github_repository = "acme/platform";
  o.eurus_url = "https://downloads.acme.example.com/eurus/eurus-0.1.0-linux-x86_64.tar.gz";
  o.eurus_sha256 = std::string(64, 'a');
  o.administrators = {"arn:aws:iam::111111111111:role/platform-admin"};
  o.emails = {"ops@acme.example.com"};
  return o;
}

// Given every option, init should write the repository, the example tenant and the
// workflows, and the result should pass check with no diagnostic at all.
TEST_F(InitTest, WritesARepositoryThatPassesCheck) {
  ASSERT_EQ(Init(Acme()), kOk) << err_;
  for (const char* f : {"eurus.yaml", "environments/dev.yaml", "environments/prod.yaml", "tenants/hello.yaml",
                        ".gitignore", ".github/workflows/eurus-plan.yml", ".github/workflows/eurus-apply.yml"})
    EXPECT_TRUE(stdfs::exists(stdfs::path(tmp_) / "repo" / f)) << f;
  bool errors = true;
  EXPECT_EQ(Check("repo", &errors), "");
  EXPECT_FALSE(errors);
  EXPECT_NE(out_.find("Next steps"), std::string::npos) << out_;
  EXPECT_EQ(out_.find("PLACEHOLDER"), std::string::npos) << out_;
  std::string ignore = *fs_.Read(tmp_ + "/repo/.gitignore", nullptr);
  EXPECT_NE(ignore.find("/out/"), std::string::npos);
  EXPECT_NE(ignore.find("/.eurus/"), std::string::npos);
  EXPECT_EQ(ignore.find("\neurus.lock.json"), std::string::npos);  // the lock is committed
}

// Given a GitHub repository but no way for CI to install eurus (ci.eurus), init should
// write no workflow (it could not run: E0332) and say how to add them; the sources form
// should write them.
TEST_F(InitTest, WorkflowsOnlyWhenCiCanInstallEurus) {
  InitOptions o = Acme();
  o.eurus_url.clear();
  o.eurus_sha256.clear();
  ASSERT_EQ(Init(o), kOk) << err_;
  EXPECT_FALSE(stdfs::exists(stdfs::path(tmp_) / "repo/.github/workflows/eurus-plan.yml"));
  EXPECT_NE(out_.find("`eurus ci github` writes the workflows"), std::string::npos) << out_;
  bool errors = true;
  EXPECT_EQ(Check("repo", &errors), "");
  EXPECT_FALSE(errors);

  o = Acme();
  o.eurus_url.clear();
  o.eurus_sha256.clear();
  o.eurus_source = "https://git.acme.example.com/mirror/eurus-aws.git";
  o.eurus_ref = "v0.1.0";
  ASSERT_EQ(Init(o, "repo2"), kOk) << err_;
  EXPECT_TRUE(stdfs::exists(stdfs::path(tmp_) / "repo2/.github/workflows/eurus-plan.yml"));
  EXPECT_NE(fs_.Read(tmp_ + "/repo2/eurus.yaml", nullptr)->find("source: "), std::string::npos);
}

// Given only the required options, init should fill in placeholders that still pass check,
// mark them in the files and list them in the next steps.
TEST_F(InitTest, PlaceholdersPassCheckAndAreListed) {
  InitOptions o;
  o.org = "mini";
  o.region = "eu-central-1";
  ASSERT_EQ(Init(o), kOk) << err_;
  bool errors = true;
  EXPECT_EQ(Check("repo", &errors), "");
  EXPECT_FALSE(errors);
  EXPECT_NE(out_.find("the dev account id"), std::string::npos) << out_;
  EXPECT_NE(out_.find("the administrator role ARN"), std::string::npos) << out_;
  std::string org = *fs_.Read(tmp_ + "/repo/eurus.yaml", nullptr);
  EXPECT_NE(org.find("PLACEHOLDER"), std::string::npos) << org;
  EXPECT_NE(org.find("# domain:"), std::string::npos) << org;
}

// Given other regions (a partition of its own, a longer name) and odd but valid org names,
// the result should pass check.
TEST_F(InitTest, OtherRegionsAndOrgNames) {
  struct Case {
    const char* org;
    const char* region;
    const char* domain;
  };
  for (Case c : {Case{"a1", "ap-southeast-2", "a1.example.org"}, Case{"saorg", "sa-east-1", ""},
                 Case{"abcdefghijkl", "ca-central-1", "platform.abcdefghijkl.example.co.uk"},
                 Case{"z9z9", "eu-south-2", ""}}) {
    SCOPED_TRACE(c.org);
    InitOptions o = Acme();
    o.org = c.org, o.region = c.region, o.domain = c.domain;
    o.administrators.clear();
    ASSERT_EQ(Init(o, c.org), kOk) << err_;
    bool errors = true;
    EXPECT_EQ(Check(c.org, &errors), "");
    EXPECT_FALSE(errors);
    std::string prod = *fs_.Read(tmp_ + "/" + c.org + "/environments/prod.yaml", nullptr);
    EXPECT_NE(prod.find(std::string("[") + c.region + "a, " + c.region + "b, " + c.region + "c]"), std::string::npos)
        << prod;
  }
}

// Given zone letters, dev should take the first two and prod the first three; too few are
// the checker's E0207 (an environment needs two zones).
TEST_F(InitTest, ZoneLetters) {
  InitOptions o = Acme();
  o.region = "ap-northeast-1";
  o.zones = "acd";
  ASSERT_EQ(Init(o), kOk) << err_;
  EXPECT_NE(Read("repo/environments/dev.yaml").find("[ap-northeast-1a, ap-northeast-1c]"), std::string::npos);
  EXPECT_NE(Read("repo/environments/prod.yaml").find("[ap-northeast-1a, ap-northeast-1c, ap-northeast-1d]"),
            std::string::npos);
  o.zones = "a";
  EXPECT_EQ(Init(o, "one"), kInputError);
  EXPECT_NE(err_.find("error[E0207]"), std::string::npos) << err_;
}

// Given a file init would write, it should name it and write nothing at all.
TEST_F(InitTest, RefusesToOverwrite) {
  stdfs::create_directories(tmp_ + "/repo/tenants");
  std::string err;
  ASSERT_TRUE(fs_.WriteAtomic(tmp_ + "/repo/tenants/hello.yaml", "mine\n", &err));
  ASSERT_TRUE(fs_.WriteAtomic(tmp_ + "/repo/.gitignore", "mine\n", &err));
  EXPECT_EQ(Init(Acme()), kInputError);
  EXPECT_NE(err_.find("repo/.gitignore, " + tmp_ + "/repo/tenants/hello.yaml exist already"), std::string::npos)
      << err_;
  EXPECT_EQ(FileCount(), 2u);
  EXPECT_EQ(*fs_.Read(tmp_ + "/repo/.gitignore", nullptr), "mine\n");
}

// Given several bad arguments, init should report every one (the checker's codes, located in
// the file it would have written) and write nothing.
TEST_F(InitTest, ReportsEveryBadArgument) {
  InitOptions o = Acme();
  o.org = "Acme Corp";
  o.region = "moon-1";
  o.domain = "acme.local";
  o.management_account = "111111111111";
  o.accounts = {"dev=123", "prod=111111111111", "qa=1", "managment=111111111111"};
  EXPECT_EQ(Init(o), kInputError);
  for (const char* want : {"error[E0101]", "error[E0210]", "error[E0108]", "error[E0102]", "error[E0103]",
                           "--account `qa=1`", "(did you mean `management`?)", "nothing written"})
    EXPECT_NE(err_.find(want), std::string::npos) << want << "\n" << err_;
  EXPECT_NE(err_.find("repo/eurus.yaml:"), std::string::npos) << err_;
  EXPECT_FALSE(stdfs::exists(tmp_ + "/repo"));
}

// Given an argument that would break the YAML (a quote, a colon), it should reach the checker
// as written rather than change the document.
TEST_F(InitTest, ArgumentsCannotInjectYaml) {
  InitOptions o = Acme();
  o.domain = "x.example.com\nmanagement_account: \"999999999999\"";
  EXPECT_EQ(Init(o), kInputError);
  EXPECT_NE(err_.find("error[E0108]"), std::string::npos) << err_;
  EXPECT_EQ(err_.find("E0003"), std::string::npos) << err_;  // no duplicate key
}

}  // namespace
}  // namespace eurus::cli
