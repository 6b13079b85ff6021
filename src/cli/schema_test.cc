#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/commands.h"
#include "config/decode.h"

namespace eurus::cli {
namespace {

using nlohmann::json;
namespace keys = config::keys;

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> Without(std::vector<std::string> v, const std::vector<std::string>& drop) {
  for (const auto& d : drop) v.erase(std::remove(v.begin(), v.end(), d), v.end());
  return v;
}

/// The property names of a mapping schema, sorted.
std::vector<std::string> Names(const json& mapping) {
  std::vector<std::string> out;
  for (const auto& [k, _] : mapping.at("properties").items()) out.push_back(k);
  return Sorted(out);
}

struct SchemaTest : ::testing::Test {
  MemoryFileSystem fs;
  json eurus, env, tenant;

  void SetUp() override {
    testing::internal::CaptureStdout();
    ASSERT_EQ(RunSchema(fs, {"", "schemas"}), kOk);
    testing::internal::GetCapturedStdout();
    eurus = json::parse(fs.files.at("schemas/eurus.schema.json"));
    env = json::parse(fs.files.at("schemas/environment.schema.json"));
    tenant = json::parse(fs.files.at("schemas/tenant.schema.json"));
  }

  const json& Def(const std::string& name) const { return tenant.at("$defs").at(name); }
  static const json& Prop(const json& mapping, const std::string& name) {
    return mapping.at("properties").at(name);
  }
  /// The `then` branch of a resource schema that applies to `type`.
  static const json& Branch(const json& resource, const std::string& type) {
    for (const auto& b : resource.at("allOf"))
      if (b.at("if").at("properties").at("type").at("const") == type) return b.at("then");
    ADD_FAILURE() << "no branch for " << type;
    static const json none = {{"properties", json::object()}};
    return none;
  }
};

// Given -o DIR, we should write the three schema files there and say so, one line each.
TEST(SchemaCommand, WritesAllThreeWithOut) {
  MemoryFileSystem fs;
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunSchema(fs, {"", "out"}), kOk);
  EXPECT_EQ(testing::internal::GetCapturedStdout(),
            "eurus: wrote out/eurus.schema.json\n"
            "eurus: wrote out/environment.schema.json\n"
            "eurus: wrote out/tenant.schema.json\n");
  EXPECT_EQ(fs.files.size(), 3u);
}

// Given a KIND and -o DIR, we should write only that kind's file.
TEST(SchemaCommand, WritesOneKindWithOut) {
  MemoryFileSystem fs;
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunSchema(fs, {"tenant", "out"}), kOk);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "eurus: wrote out/tenant.schema.json\n");
  EXPECT_EQ(fs.files.size(), 1u);
}

// Given neither a KIND nor -o, we should print a one-line usage hint and exit 2.
TEST(SchemaCommand, UsageWithoutArguments) {
  MemoryFileSystem fs;
  testing::internal::CaptureStderr();
  testing::internal::CaptureStdout();
  EXPECT_EQ(RunSchema(fs, {"", ""}), kUsage);
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "usage: eurus schema eurus|environment|tenant, or eurus schema -o DIR\n");
}

// Given an unknown KIND, we should refuse it as a usage error and write nothing.
TEST(SchemaCommand, UnknownKindIsUsage) {
  MemoryFileSystem fs;
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunSchema(fs, {"tenants", "out"}), kUsage);
  testing::internal::GetCapturedStderr();
  EXPECT_TRUE(fs.files.empty());
}

// Given `eurus schema tenant` twice and -o, we should print the same 2-space JSON each time.
TEST(SchemaCommand, TenantOutputIsByteStable) {
  MemoryFileSystem fs;
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunSchema(fs, {"tenant", ""}), kOk);
  std::string first = testing::internal::GetCapturedStdout();
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunSchema(fs, {"tenant", ""}), kOk);
  std::string second = testing::internal::GetCapturedStdout();
  EXPECT_EQ(first, second);
  testing::internal::CaptureStdout();
  ASSERT_EQ(RunSchema(fs, {"", "out"}), kOk);
  testing::internal::GetCapturedStdout();
  EXPECT_EQ(first, fs.files.at("out/tenant.schema.json"));
  EXPECT_EQ(first, json::parse(first).dump(2) + "\n");
  EXPECT_EQ(first.substr(0, 4), "{\n  ");
}

