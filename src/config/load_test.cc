#include "config/load.h"

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "diag/codes.h"
#include "util/fs.h"

namespace eurus::config {
namespace {

constexpr char kOrg[] =
    "eurus: 1\norg: acme\nregion: eu-west-1\nmanagement_account: \"111111111111\"\n"
    "realms:\n  nonprod: { common_account: \"222222222222\" }\n"
    "  prod: { common_account: \"333333333333\" }\n";
constexpr char kDev[] =
    "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n"
    "  availability_zones: [eu-west-1a, eu-west-1b]\n";
constexpr char kProd[] =
    "account: \"555555555555\"\nrealm: prod\nnetwork:\n  cidr: 10.2.0.0/16\n"
    "  availability_zones: [eu-west-1a, eu-west-1b]\n";

/// A repository in memory under `repo/`: eurus.yaml, environments dev and prod, tenant shop.
struct LoadTest : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;

  void SetUp() override {
    fs.files["repo/eurus.yaml"] = kOrg;
    fs.files["repo/environments/prod.yaml"] = kProd;
    fs.files["repo/environments/dev.yaml"] = kDev;
    fs.files["repo/tenants/shop.yaml"] = "environments: [dev, prod]\n";
  }
  std::optional<Project> Load(const std::string& dir = "repo") {
    return LoadProject(fs, dir, sources, diags);
  }
  /// "E0001 message @path:line:col" for each diagnostic, in order.
  std::vector<std::string> Reported() const {
    std::vector<std::string> out;
    for (const auto& d : diags.items()) {
      std::string at = "-";
      if (Span s = d.primary(); s.valid()) {
        LineCol lc = sources.Locate(s.file, s.begin);
        at = sources.path(s.file) + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column);
      }
      out.push_back(d.code + " " + d.message + " @" + at);
    }
    return out;
  }
};

using Lines = std::vector<std::string>;

// Given the repository layout, we should read eurus.yaml, every environment and tenant,
// sorted by name, with paths shown under the directory given.
TEST_F(LoadTest, ReadsTheLayout) {
  fs.files["repo/tenants/blog.yaml"] = "environments: [dev]\n";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_EQ(p->dir, "repo");
  EXPECT_EQ(*p->org.org, "acme");
  ASSERT_EQ(p->envs.size(), 2u);
  EXPECT_EQ(*p->envs[0].name, "dev");
  EXPECT_EQ(*p->envs[0].account, "444444444444");
  EXPECT_EQ(*p->envs[1].name, "prod");
  ASSERT_EQ(p->tenants.size(), 2u);
  EXPECT_EQ(*p->tenants[0].name, "blog");
  EXPECT_EQ(*p->tenants[1].name, "shop");
  EXPECT_EQ(p->files, (Lines{"environments/dev.yaml", "environments/prod.yaml", "eurus.yaml",
                             "tenants/blog.yaml", "tenants/shop.yaml"}));
  const TenantFile& shop = p->tenants[1];
  EXPECT_EQ(sources.path(shop.file), "repo/tenants/shop.yaml");
  EXPECT_EQ(shop.name.span, (Span{shop.file, 0, 0}));
  EXPECT_EQ(sources.path(p->envs[1].name.span.file), "repo/environments/prod.yaml");
  ASSERT_EQ(shop.doc.environments->size(), 2u);
}

// Given "." as the directory, we should show paths without a "./" prefix.
TEST_F(LoadTest, CurrentDirectoryPaths) {
  MemoryFileSystem here;
  for (const auto& [path, text] : fs.files) here.files[path.substr(5)] = text;
  auto p = LoadProject(here, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(sources.path(p->tenants[0].file), "tenants/shop.yaml");
}

// Given files that are not YAML, or lie outside environments/ and tenants/, we should
// ignore them; a YAML file named .yml should be reported (E0009) and not read.
TEST_F(LoadTest, OtherFilesAndYmlNames) {
  fs.files["repo/README.md"] = "# platform\n";
  fs.files["repo/environments/notes.txt"] = "not yaml";
  fs.files["repo/other/x.yaml"] = "- ignored\n";
  fs.files["repo/tenants/blog.yml"] = "environments: [dev]\n";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{"E0009 `repo/tenants/blog.yml` is not read: eurus reads files ending "
                              "in `.yaml` @repo/tenants/blog.yml:1:1"});
  EXPECT_EQ(diags.items()[0].help, "rename it to `blog.yaml`");
  ASSERT_EQ(p->tenants.size(), 1u);
  EXPECT_EQ(*p->tenants[0].name, "shop");
  EXPECT_EQ(p->envs.size(), 2u);
}

// Given a directory named like a YAML file, we should report it (E0001) and go on.
TEST_F(LoadTest, YamlNamedDirectory) {
  fs.files["repo/tenants/blog.yaml/inner"] = "x";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{"E0001 `repo/tenants/blog.yaml` is a directory, not a file @-"});
  EXPECT_EQ(diags.items()[0].help, "remove or rename it; tenants/ holds one .yaml file per tenant");
  EXPECT_EQ(p->tenants.size(), 1u);
}

