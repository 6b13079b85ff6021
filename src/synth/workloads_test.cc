#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <stdexcept>

#include "check/policy.h"
#include "diag/render.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "model/routing.h"
#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Example;
using testing::Json;
using testing::Main;
using testing::Resource;
using testing::ResourceCount;
using testing::Resources;
using testing::ResourcesByName;

/// The base org (testing::BaseOrg): dev (nonprod, two AZs) and prod (prod realm, three AZs); tenant
/// shop (contacts; web routed with secrets, scaling and uses; worker on spot), tenant blog
/// (no contacts; site routed on shop's host under /blog). Tests edit the YAML, then Synth().
struct WorkloadsTest : testing::SynthFixture {
  WorkloadsTest() { carry_lock = true; }

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/dev.yaml"] += "logs: { retention_days: 14 }\n";
    fs.files["environments/prod.yaml"] += "logs: { retention_days: 90 }\n";
    fs.files["tenants/shop.yaml"] =
        "contacts: [shop-team@acme.example.com, oncall@acme.example.com]\n"
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n"
        "    port: 8080\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    command: [\"./server\", \"--greeting=${HOME}\"]\n"
        "    health_check: { path: /healthz }\n"
        "    route: { host: shop, paths: [\"/*\", \"/api/*\"] }\n"
        "    replicas: { min: 1, max: 4 }\n"
        "    scaling: { cpu: 60, memory: 75, requests_per_target: 1000 }\n"
        "    environment: { LOG_LEVEL: info, A_FIRST: \"1\" }\n"
        "    secrets: [stripe-key]\n"
        "    uses: [uploads, orders]\n"
        "  worker:\n"
        "    image: shop/worker\n"
        "    cpu: 512\n"
        "    memory: 1024\n"
        "    spot: true\n"
        "    replicas: { min: 0, max: 2 }\n"
        "resources:\n"
        "  orders: { type: postgres }\n"
        "  uploads: { type: s3 }\n"
        "overrides:\n"
        "  prod:\n"
        "    apps:\n"
        "      web: { replicas: { min: 3, max: 12 } }\n"
        "      worker: { replicas: { min: 2, max: 4 } }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  site:\n"
        "    image: blog/site\n"
        "    port: 3000\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: shop, paths: [\"/blog/*\", \"/feed\"] }\n"
        "    secrets: [stripe-key]\n"
        "overrides:\n"
        "  prod:\n"
        "    apps:\n"
        "      site: { replicas: { min: 2, max: 2 } }\n";
  }


};

/// The statements of an IAM policy document written as a JSON string.
std::vector<Json> Statements(const Json& policy_string) {
  Json doc = Json::parse(policy_string.get<std::string>());
  std::vector<Json> out;
  for (const Json& st : doc["Statement"]) out.push_back(st);
  return out;
}

/// As a list, whether written as a string or a list.
std::vector<std::string> List(const Json& v) {
  if (v.is_string()) return {v.get<std::string>()};
  return v.get<std::vector<std::string>>();
}

Json Containers(const tf::Unit& u, const std::string& td) {
  return Json::parse(
      Resource(u, "aws_ecs_task_definition", td)["container_definitions"].get<std::string>());
}

Json Container(const Json& defs, const std::string& name) {
  for (const Json& c : defs)
    if (c["name"] == name) return c;
  return Json();
}

const std::string kPlatformOut = "${data.terraform_remote_state.platform.outputs.";

// Given a tenant with apps, we should get one cluster with both Fargate capacity providers,
// Container Insights as the environment sets it (off in nonprod), and no ECS Exec.
TEST_F(WorkloadsTest, ClusterPerTenantWithFargateAndSpot) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(ResourceCount(t, "aws_ecs_cluster"), 1);
  EXPECT_TRUE(HasResource(
      t, "aws_ecs_cluster",
      R"({"name":"acme-shop","setting":[{"name":"containerInsights","value":"disabled"}]})"));
  EXPECT_FALSE(Resource(t, "aws_ecs_cluster", "shop").contains("configuration"));
  Json cp = Resource(t, "aws_ecs_cluster_capacity_providers", "shop");
  EXPECT_EQ(cp["cluster_name"], "${aws_ecs_cluster.shop.name}");
  EXPECT_EQ(cp["capacity_providers"], Json::array({"FARGATE", "FARGATE_SPOT"}));
  for (const Json& s : Resources(t, "aws_ecs_service"))
    EXPECT_EQ(s["enable_execute_command"], false);
}

// Given an app, its execution role should trust ECS tasks of this account only, and may pull
// only its own image and the collector from the realm's registry, write only its own log
// group, and read only its own secrets (decrypting only through Secrets Manager).
TEST_F(WorkloadsTest, ExecutionRoleIsLeastPrivilege) {
  Synth();
  const tf::Unit& t = U("prod/tenant-shop");
  Json role = Resource(t, "aws_iam_role", "shop_web_exec");
  EXPECT_EQ(role["name"], "acme-shop-web-exec");
  Json trust = Json::parse(role["assume_role_policy"].get<std::string>());
  EXPECT_TRUE(testing::Matches(
      Json::parse(
          R"({"Statement":[{"Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole",
                      "Condition":{"StringEquals":{"aws:SourceAccount":"555555555555"}}}]})"),
      trust));
  std::map<std::string, Json> by_sid;
  for (const Json& st : Statements(Resource(t, "aws_iam_role_policy", "shop_web_exec")["policy"]))
    by_sid[st["Sid"]] = st;
  ASSERT_EQ(by_sid.size(), 5u);
  // The one `*` resource: ecr:GetAuthorizationToken, which has no resource to scope to.
  for (const auto& [sid, st] : by_sid) {
    if (sid == "EcrLogin") {
      EXPECT_EQ(st["Action"], "ecr:GetAuthorizationToken");
      EXPECT_EQ(st["Resource"], "*");
    } else {
      for (const std::string& r : List(st["Resource"])) EXPECT_NE(r, "*") << sid;
    }
  }
  EXPECT_EQ(List(by_sid["EcrPull"]["Resource"]),
            std::vector<std::string>(
                {"arn:aws:ecr:eu-west-1:333333333333:repository/shop/web",
                 "arn:aws:ecr:eu-west-1:333333333333:repository/eurus/aws-otel-collector"}));
  EXPECT_EQ(List(by_sid["Logs"]["Resource"]),
            std::vector<std::string>(
                {"arn:aws:logs:eu-west-1:555555555555:log-group:/eurus/acme/prod/shop/web",
                 "arn:aws:logs:eu-west-1:555555555555:log-group:/eurus/acme/prod/shop/"
                 "web:log-stream:*"}));
  EXPECT_EQ(List(by_sid["Secrets"]["Resource"]),
            std::vector<std::string>({"${aws_secretsmanager_secret.shop_secret_stripe_key.arn}"}));
  EXPECT_EQ(by_sid["DecryptSecrets"]["Resource"], kPlatformOut + "kms_key_arn}");
  EXPECT_EQ(by_sid["DecryptSecrets"]["Condition"]["StringEquals"]["kms:ViaService"],
            "secretsmanager.eu-west-1.amazonaws.com");
  // No secrets, no secret statements.
  std::set<std::string> worker_sids;
  for (const Json& st :
       Statements(Resource(t, "aws_iam_role_policy", "shop_worker_exec")["policy"]))
    worker_sids.insert(st["Sid"]);
  EXPECT_EQ(worker_sids, std::set<std::string>({"EcrLogin", "EcrPull", "Logs"}));
}

