// <env>/tenant-<name>: the tenant team's read and release roles (access.h). IAM facts this
// relies on, from the Service Authorization Reference (SAR, "Actions, resources, and condition
// keys for ...": Amazon CloudWatch Logs, Amazon CloudWatch, Amazon ECS, AWS X-Ray, AWS Systems
// Manager) and the services' guides:
// - Logs: GetLogEvents, FilterLogEvents, DescribeLogStreams, GetLogGroupFields, StartQuery and
//   StartLiveTail take log-group (or log-stream) ARNs, so a name prefix scopes them.
//   GetQueryResults, StopQuery, StopLiveTail and DescribeLogGroups take no resource (`*`).
//   DescribeQueries is left out on purpose: it lists every query of the account with its
//   id, and GetQueryResults answers any id, so it would lead to other tenants' results.
//   Reading a KMS-encrypted group needs no kms permission of the caller: CloudWatch Logs
//   decrypts with the key policy's grant to the logs service.
// - CloudWatch: GetDashboard takes a dashboard ARN (dashboards are global: no region in
//   it); DescribeAlarms and DescribeAlarmHistory take alarm ARNs (DescribeAlarms scoped below
//   `*` returns metric alarms only, never composite ones: API reference, DescribeAlarms);
//   GetMetricData, GetMetricStatistics, ListMetrics and ListDashboards take no resource.
// - X-Ray: trace reads (GetTraceSummaries, BatchGetTraces, GetServiceGraph, GetTraceGraph,
//   GetTimeSeriesServiceStatistics) take no resource; only groups and sampling rules have ARNs.
// - ECS: DescribeClusters, DescribeServices and DescribeTasks take cluster, service and task
//   ARNs (service/<cluster>/<name>, task/<cluster>/<id>); ListServices and ListTasks take none
//   but honour the ecs:cluster condition key.
// - SSM: PutParameter, GetParameter and GetParameters take parameter ARNs
//   (arn:aws:ssm:<region>:<account>:parameter/<name without its leading />). The image
//   parameters are plain Strings (workloads_task.cc), so no KMS key is involved.

#include "synth/access.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/naming.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace access {

using tf::Json;

Json Trust(const std::vector<std::string>& principals) {
  std::vector<std::string> p = principals;
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  Json aws = p.size() == 1 ? Json(p[0]) : Json(p);
  return Json::array({{{"Sid", "TenantTeam"},
                       {"Effect", "Allow"},
                       {"Principal", {{"AWS", aws}}},
                       {"Action", "sts:AssumeRole"}}});
}

std::string LogGroupsArn(const model::Org& org, const model::Environment& env, const std::string& tenant) {
  // /eurus/<org>/<env>/<tenant>/<app>: every app's group (naming::AppLogGroup); the `*` also
  // covers their streams (`...:log-stream:<name>`).
  return fmt::format("arn:aws:logs:{}:{}:log-group:{}", org.region, env.account,
                     naming::AppLogGroup(org.name, env.name, tenant, "*").value);
}

Json AlarmsArns(const model::Org& org, const model::Environment& env, const std::string& tenant,
                const model::Deployment& dep) {
  // <org>-<tenant>-<app>-<what> (naming::AppAlarm), one pattern per app of the deployment.
  // Another tenant's alarms start with `<org>-<other>-`, which begins with `<org>-<tenant>-`
  // only if <other> == <tenant>: the `-` after the tenant cannot be part of a tenant name.
  // The platform's ALB alarms are `<org>-<env>-alb-<what>`: only a tenant named like its
  // environment with an app named `alb` would see their state (read-only; Observability.md).
  Json arns = Json::array();
  for (const auto& app : dep.apps)
    arns.push_back(fmt::format("arn:aws:cloudwatch:{}:{}:alarm:{}-{}-{}-*", org.region, env.account, org.name,
                               tenant, app.name));
  return arns;
}

std::string ClusterArn(const model::Org& org, const model::Environment& env, const std::string& tenant) {
  return fmt::format("arn:aws:ecs:{}:{}:cluster/{}", org.region, env.account,
                     naming::EcsCluster(org.name, tenant).value);
}

std::string ImageParametersArn(const model::Org& org, const model::Environment& env,
                               const std::string& tenant) {
  // /eurus/<env>/<tenant>/<app>/image (naming::ImageParameter); the ARN drops the leading `/`.
  return fmt::format("arn:aws:ssm:{}:{}:parameter{}", org.region, env.account,
                     naming::ImageParameter(env.name, tenant, "*").value);
}

std::string DashboardArn(const model::Org& org, const model::Environment& env) {
  return fmt::format("arn:aws:cloudwatch::{}:dashboard/{}-{}-platform", env.account, org.name, env.name);
}

