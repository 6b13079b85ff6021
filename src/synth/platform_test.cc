#include <gtest/gtest.h>

#include <fmt/format.h>

#include <set>
#include <stdexcept>

#include "check/codes.h"
#include "check/policy.h"
#include "diag/codes.h"
#include "diag/render.h"
#include "model/build.h"
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
using testing::Resources;
using testing::ResourcesByName;

constexpr char kRemote[] = "${data.terraform_remote_state.network.outputs.";

/// The base org (testing::BaseOrg) plus qa, with two alert addresses. dev (two AZs, nonprod) routes
/// shop's web (shop.dev.acme.example.com, under the zone's wildcard), blog's api on port 80
/// (api.blog.dev.acme.example.com, deeper in the zone) and blog's admin
/// (admin.partner.example.org, outside any zone eurus manages). prod (three AZs, private
/// egress) routes shop only; qa has jobs, a worker without a route. Tests edit the YAML,
/// then synthesize.
struct PlatformTest : testing::SynthFixture {

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["eurus.yaml"] +=
        "alerts: { emails: [ops@acme.example.com, On.Call+alb@acme.example.com] }\n";
    fs.files["environments/dev.yaml"] += "logs: { retention_days: 14 }\n";
    fs.files["environments/prod.yaml"] +=
        "  egress:\n    cidr: 10.102.9.0/24\n    destinations: [192.168.0.0/16]\n";
    fs.files["environments/qa.yaml"] =
        testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  web:\n"
        "    image: shop/web\n"
        "    port: 8080\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: shop }\n"
        "    replicas: { min: 2, max: 4 }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev]\n"
        "apps:\n"
        "  api:\n"
        "    image: blog/api\n"
        "    port: 80\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: api.blog.dev.acme.example.com }\n"
        "  admin:\n"
        "    image: blog/admin\n"
        "    port: 9000\n"
        "    cpu: 256\n"
        "    memory: 512\n"
        "    route: { host: admin.partner.example.org, paths: [\"/admin/*\"] }\n";
    fs.files["tenants/jobs.yaml"] =
        "environments: [qa]\n"
        "apps:\n"
        "  worker:\n"
        "    image: jobs/worker\n"
        "    cpu: 256\n"
        "    memory: 512\n";
  }



  /// The policy document in argument `arg` of resource `type`.`name`.
  static Json PolicyOf(const tf::Unit& u, const std::string& type, const std::string& name,
                       const char* arg = "policy") {
    Json body = Resource(u, type, name);
    if (!body.contains(arg)) return Json();
    return Json::parse(body[arg].get<std::string>());
  }

  /// The statement with `sid` of a policy document (null when absent).
  static Json Statement(const Json& policy, const std::string& sid) {
    for (const Json& s : policy["Statement"])
      if (s.value("Sid", "") == sid) return s;
    return Json();
  }
};

// Given the org, we should get one platform unit per environment, right after its network
// unit, reading the network through remote state.
TEST_F(PlatformTest, OneUnitPerEnvironmentAfterItsNetwork) {
  Synth();
  for (const char* env : {"dev", "prod", "qa"}) {
    const std::string id = std::string(env) + "/" + kPlatformUnit;
    size_t network = units.size(), platform = units.size();
    for (size_t i = 0; i < units.size(); ++i) {
      if (units[i].id() == std::string(env) + "/network") network = i;
      if (units[i].id() == id) platform = i;
    }
    ASSERT_LT(platform, units.size()) << id;
    EXPECT_EQ(platform, network + 1) << id;
    // After its network, and after its realm's central backup vault (its plans copy there)
    // and observability sink (its OAM link reads the sink's ARN).
    const std::string realm = std::string(env) == "prod" ? "prod" : "nonprod";
    EXPECT_EQ(units[platform].dependencies,
              (std::set<std::string>{std::string(env) + "/network", "common-" + realm + "/backup",
                                     "common-" + realm + "/observability"}));
    EXPECT_EQ(units[platform].providers.at(0).default_tags.at(tags::kTenant), tags::kPlatform);
  }
  // The hosts and the dashboard's tenant selector come from the tenants: their files feed
  // the unit (jobs has an app in qa, though no route).
  EXPECT_TRUE(U("dev/platform").sources.count("tenants/blog.yaml"));
  EXPECT_TRUE(U("qa/platform").sources.count("tenants/jobs.yaml"));
}

