// <env>/network: the environment's shared network. One VPC; per AZ a platform subnet (ALB,
// interface endpoints), an egress subnet with a private NAT gateway ("allowed range"), and
// with internet egress a /28 NAT subnet holding a public NAT gateway. Tenant and data
// subnets are not here: they live in the tenant units (tenant_network.cc). Onboarding a
// tenant edits this unit only where `endpoints: auto` adds the interface endpoints its
// tasks need (the first tenant with apps, or the first that reads a secret) in an
// environment without internet egress. See docs/Networking.md.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/naming.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;


Json NameTag(const std::string& name) { return {{"Name", name}}; }

/// The AZs that hold a NAT gateway: every AZ, or only the first with `nat_gateways: single`.
std::vector<std::string> NatAzs(const model::Network& net) {
  if (net.nat == model::NatMode::kSingle) return {net.azs.front()};
  return net.azs;
}

/// The /28 that holds `az`'s public NAT gateway: reserved in eurus.lock.json like every
/// other subnet (the allocator places it when internet egress is on), so it never moves and
/// never overlaps a tenant.
Cidr InternetNatSubnet(const model::Environment& env, const std::string& az) {
  const auto& azs = env.network.azs;
  size_t i = static_cast<size_t>(std::find(azs.begin(), azs.end(), az) - azs.begin());
  if (i >= env.network.nat_subnets.size())
    throw std::logic_error(
        fmt::format("environment {}: no NAT subnet allocated for {}", env.name, az));
  return env.network.nat_subnets[i];
}

/// The S3 gateway endpoint policy: ECR image layers (read) and the org's buckets in this
/// account. No statement grants every action; other buckets are unreachable from the VPC.
std::string S3EndpointPolicy(const model::Org& org, const model::Environment& env) {
  const std::string buckets = fmt::format("arn:aws:s3:::{}-*-{}", org.name, env.account);
  const Json in_account = {{"StringEquals", {{"aws:ResourceAccount", env.account}}}};
  Json doc = {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array({
           {{"Sid", "EcrImageLayers"},
            {"Effect", "Allow"},
            {"Principal", "*"},
            {"Action", "s3:GetObject"},
            {"Resource", fmt::format("arn:aws:s3:::prod-{}-starport-layer-bucket/*", org.region)}},
           {{"Sid", "OrgBucketObjects"},
            {"Effect", "Allow"},
            {"Principal", "*"},
            {"Action",
             Json::array({"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject",
                          "s3:GetObjectVersion", "s3:ListMultipartUploadParts", "s3:PutObject"})},
            {"Resource", buckets + "/*"},
            {"Condition", in_account}},
           {{"Sid", "OrgBuckets"},
            {"Effect", "Allow"},
            {"Principal", "*"},
            {"Action", Json::array({"s3:GetBucketLocation", "s3:ListBucket",
                                    "s3:ListBucketMultipartUploads"})},
            {"Resource", buckets},
            {"Condition", in_account}},
       })}};
  return doc.dump();
}


/// What the parts of the network unit share.
struct NetworkScope {
  const model::Org& org;
  const model::Environment& env;
  const model::Network& net;
  tf::Unit& u;
  tf::Origin o;
  std::string base;  ///< "<org>-<env>": the prefix of Name tags
};

/// VPC, and the default security group stripped of its rules: nothing may use it.
tf::Ref AddVpc(const NetworkScope& w) {
  tf::Ref vpc = w.u.Resource("aws_vpc", "main",
                             {{"cidr_block", w.net.cidr.ToString()},
                              {"enable_dns_support", true},
                              {"enable_dns_hostnames", true},
                              {"tags", NameTag(w.base)}},
                             w.o);
  w.u.Resource("aws_default_security_group", "default",
               {{"vpc_id", vpc["id"]},
                {"ingress", Json::array()},
                {"egress", Json::array()},
                {"tags", NameTag(w.base + "-default-unused")}},
               w.o);
  return vpc;
}

/// The platform subnets and their route table.
struct PlatformSubnets {
  tf::Ref route_table;
  Json ids;  ///< in AZ order
};

