// The deploy identities of each account (identities.h). What must hold, and the tests that
// hold it (bootstrap_test.cc, IdentitiesTest):
// - no trust policy admits `repo:O/R:*` or an account root; the GitHub `sub` claims are
//   exact: pull requests and the default branch may plan, the default branch may apply
//   outside prod, only the GitHub environment `prod` may apply in prod accounts;
// - the planner reads configuration and state and writes state lock files, and reads no data
//   (object contents outside the state bucket, secret values, decryption outside the state key);
// - the deployer creates roles only with the account's permissions boundary, attaches only
//   listed AWS managed policies, passes roles only to listed services, cannot edit the
//   boundary, itself or the planner, and reaches only the services the platform uses.

#include "synth/identities.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "model/naming.h"
#include "synth/policy_docs.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// How long a deploy session may last: AssumeRoleWithWebIdentity asks for exactly this
/// (tf::kWebIdentityDuration); a person's AssumeRole asks for less.
constexpr int kMaxSessionSeconds = 2 * 3600;

/// Resource-type prefix → IAM service prefix; the longest matching prefix wins. Sorted.
constexpr std::pair<std::string_view, std::string_view> kServiceOf[] = {
    {"aws_acm_", "acm"},
    {"aws_apigatewayv2_", "apigateway"},
    {"aws_appautoscaling_", "application-autoscaling"},
    {"aws_backup_", "backup"},
    {"aws_bcmdataexports_", "bcm-data-exports"},
    {"aws_budgets_", "budgets"},
    {"aws_ce_", "ce"},
    {"aws_cloudfront_", "cloudfront"},
    {"aws_cloudwatch_dashboard", "cloudwatch"},
    {"aws_cloudwatch_log_", "logs"},
    {"aws_cloudwatch_metric_alarm", "cloudwatch"},
    {"aws_db_", "rds"},
    {"aws_default_security_group", "ec2"},
    {"aws_docdb_", "rds"},
    {"aws_ec2_", "ec2"},
    {"aws_ecr_", "ecr"},
    {"aws_ecs_", "ecs"},
    {"aws_eip", "ec2"},
    {"aws_elasticache_", "elasticache"},
    {"aws_flow_log", "ec2"},
    {"aws_iam_", "iam"},
    {"aws_internet_gateway", "ec2"},
    {"aws_kms_", "kms"},
    {"aws_lb", "elasticloadbalancing"},
    {"aws_nat_gateway", "ec2"},
    {"aws_oam_", "oam"},
    {"aws_rds_", "rds"},
    {"aws_route", "ec2"},
    {"aws_route53_", "route53"},
    {"aws_s3_", "s3"},
    {"aws_secretsmanager_", "secretsmanager"},
    {"aws_security_group", "ec2"},
    {"aws_sns_", "sns"},
    {"aws_ssm_", "ssm"},
    {"aws_subnet", "ec2"},
    {"aws_vpc", "ec2"},
    {"aws_wafv2_", "wafv2"},
    {"aws_xray_", "xray"},
};

/// Actions the deployer needs beyond whole services: AWS Backup vaults are storage
/// capsules (backup-storage:MountCapsule), and the backup vault policy checks the
/// organisation; nothing else of Organizations.
constexpr std::string_view kExtraDeployerActions[] = {
    "backup-storage:MountCapsule",
    "organizations:DescribeOrganization",
};

