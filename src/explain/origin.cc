#include "explain/origin.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "check/glob.h"
#include "synth/synth.h"

namespace eurus::explain {

namespace {

/// What each resource type eurus emits is, as a noun phrase.
const std::map<std::string, const char*, std::less<>>& Nouns() {
  static const std::map<std::string, const char*, std::less<>> kNouns = {
      {"aws_acm_certificate", "the TLS certificate"},
      {"aws_acm_certificate_validation", "the wait for the DNS validation of the certificate"},
      {"aws_apigatewayv2_api", "the HTTP API (API Gateway)"},
      {"aws_apigatewayv2_api_mapping", "the mapping of the API onto its custom domain"},
      {"aws_apigatewayv2_domain_name", "the API's custom domain"},
      {"aws_apigatewayv2_integration", "the API Gateway integration (HTTP proxy over the VPC link to the ALB)"},
      {"aws_apigatewayv2_route", "the API Gateway route"},
      {"aws_apigatewayv2_stage", "the API's $default stage (throttling, access logs)"},
      {"aws_apigatewayv2_vpc_link", "the VPC link from API Gateway to the internal ALB"},
      {"aws_appautoscaling_policy", "the target-tracking scaling policy"},
      {"aws_appautoscaling_target", "the scaling target (fewest and most tasks)"},
      {"aws_backup_global_settings", "the organisation's AWS Backup settings"},
      {"aws_backup_plan", "the backup plan"},
      {"aws_backup_region_settings", "the AWS Backup opt-in of the region's services"},
      {"aws_backup_selection", "the backup selection (what the plan covers, by tag)"},
      {"aws_backup_vault", "the backup vault"},
      {"aws_backup_vault_lock_configuration", "the vault lock (no backup deleted before its time)"},
      {"aws_backup_vault_policy", "the policy of the backup vault"},
      {"aws_bcmdataexports_export", "the cost and usage report export"},
      {"aws_budgets_budget", "the AWS Budget"},
      {"aws_ce_cost_category", "the cost category"},
      {"aws_cloudfront_distribution", "the CloudFront distribution"},
      {"aws_cloudfront_vpc_origin", "the CloudFront VPC origin (the internal ALB)"},
      {"aws_cloudwatch_dashboard", "the CloudWatch dashboard"},
      {"aws_cloudwatch_log_delivery", "the log delivery"},
      {"aws_cloudwatch_log_delivery_destination", "the log delivery destination"},
      {"aws_cloudwatch_log_delivery_source", "the log delivery source"},
      {"aws_cloudwatch_log_group", "the log group"},
      {"aws_cloudwatch_log_resource_policy", "the log resource policy (lets a service write logs)"},
      {"aws_cloudwatch_metric_alarm", "the CloudWatch alarm"},
      {"aws_db_subnet_group", "the DB subnet group"},
      {"aws_default_security_group", "the VPC's default security group, with every rule removed"},
      {"aws_docdb_cluster", "the DocumentDB cluster"},
      {"aws_docdb_cluster_instance", "the DocumentDB instance"},
      {"aws_docdb_cluster_parameter_group", "the DocumentDB parameter group"},
      {"aws_docdb_subnet_group", "the DocumentDB subnet group"},
      {"aws_ec2_transit_gateway_vpc_attachment", "the transit gateway attachment"},
      {"aws_ecr_lifecycle_policy", "the image lifecycle policy"},
      {"aws_ecr_repository", "the ECR repository"},
      {"aws_ecr_repository_policy", "the policy of the ECR repository (who may pull)"},
      {"aws_ecs_cluster", "the ECS cluster"},
      {"aws_ecs_cluster_capacity_providers", "the cluster's capacity providers (Fargate, Fargate Spot)"},
      {"aws_ecs_service", "the ECS service"},
      {"aws_ecs_task_definition", "the task definition (image, CPU, memory, environment, secrets)"},
      {"aws_eip", "the elastic IP address"},
      {"aws_elasticache_serverless_cache", "the ElastiCache Serverless cache"},
      {"aws_flow_log", "the VPC flow log"},
      {"aws_iam_openid_connect_provider", "the GitHub OIDC identity provider"},
      {"aws_iam_policy", "the IAM managed policy"},
      {"aws_iam_role", "the IAM role"},
      {"aws_iam_role_policy", "the inline policy of the IAM role"},
      {"aws_iam_role_policy_attachment", "the managed-policy attachment"},
      {"aws_internet_gateway", "the internet gateway"},
      {"aws_kms_alias", "the KMS key alias"},
      {"aws_kms_key", "the KMS key"},
      {"aws_lb", "the shared internal application load balancer"},
      {"aws_lb_listener", "the ALB listener"},
      {"aws_lb_listener_certificate", "an extra certificate on the ALB's HTTPS listener"},
      {"aws_lb_listener_rule", "the ALB listener rule"},
      {"aws_lb_target_group", "the ALB target group"},
      {"aws_nat_gateway", "the NAT gateway"},
      {"aws_oam_link", "the cross-account observability link"},
      {"aws_oam_sink", "the cross-account observability sink"},
      {"aws_oam_sink_policy", "the policy of the observability sink"},
      {"aws_rds_cluster", "the Aurora cluster"},
      {"aws_rds_cluster_instance", "the Aurora instance"},
      {"aws_rds_cluster_parameter_group", "the Aurora cluster parameter group"},
      {"aws_route", "the route"},
      {"aws_route53_record", "the DNS record"},
      {"aws_route53_zone", "the public hosted zone"},
      {"aws_route_table", "the route table"},
      {"aws_route_table_association", "the route table association"},
      {"aws_s3_bucket", "the S3 bucket"},
      {"aws_s3_bucket_lifecycle_configuration", "the lifecycle rules of the bucket"},
      {"aws_s3_bucket_logging", "the access logging of the bucket"},
      {"aws_s3_bucket_ownership_controls", "the ownership controls of the bucket (ACLs off)"},
      {"aws_s3_bucket_policy", "the bucket policy"},
      {"aws_s3_bucket_public_access_block", "the public-access block of the bucket"},
      {"aws_s3_bucket_server_side_encryption_configuration", "the default encryption of the bucket"},
      {"aws_s3_bucket_versioning", "the versioning of the bucket"},
      {"aws_secretsmanager_secret", "the Secrets Manager secret"},
      {"aws_security_group", "the security group"},
      {"aws_sns_topic", "the SNS topic"},
      {"aws_sns_topic_policy", "the policy of the SNS topic"},
      {"aws_sns_topic_subscription", "the email subscription"},
      {"aws_ssm_parameter", "the SSM parameter"},
      {"aws_subnet", "the subnet"},
      {"aws_vpc", "the VPC"},
      {"aws_vpc_endpoint", "the VPC endpoint"},
      {"aws_vpc_endpoint_route_table_association", "the S3 gateway endpoint's route in a route table"},
      {"aws_vpc_ipv4_cidr_block_association", "the secondary CIDR of the VPC"},
      {"aws_vpc_security_group_egress_rule", "the outbound security group rule"},
      {"aws_vpc_security_group_ingress_rule", "the inbound security group rule"},
      {"aws_wafv2_web_acl", "the WAF web ACL"},
      {"aws_wafv2_web_acl_logging_configuration", "the WAF's logging"},
      {"aws_xray_sampling_rule", "the X-Ray sampling rule"},
      {"terraform_data", "a step without a resource (terraform_data)"},
  };
  return kNouns;
}

/// The model object a block was built from.
enum class Owner {
  kOrg, kRealm, kEnvironment, kNetwork, kCloudFront, kApi, kWaf, kTracing,
  kTenant, kApp, kRoute, kStore, kSecret, kImage, kAccess, kBudget, kContacts,
};

/// One row of the table. `unit` is a glob over the unit name; `type` a glob over the
/// resource type; `name` a pattern over the block name where `*` is any run of bytes and
/// {tenant}, {app}, {store}, {secret}, {host}, {image}, {kind}, {port}, {env}, {realm} and
/// {az} match the block keys of the model's names (synth::BlockKey). The first matching row
/// wins.
struct Row {
  const char* unit;
  const char* type;
  const char* name;
  Owner owner;
  const char* why;  ///< follows the type's noun; the same placeholders, filled in
};

// clang-format off
constexpr Row kRows[] = {
    // A tenant's unit: its apps, routes, data stores, network share and roles.
    {"tenant-*", "aws_lb_target_group", "{tenant}_{app}", Owner::kRoute, "that holds the tasks of app {app} of tenant {tenant} for the shared ALB"},
    {"tenant-*", "aws_lb_listener_rule", "{tenant}_{app}_*", Owner::kRoute, "that sends the host and paths of app {app} (its `route`) to its target group"},
    {"tenant-*", "aws_apigatewayv2_integration", "{tenant}_{app}_api_*", Owner::kRoute, "of app {app} (`expose: [api]`): one per backend path"},
    {"tenant-*", "aws_apigatewayv2_route", "{tenant}_{app}_api_route_*", Owner::kRoute, "that serves app {app} under /{tenant}/ on the environment's API (`expose: [api]`)"},
    {"tenant-*", "aws_ecs_service", "{tenant}_{app}", Owner::kApp, "that runs app {app} of tenant {tenant}"},
    {"tenant-*", "aws_ecs_task_definition", "{tenant}_{app}", Owner::kApp, "of app {app} of tenant {tenant}, with the OpenTelemetry collector beside it"},
    {"tenant-*", "aws_appautoscaling_target", "{tenant}_{app}", Owner::kApp, "of app {app} (`replicas`)"},
    {"tenant-*", "aws_appautoscaling_policy", "{tenant}_{app}_*", Owner::kApp, "of app {app} (`scaling`)"},
    {"tenant-*", "aws_cloudwatch_log_group", "{tenant}_{app}", Owner::kApp, "of app {app}'s containers"},
    {"tenant-*", "aws_cloudwatch_metric_alarm", "{tenant}_{app}_*", Owner::kApp, "on app {app}, notifying tenant {tenant}'s alarm topic"},
    {"tenant-*", "aws_iam_role*", "{tenant}_{app}_exec", Owner::kApp, "that ECS starts app {app} with: pull its image, write its logs, read its secrets"},
    {"tenant-*", "aws_iam_role*", "{tenant}_{app}_task", Owner::kApp, "that app {app}'s code runs as: traces, and the data stores it `uses`"},
    {"tenant-*", "aws_ssm_parameter", "{tenant}_{app}_image", Owner::kApp, "holding the image tag app {app} runs (the tenant's release sets it)"},
    {"tenant-*", "aws_secretsmanager_secret", "{tenant}_secret_{secret}", Owner::kSecret, "`{secret}` of tenant {tenant}, injected into the apps that list it (its value is set outside eurus)"},
    {"tenant-*", "aws_cloudwatch_log_group", "db-{store}-*", Owner::kStore, "where data store {store} exports its database logs"},
    {"tenant-*", "aws_rds_*", "{store}*", Owner::kStore, "of data store {store} of tenant {tenant}"},
    {"tenant-*", "aws_docdb_*", "{store}*", Owner::kStore, "of data store {store} of tenant {tenant}"},
    {"tenant-*", "aws_db_subnet_group", "{store}", Owner::kStore, "of data store {store}: the tenant's data subnets"},
    {"tenant-*", "aws_elasticache_*", "{store}", Owner::kStore, "of data store {store} of tenant {tenant}"},
    {"tenant-*", "aws_s3_bucket*", "{store}", Owner::kStore, "of data store {store} of tenant {tenant}"},
    {"tenant-*", "aws_ecs_cluster*", "{tenant}", Owner::kTenant, "of tenant {tenant}: every app's service runs in it"},
    {"tenant-*", "aws_security_group", "{tenant}_app", Owner::kTenant, "of tenant {tenant}'s tasks: admits the shared ALB only"},
    {"tenant-*", "aws_security_group", "{tenant}_data", Owner::kTenant, "of tenant {tenant}'s data stores: admits its apps only"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_data_{kind}*", Owner::kStore, "that lets tenant {tenant}'s apps reach its {kind} stores (data store {store} and any other of its kind)"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_data_from_app_{kind}*", Owner::kStore, "that admits tenant {tenant}'s apps to its {kind} stores (data store {store} and any other of its kind)"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_from_alb_{port}", Owner::kRoute, "that admits the shared ALB to tenant {tenant}'s tasks on port {port} (app {app} and any other routed app on it)"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_internet*", Owner::kEnvironment, "that lets tenant {tenant}'s tasks reach the internet on 443 (environment {env}'s `internet_egress`)"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_alb_*", Owner::kTenant, "that lets tenant {tenant}'s tasks call other routed apps through the shared ALB"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_endpoints", Owner::kTenant, "that lets tenant {tenant}'s tasks call AWS through the interface endpoints"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_s3", Owner::kTenant, "that lets tenant {tenant}'s tasks reach S3 through the gateway endpoint"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_app_to_*", Owner::kEnvironment, "that lets tenant {tenant}'s tasks reach an egress destination (environment {env}'s `network.egress`)"},
    {"tenant-*", "aws_vpc_security_group_*", "{tenant}_*", Owner::kTenant, "of tenant {tenant}'s app or data security group"},
    {"tenant-*", "aws_subnet", "{tenant}_data_{az}", Owner::kTenant, "for tenant {tenant}'s data stores in {az} (its CIDR is kept in eurus.lock.json)"},
    {"tenant-*", "aws_subnet", "{tenant}_{az}", Owner::kTenant, "for tenant {tenant}'s tasks in {az} (its CIDR is kept in eurus.lock.json)"},
    {"tenant-*", "aws_route", "{tenant}_{az}_to_internet", Owner::kEnvironment, "from tenant {tenant}'s subnet in {az} to the NAT gateway (environment {env}'s `internet_egress`)"},
    {"tenant-*", "aws_route", "{tenant}_{az}_to_*", Owner::kEnvironment, "from tenant {tenant}'s subnet in {az} to an egress destination (environment {env}'s `network.egress`)"},
    {"tenant-*", "aws_route*", "{tenant}_*", Owner::kTenant, "of tenant {tenant}'s subnets"},
    {"tenant-*", "aws_vpc_endpoint_route_table_association", "{tenant}_*", Owner::kTenant, "of tenant {tenant}'s subnets"},
    {"tenant-*", "aws_sns_topic", "{tenant}_alarms", Owner::kContacts, "that tenant {tenant}'s alarms notify (its `contacts`)"},
    {"tenant-*", "aws_sns_topic_subscription", "{tenant}_alarms_*", Owner::kContacts, "of one of tenant {tenant}'s `contacts` to its alarm topic"},
    {"tenant-*", "aws_iam_role*", "tenant_read", Owner::kAccess, "that the principals of `access.read` assume to read tenant {tenant}'s logs, dashboards and alarms"},
    {"tenant-*", "aws_iam_role*", "tenant_release", Owner::kAccess, "that the principals of `access.release` assume to release tenant {tenant}'s images"},
    {"tenant-*", "aws_xray_sampling_rule", "tenant", Owner::kTracing, "of tenant {tenant} (`tracing.sampling_rate`), before the environment's"},
    // An environment's network.
    {"network", "aws_vpc", "main", Owner::kNetwork, "of environment {env} (`network.cidr`)"},
    {"network", "aws_subnet", "platform_{az}", Owner::kNetwork, "for the shared ALB, the endpoints and the edge's ENIs in {az}"},
    {"network", "aws_subnet", "nat_{az}", Owner::kNetwork, "(public) of the NAT gateway in {az} (`internet_egress`)"},
    {"network", "aws_subnet", "egress_{az}", Owner::kNetwork, "of the private NAT gateway in {az} (`network.egress`)"},
    {"network", "aws_nat_gateway", "public_{az}", Owner::kNetwork, "that lets the tasks reach the internet (`internet_egress`, `nat_gateways`)"},
    {"network", "aws_nat_gateway", "private_{az}", Owner::kNetwork, "that translates to `network.egress.cidr` toward the egress destinations"},
    {"network", "aws_eip", "nat_*", Owner::kNetwork, "of the public NAT gateway"},
    {"network", "*", "egress*", Owner::kNetwork, "of the private egress to other networks (`network.egress`)"},
    {"network", "*", "flow_logs", Owner::kNetwork, "of the VPC flow logs (`network.flow_logs`)"},
    {"network", "aws_flow_log", "vpc", Owner::kNetwork, "of environment {env} (`network.flow_logs`)"},
    {"network", "aws_vpc_endpoint", "s3", Owner::kNetwork, "(gateway) to S3: image layers and buckets without the internet"},
    {"network", "aws_vpc_endpoint", "*", Owner::kNetwork, "(interface) that the tasks call AWS through (`network.endpoints`)"},
    {"network", "*", "*", Owner::kNetwork, "of environment {env}'s network"},
    // An environment's platform: the edge, the shared ALB, backups, alarms.
    {"platform", "aws_route53_record", "host_{host}_cloudfront_*", Owner::kRoute, "that points {hostname} at the CloudFront distribution (`expose: [cloudfront]` of app {app})"},
    {"platform", "*", "host_{host}", Owner::kRoute, "for route host {hostname} of app {app} of tenant {tenant}, which the zone's wildcard does not cover"},
    {"platform", "aws_wafv2_*", "*", Owner::kWaf, "in front of the CloudFront distribution (`ingress.waf`)"},
    {"platform", "*", "waf*", Owner::kWaf, "of the WAF's request logs (`ingress.waf`)"},
    {"platform", "aws_cloudfront_*", "*", Owner::kCloudFront, "of environment {env}'s CloudFront edge (`ingress.cloudfront`)"},
    {"platform", "*", "cloudfront*", Owner::kCloudFront, "of the CloudFront edge (`ingress.cloudfront`)"},
    {"platform", "aws_apigatewayv2_*", "*", Owner::kApi, "of environment {env}'s HTTP API (`ingress.api_gateway`)"},
    {"platform", "*", "api*", Owner::kApi, "of the API at api.{zone} (`ingress.api_gateway`)"},
    {"platform", "*", "vpc_link*", Owner::kApi, "of the API's VPC link (`ingress.api_gateway`)"},
    {"platform", "aws_xray_sampling_rule", "default", Owner::kTracing, "of environment {env} (`tracing`)"},
    {"platform", "aws_sns_topic_subscription", "alarms_*", Owner::kOrg, "of one of the org's `alerts.emails` to environment {env}'s alarm topic"},
    {"platform", "*", "*backup*", Owner::kEnvironment, "of environment {env}'s backups (`dr.rpo_hours`)"},
    {"platform", "*", "continuous", Owner::kEnvironment, "of environment {env}'s backups (`dr.rpo_hours`)"},
    {"platform", "*", "snapshots", Owner::kEnvironment, "of environment {env}'s backups (`dr.rpo_hours`)"},
    {"platform", "*", "opt_in", Owner::kEnvironment, "of environment {env}'s backups"},
    {"platform", "aws_backup_vault", "main", Owner::kEnvironment, "of environment {env}'s backups"},
    {"platform", "*", "alb*", Owner::kEnvironment, "of the shared ALB of environment {env}, which every routed app's rules join"},
    {"platform", "aws_lb*", "*", Owner::kEnvironment, "of environment {env}, shared by every tenant's routed apps"},
    {"platform", "*", "*", Owner::kEnvironment, "of environment {env}'s platform"},
    // The realms' common accounts.
    {"registry", "aws_ecr_*", "eurus--*", Owner::kRealm, "of the platform's sidecar image (the OpenTelemetry collector), mirrored into the {realm} registry"},
    {"registry", "aws_ecr_*", "{image}", Owner::kImage, "that app {app} of tenant {tenant} pulls its image `{image}` from"},
    {"registry", "aws_iam_role*", "release_{tenant}", Owner::kAccess, "that the principals of `access.release` assume to push tenant {tenant}'s images"},
    {"registry", "*", "*", Owner::kRealm, "of the {realm} image registry"},
    {"backup", "*", "*", Owner::kRealm, "of the {realm} realm's central backup copies"},
    {"observability", "aws_cloudwatch_metric_alarm", "*_{env}", Owner::kEnvironment, "on environment {env}, seen from the {realm} realm's observability account"},
    {"observability", "*", "*", Owner::kRealm, "of the {realm} realm's cross-account observability"},
    // The management account.
    {"bootstrap", "*", "*_env_{env}", Owner::kEnvironment, "of environment {env}'s account (deploy identities and state)"},
    {"bootstrap", "*", "*_common_{realm}", Owner::kRealm, "of the {realm} common account (deploy identities and state)"},
    {"bootstrap", "*", "*", Owner::kOrg, "of the management account (deploy identities, state, backup policy)"},
    {"billing", "aws_budgets_budget", "{tenant}*", Owner::kBudget, "of tenant {tenant} (`budget`)"},
    {"billing", "aws_ce_cost_category", "*", Owner::kOrg, "that splits the bill by tenant (`billing.shared_costs`)"},
    {"billing", "*", "*", Owner::kOrg, "of the organisation's cost and usage report"},
};
// clang-format on

/// What the placeholders of a matched pattern captured (block keys, as written in the name).
using Captures = std::map<std::string, std::string, std::less<>>;

/// The candidate values of each placeholder in scope `s` (block keys).
std::vector<std::string> Candidates(const Scope& s, std::string_view token) {
  std::vector<std::string> out;
  if (token == "tenant") {
    if (s.tenant) {
      out.push_back(synth::BlockKey(s.tenant->name));
    } else {
      for (const auto& t : s.org->tenants) out.push_back(synth::BlockKey(t.name));
    }
  } else if (token == "app" && s.dep) {
    for (const auto& a : s.dep->apps) out.push_back(synth::BlockKey(a.name));
  } else if (token == "store" && s.dep) {
    for (const auto& r : s.dep->resources) {
      out.push_back(r.name);
      out.push_back(synth::BlockKey(r.name));
    }
  } else if (token == "secret" && s.dep) {
    for (const auto& a : s.dep->apps)
      for (const auto& sec : a.secrets) out.push_back(synth::BlockKey(sec));
  } else if (token == "host" && s.env) {
    for (const auto& t : s.org->tenants)
      for (const auto& d : t.deployments)
        if (d.env == s.env->name)
          for (const auto& a : d.apps)
            if (a.route) out.push_back(synth::BlockKey(a.route->host));
  } else if (token == "image" && s.unit) {
    if (s.unit->resources().contains("aws_ecr_repository"))
      for (const auto& [key, body] : s.unit->resources()["aws_ecr_repository"].items()) out.push_back(key);
  } else if (token == "kind" && s.dep) {
    for (const auto& r : s.dep->resources) out.push_back(model::ResourceTypeName(r.type));
  } else if (token == "port" && s.dep) {
    for (const auto& a : s.dep->apps)
      if (a.route && a.port) out.push_back(std::to_string(*a.port));
  } else if (token == "env") {
    for (const auto& e : s.org->environments) out.push_back(synth::BlockKey(e.name));
  } else if (token == "realm") {
    out = {"nonprod", "prod"};
  } else if (token == "az" && s.env) {
    for (const auto& az : s.env->network.azs) out.push_back(synth::BlockKey(az));
  }
  // Longest first, so "orders_archive" wins over "orders" where both would match.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return out;
}

/// True when `name` matches `pat` as a whole; fills `caps`.
bool Match(const Scope& s, std::string_view pat, std::string_view name, Captures& caps) {
  if (pat.empty()) return name.empty();
  if (pat[0] == '*') {
    for (size_t n = 0; n <= name.size(); ++n)
      if (Match(s, pat.substr(1), name.substr(n), caps)) return true;
    return false;
  }
  if (pat[0] == '{') {
    size_t close = pat.find('}');
    std::string_view token = pat.substr(1, close - 1);
    for (const std::string& c : Candidates(s, token)) {
      if (!name.starts_with(c)) continue;
      Captures saved = caps;
      caps[std::string(token)] = c;
      if (Match(s, pat.substr(close + 1), name.substr(c.size()), caps)) return true;
      caps = saved;
    }
    return false;
  }
  return !name.empty() && name[0] == pat[0] && Match(s, pat.substr(1), name.substr(1), caps);
}

const model::App* AppByKey(const model::Deployment* dep, const std::string& key) {
  if (!dep) return nullptr;
  for (const auto& a : dep->apps)
    if (synth::BlockKey(a.name) == key) return &a;
  return nullptr;
}

/// The objects a row's captures name, resolved in the model.
struct Found {
  const model::Tenant* tenant = nullptr;
  const model::App* app = nullptr;
  const model::Resource* store = nullptr;
  std::string image;   ///< the repository name of {image}
  std::string secret;  ///< the secret's name of {secret}
  std::string kind;    ///< {kind}: "postgres", ...
  std::string port;    ///< {port}
  std::string az;      ///< {az}, as the environment names it ("eu-west-1a")
};

Found Resolve(const Scope& s, const Captures& caps) {
  Found f;
  f.tenant = s.tenant;
  if (auto it = caps.find("tenant"); it != caps.end() && !f.tenant)
    for (const auto& t : s.org->tenants)
      if (synth::BlockKey(t.name) == it->second) f.tenant = &t;
  if (auto it = caps.find("app"); it != caps.end()) f.app = AppByKey(s.dep, it->second);
  if (auto it = caps.find("secret"); it != caps.end() && s.dep)
    for (const auto& a : s.dep->apps)
      for (const auto& sec : a.secrets)
        if (!f.app && synth::BlockKey(sec) == it->second) {
          f.app = &a;
          f.secret = sec;
        }
  if (auto it = caps.find("kind"); it != caps.end() && s.dep) {  // the first store of the kind
    f.kind = it->second;
    for (const auto& r : s.dep->resources)
      if (!f.store && f.kind == model::ResourceTypeName(r.type)) f.store = &r;
  }
  if (auto it = caps.find("port"); it != caps.end() && s.dep) {  // the first routed app on the port
    f.port = it->second;
    for (const auto& a : s.dep->apps)
      if (!f.app && a.route && a.port && std::to_string(*a.port) == f.port) f.app = &a;
  }
  if (auto it = caps.find("store"); it != caps.end() && s.dep)
    for (const auto& r : s.dep->resources)
      if (r.name == it->second || synth::BlockKey(r.name) == it->second) f.store = &r;
  if (auto it = caps.find("host"); it != caps.end() && s.env)  // the app whose route has the host
    for (const auto& t : s.org->tenants)
      for (const auto& d : t.deployments)
        for (const auto& a : d.apps)
          if (!f.app && d.env == s.env->name && a.route && synth::BlockKey(a.route->host) == it->second) {
            f.tenant = &t;
            f.app = &a;
          }
  if (auto it = caps.find("az"); it != caps.end() && s.env)
    for (const auto& az : s.env->network.azs)
      if (synth::BlockKey(az) == it->second) f.az = az;
  if (auto it = caps.find("image"); it != caps.end()) {
    const auto& body = s.unit->resources()["aws_ecr_repository"][it->second];
    f.image = body.value("name", "");
    for (const auto& t : s.org->tenants)
      for (const auto& d : t.deployments)
        for (const auto& a : d.apps)
          if (!f.app && a.image == f.image) {
            f.tenant = &t;
            f.app = &a;
          }
  }
  return f;
}

/// The span of a key the configuration wrote, else `fallback`.
template <class F>
Span KeyOr(const F& field, Span fallback) {
  return field.key_span.valid() ? field.key_span : fallback;
}

const config::EnvDoc* EnvDocOf(const Scope& s) {
  if (!s.project || !s.env) return nullptr;
  for (const auto& e : s.project->envs)
    if (e.name.value == s.env->name) return &e;
  return nullptr;
}

Span OrgSpan(const Scope& s) { return s.project ? KeyOr(s.project->org.org, Span{}) : Span{}; }

Span RealmSpan(const Scope& s) {
  if (!s.realm) return OrgSpan(s);
  for (const auto& r : s.org->realms)
    if (r.kind == *s.realm) return r.span;
  return OrgSpan(s);
}

/// Where `owner` is written, and how to name it.
std::pair<Span, std::string> Locate(const Scope& s, Owner owner, const Found& f) {
  const config::EnvDoc* doc = EnvDocOf(s);
  Span env = s.env ? s.env->span : Span{};
  std::string env_name = s.env ? fmt::format("environment `{}`", s.env->name) : "";
  std::string tenant = f.tenant ? fmt::format("tenant `{}`", f.tenant->name) : "";
  switch (owner) {
    case Owner::kOrg: return {OrgSpan(s), fmt::format("org `{}` (eurus.yaml)", s.org->name)};
    case Owner::kRealm:
      return {RealmSpan(s), fmt::format("realm `{}`", s.realm ? model::RealmName(*s.realm) : "")};
    case Owner::kEnvironment: return {env, env_name};
    case Owner::kNetwork: return {doc && doc->network.span.valid() ? doc->network.span : env, env_name + ", `network`"};
    case Owner::kCloudFront: return {doc ? KeyOr(doc->ingress.cloudfront, env) : env, env_name + ", `ingress.cloudfront`"};
    case Owner::kApi: return {doc ? KeyOr(doc->ingress.api_gateway, env) : env, env_name + ", `ingress.api_gateway`"};
    case Owner::kWaf: return {doc ? KeyOr(doc->ingress.waf, env) : env, env_name + ", `ingress.waf`"};
    case Owner::kTracing:
      if (s.dep && s.dep->sampling_span.valid()) return {s.dep->sampling_span, tenant + ", `tracing`"};
      if (s.env && s.env->tracing_span.valid()) return {s.env->tracing_span, env_name + ", `tracing`"};
      return {s.tenant ? s.tenant->span : env, s.tenant ? tenant : env_name};
    case Owner::kTenant:
    case Owner::kContacts: return {f.tenant ? f.tenant->span : Span{}, tenant};
    case Owner::kAccess:
      return {f.tenant && f.tenant->access.span.valid() ? f.tenant->access.span : Span{}, tenant + ", `access`"};
    case Owner::kBudget:
      return {f.tenant && f.tenant->budget.span.valid() ? f.tenant->budget.span : Span{}, tenant + ", `budget`"};
    case Owner::kApp:
    case Owner::kSecret:
    case Owner::kImage:
      if (f.app) return {f.app->span, fmt::format("app `{}` of {}", f.app->name, tenant)};
      return {f.tenant ? f.tenant->span : Span{}, tenant};
    case Owner::kRoute:
      if (f.app && f.app->route) return {f.app->route->span, fmt::format("the `route` of app `{}` of {}", f.app->name, tenant)};
      return {f.app ? f.app->span : Span{}, tenant};
    case Owner::kStore:
      if (f.store) return {f.store->span, fmt::format("data store `{}` of {}", f.store->name, tenant)};
      return {f.tenant ? f.tenant->span : Span{}, tenant};
  }
  return {Span{}, ""};
}

/// `why` with its placeholders filled.
std::string Fill(const Scope& s, std::string why, const Found& f) {
  std::map<std::string, std::string> values = {
      {"{tenant}", f.tenant ? f.tenant->name : ""},
      {"{app}", f.app ? f.app->name : ""},
      {"{store}", f.store ? f.store->name : ""},
      {"{hostname}", f.app && f.app->route ? f.app->route->host : ""},
      {"{image}", f.image},
      {"{secret}", f.secret},
      {"{kind}", f.kind},
      {"{port}", f.port},
      {"{az}", f.az},
      {"{env}", s.env ? s.env->name : ""},
      {"{zone}", s.env ? s.env->zone : ""},
      {"{realm}", s.realm ? model::RealmName(*s.realm) : ""},
  };
  for (const auto& [key, value] : values)
    for (size_t at = why.find(key); at != std::string::npos; at = why.find(key, at + value.size()))
      why.replace(at, key.size(), value);
  return why;
}

}  // namespace

