// <env>/platform: what the tenants of an environment share above the network. Always: the
// environment's customer-managed KMS key, its alarm topic, the S3 access-log bucket, the AWS
// Backup vault, role and plans that back up the tenants' data stores (copied to the realm's
// central vault), and the RDS enhanced monitoring role. With `domain`: the public zone
// <env>.<domain>. Once a tenant routes an app in the environment: the shared internal ALB
// and what serves it (platform_alb.cc), and the environment's dashboard with its tenant
// selector (platform_dashboard.cc). Then the edge ingress
// (ingress.cc). Tenant units read the outputs named in contract.h. See docs/Platform.md and
// docs/DisasterRecovery.md.

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/naming.h"
#include "synth/apex_zone.h"
#include "synth/backup.h"
#include "synth/contract.h"
#include "synth/platform.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;


/// The service principal that writes S3 server access logs.
constexpr char kS3LogDelivery[] = "logging.s3.amazonaws.com";

Json NameTag(const std::string& name) { return {{"Name", name}}; }

/// The environment key's policy: the account administers it (IAM policies decide who uses
/// it); the services that encrypt with it on the account's behalf may, each only for its
/// own use.
std::string KeyPolicy(const model::Org& org, const model::Environment& env,
                      const std::string& access_logs_bucket) {
  const std::string& account = env.account;
  const std::string& region = org.region;
  const std::string& common = org.realm(env.realm).common_account;
  auto via = [&](const char* service) {
    return fmt::format("{}.{}.amazonaws.com", service, region);
  };
  const std::string access_logs_arn = "arn:aws:s3:::" + access_logs_bucket;
  const Json fargate_context = {{"kms:EncryptionContext:aws:ecs:clusterAccount", account}};
  // The default key policy (without it nobody could ever change the key again), and what
  // the key is for: principals of the account, through these services only.
  Json statements = KeyAccountStatements(account, region,
                                         {"backup", "ecs", "elasticache", "rds", "s3", "secretsmanager", "sns"},
                                         "AccountUsesKeyThroughServices");
  for (Json& st : Json::array({
      // Log groups of this account (tenant apps, platform) encrypt with it.
      {{"Sid", "CloudWatchLogsEncrypts"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", via("logs")}}},
       {"Action",
        {"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*",
         "kms:ReEncrypt*"}},
       {"Resource", "*"},
       {"Condition",
        {{"ArnLike",
          {{"kms:EncryptionContext:aws:logs:arn",
            fmt::format("arn:aws:logs:{}:{}:log-group:*", region, account)}}}}}},
      // CloudWatch alarms publish to the encrypted alarm topics (SNS asks the publisher for
      // the data key).
      {{"Sid", "CloudWatchAlarmsPublishEncrypted"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "cloudwatch.amazonaws.com"}}},
       {"Action", {"kms:Decrypt", "kms:GenerateDataKey*"}},
       {"Resource", "*"}},
      // Fargate ephemeral storage of this account's clusters (ECS managed storage).
      {{"Sid", "FargateEphemeralStorageDataKeys"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "fargate.amazonaws.com"}}},
       {"Action", "kms:GenerateDataKeyWithoutPlaintext"},
       {"Resource", "*"},
       {"Condition", {{"StringEquals", fargate_context}}}},
      {{"Sid", "FargateEphemeralStorageGrants"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "fargate.amazonaws.com"}}},
       {"Action", "kms:CreateGrant"},
       {"Resource", "*"},
       {"Condition",
        {{"StringEquals", fargate_context},
         {"ForAllValues:StringEquals", {{"kms:GrantOperations", {"Decrypt"}}}}}}},
      // The realm's central backup vault copies this environment's Aurora and DocumentDB
      // snapshots, which stay encrypted with this key until copied (AWS Backup developer
      // guide, "Creating backup copies across AWS accounts"): its account may use the key,
      // and let AWS services hold grants on it, nothing else.
      {{"Sid", "CentralBackupVaultCopies"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(common)}}},
       {"Action",
        {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
         "kms:ReEncrypt*"}},
       {"Resource", "*"}},
      {{"Sid", "CentralBackupVaultGrants"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(common)}}},
       {"Action", {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}},
       {"Resource", "*"},
       {"Condition", {{"Bool", {{"kms:GrantIsForAWSResource", true}}}}}},
      // S3 server access logs land SSE-KMS-encrypted in the access-log bucket only.
      {{"Sid", "AccessLogDeliveryEncrypts"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", kS3LogDelivery}}},
       {"Action", "kms:GenerateDataKey"},
       {"Resource", "*"},
       {"Condition",
        {{"StringLike",
          {{"kms:EncryptionContext:aws:s3:arn", {access_logs_arn, access_logs_arn + "/*"}}}}}}},
       }))
    statements.push_back(std::move(st));
  return Policy(std::move(statements));
}

