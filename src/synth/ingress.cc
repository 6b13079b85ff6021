// Edge ingress: how the internet reaches apps behind the environment's internal shared ALB,
// with nothing in the VPC gaining a public address. In the platform unit, after the ALB
// (AddEdgeIngress): with `ingress.cloudfront`, a CloudFront VPC origin to the ALB and one
// distribution for the hosts of the apps that expose `cloudfront` (us-east-1 certificate,
// optional WAF, standard logging v2 to an encrypted bucket, alias records), and a second
// security group on the ALB admitting CloudFront's origin-facing prefix list; with
// `ingress.api_gateway`, an HTTP API with a VPC link into the platform subnets, its custom
// domain api.<env>.<domain>, an access-logged $default stage. In each tenant unit
// (AddTenantApiRoutes): an integration and routes under /<tenant>/ per app that exposes
// `api`. See docs/Ingress.md.

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "model/routing.h"
#include "synth/apex_zone.h"
#include "synth/contract.h"
#include "synth/platform.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// CloudFront's certificates, web ACLs and log delivery sources live in us-east-1; provider
/// v6 takes the Region per resource (no second provider).
constexpr char kGlobalRegion[] = "us-east-1";
/// Managed CloudFront policies (CloudFront developer guide, "Use managed ... policies"):
/// nothing cached (the apps are dynamic), every viewer header, cookie and query string to
/// the origin (Host included, so the ALB's host rules match), and, looked up by name, the
/// security headers (HSTS, nosniff, frame options, referrer policy, XSS protection) on every
/// response.
constexpr char kCachingDisabled[] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
constexpr char kAllViewer[] = "216adef6-5c7f-47e4-b989-5492eafa07d3";
constexpr char kSecurityHeaders[] = "Managed-SecurityHeadersPolicy";
/// Route 53's hosted zone of every CloudFront distribution (alias targets).
constexpr char kCloudFrontZoneId[] = "Z2FDTNDATAQYW2";
constexpr char kOriginFacingPrefixList[] = "com.amazonaws.global.cloudfront.origin-facing";
/// The service that writes vended logs (CloudFront standard logging v2) to S3.
constexpr char kLogDelivery[] = "delivery.logs.amazonaws.com";
constexpr char kOriginId[] = "shared-alb";
/// $default stage throttling for all routes of the environment's API (requests per second
/// and burst); API Gateway's account default is 10000/5000, shared by every API.
constexpr int kApiRateLimit = 1000;
constexpr int kApiBurstLimit = 500;

Json NameTag(const std::string& name) { return {{"Name", name}}; }

/// A host exposed through CloudFront: the first route naming it and its tenant files.
struct ExposedHost {
  Span span;
  std::set<std::string> files;
};

std::map<std::string, ExposedHost> CloudFrontHosts(const model::Org& org,
                                                   const model::Environment& env) {
  std::map<std::string, ExposedHost> out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments) {
      if (dep.env != env.name) continue;
      for (const auto& a : dep.apps) {
        if (!a.expose_cloudfront || !a.route) continue;
        auto [it, fresh] = out.try_emplace(a.route->host);
        if (fresh) it->second.span = a.route->span;
        it->second.files.insert(t.file);
      }
    }
  return out;
}

/// Appends `statement` to the literal JSON policy in argument `arg` of block `ref`.
void AppendStatement(tf::Unit& u, const tf::Ref& ref, Json statement, const char* arg = "policy") {
  Json& body = u.Body(ref);
  Json policy = Json::parse(body.at(arg).get<std::string>());
  policy["Statement"].push_back(std::move(statement));
  body[arg] = policy.dump();
}

