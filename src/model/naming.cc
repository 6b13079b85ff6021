#include "model/naming.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace eurus::naming {

const char* Describe(Kind kind) {
  switch (kind) {
    case Kind::kS3Bucket: return "S3 bucket name";
    case Kind::kAlb: return "load balancer name";
    case Kind::kTargetGroup: return "target group name";
    case Kind::kIamRole: return "IAM role name";
    case Kind::kRdsCluster: return "cluster identifier";
    case Kind::kElastiCache: return "ElastiCache cache name";
    case Kind::kLogGroup: return "log group name";
    case Kind::kSecret: return "Secrets Manager secret name";
    case Kind::kEcsCluster: return "ECS cluster name";
    case Kind::kSecurityGroup: return "security group name";
    case Kind::kEcsService: return "ECS service name";
    case Kind::kTaskFamily: return "ECS task definition family";
    case Kind::kSsmParameter: return "SSM parameter name";
    case Kind::kSnsTopic: return "SNS topic name";
    case Kind::kDashboard: return "CloudWatch dashboard name";
    case Kind::kAlarm: return "CloudWatch alarm name";
    case Kind::kSamplingRule: return "X-Ray sampling rule name";
  }
  return "name";
}

size_t Limit(Kind kind) {
  switch (kind) {
    case Kind::kS3Bucket: return 63;
    case Kind::kAlb: return 32;
    case Kind::kTargetGroup: return 32;
    case Kind::kIamRole: return 64;
    case Kind::kRdsCluster: return 63;
    case Kind::kElastiCache: return 40;
    case Kind::kLogGroup: return 512;
    case Kind::kSecret: return 512;
    case Kind::kEcsCluster: return 255;
    case Kind::kSecurityGroup: return 255;
    case Kind::kEcsService: return 255;
    case Kind::kTaskFamily: return 255;
    // 1011 characters including "arn:aws:ssm:<region>:<account>:parameter/" (at most 51).
    case Kind::kSsmParameter: return 960;
    case Kind::kSnsTopic: return 256;
    case Kind::kDashboard: return 255;
    case Kind::kAlarm: return 255;
    // CreateSamplingRule: RuleName 1-32 (the AWS provider validates StringLenBetween(1, 32)).
    case Kind::kSamplingRule: return 32;
  }
  return 0;
}

namespace {

bool StartsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool EndsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool AllOf(const std::string& s, const char* extra, bool upper) {
  for (unsigned char c : s) {
    if (std::islower(c) || std::isdigit(c)) continue;
    if (upper && std::isupper(c)) continue;
    if (std::strchr(extra, c)) continue;
    return false;
  }
  return true;
}
bool Alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

Name Make(Kind k, std::string value, std::vector<Input> inputs) {
  return {k, std::move(value), std::move(inputs)};
}

}  // namespace

std::string Problem(const Name& n) {
  const std::string& s = n.value;
  size_t limit = Limit(n.kind);
  if (s.size() > limit) return fmt::format("is {} characters; the limit is {}", s.size(), limit);
  if (s.empty()) return "is empty";
  switch (n.kind) {
    case Kind::kS3Bucket:
      if (s.size() < 3) return "is shorter than 3 characters";
      if (!AllOf(s, ".-", false)) return "may hold only lowercase letters, digits, '.' and '-'";
      if (!Alnum(s.front()) || !Alnum(s.back())) return "must start and end with a letter or digit";
      if (s.find("..") != std::string::npos) return "must not contain '..'";
      if (StartsWith(s, "xn--") || StartsWith(s, "sthree-") || StartsWith(s, "amzn-s3-demo-"))
        return "starts with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)";
      if (EndsWith(s, "-s3alias") || EndsWith(s, "--ol-s3") || EndsWith(s, ".mrap") ||
          EndsWith(s, "--x-s3") || EndsWith(s, "--table-s3"))
        return "ends with a suffix S3 reserves";
      return {};
    case Kind::kAlb:
    case Kind::kTargetGroup:
      if (!AllOf(s, "-", true)) return "may hold only letters, digits and hyphens";
      if (s.front() == '-' || s.back() == '-') return "must not start or end with a hyphen";
      if (StartsWith(s, "internal-")) return "must not start with `internal-`";
      return {};
    case Kind::kIamRole:
      if (!AllOf(s, "_+=,.@-", true)) return "may hold only letters, digits and _+=,.@-";
      return {};
    case Kind::kRdsCluster:
    case Kind::kElastiCache:
      if (!AllOf(s, "-", false)) return "may hold only lowercase letters, digits and hyphens";
      if (!std::isalpha(static_cast<unsigned char>(s.front()))) return "must start with a letter";
      if (s.back() == '-') return "must not end with a hyphen";
      if (s.find("--") != std::string::npos) return "must not contain two hyphens in a row";
      return {};
    case Kind::kLogGroup:
      if (!AllOf(s, "_/.#-", true)) return "may hold only letters, digits and _/.#-";
      if (StartsWith(s, "aws/")) return "must not start with `aws/`";
      return {};
    case Kind::kSecret: {
      if (!AllOf(s, "/_+=.@-", true)) return "may hold only letters, digits and /_+=.@-";
      // Secrets Manager appends "-" and six random characters to ARNs; a name that already
      // ends that way makes partial-ARN lookups ambiguous, so AWS rejects it.
      if (s.size() >= 7 && s[s.size() - 7] == '-' && s.substr(s.size() - 6).find_first_of("-/") == std::string::npos)
        return "must not end with a hyphen followed by six characters";
      return {};
    }
    case Kind::kEcsCluster:
      if (!AllOf(s, "_-", true)) return "may hold only letters, digits, '_' and '-'";
      return {};
    case Kind::kSecurityGroup:
      if (StartsWith(s, "sg-")) return "must not start with `sg-`";
      return {};
    case Kind::kEcsService:
    case Kind::kTaskFamily:
    case Kind::kSnsTopic:
    case Kind::kDashboard:
      if (!AllOf(s, "_-", true)) return "may hold only letters, digits, '_' and '-'";
      return {};
    case Kind::kSsmParameter: {
      if (!AllOf(s, "_.-/", true)) return "may hold only letters, digits and _.-/";
      std::string first = s.substr(s[0] == '/' ? 1 : 0, 3);
      for (char& c : first) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (first == "aws" || first == "ssm") return "must not start with `aws` or `ssm`";
      if (std::count(s.begin(), s.end(), '/') > 15) return "has more than 15 levels";
      return {};
    }
    case Kind::kAlarm:
      for (unsigned char c : s)
        if (c < 0x20 || c > 0x7e) return "may hold only printable ASCII characters";
      return {};
    case Kind::kSamplingRule:
      if (!AllOf(s, "-", true)) return "may hold only letters, digits and hyphens";
      return {};
  }
  return {};
}

