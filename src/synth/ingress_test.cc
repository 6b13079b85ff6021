#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "check/policy.h"
#include "diag/codes.h"
#include "diag/render.h"
#include "model/build.h"
#include "model/routing.h"
#include "synth/contract.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::OutputValue;
using testing::Resource;
using testing::ResourceCount;
using testing::ResourcesByName;

constexpr char kZone[] = "dev.acme.example.com";

/// The base org (testing::BaseOrg) plus qa, with both edges. dev turns on CloudFront, API Gateway and WAF; prod only API
/// Gateway; qa CloudFront but routes nothing. shop's web (dev, prod) is exposed through
/// `api` at shop.<zone> for every path; blog's api (dev) through both at
/// api.blog.dev.acme.example.com (deeper in the zone) for /v1/* and /health; blog's admin
/// is routed but exposed to neither; site's www (dev) through CloudFront only.
struct IngressTest : testing::SynthFixture {

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/dev.yaml"] += "ingress: { cloudfront: true, api_gateway: true, waf: true }\n";
    fs.files["environments/prod.yaml"] += "ingress: { api_gateway: true }\n";
    fs.files["environments/qa.yaml"] =
        testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b") +
        "ingress: { cloudfront: true }\n";
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n    port: 8080\n    cpu: 256\n    memory: 512\n"
        "    route: { host: shop }\n"
        "    expose: [api]\n"
        "    replicas: { min: 2, max: 4 }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev]\n"
        "apps:\n"
        "  api:\n"
        "    image: blog/api\n    port: 8080\n    cpu: 256\n    memory: 512\n"
        "    route: { host: api.blog.dev.acme.example.com, paths: [\"/v1/*\", \"/health\"] }\n"
        "    expose: [cloudfront, api]\n"
        "  admin:\n"
        "    image: blog/admin\n    port: 9000\n    cpu: 256\n    memory: 512\n"
        "    route: { host: admin }\n";
    fs.files["tenants/site.yaml"] =
        "environments: [dev]\n"
        "apps:\n"
        "  www:\n"
        "    image: site/www\n    port: 8080\n    cpu: 256\n    memory: 512\n"
        "    route: { host: www }\n"
        "    expose: [cloudfront]\n";
    fs.files["tenants/jobs.yaml"] =
        "environments: [qa]\n"
        "apps:\n"
        "  worker:\n"
        "    image: jobs/worker\n    cpu: 256\n    memory: 512\n";
  }


  /// The codes of the errors the model reports (the org is not expected to build).
  std::vector<std::string> Errors() {
    auto p = config::LoadProject(fs, ".", sources, diags);
    if (!p) return {"load"};
    model::Build(*p, {}, {}, diags);
    std::vector<std::string> out;
    for (const auto& d : diags.items())
      if (d.severity == Severity::kError) out.push_back(d.code);
    return out;
  }

};

// Given apps exposed through CloudFront, dev should get one distribution whose aliases are
// exactly their hosts, on a us-east-1 certificate of the zone validated by the zone's
// records, HTTPS-only to viewers with TLS 1.2 (2021), nothing cached, everything forwarded.
TEST_F(IngressTest, DistributionAliasesCertificateAndPolicies) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  ASSERT_EQ(ResourceCount(p, "aws_cloudfront_distribution"), 1);
  Json d = Resource(p, "aws_cloudfront_distribution", "env");
  EXPECT_EQ(d["aliases"], Json({"api.blog.dev.acme.example.com", "www.dev.acme.example.com"}));
  EXPECT_TRUE(HasResource(p, "aws_cloudfront_distribution", R"({
    "enabled": true,
    "viewer_certificate": {
      "acm_certificate_arn": "${aws_acm_certificate_validation.cloudfront.certificate_arn}",
      "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"},
    "default_cache_behavior": {
      "viewer_protocol_policy": "redirect-to-https",
      "cache_policy_id": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
      "origin_request_policy_id": "216adef6-5c7f-47e4-b989-5492eafa07d3",
      "response_headers_policy_id":
        "${data.aws_cloudfront_response_headers_policy.security_headers.id}"}})"));
  // The certificate: in us-east-1, the zone, its wildcard and the deeper host.
  Json cert = Resource(p, "aws_acm_certificate", "cloudfront");
  EXPECT_EQ(cert["region"], "us-east-1");
  EXPECT_EQ(cert["domain_name"], kZone);
  EXPECT_EQ(cert["subject_alternative_names"],
            Json({"*.dev.acme.example.com", "api.blog.dev.acme.example.com"}));
  EXPECT_EQ(cert["validation_method"], "DNS");
  Json v = Resource(p, "aws_acm_certificate_validation", "cloudfront");
  EXPECT_EQ(v["region"], "us-east-1");
  const std::string fqdns = v["validation_record_fqdns"];
  EXPECT_NE(fqdns.find("aws_route53_record.certificate_validation"), std::string::npos) << fqdns;
  EXPECT_NE(fqdns.find("aws_route53_record.host_api_blog_dev_acme_example_com_validation.fqdn"),
            std::string::npos)
      << fqdns;
  EXPECT_FALSE(OutputValue(p, "cloudfront_distribution_id").is_null());
}

