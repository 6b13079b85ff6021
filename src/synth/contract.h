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

/// common-<realm>/registry: one ECR repository per image of the realm.
inline constexpr char kRegistryUnit[] = "registry";

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
