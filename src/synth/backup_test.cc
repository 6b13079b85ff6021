#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::Json;
using testing::Resource;
using testing::ResourceCount;

/// The base org (dev in nonprod, prod in prod) plus a second nonprod environment, qa; no
/// tenants: the central vaults depend only on the realms and their environments.
struct BackupTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/qa.yaml"] =
        testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
  }
  const tf::Unit& Nonprod() const { return U("common-nonprod/backup"); }
  const tf::Unit& Prod() const { return U("common-prod/backup"); }
  /// A JSON policy held as a string attribute, parsed.
  static Json PolicyOf(const tf::Unit& u, const std::string& type, const std::string& name) {
    return Json::parse(Resource(u, type, name)["policy"].get<std::string>());
  }
  /// Every resource block of `u` as "type.name".
  static std::set<std::string> Blocks(const tf::Unit& u) {
    std::set<std::string> out;
    for (const auto& [type, blocks] : u.resources().items())
      for (const auto& [name, body] : blocks.items()) out.insert(type + "." + name);
    return out;
  }
};

// Given two realms with environments, we should emit one backup unit in each realm's
// common account, with that account's backend and provider and no dependencies.
TEST_F(BackupTest, OneUnitPerRealmInItsCommonAccount) {
  Synth();
  for (const auto& [u, account, realm] :
       {std::tuple{&Nonprod(), "222222222222", "nonprod"}, std::tuple{&Prod(), "333333333333", "prod"}}) {
    SCOPED_TRACE(realm);
    EXPECT_EQ(u->name(), kBackupUnit);
    EXPECT_FALSE(u->backend.local);
    EXPECT_EQ(u->backend.bucket, std::string("acme-tfstate-") + account);
    EXPECT_EQ(u->backend.key, "backup/terraform.tfstate");
    ASSERT_EQ(u->providers.size(), 1u);
    EXPECT_EQ(u->providers[0].account, account);
    EXPECT_EQ(u->providers[0].default_tags.at(tags::kEnvironment), realm);
    EXPECT_EQ(u->providers[0].default_tags.at(tags::kTenant), tags::kPlatform);
    EXPECT_TRUE(u->dependencies.empty());
  }
  int backups = 0;
  for (const auto& u : units) backups += u.name() == kBackupUnit;
  EXPECT_EQ(backups, 2);
}

// Given a realm, its unit should hold exactly the key, its alias, the vault and its policy,
// and in prod the vault lock too.
TEST_F(BackupTest, BlocksOfTheUnit) {
  Synth();
  const std::set<std::string> common = {"aws_kms_key.backup", "aws_kms_alias.backup",
                                        "aws_backup_vault.central", "aws_backup_vault_policy.central"};
  EXPECT_EQ(Blocks(Nonprod()), common);
  std::set<std::string> prod = common;
  prod.insert("aws_backup_vault_lock_configuration.central");
  EXPECT_EQ(Blocks(Prod()), prod);
}

// Given the realm's vault, it should be named after the org, encrypted by the unit's own
// key and kept by prevent_destroy; the key rotates and is kept too.
TEST_F(BackupTest, VaultAndKey) {
  Synth();
  const tf::Unit& u = Nonprod();
  EXPECT_EQ(Resource(u, "aws_backup_vault", "central"),
            Json({{"name", "acme-central"},
                  {"kms_key_arn", "${aws_kms_key.backup.arn}"},
                  {"lifecycle", {{"prevent_destroy", true}}},
                  {"tags", {{"Name", "acme-central"}}},
                  {"//", "eurus.yaml:6"}}));
  Json key = Resource(u, "aws_kms_key", "backup");
  EXPECT_EQ(key["description"], "acme-nonprod-backup: copies of the nonprod environments' backups");
  EXPECT_EQ(key["enable_key_rotation"], true);
  EXPECT_EQ(key["deletion_window_in_days"], 30);
  EXPECT_EQ(key["lifecycle"], Json({{"prevent_destroy", true}}));
  EXPECT_EQ(key["tags"], Json({{"Name", "acme-nonprod-backup"}}));
  EXPECT_EQ(Resource(u, "aws_kms_alias", "backup"),
            Json({{"name", "alias/acme-nonprod-backup"},
                  {"target_key_id", "${aws_kms_key.backup.key_id}"},
                  {"//", "eurus.yaml:6"}}));
  EXPECT_EQ(Resource(Prod(), "aws_kms_alias", "backup")["name"], "alias/acme-prod-backup");
  EXPECT_EQ(Resource(Prod(), "aws_backup_vault", "central")["//"], "eurus.yaml:7");
}

