// The store-kind table (catalog/store_kinds.h) against everything derived from it: the
// decoder's key lists, `eurus schema`, the model's defaults, the blocks each kind's synth file
// emits, the ports the tenant network opens, and the plan's destroy guard.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/store_kinds.h"
#include "cli/commands.h"
#include "config/decode.h"
#include "config/node.h"
#include "diag/codes.h"
#include "run/plan_summary.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using catalog::kStoreKinds;
using catalog::StoreKindRow;
using testing::Json;

std::set<std::string> Strings(auto range) {
  std::set<std::string> out;
  for (const auto& s : range) out.emplace(s);
  return out;
}

/// One resource of every kind, named after its kind, in a nonprod and a prod environment;
/// one app uses them all.
struct DataKindsTest : testing::SynthFixture {
  void SetUp() override {
    fs.files["eurus.yaml"] =
        "eurus: 1\norg: acme\nregion: eu-west-1\n"
        "management_account: \"111111111111\"\n"
        "realms:\n  nonprod: { common_account: \"222222222222\" }\n"
        "  prod: { common_account: \"333333333333\" }\n"
        "administrators: [\"arn:aws:iam::111111111111:role/platform-admin\"]\n";
    fs.files["environments/dev.yaml"] =
        "account: \"444444444444\"\nrealm: nonprod\nnetwork:\n  cidr: 10.1.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b]\n";
    fs.files["environments/prod.yaml"] =
        "account: \"555555555555\"\nrealm: prod\nnetwork:\n  cidr: 10.2.0.0/16\n"
        "  availability_zones: [eu-west-1a, eu-west-1b]\n";
    std::string tenant = "environments: [dev, prod]\nresources:\n";
    std::string uses;
    for (const StoreKindRow& row : kStoreKinds) {
      tenant += fmt::format("  {}: {{ type: {} }}\n", row.name, row.name);
      uses += fmt::format("{}{}", uses.empty() ? "" : ", ", row.name);
    }
    tenant += "apps:\n  web:\n    image: shop/web\n    port: 8080\n    cpu: 256\n    memory: 512\n"
              "    replicas: { min: 2 }\n    uses: [" + uses + "]\n";
    fs.files["tenants/shop.yaml"] = tenant;
    Synth();
  }

  const model::Resource& ResourceOf(const std::string& env, const StoreKindRow& row) {
    for (const model::Tenant& t : org->tenants)
      for (const model::Deployment& d : t.deployments)
        if (d.env == env)
          for (const model::Resource& r : d.resources)
            if (r.name == row.name) return r;
    throw std::out_of_range(std::string(row.name));
  }
};

/// The types of the blocks emitted for resource `name` (block names "<key>", "<key>_<n>",
/// "db-<key>-<log>"; names hold no '_', so no two resources' blocks collide).
std::set<std::string> TypesOf(const tf::Unit& u, const std::string& name) {
  const std::string key = BlockKey(name);
  std::set<std::string> out;
  for (const auto& [type, blocks] : u.resources().items())
    for (const auto& [block, body] : blocks.items())
      if (block == key || block.rfind(key + "_", 0) == 0 || block.rfind("db-" + key + "-", 0) == 0)
        out.insert(type);
  return out;
}

// Given one resource of each kind, we should emit exactly the AWS types its row lists, in
// both realms.
TEST_F(DataKindsTest, EmitsTheTypesOfItsRow) {
  for (const char* unit : {"dev/tenant-shop", "prod/tenant-shop"})
    for (const StoreKindRow& row : kStoreKinds)
      EXPECT_EQ(TypesOf(U(unit), std::string(row.name)), Strings(row.aws_types))
          << unit << " " << row.name;
}

// Given one resource of each kind, we should open exactly the rows' ports between the app
// tasks and the data stores.
TEST_F(DataKindsTest, OpensThePortsOfItsRow) {
  std::map<std::string, int> want;
  for (const StoreKindRow& row : kStoreKinds)
    for (const catalog::Port& p : row.ports) want[std::string(p.name)] = p.port;
  std::map<std::string, int> got;
  for (const auto& [block, body] :
       testing::ResourcesByName(U("dev/tenant-shop"), "aws_vpc_security_group_ingress_rule")) {
    const std::string prefix = "shop_data_from_app_";
    if (block.rfind(prefix, 0) != 0) continue;
    got[block.substr(prefix.size())] = body.at("from_port").get<int>();
    EXPECT_EQ(body.at("to_port"), body.at("from_port")) << block;
  }
  EXPECT_EQ(got, want);
  EXPECT_FALSE(want.empty());
}

