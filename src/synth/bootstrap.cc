// management/bootstrap: what every other unit stands on. In each account of the org (the
// management account, each realm's common account, each environment account) it creates
// the state bucket with its KMS key and the bucket for its access logs, and the deploy
// identities the other units' providers and backends assume: the deployer, the planner and
// the permissions boundary of every other role (identities.h). It keeps local state: it creates the
// buckets, so it cannot start in one (docs/HowToUse.md migrates it into the management
// account's bucket afterwards).
//
// It runs with the management account's credentials and reaches each member account through
// OrganizationAccountAccessRole, the role AWS Organizations creates in accounts it creates:
// the deployer roles do not exist yet, so the bootstrap cannot assume them.

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/naming.h"
#include "synth/billing.h"
#include "synth/identities.h"
#include "synth/observability.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// Created by AWS Organizations in every account it creates, trusting the management account.
constexpr char kUnitName[] = "bootstrap";

using Account = BootstrapAccount;

/// Management first, then the realms' common accounts, then the environments (sorted).
std::vector<Account> Accounts(const Context& ctx) {
  const model::Org& org = ctx.org;
  std::vector<Account> out;
  out.push_back({"management", org.management_account, "management", false, "eurus.yaml"});
  for (const auto& r : org.realms) {
    std::string realm = model::RealmName(r.kind);
    tf::Origin origin = ctx.Origin(r.span);
    out.push_back({"common_" + realm, r.common_account, realm, r.kind == model::RealmKind::kProd,
                   origin.empty() ? "eurus.yaml" : origin});
  }
  for (const auto& e : org.environments) {
    tf::Origin origin = ctx.Origin(e.span);
    out.push_back({"env_" + e.name, e.account, e.name, e.realm == model::RealmKind::kProd,
                   origin.empty() ? e.file : origin});
  }
  return out;
}

std::string Provider(const Account& a) { return BootstrapProvider(a); }

/// The service principal that delivers S3 server access logs.
constexpr char kLogDeliveryService[] = "logging.s3.amazonaws.com";
/// How long the state buckets' access logs are kept (the audit trail of who read state).
constexpr int kAccessLogDays = 365;

/// The customer-managed key that encrypts the account's state objects.
/// Roles of other accounts that read one state object of an account: in a realm's common
/// account, its environments' deployer and planner read the observability unit's state
/// (ObservabilityStateReaders); nobody anywhere else.
struct StateReaders {
  std::vector<std::string> arns;
  Json roles = Json::array();  ///< their blocks in this unit: policies naming them wait for them
};

/// The realm whose common account `a` is, or whose environment's account `a` is.
std::optional<model::RealmKind> CommonRealmOf(const model::Org& org, const Account& a) {
  for (const auto& r : org.realms)
    if (a.alias == "common_" + std::string(model::RealmName(r.kind))) return r.kind;
  return std::nullopt;
}
std::optional<model::RealmKind> EnvironmentRealmOf(const model::Org& org, const Account& a) {
  for (const auto& e : org.environments)
    if (a.alias == "env_" + e.name) return e.realm;
  return std::nullopt;
}

/// The readers of account `a`'s state; `ids` are the identities of `accounts`, in order.
StateReaders ReadersOf(const model::Org& org, const std::vector<Account>& accounts,
                       const std::vector<Identities>& ids, const Account& a) {
  StateReaders out;
  const std::optional<model::RealmKind> realm = CommonRealmOf(org, a);
  if (!realm) return out;
  out.arns = ObservabilityStateReaders(org, *realm);
  for (size_t j = 0; j < accounts.size(); ++j)
    if (EnvironmentRealmOf(org, accounts[j]) == realm) {
      out.roles.push_back(ids[j].deployer.Address());
      out.roles.push_back(ids[j].planner.Address());
    }
  return out;
}

