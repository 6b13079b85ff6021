#include "check/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "check/codes.h"
#include "check/locate.h"
#include "ipam/cidr.h"
#include "synth/contract.h"
#include "synth/synth.h"

namespace eurus::check {
namespace {

using nlohmann::json;

const json& EmptyObject() {
  static const json kEmpty = json::object();
  return kEmpty;
}

/// The tags every resource must carry (docs/Security.md, E0806).
constexpr const char* kRequiredTags[] = {synth::tags::kEnvironment, synth::tags::kTenant,
                                         synth::tags::kCostCenter};

// ---- reading bodies -----------------------------------------------------------------------

bool IsTrue(const json* v) {
  if (!v) return false;
  if (v->is_boolean()) return v->get<bool>();
  return v->is_string() && v->get_ref<const std::string&>() == "true";
}

const std::string* Str(const json* v) {
  return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

/// The values at a dotted path. Blocks on the way (an object, or an array of objects as
/// Terraform JSON also writes them) fan out: "subnet_mapping.subnet_id" yields one value per
/// subnet_mapping block. Null values are left out.
void Collect(const json& node, std::string_view path, std::vector<const json*>& out) {
  const size_t dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  auto step = [&](const json& obj) {
    if (!obj.is_object()) return;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return;
    if (dot == std::string_view::npos)
      out.push_back(&*it);
    else
      Collect(*it, path.substr(dot + 1), out);
  };
  if (node.is_array()) {
    for (const auto& e : node) step(e);
  } else {
    step(node);
  }
}

/// The first value Collect would yield (without collecting: this is the hot path).
const json* At(const json& node, std::string_view path) {
  const size_t dot = path.find('.');
  const std::string_view key = path.substr(0, dot);
  auto step = [&](const json& obj) -> const json* {
    if (!obj.is_object()) return nullptr;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return dot == std::string_view::npos ? &*it : At(*it, path.substr(dot + 1));
  };
  if (!node.is_array()) return step(node);
  for (const auto& e : node)
    if (const json* r = step(e)) return r;
  return nullptr;
}

/// Calls fn(object) for a block written as an object or as an array of objects.
template <class Fn>
void ForEachBlock(const json* v, Fn&& fn) {
  if (!v) return;
  if (v->is_object()) {
    fn(*v);
  } else if (v->is_array()) {
    for (const auto& e : *v)
      if (e.is_object()) fn(e);
  }
}

std::optional<long> Number(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<long>();
  if (v->is_number()) return static_cast<long>(v->get<double>());
  if (const std::string* s = Str(v)) {
    if (s->empty() || s->size() > 9 || !std::all_of(s->begin(), s->end(), ::isdigit))
      return std::nullopt;
    return std::stol(*s);
  }
  return std::nullopt;
}

/// Glob with `*` (any run) and `?` (one byte), as AWS Backup's ARN and StringLike matching.
bool Glob(std::string_view pattern, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p, ++i;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ---- references -----------------------------------------------------------------------------

/// One step of a traversal: `.name`, or an index `["key"]` / `[0]`.
struct Step {
  std::string name;
  bool index = false;
};

/// A string that is exactly one `${traversal}`; nullopt for anything else (function calls,
/// templates with text around the interpolation, ...).
std::optional<std::vector<Step>> WholeTraversal(const std::string& s) {
  if (s.size() < 4 || s[0] != '$' || s[1] != '{' || s.back() != '}') return std::nullopt;
  std::string_view in(s.data() + 2, s.size() - 3);
  std::vector<Step> out;
  size_t i = 0;
  auto ident = [&](size_t& j) {
    size_t b = j;
    while (j < in.size() &&
           (std::isalnum(static_cast<unsigned char>(in[j])) || in[j] == '_' || in[j] == '-'))
      ++j;
    return std::string(in.substr(b, j - b));
  };
  while (i < in.size() && in[i] == ' ') ++i;
  std::string first = ident(i);
  if (first.empty()) return std::nullopt;
  out.push_back({first, false});
  while (i < in.size() && in[i] != ' ') {
    if (in[i] == '.') {
      ++i;
      std::string n = ident(i);
      if (n.empty()) return std::nullopt;
      out.push_back({n, false});
    } else if (in[i] == '[') {
      ++i;
      std::string key;
      if (i < in.size() && in[i] == '"') {
        ++i;
        while (i < in.size() && in[i] != '"') key += in[i++];
        if (i >= in.size()) return std::nullopt;
        ++i;
      } else {
        while (i < in.size() && std::isdigit(static_cast<unsigned char>(in[i]))) key += in[i++];
        if (key.empty()) return std::nullopt;
      }
      if (i >= in.size() || in[i] != ']') return std::nullopt;
      ++i;
      out.push_back({key, true});
    } else {
      return std::nullopt;
    }
  }
  while (i < in.size() && in[i] == ' ') ++i;
  if (i != in.size()) return std::nullopt;
  return out;
}

/// What a value stands for once references are followed.
struct Target {
  enum Kind { kLiteral, kRef, kUnknown } kind = kUnknown;
  size_t unit = 0;
  std::string type;  ///< "aws_subnet"; a data source: "data.aws_kms_alias"
  std::string name;
  std::string attr;  ///< the attribute read ("id", "arn"), empty when none
  std::string literal;

  bool Is(size_t u, std::string_view t, std::string_view n) const {
    return kind == kRef && unit == u && type == t && name == n;
  }
};

constexpr std::string_view kNoDeclaration[] = {"var",  "module", "each",     "count",
                                               "path", "self",   "terraform"};

const ProviderConfig* ProviderOf(const PolicyUnit& unit, const json& body) {
  std::string_view alias;
  if (const std::string* p = Str(body.is_object() ? At(body, "provider") : nullptr)) {
    if (p->rfind("aws.", 0) == 0) alias = std::string_view(*p).substr(4);
  }
  for (const auto& c : unit.providers)
    if (c.alias == alias) return &c;
  return nullptr;
}

std::string AccountOf(const PolicyUnit& unit, const json& body) {
  if (const ProviderConfig* p = ProviderOf(unit, body)) return p->account;
  return {};
}

// ---- the tables -------------------------------------------------------------------------------

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

/// Compute and network paths that must span the environment's AZs.
struct WorkloadKind {
  const char* type;
  const char* subnets;
  const char* subnets2;  ///< a second way to write them (aws_lb subnet_mapping)
};

constexpr WorkloadKind kWorkloads[] = {
    {"aws_ecs_service", "network_configuration.subnets", nullptr},
    {"aws_lb", "subnets", "subnet_mapping.subnet_id"},
    {"aws_alb", "subnets", "subnet_mapping.subnet_id"},
    {"aws_apigatewayv2_vpc_link", "subnet_ids", nullptr},
    {"aws_vpc_endpoint", "subnet_ids", "subnet_configuration.subnet_id"},
    {"aws_autoscaling_group", "vpc_zone_identifier", nullptr},
    {"aws_lambda_function", "vpc_config.subnet_ids", nullptr},
    {"aws_ec2_transit_gateway_vpc_attachment", "subnet_ids", nullptr},
};

/// Arguments that, when true, give something a public IP.
struct PublicArg {
  const char* type;
  const char* path;
  const char* what;
};

constexpr PublicArg kPublicArgs[] = {
    {"aws_subnet", "map_public_ip_on_launch", "maps a public IP to everything launched in it"},
    {"aws_default_subnet", "map_public_ip_on_launch",
     "maps a public IP to everything launched in it"},
    {"aws_instance", "associate_public_ip_address", "gets a public IP"},
    {"aws_launch_template", "network_interfaces.associate_public_ip_address",
     "gives its instances public IPs"},
    {"aws_ecs_service", "network_configuration.assign_public_ip", "gives its tasks public IPs"},
    {"aws_db_instance", "publicly_accessible", "is publicly accessible"},
    {"aws_rds_cluster_instance", "publicly_accessible", "is publicly accessible"},
    {"aws_redshift_cluster", "publicly_accessible", "is publicly accessible"},
    {"aws_mq_broker", "publicly_accessible", "is publicly accessible"},
    {"aws_dms_replication_instance", "publicly_accessible", "is publicly accessible"},
};

/// Common types whose arguments (nested blocks included) hold no policy document, per the
/// pinned provider schema (policy_test checks the list against it). The hot loop reads only
/// their `tags` and `provider`; every other type has its arguments scanned for policies, so
/// a type eurus starts emitting is covered before anyone lists it here. Sorted.
constexpr std::string_view kNoPolicyTypes[] = {
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_apigatewayv2_integration",
    "aws_apigatewayv2_route",
    "aws_apigatewayv2_vpc_link",
    "aws_appautoscaling_target",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_backup_vault",
    "aws_budgets_budget",
    "aws_ce_cost_allocation_tag",
    "aws_ce_cost_category",
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_db_subnet_group",
    "aws_default_security_group",
    "aws_docdb_cluster",
    "aws_docdb_cluster_instance",
    "aws_docdb_subnet_group",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ecs_cluster",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_eip",
    "aws_elasticache_serverless_cache",
    "aws_elasticache_subnet_group",
    "aws_flow_log",
    "aws_iam_openid_connect_provider",
    "aws_internet_gateway",
    "aws_kms_alias",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
    "aws_nat_gateway",
    "aws_oam_link",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_route",
    "aws_route53_zone",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_wafv2_web_acl",
    "aws_xray_sampling_rule",
};

/// An argument whose name holds "polic", in `block` or its nested blocks.
bool HasPolicyArgument(const BlockSchema& block, int depth = 0) {
  if (depth > 8) return true;
  for (const auto& [name, arg] : block.arguments) {
    if (name.find("polic") != std::string::npos) return true;
    if (arg.block && HasPolicyArgument(*arg.block, depth + 1)) return true;
  }
  return false;
}

template <class T, size_t N>
const T* FindKind(const T (&table)[N], std::string_view type) {
  for (const T& k : table)
    if (type == k.type) return &k;
  return nullptr;
}

// ---- backups ---------------------------------------------------------------------------------

/// Hours in 0..23 that a cron hour field names; empty when it cannot be read.
std::vector<int> CronHours(const std::string& field) {
  std::vector<int> out;
  size_t b = 0;
  while (b <= field.size()) {
    size_t e = field.find(',', b);
    if (e == std::string::npos) e = field.size();
    std::string part = field.substr(b, e - b);
    int step = 1;
    if (size_t slash = part.find('/'); slash != std::string::npos) {
      try {
        step = std::stoi(part.substr(slash + 1));
      } catch (...) {
        return {};
      }
      part = part.substr(0, slash);
      if (step < 1) return {};
    }
    int lo = 0, hi = 23;
    try {
      if (part != "*") {
        size_t dash = part.find('-');
        lo = std::stoi(part.substr(0, dash));
        hi = dash == std::string::npos ? (step > 1 ? 23 : lo) : std::stoi(part.substr(dash + 1));
      }
    } catch (...) {
      return {};
    }
    if (lo < 0 || hi > 23 || lo > hi) return {};
    for (int h = lo; h <= hi; h += step) out.push_back(h);
    b = e + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

/// The longest gap between two runs of an AWS Backup schedule, in hours; kLessThanDaily
/// when days are restricted; nullopt when the expression cannot be read.
constexpr int kLessThanDaily = 48;
std::optional<int> ScheduleGapHours(const std::string& expr) {
  if (expr.rfind("cron(", 0) != 0 || expr.back() != ')') return std::nullopt;
  std::vector<std::string> f;
  std::string inner = expr.substr(5, expr.size() - 6);
  size_t b = 0;
  while (b < inner.size()) {
    size_t e = inner.find(' ', b);
    if (e == std::string::npos) e = inner.size();
    if (e > b) f.push_back(inner.substr(b, e - b));
    b = e + 1;
  }
  if (f.size() != 6) return std::nullopt;
  auto any_day = [](const std::string& s) { return s == "*" || s == "?"; };
  if (!any_day(f[2]) || !any_day(f[4]) || !any_day(f[3])) return kLessThanDaily;
  std::vector<int> hours = CronHours(f[1]);
  if (hours.empty()) return std::nullopt;
  int gap = 24 - hours.back() + hours.front();
  for (size_t i = 1; i < hours.size(); ++i) gap = std::max(gap, hours[i] - hours[i - 1]);
  return gap;
}

std::string Hours(int h) {
  if (h == 0) return "continuously";
  if (h >= kLessThanDaily) return "less often than daily";
  return fmt::format("every {} h", h);
}

// ---- the engine -------------------------------------------------------------------------------

struct Block {
  const char* section;  ///< "resource" or "data"
  const std::string& type;
  const std::string& name;
  const json& body;
};

/// A data store being judged: its block, its effective tags, its ARN as far as known.
struct Store {
  size_t unit;
  const DataStoreKind& kind;
  const Block& block;
  std::map<std::string, std::string> tags;
  std::string arn;  ///< unknown parts are \x01, which only `*` matches
};

struct Selection {
  size_t unit;
  const json* body;
  std::optional<int> gap;  ///< the plan's most frequent rule; nullopt: unknown
};

struct TenantSubnet {
  Cidr cidr;
  size_t unit;
  std::string name;
};

/// What the rules know about a unit beyond its JSON.
struct Info {
  std::string tenant;
  std::map<std::string, size_t> remote;  ///< remote state name → upstream unit
  /// Per provider (as in PolicyUnit::providers): its default_tags hold every required key.
  std::vector<bool> tagged;
};

/// Which unit writes its state where ("bucket/key"): how remote states find their unit.
std::unordered_map<std::string, size_t> StateIndex(const std::vector<PolicyUnit>& units) {
  std::unordered_map<std::string, size_t> by_state;
  for (size_t u = 0; u < units.size(); ++u)
    if (!units[u].state.empty()) by_state.emplace(units[u].state, u);
  return by_state;
}

void IndexUnits(const std::vector<PolicyUnit>& units,
                const std::unordered_map<std::string, size_t>& by_state, std::vector<Info>& info,
                size_t begin, size_t end) {
  static const std::string kTenant = synth::tags::kTenant;
  static const std::vector<std::string> kRequired(std::begin(kRequiredTags),
                                                  std::end(kRequiredTags));
  for (size_t u = begin; u < end; ++u) {
    const PolicyUnit& unit = units[u];
    for (const auto& p : unit.providers) {
      bool all = true;
      for (const std::string& key : kRequired) {
        auto it = p.default_tags.find(key);
        all = all && it != p.default_tags.end() && !it->second.empty();
      }
      info[u].tagged.push_back(all);
      if (!p.alias.empty() && !info[u].tenant.empty()) continue;
      auto t = p.default_tags.find(kTenant);
      if (t != p.default_tags.end()) info[u].tenant = t->second;
    }
    if (!unit.data || !unit.data->is_object()) continue;
    auto rs = unit.data->find("terraform_remote_state");
    if (rs == unit.data->end() || !rs->is_object()) continue;
    for (const auto& [name, body] : rs->items()) {
      const std::string* bucket = Str(At(body, "config.bucket"));
      const std::string* key = Str(At(body, "config.key"));
      if (!bucket || !key) continue;
      auto it = by_state.find(*bucket + "/" + *key);
      if (it != by_state.end()) info[u].remote[name] = it->second;
    }
  }
}

/// Calls fn(begin, end, i) for `threads` contiguous ranges of [0, n), in parallel; returns
/// when all are done.
template <class Fn>
void Parallel(size_t threads, size_t n, Fn&& fn) {
  std::vector<std::thread> workers;
  for (size_t i = 1; i < threads; ++i)
    workers.emplace_back([&, i] { fn(n * i / threads, n * (i + 1) / threads, i); });
  fn(0, n / threads, 0);
  for (auto& w : workers) w.join();
}

/// What the engines of one run share. Read-only while they run, except the tables built on
/// first use, each exactly once.
struct RunState {
  const std::vector<PolicyUnit>& units;
  const PolicyContext& ctx;
  const SourceMap* origins;
  std::vector<Info> info;
  std::once_flag subnets_once;
  std::map<std::string, std::vector<TenantSubnet>> tenant_subnets;  ///< by account
  std::once_flag selections_once;
  std::map<std::string, std::vector<Selection>> selections;  ///< by account
};

/// Runs the rules over a range of units. One engine per thread; Absorb() gathers their
/// findings in unit order, then the cross-unit rules that need every unit read (internet
/// routes) run on the first.
class Engine {
 public:
  explicit Engine(RunState& run)
      : run_(run), units_(run.units), ctx_(run.ctx), origins_(run.origins), info_(run.info) {}

  void Units(size_t begin, size_t end) {
    for (size_t u = begin; u < end; ++u) {
      const PolicyUnit& unit = units_[u];
      ++stats_.units;
      std::map<std::string, TagGap> tag_gaps;  // by provider alias
      // A unit with one provider whose default_tags hold every key: its blocks carry the
      // tags whatever they write (a block's own tags are only read where they are read anyway,
      // for policy documents), and every block uses that provider.
      const bool one_provider = unit.providers.size() == 1;
      const bool tagged = one_provider && info_[u].tagged[0];
      if (unit.resources && unit.resources->is_object()) {
        // The hot loop, over every block of the organisation, is bound by memory: the std::maps
        // under the JSON are walked directly, and a block's own map is not touched unless a
        // rule needs it.
        for (const auto& [type, byname] : unit.resources->get_ref<const json::object_t&>()) {
          if (!byname.is_object()) continue;
          const TypeRules& rules = RulesFor(type);
          for (const auto& [name, body] : byname.get_ref<const json::object_t&>()) {
            if (!body.is_object()) continue;
            ++stats_.resources;
            Block b{"resource", type, name, body};
            const auto& args = body.get_ref<const json::object_t&>();
            if (rules.policies) {
              const json* tags = nullptr;
              const json* provider = nullptr;
              for (const auto& [k, v] : args) {
                if (k == "tags")
                  tags = &v;
                else if (k == "provider")
                  provider = &v;
                else if (k.find("polic") != std::string::npos)
                  PolicyString(u, b, k, v);
              }
              Tags(u, b, tags, one_provider ? &unit.providers[0] : ProviderFor(u, provider),
                   tag_gaps);
            } else if (!tagged) {
              auto tags = args.find("tags");
              auto provider = args.find("provider");
              Tags(u, b, tags == args.end() ? nullptr : &tags->second,
                   ProviderFor(u, provider == args.end() ? nullptr : &provider->second), tag_gaps);
            }
            if (rules.pub) PublicArgument(u, b, *rules.pub);
            if (rules.store) DataStore(u, b, *rules.store);
            if (rules.workload) Workload(u, b, *rules.workload);
            if (rules.special != Kind::kNone) Special(u, b, rules.special);
          }
        }
      }
      if (unit.data && unit.data->is_object()) {
        auto it = unit.data->find("aws_iam_policy_document");
        if (it != unit.data->end() && it->is_object())
          for (const auto& [name, body] : it->items())
            PolicyDocument(u, Block{"data", it.key(), name, body});
      }
      ReportTagGaps(u, tag_gaps);
      // Associations with the unit's own route tables matter only when one of them routes to
      // an internet gateway (known now that the unit has been read).
      if (local_igw_table_)
        for (const json* a : local_assoc_) assoc_.emplace_back(u, a);
      local_assoc_.clear();
      local_igw_table_ = false;
    }
  }

  /// Takes over another engine's findings and what InternetRoutes needs.
  void Absorb(Engine&& other) {
    diags_.Append(std::move(other.diags_));
    stats_.units += other.stats_.units;
    stats_.resources += other.stats_.resources;
    stats_.findings += other.stats_.findings;
    igw_routes_.insert(igw_routes_.end(), other.igw_routes_.begin(), other.igw_routes_.end());
    assoc_.insert(assoc_.end(), other.assoc_.begin(), other.assoc_.end());
    full_association_scan_ = full_association_scan_ || other.full_association_scan_;
  }

  /// The rules that need every unit read; then hands the findings over.
  PolicyStats Finish(Diagnostics& diags) {
    InternetRoutes();
    diags.Append(std::move(diags_));
    return stats_;
  }

 private:
  /// Rules that need more than one argument of a block.
  enum class Kind { kNone, kLoadBalancer, kEip, kEipAssociation, kRoute, kAssociation, kIngress };

  /// What applies to a resource type, looked up once per type.
  struct TypeRules {
    bool policies = true;  ///< its blocks may hold policy documents (see kNoPolicyTypes)
    const DataStoreKind* store = nullptr;
    const WorkloadKind* workload = nullptr;
    const PublicArg* pub = nullptr;
    Kind special = Kind::kNone;
  };

  const TypeRules& RulesFor(const std::string& type) {
    auto it = rules_.find(type);
    if (it != rules_.end()) return it->second;
    TypeRules r;
    r.policies = MayHoldPolicy(type, ctx_.schema);
    r.store = FindKind(kDataStores, type);
    r.workload = FindKind(kWorkloads, type);
    r.pub = FindKind(kPublicArgs, type);
    if (type == "aws_lb" || type == "aws_alb" || type == "aws_elb")
      r.special = Kind::kLoadBalancer;
    else if (type == "aws_eip")
      r.special = Kind::kEip;
    else if (type == "aws_eip_association")
      r.special = Kind::kEipAssociation;
    else if (type == "aws_route" || type == "aws_route_table" || type == "aws_default_route_table")
      r.special = Kind::kRoute;
    else if (type == "aws_route_table_association" || type == "aws_main_route_table_association")
      r.special = Kind::kAssociation;
    else if (type == "aws_vpc_security_group_ingress_rule" || type == "aws_security_group_rule" ||
             type == "aws_security_group" || type == "aws_default_security_group")
      r.special = Kind::kIngress;
    return rules_.emplace(type, r).first->second;
  }

  struct TagGap {
    std::set<std::string> missing;
    std::vector<std::string> blocks;
    const json* first = nullptr;
  };

  /// A route to an internet gateway, judged once every unit's associations are known.
  struct IgwRoute {
    size_t unit;
    std::string type, name;
    const json* body;
    Target table;  ///< the route table it is in
  };

  bool Shared(const std::string& tenant) const {
    return tenant.empty() || tenant == synth::tags::kPlatform;
  }

  const AccountPolicy* Account(const std::string& account) const {
    auto it = ctx_.accounts.find(account);
    return it == ctx_.accounts.end() ? nullptr : &it->second;
  }

  // ---- references -------------------------------------------------------------------------

  void Resolve(size_t u, const json& v, std::vector<Target>& out, int depth = 0) const {
    if (depth > 8) {
      out.push_back({});
      return;
    }
    switch (v.type()) {
      case json::value_t::null:
      case json::value_t::discarded:
        return;
      case json::value_t::array:
        for (const auto& e : v) Resolve(u, e, out, depth);
        return;
      case json::value_t::object:
        for (const auto& [k, e] : v.items()) Resolve(u, e, out, depth);
        return;
      case json::value_t::string:
        break;
      default: {
        Target t;
        t.kind = Target::kLiteral;
        t.literal = v.dump();
        out.push_back(std::move(t));
        return;
      }
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (s.find("${") == std::string::npos && s.find("%{") == std::string::npos) {
      Target t;
      t.kind = Target::kLiteral;
      t.literal = s;
      out.push_back(std::move(t));
      return;
    }
    auto steps = WholeTraversal(s);
    if (!steps) {
      out.push_back({});
      return;
    }
    const auto& p = *steps;
    auto follow = [&](size_t unit, const json* value, size_t from) {
      for (size_t i = from; value && i < p.size(); ++i) {
        if (value->is_object()) {
          auto it = value->find(p[i].name);
          value = it == value->end() ? nullptr : &*it;
        } else if (value->is_array() && p[i].index &&
                   std::all_of(p[i].name.begin(), p[i].name.end(), ::isdigit)) {
          size_t k = std::stoul(p[i].name);
          value = k < value->size() ? &(*value)[k] : nullptr;
        } else {
          value = nullptr;
        }
      }
      if (!value) {
        out.push_back({});
        return;
      }
      Resolve(unit, *value, out, depth + 1);
    };
    if (p[0].name == "data" && p.size() >= 3 && p[1].name == "terraform_remote_state") {
      auto it = info_[u].remote.find(p[2].name);
      if (p.size() < 5 || p[3].name != "outputs" || it == info_[u].remote.end()) {
        out.push_back({});
        return;
      }
      const PolicyUnit& up = units_[it->second];
      const json* outs = up.outputs;
      const json* value = nullptr;
      if (outs && outs->is_object()) {
        auto o = outs->find(p[4].name);
        if (o != outs->end() && o->is_object() && o->contains("value")) value = &(*o)["value"];
      }
      follow(it->second, value, 5);
      return;
    }
    if (p[0].name == "local" && p.size() >= 2) {
      const json* value = nullptr;
      if (units_[u].locals && units_[u].locals->is_object()) {
        auto it = units_[u].locals->find(p[1].name);
        if (it != units_[u].locals->end()) value = &*it;
      }
      follow(u, value, 2);
      return;
    }
    for (std::string_view root : kNoDeclaration) {
      if (p[0].name == root) {
        out.push_back({});
        return;
      }
    }
    Target t;
    t.kind = Target::kRef;
    t.unit = u;
    size_t at = 0;
    if (p[0].name == "data") {
      if (p.size() < 3) {
        out.push_back({});
        return;
      }
      t.type = "data." + p[1].name;
      at = 1;
    } else {
      if (p.size() < 2 || p[1].index) {
        out.push_back({});
        return;
      }
      t.type = p[0].name;
    }
    t.name = p[at + 1].name;
    for (size_t i = at + 2; i < p.size(); ++i) {
      if (!p[i].index) {
        t.attr = p[i].name;
        break;
      }
    }
    out.push_back(std::move(t));
  }

  std::vector<Target> Resolve(size_t u, const json* v) const {
    std::vector<Target> out;
    if (v) Resolve(u, *v, out);
    return out;
  }

  const json* BodyOf(const Target& t) const {
    if (t.kind != Target::kRef) return nullptr;
    const PolicyUnit& unit = units_[t.unit];
    const json* table = unit.resources;
    std::string type = t.type;
    if (type.rfind("data.", 0) == 0) {
      table = unit.data;
      type = type.substr(5);
    }
    if (!table || !table->is_object()) return nullptr;
    auto ty = table->find(type);
    if (ty == table->end() || !ty->is_object()) return nullptr;
    auto it = ty->find(t.name);
    return it == ty->end() ? nullptr : &*it;
  }

  /// True when `v` names the block `type.name` of unit `u` (a reference, or a literal equal to
  /// the block's `name_arg`).
  bool RefersTo(size_t from, const json* v, size_t u, const std::string& type,
                const std::string& name, const std::string* literal_name) const {
    for (const Target& t : Resolve(from, v)) {
      if (t.Is(u, type, name)) return true;
      if (t.kind == Target::kLiteral && literal_name && t.literal == *literal_name) return true;
    }
    return false;
  }

  // ---- reporting --------------------------------------------------------------------------

  FileId OriginFile(const std::string& file) {
    auto it = origin_files_.find(file);
    if (it != origin_files_.end()) return it->second;
    FileId found = kNoFile;
    for (FileId i = 0; origins_ && i < origins_->size(); ++i) {
      const std::string& p = origins_->path(i);
      if (p == file ||
          (p.size() > file.size() && p.compare(p.size() - file.size(), file.size(), file) == 0 &&
           p[p.size() - file.size() - 1] == '/')) {
        found = i;
        break;
      }
    }
    origin_files_[file] = found;
    return found;
  }

  /// The YAML line an origin ("tenants/shop.yaml:12") names, without its indentation.
  Span OriginSpan(const std::string& origin) {
    if (!origins_ || origin.empty()) return {};
    std::string file = origin;
    uint32_t line = 0;
    if (size_t colon = origin.rfind(':'); colon != std::string::npos) {
      std::string digits = origin.substr(colon + 1);
      if (!digits.empty() && digits.size() < 9 &&
          std::all_of(digits.begin(), digits.end(), ::isdigit)) {
        file = origin.substr(0, colon);
        line = static_cast<uint32_t>(std::stoul(digits));
      }
    }
    FileId id = OriginFile(file);
    if (id == kNoFile) return {};
    if (line == 0) return {id, 0, 0};
    std::string_view text = origins_->Line(id, line);
    uint32_t begin = origins_->Offset(id, line, 1);
    size_t indent = text.find_first_not_of(' ');
    if (indent == std::string_view::npos) indent = text.size();
    return {id, begin + static_cast<uint32_t>(indent), begin + static_cast<uint32_t>(text.size())};
  }

  static std::string Address(const Block& b) {
    return (std::string_view(b.section) == "data" ? "data." : "") + b.type + "." + b.name;
  }

  void Report(const char* code, size_t u, const Block& b, const std::string& what,
              const std::string& label, const std::string& help) {
    const PolicyUnit& unit = units_[u];
    Diagnostic d = Error(code, fmt::format("unit {}: {} {}", unit.id, Address(b), what));
    const std::string* origin = Str(b.body.is_object() ? At(b.body, "//") : nullptr);
    Locate(d, unit, {PathStep::Key(b.section), PathStep::Key(b.type), PathStep::Key(b.name)},
           origin, label, unit.main_file);
    if (!help.empty()) d.Help(help);
    diags_.Report(std::move(d));
    ++stats_.findings;
  }

  /// Labels `d`: at the YAML origin (synth), else at `path` in the unit's file (validate),
  /// else a note naming the file. The origin is always noted.
  void Locate(Diagnostic& d, const PolicyUnit& unit, const JsonPath& path,
              const std::string* origin, const std::string& label, FileId file,
              const char* file_name = "main.tf.json") {
    bool located = false;
    if (origins_ && origin) {
      Span s = OriginSpan(*origin);
      if (s.valid()) {
        d.Label(s, label);
        located = true;
      }
    } else if (unit.sources && file != kNoFile) {
      auto r = LocateKey(unit.sources->text(file), path);
      d.Label({file, r ? r->begin : 0, r ? r->end : 0}, label);
      located = true;
    }
    if (origin && !origin->empty()) d.Note("generated from " + *origin);
    if (!located || origins_)
      d.Note(fmt::format("in {}/{} at {}", unit.id, file_name, FormatPath(path)));
  }

  // ---- E0806 tags ---------------------------------------------------------------------------

  /// The provider configuration a block's `provider` argument (null: none) selects.
  const ProviderConfig* ProviderFor(size_t u, const json* provider) const {
    const PolicyUnit& unit = units_[u];
    std::string_view alias;
    if (const std::string* p = Str(provider); p && p->rfind("aws.", 0) == 0)
      alias = std::string_view(*p).substr(4);
    for (const auto& c : unit.providers)
      if (c.alias == alias) return &c;
    return nullptr;
  }

  /// `own`: the block's tags (null: none); `provider`: its provider configuration.
  void Tags(size_t u, const Block& b, const json* own, const ProviderConfig* provider,
            std::map<std::string, TagGap>& gaps) {
    if (own && !own->is_object()) return;  // an expression: cannot tell
    // Fast path: the provider sets every key, and the block blanks none of them.
    if (provider && info_[u].tagged[static_cast<size_t>(provider - units_[u].providers.data())]) {
      bool blank = false;
      if (own)
        for (const auto& [k, v] : own->get_ref<const json::object_t&>())
          blank = blank || (v.is_string() && v.get_ref<const std::string&>().empty() &&
                            k.rfind("eurus:", 0) == 0);
      if (!blank) return;
    }
    // Without a schema, a block that writes no tags may or may not take them: it is counted
    // against its provider's default_tags all the same.
    if (!own && ctx_.schema) {
      const TypeSchema* ts = ctx_.schema->Resource(b.type);
      if (ts && !ts->block.Find("tags")) return;
    }
    const ProviderConfig* p = provider;
    std::vector<std::string> missing;
    for (const char* key : kRequiredTags) {
      if (own) {
        auto it = own->find(key);
        if (it != own->end() && it->is_string()) {
          if (it->get_ref<const std::string&>().empty()) missing.push_back(key);
          continue;  // its own value wins over the default
        }
      }
      if (p) {
        auto it = p->default_tags.find(key);
        if (it != p->default_tags.end() && !it->second.empty()) continue;
      }
      missing.push_back(key);
    }
    if (missing.empty()) return;
    std::string alias = p ? p->alias : "";
    if (!p) {
      if (const std::string* w = Str(At(b.body, "provider"))) alias = w->substr(w->find('.') + 1);
    }
    TagGap& g = gaps[alias];
    g.missing.insert(missing.begin(), missing.end());
    g.blocks.push_back(Address(b));
    if (!g.first) g.first = &b.body;
  }

  void ReportTagGaps(size_t u, const std::map<std::string, TagGap>& gaps) {
    const PolicyUnit& unit = units_[u];
    for (const auto& [alias, g] : gaps) {
      std::string keys;
      for (const auto& k : g.missing) keys += (keys.empty() ? "" : ", ") + k;
      std::string blocks;
      for (size_t i = 0; i < g.blocks.size() && i < 3; ++i) blocks += (i ? ", " : "") + g.blocks[i];
      if (g.blocks.size() > 3) blocks += fmt::format(" and {} more", g.blocks.size() - 3);
      const std::string provider = alias.empty() ? "aws" : "aws." + alias;
      Diagnostic d =
          Error(codes::kPolicyTags,
                fmt::format(
                    "unit {}: {} lack{} tag{} {} (neither provider {}'s default_tags nor {} "
                    "own tags set {})",
                    unit.id, blocks, g.blocks.size() == 1 ? "s" : "",
                    g.missing.size() == 1 ? "" : "s", keys, provider,
                    g.blocks.size() == 1 ? "its" : "their", g.missing.size() == 1 ? "it" : "them"));
      // Point at the provider when the files are at hand, else at the first block's origin.
      size_t index = 0;
      for (size_t i = 0; i < unit.providers.size(); ++i)
        if (unit.providers[i].alias == alias) index = i;
      const std::string* origin = Str(g.first ? At(*g.first, "//") : nullptr);
      JsonPath path = {PathStep::Key("provider"), PathStep::Key("aws")};
      if (unit.providers.size() > 1 || ProvidersAsArray(unit))
        path.push_back(PathStep::Index(index));
      Locate(d, unit, path, origin,
             origins_ ? "blocks generated from here" : "default_tags lack " + keys,
             unit.providers_file, "providers.tf.json");
      d.Help(
          fmt::format("set {} in the default_tags of provider {} (eurus sets them on every "
                      "provider it generates)",
                      keys, provider));
      diags_.Report(std::move(d));
      ++stats_.findings;
    }
  }

  bool ProvidersAsArray(const PolicyUnit& unit) const {
    if (!unit.sources || unit.providers_file == kNoFile) return false;
    auto r = LocateValue(unit.sources->text(unit.providers_file),
                         {PathStep::Key("provider"), PathStep::Key("aws")});
    return r && unit.sources->text(unit.providers_file)[r->begin] == '[';
  }

  // ---- E0807 IAM ----------------------------------------------------------------------------

  static bool HasExact(const json* v, std::initializer_list<std::string_view> any) {
    auto is = [&](const json& e) {
      if (!e.is_string()) return false;
      for (auto a : any)
        if (e.get_ref<const std::string&>() == a) return true;
      return false;
    };
    if (!v) return false;
    if (v->is_array()) return std::any_of(v->begin(), v->end(), is);
    return is(*v);
  }

  /// The Sid (or index) of the first statement allowing every action on every resource.
  static std::optional<std::string> WildcardStatement(const json& statements, const char* effect,
                                                      const char* action, const char* resource,
                                                      bool default_allow) {
    std::optional<std::string> found;
    size_t i = 0;
    ForEachBlock(&statements, [&](const json& st) {
      size_t n = i++;
      if (found) return;
      const std::string* e = Str(At(st, effect));
      if (e ? *e != "Allow" : !default_allow) return;
      if (!HasExact(At(st, action), {"*", "*:*"}) || !HasExact(At(st, resource), {"*"})) return;
      const std::string* sid = Str(At(st, "Sid"));
      if (!sid) sid = Str(At(st, "sid"));
      found = sid && !sid->empty() ? "`" + *sid + "`" : fmt::format("#{}", n + 1);
    });
    return found;
  }

  void ScanPolicyText(size_t u, const Block& b, const std::string& key, const std::string& text) {
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos || text[first] != '{') return;  // jsonencode(...) etc.
    json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return;
    auto st = doc.find("Statement");
    if (st == doc.end()) return;
    if (auto sid = WildcardStatement(*st, "Effect", "Action", "Resource", false)) {
      Report(codes::kPolicyIamWildcard, u, b,
             fmt::format("allows every action on every resource in `{}` (statement {})", key, *sid),
             "`*` on `*`",
             "name the actions and the resources needed; `kms:*` in a key policy is fine, `*` "
             "is not");
    }
  }

  /// Argument `k` of a block, whose name says it holds a policy (policy, assume_role_policy,
  /// inline_policy { policy }, policy_document, access_policies, ...) or a managed policy ARN.
  void PolicyString(size_t u, const Block& b, const std::string& k, const json& v) {
    if (v.is_string()) {
      if (k == "policy_arn" || k == "managed_policy_arn")
        AdminArn(u, b, k, v);
      else
        ScanPolicyText(u, b, k, v.get_ref<const std::string&>());
    } else if (v.is_array() || v.is_object()) {
      if (k == "managed_policy_arns" || k == "policy_arns") {
        ForEachString(v, [&](const json& e) { AdminArn(u, b, k, e); });
        return;
      }
      ForEachBlock(&v, [&](const json& nested) {
        for (const auto& [k2, v2] : nested.items())
          if (v2.is_string() && k2.find("polic") != std::string::npos)
            ScanPolicyText(u, b, k + "." + k2, v2.get_ref<const std::string&>());
      });
    }
  }

  template <class Fn>
  static void ForEachString(const json& v, Fn&& fn) {
    if (v.is_string()) fn(v);
    if (v.is_array())
      for (const auto& e : v)
        if (e.is_string()) fn(e);
  }

  void AdminArn(size_t u, const Block& b, const std::string& key, const json& v) {
    const std::string& arn = v.get_ref<const std::string&>();
    static constexpr std::string_view kAdmin = ":policy/AdministratorAccess";
    if (arn.size() >= kAdmin.size() &&
        arn.compare(arn.size() - kAdmin.size(), kAdmin.size(), kAdmin) == 0) {
      Report(codes::kPolicyIamWildcard, u, b,
             fmt::format("attaches AdministratorAccess (`*` on `*`) through `{}`", key),
             "AdministratorAccess", "attach a policy naming the actions and resources needed");
    }
  }

  void PolicyDocument(size_t u, const Block& b) {
    if (!b.body.is_object()) return;
    const json* st = At(b.body, "statement");
    if (!st) return;
    if (auto sid = WildcardStatement(*st, "effect", "actions", "resources", true)) {
      Report(codes::kPolicyIamWildcard, u, b,
             fmt::format("allows every action on every resource (statement {})", *sid),
             "`*` on `*`", "name the actions and the resources needed");
    }
  }

  // ---- E0802 public IPs ---------------------------------------------------------------------

  void PublicArgument(size_t u, const Block& b, const PublicArg& arg) {
    std::vector<const json*> values;
    Collect(b.body, arg.path, values);
    for (const json* v : values) {
      if (!IsTrue(v)) continue;
      std::string leaf = arg.path;
      leaf = leaf.substr(leaf.rfind('.') + 1);
      Report(codes::kPolicyPublic, u, b, arg.what, leaf + " is true",
             fmt::format("set {} to false: only the public NAT gateway has a public IP, and "
                         "traffic comes in through the shared ALB's ingress",
                         leaf));
      return;
    }
  }

  /// Per-type rules that need more than one argument.
  void Special(size_t u, const Block& b, Kind kind) {
    if (kind == Kind::kLoadBalancer) {
      const std::string* lb_type = Str(At(b.body, "load_balancer_type"));
      if (lb_type && *lb_type == "gateway") return;
      if (!IsTrue(At(b.body, "internal")))
        Report(codes::kPolicyPublic, u, b, "is internet-facing",
               At(b.body, "internal") ? "internal is false" : "internal is not set",
               "set internal = true: internet traffic reaches the platform through CloudFront "
               "VPC origins or API Gateway VPC links");
    } else if (kind == Kind::kEip) {
      if (!PublicNatEip(u, b.name) || At(b.body, "instance") || At(b.body, "network_interface"))
        Report(codes::kPolicyPublic, u, b,
               "allocates a public IP that no public NAT gateway of the unit uses", "public IP",
               "only the public NAT gateways hold Elastic IPs");
    } else if (kind == Kind::kEipAssociation) {
      Report(codes::kPolicyPublic, u, b, "attaches a public IP", "public IP",
             "only the public NAT gateways hold Elastic IPs");
    } else if (kind == Kind::kRoute) {
      RouteToInternet(u, b);
    } else if (kind == Kind::kAssociation) {
      Association(b);
    } else if (kind == Kind::kIngress) {
      Ingress(u, b);
    }
  }

  bool PublicNatEip(size_t u, const std::string& eip) const {
    const json* nats = units_[u].resources ? &*units_[u].resources : nullptr;
    if (!nats || !nats->contains("aws_nat_gateway")) return false;
    for (const auto& [n, body] : (*nats)["aws_nat_gateway"].items()) {
      const std::string* c = Str(At(body, "connectivity_type"));
      if (c && *c == "private") continue;
      std::vector<const json*> ids;
      Collect(body, "allocation_id", ids);
      Collect(body, "secondary_allocation_ids", ids);
      for (const json* v : ids)
        if (RefersTo(u, v, u, "aws_eip", eip, nullptr)) return true;
    }
    return false;
  }

  // ---- E0803 routes to internet gateways ----------------------------------------------------

  bool IsInternetGateway(size_t u, const json* v) const {
    for (const Target& t : Resolve(u, v)) {
      if (t.kind == Target::kLiteral && t.literal.rfind("igw-", 0) == 0) return true;
      if (t.kind == Target::kRef &&
          (t.type == "aws_internet_gateway" || t.type == "data.aws_internet_gateway"))
        return true;
    }
    return false;
  }

  void RouteToInternet(size_t u, const Block& b) {
    if (b.type == "aws_route") {
      if (!IsInternetGateway(u, At(b.body, "gateway_id"))) return;
      auto tables = Resolve(u, At(b.body, "route_table_id"));
      Target table = tables.empty() ? Target{} : tables.front();
      if (table.kind == Target::kRef && table.type == "aws_vpc") {
        Report(codes::kPolicyInternetRoute, u, b,
               "routes the VPC's main route table to the internet gateway", "route to the internet",
               "only the public NAT subnets' route table may route to the internet gateway");
        return;
      }
      NoteIgwTable(u, table);
      igw_routes_.push_back({u, b.type, b.name, &b.body, table});
      return;
    }
    bool igw = false;
    ForEachBlock(At(b.body, "route"),
                 [&](const json& r) { igw = igw || IsInternetGateway(u, At(r, "gateway_id")); });
    if (!igw) return;
    if (b.type == "aws_default_route_table") {
      Report(codes::kPolicyInternetRoute, u, b,
             "routes the VPC's main route table to the internet gateway", "route to the internet",
             "only the public NAT subnets' route table may route to the internet gateway");
      return;
    }
    Target self;
    self.kind = Target::kRef;
    self.unit = u;
    self.type = b.type;
    self.name = b.name;
    NoteIgwTable(u, self);
    igw_routes_.push_back({u, b.type, b.name, &b.body, self});
  }

  void NoteIgwTable(size_t u, const Target& table) {
    if (table.kind != Target::kRef) return;
    if (table.unit == u)
      local_igw_table_ = true;
    else
      full_association_scan_ = true;  // a table of another unit: its associations were dropped
  }

  /// True when unit `u` hands route table `name` to other units (an output names it): they
  /// could associate their subnets with it.
  bool Exported(size_t u, const std::string& name) const {
    const json* outputs = units_[u].outputs;
    if (!outputs) return false;
    const std::string needle = "aws_route_table." + name + ".";
    std::function<bool(const json&)> walk = [&](const json& x) {
      if (x.is_string()) return x.get_ref<const std::string&>().find(needle) != std::string::npos;
      if (x.is_structured())
        for (const auto& e : x)
          if (walk(e)) return true;
      return false;
    };
    return walk(*outputs);
  }

  /// Keeps the unit's route table associations, unread, until the unit is done (see Units):
  /// only a unit with a table routing to an internet gateway needs them.
  void Association(const Block& b) { local_assoc_.push_back(&b.body); }

  /// True when subnet `name` of unit `u` holds a public NAT gateway and nothing else: no
  /// other block of the unit names it, and no output hands it to another unit.
  bool NatOnlySubnet(size_t u, const std::string& name) {
    auto key = std::make_pair(u, name);
    if (auto it = nat_only_.find(key); it != nat_only_.end()) return it->second;
    const PolicyUnit& unit = units_[u];
    bool nat = false, other = false;
    const std::string needle = "aws_subnet." + name;
    auto mentions = [&](const json& v) {
      bool hit = false;
      std::function<void(const json&)> walk = [&](const json& x) {
        if (hit) return;
        if (x.is_string()) {
          const std::string& s = x.get_ref<const std::string&>();
          for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) {
            size_t e = p + needle.size();
            if (e == s.size() || s[e] == '.' || s[e] == '[' || s[e] == '}' || s[e] == ' ') {
              hit = true;
              return;
            }
          }
        } else if (x.is_structured()) {
          for (const auto& e : x) walk(e);
        }
      };
      walk(v);
      return hit;
    };
    if (unit.resources && unit.resources->is_object()) {
      for (const auto& [type, byname] : unit.resources->items()) {
        if (type == "aws_route_table_association" || type == "aws_network_acl_association" ||
            type == "aws_network_acl")
          continue;
        for (const auto& [n, body] : byname.items()) {
          if (type == "aws_subnet" && n == name) continue;
          if (type == "aws_nat_gateway") {
            const std::string* c = Str(At(body, "connectivity_type"));
            if ((!c || *c != "private") &&
                RefersTo(u, At(body, "subnet_id"), u, "aws_subnet", name, nullptr)) {
              nat = true;
              continue;
            }
          }
          if (mentions(body)) other = true;
        }
      }
    }
    if (unit.outputs && mentions(*unit.outputs)) other = true;
    bool ok = nat && !other;
    nat_only_[key] = ok;
    return ok;
  }

  void InternetRoutes() {
    if (igw_routes_.empty()) return;
    // The associations of every route table that routes to an internet gateway, by table.
    for (const IgwRoute& r : igw_routes_)
      if (r.table.kind == Target::kRef && Exported(r.table.unit, r.table.name))
        full_association_scan_ = true;
    std::vector<std::pair<size_t, const json*>> all;
    if (full_association_scan_) {
      for (size_t u = 0; u < units_.size(); ++u) {
        const json* res = units_[u].resources;
        if (!res || !res->is_object()) continue;
        for (const char* type :
             {"aws_route_table_association", "aws_main_route_table_association"}) {
          auto it = res->find(type);
          if (it == res->end() || !it->is_object()) continue;
          for (const auto& [n, body] : it->get_ref<const json::object_t&>())
            all.emplace_back(u, &body);
        }
      }
    }
    const auto& candidates = full_association_scan_ ? all : assoc_;
    std::map<std::pair<size_t, std::string>, std::vector<std::pair<size_t, const json*>>> assoc;
    for (const auto& [u, body] : candidates) {
      for (const Target& t : Resolve(u, At(*body, "route_table_id"))) {
        if (t.kind == Target::kRef && t.type == "aws_route_table")
          assoc[{t.unit, t.name}].emplace_back(u, body);
      }
    }
    for (const IgwRoute& r : igw_routes_) {
      Block b{"resource", r.type, r.name, *r.body};
      if (r.table.kind != Target::kRef || r.table.type != "aws_route_table") continue;
      // "routes aws_route_table.x to the internet gateway" / "routes to ..." (inline route).
      const std::string where = r.type == "aws_route_table"
                                    ? std::string("routes to the internet gateway")
                                    : fmt::format(
                                          "puts a route to the internet gateway in "
                                          "aws_route_table.{}",
                                          r.table.name);
      const char* help =
          "only the public NAT subnets' own route table may route to the internet gateway; "
          "everything else reaches the internet through the NAT gateway";
      auto it = assoc.find({r.table.unit, r.table.name});
      if (it == assoc.end()) {
        Report(codes::kPolicyInternetRoute, r.unit, b,
               where + ", a table that serves no public NAT subnet", "route to the internet", help);
        continue;
      }
      for (const auto& [au, abody] : it->second) {
        std::string why;
        if (abody->contains("vpc_id") && !abody->contains("subnet_id")) {
          why = "the VPC's main route table";
        } else if (At(*abody, "gateway_id")) {
          why = "a table associated with a gateway (edge association)";
        } else {
          for (const Target& s : Resolve(au, At(*abody, "subnet_id"))) {
            if (s.kind == Target::kRef && s.type == "aws_subnet") {
              if (!NatOnlySubnet(s.unit, s.name))
                why = fmt::format(
                    "a table that serves aws_subnet.{}{}, not a subnet holding only a public "
                    "NAT gateway",
                    s.name, s.unit == r.unit ? "" : " of unit " + units_[s.unit].id);
            } else if (s.kind == Target::kLiteral) {
              why =
                  fmt::format("a table that serves subnet {}, not a public NAT subnet", s.literal);
            }
            if (!why.empty()) break;
          }
        }
        if (why.empty()) continue;
        Report(codes::kPolicyInternetRoute, r.unit, b, where + ", " + why, "route to the internet",
               help);
        break;
      }
    }
  }

  // ---- E0808 tenant isolation ---------------------------------------------------------------

  void BuildTenantSubnets() {
    std::call_once(run_.subnets_once, [this] { TenantSubnets(run_.tenant_subnets); });
  }

  void TenantSubnets(std::map<std::string, std::vector<TenantSubnet>>& tenant_subnets_) const {
    for (size_t u = 0; u < units_.size(); ++u) {
      if (Shared(info_[u].tenant)) continue;
      const json* res = units_[u].resources;
      if (!res || !res->is_object()) continue;
      auto it = res->find("aws_subnet");
      if (it == res->end() || !it->is_object()) continue;
      for (const auto& [n, body] : it->items()) {
        const std::string* c = Str(At(body, "cidr_block"));
        auto cidr = c ? Cidr::Parse(*c) : std::nullopt;
        if (cidr) tenant_subnets_[AccountOf(units_[u], body)].push_back({*cidr, u, n});
      }
    }
    for (auto& [account, v] : tenant_subnets_)
      std::sort(v.begin(), v.end(), [](const TenantSubnet& a, const TenantSubnet& b) {
        return a.cidr.first() < b.cidr.first();
      });
  }

  /// The first subnet of a tenant other than `owner` that `cidr` overlaps.
  const TenantSubnet* OtherTenantSubnet(const std::string& account, const Cidr& cidr,
                                        const std::string& owner) {
    BuildTenantSubnets();
    auto it = run_.tenant_subnets.find(account);
    if (it == run_.tenant_subnets.end()) return nullptr;
    const auto& v = it->second;
    // Tenant subnets never overlap one another, so their last addresses are sorted too.
    auto from =
        std::lower_bound(v.begin(), v.end(), cidr.first(),
                         [](const TenantSubnet& s, uint32_t a) { return s.cidr.last() < a; });
    for (auto s = from; s != v.end() && s->cidr.first() <= cidr.last(); ++s)
      if (info_[s->unit].tenant != owner) return &*s;
    return nullptr;
  }

  void Ingress(size_t u, const Block& b) {
    std::vector<const json*> groups, cidrs;
    const json* guarded = nullptr;
    if (b.type == "aws_vpc_security_group_ingress_rule") {
      guarded = At(b.body, "security_group_id");
      Collect(b.body, "referenced_security_group_id", groups);
      Collect(b.body, "cidr_ipv4", cidrs);
    } else if (b.type == "aws_security_group_rule") {
      const std::string* kind = Str(At(b.body, "type"));
      if (!kind || *kind != "ingress") return;
      guarded = At(b.body, "security_group_id");
      Collect(b.body, "source_security_group_id", groups);
      Collect(b.body, "cidr_blocks", cidrs);
    } else {
      Collect(b.body, "ingress.security_groups", groups);
      Collect(b.body, "ingress.cidr_blocks", cidrs);
    }
    if (groups.empty() && cidrs.empty()) return;
    // Fast path: a rule between two groups of its own unit (one tenant) needs no resolving.
    auto local_group = [](const json* v) {
      const std::string* s = Str(v);
      return s && s->rfind("${aws_security_group.", 0) == 0 &&
             s->find("${", 2) == std::string::npos;
    };
    if (cidrs.empty() && (!guarded || local_group(guarded)) &&
        std::all_of(groups.begin(), groups.end(), local_group))
      return;
    // Whose security group the rule opens.
    size_t owner_unit = u;
    if (guarded) {
      for (const Target& t : Resolve(u, guarded))
        if (t.kind == Target::kRef) owner_unit = t.unit;
    }
    const std::string& owner = info_[owner_unit].tenant;
    if (Shared(owner)) return;  // shared platform groups admit every tenant by design
    const std::string account = AccountOf(units_[u], b.body);

    for (const json* g : groups) {
      std::vector<Target> ts;
      Resolve(u, *g, ts);
      for (const Target& t : ts) {
        std::string why;
        if (t.kind == Target::kRef &&
            (t.type == "aws_security_group" || t.type == "aws_default_security_group")) {
          const std::string& src = info_[t.unit].tenant;
          if (src == owner || Shared(src)) continue;
          why = fmt::format("admits security group {}.{} of tenant {} (unit {})", t.type, t.name,
                            src, units_[t.unit].id);
        } else if (t.kind == Target::kLiteral) {
          why = fmt::format("admits security group {}, which is not one of tenant {}'s", t.literal,
                            owner);
        } else {
          why = fmt::format("admits a security group eurus cannot attribute to tenant {}", owner);
        }
        Report(codes::kPolicyTenantIsolation, u, b,
               fmt::format("opens tenant {}'s security group: it {}", owner, why),
               "another tenant's traffic",
               "a tenant's security groups admit only its own groups and the platform's");
        return;
      }
    }
    for (const json* c : cidrs) {
      std::vector<Target> ts;
      Resolve(u, *c, ts);
      for (const Target& t : ts) {
        if (t.kind == Target::kRef && t.type == "aws_subnet") {
          const std::string& src = info_[t.unit].tenant;
          if (src == owner || Shared(src)) continue;
          Report(codes::kPolicyTenantIsolation, u, b,
                 fmt::format("opens tenant {}'s security group to aws_subnet.{} of tenant {}",
                             owner, t.name, src),
                 "another tenant's subnet",
                 "a tenant's security groups admit only its own groups and the platform's");
          return;
        }
        if (t.kind != Target::kLiteral) continue;
        auto cidr = Cidr::Parse(t.literal);
        if (!cidr) continue;
        if (const TenantSubnet* s = OtherTenantSubnet(account, *cidr, owner)) {
          Report(codes::kPolicyTenantIsolation, u, b,
                 fmt::format("opens tenant {}'s security group to {}, which covers tenant {}'s "
                             "subnet {} (aws_subnet.{} in unit {})",
                             owner, t.literal, info_[s->unit].tenant, s->cidr.ToString(), s->name,
                             units_[s->unit].id),
                 "covers another tenant's subnet",
                 "admit the tenant's own subnets or security groups, or the platform's");
          return;
        }
      }
    }
  }

  // ---- E0801 availability zones -------------------------------------------------------------

  struct AzSpan {
    std::set<std::string> azs;
    bool unknown = false;
    bool any = false;
  };

  void SubnetAzs(size_t u, const json* v, AzSpan& span) const {
    for (const Target& t : Resolve(u, v)) {
      span.any = true;
      const json* body = t.kind == Target::kRef && t.type == "aws_subnet" ? BodyOf(t) : nullptr;
      const std::string* az = body ? Str(At(*body, "availability_zone")) : nullptr;
      if (!az) az = body ? Str(At(*body, "availability_zone_id")) : nullptr;
      if (az && az->find("${") == std::string::npos)
        span.azs.insert(*az);
      else
        span.unknown = true;
    }
  }

  void GroupAzs(size_t u, const json* v, const std::string& group, AzSpan& span) const {
    for (const Target& t : Resolve(u, v)) {
      const json* body = nullptr;
      size_t gu = t.unit;
      if (t.kind == Target::kRef && t.type == group) {
        body = BodyOf(t);
      } else if (t.kind == Target::kLiteral && units_[u].resources) {
        gu = u;
        auto it = units_[u].resources->find(group);
        if (it != units_[u].resources->end() && it->is_object())
          for (const auto& [n, gb] : it->items())
            if (const std::string* name = Str(At(gb, "name")); name && *name == t.literal)
              body = &gb;
      }
      if (!body) {
        span.any = true;
        span.unknown = true;
        continue;
      }
      SubnetAzs(gu, At(*body, "subnet_ids"), span);
    }
  }

  int RequiredAzs(const std::string& account, std::string* env) const {
    const AccountPolicy* a = Account(account);
    if (env && a) *env = a->environment;
    if (!a || !a->azs) return 2;
    return std::max(2, std::min(*a->azs, 3));
  }

  void CheckSpread(size_t u, const Block& b, const AzSpan& span) {
    if (!span.any || span.unknown) return;
    std::string env;
    int required = RequiredAzs(AccountOf(units_[u], b.body), &env);
    if (static_cast<int>(span.azs.size()) >= required) return;
    std::string list;
    for (const auto& a : span.azs) list += (list.empty() ? "" : ", ") + a;
    const AccountPolicy* a = Account(AccountOf(units_[u], b.body));
    std::string need =
        a && a->azs ? fmt::format("environment {} has {}, so it needs {}", env, *a->azs, required)
                    : fmt::format("it needs at least {}", required);
    Report(codes::kPolicyAzSpread, u, b,
           fmt::format("spans {} availability zone{} ({}); {}", span.azs.size(),
                       span.azs.size() == 1 ? "" : "s", list, need),
           fmt::format("{} AZ{}", span.azs.size(), span.azs.size() == 1 ? "" : "s"),
           "place it in a subnet of every availability zone of the environment");
  }

  void Workload(size_t u, const Block& b, const WorkloadKind& k) {
    AzSpan span;
    for (const char* path : {k.subnets, k.subnets2}) {
      if (!path) continue;
      std::vector<const json*> vs;
      Collect(b.body, path, vs);
      for (const json* v : vs) SubnetAzs(u, v, span);
    }
    CheckSpread(u, b, span);
  }

  // ---- data stores: E0801, E0804, E0805, E0809 ----------------------------------------------

  void DataStore(size_t u, const Block& b, const DataStoreKind& k) {
    DataSpread(u, b, k);
    Encryption(u, b, k);
    Protection(u, b, k);
    Backup(u, b, k);
  }

  void DataSpread(size_t u, const Block& b, const DataStoreKind& k) {
    AzSpan span;
    switch (k.spread) {
      case Spread::kRegional:
        return;
      case Spread::kSubnetGroup: {
        const json* azs = k.azs ? At(b.body, k.azs) : nullptr;
        if (azs && azs->is_array() && !azs->empty()) {
          for (const auto& a : *azs) {
            span.any = true;
            if (a.is_string() && a.get_ref<const std::string&>().find("${") == std::string::npos)
              span.azs.insert(a.get<std::string>());
            else
              span.unknown = true;
          }
        } else if (const json* g = At(b.body, k.spread_arg)) {
          GroupAzs(u, g, k.group, span);
        }
        break;
      }
      case Spread::kSubnets:
        SubnetAzs(u, At(b.body, k.spread_arg), span);
        break;
      case Spread::kMultiAzFlag:
        if (IsTrue(At(b.body, k.spread_arg))) return;
        Report(codes::kPolicyAzSpread, u, b,
               fmt::format("runs in a single availability zone ({} is off)", k.spread_arg),
               "single-AZ", fmt::format("set {} = true", k.spread_arg));
        return;
      case Spread::kOneZone:
        if (const std::string* az = Str(At(b.body, k.spread_arg))) {
          Report(codes::kPolicyAzSpread, u, b, fmt::format("is a One Zone {} in {}", k.what, *az),
                 "one zone", fmt::format("leave out {} for a regional {}", k.spread_arg, k.what));
        }
        return;
    }
    CheckSpread(u, b, span);
  }

  /// True when `v` names a customer-managed KMS key (or cannot be followed: benefit of the
  /// doubt); false when absent or an AWS-managed key (alias/aws/...).
  bool CustomerKey(size_t u, const json* v) const {
    if (!v) return false;
    std::vector<Target> ts = Resolve(u, v);
    if (ts.empty()) return false;
    for (const Target& t : ts) {
      switch (t.kind) {
        case Target::kUnknown:
          continue;
        case Target::kLiteral:
          if (t.literal.empty() || t.literal.find("alias/aws/") != std::string::npos) return false;
          continue;
        case Target::kRef: {
          if (t.type == "aws_kms_key" || t.type == "aws_kms_replica_key" ||
              t.type == "aws_kms_external_key" || t.type == "aws_kms_replica_external_key")
            continue;
          if (t.type == "aws_kms_alias" || t.type == "data.aws_kms_alias" ||
              t.type == "data.aws_kms_key") {
            const json* body = BodyOf(t);
            const std::string* n =
                body ? Str(At(*body, t.type == "data.aws_kms_key" ? "key_id" : "name")) : nullptr;
            if (n && n->find("alias/aws/") != std::string::npos) return false;
            continue;
          }
          return false;
        }
      }
    }
    return true;
  }

  /// The blocks of `type` in unit `u` whose `arg` names store `b`.
  std::vector<const json*> Companions(size_t u, const Block& b, const char* type, const char* arg,
                                      const std::string* literal_name) const {
    std::vector<const json*> out;
    const json* res = units_[u].resources;
    if (!res) return out;
    auto it = res->find(type);
    if (it == res->end() || !it->is_object()) return out;
    for (const auto& [n, body] : it->items())
      if (RefersTo(u, At(body, arg), u, b.type, b.name, literal_name)) out.push_back(&body);
    return out;
  }

  /// True when an aws_lb/aws_alb of unit `u` writes its access, connection or health check
  /// logs to bucket `b` (named `bucket`).
  bool LoadBalancerLogBucket(size_t u, const Block& b, const std::string* bucket) const {
    for (const char* type : {"aws_lb", "aws_alb"})
      for (const char* arg : {"access_logs.bucket", "connection_logs.bucket", "health_check_logs.bucket"})
        if (!Companions(u, b, type, arg, bucket).empty()) return true;
    return false;
  }

  void Encryption(size_t u, const Block& b, const DataStoreKind& k) {
    const char* help = "encrypt it with the environment's customer-managed KMS key";
    if (b.type == "aws_s3_bucket") {
      const std::string* bucket = Str(At(b.body, "bucket"));
      std::vector<const json*> rules;
      for (const json* c :
           Companions(u, b, "aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket))
        Collect(*c, "rule.apply_server_side_encryption_by_default", rules);
      Collect(b.body,
              "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default",
              rules);
      bool sse_s3 = false;
      for (const json* r : rules) {
        const std::string* alg = Str(At(*r, "sse_algorithm"));
        if (alg && (*alg == "aws:kms" || *alg == "aws:kms:dsse") &&
            CustomerKey(u, At(*r, "kms_master_key_id")))
          return;
        sse_s3 = sse_s3 || (alg && *alg == "AES256");
      }
      // Elastic Load Balancing writes its logs only to SSE-S3 buckets: a bucket a load balancer
      // of the unit logs to may use SSE-S3, when its configuration says so.
      if (sse_s3 && LoadBalancerLogBucket(u, b, bucket)) return;
      Report(codes::kPolicyEncryption, u, b,
             "is not encrypted with a customer-managed KMS key (no server-side encryption "
             "configuration names one; S3 falls back to SSE-S3)",
             "no customer-managed key",
             "add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm "
             "aws:kms and the environment's key");
      return;
    }
    if (k.encrypted && !IsTrue(At(b.body, k.encrypted))) {
      Report(codes::kPolicyEncryption, u, b, "is not encrypted at rest",
             fmt::format("{} is not true", k.encrypted), help);
      return;
    }
    if (k.kms_key && !CustomerKey(u, At(b.body, k.kms_key))) {
      Report(codes::kPolicyEncryption, u, b,
             fmt::format("is not encrypted with a customer-managed KMS key ({} {})", k.kms_key,
                         At(b.body, k.kms_key) ? "names an AWS-managed key" : "is not set"),
             "no customer-managed key", help);
    }
  }

  void Protection(size_t u, const Block& b, const DataStoreKind& k) {
    const AccountPolicy* a = Account(AccountOf(units_[u], b.body));
    if (!a || !a->deletion_protection || !*a->deletion_protection) return;
    std::string what;
    if (k.protection) {
      if (IsTrue(At(b.body, k.protection))) return;
      what = fmt::format("{} is not true", k.protection);
    } else {
      bool kept = IsTrue(At(b.body, "lifecycle.prevent_destroy"));
      if (kept && !IsTrue(At(b.body, "force_destroy"))) return;
      what = kept ? "force_destroy is true" : "lifecycle.prevent_destroy is not true";
    }
    Report(codes::kPolicyDeletionProtection, u, b,
           fmt::format("has no deletion protection, which environment {} requires ({})",
                       a->environment, what),
           "no deletion protection",
           k.protection
               ? fmt::format("set {} = true", k.protection)
               : std::string("set lifecycle.prevent_destroy = true (and no force_destroy)"));
  }

  /// Every AWS Backup selection of every unit, by account, with its plan's shortest gap.
  void BuildSelections() {
    std::call_once(run_.selections_once, [this] { Selections(run_.selections); });
  }

  void Selections(std::map<std::string, std::vector<Selection>>& selections_) const {
    for (size_t u = 0; u < units_.size(); ++u) {
      const json* res = units_[u].resources;
      if (!res || !res->is_object()) continue;
      auto it = res->find("aws_backup_selection");
      if (it == res->end() || !it->is_object()) continue;
      for (const auto& [n, body] : it->items()) {
        Selection s{u, &body, std::nullopt};
        bool known = true;
        int best = kLessThanDaily;
        for (const Target& t : Resolve(u, At(body, "plan_id"))) {
          const json* plan =
              t.kind == Target::kRef && t.type == "aws_backup_plan" ? BodyOf(t) : nullptr;
          if (!plan) {
            known = false;
            continue;
          }
          ForEachBlock(At(*plan, "rule"), [&](const json& rule) {
            if (IsTrue(At(rule, "enable_continuous_backup"))) {
              best = 0;
              return;
            }
            const std::string* sched = Str(At(rule, "schedule"));
            std::optional<int> gap = sched ? ScheduleGapHours(*sched) : std::optional<int>(24);
            if (!gap)
              known = false;
            else
              best = std::min(best, *gap);
          });
        }
        if (known) s.gap = best;
        selections_[AccountOf(units_[u], body)].push_back(s);
      }
    }
  }

  bool Selects(const Selection& sel, const Store& st) const {
    const json& body = *sel.body;
    auto matches = [&](const json* list) {
      if (!list) return false;
      for (const Target& t : Resolve(sel.unit, list)) {
        if (t.Is(st.unit, st.block.type, st.block.name)) return true;
        if (t.kind == Target::kLiteral && Glob(t.literal, st.arn)) return true;
      }
      return false;
    };
    auto tag = [&](const std::string& key) -> const std::string* {
      auto it = st.tags.find(key);
      return it == st.tags.end() ? nullptr : &it->second;
    };
    bool base = matches(At(body, "resources"));
    ForEachBlock(At(body, "selection_tag"), [&](const json& t) {
      const std::string* key = Str(At(t, "key"));
      const std::string* value = Str(At(t, "value"));
      const std::string* have = key ? tag(*key) : nullptr;
      if (have && value && *have == *value) base = true;
    });
    if (!base) return false;
    bool ok = true;
    ForEachBlock(At(body, "condition"), [&](const json& c) {
      for (const char* op :
           {"string_equals", "string_like", "string_not_equals", "string_not_like"}) {
        ForEachBlock(At(c, op), [&](const json& kv) {
          const std::string* key = Str(At(kv, "key"));
          const std::string* value = Str(At(kv, "value"));
          if (!key || !value) return;
          std::string k = key->rfind("aws:ResourceTag/", 0) == 0 ? key->substr(16) : *key;
          const std::string* have = tag(k);
          std::string_view o = op;
          bool hit = have && (o.find("like") != std::string_view::npos ? Glob(*value, *have)
                                                                       : *have == *value);
          if (o.find("not") != std::string_view::npos) hit = !hit;
          if (!hit) ok = false;
        });
      }
    });
    return ok && !matches(At(body, "not_resources"));
  }

  /// How often the store backs itself up: 0 continuous, hours, or nullopt.
  std::optional<int> OwnBackupGap(size_t u, const Block& b, const DataStoreKind& k) const {
    switch (k.own) {
      case OwnBackup::kNone:
        return std::nullopt;
      case OwnBackup::kRetentionPeriod: {
        const json* v = At(b.body, k.own_arg);
        if (!v) return 0;  // the provider's default keeps 1 day: continuous (PITR)
        auto n = Number(v);
        if (!n) return 0;  // an expression
        return *n >= 1 ? std::optional<int>(0) : std::nullopt;
      }
      case OwnBackup::kPitr:
        return IsTrue(At(b.body, k.own_arg)) ? std::optional<int>(0) : std::nullopt;
      case OwnBackup::kS3Versioning: {
        if (IsTrue(At(b.body, "versioning.enabled"))) return 0;
        const std::string* bucket = Str(At(b.body, "bucket"));
        for (const json* c : Companions(u, b, "aws_s3_bucket_versioning", "bucket", bucket)) {
          const std::string* st = Str(At(*c, "versioning_configuration.status"));
          if (st && *st == "Enabled") return 0;
        }
        return std::nullopt;
      }
      case OwnBackup::kSnapshots: {
        auto n = Number(At(b.body, k.own_arg));
        return n && *n >= 1 ? std::optional<int>(24) : std::nullopt;
      }
      case OwnBackup::kEfsBackupPolicy:
        for (const json* c : Companions(u, b, "aws_efs_backup_policy", "file_system_id", nullptr)) {
          const std::string* st = Str(At(*c, "backup_policy.status"));
          if (st && *st == "ENABLED") return 24;
        }
        return std::nullopt;
    }
    return std::nullopt;
  }

  std::string Arn(size_t u, const Block& b, const DataStoreKind& k) const {
    if (!k.arn) return {};
    const ProviderConfig* p = ProviderOf(units_[u], b.body);
    const std::string* id = k.id_arg ? Str(At(b.body, k.id_arg)) : nullptr;
    std::string arn = k.arn;
    auto put = [&](std::string_view key, const std::string* v) {
      size_t at = arn.find(key);
      if (at == std::string::npos) return;
      std::string value = v && !v->empty() && v->find("${") == std::string::npos ? *v : "\x01";
      arn.replace(at, key.size(), value);
    };
    put("{region}", p ? &p->region : nullptr);
    put("{account}", p ? &p->account : nullptr);
    put("{id}", id);
    return arn;
  }

  void Backup(size_t u, const Block& b, const DataStoreKind& k) {
    const AccountPolicy* a = Account(AccountOf(units_[u], b.body));
    if (!a || !a->rpo_hours) return;
    const int rpo = *a->rpo_hours;
    std::optional<int> best = OwnBackupGap(u, b, k);
    if (k.own == OwnBackup::kSnapshots && !best) {
      // ElastiCache: AWS Backup does not cover it; its own snapshots are the only backup.
      Report(codes::kPolicyBackup, u, b,
             fmt::format("takes no snapshots ({} is not set)", k.own_arg), "no backup",
             fmt::format("set {} (1-35 days) and daily_snapshot_time", k.own_arg));
      return;
    }
    if (best && *best <= rpo) return;
    Store st{u, k, b, {}, Arn(u, b, k)};
    if (const ProviderConfig* p = ProviderOf(units_[u], b.body)) st.tags = p->default_tags;
    if (const json* own = At(b.body, "tags"); own && own->is_object())
      for (const auto& [tk, tv] : own->items())
        if (tv.is_string()) st.tags[tk] = tv.get<std::string>();
    // Declared rebuildable: its contents are recreated from elsewhere, so the RPO does not
    // apply (docs/DisasterRecovery.md). Only the explicit tag value exempts a store.
    if (auto it = st.tags.find(synth::tags::kBackup);
        it != st.tags.end() && it->second == synth::backup::kRebuildable)
      return;
    if (k.aws_backup) {
      BuildSelections();
      auto it = run_.selections.find(AccountOf(units_[u], b.body));
      if (it != run_.selections.end()) {
        for (const Selection& s : it->second) {
          if (!Selects(s, st)) continue;
          if (!s.gap) return;  // a plan eurus cannot read: not provably too slow
          if (!best || *s.gap < *best) best = s.gap;
          if (*best <= rpo) return;
        }
      }
    }
    const std::string rebuildable = fmt::format("tag it {} = {} if its contents can be rebuilt",
                                                synth::tags::kBackup, synth::backup::kRebuildable);
    Report(
        codes::kPolicyBackup, u, b,
        best ? fmt::format("is backed up {}, less often than environment {}'s RPO of {} h, and is "
                           "not declared rebuildable",
                           Hours(*best), a->environment, rpo)
             : fmt::format("is not covered by any backup; environment {}'s RPO is {} h",
                           a->environment, rpo),
        "no backup meeting the RPO",
        k.aws_backup
            ? fmt::format("select it (by tag or ARN) in an AWS Backup plan whose rule runs at "
                          "least every {} h, or turn on its continuous backup; or {}",
                          rpo, rebuildable)
            : fmt::format("its own backups cannot meet the RPO: {}", rebuildable));
  }

  RunState& run_;
  const std::vector<PolicyUnit>& units_;
  const PolicyContext& ctx_;
  const SourceMap* origins_;
  const std::vector<Info>& info_;
  Diagnostics diags_;
  PolicyStats stats_;
  std::unordered_map<std::string, FileId> origin_files_;
  std::unordered_map<std::string, TypeRules> rules_;
  std::vector<IgwRoute> igw_routes_;
  /// Associations of the units with a table routing to an internet gateway.
  std::vector<std::pair<size_t, const json*>> assoc_;
  std::vector<const json*> local_assoc_;  ///< of the unit being read
  bool local_igw_table_ = false;          ///< the unit being read has a table routing to an IGW
  bool full_association_scan_ = false;    ///< an IGW table other units may associate with
  std::map<std::pair<size_t, std::string>, bool> nat_only_;
};

/// Adds, for accounts whose AZ count is unknown, the distinct availability zones of their
/// subnets across the tree (the network unit and the tenant units place one per AZ).
void AzsFromTree(const std::vector<PolicyUnit>& units, PolicyContext* ctx) {
  std::map<std::string, std::set<std::string>> azs;
  for (const auto& unit : units) {
    if (!unit.resources || !unit.resources->is_object()) continue;
    auto it = unit.resources->find("aws_subnet");
    if (it == unit.resources->end() || !it->is_object()) continue;
    for (const auto& [n, body] : it->items())
      if (const std::string* az = Str(At(body, "availability_zone")))
        azs[AccountOf(unit, body)].insert(*az);
  }
  for (const auto& [account, set] : azs) {
    if (account.empty()) continue;
    AccountPolicy& a = ctx->accounts[account];
    if (!a.azs) a.azs = static_cast<int>(set.size());
  }
  // Names for messages: the environment tag of the account's providers.
  for (const auto& unit : units) {
    for (const auto& p : unit.providers) {
      auto it = ctx->accounts.find(p.account);
      auto env = p.default_tags.find(synth::tags::kEnvironment);
      if (it != ctx->accounts.end() && it->second.environment.empty() &&
          env != p.default_tags.end())
        it->second.environment = env->second;
    }
  }
}

ProviderConfig ProviderFromJson(const json& c) {
  ProviderConfig p;
  if (const std::string* a = Str(At(c, "alias"))) p.alias = *a;
  if (const std::string* r = Str(At(c, "region"))) p.region = *r;
  if (const json* ids = At(c, "allowed_account_ids");
      ids && ids->is_array() && !ids->empty() && (*ids)[0].is_string())
    p.account = (*ids)[0].get<std::string>();
  if (const json* tags = At(c, "default_tags.tags"); tags && tags->is_object())
    for (const auto& [k, v] : tags->items())
      if (v.is_string()) p.default_tags[k] = v.get<std::string>();
  return p;
}

}  // namespace

bool MayHoldPolicy(std::string_view type, const Schema* schema) {
  if (schema) {
    if (const TypeSchema* ts = schema->Resource(type)) return HasPolicyArgument(ts->block);
  }
  return !std::binary_search(std::begin(kNoPolicyTypes), std::end(kNoPolicyTypes), type);
}

std::vector<std::string_view> TypesWithoutPolicies() {
  return {std::begin(kNoPolicyTypes), std::end(kNoPolicyTypes)};
}

PolicyContext ContextFromOrg(const model::Org& org) {
  PolicyContext ctx;
  for (const auto& r : org.realms) {
    AccountPolicy a;
    a.environment = synth::CommonDir(r.kind);
    a.deletion_protection = r.kind == model::RealmKind::kProd;
    ctx.accounts[r.common_account] = a;
  }
  for (const auto& e : org.environments) {
    AccountPolicy a;
    a.environment = e.name;
    a.azs = static_cast<int>(e.network.azs.size());
    a.rpo_hours = e.rpo_hours;
    a.deletion_protection = e.protection;
    ctx.accounts[e.account] = a;
  }
  return ctx;
}

void ContextFromManifest(const json& manifest, PolicyContext* ctx) {
  if (!manifest.is_object()) return;
  auto envs = manifest.find("environments");
  if (envs == manifest.end() || !envs->is_object()) return;
  for (const auto& [name, e] : envs->items()) {
    const std::string* account = Str(At(e, "account"));
    if (!account || ctx->accounts.count(*account)) continue;
    AccountPolicy a;
    a.environment = name;
    if (auto n = Number(At(e, "azs"))) a.azs = static_cast<int>(*n);
    if (auto n = Number(At(e, "rpo_hours"))) a.rpo_hours = static_cast<int>(*n);
    if (const json* p = At(e, "deletion_protection"); p && p->is_boolean())
      a.deletion_protection = p->get<bool>();
    ctx->accounts[*account] = a;
  }
}

PolicyUnit FromUnit(const tf::Unit& unit) {
  PolicyUnit p;
  p.id = unit.id();
  p.resources = &unit.resources();
  p.data = &unit.data();
  p.locals = &unit.locals();
  p.outputs = &unit.output_blocks();
  for (const auto& pr : unit.providers)
    p.providers.push_back({pr.alias, pr.account, pr.region, pr.default_tags});
  if (!unit.backend.local) p.state = unit.backend.bucket + "/" + unit.backend.key;
  return p;
}

PolicyUnit FromDocuments(std::string id, const json& main, const json& providers) {
  PolicyUnit p;
  p.id = std::move(id);
  auto section = [&](const char* key) -> const json* {
    if (!main.is_object()) return &EmptyObject();
    auto it = main.find(key);
    return it != main.end() && it->is_object() ? &*it : &EmptyObject();
  };
  p.resources = section("resource");
  p.data = section("data");
  p.locals = section("locals");
  p.outputs = section("output");
  if (const json* aws = providers.is_object() ? At(providers, "provider") : nullptr) {
    if (aws->is_object() && aws->contains("aws")) {
      const json& configs = (*aws)["aws"];
      if (configs.is_array()) {
        for (const auto& c : configs)
          if (c.is_object()) p.providers.push_back(ProviderFromJson(c));
      } else if (configs.is_object()) {
        p.providers.push_back(ProviderFromJson(configs));
      }
    }
  }
  if (providers.is_object()) {
    const std::string* bucket = Str(At(providers, "terraform.backend.s3.bucket"));
    const std::string* key = Str(At(providers, "terraform.backend.s3.key"));
    if (bucket && key) p.state = *bucket + "/" + *key;
  }
  return p;
}

PolicyStats CheckPolicy(const std::vector<PolicyUnit>& units, const PolicyContext& ctx,
                        const SourceMap* origins, Diagnostics& diags) {
  RunState run{units, ctx, origins, std::vector<Info>(units.size()), {}, {}, {}, {}};
  // Units are independent but for the tables above: a large organisation is split into
  // contiguous ranges, one per thread (as synth renders them), indexed first, then checked;
  // findings are gathered in unit order.
  const size_t threads =
      units.size() > 256 ? std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4) : 1;
  const auto by_state = StateIndex(units);
  Parallel(threads, units.size(), [&](size_t begin, size_t end, size_t) {
    IndexUnits(units, by_state, run.info, begin, end);
  });
  std::vector<std::unique_ptr<Engine>> engines;
  for (size_t i = 0; i < threads; ++i) engines.push_back(std::make_unique<Engine>(run));
  Parallel(threads, units.size(),
           [&](size_t begin, size_t end, size_t i) { engines[i]->Units(begin, end); });
  for (size_t i = 1; i < threads; ++i) engines[0]->Absorb(std::move(*engines[i]));
  return engines[0]->Finish(diags);
}

PolicyStats CheckTree(FileSystem& fs, const std::string& out_dir, const SourceMap& sources,
                      PolicyContext ctx, Diagnostics& diags) {
  const std::string prefix = JoinPath(out_dir, "");
  auto ends = [](const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  std::map<std::string, std::pair<FileId, FileId>> dirs;  // unit id → main, providers
  for (FileId i = 0; i < sources.size(); ++i) {
    const std::string& p = sources.path(i);
    if (p.compare(0, prefix.size(), prefix) != 0) continue;
    for (std::string_view file : {"/main.tf.json", "/providers.tf.json"}) {
      if (!ends(p, file)) continue;
      std::string id = p.substr(prefix.size(), p.size() - prefix.size() - file.size());
      auto& slot = dirs.try_emplace(id, kNoFile, kNoFile).first->second;
      (file == "/main.tf.json" ? slot.first : slot.second) = i;
    }
  }
  std::deque<json> docs;  // stable addresses for the PolicyUnits
  std::vector<PolicyUnit> units;
  for (const auto& [id, files] : dirs) {
    if (files.first == kNoFile) continue;
    json& main = docs.emplace_back(json::parse(sources.text(files.first), nullptr, false));
    json& prov = docs.emplace_back(files.second == kNoFile
                                       ? json::object()
                                       : json::parse(sources.text(files.second), nullptr, false));
    if (main.is_discarded() || prov.is_discarded()) continue;
    PolicyUnit u = FromDocuments(id, main, prov);
    u.sources = &sources;
    u.main_file = files.first;
    u.providers_file = files.second;
    units.push_back(std::move(u));
  }
  std::string err;
  if (auto text = fs.Read(JoinPath(out_dir, "eurus.manifest.json"), &err)) {
    json manifest = json::parse(*text, nullptr, false);
    if (!manifest.is_discarded()) ContextFromManifest(manifest, &ctx);
  }
  AzsFromTree(units, &ctx);
  return CheckPolicy(units, ctx, nullptr, diags);
}

}  // namespace eurus::check