// Given `uses`, the task role should grant X-Ray writes and object access to the tenant's own
// bucket of this environment only; databases get nothing through IAM yet.
TEST_F(WorkloadsTest, TaskRoleGrantsTracesAndUsedBucketsOnly) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  auto sts = Statements(Resource(t, "aws_iam_role_policy", "shop_web_task")["policy"]);
  // Traces, then what data.cc's AccessTo grants for each used resource in `uses` order:
  // uploads (bucket, objects, the key through S3), orders (its managed secret, the key
  // through Secrets Manager).
  ASSERT_EQ(sts.size(), 6u);
  EXPECT_EQ(sts[0]["Sid"], "Traces");
  EXPECT_EQ(List(sts[0]["Action"]),
            std::vector<std::string>({"xray:GetSamplingRules", "xray:GetSamplingTargets",
                                      "xray:PutTelemetryRecords", "xray:PutTraceSegments"}));
  EXPECT_EQ(sts[1]["Resource"], "arn:aws:s3:::acme-shop-uploads-444444444444");
  EXPECT_EQ(sts[2]["Resource"], "arn:aws:s3:::acme-shop-uploads-444444444444/*");
  for (const std::string& a : List(sts[2]["Action"])) EXPECT_EQ(a.rfind("s3:", 0), 0u) << a;
  EXPECT_EQ(sts[3]["Condition"]["StringEquals"]["kms:ViaService"], "s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(sts[4]["Resource"], "${aws_rds_cluster.orders.master_user_secret[0].secret_arn}");
  EXPECT_EQ(sts[5]["Condition"]["StringEquals"]["kms:ViaService"],
            "secretsmanager.eu-west-1.amazonaws.com");
  // The worker uses nothing: traces only.
  EXPECT_EQ(Statements(Resource(t, "aws_iam_role_policy", "shop_worker_task")["policy"]).size(),
            1u);
  // The trust policy is ECS tasks', as for the execution role.
  EXPECT_EQ(Resource(t, "aws_iam_role", "shop_web_task")["assume_role_policy"],
            Resource(t, "aws_iam_role", "shop_web_exec")["assume_role_policy"]);
}

// Given every unit of the org, no IAM statement should allow `*` on `*`, and every tenant
// role's statements should name only its own tenant's resources.
TEST_F(WorkloadsTest, NoWildcardOnWildcardAndNoOtherTenant) {
  Synth();
  for (const tf::Unit& u : units) {
    for (const char* type : {"aws_iam_role_policy", "aws_iam_role"}) {
      for (const auto& [name, body] : ResourcesByName(u, type)) {
        const char* arg = std::string(type) == "aws_iam_role" ? "assume_role_policy" : "policy";
        for (const Json& st : Statements(body[arg])) {
          if (!st.contains("Action") || !st.contains("Resource")) continue;
          auto actions = List(st["Action"]);
          auto resources = List(st["Resource"]);
          bool star_action = std::count(actions.begin(), actions.end(), "*") > 0;
          bool star_resource = std::count(resources.begin(), resources.end(), "*") > 0;
          EXPECT_FALSE(star_action && star_resource) << u.id() << " " << name;
          if (u.name() == "tenant-blog") {
            for (const std::string& r : resources)
              EXPECT_EQ(r.find("shop"), std::string::npos) << name << " " << r;
          }
        }
      }
    }
  }
}

// Given an app, its log group should be KMS-encrypted with the environment's key and keep
// logs for the environment's retention.
TEST_F(WorkloadsTest, LogGroupEncryptedWithRetention) {
  Synth();
  EXPECT_TRUE(HasResource(U("dev/tenant-shop"), "aws_cloudwatch_log_group",
                          R"({"name":"/eurus/acme/dev/shop/web","retention_in_days":14,
                              "kms_key_id":"${data.terraform_remote_state.platform.outputs.kms_key_arn}"})"));
  EXPECT_TRUE(HasResource(U("prod/tenant-shop"), "aws_cloudwatch_log_group",
                          R"({"name":"/eurus/acme/prod/shop/worker","retention_in_days":90})"));
  EXPECT_EQ(U("dev/tenant-shop").dependencies.count("dev/platform"), 1u);
}

// Given an app, its image should come from an SSM parameter that starts at the bootstrap
// tag of the realm's repository and that OpenTofu never reverts (the pipeline sets it).
TEST_F(WorkloadsTest, ImageParameterOwnedByThePipeline) {
  Synth();
  Json p = Resource(U("prod/tenant-shop"), "aws_ssm_parameter", "shop_web_image");
  EXPECT_EQ(p["name"], "/eurus/prod/shop/web/image");
  EXPECT_EQ(p["type"], "String");
  EXPECT_EQ(p["insecure_value"], "333333333333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:bootstrap");
  EXPECT_EQ(p["lifecycle"]["ignore_changes"], Json::array({"insecure_value"}));
  EXPECT_EQ(Container(Containers(U("prod/tenant-shop"), "shop_web"), "app")["image"],
            "${aws_ssm_parameter.shop_web_image.insecure_value}");
}

