#include <gtest/gtest.h>

#include <stdexcept>

#include "diag/render.h"
#include "model/build.h"
#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::Matches;
using testing::Resource;
using testing::ResourceCount;
using testing::Resources;
using testing::ResourcesByName;

/// The base org (testing::BaseOrg): dev (two AZs, defaults: NAT per AZ, no egress, no internet, no
/// CloudFront), prod (three AZs, private egress through a transit gateway), tenants shop
/// (postgres, redis, s3) and blog (mysql). Tests edit the YAML, then synthesize.
struct NetworkTest : testing::SynthFixture {

  void SetUp() override {
    testing::BaseOrg(fs);
    fs.files["environments/prod.yaml"] +=
        "  egress:\n    cidr: 10.102.9.0/24\n    destinations: [192.168.0.0/16, 172.20.0.0/16]\n"
        "    transit_gateway_id: tgw-0123456789abcdef0\n"
        "  flow_logs: { enabled: true, retention_days: 90 }\n";
    fs.files["tenants/shop.yaml"] =
        "environments: [dev, prod]\n"
        "resources:\n"
        "  orders: { type: postgres }\n"
        "  cache: { type: redis }\n"
        "  uploads: { type: s3 }\n";
    fs.files["tenants/blog.yaml"] =
        "environments: [dev, prod]\n"
        "resources:\n"
        "  posts: { type: mysql }\n";
  }

  /// Appends `yaml` (indented network keys) to dev's network section.
  void DevNetwork(const std::string& yaml) { fs.files["environments/dev.yaml"] += yaml; }


};

/// Every aws_route of `u` whose route table is `rt_ref` ("${aws_route_table.x.id}").
std::vector<Json> RoutesOf(const tf::Unit& u, const std::string& rt_ref) {
  std::vector<Json> out;
  for (const Json& r : Resources(u, "aws_route"))
    if (r["route_table_id"] == rt_ref) out.push_back(r);
  return out;
}

// Given NAT per AZ and private egress, we should get one private NAT gateway per AZ, with
// no Elastic IP, each in its AZ's egress subnet.
TEST_F(NetworkTest, PrivateNatPerAz) {
  Synth();
  const tf::Unit& n = U("prod/network");
  EXPECT_EQ(ResourceCount(n, "aws_nat_gateway"), 3);
  for (const char* az : {"eu_west_1a", "eu_west_1b", "eu_west_1c"}) {
    Json nat = Resource(n, "aws_nat_gateway", std::string("private_") + az);
    EXPECT_EQ(nat["connectivity_type"], "private");
    EXPECT_FALSE(nat.contains("allocation_id"));
    EXPECT_EQ(nat["subnet_id"], std::string("${aws_subnet.egress_") + az + ".id}");
  }
  EXPECT_EQ(ResourceCount(n, "aws_eip"), 0);
  EXPECT_TRUE(
      HasResource(n, "aws_vpc_ipv4_cidr_block_association", R"({"cidr_block":"10.102.9.0/24"})"));
  // Egress subnets wait for the secondary CIDR and come from the lock's egress blocks.
  EXPECT_TRUE(HasResource(n, "aws_subnet",
                          R"({"vpc_id":"${aws_vpc_ipv4_cidr_block_association.egress.vpc_id}",
                              "cidr_block":"10.102.9.64/26","availability_zone":"eu-west-1b"})"));
}

// Given a transit gateway, egress subnets should send each destination to it, after the
// attachment exists.
TEST_F(NetworkTest, EgressDestinationsGoToTransitGateway) {
  Synth();
  const tf::Unit& n = U("prod/network");
  EXPECT_TRUE(HasResource(n, "aws_ec2_transit_gateway_vpc_attachment",
                          R"({"transit_gateway_id":"tgw-0123456789abcdef0",
                              "subnet_ids":["${aws_subnet.egress_eu_west_1a.id}",
                                            "${aws_subnet.egress_eu_west_1c.id}"]})"));
  auto routes = RoutesOf(n, "${aws_route_table.egress.id}");
  ASSERT_EQ(routes.size(), 2u);
  for (const Json& r : routes) {
    EXPECT_EQ(r["transit_gateway_id"], "tgw-0123456789abcdef0");
    EXPECT_EQ(r["depends_on"], Json::array({"aws_ec2_transit_gateway_vpc_attachment.egress"}));
  }
  EXPECT_TRUE(HasResource(n, "aws_route", R"({"destination_cidr_block":"172.20.0.0/16"})"));
}