// Given an environment, its key should rotate, be named alias/<org>-<env>, and let exactly
// the services that encrypt for the account use it, each for its own resources only.
TEST_F(PlatformTest, KeyPolicyNamesEachService) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(p, "aws_kms_key",
                          R"({"enable_key_rotation":true,"deletion_window_in_days":30})"));
  EXPECT_TRUE(
      HasResource(p, "aws_kms_alias",
                  R"({"name":"alias/acme-dev","target_key_id":"${aws_kms_key.platform.key_id}"})"));
  Json policy = PolicyOf(p, "aws_kms_key", "platform");
  EXPECT_EQ(policy["Statement"].size(), 9u);
  EXPECT_TRUE(testing::Matches(
      Json::parse(R"({"Principal":{"AWS":"arn:aws:iam::444444444444:root"},"Action":"kms:*"})"),
      Statement(policy, "AccountAdministers")));
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"Service":"logs.eu-west-1.amazonaws.com"},
      "Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":
                              "arn:aws:logs:eu-west-1:444444444444:log-group:*"}}})"),
                               Statement(policy, "CloudWatchLogsEncrypts")));
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"Service":"cloudwatch.amazonaws.com"},
      "Action":["kms:Decrypt","kms:GenerateDataKey*"]})"),
                               Statement(policy, "CloudWatchAlarmsPublishEncrypted")));
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"AWS":"arn:aws:iam::444444444444:root"},
      "Condition":{"StringEquals":{"kms:CallerAccount":"444444444444",
        "kms:ViaService":["secretsmanager.eu-west-1.amazonaws.com","sns.eu-west-1.amazonaws.com",
                          "ecs.eu-west-1.amazonaws.com","backup.eu-west-1.amazonaws.com"]}}})"),
                               Statement(policy, "AccountUsesKeyThroughServices")));
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"Service":"fargate.amazonaws.com"},"Action":"kms:CreateGrant",
      "Condition":{"StringEquals":{"kms:EncryptionContext:aws:ecs:clusterAccount":"444444444444"},
                   "ForAllValues:StringEquals":{"kms:GrantOperations":["Decrypt"]}}})"),
                               Statement(policy, "FargateEphemeralStorageGrants")));
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"Service":"logging.s3.amazonaws.com"},"Action":"kms:GenerateDataKey",
      "Condition":{"StringLike":{"kms:EncryptionContext:aws:s3:arn":
        ["arn:aws:s3:::acme-dev-access-logs-444444444444",
         "arn:aws:s3:::acme-dev-access-logs-444444444444/*"]}}})"),
                               Statement(policy, "AccessLogDeliveryEncrypts")));
  // Nothing but the account itself and its realm's common account (the central backup
  // vault's copies, data_test.cc) is a principal that is not a service.
  for (const Json& s : policy["Statement"]) {
    EXPECT_EQ(s["Effect"], "Allow");
    if (s["Principal"].contains("AWS")) {
      EXPECT_TRUE(s["Principal"]["AWS"] == "arn:aws:iam::444444444444:root" ||
                  s["Principal"]["AWS"] == "arn:aws:iam::222222222222:root")
          << s.dump();
    }
  }
  EXPECT_EQ(OutputValue(p, platform_out::kKmsKeyArn), "${aws_kms_key.platform.arn}");
}

// Given alert addresses, the alarm topic should be encrypted with the environment key, have
// one email subscription per address, and admit CloudWatch alarms of its own account only.
TEST_F(PlatformTest, AlarmTopicEncryptedWithSubscriptions) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(
      p, "aws_sns_topic",
      R"({"name":"acme-dev-alarms","kms_master_key_id":"${aws_kms_key.platform.arn}"})"));
  auto subs = ResourcesByName(p, "aws_sns_topic_subscription");
  ASSERT_EQ(subs.size(), 2u);
  EXPECT_TRUE(
      testing::Matches(Json::parse(R"({"topic_arn":"${aws_sns_topic.alarms.arn}","protocol":"email",
                      "endpoint":"On.Call+alb@acme.example.com"})"),
                       subs.at("alarms_on_call_alb_acme_example_com")));
  EXPECT_TRUE(subs.count("alarms_ops_acme_example_com"));
  Json policy = PolicyOf(p, "aws_sns_topic_policy", "alarms");
  EXPECT_TRUE(testing::Matches(Json::parse(R"({
      "Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"SNS:Publish",
      "Resource":"arn:aws:sns:eu-west-1:444444444444:acme-dev-alarms",
      "Condition":{"StringEquals":{"aws:SourceAccount":"444444444444"},
                   "ArnLike":{"aws:SourceArn":"arn:aws:cloudwatch:eu-west-1:444444444444:alarm:*"}}})"),
                               Statement(policy, "CloudWatchAlarmsPublish")));
  EXPECT_EQ(OutputValue(p, platform_out::kAlarmTopicArn), "${aws_sns_topic.alarms.arn}");
  // Without alert addresses: the topic, no subscription.
  EXPECT_EQ(ResourceCount(U("qa/platform"), "aws_sns_topic"), 1);
}

