#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "diag/render.h"
#include "model/build.h"
#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::OutputValue;
using testing::Resource;
using testing::ResourceCount;
using testing::ResourcesByName;

constexpr char kNonprodCommon[] = "222222222222";
constexpr char kProdCommon[] = "333333333333";
constexpr char kDev[] = "444444444444";
constexpr char kProd[] = "555555555555";
constexpr char kStaging[] = "666666666666";

/// The base org (testing::BaseOrg) plus staging: dev and staging (nonprod), prod (prod).
/// Tenant shop runs web and worker from one image in dev and gives the worker its own image
/// in prod (an override); blog runs in staging only, from an image with a dot in its name.
struct RegistryTest : testing::SynthFixture {

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/staging.yaml"] =
        testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n    image: shop/web\n    cpu: 256\n    memory: 512\n"
        "  worker:\n    image: shop/web\n    cpu: 256\n    memory: 512\n"
        "    command: [\"./worker\"]\n"
        "overrides:\n"
        "  prod:\n"
        "    apps:\n"
        "      web: { replicas: { min: 2, max: 4 } }\n"
        "      worker: { image: shop/worker, replicas: { min: 2, max: 4 } }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [staging]\n"
        "apps:\n"
        "  api:\n    image: blog.v2/api\n    cpu: 256\n    memory: 512\n";
  }


  const tf::Unit& Nonprod() const { return U("common-nonprod/registry"); }
  const tf::Unit& Prod() const { return U("common-prod/registry"); }

  /// Repository names of a unit, sorted.
  static std::vector<std::string> Names(const tf::Unit& u) {
    std::vector<std::string> out;
    for (const auto& [k, body] : ResourcesByName(u, "aws_ecr_repository"))
      out.push_back(body["name"]);
    std::sort(out.begin(), out.end());
    return out;
  }
  static Json PolicyOf(const Json& body) { return Json::parse(body["policy"].get<std::string>()); }
};

std::string Root(const std::string& account) { return "arn:aws:iam::" + account + ":root"; }

// Given apps in both realms, each registry should hold exactly the images its realm's
// apps name (after overrides, each image once) plus the collector.
TEST_F(RegistryTest, RepositoriesAreTheRealmsImagesAndTheCollector) {
  Synth();
  EXPECT_EQ(Names(Nonprod()),
            (std::vector<std::string>{"blog.v2/api", kCollectorRepository, "shop/web"}));
  EXPECT_EQ(Names(Prod()),
            (std::vector<std::string>{kCollectorRepository, "shop/web", "shop/worker"}));
  // Block names are stable and cannot collide: "/" → "--", "." → "__".
  EXPECT_EQ(Resource(Nonprod(), "aws_ecr_repository", "blog__v2--api")["name"], "blog.v2/api");
  EXPECT_EQ(Resource(Prod(), "aws_ecr_repository", "shop--worker")["name"], "shop/worker");
  EXPECT_EQ(Resource(Prod(), "aws_ecr_repository", "eurus--aws-otel-collector")["name"],
            kCollectorRepository);
  // Each repository block points back at the app that named it first.
  EXPECT_EQ(Resource(Nonprod(), "aws_ecr_repository", "shop--web")["//"], "tenants/shop.yaml:3");
}

// Given an org whose tenants have no apps, both registries should still exist, holding the
// collector.
TEST_F(RegistryTest, BothRealmsAlwaysHaveARegistry) {
  fs.files["tenants/shop.yaml"] = "environments: [dev, prod]\n";
  fs.files["tenants/blog.yaml"] = "environments: [staging]\n";
  Synth();
  EXPECT_EQ(Names(Nonprod()), (std::vector<std::string>{kCollectorRepository}));
  EXPECT_EQ(Names(Prod()), (std::vector<std::string>{kCollectorRepository}));
}

