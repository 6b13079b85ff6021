// A tenant's `resources` entry → model::Resource. Every store-specific rule (types, engine
// versions and their defaults, capacity ranges, instance counts and classes, bucket
// lifecycle, cache limits, restore sources) lives in this file, one function per concern.
// Kind names, defaults and ranges come from the store-kind table (catalog/store_kinds.h),
// the same one the decoder and `eurus schema` read: a range is written once.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

using catalog::Range;

/// The kind's default engine version (its row in the store-kind table).
std::string DefaultVersion(ResourceType t) { return std::string(catalog::Row(t).version.default_version); }

/// `v` within the field's range (and a multiple of its step, when it has one).
bool InRange(const Range& r, double v) {
  if (v < r.min || v > r.max) return false;
  if (r.step <= 0) return true;
  const double n = v / r.step;
  return std::fabs(n - std::round(n)) < 1e-9;
}

/// "0 to 256 in steps of 0.5", "1 to 16": how messages state a range.
std::string RangeText(const Range& r) {
  return r.step > 0 ? fmt::format("{} to {} in steps of {}", r.min, r.max, r.step) : fmt::format("{} to {}", r.min, r.max);
}

/// Compares dotted version strings numerically ("16.10" > "16.9").
int CompareVersions(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    long x = 0, y = 0;
    while (i < a.size() && IsDigit(a[i])) x = x * 10 + (a[i++] - '0');
    while (j < b.size() && IsDigit(b[j])) y = y * 10 + (b[j++] - '0');
    if (x != y) return x < y ? -1 : 1;
    if (i < a.size()) ++i;
    if (j < b.size()) ++j;
  }
  return 0;
}

bool NumericVersion(const std::string& s) {
  if (s.empty() || !IsDigit(s.front()) || !IsDigit(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!IsDigit(s[i]) && !(s[i] == '.' && IsDigit(s[i - 1]))) return false;
  return true;
}

/// "2026-11-26T10:00:00Z": a time AWS accepts as a restore time (UTC, whole seconds).
bool UtcTime(const std::string& s) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
    return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  auto num = [&](size_t at, size_t n) { return std::stoi(s.substr(at, n)); };
  const int month = num(5, 2), day = num(8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && num(11, 2) <= 23 && num(14, 2) <= 59 &&
         num(17, 2) <= 59;
}

/// `type`; false (reported) when it is not a resource type.
bool ResourceTypeOf(Context& ctx, const config::Str& type, ResourceType& out) {
  const std::string& ty = type.value;
  if (auto kind = catalog::FindStoreKind(ty)) {
    out = *kind;
  } else {
    std::string near = ClosestMatch(ty, config::keys::kResourceTypes);
    ctx.Report(Bad(codes::kBadValue, fmt::format("unknown resource type `{}`", ty), type.span,
                   near.empty() ? "not a resource type" : "did you mean `" + near + "`?")
                   .Help("resource types: " + List(config::keys::kResourceTypes)));
    return false;
  }
  return true;
}

/// The Aurora engine version (defaulted); returns the "3.08.0" part of a valid Aurora MySQL
/// version such as 8.0.mysql_aurora.3.08.0, empty otherwise.
std::string BuildAuroraVersion(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  const bool pg = r.type == ResourceType::kPostgres;
  r.version = d.version ? d.version.value : DefaultVersion(r.type);
  // With its minor: a major alone trips the provider after an automatic minor upgrade
  // (store_aurora.cc, docs/DataStores.md "Engine versions").
  if (pg) {
    if (!NumericVersion(r.version) || r.version.find('.') == std::string::npos)
      ctx.Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not an Aurora PostgreSQL version", r.version),
                     d.version.span, "expected major.minor, such as 16.6")
                     .Help("name the minor a new cluster starts at; AWS upgrades it from there"));
    return {};
  }
  const std::string prefix = "8.0.mysql_aurora.";
  const std::string aurora = r.version.compare(0, prefix.size(), prefix) == 0 ? r.version.substr(prefix.size()) : "";
  if (!NumericVersion(aurora) || std::count(aurora.begin(), aurora.end(), '.') != 2) {
    ctx.Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not an Aurora MySQL version", r.version),
                   d.version.span, "expected a version such as 8.0.mysql_aurora.3.08.0"));
    return {};
  }
  return r.version.substr(prefix.size());
}