// Given the rows, the plan's destroy guard should cover every guarded type of every kind,
// and the types it guarded before the table (the platform's too); not the others.
TEST(DataKinds, DestroyGuardFollowsTheTable) {
  for (const StoreKindRow& row : kStoreKinds)
    for (std::string_view g : row.guarded) EXPECT_TRUE(run::IsGuardedType(std::string(g))) << g;
  for (const char* t :
       {"aws_rds_cluster", "aws_rds_cluster_instance", "aws_docdb_cluster", "aws_dynamodb_table",
        "aws_elasticache_serverless_cache", "aws_elasticache_replication_group",
        "aws_efs_file_system", "aws_s3_bucket", "aws_kms_key"})
    EXPECT_TRUE(run::IsGuardedType(t)) << t;
  for (const char* t : {"aws_docdb_cluster_instance", "aws_s3_bucket_policy",
                        "aws_db_subnet_group", "aws_cloudwatch_log_group"})
    EXPECT_FALSE(run::IsGuardedType(t)) << t;
}

// Given a resource left at its defaults, the model should hold the table's defaults.
TEST_F(DataKindsTest, ModelDefaultsAreTheTables) {
  for (const char* env : {"dev", "prod"}) {
    const bool prod = std::string(env) == "prod";
    for (const StoreKindRow& row : kStoreKinds) {
      const model::Resource& r = ResourceOf(env, row);
      SCOPED_TRACE(std::string(env) + " " + std::string(row.name));
      EXPECT_EQ(r.type, row.kind);
      EXPECT_EQ(model::ResourceTypeName(r.type), row.name);
      if (!row.version.default_version.empty()) {
        EXPECT_EQ(r.version, row.version.default_version);
      }
      EXPECT_EQ(r.restore_from.has_value(), false);
      if (catalog::Takes(row.kind, catalog::kMinAcu)) {
        EXPECT_EQ(r.min_acu, catalog::kMinAcu.def.number);
      }
      if (catalog::Takes(row.kind, catalog::kMaxAcu)) {
        EXPECT_EQ(r.max_acu, catalog::kMaxAcu.def.number);
      }
      if (catalog::Takes(row.kind, catalog::kInstances)) {
        EXPECT_EQ(r.instances, prod ? catalog::kInstances.def.prod_number
                                    : catalog::kInstances.def.number);
      }
      if (catalog::Takes(row.kind, catalog::kInstanceClass)) {
        EXPECT_EQ(r.instance_class, catalog::kInstanceClass.def.text);
      }
      if (catalog::Takes(row.kind, catalog::kVersioning)) {
        EXPECT_EQ(r.versioning, catalog::kVersioning.def.flag);
      }
      if (catalog::Takes(row.kind, catalog::kExpireDays)) {
        EXPECT_EQ(r.expire_days, catalog::kExpireDays.def.number);
      }
      if (catalog::Takes(row.kind, catalog::kMaxStorageGb)) {
        EXPECT_EQ(r.max_storage_gb, catalog::kMaxStorageGb.def.number);
      }
      if (catalog::Takes(row.kind, catalog::kMaxEcpuPerSecond)) {
        EXPECT_EQ(r.max_ecpu_per_second, catalog::kMaxEcpuPerSecond.def.number);
      }
    }
  }
}

// Given the rows, the decoder's lists should be theirs: kind names, the union of fields in
// kStoreFields order after `type`, and each kind's fields in its row's order.
TEST(DataKinds, DecoderKeysAreTheTables) {
  std::vector<std::string> names, keys = {"type"};
  for (const StoreKindRow& row : kStoreKinds) names.emplace_back(row.name);
  for (const catalog::StoreField* f : catalog::kStoreFields) keys.emplace_back(f->name);
  EXPECT_EQ(config::keys::kResourceTypes, names);
  EXPECT_EQ(config::keys::kResource, keys);
  for (const StoreKindRow& row : kStoreKinds) {
    std::vector<std::string> fields;
    for (const catalog::StoreField* f : row.fields) fields.emplace_back(f->name);
    EXPECT_EQ(config::keys::ResourceFields(std::string(row.name)), fields) << row.name;
  }
  EXPECT_TRUE(config::keys::ResourceFields("oracle").empty());
}

// Given a field of another kind, the decoder should name the kind with its row's article.
TEST(DataKinds, DecoderRejectsFieldsOfOtherKinds) {
  for (const StoreKindRow& row : kStoreKinds) {
    const catalog::StoreField* other = nullptr;
    for (const catalog::StoreField* f : catalog::kStoreFields)
      if (!other && f->type != catalog::FieldType::kRestore && !catalog::Takes(row.kind, *f))
        other = f;
    ASSERT_NE(other, nullptr) << row.name;
    SourceMap sources;
    Diagnostics diags;
    const std::string text = fmt::format("environments: [dev]\nresources:\n  x:\n    type: {}\n"
                                         "    {}: 1\n",
                                         row.name, other->name);
    FileId file = sources.Add("tenants/t.yaml", text);
    config::DecodeTenant(config::ParseYaml(sources, file, diags), diags);
    ASSERT_EQ(diags.items().size(), 1u) << row.name;
    EXPECT_EQ(diags.items()[0].code, codes::kResourceField);
    EXPECT_EQ(diags.items()[0].message,
              fmt::format("`{}` does not apply to {} {} resource", other->name, row.article,
                          row.name));
  }
}