// Given the three schemas, we should declare JSON Schema 2020-12 and a title in each.
TEST_F(SchemaTest, DocumentsDeclareDraft) {
  for (const json* j : {&eurus, &env, &tenant}) {
    EXPECT_EQ(j->at("$schema"), "https://json-schema.org/draft/2020-12/schema");
    EXPECT_EQ(j->at("type"), "object");
    EXPECT_FALSE(j->at("title").get<std::string>().empty());
  }
}

// Given eurus.yaml's schema, we should allow exactly the keys the decoder accepts.
TEST_F(SchemaTest, OrgKeysMatchDecoder) {
  EXPECT_EQ(Names(eurus), Sorted(keys::kOrg));
  EXPECT_EQ(Names(Prop(eurus, "realms")), Sorted({"nonprod", "prod"}));
  EXPECT_EQ(Names(Prop(Prop(eurus, "realms"), "nonprod")), Sorted(keys::kRealm));
  EXPECT_EQ(Names(Prop(Prop(eurus, "realms"), "prod")), Sorted(keys::kRealm));
  EXPECT_EQ(Names(Prop(eurus, "alerts")), Sorted(keys::kAlerts));
  EXPECT_EQ(Names(Prop(eurus, "ci")), Sorted(keys::kCi));
  EXPECT_EQ(Names(Prop(Prop(eurus, "ci"), "eurus")), Sorted({"ref", "sha256", "source", "url"}));
}

// Given an environment's schema, we should allow exactly the keys the decoder accepts.
TEST_F(SchemaTest, EnvironmentKeysMatchDecoder) {
  EXPECT_EQ(Names(env), Sorted(keys::kEnv));
  const json& network = Prop(env, "network");
  EXPECT_EQ(Names(network), Sorted(keys::kNetwork));
  EXPECT_EQ(Names(Prop(network, "egress")), Sorted(keys::kEgress));
  EXPECT_EQ(Names(Prop(network, "flow_logs")), Sorted(keys::kFlowLogs));
  EXPECT_EQ(Names(Prop(env, "ingress")), Sorted(keys::kIngress));
  EXPECT_EQ(Names(Prop(env, "logs")), Sorted(keys::kLogs));
  EXPECT_EQ(Names(Prop(env, "dr")), Sorted(keys::kDr));
  EXPECT_EQ(Names(Prop(env, "tracing")), Sorted(keys::kEnvTracing));
}

// Given a tenant's schema, we should allow exactly the decoder's keys, overrides included.
TEST_F(SchemaTest, TenantKeysMatchDecoder) {
  EXPECT_EQ(Names(tenant), Sorted(keys::kTenant));
  for (const char* app : {"app", "app_override"}) {
    const json& a = Def(app);
    EXPECT_EQ(Names(a), Sorted(keys::kApp)) << app;
    EXPECT_EQ(Names(Prop(a, "health_check")), Sorted(keys::kHealthCheck)) << app;
    EXPECT_EQ(Names(Prop(a, "route")), Sorted(keys::kRoute)) << app;
    EXPECT_EQ(Names(Prop(a, "replicas")), Sorted(keys::kReplicas)) << app;
    EXPECT_EQ(Names(Prop(a, "scaling")), Sorted(keys::kScaling)) << app;
  }
  EXPECT_EQ(Names(Def("override")),
            Sorted(Without(keys::kTenant, {"environments", "overrides", "budget", "access"})));
  EXPECT_EQ(Names(Prop(tenant, "access")), Sorted(keys::kAccess));
  EXPECT_EQ(Names(Prop(tenant, "tracing")), Sorted(keys::kTenantTracing));
  EXPECT_EQ(Names(Prop(Def("override"), "tracing")), Sorted(keys::kTenantTracing));
}

