#include <gtest/gtest.h>

#include <algorithm>

#include "diag/render.h"
#include "model/build.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// The base org (testing::BaseOrg: dev and prod); tests toggle ci.github_repository.
struct BootstrapTest : ::testing::Test {
  MemoryFileSystem fs;
  SourceMap sources;
  Diagnostics diags;
  std::optional<model::Org> org;
  std::vector<tf::Unit> units;
  Json main, providers;

  void SetUp() override {
    testing::BaseOrg(fs);
  }

  void WithGitHub() { fs.files["eurus.yaml"] += "ci: { github_repository: acme/platform }\n"; }

  void Synth() {
    auto project = config::LoadProject(fs, ".", sources, diags);
    ASSERT_TRUE(project.has_value());
    model::BuildResult r = model::Build(*project, {}, {}, diags);
    ASSERT_TRUE(r.org.has_value()) << RenderAll(diags, sources, DiagFormat::kShort);
    org = std::move(r.org);
    Context ctx(*org, sources, ".");
    AddBootstrap(ctx, units);
    ASSERT_EQ(units.size(), 1u);
    main = Json::parse(units[0].MainJson());
    providers = Json::parse(units[0].ProvidersJson());
  }

  const Json& Resources(const std::string& type) { return main["resource"][type]; }
  Json PolicyOf(const std::string& type, const std::string& name, const char* key = "policy") {
    return Json::parse(main["resource"][type][name][key].get<std::string>());
  }
};

const std::vector<std::string> kAliases = {"management", "common_nonprod", "common_prod", "env_dev",
                                           "env_prod"};
const std::vector<std::string> kAccounts = {"111111111111", "222222222222", "333333333333",
                                            "444444444444", "555555555555"};

// Given an org of five accounts, we should make one hardened state bucket in each.
TEST_F(BootstrapTest, OneHardenedStateBucketPerAccount) {
  Synth();
  EXPECT_EQ(units[0].id(), "management/bootstrap");
  ASSERT_EQ(Resources("aws_s3_bucket").size(), 10u);  // state and its access logs, per account
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const std::string n = "state_" + kAliases[i];
    const std::string bucket = "acme-tfstate-" + kAccounts[i];
    const std::string provider = "aws." + kAliases[i];
    const Json& b = Resources("aws_s3_bucket")[n];
    EXPECT_EQ(b["bucket"], bucket);
    EXPECT_EQ(b["provider"], provider);
    EXPECT_EQ(b["lifecycle"], Json({{"prevent_destroy", true}}));
    EXPECT_FALSE(b.contains("object_lock_enabled"));
    const std::string id = "${aws_s3_bucket." + n + ".id}";

    EXPECT_EQ(Resources("aws_s3_bucket_versioning")[n]["bucket"], id);
    EXPECT_EQ(Resources("aws_s3_bucket_versioning")[n]["versioning_configuration"]["status"],
              "Enabled");

    const Json& sse = Resources("aws_s3_bucket_server_side_encryption_configuration")[n]["rule"][0];
    EXPECT_EQ(sse["apply_server_side_encryption_by_default"]["sse_algorithm"], "aws:kms");
    EXPECT_EQ(sse["apply_server_side_encryption_by_default"]["kms_master_key_id"],
              "${aws_kms_key." + n + ".arn}");
    EXPECT_EQ(sse["bucket_key_enabled"], true);

    const Json& key = Resources("aws_kms_key")[n];
    EXPECT_EQ(key["enable_key_rotation"], true);
    EXPECT_EQ(key["deletion_window_in_days"], 30);
    EXPECT_EQ(key["provider"], provider);
    EXPECT_EQ(Resources("aws_kms_alias")[n]["name"], "alias/acme-tfstate");
    EXPECT_EQ(Resources("aws_kms_alias")[n]["target_key_id"], "${aws_kms_key." + n + ".key_id}");
    Json kp = PolicyOf("aws_kms_key", n);
    EXPECT_EQ(kp["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::" + kAccounts[i] + ":root");
    EXPECT_EQ(kp["Statement"][1]["Principal"]["AWS"],
              "arn:aws:iam::" + kAccounts[i] + ":role/acme-deployer");

    const Json& pab = Resources("aws_s3_bucket_public_access_block")[n];
    for (const char* k : {"block_public_acls", "block_public_policy", "ignore_public_acls",
                          "restrict_public_buckets"})
      EXPECT_EQ(pab[k], true) << k;
    EXPECT_EQ(Resources("aws_s3_bucket_ownership_controls")[n]["rule"]["object_ownership"],
              "BucketOwnerEnforced");

    Json policy = PolicyOf("aws_s3_bucket_policy", n);
    Json tls;  // common accounts' policies start with the observability state grant
    for (const auto& st : policy["Statement"])
      if (st.value("Sid", "") == "DenyInsecureTransport") tls = st;
    EXPECT_EQ(tls["Effect"], "Deny");
    EXPECT_EQ(tls["Action"], "s3:*");
    EXPECT_EQ(tls["Condition"]["Bool"]["aws:SecureTransport"], "false");
    EXPECT_EQ(tls["Resource"], Json({"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"}));

    const Json& rule = Resources("aws_s3_bucket_lifecycle_configuration")[n]["rule"][0];
    EXPECT_EQ(rule["status"], "Enabled");
    EXPECT_EQ(rule["filter"], Json::array({Json::object()}));
    EXPECT_EQ(rule["noncurrent_version_expiration"][0]["noncurrent_days"], 90);
    EXPECT_EQ(rule["abort_incomplete_multipart_upload"][0]["days_after_initiation"], 7);
  }
}

