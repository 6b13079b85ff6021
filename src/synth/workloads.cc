// The workloads of a tenant unit: the tenant's ECS cluster, and per app its roles, log
// group, image parameter, task definition (app container and an OpenTelemetry collector
// sidecar), service in the tenant subnets of every AZ, autoscaling, alarms, and for apps
// with a route a target group, listener rules on the environment's shared ALB and the app
// security group's rule admitting the ALB. Then the tenant's secrets, alarm topic and
// dashboard. Everything here belongs to one tenant and reads the shared platform through
// <env>/platform's outputs (contract.h). See docs/Workloads.md.

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// The app container's name in every task definition (load_balancer.container_name).
constexpr char kAppContainer[] = "app";
constexpr char kCollectorContainer[] = "otel-collector";
/// Traces only (OTLP in, X-Ray out). The image's default config would also export metrics
/// through EMF into one shared, unencrypted log group for every task of the account.
constexpr char kCollectorConfig[] = "--config=/etc/ecs/ecs-xray.yaml";
/// The tag of the placeholder image the image parameter starts with (docs/Workloads.md).
constexpr char kBootstrapTag[] = "bootstrap";

/// A literal in a Terraform string: `${` and `%{` would start an interpolation.
std::string Literal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
    out += s[i];
  }
  return out;
}

Json PolicyDocument(Json statements) {
  return {{"Version", kPolicyVersion}, {"Statement", std::move(statements)}};
}

/// arn:aws:ecr:<region>:<common account>:repository/<name>
std::string RepositoryArn(const model::Org& org, model::RealmKind realm,
                          const std::string& repository) {
  return fmt::format("arn:aws:ecr:{}:{}:repository/{}", org.region, org.realm(realm).common_account,
                     repository);
}

/// One metric of a dashboard widget: [namespace, name, dim, value, ..., {options}].
Json Metric(const std::string& ns, const std::string& name,
            const std::vector<std::pair<std::string, std::string>>& dims, Json options = nullptr) {
  Json m = Json::array({ns, name});
  for (const auto& [k, v] : dims) {
    m.push_back(k);
    m.push_back(v);
  }
  if (!options.is_null()) m.push_back(std::move(options));
  return m;
}

}  // namespace