// Given any registry, its units should sit in the realm's common account, after the
// bootstrap and before the environments, with that account's state backend, and carry the
// platform's tags.
TEST_F(RegistryTest, UnitPlacementAccountAndBackend) {
  Synth();
  ASSERT_GE(units.size(), 3u);
  EXPECT_EQ(units[0].id(), "management/bootstrap");
  EXPECT_EQ(units[1].id(), "common-nonprod/registry");
  EXPECT_EQ(units[2].id(), "common-prod/registry");
  for (const auto& [u, account, realm] : {std::tuple{&Nonprod(), kNonprodCommon, "nonprod"},
                                          std::tuple{&Prod(), kProdCommon, "prod"}}) {
    SCOPED_TRACE(u->id());
    EXPECT_EQ(u->name(), kRegistryUnit);
    EXPECT_EQ(u->account(), CommonDir(realm == std::string("prod") ? model::RealmKind::kProd
                                                                   : model::RealmKind::kNonprod));
    EXPECT_FALSE(u->backend.local);
    EXPECT_EQ(u->backend.bucket, std::string("acme-tfstate-") + account);
    EXPECT_EQ(u->backend.key, "registry/terraform.tfstate");
    EXPECT_EQ(u->backend.role_arn, std::string("arn:aws:iam::") + account + ":role/acme-${var.eurus_role}");
    EXPECT_TRUE(u->backend.identity);
    ASSERT_EQ(u->providers.size(), 1u);
    const tf::Provider& p = u->providers[0];
    EXPECT_EQ(p.account, account);
    EXPECT_EQ(p.role_arn, std::string("arn:aws:iam::") + account + ":role/acme-${var.eurus_role}");
      EXPECT_TRUE(p.identity);
    EXPECT_EQ(p.default_tags.at(tags::kTenant), tags::kPlatform);
    EXPECT_EQ(p.default_tags.at(tags::kEnvironment), realm);
    EXPECT_EQ(p.default_tags.at(tags::kUnit), kRegistryUnit);
    EXPECT_TRUE(u->dependencies.empty());
  }
  // A change to any tenant of the realm, or to a pulling environment, changes the unit.
  EXPECT_TRUE(Nonprod().sources.contains("tenants/blog.yaml"));
  EXPECT_TRUE(Nonprod().sources.contains("tenants/shop.yaml"));
  EXPECT_FALSE(Prod().sources.contains("tenants/blog.yaml"));
  EXPECT_TRUE(Prod().sources.contains("environments/staging.yaml"));
}

// Given any repository, tags should be immutable, images scanned on push, and encrypted
// with the registry's own rotating customer-managed key; a repository holding images is
// never force-deleted.
TEST_F(RegistryTest, ImmutableScannedAndKmsEncrypted) {
  Synth();
  for (const tf::Unit* u : {&Nonprod(), &Prod()}) {
    SCOPED_TRACE(u->id());
    auto repos = ResourcesByName(*u, "aws_ecr_repository");
    ASSERT_EQ(repos.size(), 3u);
    for (const auto& [k, body] : repos) {
      SCOPED_TRACE(k);
      EXPECT_EQ(body["image_tag_mutability"], "IMMUTABLE");
      EXPECT_EQ(body["image_scanning_configuration"], Json({{"scan_on_push", true}}));
      EXPECT_EQ(body["encryption_configuration"],
                Json::array({{{"encryption_type", "KMS"}, {"kms_key", "${aws_kms_key.ecr.arn}"}}}));
      EXPECT_EQ(body["force_delete"], false);
    }
    ASSERT_EQ(ResourceCount(*u, "aws_kms_key"), 1);
    EXPECT_TRUE(HasResource(*u, "aws_kms_key",
                            R"({"enable_key_rotation":true,"deletion_window_in_days":30})"));
    EXPECT_TRUE(
        HasResource(*u, "aws_kms_alias",
                    R"({"name":"alias/acme-ecr","target_key_id":"${aws_kms_key.ecr.key_id}"})"));
  }
  EXPECT_EQ(RegistryKeyAlias(*org), "alias/acme-ecr");
}