// Given a resource's `type`, we should allow exactly that type's fields.
TEST_F(SchemaTest, ResourceFieldsFollowType) {
  for (const char* def : {"resource", "resource_override"}) {
    const json& r = Def(def);
    EXPECT_EQ(Names(r), Sorted(keys::kResource)) << def;
    EXPECT_EQ(Names(Prop(r, "restore_from")), Sorted(keys::kRestoreFrom)) << def;
    EXPECT_EQ(Prop(r, "type").at("enum").get<std::vector<std::string>>(), keys::kResourceTypes)
        << def;
    EXPECT_EQ(r.at("allOf").size(), keys::kResourceTypes.size()) << def;
    for (const auto& type : keys::kResourceTypes) {
      std::vector<std::string> want = keys::ResourceFields(type);
      want.push_back("type");
      EXPECT_EQ(Names(Branch(r, type)), Sorted(want)) << def << " " << type;
      EXPECT_EQ(Branch(r, type).at("additionalProperties"), false) << def << " " << type;
    }
  }
}

// Given the schemas, we should require what the decoder requires, and nothing in overrides.
TEST_F(SchemaTest, RequiredFieldsMatchDecoder) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Sorted(eurus.at("required").get<V>()),
            Sorted({"eurus", "org", "region", "management_account", "realms"}));
  EXPECT_EQ(Sorted(env.at("required").get<V>()), Sorted({"account", "realm", "network"}));
  EXPECT_EQ(Sorted(Prop(env, "network").at("required").get<V>()),
            Sorted({"cidr", "availability_zones"}));
  EXPECT_EQ(Sorted(Prop(Prop(env, "network"), "egress").at("required").get<V>()),
            Sorted({"cidr", "destinations"}));
  EXPECT_EQ(tenant.at("required").get<V>(), V{"environments"});
  EXPECT_EQ(Sorted(Def("app").at("required").get<V>()), Sorted({"image", "cpu", "memory"}));
  EXPECT_EQ(Prop(Def("app"), "route").at("required").get<V>(), V{"host"});
  EXPECT_EQ(Def("resource").at("required").get<V>(), V{"type"});
  for (const char* def : {"app_override", "resource_override", "override"})
    EXPECT_FALSE(Def(def).contains("required")) << def;
  EXPECT_FALSE(Prop(Def("app_override"), "route").contains("required"));
}

/// Every mapping with fixed keys rejects others, and every property is described.
void ExpectClosedAndDescribed(const json& node, const std::string& path) {
  if (!node.is_object()) return;
  if (node.contains("properties")) {
    EXPECT_EQ(node.value("additionalProperties", json(true)), false) << path;
    for (const auto& [name, p] : node.at("properties").items()) {
      EXPECT_FALSE(p.value("description", "").empty()) << path << "." << name;
      ExpectClosedAndDescribed(p, path + "." + name);
    }
  }
  for (const char* sub : {"items", "additionalProperties"})
    if (node.contains(sub)) ExpectClosedAndDescribed(node.at(sub), path + "." + sub);
  if (node.contains("$defs"))
    for (const auto& [name, d] : node.at("$defs").items())
      ExpectClosedAndDescribed(d, "$defs." + name);
}

/// Every pattern, anywhere, says in words what it expects: editors show that message
/// instead of the regular expression.
int ExpectPatternsExplained(const json& node, const std::string& path) {
  int patterns = 0;
  if (node.is_object() && node.contains("pattern") && node.at("pattern").is_string()) {
    ++patterns;
    EXPECT_FALSE(node.value("patternErrorMessage", "").empty()) << path;
  }
  if (node.is_structured())
    for (const auto& [key, child] : node.items())
      patterns += ExpectPatternsExplained(child, path + "/" + key);
  return patterns;
}

