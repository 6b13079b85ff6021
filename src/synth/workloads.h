#pragma once
// Private to the workloads of a tenant unit, which two files add: workloads.cc (the cluster,
// secrets, alarm topic, and per app its routing, alarms, service, scaling and dashboard row)
// and workloads_task.cc (per app what its tasks run with: log group, image parameter, roles,
// task definition).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "synth/synth.h"

namespace eurus::synth::workloads {

using tf::Json;

/// The app container's name in every task definition (load_balancer.container_name).
inline constexpr char kAppContainer[] = "app";

/// A literal in a Terraform string: `${` and `%{` would start an interpolation.
std::string Literal(const std::string& s);

/// What the parts of one tenant's workloads share (AddTenantWorkloads builds it once).
struct TenantScope {
  const Context& ctx;
  const model::Org& org;
  const model::Environment& env;
  const model::Tenant& tenant;
  const model::Deployment& dep;
  tf::Unit& unit;
  const std::string& t;  ///< the tenant's name
  tf::Origin o_tenant;
  bool prod;
  tf::Ref pf;           ///< <env>/platform's remote state
  std::string kms_key;  ///< the environment's key (platform output)
  std::string vpc_id;   ///< network output
  tf::Ref app_sg;       ///< the tenant's app security group (tenant_network.cc)
  Json subnets;         ///< the tenant subnet of every AZ, in AZ order
  std::string cluster_name;
  /// Alarm actions: the environment's topic, and the tenant's own with contacts.
  Json topics;
  /// The tenant's secrets by name (AddSecrets).
  std::map<std::string, tf::Ref> secrets;
  /// Distinct routed ports → the route of the app that opened it first.
  std::map<int, tf::Origin> alb_ports;
};

/// The tenant's ECS cluster and its capacity providers.
struct EcsCluster {
  tf::Ref cluster;
  tf::Ref capacity;
};

/// What the parts of one app's workload share.
struct AppScope {
  const model::App& a;
  size_t index;     ///< in dep.apps: the app's dashboard row
  tf::Origin o;
  std::string k;    ///< block name prefix "<tenant>_<app>"
  Json app_tags;
  std::string service_name;
  std::string group;      ///< the app's log group
  std::string group_arn;
  /// What the app gets for each resource it uses (data.cc): task role statements,
  /// connection settings, injected secrets.
  std::vector<DataAccess> access;
  /// Routed apps (AddRouting): the target group, its listener rules' addresses and the
  /// ALB's CloudWatch dimension.
  std::optional<tf::Ref> tg;
  Json rule_addresses = Json::array();
  std::string alb_suffix;
  /// The app's alarms by what they watch (AddServiceAlarms, AddTargetAlarms).
  std::map<std::string, tf::Ref> alarms;

  /// The app's tags with a Name.
  Json Named(const std::string& name) const {
    Json j = app_tags;
    j["Name"] = name;
    return j;
  }
};

// ---- per app, what its tasks run with (workloads_task.cc) ----
/// Log group: the app's and its collector's streams, KMS-encrypted, env retention.
void AddLogGroup(const TenantScope& w, const AppScope& app);
/// The image: an SSM parameter the tenant's pipeline sets (by digest); its refreshed value
/// is what the task definition runs, so a deploy never fights the state.
tf::Ref AddImageParameter(const TenantScope& w, const AppScope& app);
/// Execution role: what ECS does for the task (pull, logs, secrets).
tf::Ref AddExecutionRole(const TenantScope& w, const AppScope& app);
/// Task role: what the app's code may do: traces, and the tenant's resources it uses.
tf::Ref AddTaskRole(const TenantScope& w, const AppScope& app);
/// Task definition: the app container (running `image`) and the collector sidecar.
tf::Ref AddTaskDefinition(const TenantScope& w, const AppScope& app, const tf::Ref& image,
                          const tf::Ref& exec, const tf::Ref& task);

}  // namespace eurus::synth::workloads