// Given NAT per AZ, each AZ's tenant route table should point at its own AZ's gateway.
TEST_F(NetworkTest, TenantRoutesUseTheirOwnAzNat) {
  Synth();
  const tf::Unit& t = U("prod/tenant-shop");
  for (const char* az : {"eu-west-1a", "eu-west-1b", "eu-west-1c"}) {
    std::string key = az;
    for (char& c : key)
      if (c == '-') c = '_';
    auto routes = RoutesOf(t, "${aws_route_table.shop_" + key + ".id}");
    ASSERT_EQ(routes.size(), 2u) << az;
    for (const Json& r : routes)
      EXPECT_EQ(
          r["nat_gateway_id"],
          std::string("${data.terraform_remote_state.network.outputs.private_nat_gateway_ids[\"") +
              az + "\"]}");
  }
}

// Given `nat_gateways: single`, we should get one gateway, in the first AZ, used by all AZs.
TEST_F(NetworkTest, SingleNatServesEveryAz) {
  fs.files["environments/prod.yaml"] += "  nat_gateways: single\n";
  Synth();
  const tf::Unit& n = U("prod/network");
  EXPECT_EQ(ResourceCount(n, "aws_nat_gateway"), 1);
  EXPECT_FALSE(Resource(n, "aws_nat_gateway", "private_eu_west_1a").is_null());
  const tf::Unit& t = U("prod/tenant-shop");
  for (const Json& r : Resources(t, "aws_route"))
    EXPECT_EQ(
        r["nat_gateway_id"],
        "${data.terraform_remote_state.network.outputs.private_nat_gateway_ids[\"eu-west-1a\"]}");
  EXPECT_EQ(ResourceCount(t, "aws_route"), 6);  // 3 AZs x 2 destinations
}

// Given no internet egress and no CloudFront, nothing should lead to an internet gateway.
TEST_F(NetworkTest, NoInternetPathByDefault) {
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_EQ(ResourceCount(n, "aws_internet_gateway"), 0);
  EXPECT_EQ(ResourceCount(n, "aws_nat_gateway"), 0);
  EXPECT_EQ(ResourceCount(n, "aws_route"), 0);
  EXPECT_EQ(ResourceCount(n, "aws_eip"), 0);
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_route"), 0);
  for (const auto& u : units) {
    for (const Json& r : Resources(u, "aws_route"))
      EXPECT_NE(r["destination_cidr_block"], "0.0.0.0/0") << u.id();
  }
}

