#include "cost/usage.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "config/node.h"
#include "diag/codes.h"

namespace eurus::cost {

namespace {

/// An Aurora cluster's assumptions (postgres and mysql alike).
std::vector<UsageKey> Aurora() {
  return {{"acu_hours_per_day", -1, "ACU-hours",
           "Aurora capacity used a day, all instances (default: the minimum around the clock; 1 "
           "when min_acu is 0 and the cluster pauses when idle)"},
          {"storage_gb", 10, "GB", "database storage"},
          {"io_million", 5, "M requests", "storage I/O requests"},
          {"log_gb", 0.2, "GB", "exported database logs"},
          {"backup_gb", -1, "GB", "backup storage in AWS Backup (default: storage_gb)"}};
}

// Monthly figures unless the unit says otherwise. docs/Cost.md lists them; keep in step.
const std::map<std::string, std::vector<UsageKey>, std::less<>>& Catalog() {
  static const std::map<std::string, std::vector<UsageKey>, std::less<>> c = {
      {"environment",
       {{"nat_gb", 20, "GB", "data processed by the public NAT gateways (both directions)"},
        {"internet_out_gb", 10, "GB", "data sent to the internet through them"},
        {"private_nat_gb", 10, "GB", "data processed by the private NAT gateway (egress block)"},
        {"transit_gateway_gb", 10, "GB", "data sent through the transit gateway attachment"},
        {"endpoint_gb", 10, "GB", "data through the interface VPC endpoints"},
        {"alb_lcu", 0.5, "LCU", "average load balancer capacity units of the shared ALB"},
        {"cloudfront_gb", 20, "GB", "data CloudFront serves to viewers"},
        {"cloudfront_requests_million", 2, "M requests", "HTTPS requests CloudFront serves"},
        {"api_requests_million", 1, "M requests", "requests to the HTTP API"},
        {"waf_requests_million", 2, "M requests", "requests the web ACL inspects"},
        {"flow_logs_gb", 2, "GB", "VPC flow log records delivered"},
        {"platform_log_gb", 0.5, "GB", "platform log groups (API access logs, WAF logs, ...)"},
        {"edge_logs_gb", 0.5, "GB", "CloudFront access logs delivered to S3"},
        {"log_bucket_gb", 2, "GB", "stored in each platform log or state bucket"},
        {"kms_requests_million", 0.05, "M requests", "requests to each KMS key"}}},
      {"app",
       {{"extra_tasks", 0, "tasks", "average tasks running above replicas.min (scaling)"},
        {"log_gb", 1, "GB", "log events the app writes"},
        {"traces_million", 0.05, "M traces", "traces recorded in X-Ray (apps with the collector)"},
        {"secret_calls_million", 0.01, "M calls", "Secrets Manager calls for each of its secrets"}}},
      {"postgres", Aurora()},
      {"mysql", Aurora()},
      {"redis",
       {{"data_gb", 0.5, "GB", "average data stored (billed at least 0.1 GB)"},
        {"ecpu_million", 20, "M ECPUs", "ElastiCache processing units"},
        {"snapshot_gb", -1, "GB", "snapshot storage (default: data_gb × retained snapshots)"}}},
      {"documentdb",
       {{"storage_gb", 10, "GB", "database storage"},
        {"io_million", 5, "M requests", "storage I/O requests"},
        {"log_gb", 0.2, "GB", "exported database logs"},
        {"backup_gb", -1, "GB", "backup storage in AWS Backup (default: storage_gb)"}}},
      {"s3",
       {{"storage_gb", 5, "GB", "objects stored (all versions)"},
        {"put_million", 0.05, "M requests", "PUT, COPY, POST and LIST requests"},
        {"get_million", 0.5, "M requests", "GET and other requests"},
        {"backup_gb", -1, "GB", "backup storage in AWS Backup (default: storage_gb)"}}},
      {"registry", {{"storage_gb", 1, "GB", "images stored in each repository"}}},
  };
  return c;
}

bool IsNumber(const config::Node& n, double* out) {
  if (!n.is_scalar() || n.quoted) return false;
  const std::string& s = n.scalar;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string> KindNames() {
  std::vector<std::string> v;
  for (const auto& [k, _] : Catalog()) v.push_back(k);
  return v;
}

struct Reader {
  const SourceMap& sources;
  FileId file;
  const model::Org& org;
  Diagnostics& diags;
  std::map<std::string, UsageValue, std::less<>>& values;

  std::string Origin(Span s) const {
    LineCol lc = sources.Locate(file, s.begin);
    return fmt::format("{}:{}", sources.path(file), lc.line);
  }
  void Unknown(const config::Entry& e, const std::string& what, const std::vector<std::string>& known,
               const char* code) {
    std::string near = ClosestMatch(e.key, known);
    diags.Report(Error(code, fmt::format("unknown {} `{}` in the usage file", what, e.key))
                     .Label(e.key_span, near.empty() ? "not known here" : "did you mean `" + near + "`?")
                     .Help(near.empty() ? "the names allowed here are: " + fmt::format("{}", fmt::join(known, ", "))
                                        : "did you mean `" + near + "`?"));
  }
  bool Map(const config::Node& n, const std::string& what) {
    if (n.is_map()) return true;
    if (n.is_null()) return false;
    diags.Report(Error(codes::kWrongType, fmt::format("{} must be a mapping, found {}", what, n.Describe()))
                     .Label(n.span, "expected `key: value` entries"));
    return false;
  }
  /// The keys of one kind under `prefix`.
  void Values(const config::Node& n, std::string_view kind, const std::string& prefix, const std::string& what) {
    if (!Map(n, what)) return;
    const auto& keys = UsageKeys(kind);
    std::vector<std::string> names;
    for (const auto& k : keys) names.emplace_back(k.name);
    for (const auto& e : n.entries) {
      if (std::find(names.begin(), names.end(), e.key) == names.end()) {
        Unknown(e, fmt::format("{} assumption", kind), names, codes::kUnknownKey);
        continue;
      }
      double x = 0;
      if (!IsNumber(e.value, &x) || x < 0) {
        diags.Report(Error(codes::kUsageValue, fmt::format("`{}` must be a number of at least 0", e.key))
                         .Label(e.value.span, "expected a number")
                         .Help("write the monthly figure in the unit docs/Cost.md gives, e.g. `nat_gb: 50`"));
        continue;
      }
      values[prefix + e.key] = {x, true, Origin(e.key_span)};
    }
  }
  /// `environment: {...}, app: {...}, postgres: {...}` under `prefix`.
  void Kinds(const config::Node& n, const std::string& prefix, const std::string& what) {
    if (!Map(n, what)) return;
    for (const auto& e : n.entries) {
      if (!Catalog().count(e.key)) {
        Unknown(e, "kind", KindNames(), codes::kUnknownKey);
        continue;
      }
      Values(e.value, e.key, prefix + e.key + "/", fmt::format("{}.{}", what, e.key));
    }
  }
  /// `apps: {...}, resources: {...}` of a tenant in the environments `envs` (all of its own
  /// when reading the tenant-wide entries).
  void Things(const config::Node& n, const model::Tenant& t, const std::vector<const model::Deployment*>& deps,
              const std::string& prefix, const std::string& what) {
    if (!Map(n, what)) return;
    for (const auto& e : n.entries) {
      bool apps = e.key == "apps";
      if (!apps && e.key != "resources") {
        Unknown(e, "key", {"apps", "resources", "environments"}, codes::kUnknownKey);
        continue;
      }
      if (!Map(e.value, what + "." + e.key)) continue;
      for (const auto& item : e.value.entries) {
        std::string kind;
        std::vector<std::string> known;
        for (const auto* d : deps) {
          if (apps) {
            for (const auto& a : d->apps) {
              known.push_back(a.name);
              if (a.name == item.key) kind = "app";
            }
          } else {
            for (const auto& r : d->resources) {
              known.push_back(r.name);
              if (r.name == item.key) kind = model::ResourceTypeName(r.type);
            }
          }
        }
        if (kind.empty()) {
          std::sort(known.begin(), known.end());
          known.erase(std::unique(known.begin(), known.end()), known.end());
          Unknown(item, fmt::format("{} of tenant `{}`", apps ? "app" : "data store", t.name), known,
                  codes::kUsageName);
          continue;
        }
        Values(item.value, kind, prefix + item.key + "/", fmt::format("{}.{}.{}", what, e.key, item.key));
      }
    }
  }
};

}  // namespace

const std::vector<std::string>& UsageKinds() {
  static const std::vector<std::string> k = KindNames();
  return k;
}

const std::vector<UsageKey>& UsageKeys(std::string_view kind) {
  static const std::vector<UsageKey> none;
  auto it = Catalog().find(kind);
  return it == Catalog().end() ? none : it->second;
}

Usage Usage::Parse(const SourceMap& sources, FileId file, const model::Org& org, Diagnostics& diags) {
  Usage u;
  u.file_ = sources.path(file);
  config::Node root = config::ParseYaml(sources, file, diags);
  Reader r{sources, file, org, diags, u.values_};
  if (!r.Map(root, "the usage file")) return u;
  for (const auto& e : root.entries) {
    if (e.key == "defaults") {
      r.Kinds(e.value, "defaults/", "defaults");
    } else if (e.key == "environments") {
      if (!r.Map(e.value, "environments")) continue;
      std::vector<std::string> names;
      for (const auto& env : org.environments) names.push_back(env.name);
      for (const auto& env : e.value.entries) {
        if (!org.environment(env.key)) {
          r.Unknown(env, "environment", names, codes::kUsageName);
          continue;
        }
        r.Kinds(env.value, "env/" + env.key + "/", "environments." + env.key);
      }
    } else if (e.key == "tenants") {
      if (!r.Map(e.value, "tenants")) continue;
      std::vector<std::string> names;
      for (const auto& t : org.tenants) names.push_back(t.name);
      for (const auto& te : e.value.entries) {
        auto t = std::find_if(org.tenants.begin(), org.tenants.end(), [&](const auto& x) { return x.name == te.key; });
        if (t == org.tenants.end()) {
          r.Unknown(te, "tenant", names, codes::kUsageName);
          continue;
        }
        if (!r.Map(te.value, "tenants." + te.key)) continue;
        std::vector<const model::Deployment*> all;
        for (const auto& d : t->deployments) all.push_back(&d);
        config::Node rest = te.value;
        rest.entries.clear();
        for (const auto& x : te.value.entries) {
          if (x.key != "environments") {
            rest.entries.push_back(x);
            continue;
          }
          if (!r.Map(x.value, "tenants." + te.key + ".environments")) continue;
          std::vector<std::string> envs;
          for (const auto& d : t->deployments) envs.push_back(d.env);
          for (const auto& ee : x.value.entries) {
            auto d = std::find_if(t->deployments.begin(), t->deployments.end(), [&](const auto& y) { return y.env == ee.key; });
            if (d == t->deployments.end()) {
              r.Unknown(ee, fmt::format("environment of tenant `{}`", te.key), envs, codes::kUsageName);
              continue;
            }
            r.Things(ee.value, *t, {&*d}, "tenant/" + te.key + "/" + ee.key + "/",
                     "tenants." + te.key + ".environments." + ee.key);
          }
        }
        r.Things(rest, *t, all, "tenant/" + te.key + "/*/", "tenants." + te.key);
      }
    } else {
      r.Unknown(e, "section", {"defaults", "environments", "tenants"}, codes::kUnknownKey);
    }
  }
  return u;
}

UsageValue Usage::Get(std::string_view kind, std::string_view key, const std::string& env, const std::string& tenant,
                      const std::string& name) const {
  auto find = [&](const std::string& k) -> const UsageValue* {
    auto it = values_.find(k);
    return it == values_.end() ? nullptr : &it->second;
  };
  if (!values_.empty()) {
    if (!tenant.empty() && !name.empty()) {
      if (!env.empty())
        if (auto* v = find(fmt::format("tenant/{}/{}/{}/{}", tenant, env, name, key))) return *v;
      if (auto* v = find(fmt::format("tenant/{}/*/{}/{}", tenant, name, key))) return *v;
    }
    if (!env.empty())
      if (auto* v = find(fmt::format("env/{}/{}/{}", env, kind, key))) return *v;
    if (auto* v = find(fmt::format("defaults/{}/{}", kind, key))) return *v;
  }
  for (const auto& k : UsageKeys(kind))
    if (key == k.name) return k.def < 0 ? UsageValue{0, false, "default"} : UsageValue{k.def, true, "default"};
  throw std::logic_error(fmt::format("no usage key {}.{}", kind, key));
}

}  // namespace eurus::cost
