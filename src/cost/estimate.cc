#include "cost/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

#include "cost/rules.h"
#include "util/parallel.h"

namespace eurus::cost {

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kFixed: return "fixed";
    case Kind::kUsage: return "usage";
    case Kind::kFree: return "free";
    case Kind::kNotEstimated: return "not_estimated";
  }
  return "?";
}

bool HasRule(const std::string& type) { return PricedRules().count(type) || FreeTypes().count(type); }

std::vector<double> SplitShared(const model::SharedCosts& rule, double amount, const std::vector<std::string>& tenants,
                                const std::vector<double>& direct) {
  std::vector<double> out(tenants.size(), 0.0);
  std::vector<size_t> all(tenants.size());
  std::iota(all.begin(), all.end(), size_t{0});
  auto spread = [&](double x, const std::vector<size_t>& to, bool even) {
    if (to.empty() || x == 0) return;
    double sum = 0;
    for (size_t i : to) sum += direct[i];
    for (size_t i : to) out[i] += (even || sum <= 0) ? x / static_cast<double>(to.size()) : x * direct[i] / sum;
  };
  if (rule.fixed.empty()) {
    spread(amount, all, rule.method == model::SharedCosts::Method::kEven);
    return out;
  }
  double rest = amount;
  std::vector<size_t> others;
  std::map<std::string, std::vector<size_t>> listed;
  for (size_t i : all) {
    auto it = std::find_if(rule.fixed.begin(), rule.fixed.end(), [&](const auto& f) { return f.first == tenants[i]; });
    if (it == rule.fixed.end()) others.push_back(i);
    else listed[it->first].push_back(i);
  }
  for (const auto& [t, idx] : listed) {
    double pct = std::find_if(rule.fixed.begin(), rule.fixed.end(), [&](const auto& f) { return f.first == t; })->second;
    double part = amount * pct / 100;
    spread(part, idx, false);
    rest -= part;
  }
  // The rest: proportional among the tenants not listed; when all are listed, among all.
  spread(rest, others.empty() ? all : others, false);
  return out;
}

// ---- RuleContext ----

double RuleContext::hours() const { return prices.Assumption("hours_per_month"); }

const std::string& RuleContext::Env() const {
  static const std::string none;
  return env ? env->name : none;
}

const std::string& RuleContext::TenantName() const {
  static const std::string none;
  return tenant ? tenant->name : none;
}

void RuleContext::Add(Kind kind, const std::string& item, const std::string& key, double quantity,
                      const std::string& qunit, const std::string& note) {
  const Price& p = prices.Get(org.region, key);
  const PriceKey* meta = prices.Key(key);
  Line l;
  l.unit = unit.id();
  l.environment = Env();
  l.tenant = TenantName();
  l.service = meta ? meta->service : std::string();
  l.address = Address();
  l.item = item;
  l.price_key = key;
  l.quantity = quantity;
  l.quantity_unit = qunit;
  l.unit_price = p.usd;
  l.monthly = quantity * p.usd;
  l.kind = kind;
  l.note = note;
  out.push_back(std::move(l));
}

void RuleContext::Free(const std::string& item, const std::string& why) {
  Line l;
  l.unit = unit.id();
  l.environment = Env();
  l.tenant = TenantName();
  l.address = Address();
  l.item = item;
  l.quantity = 1;
  l.kind = Kind::kFree;
  l.note = why;
  out.push_back(std::move(l));
}

void RuleContext::NotEstimated(const std::string& item, const std::string& why) {
  Free(item, why);
  out.back().kind = Kind::kNotEstimated;
}

UsageValue RuleContext::EnvUsage(const char* key) const { return usage.Get("environment", key, Env(), {}, {}); }

UsageValue RuleContext::ThingUsage(const char* kind, const char* key, const std::string& thing) const {
  return usage.Get(kind, key, Env(), TenantName(), thing);
}