void AddTenantWorkloads(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Deployment& dep,
                        const tf::Unit& network, const tf::Unit& platform, tf::Unit& unit) {
  const model::Org& org = ctx.org;
  const std::string& t = tenant.name;
  const tf::Origin o_tenant = ctx.Origin(tenant.span);
  const bool prod = env.realm == model::RealmKind::kProd;
  if (dep.apps.empty()) return;

  bool routed = false;
  for (const model::App& a : dep.apps) routed = routed || a.route.has_value();
  if (routed && !platform.outputs().count(platform_out::kListenerArn))
    throw std::logic_error(fmt::format(
        "tenant {} has routed apps in {}, whose platform unit has no listener", t, env.name));

  tf::Ref pf = unit.RemoteState(platform, ctx.BackendFor(env.account, kPlatformUnit));
  tf::Ref nw = unit.RemoteState(network, ctx.BackendFor(env.account, "network"));
  const std::string kms_key = pf.Output(platform_out::kKmsKeyArn);
  Json topics = Json::array({pf.Output(platform_out::kAlarmTopicArn)});

  tf::Ref app_sg = unit.Existing("aws_security_group", t + "_app");
  Json subnets = Json::array();
  for (const std::string& az : env.network.azs)
    subnets.push_back(unit.Existing("aws_subnet", t + "_" + BlockKey(az))["id"]);
  const std::string vpc_id = nw.Output("vpc_id");

  // ---- the tenant's cluster: Fargate only; ECS Exec off (no shell into tasks) ----
  const std::string cluster_name = naming::EcsCluster(org.name, t).value;
  tf::Ref cluster = unit.Resource(
      "aws_ecs_cluster", t,
      {{"name", cluster_name},
       {"setting", Json::array({{{"name", "containerInsights"}, {"value", "enabled"}}})},
       {"tags", {{"Name", cluster_name}}}},
      o_tenant);
  tf::Ref capacity = unit.Resource(
      "aws_ecs_cluster_capacity_providers", t,
      {{"cluster_name", cluster["name"]},
       {"capacity_providers", Json::array({"FARGATE", "FARGATE_SPOT"})},
       {"default_capacity_provider_strategy",
        Json::array({{{"capacity_provider", "FARGATE"}, {"weight", 1}, {"base", 0}}})}},
      o_tenant);

  // ---- the tenant's alarm topic (only with contacts) ----
  if (!tenant.contacts.empty()) {
    const std::string topic_name = naming::TenantAlarmTopic(org.name, t).value;
    tf::Ref topic = unit.Resource(
        "aws_sns_topic", t + "_alarms",
        {{"name", topic_name}, {"kms_master_key_id", kms_key}, {"tags", {{"Name", topic_name}}}},
        o_tenant);
    std::set<std::string> keys;
    for (const std::string& email : tenant.contacts) {
      std::string key;
      for (unsigned char c : email)
        key += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
      for (std::string k = key; !keys.insert(key).second;)
        key = k + "_" + std::to_string(keys.size());
      unit.Resource("aws_sns_topic_subscription", t + "_alarms_" + key,
                    {{"topic_arn", topic["arn"]}, {"protocol", "email"}, {"endpoint", email}},
                    o_tenant);
    }
    topics.push_back(topic["arn"]);
  }

  // ---- the tenant's secrets: created empty, values set out of band ----
  std::map<std::string, tf::Ref> secrets;
  {
    std::set<std::string> keys;
    for (const model::App& a : dep.apps) {
      for (const std::string& s : a.secrets) {
        if (secrets.count(s)) continue;
        std::string key = t + "_secret_" + BlockKey(s);
        for (std::string k = key; !keys.insert(key).second;)
          key = k + "_" + std::to_string(keys.size());
        const std::string name = naming::Secret(org.name, t, s).value;
        secrets.emplace(
            s,
            unit.Resource("aws_secretsmanager_secret", key,
                          {{"name", name},
                           {"description", fmt::format("secret `{}` of tenant {}; its value is set "
                                                       "out of band (docs/Workloads.md)",
                                                       s, t)},
                           {"kms_key_id", kms_key},
                           {"recovery_window_in_days", prod ? 30 : 7},
                           {"tags", {{"Name", name}}}},
                          ctx.Origin(a.span)));
      }
    }
  }

  // ---- per app ----
  std::map<int, tf::Origin> alb_ports;  // distinct routed ports → the app that opened it first
  Json widgets = Json::array();
  for (size_t ai = 0; ai < dep.apps.size(); ++ai) {
    const model::App& a = dep.apps[ai];
    const tf::Origin o = ctx.Origin(a.span);
    const std::string k = t + "_" + BlockKey(a.name);
    const Json app_tags = {{tags::kApp, a.name}};
    auto named = [&](const std::string& name) {
      Json j = app_tags;
      j["Name"] = name;
      return j;
    };
    const std::string service_name = naming::EcsService(org.name, t, a.name).value;

    // Log group: the app's and its collector's streams, KMS-encrypted, env retention.
    const std::string group = naming::AppLogGroup(org.name, env.name, t, a.name).value;
    const std::string group_arn =
        fmt::format("arn:aws:logs:{}:{}:log-group:{}", org.region, env.account, group);
    unit.Resource("aws_cloudwatch_log_group", k,
                  {{"name", group},
                   {"retention_in_days", env.log_retention_days},
                   {"kms_key_id", kms_key},
                   {"tags", named(group)}},
                  o);

    // The image: an SSM parameter the tenant's pipeline sets (by digest); its refreshed value
    // is what the task definition runs, so a deploy never fights the state.
    const std::string repo_url = RepositoryUrl(org, env.realm, a.image);
    const std::string param_name = naming::ImageParameter(env.name, t, a.name).value;
    tf::Ref image =
        unit.Resource("aws_ssm_parameter", k + "_image",
                      {{"name", param_name},
                       {"description",
                        fmt::format("the image app {} of tenant {} runs: set by its pipeline, then "
                                    "`eurus apply {}/tenant-{}` (docs/Workloads.md)",
                                    a.name, t, env.name, t)},
                       {"type", "String"},
                       {"insecure_value", fmt::format("{}:{}", repo_url, kBootstrapTag)},
                       {"lifecycle", {{"ignore_changes", Json::array({"insecure_value"})}}},
                       {"tags", named(param_name)}},
                      o);

    // Execution role: what ECS does for the task (pull, logs, secrets).
    const Json trust = PolicyDocument(
        Json::array({{{"Effect", "Allow"},
                      {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}},
                      {"Action", "sts:AssumeRole"},
                      {"Condition",
                       {{"StringEquals", {{"aws:SourceAccount", env.account}}},
                        {"ArnLike",
                         {{"aws:SourceArn",
                           fmt::format("arn:aws:ecs:{}:{}:*", org.region, env.account)}}}}}}}));
    const std::string exec_name = naming::ExecutionRole(org.name, t, a.name).value;
    tf::Ref exec = unit.Resource(
        "aws_iam_role", k + "_exec",
        {{"name", exec_name},
         {"description",
          fmt::format("ECS pulls, logs and reads secrets for app {} of tenant {}", a.name, t)},
         {"assume_role_policy", trust.dump()},
         {"tags", named(exec_name)}},
        o);
    Json exec_statements = Json::array({
        {{"Sid", "EcrLogin"},
         {"Effect", "Allow"},
         {"Action", "ecr:GetAuthorizationToken"},
         {"Resource", "*"}},
        {{"Sid", "EcrPull"},
         {"Effect", "Allow"},
         {"Action", Json::array({"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                                 "ecr:GetDownloadUrlForLayer"})},
         {"Resource", Json::array({RepositoryArn(org, env.realm, a.image),
                                   RepositoryArn(org, env.realm, kCollectorRepository)})}},
        {{"Sid", "Logs"},
         {"Effect", "Allow"},
         {"Action", Json::array({"logs:CreateLogStream", "logs:PutLogEvents"})},
         {"Resource", Json::array({group_arn, group_arn + ":log-stream:*"})}},
    });
    // What the app gets for each resource it uses (data.cc): task role statements, connection
    // settings, injected secrets.
    std::vector<DataAccess> access;
    for (const std::string& use : a.uses)
      for (const model::Resource& r : dep.resources)
        if (r.name == use) access.push_back(AccessTo(ctx, env, tenant, r));
    Json secret_arns = Json::array();
    for (const std::string& s : a.secrets) secret_arns.push_back(secrets.at(s)["arn"]);
    for (const DataAccess& da : access)
      for (const auto& [name, arn] : da.secrets) secret_arns.push_back(arn);
    if (!secret_arns.empty()) {
      exec_statements.push_back({{"Sid", "Secrets"},
                                 {"Effect", "Allow"},
                                 {"Action", "secretsmanager:GetSecretValue"},
                                 {"Resource", secret_arns}});
      exec_statements.push_back(
          {{"Sid", "DecryptSecrets"},
           {"Effect", "Allow"},
           {"Action", "kms:Decrypt"},
           {"Resource", kms_key},
           {"Condition",
            {{"StringEquals",
              {{"kms:ViaService", fmt::format("secretsmanager.{}.amazonaws.com", org.region)}}}}}});
    }
    unit.Resource("aws_iam_role_policy", k + "_exec",
                  {{"name", "pull-log-secrets"},
                   {"role", exec["id"]},
                   {"policy", PolicyDocument(exec_statements).dump()}},
                  o);

    // Task role: what the app's code may do: traces, and the tenant's resources it uses.
    const std::string task_name = naming::TaskRole(org.name, t, a.name).value;
    tf::Ref task = unit.Resource(
        "aws_iam_role", k + "_task",
        {{"name", task_name},
         {"description",
          fmt::format("app {} of tenant {}: traces and the resources it uses", a.name, t)},
         {"assume_role_policy", trust.dump()},
         {"tags", named(task_name)}},
        o);
    Json task_statements = Json::array(
        {{{"Sid", "Traces"},
          {"Effect", "Allow"},
          {"Action", Json::array({"xray:GetSamplingRules", "xray:GetSamplingTargets",
                                  "xray:PutTelemetryRecords", "xray:PutTraceSegments"})},
          {"Resource", "*"}}});
    for (const DataAccess& da : access)
      for (const Json& st : da.statements) task_statements.push_back(st);
    unit.Resource("aws_iam_role_policy", k + "_task",
                  {{"name", "traces-and-uses"},
                   {"role", task["id"]},
                   {"policy", PolicyDocument(task_statements).dump()}},
                  o);

    // Task definition: the app container and the collector sidecar.
    auto logs = [&](const char* prefix) {
      return Json{{"logDriver", "awslogs"},
                  {"options",
                   {{"awslogs-group", group},
                    {"awslogs-region", org.region},
                    {"awslogs-stream-prefix", prefix}}}};
    };
    std::map<std::string, std::string> vars;
    vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://localhost:4317";
    vars["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
    vars["OTEL_SERVICE_NAME"] = a.name;
    vars["OTEL_RESOURCE_ATTRIBUTES"] =
        fmt::format("service.namespace={},deployment.environment={}", t, env.name);
    for (auto& [name, value] : vars) value = Literal(value);
    // Connection settings of the resources it uses: references to the data stores' attributes
    // (interpolated, so not made literal); the app's own variables win.
    for (const DataAccess& da : access)
      for (const auto& [name, value] : da.environment) vars[name] = value;
    for (const auto& [name, value] : a.environment) vars[name] = Literal(value);
    Json environment = Json::array();
    for (const auto& [name, value] : vars)
      environment.push_back({{"name", name}, {"value", value}});
    Json app_container = {
        {"name", kAppContainer},
        {"image", image["insecure_value"]},
        {"essential", true},
        {"environment", environment},
        {"logConfiguration", logs("app")},
        {"readonlyRootFilesystem", true},
        {"mountPoints",
         Json::array({{{"sourceVolume", "tmp"}, {"containerPath", "/tmp"}, {"readOnly", false}}})},
        {"dependsOn",
         Json::array({{{"containerName", kCollectorContainer}, {"condition", "START"}}})},
    };
    if (a.port)
      app_container["portMappings"] =
          Json::array({{{"containerPort", *a.port}, {"protocol", "tcp"}}});
    if (!a.command.empty()) {
      Json cmd = Json::array();
      for (const std::string& c : a.command) cmd.push_back(Literal(c));
      app_container["command"] = cmd;
    }
    Json injected = Json::array();
    for (const std::string& s : a.secrets)
      injected.push_back(
          {{"name", naming::SecretVariable(s)}, {"valueFrom", secrets.at(s)["arn"]}});
    for (const DataAccess& da : access)
      for (const auto& [name, arn] : da.secrets)
        injected.push_back({{"name", name}, {"valueFrom", arn}});
    if (!injected.empty()) app_container["secrets"] = injected;
    Json collector = {
        {"name", kCollectorContainer},
        {"image", RepositoryUrl(org, env.realm, kCollectorRepository) + ":" + kCollectorTag},
        {"essential", false},
        {"command", Json::array({kCollectorConfig})},
        {"memory", 128},
        {"logConfiguration", logs("otel")},
        {"readonlyRootFilesystem", true},
    };
    const std::string family = naming::TaskFamily(org.name, t, a.name).value;
    tf::Ref td =
        unit.Resource("aws_ecs_task_definition", k,
                      {{"family", family},
                       {"requires_compatibilities", Json::array({"FARGATE"})},
                       {"network_mode", "awsvpc"},
                       {"cpu", std::to_string(a.cpu)},
                       {"memory", std::to_string(a.memory)},
                       {"runtime_platform",
                        {{"operating_system_family", "LINUX"}, {"cpu_architecture", "X86_64"}}},
                       {"execution_role_arn", exec["arn"]},
                       {"task_role_arn", task["arn"]},
                       {"container_definitions", Json::array({app_container, collector}).dump()},
                       {"volume", Json::array({{{"name", "tmp"}}})},
                       {"skip_destroy", true},
                       {"tags", named(family)}},
                      o);

    // Target group and listener rules (routed apps).
    std::optional<tf::Ref> tg;
    Json rule_addresses = Json::array();
    std::string alb_suffix;
    if (a.route) {
      alb_suffix = pf.Output(platform_out::kAlbArnSuffix);
      const std::string tg_name = naming::TargetGroup(org.name, t, a.name).value;
      const tf::Origin o_route = ctx.Origin(a.route->span);
      tg = unit.Resource("aws_lb_target_group", k,
                         {{"name", tg_name},
                          {"target_type", "ip"},
                          {"protocol", "HTTP"},
                          {"protocol_version", "HTTP1"},
                          {"port", *a.port},
                          {"vpc_id", vpc_id},
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
                          {"tags", named(tg_name)}},
                         o_route);
      int n = 0;
      for (const model::ListenerRule& r : dep.listener_rules) {
        if (r.app != a.name) continue;
        tf::Ref rule = unit.Resource(
            "aws_lb_listener_rule", fmt::format("{}_{}", k, n++),
            {{"listener_arn", pf.Output(platform_out::kListenerArn)},
             {"priority", r.priority},
             {"action", Json::array({{{"type", "forward"}, {"target_group_arn", (*tg)["arn"]}}})},
             {"condition", Json::array({{{"host_header", {{"values", Json::array({r.host})}}}},
                                        {{"path_pattern", {{"values", r.paths}}}}})},
             {"tags", app_tags}},
            o_route);
        rule_addresses.push_back(rule.Address());
      }
      if (!alb_ports.count(*a.port)) {
        alb_ports[*a.port] = o_route;
        unit.Resource(
            "aws_vpc_security_group_ingress_rule", fmt::format("{}_app_from_alb_{}", t, *a.port),
            {{"security_group_id", app_sg["id"]},
             {"description", fmt::format("port {} from the shared ALB", *a.port)},
             {"referenced_security_group_id", pf.Output(platform_out::kAlbSecurityGroupId)},
             {"ip_protocol", "tcp"},
             {"from_port", *a.port},
             {"to_port", *a.port},
             {"tags",
              {{"Name", fmt::format("{}-from-alb-{}", naming::AppSecurityGroup(org.name, t).value,
                                    *a.port)}}}},
            o_route);
      }
    }

    // Alarms: to the environment's topic and the tenant's.
    std::map<std::string, tf::Ref> alarms;
    auto alarm = [&](const std::string& what, const std::string& description, Json body) {
      const std::string name = naming::AppAlarm(org.name, t, a.name, what).value;
      body.update({{"alarm_name", name},
                   {"alarm_description", description},
                   {"alarm_actions", topics},
                   {"ok_actions", topics},
                   {"tags", app_tags}});
      alarms.emplace(what, unit.Resource("aws_cloudwatch_metric_alarm", k + "_" + BlockKey(what),
                                         std::move(body), o));
    };
    const Json service_dims = {{"ClusterName", cluster_name}, {"ServiceName", service_name}};
    alarm("cpu-high",
          fmt::format("{}/{}: average CPU above 90% for 15 minutes (docs/Workloads.md)", t, a.name),
          {{"namespace", "AWS/ECS"},
           {"metric_name", "CPUUtilization"},
           {"dimensions", service_dims},
           {"statistic", "Average"},
           {"period", 300},
           {"evaluation_periods", 3},
           {"datapoints_to_alarm", 3},
           {"comparison_operator", "GreaterThanThreshold"},
           {"threshold", 90},
           {"treat_missing_data", "notBreaching"}});
    alarm("memory-high",
          fmt::format("{}/{}: average memory above 90% for 15 minutes (docs/Workloads.md)", t,
                      a.name),
          {{"namespace", "AWS/ECS"},
           {"metric_name", "MemoryUtilization"},
           {"dimensions", service_dims},
           {"statistic", "Average"},
           {"period", 300},
           {"evaluation_periods", 3},
           {"datapoints_to_alarm", 3},
           {"comparison_operator", "GreaterThanThreshold"},
           {"threshold", 90},
           {"treat_missing_data", "notBreaching"}});
    if (a.replicas_min > 0)
      alarm("tasks-low",
            fmt::format("{}/{}: fewer than {} running tasks for 5 minutes (docs/Workloads.md)", t,
                        a.name, a.replicas_min),
            {{"namespace", "ECS/ContainerInsights"},
             {"metric_name", "RunningTaskCount"},
             {"dimensions", service_dims},
             {"statistic", "Minimum"},
             {"period", 60},
             {"evaluation_periods", 5},
             {"datapoints_to_alarm", 5},
             {"comparison_operator", "LessThanThreshold"},
             {"threshold", a.replicas_min},
             {"treat_missing_data", "missing"}});
    if (tg) {
      const Json tg_dims = {{"TargetGroup", (*tg)["arn_suffix"]}, {"LoadBalancer", alb_suffix}};
      alarm(
          "unhealthy-targets",
          fmt::format("{}/{}: a target failed its health checks for 3 minutes (docs/Workloads.md)",
                      t, a.name),
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
      alarm("target-5xx",
            fmt::format("{}/{}: more than 5 responses a minute with status 5xx, in 3 of 5 minutes "
                        "(docs/Workloads.md)",
                        t, a.name),
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
      alarm("latency-p99",
            fmt::format("{}/{}: p99 response time above 2 s for 15 minutes (docs/Workloads.md)", t,
                        a.name),
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

    // The service: every AZ's tenant subnet, no public IP, rollback on failure or alarm.
    Json strategy = Json::array();
    if (!a.spot)
      strategy.push_back({{"capacity_provider", "FARGATE"}, {"weight", 1}, {"base", 0}});
    else if (!prod)
      strategy.push_back({{"capacity_provider", "FARGATE_SPOT"}, {"weight", 1}, {"base", 0}});
    else  // prod: the minimum on demand, the rest on spot
      strategy =
          Json::array({{{"capacity_provider", "FARGATE"}, {"weight", 0}, {"base", a.replicas_min}},
                       {{"capacity_provider", "FARGATE_SPOT"}, {"weight", 1}, {"base", 0}}});
    Json service = {
        {"name", service_name},
        {"cluster", cluster["id"]},
        {"task_definition", td["arn"]},
        {"desired_count", a.replicas_min},
        {"capacity_provider_strategy", strategy},
        {"platform_version", "LATEST"},
        {"network_configuration",
         {{"subnets", subnets},
          {"security_groups", Json::array({app_sg["id"]})},
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
        {"tags", named(service_name)},
    };
    Json depends = Json::array({capacity.Address()});
    if (tg) {
      service["load_balancer"] = Json::array({{{"target_group_arn", (*tg)["arn"]},
                                               {"container_name", kAppContainer},
                                               {"container_port", *a.port}}});
      service["health_check_grace_period_seconds"] = 60;
      // A bad release is one that fails health checks or answers with errors.
      service["alarms"] = {
          {"alarm_names", Json::array({alarms.at("unhealthy-targets")["alarm_name"],
                                       alarms.at("target-5xx")["alarm_name"]})},
          {"enable", true},
          {"rollback", true}};
      // ECS accepts a target group only once a listener rule ties it to the ALB.
      for (const Json& r : rule_addresses) depends.push_back(r);
    }
    service["depends_on"] = depends;
    tf::Ref svc = unit.Resource("aws_ecs_service", k, std::move(service), o);

    // Scaling: replicas min..max, target tracking on every target given.
    tf::Ref target =
        unit.Resource("aws_appautoscaling_target", k,
                      {{"service_namespace", "ecs"},
                       {"resource_id", fmt::format("service/{}/{}", cluster["name"], svc["name"])},
                       {"scalable_dimension", "ecs:service:DesiredCount"},
                       {"min_capacity", a.replicas_min},
                       {"max_capacity", a.replicas_max},
                       {"tags", app_tags}},
                      o);
    auto policy = [&](const std::string& what, const std::string& metric, int value, Json label) {
      Json spec = {{"predefined_metric_type", metric}};
      if (!label.is_null()) spec["resource_label"] = std::move(label);
      unit.Resource("aws_appautoscaling_policy", k + "_" + what,
                    {{"name", fmt::format("{}-{}", service_name, what)},
                     {"policy_type", "TargetTrackingScaling"},
                     {"service_namespace", target["service_namespace"]},
                     {"resource_id", target["resource_id"]},
                     {"scalable_dimension", target["scalable_dimension"]},
                     {"target_tracking_scaling_policy_configuration",
                      {{"target_value", value},
                       {"predefined_metric_specification", spec},
                       {"scale_in_cooldown", 300},
                       {"scale_out_cooldown", 60}}}},
                    o);
    };
    if (a.scaling_cpu) policy("cpu", "ECSServiceAverageCPUUtilization", *a.scaling_cpu, nullptr);
    if (a.scaling_memory)
      policy("memory", "ECSServiceAverageMemoryUtilization", *a.scaling_memory, nullptr);
    if (a.scaling_requests && tg)
      policy("requests", "ALBRequestCountPerTarget", *a.scaling_requests,
             fmt::format("{}/{}", alb_suffix, (*tg)["arn_suffix"]));

    // Dashboard widgets: a row per app.
    const int y = static_cast<int>(ai) * 6;
    const std::vector<std::pair<std::string, std::string>> sd = {{"ClusterName", cluster_name},
                                                                 {"ServiceName", service_name}};
    auto widget = [&](int x, const std::string& title, Json metrics, const std::string& stat,
                      int period) {
      widgets.push_back({{"type", "metric"},
                         {"x", x},
                         {"y", y},
                         {"width", 8},
                         {"height", 6},
                         {"properties",
                          {{"title", title},
                           {"region", org.region},
                           {"view", "timeSeries"},
                           {"stat", stat},
                           {"period", period},
                           {"metrics", std::move(metrics)}}}});
    };
    widget(0, a.name + ": CPU and memory (%)",
           Json::array({Metric("AWS/ECS", "CPUUtilization", sd),
                        Metric("AWS/ECS", "MemoryUtilization", sd)}),
           "Average", 300);
    widget(8, a.name + ": running tasks",
           Json::array({Metric("ECS/ContainerInsights", "RunningTaskCount", sd)}), "Minimum", 60);
    if (tg) {
      const std::vector<std::pair<std::string, std::string>> td_dims = {
          {"TargetGroup", (*tg)["arn_suffix"]}, {"LoadBalancer", alb_suffix}};
      widget(16, a.name + ": requests, 5xx, unhealthy targets, p99 latency (s)",
             Json::array({Metric("AWS/ApplicationELB", "RequestCount", td_dims, {{"stat", "Sum"}}),
                          Metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", td_dims,
                                 {{"stat", "Sum"}}),
                          Metric("AWS/ApplicationELB", "UnHealthyHostCount", td_dims,
                                 {{"stat", "Maximum"}}),
                          Metric("AWS/ApplicationELB", "TargetResponseTime", td_dims,
                                 {{"stat", "p99"}, {"yAxis", "right"}})}),
             "Sum", 60);
    }
  }

  const std::string dashboard = naming::TenantDashboard(org.name, t).value;
  unit.Resource(
      "aws_cloudwatch_dashboard", t,
      {{"dashboard_name", dashboard}, {"dashboard_body", Json{{"widgets", widgets}}.dump()}},
      o_tenant);
}

}  // namespace eurus::synth