/// `min_acu`/`max_acu`: Aurora Serverless v2 capacity, 0 (min only) to 256 in steps of 0.5,
/// min at most max. False when one of these was reported.
bool BuildAcuRange(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  if (d.min_acu) r.min_acu = d.min_acu.value;
  if (d.max_acu) r.max_acu = d.max_acu.value;
  const Range& min_range = catalog::kMinAcu.range;
  const Range& max_range = catalog::kMaxAcu.range;
  if (d.min_acu && !InRange(min_range, r.min_acu))
    ctx.Report(Bad(codes::kAcu, fmt::format("min_acu {} is not a valid capacity", d.min_acu.value), d.min_acu.span,
                   RangeText(min_range)));
  else if (d.max_acu && !InRange(max_range, r.max_acu))
    ctx.Report(Bad(codes::kAcu, fmt::format("max_acu {} is not a valid capacity", d.max_acu.value), d.max_acu.span,
                   RangeText(max_range)));
  else if (r.min_acu > r.max_acu)
    ctx.Report(Bad(codes::kAcu, fmt::format("min_acu {} is larger than max_acu {}", r.min_acu, r.max_acu),
                   d.min_acu ? d.min_acu.span : d.max_acu.span, "the range is empty")
                   .Help("make min_acu at most max_acu"));
  else
    return true;
  return false;
}

/// `min_acu: 0` scales to zero through auto-pause, which only newer engine versions have,
/// and which prod must not use.
void CheckScaleToZero(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, const Resource& r,
                      const std::string& aurora_mysql) {
  const bool pg = r.type == ResourceType::kPostgres;
  bool supported = false;
  if (pg && NumericVersion(r.version)) {
    static const std::map<int, std::string> since = {{13, "13.15"}, {14, "14.12"}, {15, "15.7"}, {16, "16.3"}};
    int major = std::atoi(r.version.c_str());
    supported = major > 16 || (since.count(major) && CompareVersions(r.version, since.at(major)) >= 0);
  } else if (!pg && !aurora_mysql.empty()) {
    supported = CompareVersions(aurora_mysql, "3.08.0") >= 0;
  }
  if (!supported)
    ctx.Report(Bad(codes::kAcu, fmt::format("min_acu 0 needs auto-pause, which {} {} does not support", d.type.value, r.version),
                   d.min_acu.span, "cannot scale to zero")
                   .Help(pg ? "use PostgreSQL 16.3, 15.7, 14.12, 13.15 or later, or min_acu 0.5"
                            : "use Aurora MySQL 3.08.0 or later, or min_acu 0.5"));
  if (scope.prod)
    ctx.Report(Bad(codes::kAcu, "min_acu 0 in the prod realm would pause the database", d.min_acu.span,
                   "the first query after a pause waits for the database to resume")
                   .Help("use min_acu 0.5 or more in prod"));
}

/// postgres, mysql: Aurora Serverless v2.
void BuildAurora(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, Resource& r) {
  std::string aurora_mysql = BuildAuroraVersion(ctx, d, r);
  if (BuildAcuRange(ctx, d, r) && r.min_acu == 0) CheckScaleToZero(ctx, scope, d, r, aurora_mysql);
}

void BuildDocDbVersion(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  r.version = d.version ? d.version.value : DefaultVersion(r.type);
  if (!NumericVersion(r.version))
    ctx.Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not a DocumentDB version", r.version), d.version.span,
                   "expected a version such as 5.0.0"));
}

/// `instances`: its range and its default by realm from the table (2 in prod, which needs at
/// least 2 for failover).
void BuildDocDbInstances(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, Resource& r) {
  const catalog::StoreField& f = catalog::kInstances;
  if (d.instances) {
    r.instances = static_cast<int>(d.instances.value);
    if (!InRange(f.range, r.instances))
      ctx.Report(Bad(codes::kDocdbInstances,
                     fmt::format("{} instances requested; DocumentDB takes {}", r.instances, RangeText(f.range)),
                     d.instances.span, "out of range"));
  } else {
    r.instances = static_cast<int>(scope.prod ? f.def.prod_number : f.def.number);
  }
  if (scope.prod && r.instances < 2)
    ctx.Report(Bad(codes::kDocdbInstances,
                   fmt::format("DocumentDB `{}` in prod environment `{}` has 1 instance", r.name, scope.env.name),
                   d.instances ? d.instances.span : r.span, "failover needs a second instance")
                   .Help("set `instances: 2` or more in the prod realm (an override can raise it for prod only)"));
}

