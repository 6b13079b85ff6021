#include "model/naming.h"

#include <gtest/gtest.h>

namespace eurus::naming {
namespace {

std::string Rep(char c, size_t n) { return std::string(n, c); }

// Given the longest org/tenant/app names the contract allows, account-scoped names we chose
// to fit by construction should fit: IAM roles (64), RDS identifiers (63), S3 buckets (63).
TEST(NamingTest, LongestInputsFitWhereTheSchemeGuarantees) {
  std::string org = "a" + Rep('b', 11), tenant = "t" + Rep('u', 15), app = "a" + Rep('p', 19);
  EXPECT_EQ(Problem(TaskRole(org, tenant, app)), "");
  EXPECT_EQ(TaskRole(org, tenant, app).value.size(), 12u + 16 + 20 + 5 + 2);
  EXPECT_EQ(Problem(ExecutionRole(org, tenant, app)), "");
  EXPECT_EQ(Problem(AuroraCluster(org, tenant, app)), "");
  Name b = Bucket(org, tenant, app, "123456789012");
  EXPECT_EQ(b.value.size(), 63u);  // exactly at S3's limit
  EXPECT_EQ(Problem(b), "");
  EXPECT_EQ(Problem(Alb(org, "e" + Rep('n', 15))), "");  // 29 <= 32
  // Cluster instances add "-<n>" (at most 16 instances): 50 + 3 <= 63.
  EXPECT_EQ(Problem(DbInstance(AuroraCluster(org, tenant, app), 16)), "");
  EXPECT_EQ(DbInstance(AuroraCluster(org, tenant, app), 16).value.size(), 53u);
  EXPECT_EQ(Problem(BackupRole(org)), "");
  EXPECT_EQ(Problem(RdsMonitoringRole(org)), "");
  // AWS Backup vault, plan and selection names: at most 50 (the plan adds "-continuous").
  EXPECT_LE(BackupVault(org, "e" + Rep('n', 15)).size() + 11, 50u);
}

// Given the longest inputs, the workload names should fit their limits by construction
// (services, families, alarms, topics, dashboards 255/256; parameters 960).
TEST(NamingTest, WorkloadNamesFit) {
  std::string org = "a" + Rep('b', 11), env = "e" + Rep('n', 15), tenant = "t" + Rep('u', 15),
              app = "a" + Rep('p', 19);
  EXPECT_EQ(Problem(EcsService(org, tenant, app)), "");
  EXPECT_EQ(Problem(TaskFamily(org, tenant, app)), "");
  EXPECT_EQ(Problem(ImageParameter(env, tenant, app)), "");
  EXPECT_EQ(Problem(AppAlarm(org, tenant, app, "unhealthy-targets")), "");
  EXPECT_EQ(Problem(TenantAlarmTopic(org, tenant)), "");
  EXPECT_EQ(Problem(TenantDashboard(org, tenant)), "");
  EXPECT_EQ(ImageParameter("dev", "shop", "web").value, "/eurus/dev/shop/web/image");
  EXPECT_EQ(AppAlarm("acme", "shop", "web", "cpu-high").value, "acme-shop-web-cpu-high");
  EXPECT_EQ(EcsService("acme", "shop", "web").inputs[2].what, "app");
}

// Given the workload kinds' character rules, we should reject what AWS rejects.
TEST(NamingTest, WorkloadCharacterRules) {
  EXPECT_EQ(Problem({Kind::kSsmParameter, "/aws/x", {}}), "must not start with `aws` or `ssm`");
  EXPECT_EQ(Problem({Kind::kSsmParameter, "/a b", {}}), "may hold only letters, digits and _.-/");
  EXPECT_EQ(Problem({Kind::kSsmParameter, std::string(16, '/') + "x", {}}), "has more than 15 levels");
  EXPECT_EQ(Problem({Kind::kSsmParameter, "/x" + Rep('y', 959), {}}), "is 961 characters; the limit is 960");
  EXPECT_EQ(Problem({Kind::kEcsService, "a.b", {}}), "may hold only letters, digits, '_' and '-'");
  EXPECT_EQ(Problem({Kind::kDashboard, Rep('d', 256), {}}), "is 256 characters; the limit is 255");
  EXPECT_EQ(Problem({Kind::kSnsTopic, Rep('s', 256), {}}), "");
  EXPECT_EQ(Problem({Kind::kAlarm, "caf\xc3\xa9", {}}), "may hold only printable ASCII characters");
}

// Given names one character over a limit, we should report length; at the limit, accept.
TEST(NamingTest, TargetGroupAndCacheLimits) {
  // org(4) + tenant + app + 2 hyphens = 32 exactly.
  EXPECT_EQ(Problem(TargetGroup("acme", "shop" + Rep('x', 6), Rep('w', 16))), "");
  EXPECT_EQ(Problem(TargetGroup("acme", "shop" + Rep('x', 7), Rep('w', 16))),
            "is 33 characters; the limit is 32");
  EXPECT_EQ(Problem(Cache("acme", "shop", Rep('c', 29))), "");  // 4+4+29+2 = 39
  EXPECT_EQ(Problem(Cache("acme", "shop", Rep('c', 31))), "is 41 characters; the limit is 40");
}

// Given character rules, we should reject what AWS rejects.
TEST(NamingTest, CharacterRules) {
  EXPECT_EQ(Problem(AuroraCluster("acme", "shop", "a--b")), "must not contain two hyphens in a row");
  EXPECT_EQ(Problem(AuroraCluster("acme", "shop", "orders-")), "must not end with a hyphen");
  EXPECT_EQ(Problem(Alb("internal", "dev")), "must not start with `internal-`");
  EXPECT_NE(Problem(Bucket("sthree", "shop", "x", "123456789012")), "");
  EXPECT_NE(Problem(Bucket("amzn", "s3", "demo-x", "123456789012")), "");
  EXPECT_EQ(Problem(Secret("acme", "shop", "stripe-secret")),
            "must not end with a hyphen followed by six characters");
  EXPECT_EQ(Problem(Secret("acme", "shop", "stripe-key")), "");
  EXPECT_EQ(Problem(StateBucket("acme", "111111111111")), "");
}

// Given a name, its inputs should name what the user can shorten.
TEST(NamingTest, InputsNameTheirSource) {
  Name n = TargetGroup("acme", "shop", "web");
  ASSERT_EQ(n.inputs.size(), 3u);
  EXPECT_EQ(n.inputs[1].what, "tenant");
  EXPECT_EQ(n.inputs[2].value, "web");
}

}  // namespace
}  // namespace eurus::naming