// Given a realm with two environments, the vault policy should let exactly their accounts
// copy in, and nothing else.
TEST_F(BackupTest, VaultPolicyLetsTheRealmsEnvironmentsCopyIn) {
  Synth();
  EXPECT_EQ(Resource(Nonprod(), "aws_backup_vault_policy", "central")["backup_vault_name"],
            "${aws_backup_vault.central.name}");
  EXPECT_EQ(PolicyOf(Nonprod(), "aws_backup_vault_policy", "central"),
            Json::parse(R"({"Version":"2012-10-17","Statement":[{
                "Sid":"EnvironmentsCopyIn","Effect":"Allow",
                "Principal":{"AWS":["arn:aws:iam::444444444444:root","arn:aws:iam::666666666666:root"]},
                "Action":"backup:CopyIntoBackupVault","Resource":"*"}]})"));
  EXPECT_EQ(PolicyOf(Prod(), "aws_backup_vault_policy", "central")["Statement"][0]["Principal"],
            Json::parse(R"({"AWS":["arn:aws:iam::555555555555:root"]})"));
}

// Given the vault key, the common account should administer it and use it only through
// Backup and RDS, and the realm's environments may encrypt with it and grant it to services.
TEST_F(BackupTest, KeyPolicy) {
  Synth();
  Json policy = PolicyOf(Nonprod(), "aws_kms_key", "backup");
  std::vector<std::string> sids;
  for (const Json& s : policy["Statement"]) sids.push_back(s["Sid"]);
  EXPECT_EQ(sids, (std::vector<std::string>{"AccountAdministers", "AccountUsesKeyThroughBackup",
                                            "EnvironmentsEncryptCopies", "EnvironmentsGrantServices"}));
  const Json& admin = policy["Statement"][0];
  EXPECT_EQ(admin["Principal"], Json::parse(R"({"AWS":"arn:aws:iam::222222222222:root"})"));
  EXPECT_EQ(admin["Action"], "kms:*");
  const Json& use = policy["Statement"][1];
  EXPECT_EQ(use["Condition"], Json::parse(R"({"StringEquals":{"kms:CallerAccount":"222222222222",
      "kms:ViaService":["backup.eu-west-1.amazonaws.com","rds.eu-west-1.amazonaws.com"]}})"));
  const Json envs = Json::parse(R"({"AWS":["arn:aws:iam::444444444444:root","arn:aws:iam::666666666666:root"]})");
  const Json& encrypt = policy["Statement"][2];
  EXPECT_EQ(encrypt["Principal"], envs);
  EXPECT_EQ(encrypt["Action"], Json::parse(R"(["kms:Decrypt","kms:DescribeKey","kms:Encrypt",
      "kms:GenerateDataKey*","kms:ReEncrypt*"])"));
  EXPECT_FALSE(encrypt.contains("Condition"));
  const Json& grant = policy["Statement"][3];
  EXPECT_EQ(grant["Principal"], envs);
  EXPECT_EQ(grant["Action"], Json::parse(R"(["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"])"));
  EXPECT_EQ(grant["Condition"], Json::parse(R"({"Bool":{"kms:GrantIsForAWSResource":true}})"));
}

// Given prod, the vault lock should keep copies 7 to 365 days, changeable for 3 days only.
TEST_F(BackupTest, VaultLockInProdOnly) {
  Synth();
  EXPECT_EQ(Resource(Prod(), "aws_backup_vault_lock_configuration", "central"),
            Json({{"backup_vault_name", "${aws_backup_vault.central.name}"},
                  {"min_retention_days", 7},
                  {"max_retention_days", 365},
                  {"changeable_for_days", 3},
                  {"//", "eurus.yaml:7"}}));
  EXPECT_EQ(ResourceCount(Nonprod(), "aws_backup_vault_lock_configuration"), 0);
}

// Given the unit, it should output the vault's and the key's ARNs for the platform units.
TEST_F(BackupTest, Outputs) {
  Synth();
  EXPECT_EQ(Prod().outputs(), (std::set<std::string>{"vault_arn", "vault_kms_key_arn"}));
  EXPECT_EQ(testing::OutputValue(Prod(), "vault_arn"), "${aws_backup_vault.central.arn}");
  EXPECT_EQ(testing::OutputValue(Prod(), "vault_kms_key_arn"), "${aws_kms_key.backup.arn}");
}

// Given the realm's environment files, the unit should be a function of them and eurus.yaml
// only (a tenant file does not change it).
TEST_F(BackupTest, SourcesAreTheRealmsFiles) {
  fs.files["tenants/shop.yaml"] = "environments: [dev, prod]\n";
  Synth();
  EXPECT_EQ(Nonprod().sources, (std::set<std::string>{"environments/dev.yaml",
                                                      "environments/qa.yaml", "eurus.yaml"}));
  EXPECT_EQ(Prod().sources, (std::set<std::string>{"environments/prod.yaml", "eurus.yaml"}));
}