/// The trust of the deployer or the planner in account `a`.
Json Trust(const Context& ctx, const BootstrapAccount& a, bool planner, const tf::Ref* oidc) {
  const model::Org& org = ctx.org;
  Json trust = Json::array();
  if (!org.administrators.empty()) {
    Json admins = Json::array();
    for (const auto& arn : org.administrators) admins.push_back(arn);
    // People at a terminal (`eurus plan/apply`): named roles and users, never a root.
    trust.push_back({{"Sid", "Administrators"},
                     {"Effect", "Allow"},
                     {"Principal", {{"AWS", admins.size() == 1 ? admins[0] : admins}}},
                     {"Action", "sts:AssumeRole"}});
  }
  if (oidc && !org.github_repository.empty()) {
    const std::string& repo = org.github_repository;
    const std::string branch = fmt::format("repo:{}:ref:refs/heads/{}", repo, org.default_branch);
    Json subjects = Json::array();
    if (planner) {
      // Pull requests plan; the default branch plans too (scheduled drift checks).
      subjects = {fmt::format("repo:{}:pull_request", repo), branch};
    } else if (a.prod) {
      // The GitHub environment `prod` holds the reviewers and its branch rule: a job
      // that names it carries this subject, and no other job does.
      subjects = {fmt::format("repo:{}:environment:prod", repo)};
    } else {
      subjects = {branch};
    }
    trust.push_back(
        {{"Sid", planner ? "GitHubActionsPlan" : "GitHubActionsApply"},
         {"Effect", "Allow"},
         {"Principal",
          {{"Federated", fmt::format("arn:aws:iam::{}:oidc-provider/{}", a.id, kGitHubOidcHost)}}},
         {"Action", "sts:AssumeRoleWithWebIdentity"},
         {"Condition",
          {{"StringEquals",
            {{fmt::format("{}:aud", kGitHubOidcHost), "sts.amazonaws.com"},
             {fmt::format("{}:sub", kGitHubOidcHost), subjects.size() == 1 ? subjects[0] : subjects}}}}}});
  }
  return trust;
}

tf::Ref AddRole(const Context& ctx, tf::Unit& unit, const BootstrapAccount& a, bool planner,
                const tf::Ref* oidc) {
  const std::string name =
      planner ? naming::PlannerRole(ctx.org.name).value : naming::DeployerRole(ctx.org.name).value;
  Json body = {
      {"provider", BootstrapProvider(a)},
      {"name", name},
      {"description",
       planner ? fmt::format("Plans the {} platform with OpenTofu (eurus): reads configuration and "
                             "state, writes state lock files",
                             ctx.org.name)
               : fmt::format("Deploys the {} platform with OpenTofu (eurus)", ctx.org.name)},
      {"max_session_duration", kMaxSessionSeconds},
      {"assume_role_policy", Policy(Trust(ctx, a, planner, oidc))}};
  // IAM rejects a trust policy naming an identity provider that does not exist yet.
  if (oidc) body["depends_on"] = {oidc->Address()};
  return unit.Resource("aws_iam_role", (planner ? "planner_" : "deployer_") + a.alias, std::move(body),
                       a.origin);
}

/// The boundary: what any role eurus creates can ever do. Everything but IAM,
/// Organizations and Account management, and never assume the deploy roles or the
/// Organizations access role.
tf::Ref AddBoundary(const Context& ctx, tf::Unit& unit, const BootstrapAccount& a) {
  const std::string& org = ctx.org.name;
  Json statements = Json::array(
      {{{"Sid", "PlatformServices"},
        {"Effect", "Allow"},
        {"NotAction", {"account:*", "iam:*", "organizations:*"}},
        {"Resource", "*"}},
       {{"Sid", "NoDeployIdentities"},
        {"Effect", "Deny"},
        {"Action", "sts:AssumeRole"},
        {"Resource",
         {fmt::format("arn:aws:iam::*:role/{}", naming::DeployerRole(org).value),
          fmt::format("arn:aws:iam::*:role/{}", naming::PlannerRole(org).value),
          fmt::format("arn:aws:iam::*:role/{}", kMemberAccessRole)}}},
       // A role the deployer makes (and could trust itself with, or pass to a task it
       // runs) must not become a way out of the account or into people's access: no
       // role of another account, no Identity Center (which can give anyone an
       // administrator permission set in every account), no switching off the audit trail.
       // `$${...}`: OpenTofu reads `${` as a template; AWS gets the policy variable.
       {{"Sid", "NoOtherAccounts"},
        {"Effect", "Deny"},
        {"Action", {"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:TagSession"}},
        {"Resource", "*"},
        {"Condition", {{"StringNotEquals", {{"aws:ResourceAccount", "$${aws:PrincipalAccount}"}}}}}},
       {{"Sid", "NoIdentityCenterOrAuditChanges"},
        {"Effect", "Deny"},
        {"Action",
         {"cloudtrail:DeleteTrail", "cloudtrail:PutEventSelectors", "cloudtrail:StopLogging",
          "cloudtrail:UpdateTrail", "config:DeleteConfigurationRecorder",
          "config:StopConfigurationRecorder", "guardduty:DeleteDetector",
          "guardduty:DisassociateFromMasterAccount", "guardduty:UpdateDetector",
          "identitystore:*", "sso-directory:*", "sso:*"}},
        {"Resource", "*"}}});
  return unit.Resource("aws_iam_policy", "boundary_" + a.alias,
                       {{"provider", BootstrapProvider(a)},
                        {"name", naming::BoundaryPolicy(org).value},
                        {"description",
                         fmt::format("Permissions boundary of every role the {} platform creates "
                                     "(eurus): no IAM, no Organizations",
                                     org)},
                        {"policy", Policy(std::move(statements))}},
                       a.origin);
}