// Given a domain, each environment should get its public zone, restricted to Amazon's CA,
// with the NS record for the parent zone as an output.
TEST_F(PlatformTest, ZoneAndDelegation) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  EXPECT_TRUE(HasResource(p, "aws_route53_zone", R"({"name":"prod.acme.example.com"})"));
  EXPECT_FALSE(Resource(p, "aws_route53_zone", "env").contains("vpc"));  // public
  EXPECT_TRUE(HasResource(p, "aws_route53_record", R"({
      "zone_id":"${aws_route53_zone.env.zone_id}","name":"prod.acme.example.com","type":"CAA",
      "records":["0 issue \"amazon.com\"","0 issuewild \"amazon.com\""]})"));
  EXPECT_EQ(OutputValue(p, "zone_delegation"), Json::parse(R"({"name":"prod.acme.example.com",
      "type":"NS","ttl":172800,"records":"${aws_route53_zone.env.name_servers}"})"));
  EXPECT_EQ(OutputValue(p, "zone_id"), "${aws_route53_zone.env.zone_id}");
  // Even without routed apps.
  EXPECT_TRUE(
      HasResource(U("qa/platform"), "aws_route53_zone", R"({"name":"qa.acme.example.com"})"));
  // Protected environments keep their zone (its name servers) and their key.
  EXPECT_EQ(Resource(p, "aws_route53_zone", "env")["lifecycle"]["prevent_destroy"], true);
  EXPECT_EQ(Resource(p, "aws_kms_key", "platform")["lifecycle"]["prevent_destroy"], true);
  EXPECT_FALSE(Resource(U("dev/platform"), "aws_route53_zone", "env").contains("lifecycle"));
  EXPECT_FALSE(Resource(U("dev/platform"), "aws_kms_key", "platform").contains("lifecycle"));
}

// Given the zone, its certificate should cover <zone> and *.<zone>, validated by one record
// in the zone (both names share it), and the listener should use it once validated.
TEST_F(PlatformTest, ZoneCertificateValidatedInTheZone) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  Json cert = Resource(p, "aws_acm_certificate", "env");
  EXPECT_EQ(cert["domain_name"], "dev.acme.example.com");
  EXPECT_EQ(cert["subject_alternative_names"], Json::array({"*.dev.acme.example.com"}));
  EXPECT_EQ(cert["validation_method"], "DNS");
  EXPECT_EQ(cert["lifecycle"]["create_before_destroy"], true);
  EXPECT_TRUE(HasResource(p, "aws_route53_record", R"({
      "for_each":"${{for v in aws_acm_certificate.env.domain_validation_options : v.domain_name => v if !startswith(v.domain_name, \"*.\")}}",
      "zone_id":"${aws_route53_zone.env.zone_id}","name":"${each.value.resource_record_name}",
      "type":"${each.value.resource_record_type}","records":["${each.value.resource_record_value}"]})"));
  EXPECT_TRUE(HasResource(p, "aws_acm_certificate_validation", R"({
      "certificate_arn":"${aws_acm_certificate.env.arn}",
      "validation_record_fqdns":"${[for r in aws_route53_record.certificate_validation : r.fqdn]}"})"));
  EXPECT_TRUE(HasResource(
      p, "aws_lb_listener",
      R"({"port":443,"certificate_arn":"${aws_acm_certificate_validation.env.certificate_arn}"})"));
  EXPECT_EQ(OutputValue(p, "certificate_arn"),
            "${aws_acm_certificate_validation.env.certificate_arn}");
  // shop.dev.acme.example.com is under the wildcard: no certificate of its own.
  EXPECT_TRUE(Resource(p, "aws_acm_certificate", "host_shop_dev_acme_example_com").is_null());
}

// Given a host deeper in the zone and one outside it, each should get its own certificate
// attached to the listener; the first validated by a record in the zone, the second waiting
// for records the operator adds, which the unit exports.
TEST_F(PlatformTest, HostCertificatesInAndOutsideTheZone) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  const std::string in = "host_api_blog_dev_acme_example_com";
  const std::string out = "host_admin_partner_example_org";
  EXPECT_TRUE(
      HasResource(p, "aws_acm_certificate",
                  R"({"domain_name":"api.blog.dev.acme.example.com","validation_method":"DNS"})"));
  EXPECT_FALSE(Resource(p, "aws_acm_certificate", in).contains("subject_alternative_names"));
  Json record = Resource(p, "aws_route53_record", in + "_validation");
  EXPECT_EQ(record["zone_id"], "${aws_route53_zone.env.zone_id}");
  EXPECT_EQ(record["name"], "${tolist(aws_acm_certificate." + in +
                                ".domain_validation_options)[0].resource_record_name}");
  EXPECT_EQ(Resource(p, "aws_acm_certificate_validation", in)["validation_record_fqdns"],
            Json::array({"${aws_route53_record." + in + "_validation.fqdn}"}));

  EXPECT_TRUE(
      HasResource(p, "aws_acm_certificate", R"({"domain_name":"admin.partner.example.org"})"));
  EXPECT_TRUE(Resource(p, "aws_route53_record", out + "_validation").is_null());
  Json waits = Resource(p, "aws_acm_certificate_validation", out);
  EXPECT_EQ(waits["certificate_arn"], "${aws_acm_certificate." + out + ".arn}");
  EXPECT_FALSE(waits.contains("validation_record_fqdns"));
  Json manual = OutputValue(p, "manual_validation_records");
  ASSERT_EQ(manual.size(), 1u);
  EXPECT_EQ(manual["admin.partner.example.org"]["value"],
            "${tolist(aws_acm_certificate." + out +
                ".domain_validation_options)[0].resource_record_value}");

  auto attached = ResourcesByName(p, "aws_lb_listener_certificate");
  ASSERT_EQ(attached.size(), 2u);
  for (const std::string& block : {in, out}) {
    EXPECT_EQ(attached.at(block)["listener_arn"], "${aws_lb_listener.https.arn}");
    EXPECT_EQ(attached.at(block)["certificate_arn"],
              "${aws_acm_certificate_validation." + block + ".certificate_arn}");
  }
  // Each points back at the route that asked for it.
  EXPECT_EQ(Resource(p, "aws_acm_certificate", out)["//"], "tenants/blog.yaml:14");
}

