// The environment's one dashboard, in <env>/platform: the shared ALB and NAT gateways, then
// a section for one tenant at a time, chosen with the dashboard's tenant selector (a
// CloudWatch dashboard variable). One dashboard per environment instead of one per tenant:
// CloudWatch bills each dashboard beyond an account's first three ($3 a month).
// See docs/Platform.md ("The dashboard").

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/naming.h"
#include "synth/platform.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// Up to this many tenants, the selector is a drop-down of their names; beyond it, a text
/// box where the cluster name (<org>-<tenant>) is typed, so the body stays small whatever
/// the number of tenants. The widgets do not grow with the tenants (AWS allows at most 500
/// per dashboard: "Dashboard Body Structure and Syntax", CloudWatch API Reference).
constexpr size_t kMaxSelectable = 100;

/// Lays metric widgets out two to a row, 12 columns wide and 6 high; text rows span the
/// width.
struct Grid {
  Json widgets = Json::array();
  int y = 0;
  bool right = false;  ///< the next metric widget goes in the right half
  void Add(Json widget) {
    widget["x"] = right ? 12 : 0;
    widget["y"] = y;
    widget["width"] = 12;
    widget["height"] = 6;
    widgets.push_back(std::move(widget));
    if (right) y += 6;
    right = !right;
  }
  void Text(const std::string& markdown) {
    if (right) y += 6;
    right = false;
    widgets.push_back({{"type", "text"}, {"x", 0}, {"y", y}, {"width", 24}, {"height", 2},
                       {"properties", {{"markdown", markdown}}}});
    y += 2;
  }
};

Json MetricWidget(const model::Org& org, const std::string& title, Json metrics,
                  Json extra = Json::object()) {
  Json props = {{"title", title},   {"region", org.region}, {"view", "timeSeries"},
                {"stacked", false}, {"period", 300},        {"metrics", std::move(metrics)}};
  for (auto& [k, v] : extra.items()) props[k] = v;
  return {{"type", "metric"}, {"properties", std::move(props)}};
}

/// One search expression as a widget's metric (a metric is an array: `[{expression, id}]`).
Json Search(const char* id, const std::string& query, const char* stat, int period) {
  Json e = Json::object();
  e["id"] = id;
  e["expression"] = fmt::format("SEARCH('{}', '{}', {})", query, stat, period);
  return Json::array({e});
}

/// The metrics of a widget with one search expression.
Json OneSearch(const char* id, const std::string& query, const char* stat, int period) {
  return Json::array({Search(id, query, stat, period)});
}

/// The clusters of the tenants with apps in `env`, in name order: the selector's choices.
std::vector<std::pair<std::string, std::string>> TenantClusters(const model::Org& org,
                                                                const model::Environment& env) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const model::Tenant& t : org.tenants)
    for (const model::Deployment& d : t.deployments)
      if (d.env == env.name && !d.apps.empty())
        out.emplace_back(t.name, naming::EcsCluster(org.name, t.name).value);
  return out;
}