/// Platform subnets (ALB, interface endpoints): no route off the VPC.
PlatformSubnets AddPlatformSubnets(const NetworkScope& w, const tf::Ref& vpc) {
  tf::Ref rt = w.u.Resource("aws_route_table", "platform",
                            {{"vpc_id", vpc["id"]}, {"tags", NameTag(w.base + "-platform")}}, w.o);
  Json ids = Json::array();
  for (size_t i = 0; i < w.net.azs.size(); ++i) {
    const std::string& az = w.net.azs[i];
    tf::Ref s = w.u.Resource("aws_subnet", "platform_" + BlockKey(az),
                             {{"vpc_id", vpc["id"]},
                              {"cidr_block", w.net.platform_subnets.at(i).ToString()},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false},
                              {"tags", NameTag(fmt::format("{}-platform-{}", w.base, az))}},
                             w.o);
    w.u.Resource("aws_route_table_association", "platform_" + BlockKey(az),
                 {{"subnet_id", s["id"]}, {"route_table_id", rt["id"]}}, w.o);
    ids.push_back(s["id"]);
  }
  return {rt, ids};
}

/// The egress subnets in the secondary CIDR `assoc` adds, with their route table; returns
/// the subnets by AZ.
std::map<std::string, tf::Ref> AddEgressSubnets(const NetworkScope& w, const tf::Ref& assoc,
                                                const tf::Ref& egress_rt) {
  std::map<std::string, tf::Ref> subnets;
  for (size_t i = 0; i < w.net.azs.size(); ++i) {
    const std::string& az = w.net.azs[i];
    // vpc_id through the association: the subnet waits for the secondary CIDR.
    tf::Ref s = w.u.Resource("aws_subnet", "egress_" + BlockKey(az),
                             {{"vpc_id", assoc["vpc_id"]},
                              {"cidr_block", w.net.egress_subnets.at(i).ToString()},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false},
                              {"tags", NameTag(fmt::format("{}-egress-{}", w.base, az))}},
                             w.o);
    w.u.Resource("aws_route_table_association", "egress_" + BlockKey(az),
                 {{"subnet_id", s["id"]}, {"route_table_id", egress_rt["id"]}}, w.o);
    subnets.emplace(az, s);
  }
  return subnets;
}

/// Private NAT in the routable "allowed range": workloads reach `destinations` through it,
/// and its subnets send them on to the transit gateway.
void AddPrivateEgress(const NetworkScope& w, const tf::Ref& vpc) {
  if (!w.net.egress) return;
  const model::Egress& eg = *w.net.egress;
  tf::Ref assoc = w.u.Resource("aws_vpc_ipv4_cidr_block_association", "egress",
                               {{"vpc_id", vpc["id"]}, {"cidr_block", eg.cidr.ToString()}}, w.o);
  tf::Ref egress_rt = w.u.Resource(
      "aws_route_table", "egress", {{"vpc_id", vpc["id"]}, {"tags", NameTag(w.base + "-egress")}},
      w.o);
  const std::map<std::string, tf::Ref> egress_subnets = AddEgressSubnets(w, assoc, egress_rt);
  Json egress_subnet_ids = Json::array();
  for (const std::string& az : w.net.azs) egress_subnet_ids.push_back(egress_subnets.at(az)["id"]);
  Json private_nat_ids = Json::object();
  for (const std::string& az : NatAzs(w.net)) {
    tf::Ref nat = w.u.Resource("aws_nat_gateway", "private_" + BlockKey(az),
                               {{"connectivity_type", "private"},
                                {"subnet_id", egress_subnets.at(az)["id"]},
                                {"tags", NameTag(fmt::format("{}-private-nat-{}", w.base, az))}},
                               w.o);
    private_nat_ids[az] = nat["id"];
  }
  if (!eg.transit_gateway_id.empty()) {
    tf::Ref tgw = w.u.Resource("aws_ec2_transit_gateway_vpc_attachment", "egress",
                               {{"vpc_id", vpc["id"]},
                                {"transit_gateway_id", eg.transit_gateway_id},
                                {"subnet_ids", egress_subnet_ids},
                                {"tags", NameTag(w.base + "-egress")}},
                               w.o);
    for (const Cidr& dst : eg.destinations) {
      w.u.Resource("aws_route", "egress_to_" + BlockKey(dst.ToString()),
                   {{"route_table_id", egress_rt["id"]},
                    {"destination_cidr_block", dst.ToString()},
                    {"transit_gateway_id", eg.transit_gateway_id},
                    {"depends_on", Json::array({tgw.Address()})}},
                   w.o);
    }
  }
  w.u.Output(
      "private_nat_gateway_ids", private_nat_ids,
      "private NAT gateway id by AZ (every AZ, or only the first with nat_gateways: single)");
}

