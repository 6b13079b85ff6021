// common-<realm>/backup: the realm's central backup vault, in its common account. Every
// environment's backup plans (platform unit) copy their recovery points here every rpo_hours,
// so losing an environment account (deleted, compromised, its vault emptied) loses at most
// rpo_hours of data. The vault has its own KMS key, which the realm's environment accounts may
// use for those copies; its policy lets exactly those accounts copy in. In prod a vault lock
// (compliance mode once its grace period is over) keeps every copy for its retention, against
// anyone, the root user included. Cross-account copies also need the organisation setting
// the management account's bootstrap sets (bootstrap.cc). See docs/DisasterRecovery.md.
//
// Also what each environment's plans select and the Region opt-in that needs (backup.h):
// the platform unit emits the plans, this file decides which stores they really reach.

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "catalog/store_kinds.h"
#include "model/naming.h"
#include "synth/backup.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// Vault lock of the prod vault: copies are kept at least a week and at most a year; the lock
/// can be changed or removed for kLockGraceDays after it is applied, then never.
constexpr int kLockMinDays = 7;
constexpr int kLockMaxDays = 365;
constexpr int kLockGraceDays = 3;

/// The vault key's policy: the common account administers it and uses it through AWS Backup
/// and RDS (copies of Aurora and DocumentDB snapshots are RDS snapshots); the realm's
/// environment accounts may use it to encrypt the copies they send, and let AWS services hold
/// grants on it.
std::string KeyPolicy(const model::Org& org, const model::Realm& realm,
                      const std::set<std::string>& envs) {
  const std::string& account = realm.common_account;
  Json statements = KeyAccountStatements(account, org.region, {"backup", "rds"}, "AccountUsesKeyThroughBackup");
  {
    Json roots = Json::array();
    for (const auto& a : envs) roots.push_back(Root(a));
    statements.push_back({{"Sid", "EnvironmentsEncryptCopies"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", roots}}},
                          {"Action",
                           {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
                            "kms:ReEncrypt*"}},
                          {"Resource", "*"}});
    statements.push_back({{"Sid", "EnvironmentsGrantServices"},
                          {"Effect", "Allow"},
                          {"Principal", {{"AWS", roots}}},
                          {"Action", {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}},
                          {"Resource", "*"},
                          {"Condition", {{"Bool", {{"kms:GrantIsForAWSResource", true}}}}}});
  }
  return Policy(std::move(statements));
}

}  // namespace

void AddBackup(const Context& ctx, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  for (const model::Realm& realm : org.realms) {
    const std::string realm_name = model::RealmName(realm.kind);
    const bool prod = realm.kind == model::RealmKind::kProd;
    // The environments of the realm copy in: their files decide who may. A realm without
    // environments gets no vault (a locked vault is for good).
    std::set<std::string> envs, files;
    for (const auto& e : org.environments)
      if (e.realm == realm.kind) {
        envs.insert(e.account);
        files.insert(e.file);
      }
    if (envs.empty()) continue;
    tf::Unit u = ctx.NewUnit(CommonDir(realm.kind), realm.common_account, realm_name,
                             tags::kPlatform, kBackupUnit, tags::kPlatform);
    u.sources.insert(files.begin(), files.end());
    tf::Origin o = ctx.Origin(realm.span);
    if (o.empty()) o = "eurus.yaml";

    const std::string base = fmt::format("{}-{}-backup", org.name, realm_name);
    tf::Ref key =
        u.Resource("aws_kms_key", "backup",
                   {{"description",
                     fmt::format("{}: copies of the {} environments' backups", base, realm_name)},
                    {"enable_key_rotation", true},
                    {"deletion_window_in_days", 30},
                    {"policy", KeyPolicy(org, realm, envs)},
                    // The copies are unreadable without it.
                    {"lifecycle", {{"prevent_destroy", true}}},
                    {"tags", {{"Name", base}}}},
                   o);
    u.Resource("aws_kms_alias", "backup",
               {{"name", "alias/" + base}, {"target_key_id", key["key_id"]}}, o);

    const std::string name = naming::CentralBackupVault(org.name);
    tf::Ref vault = u.Resource("aws_backup_vault", "central",
                               {{"name", name},
                                {"kms_key_arn", key["arn"]},
                                {"lifecycle", {{"prevent_destroy", true}}},
                                {"tags", {{"Name", name}}}},
                               o);
    {
      Json roots = Json::array();
      for (const auto& a : envs) roots.push_back(Root(a));
      u.Resource("aws_backup_vault_policy", "central",
                 {{"backup_vault_name", vault["name"]},
                  {"policy", Policy(Json::array({{{"Sid", "EnvironmentsCopyIn"},
                                                  {"Effect", "Allow"},
                                                  {"Principal", {{"AWS", roots}}},
                                                  {"Action", "backup:CopyIntoBackupVault"},
                                                  {"Resource", "*"}}}))}},
                 o);
    }
    if (prod)
      u.Resource("aws_backup_vault_lock_configuration", "central",
                 {{"backup_vault_name", vault["name"]},
                  {"min_retention_days", kLockMinDays},
                  {"max_retention_days", kLockMaxDays},
                  {"changeable_for_days", kLockGraceDays}},
                 o);
    u.Output("vault_arn", vault["arn"],
             "the realm's central backup vault (copies of every environment's backups)");
    u.Output("vault_kms_key_arn", key["arn"], "the key of the central vault's recovery points");
    units.push_back(std::move(u));
  }
}

}  // namespace eurus::synth