Json Strings(const std::vector<std::string_view>& v) {
  Json out = Json::array();
  for (auto s : v) out.push_back(std::string(s));
  return out;
}

/// The deployer's IAM: roles of the org's names only, with the boundary only.
Json DeployerIam(const Context& ctx, const BootstrapAccount& a) {
  const std::string& org = ctx.org.name;
  const std::string own_roles = fmt::format("arn:aws:iam::{}:role/{}-*", a.id, org);
  const std::string boundary = ctx.BoundaryArn(a.id);
  const Json with_boundary = {{"StringEquals", {{"iam:PermissionsBoundary", boundary}}}};
  const Json identities = {ctx.DeployerRoleArn(a.id), ctx.PlannerRoleArn(a.id)};
  const std::string state = naming::StateBucket(org, a.id).value;
  const std::string logs = naming::StateLogBucket(org, a.id).value;
  const Json state_buckets = {"arn:aws:s3:::" + state,
                              fmt::format("arn:aws:s3:::{}/*", state),
                              "arn:aws:s3:::" + logs,
                              fmt::format("arn:aws:s3:::{}/*", logs)};
  return Json::array({
      // iam:PermissionsBoundary is checked on these actions: a role without the boundary
      // can be neither made nor given permissions.
      {{"Sid", "RolesOnlyWithBoundary"},
       {"Effect", "Allow"},
       {"Action",
        {"iam:CreateRole", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary",
         "iam:PutRolePolicy"}},
       {"Resource", own_roles},
       {"Condition", with_boundary}},
      {{"Sid", "AttachListedPoliciesOnly"},
       {"Effect", "Allow"},
       {"Action", {"iam:AttachRolePolicy", "iam:DetachRolePolicy"}},
       {"Resource", own_roles},
       {"Condition",
        {{"StringEquals", {{"iam:PermissionsBoundary", boundary}}},
         {"ArnEquals", {{"iam:PolicyARN", Strings(AttachablePolicies())}}}}}},
      // IAM checks no boundary on these: `<org>-*` names belong to eurus (Security.md).
      {{"Sid", "ManageOrgRoles"},
       {"Effect", "Allow"},
       {"Action",
        {"iam:DeleteRole", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
         "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags",
         "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole",
         "iam:UpdateRoleDescription"}},
       {"Resource", own_roles}},
      {{"Sid", "PassOrgRolesToListedServices"},
       {"Effect", "Allow"},
       {"Action", "iam:PassRole"},
       {"Resource", own_roles},
       {"Condition", {{"StringEquals", {{"iam:PassedToService", Strings(PassRoleServices())}}}}}},
      {{"Sid", "ReadPolicies"},
       {"Effect", "Allow"},
       {"Action", {"iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"}},
       {"Resource", {"arn:aws:iam::aws:policy/*", boundary}}},
      {{"Sid", "ServiceLinkedRoles"},
       {"Effect", "Allow"},
       {"Action",
        {"iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
         "iam:GetServiceLinkedRoleDeletionStatus"}},
       {"Resource", fmt::format("arn:aws:iam::{}:role/aws-service-role/*", a.id)}},
      {{"Sid", "KeepBoundaries"},
       {"Effect", "Deny"},
       {"Action", "iam:DeleteRolePermissionsBoundary"},
       {"Resource", "*"}},
      {{"Sid", "KeepTheBoundaryPolicy"},
       {"Effect", "Deny"},
       {"Action",
        {"iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion",
         "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"}},
       {"Resource", boundary}},
      // Both match `<org>-*` and carry no boundary: the deployer must not widen its own
      // permissions or trust, nor the planner's.
      {{"Sid", "KeepDeployIdentities"},
       {"Effect", "Deny"},
       {"Action",
        {"iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy",
         "iam:DetachRolePolicy", "iam:PassRole", "iam:PutRolePermissionsBoundary",
         "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
         "iam:UpdateRole", "iam:UpdateRoleDescription"}},
       {"Resource", identities}},
      // The account's state, its key and its access logs are the bootstrap's: the deployer
      // reads and writes state objects, and may not weaken, delete or rewrite history.
      {{"Sid", "KeepStateBuckets"},
       {"Effect", "Deny"},
       {"Action",
        {"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:DeleteObjectVersion",
         "s3:PutBucketAcl", "s3:PutBucketLogging", "s3:PutBucketObjectLockConfiguration",
         "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock",
         "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
         "s3:PutReplicationConfiguration"}},
       {"Resource", state_buckets}},
      {{"Sid", "KeepStateKey"},
       {"Effect", "Deny"},
       {"Action",
        {"kms:CreateGrant", "kms:DeleteAlias", "kms:DisableKey", "kms:DisableKeyRotation",
         "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:UpdateAlias"}},
       {"Resource", "*"},
       {"Condition",
        {{"ForAnyValue:StringEquals", {{"kms:ResourceAliases", naming::StateKeyAlias(org)}}}}}},
      // Every member account's OrganizationAccountAccessRole trusts the management account:
      // nothing the management deployer does may go through it.
      {{"Sid", "NoOrganizationAccessRole"},
       {"Effect", "Deny"},
       {"Action", "sts:AssumeRole"},
       {"Resource", fmt::format("arn:aws:iam::*:role/{}", kMemberAccessRole)}},
  });
}