/// The bucket that keeps the S3 server access logs of the environment's buckets: the ALB's
/// log bucket and the tenants' data buckets (data.cc), each under the prefix "<bucket>/".
/// Always there, so a tenant's first bucket never changes this unit. Returns the bucket and
/// its policy (log delivery checks that it may write).
std::pair<tf::Ref, tf::Ref> AddAccessLogBucket(const PlatformScope& w, const tf::Ref& key) {
  const model::Org& org = w.org;
  const model::Environment& env = w.env;
  const std::string access_logs = naming::AccessLogsBucket(org.name, env.name, env.account).value;
  // Every bucket eurus names in this account starts with "<org>-" (model/naming.h).
  Json delivery_writes = {
      {"Sid", "S3AccessLogDelivery"},
      {"Effect", "Allow"},
      {"Principal", {{"Service", kS3LogDelivery}}},
      {"Action", "s3:PutObject"},
      {"Resource", fmt::format("arn:aws:s3:::{}/*", access_logs)},
      {"Condition",
       {{"ArnLike", {{"aws:SourceArn", fmt::format("arn:aws:s3:::{}-*", org.name)}}},
        {"StringEquals", {{"aws:SourceAccount", env.account}}}}}};
  return AddLogBucket(w.u, "access_logs", access_logs,
                      {{"apply_server_side_encryption_by_default",
                        {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}},
                       {"bucket_key_enabled", true}},
                      Json::array({std::move(delivery_writes)}), env.log_retention_days, w.protect,
                      w.o);
}