// Given an app, its task definition should be Fargate/awsvpc/x86_64 with the app's size, run
// the app read-only with a writable /tmp, its sorted environment, secrets from Secrets
// Manager and awslogs, beside a non-essential collector from the private registry.
TEST_F(WorkloadsTest, TaskDefinition) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_TRUE(HasResource(t, "aws_ecs_task_definition",
                          R"({"family":"acme-shop-web","requires_compatibilities":["FARGATE"],
                              "network_mode":"awsvpc","cpu":"256","memory":"512",
                              "runtime_platform":{"operating_system_family":"LINUX","cpu_architecture":"X86_64"},
                              "execution_role_arn":"${aws_iam_role.shop_web_exec.arn}",
                              "task_role_arn":"${aws_iam_role.shop_web_task.arn}",
                              "volume":[{"name":"tmp"}],"skip_destroy":true})"));
  Json defs = Containers(t, "shop_web");
  ASSERT_EQ(defs.size(), 2u);
  Json app = Container(defs, "app");
  EXPECT_EQ(app["essential"], true);
  EXPECT_EQ(app["readonlyRootFilesystem"], true);
  EXPECT_EQ(app["mountPoints"],
            Json::parse(R"([{"sourceVolume":"tmp","containerPath":"/tmp","readOnly":false}])"));
  EXPECT_EQ(app["portMappings"], Json::parse(R"([{"containerPort":8080,"protocol":"tcp"}])"));
  // `${` in the YAML is text, not an interpolation.
  EXPECT_EQ(app["command"], Json::parse(R"(["./server","--greeting=$${HOME}"])"));
  std::vector<std::string> names;
  for (const Json& e : app["environment"]) names.push_back(e["name"]);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_TRUE(testing::Matches(
      Json::parse(
          R"([{"name":"LOG_LEVEL","value":"info"},{"name":"OTEL_SERVICE_NAME","value":"shop-web"},
                      {"name":"OTEL_EXPORTER_OTLP_ENDPOINT","value":"http://localhost:4317"}])"),
      app["environment"]));
  // The connection settings of the resources it uses (data.cc), interpolated from the stores.
  EXPECT_TRUE(testing::Matches(
      Json::parse(R"([{"name":"UPLOADS_BUCKET","value":"acme-shop-uploads-444444444444"},
                      {"name":"ORDERS_HOST","value":"${aws_rds_cluster.orders.endpoint}"},
                      {"name":"ORDERS_SECRET_ARN",
                       "value":"${aws_rds_cluster.orders.master_user_secret[0].secret_arn}"}])"),
      app["environment"]));
  EXPECT_EQ(app["secrets"], Json::parse(R"([{"name":"STRIPE_KEY",
                                             "valueFrom":"${aws_secretsmanager_secret.shop_secret_stripe_key.arn}"}])"));
  EXPECT_EQ(app["logConfiguration"], Json::parse(R"({"logDriver":"awslogs","options":{
      "awslogs-group":"/eurus/acme/dev/shop/web","awslogs-region":"eu-west-1","awslogs-stream-prefix":"app"}})"));
  Json otel = Container(defs, "otel-collector");
  EXPECT_EQ(otel["image"], RepositoryUrl(*org, model::RealmKind::kNonprod, kCollectorRepository) +
                               ":" + kCollectorTag);
  EXPECT_EQ(otel["image"],
            std::string("222222222222.dkr.ecr.eu-west-1.amazonaws.com/eurus/aws-otel-collector:") +
                kCollectorTag);
  EXPECT_EQ(otel["essential"], false);
  EXPECT_EQ(otel["readonlyRootFilesystem"], true);
  EXPECT_EQ(otel["command"][0], "--config=/etc/ecs/ecs-xray.yaml");  // + the sampling proxy
  EXPECT_EQ(otel["logConfiguration"]["options"]["awslogs-stream-prefix"], "otel");
  // A worker has no port and no secrets.
  Json worker = Container(Containers(t, "shop_worker"), "app");
  EXPECT_FALSE(worker.contains("portMappings"));
  EXPECT_FALSE(worker.contains("secrets"));
}

// Given an app, its service should run in the tenant subnet of every AZ with the tenant's
// app security group, no public IP, circuit breaker with rollback, tags propagated, and leave
// the desired count to autoscaling.
TEST_F(WorkloadsTest, ServiceInEveryAzWithoutPublicIp) {
  Synth();
  for (const char* env : {"dev", "prod"}) {
    const tf::Unit& t = U(std::string(env) + "/tenant-shop");
    size_t azs = org->environment(env)->network.azs.size();
    for (const auto& [name, s] : ResourcesByName(t, "aws_ecs_service")) {
      const Json& net = s["network_configuration"];
      EXPECT_EQ(net["assign_public_ip"], false) << name;
      EXPECT_EQ(net["security_groups"], Json::array({"${aws_security_group.shop_app.id}"}));
      ASSERT_EQ(net["subnets"].size(), azs) << env;
      for (const std::string& az : org->environment(env)->network.azs)
        EXPECT_TRUE(testing::Matches(Json::array({"${aws_subnet.shop_" + BlockKey(az) + ".id}"}),
                                     net["subnets"]));
      EXPECT_EQ(s["deployment_circuit_breaker"], Json::parse(R"({"enable":true,"rollback":true})"));
      EXPECT_EQ(s["propagate_tags"], "SERVICE");
      EXPECT_EQ(s["enable_ecs_managed_tags"], true);
      EXPECT_EQ(s["wait_for_steady_state"], false);
      EXPECT_EQ(s["lifecycle"]["ignore_changes"], Json::array({"desired_count"}));
      EXPECT_EQ(s["cluster"], "${aws_ecs_cluster.shop.id}");
      EXPECT_TRUE(testing::Matches(Json::array({"aws_ecs_cluster_capacity_providers.shop"}),
                                   s["depends_on"]));
    }
  }
  Json web = Resource(U("prod/tenant-shop"), "aws_ecs_service", "shop_web");
  EXPECT_EQ(web["desired_count"], 3);
  EXPECT_EQ(web["name"], "acme-shop-web");
  EXPECT_EQ(web["task_definition"], "${aws_ecs_task_definition.shop_web.arn}");
}