// Given internet egress, public NAT gateways should sit in their own /28s that route to
// the internet gateway, and tenant subnets reach them per AZ.
TEST_F(NetworkTest, InternetEgressThroughPublicNat) {
  DevNetwork("  internet_egress: true\n  nat_gateways: per_az\n");
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_TRUE(Resource(n, "aws_subnet", "nat_eu_west_1a").contains("cidr_block"));
  EXPECT_TRUE(Resource(n, "aws_subnet", "nat_eu_west_1b").contains("cidr_block"));
  EXPECT_TRUE(HasResource(
      n, "aws_route",
      R"({"route_table_id":"${aws_route_table.nat.id}","destination_cidr_block":"0.0.0.0/0",
                              "gateway_id":"${aws_internet_gateway.main.id}"})"));
  EXPECT_EQ(ResourceCount(n, "aws_route"), 1);
  EXPECT_TRUE(HasResource(
      n, "aws_nat_gateway",
      R"({"connectivity_type":"public","allocation_id":"${aws_eip.nat_eu_west_1b.allocation_id}",
                              "subnet_id":"${aws_subnet.nat_eu_west_1b.id}"})"));
  EXPECT_TRUE(HasResource(n, "aws_eip", R"({"domain":"vpc"})"));
  // Only the NAT subnets' route table reaches the internet gateway.
  for (const auto& [name, r] : ResourcesByName(n, "aws_route_table_association")) {
    if (r["route_table_id"] == "${aws_route_table.nat.id}") {
      EXPECT_EQ(name.rfind("nat_", 0), 0u) << name;
    }
  }
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_TRUE(HasResource(
      t, "aws_route",
      R"({"route_table_id":"${aws_route_table.shop_eu_west_1b.id}",
          "destination_cidr_block":"0.0.0.0/0",
          "nat_gateway_id":
            "${data.terraform_remote_state.network.outputs.public_nat_gateway_ids[\"eu-west-1b\"]}"})"));
  EXPECT_TRUE(HasResource(
      t, "aws_vpc_security_group_egress_rule",
      R"({"cidr_ipv4":"0.0.0.0/0","from_port":443,"to_port":443,"ip_protocol":"tcp"})"));
  // No tenant route goes to a gateway directly.
  for (const Json& r : Resources(t, "aws_route")) EXPECT_FALSE(r.contains("gateway_id"));
}

// Given internet egress, the NAT subnets should come from the lock and overlap nothing.
TEST_F(NetworkTest, InternetNatSubnetsComeFromTheLock) {
  DevNetwork("  internet_egress: true\n  nat_gateways: per_az\n");
  Synth();
  const model::Environment& env = *org->environment("dev");
  ASSERT_EQ(env.network.nat_subnets.size(), env.network.azs.size());
  const tf::Unit& n = U("dev/network");
  for (size_t i = 0; i < env.network.azs.size(); ++i) {
    std::string key = "nat_" + env.network.azs[i];
    for (char& c : key) if (c == '-') c = '_';
    EXPECT_EQ(Resource(n, "aws_subnet", key)["cidr_block"], env.network.nat_subnets[i].ToString());
    for (const auto& t : org->tenants)
      for (const auto& d : t.deployments)
        for (const auto& c : d.tenant_subnets) EXPECT_FALSE(c.Overlaps(env.network.nat_subnets[i]));
  }
}

// Given any configuration, data subnets should have no route at all (only the S3 gateway).
TEST_F(NetworkTest, DataSubnetsNeverLeaveTheVpc) {
  DevNetwork(
      "  internet_egress: true\n  nat_gateways: per_az\n  egress:\n    cidr: 10.101.0.0/24\n    destinations: "
      "[192.168.0.0/16]\n");
  Synth();
  for (const auto& [id, tenant] :
       {std::pair{"dev/tenant-shop", "shop"}, std::pair{"prod/tenant-shop", "shop"},
        std::pair{"dev/tenant-blog", "blog"}}) {
    const tf::Unit& t = U(id);
    const std::string data_rt = std::string("${aws_route_table.") + tenant + "_data.id}";
    EXPECT_FALSE(Resource(t, "aws_route_table", std::string(tenant) + "_data").is_null()) << id;
    EXPECT_TRUE(RoutesOf(t, data_rt).empty()) << id;
    int associated = 0;
    for (const auto& [name, a] : ResourcesByName(t, "aws_route_table_association")) {
      if (name.find("_data_") == std::string::npos) continue;
      EXPECT_EQ(a["route_table_id"], data_rt) << name;
      ++associated;
    }
    EXPECT_EQ(associated, std::string(id).rfind("prod", 0) == 0 ? 3 : 2) << id;
    EXPECT_TRUE(HasResource(t, "aws_vpc_endpoint_route_table_association",
                            "{\"route_table_id\":\"" + data_rt + "\"}"));
  }
}

