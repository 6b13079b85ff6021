// The network part of a tenant unit: the tenant's own subnets, route tables and security
// groups, inside the environment's shared VPC (read from <env>/network). Everything here
// belongs to one tenant: no block names or references another tenant. See
// docs/Networking.md.

#include <fmt/format.h>

#include <set>

#include "model/naming.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;


/// `${x.outputs.m}` → `${x.outputs.m["key"]}`: one entry of a map output.
std::string At(const std::string& interpolation, const std::string& key) {
  return interpolation.substr(0, interpolation.size() - 1) + "[\"" + key + "\"]}";
}

}  // namespace

void AddTenantNetwork(const Context& ctx, const model::Environment& env,
                      const model::Tenant& tenant, const model::Deployment& dep,
                      const tf::Unit& network, tf::Unit& unit) {
  const model::Org& org = ctx.org;
  const model::Network& net = env.network;
  const tf::Origin o_tenant = ctx.Origin(tenant.span);
  const tf::Origin o_env = ctx.Origin(env.span);
  const std::string& t = tenant.name;
  const std::string base = fmt::format("{}-{}-{}", org.name, env.name, t);
  auto name_tags = [&](const std::string& name) {
    return Json{{"Name", name}, {tags::kTenant, t}};
  };

  tf::Ref nw = unit.RemoteState(network, ctx.BackendFor(env.account, "network"));
  const std::string vpc_id = nw.Output("vpc_id");
  const std::string s3_endpoint = nw.Output("s3_endpoint_id");
  const std::string nat_az_single = net.azs.front();

  // Data subnets: one route table for every AZ, with no route off the VPC (only S3).
  tf::Ref data_rt =
      unit.Resource("aws_route_table", t + "_data",
                    {{"vpc_id", vpc_id}, {"tags", name_tags(base + "-data")}}, o_tenant);
  unit.Resource("aws_vpc_endpoint_route_table_association", t + "_data_s3",
                {{"vpc_endpoint_id", s3_endpoint}, {"route_table_id", data_rt["id"]}}, o_tenant);

  for (size_t i = 0; i < net.azs.size(); ++i) {
    const std::string& az = net.azs[i];
    const std::string k = t + "_" + BlockKey(az);
    const std::string dk = t + "_data_" + BlockKey(az);
    const std::string nat_az = net.nat == model::NatMode::kSingle ? nat_az_single : az;

    tf::Ref subnet = unit.Resource("aws_subnet", k,
                                   {{"vpc_id", vpc_id},
                                    {"cidr_block", dep.tenant_subnets.at(i).ToString()},
                                    {"availability_zone", az},
                                    {"map_public_ip_on_launch", false},
                                    {"tags", name_tags(fmt::format("{}-{}", base, az))}},
                                   o_tenant);
    tf::Ref rt = unit.Resource(
        "aws_route_table", k,
        {{"vpc_id", vpc_id}, {"tags", name_tags(fmt::format("{}-{}", base, az))}}, o_tenant);
    unit.Resource("aws_route_table_association", k,
                  {{"subnet_id", subnet["id"]}, {"route_table_id", rt["id"]}}, o_tenant);
    unit.Resource("aws_vpc_endpoint_route_table_association", k + "_s3",
                  {{"vpc_endpoint_id", s3_endpoint}, {"route_table_id", rt["id"]}}, o_tenant);
    if (net.egress) {
      const std::string nat = At(nw.Output("private_nat_gateway_ids"), nat_az);
      for (const Cidr& dst : net.egress->destinations) {
        unit.Resource("aws_route", k + "_to_" + BlockKey(dst.ToString()),
                      {{"route_table_id", rt["id"]},
                       {"destination_cidr_block", dst.ToString()},
                       {"nat_gateway_id", nat}},
                      o_env);
      }
    }
    if (net.internet_egress) {
      unit.Resource("aws_route", k + "_to_internet",
                    {{"route_table_id", rt["id"]},
                     {"destination_cidr_block", "0.0.0.0/0"},
                     {"nat_gateway_id", At(nw.Output("public_nat_gateway_ids"), nat_az)}},
                    o_env);
    }

    tf::Ref data_subnet = unit.Resource("aws_subnet", dk,
                                        {{"vpc_id", vpc_id},
                                         {"cidr_block", dep.data_subnets.at(i).ToString()},
                                         {"availability_zone", az},
                                         {"map_public_ip_on_launch", false},
                                         {"tags", name_tags(fmt::format("{}-data-{}", base, az))}},
                                        o_tenant);
    unit.Resource("aws_route_table_association", dk,
                  {{"subnet_id", data_subnet["id"]}, {"route_table_id", data_rt["id"]}}, o_tenant);
  }

  // Security groups: the app tasks', and the data stores' which admits only the former.
  const std::string app_name = naming::AppSecurityGroup(org.name, t).value;
  const std::string data_name = naming::DataSecurityGroup(org.name, t).value;
  tf::Ref app_sg = unit.Resource("aws_security_group", t + "_app",
                                 {{"name", app_name},
                                  {"description", fmt::format("app tasks of tenant {}", t)},
                                  {"vpc_id", vpc_id},
                                  {"tags", name_tags(app_name)}},
                                 o_tenant);
  tf::Ref data_sg = unit.Resource(
      "aws_security_group", t + "_data",
      {{"name", data_name},
       {"description", fmt::format("data stores of tenant {}: from its app tasks only", t)},
       {"vpc_id", vpc_id},
       {"tags", name_tags(data_name)}},
      o_tenant);
  /// App egress rule `<t>_app_to_<name>`; no port: every protocol and port.
  auto egress_rule = [&](const std::string& name, const std::string& description, Json target,
                         const tf::Origin& o, std::optional<int> port) {
    std::string label = name;
    for (char& c : label)
      if (c == '_') c = '-';
    Json body = {{"security_group_id", app_sg["id"]},
                 {"description", description},
                 {"ip_protocol", port ? "tcp" : "-1"},
                 {"tags", name_tags(app_name + "-to-" + label)}};
    if (port) body.update({{"from_port", *port}, {"to_port", *port}});
    body.update(target);
    unit.Resource("aws_vpc_security_group_egress_rule", t + "_app_to_" + name, std::move(body), o);
  };
  egress_rule("endpoints", "HTTPS to the interface VPC endpoints",
              {{"referenced_security_group_id", nw.Output("endpoints_security_group_id")}},
              o_tenant, 443);
  egress_rule("s3", "HTTPS to S3 through the gateway endpoint",
              {{"prefix_list_id", nw.Output("s3_prefix_list_id")}}, o_tenant, 443);
  if (net.egress) {
    for (const Cidr& dst : net.egress->destinations)
      egress_rule(BlockKey(dst.ToString()), "to " + dst.ToString() + " through the private NAT gateway",
                  {{"cidr_ipv4", dst.ToString()}}, o_env, std::nullopt);
  }
  if (net.internet_egress)
    egress_rule("internet_https", "HTTPS to the internet through the public NAT gateway",
                {{"cidr_ipv4", "0.0.0.0/0"}}, o_env, 443);

  std::set<std::string> opened;
  for (const model::Resource& r : dep.resources) {
    // The ports of its kind (catalog/store_kinds.h); S3 has none (gateway endpoint).
    for (const catalog::Port& p : catalog::Row(r.type).ports) {
      if (!opened.insert(std::string(p.name)).second) continue;
      const tf::Origin o = ctx.Origin(r.span);
      egress_rule(fmt::format("data_{}", p.name),
                  fmt::format("{} on the tenant's data stores", p.name),
                  {{"referenced_security_group_id", data_sg["id"]}}, o, p.port);
      unit.Resource("aws_vpc_security_group_ingress_rule",
                    fmt::format("{}_data_from_app_{}", t, p.name),
                    {{"security_group_id", data_sg["id"]},
                     {"description", fmt::format("{} from the tenant's app tasks", p.name)},
                     {"referenced_security_group_id", app_sg["id"]},
                     {"ip_protocol", "tcp"},
                     {"from_port", p.port},
                     {"to_port", p.port},
                     {"tags", name_tags(fmt::format("{}-from-app-{}", data_name, p.port))}},
                    o);
    }
  }
}

}  // namespace eurus::synth