// Given CloudFront, the origin should be a VPC origin on the internal ALB's ARN, HTTPS only
// with TLS 1.2, and the ALB should stay internal.
TEST_F(IngressTest, VpcOriginToTheInternalAlb) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(p, "aws_cloudfront_vpc_origin", R"({"vpc_origin_endpoint_config": [{
    "arn": "${aws_lb.main.arn}", "https_port": 443, "origin_protocol_policy": "https-only",
    "origin_ssl_protocols": [{"items": ["TLSv1.2"], "quantity": 1}]}]})"));
  EXPECT_TRUE(HasResource(p, "aws_cloudfront_distribution", R"({"origin": [{
    "domain_name": "${aws_lb.main.dns_name}",
    "vpc_origin_config": {"vpc_origin_id": "${aws_cloudfront_vpc_origin.alb.id}"}}]})"));
  EXPECT_EQ(Resource(p, "aws_lb", "main")["internal"], true);
}

// Given CloudFront on, a second group on the ALB should admit the origin-facing prefix list
// on 443, and nothing else; in prod (no CloudFront) neither should exist, and no distribution.
TEST_F(IngressTest, PrefixListRuleOnlyWithCloudFront) {
  Synth();
  const tf::Unit& dev = U("dev/platform");
  EXPECT_TRUE(HasResource(dev, "aws_vpc_security_group_ingress_rule", R"({
    "security_group_id": "${aws_security_group.alb_cloudfront.id}",
    "prefix_list_id": "${data.aws_ec2_managed_prefix_list.cloudfront_origin_facing.id}",
    "from_port": 443, "to_port": 443, "ip_protocol": "tcp"})"));
  EXPECT_TRUE(HasResource(dev, "aws_security_group", R"({"name": "acme-dev-alb-cloudfront",
    "vpc_id": "${data.terraform_remote_state.network.outputs.vpc_id}"})"));
  EXPECT_EQ(Resource(dev, "aws_lb", "main")["security_groups"],
            Json::parse(R"(["${aws_security_group.alb.id}",
                           "${aws_security_group.alb_cloudfront.id}"])"));
  for (const char* type :
       {"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"}) {
    for (const auto& [name, r] : ResourcesByName(dev, type)) {
      if (r["security_group_id"] == "${aws_security_group.alb_cloudfront.id}") {
        EXPECT_EQ(name, "alb_https_from_cloudfront") << type;
      }
    }
  }
  const tf::Unit& prod = U("prod/platform");
  EXPECT_TRUE(prod.Has("aws_lb", "main"));
  EXPECT_EQ(Resource(prod, "aws_lb", "main")["security_groups"],
            Json::parse(R"(["${aws_security_group.alb.id}"])"));
  EXPECT_FALSE(prod.Has("aws_security_group", "alb_cloudfront"));
  EXPECT_FALSE(prod.Has("aws_vpc_security_group_ingress_rule", "alb_https_from_cloudfront"));
  EXPECT_EQ(prod.MainJson().find("prefix_list"), std::string::npos);
  EXPECT_EQ(ResourceCount(prod, "aws_cloudfront_distribution"), 0);
  EXPECT_TRUE(OutputValue(prod, "cloudfront_distribution_id").is_null());
  // qa turns CloudFront on but routes nothing: no ALB, nothing to put behind CloudFront.
  EXPECT_EQ(ResourceCount(U("qa/platform"), "aws_cloudfront_distribution"), 0);
  EXPECT_EQ(ResourceCount(U("qa/platform"), "aws_apigatewayv2_api"), 0);
}

