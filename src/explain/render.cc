// The human form of `eurus explain tenant`: sectioned, at most 100 columns where the values
// allow (a value longer than a line is printed whole on its own line).

#include <fmt/format.h>

#include <algorithm>

#include "cost/report.h"
#include "explain/tenant.h"
#include "explain/text.h"

namespace eurus::explain {

namespace {

/// "ecs:DescribeServices, ecs:DescribeTasks" then "on arn:…" lines of `grants`.
std::string RenderGrants(const std::vector<Grant>& grants, size_t indent) {
  std::string out;
  std::string pad(indent, ' ');
  for (const auto& g : grants) {
    out += Wrap(pad + (g.sid.empty() ? "" : g.sid + ":"), g.actions, indent + 4);
    out += Wrap(pad + "  on", g.resources, indent + 5);
  }
  return out;
}

/// `vars` grouped by where they come from, in order of first appearance.
std::string RenderVars(const char* what, const std::vector<Variable>& vars) {
  std::vector<std::string> sources;
  for (const auto& v : vars)
    if (std::find(sources.begin(), sources.end(), v.from) == sources.end()) sources.push_back(v.from);
  std::string out;
  for (const auto& from : sources) {
    size_t name_w = 0;
    for (const auto& v : vars)
      if (v.from == from) name_w = std::max(name_w, v.name.size());
    out += fmt::format("    {} from {}:\n", what, from);
    for (const auto& v : vars)
      if (v.from == from) out += fmt::format("      {:<{}} = {}\n", v.name, name_w, v.value);
  }
  return out;
}

std::string RenderApp(const AppReport& a) {
  std::string out = fmt::format("  {}: image {}, {} CPU units, {} MiB{}\n", a.name, a.image, a.cpu, a.memory,
                                a.spot ? ", Fargate Spot" : "");
  std::vector<std::string> ports;
  for (int p : a.ports) ports.push_back(std::to_string(p));
  out += fmt::format("    tasks: {} desired, {} to {}; ports: {}\n", a.desired, a.min, a.max,
                     ports.empty() ? "none" : fmt::format("{}", fmt::join(ports, ", ")));
  if (!a.image_parameter.empty()) out += fmt::format("    image tag: SSM parameter {}\n", a.image_parameter);
  if (!a.internal_only.empty()) out += Wrap("    note:", Words(a.internal_only), 10, " ");
  out += RenderVars("environment", a.environment);
  if (!a.secrets.empty()) out += "    secrets (ECS reads them from Secrets Manager at task start):\n";
  for (const auto& v : a.secrets) out += fmt::format("      {} = {}\n", v.name, v.value);
  if (!a.task_role.empty()) out += "    task role grants:\n" + RenderGrants(a.task_role, 6);
  return out;
}

std::string RenderEnv(const EnvReport& e, const std::string& currency) {
  std::string out = fmt::format("== {} (account {}, unit {})\n", e.env, e.account, e.unit);
  out += "urls:\n";
  if (e.urls.empty()) out += "  none: no app has a route\n";
  std::vector<Url> urls = e.urls;  // the public ones first
  std::stable_sort(urls.begin(), urls.end(), [](const Url& a, const Url& b) { return a.via != "alb" && b.via == "alb"; });
  for (const auto& u : urls) {
    const char* via = u.via == "cloudfront" ? "public, CloudFront"
                      : u.via == "api"      ? "public, API Gateway"
                                            : "internal ALB, inside the VPC only";
    out += fmt::format("  {:<10} {}{}  ({})\n", u.app, u.method.empty() ? "" : u.method + " ", u.url, via);
  }
  out += "apps:\n";
  for (const auto& a : e.apps) out += RenderApp(a);
  if (!e.access.empty()) out += "access roles:\n";
  for (const auto& a : e.access) {
    out += Wrap(fmt::format("  {} ({}), assumed by", a.role, a.kind), a.principals, 4);
    out += RenderGrants(a.grants, 4);
  }
  out += "subnets:\n";
  for (const auto& s : e.subnets)
    out += fmt::format("  {:<14} tasks {:<18} data {}\n", s.az, s.tenant_cidr, s.data_cidr);
  out += "alarms:\n";
  if (e.alarms.empty()) out += "  none\n";
  for (const auto& a : e.alarms)
    out += fmt::format("  {:<40} {} {} {}\n", a.name, a.metric, a.statistic, a.condition);
  if (e.cost)
    out += fmt::format("monthly estimate: {} ({} its own + {} its share of the shared costs; {}, as `eurus cost`)\n",
                       cost::Money(e.cost->total()), cost::Money(e.cost->direct), cost::Money(e.cost->shared),
                       currency);
  return out;
}

}  // namespace

std::string Render(const TenantReport& r) {
  std::string out = fmt::format("tenant {}\n", r.tenant);
  for (const auto& e : r.envs) out += "\n" + RenderEnv(e, r.currency);
  return out;
}

}  // namespace eurus::explain