/// The bucket CloudFront's standard logs (v2, vended logs) land in: SSE-KMS with the
/// environment key, ACLs disabled (v2 needs no ACLs, unlike legacy logging), versioned,
/// public access blocked, TLS-only, expiring with the environment's log retention, its own
/// S3 access logs in the platform's access-log bucket. Returns the bucket policy.
tf::Ref AddCloudFrontLogBucket(const model::Environment& env, tf::Unit& u, const std::string& name,
                               bool protect, const tf::Origin& o) {
  const std::string arn = "arn:aws:s3:::" + name;
  const std::string sources =
      fmt::format("arn:aws:logs:{}:{}:delivery-source:*", kGlobalRegion, env.account);
  tf::Ref key = u.Existing("aws_kms_key", "platform");
  Json encryption = {{"apply_server_side_encryption_by_default",
                      {{"sse_algorithm", "aws:kms"}, {"kms_master_key_id", key["arn"]}}},
                     {"bucket_key_enabled", true}};
  Json writers = Json::array(
      {{{"Sid", "CloudFrontLogDelivery"},
        {"Effect", "Allow"},
        {"Principal", {{"Service", kLogDelivery}}},
        {"Action", "s3:PutObject"},
        {"Resource", fmt::format("{}/AWSLogs/{}/*", arn, env.account)},
        {"Condition",
         {{"StringEquals",
           {{"s3:x-amz-acl", "bucket-owner-full-control"}, {"aws:SourceAccount", env.account}}},
          {"ArnLike", {{"aws:SourceArn", sources}}}}}}});
  auto [bucket, bucket_policy] =
      AddLogBucket(u, "cloudfront_logs", name, std::move(encryption), std::move(writers),
                   env.log_retention_days, protect, o);

  // The environment key encrypts the logs for the log delivery service, for deliveries of
  // this account only.
  AppendStatement(u, key,
                  {{"Sid", "CloudFrontLogDeliveryEncrypts"},
                   {"Effect", "Allow"},
                   {"Principal", {{"Service", kLogDelivery}}},
                   {"Action", "kms:GenerateDataKey*"},
                   {"Resource", "*"},
                   {"Condition",
                    {{"StringEquals", {{"aws:SourceAccount", env.account}}},
                     {"ArnLike", {{"aws:SourceArn", sources}}}}}});

  // Its S3 access logs go where the ALB log bucket's go.
  tf::Ref access = u.Existing("aws_s3_bucket", "access_logs");
  tf::Ref access_policy = u.Existing("aws_s3_bucket_policy", "access_logs");
  const std::string access_name = u.Body(access).at("bucket").get<std::string>();
  AppendStatement(u, access_policy,
                  {{"Sid", "S3AccessLogDeliveryCloudFrontLogs"},
                   {"Effect", "Allow"},
                   {"Principal", {{"Service", "logging.s3.amazonaws.com"}}},
                   {"Action", "s3:PutObject"},
                   {"Resource", fmt::format("arn:aws:s3:::{}/{}/*", access_name, name)},
                   {"Condition",
                    {{"ArnLike", {{"aws:SourceArn", arn}}},
                     {"StringEquals", {{"aws:SourceAccount", env.account}}}}}});
  AppendStatement(
      u, u.Existing("aws_kms_key", "platform"),
      {{"Sid", "AccessLogDeliveryEncryptsCloudFrontLogs"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "logging.s3.amazonaws.com"}}},
       {"Action", "kms:GenerateDataKey"},
       {"Resource", "*"},
       {"Condition",
        {{"StringLike",
          {{"kms:EncryptionContext:aws:s3:arn",
            {"arn:aws:s3:::" + access_name, "arn:aws:s3:::" + access_name + "/*"}}}}}}});
  u.Resource("aws_s3_bucket_logging", "cloudfront_logs",
             {{"bucket", bucket["id"]},
              {"target_bucket", access["id"]},
              {"target_prefix", name + "/"},
              {"depends_on", {access_policy.Address()}}},
             o);
  return bucket_policy;
}

