#pragma once
// The data-store kinds a tenant's `resources` may name, one row per kind: everything eurus
// knows about a kind outside the code that emits it (synth/store_<kind>.cc). The decoder's
// key lists, `eurus schema`, the model's defaults and ranges, the tenant network's ports,
// the plan's destroy guard and the policy's data-store rows are all read from here, so a
// new kind is one row (plus its synth file, docs and tests: docs/Contributing.md).
//
// A leaf module: the standard library only, so every layer (config/ upwards) may use it.

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace eurus::catalog {

/// The kinds, in the order of their rows in kStoreKinds (static_asserted below).
enum class StoreKind { kPostgres, kMysql, kRedis, kDocumentDb, kS3 };

// ---- fields ----------------------------------------------------------------------------------

/// How a field's YAML value is read (config::ResourceDoc holds one member per field).
enum class FieldType {
  kString,
  kInteger,  ///< a whole number
  kNumber,   ///< any number
  kBoolean,
  kRestore,  ///< the `restore_from` mapping (snapshot, point_in_time, source)
};

/// A regular expression (ECMA-262, for editors) and what to tell the user when a value
/// does not match it. Empty: no pattern.
struct Pattern {
  std::string_view re = {};
  std::string_view message = {};
};

/// The value a field has when the YAML leaves it out. `kByRealm`: `number` in nonprod,
/// `prod_number` in the prod realm (the schema then states no single default).
struct Default {
  enum Kind { kNone, kNumber, kFlag, kText, kByRealm };
  Kind kind = kNone;
  double number = 0;
  double prod_number = 0;
  bool flag = false;
  std::string_view text = {};
};
constexpr Default Number(double n) { return {.kind = Default::kNumber, .number = n}; }
constexpr Default Flag(bool b) { return {.kind = Default::kFlag, .flag = b}; }
constexpr Default Text(std::string_view t) { return {.kind = Default::kText, .text = t}; }
constexpr Default ByRealm(double nonprod, double prod) {
  return {.kind = Default::kByRealm, .number = nonprod, .prod_number = prod};
}

/// Inclusive bounds of a numeric field; `step` > 0: the value is a multiple of it.
struct Range {
  bool set = false;
  double min = 0;
  double max = 0;
  double step = 0;
};
constexpr Range Between(double min, double max, double step = 0) { return {true, min, max, step}; }

/// A field of a resource entry besides `type`.
struct StoreField {
  std::string_view name = {};  ///< the YAML key
  FieldType type = {};
  std::string_view help = {};  ///< the schema's description (`version`: see EngineVersion)
  Range range = {};
  Default def = {};
  Pattern pattern = {};
};

/// `version` takes its default and pattern from the kind's EngineVersion.
inline constexpr StoreField kVersion{"version", FieldType::kString, "engine version"};
inline constexpr StoreField kMinAcu{
    "min_acu", FieldType::kNumber,
    "Aurora Serverless v2 minimum capacity, 0 to 256 in steps of 0.5 (0 pauses when idle; not "
    "in prod)",
    Between(0, 256, 0.5), Number(0.5)};
inline constexpr StoreField kMaxAcu{
    "max_acu", FieldType::kNumber,
    "Aurora Serverless v2 maximum capacity, 1 to 256 in steps of 0.5", Between(1, 256, 0.5),
    Number(2)};
inline constexpr StoreField kInstances{
    "instances", FieldType::kInteger,
    "DocumentDB instances (default 1, 2 in the prod realm; at least 2 in prod)", Between(1, 16),
    ByRealm(1, 2)};
inline constexpr StoreField kInstanceClass{
    "instance_class", FieldType::kString, "DocumentDB instance class db.<family>.<size>", {},
    Text("db.t4g.medium"),
    {"^db\\.[^.]+\\..+$", "expected db.<family>.<size>, such as db.t4g.medium"}};
inline constexpr StoreField kVersioning{"versioning", FieldType::kBoolean,
                                        "keep previous object versions", {}, Flag(true)};
inline constexpr StoreField kExpireDays{
    "expire_days", FieldType::kInteger,
    "delete objects after this many days; 0 never expires", Between(0, 36500), Number(0)};
inline constexpr StoreField kMaxStorageGb{"max_storage_gb", FieldType::kInteger,
                                          "cache data storage limit in GB", Between(1, 5000),
                                          Number(10)};
inline constexpr StoreField kMaxEcpuPerSecond{
    "max_ecpu_per_second", FieldType::kInteger,
    "cache compute limit in ElastiCache Processing Units per second", Between(1000, 15000000),
    Number(5000)};
inline constexpr StoreField kRestoreFrom{
    "restore_from", FieldType::kRestore,
    "create the store from a snapshot or a point in time (read only when the store is "
    "created; docs/DisasterRecovery.md)"};

/// Every field of any kind, in the order the decoder lists the keys of a resource entry
/// (after `type`) and suggests near misses. A kind's row picks from these.
inline constexpr const StoreField* kStoreFields[] = {
    &kVersion,   &kMinAcu,     &kMaxAcu,       &kInstances,        &kInstanceClass,
    &kVersioning, &kExpireDays, &kMaxStorageGb, &kMaxEcpuPerSecond, &kRestoreFrom};

// ---- the facts of a row ----------------------------------------------------------------------

/// An engine's version: the default and the form the schema accepts (model/ checks it
/// further). Aurora versions name their minor (16.6, 8.0.mysql_aurora.3.08.0): it is the
/// version a new cluster starts at, and AWS moves it up from there (docs/DataStores.md,
/// "Engine versions"); a major alone would not survive the provider's comparison with the
/// running version (store_aurora.cc).
struct EngineVersion {
  std::string_view default_version = {};  ///< empty: the kind has no `version`
  Pattern pattern = {};
};

/// What `restore_from` can create the store from (docs/DisasterRecovery.md).
enum class Restore {
  kNone,                    ///< no `restore_from`
  kSnapshotArn,             ///< a snapshot, named by its ARN (ElastiCache)
  kSnapshotOrPointInTime,   ///< a cluster snapshot (id or ARN), or a point in time of a cluster
};

/// Which naming-scheme function names the store (model/naming.h, StoreName()).
enum class StoreNaming {
  kCluster,  ///< {org}-{tenant}-{resource}, a cluster identifier (Aurora, DocumentDB)
  kCache,    ///< {org}-{tenant}-{resource}, an ElastiCache name
  kBucket,   ///< {org}-{tenant}-{resource}-{account}, a global S3 bucket name
};

/// A port the store listens on, opened from the tenant's app tasks to its data security
/// group; `name` is part of the rules' block names (tenant_network.cc).
struct Port {
  std::string_view name = {};
  int port = {};
};

/// How a data store keeps backups of its own (besides AWS Backup): check/policy.cc.
enum class BackupMode {
  kNone,
  kRetentionPeriod,  ///< RDS/DocumentDB automated backups: continuous (PITR) when >= 1 day
  kPitr,             ///< DynamoDB point-in-time recovery: continuous
  kS3Versioning,     ///< every overwrite and delete kept: continuous
  kSnapshots,        ///< ElastiCache: daily snapshots at best
  kEfsBackupPolicy,  ///< EFS automatic backups: daily
};

/// Where a store's availability zones are read from: check/policy.cc.
enum class Spread {
  kRegional,     ///< S3, DynamoDB: regional by construction
  kSubnetGroup,  ///< `arg` names a subnet group of type `group`; `azs` lists AZs directly
  kSubnets,      ///< `arg` lists subnets
  kMultiAzFlag,  ///< `arg` true: a standby in a second AZ
  kOneZone,      ///< `arg` set: the store lives in that one AZ
};

/// What the policy (check/policy.cc, E08xx) checks on the AWS resource that holds a kind's
/// data. Empty strings: the resource has no such argument.
struct StorePolicy {
  std::string_view type = {};  ///< the AWS resource type
  std::string_view what = {};  ///< how messages call it
  /// Encryption at rest: `encrypted` must be true (when set), `kms_key` a customer key. S3
  /// reads aws_s3_bucket_server_side_encryption_configuration instead.
  std::string_view encrypted = {};
  std::string_view kms_key = {};
  /// Deletion protection: `protection` true; empty: lifecycle.prevent_destroy.
  std::string_view protection = {};
  bool aws_backup = {};  ///< AWS Backup can select it
  BackupMode own = {};
  std::string_view own_arg = {};
  Spread spread = {};
  std::string_view spread_arg = {};
  std::string_view group = {};  ///< kSubnetGroup: the subnet group's type
  std::string_view azs = {};    ///< an explicit AZ list, preferred over the subnet group when written
  /// The ARN AWS Backup selections match: {region} {account} {id}; `id_arg` gives {id}.
  std::string_view arn = {};
  std::string_view id_arg = {};
  /// AWS Backup's name of the resource type (its key in the Region's service opt-in,
  /// aws_backup_region_settings); empty where `aws_backup` is false.
  std::string_view backup_type = {};
  /// AWS Backup skips the type unless the Region's opt-in has it, even when a selection names
  /// the type's ARN pattern (AWS Backup guide, "Assign resources to a backup plan": Aurora,
  /// DocumentDB and Neptune; the RDS cluster ARN they share does not say which engine it is).
  /// Other types named by ARN pattern are selected whatever the opt-in.
  bool needs_opt_in = {};
};

inline constexpr StorePolicy kRdsClusterPolicy{
    "aws_rds_cluster", "Aurora/RDS cluster", "storage_encrypted", "kms_key_id",
    "deletion_protection", true, BackupMode::kRetentionPeriod, "backup_retention_period",
    Spread::kSubnetGroup, "db_subnet_group_name", "aws_db_subnet_group", "availability_zones",
    "arn:aws:rds:{region}:{account}:cluster:{id}", "cluster_identifier", "Aurora", true};
inline constexpr StorePolicy kDocDbClusterPolicy{
    "aws_docdb_cluster", "DocumentDB cluster", "storage_encrypted", "kms_key_id",
    "deletion_protection", true, BackupMode::kRetentionPeriod, "backup_retention_period",
    Spread::kSubnetGroup, "db_subnet_group_name", "aws_docdb_subnet_group", "availability_zones",
    "arn:aws:rds:{region}:{account}:cluster:{id}", "cluster_identifier", "DocumentDB", true};
inline constexpr StorePolicy kServerlessCachePolicy{
    "aws_elasticache_serverless_cache", "ElastiCache serverless cache", "", "kms_key_id", "",
    false, BackupMode::kSnapshots, "snapshot_retention_limit", Spread::kSubnets, "subnet_ids",
    "", "", "", "", "", false};
inline constexpr StorePolicy kS3BucketPolicy{
    "aws_s3_bucket", "S3 bucket", "", "", "", true, BackupMode::kS3Versioning, "",
    Spread::kRegional, "", "", "", "arn:aws:s3:::{id}", "bucket", "S3", false};

// ---- the rows --------------------------------------------------------------------------------

/// One kind of data store.
struct StoreKindRow {
  StoreKind kind = {};
  std::string_view name = {};     ///< `type:` in YAML
  std::string_view article = {};  ///< "a" or "an", before `name` in messages
  /// The fields it takes besides `type`, in the order messages list them.
  std::span<const StoreField* const> fields = {};
  EngineVersion version = {};  ///< when `fields` holds kVersion
  Restore restore = {};        ///< kNone unless `fields` holds kRestoreFrom
  StoreNaming naming = {};
  /// Every AWS resource type its synth file emits (data_kinds_test.cc checks the output).
  std::span<const std::string_view> aws_types = {};
  /// Its ports; none for a store reached through an endpoint (S3).
  std::span<const Port> ports = {};
  /// Resource types whose deletion in a plan destroys data (`eurus plan` and `apply` stop).
  std::span<const std::string_view> guarded = {};
  /// Policy facts of the types in `aws_types` that hold the data.
  std::span<const StorePolicy* const> policy = {};
};

namespace rows {
inline constexpr const StoreField* kAuroraFields[] = {&kVersion, &kMinAcu, &kMaxAcu,
                                                      &kRestoreFrom};
inline constexpr const StoreField* kCacheFields[] = {&kMaxStorageGb, &kMaxEcpuPerSecond,
                                                     &kRestoreFrom};
inline constexpr const StoreField* kDocDbFields[] = {&kInstances, &kInstanceClass, &kVersion,
                                                     &kRestoreFrom};
inline constexpr const StoreField* kBucketFields[] = {&kVersioning, &kExpireDays};

inline constexpr std::string_view kAuroraTypes[] = {
    "aws_cloudwatch_log_group", "aws_db_subnet_group", "aws_rds_cluster",
    "aws_rds_cluster_instance", "aws_rds_cluster_parameter_group"};
inline constexpr std::string_view kCacheTypes[] = {"aws_elasticache_serverless_cache"};
inline constexpr std::string_view kDocDbTypes[] = {
    "aws_cloudwatch_log_group", "aws_docdb_cluster", "aws_docdb_cluster_instance",
    "aws_docdb_cluster_parameter_group", "aws_docdb_subnet_group"};
inline constexpr std::string_view kBucketTypes[] = {
    "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning"};

inline constexpr Port kPostgresPorts[] = {{"postgres", 5432}};
inline constexpr Port kMysqlPorts[] = {{"mysql", 3306}};
/// ElastiCache Serverless: 6379 is the primary endpoint, 6380 reads from replicas.
inline constexpr Port kRedisPorts[] = {{"redis", 6379}, {"redis_reader", 6380}};
inline constexpr Port kDocDbPorts[] = {{"documentdb", 27017}};

inline constexpr std::string_view kAuroraGuarded[] = {"aws_rds_cluster",
                                                      "aws_rds_cluster_instance"};
inline constexpr std::string_view kCacheGuarded[] = {"aws_elasticache_serverless_cache"};
inline constexpr std::string_view kDocDbGuarded[] = {"aws_docdb_cluster"};
inline constexpr std::string_view kBucketGuarded[] = {"aws_s3_bucket"};

inline constexpr const StorePolicy* kAuroraPolicy[] = {&kRdsClusterPolicy};
inline constexpr const StorePolicy* kCachePolicy[] = {&kServerlessCachePolicy};
inline constexpr const StorePolicy* kDocDbPolicy[] = {&kDocDbClusterPolicy};
inline constexpr const StorePolicy* kBucketPolicy[] = {&kS3BucketPolicy};
}  // namespace rows

/// The table, one row per StoreKind in enum order; `type:` lists and messages follow it.
inline constexpr StoreKindRow kStoreKinds[] = {
    {StoreKind::kPostgres, "postgres", "a", rows::kAuroraFields,
     {"16.6", {"^[0-9]+(\\.[0-9]+)+$", "expected major.minor, such as 16.6"}},
     Restore::kSnapshotOrPointInTime, StoreNaming::kCluster, rows::kAuroraTypes,
     rows::kPostgresPorts, rows::kAuroraGuarded, rows::kAuroraPolicy},
    {StoreKind::kMysql, "mysql", "a", rows::kAuroraFields,
     {"8.0.mysql_aurora.3.08.0",
      {"^8\\.0\\.mysql_aurora\\.[0-9]+\\.[0-9]+\\.[0-9]+$",
       "expected a version such as 8.0.mysql_aurora.3.08.0"}},
     Restore::kSnapshotOrPointInTime, StoreNaming::kCluster, rows::kAuroraTypes,
     rows::kMysqlPorts, rows::kAuroraGuarded, rows::kAuroraPolicy},
    {StoreKind::kRedis, "redis", "a", rows::kCacheFields, {}, Restore::kSnapshotArn,
     StoreNaming::kCache, rows::kCacheTypes, rows::kRedisPorts, rows::kCacheGuarded,
     rows::kCachePolicy},
    {StoreKind::kDocumentDb, "documentdb", "a", rows::kDocDbFields,
     {"5.0.0", {"^[0-9]+(\\.[0-9]+)*$", "expected a version such as 5.0.0"}},
     Restore::kSnapshotOrPointInTime, StoreNaming::kCluster, rows::kDocDbTypes,
     rows::kDocDbPorts, rows::kDocDbGuarded, rows::kDocDbPolicy},
    {StoreKind::kS3, "s3", "an", rows::kBucketFields, {}, Restore::kNone, StoreNaming::kBucket,
     rows::kBucketTypes, {}, rows::kBucketGuarded, rows::kBucketPolicy},
};

/// Rows sit at their kind's index, so Row() is an index.
constexpr bool RowsInEnumOrder() {
  for (size_t i = 0; i < std::size(kStoreKinds); ++i)
    if (static_cast<size_t>(kStoreKinds[i].kind) != i) return false;
  return true;
}
static_assert(RowsInEnumOrder(), "kStoreKinds: one row per StoreKind, in enum order");

constexpr const StoreKindRow& Row(StoreKind kind) {
  return kStoreKinds[static_cast<size_t>(kind)];
}

/// The kind named `name` in YAML; none for anything else.
std::optional<StoreKind> FindStoreKind(std::string_view name);

/// "postgres", "mysql", ...: every kind's YAML name, in table order.
std::vector<std::string_view> StoreKindNames();

/// Whether `kind` takes `field`.
bool Takes(StoreKind kind, const StoreField& field);

/// Whether deleting a resource of AWS type `type` destroys a store's data (some row's
/// `guarded` lists it).
bool IsGuardedStoreType(std::string_view type);

/// The policy facts of every kind, each AWS type once, in table order (postgres and mysql
/// share aws_rds_cluster).
std::vector<const StorePolicy*> StorePolicies();

}  // namespace eurus::catalog
