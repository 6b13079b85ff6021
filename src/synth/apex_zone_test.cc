#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "diag/codes.h"
#include "diag/render.h"
#include "model/build.h"
#include "synth/apex_zone.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::OutputValue;
using testing::Resource;
using testing::ResourceCount;

constexpr char kApexId[] = "${aws_route53_zone.apex.zone_id}";

/// The base org (dev nonprod, prod prod, domain acme.example.com) where prod owns the apex
/// zone and has both edges, dev has CloudFront. site's home is served at the apex, its www at
/// www.acme.example.com (both CloudFront), its shop at shop.prod.acme.example.com (both
/// edges); site's docs in dev at docs.dev.acme.example.com (CloudFront).
struct ApexTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/dev.yaml"] += "ingress: { cloudfront: true }\n";
    fs.files["environments/prod.yaml"] +=
        "ingress: { cloudfront: true, api_gateway: true, apex_zone: true }\n";
    fs.files["tenants/site.yaml"] =
        "environments: [dev, prod]\n"
        "apps:\n"
        "  home:\n" + App("acme.example.com", "[cloudfront]") +
        "  www:\n" + App("www.acme.example.com", "[cloudfront]") +
        "  shop:\n" + App("shop", "[cloudfront, api]") +
        "overrides:\n"
        "  dev:\n"
        "    apps:\n"
        "      home: { route: { host: docs }, expose: [cloudfront] }\n"
        "      www: { route: { host: blog }, expose: [cloudfront] }\n"
        "      shop: { route: { host: shop }, expose: [cloudfront] }\n";
  }

  static std::string App(const std::string& host, const std::string& expose) {
    return "    image: site/web\n    port: 8080\n    cpu: 256\n    memory: 512\n"
           "    route: { host: " + host + " }\n"
           "    expose: " + expose + "\n";
  }

  /// The errors the model reports (the org is not expected to build), and with `warnings`
  /// its warnings too but W0005 (hosts validated by hand, beside the point here).
  std::vector<const Diagnostic*> Found(bool warnings = false) {
    auto p = config::LoadProject(fs, ".", sources, diags);
    if (!p) return {};
    model::Build(*p, {}, {}, diags);
    std::vector<const Diagnostic*> out;
    for (const auto& d : diags.items())
      if (d.severity == Severity::kError || (warnings && d.code != codes::kWarnManualValidation))
        out.push_back(&d);
    return out;
  }
  std::vector<std::string> Codes(bool warnings = false) {
    std::vector<std::string> out;
    for (const Diagnostic* d : Found(warnings)) out.push_back(d->code);
    return out;
  }
};

// Given `apex_zone: true` in prod, prod's platform should create the zone <domain> (kept on
// destroy), delegate prod.<domain> into it, output its name servers for the registrar and
// the zones left to delegate by hand; dev's platform gets none of it.
TEST_F(ApexTest, ZoneDelegationAndOutputs) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  Json zone = Resource(p, "aws_route53_zone", "apex");
  EXPECT_EQ(zone["name"], "acme.example.com");
  EXPECT_EQ(zone["lifecycle"]["prevent_destroy"], true);
  EXPECT_TRUE(HasResource(p, "aws_route53_record", R"({
      "zone_id":"${aws_route53_zone.apex.zone_id}","name":"prod.acme.example.com","type":"NS",
      "ttl":172800,"records":"${aws_route53_zone.env.name_servers}"})"));
  EXPECT_EQ(OutputValue(p, "apex_zone_id"), kApexId);
  EXPECT_EQ(OutputValue(p, "apex_name_servers"), "${aws_route53_zone.apex.name_servers}");
  EXPECT_EQ(OutputValue(p, "apex_delegations_by_hand"), Json({"dev.acme.example.com"}));
  EXPECT_EQ(ResourceCount(U("dev/platform"), "aws_route53_zone"), 1);  // its own zone only
}