// Given a routed app, its service should register with its target group after the listener
// rules exist, with a grace period and rollback alarms on bad releases.
TEST_F(WorkloadsTest, RoutedServiceLoadBalancerAndAlarms) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  Json web = Resource(t, "aws_ecs_service", "shop_web");
  EXPECT_EQ(web["load_balancer"],
            Json::parse(R"([{"target_group_arn":"${aws_lb_target_group.shop_web.arn}",
                                                   "container_name":"app","container_port":8080}])"));
  EXPECT_EQ(web["health_check_grace_period_seconds"], 60);
  EXPECT_EQ(web["alarms"], Json::parse(R"({"alarm_names":[
      "${aws_cloudwatch_metric_alarm.shop_web_unhealthy_targets.alarm_name}",
      "${aws_cloudwatch_metric_alarm.shop_web_target_5xx.alarm_name}"],"enable":true,"rollback":true})"));
  EXPECT_TRUE(testing::Matches(
      Json::array({"aws_lb_listener_rule.shop_web_0", "aws_lb_listener_rule.shop_web_1"}),
      web["depends_on"]));
  Json worker = Resource(t, "aws_ecs_service", "shop_worker");
  EXPECT_FALSE(worker.contains("load_balancer"));
  EXPECT_FALSE(worker.contains("alarms"));
  EXPECT_FALSE(worker.contains("health_check_grace_period_seconds"));
}

// Given `spot`, nonprod should run entirely on FARGATE_SPOT, prod should keep the minimum on
// FARGATE and scale out on spot; other apps run on FARGATE.
TEST_F(WorkloadsTest, SpotHonoured) {
  Synth();
  EXPECT_EQ(Resource(U("dev/tenant-shop"), "aws_ecs_service",
                     "shop_worker")["capacity_provider_strategy"],
            Json::parse(R"([{"capacity_provider":"FARGATE_SPOT","weight":1,"base":0}])"));
  EXPECT_EQ(Resource(U("prod/tenant-shop"), "aws_ecs_service",
                     "shop_worker")["capacity_provider_strategy"],
            Json::parse(R"([{"capacity_provider":"FARGATE","weight":0,"base":2},
                            {"capacity_provider":"FARGATE_SPOT","weight":1,"base":0}])"));
  EXPECT_EQ(
      Resource(U("prod/tenant-shop"), "aws_ecs_service", "shop_web")["capacity_provider_strategy"],
      Json::parse(R"([{"capacity_provider":"FARGATE","weight":1,"base":0}])"));
}

// Given a routed app, its target group should send HTTP to task IPs on the app port in the
// environment's VPC and check the health check path.
TEST_F(WorkloadsTest, TargetGroup) {
  Synth();
  EXPECT_TRUE(
      HasResource(U("dev/tenant-shop"), "aws_lb_target_group",
                  R"({"name":"acme-shop-web","target_type":"ip","protocol":"HTTP","port":8080,
                              "vpc_id":"${data.terraform_remote_state.network.outputs.vpc_id}",
                              "deregistration_delay":30,
                              "health_check":{"enabled":true,"path":"/healthz","matcher":"200-399"}})"));
  EXPECT_TRUE(HasResource(U("dev/tenant-blog"), "aws_lb_target_group",
                          R"({"name":"acme-blog-site","port":3000,"health_check":{"path":"/"}})"));
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_lb_target_group"), 1);
}

/// Every listener rule of `env`'s tenant units: priority → (unit, rule body).
std::map<int, std::pair<std::string, Json>> RulesOf(const std::vector<tf::Unit>& units,
                                                    const std::string& env) {
  std::map<int, std::pair<std::string, Json>> out;
  for (const tf::Unit& u : units) {
    if (u.account() != env) continue;
    for (const auto& [name, r] : ResourcesByName(u, "aws_lb_listener_rule")) {
      int p = r["priority"];
      EXPECT_TRUE(out.emplace(p, std::make_pair(u.id() + "." + name, r)).second)
          << "priority " << p << " of " << u.id() << "." << name << " collides with "
          << out[p].first;
    }
  }
  return out;
}

std::vector<std::string> Paths(const Json& rule) {
  for (const Json& c : rule["condition"])
    if (c.contains("path_pattern")) return c["path_pattern"]["values"];
  return {};
}
std::string Host(const Json& rule) {
  for (const Json& c : rule["condition"])
    if (c.contains("host_header")) return c["host_header"]["values"][0];
  return {};
}

/// Lowest priority first, a path of a host must not be shadowed: every rule of a host that
/// holds a catch-all comes after every rule of that host without one, and exact paths come
/// before patterns.
void ExpectSpecificFirst(const std::map<int, std::pair<std::string, Json>>& rules) {
  std::map<std::string, model::RuleBand> seen;  // host → highest band so far
  for (const auto& [p, named] : rules) {
    model::RuleBand band = model::RuleBand::kExact;
    for (const std::string& path : Paths(named.second)) band = std::max(band, model::BandOf(path));
    auto [it, fresh] = seen.emplace(Host(named.second), band);
    EXPECT_GE(band, it->second) << named.first << " (" << p << ") comes after a less specific rule";
    it->second = std::max(it->second, band);
  }
}

