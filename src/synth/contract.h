#pragma once
// What units read from each other: the names of the platform unit's outputs that tenant
// units consume through remote state, and where the realm registry keeps images. One
// place, so a renamed output fails to compile rather than failing at plan time (and
// tf::Unit::RemoteState checks at synth time that the upstream unit declares them).

#include <fmt/format.h>

#include <string>

#include "model/model.h"

namespace eurus::synth {

/// <env>/platform: the environment's shared KMS key, ALB, certificate, zone and alarm topic.
inline constexpr char kPlatformUnit[] = "platform";

namespace platform_out {
inline constexpr char kKmsKeyArn[] = "kms_key_arn";                 ///< environment CMK (logs, secrets, SNS, data)
inline constexpr char kAlbSecurityGroupId[] = "alb_security_group_id";  ///< admitted by tenant app SGs
inline constexpr char kListenerArn[] = "https_listener_arn";        ///< tenant listener rules attach here
inline constexpr char kAlbArnSuffix[] = "alb_arn_suffix";           ///< CloudWatch LoadBalancer dimension
inline constexpr char kAlarmTopicArn[] = "alarm_topic_arn";         ///< the environment's SNS topic
inline constexpr char kApiId[] = "api_id";                          ///< HTTP API (ingress.api_gateway)
inline constexpr char kVpcLinkId[] = "api_vpc_link_id";             ///< its VPC link to the shared ALB
}  // namespace platform_out

/// The shared ALB's listeners (platform_alb.cc): HTTPS, and HTTP that only redirects to it.
/// Its security group admits the VPC on both, and every tenant app group may reach it on both
/// (workloads.cc), so calls between tenants through the ALB need no internet route.
namespace alb {
inline constexpr int kHttpsPort = 443;
inline constexpr int kHttpPort = 80;
}  // namespace alb

/// "alias/<org>-<env>": the environment key's alias (platform unit). IAM statements that may use
/// the key through a service match `arn:aws:kms:<region>:<account>:key/*` with the condition
/// `kms:ResourceAliases` on this alias, so tenant units need not read the key's ARN for them.
inline std::string EnvironmentKeyAlias(const std::string& org, const std::string& env) {
  return fmt::format("alias/{}-{}", org, env);
}

/// common-<realm>/registry: one ECR repository per image of the realm.
inline constexpr char kRegistryUnit[] = "registry";

/// common-<realm>/backup: the realm's central backup vault, receiving the copies of every
/// environment's backups (backup.cc).
inline constexpr char kBackupUnit[] = "backup";

/// How each data store is backed up: the value of its tags::kBackup tag, which the
/// environment's AWS Backup selections (platform unit) match. Names are computed at synth time
/// on both sides, so no unit reads another's state for them (docs/DisasterRecovery.md).
namespace backup {
/// Aurora and DocumentDB: AWS Backup snapshots every rpo_hours, copied to the central vault
/// (their own automated backups give point-in-time restore besides). The plan's name.
inline std::string SnapshotPlan(const std::string& org, const std::string& env) {
  return fmt::format("{}-{}", org, env);
}
/// Versioned S3 buckets: AWS Backup continuous backup (point-in-time restore), copied to the
/// central vault every rpo_hours. The plan's name.
inline std::string ContinuousPlan(const std::string& org, const std::string& env) {
  return fmt::format("{}-{}-continuous", org, env);
}
/// Stores whose contents can be rebuilt from elsewhere: caches (ElastiCache, which AWS Backup
/// does not cover; they keep daily snapshots of their own) and buckets without versioning.
/// No RPO applies to them, and the policy rule E0805 accepts them only with this value.
inline constexpr char kRebuildable[] = "rebuildable";
/// How long backups are kept, in days: in the environment's vault and, for the copies, in the
/// central vault (within its vault lock's 7-365 days in prod).
inline int RetentionDays(model::RealmKind realm) { return realm == model::RealmKind::kProd ? 35 : 7; }
/// arn:aws:backup:<region>:<common account>:backup-vault:<org>-central
inline std::string CentralVaultArn(const model::Org& org, model::RealmKind realm) {
  return fmt::format("arn:aws:backup:{}:{}:backup-vault:{}-central", org.region,
                     org.realm(realm).common_account, org.name);
}
}  // namespace backup

/// The OpenTelemetry collector sidecar (AWS Distro for OpenTelemetry), copied into every
/// realm registry under this repository name, because the VPCs have no internet route.
inline constexpr char kCollectorRepository[] = "eurus/aws-otel-collector";
inline constexpr char kCollectorTag[] = "v0.49.0";

/// "<account>.dkr.ecr.<region>.amazonaws.com/<repository>": the registry of `realm`.
inline std::string RepositoryUrl(const model::Org& org, model::RealmKind realm, const std::string& repository) {
  return fmt::format("{}.dkr.ecr.{}.amazonaws.com/{}", org.realm(realm).common_account, org.region, repository);
}

/// "alias/<org>-ecr": the KMS key that encrypts the registry of each realm (the same alias in
/// both common accounts). Cross-account IAM policies cannot name a key by alias ARN: match
/// `arn:aws:kms:<region>:<common account>:key/*` with the condition `kms:ResourceAliases`.
inline std::string RegistryKeyAlias(const model::Org& org) { return "alias/" + org.name + "-ecr"; }

}  // namespace eurus::synth