// Given every edge on (dev), no security group of the platform should come near the default
// quota of 60 inbound rules, where a rule on an AWS-managed prefix list counts as the list's
// max entries (55 for CloudFront's origin-facing list: VPC user guide, "AWS-managed prefix
// lists"): the ALB's main group keeps room for 50 more rules (on main it held 58 of 60).
TEST_F(IngressTest, AlbGroupsStayWithinTheRuleQuota) {
  Synth();
  const tf::Unit& dev = U("dev/platform");
  std::map<std::string, int> weight;  // security group → inbound rule weight
  for (const auto& [name, r] : ResourcesByName(dev, "aws_vpc_security_group_ingress_rule"))
    weight[r["security_group_id"].get<std::string>()] += r.contains("prefix_list_id") ? 55 : 1;
  ASSERT_EQ(weight.count("${aws_security_group.alb_cloudfront.id}"), 1u);
  for (const auto& [sg, w] : weight) EXPECT_LE(w, 60) << sg;
  EXPECT_LE(weight["${aws_security_group.alb.id}"], 10);
}

// Given CloudFront on, the VPC must carry an internet gateway (VPC origins need one) and no
// route of the VPC may lead to it.
TEST_F(IngressTest, InternetGatewayWithoutRoutes) {
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_EQ(ResourceCount(n, "aws_internet_gateway"), 1);
  EXPECT_EQ(n.MainJson().find("\"gateway_id\": \"${aws_internet_gateway"), std::string::npos);
  EXPECT_EQ(n.MainJson().find("\"gateway_id\":\"${aws_internet_gateway"), std::string::npos);
  EXPECT_EQ(ResourceCount(U("prod/network"), "aws_internet_gateway"), 0);
}

// Given `waf: true`, a CLOUDFRONT-scoped web ACL in us-east-1 with the AWS common rule set
// should guard the distribution; without it there is none.
TEST_F(IngressTest, WafOnlyWhenAsked) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(p, "aws_wafv2_web_acl", R"({
    "scope": "CLOUDFRONT", "region": "us-east-1", "default_action": {"allow": {}}})"));
  const Json rules =
      Json::parse(Resource(p, "aws_wafv2_web_acl", "cloudfront")["rule_json"].get<std::string>());
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_TRUE(testing::Matches(Json::parse(R"([{"OverrideAction": {"None": {}},
    "Statement": {"ManagedRuleGroupStatement":
      {"Name": "AWSManagedRulesCommonRuleSet", "VendorName": "AWS"}}}])"),
                               rules))
      << rules.dump();
  EXPECT_EQ(Resource(p, "aws_cloudfront_distribution", "env")["web_acl_id"],
            "${aws_wafv2_web_acl.cloudfront.arn}");
  EXPECT_TRUE(testing::Matches(Json::parse(R"([{"Statement": {"ManagedRuleGroupStatement":
    {"Name": "AWSManagedRulesKnownBadInputsRuleSet", "VendorName": "AWS"}}}])"),
                               rules));
  // Its logs: us-east-1, a log group named aws-waf-logs-*, encrypted with a us-east-1 key.
  EXPECT_TRUE(HasResource(p, "aws_wafv2_web_acl_logging_configuration", R"({
    "region": "us-east-1", "resource_arn": "${aws_wafv2_web_acl.cloudfront.arn}",
    "log_destination_configs": ["${aws_cloudwatch_log_group.waf.arn}"]})"));
  EXPECT_TRUE(HasResource(p, "aws_cloudwatch_log_group", R"({
    "region": "us-east-1", "name": "aws-waf-logs-acme-dev",
    "kms_key_id": "${aws_kms_key.waf_logs.arn}"})"));
  EXPECT_EQ(Resource(p, "aws_kms_key", "waf_logs")["region"], "us-east-1");
}

