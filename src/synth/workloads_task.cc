// Per app of a tenant unit, what its tasks run with: the log group, the image parameter, the
// execution and task roles, and the task definition (the app container and an OpenTelemetry
// collector sidecar). See docs/Workloads.md.

#include <fmt/format.h>

#include <map>
#include <string>

#include "model/naming.h"
#include "synth/contract.h"
#include "synth/policy_docs.h"
#include "synth/sampling.h"
#include "synth/synth.h"
#include "synth/workloads.h"

namespace eurus::synth::workloads {
namespace {

constexpr char kCollectorContainer[] = "otel-collector";
/// Traces only (OTLP in, X-Ray out). The image's default config would also export metrics
/// through EMF into one shared, unencrypted log group for every task of the account.
constexpr char kCollectorConfig[] = "--config=/etc/ecs/ecs-xray.yaml";
/// ecs-xray.yaml has no X-Ray sampling proxy (aws-otel-collector config/ecs/ecs-xray.yaml:
/// an otlp receiver only), so the sidecar adds the image's awsproxy extension to it with
/// `--set` (pkg/config/flags.go: merged over the file; lists replace, maps join). It signs the
/// remote sampler's GetSamplingRules/GetSamplingTargets calls with the task role.
Json CollectorCommand() {
  return Json::array({kCollectorConfig,
                      fmt::format("--set=extensions.awsproxy.endpoint={}", sampling::kProxyEndpoint),
                      "--set=service.extensions=[health_check, awsproxy]"});
}
/// The tag of the placeholder image the image parameter starts with (docs/Workloads.md).
constexpr char kBootstrapTag[] = "bootstrap";

/// arn:aws:ecr:<region>:<common account>:repository/<name>
std::string RepositoryArn(const model::Org& org, model::RealmKind realm,
                          const std::string& repository) {
  return fmt::format("arn:aws:ecr:{}:{}:repository/{}", org.region, org.realm(realm).common_account,
                     repository);
}

/// Who may assume the app's roles: ECS tasks of the environment's account.
std::string TaskTrust(const model::Org& org, const model::Environment& env) {
  return Policy(
      Json::array({{{"Effect", "Allow"},
                    {"Principal", {{"Service", "ecs-tasks.amazonaws.com"}}},
                    {"Action", "sts:AssumeRole"},
                    {"Condition",
                     {{"StringEquals", {{"aws:SourceAccount", env.account}}},
                      {"ArnLike",
                       {{"aws:SourceArn",
                         fmt::format("arn:aws:ecs:{}:{}:*", org.region, env.account)}}}}}}}));
}

/// What the execution role may do: pull the app's and the collector's images, write the
/// app's log group, read the secrets injected at start.
Json ExecutionStatements(const TenantScope& w, const AppScope& app) {
  const model::App& a = app.a;
  Json statements = Json::array({
      {{"Sid", "EcrLogin"},
       {"Effect", "Allow"},
       {"Action", "ecr:GetAuthorizationToken"},
       {"Resource", "*"}},
      {{"Sid", "EcrPull"},
       {"Effect", "Allow"},
       {"Action", Json::array({"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
                               "ecr:GetDownloadUrlForLayer"})},
       {"Resource", Json::array({RepositoryArn(w.org, w.env.realm, a.image),
                                 RepositoryArn(w.org, w.env.realm, kCollectorRepository)})}},
      {{"Sid", "Logs"},
       {"Effect", "Allow"},
       {"Action", Json::array({"logs:CreateLogStream", "logs:PutLogEvents"})},
       {"Resource", Json::array({app.group_arn, app.group_arn + ":log-stream:*"})}},
  });
  Json secret_arns = Json::array();
  for (const std::string& s : a.secrets) secret_arns.push_back(w.secrets.at(s)["arn"]);
  for (const DataAccess& da : app.access)
    for (const auto& [name, arn] : da.secrets) secret_arns.push_back(arn);
  if (!secret_arns.empty()) {
    statements.push_back({{"Sid", "Secrets"},
                          {"Effect", "Allow"},
                          {"Action", "secretsmanager:GetSecretValue"},
                          {"Resource", secret_arns}});
    statements.push_back(
        {{"Sid", "DecryptSecrets"},
         {"Effect", "Allow"},
         {"Action", "kms:Decrypt"},
         {"Resource", w.kms_key},
         {"Condition",
          {{"StringEquals",
            {{"kms:ViaService", fmt::format("secretsmanager.{}.amazonaws.com", w.org.region)}}}}}});
  }
  return statements;
}

/// A container's logs: the app's log group, streams under `prefix`.
Json LogConfiguration(const TenantScope& w, const AppScope& app, const char* prefix) {
  return Json{{"logDriver", "awslogs"},
              {"options",
               {{"awslogs-group", app.group},
                {"awslogs-region", w.org.region},
                {"awslogs-stream-prefix", prefix}}}};
}

/// The app container's environment: OpenTelemetry settings, the connection settings of the
/// resources it uses (references to the data stores' attributes, interpolated, so not made
/// literal), and the app's own variables, which win.
///
/// Tracing (docs/Workloads.md, "Traces in X-Ray"): the service name is "<tenant>-<app>", so
/// the tenant's X-Ray rule can match its services alone. The sampler is the specification's
/// parentbased_traceidratio at the rate the app's X-Ray rule has: every OpenTelemetry SDK
/// knows it, while an SDK without X-Ray support may refuse `xray` (the Java SDK's autoconfigure
/// throws "Unrecognized value for otel.traces.sampler" and leaves OpenTelemetry off). An app on
/// an ADOT distribution follows the X-Ray rules instead by setting OTEL_TRACES_SAMPLER=xray and
/// OTEL_TRACES_SAMPLER_ARG=endpoint=http://localhost:2000 in its own `environment`.
Json ContainerEnvironment(const TenantScope& w, const AppScope& app) {
  std::map<std::string, std::string> vars;
  vars["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://localhost:4317";
  vars["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
  vars["OTEL_SERVICE_NAME"] = sampling::ServiceName(w.t, app.a.name);
  vars["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
  vars["OTEL_TRACES_SAMPLER_ARG"] = sampling::RateText(sampling::Rate(w.env, w.dep));
  vars["OTEL_RESOURCE_ATTRIBUTES"] =
      fmt::format("service.namespace={},deployment.environment={}", w.t, w.env.name);
  for (auto& [name, value] : vars) value = Literal(value);
  for (const DataAccess& da : app.access)
    for (const auto& [name, value] : da.environment) vars[name] = value;
  for (const auto& [name, value] : app.a.environment) vars[name] = Literal(value);
  Json environment = Json::array();
  for (const auto& [name, value] : vars) environment.push_back({{"name", name}, {"value", value}});
  return environment;
}

/// The app container: the image the parameter names, read-only root with a writable /tmp,
/// started after the collector, secrets injected.
Json AppContainer(const TenantScope& w, const AppScope& app, const tf::Ref& image) {
  const model::App& a = app.a;
  Json container = {
      {"name", kAppContainer},
      {"image", image["insecure_value"]},
      {"essential", true},
      {"environment", ContainerEnvironment(w, app)},
      {"logConfiguration", LogConfiguration(w, app, "app")},
      {"readonlyRootFilesystem", true},
      {"mountPoints",
       Json::array({{{"sourceVolume", "tmp"}, {"containerPath", "/tmp"}, {"readOnly", false}}})},
      {"dependsOn",
       Json::array({{{"containerName", kCollectorContainer}, {"condition", "START"}}})},
  };
  if (a.port)
    container["portMappings"] = Json::array({{{"containerPort", *a.port}, {"protocol", "tcp"}}});
  if (!a.command.empty()) {
    Json cmd = Json::array();
    for (const std::string& c : a.command) cmd.push_back(Literal(c));
    container["command"] = cmd;
  }
  Json injected = Json::array();
  for (const std::string& s : a.secrets)
    injected.push_back(
        {{"name", naming::SecretVariable(s)}, {"valueFrom", w.secrets.at(s)["arn"]}});
  for (const DataAccess& da : app.access)
    for (const auto& [name, arn] : da.secrets)
      injected.push_back({{"name", name}, {"valueFrom", arn}});
  if (!injected.empty()) container["secrets"] = injected;
  return container;
}

/// The OpenTelemetry collector sidecar: traces to X-Ray, not essential.
Json CollectorContainer(const TenantScope& w, const AppScope& app) {
  return {
      {"name", kCollectorContainer},
      {"image", RepositoryUrl(w.org, w.env.realm, kCollectorRepository) + ":" + kCollectorTag},
      {"essential", false},
      {"command", CollectorCommand()},
      {"memory", 128},
      {"logConfiguration", LogConfiguration(w, app, "otel")},
      {"readonlyRootFilesystem", true},
  };
}

}  // namespace

void AddLogGroup(const TenantScope& w, const AppScope& app) {
  w.unit.Resource("aws_cloudwatch_log_group", app.k,
                  {{"name", app.group},
                   {"retention_in_days", w.env.log_retention_days},
                   {"kms_key_id", w.kms_key},
                   {"tags", app.Named(app.group)}},
                  app.o);
}

tf::Ref AddImageParameter(const TenantScope& w, const AppScope& app) {
  const model::App& a = app.a;
  const std::string repo_url = RepositoryUrl(w.org, w.env.realm, a.image);
  const std::string param_name = naming::ImageParameter(w.env.name, w.t, a.name).value;
  return w.unit.Resource(
      "aws_ssm_parameter", app.k + "_image",
      {{"name", param_name},
       {"description", fmt::format("the image app {} of tenant {} runs: set by its pipeline, then "
                                   "`eurus apply {}/tenant-{}` (docs/Workloads.md)",
                                   a.name, w.t, w.env.name, w.t)},
       {"type", "String"},
       {"insecure_value", fmt::format("{}:{}", repo_url, kBootstrapTag)},
       {"lifecycle", {{"ignore_changes", Json::array({"insecure_value"})}}},
       {"tags", app.Named(param_name)}},
      app.o);
}

/// One of the app's two roles (`<k>_<suffix>`), assumable by the environment's ECS tasks.
tf::Ref AddAppRole(const TenantScope& w, const AppScope& app, const std::string& suffix,
                   const std::string& name, const std::string& description) {
  return w.unit.Resource("aws_iam_role", app.k + "_" + suffix,
                         {{"name", name},
                          {"description", description},
                          {"assume_role_policy", TaskTrust(w.org, w.env)},
                          {"tags", app.Named(name)}},
                         app.o);
}

tf::Ref AddExecutionRole(const TenantScope& w, const AppScope& app) {
  tf::Ref exec = AddAppRole(
      w, app, "exec", naming::ExecutionRole(w.org.name, w.t, app.a.name).value,
      fmt::format("ECS pulls, logs and reads secrets for app {} of tenant {}", app.a.name, w.t));
  w.unit.Resource("aws_iam_role_policy", app.k + "_exec",
                  {{"name", "pull-log-secrets"},
                   {"role", exec["id"]},
                   {"policy", Policy(ExecutionStatements(w, app))}},
                  app.o);
  return exec;
}

tf::Ref AddTaskRole(const TenantScope& w, const AppScope& app) {
  tf::Ref task = AddAppRole(
      w, app, "task", naming::TaskRole(w.org.name, w.t, app.a.name).value,
      fmt::format("app {} of tenant {}: traces and the resources it uses", app.a.name, w.t));
  Json statements = Json::array(
      {{{"Sid", "Traces"},
        {"Effect", "Allow"},
        {"Action", Json::array({"xray:GetSamplingRules", "xray:GetSamplingTargets",
                                "xray:PutTelemetryRecords", "xray:PutTraceSegments"})},
        {"Resource", "*"}}});
  for (const DataAccess& da : app.access)
    for (const Json& st : da.statements) statements.push_back(st);
  w.unit.Resource("aws_iam_role_policy", app.k + "_task",
                  {{"name", "traces-and-uses"},
                   {"role", task["id"]},
                   {"policy", Policy(std::move(statements))}},
                  app.o);
  return task;
}

tf::Ref AddTaskDefinition(const TenantScope& w, const AppScope& app, const tf::Ref& image,
                          const tf::Ref& exec, const tf::Ref& task) {
  const std::string family = naming::TaskFamily(w.org.name, w.t, app.a.name).value;
  const Json containers = Json::array({AppContainer(w, app, image), CollectorContainer(w, app)});
  return w.unit.Resource(
      "aws_ecs_task_definition", app.k,
      {{"family", family},
       {"requires_compatibilities", Json::array({"FARGATE"})},
       {"network_mode", "awsvpc"},
       {"cpu", std::to_string(app.a.cpu)},
       {"memory", std::to_string(app.a.memory)},
       {"runtime_platform", {{"operating_system_family", "LINUX"}, {"cpu_architecture", "X86_64"}}},
       {"execution_role_arn", exec["arn"]},
       {"task_role_arn", task["arn"]},
       {"container_definitions", containers.dump()},
       {"volume", Json::array({{{"name", "tmp"}}})},
       {"skip_destroy", true},
       {"tags", app.Named(family)}},
      app.o);
}

}  // namespace eurus::synth::workloads