/// The tenant section: its services' CPU, memory (and with Container Insights their running
/// tasks), and with the ALB its target groups' requests, 5xx, p99 latency and unhealthy
/// targets. Written for the cluster `cluster`; the selector rewrites that name (a pattern
/// variable) to the chosen tenant's. Services are found by their cluster (ClusterName is
/// exact); target groups by the tokens of <org>-<tenant>, which start their names.
void TenantSection(const model::Org& org, const model::Environment& env, bool alb,
                   const std::string& cluster, Grid& g) {
  g.Text(fmt::format("## Tenant {} (choose another with the Tenant selector above)", cluster));
  const std::string ecs =
      fmt::format("{{AWS/ECS,ClusterName,ServiceName}} ClusterName=\"{}\" MetricName=", cluster);
  g.Add(MetricWidget(org, "Services: CPU (%)",
                     OneSearch("cpu", ecs + "\"CPUUtilization\"", "Average", 300)));
  g.Add(MetricWidget(org, "Services: memory (%)",
                     OneSearch("mem", ecs + "\"MemoryUtilization\"", "Average", 300)));
  if (env.container_insights)
    g.Add(MetricWidget(
        org, "Services: running tasks",
        OneSearch("tasks",
               fmt::format("{{ECS/ContainerInsights,ClusterName,ServiceName}} ClusterName=\"{}\" "
                           "MetricName=\"RunningTaskCount\"",
                           cluster),
               "Minimum", 60)));
  if (!alb) return;
  const std::string tg =
      fmt::format("{{AWS/ApplicationELB,LoadBalancer,TargetGroup}} TargetGroup={} MetricName=", cluster);
  g.Add(MetricWidget(org, "Target groups: requests", OneSearch("req", tg + "\"RequestCount\"", "Sum", 60)));
  g.Add(MetricWidget(org, "Target groups: 5xx",
                     OneSearch("t5xx", tg + "\"HTTPCode_Target_5XX_Count\"", "Sum", 60)));
  g.Add(MetricWidget(org, "Target groups: p99 response time (s)",
                     OneSearch("p99", tg + "\"TargetResponseTime\"", "p99", 300)));
  g.Add(MetricWidget(org, "Target groups: unhealthy targets",
                     OneSearch("unhealthy", tg + "\"UnHealthyHostCount\"", "Maximum", 60)));
}

/// The selector: a pattern variable over the first tenant's cluster name.
Json TenantVariable(const std::vector<std::pair<std::string, std::string>>& tenants) {
  Json v = {{"type", "pattern"},
            {"pattern", tenants.front().second},
            {"id", "tenant"},
            {"label", "Tenant"},
            {"visible", true}};
  if (tenants.size() > kMaxSelectable) {
    v["inputType"] = "input";
    return v;
  }
  Json values = Json::array();
  for (const auto& [tenant, cluster] : tenants) values.push_back({{"label", tenant}, {"value", cluster}});
  v["inputType"] = "select";
  v["values"] = std::move(values);
  v["defaultValue"] = tenants.front().second;
  return v;
}

}  // namespace

std::string DashboardBody(const model::Org& org, const model::Environment& env,
                          const std::optional<tf::Ref>& alb) {
  Grid g;
  if (alb) {
    const std::string lb = (*alb)["arn_suffix"];
    auto metric = [&](const char* name, const char* stat) {
      return Json::array({"AWS/ApplicationELB", name, "LoadBalancer", lb, {{"stat", stat}}});
    };
    g.Add(MetricWidget(org, "ALB requests", Json::array({metric("RequestCount", "Sum")})));
    g.Add(MetricWidget(org, "ALB 5xx", Json::array({metric("HTTPCode_ELB_5XX_Count", "Sum"),
                                                   metric("HTTPCode_Target_5XX_Count", "Sum")})));
    g.Add(MetricWidget(org, "ALB target response time",
                       Json::array({metric("TargetResponseTime", "p99"),
                                    metric("TargetResponseTime", "p50")})));
    g.Add(MetricWidget(org, "ALB connections", Json::array({metric("ActiveConnectionCount", "Sum"),
                                                           metric("RejectedConnectionCount", "Sum")})));
  }
  if (env.network.egress || env.network.internet_egress) {
    const std::string nat = "{AWS/NATGateway,NatGatewayId} MetricName=";
    g.Add(MetricWidget(org, "NAT bytes out to destinations",
                       OneSearch("bytes", nat + "\"BytesOutToDestination\"", "Sum", 300)));
    g.Add(MetricWidget(org, "NAT errors and drops",
                       Json::array({Search("ports", nat + "\"ErrorPortAllocation\"", "Sum", 300),
                                    Search("drops", nat + "\"PacketsDropCount\"", "Sum", 300)})));
  }
  const auto tenants = TenantClusters(org, env);
  if (!tenants.empty()) TenantSection(org, env, alb.has_value(), tenants.front().second, g);
  if (g.widgets.empty()) return {};
  Json body = {{"widgets", std::move(g.widgets)}};
  if (!tenants.empty()) body["variables"] = Json::array({TenantVariable(tenants)});
  return body.dump();
}

}  // namespace eurus::synth