// Given a state bucket, its S3 server access logs should land in a bucket of the same
// account that is hardened like it, that only log delivery for that state bucket may write
// to, and that keeps them a year.
TEST_F(BootstrapTest, StateBucketAccessLogs) {
  Synth();
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const std::string n = "state_" + kAliases[i], ln = "state_logs_" + kAliases[i];
    const std::string bucket = "acme-tfstate-" + kAccounts[i];
    const std::string logs = "acme-tfstate-logs-" + kAccounts[i];
    const std::string provider = "aws." + kAliases[i];

    const Json& logging = Resources("aws_s3_bucket_logging")[n];
    EXPECT_EQ(logging["provider"], provider);
    EXPECT_EQ(logging["bucket"], "${aws_s3_bucket." + n + ".id}");
    EXPECT_EQ(logging["target_bucket"], "${aws_s3_bucket." + ln + ".id}");
    EXPECT_EQ(logging["target_prefix"], bucket + "/");

    const Json& b = Resources("aws_s3_bucket")[ln];
    EXPECT_EQ(b["bucket"], logs);
    EXPECT_EQ(b["provider"], provider);
    EXPECT_EQ(b["lifecycle"], Json({{"prevent_destroy", true}}));
    EXPECT_EQ(Resources("aws_s3_bucket_versioning")[ln]["versioning_configuration"]["status"],
              "Enabled");
    const Json& sse =
        Resources("aws_s3_bucket_server_side_encryption_configuration")[ln]["rule"][0];
    EXPECT_EQ(sse["apply_server_side_encryption_by_default"]["sse_algorithm"], "aws:kms");
    EXPECT_EQ(sse["apply_server_side_encryption_by_default"]["kms_master_key_id"],
              "${aws_kms_key." + n + ".arn}");
    const Json& pab = Resources("aws_s3_bucket_public_access_block")[ln];
    for (const char* k : {"block_public_acls", "block_public_policy", "ignore_public_acls",
                          "restrict_public_buckets"})
      EXPECT_EQ(pab[k], true) << k;
    EXPECT_EQ(Resources("aws_s3_bucket_ownership_controls")[ln]["rule"]["object_ownership"],
              "BucketOwnerEnforced");

    Json policy = PolicyOf("aws_s3_bucket_policy", ln);
    ASSERT_EQ(policy["Statement"].size(), 3u);
    const Json& delivery = policy["Statement"][0];
    EXPECT_EQ(delivery["Effect"], "Allow");
    EXPECT_EQ(delivery["Principal"], Json({{"Service", "logging.s3.amazonaws.com"}}));
    EXPECT_EQ(delivery["Action"], "s3:PutObject");
    if (kAliases[i] == "management") {
      // The management account's log bucket also takes the billing unit's export bucket's logs.
      const std::string cur = "acme-billing-" + kAccounts[i];
      EXPECT_EQ(delivery["Resource"], Json({"arn:aws:s3:::" + logs + "/" + bucket + "/*",
                                            "arn:aws:s3:::" + logs + "/" + cur + "/*"}));
      EXPECT_EQ(delivery["Condition"]["ArnLike"]["aws:SourceArn"],
                Json({"arn:aws:s3:::" + bucket, "arn:aws:s3:::" + cur}));
    } else {
      EXPECT_EQ(delivery["Resource"], "arn:aws:s3:::" + logs + "/" + bucket + "/*");
      EXPECT_EQ(delivery["Condition"]["ArnLike"]["aws:SourceArn"], "arn:aws:s3:::" + bucket);
    }
    EXPECT_EQ(delivery["Condition"]["StringEquals"]["aws:SourceAccount"], kAccounts[i]);
    EXPECT_EQ(policy["Statement"][1]["Sid"], "DenyInsecureTransport");
    EXPECT_EQ(policy["Statement"][2]["Sid"], "DenyOutdatedTls");

    const Json& rules = Resources("aws_s3_bucket_lifecycle_configuration")[ln]["rule"];
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0]["expiration"][0]["days"], 365);
    EXPECT_EQ(rules[1]["expiration"][0]["expired_object_delete_marker"], true);

    // The state key lets log delivery encrypt, for the log bucket's objects only.
    Json kp = PolicyOf("aws_kms_key", n);
    const Json& enc = kp["Statement"][2];
    EXPECT_EQ(enc["Principal"], Json({{"Service", "logging.s3.amazonaws.com"}}));
    EXPECT_EQ(enc["Action"], "kms:GenerateDataKey");
    EXPECT_EQ(enc["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"],
              Json({"arn:aws:s3:::" + logs, "arn:aws:s3:::" + logs + "/*"}));
  }
}