// Given routed apps, the ALB should be internal, in the platform subnet of every AZ, drop
// invalid headers, log to its bucket, and be protected from deletion in prod only.
TEST_F(PlatformTest, InternalAlbInEveryAz) {
  Synth();
  for (const char* env : {"dev", "prod"}) {
    const tf::Unit& p = U(std::string(env) + "/platform");
    ASSERT_EQ(ResourceCount(p, "aws_lb"), 1) << env;
    Json alb = Resource(p, "aws_lb", "main");
    EXPECT_EQ(alb["name"], std::string("acme-") + env);
    EXPECT_EQ(alb["internal"], true);
    EXPECT_EQ(alb["load_balancer_type"], "application");
    EXPECT_EQ(alb["subnets"], std::string(kRemote) + "platform_subnet_ids}");
    EXPECT_EQ(alb["security_groups"], Json::array({"${aws_security_group.alb.id}"}));
    EXPECT_EQ(alb["drop_invalid_header_fields"], true);
    EXPECT_EQ(alb["enable_deletion_protection"], std::string(env) == "prod");
    EXPECT_EQ(alb["access_logs"],
              Json::parse(R"({"bucket":"${aws_s3_bucket.alb_logs.id}","enabled":true})"));
    EXPECT_EQ(alb["depends_on"], Json::array({"aws_s3_bucket_policy.alb_logs"}));
  }
  // platform_subnet_ids of the network unit: one subnet per AZ.
  Json ids = OutputValue(U("prod/network"), "platform_subnet_ids");
  EXPECT_EQ(ids, Json::array({"${aws_subnet.platform_eu_west_1a.id}",
                              "${aws_subnet.platform_eu_west_1b.id}",
                              "${aws_subnet.platform_eu_west_1c.id}"}));
}

// Given the ALB, HTTPS should use a TLS 1.3/1.2 policy and answer 404 unless a tenant rule
// matches; HTTP should only redirect to HTTPS.
TEST_F(PlatformTest, Listeners) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_EQ(ResourceCount(p, "aws_lb_listener"), 2);
  Json https = Resource(p, "aws_lb_listener", "https");
  EXPECT_EQ(https["load_balancer_arn"], "${aws_lb.main.arn}");
  EXPECT_EQ(https["protocol"], "HTTPS");
  EXPECT_EQ(https["ssl_policy"], "ELBSecurityPolicy-TLS13-1-2-Res-2021-06");
  EXPECT_EQ(https["routing_http_response_strict_transport_security_header_value"],
            "max-age=31536000");
  EXPECT_EQ(https["default_action"], Json::parse(R"([{"type":"fixed-response","fixed_response":
      {"content_type":"text/plain","message_body":"no route","status_code":"404"}}])"));
  Json http = Resource(p, "aws_lb_listener", "http");
  EXPECT_EQ(http["port"], 80);
  EXPECT_EQ(http["protocol"], "HTTP");
  EXPECT_FALSE(http.contains("certificate_arn"));
  EXPECT_EQ(http["default_action"], Json::parse(R"([{"type":"redirect","redirect":
      {"port":"443","protocol":"HTTPS","status_code":"HTTP_301"}}])"));
  EXPECT_EQ(OutputValue(p, platform_out::kListenerArn), "${aws_lb_listener.https.arn}");
}