/// `instance_class`: db.<family>.<size>.
void BuildDocDbInstanceClass(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  if (!d.instance_class) return;
  r.instance_class = d.instance_class.value;
  const std::string& c = r.instance_class;
  size_t dot2 = c.find('.', 3);
  if (c.compare(0, 3, "db.") != 0 || dot2 == std::string::npos || dot2 == 3 || dot2 + 1 >= c.size())
    ctx.Report(Bad(codes::kDocdbInstances, fmt::format("`{}` is not an instance class", c), d.instance_class.span,
                   "expected db.<family>.<size>, for example db.t4g.medium"));
}

void BuildDocumentDb(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, Resource& r) {
  BuildDocDbVersion(ctx, d, r);
  BuildDocDbInstances(ctx, scope, d, r);
  BuildDocDbInstanceClass(ctx, d, r);
}

/// s3: versioning (prod is warned without it) and object expiry.
void BuildBucket(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, Resource& r) {
  if (d.versioning) r.versioning = d.versioning.value;
  if (d.expire_days) {
    r.expire_days = static_cast<int>(d.expire_days.value);
    const Range& range = catalog::kExpireDays.range;
    if (!InRange(range, r.expire_days))
      ctx.Report(Bad(codes::kBadValue, fmt::format("expire_days {} is out of range", r.expire_days),
                     d.expire_days.span, fmt::format("{} (never) to {}", range.min, range.max)));
  }
  if (!r.versioning && scope.prod) {
    Diagnostic w = Warning(codes::kWarnUnbackedBucket,
                           fmt::format("bucket `{}` in prod environment `{}` has no backup", r.name, scope.env.name));
    w.Label(d.versioning.span, "AWS Backup and point-in-time restore need versioning");
    w.Help("set `versioning: true`, or keep only data that can be rebuilt in this bucket");
    ctx.Report(std::move(w));
  }
}

/// The cache's usage limits (ElastiCache Serverless: data storage in GB, compute in ECPU/s;
/// the ranges are the table's).
void BuildCacheLimits(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  if (d.max_storage_gb) {
    const Range& range = catalog::kMaxStorageGb.range;
    r.max_storage_gb = static_cast<int>(d.max_storage_gb.value);
    if (!InRange(range, d.max_storage_gb.value))
      ctx.Report(Bad(codes::kBadValue, fmt::format("max_storage_gb {} is out of range", d.max_storage_gb.value),
                     d.max_storage_gb.span, RangeText(range) + " GB")
                     .Help(fmt::format("ElastiCache Serverless caps data storage at {} GB", RangeText(range))));
  }
  if (d.max_ecpu_per_second) {
    const Range& range = catalog::kMaxEcpuPerSecond.range;
    r.max_ecpu_per_second = static_cast<int>(d.max_ecpu_per_second.value);
    if (!InRange(range, d.max_ecpu_per_second.value))
      ctx.Report(Bad(codes::kBadValue,
                     fmt::format("max_ecpu_per_second {} is out of range", d.max_ecpu_per_second.value),
                     d.max_ecpu_per_second.span, RangeText(range))
                     .Help(fmt::format("ElastiCache Serverless caps compute at {} ECPU per second", RangeText(range))));
  }
}

using RestoreDoc = decltype(config::ResourceDoc::restore_from);

/// `restore_from.snapshot`: an ARN (cache) or a cluster snapshot id or ARN.
bool CheckRestoreSnapshot(Context& ctx, const RestoreDoc& rf, bool cache) {
  bool bad = false;
  const std::string& s = rf.snapshot.value;
  bool ok;
  if (cache)
    ok = s.rfind("arn:aws:elasticache:", 0) == 0 || s.rfind("arn:aws:s3:::", 0) == 0;
  else
    ok = s.rfind("arn:aws:rds:", 0) == 0 ||
         (!s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && s.size() <= 255 &&
          s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:") ==
              std::string::npos);
  if (!ok) {
    bad = true;
    ctx.Report(Bad(codes::kRestore, fmt::format("`{}` is not a {} snapshot", s, cache ? "cache" : "cluster"),
                   rf.snapshot.span, cache ? "expected an ARN" : "expected a snapshot identifier or ARN")
                   .Help(cache ? "name the snapshot by its ARN, arn:aws:elasticache:<region>:<account>:"
                                 "serverlesscachesnapshot:<name> (or an .rdb object's arn:aws:s3:::<bucket>/<key>)"
                               : "use the identifier shown by `aws rds describe-db-cluster-snapshots` (AWS Backup's "
                                 "look like awsbackup:job-...) or the snapshot's ARN"));
  }
  if (rf.source.set) {
    bad = true;
    ctx.Report(Bad(codes::kRestore, "`source` applies to `point_in_time` only", rf.source.span,
                   "a snapshot names its own source")
                   .Help("remove `source`"));
  }
  return !bad;
}