// Given hosts of the apex zone exposed through CloudFront, the viewer certificate should
// cover them, validated by records in the apex zone (those of the ALB's certificates), and
// their alias records should live there; the environment zone's host keeps its records.
TEST_F(ApexTest, CloudFrontServesTheApexAndWww) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  Json d = Resource(p, "aws_cloudfront_distribution", "env");
  EXPECT_EQ(d["aliases"], Json({"acme.example.com", "shop.prod.acme.example.com", "www.acme.example.com"}));
  Json cert = Resource(p, "aws_acm_certificate", "cloudfront");
  EXPECT_EQ(cert["subject_alternative_names"],
            Json({"*.prod.acme.example.com", "acme.example.com", "www.acme.example.com"}));
  const std::string fqdns = Resource(p, "aws_acm_certificate_validation", "cloudfront")["validation_record_fqdns"];
  for (const char* r : {"host_acme_example_com_validation.fqdn", "host_www_acme_example_com_validation.fqdn"})
    EXPECT_NE(fqdns.find(r), std::string::npos) << fqdns;
  // The ALB's certificates of the apex names: validated in the apex zone, not by hand.
  EXPECT_EQ(Resource(p, "aws_route53_record", "host_acme_example_com_validation")["zone_id"], kApexId);
  EXPECT_EQ(Resource(p, "aws_route53_record", "host_www_acme_example_com_validation")["zone_id"], kApexId);
  EXPECT_EQ(OutputValue(p, "manual_validation_records"), Json::object());
  for (const char* type : {"a", "aaaa"}) {
    Json apex = Resource(p, "aws_route53_record", std::string("host_acme_example_com_cloudfront_") + type);
    EXPECT_EQ(apex["zone_id"], kApexId);
    EXPECT_EQ(apex["name"], "acme.example.com");
    EXPECT_EQ(apex["alias"]["zone_id"], "Z2FDTNDATAQYW2");
    EXPECT_EQ(Resource(p, "aws_route53_record", std::string("host_www_acme_example_com_cloudfront_") + type)["zone_id"],
              kApexId);
    EXPECT_EQ(Resource(p, "aws_route53_record",
                       std::string("host_shop_prod_acme_example_com_cloudfront_") + type)["zone_id"],
              "${aws_route53_zone.env.zone_id}");
  }
}

// Given API Gateway in the apex owner, the HTTP API should also answer at api.<domain>: a
// regional certificate validated in the apex zone, a second custom domain and mapping on
// the $default stage, an alias record in the apex zone.
TEST_F(ApexTest, ApiAtApiDotDomain) {
  Synth();
  const tf::Unit& p = U("prod/platform");
  const std::string block = "host_api_acme_example_com";
  Json cert = Resource(p, "aws_acm_certificate", block);
  EXPECT_EQ(cert["domain_name"], "api.acme.example.com");
  EXPECT_FALSE(cert.contains("region"));  // the API's own Region
  EXPECT_EQ(Resource(p, "aws_route53_record", block + "_validation")["zone_id"], kApexId);
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_domain_name", R"({"domain_name":"api.acme.example.com",
      "domain_name_configuration":{"certificate_arn":"${aws_acm_certificate_validation.host_api_acme_example_com.certificate_arn}",
      "endpoint_type":"REGIONAL","security_policy":"TLS_1_2"}})"));
  EXPECT_TRUE(HasResource(p, "aws_apigatewayv2_api_mapping", R"({"api_id":"${aws_apigatewayv2_api.main.id}",
      "domain_name":"${aws_apigatewayv2_domain_name.api_apex.id}","stage":"${aws_apigatewayv2_stage.default.id}"})"));
  Json alias = Resource(p, "aws_route53_record", "api_apex");
  EXPECT_EQ(alias["zone_id"], kApexId);
  EXPECT_EQ(alias["name"], "api.acme.example.com");
  EXPECT_EQ(OutputValue(p, "api_apex_domain_name"), "api.acme.example.com");
  EXPECT_FALSE(Resource(U("dev/platform"), "aws_apigatewayv2_domain_name", "api_apex").is_object());
}

