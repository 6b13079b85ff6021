// <env>/platform: what the tenants of an environment share above the network. Always: the
// environment's customer-managed KMS key, its alarm topic, the S3 access-log bucket, the AWS
// Backup vault, role and plans that back up the tenants' data stores (copied to the realm's
// central vault), and the RDS enhanced monitoring role. With `domain`: the public zone
// <env>.<domain>. Once a tenant routes an app in the environment: the shared internal ALB
// (HTTPS with a fixed 404, HTTP redirected to HTTPS), its certificates, security group, log
// bucket, alarms, and the platform dashboard. Tenant units read the outputs named in
// contract.h and attach their listener rules to the HTTPS listener. See docs/Platform.md and
// docs/DisasterRecovery.md.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only (no CBC, no RSA key exchange).
constexpr char kTlsPolicy[] = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
/// The service principal that writes ALB access logs (ALB user guide, "Enable access logs").
constexpr char kElbLogDelivery[] = "logdelivery.elasticloadbalancing.amazonaws.com";
/// The service principal that writes S3 server access logs.
constexpr char kS3LogDelivery[] = "logging.s3.amazonaws.com";
/// Tenant app ports the ALB forwards to without a port-specific rule (see AlbSecurityGroup).
constexpr int kFirstUnprivilegedPort = 1024;

/// Elastic Load Balancing's log-delivery account in the Regions that opened before August
/// 2022: there the ALB guide grants that account; later Regions know only kElbLogDelivery.
/// Both are granted where both exist, so delivery works whichever one the Region uses.
struct ElbLogAccount {
  std::string_view region;
  std::string_view account;
};
constexpr ElbLogAccount kElbLogAccounts[] = {
    {"af-south-1", "098369216593"},     {"ap-east-1", "754344448648"},
    {"ap-northeast-1", "582318560864"}, {"ap-northeast-2", "600734575887"},
    {"ap-northeast-3", "383597477331"}, {"ap-south-1", "718504428378"},
    {"ap-southeast-1", "114774131450"}, {"ap-southeast-2", "783225319266"},
    {"ca-central-1", "985666609251"},   {"eu-central-1", "054676820928"},
    {"eu-north-1", "897822967062"},     {"eu-south-1", "635631232127"},
    {"eu-west-1", "156460612806"},      {"eu-west-2", "652711504416"},
    {"eu-west-3", "009996457667"},      {"me-south-1", "076674570225"},
    {"sa-east-1", "507241528517"},      {"us-east-1", "127311923021"},
    {"us-east-2", "033677994240"},      {"us-west-1", "027434742980"},
    {"us-west-2", "797873946194"},
};

Json NameTag(const std::string& name) { return {{"Name", name}}; }

/// A policy document as literal JSON (not jsonencode), so scanners can read it.
std::string Policy(Json statements) {
  return Json{{"Version", kPolicyVersion}, {"Statement", std::move(statements)}}.dump();
}

std::string Root(const std::string& account) {
  return fmt::format("arn:aws:iam::{}:root", account);
}

/// A host routed to the environment's ALB: the first route naming it (for "//") and the
/// tenant files that route it (for the manifest).
struct RoutedHost {
  Span span;
  std::set<std::string> files;
};

/// Every host some tenant routes in `env`, by name (so in a stable order).
std::map<std::string, RoutedHost> RoutedHosts(const model::Org& org,
                                              const model::Environment& env) {
  std::map<std::string, RoutedHost> out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments) {
      if (dep.env != env.name) continue;
      for (const auto& a : dep.apps) {
        if (!a.route) continue;
        auto [it, fresh] = out.try_emplace(a.route->host);
        if (fresh) it->second.span = a.route->span;
        it->second.files.insert(t.file);
      }
    }
  return out;
}

/// Ports below kFirstUnprivilegedPort that routed apps of `env` listen on.
std::set<int> PrivilegedPorts(const model::Org& org, const model::Environment& env) {
  std::set<int> out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments)
      if (dep.env == env.name)
        for (const auto& a : dep.apps)
          if (a.route && a.port && *a.port < kFirstUnprivilegedPort) out.insert(*a.port);
  return out;
}