// Given routes, each app should get listener rules on the platform's listener forwarding to
// its target group, host plus at most three paths each; priorities unique across tenants,
// specific paths of a shared host before the catch-all.
TEST_F(WorkloadsTest, ListenerRules) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(ResourceCount(t, "aws_lb_listener_rule"), 2);
  for (const Json& r : Resources(t, "aws_lb_listener_rule")) {
    EXPECT_EQ(r["listener_arn"], kPlatformOut + "https_listener_arn}");
    EXPECT_EQ(
        r["action"],
        Json::parse(
            R"([{"type":"forward","target_group_arn":"${aws_lb_target_group.shop_web.arn}"}])"));
    EXPECT_EQ(Host(r), "shop.dev.acme.example.com");
    EXPECT_LE(Paths(r).size(), model::kMaxPathsPerRule);
  }
  for (const char* env : {"dev", "prod"}) {
    auto rules = RulesOf(units, env);
    EXPECT_EQ(rules.size(), 4u);
    for (const auto& [p, r] : rules) {
      EXPECT_GE(p, 1);
      EXPECT_LE(p, model::kMaxRulePriority);
    }
    ExpectSpecificFirst(rules);
    // shop's /* is last on the shared host: blog's /blog/* and /feed come first.
    EXPECT_EQ(Paths(rules.rbegin()->second.second), std::vector<std::string>({"/*"}));
  }
}

// Given tenants added and removed (the lock keeps the others' subnets), the other tenants'
// priorities should not move.
TEST_F(WorkloadsTest, PrioritiesStableWhenTenantsComeAndGo) {
  Synth();
  auto before = RulesOf(units, "dev");
  fs.files["tenants/aaa.yaml"] =
      "environments: [dev]\napps:\n  web:\n    image: aaa/web\n    port: 80\n    cpu: 256\n    "
      "memory: 512\n"
      "    route: { host: aaa, paths: [\"/x\", \"/*\"] }\n";
  fs.files.erase("tenants/blog.yaml");
  sources = SourceMap();
  Synth();
  auto after = RulesOf(units, "dev");
  for (const auto& [p, r] : before) {
    if (r.first.find("tenant-shop") == std::string::npos) continue;
    ASSERT_TRUE(after.count(p)) << r.first;
    EXPECT_EQ(after[p].first, r.first);
  }
  EXPECT_EQ(after.size(), 4u);  // shop 2, aaa 2
}

// Given a generated org (many tenants, several routed apps each, shared hosts, every band,
// rules split in threes), priorities should be unique per environment, in range, and never
// let a less specific rule shadow a more specific one of the same host.
TEST_F(WorkloadsTest, GeneratedOrgPrioritiesNeverCollide) {
  fs.files.erase("tenants/shop.yaml");
  fs.files.erase("tenants/blog.yaml");
  fs.files["environments/dev.yaml"] =
      "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n  "
      "tenant_subnet_size: 26\n"
      "  data_subnet_size: 28\n  availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]\n";
  uint32_t seed = 12345;
  auto rnd = [&](uint32_t n) {
    seed = seed * 1103515245 + 12345;
    return (seed >> 16) % n;
  };
  for (int i = 0; i < 60; ++i) {
    std::string y = "environments: [dev]\napps:\n";
    const int apps = 1 + static_cast<int>(rnd(3));
    for (int a = 0; a < apps; ++a) {
      std::string host = fmt::format("h{}", rnd(5));
      std::vector<std::string> paths;
      const int n = 1 + static_cast<int>(rnd(7));
      for (int k = 0; k < n; ++k) {
        switch (rnd(3)) {
          case 0:
            paths.push_back(fmt::format("\"/t{}/a{}/p{}\"", i, a, k));
            break;
          case 1:
            paths.push_back(fmt::format("\"/t{}/a{}/p{}/*\"", i, a, k));
            break;
          default:
            paths.push_back(fmt::format("\"/t{}/a{}/{}*\"", i, a, std::string(k, 'x')));
            break;
        }
      }
      // One catch-all per host at most (two would collide, E0308): tenant i owns h(i % 5)'s.
      if (host == fmt::format("h{}", i % 5) && i < 5 && a == 0) paths.push_back("\"/*\"");
      y += fmt::format(
          "  app{}:\n    image: t{}/app{}\n    port: 8080\n    cpu: 256\n    memory: 512\n"
          "    route: {{ host: {}, paths: [{}] }}\n",
          a, i, a, host, fmt::join(paths, ", "));
    }
    fs.files[fmt::format("tenants/t{:02}.yaml", i)] = y;
  }
  Synth();
  auto rules = RulesOf(units, "dev");
  size_t expected = 0;
  for (const auto& t : org->tenants) expected += t.deployments[0].listener_rules.size();
  EXPECT_EQ(rules.size(), expected);
  EXPECT_GT(expected, 100u);
  for (const auto& [p, r] : rules) {
    EXPECT_GE(p, 1);
    EXPECT_LE(p, model::kMaxRulePriority);
    EXPECT_LE(Paths(r.second).size(), model::kMaxPathsPerRule);
  }
  ExpectSpecificFirst(rules);
}

// Given routed apps, the tenant's app security group should admit each routed port once,
// from the shared ALB's security group only; a tenant without routes admits nothing.
TEST_F(WorkloadsTest, AppSecurityGroupAdmitsOnlyTheAlb) {
  fs.files["tenants/blog.yaml"] =
      "environments: [dev]\napps:\n"
      "  site:\n    image: blog/site\n    port: 3000\n    cpu: 256\n    memory: 512\n    route: { "
      "host: blog }\n"
      "  site2:\n    image: blog/site2\n    port: 3000\n    cpu: 256\n    memory: 512\n    route: "
      "{ host: blog2 }\n";
  Synth();
  for (const char* id : {"dev/tenant-shop", "dev/tenant-blog"}) {
    const tf::Unit& t = U(id);
    int from_alb = 0;
    for (const Json& r : Resources(t, "aws_vpc_security_group_ingress_rule")) {
      if (r.contains("cidr_ipv4") || r.contains("prefix_list_id"))
        ADD_FAILURE() << id << " admits a CIDR";
      if (r["security_group_id"].get<std::string>().find("_app.id}") == std::string::npos) continue;
      ++from_alb;
      EXPECT_EQ(r["referenced_security_group_id"], kPlatformOut + "alb_security_group_id}");
      EXPECT_EQ(r["ip_protocol"], "tcp");
      EXPECT_EQ(r["from_port"], r["to_port"]);
    }
    EXPECT_EQ(from_alb, 1) << id;  // blog: site and site2 share port 3000
  }
}

