// common-<realm>/registry: the realm's container registry, in its common account. One ECR
// repository per image that an app of the realm names (every deployment in an environment
// of the realm, overrides applied), plus the platform's sidecar images (the OpenTelemetry
// collector): immutable tags, scanned on push, encrypted with the registry's own KMS key.
// The environments of the realm pull through repository policies naming their account
// roots; their own IAM (the tenant execution roles) narrows that to each tenant's images.
//
// Images move between the realms by copying (docs/Registry.md): CI pushes to the nonprod
// registry; promotion, run with credentials of the prod common account, reads the nonprod
// registry and writes the prod one. So nonprod repositories are also readable by the prod
// common account, and prod repositories by the nonprod environments (issue 6: a nonprod
// environment may run the exact image prod runs). Nothing outside its own account may write
// to a registry.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "model/naming.h"
#include "synth/access.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;


/// What a pull needs on a repository. ecr:GetAuthorizationToken is registry-wide and granted
/// by the puller's own IAM; a repository policy cannot grant it.
constexpr const char* kPullActions[] = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                        "ecr:GetDownloadUrlForLayer"};

/// What a push needs on a repository besides the pull actions (ECR user guide, "IAM
/// permissions for pushing an image"); DescribeImages lets CI see which tags exist.
constexpr const char* kPushActions[] = {"ecr:CompleteLayerUpload", "ecr:DescribeImages",
                                        "ecr:InitiateLayerUpload", "ecr:PutImage",
                                        "ecr:UploadLayerPart"};

/// Nonprod lifecycle: untagged leftovers go after a day, every image after 90 days.
constexpr int kUntaggedDays = 1;
constexpr int kNonprodImageDays = 90;

static_assert(std::string_view(kCollectorRepository).starts_with(model::kPlatformImagePrefix),
              "platform images live under the prefix tenants may not use (E0319)");

/// A repository of the registry, with the place its name first came from.
struct Repository {
  tf::Origin origin;
  bool platform = false;  ///< a sidecar image eurus itself needs (no lifecycle: see below)
};

/// Every image the apps of `realm` name, by repository name (sorted), with the first app
/// (tenant, environment and app order) that names it; plus the platform images.
std::map<std::string, Repository> Repositories(const Context& ctx, model::RealmKind realm,
                                               const tf::Origin& realm_origin) {
  const model::Org& org = ctx.org;
  std::map<std::string, Repository> out;
  out[kCollectorRepository] = {realm_origin, true};
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments) {
      const model::Environment* env = org.environment(dep.env);
      if (!env || env->realm != realm) continue;
      for (const auto& app : dep.apps) {
        tf::Origin o = ctx.Origin(app.span);
        out.try_emplace(app.image, Repository{o.empty() ? t.file : o, false});
      }
    }
  return out;
}

/// Image (repository name) → the tenants whose apps name it.
using ImageTenants = std::map<std::string, std::set<std::string>>;

/// Which tenants' apps name each image in the environments of `realm` (overrides applied).
ImageTenants ImageUsers(const model::Org& org, model::RealmKind realm) {
  ImageTenants out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments) {
      const model::Environment* env = org.environment(dep.env);
      if (!env || env->realm != realm) continue;
      for (const auto& app : dep.apps) out[app.image].insert(t.name);
    }
  return out;
}

/// The repositories of a realm that are tenant `t`'s own: named by its apps and by no other
/// tenant's (a shared image is nobody's to push; the checker warns W0015). Sorted.
std::vector<std::string> OwnRepositories(const ImageTenants& users,
                                         const std::string& t) {
  std::vector<std::string> out;
  for (const auto& [name, tenants] : users)
    if (tenants.size() == 1 && *tenants.begin() == t) out.push_back(name);
  return out;
}

