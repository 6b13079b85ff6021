#pragma once
// The naming scheme: every AWS name eurus derives, defined once. Environments live in
// accounts of their own, so account-scoped names need not repeat the environment; names
// that are global (S3) carry the account id. Every function here returns the name and the
// inputs it was made from, so a name over its limit can say which inputs to shorten.

#include <string>
#include <vector>

#include "catalog/store_kinds.h"

namespace eurus::naming {

enum class Kind {
  kS3Bucket,        ///< 3-63, [a-z0-9.-], letter/digit at both ends, reserved prefixes/suffixes
  kAlb,             ///< <= 32, [A-Za-z0-9-], no hyphen at the ends, not "internal-"
  kTargetGroup,     ///< <= 32, as ALB
  kIamRole,         ///< <= 64, [\w+=,.@-]
  kRdsCluster,      ///< 1-63, letter first, [a-z0-9-], no "--", no trailing hyphen (Aurora, DocumentDB)
  kElastiCache,     ///< <= 40, as RDS
  kLogGroup,        ///< <= 512, [A-Za-z0-9_/.#-], not "aws/"
  kSecret,          ///< <= 512, [A-Za-z0-9/_+=.@-], not ending in hyphen + 6 characters
  kEcsCluster,      ///< <= 255, [A-Za-z0-9_-]
  kSecurityGroup,   ///< <= 255
  kEcsService,      ///< <= 255, [A-Za-z0-9_-]
  kTaskFamily,      ///< <= 255, [A-Za-z0-9_-]
  kSsmParameter,    ///< <= 960 (1011 with the ARN prefix), [A-Za-z0-9_.-/], at most 15 levels, not "aws"/"ssm" first
  kSnsTopic,        ///< <= 256, [A-Za-z0-9_-]
  kDashboard,       ///< <= 255, [A-Za-z0-9_-]
  kAlarm,           ///< <= 255, printable ASCII
  kSamplingRule,    ///< 1-32 (X-Ray RuleName); eurus keeps to [A-Za-z0-9-]
};

struct Input {
  std::string what;   ///< "tenant", "app", ...
  std::string value;
};

struct Name {
  Kind kind;
  std::string value;
  std::vector<Input> inputs;
};

/// The service-facing description and limit of a kind ("target group name", 32).
const char* Describe(Kind kind);
size_t Limit(Kind kind);

/// Empty when `name` satisfies its kind's rules; otherwise what is wrong (lowercase).
std::string Problem(const Name& name);

// ---- the scheme ----
// management account
Name StateBucket(const std::string& org, const std::string& account);   // {org}-tfstate-{account}
/// The state bucket's S3 access logs: at most 12 + 14 + 12 characters (the org name has at
/// most 12), so always a valid bucket name when the state bucket's is.
Name StateLogBucket(const std::string& org, const std::string& account); // {org}-tfstate-logs-{account}
/// The alias of the account's state key (not a Name: aliases have their own rules).
std::string StateKeyAlias(const std::string& org);                      // alias/{org}-tfstate
Name DeployerRole(const std::string& org);                              // {org}-deployer
Name PlannerRole(const std::string& org);                               // {org}-planner
/// The permissions boundary every role eurus creates carries (IAM policy names allow what
/// role names allow, up to 128 characters).
Name BoundaryPolicy(const std::string& org);                            // {org}-boundary
// environment account (shared platform)
Name Alb(const std::string& org, const std::string& env);               // {org}-{env}
Name AlbLogsBucket(const std::string& org, const std::string& env, const std::string& account);
/// {org}-{env}-access-logs-{account}: S3 server access logs of the environment's log buckets.
Name AccessLogsBucket(const std::string& org, const std::string& env, const std::string& account);
Name FlowLogGroup(const std::string& org, const std::string& env);      // /eurus/{org}/{env}/vpc-flow-logs
// tenant, in an environment account
Name EcsCluster(const std::string& org, const std::string& tenant);     // {org}-{tenant}
Name TargetGroup(const std::string& org, const std::string& tenant, const std::string& app);
Name TaskRole(const std::string& org, const std::string& tenant, const std::string& app);
Name ExecutionRole(const std::string& org, const std::string& tenant, const std::string& app);
Name AppLogGroup(const std::string& org, const std::string& env, const std::string& tenant,
                 const std::string& app);
Name AppSecurityGroup(const std::string& org, const std::string& tenant);
Name DataSecurityGroup(const std::string& org, const std::string& tenant);
Name Secret(const std::string& org, const std::string& tenant, const std::string& secret);
Name EcsService(const std::string& org, const std::string& tenant, const std::string& app);   // {org}-{tenant}-{app}
Name TaskFamily(const std::string& org, const std::string& tenant, const std::string& app);   // {org}-{tenant}-{app}
/// /eurus/{env}/{tenant}/{app}/image: the image the app runs, set by the tenant's pipeline.
Name ImageParameter(const std::string& env, const std::string& tenant, const std::string& app);
/// {org}-{tenant}-{app}-{what}: one of an app's alarms ("cpu-high", "5xx", ...).
Name AppAlarm(const std::string& org, const std::string& tenant, const std::string& app,
              const std::string& what);
Name TenantAlarmTopic(const std::string& org, const std::string& tenant);  // {org}-{tenant}-alarms
Name TenantDashboard(const std::string& org, const std::string& tenant);   // {org}-{tenant}
/// "stripe-key" → "STRIPE_KEY": the environment variable a secret is injected as.
std::string SecretVariable(const std::string& secret);
Name AuroraCluster(const std::string& org, const std::string& tenant, const std::string& resource);
Name DocDbCluster(const std::string& org, const std::string& tenant, const std::string& resource);
Name Cache(const std::string& org, const std::string& tenant, const std::string& resource);
Name Bucket(const std::string& org, const std::string& tenant, const std::string& resource,
            const std::string& account);
/// The name of a data store of `kind` (its row's `naming`: one of the three above).
/// `account` is read by bucket names only.
Name StoreName(catalog::StoreKind kind, const std::string& org, const std::string& tenant,
               const std::string& resource, const std::string& account);
/// {cluster}-{n}: instance n (1-based) of an Aurora or DocumentDB cluster.
Name DbInstance(const Name& cluster, int n);
// backups (data stores: docs/DisasterRecovery.md)
/// {org}-{env}: the environment's backup vault and its snapshot plan (AWS Backup names:
/// 2-50 characters; org and environment are short enough by construction).
std::string BackupVault(const std::string& org, const std::string& env);
/// {org}-central: the realm's central vault in its common account, receiving copies.
std::string CentralBackupVault(const std::string& org);
/// {org}-backup: the role AWS Backup assumes in an environment account.
Name BackupRole(const std::string& org);
/// {org}-rds-monitoring: the role RDS enhanced monitoring assumes in an environment account.
Name RdsMonitoringRole(const std::string& org);
// X-Ray sampling rules (environment account; synth/sampling.h)
/// {org}-all-services: the environment's default rule. Tenant names hold no '-', so it
/// never equals a tenant's rule name (a tenant may be called "default" or "all").
Name DefaultSamplingRule(const std::string& org);
/// {org}-{tenant}: a tenant's own rule; at most 12 + 1 + 16 = 29 characters.
Name TenantSamplingRule(const std::string& org, const std::string& tenant);
// tenant access (synth/access.cc, synth/registry.cc; docs/Observability.md)
/// {org}-{tenant}-read: the tenant team's read role in each environment account it is in.
Name TenantReadRole(const std::string& org, const std::string& tenant);
/// {org}-{tenant}-release: the tenant's CI role in its environment accounts (image
/// parameters) and in the common account of each realm it is in (its own repositories).
Name TenantReleaseRole(const std::string& org, const std::string& tenant);

}  // namespace eurus::naming