/// The services the platform is made of, and nothing else (not IAM: DeployerIam).
Json DeployerServicesPolicy() {
  Json actions = Json::array();
  for (auto s : DeployerServices()) actions.push_back(fmt::format("{}:*", s));
  for (auto s : kExtraDeployerActions) actions.push_back(std::string(s));
  return Json::array({{{"Sid", "PlatformServices"}, {"Effect", "Allow"}, {"Action", actions}, {"Resource", "*"}}});
}

/// What the planner must never read, whatever ReadOnlyAccess allows: data, not
/// configuration. `state_bucket`/`state_key`: the exceptions (state is what a plan reads).
Json NoDataReads(const std::string& state_bucket, const tf::Ref& state_key, const ForeignState* foreign) {
  Json objects = fmt::format("arn:aws:s3:::{}/*", state_bucket);
  Json keys = state_key["arn"];
  if (foreign) {
    objects = Json::array({objects, foreign->object_arn});
    keys = Json::array({keys, foreign->key["arn"]});
  }
  return Json::array({
      {{"Sid", "NoObjectContentsOutsideState"},
       {"Effect", "Deny"},
       {"Action",
        {"s3:GetObject", "s3:GetObjectTorrent", "s3:GetObjectVersion",
         "s3:GetObjectVersionTorrent"}},
       {"NotResource", objects}},
      {{"Sid", "NoDecryptionOutsideState"},
       {"Effect", "Deny"},
       {"Action", {"kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"}},
       {"NotResource", keys}},
      {{"Sid", "NoSecretsOrRecords"},
       {"Effect", "Deny"},
       {"Action",
        {"athena:GetQueryResults", "cloudformation:GetTemplate", "dynamodb:BatchGetItem",
         "dynamodb:GetItem", "dynamodb:PartiQLSelect", "dynamodb:Query", "dynamodb:Scan",
         "ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot", "ec2:GetLaunchTemplateData",
         "ec2:GetPasswordData", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
         "glacier:GetJobOutput", "kinesis:GetRecords", "lambda:GetFunction",
         "logs:FilterLogEvents", "logs:GetLogEvents", "logs:GetLogRecord", "logs:GetQueryResults",
         "logs:StartLiveTail", "logs:StartQuery", "logs:Unmask", "rds:DownloadCompleteDBLogFile",
         "rds:DownloadDBLogFilePortion", "secretsmanager:BatchGetSecretValue",
         "s3-object-lambda:GetObject", "secretsmanager:GetSecretValue",
         "ssm:GetCommandInvocation", "sqs:ReceiveMessage"}},
       {"Resource", "*"}},
  });
}

}  // namespace

std::string BootstrapProvider(const BootstrapAccount& a) { return "aws." + a.alias; }

std::string_view ServiceOf(std::string_view type) {
  std::string_view best, service;
  for (const auto& [prefix, svc] : kServiceOf)
    if (type.substr(0, prefix.size()) == prefix && prefix.size() > best.size()) {
      best = prefix;
      service = svc;
    }
  return service;
}

