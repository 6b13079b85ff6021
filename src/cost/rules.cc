#include "cost/rules.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace eurus::cost {

namespace {

using tf::Json;

const Json* Field(const Json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::string Str(const Json& body, const char* key) {
  const Json* v = Field(body, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

/// A number written as a number or as a string ("256": task definitions).
double Num(const Json& body, const char* key, double def = 0) {
  const Json* v = Field(body, key);
  if (!v) return def;
  if (v->is_number()) return v->get<double>();
  if (v->is_string()) {
    try {
      return std::stod(v->get<std::string>());
    } catch (...) {
      return def;
    }
  }
  return def;
}

/// The first element of a one-element block list ({"a": [{...}]}) or the object itself.
const Json* Block(const Json& body, const char* key) {
  const Json* v = Field(body, key);
  if (!v) return nullptr;
  if (v->is_array()) return v->empty() ? nullptr : &(*v)[0];
  return v->is_object() ? v : nullptr;
}

/// "${aws_ecs_task_definition.shop_web.arn}" → "shop_web" when the type matches.
std::string RefName(const std::string& expr, const std::string& type) {
  std::string head = "${" + type + ".";
  if (expr.rfind(head, 0) != 0) return {};
  size_t end = expr.find('.', head.size());
  return end == std::string::npos ? std::string() : expr.substr(head.size(), end - head.size());
}

/// The resources of `type` in the unit (name → body), or null.
const Json* OfType(const RuleContext& c, const char* type) {
  auto it = c.unit.resources().find(type);
  return it == c.unit.resources().end() ? nullptr : &*it;
}

size_t Count(const RuleContext& c, const char* type, const std::function<bool(const Json&)>& pred) {
  const Json* all = OfType(c, type);
  if (!all) return 0;
  size_t n = 0;
  for (const auto& [_, b] : all->items())
    if (pred(b)) ++n;
  return n;
}

std::string Tag(const Json& body, const char* key) {
  const Json* t = Field(body, "tags");
  return t && t->is_object() ? Str(*t, key) : std::string();
}

/// The model's data store of the tenant whose block key is `block` (data.cc: BlockKey(name)).
const model::Resource* StoreOf(const RuleContext& c, const std::string& block) {
  if (!c.dep) return nullptr;
  for (const auto& r : c.dep->resources) {
    std::string k = r.name;
    std::replace(k.begin(), k.end(), '-', '_');
    if (k == block || r.name == block) return &r;
  }
  return nullptr;
}

/// Monthly GB-months of CloudWatch Logs archive kept for `ingest_gb` a month at `days` of
/// retention: archived data is compressed; AWS bills the compressed size. eurus assumes a
/// 0.15 ratio (typical for text logs) and counts at most a year of retention.
double LogStorageGb(double ingest_gb, double days) {
  constexpr double kCompressed = 0.15;
  double months = std::min(days <= 0 ? 365.0 : days, 365.0) / 30.0;
  return ingest_gb * kCompressed * months;
}

void BackupStorage(RuleContext& c, const char* kind, const std::string& thing, double storage_gb,
                   const char* key) {
  std::string plan = Tag(*c.body, "eurus:backup");
  auto it = c.backup_copies.find(plan);
  if (plan.empty() || it == c.backup_copies.end()) return;
  UsageValue b = c.ThingUsage(kind, "backup_gb", thing);
  double gb = b.set ? b.value : storage_gb;
  int copies = 1 + it->second;
  c.Use(copies > 1 ? fmt::format("backup storage (plan {}, {} copies)", plan, copies)
                     : fmt::format("backup storage (plan {})", plan),
          key, gb * copies, "GB-months",
          b.set ? Assumed(b, "GB") : fmt::format("{} GB a copy (default: the data's own size)", gb));
}

// ---- network ----

void NatGateway(RuleContext& c) {
  bool priv = Str(*c.body, "connectivity_type") == "private";
  c.Fixed(priv ? "private NAT gateway-hours" : "NAT gateway-hours", "ec2.nat_gateway_hour", c.hours(), "hours");
  size_t n = Count(c, "aws_nat_gateway", [&](const Json& b) { return (Str(b, "connectivity_type") == "private") == priv; });
  UsageValue gb = c.EnvUsage(priv ? "private_nat_gb" : "nat_gb");
  c.Use("NAT data processed", "ec2.nat_gateway_gb", gb.value / static_cast<double>(n), "GB",
          Assumed(gb, "GB") + (n > 1 ? fmt::format(", split over {} NAT gateways", n) : ""));
  if (!priv) {
    UsageValue out = c.EnvUsage("internet_out_gb");
    c.Use("data out to the internet", "transfer.internet_out_gb", out.value / static_cast<double>(n), "GB",
            Assumed(out, "GB") + (n > 1 ? fmt::format(", split over {} NAT gateways", n) : ""));
  }
}

void Eip(RuleContext& c) {
  c.Fixed("public IPv4 address-hours", "vpc.public_ipv4_hour", c.hours(), "hours");
}

void VpcEndpoint(RuleContext& c) {
  if (Str(*c.body, "vpc_endpoint_type") != "Interface") {
    c.Free("gateway endpoint", "gateway VPC endpoints have no charge");
    return;
  }
  const Json* subnets = Field(*c.body, "subnet_ids");
  double azs = subnets && subnets->is_array() ? static_cast<double>(subnets->size()) : 1;
  c.Fixed(fmt::format("interface endpoint ENI-hours ({} AZ{})", azs, azs == 1 ? "" : "s"), "vpc.endpoint_hour",
          azs * c.hours(), "hours");
  size_t n = Count(c, "aws_vpc_endpoint", [](const Json& b) { return Str(b, "vpc_endpoint_type") == "Interface"; });
  UsageValue gb = c.EnvUsage("endpoint_gb");
  c.Use("endpoint data processed", "vpc.endpoint_gb", gb.value / static_cast<double>(n), "GB",
          Assumed(gb, "GB") + fmt::format(", split over {} interface endpoints", n));
}

void TgwAttachment(RuleContext& c) {
  c.Fixed("transit gateway attachment-hours", "vpc.tgw_attachment_hour", c.hours(), "hours",
          "billed to the account that owns the attachment");
  UsageValue gb = c.EnvUsage("transit_gateway_gb");
  c.Use("transit gateway data processed", "vpc.tgw_gb", gb.value, "GB", Assumed(gb, "GB"));
}

void LoadBalancer(RuleContext& c) {
  std::string type = Str(*c.body, "load_balancer_type");
  if (!type.empty() && type != "application") {
    c.NotEstimated(type + " load balancer", "eurus prices application load balancers only");
    return;
  }
  c.Fixed("ALB-hours", "elb.alb_hour", c.hours(), "hours");
  UsageValue lcu = c.EnvUsage("alb_lcu");
  c.Use("load balancer capacity unit-hours", "elb.alb_lcu_hour", lcu.value * c.hours(), "LCU-hours",
          Assumed(lcu, "LCU on average"));
}

void Zone(RuleContext& c) {
  c.Fixed("hosted zone-month", "route53.zone_month", 1, "months",
          "queries for alias records (ALB, CloudFront, API) are free");
}

// ---- edge ----

void Distribution(RuleContext& c) {
  UsageValue gb = c.EnvUsage("cloudfront_gb");
  UsageValue req = c.EnvUsage("cloudfront_requests_million");
  c.Use("CloudFront data out to viewers", "cloudfront.out_gb", gb.value, "GB",
          Assumed(gb, "GB") + "; origin fetches from the ALB over the VPC origin are free");
  c.Use("CloudFront HTTPS requests", "cloudfront.https_request_million", req.value, "M requests",
          Assumed(req, "M requests"));
}

void HttpApi(RuleContext& c) {
  if (Str(*c.body, "protocol_type") != "HTTP") {
    c.NotEstimated("WebSocket API", "eurus prices HTTP APIs only");
    return;
  }
  UsageValue req = c.EnvUsage("api_requests_million");
  c.Use("HTTP API requests", "apigateway.http_request_million", req.value, "M requests",
          Assumed(req, "M requests") + "; the VPC link is free");
}

void WebAcl(RuleContext& c) {
  c.Fixed("web ACL-month", "waf.web_acl_month", 1, "months");
  const Json* rules = Field(*c.body, "rule");
  double n = rules && rules->is_array() ? static_cast<double>(rules->size()) : 0;
  if (n > 0) c.Fixed(fmt::format("rule-months ({} rules)", n), "waf.rule_month", n, "months");
  UsageValue req = c.EnvUsage("waf_requests_million");
  c.Use("requests inspected", "waf.request_million", req.value, "M requests", Assumed(req, "M requests"));
}

void WafLogging(RuleContext& c) {
  UsageValue gb = c.EnvUsage("platform_log_gb");
  c.Use("WAF logs delivered (vended)", "cloudwatch.vended_logs_gb", gb.value, "GB", Assumed(gb, "GB"));
}

void LogDelivery(RuleContext& c) {
  UsageValue gb = c.EnvUsage("edge_logs_gb");
  c.Use("CloudFront access logs delivered to S3 (vended)", "cloudwatch.vended_s3_gb", gb.value, "GB",
          Assumed(gb, "GB"));
}

// ---- compute ----

void EcsService(RuleContext& c) {
  std::string td = RefName(Str(*c.body, "task_definition"), "aws_ecs_task_definition");
  const Json* tds = OfType(c, "aws_ecs_task_definition");
  if (td.empty() || !tds || !tds->contains(td)) {
    c.NotEstimated("ECS service", "its task definition is not in the unit");
    return;
  }
  const Json& t = (*tds)[td];
  std::string app = Tag(*c.body, "eurus:app");
  double vcpu = Num(t, "cpu") / 1024.0, gb = Num(t, "memory") / 1024.0;
  const Json* platform = Block(t, "runtime_platform");
  bool arm = platform && Str(*platform, "cpu_architecture") == "ARM64";
  bool spot = false;
  if (const Json* cps = Field(*c.body, "capacity_provider_strategy"); cps && cps->is_array())
    for (const auto& s : *cps)
      if (Str(s, "capacity_provider") == "FARGATE_SPOT" && Num(s, "weight") > 0) spot = true;
  double factor = spot ? 1 - c.prices.Assumption("fargate_spot_discount") : 1;
  std::string spot_note = spot ? fmt::format("Fargate Spot: {:.0f}% below on demand (an assumption: Spot has no list price)",
                                             100 * c.prices.Assumption("fargate_spot_discount"))
                               : std::string();
  double tasks = Num(*c.body, "desired_count", 1);
  const char* vkey = arm ? "fargate.arm_vcpu_hour" : "fargate.vcpu_hour";
  const char* gkey = arm ? "fargate.arm_gb_hour" : "fargate.gb_hour";
  auto lines = [&](Kind kind, double n, const std::string& why) {
    if (n <= 0) return;
    std::string note = why + (spot_note.empty() ? "" : "; " + spot_note);
    size_t first = c.out.size();
    c.Add(kind, fmt::format("Fargate vCPU-hours ({} × {} vCPU{})", n, vcpu, spot ? ", spot" : ""), vkey,
          n * vcpu * c.hours(), "vCPU-hours", note);
    c.Add(kind, fmt::format("Fargate GB-hours ({} × {} GB{})", n, gb, spot ? ", spot" : ""), gkey,
          n * gb * c.hours(), "GB-hours", note);
    for (size_t i = first; i < c.out.size(); ++i) {
      c.out[i].unit_price *= factor;
      c.out[i].monthly *= factor;
    }
  };
  lines(Kind::kFixed, tasks, fmt::format("{} task{} at rest (replicas.min)", tasks, tasks == 1 ? "" : "s"));
  UsageValue extra = c.ThingUsage("app", "extra_tasks", app);
  lines(Kind::kUsage, extra.value, Assumed(extra, "tasks above the minimum on average"));
  std::string defs = Str(t, "container_definitions");
  if (defs.find("otel-collector") != std::string::npos) {
    UsageValue tr = c.ThingUsage("app", "traces_million", app);
    c.Use("X-Ray traces recorded", "xray.trace_million", tr.value, "M traces", Assumed(tr, "M traces"));
  }
}

void EcsCluster(RuleContext& c) {
  bool insights = false;
  if (const Json* s = Field(*c.body, "setting"); s && s->is_array())
    for (const auto& x : *s)
      if (Str(x, "name") == "containerInsights" && Str(x, "value") != "disabled") insights = true;
  if (!insights) {
    c.Free("ECS cluster", "clusters have no charge (Container Insights off)");
    return;
  }
  // Container Insights (standard) publishes custom metrics: per cluster, and per service and
  // per task definition family. eurus counts 8 cluster metrics and 11 per service (the
  // ECS/ContainerInsights metrics with ClusterName, ServiceName dimensions in the ECS docs).
  size_t services = Count(c, "aws_ecs_service", [](const Json&) { return true; });
  double metrics = 8 + 11 * static_cast<double>(services);
  c.Fixed(fmt::format("Container Insights metrics ({} service{})", services, services == 1 ? "" : "s"), "cloudwatch.metric_month", metrics,
          "metric-months", "8 per cluster + 11 per service (an estimate of the metric count)");
}

void LogGroup(RuleContext& c) {
  // The log volume: an app's (eurus:app tag), a data store's (/aws/rds, /aws/docdb), a VPC
  // flow log's destination (vended), or the platform's.
  double days = Num(*c.body, "retention_in_days", 0);
  std::string name = Str(*c.body, "name");
  bool flow = false;
  if (const Json* fl = OfType(c, "aws_flow_log"))
    for (const auto& [_, b] : fl->items())
      if (RefName(Str(b, "log_destination"), "aws_cloudwatch_log_group") == c.name) flow = true;
  std::string app = Tag(*c.body, "eurus:app");
  UsageValue gb;
  std::string what = "log ingestion";
  std::string key = "cloudwatch.logs_ingest_gb";
  if (flow) {
    gb = c.EnvUsage("flow_logs_gb");
    what = "VPC flow logs delivered (vended)";
    key = "cloudwatch.vended_logs_gb";
  } else if (!app.empty() && c.tenant) {
    gb = c.ThingUsage("app", "log_gb", app);
  } else if (c.tenant && (name.rfind("/aws/rds/", 0) == 0 || name.rfind("/aws/docdb/", 0) == 0)) {
    // /aws/rds/cluster/<org>-<tenant>-<store>/<log>
    std::string store;
    std::string prefix = fmt::format("{}-{}-", c.org.name, c.tenant->name);
    size_t at = name.find(prefix);
    if (at != std::string::npos) store = name.substr(at + prefix.size(), name.find('/', at) - at - prefix.size());
    const model::Resource* r = nullptr;
    if (c.dep)
      for (const auto& x : c.dep->resources)
        if (x.name == store) r = &x;
    gb = r ? c.ThingUsage(model::ResourceTypeName(r->type), "log_gb", store) : UsageValue{0.2, true, "default"};
  } else {
    gb = c.EnvUsage("platform_log_gb");
  }
  c.Use(what, key, gb.value, "GB", Assumed(gb, "GB"));
  double stored = LogStorageGb(gb.value, days);
  c.Use(fmt::format("log storage ({} days kept)", days <= 0 ? std::string("forever") : fmt::format("{}", days)),
          "cloudwatch.logs_storage_gb_month", stored, "GB-months",
          "the month's logs compressed to 15%, kept for the retention (at most a year counted)");
}

void Alarm(RuleContext& c) {
  double metrics = 1;
  if (const Json* q = Field(*c.body, "metric_query"); q && q->is_array()) {
    metrics = 0;
    for (const auto& m : *q)
      if (Field(m, "metric")) ++metrics;
    metrics = std::max(metrics, 1.0);
  }
  c.Fixed(metrics > 1 ? fmt::format("alarm-month ({} metrics)", metrics) : "alarm-month", "cloudwatch.alarm_month",
          metrics, "alarm metrics", "standard resolution");
}

void Dashboard(RuleContext& c) { c.Fixed("dashboard-month", "cloudwatch.dashboard_month", 1, "months"); }

void Repository(RuleContext& c) {
  UsageValue gb = c.usage.Get("registry", "storage_gb", "", "", "");
  c.Use("image storage", "ecr.storage_gb_month", gb.value, "GB-months", Assumed(gb, "GB"));
}

// ---- data ----

void Kms(RuleContext& c) {
  c.Fixed("customer managed key-month", "kms.key_month", 1, "months");
  UsageValue req = c.EnvUsage("kms_requests_million");
  c.Use("KMS requests", "kms.request_million", req.value, "M requests", Assumed(req, "M requests"));
}

void Secret(RuleContext& c) {
  c.Fixed("secret-month", "secretsmanager.secret_month", 1, "months");
  UsageValue calls = c.ThingUsage("app", "secret_calls_million", "");
  c.Use("Secrets Manager API calls", "secretsmanager.api_million", calls.value, "M calls",
          Assumed(calls, "M calls"));
}

/// The master password secret RDS and DocumentDB manage (manage_master_user_password).
void ManagedSecret(RuleContext& c) {
  if (const Json* m = Field(*c.body, "manage_master_user_password"); m && m->is_boolean() && m->get<bool>())
    c.Fixed("managed master password secret-month", "secretsmanager.secret_month", 1, "months",
            "the secret RDS creates and rotates for the master user");
}

void AuroraCluster(RuleContext& c) {
  const model::Resource* r = StoreOf(c, c.name);
  std::string kind = r ? model::ResourceTypeName(r->type) : "postgres";
  std::string thing = r ? r->name : c.name;
  ManagedSecret(c);
  const Json* scaling = Block(*c.body, "serverlessv2_scaling_configuration");
  double min = scaling ? Num(*scaling, "min_capacity") : 0;
  size_t instances = Count(c, "aws_rds_cluster_instance", [&](const Json& b) {
    return RefName(Str(b, "cluster_identifier"), "aws_rds_cluster") == c.name;
  });
  UsageValue acu = c.ThingUsage(kind.c_str(), "acu_hours_per_day", thing);
  double at_rest = min * 24 * static_cast<double>(instances);
  double per_day = acu.set ? acu.value : (min > 0 ? at_rest : 1.0);
  double extra = std::max(0.0, per_day - at_rest) * c.hours() / 24;
  if (extra > 0)
    c.Use("Aurora capacity above the minimum", "aurora.acu_hour", extra, "ACU-hours",
            acu.set ? Assumed(acu, "ACU-hours a day")
                    : "1 ACU-hour a day (default for a cluster that pauses when idle)");
  UsageValue storage = c.ThingUsage(kind.c_str(), "storage_gb", thing);
  c.Use("Aurora storage", "aurora.storage_gb_month", storage.value, "GB-months", Assumed(storage, "GB"));
  UsageValue io = c.ThingUsage(kind.c_str(), "io_million", thing);
  c.Use("Aurora I/O requests", "aurora.io_million", io.value, "M requests", Assumed(io, "M requests"));
  BackupStorage(c, kind.c_str(), thing, storage.value, "backup.aurora_gb_month");
}

void AuroraInstance(RuleContext& c) {
  if (Str(*c.body, "instance_class") != "db.serverless") {
    c.NotEstimated("Aurora provisioned instance", "eurus prices Aurora Serverless v2 (db.serverless) only");
    return;
  }
  std::string cluster = RefName(Str(*c.body, "cluster_identifier"), "aws_rds_cluster");
  const Json* clusters = OfType(c, "aws_rds_cluster");
  double min = 0;
  if (clusters && clusters->contains(cluster))
    if (const Json* s = Block((*clusters)[cluster], "serverlessv2_scaling_configuration")) min = Num(*s, "min_capacity");
  if (min <= 0) {
    c.Free("Aurora Serverless v2 instance at 0 ACU", "min_acu 0: the instance pauses when idle; capacity in use "
                                                      "is priced on the cluster");
    return;
  }
  c.Fixed(fmt::format("Aurora Serverless v2 minimum capacity ({} ACU)", min), "aurora.acu_hour", min * c.hours(),
          "ACU-hours", "min_acu around the clock");
}

void DocdbCluster(RuleContext& c) {
  const model::Resource* r = StoreOf(c, c.name);
  std::string thing = r ? r->name : c.name;
  ManagedSecret(c);
  UsageValue storage = c.ThingUsage("documentdb", "storage_gb", thing);
  c.Use("DocumentDB storage", "docdb.storage_gb_month", storage.value, "GB-months", Assumed(storage, "GB"));
  UsageValue io = c.ThingUsage("documentdb", "io_million", thing);
  c.Use("DocumentDB I/O requests", "docdb.io_million", io.value, "M requests", Assumed(io, "M requests"));
  BackupStorage(c, "documentdb", thing, storage.value, "backup.docdb_gb_month");
}

void DocdbInstance(RuleContext& c) {
  std::string cls = Str(*c.body, "instance_class");
  std::string key = "docdb.instance_hour." + cls;
  if (!c.prices.Key(key)) {
    c.NotEstimated("DocumentDB instance " + cls,
                   "the price file has no price for this instance class (add docdb.instance_hour." + cls + ")");
    return;
  }
  c.Fixed("DocumentDB instance-hours (" + cls + ")", key, c.hours(), "hours");
}

void Cache(RuleContext& c) {
  if (Str(*c.body, "engine") != "valkey") {
    c.NotEstimated("ElastiCache Serverless " + Str(*c.body, "engine"), "eurus prices the Valkey engine only");
    return;
  }
  const model::Resource* r = StoreOf(c, c.name);
  std::string thing = r ? r->name : c.name;
  constexpr double kMinGb = 0.1;  // ElastiCache Serverless for Valkey bills at least 100 MB
  c.Fixed("Valkey data stored (the 100 MB minimum)", "elasticache.valkey_gb_hour", kMinGb * c.hours(), "GB-hours",
          "ElastiCache Serverless for Valkey bills at least 100 MB of data");
  UsageValue gb = c.ThingUsage("redis", "data_gb", thing);
  if (gb.value > kMinGb)
    c.Use("Valkey data stored above the minimum", "elasticache.valkey_gb_hour", (gb.value - kMinGb) * c.hours(),
            "GB-hours", Assumed(gb, "GB on average"));
  UsageValue ecpu = c.ThingUsage("redis", "ecpu_million", thing);
  c.Use("ElastiCache processing units", "elasticache.valkey_ecpu_million", ecpu.value, "M ECPUs",
          Assumed(ecpu, "M ECPUs"));
  double kept = Num(*c.body, "snapshot_retention_limit", 0);
  if (kept > 0) {
    UsageValue snap = c.ThingUsage("redis", "snapshot_gb", thing);
    double snap_gb = snap.set ? snap.value : std::max(gb.value, kMinGb) * kept;
    c.Use(fmt::format("snapshot storage ({} daily snapshots kept)", kept), "elasticache.snapshot_gb_month",
            snap_gb, "GB-months", snap.set ? Assumed(snap, "GB") : "data_gb × the snapshots kept");
  }
}

void Bucket(RuleContext& c) {
  const model::Resource* r = c.tenant ? StoreOf(c, c.name) : nullptr;
  if (r && r->type == model::ResourceType::kS3) {
    UsageValue gb = c.ThingUsage("s3", "storage_gb", r->name);
    c.Use("S3 Standard storage", "s3.standard_gb_month", gb.value, "GB-months", Assumed(gb, "GB"));
    UsageValue put = c.ThingUsage("s3", "put_million", r->name);
    c.Use("S3 PUT/COPY/POST/LIST requests", "s3.put_million", put.value, "M requests", Assumed(put, "M requests"));
    UsageValue get = c.ThingUsage("s3", "get_million", r->name);
    c.Use("S3 GET requests", "s3.get_million", get.value, "M requests", Assumed(get, "M requests"));
    BackupStorage(c, "s3", r->name, gb.value, "backup.s3_gb_month");
    return;
  }
  UsageValue gb = c.EnvUsage("log_bucket_gb");
  c.Use("S3 Standard storage (logs, state)", "s3.standard_gb_month", gb.value, "GB-months", Assumed(gb, "GB"));
}

void FlowLog(RuleContext& c) {
  if (Str(*c.body, "log_destination_type") == "s3") {
    UsageValue gb = c.EnvUsage("flow_logs_gb");
    c.Use("VPC flow logs delivered to S3 (vended)", "cloudwatch.vended_s3_gb", gb.value, "GB", Assumed(gb, "GB"));
    return;
  }
  c.Free("flow log", "the records are priced on its log group (vended logs)");
}

void Parameter(RuleContext& c) {
  if (Str(*c.body, "tier") == "Advanced") {
    c.NotEstimated("advanced parameter", "eurus creates standard parameters only");
    return;
  }
  c.Free("standard parameter", "standard parameters have no charge");
}

}  // namespace

const std::map<std::string, Rule>& PricedRules() {
  static const std::map<std::string, Rule> rules = {
      {"aws_nat_gateway", NatGateway},
      {"aws_eip", Eip},
      {"aws_vpc_endpoint", VpcEndpoint},
      {"aws_ec2_transit_gateway_vpc_attachment", TgwAttachment},
      {"aws_lb", LoadBalancer},
      {"aws_route53_zone", Zone},
      {"aws_cloudfront_distribution", Distribution},
      {"aws_apigatewayv2_api", HttpApi},
      {"aws_wafv2_web_acl", WebAcl},
      {"aws_wafv2_web_acl_logging_configuration", WafLogging},
      {"aws_cloudwatch_log_delivery", LogDelivery},
      {"aws_ecs_service", EcsService},
      {"aws_ecs_cluster", EcsCluster},
      {"aws_cloudwatch_log_group", LogGroup},
      {"aws_cloudwatch_metric_alarm", Alarm},
      {"aws_cloudwatch_dashboard", Dashboard},
      {"aws_ecr_repository", Repository},
      {"aws_kms_key", Kms},
      {"aws_secretsmanager_secret", Secret},
      {"aws_rds_cluster", AuroraCluster},
      {"aws_rds_cluster_instance", AuroraInstance},
      {"aws_docdb_cluster", DocdbCluster},
      {"aws_docdb_cluster_instance", DocdbInstance},
      {"aws_elasticache_serverless_cache", Cache},
      {"aws_s3_bucket", Bucket},
      {"aws_flow_log", FlowLog},
      {"aws_ssm_parameter", Parameter},
  };
  return rules;
}

const std::map<std::string, std::string>& FreeTypes() {
  static const std::map<std::string, std::string> free = {
      {"aws_acm_certificate", "public ACM certificates are free"},
      {"aws_acm_certificate_validation", "a wait, not a resource"},
      {"aws_apigatewayv2_api_mapping", "configuration of the API"},
      {"aws_apigatewayv2_domain_name", "custom domain names are free"},
      {"aws_apigatewayv2_integration", "configuration of the API"},
      {"aws_apigatewayv2_route", "configuration of the API"},
      {"aws_apigatewayv2_stage", "configuration of the API (its access log group is priced)"},
      {"aws_apigatewayv2_vpc_link", "VPC links of HTTP APIs are free"},
      {"aws_appautoscaling_policy", "Application Auto Scaling is free"},
      {"aws_appautoscaling_target", "Application Auto Scaling is free"},
      {"aws_backup_global_settings", "account settings"},
      {"aws_backup_plan", "plans are free; backup storage is priced on each data store"},
      {"aws_backup_region_settings", "account settings"},
      {"aws_backup_selection", "plans are free; backup storage is priced on each data store"},
      {"aws_backup_vault", "vaults are free; backup storage is priced on each data store"},
      {"aws_backup_vault_lock_configuration", "vault settings"},
      {"aws_backup_vault_policy", "vault settings"},
      {"aws_bcmdataexports_export", "Data Exports are free; the export's objects are priced on its bucket"},
      // AWS Budgets price list (AWSBudgets, effective 2020-10-01): "$0.00 for Budget-days"
      // without actions; action-enabled budgets $0.10 a budget-day after 62 free budget-days
      // a month, budget reports $0.01 each. eurus's budgets only notify.
      {"aws_budgets_budget", "budgets without actions are free (actions and budget reports are not; eurus uses neither)"},
      {"aws_ce_cost_allocation_tag", "activating cost allocation tags is free"},
      {"aws_ce_cost_category", "cost categories are free"},
      {"aws_cloudfront_vpc_origin", "VPC origins are free"},
      {"aws_cloudwatch_log_delivery_destination", "the delivered logs are priced on the delivery"},
      {"aws_cloudwatch_log_delivery_source", "the delivered logs are priced on the delivery"},
      {"aws_cloudwatch_log_resource_policy", "a policy"},
      {"aws_db_subnet_group", "configuration"},
      {"aws_default_security_group", "security groups are free"},
      {"aws_docdb_cluster_parameter_group", "configuration"},
      {"aws_docdb_subnet_group", "configuration"},
      {"aws_ecr_lifecycle_policy", "a policy"},
      {"aws_ecr_repository_policy", "a policy"},
      {"aws_ecs_cluster_capacity_providers", "configuration"},
      {"aws_ecs_task_definition", "task definitions are free; running tasks are priced on the service"},
      {"aws_elasticache_subnet_group", "configuration"},
      {"aws_iam_openid_connect_provider", "IAM is free"},
      {"aws_iam_policy", "IAM is free"},
      {"aws_iam_role", "IAM is free"},
      {"aws_iam_role_policy", "IAM is free"},
      {"aws_iam_role_policy_attachment", "IAM is free"},
      {"aws_internet_gateway", "internet gateways are free (data out is priced on the NAT gateway)"},
      {"aws_kms_alias", "aliases are free"},
      {"aws_lb_listener", "priced in the load balancer's LCUs"},
      {"aws_lb_listener_certificate", "configuration"},
      {"aws_lb_listener_rule", "priced in the load balancer's LCUs (rule evaluations)"},
      {"aws_lb_target_group", "priced in the load balancer's LCUs"},
      // CloudWatch cross-account observability: sharing metrics and log groups with the
      // monitoring account costs nothing extra, and the first copy of each trace is free
      // (CloudWatch user guide, "Monitoring spans across accounts"; X-Ray developer guide,
      // "Cross-account tracing"); eurus links each environment to one sink only.
      {"aws_oam_link", "cross-account observability: shared metrics and logs are free, the first trace copy is free"},
      {"aws_oam_sink", "cross-account observability has no charge of its own"},
      {"aws_oam_sink_policy", "a policy"},
      {"aws_rds_cluster_parameter_group", "configuration"},
      {"aws_route", "routes are free"},
      {"aws_route53_record", "records are free; alias queries are free"},
      {"aws_route_table", "route tables are free"},
      {"aws_route_table_association", "route tables are free"},
      {"aws_s3_bucket_lifecycle_configuration", "bucket configuration"},
      {"aws_s3_bucket_logging", "bucket configuration (the log objects are priced as storage)"},
      {"aws_s3_bucket_ownership_controls", "bucket configuration"},
      {"aws_s3_bucket_policy", "bucket configuration"},
      {"aws_s3_bucket_public_access_block", "bucket configuration"},
      {"aws_s3_bucket_server_side_encryption_configuration", "bucket configuration (KMS requests priced on the key)"},
      {"aws_s3_bucket_versioning", "bucket configuration (old versions count as storage)"},
      {"aws_security_group", "security groups are free"},
      {"aws_sns_topic", "email notifications: the first 1,000 a month are free"},
      {"aws_sns_topic_policy", "a policy"},
      {"aws_sns_topic_subscription", "subscriptions are free"},
      {"aws_subnet", "subnets are free"},
      {"aws_vpc", "VPCs are free"},
      {"aws_vpc_endpoint_route_table_association", "gateway endpoints are free"},
      {"aws_vpc_ipv4_cidr_block_association", "secondary CIDRs are free"},
      {"aws_vpc_security_group_egress_rule", "security groups are free"},
      {"aws_vpc_security_group_ingress_rule", "security groups are free"},
      {"terraform_data", "no AWS resource"},
      // X-Ray pricing (aws.amazon.com/xray/pricing) charges traces recorded, retrieved and
      // scanned, nothing for rules; the traces the rules let through are priced on the ECS
      // service of each app with the collector (xray.trace_million).
      {"aws_xray_sampling_rule", "sampling rules are free; the traces they record are priced on each app's service"},
  };
  return free;
}

std::string Assumed(const UsageValue& v, const char* what) {
  return fmt::format("{:g} {} a month ({})", v.value, what, v.origin == "default" ? "default" : "usage file " + v.origin);
}

}  // namespace eurus::cost