// Given no directory, we should stop with E0001 and say how to point at one.
TEST_F(LoadTest, MissingDirectory) {
  EXPECT_FALSE(Load("nowhere").has_value());
  EXPECT_EQ(Reported(), Lines{"E0001 cannot read directory `nowhere` @-"});
  EXPECT_EQ(diags.items()[0].help, "pass the platform repository with -C DIR");
}

// Given a directory without eurus.yaml, we should stop with E0001.
TEST_F(LoadTest, NoEurusYaml) {
  fs.files.erase("repo/eurus.yaml");
  EXPECT_FALSE(Load().has_value());
  EXPECT_EQ(Reported(), Lines{"E0001 no eurus.yaml in `repo` @-"});
}

/// A file system where some files exist but cannot be read.
struct UnreadableFileSystem : MemoryFileSystem {
  std::set<std::string> unreadable;
  std::optional<std::string> Read(const std::string& path, std::string* err) override {
    if (unreadable.count(path)) {
      if (err) *err = "Permission denied";
      return std::nullopt;
    }
    return MemoryFileSystem::Read(path, err);
  }
};

// Given a file that cannot be read, we should report it with the reason, and load the rest.
TEST_F(LoadTest, UnreadableFile) {
  UnreadableFileSystem ufs;
  ufs.files = fs.files;
  ufs.files["repo/tenants/blog.yaml"] = "environments: [dev]\n";
  ufs.unreadable.insert("repo/tenants/shop.yaml");
  auto p = LoadProject(ufs, "repo", sources, diags);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{"E0001 cannot read `repo/tenants/shop.yaml`: Permission denied @-"});
  ASSERT_EQ(p->tenants.size(), 1u);
  EXPECT_EQ(*p->tenants[0].name, "blog");
  EXPECT_EQ(p->files, (Lines{"environments/dev.yaml", "environments/prod.yaml", "eurus.yaml",
                             "tenants/blog.yaml"}));
}

// Given YAML syntax errors, we should report those of every file and then stop before
// decoding (no follow-on errors such as missing fields elsewhere).
TEST_F(LoadTest, SyntaxErrorsStopBeforeDecoding) {
  fs.files["repo/environments/dev.yaml"] = "account: \"4\nrealm: nonprod\n";
  fs.files["repo/tenants/shop.yaml"] = "environments: [dev\n";
  fs.files["repo/tenants/blog.yaml"] = "cost_center: x\n";  // no environments: not reported
  EXPECT_FALSE(Load().has_value());
  EXPECT_EQ(Reported(),
            (Lines{"E0002 quoted string is not closed on its line @repo/environments/dev.yaml:1:10",
                   "E0002 YAML syntax error: this [ is never closed @repo/tenants/shop.yaml:1:15"}));
}

// Given shape errors in several files, we should report all of them and still return
// the project.
TEST_F(LoadTest, ShapeErrorsAreCollected) {
  fs.files["repo/environments/dev.yaml"] = std::string(kDev) + "protecton: true\n";
  fs.files["repo/tenants/shop.yaml"] = "environments: dev\n";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(),
            (Lines{"E0004 unknown key `protecton` in environments/dev.yaml @repo/environments/dev.yaml:6:1",
                   "E0005 `environments` must be a list of strings, found \"dev\" "
                   "@repo/tenants/shop.yaml:1:15"}));
}

// Given an empty tenant file, we should report it at its first byte and keep the tenant.
TEST_F(LoadTest, EmptyTenantFile) {
  fs.files["repo/tenants/shop.yaml"] = "";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{"E0006 tenant file is empty @repo/tenants/shop.yaml:1:1"});
  ASSERT_EQ(p->tenants.size(), 1u);
  EXPECT_TRUE(p->tenants[0].base.is_null());
  EXPECT_EQ(p->tenants[0].base.span.file, p->tenants[0].file);
}

constexpr char kShop[] =
    "environments: [dev, prod]\n"
    "apps:\n"
    "  web: { image: shop/web, cpu: 256, memory: 512, replicas: { min: 1, max: 2 } }\n"
    "overrides:\n"
    "  prod:\n"
    "    apps:\n"
    "      web: { replicas: { min: 3 } }\n"
    "  dev:\n";

// Given overrides, we should split them off the base per environment, in file order, and
// decode the base without them.
TEST_F(LoadTest, OverridesAreSplitOff) {
  fs.files["repo/tenants/shop.yaml"] = kShop;
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(), Lines{});
  const TenantFile& t = p->tenants[0];
  EXPECT_EQ(t.base.Find("overrides"), nullptr);
  ASSERT_EQ(t.base.entries.size(), 2u);
  ASSERT_EQ(t.overrides.size(), 2u);
  EXPECT_EQ(t.overrides[0].env, "prod");
  EXPECT_EQ(sources.Locate(t.file, t.overrides[0].key_span.begin).line, 5u);
  EXPECT_TRUE(t.overrides[0].node.is_map());
  EXPECT_EQ(t.overrides[1].env, "dev");
  EXPECT_TRUE(t.overrides[1].node.is_null());
  ASSERT_EQ(t.doc.apps.size(), 1u);
  EXPECT_EQ(*t.doc.apps[0].replicas_min, 1);
}