// Given the ALB's security group, it should admit HTTP(S) from the VPC only, and reach the
// VPC's unprivileged ports plus exactly the privileged ports routed apps use (blog's 80).
TEST_F(PlatformTest, AlbSecurityGroup) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_TRUE(HasResource(
      p, "aws_security_group",
      R"({"name":"acme-dev-alb","vpc_id":"${data.terraform_remote_state.network.outputs.vpc_id}"})"));
  auto ingress = Resources(p, "aws_vpc_security_group_ingress_rule");
  ASSERT_EQ(ingress.size(), 2u);
  for (const Json& r : ingress) {
    EXPECT_EQ(r["security_group_id"], "${aws_security_group.alb.id}");
    EXPECT_EQ(r["cidr_ipv4"], "10.1.0.0/16");
    EXPECT_EQ(r["from_port"], r["to_port"]);
  }
  EXPECT_TRUE(HasResource(p, "aws_vpc_security_group_ingress_rule", R"({"from_port":443})"));
  EXPECT_TRUE(HasResource(p, "aws_vpc_security_group_ingress_rule", R"({"from_port":80})"));
  auto egress = ResourcesByName(p, "aws_vpc_security_group_egress_rule");
  ASSERT_EQ(egress.size(), 2u);
  EXPECT_TRUE(testing::Matches(
      Json::parse(
          R"({"cidr_ipv4":"10.1.0.0/16","ip_protocol":"tcp","from_port":1024,"to_port":65535})"),
      egress.at("alb_to_apps")));
  EXPECT_TRUE(
      testing::Matches(Json::parse(R"({"cidr_ipv4":"10.1.0.0/16","from_port":80,"to_port":80})"),
                       egress.at("alb_to_apps_80")));
  EXPECT_EQ(ResourceCount(U("prod/platform"), "aws_vpc_security_group_egress_rule"), 1);
  EXPECT_EQ(OutputValue(p, platform_out::kAlbSecurityGroupId), "${aws_security_group.alb.id}");
}

// Given the ALB, its log bucket should be SSE-S3 (ELB writes nothing else), private,
// versioned, TLS-only, writable by ELB log delivery under this account's prefix only, and
// log its own access to a KMS-encrypted bucket; both protected in prod.
TEST_F(PlatformTest, AccessLogBuckets) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_EQ(Resource(p, "aws_s3_bucket", "alb_logs")["bucket"], "acme-dev-alb-logs-444444444444");
  EXPECT_EQ(Resource(p, "aws_s3_bucket", "access_logs")["bucket"],
            "acme-dev-access-logs-444444444444");
  EXPECT_TRUE(HasResource(p, "aws_s3_bucket_server_side_encryption_configuration", R"({
      "bucket":"${aws_s3_bucket.alb_logs.id}",
      "rule":[{"apply_server_side_encryption_by_default":{"sse_algorithm":"AES256"}}]})"));
  EXPECT_TRUE(HasResource(p, "aws_s3_bucket_server_side_encryption_configuration", R"({
      "bucket":"${aws_s3_bucket.access_logs.id}",
      "rule":[{"apply_server_side_encryption_by_default":
               {"sse_algorithm":"aws:kms","kms_master_key_id":"${aws_kms_key.platform.arn}"}}]})"));
  for (const char* b : {"alb_logs", "access_logs"}) {
    const std::string ref = std::string("${aws_s3_bucket.") + b + ".id}";
    EXPECT_EQ(Resource(p, "aws_s3_bucket_public_access_block", b),
              Json({{"bucket", ref},
                    {"block_public_acls", true},
                    {"block_public_policy", true},
                    {"ignore_public_acls", true},
                    {"restrict_public_buckets", true},
                    {"//", "environments/dev.yaml:1"}}));
    EXPECT_EQ(Resource(p, "aws_s3_bucket_versioning", b)["versioning_configuration"]["status"],
              "Enabled");
    EXPECT_EQ(Resource(p, "aws_s3_bucket_ownership_controls", b)["rule"]["object_ownership"],
              "BucketOwnerEnforced");
    Json lifecycle = Resource(p, "aws_s3_bucket_lifecycle_configuration", b);
    EXPECT_EQ(lifecycle["rule"][0]["expiration"][0]["days"], 14);  // logs.retention_days
    Json policy = PolicyOf(p, "aws_s3_bucket_policy", b);
    EXPECT_TRUE(testing::Matches(
        Json::parse(
            R"({"Effect":"Deny","Principal":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}})"),
        Statement(policy, "DenyInsecureTransport")));
    EXPECT_TRUE(testing::Matches(
        Json::parse(R"({"Effect":"Deny","Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}})"),
        Statement(policy, "DenyOutdatedTls")));
    EXPECT_FALSE(Resource(p, "aws_s3_bucket", b).contains("lifecycle"));
    EXPECT_EQ(Resource(p, "aws_s3_bucket", b)["force_destroy"], true);
    Json kept = Resource(U("prod/platform"), "aws_s3_bucket", b);
    EXPECT_EQ(kept["lifecycle"]["prevent_destroy"], true);
    EXPECT_FALSE(kept.contains("force_destroy"));
  }
  Json writes = Statement(PolicyOf(p, "aws_s3_bucket_policy", "alb_logs"), "AlbAccessLogDelivery");
  EXPECT_EQ(writes["Principal"],
            Json::parse(R"({"Service":"logdelivery.elasticloadbalancing.amazonaws.com",
                                                 "AWS":"arn:aws:iam::156460612806:root"})"));
  EXPECT_EQ(writes["Action"], "s3:PutObject");
  EXPECT_EQ(writes["Resource"],
            "arn:aws:s3:::acme-dev-alb-logs-444444444444/AWSLogs/444444444444/*");
  // S3 log delivery writes the access logs of the account's eurus buckets (the ALB's, the
  // tenants' data buckets), each under its own prefix.
  EXPECT_TRUE(testing::Matches(
      Json::parse(R"({"Principal":{"Service":"logging.s3.amazonaws.com"},
      "Resource":"arn:aws:s3:::acme-dev-access-logs-444444444444/*",
      "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::acme-*"},
                   "StringEquals":{"aws:SourceAccount":"444444444444"}}})"),
      Statement(PolicyOf(p, "aws_s3_bucket_policy", "access_logs"), "S3AccessLogDelivery")));
  EXPECT_TRUE(HasResource(p, "aws_s3_bucket_logging", R"({"bucket":"${aws_s3_bucket.alb_logs.id}",
      "target_bucket":"${aws_s3_bucket.access_logs.id}","target_prefix":"acme-dev-alb-logs-444444444444/"})"));
}