namespace eurus::synth::backup {
namespace {

/// The AWS types of the stores each plan backs up: those whose tags::kBackup tag names it
/// (store_aurora.cc, store_docdb.cc, store_bucket.cc).
std::vector<std::string_view> TypesOf(Plan plan) {
  if (plan == Plan::kSnapshots) return {"aws_rds_cluster", "aws_docdb_cluster"};
  return {"aws_s3_bucket"};
}

const catalog::StorePolicy& PolicyOf(std::string_view type) {
  for (const catalog::StorePolicy* p : catalog::StorePolicies())
    if (p->type == type) return *p;
  throw std::logic_error("no store policy for " + std::string(type));
}

/// "arn:aws:rds:{region}:{account}:cluster:{id}" → "arn:aws:rds:*:*:cluster:*": every resource
/// of the type, the form AWS Backup reads as an assignment by resource type.
std::string TypePattern(std::string_view arn) {
  std::string out(arn);
  for (std::string_view field : {"{region}", "{account}", "{id}"})
    if (size_t at = out.find(field); at != std::string::npos) out.replace(at, field.size(), "*");
  return out;
}

}  // namespace

tf::Json Selection(Plan plan, const std::string& plan_name) {
  tf::Json resources = tf::Json::array();
  for (std::string_view type : TypesOf(plan)) {
    const catalog::StorePolicy& p = PolicyOf(type);
    if (!p.aws_backup) throw std::logic_error("AWS Backup cannot select " + std::string(type));
    const std::string pattern = TypePattern(p.arn);
    if (std::find(resources.begin(), resources.end(), pattern) == resources.end())
      resources.push_back(pattern);
  }
  // One condition block: the provider keeps a single one (terraform-provider-aws #38114).
  const tf::Json tag = {{"key", fmt::format("aws:ResourceTag/{}", tags::kBackup)},
                        {"value", plan_name}};
  return {{"resources", std::move(resources)},
          {"condition", tf::Json::array({{{"string_equals", tf::Json::array({tag})}}})}};
}

void AddOptIn(const Context& ctx, const model::Environment& env, tf::Unit& u,
              const tf::Origin& o) {
  std::set<std::string_view> types;  // AWS Backup's names, sorted
  for (const model::Tenant& t : ctx.org.tenants)
    for (const model::Deployment& d : t.deployments) {
      if (d.env != env.name) continue;
      for (const model::Resource& r : d.resources)
        for (const catalog::StorePolicy* p : catalog::Row(r.type).policy)
          if (p->aws_backup && p->needs_opt_in) {
            types.insert(p->backup_type);
            u.sources.insert(t.file);
          }
    }
  if (types.empty()) return;
  // aws_backup_region_settings reads back the whole map DescribeRegionSettings returns, one
  // key per type the Region supports, into an attribute that is not computed: a map of only
  // these types would plan a change forever, and the full map differs between Regions (an
  // unknown key fails the apply: terraform-provider-aws #21801) and would take over types
  // eurus does not use. UpdateRegionSettings changes only the keys it is given (a single-key
  // update is what boto/boto3 #3758 shows the CLI doing), and the
  // resource's delete does nothing, so: set our types once, ignore the map afterwards, and
  // set it again (a replacement) when the types change. The opt-in costs nothing.
  tf::Json list = tf::Json::array(), preference = tf::Json::object();
  for (std::string_view type : types) {
    list.push_back(type);
    preference[std::string(type)] = true;
  }
  tf::Ref types_ref = u.Resource("terraform_data", "backup_opt_in", {{"input", list}}, o);
  u.Resource("aws_backup_region_settings", "opt_in",
             {{"resource_type_opt_in_preference", std::move(preference)},
              {"lifecycle",
               {{"ignore_changes", {"resource_type_opt_in_preference"}},
                {"replace_triggered_by", {types_ref.Address()}}}}},
             o);
}

}  // namespace eurus::synth::backup
