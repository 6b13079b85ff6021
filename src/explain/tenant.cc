#include "explain/tenant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "cost/report.h"
#include "synth/synth.h"

namespace eurus::explain {

namespace {

using Json = nlohmann::json;

const tf::Unit* FindUnit(const std::vector<tf::Unit>& units, const std::string& id) {
  for (const auto& u : units)
    if (u.id() == id) return &u;
  return nullptr;
}

/// The bodies of `type` in `u` by block name (an empty object when there are none).
const Json& Blocks(const tf::Unit& u, const std::string& type) {
  static const Json kEmpty = Json::object();
  return u.resources().contains(type) ? u.resources()[type] : kEmpty;
}

/// "${aws_rds_cluster.orders.endpoint}" → "aws_rds_cluster.orders.endpoint"; other text as is.
std::string Unwrap(const std::string& v) {
  if (v.starts_with("${") && v.ends_with("}") && v.find("${", 2) == std::string::npos) return v.substr(2, v.size() - 3);
  return v;
}

std::vector<std::string> Strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_string()) out.push_back(Unwrap(j.get<std::string>()));
  if (j.is_array())
    for (const auto& x : j)
      if (x.is_string()) out.push_back(Unwrap(x.get<std::string>()));
  return out;
}

/// The statements of a policy document (a JSON string, as synth writes them).
std::vector<Grant> Grants(const Json& policy) {
  std::vector<Grant> out;
  if (!policy.is_string()) return out;
  Json doc = Json::parse(policy.get<std::string>(), nullptr, false);
  if (!doc.is_object() || !doc.contains("Statement")) return out;
  for (const auto& st : doc["Statement"]) {
    if (st.value("Effect", "") != "Allow") continue;
    out.push_back({st.value("Sid", ""), Strings(st.value("Action", Json())), Strings(st.value("Resource", Json()))});
  }
  return out;
}

/// Where an injected variable of `app` comes from.
std::string SourceOf(const model::App& app, const model::Deployment& dep, const std::string& name,
                     const std::string& value) {
  for (const auto& [k, v] : app.environment)
    if (k == name) return "configuration";
  if (name.starts_with("OTEL_")) return "OpenTelemetry";
  for (const auto& r : dep.resources) {
    std::string prefix = synth::DataVariable(r.name, "");
    if (name.starts_with(prefix) || value.find("." + synth::BlockKey(r.name) + ".") != std::string::npos)
      return "data store " + r.name;
  }
  return "eurus";
}

void ReadContainer(const Json& container, const model::App& app, const model::Deployment& dep, AppReport& a) {
  for (const auto& e : container.value("environment", Json::array())) {
    std::string name = e.value("name", ""), value = Unwrap(e.value("value", ""));
    a.environment.push_back({name, value, SourceOf(app, dep, name, value)});
  }
  for (const auto& e : container.value("secrets", Json::array())) {
    std::string name = e.value("name", ""), from = Unwrap(e.value("valueFrom", ""));
    std::string origin = "eurus";
    for (const auto& s : app.secrets)
      if (from.find("_secret_" + synth::BlockKey(s) + ".") != std::string::npos) origin = "secret " + s;
    a.secrets.push_back({name, from, origin});
  }
  for (const auto& p : container.value("portMappings", Json::array())) a.ports.push_back(p.value("containerPort", 0));
}

/// How to expose a routed app that only the VPC reaches (docs/Ingress.md, "Exposing a tenant
/// app"): through the edges the environment has, CloudFront only for a host its certificate
/// can cover (E0321 refuses the others).
std::string ExposeHelp(const model::Environment& env, const model::Tenant& t, const model::App& app) {
  const std::string where = "reachable only inside the VPC (the internal ALB)";
  if (!env.cloudfront && !env.api_gateway)
    return fmt::format("{}; environment {} has no edge: set `ingress.cloudfront` or `ingress.api_gateway` in {}, "
                       "then add `expose` to the app in {}",
                       where, env.name, env.file, t.file);
  bool coverable = model::ValidationOf(app.route->host, env.zone) != model::HostValidation::kManual;
  std::vector<std::string> edges;
  if (env.cloudfront && coverable) edges.push_back("cloudfront");
  if (env.api_gateway) edges.push_back("api");
  std::string out = where;
  if (!edges.empty()) out += fmt::format("; add `expose: [{}]` to it in {}", fmt::join(edges, ", "), t.file);
  if (env.cloudfront && !coverable)
    out += fmt::format("; CloudFront needs a host under `{}` (its host `{}` is outside the zone)", env.zone,
                       app.route->host);
  return out;
}