/// The block name of repository `name`. Injective, because a renamed block would destroy a
/// repository full of images: within a path component ECR allows single separators only,
/// so "__" can only stand for "." and "--" only for "/" ("shop/web" → "shop--web",
/// "shop.web" → "shop__web", "shop-web" stays). A leading digit gets a "_" (an identifier
/// starts with a letter or "_", which no repository name does).
std::string RepositoryKey(const std::string& name) {
  std::string key;
  if (!name.empty() && name[0] >= '0' && name[0] <= '9') key = "_";
  for (char c : name) {
    if (c == '/')
      key += "--";
    else if (c == '.')
      key += "__";
    else
      key += c;
  }
  return key;
}

/// Accounts that may pull from the registry of `realm`, each group with its statement id.
/// Sorted and without duplicates; a group without accounts is left out.
std::vector<std::pair<std::string, std::set<std::string>>> Readers(const model::Org& org,
                                                                   model::RealmKind realm) {
  auto envs_of = [&](model::RealmKind r) {
    std::set<std::string> accounts;
    for (const auto& e : org.environments)
      if (e.realm == r) accounts.insert(e.account);
    return accounts;
  };
  std::vector<std::pair<std::string, std::set<std::string>>> out;
  out.emplace_back("RealmEnvironmentsPull", envs_of(realm));
  if (realm == model::RealmKind::kNonprod) {
    // Promotion copies nonprod → prod with prod credentials: the prod side reads here.
    out.emplace_back("ProdRegistryPromotionReads",
                     std::set<std::string>{org.realm(model::RealmKind::kProd).common_account});
  } else {
    // Prod images are copies of nonprod ones; a nonprod environment may run one as is.
    out.emplace_back("NonprodEnvironmentsPull", envs_of(model::RealmKind::kNonprod));
  }
  std::erase_if(out, [](const auto& g) { return g.second.empty(); });
  return out;
}

Json Principals(const std::set<std::string>& accounts) {
  Json roots = Json::array();
  for (const auto& a : accounts) roots.push_back(Root(a));
  return {{"AWS", roots}};
}

/// The registry's customer-managed key: administered by the account (IAM decides, as with
/// every eurus key), used by ECR through the grants it creates when the deployer creates a
/// repository, and decryptable by the pulling accounts for this registry's images only.
tf::Ref AddKey(const Context& ctx, tf::Unit& u, const model::Realm& realm, const tf::Origin& o,
               const std::vector<std::pair<std::string, std::set<std::string>>>& readers) {
  const model::Org& org = ctx.org;
  const std::string ecr_service = fmt::format("ecr.{}.amazonaws.com", org.region);
  Json statements = Json::array({
      {{"Sid", "AccountRootManagesKey"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(realm.common_account)}}},
       {"Action", "kms:*"},
       {"Resource", "*"}},
      // ECR checks the key and creates its grants on behalf of whoever creates a repository.
      {{"Sid", "DeployerLetsEcrUseKey"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", ctx.DeployerRoleArn(realm.common_account)}}},
       {"Action", {"kms:CreateGrant", "kms:DescribeKey"}},
       {"Resource", "*"},
       {"Condition", {{"StringEquals", {{"kms:ViaService", ecr_service}}}}}},
  });
  // Image layers are encrypted under data keys bound to the repository's ARN (ECR's
  // encryption context); pulling from another account may need to decrypt them.
  std::set<std::string> pullers;
  for (const auto& [sid, accounts] : readers) pullers.insert(accounts.begin(), accounts.end());
  if (!pullers.empty()) {
    statements.push_back({{"Sid", "PullingAccountsDecryptImages"},
                          {"Effect", "Allow"},
                          {"Principal", Principals(pullers)},
                          {"Action", "kms:Decrypt"},
                          {"Resource", "*"},
                          {"Condition",
                           {{"StringLike",
                             {{"kms:EncryptionContext:aws:ecr:arn",
                               fmt::format("arn:aws:ecr:{}:{}:repository/*", org.region,
                                           realm.common_account)}}}}}});
  }
  const std::string realm_name = model::RealmName(realm.kind);
  tf::Ref key = u.Resource(
      "aws_kms_key", "ecr",
      {{"description", fmt::format("{} container images ({} registry)", org.name, realm_name)},
       {"enable_key_rotation", true},
       {"deletion_window_in_days", 30},
       {"policy", Json{{"Version", kPolicyVersion}, {"Statement", std::move(statements)}}.dump()},
       {"tags", {{"Name", fmt::format("{}-ecr-{}", org.name, realm_name)}}}},
      o);
  u.Resource("aws_kms_alias", "ecr",
             {{"name", RegistryKeyAlias(org)}, {"target_key_id", key["key_id"]}}, o);
  return key;
}