// Given tenants with apps, each app group should reach the shared ALB's group on exactly the
// ports the ALB listens on (so a tenant can call another tenant's routed app through the ALB
// where nothing else routes: docs/Ingress.md), with nothing else to the ALB, whether or not
// any app of the tenant, or of the environment (qa), is routed.
TEST_F(WorkloadsTest, AppsReachTheAlbOnItsListeners) {
  fs.files["environments/qa.yaml"] =
      testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
  fs.files["tenants/jobs.yaml"] =
      "environments: [dev, qa]\napps:\n  q:\n    image: jobs/q\n    cpu: 256\n    memory: 512\n";
  Synth();
  std::set<int> listeners;
  for (const Json& l : Resources(U("dev/platform"), "aws_lb_listener"))
    listeners.insert(l["port"].get<int>());
  ASSERT_EQ(listeners, (std::set<int>{80, 443}));
  for (const char* id :
       {"dev/tenant-shop", "dev/tenant-blog", "dev/tenant-jobs", "qa/tenant-jobs"}) {
    const tf::Unit& t = U(id);
    const std::string tenant = t.name().substr(std::string("tenant-").size());
    std::set<int> reached;
    for (const auto& [name, r] : ResourcesByName(t, "aws_vpc_security_group_egress_rule")) {
      if (r.value("referenced_security_group_id", "") != kPlatformOut + "alb_security_group_id}")
        continue;
      EXPECT_EQ(name, fmt::format("{}_app_to_alb_{}", tenant, r["from_port"].get<int>()));
      EXPECT_EQ(r["security_group_id"], "${aws_security_group." + tenant + "_app.id}");
      EXPECT_EQ(r["ip_protocol"], "tcp");
      EXPECT_EQ(r["from_port"], r["to_port"]);
      reached.insert(r["from_port"].get<int>());
    }
    EXPECT_EQ(reached, listeners) << id;
  }
  // qa has no ALB, but its group exists and is the same output the rules read.
  EXPECT_FALSE(Resource(U("qa/platform"), "aws_security_group", "alb").is_null());
}

// Given a tenant unit, its content should not depend on whether another tenant routes an app
// (its fingerprint reads only its own tenant: synth.h, run/detect.cc): jobs's unit in qa is the
// same before and after a second tenant brings the environment its first routed app (and the
// ALB).
TEST_F(WorkloadsTest, TenantUnitIgnoresOtherTenantsRoutes) {
  fs.files["environments/qa.yaml"] =
      testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
  fs.files["tenants/jobs.yaml"] =
      "environments: [qa]\napps:\n  q:\n    image: jobs/q\n    cpu: 256\n    memory: 512\n";
  Synth();
  ASSERT_FALSE(U("qa/platform").Has("aws_lb", "main"));
  const std::string before = U("qa/tenant-jobs").MainJson();
  fs.files["tenants/zed.yaml"] =
      "environments: [qa]\napps:\n  www:\n    image: zed/www\n    port: 8080\n    cpu: 256\n"
      "    memory: 512\n    route: { host: zed.example.net }\n";
  Synth();
  ASSERT_TRUE(U("qa/platform").Has("aws_lb", "main"));
  EXPECT_EQ(U("qa/tenant-jobs").MainJson(), before);
}

// Given secrets, each should be created once per tenant and environment, empty (no version),
// encrypted with the environment key; nothing of another tenant's.
TEST_F(WorkloadsTest, SecretsCreatedEmptyWithKms) {
  Synth();
  for (const char* id : {"dev/tenant-shop", "prod/tenant-blog"}) {
    const tf::Unit& t = U(id);
    EXPECT_EQ(ResourceCount(t, "aws_secretsmanager_secret"), 1);
    EXPECT_EQ(ResourceCount(t, "aws_secretsmanager_secret_version"), 0);
    Json s = Resources(t, "aws_secretsmanager_secret")[0];
    EXPECT_EQ(s["kms_key_id"], kPlatformOut + "kms_key_arn}");
    EXPECT_EQ(s["name"],
              std::string(t.name() == "tenant-shop" ? "acme/shop" : "acme/blog") + "/stripe-key");
  }
  EXPECT_EQ(
      Resources(U("prod/tenant-shop"), "aws_secretsmanager_secret")[0]["recovery_window_in_days"],
      30);
  EXPECT_EQ(
      Resources(U("dev/tenant-shop"), "aws_secretsmanager_secret")[0]["recovery_window_in_days"],
      7);
}

// Given scaling targets, we should get a scalable target with the replica range and one
// target-tracking policy per target; requests per target read the ALB and target group.
TEST_F(WorkloadsTest, Scaling) {
  Synth();
  const tf::Unit& t = U("prod/tenant-shop");
  EXPECT_TRUE(
      HasResource(t, "aws_appautoscaling_target",
                  R"({"service_namespace":"ecs","scalable_dimension":"ecs:service:DesiredCount",
                              "resource_id":"service/${aws_ecs_cluster.shop.name}/${aws_ecs_service.shop_web.name}",
                              "min_capacity":3,"max_capacity":12})"));
  auto policies = ResourcesByName(t, "aws_appautoscaling_policy");
  ASSERT_EQ(policies.size(), 3u);
  auto spec = [&](const std::string& n) {
    return policies.at(n)["target_tracking_scaling_policy_configuration"];
  };
  EXPECT_EQ(policies.at("shop_web_cpu")["policy_type"], "TargetTrackingScaling");
  EXPECT_EQ(spec("shop_web_cpu")["target_value"], 60);
  EXPECT_EQ(spec("shop_web_cpu")["predefined_metric_specification"]["predefined_metric_type"],
            "ECSServiceAverageCPUUtilization");
  EXPECT_EQ(spec("shop_web_memory")["target_value"], 75);
  EXPECT_EQ(spec("shop_web_memory")["predefined_metric_specification"]["predefined_metric_type"],
            "ECSServiceAverageMemoryUtilization");
  EXPECT_EQ(spec("shop_web_requests")["target_value"], 1000);
  EXPECT_EQ(spec("shop_web_requests")["predefined_metric_specification"],
            Json::parse(R"({"predefined_metric_type":"ALBRequestCountPerTarget",
                "resource_label":"${data.terraform_remote_state.platform.outputs.alb_arn_suffix}/${aws_lb_target_group.shop_web.arn_suffix}"})"));
  // The worker has no targets: a range, no policies.
  EXPECT_TRUE(
      HasResource(t, "aws_appautoscaling_target", R"({"min_capacity":2,"max_capacity":4})"));
}