/// The web ACL's logs: a CloudWatch log group in us-east-1 (a CLOUDFRONT web ACL logs only
/// there; the name must start with aws-waf-logs-), encrypted with a key of its own in
/// us-east-1 (the environment key lives in the environment's Region), kept for the
/// environment's log retention. Requests' Authorization and Cookie headers are redacted.
void AddWafLogging(const model::Environment& env, tf::Unit& u, const tf::Ref& acl,
                   const std::string& base, const tf::Origin& o) {
  const std::string group = "aws-waf-logs-" + base;
  const std::string group_arn =
      fmt::format("arn:aws:logs:{}:{}:log-group:{}", kGlobalRegion, env.account, group);
  const std::string root = fmt::format("arn:aws:iam::{}:root", env.account);
  Json key_policy = {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array(
           {{{"Sid", "AccountAdministers"},
             {"Effect", "Allow"},
             {"Principal", {{"AWS", root}}},
             {"Action", "kms:*"},
             {"Resource", "*"}},
            {{"Sid", "WafLogGroupEncrypts"},
             {"Effect", "Allow"},
             {"Principal", {{"Service", fmt::format("logs.{}.amazonaws.com", kGlobalRegion)}}},
             {"Action",
              {"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*",
               "kms:ReEncrypt*"}},
             {"Resource", "*"},
             {"Condition",
              {{"ArnEquals", {{"kms:EncryptionContext:aws:logs:arn", group_arn}}}}}}})}};
  Json key_body = {{"region", kGlobalRegion},
                   {"description", fmt::format("{}: WAF logs of the CloudFront web ACL", base)},
                   {"enable_key_rotation", true},
                   {"deletion_window_in_days", 30},
                   {"policy", key_policy.dump()},
                   {"tags", NameTag(group)}};
  if (env.retain) key_body["lifecycle"] = {{"prevent_destroy", true}};
  tf::Ref key = u.Resource("aws_kms_key", "waf_logs", std::move(key_body), o);
  u.Resource("aws_kms_alias", "waf_logs",
             {{"region", kGlobalRegion},
              {"name", fmt::format("alias/{}-waf-logs", base)},
              {"target_key_id", key["key_id"]}},
             o);
  tf::Ref logs = u.Resource("aws_cloudwatch_log_group", "waf",
                            {{"region", kGlobalRegion},
                             {"name", group},
                             {"retention_in_days", env.log_retention_days},
                             {"kms_key_id", key["arn"]},
                             {"tags", NameTag(group)}},
                            o);
  // WAF delivers through the log delivery service, for this account's web ACLs only.
  Json delivery = {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array({{{"Sid", "WafLogDelivery"},
                     {"Effect", "Allow"},
                     {"Principal", {{"Service", kLogDelivery}}},
                     {"Action", {"logs:CreateLogStream", "logs:PutLogEvents"}},
                     {"Resource", group_arn + ":*"},
                     {"Condition",
                      {{"StringEquals", {{"aws:SourceAccount", env.account}}},
                       {"ArnLike",
                        {{"aws:SourceArn",
                          fmt::format("arn:aws:logs:{}:{}:*", kGlobalRegion, env.account)}}}}}}})}};
  tf::Ref resource_policy = u.Resource(
      "aws_cloudwatch_log_resource_policy", "waf",
      {{"region", kGlobalRegion}, {"policy_name", group}, {"policy_document", delivery.dump()}}, o);
  u.Resource("aws_wafv2_web_acl_logging_configuration", "cloudfront",
             {{"region", kGlobalRegion},
              {"resource_arn", acl["arn"]},
              {"log_destination_configs", {logs["arn"]}},
              {"redacted_fields", Json::array({{{"single_header", {{"name", "authorization"}}}},
                                               {{"single_header", {{"name", "cookie"}}}}})},
              {"depends_on", {resource_policy.Address()}}},
             o);
}

/// The ALB admits CloudFront's origin-facing addresses on 443 through a security group of its
/// own, attached to the ALB beside its main group. A rule that references an AWS-managed
/// prefix list counts as the list's max entries against the group's rules quota (VPC user
/// guide, "AWS-managed prefix lists", weight: 55 for com.amazonaws.global.cloudfront.origin-
/// facing), and the default quota is 60 inbound rules per group: in the main group it would
/// leave room for 5 rules, 3 of them already taken (HTTP and HTTPS from the VPC, the VPC
/// link). Alone here it leaves 5, and the main group keeps its own 57 free. The VPC origin's
/// ENIs carry the AWS-created CloudFront-VPCOrigins-Service-SG, which would be tighter still,
/// but it exists only once the VPC origin does, outside anything this unit creates: a rule
/// on it would need a lookup after the origin's creation and a second apply (docs/Ingress.md).
void AdmitCloudFront(tf::Unit& u, const tf::Ref& net, const std::string& base,
                     const tf::Origin& o) {
  const std::string sg_name = base + "-alb-cloudfront";
  tf::Ref sg = u.Resource(
      "aws_security_group", "alb_cloudfront",
      {{"name", sg_name},
       {"description", "shared ALB: HTTPS from CloudFront VPC origins (origin-facing prefix list)"},
       {"vpc_id", net.Output("vpc_id")},
       {"tags", NameTag(sg_name)}},
      o);
  tf::Ref prefix_list = u.Data("aws_ec2_managed_prefix_list", "cloudfront_origin_facing",
                               {{"name", kOriginFacingPrefixList}}, o);
  u.Resource("aws_vpc_security_group_ingress_rule", "alb_https_from_cloudfront",
             {{"security_group_id", sg["id"]},
              {"description", "HTTPS from CloudFront VPC origins (origin-facing prefix list)"},
              {"prefix_list_id", prefix_list["id"]},
              {"ip_protocol", "tcp"},
              {"from_port", alb::kHttpsPort},
              {"to_port", alb::kHttpsPort},
              {"tags", NameTag(sg_name)}},
             o);
  // No egress rule: the ALB reaches its targets through its main group.
  u.Body(u.Existing("aws_lb", "main"))["security_groups"].push_back(sg["id"]);
}

/// The VPC origin: HTTPS only, TLS 1.2, to the internal ALB.
tf::Ref AddVpcOrigin(tf::Unit& u, const std::string& base, const tf::Origin& o) {
  tf::Ref alb = u.Existing("aws_lb", "main");
  tf::Ref origin =
      u.Resource("aws_cloudfront_vpc_origin", "alb",
                 {{"vpc_origin_endpoint_config",
                   Json::array({{{"name", base + "-alb"},
                                 {"arn", alb["arn"]},
                                 {"http_port", 80},
                                 {"https_port", 443},
                                 {"origin_protocol_policy", "https-only"},
                                 {"origin_ssl_protocols",
                                  Json::array({{{"items", {"TLSv1.2"}}, {"quantity", 1}}})}}})},
                  {"tags", NameTag(base + "-alb")}},
                 o);
  return origin;
}

