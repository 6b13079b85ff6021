// The workloads of a tenant unit: the tenant's ECS cluster, and per app its roles, log
// group, image parameter, task definition (app container and an OpenTelemetry collector
// sidecar), service in the tenant subnets of every AZ, autoscaling, alarms, and for apps
// with a route a target group, listener rules on the environment's shared ALB and the app
// security group's rule admitting the ALB; the app group's rules out to the ALB's listeners
// (for every tenant with apps). Then the tenant's secrets and alarm topic (the tenant's
// dashboard is a selection of the platform unit's, platform.cc). Everything here belongs to one tenant and reads the shared platform through
// <env>/platform's outputs (contract.h). What an app's tasks run with (log group, image
// parameter, roles, task definition) is in workloads_task.cc. See docs/Workloads.md.

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/workloads.h"

namespace eurus::synth {
namespace workloads {
namespace {

/// Routed apps need the platform's listener: its output exists once a tenant routes an app.
void RequireListener(const model::Environment& env, const model::Tenant& tenant,
                     const model::Deployment& dep, const tf::Unit& platform) {
  bool routed = false;
  for (const model::App& a : dep.apps) routed = routed || a.route.has_value();
  if (routed && !platform.outputs().count(platform_out::kListenerArn))
    throw std::logic_error(fmt::format(
        "tenant {} has routed apps in {}, whose platform unit has no listener", tenant.name,
        env.name));
}

TenantScope MakeTenantScope(const Context& ctx, const model::Environment& env,
                            const model::Tenant& tenant, const model::Deployment& dep,
                            const tf::Unit& network, const tf::Unit& platform, tf::Unit& unit) {
  const std::string& t = tenant.name;
  tf::Ref pf = unit.RemoteState(platform, ctx.BackendFor(env.account, kPlatformUnit));
  tf::Ref nw = unit.RemoteState(network, ctx.BackendFor(env.account, "network"));
  Json subnets = Json::array();
  for (const std::string& az : env.network.azs)
    subnets.push_back(unit.Existing("aws_subnet", t + "_" + BlockKey(az))["id"]);
  return TenantScope{
      .ctx = ctx,
      .org = ctx.org,
      .env = env,
      .tenant = tenant,
      .dep = dep,
      .unit = unit,
      .t = t,
      .o_tenant = ctx.Origin(tenant.span),
      .prod = env.realm == model::RealmKind::kProd,
      .pf = pf,
      .kms_key = pf.Output(platform_out::kKmsKeyArn),
      .vpc_id = nw.Output("vpc_id"),
      .app_sg = unit.Existing("aws_security_group", t + "_app"),
      .subnets = std::move(subnets),
      .cluster_name = naming::EcsCluster(ctx.org.name, t).value,
      .topics = Json::array({pf.Output(platform_out::kAlarmTopicArn)}),
      .secrets = {},
      .alb_ports = {},
  };
}

/// The tenant's cluster: Fargate only; ECS Exec off (no shell into tasks); Container
/// Insights as the environment sets it (`container_insights`: on in prod; its metrics are
/// billed per cluster, service and task).
EcsCluster AddCluster(const TenantScope& w) {
  const char* insights = w.env.container_insights ? "enabled" : "disabled";
  tf::Ref cluster = w.unit.Resource(
      "aws_ecs_cluster", w.t,
      {{"name", w.cluster_name},
       {"setting", Json::array({{{"name", "containerInsights"}, {"value", insights}}})},
       {"tags", {{"Name", w.cluster_name}}}},
      w.o_tenant);
  tf::Ref capacity = w.unit.Resource(
      "aws_ecs_cluster_capacity_providers", w.t,
      {{"cluster_name", cluster["name"]},
       {"capacity_providers", Json::array({"FARGATE", "FARGATE_SPOT"})},
       {"default_capacity_provider_strategy",
        Json::array({{{"capacity_provider", "FARGATE"}, {"weight", 1}, {"base", 0}}})}},
      w.o_tenant);
  return {cluster, capacity};
}

/// The tenant's alarm topic (only with contacts), subscribed by every contact.
void AddTenantAlarmTopic(TenantScope& w) {
  if (w.tenant.contacts.empty()) return;
  const std::string topic_name = naming::TenantAlarmTopic(w.org.name, w.t).value;
  tf::Ref topic = w.unit.Resource(
      "aws_sns_topic", w.t + "_alarms",
      {{"name", topic_name}, {"kms_master_key_id", w.kms_key}, {"tags", {{"Name", topic_name}}}},
      w.o_tenant);
  std::set<std::string> keys;
  for (const std::string& email : w.tenant.contacts) {
    std::string key;
    for (unsigned char c : email) key += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    for (std::string k = key; !keys.insert(key).second;)
      key = k + "_" + std::to_string(keys.size());
    w.unit.Resource("aws_sns_topic_subscription", w.t + "_alarms_" + key,
                    {{"topic_arn", topic["arn"]}, {"protocol", "email"}, {"endpoint", email}},
                    w.o_tenant);
  }
  w.topics.push_back(topic["arn"]);
}

/// The tenant's secrets: created empty, values set out of band.
void AddSecrets(TenantScope& w) {
  std::set<std::string> keys;
  for (const model::App& a : w.dep.apps) {
    for (const std::string& s : a.secrets) {
      if (w.secrets.count(s)) continue;
      std::string key = w.t + "_secret_" + BlockKey(s);
      for (std::string k = key; !keys.insert(key).second;)
        key = k + "_" + std::to_string(keys.size());
      const std::string name = naming::Secret(w.org.name, w.t, s).value;
      w.secrets.emplace(
          s, w.unit.Resource("aws_secretsmanager_secret", key,
                             {{"name", name},
                              {"description", fmt::format("secret `{}` of tenant {}; its value is "
                                                          "set out of band (docs/Workloads.md)",
                                                          s, w.t)},
                              {"kms_key_id", w.kms_key},
                              {"recovery_window_in_days", w.prod ? 30 : 7},
                              {"tags", {{"Name", name}}}},
                             w.ctx.Origin(a.span)));
    }
  }
}

AppScope MakeAppScope(const TenantScope& w, size_t index) {
  const model::App& a = w.dep.apps[index];
  const std::string group = naming::AppLogGroup(w.org.name, w.env.name, w.t, a.name).value;
  std::vector<DataAccess> access;
  for (const std::string& use : a.uses)
    for (const model::Resource& r : w.dep.resources)
      if (r.name == use) access.push_back(AccessTo(w.ctx, w.env, w.tenant, r));
  return AppScope{
      .a = a,
      .index = index,
      .o = w.ctx.Origin(a.span),
      .k = w.t + "_" + BlockKey(a.name),
      .app_tags = {{tags::kApp, a.name}},
      .service_name = naming::EcsService(w.org.name, w.t, a.name).value,
      .group = group,
      .group_arn =
          fmt::format("arn:aws:logs:{}:{}:log-group:{}", w.org.region, w.env.account, group),
      .access = std::move(access),
      .tg = std::nullopt,
      .rule_addresses = Json::array(),
      .alb_suffix = {},
      .alarms = {},
  };
}

/// Routed apps: the target group, the listener rules on the shared ALB's HTTPS listener,
/// and (once per port) the app security group's rule admitting the ALB.
void AddRouting(TenantScope& w, AppScope& app) {
  const model::App& a = app.a;
  if (!a.route) return;
  app.alb_suffix = w.pf.Output(platform_out::kAlbArnSuffix);
  const std::string tg_name = naming::TargetGroup(w.org.name, w.t, a.name).value;
  const tf::Origin o_route = w.ctx.Origin(a.route->span);
  tf::Ref tg = w.unit.Resource("aws_lb_target_group", app.k,
                               {{"name", tg_name},
                                {"target_type", "ip"},
                                {"protocol", "HTTP"},
                                {"protocol_version", "HTTP1"},
                                {"port", *a.port},
                                {"vpc_id", w.vpc_id},
                                {"deregistration_delay", 30},
                                {"health_check",
                                 {{"enabled", true},
                                  {"protocol", "HTTP"},
                                  {"port", "traffic-port"},
                                  {"path", Literal(a.health_check_path)},
                                  {"matcher", "200-399"},
                                  {"interval", 15},
                                  {"timeout", 5},
                                  {"healthy_threshold", 2},
                                  {"unhealthy_threshold", 3}}},
                                {"tags", app.Named(tg_name)}},
                               o_route);
  app.tg = tg;
  int n = 0;
  for (const model::ListenerRule& r : w.dep.listener_rules) {
    if (r.app != a.name) continue;
    tf::Ref rule = w.unit.Resource(
        "aws_lb_listener_rule", fmt::format("{}_{}", app.k, n++),
        {{"listener_arn", w.pf.Output(platform_out::kListenerArn)},
         {"priority", r.priority},
         {"action", Json::array({{{"type", "forward"}, {"target_group_arn", tg["arn"]}}})},
         {"condition", Json::array({{{"host_header", {{"values", Json::array({r.host})}}}},
                                    {{"path_pattern", {{"values", r.paths}}}}})},
         {"tags", app.app_tags}},
        o_route);
    app.rule_addresses.push_back(rule.Address());
  }
  if (w.alb_ports.count(*a.port)) return;
  w.alb_ports[*a.port] = o_route;
  w.unit.Resource(
      "aws_vpc_security_group_ingress_rule", fmt::format("{}_app_from_alb_{}", w.t, *a.port),
      {{"security_group_id", w.app_sg["id"]},
       {"description", fmt::format("port {} from the shared ALB", *a.port)},
       {"referenced_security_group_id", w.pf.Output(platform_out::kAlbSecurityGroupId)},
       {"ip_protocol", "tcp"},
       {"from_port", *a.port},
       {"to_port", *a.port},
       {"tags",
        {{"Name", fmt::format("{}-from-alb-{}", naming::AppSecurityGroup(w.org.name, w.t).value,
                              *a.port)}}}},
      o_route);
}

/// The tenant's apps reach the shared ALB on its listeners (contract.h, alb::), through the
/// ALB's security group, which the platform unit keeps in every environment: calls to
/// another tenant's app through the ALB (docs/Ingress.md, "Apps exposed to neither") need no
/// internet route, and this unit does not change when another tenant first routes an app.
void AddAlbReach(const TenantScope& w) {
  const std::string app_sg = naming::AppSecurityGroup(w.org.name, w.t).value;
  for (const auto& [what, port] : {std::pair<const char*, int>{"HTTPS", alb::kHttpsPort},
                                   std::pair<const char*, int>{"HTTP", alb::kHttpPort}}) {
    w.unit.Resource(
        "aws_vpc_security_group_egress_rule", fmt::format("{}_app_to_alb_{}", w.t, port),
        {{"security_group_id", w.app_sg["id"]},
         {"description", fmt::format("{} to the shared ALB (other tenants' routed apps)", what)},
         {"referenced_security_group_id", w.pf.Output(platform_out::kAlbSecurityGroupId)},
         {"ip_protocol", "tcp"},
         {"from_port", port},
         {"to_port", port},
         {"tags", {{"Name", fmt::format("{}-to-alb-{}", app_sg, port)}}}},
        w.o_tenant);
  }
}

/// One alarm of the app, to the environment's topic and the tenant's.
void AddAlarm(const TenantScope& w, AppScope& app, const std::string& what,
              const std::string& description, Json body) {
  const std::string name = naming::AppAlarm(w.org.name, w.t, app.a.name, what).value;
  body.update({{"alarm_name", name},
               {"alarm_description", description},
               {"alarm_actions", w.topics},
               {"ok_actions", w.topics},
               {"tags", app.app_tags}});
  app.alarms.emplace(what, w.unit.Resource("aws_cloudwatch_metric_alarm",
                                           app.k + "_" + BlockKey(what), std::move(body), app.o));
}

/// Too few tasks: for a routed app, fewer healthy targets than `replicas.min` (the ALB's
/// HealthyHostCount, a free metric that also counts a running task failing its health
/// checks as missing); for an unrouted app, fewer running tasks (RunningTaskCount, which
/// only Container Insights publishes: without it the app has no such alarm,
/// docs/Workloads.md). None for an app scaled to zero.
void AddTasksLowAlarm(const TenantScope& w, AppScope& app) {
  const model::App& a = app.a;
  if (a.replicas_min <= 0 || (!app.tg && !w.env.container_insights)) return;
  Json body = {{"statistic", "Minimum"},
               {"period", 60},
               {"evaluation_periods", 5},
               {"datapoints_to_alarm", 5},
               {"comparison_operator", "LessThanThreshold"},
               {"threshold", a.replicas_min},
               {"treat_missing_data", "missing"}};
  std::string what;
  if (app.tg) {
    what = "healthy targets";
    // ELB publishes nothing while a target group has no registered targets: every task
    // crashed and deregistered must page, not sit in INSUFFICIENT_DATA (CloudWatch,
    // "Configuring how alarms treat missing data").
    body["treat_missing_data"] = "breaching";
    body.update({{"namespace", "AWS/ApplicationELB"},
                 {"metric_name", "HealthyHostCount"},
                 {"dimensions", {{"TargetGroup", (*app.tg)["arn_suffix"]}, {"LoadBalancer", app.alb_suffix}}}});
  } else {
    what = "running tasks";
    body.update({{"namespace", "ECS/ContainerInsights"},
                 {"metric_name", "RunningTaskCount"},
                 {"dimensions", {{"ClusterName", w.cluster_name}, {"ServiceName", app.service_name}}}});
  }
  AddAlarm(w, app, "tasks-low",
           fmt::format("{}/{}: fewer than {} {} for 5 minutes (docs/Workloads.md)", w.t, a.name,
                       a.replicas_min, what),
           std::move(body));
}

/// Alarms on the service: CPU, memory, and too few tasks.
void AddServiceAlarms(const TenantScope& w, AppScope& app) {
  const model::App& a = app.a;
  const Json service_dims = {{"ClusterName", w.cluster_name}, {"ServiceName", app.service_name}};
  // CPU and memory: the same alarm on each utilisation metric.
  auto high = [&](const char* name, const char* what, const char* metric) {
    AddAlarm(w, app, name,
             fmt::format("{}/{}: average {} above 90% for 15 minutes (docs/Workloads.md)", w.t, a.name, what),
             {{"namespace", "AWS/ECS"},
              {"metric_name", metric},
              {"dimensions", service_dims},
              {"statistic", "Average"},
              {"period", 300},
              {"evaluation_periods", 3},
              {"datapoints_to_alarm", 3},
              {"comparison_operator", "GreaterThanThreshold"},
              {"threshold", 90},
              {"treat_missing_data", "notBreaching"}});
  };
  high("cpu-high", "CPU", "CPUUtilization");
  high("memory-high", "memory", "MemoryUtilization");
  AddTasksLowAlarm(w, app);
}

/// Alarms on the target group of a routed app: unhealthy targets, 5xx, p99 latency.
void AddTargetAlarms(const TenantScope& w, AppScope& app) {
  if (!app.tg) return;
  const std::string& a = app.a.name;
  const Json tg_dims = {{"TargetGroup", (*app.tg)["arn_suffix"]}, {"LoadBalancer", app.alb_suffix}};
  AddAlarm(w, app, "unhealthy-targets",
           fmt::format("{}/{}: a target failed its health checks for 3 minutes (docs/Workloads.md)",
                       w.t, a),
           {{"namespace", "AWS/ApplicationELB"},
            {"metric_name", "UnHealthyHostCount"},
            {"dimensions", tg_dims},
            {"statistic", "Maximum"},
            {"period", 60},
            {"evaluation_periods", 3},
            {"datapoints_to_alarm", 3},
            {"comparison_operator", "GreaterThanThreshold"},
            {"threshold", 0},
            {"treat_missing_data", "notBreaching"}});
  AddAlarm(w, app, "target-5xx",
           fmt::format("{}/{}: more than 5 responses a minute with status 5xx, in 3 of 5 minutes "
                       "(docs/Workloads.md)",
                       w.t, a),
           {{"namespace", "AWS/ApplicationELB"},
            {"metric_name", "HTTPCode_Target_5XX_Count"},
            {"dimensions", tg_dims},
            {"statistic", "Sum"},
            {"period", 60},
            {"evaluation_periods", 5},
            {"datapoints_to_alarm", 3},
            {"comparison_operator", "GreaterThanThreshold"},
            {"threshold", 5},
            {"treat_missing_data", "notBreaching"}});
  AddAlarm(w, app, "latency-p99",
           fmt::format("{}/{}: p99 response time above 2 s for 15 minutes (docs/Workloads.md)",
                       w.t, a),
           {{"namespace", "AWS/ApplicationELB"},
            {"metric_name", "TargetResponseTime"},
            {"dimensions", tg_dims},
            {"extended_statistic", "p99"},
            {"period", 300},
            {"evaluation_periods", 3},
            {"datapoints_to_alarm", 3},
            {"comparison_operator", "GreaterThanThreshold"},
            {"threshold", 2},
            {"treat_missing_data", "notBreaching"}});
}

/// Where the service's tasks run: on demand; spot outside prod; in prod with spot, the
/// minimum on demand and the rest on spot.
Json CapacityStrategy(const model::App& a, bool prod) {
  if (!a.spot) return Json::array({{{"capacity_provider", "FARGATE"}, {"weight", 1}, {"base", 0}}});
  if (!prod)
    return Json::array({{{"capacity_provider", "FARGATE_SPOT"}, {"weight", 1}, {"base", 0}}});
  return Json::array({{{"capacity_provider", "FARGATE"}, {"weight", 0}, {"base", a.replicas_min}},
                      {{"capacity_provider", "FARGATE_SPOT"}, {"weight", 1}, {"base", 0}}});
}

/// The service: every AZ's tenant subnet, no public IP, rollback on failure or alarm.
tf::Ref AddService(const TenantScope& w, const AppScope& app, const EcsCluster& cluster,
                   const tf::Ref& td) {
  const model::App& a = app.a;
  Json service = {
      {"name", app.service_name},
      {"cluster", cluster.cluster["id"]},
      {"task_definition", td["arn"]},
      {"desired_count", a.replicas_min},
      {"capacity_provider_strategy", CapacityStrategy(a, w.prod)},
      {"platform_version", "LATEST"},
      {"network_configuration",
       {{"subnets", w.subnets},
        {"security_groups", Json::array({w.app_sg["id"]})},
        {"assign_public_ip", false}}},
      {"deployment_circuit_breaker", {{"enable", true}, {"rollback", true}}},
      {"deployment_minimum_healthy_percent", 100},
      {"deployment_maximum_percent", 200},
      {"availability_zone_rebalancing", "ENABLED"},
      {"propagate_tags", "SERVICE"},
      {"enable_ecs_managed_tags", true},
      {"enable_execute_command", false},
      {"wait_for_steady_state", false},
      {"lifecycle", {{"ignore_changes", Json::array({"desired_count"})}}},
      {"tags", app.Named(app.service_name)},
  };
  Json depends = Json::array({cluster.capacity.Address()});
  if (app.tg) {
    service["load_balancer"] = Json::array({{{"target_group_arn", (*app.tg)["arn"]},
                                             {"container_name", kAppContainer},
                                             {"container_port", *a.port}}});
    service["health_check_grace_period_seconds"] = 60;
    // A bad release is one that fails health checks or answers with errors.
    service["alarms"] = {
        {"alarm_names", Json::array({app.alarms.at("unhealthy-targets")["alarm_name"],
                                     app.alarms.at("target-5xx")["alarm_name"]})},
        {"enable", true},
        {"rollback", true}};
    // ECS accepts a target group only once a listener rule ties it to the ALB.
    for (const Json& r : app.rule_addresses) depends.push_back(r);
  }
  service["depends_on"] = depends;
  return w.unit.Resource("aws_ecs_service", app.k, std::move(service), app.o);
}

/// Scaling: replicas min..max, target tracking on every target given.
void AddScaling(const TenantScope& w, const AppScope& app, const EcsCluster& cluster,
                const tf::Ref& svc) {
  const model::App& a = app.a;
  tf::Ref target = w.unit.Resource(
      "aws_appautoscaling_target", app.k,
      {{"service_namespace", "ecs"},
       {"resource_id", fmt::format("service/{}/{}", cluster.cluster["name"], svc["name"])},
       {"scalable_dimension", "ecs:service:DesiredCount"},
       {"min_capacity", a.replicas_min},
       {"max_capacity", a.replicas_max},
       {"tags", app.app_tags}},
      app.o);
  auto policy = [&](const std::string& what, const std::string& metric, int value, Json label) {
    Json spec = {{"predefined_metric_type", metric}};
    if (!label.is_null()) spec["resource_label"] = std::move(label);
    w.unit.Resource("aws_appautoscaling_policy", app.k + "_" + what,
                    {{"name", fmt::format("{}-{}", app.service_name, what)},
                     {"policy_type", "TargetTrackingScaling"},
                     {"service_namespace", target["service_namespace"]},
                     {"resource_id", target["resource_id"]},
                     {"scalable_dimension", target["scalable_dimension"]},
                     {"target_tracking_scaling_policy_configuration",
                      {{"target_value", value},
                       {"predefined_metric_specification", spec},
                       {"scale_in_cooldown", 300},
                       {"scale_out_cooldown", 60}}}},
                    app.o);
  };
  if (a.scaling_cpu) policy("cpu", "ECSServiceAverageCPUUtilization", *a.scaling_cpu, nullptr);
  if (a.scaling_memory)
    policy("memory", "ECSServiceAverageMemoryUtilization", *a.scaling_memory, nullptr);
  if (a.scaling_requests && app.tg)
    policy("requests", "ALBRequestCountPerTarget", *a.scaling_requests,
           fmt::format("{}/{}", app.alb_suffix, (*app.tg)["arn_suffix"]));
}

}  // namespace

std::string Literal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
    out += s[i];
  }
  return out;
}

}  // namespace workloads