/// "shop.dev.acme.example.com" → "host_shop_dev_acme_example_com". Hosts hold no '_', so two
/// hosts never share a block name (hyphens are kept: Terraform names allow them).
std::string HostKey(const std::string& host) {
  std::string key = "host_" + host;
  for (char& c : key)
    if (c == '.') c = '_';
  return key;
}

/// A block name for an email address (sorted, unique addresses give unique names).
std::string EmailKey(const std::string& email, std::set<std::string>& used) {
  std::string key = "alarms_";
  for (char c : email) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    key += keep ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
  }
  std::string unique = key;
  for (int n = 2; !used.insert(unique).second; ++n) unique = fmt::format("{}_{}", key, n);
  return unique;
}

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
  return Policy(Json::array({
      // The default key policy: without it nobody could ever change the key again.
      {{"Sid", "AccountAdministers"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(account)}}},
       {"Action", "kms:*"},
       {"Resource", "*"}},
      // What the key is for: principals of the account, through these services only.
      {{"Sid", "AccountUsesKeyThroughServices"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(account)}}},
       {"Action",
        {"kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*",
         "kms:ReEncrypt*"}},
       {"Resource", "*"},
       {"Condition",
        {{"StringEquals",
          {{"kms:CallerAccount", account},
           {"kms:ViaService",
            {via("backup"), via("ecs"), via("elasticache"), via("rds"), via("s3"),
             via("secretsmanager"), via("sns")}}}}}}},
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
  }));
}

/// The alarm topic's policy: the account manages the topic; CloudWatch alarms of this
/// account (and no other) publish to it.
std::string TopicPolicy(const model::Org& org, const model::Environment& env,
                        const std::string& topic_arn) {
  return Policy(Json::array({
      {{"Sid", "AccountManagesTopic"},
       {"Effect", "Allow"},
       {"Principal", {{"AWS", Root(env.account)}}},
       {"Action",
        {"SNS:AddPermission", "SNS:DeleteTopic", "SNS:GetTopicAttributes",
         "SNS:ListSubscriptionsByTopic", "SNS:Publish", "SNS:RemovePermission",
         "SNS:SetTopicAttributes", "SNS:Subscribe"}},
       {"Resource", topic_arn}},
      {{"Sid", "CloudWatchAlarmsPublish"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "cloudwatch.amazonaws.com"}}},
       {"Action", "SNS:Publish"},
       {"Resource", topic_arn},
       {"Condition",
        {{"StringEquals", {{"aws:SourceAccount", env.account}}},
         {"ArnLike",
          {{"aws:SourceArn",
            fmt::format("arn:aws:cloudwatch:{}:{}:alarm:*", org.region, env.account)}}}}}},
  }));
}



/// The bucket that keeps the S3 server access logs of the environment's buckets: the ALB's
/// log bucket and the tenants' data buckets (data.cc), each under the prefix "<bucket>/".
/// Always there, so a tenant's first bucket never changes this unit. Returns the bucket and
/// its policy (log delivery checks that it may write).
std::pair<tf::Ref, tf::Ref> AddAccessLogBucket(const Context& ctx, const model::Environment& env,
                                               tf::Unit& u, const tf::Ref& key, bool protect,
                                               const tf::Origin& o) {
  const model::Org& org = ctx.org;
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
  return AddLogBucket(u, "access_logs", access_logs,
                      {{"apply_server_side_encryption_by_default",
                        {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}},
                       {"bucket_key_enabled", true}},
                      Json::array({std::move(delivery_writes)}), env.log_retention_days, protect,
                      o);
}