// Given the rows, `eurus schema tenant` should allow each kind exactly its fields, with the
// table's ranges and defaults, and each kind's engine version.
TEST(DataKinds, SchemaIsTheTables) {
  MemoryFileSystem fs;
  ::testing::internal::CaptureStdout();
  ASSERT_EQ(cli::RunSchema(fs, {"tenant", "schemas"}), cli::kOk);
  ::testing::internal::GetCapturedStdout();
  const Json resource = Json::parse(fs.files.at("schemas/tenant.schema.json"))["$defs"]["resource"];
  ASSERT_EQ(resource["allOf"].size(), std::size(kStoreKinds));
  for (size_t i = 0; i < std::size(kStoreKinds); ++i) {
    const StoreKindRow& row = kStoreKinds[i];
    const Json& branch = resource["allOf"][i];
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(branch["if"]["properties"]["type"]["const"], row.name);
    const Json& props = branch["then"]["properties"];
    EXPECT_EQ(props.size(), row.fields.size() + 1);
    for (const catalog::StoreField* f : row.fields) {
      const Json& p = props.at(std::string(f->name));
      if (f->range.set) {
        EXPECT_EQ(p["minimum"].get<double>(), f->range.min) << f->name;
        EXPECT_EQ(p["maximum"].get<double>(), f->range.max) << f->name;
        if (f->range.step > 0) {
          EXPECT_EQ(p["multipleOf"].get<double>(), f->range.step);
        }
      }
      if (f == &catalog::kVersion) {
        EXPECT_EQ(p["default"], row.version.default_version);
        EXPECT_EQ(p["pattern"], row.version.pattern.re);
      } else if (f->def.kind == catalog::Default::kNumber) {
        EXPECT_EQ(p["default"].get<double>(), f->def.number) << f->name;
      } else if (f->def.kind == catalog::Default::kFlag) {
        EXPECT_EQ(p["default"], f->def.flag) << f->name;
      } else if (f->def.kind == catalog::Default::kText) {
        EXPECT_EQ(p["default"], f->def.text) << f->name;
      } else {
        EXPECT_FALSE(p.contains("default")) << f->name;
      }
    }
  }
}

// Given the engine versions, the schema's pattern and the model should agree: every default
// passes both, and an Aurora version without its minor fails both (E0312). AWS upgrades the
// minor by itself; the provider keeps a major alone beside the running minor and sends it
// with the next modification, where RDS reads it as the major's default minor: a downgrade
// (store_aurora.cc).
TEST(DataKinds, AuroraVersionsNameTheirMinor) {
  for (const StoreKindRow& row : kStoreKinds)
    if (!row.version.default_version.empty()) {
      const std::regex re(std::string(row.version.pattern.re));
      EXPECT_TRUE(std::regex_match(std::string(row.version.default_version), re)) << row.name;
    }
  const std::pair<catalog::StoreKind, const char*> major_only[] = {
      {catalog::StoreKind::kPostgres, "16"}, {catalog::StoreKind::kMysql, "8.0.mysql_aurora.3"}};
  for (const auto& [kind, version] : major_only) {
    const StoreKindRow& row = catalog::Row(kind);
    SCOPED_TRACE(std::string(row.name) + " " + version);
    EXPECT_FALSE(std::regex_match(version, std::regex(std::string(row.version.pattern.re))));
    MemoryFileSystem fs;
    SourceMap sources;
    Diagnostics diags;
    testing::BaseOrg(fs);
    fs.files["tenants/shop.yaml"] = fmt::format(
        "environments: [dev]\nresources:\n  db: {{ type: {}, version: \"{}\" }}\n", row.name,
        version);
    auto project = config::LoadProject(fs, ".", sources, diags);
    ASSERT_TRUE(project.has_value());
    EXPECT_FALSE(model::Build(*project, Lock{}, {}, diags).org.has_value());
    std::vector<std::string> codes_seen;
    for (const auto& d : diags.items()) codes_seen.push_back(d.code);
    EXPECT_EQ(codes_seen, std::vector<std::string>{codes::kEngineVersion});
  }
}

}  // namespace
}  // namespace eurus::synth