/// The services of the interface endpoints of `u` (com.amazonaws.<region>. left out), sorted.
std::vector<std::string> InterfaceServices(const tf::Unit& u) {
  std::vector<std::string> out;
  for (const Json& e : Resources(u, "aws_vpc_endpoint"))
    if (e["vpc_endpoint_type"] == "Interface")
      out.push_back(e["service_name"].get<std::string>().substr(std::string("com.amazonaws.eu-west-1.").size()));
  std::sort(out.begin(), out.end());
  return out;
}

/// A tenant `api` with one app in dev and prod, reading one secret.
constexpr char kApiTenant[] =
    "environments: [dev, prod]\n"
    "apps:\n"
    "  worker: { image: api/worker, cpu: 256, memory: 512, secrets: [token] }\n"
    "overrides:\n"
    "  prod:\n"
    "    apps:\n"
    "      worker: { replicas: { min: 2, max: 2 } }\n";

// Given `endpoints: auto` (the default) and no tenant with apps, there should be no
// interface endpoint, only the S3 gateway (free) with its least-privilege policy.
TEST_F(NetworkTest, EndpointsAutoWithoutApps) {
  Synth();
  for (const char* env : {"dev/network", "prod/network"}) {
    const tf::Unit& n = U(env);
    EXPECT_EQ(InterfaceServices(n), std::vector<std::string>{}) << env;
    EXPECT_EQ(ResourceCount(n, "aws_vpc_endpoint"), 1) << env;
  }
  const tf::Unit& n = U("dev/network");
  EXPECT_TRUE(HasResource(
      n, "aws_vpc_security_group_ingress_rule",
      R"({"security_group_id":"${aws_security_group.endpoints.id}","cidr_ipv4":"10.1.0.0/16",
                              "from_port":443,"to_port":443,"ip_protocol":"tcp"})"));
  Json s3 = ResourcesByName(n, "aws_vpc_endpoint").at("s3");
  EXPECT_EQ(s3["vpc_endpoint_type"], "Gateway");
  EXPECT_FALSE(s3.contains("route_table_ids"));  // associations only
  Json policy = Json::parse(s3["policy"].get<std::string>());
  EXPECT_TRUE(Matches(Json::parse(R"({"Statement":[{"Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"}]})"),
                      policy));
  for (const Json& st : policy["Statement"]) {
    Json actions = st["Action"].is_array() ? st["Action"] : Json::array({st["Action"]});
    for (const Json& a : actions) EXPECT_EQ(a.get<std::string>().find('*'), std::string::npos) << a;
    EXPECT_NE(st["Resource"], "*");
  }
  EXPECT_TRUE(HasResource(
      n, "aws_vpc_endpoint_route_table_association",
      R"({"vpc_endpoint_id":"${aws_vpc_endpoint.s3.id}",
          "route_table_id":"${aws_route_table.platform.id}"})"));
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(ResourceCount(t, "aws_vpc_endpoint_route_table_association"), 3);  // 2 AZs + data
  EXPECT_TRUE(HasResource(
      t, "aws_vpc_endpoint_route_table_association",
      R"({"vpc_endpoint_id":"${data.terraform_remote_state.network.outputs.s3_endpoint_id}",
                              "route_table_id":"${aws_route_table.shop_eu_west_1a.id}"})"));
}