/// Internet gateway: for internet egress, and attached without any route for CloudFront
/// VPC origins.
std::optional<tf::Ref> AddInternetGateway(const NetworkScope& w, const tf::Ref& vpc) {
  if (!w.net.internet_egress && !w.env.cloudfront) return std::nullopt;
  tf::Ref igw = w.u.Resource("aws_internet_gateway", "main",
                             {{"vpc_id", vpc["id"]}, {"tags", NameTag(w.base)}}, w.o);
  w.u.Output("internet_gateway_id", igw["id"], "internet gateway attached to the VPC");
  return igw;
}

/// Internet egress: a /28 per NAT AZ (from the lock), routed to the internet gateway,
/// holding only the public NAT gateway and its Elastic IP. No workload lands there and no
/// subnet maps public IPs on launch.
void AddInternetEgress(const NetworkScope& w, const tf::Ref& vpc, const tf::Ref& igw) {
  tf::Ref nat_rt = w.u.Resource("aws_route_table", "nat",
                                {{"vpc_id", vpc["id"]}, {"tags", NameTag(w.base + "-nat")}}, w.o);
  w.u.Resource("aws_route", "nat_to_internet",
               {{"route_table_id", nat_rt["id"]},
                {"destination_cidr_block", "0.0.0.0/0"},
                {"gateway_id", igw["id"]}},
               w.o);
  Json public_nat_ids = Json::object();
  for (const std::string& az : NatAzs(w.net)) {
    tf::Ref s = w.u.Resource("aws_subnet", "nat_" + BlockKey(az),
                             {{"vpc_id", vpc["id"]},
                              {"cidr_block", InternetNatSubnet(w.env, az).ToString()},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false},
                              {"tags", NameTag(fmt::format("{}-nat-{}", w.base, az))}},
                             w.o);
    w.u.Resource("aws_route_table_association", "nat_" + BlockKey(az),
                 {{"subnet_id", s["id"]}, {"route_table_id", nat_rt["id"]}}, w.o);
    tf::Ref eip = w.u.Resource("aws_eip", "nat_" + BlockKey(az),
                               {{"domain", "vpc"},
                                {"tags", NameTag(fmt::format("{}-public-nat-{}", w.base, az))},
                                {"depends_on", Json::array({igw.Address()})}},
                               w.o);
    tf::Ref nat = w.u.Resource("aws_nat_gateway", "public_" + BlockKey(az),
                               {{"connectivity_type", "public"},
                                {"allocation_id", eip["allocation_id"]},
                                {"subnet_id", s["id"]},
                                {"tags", NameTag(fmt::format("{}-public-nat-{}", w.base, az))},
                                {"depends_on", Json::array({igw.Address()})}},
                               w.o);
    public_nat_ids[az] = nat["id"];
  }
  w.u.Output("public_nat_gateway_ids", public_nat_ids,
             "public NAT gateway id by AZ (every AZ, or only the first with nat_gateways: single)");
}

/// The VPC endpoints' blocks the outputs name.
struct Endpoints {
  tf::Ref security_group;  ///< of the interface endpoints
  tf::Ref s3;              ///< the S3 gateway endpoint
};