/// The viewer certificate in us-east-1: <zone>, *.<zone> and each exposed host deeper in
/// the zone or in the apex zone the environment owns (the model refuses other hosts,
/// E0321/E0328). ACM's DNS validation record of a name is the same in every Region, so the
/// platform's validation records (of its regional certificates for the same names, in the
/// zone or the apex zone) validate this one too. Returns the validation.
tf::Ref AddViewerCertificate(const model::Environment& env, tf::Unit& u,
                             const std::map<std::string, ExposedHost>& hosts,
                             const tf::Origin& o) {
  const std::string& zone_name = env.zone;
  Json sans = Json::array({"*." + zone_name});
  const std::string zone_records =
      "[for r in " + u.Existing("aws_route53_record", "certificate_validation").Address() +
      " : r.fqdn]";
  Json fqdns = "${" + zone_records + "}";
  std::vector<std::string> deeper;
  for (const auto& [host, h] : hosts) {
    const model::HostValidation how = model::ValidationIn(env, host);
    if (how == model::HostValidation::kManual)
      throw std::logic_error(fmt::format("host {} outside zone {} exposed through CloudFront", host,
                                         zone_name));  // the model refuses it (E0321, E0328)
    if (how == model::HostValidation::kZone || how == model::HostValidation::kApex) {
      sans.push_back(host);
      deeper.push_back(
          u.Existing("aws_route53_record", HostKey(host) + "_validation").Expr("fqdn"));
    }
  }
  if (!deeper.empty()) {
    std::string all = "${concat(" + zone_records + ", [";
    for (size_t i = 0; i < deeper.size(); ++i) all += (i ? ", " : "") + deeper[i];
    fqdns = all + "])}";
  }
  tf::Ref cert = u.Resource("aws_acm_certificate", "cloudfront",
                            {{"region", kGlobalRegion},
                             {"domain_name", zone_name},
                             {"subject_alternative_names", sans},
                             {"validation_method", "DNS"},
                             {"lifecycle", {{"create_before_destroy", true}}},
                             {"tags", NameTag(zone_name + "-cloudfront")}},
                            o);
  tf::Ref validated = u.Resource("aws_acm_certificate_validation", "cloudfront",
                                 {{"region", kGlobalRegion},
                                  {"certificate_arn", cert["arn"]},
                                  {"validation_record_fqdns", fqdns}},
                                 o);
  return validated;
}

/// Optional WAF: AWS managed rules (common OWASP-style rules, known bad inputs incl. Log4j),
/// and its logs.
tf::Ref AddWebAcl(const model::Environment& env, tf::Unit& u, const std::string& base,
                  const tf::Origin& o) {
  // The rules as `rule_json` (the WAF API's own JSON): a rule's `statement` block nests
  // without a fixed depth, which the provider schema types as `any`.
  Json rules = Json::array();
  int priority = 0;
  for (const char* group :
       {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}) {
    Json statement = {{"Name", group}, {"VendorName", "AWS"}};
    // The common rule set blocks request bodies over 8 KB (SizeRestrictions_BODY): uploads
    // and large POSTs would get 403. It only counts unless `waf_body_limit` asks for it.
    if (std::string_view(group) == "AWSManagedRulesCommonRuleSet" && !env.waf_body_limit)
      statement["RuleActionOverrides"] = Json::array(
          {{{"Name", "SizeRestrictions_BODY"}, {"ActionToUse", {{"Count", Json::object()}}}}});
    rules.push_back(
        {{"Name", group},
         {"Priority", priority++},
         {"OverrideAction", {{"None", Json::object()}}},
         {"Statement", {{"ManagedRuleGroupStatement", std::move(statement)}}},
         {"VisibilityConfig",
          {{"CloudWatchMetricsEnabled", true},
           {"MetricName", fmt::format("{}-{}", base, group)},
           {"SampledRequestsEnabled", true}}}});
  }
  tf::Ref acl = u.Resource(
      "aws_wafv2_web_acl", "cloudfront",
      {{"region", kGlobalRegion},
       {"name", base + "-cloudfront"},
       {"description", fmt::format("{}: AWS managed rules in front of CloudFront", base)},
       {"scope", "CLOUDFRONT"},
       {"default_action", {{"allow", Json::object()}}},
       {"rule_json", rules.dump()},
       {"visibility_config",
        {{"cloudwatch_metrics_enabled", true},
         {"metric_name", base + "-cloudfront"},
         {"sampled_requests_enabled", true}}},
       {"tags", NameTag(base + "-cloudfront")}},
      o);
  AddWafLogging(env, u, acl, base, o);
  return acl;
}

