#include "catalog/store_kinds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace eurus::catalog {
namespace {

bool Has(std::span<const StoreField* const> fields, const StoreField& f) {
  return std::find(fields.begin(), fields.end(), &f) != fields.end();
}

// Given every row, we should find each fact a kind needs filled in and consistent: a name,
// fields from kStoreFields, a version exactly where it takes `version`, a restore mode
// exactly where it takes `restore_from`, emitted types, guarded and policy types among them.
TEST(StoreKinds, EveryRowIsComplete) {
  std::set<std::string_view> names;
  for (const StoreKindRow& row : kStoreKinds) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_FALSE(row.name.empty());
    EXPECT_TRUE(names.insert(row.name).second) << "two rows named " << row.name;
    EXPECT_TRUE(row.article == "a" || row.article == "an");
    for (const StoreField* f : row.fields) EXPECT_TRUE(Has(kStoreFields, *f)) << f->name;
    EXPECT_EQ(Has(row.fields, kVersion), !row.version.default_version.empty());
    if (Has(row.fields, kVersion)) {
      EXPECT_FALSE(row.version.pattern.re.empty());
      EXPECT_FALSE(row.version.pattern.message.empty());
    }
    EXPECT_EQ(Has(row.fields, kRestoreFrom), row.restore != Restore::kNone);
    EXPECT_FALSE(row.aws_types.empty());
    EXPECT_TRUE(std::is_sorted(row.aws_types.begin(), row.aws_types.end()));
    auto emits = [&](std::string_view type) {
      return std::find(row.aws_types.begin(), row.aws_types.end(), type) != row.aws_types.end();
    };
    EXPECT_FALSE(row.guarded.empty()) << "a store whose deletion is not guarded";
    for (std::string_view g : row.guarded) EXPECT_TRUE(emits(g)) << g;
    EXPECT_FALSE(row.policy.empty()) << "a store the policy does not know";
    for (const StorePolicy* p : row.policy) {
      EXPECT_TRUE(emits(p->type)) << p->type;
      EXPECT_FALSE(p->what.empty());
    }
    std::set<std::string_view> port_names;
    for (const Port& p : row.ports) {
      EXPECT_TRUE(port_names.insert(p.name).second) << p.name;
      EXPECT_GT(p.port, 0);
      EXPECT_LT(p.port, 65536);
    }
  }
}

// Given the field list, we should find every field used by some kind, once, with a help
// text, and a default and range that agree.
TEST(StoreKinds, EveryFieldIsUsedAndDescribed) {
  std::set<std::string_view> names;
  for (const StoreField* f : kStoreFields) {
    SCOPED_TRACE(std::string(f->name));
    EXPECT_TRUE(names.insert(f->name).second);
    EXPECT_FALSE(f->help.empty());
    EXPECT_TRUE(std::any_of(std::begin(kStoreKinds), std::end(kStoreKinds),
                            [&](const StoreKindRow& row) { return Has(row.fields, *f); }));
    if (f->range.set) {
      EXPECT_TRUE(f->type == FieldType::kInteger || f->type == FieldType::kNumber);
      EXPECT_LE(f->range.min, f->range.max);
      std::vector<double> defaults;
      if (f->def.kind == Default::kNumber) defaults = {f->def.number};
      if (f->def.kind == Default::kByRealm) defaults = {f->def.number, f->def.prod_number};
      for (double d : defaults) {
        EXPECT_GE(d, f->range.min);
        EXPECT_LE(d, f->range.max);
      }
    }
    if (f->def.kind == Default::kFlag) {
      EXPECT_EQ(f->type, FieldType::kBoolean);
    }
    if (f->def.kind == Default::kText) {
      EXPECT_EQ(f->type, FieldType::kString);
    }
  }
}

// Given a kind's YAML name, we should find its row, and nothing for other names.
TEST(StoreKinds, FindsKindsByName) {
  for (const StoreKindRow& row : kStoreKinds) {
    ASSERT_TRUE(FindStoreKind(row.name).has_value()) << row.name;
    EXPECT_EQ(*FindStoreKind(row.name), row.kind);
    EXPECT_EQ(&Row(row.kind), &row);
  }
  EXPECT_FALSE(FindStoreKind("postgresql").has_value());
  EXPECT_FALSE(FindStoreKind("").has_value());
  EXPECT_EQ(StoreKindNames(),
            (std::vector<std::string_view>{"postgres", "mysql", "redis", "documentdb", "s3"}));
}

// Given a field, we should say which kinds take it.
TEST(StoreKinds, Takes) {
  EXPECT_TRUE(Takes(StoreKind::kPostgres, kMinAcu));
  EXPECT_TRUE(Takes(StoreKind::kMysql, kVersion));
  EXPECT_FALSE(Takes(StoreKind::kS3, kVersion));
  EXPECT_TRUE(Takes(StoreKind::kRedis, kRestoreFrom));
  EXPECT_FALSE(Takes(StoreKind::kS3, kRestoreFrom));
  EXPECT_TRUE(Takes(StoreKind::kDocumentDb, kInstances));
}

// Given the rows, we should list each policy row once (postgres and mysql share
// aws_rds_cluster) and guard exactly the data-holding types.
TEST(StoreKinds, PoliciesAndGuardedTypes) {
  std::vector<std::string_view> types;
  for (const StorePolicy* p : StorePolicies()) types.push_back(p->type);
  EXPECT_EQ(types, (std::vector<std::string_view>{"aws_rds_cluster", "aws_elasticache_serverless_cache",
                                                  "aws_docdb_cluster", "aws_s3_bucket"}));
  for (const char* t : {"aws_rds_cluster", "aws_rds_cluster_instance", "aws_docdb_cluster",
                        "aws_elasticache_serverless_cache", "aws_s3_bucket"})
    EXPECT_TRUE(IsGuardedStoreType(t)) << t;
  for (const char* t : {"aws_docdb_cluster_instance", "aws_s3_bucket_policy",
                        "aws_db_subnet_group", "aws_kms_key", ""})
    EXPECT_FALSE(IsGuardedStoreType(t)) << t;
}

}  // namespace
}  // namespace eurus::catalog