// Given an override merged over the base (as model/ does per environment), we should
// decode the override's values where it has them, pointing at the override's lines, and
// the base's values elsewhere.
TEST_F(LoadTest, OverrideMergedOverTheBase) {
  fs.files["repo/tenants/shop.yaml"] = kShop;
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  const TenantFile& t = p->tenants[0];
  TenantDoc prod = DecodeTenant(DeepMerge(t.base, t.overrides[0].node), diags);
  EXPECT_EQ(Reported(), Lines{});
  ASSERT_EQ(prod.apps.size(), 1u);
  const AppDoc& web = prod.apps[0];
  EXPECT_EQ(*web.replicas_min, 3);
  EXPECT_EQ(sources.Locate(t.file, web.replicas_min.span.begin).line, 7u);
  EXPECT_EQ(*web.replicas_max, 2);
  EXPECT_EQ(sources.Locate(t.file, web.replicas_max.span.begin).line, 3u);
  EXPECT_EQ(*web.image, "shop/web");
}

// Given overrides of the wrong shape, or of fields that cannot be overridden, we should
// report each.
TEST_F(LoadTest, BadOverrides) {
  fs.files["repo/tenants/shop.yaml"] =
      "environments: [dev, prod]\n"
      "overrides:\n"
      "  prod: { environments: [prod], overrides: {} }\n"
      "  dev: off\n";
  fs.files["repo/tenants/blog.yaml"] = "environments: [dev]\noverrides: [dev]\n";
  auto p = Load();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(Reported(),
            (Lines{"E0005 `overrides` must be a mapping of environment names, found a list "
                   "@repo/tenants/blog.yaml:2:12",
                   "E0303 `environments` cannot be overridden per environment "
                   "@repo/tenants/shop.yaml:3:11",
                   "E0303 `overrides` cannot be overridden per environment "
                   "@repo/tenants/shop.yaml:3:33",
                   "E0005 the override for `dev` must be a mapping, found \"off\" "
                   "@repo/tenants/shop.yaml:4:8"}));
  EXPECT_EQ(diags.items()[1].help, "list the environment in the tenant's top-level `environments`");
  EXPECT_EQ(diags.items()[2].help, "overrides do not nest");
  ASSERT_EQ(p->tenants[1].overrides.size(), 1u);
  EXPECT_EQ(p->tenants[1].overrides[0].env, "prod");
}

// Given a second load of the same files with `reuse`, we should take the kept trees
// (re-pointed at the new files) and decode the same project.
TEST_F(LoadTest, ReuseKeptTrees) {
  ParsedFiles kept;
  bool done = false;
  auto first = LoadProject(fs, "repo", sources, diags, nullptr, &kept, [&] { done = true; });
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(done);
  EXPECT_EQ(kept.docs.size(), 4u);
  ASSERT_TRUE(kept.docs.count("tenants/shop.yaml"));
  EXPECT_EQ(kept.docs["tenants/shop.yaml"].text, "environments: [dev, prod]\n");

  fs.files["repo/tenants/shop.yaml"] = "environments: [dev]\n";  // changed: parsed again
  auto second = LoadProject(fs, "repo", sources, diags, &kept);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(Reported(), Lines{});
  EXPECT_EQ(*second->org.org, "acme");
  EXPECT_NE(second->org.org.span.file, first->org.org.span.file);
  EXPECT_EQ(sources.path(second->org.org.span.file), "repo/eurus.yaml");
  EXPECT_EQ(second->org.org.span.begin, first->org.org.span.begin);
  EXPECT_EQ(second->envs[1].network.cidr.span.file, second->envs[1].name.span.file);
  EXPECT_EQ(second->tenants[0].doc.environments->size(), 1u);
}

// Given a file parsed with a diagnostic, we should not keep its tree for reuse.
TEST_F(LoadTest, KeepSkipsFilesWithDiagnostics) {
  fs.files["repo/tenants/shop.yaml"] = "environments: [dev]\nenvironments: [prod]\n";
  ParsedFiles kept;
  auto p = LoadProject(fs, "repo", sources, diags, nullptr, &kept);
  ASSERT_FALSE(p.has_value());  // a duplicate key is an error of the parse
  EXPECT_EQ(Reported(), Lines{"E0003 duplicate key `environments` @repo/tenants/shop.yaml:2:1"});
  EXPECT_EQ(kept.docs.count("tenants/shop.yaml"), 0u);
  EXPECT_EQ(kept.docs.count("eurus.yaml"), 1u);
}

}  // namespace
}  // namespace eurus::config