// Given the bootstrap creates the state buckets, its own state should start local, and it
// should reach each account through its own aliased provider.
TEST_F(BootstrapTest, LocalStateAndOneProviderPerAccount) {
  Synth();
  EXPECT_TRUE(providers["terraform"]["backend"].contains("local"));
  EXPECT_FALSE(providers["terraform"]["backend"].contains("s3"));
  EXPECT_EQ(units[0].sources, (std::set<std::string>{"eurus.yaml", "environments/dev.yaml",
                                                     "environments/prod.yaml"}));

  const Json& aws = providers["provider"]["aws"];
  ASSERT_EQ(aws.size(), 6u);  // the default provider + five aliases
  std::map<std::string, Json> by_alias;
  for (const auto& p : aws) by_alias[p.value("alias", "")] = p;
  const std::vector<std::string> envs = {"management", "nonprod", "prod", "dev", "prod"};
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    ASSERT_TRUE(by_alias.count(kAliases[i]));
    const Json& p = by_alias[kAliases[i]];
    EXPECT_EQ(p["region"], "eu-west-1");
    EXPECT_EQ(p["allowed_account_ids"], Json({kAccounts[i]}));
    const Json& tags = p["default_tags"][0]["tags"];
    EXPECT_EQ(tags[tags::kEnvironment], envs[i]);
    EXPECT_EQ(tags[tags::kTenant], "platform");
    EXPECT_EQ(tags[tags::kUnit], "bootstrap");
    EXPECT_EQ(tags[tags::kCostCenter], "platform");
    EXPECT_EQ(tags[tags::kOrg], "acme");
    if (i == 0) {
      EXPECT_FALSE(p.contains("assume_role"));
    } else {
      EXPECT_EQ(p["assume_role"][0]["role_arn"],
                "arn:aws:iam::" + kAccounts[i] + ":role/OrganizationAccountAccessRole");
    }
  }
  // The default provider is the management one without the alias.
  Json fallback = by_alias[""], management = by_alias["management"];
  management.erase("alias");
  EXPECT_EQ(fallback, management);
}