AppReport ReadApp(const tf::Unit& u, const model::Environment& env, const model::Tenant& t,
                  const model::Deployment& dep, const model::App& app, const std::string& key) {
  AppReport a;
  a.name = app.name;
  a.image = app.image;
  a.spot = app.spot;
  const Json& td = Blocks(u, "aws_ecs_task_definition").value(key, Json::object());
  a.cpu = td.value("cpu", "");
  a.memory = td.value("memory", "");
  Json containers = Json::parse(td.value("container_definitions", "[]"), nullptr, false);
  if (containers.is_array())
    for (const auto& c : containers)
      if (c.value("name", "") == "app") ReadContainer(c, app, dep, a);
  a.image_parameter = Blocks(u, "aws_ssm_parameter").value(key + "_image", Json::object()).value("name", "");
  a.desired = Blocks(u, "aws_ecs_service").value(key, Json::object()).value("desired_count", 0);
  const Json& target = Blocks(u, "aws_appautoscaling_target").value(key, Json::object());
  a.min = target.value("min_capacity", a.desired);
  a.max = target.value("max_capacity", a.desired);
  a.task_role = Grants(Blocks(u, "aws_iam_role_policy").value(key + "_task", Json::object()).value("policy", Json()));
  if (app.route && !app.expose_cloudfront && !app.expose_api) a.internal_only = ExposeHelp(env, t, app);
  return a;
}

/// The URLs of app `key`: the internal ALB's rules, the CloudFront aliases, the API routes.
void ReadUrls(const tf::Unit& u, const tf::Unit* platform, const std::string& app, const std::string& key,
              std::vector<Url>& out) {
  std::vector<std::string> hosts;
  for (const auto& [name, rule] : Blocks(u, "aws_lb_listener_rule").items()) {
    if (!name.starts_with(key + "_") || name.find_first_not_of("0123456789", key.size() + 1) != std::string::npos)
      continue;
    std::vector<std::string> rule_hosts, paths;
    for (const auto& c : rule.value("condition", Json::array())) {
      if (c.contains("host_header")) rule_hosts = Strings(c["host_header"].value("values", Json::array()));
      if (c.contains("path_pattern")) paths = Strings(c["path_pattern"].value("values", Json::array()));
    }
    for (const auto& h : rule_hosts) {
      if (std::find(hosts.begin(), hosts.end(), h) == hosts.end()) hosts.push_back(h);
      for (const auto& p : paths) out.push_back({app, "alb", fmt::format("https://{}{}", h, p), ""});
    }
  }
  if (platform) {
    Json aliases = Blocks(*platform, "aws_cloudfront_distribution").value("env", Json::object()).value("aliases", Json::array());
    for (const auto& h : hosts)
      if (std::find(aliases.begin(), aliases.end(), h) != aliases.end()) out.push_back({app, "cloudfront", "https://" + h + "/", ""});
  }
  std::string domain = platform ? Blocks(*platform, "aws_apigatewayv2_domain_name").value("api", Json::object()).value("domain_name", "") : "";
  for (const auto& [name, route] : Blocks(u, "aws_apigatewayv2_route").items()) {
    if (!name.starts_with(key + "_api_route_")) continue;
    std::string rk = route.value("route_key", "");
    size_t sp = rk.find(' ');
    if (sp == std::string::npos) continue;  // "$default": not a tenant's route
    out.push_back({app, "api", fmt::format("https://{}{}", domain, rk.substr(sp + 1)), rk.substr(0, sp)});
  }
}

void ReadAccess(const tf::Unit& u, const model::Tenant& t, EnvReport& r) {
  for (const char* kind : {"read", "release"}) {
    std::string key = std::string("tenant_") + kind;
    if (!Blocks(u, "aws_iam_role").contains(key)) continue;
    AccessRole a;
    a.kind = kind;
    a.role = Blocks(u, "aws_iam_role")[key].value("name", "");
    a.principals = std::string(kind) == "read" ? t.access.read : t.access.release;
    a.grants = Grants(Blocks(u, "aws_iam_role_policy").value(key, Json::object()).value("policy", Json()));
    r.access.push_back(std::move(a));
  }
}

void ReadAlarms(const tf::Unit& u, EnvReport& r) {
  static const std::pair<const char*, const char*> kOps[] = {
      {"GreaterThanThreshold", ">"}, {"GreaterThanOrEqualToThreshold", ">="},
      {"LessThanThreshold", "<"},    {"LessThanOrEqualToThreshold", "<="}};
  for (const auto& [name, body] : Blocks(u, "aws_cloudwatch_metric_alarm").items()) {
    Alarm a;
    a.name = body.value("alarm_name", name);
    a.metric = body.contains("metric_name") ? fmt::format("{} {}", body.value("namespace", ""), body.value("metric_name", ""))
                                            : "(metric math)";
    a.statistic = body.value("extended_statistic", body.value("statistic", ""));
    std::string op = body.value("comparison_operator", "");
    for (const auto& [aws, sym] : kOps)
      if (op == aws) op = sym;
    a.condition = body.contains("threshold") ? fmt::format("{} {}", op, body["threshold"].dump()) : op;
    r.alarms.push_back(std::move(a));
  }
}