// Given a registry key, its policy should leave administration to the account, let ECR use
// it through the deployer, and let exactly the pulling accounts decrypt this registry's
// images (and nothing else).
TEST_F(RegistryTest, KeyPolicy) {
  Synth();
  struct Want {
    const tf::Unit* unit;
    std::string account;
    Json pullers;
  };
  for (const Want& w :
       {Want{&Nonprod(), kNonprodCommon, {Root(kProdCommon), Root(kDev), Root(kStaging)}},
        Want{&Prod(), kProdCommon, {Root(kDev), Root(kProd), Root(kStaging)}}}) {
    SCOPED_TRACE(w.unit->id());
    Json st = PolicyOf(Resource(*w.unit, "aws_kms_key", "ecr"))["Statement"];
    ASSERT_EQ(st.size(), 3u);
    EXPECT_EQ(st[0]["Principal"], Json({{"AWS", Root(w.account)}}));
    EXPECT_EQ(st[0]["Action"], "kms:*");
    EXPECT_EQ(st[1]["Principal"],
              Json({{"AWS", "arn:aws:iam::" + w.account + ":role/acme-deployer"}}));
    EXPECT_EQ(st[1]["Action"], Json({"kms:CreateGrant", "kms:DescribeKey"}));
    EXPECT_EQ(st[1]["Condition"]["StringEquals"]["kms:ViaService"], "ecr.eu-west-1.amazonaws.com");
    EXPECT_EQ(st[2]["Principal"]["AWS"], w.pullers);
    EXPECT_EQ(st[2]["Action"], "kms:Decrypt");
    EXPECT_EQ(st[2]["Condition"]["StringLike"]["kms:EncryptionContext:aws:ecr:arn"],
              "arn:aws:ecr:eu-west-1:" + w.account + ":repository/*");
  }
}

// Given the nonprod realm, every tenant image should expire untagged after a day and at all
// after 90 days (untagged first: the `any` rule must be last); the collector never expires.
TEST_F(RegistryTest, NonprodLifecycle) {
  Synth();
  auto policies = ResourcesByName(Nonprod(), "aws_ecr_lifecycle_policy");
  ASSERT_EQ(policies.size(), 2u);
  EXPECT_FALSE(policies.contains("eurus--aws-otel-collector"));
  for (const auto& [k, body] : policies) {
    SCOPED_TRACE(k);
    EXPECT_EQ(body["repository"], "${aws_ecr_repository." + k + ".name}");
    Json rules = PolicyOf(body)["rules"];
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0]["rulePriority"], 1);
    EXPECT_EQ(rules[0]["selection"], Json({{"tagStatus", "untagged"},
                                           {"countType", "sinceImagePushed"},
                                           {"countUnit", "days"},
                                           {"countNumber", 1}}));
    EXPECT_EQ(rules[0]["action"], Json({{"type", "expire"}}));
    EXPECT_EQ(rules[1]["rulePriority"], 2);
    EXPECT_EQ(rules[1]["selection"], Json({{"tagStatus", "any"},
                                           {"countType", "sinceImagePushed"},
                                           {"countUnit", "days"},
                                           {"countNumber", 90}}));
    EXPECT_EQ(rules[1]["action"], Json({{"type", "expire"}}));
  }
}

// Given the prod realm, images should be kept: no lifecycle policy at all.
TEST_F(RegistryTest, ProdKeepsImages) {
  Synth();
  EXPECT_EQ(ResourceCount(Prod(), "aws_ecr_lifecycle_policy"), 0);
}