/// The role AWS Backup assumes, with the AWS managed policies made for it (scoped to what
/// backups and restores of each service need, and to resources AWS Backup may touch).
tf::Ref AddBackupRole(const PlatformScope& w) {
  const std::string role_name = naming::BackupRole(w.org.name).value;
  tf::Ref role =
      w.u.Resource("aws_iam_role", "backup",
                   {{"name", role_name},
                    {"description", fmt::format(
                                        "AWS Backup backs up and restores the data stores of {}",
                                        w.env.name)},
                    {"assume_role_policy",
                     Policy(Json::array({{{"Effect", "Allow"},
                                          {"Principal", {{"Service", "backup.amazonaws.com"}}},
                                          {"Action", "sts:AssumeRole"}}}))},
                    {"tags", NameTag(role_name)}},
                   w.o);
  for (const auto& [block, arn] :
       {std::pair<const char*, const char*>{
            "backup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
        {"backup_restores",
         "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"},
        {"backup_s3", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"},
        {"backup_s3_restores", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"}})
    w.u.Resource("aws_iam_role_policy_attachment", block,
                 {{"role", role["name"]}, {"policy_arn", arn}}, w.o);
  return role;
}

/// RDS enhanced monitoring (OS metrics of the tenants' Aurora instances, every minute,
/// data.cc) publishes through this role.
void AddRdsMonitoringRole(const PlatformScope& w) {
  const std::string monitoring_name = naming::RdsMonitoringRole(w.org.name).value;
  tf::Ref monitoring = w.u.Resource(
      "aws_iam_role", "rds_monitoring",
      {{"name", monitoring_name},
       {"description",
        fmt::format("RDS enhanced monitoring of the Aurora instances of {}", w.env.name)},
       {"assume_role_policy",
        Policy(Json::array(
            {{{"Effect", "Allow"},
              {"Principal", {{"Service", "monitoring.rds.amazonaws.com"}}},
              {"Action", "sts:AssumeRole"},
              {"Condition", {{"StringEquals", {{"aws:SourceAccount", w.env.account}}}}}}}))},
       {"tags", NameTag(monitoring_name)}},
      w.o);
  w.u.Resource(
      "aws_iam_role_policy_attachment", "rds_monitoring",
      {{"role", monitoring["name"]},
       {"policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}},
      w.o);
}

/// AWS Backup in the environment (docs/DisasterRecovery.md): the vault (environment key), the
/// role AWS Backup assumes, and two plans selecting data stores by type and their
/// tags::kBackup tag (contract.h, backup.h): snapshots every rpo_hours for Aurora and
/// DocumentDB, continuous backup (point-in-time restore) for versioned buckets. Both copy
/// every rpo_hours to the realm's central vault (backup.cc), so a lost account loses at most
/// rpo_hours of data.
void AddBackups(const PlatformScope& w, const tf::Ref& key) {
  const model::Org& org = w.org;
  const model::Environment& env = w.env;
  const std::string vault_name = naming::BackupVault(org.name, env.name);
  Json vault_body = {
      {"name", vault_name}, {"kms_key_arn", key["arn"]}, {"tags", NameTag(vault_name)}};
  if (w.protect) vault_body["lifecycle"] = {{"prevent_destroy", true}};
  // Its recovery points go with an unprotected nonprod environment; in prod they stay until
  // their retention ends (a destroy stops while the vault holds any).
  if (!w.retain) vault_body["force_destroy"] = true;
  tf::Ref vault = w.u.Resource("aws_backup_vault", "main", std::move(vault_body), w.o);
  const tf::Ref role = AddBackupRole(w);

  // Every rpo_hours hours from midnight UTC: the longest gap is rpo_hours (the model keeps it
  // within 1-24; AWS Backup runs jobs at least an hour apart).
  const std::string schedule = fmt::format("cron(0 */{} * * ? *)", env.rpo_hours);
  const int days = backup::RetentionDays(env.realm);
  const Json copy =
      Json::array({{{"destination_vault_arn", backup::CentralVaultArn(org, env.realm)},
                    {"lifecycle", {{"delete_after", days}}}}});
  auto rule = [&](const std::string& name, bool continuous) {
    Json r = {{"rule_name", name},
              {"target_vault_name", vault["name"]},
              {"schedule", schedule},
              {"start_window", 60},
              // Done before the next run where it can be (AWS Backup needs start + 60 min).
              {"completion_window", std::clamp(env.rpo_hours * 60, 120, 180)},
              {"lifecycle", {{"delete_after", days}}},
              {"copy_action", copy}};
    if (continuous) r["enable_continuous_backup"] = true;
    return r;
  };
  const struct {
    const char* block;
    backup::Plan kind;
    std::string plan;
    Json rule;
  } plans[] = {
      {"snapshots", backup::Plan::kSnapshots, backup::SnapshotPlan(org.name, env.name),
       rule(fmt::format("every-{}h", env.rpo_hours), false)},
      {"continuous", backup::Plan::kContinuous, backup::ContinuousPlan(org.name, env.name),
       rule("continuous", true)},
  };
  for (const auto& p : plans) {
    tf::Ref plan = w.u.Resource(
        "aws_backup_plan", p.block,
        {{"name", p.plan}, {"rule", Json::array({p.rule})}, {"tags", NameTag(p.plan)}}, w.o);
    // By resource type and tag, so that the Region's opt-in cannot silently drop a type
    // (backup.cc); the types that need the opt-in whatever the selection get it there.
    Json selection = backup::Selection(p.kind, p.plan);
    selection.update({{"name", p.plan}, {"plan_id", plan["id"]}, {"iam_role_arn", role["arn"]}});
    w.u.Resource("aws_backup_selection", p.block, std::move(selection), w.o);
  }
  backup::AddOptIn(w.ctx, env, w.u, w.o);
  // Copies need the central vault; eurus applies it first.
  w.u.dependencies.insert(CommonDir(env.realm) + "/" + kBackupUnit);
}

/// The environment's key: logs, secrets, the alarm topic, data stores of its tenants. Where
/// the environment is protected, it may not be destroyed (its data would become unreadable).
tf::Ref AddKey(const PlatformScope& w) {
  const model::Org& org = w.org;
  const std::string access_logs =
      naming::AccessLogsBucket(org.name, w.env.name, w.env.account).value;
  Json key_body = {{"description", fmt::format("{}: logs, secrets, topics and data", w.base)},
                   {"enable_key_rotation", true},
                   {"deletion_window_in_days", 30},
                   {"policy", KeyPolicy(org, w.env, access_logs)},
                   {"tags", NameTag(w.base)}};
  // The key decrypts the final snapshots and recovery points that outlive the stores.
  if (w.retain) key_body["lifecycle"] = {{"prevent_destroy", true}};
  tf::Ref key = w.u.Resource("aws_kms_key", "platform", std::move(key_body), w.o);
  w.u.Resource(
      "aws_kms_alias", "platform",
      {{"name", EnvironmentKeyAlias(org.name, w.env.name)}, {"target_key_id", key["key_id"]}},
      w.o);
  return key;
}

/// The alarm topic, encrypted with the key; the org's alert addresses subscribe to it.
tf::Ref AddAlarmTopic(const PlatformScope& w, const tf::Ref& key) {
  const model::Org& org = w.org;
  const std::string topic_name = w.base + "-alarms";
  const std::string topic_arn =
      fmt::format("arn:aws:sns:{}:{}:{}", org.region, w.env.account, topic_name);
  tf::Ref topic = w.u.Resource("aws_sns_topic", "alarms",
                               {{"name", topic_name},
                                {"display_name", fmt::format("{} alarms", w.base)},
                                {"kms_master_key_id", key["arn"]},
                                {"tags", NameTag(topic_name)}},
                               w.o);
  w.u.Resource("aws_sns_topic_policy", "alarms",
               {{"arn", topic["arn"]}, {"policy", AlarmTopicPolicy(org.region, w.env.account, topic_arn)}}, w.o);
  AddEmailSubscriptions(w.u, topic, org.alert_emails, w.o);
  return topic;
}

/// The public zone of the environment (with `domain`), allowing only Amazon's CA to issue
/// under it. Where the environment is protected, it may not be destroyed (new name servers
/// would break the parent's delegation).
std::optional<tf::Ref> AddZone(const PlatformScope& w) {
  const std::string& zone_name = w.env.zone;
  if (zone_name.empty()) return std::nullopt;
  Json zone_body = {
      {"name", zone_name},
      {"comment", fmt::format("environment {} of {} (eurus)", w.env.name, w.org.name)},
      {"tags", NameTag(zone_name)}};
  // A new zone has new name servers: the parent's delegation would break.
  if (w.retain) zone_body["lifecycle"] = {{"prevent_destroy", true}};
  tf::Ref zone = w.u.Resource("aws_route53_zone", "env", std::move(zone_body), w.o);
  w.u.Resource("aws_route53_record", "caa",
               {{"zone_id", zone["zone_id"]},
                {"name", zone_name},
                {"type", "CAA"},
                {"ttl", 3600},
                {"records", {"0 issue \"amazon.com\"", "0 issuewild \"amazon.com\""}}},
               w.o);
  return zone;
}

/// Outputs: contract.h names the ones tenant units read; those of the ALB are null in an
/// environment without routed apps (no tenant unit reads them there).
void AddOutputs(const PlatformScope& w, const tf::Ref& key, const tf::Ref& topic,
                const std::optional<tf::Ref>& zone, const SharedAlb& shared) {
  tf::Unit& u = w.u;
  const std::optional<tf::Ref>& alb = shared.alb;
  auto maybe = [](const std::optional<tf::Ref>& r, const char* attr) {
    return r ? Json((*r)[attr]) : Json();
  };
  u.Output(platform_out::kKmsKeyArn, key["arn"], "the environment's customer-managed KMS key");
  u.Output(platform_out::kAlarmTopicArn, topic["arn"],
           "SNS topic (KMS) of the environment's alarms");
  u.Output(
      platform_out::kAlbSecurityGroupId, maybe(shared.sg, "id"),
      "security group of the shared ALB (also before the ALB exists); tenant app groups reach "
      "and admit it");
  u.Output(platform_out::kListenerArn, maybe(shared.https, "arn"),
           "HTTPS listener of the shared ALB; tenant listener rules attach here (null without "
           "routed apps)");
  u.Output(platform_out::kAlbArnSuffix, maybe(alb, "arn_suffix"),
           "CloudWatch LoadBalancer dimension of the shared ALB (null without routed apps)");
  u.Output("alb_arn", maybe(alb, "arn"), "ARN of the shared ALB (null without routed apps)");
  u.Output("alb_dns_name", maybe(alb, "dns_name"),
           "DNS name of the shared ALB, for alias records (null without routed apps)");
  u.Output("alb_zone_id", maybe(alb, "zone_id"),
           "hosted zone id of the shared ALB, for alias records (null without routed apps)");
  u.Output("zone_id", maybe(zone, "zone_id"),
           "the environment's public hosted zone <env>.<domain> (null without domain)");
  u.Output("zone_name", zone ? Json(w.env.zone) : Json(), "<env>.<domain> (null without domain)");
  u.Output("zone_delegation",
           zone ? Json{{"name", w.env.zone},
                       {"type", "NS"},
                       {"ttl", 172800},
                       {"records", (*zone)["name_servers"]}}
                : Json(),
           "the NS record to add in the parent zone <domain> (null without domain)");
  u.Output("certificate_arn", shared.zone_certificate ? Json(*shared.zone_certificate) : Json(),
           "validated certificate of <env>.<domain> and *.<env>.<domain> (null without domain or "
           "routed apps)");
  u.Output(
      "manual_validation_records", shared.manual_records,
      "DNS validation records (CNAME) to add by hand for route hosts outside the zone, by host");
}

}  // namespace

tf::Ref AddBucketPrivacy(tf::Unit& u, const std::string& block, const tf::Ref& bucket, const tf::Origin& o,
                         const std::string& provider) {
  Json access = {{"bucket", bucket["id"]},
                 {"block_public_acls", true},
                 {"block_public_policy", true},
                 {"ignore_public_acls", true},
                 {"restrict_public_buckets", true}};
  Json ownership = {{"bucket", bucket["id"]}, {"rule", {{"object_ownership", "BucketOwnerEnforced"}}}};
  if (!provider.empty()) {
    access["provider"] = provider;
    ownership["provider"] = provider;
  }
  tf::Ref public_access = u.Resource("aws_s3_bucket_public_access_block", block, std::move(access), o);
  u.Resource("aws_s3_bucket_ownership_controls", block, std::move(ownership), o);
  return public_access;
}

std::pair<tf::Ref, tf::Ref> AddLogBucket(tf::Unit& u, const std::string& block,
                                         const std::string& name, Json encryption, Json writers,
                                         int days, bool protect, const tf::Origin& o,
                                         int noncurrent_days) {
  Json body = {{"bucket", name}, {"tags", {{"Name", name}}}};
  if (protect)
    body["lifecycle"] = {{"prevent_destroy", true}};
  else
    body["force_destroy"] = true;
  tf::Ref bucket = u.Resource("aws_s3_bucket", block, std::move(body), o);
  tf::Ref versioning = u.Resource(
      "aws_s3_bucket_versioning", block,
      {{"bucket", bucket["id"]}, {"versioning_configuration", {{"status", "Enabled"}}}}, o);
  u.Resource("aws_s3_bucket_server_side_encryption_configuration", block,
             {{"bucket", bucket["id"]}, {"rule", Json::array({std::move(encryption)})}}, o);
  tf::Ref public_access = AddBucketPrivacy(u, block, bucket, o);
  for (Json& s : DenyInsecureTransport("arn:aws:s3:::" + name)) writers.push_back(std::move(s));
  tf::Ref policy =
      u.Resource("aws_s3_bucket_policy", block,
                 {{"bucket", bucket["id"]},
                  {"policy",
                   Json{{"Version", kPolicyVersion}, {"Statement", std::move(writers)}}.dump()},
                  // S3 refuses concurrent bucket-policy and public-access-block changes.
                  {"depends_on", {public_access.Address()}}},
                 o);
  u.Resource(
      "aws_s3_bucket_lifecycle_configuration", block,
      {{"bucket", bucket["id"]},
       {"rule",
        Json::array(
            {{{"id", "expire-logs"},
              {"status", "Enabled"},
              {"filter", Json::array({Json::object()})},
              {"expiration", Json::array({{{"days", days}}})},
              {"noncurrent_version_expiration", Json::array({{{"noncurrent_days", noncurrent_days}}})},
              {"abort_incomplete_multipart_upload", Json::array({{{"days_after_initiation", 7}}})}},
             // Expiring a current version leaves a delete marker; once its noncurrent
             // version is gone too, the marker is removed (S3 rejects both in one rule).
             {{"id", "remove-expired-delete-markers"},
              {"status", "Enabled"},
              {"filter", Json::array({Json::object()})},
              {"expiration", Json::array({{{"expired_object_delete_marker", true}}})}}})},
       {"depends_on", {versioning.Address()}}},
      o);
  return {bucket, policy};
}

size_t AddPlatform(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                   std::vector<tf::Unit>& units) {
  tf::Unit u =
      ctx.NewUnit(env.name, env.account, env.name, tags::kPlatform, kPlatformUnit, tags::kPlatform);
  u.sources.insert(env.file);
  // The dashboard's tenant selector lists the tenants with apps here.
  for (const model::Tenant& t : ctx.org.tenants)
    for (const model::Deployment& d : t.deployments)
      if (d.env == env.name && !d.apps.empty()) u.sources.insert(t.file);
  const PlatformScope w{.ctx = ctx,
                        .org = ctx.org,
                        .env = env,
                        .u = u,
                        .o = ctx.Origin(env.span),
                        .base = fmt::format("{}-{}", ctx.org.name, env.name),
                        .protect = env.protection,
                        .retain = env.retain,
                        .net = u.RemoteState(network, ctx.BackendFor(env.account, network.name()))};

  const tf::Ref key = AddKey(w);
  const auto [access_bucket, access_policy] = AddAccessLogBucket(w, key);
  AddBackups(w, key);
  AddRdsMonitoringRole(w);
  AddObservabilityLink(ctx, env, u);  // observability.cc: after common-<realm>/observability
  const tf::Ref topic = AddAlarmTopic(w, key);
  const std::optional<tf::Ref> zone = AddZone(w);
  AddApexZone(w, zone);  // apex_zone.cc: with `ingress.apex_zone`
  const SharedAlb shared = AddSharedAlb(w, zone, access_bucket, access_policy, topic);

  const std::string dashboard = DashboardBody(ctx.org, env, shared.alb);
  if (!dashboard.empty())
    u.Resource("aws_cloudwatch_dashboard", "platform",
               {{"dashboard_name", w.base + "-platform"}, {"dashboard_body", dashboard}}, w.o);
  AddOutputs(w, key, topic, zone, shared);
  AddDefaultSampling(ctx, env, u);  // sampling.cc: the environment's X-Ray rule

  AddEdgeIngress(ctx, env, network, u);  // ingress.cc: CloudFront, API Gateway

  units.push_back(std::move(u));
  return units.size() - 1;
}

void AddEmailSubscriptions(tf::Unit& u, const tf::Ref& topic, const std::vector<std::string>& emails,
                           const tf::Origin& o) {
  std::set<std::string> used;
  for (const std::string& email : emails) {
    // A block name per address: lowercase letters, digits and `-` kept, the rest `_`; a
    // suffix where two addresses would share one.
    std::string key = "alarms_";
    for (char c : email) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      key += keep ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
    }
    std::string unique = key;
    for (int n = 2; !used.insert(unique).second; ++n) unique = fmt::format("{}_{}", key, n);
    u.Resource("aws_sns_topic_subscription", unique, {{"topic_arn", topic["arn"]}, {"protocol", "email"}, {"endpoint", email}},
               o);
  }
}

}  // namespace eurus::synth