// Given apps without internet egress, `auto` should create what their tasks call: image
// pulls, logs, traces, and Secrets Manager for the injected secret; in nonprod in the first
// AZ only (`endpoint_zones` defaults to one), in prod in every AZ; and the network unit then
// reads the tenant's file.
TEST_F(NetworkTest, EndpointsAutoFollowTheApps) {
  fs.files["tenants/api.yaml"] = kApiTenant;
  Synth();
  const std::vector<std::string> all = {"ecr.api", "ecr.dkr", "logs", "secretsmanager", "xray"};
  EXPECT_EQ(InterfaceServices(U("dev/network")), all);
  EXPECT_EQ(InterfaceServices(U("prod/network")), all);
  for (const Json& e : Resources(U("dev/network"), "aws_vpc_endpoint")) {
    if (e["vpc_endpoint_type"] != "Interface") continue;
    EXPECT_TRUE(Matches(Json::parse(R"({"private_dns_enabled":true,
        "subnet_ids":["${aws_subnet.platform_eu_west_1a.id}"],
        "security_group_ids":["${aws_security_group.endpoints.id}"]})"),
                        e));
  }
  for (const Json& e : Resources(U("prod/network"), "aws_vpc_endpoint"))
    if (e["vpc_endpoint_type"] == "Interface") {
      EXPECT_EQ(e["subnet_ids"].size(), 3u);
    }
  EXPECT_TRUE(U("dev/network").sources.count("tenants/api.yaml"));
  // No secret and no database: no Secrets Manager endpoint.
  fs.files["tenants/api.yaml"] = "environments: [dev]\napps:\n  worker: { image: api/worker, cpu: 256, memory: 512 }\n";
  Synth();
  EXPECT_EQ(InterfaceServices(U("dev/network")),
            (std::vector<std::string>{"ecr.api", "ecr.dkr", "logs", "xray"}));
  // An app using a Postgres reads its password from Secrets Manager.
  fs.files["tenants/shop.yaml"] +=
      "apps:\n  web: { image: shop/web, cpu: 256, memory: 512, uses: [orders] }\n";
  Synth();
  EXPECT_EQ(InterfaceServices(U("dev/network")), all);
  // `endpoint_zones: all` puts them in every AZ in nonprod too.
  DevNetwork("  endpoint_zones: all\n");
  Synth();
  for (const Json& e : Resources(U("dev/network"), "aws_vpc_endpoint"))
    if (e["vpc_endpoint_type"] == "Interface") {
      EXPECT_EQ(e["subnet_ids"].size(), 2u);
    }
}

// Given internet egress, `auto` should create no interface endpoint (AWS APIs are reached
// through the NAT gateway); a list or `none` should be taken as written.
TEST_F(NetworkTest, EndpointsAutoNoneWithInternetEgressListAndNone) {
  fs.files["tenants/api.yaml"] = kApiTenant;
  DevNetwork("  internet_egress: true\n");
  Synth();
  EXPECT_EQ(InterfaceServices(U("dev/network")), std::vector<std::string>{});
  DevNetwork("  endpoints: [logs, ecr.api, logs]\n");
  Synth();
  EXPECT_EQ(InterfaceServices(U("dev/network")), (std::vector<std::string>{"ecr.api", "logs"}));
  fs.files["environments/prod.yaml"] += "  endpoints: none\n";
  Synth();
  EXPECT_EQ(InterfaceServices(U("prod/network")), std::vector<std::string>{});
  EXPECT_EQ(ResourceCount(U("prod/network"), "aws_security_group"), 1);  // kept for the tenants
}

// Given no `nat_gateways`, a nonprod environment (`ha` off) should get one NAT gateway and a
// highly available one (`ha: true`, or prod) one per AZ.
TEST_F(NetworkTest, NatGatewaysFollowHa) {
  DevNetwork("  internet_egress: true\n");
  Synth();
  EXPECT_EQ(ResourceCount(U("dev/network"), "aws_nat_gateway"), 1);
  EXPECT_EQ(ResourceCount(U("prod/network"), "aws_nat_gateway"), 3);
  fs.files["environments/dev.yaml"] += "ha: true\n";
  Synth();
  EXPECT_EQ(ResourceCount(U("dev/network"), "aws_nat_gateway"), 2);
}

// Given any environment, the default security group should be managed with no rules.
TEST_F(NetworkTest, DefaultSecurityGroupHasNoRules) {
  Synth();
  EXPECT_TRUE(HasResource(U("dev/network"), "aws_default_security_group",
                          R"({"vpc_id":"${aws_vpc.main.id}","ingress":[],"egress":[]})"));
}