// Given any bootstrap, every resource should name an aliased provider the unit declares.
TEST_F(BootstrapTest, EveryResourceNamesADeclaredAlias) {
  WithGitHub();
  Synth();
  std::set<std::string> declared;
  for (const auto& p : providers["provider"]["aws"])
    if (p.contains("alias")) declared.insert("aws." + p["alias"].get<std::string>());
  size_t n = 0;
  for (const auto& [type, byname] : main["resource"].items())
    for (const auto& [name, body] : byname.items()) {
      ++n;
      ASSERT_TRUE(body.contains("provider")) << type << "." << name;
      EXPECT_TRUE(declared.count(body["provider"].get<std::string>())) << type << "." << name;
      EXPECT_TRUE(body.contains("//")) << type << "." << name;
    }
  EXPECT_EQ(n, units[0].resource_count());
}

// Given blocks per account, each should point at the YAML that named the account.
TEST_F(BootstrapTest, OriginsNameTheAccountsSource) {
  Synth();
  EXPECT_EQ(Resources("aws_s3_bucket")["state_management"]["//"], "eurus.yaml");
  EXPECT_EQ(Resources("aws_s3_bucket")["state_common_nonprod"]["//"], "eurus.yaml:6");
  EXPECT_EQ(Resources("aws_s3_bucket")["state_common_prod"]["//"], "eurus.yaml:7");
  EXPECT_EQ(Resources("aws_iam_role")["deployer_env_dev"]["//"], "environments/dev.yaml:1");
}

const std::vector<bool> kProd = {false, false, true, false, true};

/// Every statement of the trust policy of `role` (deployer_<alias> or planner_<alias>).
Json TrustOf(BootstrapTest& t, const std::string& role) {
  return t.PolicyOf("aws_iam_role", role, "assume_role_policy")["Statement"];
}

// Given administrators and no ci.github_repository, the deployer and the planner of every
// account should trust exactly the named administrators: no root, no OIDC.
TEST_F(BootstrapTest, RolesTrustTheNamedAdministrators) {
  Synth();
  EXPECT_FALSE(main["resource"].contains("aws_iam_openid_connect_provider"));
  ASSERT_EQ(Resources("aws_iam_role").size(), 10u);
  for (size_t i = 0; i < kAliases.size(); ++i)
    for (const char* who : {"deployer_", "planner_"}) {
      const std::string n = who + kAliases[i];
      SCOPED_TRACE(n);
      const Json& role = Resources("aws_iam_role")[n];
      EXPECT_EQ(role["name"], std::string("acme-") + (who[0] == 'd' ? "deployer" : "planner"));
      EXPECT_EQ(role["max_session_duration"], 7200);  // the CI session: tf::kWebIdentityDuration
      Json trust = TrustOf(*this, n);
      ASSERT_EQ(trust.size(), 1u);
      EXPECT_EQ(trust[0]["Principal"]["AWS"], "arn:aws:iam::111111111111:role/platform-admin");
      EXPECT_EQ(trust[0]["Action"], "sts:AssumeRole");
    }
}