const std::vector<std::string_view>& DeployerServices() {
  static const std::vector<std::string_view> services = [] {
    std::vector<std::string_view> v;
    for (const auto& [prefix, svc] : kServiceOf)
      if (svc != "iam") v.push_back(svc);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }();
  return services;
}

const std::vector<std::string_view>& AttachablePolicies() {
  static const std::vector<std::string_view> policies = {
      "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
  };
  return policies;
}

const std::vector<std::string_view>& PassRoleServices() {
  // The principals the org's roles trust; RDS checks the enhanced-monitoring role's pass
  // as rds.amazonaws.com or monitoring.rds.amazonaws.com depending on the API path.
  static const std::vector<std::string_view> services = {
      "backup.amazonaws.com",  "ecs-tasks.amazonaws.com", "monitoring.rds.amazonaws.com",
      "rds.amazonaws.com",     "vpc-flow-logs.amazonaws.com",
  };
  return services;
}

Identities AddIdentities(const Context& ctx, tf::Unit& unit, const BootstrapAccount& a,
                         const tf::Ref* oidc) {
  tf::Ref boundary = AddBoundary(ctx, unit, a);
  tf::Ref deployer = AddRole(ctx, unit, a, false, oidc);
  tf::Ref planner = AddRole(ctx, unit, a, true, oidc);
  unit.Resource("aws_iam_role_policy", "deployer_services_" + a.alias,
                {{"provider", BootstrapProvider(a)},
                 {"name", "eurus-services"},
                 {"role", deployer["name"]},
                 {"policy", Policy(DeployerServicesPolicy())}},
                a.origin);
  unit.Resource("aws_iam_role_policy", "deployer_iam_" + a.alias,
                {{"provider", BootstrapProvider(a)},
                 {"name", "eurus-iam"},
                 {"role", deployer["name"]},
                 {"policy", Policy(DeployerIam(ctx, a))},
                 // Its conditions name the boundary, which must exist to be attached.
                 {"depends_on", {boundary.Address()}}},
                a.origin);
  // Describe/Get/List of every service, as refreshing state needs; NoDataReads takes
  // the data out (AddPlannerStateAccess).
  unit.Resource("aws_iam_role_policy_attachment", "planner_read_only_" + a.alias,
                {{"provider", BootstrapProvider(a)},
                 {"role", planner["name"]},
                 {"policy_arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
                a.origin);
  return {deployer, planner};
}

void AddPlannerStateAccess(tf::Unit& unit, const BootstrapAccount& a, const tf::Ref& planner,
                           const std::string& state_bucket, const tf::Ref& state_key,
                           const ForeignState* foreign) {
  const std::string bucket_arn = "arn:aws:s3:::" + state_bucket;
  Json statements = Json::array({
      {{"Sid", "ReadState"},
       {"Effect", "Allow"},
       {"Action", {"s3:GetObject", "s3:ListBucket"}},
       {"Resource", {bucket_arn, bucket_arn + "/*"}}},
      // use_lockfile: `<key>.tflock` beside each state object, written and removed by plans.
      {{"Sid", "WriteLockFiles"},
       {"Effect", "Allow"},
       {"Action", {"s3:DeleteObject", "s3:PutObject"}},
       {"Resource", bucket_arn + "/*.tflock"}},
      {{"Sid", "UseStateKey"},
       {"Effect", "Allow"},
       {"Action", {"kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"}},
       {"Resource", state_key["arn"]}},
  });
  if (foreign) {
    // The realm's observability state in its common account (the sink's ARN for the
    // platform unit's link); that account's bucket and key policies admit this role too.
    statements.push_back({{"Sid", "ReadRealmObservabilityState"},
                          {"Effect", "Allow"},
                          {"Action", "s3:GetObject"},
                          {"Resource", foreign->object_arn}});
    statements.push_back({{"Sid", "DecryptRealmObservabilityState"},
                          {"Effect", "Allow"},
                          {"Action", "kms:Decrypt"},
                          {"Resource", foreign->key["arn"]}});
  }
  for (Json& s : NoDataReads(state_bucket, state_key, foreign)) statements.push_back(std::move(s));
  unit.Resource("aws_iam_role_policy", "planner_state_" + a.alias,
                {{"provider", BootstrapProvider(a)},
                 {"name", "eurus-state-only"},
                 {"role", planner["name"]},
                 {"policy", Policy(std::move(statements))}},
                a.origin);
}

}  // namespace eurus::synth