TEST_F(IngressTest, NoWafWithoutTheField) {
  fs.files["environments/dev.yaml"] =
      "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n"
      "  availability_zones: [eu-west-1a, eu-west-1b]\n"
      "ingress: { cloudfront: true, api_gateway: true }\n";
  Synth();
  const tf::Unit& q = U("dev/platform");
  EXPECT_EQ(ResourceCount(q, "aws_wafv2_web_acl"), 0);
  EXPECT_FALSE(q.Has("aws_kms_key", "waf_logs"));
  EXPECT_FALSE(Resource(q, "aws_cloudfront_distribution", "env").contains("web_acl_id"));
}

// Given `waf: true`, the common rule set's 8 KB body-size rule should only count (uploads and
// large POSTs pass), and block again with `waf_body_limit: true` (issue 13, 4d).
TEST_F(IngressTest, WafCountsLargeBodiesUnlessTheLimitIsAsked) {
  auto common = [&]() {
    const Json rules = Json::parse(
        Resource(U("dev/platform"), "aws_wafv2_web_acl", "cloudfront")["rule_json"].get<std::string>());
    for (const Json& r : rules)
      if (r["Name"] == "AWSManagedRulesCommonRuleSet") return r["Statement"]["ManagedRuleGroupStatement"];
    return Json();
  };
  Synth();
  EXPECT_EQ(common()["RuleActionOverrides"],
            Json::parse(R"([{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}])"));
  std::string& dev = fs.files["environments/dev.yaml"];
  dev.replace(dev.find("waf: true }"), 11, "waf: true, waf_body_limit: true }");
  Synth();
  EXPECT_FALSE(common().contains("RuleActionOverrides"));
  EXPECT_TRUE(org->environment("dev")->waf_body_limit);
}

// Given exposed hosts, each should get A and AAAA aliases to the distribution in the zone;
// logs should go through a us-east-1 delivery to a KMS-encrypted bucket.
TEST_F(IngressTest, AliasRecordsAndLogs) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  for (const char* type : {"a", "aaaa"}) {
    Json r = Resource(p, "aws_route53_record",
                      std::string("host_www_dev_acme_example_com_cloudfront_") + type);
    EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "zone_id": "${aws_route53_zone.env.zone_id}", "name": "www.dev.acme.example.com",
      "alias": {"name": "${aws_cloudfront_distribution.env.domain_name}",
                "zone_id": "Z2FDTNDATAQYW2"}})"),
                                 r))
        << r.dump();
  }
  EXPECT_FALSE(p.Has("aws_route53_record", "host_admin_dev_acme_example_com_cloudfront_a"));
  EXPECT_TRUE(HasResource(p, "aws_cloudwatch_log_delivery_source", R"({
    "region": "us-east-1", "log_type": "ACCESS_LOGS",
    "resource_arn": "${aws_cloudfront_distribution.env.arn}"})"));
  EXPECT_TRUE(HasResource(p, "aws_s3_bucket_server_side_encryption_configuration", R"({
    "bucket": "${aws_s3_bucket.cloudfront_logs.id}", "rule": [{
      "apply_server_side_encryption_by_default": {"sse_algorithm": "aws:kms",
        "kms_master_key_id": "${aws_kms_key.platform.arn}"}}]})"));
  // The key lets the log delivery service encrypt for this account's deliveries only.
  Json policy = Json::parse(Resource(p, "aws_kms_key", "platform")["policy"].get<std::string>());
  bool found = false;
  for (const Json& s : policy["Statement"])
    found = found || (s.value("Sid", "") == "CloudFrontLogDeliveryEncrypts" &&
                      s["Condition"]["StringEquals"]["aws:SourceAccount"] == "444444444444");
  EXPECT_TRUE(found) << policy.dump();
}