// Given ci.github_repository, the planner should trust pull requests and the default branch;
// the deployer the default branch in nonprod, management and common nonprod accounts, and only
// the GitHub environment prod in prod accounts. Nothing admits `repo:O/R:*`.
TEST_F(BootstrapTest, GitHubSubjectsAreExactPerRoleAndAccount) {
  WithGitHub();
  Synth();
  ASSERT_EQ(Resources("aws_iam_openid_connect_provider").size(), 5u);
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const Json& oidc = Resources("aws_iam_openid_connect_provider")["github_" + kAliases[i]];
    EXPECT_EQ(oidc["url"], "https://token.actions.githubusercontent.com");
    EXPECT_EQ(oidc["client_id_list"], Json({"sts.amazonaws.com"}));
    for (const char* who : {"deployer_", "planner_"}) {
      const std::string n = who + kAliases[i];
      EXPECT_EQ(Resources("aws_iam_role")[n]["depends_on"],
                Json({"aws_iam_openid_connect_provider.github_" + kAliases[i]}));
      Json trust = TrustOf(*this, n);
      ASSERT_EQ(trust.size(), 2u);
      const Json& gh = trust[1];
      EXPECT_EQ(gh["Principal"]["Federated"],
                "arn:aws:iam::" + kAccounts[i] + ":oidc-provider/token.actions.githubusercontent.com");
      EXPECT_EQ(gh["Action"], "sts:AssumeRoleWithWebIdentity");
      EXPECT_FALSE(gh["Condition"].contains("StringLike"));
      const Json& eq = gh["Condition"]["StringEquals"];
      EXPECT_EQ(eq["token.actions.githubusercontent.com:aud"], "sts.amazonaws.com");
      const Json& sub = eq["token.actions.githubusercontent.com:sub"];
      if (who[0] == 'p') {
        EXPECT_EQ(sub, Json({"repo:acme/platform:pull_request", "repo:acme/platform:ref:refs/heads/main"}));
      } else if (kProd[i]) {
        EXPECT_EQ(sub, "repo:acme/platform:environment:prod");
      } else {
        EXPECT_EQ(sub, "repo:acme/platform:ref:refs/heads/main");
      }
    }
  }
}

// Given any trust policy of the unit, none should name an account root or a wildcard subject.
TEST_F(BootstrapTest, NoTrustAdmitsARootOrAWildcard) {
  fs.files["eurus.yaml"] += "ci: { github_repository: acme/platform, default_branch: trunk }\n";
  Synth();
  size_t n = 0;
  for (const auto& [name, role] : Resources("aws_iam_role").items()) {
    std::string text = role["assume_role_policy"];
    ++n;
    EXPECT_EQ(text.find(":root"), std::string::npos) << name;
    EXPECT_EQ(text.find('*'), std::string::npos) << name;
    EXPECT_EQ(text.find("refs/heads/main"), std::string::npos) << name;  // default_branch: trunk
  }
  EXPECT_EQ(n, 10u);
}

/// The statements of the policy attached inline as `type`.`name`.
Json StatementsOf(BootstrapTest& t, const std::string& name) {
  return t.PolicyOf("aws_iam_role_policy", name)["Statement"];
}

const Json* Sid(const Json& statements, const std::string& sid) {
  for (const auto& s : statements)
    if (s.value("Sid", "") == sid) return &s;
  return nullptr;
}

