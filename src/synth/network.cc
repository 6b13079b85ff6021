// <env>/network: the environment's shared network. One VPC; per AZ a platform subnet (ALB,
// interface endpoints), an egress subnet with a private NAT gateway ("allowed range"), and
// with internet egress a /28 NAT subnet holding a public NAT gateway. Tenant and data
// subnets are not here: they live in the tenant units (tenant_network.cc), so onboarding a
// tenant never edits this unit. See docs/Networking.md.

#include <fmt/format.h>

#include <stdexcept>

#include "model/naming.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// The interface endpoints Fargate tasks need without internet (AWS-NOTES, Network).
constexpr const char* kInterfaceEndpoints[] = {"ecr.api", "ecr.dkr", "logs",       "secretsmanager",
                                               "ssm",     "xray",    "sts", "monitoring"};


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
    throw std::logic_error(fmt::format("environment {}: no NAT subnet allocated for {}", env.name, az));
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

}  // namespace

size_t AddNetwork(const Context& ctx, const model::Environment& env, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  const model::Network& net = env.network;
  tf::Unit u =
      ctx.NewUnit(env.name, env.account, env.name, tags::kPlatform, "network", tags::kPlatform);
  u.sources.insert(env.file);
  const tf::Origin o = ctx.Origin(env.span);
  const std::string base = fmt::format("{}-{}", org.name, env.name);

  // VPC, and the default security group stripped of its rules: nothing may use it.
  tf::Ref vpc = u.Resource("aws_vpc", "main",
                           {{"cidr_block", net.cidr.ToString()},
                            {"enable_dns_support", true},
                            {"enable_dns_hostnames", true},
                            {"tags", NameTag(base)}},
                           o);
  u.Resource("aws_default_security_group", "default",
             {{"vpc_id", vpc["id"]},
              {"ingress", Json::array()},
              {"egress", Json::array()},
              {"tags", NameTag(base + "-default-unused")}},
             o);

  // Platform subnets (ALB, interface endpoints): no route off the VPC.
  tf::Ref platform_rt =
      u.Resource("aws_route_table", "platform",
                 {{"vpc_id", vpc["id"]}, {"tags", NameTag(base + "-platform")}}, o);
  Json platform_subnet_ids = Json::array();
  for (size_t i = 0; i < net.azs.size(); ++i) {
    const std::string& az = net.azs[i];
    tf::Ref s = u.Resource("aws_subnet", "platform_" + BlockKey(az),
                           {{"vpc_id", vpc["id"]},
                            {"cidr_block", net.platform_subnets.at(i).ToString()},
                            {"availability_zone", az},
                            {"map_public_ip_on_launch", false},
                            {"tags", NameTag(fmt::format("{}-platform-{}", base, az))}},
                           o);
    u.Resource("aws_route_table_association", "platform_" + BlockKey(az),
               {{"subnet_id", s["id"]}, {"route_table_id", platform_rt["id"]}}, o);
    platform_subnet_ids.push_back(s["id"]);
  }

  // Private NAT in the routable "allowed range": workloads reach `destinations` through it,
  // and its subnets send them on to the transit gateway.
  if (net.egress) {
    const model::Egress& eg = *net.egress;
    tf::Ref assoc = u.Resource("aws_vpc_ipv4_cidr_block_association", "egress",
                               {{"vpc_id", vpc["id"]}, {"cidr_block", eg.cidr.ToString()}}, o);
    tf::Ref egress_rt = u.Resource("aws_route_table", "egress",
                                   {{"vpc_id", vpc["id"]}, {"tags", NameTag(base + "-egress")}}, o);
    std::map<std::string, tf::Ref> egress_subnets;
    Json egress_subnet_ids = Json::array();
    for (size_t i = 0; i < net.azs.size(); ++i) {
      const std::string& az = net.azs[i];
      // vpc_id through the association: the subnet waits for the secondary CIDR.
      tf::Ref s = u.Resource("aws_subnet", "egress_" + BlockKey(az),
                             {{"vpc_id", assoc["vpc_id"]},
                              {"cidr_block", net.egress_subnets.at(i).ToString()},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false},
                              {"tags", NameTag(fmt::format("{}-egress-{}", base, az))}},
                             o);
      u.Resource("aws_route_table_association", "egress_" + BlockKey(az),
                 {{"subnet_id", s["id"]}, {"route_table_id", egress_rt["id"]}}, o);
      egress_subnets.emplace(az, s);
      egress_subnet_ids.push_back(s["id"]);
    }
    Json private_nat_ids = Json::object();
    for (const std::string& az : NatAzs(net)) {
      tf::Ref nat = u.Resource("aws_nat_gateway", "private_" + BlockKey(az),
                               {{"connectivity_type", "private"},
                                {"subnet_id", egress_subnets.at(az)["id"]},
                                {"tags", NameTag(fmt::format("{}-private-nat-{}", base, az))}},
                               o);
      private_nat_ids[az] = nat["id"];
    }
    if (!eg.transit_gateway_id.empty()) {
      tf::Ref tgw = u.Resource("aws_ec2_transit_gateway_vpc_attachment", "egress",
                               {{"vpc_id", vpc["id"]},
                                {"transit_gateway_id", eg.transit_gateway_id},
                                {"subnet_ids", egress_subnet_ids},
                                {"tags", NameTag(base + "-egress")}},
                               o);
      for (const Cidr& dst : eg.destinations) {
        u.Resource("aws_route", "egress_to_" + BlockKey(dst.ToString()),
                   {{"route_table_id", egress_rt["id"]},
                    {"destination_cidr_block", dst.ToString()},
                    {"transit_gateway_id", eg.transit_gateway_id},
                    {"depends_on", Json::array({tgw.Address()})}},
                   o);
      }
    }
    u.Output(
        "private_nat_gateway_ids", private_nat_ids,
        "private NAT gateway id by AZ (every AZ, or only the first with nat_gateways: single)");
  }

  // Internet gateway: for internet egress, and attached without any route for CloudFront
  // VPC origins.
  std::optional<tf::Ref> igw;
  if (net.internet_egress || env.cloudfront) {
    igw = u.Resource("aws_internet_gateway", "main",
                     {{"vpc_id", vpc["id"]}, {"tags", NameTag(base)}}, o);
    u.Output("internet_gateway_id", (*igw)["id"], "internet gateway attached to the VPC");
  }

  // Internet egress: a /28 per NAT AZ (from the lock), routed to the internet gateway,
  // holding only the public NAT gateway and its Elastic IP. No workload lands there and no
  // subnet maps public IPs on launch.
  if (net.internet_egress) {
    tf::Ref nat_rt = u.Resource("aws_route_table", "nat",
                                {{"vpc_id", vpc["id"]}, {"tags", NameTag(base + "-nat")}}, o);
    u.Resource("aws_route", "nat_to_internet",
               {{"route_table_id", nat_rt["id"]},
                {"destination_cidr_block", "0.0.0.0/0"},
                {"gateway_id", (*igw)["id"]}},
               o);
    Json public_nat_ids = Json::object();
    for (const std::string& az : NatAzs(net)) {
      tf::Ref s = u.Resource("aws_subnet", "nat_" + BlockKey(az),
                             {{"vpc_id", vpc["id"]},
                              {"cidr_block", InternetNatSubnet(env, az).ToString()},
                              {"availability_zone", az},
                              {"map_public_ip_on_launch", false},
                              {"tags", NameTag(fmt::format("{}-nat-{}", base, az))}},
                             o);
      u.Resource("aws_route_table_association", "nat_" + BlockKey(az),
                 {{"subnet_id", s["id"]}, {"route_table_id", nat_rt["id"]}}, o);
      tf::Ref eip = u.Resource("aws_eip", "nat_" + BlockKey(az),
                               {{"domain", "vpc"},
                                {"tags", NameTag(fmt::format("{}-public-nat-{}", base, az))},
                                {"depends_on", Json::array({igw->Address()})}},
                               o);
      tf::Ref nat = u.Resource("aws_nat_gateway", "public_" + BlockKey(az),
                               {{"connectivity_type", "public"},
                                {"allocation_id", eip["allocation_id"]},
                                {"subnet_id", s["id"]},
                                {"tags", NameTag(fmt::format("{}-public-nat-{}", base, az))},
                                {"depends_on", Json::array({igw->Address()})}},
                               o);
      public_nat_ids[az] = nat["id"];
    }
    u.Output("public_nat_gateway_ids", public_nat_ids,
             "public NAT gateway id by AZ (every AZ, or only the first with nat_gateways: single)");
  }

  // Interface endpoints in the platform subnets, reachable on 443 from the VPC.
  tf::Ref endpoints_sg = u.Resource("aws_security_group", "endpoints",
                                    {{"name", org.name + "-vpc-endpoints"},
                                     {"description", "interface VPC endpoints: HTTPS from the VPC"},
                                     {"vpc_id", vpc["id"]},
                                     {"tags", NameTag(org.name + "-vpc-endpoints")}},
                                    o);
  u.Resource("aws_vpc_security_group_ingress_rule", "endpoints_https_from_vpc",
             {{"security_group_id", endpoints_sg["id"]},
              {"description", "HTTPS from the VPC"},
              {"cidr_ipv4", net.cidr.ToString()},
              {"ip_protocol", "tcp"},
              {"from_port", 443},
              {"to_port", 443},
              {"tags", NameTag(org.name + "-vpc-endpoints-https")}},
             o);
  for (const char* service : kInterfaceEndpoints) {
    u.Resource("aws_vpc_endpoint", BlockKey(service),
               {{"vpc_id", vpc["id"]},
                {"service_name", fmt::format("com.amazonaws.{}.{}", org.region, service)},
                {"vpc_endpoint_type", "Interface"},
                {"private_dns_enabled", true},
                {"subnet_ids", platform_subnet_ids},
                {"security_group_ids", Json::array({endpoints_sg["id"]})},
                {"tags", NameTag(fmt::format("{}-{}", base, service))}},
               o);
  }
  // S3 gateway endpoint. Route tables join it through associations only (here and in the
  // tenant units): a route_table_ids argument would fight the tenants' associations.
  tf::Ref s3 = u.Resource("aws_vpc_endpoint", "s3",
                          {{"vpc_id", vpc["id"]},
                           {"service_name", fmt::format("com.amazonaws.{}.s3", org.region)},
                           {"vpc_endpoint_type", "Gateway"},
                           {"policy", S3EndpointPolicy(org, env)},
                           {"tags", NameTag(base + "-s3")}},
                          o);
  u.Resource("aws_vpc_endpoint_route_table_association", "s3_platform",
             {{"vpc_endpoint_id", s3["id"]}, {"route_table_id", platform_rt["id"]}}, o);

  // Flow logs: all traffic to an encrypted log group.
  if (net.flow_logs) {
    const std::string group = naming::FlowLogGroup(org.name, env.name).value;
    const std::string group_arn =
        fmt::format("arn:aws:logs:{}:{}:log-group:{}", org.region, env.account, group);
    const std::string role_name = org.name + "-vpc-flow-logs";
    Json key_policy = {
        {"Version", kPolicyVersion},
        {"Statement",
         Json::array({
             {{"Sid", "AccountAdministers"},
              {"Effect", "Allow"},
              {"Principal", {{"AWS", fmt::format("arn:aws:iam::{}:root", env.account)}}},
              {"Action", "kms:*"},
              {"Resource", "*"}},
             {{"Sid", "FlowLogGroupEncrypts"},
              {"Effect", "Allow"},
              {"Principal", {{"Service", fmt::format("logs.{}.amazonaws.com", org.region)}}},
              {"Action", Json::array({"kms:Decrypt*", "kms:Describe*", "kms:Encrypt*",
                                      "kms:GenerateDataKey*", "kms:ReEncrypt*"})},
              {"Resource", "*"},
              {"Condition", {{"ArnEquals", {{"kms:EncryptionContext:aws:logs:arn", group_arn}}}}}},
         })}};
    tf::Ref key = u.Resource("aws_kms_key", "flow_logs",
                             {{"description", fmt::format("VPC flow logs of {}", base)},
                              {"enable_key_rotation", true},
                              {"deletion_window_in_days", 30},
                              {"policy", key_policy.dump()},
                              {"tags", NameTag(base + "-vpc-flow-logs")}},
                             o);
    u.Resource("aws_kms_alias", "flow_logs",
               {{"name", fmt::format("alias/{}-vpc-flow-logs", org.name)},
                {"target_key_id", key["key_id"]}},
               o);
    tf::Ref log_group = u.Resource("aws_cloudwatch_log_group", "flow_logs",
                                   {{"name", group},
                                    {"retention_in_days", net.flow_logs_retention_days},
                                    {"kms_key_id", key["arn"]},
                                    {"tags", NameTag(group)}},
                                   o);
    Json trust = {
        {"Version", kPolicyVersion},
        {"Statement",
         Json::array({{{"Effect", "Allow"},
                       {"Principal", {{"Service", "vpc-flow-logs.amazonaws.com"}}},
                       {"Action", "sts:AssumeRole"},
                       {"Condition",
                        {{"StringEquals", {{"aws:SourceAccount", env.account}}},
                         {"ArnLike",
                          {{"aws:SourceArn", fmt::format("arn:aws:ec2:{}:{}:vpc-flow-log/*",
                                                         org.region, env.account)}}}}}}})}};
    tf::Ref role = u.Resource("aws_iam_role", "flow_logs",
                              {{"name", role_name},
                               {"description", "delivers the VPC flow logs to " + group},
                               {"assume_role_policy", trust.dump()},
                               {"tags", NameTag(role_name)}},
                              o);
    Json delivery = {
        {"Version", kPolicyVersion},
        {"Statement",
         Json::array({{{"Effect", "Allow"},
                       {"Action", Json::array({"logs:CreateLogStream", "logs:DescribeLogStreams",
                                               "logs:PutLogEvents"})},
                       {"Resource", Json::array({group_arn, group_arn + ":log-stream:*"})}}})}};
    u.Resource(
        "aws_iam_role_policy", "flow_logs",
        {{"name", "deliver-to-log-group"}, {"role", role["id"]}, {"policy", delivery.dump()}}, o);
    u.Resource("aws_flow_log", "vpc",
               {{"vpc_id", vpc["id"]},
                {"traffic_type", "ALL"},
                {"log_destination_type", "cloud-watch-logs"},
                {"log_destination", log_group["arn"]},
                {"iam_role_arn", role["arn"]},
                {"max_aggregation_interval", 600},
                {"tags", NameTag(base + "-vpc")}},
               o);
  }

  u.Output("vpc_id", vpc["id"], "the environment's VPC");
  u.Output("vpc_cidr", vpc["cidr_block"], "primary CIDR of the VPC");
  u.Output("platform_subnet_ids", platform_subnet_ids,
           "platform subnets (ALB, endpoints), in AZ order");
  u.Output("s3_endpoint_id", s3["id"],
           "S3 gateway endpoint; tenant route tables associate with it");
  u.Output("s3_prefix_list_id", s3["prefix_list_id"],
           "managed prefix list of S3, for security group egress");
  u.Output("endpoints_security_group_id", endpoints_sg["id"],
           "security group of the interface endpoints");

  units.push_back(std::move(u));
  return units.size() - 1;
}

}  // namespace eurus::synth