// Given the id of an existing zone, prod's platform should look it up and write its records
// there, creating no zone of the domain.
TEST_F(ApexTest, ExistingZoneById) {
  testing::Replace(fs.files["environments/prod.yaml"], "apex_zone: true", "apex_zone: Z0123456789ABCDEFGHIJ");
  Synth();
  const tf::Unit& p = U("prod/platform");
  EXPECT_TRUE(Resource(p, "aws_route53_zone", "apex").is_null());
  EXPECT_EQ(p.data()["aws_route53_zone"]["apex"]["zone_id"], "Z0123456789ABCDEFGHIJ");
  const std::string id = "${data.aws_route53_zone.apex.zone_id}";
  EXPECT_EQ(Resource(p, "aws_route53_record", "apex_delegation")["zone_id"], id);
  EXPECT_EQ(Resource(p, "aws_route53_record", "host_www_acme_example_com_cloudfront_a")["zone_id"], id);
  EXPECT_EQ(OutputValue(p, "apex_name_servers"), "${data.aws_route53_zone.apex.name_servers}");
}

// Given a host of the apex zone in an environment that does not own it, the model should
// refuse it (E0321) and say which environment serves those names.
TEST_F(ApexTest, NonOwnerIsToldWhoOwnsTheApex) {
  testing::Replace(fs.files["tenants/site.yaml"], "www: { route: { host: blog }", "www: { route: { host: www.acme.example.com }");
  auto found = Found();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, codes::kEdgeExposure);
  EXPECT_NE(found[0]->help.find("only environment `prod` owns the apex zone `acme.example.com`"), std::string::npos)
      << found[0]->help;
}

// Given no owner of the apex zone, the refusal should say how to make one.
TEST_F(ApexTest, WithoutOwnerTheHelpSaysHowToServeTheApex) {
  testing::Replace(fs.files["environments/prod.yaml"], ", apex_zone: true", "");
  auto found = Found();
  ASSERT_EQ(found.size(), 2u);  // home and www in prod
  for (const Diagnostic* d : found) {
    EXPECT_EQ(d->code, codes::kEdgeExposure);
    EXPECT_NE(d->help.find("set `ingress.apex_zone: true` in environments/prod.yaml"), std::string::npos) << d->help;
  }
}

// Given a host of the apex owner under another environment's zone (or that zone's own
// name), the model should refuse it (E0328): the delegation would hide its records.
TEST_F(ApexTest, HostUnderAnotherEnvironmentsZoneIsRefused) {
  testing::Replace(fs.files["tenants/site.yaml"], "route: { host: www.acme.example.com }",
                   "route: { host: dev.acme.example.com }");
  testing::Replace(fs.files["tenants/site.yaml"], "route: { host: acme.example.com }",
                   "route: { host: x.dev.acme.example.com }");
  EXPECT_EQ(Codes(), (std::vector<std::string>{codes::kApexShadowed, codes::kApexShadowed}));
}

// Given api.<domain> exposed through CloudFront in the apex owner with API Gateway, the
// model should refuse it (E0321): it is the API's custom domain there.
TEST_F(ApexTest, ApiDomainIsReserved) {
  testing::Replace(fs.files["tenants/site.yaml"], "route: { host: www.acme.example.com }",
                   "route: { host: api.acme.example.com }");
  EXPECT_EQ(Codes(), std::vector<std::string>{codes::kEdgeExposure});
}

// Given two owners, a malformed value, or an owner without a domain, the model should
// refuse them (E0327, E0329); a nonprod owner is a warning (W0016).
TEST_F(ApexTest, OwnerRules) {
  testing::Replace(fs.files["environments/dev.yaml"], "ingress: { cloudfront: true }",
                   "ingress: { cloudfront: true, apex_zone: true }");
  EXPECT_EQ(Codes(true), (std::vector<std::string>{codes::kWarnApexNonprod, codes::kApexOwners}));

  diags = Diagnostics();
  SetUp();
  testing::Replace(fs.files["environments/prod.yaml"], "apex_zone: true", "apex_zone: zone-1");
  // Without an owner, prod's apex hosts cannot be served either.
  EXPECT_EQ(Codes(), (std::vector<std::string>{codes::kApexZone, codes::kEdgeExposure, codes::kEdgeExposure}));
}