// Given the ALB, its alarms should watch the ALB's own 5xx and rejected connections and
// notify the topic on alarm and on recovery.
TEST_F(PlatformTest, AlbAlarmsNotifyTheTopic) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  auto alarms = ResourcesByName(p, "aws_cloudwatch_metric_alarm");
  ASSERT_EQ(alarms.size(), 2u);
  EXPECT_EQ(alarms.at("alb_5xx")["metric_name"], "HTTPCode_ELB_5XX_Count");
  EXPECT_EQ(alarms.at("alb_rejected_connections")["metric_name"], "RejectedConnectionCount");
  for (const auto& [name, a] : alarms) {
    EXPECT_EQ(a["namespace"], "AWS/ApplicationELB") << name;
    EXPECT_EQ(a["dimensions"], Json::parse(R"({"LoadBalancer":"${aws_lb.main.arn_suffix}"})"))
        << name;
    EXPECT_EQ(a["alarm_actions"], Json::array({"${aws_sns_topic.alarms.arn}"})) << name;
    EXPECT_EQ(a["ok_actions"], Json::array({"${aws_sns_topic.alarms.arn}"})) << name;
    EXPECT_EQ(a["actions_enabled"], true) << name;
    EXPECT_EQ(a["treat_missing_data"], "notBreaching") << name;
  }
  EXPECT_EQ(OutputValue(p, platform_out::kAlbArnSuffix), "${aws_lb.main.arn_suffix}");
}

// Given the ALB (and in prod NAT gateways), the dashboard body should be JSON whose widgets
// read this ALB's metrics, and the NAT gateways' where there are any; then one tenant
// section, written for the first tenant's cluster, which a pattern variable (the Tenant
// selector, one choice per tenant with apps) rewrites to the chosen tenant's.
TEST_F(PlatformTest, Dashboard) {
  Synth();
  const std::string dev_text =
      Resource(U("dev/platform"), "aws_cloudwatch_dashboard", "platform")["dashboard_body"].get<std::string>();
  Json dev = Json::parse(dev_text);
  ASSERT_EQ(dev["widgets"].size(), 11u);  // ALB 4, heading, CPU, memory, target groups 4
  EXPECT_EQ(dev["widgets"][0]["properties"]["metrics"][0],
            Json::parse(
                R"(["AWS/ApplicationELB","RequestCount","LoadBalancer","${aws_lb.main.arn_suffix}",
                            {"stat":"Sum"}])"));
  EXPECT_EQ(dev["widgets"][2]["properties"]["metrics"][0][4], Json::parse(R"({"stat":"p99"})"));
  EXPECT_EQ(dev["widgets"][4]["type"], "text");
  EXPECT_EQ(dev["widgets"][5]["properties"]["metrics"][0][0]["expression"],
            "SEARCH('{AWS/ECS,ClusterName,ServiceName} ClusterName=\"acme-blog\" "
            "MetricName=\"CPUUtilization\"', 'Average', 300)");
  EXPECT_EQ(dev["variables"], Json::parse(R"([{"type":"pattern","pattern":"acme-blog","id":"tenant",
      "label":"Tenant","inputType":"select","visible":true,"defaultValue":"acme-blog",
      "values":[{"label":"blog","value":"acme-blog"},{"label":"shop","value":"acme-shop"}]}])"));
  // Container Insights is off in dev: no running-task widget.
  EXPECT_EQ(dev_text.find("RunningTaskCount"), std::string::npos);
  for (const char* t : {"tenants/blog.yaml", "tenants/shop.yaml"})
    EXPECT_TRUE(U("dev/platform").sources.count(t)) << t;
  Json prod = Json::parse(
      Resource(U("prod/platform"), "aws_cloudwatch_dashboard", "platform")["dashboard_body"]
          .get<std::string>());
  ASSERT_EQ(prod["widgets"].size(), 14u);  // + NAT 2, running tasks
  EXPECT_EQ(
      prod["widgets"][4]["properties"]["metrics"][0][0]["expression"],
      "SEARCH('{AWS/NATGateway,NatGatewayId} MetricName=\"BytesOutToDestination\"', 'Sum', 300)");
  EXPECT_EQ(prod["variables"][0]["values"].size(), 1u);
  for (const Json& w : prod["widgets"])
    if (w["type"] == "metric") {
      EXPECT_EQ(w["properties"]["region"], "eu-west-1");
    }
  // Widgets never overlap: each row holds two half-width widgets or one text.
  std::set<std::pair<int, int>> cells;
  for (const Json& w : prod["widgets"])
    EXPECT_TRUE(cells.insert({w["x"].get<int>(), w["y"].get<int>()}).second) << w.dump();
}