// Given CloudFront without internet egress, the internet gateway should be attached with no
// route to it anywhere.
TEST_F(NetworkTest, CloudFrontGetsAnInternetGatewayWithoutRoutes) {
  fs.files["environments/dev.yaml"] += "ingress:\n  cloudfront: true\n";
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_TRUE(HasResource(n, "aws_internet_gateway", R"({"vpc_id":"${aws_vpc.main.id}"})"));
  EXPECT_EQ(ResourceCount(n, "aws_route"), 0);
  EXPECT_EQ(ResourceCount(n, "aws_nat_gateway"), 0);
  EXPECT_TRUE(testing::OutputValue(n, "internet_gateway_id").is_string());
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_route"), 0);
}

// Given flow logs, they should cover all traffic into a KMS-encrypted log group with retention.
TEST_F(NetworkTest, FlowLogsEncryptedWithRetention) {
  Synth();
  const tf::Unit& n = U("prod/network");
  EXPECT_TRUE(HasResource(
      n, "aws_flow_log",
      R"({"vpc_id":"${aws_vpc.main.id}","traffic_type":"ALL",
          "log_destination_type":"cloud-watch-logs",
                              "log_destination":"${aws_cloudwatch_log_group.flow_logs.arn}",
                              "iam_role_arn":"${aws_iam_role.flow_logs.arn}"})"));
  EXPECT_TRUE(HasResource(n, "aws_cloudwatch_log_group",
                          R"({"name":"/eurus/acme/prod/vpc-flow-logs","retention_in_days":90,
                              "kms_key_id":"${aws_kms_key.flow_logs.arn}"})"));
  Json key = Resource(n, "aws_kms_key", "flow_logs");
  EXPECT_EQ(key["enable_key_rotation"], true);
  Json policy = Json::parse(key["policy"].get<std::string>());
  EXPECT_TRUE(
      Matches(Json::parse(R"({"Statement":[{"Principal":{"Service":"logs.eu-west-1.amazonaws.com"},
      "Condition":{"ArnEquals":{"kms:EncryptionContext:aws:logs:arn":
          "arn:aws:logs:eu-west-1:555555555555:log-group:/eurus/acme/prod/vpc-flow-logs"}}}]})"),
              policy));
  Json trust = Json::parse(
      Resource(n, "aws_iam_role", "flow_logs")["assume_role_policy"].get<std::string>());
  EXPECT_TRUE(
      Matches(Json::parse(R"({"Statement":[{"Principal":{"Service":"vpc-flow-logs.amazonaws.com"},
      "Condition":{"StringEquals":{"aws:SourceAccount":"555555555555"}}}]})"),
              trust));
  Json delivery =
      Json::parse(Resource(n, "aws_iam_role_policy", "flow_logs")["policy"].get<std::string>());
  for (const Json& r : delivery["Statement"][0]["Resource"])
    EXPECT_EQ(
        r.get<std::string>().rfind(
            "arn:aws:logs:eu-west-1:555555555555:log-group:/eurus/acme/prod/vpc-flow-logs", 0),
        0u);
}

// Given flow logs switched off, we should emit none of their blocks.
TEST_F(NetworkTest, FlowLogsOff) {
  DevNetwork("  flow_logs: { enabled: false }\n");
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_EQ(ResourceCount(n, "aws_flow_log"), 0);
  EXPECT_EQ(ResourceCount(n, "aws_kms_key"), 0);
}

// Given every configuration, no subnet should hand out public IPs.
TEST_F(NetworkTest, NoPublicIpsOnLaunch) {
  DevNetwork("  internet_egress: true\n  nat_gateways: per_az\n");
  Synth();
  int subnets = 0;
  for (const auto& u : units) {
    for (const auto& [name, s] : ResourcesByName(u, "aws_subnet")) {
      ++subnets;
      EXPECT_EQ(s["map_public_ip_on_launch"], false) << u.id() << " " << name;
    }
  }
  // dev: 2 platform + 2 nat + 2 tenants x 4; prod: 3 platform + 3 egress + 2 tenants x 6.
  EXPECT_EQ(subnets, 12 + 18);
}