/// Nonprod: untagged images after a day, any image after 90 days (rules apply in priority
/// order; the `any` rule must come last).
std::string NonprodLifecycle() {
  auto rule = [](int priority, const char* status, int days, const std::string& what) {
    return Json{{"rulePriority", priority},
                {"description", what},
                {"selection",
                 {{"tagStatus", status},
                  {"countType", "sinceImagePushed"},
                  {"countUnit", "days"},
                  {"countNumber", days}}},
                {"action", {{"type", "expire"}}}};
  };
  return Json{{"rules",
               Json::array({rule(1, "untagged", kUntaggedDays,
                                 fmt::format("expire untagged images after {} day", kUntaggedDays)),
                            rule(2, "any", kNonprodImageDays,
                                 fmt::format("expire images after {} days", kNonprodImageDays))})}}
      .dump();
}

std::string RepositoryArn(const model::Org& org, const model::Realm& realm, const std::string& name) {
  return fmt::format("arn:aws:ecr:{}:{}:repository/{}", org.region, realm.common_account, name);
}

/// `<org>-<tenant>-release` in the registry of `realm` for every tenant of the realm whose
/// `access.release` names principals: push (and pull) its own repositories; in prod also pull
/// the same repositories of the nonprod registry, whose repository policy admits the prod
/// common account (Readers): promotion copies an image by digest, nonprod to prod. Nothing
/// else. ECR encrypts and decrypts layers through the grant it made on the registry key when
/// the repository was created (ECR user guide, "Encryption at rest"), so the role needs no
/// KMS permission; ecr:GetAuthorizationToken takes no resource, and its token serves every
/// registry the role may read.
void AddReleaseRoles(const Context& ctx, const model::Realm& realm, tf::Unit& u) {
  const model::Org& org = ctx.org;
  const ImageTenants users = ImageUsers(org, realm.kind);
  const bool prod = realm.kind == model::RealmKind::kProd;
  const ImageTenants nonprod_users = prod ? ImageUsers(org, model::RealmKind::kNonprod) : ImageTenants{};
  Json pull = Json::array();
  for (const char* a : kPullActions) pull.push_back(a);
  Json push = pull;
  for (const char* a : kPushActions) push.push_back(a);
  std::sort(push.begin(), push.end());
  for (const auto& t : org.tenants) {
    if (t.access.release.empty()) continue;
    const std::vector<std::string> own = OwnRepositories(users, t.name);
    if (own.empty()) continue;  // not in the realm, or only shared images
    Json arns = Json::array();
    Json promote = Json::array();
    for (const auto& name : own) {
      arns.push_back(RepositoryArn(org, realm, name));
      auto n = nonprod_users.find(name);
      if (n != nonprod_users.end() && n->second.size() == 1 && n->second.count(t.name))
        promote.push_back(RepositoryArn(org, org.realm(model::RealmKind::kNonprod), name));
    }
    Json statements = Json::array({
        {{"Sid", "EcrLogin"}, {"Effect", "Allow"}, {"Action", "ecr:GetAuthorizationToken"}, {"Resource", "*"}},
        {{"Sid", "PushOwnImages"}, {"Effect", "Allow"}, {"Action", push}, {"Resource", arns}},
    });
    if (!promote.empty())
      statements.push_back({{"Sid", "PromoteOwnNonprodImages"},
                            {"Effect", "Allow"},
                            {"Action", pull},
                            {"Resource", promote}});
    tf::Origin o = ctx.Origin(t.access.span);
    if (o.empty()) o = t.file;
    const std::string key = "release_" + BlockKey(t.name);
    tf::Ref role = u.Resource(
        "aws_iam_role", key,
        {{"name", naming::TenantReleaseRole(org.name, t.name).value},
         {"description", fmt::format("CI of tenant {}: pushes its own images to the {} registry{}", t.name,
                                     model::RealmName(realm.kind), promote.empty() ? "" : ", promotes from nonprod")},
         {"assume_role_policy", Policy(access::Trust(t.access.release))}},
        o);
    u.Resource("aws_iam_role_policy", key,
               {{"name", "own-repositories"}, {"role", role["id"]}, {"policy", Policy(std::move(statements))}}, o);
  }
}

}  // namespace

