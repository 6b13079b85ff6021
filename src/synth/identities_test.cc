#include "synth/identities.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "diag/render.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using tf::Json;

bool Listed(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Given every example, the deployer should be able to do what the generated units ask of it
// and no more: every resource type of every unit but the bootstrap (which runs as the
// management account's administrator) belongs to a service the deployer may use, every
// managed policy attached is on its list, every role is passed only to services it may pass
// roles to, and every role carries the boundary.
TEST(IdentitiesExamples, DeployerCoversWhatTheUnitsNeed) {
  for (const char* name : {"acme", "minimal"}) {
    SCOPED_TRACE(name);
    testing::Example ex(name);
    ASSERT_TRUE(ex.org.has_value()) << RenderAll(ex.diags, ex.sources, DiagFormat::kShort);
    std::set<std::string> types;
    for (const tf::Unit& u : ex.units) {
      if (u.backend.local) continue;
      for (const auto& [type, byname] : u.resources().items()) {
        types.insert(type);
        if (type.rfind("aws_", 0) != 0) continue;  // terraform_data: OpenTofu's own
        std::string_view service = ServiceOf(type);
        ASSERT_FALSE(service.empty()) << type << ": add its IAM service to identities.cc kServiceOf";
        if (service != "iam") {
          EXPECT_TRUE(Listed(DeployerServices(), service)) << type;
        }
        for (const auto& [block, body] : byname.items()) {
          if (type == "aws_iam_role_policy_attachment") {
            EXPECT_TRUE(Listed(AttachablePolicies(), body["policy_arn"].get<std::string>()))
                << u.id() << " " << block << ": " << body["policy_arn"];
          }
          if (type == "aws_iam_role") {
            EXPECT_EQ(body["permissions_boundary"],
                      "arn:aws:iam::" + u.providers.front().account + ":policy/" + ex.org->name + "-boundary")
                << u.id() << " " << block;
            Json trust = Json::parse(body["assume_role_policy"].get<std::string>());
            for (const auto& s : trust["Statement"]) {
              // Roles people and CI assume (the tenant teams' roles) name no service.
              if (!s["Principal"].contains("Service")) continue;
              const Json& svc = s["Principal"]["Service"];
              for (const auto& one : svc.is_array() ? svc : Json::array({svc}))
                EXPECT_TRUE(Listed(PassRoleServices(), one.get<std::string>())) << u.id() << " " << block;
            }
          }
        }
      }
    }
    EXPECT_GT(types.size(), 20u);
  }
}

// Given resource types, the service table should pick the longest prefix.
TEST(IdentitiesTest, ServiceOfPicksTheLongestPrefix) {
  EXPECT_EQ(ServiceOf("aws_lb_listener_rule"), "elasticloadbalancing");
  EXPECT_EQ(ServiceOf("aws_route53_record"), "route53");
  EXPECT_EQ(ServiceOf("aws_route_table_association"), "ec2");
  EXPECT_EQ(ServiceOf("aws_cloudwatch_log_group"), "logs");
  EXPECT_EQ(ServiceOf("aws_cloudwatch_metric_alarm"), "cloudwatch");
  EXPECT_EQ(ServiceOf("aws_docdb_cluster"), "rds");
  EXPECT_EQ(ServiceOf("aws_vpc_endpoint"), "ec2");
  EXPECT_EQ(ServiceOf("aws_lambda_function"), "");
  EXPECT_FALSE(Listed(DeployerServices(), "iam"));
  EXPECT_TRUE(std::is_sorted(DeployerServices().begin(), DeployerServices().end()));
}

}  // namespace
}  // namespace eurus::synth