// Given a tenant with data stores, its data SG should admit only its own app SG, on the
// ports of its engines.
TEST_F(NetworkTest, DataSecurityGroupAdmitsOnlyItsApps) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  auto ingress = ResourcesByName(t, "aws_vpc_security_group_ingress_rule");
  std::vector<int> ports;
  for (const auto& [name, r] : ingress) {
    EXPECT_EQ(r["security_group_id"], "${aws_security_group.shop_data.id}") << name;
    EXPECT_EQ(r["referenced_security_group_id"], "${aws_security_group.shop_app.id}") << name;
    EXPECT_FALSE(r.contains("cidr_ipv4")) << name;
    EXPECT_EQ(r["from_port"], r["to_port"]);
    ports.push_back(r["from_port"]);
  }
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(ports, (std::vector<int>{5432, 6379, 6380}));
  EXPECT_TRUE(HasResource(t, "aws_security_group", R"({"name":"acme-shop-data"})"));
  EXPECT_TRUE(HasResource(t, "aws_security_group", R"({"name":"acme-shop-app"})"));
  // The app SG has no ingress at all (the ALB rule comes later) and reaches the data SG.
  EXPECT_TRUE(HasResource(t, "aws_vpc_security_group_egress_rule",
                          R"({"security_group_id":"${aws_security_group.shop_app.id}",
                              "referenced_security_group_id":"${aws_security_group.shop_data.id}",
                              "from_port":5432})"));
  const tf::Unit& b = U("dev/tenant-blog");
  EXPECT_TRUE(HasResource(b, "aws_vpc_security_group_ingress_rule", R"({"from_port":3306})"));
  EXPECT_EQ(ResourceCount(b, "aws_vpc_security_group_ingress_rule"), 1);
}

// Given two tenants, no rule or route in one tenant's unit should name the other's blocks.
TEST_F(NetworkTest, TenantsReferenceOnlyThemselves) {
  DevNetwork("  internet_egress: true\n");
  Synth();
  for (const char* env : {"dev", "prod"}) {
    for (const auto& [me, other] : {std::pair{"shop", "blog"}, std::pair{"blog", "shop"}}) {
      const tf::Unit& t = U(std::string(env) + "/tenant-" + me);
      EXPECT_EQ(t.MainJson().find(other), std::string::npos) << t.id();
      for (const char* type :
           {"aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"}) {
        for (const auto& [name, r] : ResourcesByName(t, type)) {
          for (const char* k : {"security_group_id", "referenced_security_group_id"}) {
            if (!r.contains(k)) continue;
            std::string v = r[k];
            bool own = v.rfind(std::string("${aws_security_group.") + me + "_", 0) == 0;
            bool platform =
                v == "${data.terraform_remote_state.network.outputs.endpoints_security_group_id}";
            EXPECT_TRUE(own || platform) << t.id() << " " << name << " " << v;
          }
        }
      }
      // Every environment-level unit of its environment (synth::TenantFilter), no other tenant.
      EXPECT_EQ(t.dependencies, (std::set<std::string>{std::string(env) + "/network", std::string(env) + "/platform"}));
    }
  }
}

// Given tenant subnets, they should come from the lock, carry the tenant tag and stable names.
TEST_F(NetworkTest, TenantSubnetsFromTheLock) {
  Synth();
  const tf::Unit& t = U("prod/tenant-shop");
  const model::Deployment& d = org->tenants[1].deployments[1];
  ASSERT_EQ(d.env, "prod");
  EXPECT_EQ(Resource(t, "aws_subnet", "shop_eu_west_1c")["cidr_block"],
            d.tenant_subnets[2].ToString());
  EXPECT_EQ(Resource(t, "aws_subnet", "shop_data_eu_west_1c")["cidr_block"],
            d.data_subnets[2].ToString());
  EXPECT_TRUE(HasResource(t, "aws_subnet",
                          R"({"vpc_id":"${data.terraform_remote_state.network.outputs.vpc_id}",
                              "tags":{"eurus:tenant":"shop",
                                      "Name":"acme-prod-shop-data-eu-west-1c"}})"));
  Json s = Resource(t, "aws_subnet", "shop_eu_west_1a");
  EXPECT_EQ(s["//"], "tenants/shop.yaml:1");
}

