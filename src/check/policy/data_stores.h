#pragma once
// The data stores the policy rules know (E0801 spread, E0804 encryption, E0805 backups,
// E0809 deletion protection): one row per AWS resource type, saying which arguments hold
// what each rule reads. docs/Security.md lists the types.

#include <string_view>

namespace eurus::check::policy {

/// How a data store keeps its own backups (besides AWS Backup).
enum class OwnBackup {
  kNone,
  kRetentionPeriod,  ///< RDS/DocumentDB automated backups: continuous (PITR) when >= 1 day
  kPitr,             ///< DynamoDB point-in-time recovery: continuous
  kS3Versioning,     ///< every overwrite and delete kept: continuous
  kSnapshots,        ///< ElastiCache: daily snapshots at best
  kEfsBackupPolicy,  ///< EFS automatic backups: daily
};

/// Where a resource's availability zones are read from.
enum class Spread {
  kRegional,     ///< S3, DynamoDB: regional by construction
  kSubnetGroup,  ///< `arg` names a subnet group of type `group`; `azs` lists AZs directly
  kSubnets,      ///< `arg` (and `arg2`) list subnets
  kMultiAzFlag,  ///< `arg` true: a standby in a second AZ
  kOneZone,      ///< `arg` set: the store lives in that one AZ
};

struct DataStoreKind {
  const char* type;
  const char* what;
  // Encryption at rest: `encrypted` must be true (when set), `kms_key` a customer key.
  // S3 reads aws_s3_bucket_server_side_encryption_configuration instead.
  const char* encrypted;
  const char* kms_key;
  // Deletion protection: `protection` true; empty: lifecycle.prevent_destroy.
  const char* protection;
  bool aws_backup;  ///< AWS Backup can select it
  OwnBackup own;
  const char* own_arg;
  Spread spread;
  const char* spread_arg;
  const char* group;  ///< kSubnetGroup: the subnet group's type
  const char* azs;    ///< an explicit AZ list, preferred over the subnet group when written
  // The ARN AWS Backup selections match: {region} {account} {id}; `id_arg` gives {id}.
  const char* arn;
  const char* id_arg;
};

/// The row for resource type `type`; null when it is not a data store.
const DataStoreKind* FindDataStore(std::string_view type);

}  // namespace eurus::check::policy
