#include "check/policy/data_stores.h"

namespace eurus::check::policy {
namespace {

constexpr DataStoreKind kDataStores[] = {
    {"aws_rds_cluster", "Aurora/RDS cluster", "storage_encrypted", "kms_key_id",
     "deletion_protection", true, OwnBackup::kRetentionPeriod, "backup_retention_period",
     Spread::kSubnetGroup, "db_subnet_group_name", "aws_db_subnet_group", "availability_zones",
     "arn:aws:rds:{region}:{account}:cluster:{id}", "cluster_identifier"},
    {"aws_docdb_cluster", "DocumentDB cluster", "storage_encrypted", "kms_key_id",
     "deletion_protection", true, OwnBackup::kRetentionPeriod, "backup_retention_period",
     Spread::kSubnetGroup, "db_subnet_group_name", "aws_docdb_subnet_group", "availability_zones",
     "arn:aws:rds:{region}:{account}:cluster:{id}", "cluster_identifier"},
    {"aws_db_instance", "RDS instance", "storage_encrypted", "kms_key_id", "deletion_protection",
     true, OwnBackup::kRetentionPeriod, "backup_retention_period", Spread::kMultiAzFlag, "multi_az",
     nullptr, nullptr, "arn:aws:rds:{region}:{account}:db:{id}", "identifier"},
    {"aws_elasticache_serverless_cache", "ElastiCache serverless cache", nullptr, "kms_key_id",
     nullptr, false, OwnBackup::kSnapshots, "snapshot_retention_limit", Spread::kSubnets,
     "subnet_ids", nullptr, nullptr, nullptr, nullptr},
    {"aws_elasticache_replication_group", "ElastiCache replication group",
     "at_rest_encryption_enabled", "kms_key_id", nullptr, false, OwnBackup::kSnapshots,
     "snapshot_retention_limit", Spread::kSubnetGroup, "subnet_group_name",
     "aws_elasticache_subnet_group", "preferred_cache_cluster_azs", nullptr, nullptr},
    {"aws_s3_bucket", "S3 bucket", nullptr, nullptr, nullptr, true, OwnBackup::kS3Versioning,
     nullptr, Spread::kRegional, nullptr, nullptr, nullptr, "arn:aws:s3:::{id}", "bucket"},
    {"aws_dynamodb_table", "DynamoDB table", "server_side_encryption.enabled",
     "server_side_encryption.kms_key_arn", "deletion_protection_enabled", true, OwnBackup::kPitr,
     "point_in_time_recovery.enabled", Spread::kRegional, nullptr, nullptr, nullptr,
     "arn:aws:dynamodb:{region}:{account}:table/{id}", "name"},
    {"aws_efs_file_system", "EFS file system", "encrypted", "kms_key_id", nullptr, true,
     OwnBackup::kEfsBackupPolicy, nullptr, Spread::kOneZone, "availability_zone_name", nullptr,
     nullptr, "arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}", nullptr},
};

}  // namespace

const DataStoreKind* FindDataStore(std::string_view type) {
  for (const DataStoreKind& k : kDataStores)
    if (type == k.type) return &k;
  return nullptr;
}

}  // namespace eurus::check::policy