// Given the planner, it should read what ReadOnlyAccess reads, write only lock files in the
// state bucket, use only the state key, and never read data: no object contents outside the
// state bucket, no secret values, no decryption with another key.
TEST_F(BootstrapTest, PlannerReadsStateAndConfigurationOnly) {
  Synth();
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const std::string bucket = "arn:aws:s3:::acme-tfstate-" + kAccounts[i];
    EXPECT_EQ(Resources("aws_iam_role_policy_attachment")["planner_read_only_" + kAliases[i]]["policy_arn"],
              "arn:aws:iam::aws:policy/ReadOnlyAccess");
    // ReadOnlyAccess is the planner's only attachment; its one inline policy is this.
    size_t attachments = 0;
    for (const auto& [name, a] : Resources("aws_iam_role_policy_attachment").items())
      if (a["role"] == "${aws_iam_role.planner_" + kAliases[i] + ".name}") ++attachments;
    EXPECT_EQ(attachments, 1u);
    Json st = StatementsOf(*this, "planner_state_" + kAliases[i]);
    const std::string key = "${aws_kms_key.state_" + kAliases[i] + ".arn}";
    // Environments read their realm's observability state too (ObservabilityStateIsReadable).
    const bool env = kAliases[i].rfind("env_", 0) == 0;
    const std::string common = kAliases[i] == "env_prod" ? "common_prod" : "common_nonprod";
    const std::string common_account = kAliases[i] == "env_prod" ? "333333333333" : "222222222222";
    const std::string foreign_object = "arn:aws:s3:::acme-tfstate-" + common_account + "/observability/terraform.tfstate";
    const std::string foreign_key = "${aws_kms_key.state_" + common + ".arn}";
    for (const auto& s : st) {
      if (s["Effect"] != "Allow") continue;
      if (s.value("Sid", "") == "ReadRealmObservabilityState" || s.value("Sid", "") == "DecryptRealmObservabilityState") {
        EXPECT_TRUE(env);
        EXPECT_EQ(s["Resource"], s["Sid"] == "ReadRealmObservabilityState" ? foreign_object : foreign_key);
        EXPECT_EQ(s["Action"], s["Sid"] == "ReadRealmObservabilityState" ? "s3:GetObject" : "kms:Decrypt");
        continue;
      }
      for (const auto& action : s["Action"]) {
        std::string a = action;
        if (a == "s3:PutObject" || a == "s3:DeleteObject") {
          EXPECT_EQ(s["Resource"], bucket + "/*.tflock");
        } else if (a.rfind("s3:", 0) == 0) {
          EXPECT_EQ(s["Resource"], Json({bucket, bucket + "/*"}));
        } else {
          EXPECT_EQ(s["Resource"], key) << a;
        }
      }
    }
    const Json* objects = Sid(st, "NoObjectContentsOutsideState");
    ASSERT_NE(objects, nullptr);
    EXPECT_EQ((*objects)["Effect"], "Deny");
    EXPECT_EQ((*objects)["NotResource"], env ? Json({bucket + "/*", foreign_object}) : Json(bucket + "/*"));
    const Json* decrypt = Sid(st, "NoDecryptionOutsideState");
    ASSERT_NE(decrypt, nullptr);
    EXPECT_EQ((*decrypt)["NotResource"], env ? Json({key, foreign_key}) : Json(key));
    const Json* secrets = Sid(st, "NoSecretsOrRecords");
    ASSERT_NE(secrets, nullptr);
    EXPECT_NE(std::find((*secrets)["Action"].begin(), (*secrets)["Action"].end(), "secretsmanager:GetSecretValue"),
              (*secrets)["Action"].end());
  }
  // No inline policy of the planner but that one.
  for (const auto& [name, p] : Resources("aws_iam_role_policy").items())
    if (p["role"].get<std::string>().find("planner_") != std::string::npos) {
      EXPECT_EQ(name.rfind("planner_state_", 0), 0u) << name;
    }
}