TEST(ApexZoneNoDomain, IsRefused) {
  MemoryFileSystem fs;
  testing::BaseOrg(fs);
  testing::Replace(fs.files["eurus.yaml"], "domain: acme.example.com\n", "");
  fs.files["environments/prod.yaml"] += "ingress: { apex_zone: true }\n";
  SourceMap sources;
  Diagnostics diags;
  auto p = config::LoadProject(fs, ".", sources, diags);
  ASSERT_TRUE(p.has_value());
  model::Build(*p, {}, {}, diags);
  std::vector<std::string> codes_found;
  for (const auto& d : diags.items()) codes_found.push_back(d.code);
  EXPECT_EQ(codes_found, std::vector<std::string>{codes::kApexZone});
}

// Given a plain ALB route at a name of the apex zone, the owner validates its certificate
// in the apex zone (no W0005), a non-owner still by hand.
TEST(ValidationIn, ApexNamesOutsideEveryEnvironmentZone) {
  model::Environment env;
  env.zone = "prod.acme.example.com";
  EXPECT_EQ(model::ValidationIn(env, "www.acme.example.com"), model::HostValidation::kManual);
  env.apex.emplace();
  env.apex->name = "acme.example.com";
  env.apex->environment_zones = {"dev.acme.example.com", "prod.acme.example.com"};
  EXPECT_EQ(model::ValidationIn(env, "www.acme.example.com"), model::HostValidation::kApex);
  EXPECT_EQ(model::ValidationIn(env, "acme.example.com"), model::HostValidation::kApex);
  EXPECT_EQ(model::ValidationIn(env, "a.b.acme.example.com"), model::HostValidation::kApex);
  EXPECT_EQ(model::ValidationIn(env, "shop.prod.acme.example.com"), model::HostValidation::kWildcard);
  EXPECT_EQ(model::ValidationIn(env, "dev.acme.example.com"), model::HostValidation::kManual);
  EXPECT_EQ(model::ValidationIn(env, "x.dev.acme.example.com"), model::HostValidation::kManual);
  EXPECT_EQ(model::ValidationIn(env, "www.otheracme.example.com"), model::HostValidation::kManual);
  EXPECT_EQ(model::ValidationIn(env, "notacme.example.com"), model::HostValidation::kManual);
}


// Given prod's CloudFront certificate at ACM's default 10 names (<zone>, *.<zone>, the apex,
// www and 6 more apex names), nothing should be reported; one more name should warn W0017
// at that app's host (review: the apply fails past the quota).
TEST_F(ApexTest, ViewerCertificateWithinAcmNames) {
  std::string more = "environments: [prod]\napps:\n";
  for (int i = 0; i < 6; ++i) more += fmt::format("  a{}:\n", i) + App(fmt::format("a{}.acme.example.com", i), "[cloudfront]");
  fs.files["tenants/many.yaml"] = more;
  EXPECT_EQ(Codes(true), std::vector<std::string>{});
  fs.files["tenants/many.yaml"] = more + "  a6:\n" + App("a6.acme.example.com", "[cloudfront]");
  diags = Diagnostics{};
  sources = decltype(sources){};
  auto found = Found(true);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->code, codes::kWarnViewerNames);
  EXPECT_NE(found[0]->message.find("11 names"), std::string::npos) << found[0]->message;
}

// Given an adopted or created apex zone, the zone should be kept on destroy even where
// protection is off, and the records a person may have added before (the delegation, the
// validation records) are taken over rather than failing the apply (review).
TEST_F(ApexTest, ApexZoneKeptAndHandRecordsTakenOver) {
  fs.files["environments/prod.yaml"] += "protection: false\n";
  Synth();
  const tf::Unit& p = U("prod/platform");
  EXPECT_EQ(Resource(p, "aws_route53_zone", "apex")["lifecycle"]["prevent_destroy"], true);
  EXPECT_EQ(Resource(p, "aws_route53_record", "apex_delegation")["allow_overwrite"], true);
}

}  // namespace
}  // namespace eurus::synth