// Given the network unit, it should declare the outputs later units read, every block
// should carry its origin, and every taggable block a Name tag.
TEST_F(NetworkTest, OutputsOriginsAndNames) {
  DevNetwork(
      "  internet_egress: true\n  nat_gateways: per_az\n  egress:\n    cidr: 10.101.0.0/24\n    destinations: "
      "[192.168.0.0/16]\n"
      "    transit_gateway_id: tgw-0123456789abcdef0\n");
  Synth();
  const tf::Unit& n = U("dev/network");
  EXPECT_EQ(n.outputs(),
            (std::set<std::string>{"endpoints_security_group_id", "internet_gateway_id",
                                   "platform_subnet_ids", "private_nat_gateway_ids",
                                   "public_nat_gateway_ids", "s3_endpoint_id", "s3_prefix_list_id",
                                   "vpc_cidr", "vpc_id"}));
  EXPECT_EQ(testing::OutputValue(n, "public_nat_gateway_ids"),
            Json::parse(R"({"eu-west-1a":"${aws_nat_gateway.public_eu_west_1a.id}",
                            "eu-west-1b":"${aws_nat_gateway.public_eu_west_1b.id}"})"));
  EXPECT_TRUE(n.sources.count("environments/dev.yaml"));
  static const std::set<std::string> kUntaggable = {"aws_route",
                                                    "aws_route_table_association",
                                                    "aws_vpc_endpoint_route_table_association",
                                                    "aws_vpc_ipv4_cidr_block_association",
                                                    "aws_iam_role_policy",
                                                    "aws_kms_alias"};
  // The whole network unit; in tenant units, the network blocks (other features add theirs).
  static const std::set<std::string> kTenantNetworkTypes = {
      "aws_subnet",
      "aws_route_table",
      "aws_route",
      "aws_route_table_association",
      "aws_vpc_endpoint_route_table_association",
      "aws_security_group",
      "aws_vpc_security_group_ingress_rule",
      "aws_vpc_security_group_egress_rule"};
  for (const auto& u : units) {
    const bool network = u.name() == "network";
    if (!network && u.name().rfind("tenant-", 0) != 0) continue;
    Json doc = testing::Main(u);
    for (const auto& [type, byname] : doc["resource"].items()) {
      if (!network && !kTenantNetworkTypes.count(type)) continue;
      for (const auto& [name, body] : byname.items()) {
        EXPECT_TRUE(body.contains("//")) << u.id() << " " << type << "." << name;
        if (!kUntaggable.count(type)) {
          EXPECT_TRUE(body["tags"].contains("Name")) << u.id() << " " << type << "." << name;
        }
      }
    }
  }
}

// Given the same input twice, we should produce the same bytes.
TEST_F(NetworkTest, Deterministic) {
  Synth();
  std::vector<std::string> first;
  for (const auto& u : units) first.push_back(u.MainJson());
  std::vector<tf::Unit> again = Synthesize(*ctx);
  ASSERT_EQ(again.size(), first.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].MainJson(), first[i]);
}

// The matcher itself: subsets for arrays, [] for "empty", exact scalars.
TEST(SynthTesting, PartialMatch) {
  Json body = Json::parse(R"({"a":1,"b":{"c":[1,2,{"d":"x","e":2}]},"f":[]})");
  EXPECT_TRUE(Matches(Json::parse(R"({"b":{"c":[{"d":"x"},1]}})"), body));
  EXPECT_TRUE(Matches(Json::parse(R"({"f":[]})"), body));
  EXPECT_FALSE(Matches(Json::parse(R"({"b":{"c":[]}})"), body));
  EXPECT_FALSE(Matches(Json::parse(R"({"a":"1"})"), body));
  EXPECT_FALSE(Matches(Json::parse(R"({"g":1})"), body));
  EXPECT_EQ(testing::Mismatch(Json::parse(R"({"b":{"c":[3]}})"), body),
            R"(b.c: no element matches 3 in [1,2,{"d":"x","e":2}])");
}

}  // namespace
}  // namespace eurus::synth