/// The distribution: every exposed host as an alias, to the VPC origin, nothing cached,
/// security headers on every response, the viewer certificate, the web ACL (if any).
tf::Ref AddDistribution(tf::Unit& u, const std::map<std::string, ExposedHost>& hosts,
                        const tf::Ref& origin, const tf::Ref& validated,
                        const std::optional<tf::Ref>& acl, const std::string& base,
                        const tf::Origin& o) {
  tf::Ref alb = u.Existing("aws_lb", "main");
  tf::Ref headers = u.Data("aws_cloudfront_response_headers_policy", "security_headers",
                           {{"name", kSecurityHeaders}}, o);
  Json aliases = Json::array();
  for (const auto& [host, h] : hosts) aliases.push_back(host);
  Json dist = {{"enabled", true},
               {"comment", fmt::format("{}: apps exposed through CloudFront (eurus)", base)},
               {"aliases", aliases},
               {"is_ipv6_enabled", true},
               {"http_version", "http2and3"},
               {"price_class", "PriceClass_100"},
               {"origin", Json::array({{{"origin_id", kOriginId},
                                        {"domain_name", alb["dns_name"]},
                                        {"vpc_origin_config",
                                         {{"vpc_origin_id", origin["id"]},
                                          {"origin_keepalive_timeout", 5},
                                          {"origin_read_timeout", 30}}}}})},
               {"default_cache_behavior",
                {{"target_origin_id", kOriginId},
                 {"viewer_protocol_policy", "redirect-to-https"},
                 {"allowed_methods", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}},
                 {"cached_methods", {"GET", "HEAD"}},
                 {"compress", true},
                 {"cache_policy_id", kCachingDisabled},
                 {"origin_request_policy_id", kAllViewer},
                 {"response_headers_policy_id", headers["id"]}}},
               {"restrictions", {{"geo_restriction", {{"restriction_type", "none"}}}}},
               {"viewer_certificate",
                {{"acm_certificate_arn", validated["certificate_arn"]},
                 {"ssl_support_method", "sni-only"},
                 {"minimum_protocol_version", "TLSv1.2_2021"}}},
               {"tags", NameTag(base)}};
  if (acl) dist["web_acl_id"] = (*acl)["arn"];
  tf::Ref distribution = u.Resource("aws_cloudfront_distribution", "env", std::move(dist), o);
  return distribution;
}

/// Standard logging (v2): the distribution → a delivery source in us-east-1 → the bucket.
void AddCloudFrontLogging(const model::Environment& env, tf::Unit& u, const tf::Ref& distribution,
                          const std::string& base, bool protect, const tf::Origin& o) {
  const std::string logs = fmt::format("{}-cdn-logs-{}", base, env.account);
  tf::Ref logs_policy = AddCloudFrontLogBucket(env, u, logs, protect, o);
  tf::Ref source = u.Resource("aws_cloudwatch_log_delivery_source", "cloudfront",
                              {{"region", kGlobalRegion},
                               {"name", base + "-cloudfront"},
                               {"log_type", "ACCESS_LOGS"},
                               {"resource_arn", distribution["arn"]},
                               {"tags", NameTag(base + "-cloudfront")}},
                              o);
  tf::Ref destination =
      u.Resource("aws_cloudwatch_log_delivery_destination", "cloudfront",
                 {{"region", kGlobalRegion},
                  {"name", base + "-cloudfront-s3"},
                  {"output_format", "json"},
                  {"delivery_destination_configuration",
                   Json::array({{{"destination_resource_arn", "arn:aws:s3:::" + logs}}})},
                  {"tags", NameTag(base + "-cloudfront-s3")}},
                 o);
  u.Resource("aws_cloudwatch_log_delivery", "cloudfront",
             {{"region", kGlobalRegion},
              {"delivery_source_name", source["name"]},
              {"delivery_destination_arn", destination["arn"]},
              {"tags", NameTag(base + "-cloudfront")},
              {"depends_on", {logs_policy.Address()}}},
             o);
}

/// The public names of the exposed hosts: aliases to the distribution, in the zone or in the
/// apex zone. An alias works at a zone's apex, where a CNAME cannot be; the distribution
/// must list the record's name among its aliases (Route 53 developer guide, "Values that are
/// common for alias records": record name, CloudFront distribution).
void AddAliasRecords(const Context& ctx, const model::Environment& env, tf::Unit& u,
                     const std::map<std::string, ExposedHost>& hosts, const tf::Ref& distribution) {
  tf::Ref zone = u.Existing("aws_route53_zone", "env");
  for (const auto& [host, h] : hosts) {
    const Json zone_id = model::ValidationIn(env, host) == model::HostValidation::kApex
                             ? Json(ApexZoneId(env))
                             : Json(zone["zone_id"]);
    for (const char* type : {"A", "AAAA"})
      u.Resource(
          "aws_route53_record",
          fmt::format("{}_cloudfront_{}", HostKey(host), type == std::string("A") ? "a" : "aaaa"),
          {{"zone_id", zone_id},
           {"name", host},
           {"type", type},
           {"alias",
            {{"name", distribution["domain_name"]},
             {"zone_id", kCloudFrontZoneId},
             {"evaluate_target_health", false}}}},
          ctx.Origin(h.span));
  }
}

