// The realm dashboard `<org>-<realm>` in the realm's common account (observability.cc): per
// environment of the realm, a header naming its account, then its shared ALB, its tenants'
// ECS clusters, its data stores and its NAT gateways; at the end the state of the realm
// alarms. The common account is the monitoring account of the realm's OAM sink, so its
// dashboards graph the environments' metrics (CloudWatch user guide, "CloudWatch
// cross-account observability"). Resource ids there are AWS's (the ALB's LoadBalancer
// dimension) or the tenants' (cluster names), and this unit knows neither: every widget
// finds its metrics by the environment's account instead, with
// - a SEARCH expression with the search term `:aws.AccountId="<account>"` where a percentile
//   is wanted (Metrics Insights has no percentiles), and
// - a Metrics Insights query `... WHERE AWS.AccountId = '<account>'` (the account limit the
//   user guide documents for queries and alarms in a monitoring account, "Query components
//   and syntax in CloudWatch Metrics Insights") grouped by cluster where a sum per cluster is
//   wanted.
// An alarm status widget lists alarms by ARN, and OAM does not share alarms (only metrics, log
// groups, traces, Application Signals, Application Insights and Internet Monitor): the
// environments' own alarms (`<org>-<env>-alb-5xx`, ...) stay on their platform dashboards;
// this one shows the realm alarms, which live in the common account.

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "synth/observability.h"
#include "tf/unit.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// Metric widgets two to a row (12 wide, 6 high); text rows span the width.
struct Layout {
  Json widgets = Json::array();
  int y = 0;
  bool right = false;
  void Add(Json props) {
    widgets.push_back({{"type", "metric"}, {"x", right ? 12 : 0}, {"y", y}, {"width", 12}, {"height", 6},
                       {"properties", std::move(props)}});
    if (right) y += 6;
    right = !right;
  }
  void Full(Json widget, int height) {
    if (right) y += 6;
    right = false;
    widget["x"] = 0;
    widget["y"] = y;
    widget["width"] = 24;
    widget["height"] = height;
    widgets.push_back(std::move(widget));
    y += height;
  }
};

/// One metric of a widget: a SEARCH expression or a Metrics Insights query (`expression`).
Json Expression(const std::string& id, const std::string& expression, const std::string& label = {}) {
  Json e = {{"id", id}, {"expression", expression}};
  if (!label.empty()) e["label"] = label;
  return Json::array({std::move(e)});
}

Json Graph(const model::Org& org, const std::string& title, Json metrics, int period = 300) {
  return {{"title", title},   {"region", org.region}, {"view", "timeSeries"},
          {"stacked", false}, {"period", period},     {"metrics", std::move(metrics)}};
}

/// SEARCH('{<schema>} MetricName="<metric>" :aws.AccountId="<account>"', '<stat>', <period>)
std::string Search(const std::string& schema, const std::string& metric, const std::string& account,
                   const std::string& stat, int period) {
  return fmt::format("SEARCH('{{{}}} MetricName=\"{}\" :aws.AccountId=\"{}\"', '{}', {})", schema, metric,
                     account, stat, period);
}

/// SELECT <fn>(<metric>) FROM SCHEMA("<namespace>", <dims>) WHERE AWS.AccountId = '<account>' [GROUP BY <by>]
std::string Insights(const std::string& fn, const std::string& metric, const std::string& schema,
                     const std::string& account, const std::string& group_by = {}) {
  std::string q = fmt::format("SELECT {}({}) FROM SCHEMA({}) WHERE AWS.AccountId = '{}'", fn, metric, schema,
                              account);
  if (!group_by.empty()) q += " GROUP BY " + group_by;
  return q;
}

void AlbWidgets(const model::Org& org, const std::string& a, Layout& l) {
  const std::string lb = "AWS/ApplicationELB,LoadBalancer";
  l.Add(Graph(org, "ALB requests", Json::array({Expression("req", Search(lb, "RequestCount", a, "Sum", 60))}), 60));
  l.Add(Graph(org, "ALB 5xx (load balancer, targets)",
              Json::array({Expression("elb5xx", Search(lb, "HTTPCode_ELB_5XX_Count", a, "Sum", 60)),
                           Expression("t5xx", Search(lb, "HTTPCode_Target_5XX_Count", a, "Sum", 60))}),
              60));
  l.Add(Graph(org, "ALB target response time p99 (s)",
              Json::array({Expression("p99", Search(lb, "TargetResponseTime", a, "p99", 300))})));
}

/// With Container Insights: running against desired tasks per tenant cluster (the services'
/// counts summed by cluster); without: CPU and memory per cluster (AWS/ECS).
void EcsWidgets(const model::Org& org, const model::Environment& env, Layout& l) {
  const std::string& a = env.account;
  if (env.container_insights) {
    const std::string schema = "\"ECS/ContainerInsights\", ClusterName, ServiceName";
    l.Add(Graph(org, "ECS tasks running per cluster",
                Json::array({Expression("running", Insights("SUM", "RunningTaskCount", schema, a, "ClusterName"))}),
                60));
    l.Add(Graph(org, "ECS tasks desired per cluster",
                Json::array({Expression("desired", Insights("SUM", "DesiredTaskCount", schema, a, "ClusterName"))}),
                60));
    return;
  }
  // AWS/ECS publishes ClusterName-only CPU and memory for the EC2 launch type only; Fargate
  // services report per ClusterName and ServiceName (Amazon ECS developer guide, "Amazon
  // ECS CloudWatch metrics"), so the query reads those and groups them by cluster.
  const std::string schema = "\"AWS/ECS\", ClusterName, ServiceName";
  l.Add(Graph(org, "ECS CPU per cluster (%)",
              Json::array({Expression("cpu", Insights("AVG", "CPUUtilization", schema, a, "ClusterName"))})));
  l.Add(Graph(org, "ECS memory per cluster (%)",
              Json::array({Expression("mem", Insights("AVG", "MemoryUtilization", schema, a, "ClusterName"))})));
}