// Given the realms' environments, nonprod repositories should be pullable by the nonprod
// environments and readable by the prod common account (promotion), prod repositories by
// the prod environments and the nonprod ones; with pull actions only.
TEST_F(RegistryTest, PullPrincipalsPerRealm) {
  Synth();
  const Json pull = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                     "ecr:GetDownloadUrlForLayer"};
  struct Want {
    const tf::Unit* unit;
    Json statements;
  };
  for (const Want& w : {Want{&Nonprod(),
                             {{{"Sid", "RealmEnvironmentsPull"},
                               {"Effect", "Allow"},
                               {"Principal", {{"AWS", {Root(kDev), Root(kStaging)}}}},
                               {"Action", pull}},
                              {{"Sid", "ProdRegistryPromotionReads"},
                               {"Effect", "Allow"},
                               {"Principal", {{"AWS", {Root(kProdCommon)}}}},
                               {"Action", pull}}}},
                        Want{&Prod(),
                             {{{"Sid", "RealmEnvironmentsPull"},
                               {"Effect", "Allow"},
                               {"Principal", {{"AWS", {Root(kProd)}}}},
                               {"Action", pull}},
                              {{"Sid", "NonprodEnvironmentsPull"},
                               {"Effect", "Allow"},
                               {"Principal", {{"AWS", {Root(kDev), Root(kStaging)}}}},
                               {"Action", pull}}}}}) {
    SCOPED_TRACE(w.unit->id());
    auto policies = ResourcesByName(*w.unit, "aws_ecr_repository_policy");
    ASSERT_EQ(policies.size(), 3u);  // every repository, the collector's included
    for (const auto& [k, body] : policies) {
      SCOPED_TRACE(k);
      EXPECT_EQ(body["repository"], "${aws_ecr_repository." + k + ".name}");
      Json doc = PolicyOf(body);
      EXPECT_EQ(doc["Version"], "2012-10-17");
      EXPECT_EQ(doc["Statement"], w.statements);
    }
  }
}

// Given every policy document of both registries, no statement should name a "*" principal
// or allow a "*" action other than kms:* for the key's own account.
TEST_F(RegistryTest, NoWildcardPrincipals) {
  Synth();
  for (const tf::Unit* u : {&Nonprod(), &Prod()}) {
    for (const char* type : {"aws_kms_key", "aws_ecr_repository_policy"}) {
      for (const auto& [k, body] : ResourcesByName(*u, type)) {
        SCOPED_TRACE(u->id() + " " + type + "." + k);
        for (const Json& st : PolicyOf(body)["Statement"]) {
          ASSERT_TRUE(st["Principal"].is_object()) << st.dump();
          for (const auto& [kind, who] : st["Principal"].items()) {
            EXPECT_EQ(kind, "AWS");
            for (const Json& p : who.is_array() ? who : Json::array({who})) {
              EXPECT_NE(p, "*");
              EXPECT_TRUE(p.get<std::string>().starts_with("arn:aws:iam::")) << p;
            }
          }
          EXPECT_NE(st["Action"], "*");
          if (st["Action"] == "kms:*") {
            EXPECT_EQ(st["Principal"]["AWS"], Root(u == &Nonprod() ? kNonprodCommon : kProdCommon));
          }
        }
      }
    }
  }
}

// Given a registry, its outputs should give each image's repository URL (which is what
// RepositoryUrl computes for the tenant units) and the registry id.
TEST_F(RegistryTest, Outputs) {
  Synth();
  EXPECT_EQ(OutputValue(Prod(), "repository_urls"),
            Json({{kCollectorRepository,
                   "${aws_ecr_repository.eurus--aws-otel-collector.repository_url}"},
                  {"shop/web", "${aws_ecr_repository.shop--web.repository_url}"},
                  {"shop/worker", "${aws_ecr_repository.shop--worker.repository_url}"}}));
  EXPECT_EQ(OutputValue(Nonprod(), "registry_id"),
            "${aws_ecr_repository.eurus--aws-otel-collector.registry_id}");
  EXPECT_EQ(OutputValue(Nonprod(), "kms_key_arn"), "${aws_kms_key.ecr.arn}");
  EXPECT_EQ(RepositoryUrl(*org, model::RealmKind::kProd, "shop/web"),
            "333333333333.dkr.ecr.eu-west-1.amazonaws.com/shop/web");
}

