// E0803: no route to an internet gateway except from the route table of the public NAT
// subnets. Routes are found while the units are walked; they are judged once every unit is
// read, against every association of their route table.

#include <fmt/format.h>

#include <functional>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

bool IsInternetGateway(const Index& ix, size_t u, const json* v) {
  for (const Target& t : Resolve(ix, u, v)) {
    if (t.kind == Target::kLiteral && t.literal.rfind("igw-", 0) == 0) return true;
    if (t.kind == Target::kRef &&
        (t.type == "aws_internet_gateway" || t.type == "data.aws_internet_gateway"))
      return true;
  }
  return false;
}

void NoteIgwTable(RouteState& routes, size_t u, const Target& table) {
  if (table.kind != Target::kRef) return;
  if (table.unit == u)
    routes.local_igw_table = true;
  else
    // A table of another unit: its associations were dropped.
    routes.full_association_scan = true;
}

/// True when unit `u` hands route table `name` to other units (an output names it): they
/// could associate their subnets with it.
bool Exported(const Index& ix, size_t u, const std::string& name) {
  const json* outputs = ix.units[u].outputs;
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

/// True when subnet `name` of unit `u` holds a public NAT gateway and nothing else: no
/// other block of the unit names it, and no output hands it to another unit.
bool NatOnlySubnet(Context& ctx, size_t u, const std::string& name) {
  auto key = std::make_pair(u, name);
  if (auto it = ctx.routes.nat_only.find(key); it != ctx.routes.nat_only.end()) return it->second;
  const PolicyUnit& unit = ctx.ix.units[u];
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
          const std::string* conn = Str(At(body, "connectivity_type"));
          if ((!conn || *conn != "private") &&
              RefersTo(ctx.ix, u, At(body, "subnet_id"), u, "aws_subnet", name, nullptr)) {
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
  ctx.routes.nat_only[key] = ok;
  return ok;
}

/// A route to the internet gateway in the VPC's main route table: never allowed.
void MainTableRoute(Context& ctx, size_t u, const Block& b) {
  ctx.findings.Report(
      codes::kPolicyInternetRoute, u, b,
      "routes the VPC's main route table to the internet gateway", "route to the internet",
      "only the public NAT subnets' route table may route to the internet gateway");
}

}  // namespace

void RouteToInternet(Context& ctx, size_t u, const Block& b) {
  if (b.type == "aws_route") {
    if (!IsInternetGateway(ctx.ix, u, At(b.body, "gateway_id"))) return;
    auto tables = Resolve(ctx.ix, u, At(b.body, "route_table_id"));
    Target table = tables.empty() ? Target{} : tables.front();
    if (table.kind == Target::kRef && table.type == "aws_vpc") {
      MainTableRoute(ctx, u, b);
      return;
    }
    NoteIgwTable(ctx.routes, u, table);
    ctx.routes.igw_routes.push_back({u, b.type, b.name, &b.body, table});
    return;
  }
  bool igw = false;
  ForEachBlock(At(b.body, "route"), [&](const json& r) {
    igw = igw || IsInternetGateway(ctx.ix, u, At(r, "gateway_id"));
  });
  if (!igw) return;
  if (b.type == "aws_default_route_table") {
    MainTableRoute(ctx, u, b);
    return;
  }
  Target self;
  self.kind = Target::kRef;
  self.unit = u;
  self.type = b.type;
  self.name = b.name;
  NoteIgwTable(ctx.routes, u, self);
  ctx.routes.igw_routes.push_back({u, b.type, b.name, &b.body, self});
}

void Association(Context& ctx, const Block& b) { ctx.routes.local_assoc.push_back(&b.body); }

void EndUnitRoutes(Context& ctx, size_t u) {
  // Associations with the unit's own route tables matter only when one of them routes to
  // an internet gateway (known now that the unit has been read).
  RouteState& r = ctx.routes;
  if (r.local_igw_table)
    for (const json* a : r.local_assoc) r.assoc.emplace_back(u, a);
  r.local_assoc.clear();
  r.local_igw_table = false;
}

void AbsorbRoutes(RouteState& into, RouteState&& from) {
  into.igw_routes.insert(into.igw_routes.end(), from.igw_routes.begin(), from.igw_routes.end());
  into.assoc.insert(into.assoc.end(), from.assoc.begin(), from.assoc.end());
  into.full_association_scan = into.full_association_scan || from.full_association_scan;
}

void InternetRoutes(Context& ctx) {
  if (ctx.routes.igw_routes.empty()) return;
  // The associations of every route table that routes to an internet gateway, by table.
  for (const IgwRoute& r : ctx.routes.igw_routes)
    if (r.table.kind == Target::kRef && Exported(ctx.ix, r.table.unit, r.table.name))
      ctx.routes.full_association_scan = true;
  std::vector<std::pair<size_t, const json*>> all;
  if (ctx.routes.full_association_scan) {
    for (size_t u = 0; u < ctx.ix.units.size(); ++u) {
      const json* res = ctx.ix.units[u].resources;
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
  const auto& candidates = ctx.routes.full_association_scan ? all : ctx.routes.assoc;
  std::map<std::pair<size_t, std::string>, std::vector<std::pair<size_t, const json*>>> assoc;
  for (const auto& [u, body] : candidates) {
    for (const Target& t : Resolve(ctx.ix, u, At(*body, "route_table_id"))) {
      if (t.kind == Target::kRef && t.type == "aws_route_table")
        assoc[{t.unit, t.name}].emplace_back(u, body);
    }
  }
  for (const IgwRoute& r : ctx.routes.igw_routes) {
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
      ctx.findings.Report(codes::kPolicyInternetRoute, r.unit, b,
                          where + ", a table that serves no public NAT subnet",
                          "route to the internet", help);
      continue;
    }
    for (const auto& [au, abody] : it->second) {
      std::string why;
      if (abody->contains("vpc_id") && !abody->contains("subnet_id")) {
        why = "the VPC's main route table";
      } else if (At(*abody, "gateway_id")) {
        why = "a table associated with a gateway (edge association)";
      } else {
        for (const Target& s : Resolve(ctx.ix, au, At(*abody, "subnet_id"))) {
          if (s.kind == Target::kRef && s.type == "aws_subnet") {
            if (!NatOnlySubnet(ctx, s.unit, s.name))
              why = fmt::format(
                  "a table that serves aws_subnet.{}{}, not a subnet holding only a public "
                  "NAT gateway",
                  s.name, s.unit == r.unit ? "" : " of unit " + ctx.ix.units[s.unit].id);
          } else if (s.kind == Target::kLiteral) {
            why =
                fmt::format("a table that serves subnet {}, not a public NAT subnet", s.literal);
          }
          if (!why.empty()) break;
        }
      }
      if (why.empty()) continue;
      ctx.findings.Report(codes::kPolicyInternetRoute, r.unit, b, where + ", " + why,
                          "route to the internet", help);
      break;
    }
  }
}

}  // namespace eurus::check::policy
