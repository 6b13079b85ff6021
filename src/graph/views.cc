#include "graph/views.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <utility>

namespace eurus::graph {
namespace {

constexpr char kUnitPrefix[] = "unit:";
constexpr char kTenantUnitPrefix[] = "tenant-";

/// "dev (444444444444)": an output directory and the account it deploys to.
std::string AccountLabel(const model::Org& org, const std::string& dir) {
  std::string id;
  if (dir == "management") id = org.management_account;
  if (const model::Environment* e = org.environment(dir)) id = e->account;
  for (const model::Realm& r : org.realms)
    if (dir == std::string("common-") + model::RealmName(r.kind)) id = r.common_account;
  return id.empty() ? dir : fmt::format("{} ({})", dir, id);
}

/// The ids of the units drawn: all, or `env`'s and everything they read, transitively.
std::set<std::string> UnitsShown(const std::map<std::string, const tf::Unit*>& by_id, const std::string& env) {
  std::set<std::string> shown;
  std::vector<std::string> todo;
  for (const auto& [id, u] : by_id)
    if (env.empty() || u->account() == env) todo.push_back(id);
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    auto it = by_id.find(id);
    if (it == by_id.end() || !shown.insert(id).second) continue;
    for (const std::string& dep : it->second->dependencies) todo.push_back(dep);
  }
  return shown;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) { return fmt::format("{}", fmt::join(parts, sep)); }

std::string JoinCidrs(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> parts;
  for (const Cidr& c : cidrs) parts.push_back(c.ToString());
  return Join(parts, ", ");
}

/// The AZs holding NAT gateways: every AZ, or the first with `nat_gateways: single` (the
/// rule of synth/network.cc, docs/Networking.md "Layout of one AZ").
bool HasNat(const model::Network& net, size_t az_index) { return net.nat == model::NatMode::kPerAz || az_index == 0; }

/// One environment's drawing: ids start with `p` ("net:<env>:").
struct EnvScope {
  const model::Org& org;
  const model::Environment& env;
  const Limits& limits;
  std::string p;
  Graph& g;
};

Group AzGroup(const EnvScope& w, size_t i) {
  const model::Network& net = w.env.network;
  const std::string& az = net.azs[i];
  Group grp{w.p + "az:" + az, az, {}, {}};
  grp.nodes.push_back({w.p + "platform:" + az, "platform subnet\n" + net.platform_subnets.at(i).ToString()});
  if (net.internet_egress && HasNat(net, i))
    grp.nodes.push_back(
        {w.p + "nat:" + az, "public NAT gateway\nNAT subnet " + net.nat_subnets.at(i).ToString()});
  if (net.egress) {
    const std::string subnet = "egress subnet " + net.egress_subnets.at(i).ToString();
    if (HasNat(net, i))
      grp.nodes.push_back({w.p + "pnat:" + az, "private NAT gateway\n" + subnet});
    else
      grp.nodes.push_back({w.p + "egress:" + az, subnet});
  }
  return grp;
}

std::string AppLabel(const model::App& a) {
  std::string label = a.name;
  if (a.port) label += fmt::format(" :{}", *a.port);
  std::vector<std::string> exposed;
  if (a.expose_cloudfront) exposed.push_back("CloudFront");
  if (a.expose_api) exposed.push_back("API");
  if (!exposed.empty()) label += "\nexposed: " + Join(exposed, ", ");
  else if (a.route) label += "\ninside the VPC only";
  return label;
}

/// A tenant's group (subnets, apps, stores) and its edges: ALB → routed app, app → store.
Group TenantGroup(const EnvScope& w, const model::Tenant& t, const model::Deployment& d) {
  const std::string tp = w.p + "t:" + t.name + ":";
  Group grp{w.p + "t:" + t.name, "tenant " + t.name, {}, {}};
  std::string subnets = "subnets " + JoinCidrs(d.tenant_subnets);
  if (!d.data_subnets.empty()) subnets += "\ndata " + JoinCidrs(d.data_subnets);
  grp.nodes.push_back({tp + "subnets", subnets});
  for (const model::App& a : d.apps) {
    grp.nodes.push_back({tp + "app:" + a.name, AppLabel(a), Shape::kRounded});
    if (a.route) {
      std::string label = a.route->host;
      if (!a.route->paths.empty()) label += " " + Join(a.route->paths, " ");
      w.g.edges.push_back({w.p + "alb", tp + "app:" + a.name, label});
    }
    for (const std::string& store : a.uses) w.g.edges.push_back({tp + "app:" + a.name, tp + "store:" + store});
  }
  for (const model::Resource& r : d.resources)
    grp.nodes.push_back(
        {tp + "store:" + r.name, fmt::format("{} {}", model::ResourceTypeName(r.type), r.name), Shape::kCylinder});
  return grp;
}

/// The environment's tenants, the first `limits.tenants` drawn, the rest as one box. Empty
/// (no nodes, no groups) when no tenant is deployed here.
Group TenantsGroup(const EnvScope& w) {
  Group grp{w.p + "tenants", "", {}, {}};
  size_t count = 0, more = 0, apps = 0, stores = 0;
  for (const model::Tenant& t : w.org.tenants)
    for (const model::Deployment& d : t.deployments) {
      if (d.env != w.env.name) continue;
      if (++count <= w.limits.tenants) {
        grp.groups.push_back(TenantGroup(w, t, d));
        continue;
      }
      ++more;
      apps += d.apps.size();
      stores += d.resources.size();
    }
  grp.label = fmt::format("tenants ({})", count);
  if (more > 0) {
    grp.nodes.push_back({w.p + "tenants-more", fmt::format("{} more tenants\n{} apps, {} stores", more, apps, stores)});
    w.g.notes.push_back(fmt::format("environment {}: {} tenants beyond the first {} drawn as one box", w.env.name,
                                    more, w.limits.tenants));
  }
  return grp;
}

std::string EndpointsLabel(const EnvScope& w) {
  std::vector<std::string> services = model::InterfaceEndpoints(w.org, w.env);
  std::string label = "VPC endpoints\n";
  if (services.empty())
    label += "no interface endpoints";
  else
    label += "interface: " + Join(services, ", ") + (w.env.network.endpoints_one_zone ? " (first AZ)" : "");
  return label + "\ngateway: s3";
}

/// The VPC: AZs, ALB, endpoints, internet gateway, tenants; and the egress edges.
Group VpcGroup(const EnvScope& w) {
  const model::Network& net = w.env.network;
  std::string label = "VPC " + net.cidr.ToString();
  if (net.egress) label += "\nallowed range " + net.egress->cidr.ToString();
  Group vpc{w.p + "vpc", label, {}, {}};
  vpc.nodes.push_back({w.p + "alb", "shared ALB, internal\nHTTPS 443 in the platform subnets"});
  vpc.nodes.push_back({w.p + "endpoints", EndpointsLabel(w)});
  const bool igw = net.internet_egress || w.env.cloudfront;
  if (igw)
    vpc.nodes.push_back(
        {w.p + "igw", net.internet_egress ? "internet gateway" : "internet gateway\nattached for the VPC origin, no route"});
  for (size_t i = 0; i < net.azs.size(); ++i) vpc.groups.push_back(AzGroup(w, i));
  Group tenants = TenantsGroup(w);
  if (tenants.groups.empty() && tenants.nodes.empty()) return vpc;
  const std::string from = tenants.id;
  vpc.groups.push_back(std::move(tenants));
  w.g.edges.push_back({from, w.p + "endpoints", "AWS APIs", true});
  for (size_t i = 0; i < net.azs.size(); ++i) {
    if (!HasNat(net, i)) continue;
    const std::string& az = net.azs[i];
    if (net.internet_egress) w.g.edges.push_back({from, w.p + "nat:" + az, "0.0.0.0/0"});
    if (net.egress) w.g.edges.push_back({from, w.p + "pnat:" + az, "egress destinations"});
  }
  return vpc;
}

/// The edges outside the VPC: internet → edge → ALB, NAT → internet gateway or transit gateway.
void AddOuterEdges(const EnvScope& w) {
  const model::Network& net = w.env.network;
  if (w.env.cloudfront) {
    w.g.edges.push_back({w.p + "internet", w.p + "cloudfront", "HTTPS"});
    if (w.env.waf) w.g.edges.push_back({w.p + "waf", w.p + "cloudfront", "filters", true});
    w.g.edges.push_back({w.p + "cloudfront", w.p + "alb", "VPC origin"});
  }
  if (w.env.api_gateway) {
    w.g.edges.push_back({w.p + "internet", w.p + "api", "HTTPS"});
    w.g.edges.push_back({w.p + "api", w.p + "alb", "VPC link"});
  }
  for (size_t i = 0; i < net.azs.size(); ++i) {
    if (!HasNat(net, i)) continue;
    if (net.internet_egress) w.g.edges.push_back({w.p + "nat:" + net.azs[i], w.p + "igw"});
    if (net.egress && !net.egress->transit_gateway_id.empty())
      w.g.edges.push_back({w.p + "pnat:" + net.azs[i], w.p + "tgw"});
  }
  if (net.internet_egress) w.g.edges.push_back({w.p + "igw", w.p + "internet"});
}

Group EnvironmentGroup(const EnvScope& w) {
  const model::Environment& env = w.env;
  Group grp{w.p + "env", fmt::format("environment {} ({}, {})", env.name, env.account, model::RealmName(env.realm)),
            {}, {}};
  grp.nodes.push_back({w.p + "internet", "internet", Shape::kCircle});
  if (env.cloudfront) grp.nodes.push_back({w.p + "cloudfront", "CloudFront distribution"});
  if (env.waf) grp.nodes.push_back({w.p + "waf", "WAF web ACL\nAWS managed rules"});
  if (env.api_gateway)
    grp.nodes.push_back({w.p + "api", env.zone.empty() ? "API Gateway HTTP API" : "API Gateway HTTP API\napi." + env.zone});
  if (env.network.egress && !env.network.egress->transit_gateway_id.empty())
    grp.nodes.push_back({w.p + "tgw", fmt::format("transit gateway {}\nto {}", env.network.egress->transit_gateway_id,
                                                  JoinCidrs(env.network.egress->destinations))});
  // Edges inside the VPC are added while its groups are built, the outer ones after.
  grp.groups.push_back(VpcGroup(w));
  AddOuterEdges(w);
  return grp;
}

}  // namespace