void AddCloudFront(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                   tf::Unit& u, const std::string& base, bool protect, const tf::Origin& o) {
  const std::map<std::string, ExposedHost> hosts = CloudFrontHosts(ctx.org, env);
  if (hosts.empty()) return;  // nothing exposed yet: no distribution (it would serve nothing)
  for (const auto& [host, h] : hosts) u.sources.insert(h.files.begin(), h.files.end());

  AdmitCloudFront(u, u.RemoteState(network, ctx.BackendFor(env.account, network.name())), base, o);
  const tf::Ref origin = AddVpcOrigin(u, base, o);
  const tf::Ref validated = AddViewerCertificate(env, u, hosts, o);
  std::optional<tf::Ref> acl;
  if (env.waf) acl = AddWebAcl(env, u, base, o);
  const tf::Ref distribution = AddDistribution(u, hosts, origin, validated, acl, base, o);
  AddCloudFrontLogging(env, u, distribution, base, protect, o);
  AddAliasRecords(ctx, env, u, hosts, distribution);
}

/// The API's VPC link into the platform subnets, with its own security group, out to the
/// ALB only; the ALB admits it.
tf::Ref AddVpcLink(tf::Unit& u, const tf::Ref& net, const std::string& base,
                   const tf::Origin& o) {
  tf::Ref alb_sg = u.Existing("aws_security_group", "alb");
  const std::string sg_name = base + "-vpc-link";
  tf::Ref sg = u.Resource("aws_security_group", "vpc_link",
                          {{"name", sg_name},
                           {"description", "API Gateway VPC link: HTTPS to the shared ALB only"},
                           {"vpc_id", net.Output("vpc_id")},
                           {"tags", NameTag(sg_name)}},
                          o);
  u.Resource("aws_vpc_security_group_egress_rule", "vpc_link_to_alb",
             {{"security_group_id", sg["id"]},
              {"description", "HTTPS to the shared ALB"},
              {"referenced_security_group_id", alb_sg["id"]},
              {"ip_protocol", "tcp"},
              {"from_port", 443},
              {"to_port", 443},
              {"tags", NameTag(sg_name + "-alb")}},
             o);
  u.Resource("aws_vpc_security_group_ingress_rule", "alb_https_from_vpc_link",
             {{"security_group_id", alb_sg["id"]},
              {"description", "HTTPS from the API Gateway VPC link"},
              {"referenced_security_group_id", sg["id"]},
              {"ip_protocol", "tcp"},
              {"from_port", 443},
              {"to_port", 443},
              {"tags", NameTag(base + "-alb-vpc-link")}},
             o);
  tf::Ref link = u.Resource("aws_apigatewayv2_vpc_link", "main",
                            {{"name", base},
                             {"subnet_ids", net.Output("platform_subnet_ids")},
                             {"security_group_ids", {sg["id"]}},
                             {"tags", NameTag(base)}},
                            o);
  return link;
}

/// A custom domain of the HTTP API on a validated regional certificate: the domain name
/// (TLS 1.2), its mapping to the $default stage and an alias A record in `zone_id`.
void AddApiCustomDomain(tf::Unit& u, const std::string& block, const std::string& domain,
                        const tf::Ref& certificate, const Json& zone_id, const tf::Ref& api,
                        const tf::Ref& stage, const tf::Origin& o) {
  tf::Ref dn = u.Resource("aws_apigatewayv2_domain_name", block,
                          {{"domain_name", domain},
                           {"domain_name_configuration",
                            {{"certificate_arn", certificate["certificate_arn"]},
                             {"endpoint_type", "REGIONAL"},
                             {"security_policy", "TLS_1_2"}}},
                           {"tags", NameTag(domain)}},
                          o);
  u.Resource("aws_apigatewayv2_api_mapping", block,
             {{"api_id", api["id"]}, {"domain_name", dn["id"]}, {"stage", stage["id"]}}, o);
  u.Resource("aws_route53_record", block,
             {{"zone_id", zone_id},
              {"name", domain},
              {"type", "A"},
              {"alias",
               {{"name", "${" + dn.Expr("domain_name_configuration") + "[0].target_domain_name}"},
                {"zone_id", "${" + dn.Expr("domain_name_configuration") + "[0].hosted_zone_id}"},
                {"evaluate_target_health", false}}}},
             o);
}