/// The bucket the ALB writes its access logs to, its own S3 access logs going to the access-log
/// bucket. ALB access logs support SSE-S3 only (not SSE-KMS: ALB user guide, bucket
/// requirements), so that bucket is SSE-S3 and nothing else writes to it; E0804 accepts SSE-S3
/// for exactly such a bucket (docs/Security.md).
std::pair<tf::Ref, tf::Ref> AddAlbLogBucket(const Context& ctx, const model::Environment& env,
                                            tf::Unit& u, const tf::Ref& access_bucket,
                                            const tf::Ref& access_policy, bool protect,
                                            const tf::Origin& o) {
  const model::Org& org = ctx.org;
  const std::string logs = naming::AlbLogsBucket(org.name, env.name, env.account).value;
  // ELB writes under AWSLogs/<this account>/ only.
  Json principal = {{"Service", kElbLogDelivery}};
  for (const auto& a : kElbLogAccounts)
    if (a.region == org.region) principal["AWS"] = Root(std::string(a.account));
  Json elb_writes = {{"Sid", "AlbAccessLogDelivery"},
                     {"Effect", "Allow"},
                     {"Principal", std::move(principal)},
                     {"Action", "s3:PutObject"},
                     {"Resource", fmt::format("arn:aws:s3:::{}/AWSLogs/{}/*", logs, env.account)}};
  auto [logs_bucket, logs_policy] =
      AddLogBucket(u, "alb_logs", logs,
                   {{"apply_server_side_encryption_by_default", {{"sse_algorithm", "AES256"}}}},
                   Json::array({std::move(elb_writes)}), env.log_retention_days, protect, o);
  u.Resource("aws_s3_bucket_logging", "alb_logs",
             {{"bucket", logs_bucket["id"]},
              {"target_bucket", access_bucket["id"]},
              {"target_prefix", logs + "/"},
              {"depends_on", {access_policy.Address()}}},
             o);
  return {logs_bucket, logs_policy};
}

/// The widgets of the platform dashboard: the ALB (when there is one) and the NAT gateways
/// (when the network has any; found by a metric search, the account holds only this
/// environment's).
std::string DashboardBody(const model::Org& org, const model::Environment& env,
                          const std::optional<tf::Ref>& alb) {
  Json widgets = Json::array();
  int y = 0;
  auto widget = [&](const std::string& title, Json metrics, Json extra = Json::object()) {
    Json props = {{"title", title},   {"region", org.region}, {"view", "timeSeries"},
                  {"stacked", false}, {"period", 300},        {"metrics", std::move(metrics)}};
    for (auto& [k, v] : extra.items()) props[k] = v;
    const int x = widgets.size() % 2 == 0 ? 0 : 12;
    widgets.push_back({{"type", "metric"},
                       {"x", x},
                       {"y", y},
                       {"width", 12},
                       {"height", 6},
                       {"properties", props}});
    if (x == 12) y += 6;
  };
  if (alb) {
    const std::string lb = (*alb)["arn_suffix"];
    auto metric = [&](const char* name, const char* stat) {
      return Json::array({"AWS/ApplicationELB", name, "LoadBalancer", lb, {{"stat", stat}}});
    };
    widget("ALB requests", Json::array({metric("RequestCount", "Sum")}));
    widget("ALB 5xx", Json::array({metric("HTTPCode_ELB_5XX_Count", "Sum"),
                                   metric("HTTPCode_Target_5XX_Count", "Sum")}));
    widget("ALB target response time",
           Json::array({metric("TargetResponseTime", "p99"), metric("TargetResponseTime", "p50")}));
    widget("ALB connections", Json::array({metric("ActiveConnectionCount", "Sum"),
                                           metric("RejectedConnectionCount", "Sum")}));
  }
  if (env.network.egress || env.network.internet_egress) {
    auto search = [](const char* id, const char* name) {
      Json expression = Json::object();
      expression["id"] = id;
      expression["expression"] = fmt::format(
          "SEARCH('{{AWS/NATGateway,NatGatewayId}} MetricName=\"{}\"', 'Sum', 300)", name);
      return Json::array({expression});
    };
    widget("NAT bytes out to destinations",
           Json::array({search("bytes", "BytesOutToDestination")}));
    widget("NAT errors and drops", Json::array({search("ports", "ErrorPortAllocation"),
                                                search("drops", "PacketsDropCount")}));
  }
  if (widgets.empty()) return {};
  return Json{{"widgets", std::move(widgets)}}.dump();
}

