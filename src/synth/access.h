#pragma once
// The tenant team's roles (issue 17; docs/Observability.md), generated where the resources
// are, for the principals the tenant file's `access` names (roles a team already has: an IAM
// role, an IAM Identity Center permission set's role):
//
//   <org>-<tenant>-read     each environment account the tenant is in (AddTenantAccess):
//                           its own log groups, alarms and ECS cluster, the environment's
//                           dashboard, and the account-wide metric and trace reads IAM
//                           cannot scope below the account;
//   <org>-<tenant>-release  each environment account (its own image parameters, here) and
//                           the common account of each realm it is in (its own repositories:
//                           registry.cc).
//
// Every role gets the account's permissions boundary from synth.cc (AddBoundaries); E0811
// (check/policy/tenant_roles.cc) proves that no statement reaches another tenant's resource.

#include <string>
#include <vector>

#include "model/model.h"
#include "tf/unit.h"

namespace eurus::synth::access {

/// The trust of a tenant role: sts:AssumeRole by exactly `principals` (sorted, distinct).
tf::Json Trust(const std::vector<std::string>& principals);

/// ARN patterns of a tenant's own resources in environment `env` (no tenant name holds a
/// `-` or a `/`, so a pattern ending in `<tenant>-*` or `<tenant>/*` matches no other
/// tenant's resource: docs/Observability.md).
std::string LogGroupsArn(const model::Org& org, const model::Environment& env, const std::string& tenant);
/// One pattern per app of `dep`: `...:alarm:<org>-<tenant>-<app>-*` (a JSON array of strings).
tf::Json AlarmsArns(const model::Org& org, const model::Environment& env, const std::string& tenant,
                    const model::Deployment& dep);
std::string ClusterArn(const model::Org& org, const model::Environment& env, const std::string& tenant);
std::string ImageParametersArn(const model::Org& org, const model::Environment& env,
                               const std::string& tenant);
/// The environment's dashboard (platform.cc: `<org>-<env>-platform`).
std::string DashboardArn(const model::Org& org, const model::Environment& env);

}  // namespace eurus::synth::access