// Given an app naming an image under the platform's eurus/ prefix (the collector's, or any
// other), the model should refuse it (E0319) at the image.
TEST_F(RegistryTest, PlatformImagesAreReserved) {
  fs.files["tenants/blog.yaml"] =
      "environments: [staging]\n"
      "apps:\n"
      "  api:\n    image: eurus/aws-otel-collector\n    cpu: 256\n    memory: 512\n";
  auto p = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  model::BuildResult r = model::Build(*p, {}, {}, diags);
  EXPECT_FALSE(r.org.has_value());
  std::string out = RenderAll(diags, sources, DiagFormat::kShort);
  EXPECT_NE(out.find("tenants/blog.yaml:4:12: error[E0319]: `eurus/aws-otel-collector` is under "
                     "`eurus/`, reserved for the platform's images"),
            std::string::npos)
      << out;
}

// ---- the tenants' release roles ----------------------------------------------------------

constexpr char kShopCi[] = "arn:aws:iam::888888888888:role/shop-ci";
constexpr char kBlogCi[] = "arn:aws:iam::999999999999:role/blog-ci";

/// RegistryTest's org with `access.release` set on the model (the YAML decoder of `access`
/// is another change).
struct ReleaseRoleTest : RegistryTest {
  void SynthWith(const std::map<std::string, std::vector<std::string>>& release) {
    auto p = config::LoadProject(fs, ".", sources, diags);
    ASSERT_TRUE(p.has_value());
    model::BuildResult r = model::Build(*p, lock, {}, diags);
    ASSERT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
    org = std::move(r.org);
    for (auto& t : org->tenants)
      if (auto it = release.find(t.name); it != release.end()) t.access.release = it->second;
    ctx.emplace(*org, sources, ".");
    units = Synthesize(*ctx);
  }
  /// The statements of release role `tenant`'s policy in `u`, by Sid.
  static std::map<std::string, Json> BySid(const tf::Unit& u, const std::string& tenant) {
    std::map<std::string, Json> out;
    const Json policy = PolicyOf(Resource(u, "aws_iam_role_policy", "release_" + tenant));
    for (const Json& st : policy["Statement"]) out[st["Sid"]] = st;
    return out;
  }
};

std::string Repo(const std::string& account, const std::string& name) {
  return "arn:aws:ecr:eu-west-1:" + account + ":repository/" + name;
}

// Given no `access.release`, the registries should hold no role.
TEST_F(ReleaseRoleTest, NoRolesWithoutAccess) {
  SynthWith({});
  EXPECT_EQ(ResourceCount(Nonprod(), "aws_iam_role"), 0);
  EXPECT_EQ(ResourceCount(Prod(), "aws_iam_role"), 0);
}