/// AWS Backup in the environment (docs/DisasterRecovery.md): the vault (environment key), the
/// role AWS Backup assumes, and two plans selecting data stores by their tags::kBackup tag
/// (contract.h, backup::): snapshots every rpo_hours for Aurora and DocumentDB, continuous
/// backup (point-in-time restore) for versioned buckets. Both copy every rpo_hours to the
/// realm's central vault (backup.cc), so a lost account loses at most rpo_hours of data.
void AddBackups(const Context& ctx, const model::Environment& env, tf::Unit& u, const tf::Ref& key,
                bool protect, const tf::Origin& o) {
  const model::Org& org = ctx.org;
  const std::string vault_name = naming::BackupVault(org.name, env.name);
  Json vault_body = {
      {"name", vault_name}, {"kms_key_arn", key["arn"]}, {"tags", NameTag(vault_name)}};
  if (protect)
    vault_body["lifecycle"] = {{"prevent_destroy", true}};
  else
    vault_body["force_destroy"] = true;  // its recovery points go with an unprotected environment
  tf::Ref vault = u.Resource("aws_backup_vault", "main", std::move(vault_body), o);

  const std::string role_name = naming::BackupRole(org.name).value;
  tf::Ref role =
      u.Resource("aws_iam_role", "backup",
                 {{"name", role_name},
                  {"description",
                   fmt::format("AWS Backup backs up and restores the data stores of {}", env.name)},
                  {"assume_role_policy",
                   Policy(Json::array({{{"Effect", "Allow"},
                                        {"Principal", {{"Service", "backup.amazonaws.com"}}},
                                        {"Action", "sts:AssumeRole"}}}))},
                  {"tags", NameTag(role_name)}},
                 o);
  // AWS managed policies made for this role (scoped to what backups and restores of each
  // service need, and to resources AWS Backup may touch).
  for (const auto& [block, arn] :
       {std::pair<const char*, const char*>{
            "backup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"},
        {"backup_restores",
         "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"},
        {"backup_s3", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup"},
        {"backup_s3_restores", "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"}})
    u.Resource("aws_iam_role_policy_attachment", block,
               {{"role", role["name"]}, {"policy_arn", arn}}, o);

  // RDS enhanced monitoring (OS metrics of the tenants' Aurora instances, every minute,
  // data.cc) publishes through this role.
  const std::string monitoring_name = naming::RdsMonitoringRole(org.name).value;
  tf::Ref monitoring = u.Resource(
      "aws_iam_role", "rds_monitoring",
      {{"name", monitoring_name},
       {"description",
        fmt::format("RDS enhanced monitoring of the Aurora instances of {}", env.name)},
       {"assume_role_policy",
        Policy(Json::array(
            {{{"Effect", "Allow"},
              {"Principal", {{"Service", "monitoring.rds.amazonaws.com"}}},
              {"Action", "sts:AssumeRole"},
              {"Condition", {{"StringEquals", {{"aws:SourceAccount", env.account}}}}}}}))},
       {"tags", NameTag(monitoring_name)}},
      o);
  u.Resource(
      "aws_iam_role_policy_attachment", "rds_monitoring",
      {{"role", monitoring["name"]},
       {"policy_arn", "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}},
      o);

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
    std::string plan;
    Json rule;
  } plans[] = {
      {"snapshots", backup::SnapshotPlan(org.name, env.name),
       rule(fmt::format("every-{}h", env.rpo_hours), false)},
      {"continuous", backup::ContinuousPlan(org.name, env.name), rule("continuous", true)},
  };
  for (const auto& p : plans) {
    tf::Ref plan = u.Resource(
        "aws_backup_plan", p.block,
        {{"name", p.plan}, {"rule", Json::array({p.rule})}, {"tags", NameTag(p.plan)}}, o);
    u.Resource(
        "aws_backup_selection", p.block,
        {{"name", p.plan},
         {"plan_id", plan["id"]},
         {"iam_role_arn", role["arn"]},
         {"selection_tag",
          Json::array({{{"type", "STRINGEQUALS"}, {"key", tags::kBackup}, {"value", p.plan}}})}},
        o);
  }
  // Copies need the central vault; eurus applies it first.
  u.dependencies.insert(CommonDir(env.realm) + "/" + kBackupUnit);
}

}  // namespace

std::pair<tf::Ref, tf::Ref> AddLogBucket(tf::Unit& u, const std::string& block,
                                         const std::string& name, Json encryption, Json writers,
                                         int days, bool protect, const tf::Origin& o) {
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
  tf::Ref public_access = u.Resource("aws_s3_bucket_public_access_block", block,
                                     {{"bucket", bucket["id"]},
                                      {"block_public_acls", true},
                                      {"block_public_policy", true},
                                      {"ignore_public_acls", true},
                                      {"restrict_public_buckets", true}},
                                     o);
  u.Resource("aws_s3_bucket_ownership_controls", block,
             {{"bucket", bucket["id"]}, {"rule", {{"object_ownership", "BucketOwnerEnforced"}}}},
             o);
  for (Json& s : DenyInsecureTransport("arn:aws:s3:::" + name)) writers.push_back(std::move(s));
  tf::Ref policy =
      u.Resource("aws_s3_bucket_policy", block,
                 {{"bucket", bucket["id"]},
                  {"policy", Json{{"Version", kPolicyVersion}, {"Statement", std::move(writers)}}.dump()},
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
              {"noncurrent_version_expiration", Json::array({{{"noncurrent_days", 30}}})},
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
  const model::Org& org = ctx.org;
  tf::Unit u =
      ctx.NewUnit(env.name, env.account, env.name, tags::kPlatform, kPlatformUnit, tags::kPlatform);
  u.sources.insert(env.file);
  const tf::Origin o = ctx.Origin(env.span);
  const std::string base = fmt::format("{}-{}", org.name, env.name);
  const bool protect = env.protection;
  tf::Ref net = u.RemoteState(network, ctx.BackendFor(env.account, network.name()));

  // The environment's key: logs, secrets, the alarm topic, data stores of its tenants.
  const std::string access_logs = naming::AccessLogsBucket(org.name, env.name, env.account).value;
  // Where the environment is protected, neither the key (its data would become unreadable)
  // nor the zone (new name servers would break the parent's delegation) may be destroyed.
  const Json keep = {{"prevent_destroy", true}};
  Json key_body = {{"description", fmt::format("{}: logs, secrets, topics and data", base)},
                   {"enable_key_rotation", true},
                   {"deletion_window_in_days", 30},
                   {"policy", KeyPolicy(org, env, access_logs)},
                   {"tags", NameTag(base)}};
  if (protect) key_body["lifecycle"] = keep;
  tf::Ref key = u.Resource("aws_kms_key", "platform", std::move(key_body), o);
  u.Resource("aws_kms_alias", "platform",
             {{"name", EnvironmentKeyAlias(org.name, env.name)}, {"target_key_id", key["key_id"]}},
             o);
  auto [access_bucket, access_policy] = AddAccessLogBucket(ctx, env, u, key, protect, o);
  AddBackups(ctx, env, u, key, protect, o);

  // The alarm topic, encrypted with the key; the org's alert addresses subscribe to it.
  const std::string topic_name = base + "-alarms";
  const std::string topic_arn =
      fmt::format("arn:aws:sns:{}:{}:{}", org.region, env.account, topic_name);
  tf::Ref topic = u.Resource("aws_sns_topic", "alarms",
                             {{"name", topic_name},
                              {"display_name", fmt::format("{} alarms", base)},
                              {"kms_master_key_id", key["arn"]},
                              {"tags", NameTag(topic_name)}},
                             o);
  u.Resource("aws_sns_topic_policy", "alarms",
             {{"arn", topic["arn"]}, {"policy", TopicPolicy(org, env, topic_arn)}}, o);
  std::set<std::string> email_keys;
  for (const std::string& email : org.alert_emails)
    u.Resource("aws_sns_topic_subscription", EmailKey(email, email_keys),
               {{"topic_arn", topic["arn"]}, {"protocol", "email"}, {"endpoint", email}}, o);

  // The public zone of the environment, allowing only Amazon's CA to issue under it.
  const std::string& zone_name = env.zone;
  std::optional<tf::Ref> zone;
  if (!zone_name.empty()) {
    Json zone_body = {{"name", zone_name},
                      {"comment", fmt::format("environment {} of {} (eurus)", env.name, org.name)},
                      {"tags", NameTag(zone_name)}};
    if (protect) zone_body["lifecycle"] = keep;
    zone = u.Resource("aws_route53_zone", "env", std::move(zone_body), o);
    u.Resource("aws_route53_record", "caa",
               {{"zone_id", (*zone)["zone_id"]},
                {"name", zone_name},
                {"type", "CAA"},
                {"ttl", 3600},
                {"records", {"0 issue \"amazon.com\"", "0 issuewild \"amazon.com\""}}},
               o);
  }

  // Everything below serves routed apps: an environment without one has no ALB.
  const std::map<std::string, RoutedHost> hosts = RoutedHosts(org, env);
  std::optional<tf::Ref> alb, sg, https;
  std::optional<std::string> zone_certificate;
  Json manual_records = Json::object();
  if (!hosts.empty()) {
    for (const auto& [host, h] : hosts) u.sources.insert(h.files.begin(), h.files.end());

    // Certificates. The zone's own covers <zone> and *.<zone> (every short host); each other
    // host gets a certificate of its own, attached by SNI, so adding or removing a host never
    // reissues another's certificate. The first one is the listener's default.
    std::vector<std::pair<std::string, std::string>> host_certificates;  // host, validated ARN
    if (zone) {
      tf::Ref cert = u.Resource("aws_acm_certificate", "env",
                                {{"domain_name", zone_name},
                                 {"subject_alternative_names", {"*." + zone_name}},
                                 {"validation_method", "DNS"},
                                 {"lifecycle", {{"create_before_destroy", true}}},
                                 {"tags", NameTag(zone_name)}},
                                o);
      // <zone> and *.<zone> share one validation record: one record, keyed by the apex.
      tf::Ref records = u.Resource(
          "aws_route53_record", "certificate_validation",
          {{"for_each", "${{for v in " + cert.Expr("domain_validation_options") +
                            " : v.domain_name => v if !startswith(v.domain_name, \"*.\")}}"},
           {"zone_id", (*zone)["zone_id"]},
           {"name", "${each.value.resource_record_name}"},
           {"type", "${each.value.resource_record_type}"},
           {"records", {"${each.value.resource_record_value}"}},
           {"ttl", 300}},
          o);
      tf::Ref validated = u.Resource(
          "aws_acm_certificate_validation", "env",
          {{"certificate_arn", cert["arn"]},
           {"validation_record_fqdns", "${[for r in " + records.Address() + " : r.fqdn]}"}},
          o);
      zone_certificate = validated["certificate_arn"];
    }
    for (const auto& [host, h] : hosts) {
      const model::HostValidation how = model::ValidationOf(host, zone_name);
      if (how == model::HostValidation::kWildcard) continue;
      const tf::Origin ho = ctx.Origin(h.span);
      const std::string block = HostKey(host);
      tf::Ref cert = u.Resource("aws_acm_certificate", block,
                                {{"domain_name", host},
                                 {"validation_method", "DNS"},
                                 {"lifecycle", {{"create_before_destroy", true}}},
                                 {"tags", NameTag(host)}},
                                ho);
      // A one-name certificate has exactly one validation record.
      auto record = [&](const char* field) {
        return fmt::format("${{tolist({})[0].{}}}", cert.Expr("domain_validation_options"), field);
      };
      Json validation = {{"certificate_arn", cert["arn"]}};
      if (how == model::HostValidation::kZone) {
        tf::Ref r = u.Resource("aws_route53_record", block + "_validation",
                               {{"zone_id", (*zone)["zone_id"]},
                                {"name", record("resource_record_name")},
                                {"type", record("resource_record_type")},
                                {"records", {record("resource_record_value")}},
                                {"ttl", 300}},
                               ho);
        validation["validation_record_fqdns"] = {r["fqdn"]};
      } else {
        // Outside any zone eurus manages: the operator adds the record; apply waits for it.
        manual_records[host] = {{"name", record("resource_record_name")},
                                {"type", record("resource_record_type")},
                                {"value", record("resource_record_value")}};
      }
      tf::Ref validated = u.Resource("aws_acm_certificate_validation", block, validation, ho);
      host_certificates.emplace_back(host, validated["certificate_arn"]);
    }
    const std::string default_certificate =
        zone_certificate ? *zone_certificate : host_certificates.front().second;

    // The ALB's security group: HTTP(S) from the VPC (tenants, VPC links, CloudFront VPC
    // origins all arrive from inside it); out to the apps. App ports vary per tenant and a
    // tenant must not have to change this unit: every unprivileged port of the VPC, plus
    // exactly the privileged ports routed apps use.
    const std::string vpc_cidr = env.network.cidr.ToString();
    const std::string sg_name = base + "-alb";
    sg = u.Resource("aws_security_group", "alb",
                    {{"name", sg_name},
                     {"description", "shared ALB: HTTP(S) from the VPC, to tenant apps in the VPC"},
                     {"vpc_id", net.Output("vpc_id")},
                     {"tags", NameTag(sg_name)}},
                    o);
    for (const auto& [name, port] : {std::pair<const char*, int>{"alb_https_from_vpc", 443},
                                     std::pair<const char*, int>{"alb_http_from_vpc", 80}}) {
      u.Resource("aws_vpc_security_group_ingress_rule", name,
                 {{"security_group_id", (*sg)["id"]},
                  {"description", fmt::format("{} from the VPC", port == 443 ? "HTTPS" : "HTTP")},
                  {"cidr_ipv4", vpc_cidr},
                  {"ip_protocol", "tcp"},
                  {"from_port", port},
                  {"to_port", port},
                  {"tags", NameTag(fmt::format("{}-{}", sg_name, port))}},
                 o);
    }
    u.Resource("aws_vpc_security_group_egress_rule", "alb_to_apps",
               {{"security_group_id", (*sg)["id"]},
                {"description", "to tenant apps in the VPC (unprivileged ports)"},
                {"cidr_ipv4", vpc_cidr},
                {"ip_protocol", "tcp"},
                {"from_port", kFirstUnprivilegedPort},
                {"to_port", 65535},
                {"tags", NameTag(sg_name + "-apps")}},
               o);
    for (int port : PrivilegedPorts(org, env)) {
      u.Resource("aws_vpc_security_group_egress_rule", fmt::format("alb_to_apps_{}", port),
                 {{"security_group_id", (*sg)["id"]},
                  {"description", fmt::format("to tenant apps in the VPC on port {}", port)},
                  {"cidr_ipv4", vpc_cidr},
                  {"ip_protocol", "tcp"},
                  {"from_port", port},
                  {"to_port", port},
                  {"tags", NameTag(fmt::format("{}-apps-{}", sg_name, port))}},
                 o);
    }

    auto [logs_bucket, logs_policy] =
        AddAlbLogBucket(ctx, env, u, access_bucket, access_policy, protect, o);

    // The ALB: internal, in the platform subnet of every AZ.
    const std::string alb_name = naming::Alb(org.name, env.name).value;
    alb = u.Resource("aws_lb", "main",
                     {{"name", alb_name},
                      {"internal", true},
                      {"load_balancer_type", "application"},
                      {"ip_address_type", "ipv4"},
                      {"subnets", net.Output("platform_subnet_ids")},
                      {"security_groups", {(*sg)["id"]}},
                      {"drop_invalid_header_fields", true},
                      {"enable_deletion_protection", protect},
                      {"idle_timeout", 60},
                      {"access_logs", {{"bucket", logs_bucket["id"]}, {"enabled", true}}},
                      {"tags", NameTag(alb_name)},
                      // The ALB checks on creation that it may write its logs.
                      {"depends_on", {logs_policy.Address()}}},
                     o);
    https = u.Resource(
        "aws_lb_listener", "https",
        {{"load_balancer_arn", (*alb)["arn"]},
         {"port", 443},
         {"protocol", "HTTPS"},
         {"ssl_policy", kTlsPolicy},
         {"certificate_arn", default_certificate},
         // Browsers that saw one HTTPS answer never try plain HTTP again.
         {"routing_http_response_strict_transport_security_header_value", "max-age=31536000"},
         {"default_action", Json::array({{{"type", "fixed-response"},
                                          {"fixed_response",
                                           {{"content_type", "text/plain"},
                                            {"message_body", "no route"},
                                            {"status_code", "404"}}}}})},
         {"tags", NameTag(alb_name + "-https")}},
        o);
    u.Resource(
        "aws_lb_listener", "http",
        {{"load_balancer_arn", (*alb)["arn"]},
         {"port", 80},
         {"protocol", "HTTP"},
         {"default_action",
          Json::array({{{"type", "redirect"},
                        {"redirect",
                         {{"port", "443"}, {"protocol", "HTTPS"}, {"status_code", "HTTP_301"}}}}})},
         {"tags", NameTag(alb_name + "-http")}},
        o);
    for (const auto& [host, arn] : host_certificates) {
      if (arn == default_certificate) continue;
      u.Resource("aws_lb_listener_certificate", HostKey(host),
                 {{"listener_arn", (*https)["arn"]}, {"certificate_arn", arn}},
                 ctx.Origin(hosts.at(host).span));
    }

    // ALB alarms to the topic: errors the ALB itself returns (no healthy target, timeouts),
    // and connections it refused at capacity. Per-app alarms are the tenant units'.
    const std::string lb = (*alb)["arn_suffix"];
    auto alarm = [&](const std::string& block, const std::string& name, const char* metric,
                     const std::string& description, int period, int evaluations, int datapoints,
                     int threshold) {
      u.Resource("aws_cloudwatch_metric_alarm", block,
                 {{"alarm_name", fmt::format("{}-{}", base, name)},
                  {"alarm_description", description},
                  {"namespace", "AWS/ApplicationELB"},
                  {"metric_name", metric},
                  {"dimensions", {{"LoadBalancer", lb}}},
                  {"statistic", "Sum"},
                  {"period", period},
                  {"evaluation_periods", evaluations},
                  {"datapoints_to_alarm", datapoints},
                  {"threshold", threshold},
                  {"comparison_operator", "GreaterThanOrEqualToThreshold"},
                  {"treat_missing_data", "notBreaching"},
                  {"actions_enabled", true},
                  {"alarm_actions", {topic["arn"]}},
                  {"ok_actions", {topic["arn"]}},
                  {"tags", NameTag(fmt::format("{}-{}", base, name))}},
                 o);
    };
    alarm("alb_5xx", "alb-5xx", "HTTPCode_ELB_5XX_Count",
          "the shared ALB returned 5xx itself (no healthy target, target timeouts or resets) "
          "at least 10 times in 2 of 3 five-minute periods",
          300, 3, 2, 10);
    alarm("alb_rejected_connections", "alb-rejected-connections", "RejectedConnectionCount",
          "the shared ALB rejected connections: it reached its connection limit", 300, 1, 1, 1);
  }

  const std::string dashboard = DashboardBody(org, env, alb);
  if (!dashboard.empty())
    u.Resource("aws_cloudwatch_dashboard", "platform",
               {{"dashboard_name", base + "-platform"}, {"dashboard_body", dashboard}}, o);

  // Outputs: contract.h names the ones tenant units read; those of the ALB are null in an
  // environment without routed apps (no tenant unit reads them there).
  auto maybe = [](const std::optional<tf::Ref>& r, const char* attr) {
    return r ? Json((*r)[attr]) : Json();
  };
  u.Output(platform_out::kKmsKeyArn, key["arn"], "the environment's customer-managed KMS key");
  u.Output(platform_out::kAlarmTopicArn, topic["arn"],
           "SNS topic (KMS) of the environment's alarms");
  u.Output(
      platform_out::kAlbSecurityGroupId, maybe(sg, "id"),
      "security group of the shared ALB; tenant app groups admit it (null without routed apps)");
  u.Output(platform_out::kListenerArn, maybe(https, "arn"),
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
  u.Output("zone_name", zone ? Json(zone_name) : Json(), "<env>.<domain> (null without domain)");
  u.Output("zone_delegation",
           zone ? Json{{"name", zone_name},
                       {"type", "NS"},
                       {"ttl", 172800},
                       {"records", (*zone)["name_servers"]}}
                : Json(),
           "the NS record to add in the parent zone <domain> (null without domain)");
  u.Output("certificate_arn", zone_certificate ? Json(*zone_certificate) : Json(),
           "validated certificate of <env>.<domain> and *.<env>.<domain> (null without domain or "
           "routed apps)");
  u.Output(
      "manual_validation_records", manual_records,
      "DNS validation records (CNAME) to add by hand for route hosts outside the zone, by host");

  AddEdgeIngress(ctx, env, network, u);  // ingress.cc: CloudFront, API Gateway

  units.push_back(std::move(u));
  return units.size() - 1;
}

}  // namespace eurus::synth