/// Aurora Serverless v2, DocumentDB and ElastiCache Serverless of every tenant of the
/// environment, per cluster (the tenants are not listed: a store's name says whose it is).
/// SEARCH expressions, several to a graph: a graph may hold only one Metrics Insights query
/// (CloudWatch user guide, "Metrics Insights quotas": one query per GetMetricData call).
void DataWidgets(const model::Org& org, const std::string& a, Layout& l) {
  const std::string rds = "AWS/RDS,DBClusterIdentifier";
  const std::string docdb = "AWS/DocDB,DBClusterIdentifier";
  const std::string cache = "AWS/ElastiCache,clusterId";
  l.Add(Graph(org, "Aurora capacity (ACU) and CPU (%)",
              Json::array({Expression("acu", Search(rds, "ServerlessDatabaseCapacity", a, "Maximum", 300)),
                           Expression("acpu", Search(rds, "CPUUtilization", a, "Maximum", 300))})));
  l.Add(Graph(org, "DocumentDB CPU (%)",
              Json::array({Expression("dcpu", Search(docdb, "CPUUtilization", a, "Maximum", 300))})));
  l.Add(Graph(org, "Database connections (Aurora, DocumentDB)",
              Json::array({Expression("aconn", Search(rds, "DatabaseConnections", a, "Maximum", 300)),
                           Expression("dconn", Search(docdb, "DatabaseConnections", a, "Maximum", 300))})));
  l.Add(Graph(org, "Database storage (bytes; Aurora, DocumentDB)",
              Json::array({Expression("avol", Search(rds, "VolumeBytesUsed", a, "Maximum", 3600)),
                           Expression("dvol", Search(docdb, "VolumeBytesUsed", a, "Maximum", 3600))}),
              3600));
  l.Add(Graph(org, "ElastiCache Serverless ECPUs and connections",
              Json::array({Expression("ecpu", Search(cache, "ElastiCacheProcessingUnits", a, "Sum", 300)),
                           Expression("cconn", Search(cache, "CurrConnections", a, "Maximum", 300))})));
  l.Add(Graph(org, "ElastiCache Serverless data (bytes)",
              Json::array({Expression("cbytes", Search(cache, "BytesUsedForCache", a, "Maximum", 300))})));
}

}  // namespace

std::string RealmDashboardBody(const model::Org& org, model::RealmKind realm,
                               const std::vector<const model::Environment*>& envs) {
  Layout l;
  for (const model::Environment* e : envs) {
    const std::string& a = e->account;
    l.Full({{"type", "text"},
            {"properties",
             {{"markdown", fmt::format("## Environment {} (account {})\nIts own dashboard: {}-{}-platform, "
                                       "in its account.",
                                       e->name, a, org.name, e->name)}}}},
           2);
    AlbWidgets(org, a, l);
    EcsWidgets(org, *e, l);
    DataWidgets(org, a, l);
    if (e->network.egress || e->network.internet_egress)
      l.Add(Graph(org, "NAT bytes out to destinations",
                  Json::array({Expression("nat", Search("AWS/NATGateway,NatGatewayId", "BytesOutToDestination", a,
                                                        "Sum", 300))})));
  }
  Json alarms = Json::array();
  for (const model::Environment* e : envs)
    alarms.push_back(fmt::format("arn:aws:cloudwatch:{}:{}:alarm:{}", org.region,
                                 org.realm(realm).common_account, RealmAlarmName(org, *e)));
  l.Full({{"type", "alarm"},
          {"properties", {{"title", "Realm alarms"}, {"alarms", std::move(alarms)}, {"sortBy", "stateUpdatedTimestamp"}}}},
         std::max(2, 1 + static_cast<int>(envs.size()) / 4));
  return Json{{"widgets", std::move(l.widgets)}}.dump();
}

std::vector<std::pair<std::string, std::string>> RealmDashboards(const model::Org& org, model::RealmKind realm,
                                                                 const std::vector<const model::Environment*>& envs) {
  const std::string base = fmt::format("{}-{}", org.name, model::RealmName(realm));
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < envs.size(); i += kEnvironmentsPerDashboard) {
    std::vector<const model::Environment*> part(
        envs.begin() + static_cast<std::ptrdiff_t>(i),
        envs.begin() + static_cast<std::ptrdiff_t>(std::min(envs.size(), i + kEnvironmentsPerDashboard)));
    out.emplace_back(i == 0 ? base : fmt::format("{}-{}", base, i / kEnvironmentsPerDashboard + 1),
                     RealmDashboardBody(org, realm, part));
  }
  return out;
}

}  // namespace eurus::synth