// Given the schemas, we should close every mapping, describe every field, explain patterns.
TEST_F(SchemaTest, MappingsClosedDescribedExplained) {
  ExpectClosedAndDescribed(eurus, "eurus");
  ExpectClosedAndDescribed(env, "environment");
  ExpectClosedAndDescribed(tenant, "tenant");
  EXPECT_GT(ExpectPatternsExplained(eurus, "eurus"), 0);
  EXPECT_GT(ExpectPatternsExplained(env, "environment"), 0);
  EXPECT_GT(ExpectPatternsExplained(tenant, "tenant"), 0);
}

// Given an app's cpu, we should offer exactly Fargate's memory sizes for it.
TEST_F(SchemaTest, FargatePairsFromModel) {
  const json& app = Def("app");
  auto cpus = Prop(app, "cpu").at("enum").get<std::vector<int>>();
  ASSERT_EQ(app.at("allOf").size(), cpus.size());
  for (size_t i = 0; i < cpus.size(); ++i) {
    const json& b = app.at("allOf")[i];
    EXPECT_EQ(b.at("if").at("properties").at("cpu").at("const"), cpus[i]);
    auto mem = b.at("then").at("properties").at("memory").at("enum").get<std::vector<int>>();
    EXPECT_FALSE(mem.empty());
    EXPECT_EQ(mem, model::FargateMemoryFor(cpus[i]));
  }
}

// Given sample values, we should accept and reject them as the model's checks do.
TEST_F(SchemaTest, PatternsAgreeWithModel) {
  auto matches = [](const json& schema, const std::string& s) {
    return std::regex_search(s, std::regex(schema.at("pattern").get<std::string>()));
  };
  const json& org = Prop(eurus, "org");
  EXPECT_TRUE(matches(org, "acme"));
  EXPECT_FALSE(matches(org, "a"));
  EXPECT_FALSE(matches(org, "acmecorporation"));
  EXPECT_FALSE(matches(org, "1acme"));
  const json& cidr = Prop(Prop(env, "network"), "cidr");
  EXPECT_TRUE(matches(cidr, "10.111.0.0/16"));
  EXPECT_TRUE(matches(cidr, "192.168.4.0/24"));
  EXPECT_FALSE(matches(cidr, "10.111.0.0/25"));
  EXPECT_FALSE(matches(cidr, "10.111.0.0/8"));
  EXPECT_FALSE(matches(cidr, "010.0.0.0/16"));
  EXPECT_FALSE(matches(cidr, "10.256.0.0/16"));
  const json& az = Prop(Prop(env, "network"), "availability_zones").at("items");
  EXPECT_TRUE(matches(az, "eu-west-1a"));
  EXPECT_TRUE(matches(az, "us-gov-west-1b"));
  EXPECT_FALSE(matches(az, "eu-west-1"));
  const json& names = Def("override").at("properties").at("apps").at("propertyNames");
  EXPECT_TRUE(matches(names, "web"));
  EXPECT_TRUE(matches(names, "api-v2"));
  EXPECT_FALSE(matches(names, "Web"));
  EXPECT_FALSE(matches(names, "a23456789012345678901"));
  const json& tags = Prop(eurus, "tags").at("propertyNames");
  EXPECT_TRUE(matches(tags, "data-classification"));
  EXPECT_FALSE(matches(tags, "aws:created"));
  EXPECT_FALSE(matches(tags, "eurus:tenant"));
  const json& image = Prop(Def("app"), "image");
  EXPECT_TRUE(matches(image, "shop/web"));
  EXPECT_FALSE(matches(image, "shop/web:latest"));
  EXPECT_FALSE(matches(image, "Shop/web"));
  const json& secret = Prop(Def("app"), "secrets").at("items");
  EXPECT_TRUE(matches(secret, "stripe-key"));
  EXPECT_TRUE(matches(secret, "stripe_secret"));
  EXPECT_FALSE(matches(secret, "stripe-secret"));
  EXPECT_FALSE(matches(secret, "Stripe_Key"));
  const json& mysql = Prop(Branch(Def("resource"), "mysql"), "version");
  EXPECT_TRUE(matches(mysql, "8.0.mysql_aurora.3.08.0"));
  EXPECT_FALSE(matches(mysql, "16.6"));
}

}  // namespace
}  // namespace eurus::cli