/// The API also at api.<domain> in the environment that owns the apex zone: a regional
/// certificate of its own (the zone's covers *.<zone> only) validated in the apex zone, a
/// second custom domain on the same $default stage, an alias record there.
void AddApexApiDomain(const model::Environment& env, tf::Unit& u, const tf::Ref& api,
                      const tf::Ref& stage, const tf::Origin& o) {
  const std::string domain = "api." + env.apex->name;
  const std::string block = HostKey(domain);
  const std::string zone_id = ApexZoneId(env);
  // A route host of the same name made this certificate for the ALB already (platform_alb.cc).
  if (!u.Has("aws_acm_certificate", block)) {
    tf::Ref cert = u.Resource("aws_acm_certificate", block,
                              {{"domain_name", domain},
                               {"validation_method", "DNS"},
                               {"lifecycle", {{"create_before_destroy", true}}},
                               {"tags", NameTag(domain)}},
                              o);
    auto record = [&](const char* field) {
      return fmt::format("${{tolist({})[0].{}}}", cert.Expr("domain_validation_options"), field);
    };
    tf::Ref r = u.Resource("aws_route53_record", block + "_validation",
                           {{"zone_id", zone_id},
                            {"name", record("resource_record_name")},
                            {"type", record("resource_record_type")},
                            {"records", {record("resource_record_value")}},
                            {"ttl", 300},
                            {"allow_overwrite", true}},  // the apex zone may be an existing one
                           o);
    u.Resource("aws_acm_certificate_validation", block,
               {{"certificate_arn", cert["arn"]}, {"validation_record_fqdns", {r["fqdn"]}}}, o);
  }
  AddApiCustomDomain(u, "api_apex", domain, u.Existing("aws_acm_certificate_validation", block), zone_id, api,
                     stage, o);
}

/// The HTTP API of the environment: a VPC link into the platform subnets (its own security
/// group, out to the ALB only; the ALB admits it), the custom domain api.<zone> on the zone's
/// regional certificate (*.<zone>), a $default stage with throttling and access logs in a
/// log group encrypted with the environment key. Tenant units add integrations and routes.
std::pair<tf::Ref, tf::Ref> AddApiGateway(const Context& ctx, const model::Environment& env,
                                          tf::Unit& u, const tf::Ref& net, const std::string& base,
                                          const tf::Origin& o) {
  const model::Org& org = ctx.org;
  const std::string& zone_name = env.zone;
  tf::Ref zone = u.Existing("aws_route53_zone", "env");
  tf::Ref key = u.Existing("aws_kms_key", "platform");

  tf::Ref link = AddVpcLink(u, net, base, o);
  // Only the custom domain serves the API: the execute-api endpoint would bypass it.
  tf::Ref api =
      u.Resource("aws_apigatewayv2_api", "main",
                 {{"name", base},
                  {"description", fmt::format("{}: apps exposed through `api` (eurus)", base)},
                  {"protocol_type", "HTTP"},
                  {"disable_execute_api_endpoint", true},
                  {"tags", NameTag(base)}},
                 o);
  const std::string group = fmt::format("/eurus/{}/{}/api-access", org.name, env.name);
  tf::Ref logs = u.Resource("aws_cloudwatch_log_group", "api_access",
                            {{"name", group},
                             {"retention_in_days", env.log_retention_days},
                             {"kms_key_id", key["arn"]},
                             {"tags", NameTag(group)}},
                            o);
  const Json format = {{"requestId", "$context.requestId"},
                       {"ip", "$context.identity.sourceIp"},
                       {"requestTime", "$context.requestTime"},
                       {"httpMethod", "$context.httpMethod"},
                       {"routeKey", "$context.routeKey"},
                       {"path", "$context.path"},
                       {"status", "$context.status"},
                       {"protocol", "$context.protocol"},
                       {"responseLength", "$context.responseLength"},
                       {"integrationStatus", "$context.integrationStatus"},
                       {"integrationLatency", "$context.integrationLatency"},
                       {"integrationError", "$context.integrationErrorMessage"}};
  tf::Ref stage = u.Resource(
      "aws_apigatewayv2_stage", "default",
      {{"api_id", api["id"]},
       {"name", "$default"},
       {"auto_deploy", true},
       {"access_log_settings", {{"destination_arn", logs["arn"]}, {"format", format.dump()}}},
       {"default_route_settings",
        {{"throttling_rate_limit", kApiRateLimit},
         {"throttling_burst_limit", kApiBurstLimit},
         {"detailed_metrics_enabled", true}}},
       {"tags", NameTag(base + "-default")}},
      o);
  const std::string domain = "api." + zone_name;
  AddApiCustomDomain(u, "api", domain, u.Existing("aws_acm_certificate_validation", "env"), zone["zone_id"], api,
                     stage, o);
  if (env.apex) AddApexApiDomain(env, u, api, stage, o);
  return {api, link};
}

}  // namespace