Graph UnitView(const model::Org& org, const std::vector<tf::Unit>& units, const std::string& env,
               const Limits& limits) {
  std::map<std::string, const tf::Unit*> by_id;
  for (const tf::Unit& u : units) by_id[u.id()] = &u;
  const std::set<std::string> shown = UnitsShown(by_id, env);
  std::map<std::string, std::vector<const tf::Unit*>> accounts;  // directory → units, in id order
  for (const std::string& id : shown) accounts[by_id.at(id)->account()].push_back(by_id.at(id));

  Graph g;
  g.notes.push_back("units: an arrow runs from a unit to each unit that reads its outputs (applied after it)");
  std::map<std::string, std::string> node_of;  // unit id → the node drawing it
  for (const auto& [dir, list] : accounts) {
    Group grp{kUnitPrefix + dir, AccountLabel(org, dir), {}, {}};
    const std::string more_id = kUnitPrefix + dir + "/" + kTenantUnitPrefix + "*";
    size_t tenants = 0, more = 0;
    for (const tf::Unit* u : list) {
      if (u->name().starts_with(kTenantUnitPrefix) && ++tenants > limits.tenants) {
        node_of[u->id()] = more_id;
        ++more;
        continue;
      }
      node_of[u->id()] = kUnitPrefix + u->id();
      grp.nodes.push_back({kUnitPrefix + u->id(), u->name()});
    }
    if (more > 0) {
      grp.nodes.push_back({more_id, fmt::format("{} more tenant units", more)});
      g.notes.push_back(
          fmt::format("{}: {} tenant units beyond the first {} drawn as one box", dir, more, limits.tenants));
    }
    g.groups.push_back(std::move(grp));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const std::string& id : shown)
    for (const std::string& dep : by_id.at(id)->dependencies) {
      if (!shown.count(dep)) continue;
      std::pair<std::string, std::string> e{node_of.at(dep), node_of.at(id)};
      if (e.first != e.second && seen.insert(e).second) g.edges.push_back({e.first, e.second});
    }
  return g;
}

Graph NetworkView(const model::Org& org, const std::string& env, const Limits& limits) {
  Graph g;
  g.notes.push_back("network: traffic from the internet through the edge to the ALB and the apps; tenants' egress");
  for (const model::Environment& e : org.environments) {
    if (!env.empty() && e.name != env) continue;
    EnvScope w{org, e, limits, "net:" + e.name + ":", g};
    g.groups.push_back(EnvironmentGroup(w));
  }
  return g;
}

void Append(Graph& to, Graph from) {
  for (Node& n : from.nodes) to.nodes.push_back(std::move(n));
  for (Group& grp : from.groups) to.groups.push_back(std::move(grp));
  for (Edge& e : from.edges) to.edges.push_back(std::move(e));
  for (std::string& n : from.notes) to.notes.push_back(std::move(n));
}

}  // namespace eurus::graph