/// Interface endpoints in the platform subnets, reachable on 443 from the VPC, and the S3
/// gateway endpoint (free; always there: ECR's image layers come through it). Which
/// interface endpoints: model::InterfaceEndpoints (`network.endpoints`; docs/Networking.md).
/// Fargate pulls from ECR through ecr.api, ecr.dkr and the S3 gateway, and reads injected
/// secrets through secretsmanager (AWS ECS guide, "Migrating to Linux platform version
/// 1.4.0", interface VPC endpoints). In every AZ, or with `endpoint_zones: one` in the
/// first AZ only: the private DNS name resolves to that one interface from every AZ.
/// The security group is kept without endpoints: tenant units reference it.
Endpoints AddEndpoints(const NetworkScope& w, const tf::Ref& vpc, const PlatformSubnets& platform) {
  const std::string& org = w.org.name;
  tf::Ref sg = w.u.Resource("aws_security_group", "endpoints",
                            {{"name", org + "-vpc-endpoints"},
                             {"description", "interface VPC endpoints: HTTPS from the VPC"},
                             {"vpc_id", vpc["id"]},
                             {"tags", NameTag(org + "-vpc-endpoints")}},
                            w.o);
  w.u.Resource("aws_vpc_security_group_ingress_rule", "endpoints_https_from_vpc",
               {{"security_group_id", sg["id"]},
                {"description", "HTTPS from the VPC"},
                {"cidr_ipv4", w.net.cidr.ToString()},
                {"ip_protocol", "tcp"},
                {"from_port", 443},
                {"to_port", 443},
                {"tags", NameTag(org + "-vpc-endpoints-https")}},
               w.o);
  Json subnet_ids = platform.ids;
  if (w.net.endpoints_one_zone) subnet_ids = Json::array({platform.ids.at(0)});
  for (const std::string& service : model::InterfaceEndpoints(w.org, w.env)) {
    w.u.Resource("aws_vpc_endpoint", BlockKey(service),
                 {{"vpc_id", vpc["id"]},
                  {"service_name", fmt::format("com.amazonaws.{}.{}", w.org.region, service)},
                  {"vpc_endpoint_type", "Interface"},
                  {"private_dns_enabled", true},
                  {"subnet_ids", subnet_ids},
                  {"security_group_ids", Json::array({sg["id"]})},
                  {"tags", NameTag(fmt::format("{}-{}", w.base, service))}},
                 w.o);
  }
  // S3 gateway endpoint. Route tables join it through associations only (here and in the
  // tenant units): a route_table_ids argument would fight the tenants' associations.
  tf::Ref s3 = w.u.Resource("aws_vpc_endpoint", "s3",
                            {{"vpc_id", vpc["id"]},
                             {"service_name", fmt::format("com.amazonaws.{}.s3", w.org.region)},
                             {"vpc_endpoint_type", "Gateway"},
                             {"policy", S3EndpointPolicy(w.org, w.env)},
                             {"tags", NameTag(w.base + "-s3")}},
                            w.o);
  w.u.Resource("aws_vpc_endpoint_route_table_association", "s3_platform",
               {{"vpc_endpoint_id", s3["id"]}, {"route_table_id", platform.route_table["id"]}},
               w.o);
  return {sg, s3};
}

/// The flow log key's policy: the account administers it; CloudWatch Logs encrypts with it
/// for the flow log group only.
Json FlowLogKeyPolicy(const NetworkScope& w, const std::string& group_arn) {
  return {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array({
           {{"Sid", "AccountAdministers"},
            {"Effect", "Allow"},
            {"Principal", {{"AWS", fmt::format("arn:aws:iam::{}:root", w.env.account)}}},
            {"Action", "kms:*"},
            {"Resource", "*"}},
           {{"Sid", "FlowLogGroupEncrypts"},
            {"Effect", "Allow"},
            {"Principal", {{"Service", fmt::format("logs.{}.amazonaws.com", w.org.region)}}},
            {"Action", Json::array({"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*",
                                    "kms:GenerateDataKey*", "kms:ReEncrypt*"})},
            {"Resource", "*"},
            {"Condition", {{"ArnEquals", {{"kms:EncryptionContext:aws:logs:arn", group_arn}}}}}},
       })}};
}

/// The role VPC Flow Logs assumes to deliver to the log group `group`.
tf::Ref AddFlowLogRole(const NetworkScope& w, const std::string& group,
                       const std::string& group_arn) {
  const std::string role_name = w.org.name + "-vpc-flow-logs";
  Json trust = {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array({{{"Effect", "Allow"},
                     {"Principal", {{"Service", "vpc-flow-logs.amazonaws.com"}}},
                     {"Action", "sts:AssumeRole"},
                     {"Condition",
                      {{"StringEquals", {{"aws:SourceAccount", w.env.account}}},
                       {"ArnLike",
                        {{"aws:SourceArn", fmt::format("arn:aws:ec2:{}:{}:vpc-flow-log/*",
                                                       w.org.region, w.env.account)}}}}}}})}};
  tf::Ref role = w.u.Resource("aws_iam_role", "flow_logs",
                              {{"name", role_name},
                               {"description", "delivers the VPC flow logs to " + group},
                               {"assume_role_policy", trust.dump()},
                               {"tags", NameTag(role_name)}},
                              w.o);
  Json delivery = {
      {"Version", kPolicyVersion},
      {"Statement",
       Json::array({{{"Effect", "Allow"},
                     {"Action", Json::array({"logs:CreateLogStream", "logs:DescribeLogStreams",
                                             "logs:PutLogEvents"})},
                     {"Resource", Json::array({group_arn, group_arn + ":log-stream:*"})}}})}};
  w.u.Resource(
      "aws_iam_role_policy", "flow_logs",
      {{"name", "deliver-to-log-group"}, {"role", role["id"]}, {"policy", delivery.dump()}}, w.o);
  return role;
}