// Given more tenants than the drop-down holds, the selector should become a text box (the
// body does not grow with the tenants).
TEST_F(PlatformTest, DashboardSelectorDegradesToInput) {
  fs.files["environments/qa.yaml"] += "  tenant_subnet_size: 27\n  data_subnet_size: 28\n";
  for (int i = 0; i < 101; ++i)
    fs.files[fmt::format("tenants/t{:03}.yaml", i)] =
        "environments: [qa]\napps:\n  worker: { image: t/worker, cpu: 256, memory: 512 }\n";
  Synth();
  Json qa = Json::parse(
      Resource(U("qa/platform"), "aws_cloudwatch_dashboard", "platform")["dashboard_body"]
          .get<std::string>());
  EXPECT_EQ(qa["variables"][0]["inputType"], "input");
  EXPECT_FALSE(qa["variables"][0].contains("values"));
  EXPECT_EQ(qa["widgets"].size(), 3u);  // heading, CPU, memory
}

// Given an environment without routed apps, there should be no ALB nor anything serving it
// (the access-log bucket stays: the tenants' buckets log to it), and the ALB outputs of the
// contract declared but null; except the ALB's security group, the same as with an ALB, which
// tenant app groups reach (WorkloadsTest.AppsReachTheAlbOnItsListeners).
TEST_F(PlatformTest, NoAlbWithoutRoutedApps) {
  Synth();
  const tf::Unit& p = U("qa/platform");
  for (const char* type : {"aws_lb", "aws_lb_listener", "aws_acm_certificate",
                           "aws_cloudwatch_metric_alarm"})
    EXPECT_EQ(ResourceCount(p, type), 0) << type;
  // The dashboard shows the tenants' services only.
  const std::string qa_dashboard =
      Resource(p, "aws_cloudwatch_dashboard", "platform")["dashboard_body"].get<std::string>();
  EXPECT_EQ(qa_dashboard.find("ApplicationELB"), std::string::npos);
  EXPECT_EQ(ResourceCount(p, "aws_s3_bucket"), 1);
  EXPECT_FALSE(Resource(p, "aws_s3_bucket", "access_logs").is_null());
  for (const char* name : {platform_out::kListenerArn, platform_out::kAlbArnSuffix}) {
    EXPECT_TRUE(p.outputs().count(name)) << name;
    EXPECT_TRUE(OutputValue(p, name).is_null()) << name;
  }
  EXPECT_FALSE(OutputValue(p, platform_out::kKmsKeyArn).is_null());
  EXPECT_EQ(OutputValue(p, platform_out::kAlbSecurityGroupId), "${aws_security_group.alb.id}");
  const tf::Unit& dev = U("dev/platform");
  EXPECT_EQ(Resource(p, "aws_security_group", "alb")["description"],
            Resource(dev, "aws_security_group", "alb")["description"]);
  for (const char* rule : {"alb_https_from_vpc", "alb_http_from_vpc"})
    EXPECT_FALSE(Resource(p, "aws_vpc_security_group_ingress_rule", rule).is_null()) << rule;
  EXPECT_FALSE(Resource(p, "aws_vpc_security_group_egress_rule", "alb_to_apps").is_null());
}

// Given every environment, each bucket of the platform unit should write its S3 access logs
// to the access-log bucket, which alone logs nowhere (it ends the chain: a bucket logging into
// itself would log its own log deliveries). checkov's CKV_AWS_18 is not run on platform units
// (.checkov.yaml): it sees the access-log bucket as a log target only where the ALB's bucket is.
TEST_F(PlatformTest, EveryBucketLogsItsAccess) {
  fs.files["environments/dev.yaml"] += "ingress: { cloudfront: true }\n";
  fs.files["tenants/shop.yaml"] +=
      "    expose: [cloudfront]\noverrides:\n  prod:\n    apps:\n      web: { expose: [] }\n";
  Synth();
  int buckets = 0;
  for (const char* id : {"dev/platform", "prod/platform", "qa/platform"}) {
    const tf::Unit& p = U(id);
    auto logging = ResourcesByName(p, "aws_s3_bucket_logging");
    for (const auto& [name, body] : ResourcesByName(p, "aws_s3_bucket")) {
      ++buckets;
      if (name == "access_logs") {
        EXPECT_EQ(logging.count(name), 0u) << id;
        continue;
      }
      ASSERT_EQ(logging.count(name), 1u) << id << " " << name;
      EXPECT_EQ(logging.at(name)["bucket"], "${aws_s3_bucket." + name + ".id}");
      EXPECT_EQ(logging.at(name)["target_bucket"], "${aws_s3_bucket.access_logs.id}");
    }
  }
  EXPECT_EQ(buckets, 3 + 2 + 1);  // dev: access, ALB, CloudFront logs; prod: access, ALB; qa
}

