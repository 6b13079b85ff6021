#include "check/policy/data_stores.h"

#include <iterator>
#include <vector>

namespace eurus::check::policy {
namespace {

/// Data stores the policy knows that no store kind emits today: the rules hold the moment a
/// feature emits one.
constexpr DataStoreKind kForeignStores[] = {
    {"aws_db_instance", "RDS instance", "storage_encrypted", "kms_key_id", "deletion_protection",
     true, OwnBackup::kRetentionPeriod, "backup_retention_period", Spread::kMultiAzFlag, "multi_az",
     nullptr, nullptr, "arn:aws:rds:{region}:{account}:db:{id}", "identifier"},
    {"aws_elasticache_replication_group", "ElastiCache replication group",
     "at_rest_encryption_enabled", "kms_key_id", nullptr, false, OwnBackup::kSnapshots,
     "snapshot_retention_limit", Spread::kSubnetGroup, "subnet_group_name",
     "aws_elasticache_subnet_group", "preferred_cache_cluster_azs", nullptr, nullptr},
    {"aws_dynamodb_table", "DynamoDB table", "server_side_encryption.enabled",
     "server_side_encryption.kms_key_arn", "deletion_protection_enabled", true, OwnBackup::kPitr,
     "point_in_time_recovery.enabled", Spread::kRegional, nullptr, nullptr, nullptr,
     "arn:aws:dynamodb:{region}:{account}:table/{id}", "name"},
    {"aws_efs_file_system", "EFS file system", "encrypted", "kms_key_id", nullptr, true,
     OwnBackup::kEfsBackupPolicy, nullptr, Spread::kOneZone, "availability_zone_name", nullptr,
     nullptr, "arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}", nullptr},
};

/// The table's literals end in NUL; an empty one means "no such argument" (nullptr here).
const char* Arg(std::string_view s) { return s.empty() ? nullptr : s.data(); }

DataStoreKind FromCatalog(const catalog::StorePolicy& p) {
  return {Arg(p.type), Arg(p.what), Arg(p.encrypted), Arg(p.kms_key), Arg(p.protection), p.aws_backup, p.own,
          Arg(p.own_arg), p.spread, Arg(p.spread_arg), Arg(p.group), Arg(p.azs), Arg(p.arn), Arg(p.id_arg)};
}

/// Every row: the store kinds' (from the table), then the foreign ones. Built once.
const std::vector<DataStoreKind>& DataStores() {
  static const std::vector<DataStoreKind> all = [] {
    std::vector<DataStoreKind> v;
    for (const catalog::StorePolicy* p : catalog::StorePolicies()) v.push_back(FromCatalog(*p));
    v.insert(v.end(), std::begin(kForeignStores), std::end(kForeignStores));
    return v;
  }();
  return all;
}

}  // namespace

const DataStoreKind* FindDataStore(std::string_view type) {
  for (const DataStoreKind& k : DataStores())
    if (type == k.type) return &k;
  return nullptr;
}

}  // namespace eurus::check::policy
