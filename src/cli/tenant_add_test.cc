#include "cli/tenant_add.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "cli/init.h"

namespace eurus::cli {
namespace {

namespace stdfs = std::filesystem;

/// A repository written by `eurus init` (with or without a domain) in a temporary directory.
class TenantAddTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (stdfs::temp_directory_path() / "eurus-tenant-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    tmp_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    stdfs::remove_all(tmp_, ec);
  }
  void MakeRepo(const std::string& domain) {
    InitOptions o;
    o.dir = tmp_;
    o.org = "acme";
    o.region = "eu-west-1";
    o.domain = domain;
    o.github_repository = "acme/platform";
    CommonOptions opts;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int rc = RunInit(fs_, opts, o);
    ::testing::internal::GetCapturedStdout();
    std::string err = ::testing::internal::GetCapturedStderr();
    ASSERT_EQ(rc, kOk) << err;
  }
  int Add(const TenantAddOptions& t) {
    CommonOptions opts;
    opts.dir = tmp_;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    int rc = RunTenantAdd(fs_, opts, t);
    out_ = ::testing::internal::GetCapturedStdout();
    err_ = ::testing::internal::GetCapturedStderr();
    return rc;
  }
  /// Check of the repository: the short rendering of every diagnostic ("" when clean).
  std::string Check(bool* errors) {
    Session s;
    run::CompileOptions co;
    co.dir = tmp_;
    co.until = run::Pass::kBuild;
    *errors = !run::Compile(fs_, co, s);
    s.diags.Sort(s.sources);
    return RenderAll(s.diags, s.sources, DiagFormat::kShort, false);
  }
  std::string Read(const std::string& rel) { return fs_.Read(tmp_ + "/" + rel, nullptr).value_or(""); }