// Given the deployer, it should not be able to make itself (or anything) admin: no
// PowerUserAccess, roles only with the boundary, listed managed policies only, PassRole to
// listed services only, the boundary and the deploy identities out of reach.
TEST_F(BootstrapTest, DeployerCannotEscalate) {
  Synth();
  for (const auto& [name, a] : Resources("aws_iam_role_policy_attachment").items())
    EXPECT_NE(a["policy_arn"], "arn:aws:iam::aws:policy/PowerUserAccess") << name;
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const std::string boundary = "arn:aws:iam::" + kAccounts[i] + ":policy/acme-boundary";
    EXPECT_EQ(Resources("aws_iam_policy")["boundary_" + kAliases[i]]["name"], "acme-boundary");
    Json iam = StatementsOf(*this, "deployer_iam_" + kAliases[i]);
    for (const auto& s : iam) {
      if (s["Effect"] != "Allow") continue;
      Json actions = s["Action"].is_array() ? s["Action"] : Json::array({s["Action"]});
      for (const auto& action : actions) {
        std::string a = action;
        if (a == "iam:CreateRole" || a == "iam:PutRolePolicy" || a == "iam:AttachRolePolicy" ||
            a == "iam:PutRolePermissionsBoundary") {
          EXPECT_EQ(s["Condition"]["StringEquals"]["iam:PermissionsBoundary"], boundary) << a;
        }
        if (a == "iam:AttachRolePolicy") {
          for (const auto& arn : s["Condition"]["ArnEquals"]["iam:PolicyARN"])
            EXPECT_EQ(arn.get<std::string>().find("AdministratorAccess"), std::string::npos);
        }
        if (a == "iam:PassRole") {
          EXPECT_TRUE(s["Condition"]["StringEquals"].contains("iam:PassedToService"));
        }
        EXPECT_NE(a, "iam:DeleteRolePermissionsBoundary");
        EXPECT_NE(a, "iam:CreatePolicyVersion");
        EXPECT_NE(a, "sts:AssumeRole");
      }
    }
    const Json* keep = Sid(iam, "KeepDeployIdentities");
    ASSERT_NE(keep, nullptr);
    EXPECT_EQ((*keep)["Resource"], Json({"arn:aws:iam::" + kAccounts[i] + ":role/acme-deployer",
                                         "arn:aws:iam::" + kAccounts[i] + ":role/acme-planner"}));
    ASSERT_NE(Sid(iam, "KeepBoundaries"), nullptr);
    // The state, its key and its access logs are out of the deployer's reach.
    const Json* buckets = Sid(iam, "KeepStateBuckets");
    ASSERT_NE(buckets, nullptr);
    EXPECT_EQ((*buckets)["Resource"][0], "arn:aws:s3:::acme-tfstate-" + kAccounts[i]);
    const Json* key = Sid(iam, "KeepStateKey");
    ASSERT_NE(key, nullptr);
    EXPECT_EQ((*key)["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"], "alias/acme-tfstate");
    // A role the deployer makes cannot leave the account or reach Identity Center.
    Json bounds = PolicyOf("aws_iam_policy", "boundary_" + kAliases[i])["Statement"];
    const Json* out = Sid(bounds, "NoOtherAccounts");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ((*out)["Condition"]["StringNotEquals"]["aws:ResourceAccount"], "$${aws:PrincipalAccount}");
    const Json* sso = Sid(bounds, "NoIdentityCenterOrAuditChanges");
    ASSERT_NE(sso, nullptr);
    EXPECT_NE(std::find((*sso)["Action"].begin(), (*sso)["Action"].end(), "sso:*"), (*sso)["Action"].end());
    EXPECT_EQ((*Sid(iam, "KeepTheBoundaryPolicy"))["Resource"], boundary);
    // The services: each a whole service the platform uses, never IAM, STS or Organizations.
    Json services = StatementsOf(*this, "deployer_services_" + kAliases[i]);
    ASSERT_EQ(services.size(), 1u);
    for (const auto& action : services[0]["Action"]) {
      std::string a = action;
      EXPECT_NE(a.rfind("iam:", 0), 0u) << a;
      EXPECT_NE(a.rfind("sts:", 0), 0u) << a;
      EXPECT_NE(a, "organizations:*");
    }
  }
}

bool IsStar(const Json& v) {
  if (v.is_string()) return v == "*";
  if (v.is_array())
    for (const auto& x : v)
      if (x == "*") return true;
  return false;
}

// Given every policy document in the unit, none should allow Action "*" on Resource "*";
// only the boundary allows by NotAction, and never IAM, Organizations or Account.
TEST_F(BootstrapTest, NoPolicyAllowsEverythingOnEverything) {
  WithGitHub();
  Synth();
  size_t documents = 0;
  for (const auto& [type, byname] : main["resource"].items())
    for (const auto& [name, body] : byname.items())
      for (const char* key : {"policy", "assume_role_policy"}) {
        if (!body.contains(key)) continue;
        ++documents;
        Json doc = Json::parse(body[key].get<std::string>());
        EXPECT_EQ(doc["Version"], "2012-10-17");
        for (const auto& s : doc["Statement"]) {
          if (s["Effect"] != "Allow") continue;
          if (s.contains("NotAction")) {
            EXPECT_EQ(type, "aws_iam_policy") << name;
            EXPECT_EQ(s["NotAction"], Json({"account:*", "iam:*", "organizations:*"})) << name;
          }
          EXPECT_FALSE(IsStar(s.value("Action", Json())) && IsStar(s.value("Resource", Json())))
              << type << "." << name << ": " << s.dump();
        }
      }
  // Per account: key policy, two bucket policies, two trust policies, the deployer's two
  // inline policies, the planner's, the boundary.
  EXPECT_EQ(documents, 5u * 9u);
}