void AddEdgeIngress(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                    tf::Unit& u) {
  const model::Org& org = ctx.org;
  const tf::Origin o = ctx.Origin(env.span);
  const std::string base = fmt::format("{}-{}", org.name, env.name);
  const bool protect = env.protection;
  // Both edges forward to the shared ALB, which exists once a tenant routes an app.
  const bool alb = u.Has("aws_lb", "main");

  std::optional<tf::Ref> distribution;
  if (env.cloudfront && alb) AddCloudFront(ctx, env, network, u, base, protect, o);
  if (u.Has("aws_cloudfront_distribution", "env"))
    distribution = u.Existing("aws_cloudfront_distribution", "env");

  std::optional<tf::Ref> api, link;
  if (env.api_gateway && alb) {
    tf::Ref net = u.RemoteState(network, ctx.BackendFor(env.account, network.name()));
    auto [a, l] = AddApiGateway(ctx, env, u, net, base, o);
    api = a;
    link = l;
  }

  auto maybe = [](const std::optional<tf::Ref>& r, const char* attr) {
    return r ? Json((*r)[attr]) : Json();
  };
  u.Output("cloudfront_distribution_id", maybe(distribution, "id"),
           "the environment's CloudFront distribution (null without apps exposed through it)");
  u.Output("cloudfront_domain_name", maybe(distribution, "domain_name"),
           "the distribution's *.cloudfront.net name (null without apps exposed through it)");
  u.Output(platform_out::kApiId, maybe(api, "id"),
           "the environment's HTTP API; tenant units add integrations and routes (null without "
           "api_gateway or routed apps)");
  u.Output(platform_out::kVpcLinkId, maybe(link, "id"),
           "VPC link of the HTTP API to the shared ALB (null without api_gateway or routed apps)");
  u.Output("api_domain_name",
           api ? Json("api." + env.zone) : Json(),
           "custom domain of the HTTP API (null without api_gateway or routed apps)");
  if (env.apex)
    u.Output("api_apex_domain_name", api ? Json("api." + env.apex->name) : Json(),
             "the HTTP API's custom domain in the apex zone (null without api_gateway or routed apps)");
}

void AddTenantApiRoutes(const Context& ctx, const model::Environment& env,
                        const model::Tenant& tenant, const model::Deployment& dep,
                        const tf::Unit& platform, tf::Unit& unit) {
  const std::string& t = tenant.name;
  std::optional<tf::Ref> pf;
  for (const model::App& a : dep.apps) {
    if (!a.expose_api || !a.route) continue;
    if (!pf) pf = unit.RemoteState(platform, ctx.BackendFor(env.account, kPlatformUnit));
    const tf::Origin o = ctx.Origin(a.route->span);
    const std::string k = t + "_" + BlockKey(a.name) + "_api";
    const std::string& host = a.route->host;
    const std::vector<model::ApiRoute> routes = model::ApiRoutesOf(t, a.route->paths);
    // One integration per backend path: API Gateway rewrites the path per integration.
    std::map<std::string, std::string> integration_of;  // backend path → integration id
    int n = 0;
    for (const model::ApiRoute& r : routes) {
      auto [it, fresh] = integration_of.try_emplace(r.path);
      if (fresh) {
        tf::Ref integration = unit.Resource(
            "aws_apigatewayv2_integration", fmt::format("{}_{}", k, integration_of.size() - 1),
            {{"api_id", pf->Output(platform_out::kApiId)},
             {"description", fmt::format("{}/{} at {}", t, a.name, host)},
             {"integration_type", "HTTP_PROXY"},
             {"integration_method", "ANY"},
             {"connection_type", "VPC_LINK"},
             {"connection_id", pf->Output(platform_out::kVpcLinkId)},
             {"integration_uri", pf->Output(platform_out::kListenerArn)},
             {"payload_format_version", "1.0"},
             {"timeout_milliseconds", 30000},
             // The ALB's rules match the app's host; the path loses the tenant prefix.
             {"request_parameters", {{"overwrite:header.host", host}, {"overwrite:path", r.path}}},
             {"tls_config", {{"server_name_to_verify", host}}}},
            o);
        it->second = "integrations/" + integration["id"];
      }
      unit.Resource("aws_apigatewayv2_route", fmt::format("{}_route_{}", k, n++),
                    {{"api_id", pf->Output(platform_out::kApiId)},
                     {"route_key", r.key},
                     {"target", it->second}},
                    o);
    }
  }
}

}  // namespace eurus::synth