  RealFileSystem fs_;
  std::string tmp_, out_, err_;
};

// Given each combination of the app, exposure and data store flags, the tenant file should
// pass check in the repository (no diagnostic at all) and hold what was asked for.
TEST_F(TenantAddTest, EveryFlagCombinationPassesCheck) {
  MakeRepo("acme.example.com");
  std::vector<TenantAddOptions> cases;
  auto add = [&](const char* name, auto&& set) {
    TenantAddOptions t;
    t.name = name;
    set(t);
    cases.push_back(t);
  };
  add("bare", [](TenantAddOptions&) {});
  add("worker", [](TenantAddOptions& t) { t.app = "jobs", t.envs = {"dev"}; });
  add("web", [](TenantAddOptions& t) { t.port = 8080, t.envs = {"dev,prod"}; });
  add("shop", [](TenantAddOptions& t) { t.port = 8080, t.expose = {"cloudfront"}, t.postgres = t.redis = true; });
  add("api", [](TenantAddOptions& t) {
    t.app = "api", t.image = "team/api-server", t.port = 9000, t.host = "orders", t.expose = {"api", "cloudfront"};
  });
  add("data", [](TenantAddOptions& t) {
    t.mysql = t.documentdb = true, t.buckets = {"uploads", "exports"}, t.contacts = {"data@acme.example.com"};
  });
  add("full", [](TenantAddOptions& t) {
    t.port = 3000, t.expose = {"api"}, t.postgres = t.mysql = t.redis = t.documentdb = true, t.buckets = {"files"};
  });
  for (const auto& t : cases) {
    SCOPED_TRACE(t.name);
    ASSERT_EQ(Add(t), kOk) << err_;
    EXPECT_EQ(err_, "");
    bool errors = true;
    EXPECT_EQ(Check(&errors), "");
    EXPECT_FALSE(errors);
  }
  YAML::Node shop = YAML::Load(Read("tenants/shop.yaml"));
  EXPECT_EQ(shop["environments"].size(), 2u);  // every environment by default
  EXPECT_EQ(shop["apps"]["web"]["route"]["host"].as<std::string>(), "shop");
  EXPECT_EQ(shop["apps"]["web"]["expose"][0].as<std::string>(), "cloudfront");
  EXPECT_EQ(shop["apps"]["web"]["uses"].size(), 2u);
  EXPECT_EQ(shop["resources"]["db"]["type"].as<std::string>(), "postgres");
  EXPECT_EQ(shop["resources"]["cache"]["type"].as<std::string>(), "redis");
  YAML::Node api = YAML::Load(Read("tenants/api.yaml"));
  EXPECT_EQ(api["apps"]["api"]["image"].as<std::string>(), "team/api-server");
  EXPECT_EQ(api["apps"]["api"]["route"]["host"].as<std::string>(), "orders");
  YAML::Node worker = YAML::Load(Read("tenants/worker.yaml"));
  EXPECT_FALSE(worker["apps"]["jobs"]["port"]);
  EXPECT_FALSE(worker["apps"]["jobs"]["route"]);
  EXPECT_EQ(worker["environments"][0].as<std::string>(), "dev");
}

// Given an org without a domain, a port gives an app without a route (a short host would
// need the domain), with a comment saying so; the result passes check.
TEST_F(TenantAddTest, NoDomainNoRoute) {
  MakeRepo("");
  TenantAddOptions t;
  t.name = "svc";
  t.port = 8080;
  ASSERT_EQ(Add(t), kOk) << err_;
  bool errors = true;
  EXPECT_EQ(Check(&errors), "");
  std::string text = Read("tenants/svc.yaml");
  EXPECT_FALSE(YAML::Load(text)["apps"]["web"]["route"]);
  EXPECT_NE(text.find("without `domain`"), std::string::npos) << text;
}

// Given a bad name, an unknown environment and an exposure the org cannot serve, every
// problem should be reported at once and nothing written.
TEST_F(TenantAddTest, ReportsEveryProblem) {
  MakeRepo("");
  TenantAddOptions t;
  t.name = "Shop_1";
  t.envs = {"dev,qa", "staging"};
  t.port = 8080;
  t.expose = {"cloudfront"};
  EXPECT_EQ(Add(t), kInputError);
  for (const char* want : {"error[E0101]", "error[E0301]", "`qa`", "`staging`", "error[E0307]", "nothing written"})
    EXPECT_NE(err_.find(want), std::string::npos) << want << "\n" << err_;
  EXPECT_NE(err_.find("tenants/Shop_1.yaml:"), std::string::npos) << err_;
  EXPECT_FALSE(stdfs::exists(tmp_ + "/tenants/Shop_1.yaml"));
}

// Given an environment without the edge asked for, the checker's E0503 should say so.
TEST_F(TenantAddTest, ExposureNeedsTheEnvironmentsEdge) {
  MakeRepo("acme.example.com");
  std::string dev = Read("environments/dev.yaml");
  size_t at = dev.find("  api_gateway: true");
  ASSERT_NE(at, std::string::npos) << dev;
  dev.replace(at, sizeof("  api_gateway: true") - 1, "  api_gateway: false");
  std::string err;
  ASSERT_TRUE(fs_.WriteAtomic(tmp_ + "/environments/dev.yaml", dev, &err));
  TenantAddOptions t;
  t.name = "shop";
  t.port = 8080;
  t.expose = {"api"};
  EXPECT_EQ(Add(t), kInputError);
  EXPECT_NE(err_.find("error[E0503]"), std::string::npos) << err_;
}

// Given an existing tenant file, tenant add should refuse and leave it as it is.
TEST_F(TenantAddTest, RefusesToOverwrite) {
  MakeRepo("acme.example.com");
  std::string before = Read("tenants/hello.yaml");
  TenantAddOptions t;
  t.name = "hello";
  EXPECT_EQ(Add(t), kInputError);
  EXPECT_NE(err_.find("tenants/hello.yaml exists"), std::string::npos) << err_;
  EXPECT_EQ(Read("tenants/hello.yaml"), before);
}

// Given values that would break the YAML (newlines, colons), they should reach the checker as
// written: its errors, never a syntax error or a key the user did not ask for.
TEST_F(TenantAddTest, ArgumentsCannotInjectYaml) {
  MakeRepo("acme.example.com");
  TenantAddOptions t;
  t.name = "shop";
  t.port = 8080;
  t.host = "x\nresources: { evil: { type: s3 } }";
  t.image = "a: b";
  EXPECT_EQ(Add(t), kInputError);
  EXPECT_NE(err_.find("error[E0308]"), std::string::npos) << err_;
  EXPECT_NE(err_.find("error[E0309]"), std::string::npos) << err_;
  EXPECT_EQ(err_.find("E0002"), std::string::npos) << err_;
  EXPECT_EQ(err_.find("E0003"), std::string::npos) << err_;
}

// Given a name with a path in it, tenant add should refuse before touching anything.
TEST_F(TenantAddTest, RefusesAPathAsName) {
  MakeRepo("");
  TenantAddOptions t;
  t.name = "../escape";
  EXPECT_EQ(Add(t), kUsage);
  EXPECT_FALSE(stdfs::exists(stdfs::path(tmp_).parent_path() / "escape.yaml"));
}

// Given strings YAML would read differently, YamlScalar should quote them so they read back
// exactly; ordinary names stay plain.
TEST(YamlScalarTest, RoundTrips) {
  for (std::string s : {"web", "shop/web", "acme.example.com", "arn:aws:iam::1:role/x", "yes", "No", "null", "8080",
                        "a: b", "x\ny", "quote\"back\\slash", "", " lead", "#hash", "*star", "~"}) {
    SCOPED_TRACE(s);
    YAML::Node n = YAML::Load("k: " + YamlScalar(s));
    EXPECT_EQ(n["k"].as<std::string>(), s);
    EXPECT_EQ(n["k"].Tag() == "!" || YamlScalar(s) == s, true);
  }
  EXPECT_EQ(YamlScalar("shop/web"), "shop/web");
  EXPECT_EQ(YamlScalar("012345678901", true), "\"012345678901\"");
}

}  // namespace
}  // namespace eurus::cli