namespace {

/// The CUR product code of a resource type, for free and not-estimated lines.
std::string ServiceOf(const std::string& type) {
  static const std::vector<std::pair<const char*, const char*>> kPrefixes = {
      {"aws_acm_", "AWSCertificateManager"}, {"aws_apigatewayv2_", "AmazonApiGateway"},
      {"aws_appautoscaling_", "AWSApplicationAutoScaling"}, {"aws_backup_", "AWSBackup"},
      {"aws_cloudfront_", "AmazonCloudFront"}, {"aws_cloudwatch_", "AmazonCloudWatch"},
      {"aws_db_", "AmazonRDS"}, {"aws_rds_", "AmazonRDS"}, {"aws_docdb_", "AmazonDocDB"},
      {"aws_ecr_", "AmazonECR"}, {"aws_ecs_", "AmazonECS"}, {"aws_elasticache_", "AmazonElastiCache"},
      {"aws_iam_", "AWSIAM"}, {"aws_kms_", "awskms"}, {"aws_lb", "AWSELB"},
      {"aws_route53_", "AmazonRoute53"}, {"aws_s3_", "AmazonS3"}, {"aws_secretsmanager_", "AWSSecretsManager"},
      {"aws_sns_", "AmazonSNS"}, {"aws_ssm_", "AWSSystemsManager"}, {"aws_wafv2_", "awswaf"},
      {"aws_flow_log", "AmazonVPC"}, {"aws_ec2_", "AmazonVPC"},
  };
  for (const auto& [prefix, service] : kPrefixes)
    if (type.rfind(prefix, 0) == 0) return service;
  if (type == "terraform_data") return "";
  return "AmazonVPC";  // vpc, subnet, route, security group, internet gateway, eip, nat
}

/// Backup plan name → the copies its rules make to other vaults (the most of any rule).
std::map<std::string, int> BackupCopies(const std::vector<tf::Unit>& units) {
  std::map<std::string, int> out;
  for (const auto& u : units) {
    auto it = u.resources().find("aws_backup_plan");
    if (it == u.resources().end()) continue;
    for (const auto& [_, plan] : it->items()) {
      std::string name = plan.value("name", "");
      int copies = 0;
      if (auto r = plan.find("rule"); r != plan.end() && r->is_array())
        for (const auto& rule : *r)
          if (auto c = rule.find("copy_action"); c != rule.end() && c->is_array())
            copies = std::max(copies, static_cast<int>(c->size()));
      if (!name.empty()) out[name] = copies;
    }
  }
  return out;
}

std::vector<Line> PriceUnit(const model::Org& org, const tf::Unit& u, const PriceList& prices, const Usage& usage,
                            const std::map<std::string, int>& copies) {
  std::vector<Line> out;
  const model::Environment* env = org.environment(u.account());
  const model::Tenant* tenant = nullptr;
  const model::Deployment* dep = nullptr;
  if (env && u.name().rfind("tenant-", 0) == 0) {
    std::string t = u.name().substr(7);
    for (const auto& x : org.tenants)
      if (x.name == t) tenant = &x;
    if (tenant)
      for (const auto& d : tenant->deployments)
        if (d.env == env->name) dep = &d;
  }
  RuleContext c{org, u, env, tenant, dep, prices, usage, copies, out, {}, {}, nullptr};
  const auto& priced = PricedRules();
  const auto& free = FreeTypes();
  for (const auto& [type, blocks] : u.resources().items()) {
    auto rule = priced.find(type);
    if (rule == priced.end()) {
      auto why = free.find(type);
      c.type = type;
      c.name = "*";
      if (why != free.end()) {
        c.Free(fmt::format("{} × {}", blocks.size(), type), why->second);
        out.back().quantity = static_cast<double>(blocks.size());
      } else {
        c.NotEstimated(fmt::format("{} × {}", blocks.size(), type),
                       "eurus has no pricing rule for this resource type (a bug: please report it)");
        out.back().quantity = static_cast<double>(blocks.size());
      }
      out.back().service = ServiceOf(type);
      continue;
    }
    for (const auto& [name, body] : blocks.items()) {
      c.type = type;
      c.name = name;
      c.body = &body;
      size_t first = out.size();
      rule->second(c);
      for (size_t i = first; i < out.size(); ++i)
        if (out[i].service.empty()) out[i].service = ServiceOf(type);
    }
  }
  return out;
}

/// The organisation's always-free allowances a month (consolidated billing counts the free
/// tier once for the whole organisation; docs/Cost.md): the first lines in unit order use them.
const std::map<std::string, double>& Allowances() {
  static const std::map<std::string, double> a = {
      {"cloudwatch.alarm_month", 10},   {"cloudwatch.dashboard_month", 3},
      {"cloudwatch.metric_month", 10},  {"cloudwatch.logs_ingest_gb", 5},
      {"cloudfront.out_gb", 1024},      {"cloudfront.https_request_million", 10},
      {"xray.trace_million", 0.1},
  };
  return a;
}

void ApplyAllowances(std::vector<Line>& lines) {
  std::map<std::string, double> left = Allowances();
  std::vector<Line> out;
  out.reserve(lines.size());
  for (auto& l : lines) {
    auto it = left.find(l.price_key);
    if (it == left.end() || it->second <= 0 || l.quantity <= 0 ||
        (l.kind != Kind::kFixed && l.kind != Kind::kUsage)) {
      out.push_back(std::move(l));
      continue;
    }
    double free = std::min(l.quantity, it->second);
    it->second -= free;
    Line f = l;
    f.quantity = free;
    f.monthly = 0;
    f.kind = Kind::kFree;
    f.note = fmt::format("within the organisation's always-free {:g} {} a month", Allowances().at(l.price_key),
                         l.quantity_unit) + (l.note.empty() ? "" : "; " + l.note);
    if (free < l.quantity) {
      l.quantity -= free;
      l.monthly = l.quantity * l.unit_price;
      out.push_back(std::move(f));
      out.push_back(std::move(l));
    } else {
      out.push_back(std::move(f));
    }
  }
  lines = std::move(out);
}

/// Shares `amount` among `pairs` (indices into `tenants`) by billing.shared_costs.
void Share(const model::SharedCosts& rule, double amount, const std::vector<size_t>& pairs,
           std::vector<TenantCost>& tenants, const std::vector<double>& direct) {
  std::vector<std::string> names;
  std::vector<double> weights;
  for (size_t i : pairs) {
    names.push_back(tenants[i].tenant);
    weights.push_back(direct[i]);
  }
  std::vector<double> shares = SplitShared(rule, amount, names, weights);
  for (size_t k = 0; k < pairs.size(); ++k) tenants[pairs[k]].shared += shares[k];
}

void Allocate(const model::Org& org, Estimate& e) {
  std::map<std::pair<std::string, std::string>, size_t> index;  // (tenant, env) → tenants[i]
  for (const auto& t : org.tenants)
    for (const auto& d : t.deployments) {
      index[{t.name, d.env}] = e.tenants.size();
      e.tenants.push_back({t.name, d.env, 0, 0});
    }
  // Scopes: "env:<e>", "realm:<r>", "management".
  std::map<std::string, double> shared;
  for (const auto& l : e.lines) {
    if (l.monthly == 0) continue;
    if (!l.tenant.empty()) {
      auto it = index.find({l.tenant, l.environment});
      if (it != index.end()) {
        e.tenants[it->second].direct += l.monthly;
        continue;
      }
    }
    std::string dir = l.unit.substr(0, l.unit.find('/'));
    if (!l.environment.empty()) shared["env:" + l.environment] += l.monthly;
    else if (dir.rfind("common-", 0) == 0) shared["realm:" + dir.substr(7)] += l.monthly;
    else shared["management"] += l.monthly;
  }
  std::vector<double> direct;
  for (const auto& t : e.tenants) direct.push_back(t.direct);
  for (const auto& [scope, amount] : shared) {
    std::vector<size_t> pairs;
    for (size_t i = 0; i < e.tenants.size(); ++i) {
      const model::Environment* env = org.environment(e.tenants[i].environment);
      bool in = scope == "management" || scope == "env:" + e.tenants[i].environment ||
                (env && scope == std::string("realm:") + model::RealmName(env->realm));
      if (in) pairs.push_back(i);
    }
    if (pairs.empty()) e.unallocated += amount;
    else Share(org.shared_costs, amount, pairs, e.tenants, direct);
  }
}

}  // namespace

Estimate EstimateUnits(const model::Org& org, const std::vector<tf::Unit>& units, const PriceList& prices,
                       const Usage& usage) {
  Estimate e;
  e.currency = prices.currency();
  e.region = org.region;
  e.prices_date = prices.date();
  std::map<std::string, int> copies = BackupCopies(units);
  std::vector<std::vector<Line>> per(units.size());
  ParallelFor(units.size(), [&](size_t i) { per[i] = PriceUnit(org, units[i], prices, usage, copies); });
  size_t n = 0;
  for (const auto& v : per) n += v.size();
  e.lines.reserve(n);
  for (auto& v : per)
    for (auto& l : v) e.lines.push_back(std::move(l));
  ApplyAllowances(e.lines);
  for (const auto& l : e.lines) {
    if (l.kind == Kind::kFixed) e.fixed += l.monthly;
    if (l.kind == Kind::kUsage) e.usage += l.monthly;
  }
  Allocate(org, e);
  return e;
}

}  // namespace eurus::cost