// Given an app, its alarms should go to the environment's topic and, with contacts, to the
// tenant's KMS-encrypted topic with an email subscription per contact.
TEST_F(WorkloadsTest, AlarmsToTopics) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  auto alarms = ResourcesByName(t, "aws_cloudwatch_metric_alarm");
  // web: cpu, memory, tasks, unhealthy, 5xx, p99; worker (min 0): cpu, memory.
  EXPECT_EQ(alarms.size(), 8u);
  const Json topics =
      Json::array({kPlatformOut + "alarm_topic_arn}", "${aws_sns_topic.shop_alarms.arn}"});
  for (const auto& [name, a] : alarms) {
    EXPECT_EQ(a["alarm_actions"], topics) << name;
    EXPECT_EQ(a["ok_actions"], topics) << name;
  }
  EXPECT_FALSE(alarms.count("shop_worker_tasks_low"));
  // A routed app counts its healthy targets (a free ALB metric, with or without Container
  // Insights).
  EXPECT_TRUE(
      HasResource(t, "aws_cloudwatch_metric_alarm",
                  R"({"alarm_name":"acme-shop-web-tasks-low","namespace":"AWS/ApplicationELB",
                              "metric_name":"HealthyHostCount","comparison_operator":"LessThanThreshold","threshold":1,
                              "statistic":"Minimum","treat_missing_data":"breaching",
                              "dimensions":{"TargetGroup":"${aws_lb_target_group.shop_web.arn_suffix}",
                                            "LoadBalancer":"${data.terraform_remote_state.platform.outputs.alb_arn_suffix}"}})"));
  EXPECT_TRUE(HasResource(
      t, "aws_cloudwatch_metric_alarm",
      R"({"alarm_name":"acme-shop-web-cpu-high","namespace":"AWS/ECS","metric_name":"CPUUtilization"})"));
  EXPECT_TRUE(HasResource(
      t, "aws_cloudwatch_metric_alarm",
      R"({"alarm_name":"acme-shop-web-memory-high","metric_name":"MemoryUtilization"})"));
  EXPECT_TRUE(HasResource(
      t, "aws_cloudwatch_metric_alarm",
      R"({"alarm_name":"acme-shop-web-unhealthy-targets","namespace":"AWS/ApplicationELB",
                              "metric_name":"UnHealthyHostCount",
                              "dimensions":{"TargetGroup":"${aws_lb_target_group.shop_web.arn_suffix}",
                                            "LoadBalancer":"${data.terraform_remote_state.platform.outputs.alb_arn_suffix}"}})"));
  EXPECT_TRUE(HasResource(
      t, "aws_cloudwatch_metric_alarm",
      R"({"alarm_name":"acme-shop-web-target-5xx","metric_name":"HTTPCode_Target_5XX_Count"})"));
  EXPECT_TRUE(
      HasResource(t, "aws_cloudwatch_metric_alarm",
                  R"({"alarm_name":"acme-shop-web-latency-p99","metric_name":"TargetResponseTime",
                              "extended_statistic":"p99"})"));
  EXPECT_TRUE(HasResource(
      t, "aws_sns_topic",
      R"({"name":"acme-shop-alarms","kms_master_key_id":"${data.terraform_remote_state.platform.outputs.kms_key_arn}"})"));
  EXPECT_EQ(ResourceCount(t, "aws_sns_topic_subscription"), 2);
  EXPECT_TRUE(HasResource(
      t, "aws_sns_topic_subscription",
      R"({"protocol":"email","endpoint":"oncall@acme.example.com","topic_arn":"${aws_sns_topic.shop_alarms.arn}"})"));
  // No contacts: the environment's topic only, and no tenant topic.
  const tf::Unit& b = U("dev/tenant-blog");
  EXPECT_EQ(ResourceCount(b, "aws_sns_topic"), 0);
  for (const Json& a : Resources(b, "aws_cloudwatch_metric_alarm"))
    EXPECT_EQ(a["alarm_actions"], Json::array({kPlatformOut + "alarm_topic_arn}"}));
}

// Given tenants with apps, no tenant unit should hold a dashboard: the environment's one
// dashboard (platform unit) shows each tenant through its selector.
TEST_F(WorkloadsTest, NoTenantDashboard) {
  Synth();
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_cloudwatch_dashboard"), 0);
  EXPECT_EQ(ResourceCount(U("prod/tenant-blog"), "aws_cloudwatch_dashboard"), 0);
}

// Given Container Insights (the prod default), the cluster should enable it and an unrouted
// app should alarm on its running tasks; without it (the nonprod default), the cluster
// disables it and the unrouted app has no tasks-low alarm, while a routed app keeps its
// (ALB) one.
TEST_F(WorkloadsTest, ContainerInsightsByEnvironment) {
  Synth();
  EXPECT_TRUE(HasResource(U("prod/tenant-shop"), "aws_ecs_cluster",
                          R"({"setting":[{"name":"containerInsights","value":"enabled"}]})"));
  EXPECT_TRUE(HasResource(U("prod/tenant-shop"), "aws_cloudwatch_metric_alarm",
                          R"({"alarm_name":"acme-shop-worker-tasks-low","namespace":"ECS/ContainerInsights",
                              "metric_name":"RunningTaskCount","threshold":2,
                              "dimensions":{"ClusterName":"acme-shop","ServiceName":"acme-shop-worker"}})"));
  std::string& shop = fs.files["tenants/shop.yaml"];
  const std::string zero = "replicas: { min: 0, max: 2 }";
  shop.replace(shop.find(zero), zero.size(), "replicas: { min: 1, max: 2 }");
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_TRUE(HasResource(t, "aws_ecs_cluster",
                          R"({"setting":[{"name":"containerInsights","value":"disabled"}]})"));
  auto alarms = ResourcesByName(t, "aws_cloudwatch_metric_alarm");
  EXPECT_FALSE(alarms.count("shop_worker_tasks_low"));
  EXPECT_TRUE(alarms.count("shop_web_tasks_low"));
  for (const auto& [name, a] : alarms) EXPECT_NE(a["namespace"], "ECS/ContainerInsights") << name;
  // The setting wins over the realm's default.
  fs.files["environments/dev.yaml"] += "container_insights: true\n";
  Synth();
  EXPECT_TRUE(ResourcesByName(U("dev/tenant-shop"), "aws_cloudwatch_metric_alarm").count("shop_worker_tasks_low"));
}

