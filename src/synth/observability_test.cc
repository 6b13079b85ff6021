#include "synth/observability.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::Resource;

/// The base org (dev in nonprod, prod in prod) plus qa in nonprod, a tenant shop in dev and
/// prod, and alert addresses.
struct ObservabilityTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["eurus.yaml"] += "alerts: { emails: [ops@acme.example.com] }\n";
    fs.files["environments/qa.yaml"] =
        testing::EnvYaml("666666666666", "nonprod", "10.3.0.0/16", "eu-west-1a, eu-west-1b");
    fs.files["tenants/shop.yaml"] = "environments: [dev, prod]\n";
  }
  const tf::Unit& Obs(const std::string& realm) const { return U("common-" + realm + "/observability"); }
  Json PolicyOf(const tf::Unit& u, const std::string& type, const std::string& name) const {
    return Json::parse(Resource(u, type, name)["policy"].get<std::string>());
  }
};

// Given two nonprod environments, the nonprod sink policy should admit exactly their accounts,
// to create and update links of metrics, log groups and traces only.
TEST_F(ObservabilityTest, SinkPolicyAdmitsTheRealmsEnvironmentsAndThreeTypes) {
  Synth();
  const tf::Unit& u = Obs("nonprod");
  EXPECT_TRUE(HasResource(u, "aws_oam_sink", R"({"name":"acme-nonprod"})"));
  Json p = PolicyOf(u, "aws_oam_sink_policy", "realm");
  ASSERT_EQ(p["Statement"].size(), 1u);
  const Json& s = p["Statement"][0];
  EXPECT_EQ(s["Effect"], "Allow");
  EXPECT_EQ(s["Principal"], Json({{"AWS", {"444444444444", "666666666666"}}}));
  EXPECT_EQ(s["Action"], Json({"oam:CreateLink", "oam:UpdateLink"}));
  EXPECT_EQ(s["Condition"], Json({{"ForAllValues:StringEquals",
                                   {{"oam:ResourceTypes",
                                     {"AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"}}}}}));
  EXPECT_EQ(Resource(u, "aws_oam_sink_policy", "realm")["sink_identifier"], "${aws_oam_sink.realm.arn}");
  EXPECT_EQ(testing::OutputValue(u, observability_out::kSinkArn), "${aws_oam_sink.realm.arn}");
  // The prod sink admits prod only.
  Json prod = PolicyOf(Obs("prod"), "aws_oam_sink_policy", "realm");
  EXPECT_EQ(prod["Statement"][0]["Principal"], Json({{"AWS", {"555555555555"}}}));
}

// Given a realm without environments, there should be no observability unit for it.
TEST_F(ObservabilityTest, NoUnitForARealmWithoutEnvironments) {
  fs.files.erase("environments/prod.yaml");
  fs.files["tenants/shop.yaml"] = "environments: [dev]\n";
  Synth();
  EXPECT_NO_THROW(Obs("nonprod"));
  EXPECT_THROW(Obs("prod"), std::out_of_range);
}

// Given the environments, each platform unit should link to its own realm's sink, read from
// the observability state in that realm's common account, as the environment's own role.
TEST_F(ObservabilityTest, EachPlatformLinksToItsRealmsSink) {
  Synth();
  for (const auto& [env, account, common] :
       {std::tuple<std::string, std::string, std::string>{"dev", "444444444444", "222222222222"},
        {"qa", "666666666666", "222222222222"},
        {"prod", "555555555555", "333333333333"}}) {
    SCOPED_TRACE(env);
    const tf::Unit& p = U(env + "/platform");
    const std::string realm = env == "prod" ? "prod" : "nonprod";
    EXPECT_TRUE(p.dependencies.count("common-" + realm + "/observability"));
    Json read = testing::Main(p)["data"]["terraform_remote_state"]["observability"];
    EXPECT_EQ(read["backend"], "s3");
    EXPECT_EQ(read["config"]["bucket"], "acme-tfstate-" + common);
    EXPECT_EQ(read["config"]["key"], "observability/terraform.tfstate");
    EXPECT_EQ(read["config"]["region"], "eu-west-1");
    EXPECT_NE(read["config"].dump().find("arn:aws:iam::" + account + ":role/acme-"), std::string::npos)
        << read["config"].dump();
    Json link = Resource(p, "aws_oam_link", "realm");
    EXPECT_EQ(link["sink_identifier"], "${data.terraform_remote_state.observability.outputs.sink_arn}");
    EXPECT_EQ(link["label_template"], "$AccountName");
    EXPECT_EQ(link["resource_types"],
              Json({"AWS::CloudWatch::Metric", "AWS::Logs::LogGroup", "AWS::XRay::Trace"}));
    EXPECT_FALSE(link.contains("link_configuration"));  // "*" filters plan a diff forever
  }
  // The observability unit reads no environment's unit (they read it).
  for (const auto& d : Obs("nonprod").dependencies) EXPECT_EQ(d.find("dev/"), std::string::npos) << d;
}