/// `readers` decrypt through S3 only; they must exist before the key names them.
tf::Ref AddStateKey(const Context& ctx, tf::Unit& unit, const Account& a, const tf::Ref& deployer,
                    const StateReaders& readers) {
  const std::string& org = ctx.org.name;
  const std::string log_bucket_arn = "arn:aws:s3:::" + naming::StateLogBucket(org, a.id).value;
  Json statements = Json::array({
      // The default key policy: IAM policies in the account decide who may use the key.
      {{"Sid", "AccountRootManagesKey"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", fmt::format("arn:aws:iam::{}:root", a.id)}}},
       {"Action", "kms:*"},
       {"Resource", "*"}},
      {{"Sid", "DeployerUsesKey"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", ctx.DeployerRoleArn(a.id)}}},
       {"Action",
        {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
         "kms:ReEncrypt*"}},
       {"Resource", "*"}},
      // S3 server access logs of the state bucket land SSE-KMS-encrypted in the access-log
      // bucket; the log delivery service needs a data key, for that bucket's objects only.
      {{"Sid", "AccessLogDeliveryEncrypts"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", kLogDeliveryService}}},
       {"Action", "kms:GenerateDataKey"},
       {"Resource", "*"},
       {"Condition",
        {{"StringLike",
          {{"kms:EncryptionContext:aws:s3:arn", {log_bucket_arn, log_bucket_arn + "/*"}}}}}}},
  });
  if (!readers.arns.empty())
    // The realm's environments read the observability unit's state (the sink's ARN): S3
    // decrypts the object for them, and the bucket policy admits that one object only
    // (AddStateBucket). Decrypt is all a GetObject of an SSE-KMS object needs.
    statements.push_back({{"Sid", "RealmEnvironmentsReadObservabilityState"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", readers.arns}}},
                          {"Action", "kms:Decrypt"},
                          {"Resource", "*"},
                          {"Condition",
                           {{"StringEquals",
                             {{"kms:ViaService", fmt::format("s3.{}.amazonaws.com", ctx.org.region)}}}}}});
  Json depends = Json::array({deployer.Address()});
  for (const auto& r : readers.roles) depends.push_back(r);
  tf::Ref key =
      unit.Resource("aws_kms_key", "state_" + a.alias,
                    {{"provider", Provider(a)},
                     {"description", fmt::format("{} OpenTofu state in {}", org, a.id)},
                     {"enable_key_rotation", true},
                     {"deletion_window_in_days", 30},
                     {"policy", Policy(std::move(statements))},
                     // KMS rejects a key policy naming a principal that does not exist yet.
                     {"depends_on", std::move(depends)}},
                    a.origin);
  unit.Resource("aws_kms_alias", "state_" + a.alias,
                {{"provider", Provider(a)},
                 {"name", naming::StateKeyAlias(org)},
                 {"target_key_id", key["key_id"]}},
                a.origin);
  return key;
}

/// A private bucket of the account: versioned, SSE-KMS with `key` and a bucket key, all
/// four public-access blocks, ACLs disabled, and a policy of `statements` plus TLS-only.
/// Returns the bucket and its versioning (the lifecycle rules wait for the latter).
std::pair<tf::Ref, tf::Ref> AddPrivateBucket(tf::Unit& unit, const Account& a,
                                             const std::string& suffix, const std::string& name,
                                             const tf::Ref& key, Json statements) {
  tf::Ref bucket = unit.Resource(
      "aws_s3_bucket", suffix,
      {{"provider", Provider(a)}, {"bucket", name}, {"lifecycle", {{"prevent_destroy", true}}}},
      a.origin);
  tf::Ref versioning = unit.Resource("aws_s3_bucket_versioning", suffix,
                                     {{"provider", Provider(a)},
                                      {"bucket", bucket["id"]},
                                      {"versioning_configuration", {{"status", "Enabled"}}}},
                                     a.origin);
  unit.Resource(
      "aws_s3_bucket_server_side_encryption_configuration", suffix,
      {{"provider", Provider(a)},
       {"bucket", bucket["id"]},
       {"rule", Json::array({{{"apply_server_side_encryption_by_default",
                               {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}},
                              {"bucket_key_enabled", true}}})}},
      a.origin);
  tf::Ref public_access = AddBucketPrivacy(unit, suffix, bucket, a.origin, Provider(a));
  for (Json& s : DenyInsecureTransport("arn:aws:s3:::" + name)) statements.push_back(std::move(s));
  unit.Resource("aws_s3_bucket_policy", suffix,
                {{"provider", Provider(a)},
                 {"bucket", bucket["id"]},
                 {"policy", Policy(std::move(statements))},
                 // S3 refuses concurrent bucket-policy and public-access-block changes.
                 {"depends_on", {public_access.Address()}}},
                a.origin);
  return {bucket, versioning};
}

/// The account's state bucket and the bucket that receives its S3 server access logs (who
/// read or wrote which state object, kept kAccessLogDays). Both: versioned, KMS-encrypted
/// with the state key, private, TLS-only, never destroyed.
/// `readers` may get the observability unit's state object, nothing else.
tf::Ref AddStateBucket(const Context& ctx, tf::Unit& unit, const Account& a, const tf::Ref& key,
                       const StateReaders& readers) {
  const std::string name = naming::StateBucket(ctx.org.name, a.id).value;
  const std::string log_name = naming::StateLogBucket(ctx.org.name, a.id).value;
  const std::string suffix = "state_" + a.alias;
  const std::string log_suffix = "state_logs_" + a.alias;

  // Log delivery writes objects for the state bucket of this account only (and, in the
  // management account, for the billing unit's CUR export bucket, each under its own prefix);
  // with BucketOwnerEnforced the grant is this policy, not an ACL.
  std::vector<std::string> logged = {name};
  if (a.id == ctx.org.management_account) logged.push_back(billing::ExportBucket(ctx.org));
  Json resources = Json::array(), sources = Json::array();
  for (const auto& b : logged) {
    resources.push_back(fmt::format("arn:aws:s3:::{}/{}/*", log_name, b));
    sources.push_back("arn:aws:s3:::" + b);
  }
  Json log_statements = Json::array({
      {{"Sid", "AccessLogDelivery"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", kLogDeliveryService}}},
       {"Action", "s3:PutObject"},
       {"Resource", resources.size() == 1 ? resources[0] : resources},
       {"Condition",
        {{"ArnLike", {{"aws:SourceArn", sources.size() == 1 ? sources[0] : sources}}},
         {"StringEquals", {{"aws:SourceAccount", a.id}}}}}},
  });
  auto [log_bucket, log_versioning] =
      AddPrivateBucket(unit, a, log_suffix, log_name, key, std::move(log_statements));
  unit.Resource(
      "aws_s3_bucket_lifecycle_configuration", log_suffix,
      {{"provider", Provider(a)},
       {"bucket", log_bucket["id"]},
       {"rule",
        Json::array({{{"id", "expire-access-logs"},
                      {"status", "Enabled"},
                      {"filter", Json::array({Json::object()})},
                      {"expiration", Json::array({{{"days", kAccessLogDays}}})},
                      {"noncurrent_version_expiration", Json::array({{{"noncurrent_days", 30}}})},
                      {"abort_incomplete_multipart_upload",
                       Json::array({{{"days_after_initiation", 7}}})}},
                     // Expiring a current version leaves a delete marker; once its noncurrent
                     // version is gone too, the marker is removed (S3 rejects both in one rule).
                     {{"id", "remove-expired-delete-markers"},
                      {"status", "Enabled"},
                      {"filter", Json::array({Json::object()})},
                      {"expiration", Json::array({{{"expired_object_delete_marker", true}}})}}})},
       {"depends_on", {log_versioning.Address()}}},
      a.origin);

  Json state_statements = Json::array();
  if (!readers.arns.empty())
    // GetObject only: OpenTofu's S3 backend lists workspaces before it reads a state, and
    // treats AccessDenied on that list as "only the default workspace"
    // (internal/backend/remote-state/s3/backend_state.go, Workspaces, v1.12.6), so the
    // terraform_remote_state read needs no s3:ListBucket.
    state_statements.push_back({{"Sid", "RealmEnvironmentsReadObservabilityState"},
                                {"Effect", "Allow"},
                                {"Principal", {{"AWS", readers.arns}}},
                                {"Action", "s3:GetObject"},
                                {"Resource", fmt::format("arn:aws:s3:::{}/{}", name, ObservabilityStateKey())}});
  auto [bucket, versioning] = AddPrivateBucket(unit, a, suffix, name, key, std::move(state_statements));
  if (!readers.roles.empty()) {
    // S3 rejects a policy naming a principal that does not exist yet.
    Json& policy = unit.Body(unit.Existing("aws_s3_bucket_policy", suffix));
    for (const auto& r : readers.roles) policy["depends_on"].push_back(r);
  }
  unit.Resource("aws_s3_bucket_logging", suffix,
                {{"provider", Provider(a)},
                 {"bucket", bucket["id"]},
                 {"target_bucket", log_bucket["id"]},
                 {"target_prefix", name + "/"}},
                a.origin);
  // Lock files (use_lockfile) come and go on every run: their noncurrent versions and the
  // delete markers left behind must expire too, or the bucket grows forever.
  unit.Resource(
      "aws_s3_bucket_lifecycle_configuration", suffix,
      {{"provider", Provider(a)},
       {"bucket", bucket["id"]},
       {"rule",
        Json::array({{{"id", "expire-noncurrent-state"},
                      {"status", "Enabled"},
                      {"filter", Json::array({Json::object()})},
                      {"noncurrent_version_expiration", Json::array({{{"noncurrent_days", 90}}})},
                      {"expiration", Json::array({{{"expired_object_delete_marker", true}}})},
                      {"abort_incomplete_multipart_upload",
                       Json::array({{{"days_after_initiation", 7}}})}}})},
       {"depends_on", {versioning.Address()}}},
      a.origin);
  return bucket;
}

/// The account's GitHub OIDC identity provider, when the org names its repository.
std::optional<tf::Ref> AddGitHubOidc(const Context& ctx, tf::Unit& unit, const Account& a) {
  if (ctx.org.github_repository.empty()) return std::nullopt;
  return unit.Resource("aws_iam_openid_connect_provider", "github_" + a.alias,
                       {{"provider", Provider(a)},
                        {"url", fmt::format("https://{}", kGitHubOidcHost)},
                        {"client_id_list", {"sts.amazonaws.com"}}},
                       a.origin);
}

}  // namespace

void AddBootstrap(const Context& ctx, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  tf::Unit unit(kManagementDir, kUnitName);
  unit.backend.local = true;
  unit.sources.insert("eurus.yaml");
  for (const auto& e : org.environments) unit.sources.insert(e.file);

  std::vector<Account> accounts = Accounts(ctx);
  for (const auto& a : accounts) {
    tf::Provider p =
        ctx.ProviderFor(a.id, a.environment, tags::kPlatform, kUnitName, tags::kPlatform);
    p.alias = a.alias;
    p.identity = false;  // the deploy identities are what it makes
    p.role_arn = a.alias == "management"
                     ? std::string()  // the operator's own management-account credentials
                     : fmt::format("arn:aws:iam::{}:role/{}", a.id, kMemberAccessRole);
    if (a.alias == "management") {
      tf::Provider fallback = p;  // some tools insist on a default provider
      fallback.alias.clear();
      unit.providers.push_back(std::move(fallback));
    }
    unit.providers.push_back(std::move(p));
  }

  Json buckets = Json::object(), roles = Json::object(), keys = Json::object();
  Json planners = Json::object();
  std::vector<Identities> ids;
  for (const auto& a : accounts) {
    std::optional<tf::Ref> oidc = AddGitHubOidc(ctx, unit, a);
    ids.push_back(AddIdentities(ctx, unit, a, oidc ? &*oidc : nullptr));
  }
  // The observability state of each realm's common account, which its environments read
  // (Accounts: the common accounts come before the environments).
  std::map<model::RealmKind, ForeignState> observability;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const Account& a = accounts[i];
    const Identities& idn = ids[i];
    const StateReaders readers = ReadersOf(org, accounts, ids, a);
    tf::Ref key = AddStateKey(ctx, unit, a, idn.deployer, readers);
    tf::Ref bucket = AddStateBucket(ctx, unit, a, key, readers);
    const std::string state_bucket = naming::StateBucket(org.name, a.id).value;
    if (const auto realm = CommonRealmOf(org, a); realm && !readers.arns.empty())
      observability.emplace(*realm, ForeignState{fmt::format("arn:aws:s3:::{}/{}", state_bucket,
                                                             ObservabilityStateKey()),
                                                 key});
    const ForeignState* foreign = nullptr;
    if (const auto realm = EnvironmentRealmOf(org, a))
      if (auto it = observability.find(*realm); it != observability.end()) foreign = &it->second;
    AddPlannerStateAccess(unit, a, idn.planner, state_bucket, key, foreign);
    buckets[a.alias] = bucket["bucket"];
    roles[a.alias] = idn.deployer["arn"];
    planners[a.alias] = idn.planner["arn"];
    keys[a.alias] = key["arn"];
  }
  // AWS Backup may copy recovery points between the organisation's accounts (the
  // environments' plans copy to their realm's central vault: backup.cc). Only the management
  // account of the organisation can turn this on, and it needs AWS Backup's trusted access in
  // Organizations first (docs/DisasterRecovery.md, prerequisites).
  // The API returns every global setting, so all of them are set: a map with only the one
  // eurus needs plans the others' removal on every run (hashicorp/terraform-provider-aws
  // #43514; the resource docs warn of it). Multi-party approval and a delegated backup
  // administrator stay off.
  unit.Resource("aws_backup_global_settings", "cross_account",
                {{"provider", Provider(accounts.front())},
                 {"global_settings",
                  {{"isCrossAccountBackupEnabled", "true"},
                   {"isDelegatedAdministratorEnabled", "false"},
                   {"isMpaEnabled", "false"}}}},
                "eurus.yaml");
  unit.Output("state_buckets", buckets, "state bucket name per account (provider alias)");
  unit.Output("deployer_role_arns", roles, "deployer role ARN per account (provider alias)");
  unit.Output("planner_role_arns", planners, "planner role ARN per account (provider alias)");
  unit.Output("state_kms_key_arns", keys, "state KMS key ARN per account (provider alias)");
  units.push_back(std::move(unit));
}

}  // namespace eurus::synth