Scope ScopeOf(const model::Org& org, const config::Project* project, const tf::Unit& unit) {
  Scope s;
  s.org = &org;
  s.project = project;
  s.unit = &unit;
  s.env = org.environment(unit.account());
  if (unit.account() == synth::CommonDir(model::RealmKind::kNonprod)) s.realm = model::RealmKind::kNonprod;
  if (unit.account() == synth::CommonDir(model::RealmKind::kProd)) s.realm = model::RealmKind::kProd;
  if (s.env) s.realm = s.env->realm;
  if (s.env && unit.name().starts_with("tenant-"))
    for (const auto& t : org.tenants)
      if (synth::TenantUnitName(t) == unit.name())
        for (const auto& d : t.deployments)
          if (d.env == s.env->name) {
            s.tenant = &t;
            s.dep = &d;
          }
  return s;
}

const char* NounOf(const std::string& type) {
  auto it = Nouns().find(type);
  return it == Nouns().end() ? nullptr : it->second;
}

std::optional<Origin> OriginOf(const Scope& s, const std::string& type, const std::string& name) {
  const char* noun = NounOf(type);
  if (!noun) return std::nullopt;
  for (const Row& row : kRows) {
    if (!check::Glob(row.unit, s.unit->name()) || !check::Glob(row.type, type)) continue;
    Captures caps;
    if (!Match(s, row.name, name, caps)) continue;
    // The environment or realm a management or common block names ({env}, {realm}).
    Scope at = s;
    if (auto it = caps.find("env"); it != caps.end())
      for (const auto& e : s.org->environments)
        if (synth::BlockKey(e.name) == it->second) {
          at.env = &e;
          at.realm = e.realm;
        }
    if (auto it = caps.find("realm"); it != caps.end())
      at.realm = it->second == "prod" ? model::RealmKind::kProd : model::RealmKind::kNonprod;
    Found f = Resolve(at, caps);
    auto [span, from] = Locate(at, row.owner, f);
    return Origin{fmt::format("{} {}", noun, Fill(at, row.why, f)), from, span};
  }
  return std::nullopt;
}