namespace {

Json ReadStatements(const model::Org& org, const model::Environment& env, const std::string& t,
                   const model::Deployment& dep) {
  const std::string cluster = ClusterArn(org, env, t);
  const std::string cluster_name = naming::EcsCluster(org.name, t).value;
  Json statements = Json::array({
      {{"Sid", "OwnLogGroups"},
       {"Effect", "Allow"},
       {"Action",
        {"logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents",
         "logs:GetLogGroupFields", "logs:StartLiveTail", "logs:StartQuery"}},
       {"Resource", LogGroupsArn(org, env, t)}},
      {{"Sid", "LogsCallsWithoutResource"},
       {"Effect", "Allow"},
       {"Action", {"logs:DescribeLogGroups", "logs:GetQueryResults", "logs:StopLiveTail", "logs:StopQuery"}},
       {"Resource", "*"}},
      {{"Sid", "EnvironmentDashboard"},
       {"Effect", "Allow"},
       {"Action", "cloudwatch:GetDashboard"},
       {"Resource", DashboardArn(org, env)}},
      {{"Sid", "OwnCluster"},
       {"Effect", "Allow"},
       {"Action", {"ecs:DescribeClusters", "ecs:DescribeServices", "ecs:DescribeTasks"}},
       {"Resource",
        {cluster,
         fmt::format("arn:aws:ecs:{}:{}:service/{}/*", org.region, env.account, cluster_name),
         fmt::format("arn:aws:ecs:{}:{}:task/{}/*", org.region, env.account, cluster_name)}}},
      {{"Sid", "ListOwnCluster"},
       {"Effect", "Allow"},
       {"Action", {"ecs:ListServices", "ecs:ListTasks"}},
       {"Resource", "*"},
       {"Condition", {{"ArnEquals", {{"ecs:cluster", cluster}}}}}},
      // Metrics and traces: IAM has no resource or condition that narrows these reads below
      // the account, so the team sees every tenant's metrics and traces of the environment
      // (the dashboards and the runbook need them; docs/Observability.md says so).
      {{"Sid", "AccountWideReadsIamCannotScope"},
       {"Effect", "Allow"},
       {"Action",
        {"cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListDashboards",
         "cloudwatch:ListMetrics", "xray:BatchGetTraces", "xray:GetServiceGraph",
         "xray:GetTimeSeriesServiceStatistics", "xray:GetTraceGraph", "xray:GetTraceSummaries"}},
       {"Resource", "*"}},
  });
  Json alarms = AlarmsArns(org, env, t, dep);
  if (!alarms.empty())
    statements.push_back({{"Sid", "OwnAlarms"},
                          {"Effect", "Allow"},
                          {"Action", {"cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"}},
                          {"Resource", alarms.size() == 1 ? alarms[0] : alarms}});
  return statements;
}

Json ReleaseStatements(const model::Org& org, const model::Environment& env, const std::string& t) {
  return Json::array({{{"Sid", "OwnImageParameters"},
                       {"Effect", "Allow"},
                       {"Action", {"ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter"}},
                       {"Resource", ImageParametersArn(org, env, t)}}});
}

/// Role `name` (block `<key>`) trusted by `principals`, with inline policy `policy_name`.
void AddRole(tf::Unit& unit, const std::string& key, const std::string& name,
             const std::string& description, const std::vector<std::string>& principals,
             const std::string& policy_name, Json statements, const tf::Origin& o) {
  tf::Ref role = unit.Resource("aws_iam_role", key,
                               {{"name", name},
                                {"description", description},
                                {"assume_role_policy", Policy(Trust(principals))}},
                               o);
  unit.Resource("aws_iam_role_policy", key,
                {{"name", policy_name}, {"role", role["id"]}, {"policy", Policy(std::move(statements))}}, o);
}

}  // namespace
}  // namespace access

void AddTenantAccess(const Context& ctx, const model::Environment& env, const model::Tenant& tenant,
                     tf::Unit& unit) {
  const model::Org& org = ctx.org;
  const model::Access& a = tenant.access;
  tf::Origin o = ctx.Origin(a.span);
  if (o.empty()) o = tenant.file;
  const model::Deployment* found = nullptr;
  for (const auto& d : tenant.deployments)
    if (d.env == env.name) found = &d;
  if (!found) return;
  const model::Deployment& dep = *found;
  if (!a.read.empty())
    access::AddRole(unit, "tenant_read", naming::TenantReadRole(org.name, tenant.name).value,
                    fmt::format("Team of tenant {}: its logs, alarms, ECS services and the {} "
                                "dashboard; the account's metrics and traces",
                                tenant.name, env.name),
                    a.read, "own-observability", access::ReadStatements(org, env, tenant.name, dep), o);
  if (!a.release.empty())
    access::AddRole(unit, "tenant_release", naming::TenantReleaseRole(org.name, tenant.name).value,
                    fmt::format("CI of tenant {}: sets the images its apps run in {}", tenant.name,
                                env.name),
                    a.release, "own-image-parameters", access::ReleaseStatements(org, env, tenant.name), o);
}

}  // namespace eurus::synth