// Given a realm without environments, we should emit no vault for it (a locked vault is
// for good), whichever realm it is.
TEST_F(BackupTest, NoVaultForARealmWithoutEnvironments) {
  fs.files.erase("environments/dev.yaml");
  fs.files.erase("environments/qa.yaml");
  Synth();
  EXPECT_THROW(Nonprod(), std::out_of_range);
  EXPECT_NO_THROW(Prod());
  // The remaining realm's vault admits only its own environment.
  EXPECT_EQ(PolicyOf(Prod(), "aws_backup_vault_policy", "central")["Statement"][0]["Principal"],
            Json::parse(R"({"AWS":["arn:aws:iam::555555555555:root"]})"));
}

// ---- what the environments' plans select (backup.h) ---------------------------------------

/// The base org and qa (nonprod); tenant shop has a database, a DocumentDB cluster, a cache
/// and a bucket in dev and prod; blog a MySQL database in dev; quiet nothing in dev.
struct EnvironmentBackupTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "resources:\n"
        "  orders: { type: postgres, version: \"16.6\" }\n"
        "  catalog-db: { type: documentdb }\n"
        "  cache: { type: redis }\n"
        "  uploads: { type: s3 }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev]\n"
        "resources:\n"
        "  posts: { type: mysql, version: \"8.0.mysql_aurora.3.08.0\" }\n";
    fs.files["tenants/quiet.yaml"] = "environments: [dev]\n";
  }
};

// Given the plans, each selection should name the ARN patterns of the types it backs up and
// narrow them to the plan's stores by their backup tag (`condition`, ANDed with `resources`;
// `selection_tag` would be ORed): a selection by tag alone obeys the Region's service
// opt-in, so a type that is not opted in (S3 in an account that used AWS Backup before S3 was
// supported) would silently get no recovery points.
TEST_F(EnvironmentBackupTest, SelectionsNameTheTypesTheyBackUp) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  const std::string key = std::string("aws:ResourceTag/") + tags::kBackup;
  for (const auto& [block, pattern, plan] :
       {std::tuple{"snapshots", "arn:aws:rds:*:*:cluster:*", "acme-prod"},
        std::tuple{"continuous", "arn:aws:s3:::*", "acme-prod-continuous"}}) {
    SCOPED_TRACE(block);
    Json sel = Resource(p, "aws_backup_selection", block);
    EXPECT_EQ(sel["resources"], Json::array({pattern}));
    EXPECT_EQ(sel["condition"],
              Json::array({{{"string_equals", Json::array({{{"key", key}, {"value", plan}}})}}}));
    EXPECT_FALSE(sel.contains("selection_tag"));
  }
}

// Given stores that AWS Backup reaches only with the Region's service opt-in whatever the
// selection (Aurora and DocumentDB: the RDS cluster ARN does not tell the engine), the
// environment should opt in exactly their types: set once, the rest of the Region's map
// ignored (it would plan a change forever), set again when the types change. An environment
// without such stores changes nothing in the account.
TEST_F(EnvironmentBackupTest, RegionOptInForTheTypesThatNeedIt) {
  fs.files["environments/qa.yaml"] =
      testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
  fs.files["tenants/files.yaml"] =
      "environments: [qa]\nresources:\n  docs: { type: s3 }\n  cache: { type: redis }\n";
  Synth();
  const tf::Unit& dev = U("dev/platform");
  Json settings = Resource(dev, "aws_backup_region_settings", "opt_in");
  EXPECT_EQ(settings["resource_type_opt_in_preference"],
            Json::parse(R"({"Aurora":true,"DocumentDB":true})"));
  EXPECT_FALSE(settings.contains("resource_type_management_preference"));
  EXPECT_EQ(settings["lifecycle"]["ignore_changes"],
            Json::array({"resource_type_opt_in_preference"}));
  EXPECT_EQ(settings["lifecycle"]["replace_triggered_by"],
            Json::array({"terraform_data.backup_opt_in"}));
  EXPECT_EQ(Resource(dev, "terraform_data", "backup_opt_in")["input"],
            Json::parse(R"(["Aurora","DocumentDB"])"));
  // The tenants whose stores need it feed the unit; quiet has none.
  EXPECT_TRUE(dev.sources.count("tenants/shop.yaml"));
  EXPECT_TRUE(dev.sources.count("tenants/blog.yaml"));
  EXPECT_FALSE(dev.sources.count("tenants/quiet.yaml"));
  // A bucket is selected by its type whatever the opt-in; a cache is not backed up by AWS
  // Backup at all.
  EXPECT_EQ(ResourceCount(U("qa/platform"), "aws_backup_region_settings"), 0);
  EXPECT_EQ(ResourceCount(U("qa/platform"), "terraform_data"), 0);
  EXPECT_FALSE(U("qa/platform").sources.count("tenants/files.yaml"));
}

}  // namespace
}  // namespace eurus::synth