void AddTenantWorkloads(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Deployment& dep,
                        const tf::Unit& network, const tf::Unit& platform, tf::Unit& unit) {
  if (dep.apps.empty()) return;
  workloads::RequireListener(env, tenant, dep, platform);
  workloads::TenantScope w =
      workloads::MakeTenantScope(ctx, env, tenant, dep, network, platform, unit);
  workloads::AddAlbReach(w);
  const workloads::EcsCluster cluster = workloads::AddCluster(w);
  workloads::AddTenantAlarmTopic(w);
  workloads::AddSecrets(w);
  for (size_t i = 0; i < dep.apps.size(); ++i) {
    workloads::AppScope app = workloads::MakeAppScope(w, i);
    workloads::AddLogGroup(w, app);
    const tf::Ref image = workloads::AddImageParameter(w, app);
    const tf::Ref exec = workloads::AddExecutionRole(w, app);
    const tf::Ref task = workloads::AddTaskRole(w, app);
    const tf::Ref td = workloads::AddTaskDefinition(w, app, image, exec, task);
    workloads::AddRouting(w, app);
    workloads::AddServiceAlarms(w, app);
    workloads::AddTargetAlarms(w, app);
    const tf::Ref svc = workloads::AddService(w, app, cluster, td);
    workloads::AddScaling(w, app, cluster, svc);
  }
  AddTenantSampling(ctx, env, tenant, dep, unit);  // sampling.cc: the tenant's X-Ray rule
}

}  // namespace eurus::synth
