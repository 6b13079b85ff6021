#pragma once
// The data stores the policy rules know (E0801 spread, E0804 encryption, E0805 backups,
// E0809 deletion protection): one row per AWS resource type, saying which arguments hold
// what each rule reads. The rows of the types eurus's store kinds emit come from the
// store-kind table (catalog::StorePolicies()); the others (types eurus does not emit today)
// are listed in data_stores.cc. docs/Security.md lists the types.

#include <string_view>

#include "catalog/store_kinds.h"

namespace eurus::check::policy {

/// How a data store keeps its own backups (besides AWS Backup), and where its availability
/// zones are read from: the store-kind table's enums, shared with the rows it derives.
using OwnBackup = catalog::BackupMode;
using Spread = catalog::Spread;

/// A row of the policy's data-store table. Null pointers: the resource has no such argument.
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