EnvReport ReadEnv(const model::Org& org, const std::vector<tf::Unit>& units, const cost::Estimate* estimate,
                  const model::Tenant& t, const model::Deployment& dep) {
  const model::Environment& env = org.environments[dep.env_index];
  EnvReport r;
  r.env = env.name;
  r.account = env.account;
  r.unit = env.name + "/" + synth::TenantUnitName(t);
  const tf::Unit* u = FindUnit(units, r.unit);
  const tf::Unit* platform = FindUnit(units, env.name + "/platform");
  for (const auto& app : dep.apps) {
    std::string key = synth::BlockKey(t.name) + "_" + synth::BlockKey(app.name);
    if (!u) continue;
    r.apps.push_back(ReadApp(*u, env, t, dep, app, key));
    ReadUrls(*u, platform, app.name, key, r.urls);
  }
  if (u) {
    ReadAccess(*u, t, r);
    ReadAlarms(*u, r);
  }
  for (size_t i = 0; i < env.network.azs.size(); ++i)
    r.subnets.push_back({env.network.azs[i], i < dep.tenant_subnets.size() ? dep.tenant_subnets[i].ToString() : "",
                         i < dep.data_subnets.size() ? dep.data_subnets[i].ToString() : ""});
  if (estimate)
    for (const auto& c : estimate->tenants)
      if (c.tenant == t.name && c.environment == env.name) r.cost = c;
  return r;
}

nlohmann::ordered_json GrantsJson(const std::vector<Grant>& gs) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& g : gs) out.push_back({{"sid", g.sid}, {"actions", g.actions}, {"resources", g.resources}});
  return out;
}

nlohmann::ordered_json VarsJson(const std::vector<Variable>& vs) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& v : vs) out.push_back({{"name", v.name}, {"value", v.value}, {"from", v.from}});
  return out;
}

/// Rounded to the cent as `eurus cost --format json` prints it (no -0).
double Cents(double usd) {
  double r = std::round(usd * 100) / 100;
  return r == 0 ? 0 : r;
}

}  // namespace

TenantReport ExplainTenant(const model::Org& org, const std::vector<tf::Unit>& units, const cost::Estimate* estimate,
                           const std::string& tenant, const std::string& env) {
  TenantReport r;
  r.tenant = tenant;
  if (estimate) r.currency = estimate->currency;
  for (const auto& t : org.tenants) {
    if (t.name != tenant) continue;
    for (const auto& dep : t.deployments)
      if (env.empty() || dep.env == env) r.envs.push_back(ReadEnv(org, units, estimate, t, dep));
  }
  return r;
}

nlohmann::ordered_json ToJson(const TenantReport& r) {
  using OJ = nlohmann::ordered_json;
  OJ envs = OJ::array();
  for (const auto& e : r.envs) {
    OJ urls = OJ::array(), apps = OJ::array(), access = OJ::array(), subnets = OJ::array(), alarms = OJ::array();
    for (const auto& u : e.urls) {
      urls.push_back({{"app", u.app}, {"via", u.via}, {"url", u.url}});
      urls.back()["method"] = u.method.empty() ? OJ() : OJ(u.method);
    }
    for (const auto& a : e.apps) {
      OJ j = {{"name", a.name}, {"image", a.image}, {"image_parameter", a.image_parameter}, {"cpu", a.cpu},
              {"memory", a.memory}, {"desired", a.desired}, {"min", a.min}, {"max", a.max}, {"spot", a.spot},
              {"ports", a.ports}, {"environment", VarsJson(a.environment)}, {"secrets", VarsJson(a.secrets)},
              {"task_role", GrantsJson(a.task_role)}};
      j["internal_only"] = a.internal_only.empty() ? OJ() : OJ(a.internal_only);
      apps.push_back(std::move(j));
    }
    for (const auto& a : e.access)
      access.push_back({{"role", a.role}, {"kind", a.kind}, {"principals", a.principals}, {"grants", GrantsJson(a.grants)}});
    for (const auto& s : e.subnets) subnets.push_back({{"az", s.az}, {"tenant", s.tenant_cidr}, {"data", s.data_cidr}});
    for (const auto& a : e.alarms)
      alarms.push_back({{"name", a.name}, {"metric", a.metric}, {"statistic", a.statistic}, {"condition", a.condition}});
    OJ cost;
    if (e.cost) cost = {{"direct", Cents(e.cost->direct)}, {"shared", Cents(e.cost->shared)}, {"total", Cents(e.cost->total())}};
    envs.push_back({{"environment", e.env}, {"account", e.account}, {"unit", e.unit}, {"urls", urls}, {"apps", apps},
                    {"access", access}, {"subnets", subnets}, {"alarms", alarms}, {"monthly_cost", cost}});
  }
  OJ out = {{"tenant", r.tenant}};
  out["currency"] = r.currency.empty() ? OJ() : OJ(r.currency);
  out["environments"] = std::move(envs);
  return out;
}

}  // namespace eurus::explain