std::string UnitReason(const Scope& s) {
  const std::string& n = s.unit->name();
  if (s.tenant) return fmt::format("the apps, data stores, subnets and roles of tenant {} in environment {}", s.tenant->name, s.env->name);
  if (s.env && n == "network") return fmt::format("the VPC of environment {}: subnets, NAT, endpoints, flow logs", s.env->name);
  if (s.env && n == "platform")
    return fmt::format("what the tenants of environment {} share: zone, certificates, ALB, edge, backups, alarms", s.env->name);
  std::string realm = s.realm ? model::RealmName(*s.realm) : "";
  if (n == "registry") return fmt::format("the ECR registry of the {} realm: one repository per app image", realm);
  if (n == "backup") return fmt::format("the central backup vault of the {} realm: copies of every environment's backups", realm);
  if (n == "observability") return fmt::format("the {} realm's observability account: sink, dashboard, cross-environment alarms", realm);
  if (n == "bootstrap") return "every account's deploy identities (deployer, planner, GitHub OIDC) and state buckets";
  if (n == "billing") return "the cost and usage report, budgets and the cost category by tenant";
  return fmt::format("unit {}", s.unit->id());
}

Span UnitSpan(const Scope& s) {
  if (s.tenant) return s.tenant->span;
  if (s.env) return s.env->span;
  if (s.realm) return RealmSpan(s);
  return OrgSpan(s);
}

}  // namespace eurus::explain