// Given API Gateway, the platform should hold the HTTP API, a VPC link in the platform
// subnets whose group only reaches the ALB (which admits it), api.<zone> on the zone's
// certificate with its record, a throttled $default stage logging to a KMS log group.
TEST_F(IngressTest, ApiGatewayInThePlatform) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_api",
                          R"({"protocol_type": "HTTP", "disable_execute_api_endpoint": true})"));
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_vpc_link", R"({
    "subnet_ids": "${data.terraform_remote_state.network.outputs.platform_subnet_ids}",
    "security_group_ids": ["${aws_security_group.vpc_link.id}"]})"));
  EXPECT_TRUE(HasResource(p, "aws_vpc_security_group_egress_rule", R"({
    "security_group_id": "${aws_security_group.vpc_link.id}",
    "referenced_security_group_id": "${aws_security_group.alb.id}", "from_port": 443})"));
  EXPECT_TRUE(HasResource(p, "aws_vpc_security_group_ingress_rule", R"({
    "security_group_id": "${aws_security_group.alb.id}",
    "referenced_security_group_id": "${aws_security_group.vpc_link.id}", "from_port": 443})"));
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_domain_name", R"({
    "domain_name": "api.dev.acme.example.com", "domain_name_configuration": {
      "certificate_arn": "${aws_acm_certificate_validation.env.certificate_arn}",
      "endpoint_type": "REGIONAL", "security_policy": "TLS_1_2"}})"));
  EXPECT_TRUE(
      HasResource(p, "aws_route53_record", R"({"name": "api.dev.acme.example.com", "type": "A"})"));
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_stage", R"({
    "name": "$default", "auto_deploy": true,
    "access_log_settings": {"destination_arn": "${aws_cloudwatch_log_group.api_access.arn}"},
    "default_route_settings": {"throttling_rate_limit": 1000, "throttling_burst_limit": 500}})"));
  EXPECT_TRUE(HasResource(p, "aws_cloudwatch_log_group",
                          R"({"name": "/eurus/acme/dev/api-access",
                              "kms_key_id": "${aws_kms_key.platform.arn}"})"));
  EXPECT_EQ(OutputValue(p, platform_out::kApiId), "${aws_apigatewayv2_api.main.id}");
  EXPECT_EQ(OutputValue(p, platform_out::kVpcLinkId), "${aws_apigatewayv2_vpc_link.main.id}");
  // Without api_gateway (qa) the outputs are declared, and null.
  EXPECT_TRUE(OutputValue(U("qa/platform"), platform_out::kApiId).is_null());
}

// Given an app exposed through `api`, its tenant unit should hold an HTTP_PROXY integration
// over the VPC link to the ALB listener per backend path, passing the app's host (and
// verifying it), and routes under /<tenant>/ with the prefix stripped.
TEST_F(IngressTest, TenantIntegrationsAndRoutes) {
  Synth();
  const tf::Unit& blog = U("dev/tenant-blog");
  const std::string pf = "${data.terraform_remote_state.platform.outputs.";
  auto integrations = ResourcesByName(blog, "aws_apigatewayv2_integration");
  ASSERT_EQ(integrations.size(), 2u);  // /v1/* and /health: two backend paths
  for (const auto& [name, body] : integrations) {
    EXPECT_TRUE(testing::Matches(
        Json{{"api_id", pf + "api_id}"},
             {"integration_type", "HTTP_PROXY"},
             {"connection_type", "VPC_LINK"},
             {"connection_id", pf + "api_vpc_link_id}"},
             {"integration_uri", pf + "https_listener_arn}"},
             {"request_parameters", {{"overwrite:header.host", "api.blog.dev.acme.example.com"}}},
             {"tls_config", {{"server_name_to_verify", "api.blog.dev.acme.example.com"}}}},
        body))
        << name << ": " << body.dump();
  }
  std::map<std::string, std::string> path_of;  // route key → overwrite:path
  for (const auto& [name, route] : ResourcesByName(blog, "aws_apigatewayv2_route")) {
    const std::string target = route["target"];
    const std::string integration =
        target.substr(target.find("aws_apigatewayv2_integration.") + 29);
    const std::string block = integration.substr(0, integration.find('.'));
    path_of[route["route_key"]] = integrations.at(block)["request_parameters"]["overwrite:path"];
  }
  EXPECT_EQ(path_of, (std::map<std::string, std::string>{
                         {"ANY /blog/v1/{proxy+}", "/v1/$request.path.proxy"},
                         {"ANY /blog/health", "/health"}}));
  // shop: every path, and the bare prefix.
  std::set<std::string> keys;
  for (const auto& [name, route] : ResourcesByName(U("dev/tenant-shop"), "aws_apigatewayv2_route"))
    keys.insert(route["route_key"].get<std::string>());
  EXPECT_EQ(keys, (std::set<std::string>{"ANY /shop", "ANY /shop/{proxy+}"}));
  // CloudFront-only and unexposed apps get nothing on the API.
  EXPECT_EQ(ResourceCount(U("dev/tenant-site"), "aws_apigatewayv2_integration"), 0);
  EXPECT_EQ(U("dev/tenant-blog").MainJson().find("admin.dev.acme.example.com\",\"overwrite"),
            std::string::npos);
}