void AddRegistry(const Context& ctx, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  for (const model::Realm& realm : org.realms) {
    const std::string realm_name = model::RealmName(realm.kind);
    tf::Unit u = ctx.NewUnit(CommonDir(realm.kind), realm.common_account, realm_name,
                             tags::kPlatform, kRegistryUnit, tags::kPlatform);
    tf::Origin o = ctx.Origin(realm.span);
    if (o.empty()) o = "eurus.yaml";
    // Which files feed the unit: the pulling environments, and every tenant of the realm.
    for (const auto& e : org.environments) u.sources.insert(e.file);
    for (const auto& t : org.tenants)
      for (const auto& dep : t.deployments)
        if (const model::Environment* env = org.environment(dep.env);
            env && env->realm == realm.kind)
          u.sources.insert(t.file);

    const auto readers = Readers(org, realm.kind);
    tf::Ref key = AddKey(ctx, u, realm, o, readers);

    Json pull = Json::array();
    for (const char* a : kPullActions) pull.push_back(a);
    Json statements = Json::array();
    for (const auto& [sid, accounts] : readers)
      statements.push_back({{"Sid", sid},
                            {"Effect", "Allow"},
                            {"Principal", Principals(accounts)},
                            {"Action", pull}});
    const std::string repository_policy =
        Json{{"Version", kPolicyVersion}, {"Statement", statements}}.dump();

    Json urls = Json::object();
    std::optional<tf::Ref> collector;
    for (const auto& [name, repo] : Repositories(ctx, realm.kind, o)) {
      const std::string k = RepositoryKey(name);
      tf::Ref r =
          u.Resource("aws_ecr_repository", k,
                     {{"name", name},
                      {"image_tag_mutability", "IMMUTABLE"},
                      {"image_scanning_configuration", {{"scan_on_push", true}}},
                      {"encryption_configuration",
                       Json::array({{{"encryption_type", "KMS"}, {"kms_key", key["arn"]}}})},
                      // A repository that still holds images is never deleted.
                      {"force_delete", false},
                      {"tags", {{"Name", name}}}},
                     repo.origin);
      if (!statements.empty())
        u.Resource("aws_ecr_repository_policy", k,
                   {{"repository", r["name"]}, {"policy", repository_policy}}, repo.origin);
      // Prod keeps every image: its images are the rollback targets and the record of what
      // ran, and an untagged manifest there can only be part of a promoted image (tags are
      // immutable, promotion writes tagged images). Platform images change once per
      // upgrade and every environment runs them, so they never expire either.
      if (realm.kind == model::RealmKind::kNonprod && !repo.platform)
        u.Resource("aws_ecr_lifecycle_policy", k,
                   {{"repository", r["name"]}, {"policy", NonprodLifecycle()}}, repo.origin);
      urls[name] = r["repository_url"];
      if (repo.platform && name == kCollectorRepository) collector = r;
    }

    AddReleaseRoles(ctx, realm, u);
    u.Output("repository_urls", urls, "repository URL by image (repository name)");
    u.Output("registry_id", (*collector)["registry_id"],
             "the registry's id: the realm's common account");
    u.Output("kms_key_arn", key["arn"], "the KMS key that encrypts the registry's images");
    units.push_back(std::move(u));
  }
}

}  // namespace eurus::synth