// Given a tenant without apps, its unit should hold no workload (and not read the platform).
TEST_F(WorkloadsTest, NoAppsNoWorkloads) {
  fs.files["tenants/blog.yaml"] = "environments: [dev]\nresources:\n  posts: { type: s3 }\n";
  Synth();
  const tf::Unit& b = U("dev/tenant-blog");
  EXPECT_EQ(ResourceCount(b, "aws_ecs_cluster"), 0);
  EXPECT_EQ(ResourceCount(b, "aws_cloudwatch_dashboard"), 0);
  // Ordered after the platform like every tenant unit (synth.h); without apps and data stores
  // it does not read the platform's state (a data store reads the environment key there).
  fs.files["tenants/blog.yaml"] = "environments: [dev]\n";
  Synth();
  const tf::Unit& empty = U("dev/tenant-blog");
  EXPECT_EQ(empty.dependencies.count("dev/platform"), 1u);
  EXPECT_FALSE(empty.data().contains("terraform_remote_state") &&
               empty.data()["terraform_remote_state"].contains("platform"));
}

// ---- isolation over the bundled example -------------------------------------------------------


std::string TenantOf(const tf::Unit& u) { return u.providers.at(0).default_tags.at(tags::kTenant); }

// Given examples/acme, no security group rule anywhere should admit one tenant's traffic into
// another tenant's groups or subnets: every ingress rule on a tenant's group names a group of
// the same unit or the platform unit's ALB group, and no CIDR covering another tenant's subnet.
TEST(WorkloadsIsolation, NoCrossTenantPathInAcme) {
  Example ex("acme");
  ASSERT_TRUE(ex.org) << RenderAll(ex.diags, ex.sources, DiagFormat::kShort);
  std::map<std::string, const tf::Unit*> by_id;
  for (const tf::Unit& u : ex.units) by_id[u.id()] = &u;
  // Tenant subnets by account directory.
  std::map<std::string, std::vector<std::pair<Cidr, std::string>>> subnets;
  for (const tf::Unit& u : ex.units) {
    if (u.name().rfind("tenant-", 0) != 0) continue;
    for (const Json& s : Resources(u, "aws_subnet"))
      subnets[u.account()].emplace_back(*Cidr::Parse(s["cidr_block"].get<std::string>()),
                                        TenantOf(u));
  }
  int rules = 0, from_alb = 0;
  for (const tf::Unit& u : ex.units) {
    const std::string tenant = TenantOf(u);
    if (tenant == tags::kPlatform) continue;
    for (const auto& [name, r] : ResourcesByName(u, "aws_vpc_security_group_ingress_rule")) {
      ++rules;
      const std::string guarded = r["security_group_id"];
      ASSERT_EQ(guarded.rfind("${aws_security_group.", 0), 0u)
          << u.id() << " " << name;  // its own group
      if (r.contains("cidr_ipv4")) {
        Cidr c = *Cidr::Parse(r["cidr_ipv4"].get<std::string>());
        for (const auto& [sub, owner] : subnets[u.account()])
          EXPECT_FALSE(owner != tenant && c.Overlaps(sub))
              << u.id() << " " << name << " admits " << owner;
      }
      // Groups only: no CIDR (so no 0.0.0.0/0; checkov's CKV_AWS_260, which cannot read
      // referenced_security_group_id, is not run on tenant units: .checkov.yaml).
      ASSERT_FALSE(r.contains("prefix_list_id")) << u.id() << " " << name;
      ASSERT_FALSE(r.contains("cidr_ipv4") || r.contains("cidr_ipv6")) << u.id() << " " << name;
      ASSERT_TRUE(r.contains("referenced_security_group_id")) << u.id() << " " << name;
      const std::string src = r["referenced_security_group_id"];
      if (src.rfind("${aws_security_group.", 0) == 0) continue;  // a group of this tenant's unit
      // Otherwise: the platform unit's output, which must be a group of the platform unit.
      const std::string prefix = "${data.terraform_remote_state.";
      ASSERT_EQ(src.rfind(prefix, 0), 0u) << u.id() << " " << name << ": " << src;
      const std::string rest = src.substr(prefix.size());
      const std::string upstream = rest.substr(0, rest.find('.'));
      const std::string output =
          rest.substr(rest.rfind('.') + 1, rest.size() - rest.rfind('.') - 2);
      EXPECT_EQ(upstream, kPlatformUnit);
      const tf::Unit* pf = by_id.at(u.account() + "/" + kPlatformUnit);
      EXPECT_EQ(TenantOf(*pf), tags::kPlatform);
      const std::string value = pf->output_blocks().at(output).at("value");
      EXPECT_EQ(value.rfind("${aws_security_group.", 0), 0u) << value;
      EXPECT_EQ(output, platform_out::kAlbSecurityGroupId);
      ++from_alb;
    }
  }
  EXPECT_GT(rules, 10);
  EXPECT_GT(from_alb, 5);
  // And the built-in rule agrees (E0808 and every other invariant).
  std::vector<check::PolicyUnit> view;
  for (const auto& u : ex.units) view.push_back(check::FromUnit(u));
  Diagnostics findings;
  check::CheckPolicy(view, check::ContextFromOrg(*ex.org), &ex.sources, findings);
  EXPECT_EQ(findings.items().size(), 0u) << RenderAll(findings, ex.sources, DiagFormat::kShort);
}

}  // namespace
}  // namespace eurus::synth