// Given both edges, nothing in any unit should gain a public address, the ALB stays
// internal, and the platform invariants (E08xx) hold.
TEST_F(IngressTest, NoPublicAddressesAndPolicyHolds) {
  Synth();
  for (const auto& u : units) {
    const std::string main = u.MainJson();
    EXPECT_EQ(main.find("0.0.0.0/0"), std::string::npos) << u.id();
    EXPECT_EQ(main.find("associate_public_ip_address"), std::string::npos) << u.id();
    EXPECT_EQ(main.find("\"assign_public_ip\":true"), std::string::npos) << u.id();
    EXPECT_EQ(main.find("\"internal\":false"), std::string::npos) << u.id();
  }
  std::vector<check::PolicyUnit> view;
  for (const auto& u : units) view.push_back(check::FromUnit(u));
  Diagnostics findings;
  check::CheckPolicy(view, check::ContextFromOrg(*org), &sources, findings);
  EXPECT_FALSE(findings.has_errors()) << RenderAll(findings, sources, DiagFormat::kShort);
}

// Given a host outside the environment zone exposed through CloudFront, the model should
// refuse it (E0321): no certificate or record of the zone could cover it.
TEST_F(IngressTest, CloudFrontHostOutsideTheZoneIsRefused) {
  fs.files["tenants/site.yaml"] =
      "environments: [dev]\n"
      "apps:\n"
      "  www:\n"
      "    image: site/www\n    port: 8080\n    cpu: 256\n    memory: 512\n"
      "    route: { host: www.partner.example.org }\n"
      "    expose: [cloudfront]\n";
  EXPECT_EQ(Errors(), std::vector<std::string>{codes::kEdgeExposure});
}

// Given a CloudFront host equal to the API's custom domain, or two apps of a tenant on one
// API route, the model should refuse them (E0321).
TEST_F(IngressTest, ReservedHostAndRouteClashAreRefused) {
  fs.files["tenants/site.yaml"] =
      "environments: [dev]\n"
      "apps:\n"
      "  www:\n"
      "    image: site/www\n    port: 8080\n    cpu: 256\n    memory: 512\n"
      "    route: { host: api }\n"
      "    expose: [cloudfront]\n"
      "  a:\n"
      "    image: site/a\n    port: 8080\n    cpu: 256\n    memory: 512\n"
      "    route: { host: a, paths: [\"/x/*\"] }\n"
      "    expose: [api]\n"
      "  b:\n"
      "    image: site/b\n    port: 8080\n    cpu: 256\n    memory: 512\n"
      "    route: { host: b, paths: [\"/x/*\"] }\n"
      "    expose: [api]\n";
  EXPECT_EQ(Errors(), (std::vector<std::string>{codes::kEdgeExposure, codes::kEdgeExposure}));
}

// The API routes of ALB paths: wildcards become greedy routes under the literal directory,
// exact paths stay, duplicates collapse.
TEST(ApiRoutesOf, MapsAlbPaths) {
  auto routes =
      model::ApiRoutesOf("shop", {"/*", "/v1/*", "/health", "/img/*.png", "/v?/x", "/v1/*"});
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& r : routes) got.emplace_back(r.key, r.path);
  EXPECT_EQ(got, (std::vector<std::pair<std::string, std::string>>{
                     {"ANY /shop", "/"},
                     {"ANY /shop/{proxy+}", "/$request.path.proxy"},
                     {"ANY /shop/v1/{proxy+}", "/v1/$request.path.proxy"},
                     {"ANY /shop/health", "/health"},
                     {"ANY /shop/img/{proxy+}", "/img/$request.path.proxy"}}));
}

}  // namespace
}  // namespace eurus::synth