// Given the realm dashboard, it should name each environment's account, no tenant and no
// other realm's account, and find ALB metrics by account with a p99.
TEST_F(ObservabilityTest, DashboardNamesEachEnvironmentAccountAndNoTenant) {
  Synth();
  Json d = Resource(Obs("nonprod"), "aws_cloudwatch_dashboard", "realm");
  EXPECT_EQ(d["dashboard_name"], "acme-nonprod");
  const std::string body = d["dashboard_body"];
  for (const char* a : {"444444444444", "666666666666"}) {
    EXPECT_NE(body.find(std::string(":aws.AccountId=\\\"") + a + "\\\""), std::string::npos) << a;
    EXPECT_NE(body.find(std::string("AWS.AccountId = '") + a + "'"), std::string::npos) << a;
  }
  EXPECT_EQ(body.find("555555555555"), std::string::npos);
  EXPECT_EQ(body.find("shop"), std::string::npos);
  EXPECT_NE(body.find("'p99'"), std::string::npos);
  EXPECT_NE(body.find("arn:aws:cloudwatch:eu-west-1:222222222222:alarm:acme-nonprod-dev-alb-5xx"),
            std::string::npos);
  // A graph holds at most one Metrics Insights query (one per GetMetricData call), and ECS
  // CPU comes from the Fargate services' ClusterName+ServiceName metrics (ClusterName alone
  // is EC2-only).
  Json widgets = Json::parse(body)["widgets"];
  for (const auto& w : widgets) {
    if (w["type"] != "metric") continue;
    int queries = 0;
    for (const auto& m : w["properties"]["metrics"])
      if (m[0].value("expression", "").rfind("SELECT", 0) == 0) ++queries;
    EXPECT_LE(queries, 1) << w["properties"]["title"];
  }
  EXPECT_EQ(body.find("SCHEMA(\\\"AWS/ECS\\\", ClusterName)"), std::string::npos);
  EXPECT_NE(body.find("SCHEMA(\\\"AWS/ECS\\\", ClusterName, ServiceName)"), std::string::npos);
  // The unit is a function of eurus.yaml and the environment files only.
  EXPECT_EQ(Obs("nonprod").sources,
            (std::set<std::string>{"environments/dev.yaml", "environments/qa.yaml", "eurus.yaml"}));
}

// Given alert addresses, each environment should get a realm alarm in the common account on a
// Metrics Insights query limited to its account, notifying an encrypted topic CloudWatch of
// that account alone may publish to.
TEST_F(ObservabilityTest, RealmAlarmsNotifyTheAlertAddresses) {
  Synth();
  const tf::Unit& u = Obs("nonprod");
  Json alarm = Resource(u, "aws_cloudwatch_metric_alarm", "alb_5xx_qa");
  EXPECT_EQ(alarm["alarm_name"], "acme-nonprod-qa-alb-5xx");
  ASSERT_EQ(alarm["metric_query"].size(), 1u);
  EXPECT_EQ(alarm["metric_query"][0]["expression"],
            "SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer) "
            "WHERE AWS.AccountId = '666666666666'");
  EXPECT_EQ(alarm["alarm_actions"], Json({"${aws_sns_topic.alarms.arn}"}));
  EXPECT_TRUE(HasResource(u, "aws_sns_topic", R"({"name":"acme-nonprod-alarms","kms_master_key_id":"${aws_kms_key.alarms.arn}"})"));
  EXPECT_TRUE(HasResource(u, "aws_sns_topic_subscription", R"({"protocol":"email","endpoint":"ops@acme.example.com"})"));
  Json topic = PolicyOf(u, "aws_sns_topic_policy", "alarms");
  EXPECT_EQ(topic["Statement"][1]["Condition"]["StringEquals"]["aws:SourceAccount"], "222222222222");
}

}  // namespace
}  // namespace eurus::synth

namespace eurus::synth {
namespace {

// Given a realm of 42 environments, each with every widget (NAT egress), the realm should get
// two dashboards (`acme-nonprod` with the first 38, `acme-nonprod-2` with the rest), each
// within CloudWatch's 500 widgets, each environment on exactly one of them.
TEST_F(ObservabilityTest, ManyEnvironmentsSplitTheRealmDashboard) {
  for (int i = 0; i < 40; ++i)
    fs.files[fmt::format("environments/e{:02}.yaml", i)] =
        testing::EnvYaml(fmt::format("7000000000{:02}", i), "nonprod", fmt::format("10.{}.0.0/16", 100 + i),
                         "eu-west-1a, eu-west-1b") +
        "  internet_egress: true\n";
  Synth();
  const tf::Unit& u = Obs("nonprod");
  Json first = Resource(u, "aws_cloudwatch_dashboard", "realm");
  Json second = Resource(u, "aws_cloudwatch_dashboard", "realm_2");
  EXPECT_EQ(first["dashboard_name"], "acme-nonprod");
  EXPECT_EQ(second["dashboard_name"], "acme-nonprod-2");
  EXPECT_FALSE(HasResource(u, "aws_cloudwatch_dashboard", R"({"dashboard_name":"acme-nonprod-3"})"));
  const std::string a = first["dashboard_body"], b = second["dashboard_body"];
  EXPECT_LE(Json::parse(a)["widgets"].size(), 500u);
  EXPECT_LE(Json::parse(b)["widgets"].size(), 500u);
  for (int i = 0; i < 40; ++i) {
    const std::string header = fmt::format("(account 7000000000{:02})", i);
    EXPECT_NE(a.find(header) == std::string::npos, b.find(header) == std::string::npos) << i;
  }
  // The bound's arithmetic: one environment with every widget takes 13, plus the alarm widget.
  model::Environment one;
  one.name = "x";
  one.account = "700000000099";
  one.network.internet_egress = true;
  EXPECT_EQ(Json::parse(RealmDashboardBody(*org, model::RealmKind::kNonprod, {&one}))["widgets"].size(), 14u);
}

}  // namespace
}  // namespace eurus::synth