/// Flow logs: all traffic to an encrypted log group.
void AddFlowLogs(const NetworkScope& w, const tf::Ref& vpc) {
  if (!w.net.flow_logs) return;
  const std::string group = naming::FlowLogGroup(w.org.name, w.env.name).value;
  const std::string group_arn =
      fmt::format("arn:aws:logs:{}:{}:log-group:{}", w.org.region, w.env.account, group);
  tf::Ref key = w.u.Resource("aws_kms_key", "flow_logs",
                             {{"description", fmt::format("VPC flow logs of {}", w.base)},
                              {"enable_key_rotation", true},
                              {"deletion_window_in_days", 30},
                              {"policy", FlowLogKeyPolicy(w, group_arn).dump()},
                              {"tags", NameTag(w.base + "-vpc-flow-logs")}},
                             w.o);
  w.u.Resource("aws_kms_alias", "flow_logs",
               {{"name", fmt::format("alias/{}-vpc-flow-logs", w.org.name)},
                {"target_key_id", key["key_id"]}},
               w.o);
  tf::Ref log_group = w.u.Resource("aws_cloudwatch_log_group", "flow_logs",
                                   {{"name", group},
                                    {"retention_in_days", w.net.flow_logs_retention_days},
                                    {"kms_key_id", key["arn"]},
                                    {"tags", NameTag(group)}},
                                   w.o);
  tf::Ref role = AddFlowLogRole(w, group, group_arn);
  w.u.Resource("aws_flow_log", "vpc",
               {{"vpc_id", vpc["id"]},
                {"traffic_type", "ALL"},
                {"log_destination_type", "cloud-watch-logs"},
                {"log_destination", log_group["arn"]},
                {"iam_role_arn", role["arn"]},
                {"max_aggregation_interval", 600},
                {"tags", NameTag(w.base + "-vpc")}},
               w.o);
}

}  // namespace

size_t AddNetwork(const Context& ctx, const model::Environment& env, std::vector<tf::Unit>& units) {
  tf::Unit u =
      ctx.NewUnit(env.name, env.account, env.name, tags::kPlatform, "network", tags::kPlatform);
  u.sources.insert(env.file);
  // `endpoints: auto` reads the apps of every tenant deployed here.
  if (env.network.endpoints == model::EndpointMode::kAuto && !env.network.internet_egress)
    for (const model::Tenant& t : ctx.org.tenants)
      for (const model::Deployment& d : t.deployments)
        if (d.env == env.name) u.sources.insert(t.file);
  const NetworkScope w{.org = ctx.org,
                       .env = env,
                       .net = env.network,
                       .u = u,
                       .o = ctx.Origin(env.span),
                       .base = fmt::format("{}-{}", ctx.org.name, env.name)};

  const tf::Ref vpc = AddVpc(w);
  const PlatformSubnets platform = AddPlatformSubnets(w, vpc);
  AddPrivateEgress(w, vpc);
  const std::optional<tf::Ref> igw = AddInternetGateway(w, vpc);
  if (env.network.internet_egress) AddInternetEgress(w, vpc, *igw);
  const Endpoints endpoints = AddEndpoints(w, vpc, platform);
  AddFlowLogs(w, vpc);

  u.Output("vpc_id", vpc["id"], "the environment's VPC");
  u.Output("vpc_cidr", vpc["cidr_block"], "primary CIDR of the VPC");
  u.Output("platform_subnet_ids", platform.ids, "platform subnets (ALB, endpoints), in AZ order");
  u.Output("s3_endpoint_id", endpoints.s3["id"],
           "S3 gateway endpoint; tenant route tables associate with it");
  u.Output("s3_prefix_list_id", endpoints.s3["prefix_list_id"],
           "managed prefix list of S3, for security group egress");
  u.Output("endpoints_security_group_id", endpoints.security_group["id"],
           "security group of the interface endpoints");

  units.push_back(std::move(u));
  return units.size() - 1;
}

}  // namespace eurus::synth