// Given any environment, the unit should declare every output of the contract (tenant units
// read them through remote state) and the extra ones of the ALB and zone.
TEST_F(PlatformTest, ContractOutputs) {
  Synth();
  const tf::Unit& p = U("dev/platform");
  for (const char* name :
       {platform_out::kKmsKeyArn, platform_out::kAlbSecurityGroupId, platform_out::kListenerArn,
        platform_out::kAlbArnSuffix, platform_out::kAlarmTopicArn, "alb_arn", "alb_dns_name",
        "alb_zone_id", "zone_id", "zone_name", "zone_delegation", "certificate_arn",
        "manual_validation_records"}) {
    EXPECT_TRUE(p.outputs().count(name)) << name;
    EXPECT_FALSE(OutputValue(p, name).is_null()) << name;
  }
  EXPECT_EQ(OutputValue(p, "alb_dns_name"), "${aws_lb.main.dns_name}");
  EXPECT_EQ(OutputValue(p, "alb_zone_id"), "${aws_lb.main.zone_id}");
  // A unit reading them compiles them into references (and would throw on a missing one).
  tf::Unit reader("dev", "tenant-x");
  tf::Ref platform = reader.RemoteState(p, tf::Backend{});
  EXPECT_EQ(platform.Output(platform_out::kListenerArn),
            "${data.terraform_remote_state.platform.outputs.https_listener_arn}");
}

// Given nothing public may exist, no block of any platform unit should face the internet:
// no internet-facing ALB, no public IP, no rule open to 0.0.0.0/0.
TEST_F(PlatformTest, NothingPublic) {
  Synth();
  for (const char* env : {"dev", "prod", "qa"}) {
    const tf::Unit& p = U(std::string(env) + "/platform");
    for (const Json& lb : Resources(p, "aws_lb")) EXPECT_EQ(lb["internal"], true);
    const std::string main = p.MainJson();
    EXPECT_EQ(main.find("0.0.0.0/0"), std::string::npos) << env;
    EXPECT_EQ(main.find("associate_public_ip_address"), std::string::npos) << env;
    EXPECT_EQ(main.find("\"Principal\":\"*\",\"Effect\":\"Allow\""), std::string::npos) << env;
  }
}

// Given the platform units, the platform invariants (E08xx) should hold, in prod (deletion
// protection required, three AZs) too: the ALB spans every AZ through the network's output.
TEST_F(PlatformTest, PolicyHolds) {
  Synth();
  std::vector<check::PolicyUnit> view;
  for (const auto& u : units) view.push_back(check::FromUnit(u));
  Diagnostics findings;
  check::CheckPolicy(view, check::ContextFromOrg(*org), &sources, findings);
  EXPECT_FALSE(findings.has_errors()) << RenderAll(findings, sources, DiagFormat::kShort);
}

// Given no domain, full host names should each get a certificate validated by hand (the
// first is the listener's default), with a warning at `eurus check`; no zone at all.
TEST_F(PlatformTest, NoDomainManualCertificates) {
  testing::Replace(fs.files["eurus.yaml"], "domain: acme.example.com\n", "");
  fs.files["tenants/shop.yaml"] =
      "environments: [dev]\n"
      "apps:\n"
      "  web:\n"
      "    image: shop/web\n"
      "    port: 8080\n"
      "    cpu: 256\n"
      "    memory: 512\n"
      "    route: { host: shop.acme.example.com }\n";
  fs.files["tenants/blog.yaml"] = "environments: [dev]\n";
  Synth();
  const tf::Unit& p = U("dev/platform");
  EXPECT_EQ(ResourceCount(p, "aws_route53_zone"), 0);
  EXPECT_EQ(ResourceCount(p, "aws_route53_record"), 0);
  EXPECT_EQ(ResourceCount(p, "aws_acm_certificate"), 1);
  EXPECT_FALSE(Resource(p, "aws_acm_certificate_validation", "host_shop_acme_example_com")
                   .contains("validation_record_fqdns"));
  EXPECT_EQ(Resource(p, "aws_lb_listener", "https")["certificate_arn"],
            "${aws_acm_certificate_validation.host_shop_acme_example_com.certificate_arn}");
  EXPECT_EQ(ResourceCount(p, "aws_lb_listener_certificate"),
            0);  // the default is not attached twice
  EXPECT_EQ(OutputValue(p, "manual_validation_records").size(), 1u);
  EXPECT_TRUE(OutputValue(p, "zone_id").is_null());
  EXPECT_TRUE(OutputValue(p, "certificate_arn").is_null());
  bool warned = false;
  for (const auto& d : diags.items())
    warned = warned || (d.code == codes::kWarnManualValidation &&
                        d.message.find("shop.acme.example.com") != std::string::npos);
  EXPECT_TRUE(warned) << RenderAll(diags, sources, DiagFormat::kShort);
}

}  // namespace
}  // namespace eurus::synth