// Given the account list, the unit should output bucket names and role ARNs per alias.
TEST_F(BootstrapTest, OutputsPerAccount) {
  Synth();
  EXPECT_EQ(main["output"]["state_buckets"]["value"]["env_dev"],
            "${aws_s3_bucket.state_env_dev.bucket}");
  EXPECT_EQ(main["output"]["deployer_role_arns"]["value"]["management"],
            "${aws_iam_role.deployer_management.arn}");
  EXPECT_EQ(main["output"]["deployer_role_arns"]["value"].size(), 5u);
  EXPECT_EQ(main["output"]["planner_role_arns"]["value"]["env_prod"], "${aws_iam_role.planner_env_prod.arn}");
}

// Given the realms' environments, each common account's state bucket should let exactly its
// environments' deployer and planner get exactly the observability state object, and its
// state key decrypt for them through S3 only; no other account's bucket grants anything.
TEST_F(BootstrapTest, ObservabilityStateIsReadableByTheRealmsEnvironmentsOnly) {
  Synth();
  const std::string grant = "RealmEnvironmentsReadObservabilityState";
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const bool common = kAliases[i].rfind("common_", 0) == 0;
    Json bucket = PolicyOf("aws_s3_bucket_policy", "state_" + kAliases[i])["Statement"];
    Json key = PolicyOf("aws_kms_key", "state_" + kAliases[i])["Statement"];
    const Json* b = Sid(bucket, grant);
    const Json* k = Sid(key, grant);
    if (!common) {
      EXPECT_EQ(b, nullptr);
      EXPECT_EQ(k, nullptr);
      continue;
    }
    const std::string env = kAliases[i] == "common_prod" ? "555555555555" : "444444444444";
    const Json roles = {"arn:aws:iam::" + env + ":role/acme-deployer", "arn:aws:iam::" + env + ":role/acme-planner"};
    ASSERT_NE(b, nullptr);
    EXPECT_EQ((*b)["Principal"], Json({{"AWS", roles}}));
    EXPECT_EQ((*b)["Action"], "s3:GetObject");
    EXPECT_EQ((*b)["Resource"], "arn:aws:s3:::acme-tfstate-" + kAccounts[i] + "/observability/terraform.tfstate");
    EXPECT_FALSE(b->contains("Condition"));
    ASSERT_NE(k, nullptr);
    EXPECT_EQ((*k)["Principal"], Json({{"AWS", roles}}));
    EXPECT_EQ((*k)["Action"], "kms:Decrypt");
    EXPECT_EQ((*k)["Condition"], Json({{"StringEquals", {{"kms:ViaService", "s3.eu-west-1.amazonaws.com"}}}}));
    // Both name roles the same unit creates: they wait for them.
    const std::string alias = kAliases[i] == "common_prod" ? "env_prod" : "env_dev";
    for (const char* type : {"aws_s3_bucket_policy", "aws_kms_key"}) {
      const Json& deps = Resources(type)["state_" + kAliases[i]]["depends_on"];
      EXPECT_NE(std::find(deps.begin(), deps.end(), "aws_iam_role.planner_" + alias), deps.end()) << type;
      EXPECT_NE(std::find(deps.begin(), deps.end(), "aws_iam_role.deployer_" + alias), deps.end()) << type;
    }
  }
}

}  // namespace
}  // namespace eurus::synth
