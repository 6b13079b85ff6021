#include <gtest/gtest.h>

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
    const Json& tls = policy["Statement"][0];
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
    EXPECT_EQ(delivery["Resource"], "arn:aws:s3:::" + logs + "/" + bucket + "/*");
    EXPECT_EQ(delivery["Condition"]["ArnLike"]["aws:SourceArn"], "arn:aws:s3:::" + bucket);
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

// Given no ci.github_repository, the deployer should trust the management account only.
TEST_F(BootstrapTest, DeployerTrustsManagementOnly) {
  Synth();
  EXPECT_FALSE(main["resource"].contains("aws_iam_openid_connect_provider"));
  ASSERT_EQ(Resources("aws_iam_role").size(), 5u);
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const std::string n = "deployer_" + kAliases[i];
    const Json& role = Resources("aws_iam_role")[n];
    EXPECT_EQ(role["name"], "acme-deployer");
    EXPECT_EQ(role["max_session_duration"], 3600);
    Json trust = PolicyOf("aws_iam_role", n, "assume_role_policy");
    ASSERT_EQ(trust["Statement"].size(), 1u);
    EXPECT_EQ(trust["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::111111111111:root");
    EXPECT_EQ(trust["Statement"][0]["Action"], "sts:AssumeRole");
    EXPECT_EQ(
        Resources(
            "aws_iam_role_policy_attachment")["deployer_power_user_" + kAliases[i]]["policy_arn"],
        "arn:aws:iam::aws:policy/PowerUserAccess");
    Json iam = PolicyOf("aws_iam_role_policy", "deployer_iam_" + kAliases[i]);
    bool pass_role = false;
    for (const auto& s : iam["Statement"])
      if (s["Effect"] == "Allow" && s["Action"] == "iam:PassRole") {
        pass_role = true;
        EXPECT_EQ(s["Resource"], "arn:aws:iam::" + kAccounts[i] + ":role/acme-*");
      }
    EXPECT_TRUE(pass_role);
    const Json& last = iam["Statement"].back();
    EXPECT_EQ(last["Effect"], "Deny");
    EXPECT_EQ(last["Action"], "sts:AssumeRole");
    EXPECT_EQ(last["Resource"], "arn:aws:iam::*:role/OrganizationAccountAccessRole");
  }
}

// Given ci.github_repository, each account should get GitHub's OIDC provider, and the
// deployer should trust that repository's workflows through it.
TEST_F(BootstrapTest, DeployerTrustsGitHubRepository) {
  WithGitHub();
  Synth();
  ASSERT_EQ(Resources("aws_iam_openid_connect_provider").size(), 5u);
  for (size_t i = 0; i < kAliases.size(); ++i) {
    SCOPED_TRACE(kAliases[i]);
    const Json& oidc = Resources("aws_iam_openid_connect_provider")["github_" + kAliases[i]];
    EXPECT_EQ(oidc["url"], "https://token.actions.githubusercontent.com");
    EXPECT_EQ(oidc["client_id_list"], Json({"sts.amazonaws.com"}));
    const std::string n = "deployer_" + kAliases[i];
    EXPECT_EQ(Resources("aws_iam_role")[n]["depends_on"],
              Json({"aws_iam_openid_connect_provider.github_" + kAliases[i]}));
    Json trust = PolicyOf("aws_iam_role", n, "assume_role_policy");
    ASSERT_EQ(trust["Statement"].size(), 2u);
    const Json& gh = trust["Statement"][1];
    EXPECT_EQ(
        gh["Principal"]["Federated"],
        "arn:aws:iam::" + kAccounts[i] + ":oidc-provider/token.actions.githubusercontent.com");
    EXPECT_EQ(gh["Action"], "sts:AssumeRoleWithWebIdentity");
    EXPECT_EQ(gh["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"],
              "sts.amazonaws.com");
    EXPECT_EQ(gh["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"],
              "repo:acme/platform:*");
  }
}

bool IsStar(const Json& v) {
  if (v.is_string()) return v == "*";
  if (v.is_array())
    for (const auto& x : v)
      if (x == "*") return true;
  return false;
}

// Given every policy document in the unit, none should allow Action "*" on Resource "*".
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
          EXPECT_FALSE(s.contains("NotAction")) << type << "." << name;
          EXPECT_FALSE(IsStar(s.value("Action", Json())) && IsStar(s.value("Resource", Json())))
              << type << "." << name << ": " << s.dump();
        }
      }
  // Per account: key policy, two bucket policies, trust policy, deployer inline policy.
  EXPECT_EQ(documents, 5u * 5u);
}

// Given the account list, the unit should output bucket names and role ARNs per alias.
TEST_F(BootstrapTest, OutputsPerAccount) {
  Synth();
  EXPECT_EQ(main["output"]["state_buckets"]["value"]["env_dev"],
            "${aws_s3_bucket.state_env_dev.bucket}");
  EXPECT_EQ(main["output"]["deployer_role_arns"]["value"]["management"],
            "${aws_iam_role.deployer_management.arn}");
  EXPECT_EQ(main["output"]["deployer_role_arns"]["value"].size(), 5u);
}

}  // namespace
}  // namespace eurus::synth