/// `restore_from.point_in_time` (a UTC time or `latest`) with its `source` cluster; caches
/// cannot restore to a point in time.
bool CheckRestorePointInTime(Context& ctx, const RestoreDoc& rf, const Resource& r, bool cache) {
  bool bad = false;
  const std::string& t = rf.point_in_time.value;
  if (cache) {
    bad = true;
    ctx.Report(Bad(codes::kRestore, fmt::format("cache `{}` cannot be restored to a point in time", r.name),
                   rf.point_in_time.span, "ElastiCache restores from snapshots only")
                   .Help("give `snapshot: <serverless cache snapshot ARN>`; a cache takes a snapshot a day"));
  } else if (t != "latest" && !UtcTime(t)) {
    bad = true;
    ctx.Report(Bad(codes::kRestore, fmt::format("`{}` is not a UTC time", t), rf.point_in_time.span,
                   "expected YYYY-MM-DDTHH:MM:SSZ or `latest`")
                   .Help("write the time in UTC with a trailing Z, for example 2026-11-26T10:00:00Z"));
  }
  if (!cache && !rf.source.set) {
    bad = true;
    ctx.Report(Bad(codes::kRestore, fmt::format("`restore_from` of resource `{}` gives no `source`", r.name), rf.span,
                   "the cluster to restore from is missing")
                   .Help("name the cluster the point in time is taken from, for example the damaged cluster "
                         "after its rename: `source: <identifier>-old`"));
  }
  return !bad;
}

/// `restore_from`: exactly one of a snapshot or a point in time (with the cluster it is
/// taken from); what each store type can restore from (docs/DisasterRecovery.md).
void BuildRestore(Context& ctx, const config::ResourceDoc& d, Resource& r) {
  const auto& rf = d.restore_from;
  // A store restored from a snapshot ARN only (ElastiCache) has no point in time.
  const bool cache = catalog::Row(r.type).restore == catalog::Restore::kSnapshotArn;
  Restore out;
  out.span = rf.span;
  bool bad = false;
  if (rf.snapshot.set == rf.point_in_time.set) {
    bad = true;
    ctx.Report(Bad(codes::kRestore,
                   fmt::format("`restore_from` of resource `{}` needs exactly one of `snapshot` and `point_in_time`", r.name),
                   rf.span, rf.snapshot.set ? "both given" : "neither given")
                   .Help(cache ? "give `snapshot: <serverless cache snapshot ARN>`"
                               : "give `snapshot: <cluster snapshot id or ARN>`, or `point_in_time: <UTC time>` "
                                 "with `source: <cluster identifier>`"));
  }
  if (rf.snapshot.set) {
    out.snapshot = rf.snapshot.value;
    if (!CheckRestoreSnapshot(ctx, rf, cache)) bad = true;
  }
  if (rf.point_in_time.set) {
    out.point_in_time = rf.point_in_time.value;
    if (!CheckRestorePointInTime(ctx, rf, r, cache)) bad = true;
  }
  if (rf.source.set && rf.point_in_time.set && !cache) {
    out.source = rf.source.value;
    const naming::Name n{naming::Kind::kRdsCluster, out.source, {}};
    if (std::string why = naming::Problem(n); !why.empty()) {
      bad = true;
      ctx.Report(Bad(codes::kRestore, fmt::format("`{}` is not a cluster identifier", out.source), rf.source.span, why));
    }
  }
  if (!bad) r.restore_from = std::move(out);
}

}  // namespace

bool BuildResource(Context& ctx, const DeploymentScope& scope, const config::ResourceDoc& d, Resource& r) {
  r.name = d.name.value;
  r.span = d.name.span;
  CheckMemberName(ctx, "resource", d.name);
  if (!d.type || !ResourceTypeOf(ctx, d.type, r.type)) return false;
  // The kind's own checks; no `default:`, so a new kind without a case does not compile.
  switch (r.type) {
    case ResourceType::kPostgres:
    case ResourceType::kMysql: BuildAurora(ctx, scope, d, r); break;
    case ResourceType::kRedis: BuildCacheLimits(ctx, d, r); break;
    case ResourceType::kDocumentDb: BuildDocumentDb(ctx, scope, d, r); break;
    case ResourceType::kS3: BuildBucket(ctx, scope, d, r); break;
  }
  CheckName(ctx, naming::StoreName(r.type, ctx.org.name, scope.tenant.name, r.name, scope.env.account), r.span,
            "resource");
  if (d.restore_from.set) BuildRestore(ctx, d, r);
  return true;
}

}  // namespace eurus::model::build