// Given release principals for shop and blog, each registry of a realm they are in should
// hold `acme-<tenant>-release` trusted by exactly them, pushing (and pulling) only their own
// repositories; in prod shop also reads its nonprod repository (promotion) and nothing else:
// shop/worker exists in prod only.
TEST_F(ReleaseRoleTest, PushOwnRepositoriesAndPromoteFromNonprod) {
  SynthWith({{"shop", {kShopCi}}, {"blog", {kBlogCi}}});
  const Json shop = Resource(Nonprod(), "aws_iam_role", "release_shop");
  EXPECT_EQ(shop["name"], "acme-shop-release");
  EXPECT_EQ(shop["permissions_boundary"], std::string("arn:aws:iam::") + kNonprodCommon + ":policy/acme-boundary");
  EXPECT_EQ(PolicyOf(Json{{"policy", shop["assume_role_policy"]}})["Statement"],
            Json::parse(std::string(R"([{"Sid":"TenantTeam","Effect":"Allow","Principal":{"AWS":")") + kShopCi +
                        R"("},"Action":"sts:AssumeRole"}])"));
  const Json push = Json::parse(R"(["ecr:BatchCheckLayerAvailability","ecr:BatchGetImage",
      "ecr:CompleteLayerUpload","ecr:DescribeImages","ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload","ecr:PutImage","ecr:UploadLayerPart"])");
  auto nonprod = BySid(Nonprod(), "shop");
  ASSERT_EQ(nonprod.size(), 2u);
  EXPECT_EQ(nonprod["EcrLogin"]["Action"], "ecr:GetAuthorizationToken");
  EXPECT_EQ(nonprod["EcrLogin"]["Resource"], "*");
  EXPECT_EQ(nonprod["PushOwnImages"]["Action"], push);
  EXPECT_EQ(nonprod["PushOwnImages"]["Resource"], Json({Repo(kNonprodCommon, "shop/web")}));
  EXPECT_EQ(BySid(Nonprod(), "blog")["PushOwnImages"]["Resource"], Json({Repo(kNonprodCommon, "blog.v2/api")}));

  auto prod = BySid(Prod(), "shop");
  ASSERT_EQ(prod.size(), 3u);
  EXPECT_EQ(prod["PushOwnImages"]["Resource"],
            Json({Repo(kProdCommon, "shop/web"), Repo(kProdCommon, "shop/worker")}));
  EXPECT_EQ(prod["PromoteOwnNonprodImages"]["Action"],
            Json({"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}));
  EXPECT_EQ(prod["PromoteOwnNonprodImages"]["Resource"], Json({Repo(kNonprodCommon, "shop/web")}));
  // The nonprod repository policy already admits the prod common account to pull.
  bool admits = false;
  const Json repository_policy = PolicyOf(Resource(Nonprod(), "aws_ecr_repository_policy", "shop--web"));
  for (const Json& st : repository_policy["Statement"])
    admits = admits || (st["Sid"] == "ProdRegistryPromotionReads" &&
                        st["Principal"]["AWS"] == Json({Root(kProdCommon)}));
  EXPECT_TRUE(admits);
  // blog is in no prod environment: no role there.
  EXPECT_TRUE(Resource(Prod(), "aws_iam_role", "release_blog").is_null());
  // No KMS: ECR uses the grant it made on the registry key.
  for (const tf::Unit* u : {&Nonprod(), &Prod()})
    for (const auto& [k, p] : ResourcesByName(*u, "aws_iam_role_policy"))
      EXPECT_EQ(p["policy"].get<std::string>().find("kms:"), std::string::npos) << k;
}

// Given blog also running shop/web in staging, shop/web is shared in nonprod: nobody's to
// push there, so shop has no nonprod role, and its prod role promotes nothing from nonprod.
TEST_F(ReleaseRoleTest, SharedRepositoriesAreLeftOut) {
  fs.files["tenants/blog.yaml"] =
      "environments: [staging]\n"
      "apps:\n"
      "  api:\n    image: blog.v2/api\n    cpu: 256\n    memory: 512\n"
      "  shopfront:\n    image: shop/web\n    cpu: 256\n    memory: 512\n";
  SynthWith({{"shop", {kShopCi}}, {"blog", {kBlogCi}}});
  EXPECT_TRUE(Resource(Nonprod(), "aws_iam_role", "release_shop").is_null());
  EXPECT_EQ(BySid(Nonprod(), "blog")["PushOwnImages"]["Resource"], Json({Repo(kNonprodCommon, "blog.v2/api")}));
  auto prod = BySid(Prod(), "shop");
  EXPECT_EQ(prod.size(), 2u);
  EXPECT_FALSE(prod.contains("PromoteOwnNonprodImages"));
  EXPECT_EQ(prod["PushOwnImages"]["Resource"],
            Json({Repo(kProdCommon, "shop/web"), Repo(kProdCommon, "shop/worker")}));
}

}  // namespace
}  // namespace eurus::synth