Name StateBucket(const std::string& org, const std::string& account) {
  return Make(Kind::kS3Bucket, fmt::format("{}-tfstate-{}", org, account), {{"org", org}});
}
Name DeployerRole(const std::string& org) {
  return Make(Kind::kIamRole, org + "-deployer", {{"org", org}});
}
Name StateLogBucket(const std::string& org, const std::string& account) {
  return Make(Kind::kS3Bucket, fmt::format("{}-tfstate-logs-{}", org, account), {{"org", org}});
}
std::string StateKeyAlias(const std::string& org) { return fmt::format("alias/{}-tfstate", org); }
Name PlannerRole(const std::string& org) {
  return Make(Kind::kIamRole, org + "-planner", {{"org", org}});
}
Name BoundaryPolicy(const std::string& org) {
  return Make(Kind::kIamRole, org + "-boundary", {{"org", org}});
}
Name Alb(const std::string& org, const std::string& env) {
  return Make(Kind::kAlb, org + "-" + env, {{"org", org}, {"environment", env}});
}
Name AlbLogsBucket(const std::string& org, const std::string& env, const std::string& account) {
  return Make(Kind::kS3Bucket, fmt::format("{}-{}-alb-logs-{}", org, env, account),
              {{"org", org}, {"environment", env}});
}
Name AccessLogsBucket(const std::string& org, const std::string& env, const std::string& account) {
  return Make(Kind::kS3Bucket, fmt::format("{}-{}-access-logs-{}", org, env, account),
              {{"org", org}, {"environment", env}});
}
Name FlowLogGroup(const std::string& org, const std::string& env) {
  return Make(Kind::kLogGroup, fmt::format("/eurus/{}/{}/vpc-flow-logs", org, env),
              {{"org", org}, {"environment", env}});
}
Name EcsCluster(const std::string& org, const std::string& tenant) {
  return Make(Kind::kEcsCluster, org + "-" + tenant, {{"org", org}, {"tenant", tenant}});
}
Name TargetGroup(const std::string& org, const std::string& tenant, const std::string& app) {
  return Make(Kind::kTargetGroup, fmt::format("{}-{}-{}", org, tenant, app),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name TaskRole(const std::string& org, const std::string& tenant, const std::string& app) {
  return Make(Kind::kIamRole, fmt::format("{}-{}-{}-task", org, tenant, app),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name ExecutionRole(const std::string& org, const std::string& tenant, const std::string& app) {
  return Make(Kind::kIamRole, fmt::format("{}-{}-{}-exec", org, tenant, app),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name AppLogGroup(const std::string& org, const std::string& env, const std::string& tenant,
                 const std::string& app) {
  return Make(Kind::kLogGroup, fmt::format("/eurus/{}/{}/{}/{}", org, env, tenant, app),
              {{"org", org}, {"environment", env}, {"tenant", tenant}, {"app", app}});
}
Name AppSecurityGroup(const std::string& org, const std::string& tenant) {
  return Make(Kind::kSecurityGroup, fmt::format("{}-{}-app", org, tenant), {{"org", org}, {"tenant", tenant}});
}
Name DataSecurityGroup(const std::string& org, const std::string& tenant) {
  return Make(Kind::kSecurityGroup, fmt::format("{}-{}-data", org, tenant), {{"org", org}, {"tenant", tenant}});
}
Name Secret(const std::string& org, const std::string& tenant, const std::string& secret) {
  return Make(Kind::kSecret, fmt::format("{}/{}/{}", org, tenant, secret),
              {{"org", org}, {"tenant", tenant}, {"secret", secret}});
}
Name EcsService(const std::string& org, const std::string& tenant, const std::string& app) {
  return Make(Kind::kEcsService, fmt::format("{}-{}-{}", org, tenant, app),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name TaskFamily(const std::string& org, const std::string& tenant, const std::string& app) {
  return Make(Kind::kTaskFamily, fmt::format("{}-{}-{}", org, tenant, app),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name ImageParameter(const std::string& env, const std::string& tenant, const std::string& app) {
  return Make(Kind::kSsmParameter, fmt::format("/eurus/{}/{}/{}/image", env, tenant, app),
              {{"environment", env}, {"tenant", tenant}, {"app", app}});
}
Name AppAlarm(const std::string& org, const std::string& tenant, const std::string& app,
              const std::string& what) {
  return Make(Kind::kAlarm, fmt::format("{}-{}-{}-{}", org, tenant, app, what),
              {{"org", org}, {"tenant", tenant}, {"app", app}});
}
Name TenantAlarmTopic(const std::string& org, const std::string& tenant) {
  return Make(Kind::kSnsTopic, fmt::format("{}-{}-alarms", org, tenant), {{"org", org}, {"tenant", tenant}});
}
Name TenantDashboard(const std::string& org, const std::string& tenant) {
  return Make(Kind::kDashboard, fmt::format("{}-{}", org, tenant), {{"org", org}, {"tenant", tenant}});
}
std::string SecretVariable(const std::string& secret) {
  std::string v = secret;
  for (char& c : v) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v;
}
Name AuroraCluster(const std::string& org, const std::string& tenant, const std::string& resource) {
  return Make(Kind::kRdsCluster, fmt::format("{}-{}-{}", org, tenant, resource),
              {{"org", org}, {"tenant", tenant}, {"resource", resource}});
}
Name DocDbCluster(const std::string& org, const std::string& tenant, const std::string& resource) {
  return AuroraCluster(org, tenant, resource);
}
Name Cache(const std::string& org, const std::string& tenant, const std::string& resource) {
  return Make(Kind::kElastiCache, fmt::format("{}-{}-{}", org, tenant, resource),
              {{"org", org}, {"tenant", tenant}, {"resource", resource}});
}
Name Bucket(const std::string& org, const std::string& tenant, const std::string& resource,
            const std::string& account) {
  return Make(Kind::kS3Bucket, fmt::format("{}-{}-{}-{}", org, tenant, resource, account),
              {{"org", org}, {"tenant", tenant}, {"resource", resource}});
}

Name StoreName(catalog::StoreKind kind, const std::string& org, const std::string& tenant,
               const std::string& resource, const std::string& account) {
  switch (catalog::Row(kind).naming) {
    case catalog::StoreNaming::kCluster: return AuroraCluster(org, tenant, resource);
    case catalog::StoreNaming::kCache: return Cache(org, tenant, resource);
    case catalog::StoreNaming::kBucket: return Bucket(org, tenant, resource, account);
  }
  return Make(Kind::kS3Bucket, "", {});
}

Name DbInstance(const Name& cluster, int n) {
  return Make(cluster.kind, fmt::format("{}-{}", cluster.value, n), cluster.inputs);
}
std::string BackupVault(const std::string& org, const std::string& env) {
  return fmt::format("{}-{}", org, env);
}
std::string CentralBackupVault(const std::string& org) { return org + "-central"; }
Name BackupRole(const std::string& org) {
  return Make(Kind::kIamRole, org + "-backup", {{"org", org}});
}
Name RdsMonitoringRole(const std::string& org) {
  return Make(Kind::kIamRole, org + "-rds-monitoring", {{"org", org}});
}
Name DefaultSamplingRule(const std::string& org) {
  return Make(Kind::kSamplingRule, org + "-all-services", {{"org", org}});
}
Name TenantSamplingRule(const std::string& org, const std::string& tenant) {
  return Make(Kind::kSamplingRule, fmt::format("{}-{}", org, tenant), {{"org", org}, {"tenant", tenant}});
}
Name TenantReadRole(const std::string& org, const std::string& tenant) {
  return Make(Kind::kIamRole, fmt::format("{}-{}-read", org, tenant), {{"org", org}, {"tenant", tenant}});
}
Name TenantReleaseRole(const std::string& org, const std::string& tenant) {
  return Make(Kind::kIamRole, fmt::format("{}-{}-release", org, tenant), {{"org", org}, {"tenant", tenant}});
}

}  // namespace eurus::naming
