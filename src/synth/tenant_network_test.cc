#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "synth/synth.h"
#include "synth/testing.h"

namespace eurus::synth {
namespace {

using testing::HasResource;
using testing::Json;
using testing::Resource;
using testing::ResourceCount;
using testing::ResourcesByName;

/// The base org (dev: two AZs, prod: three) with tenant shop in both environments; each
/// test gives shop its resources (a `resources:` body) and may add tenants.
struct TenantNetworkTest : testing::SynthFixture {
  void SetUp() override {
    testing::BaseOrg(fs);
    Shop("");
  }
  /// Tenant `name` in dev and prod with `resources` (YAML lines under `resources:`).
  void Tenant(const std::string& name, const std::string& resources) {
    fs.files["tenants/" + name + ".yaml"] =
        "environments: [dev, prod]\n" + (resources.empty() ? "" : "resources:\n" + resources);
  }
  void Shop(const std::string& resources) { Tenant("shop", resources); }

  /// Names of the blocks of `type` in `unit`.
  static std::vector<std::string> Names(const tf::Unit& unit, const std::string& type) {
    std::vector<std::string> out;
    for (const auto& [name, body] : ResourcesByName(unit, type)) out.push_back(name);
    return out;
  }
  /// Port of each ingress rule of the unit, by block name.
  static std::map<std::string, int> IngressPorts(const tf::Unit& unit) {
    std::map<std::string, int> out;
    for (const auto& [name, r] : ResourcesByName(unit, "aws_vpc_security_group_ingress_rule"))
      out[name] = r["from_port"];
    return out;
  }
};

using NameList = std::vector<std::string>;

// Given a tenant in an environment with two AZs, we should give it one app subnet and one
// data subnet per AZ, with the lock's CIDRs, in the shared VPC, never with public IPs.
TEST_F(TenantNetworkTest, TenantAndDataSubnetsPerAz) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(Names(t, "aws_subnet"), (NameList{"shop_data_eu_west_1a", "shop_data_eu_west_1b",
                                           "shop_eu_west_1a", "shop_eu_west_1b"}));
  const model::Deployment& d = org->tenants[0].deployments[0];
  ASSERT_EQ(d.env, "dev");
  ASSERT_EQ(d.tenant_subnets.size(), 2u);
  ASSERT_EQ(d.data_subnets.size(), 2u);
  EXPECT_EQ(Resource(t, "aws_subnet", "shop_eu_west_1b"),
            Json({{"vpc_id", "${data.terraform_remote_state.network.outputs.vpc_id}"},
                  {"cidr_block", d.tenant_subnets[1].ToString()},
                  {"availability_zone", "eu-west-1b"},
                  {"map_public_ip_on_launch", false},
                  {"tags", {{"Name", "acme-dev-shop-eu-west-1b"}, {"eurus:tenant", "shop"}}},
                  {"//", "tenants/shop.yaml:1"}}));
  EXPECT_EQ(Resource(t, "aws_subnet", "shop_data_eu_west_1a")["cidr_block"],
            d.data_subnets[0].ToString());
  EXPECT_EQ(Resource(t, "aws_subnet", "shop_data_eu_west_1a")["tags"]["Name"],
            "acme-dev-shop-data-eu-west-1a");
  EXPECT_NE(d.tenant_subnets[0].ToString(), d.data_subnets[0].ToString());
  // prod has three AZs: three of each.
  EXPECT_EQ(ResourceCount(U("prod/tenant-shop"), "aws_subnet"), 6);
  EXPECT_EQ(Resource(U("prod/tenant-shop"), "aws_subnet", "shop_data_eu_west_1c")["availability_zone"],
            "eu-west-1c");
}

// Given the subnets, each app subnet should have a route table of its own and every data
// subnet the one shared data route table, all reaching S3 through the gateway endpoint.
TEST_F(TenantNetworkTest, RouteTablesAndAssociations) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(Names(t, "aws_route_table"), (NameList{"shop_data", "shop_eu_west_1a", "shop_eu_west_1b"}));
  EXPECT_EQ(Resource(t, "aws_route_table", "shop_data")["tags"],
            Json({{"Name", "acme-dev-shop-data"}, {"eurus:tenant", "shop"}}));
  auto assoc = ResourcesByName(t, "aws_route_table_association");
  ASSERT_EQ(assoc.size(), 4u);
  EXPECT_EQ(assoc["shop_eu_west_1a"]["subnet_id"], "${aws_subnet.shop_eu_west_1a.id}");
  EXPECT_EQ(assoc["shop_eu_west_1a"]["route_table_id"], "${aws_route_table.shop_eu_west_1a.id}");
  EXPECT_EQ(assoc["shop_data_eu_west_1b"]["subnet_id"], "${aws_subnet.shop_data_eu_west_1b.id}");
  EXPECT_EQ(assoc["shop_data_eu_west_1b"]["route_table_id"], "${aws_route_table.shop_data.id}");
  EXPECT_EQ(Names(t, "aws_vpc_endpoint_route_table_association"),
            (NameList{"shop_data_s3", "shop_eu_west_1a_s3", "shop_eu_west_1b_s3"}));
  for (const auto& [name, a] : ResourcesByName(t, "aws_vpc_endpoint_route_table_association"))
    EXPECT_EQ(a["vpc_endpoint_id"], "${data.terraform_remote_state.network.outputs.s3_endpoint_id}")
        << name;
}

// Given an environment without egress or internet egress, we should add no route at all.
TEST_F(TenantNetworkTest, NoRoutesByDefault) {
  Synth();
  EXPECT_EQ(ResourceCount(U("dev/tenant-shop"), "aws_route"), 0);
  EXPECT_EQ(ResourceCount(U("prod/tenant-shop"), "aws_route"), 0);
}

// Given private egress destinations, each app route table should route them to its AZ's
// private NAT gateway, and the app security group should allow all traffic to them.
TEST_F(TenantNetworkTest, EgressDestinations) {
  fs.files["environments/dev.yaml"] +=
      "  nat_gateways: per_az\n  egress:\n    cidr: 10.101.0.0/24\n    destinations: [192.168.0.0/16]\n";
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(Names(t, "aws_route"),
            (NameList{"shop_eu_west_1a_to_192_168_0_0_16", "shop_eu_west_1b_to_192_168_0_0_16"}));
  EXPECT_EQ(Resource(t, "aws_route", "shop_eu_west_1b_to_192_168_0_0_16"),
            Json({{"route_table_id", "${aws_route_table.shop_eu_west_1b.id}"},
                  {"destination_cidr_block", "192.168.0.0/16"},
                  {"nat_gateway_id",
                   "${data.terraform_remote_state.network.outputs.private_nat_gateway_ids[\"eu-west-1b\"]}"},
                  {"//", "environments/dev.yaml:1"}}));
  Json rule = Resource(t, "aws_vpc_security_group_egress_rule", "shop_app_to_192_168_0_0_16");
  EXPECT_EQ(rule["ip_protocol"], "-1");
  EXPECT_EQ(rule["cidr_ipv4"], "192.168.0.0/16");
  EXPECT_FALSE(rule.contains("from_port"));
  EXPECT_EQ(rule["tags"]["Name"], "acme-shop-app-to-192-168-0-0-16");
}

// Given a tenant, we should give it an app and a data security group of its own, named
// after the org and the tenant, in the shared VPC.
TEST_F(TenantNetworkTest, SecurityGroups) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(Names(t, "aws_security_group"), (NameList{"shop_app", "shop_data"}));
  EXPECT_EQ(Resource(t, "aws_security_group", "shop_app"),
            Json({{"name", "acme-shop-app"},
                  {"description", "app tasks of tenant shop"},
                  {"vpc_id", "${data.terraform_remote_state.network.outputs.vpc_id}"},
                  {"tags", {{"Name", "acme-shop-app"}, {"eurus:tenant", "shop"}}},
                  {"//", "tenants/shop.yaml:1"}}));
  EXPECT_EQ(Resource(t, "aws_security_group", "shop_data")["description"],
            "data stores of tenant shop: from its app tasks only");
}

// Given a tenant without data stores, the app group should reach only the endpoints and
// S3 over HTTPS, and the data group should admit nothing.
TEST_F(TenantNetworkTest, NoStoresNoDataPorts) {
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(Names(t, "aws_vpc_security_group_egress_rule"),
            (NameList{"shop_app_to_endpoints", "shop_app_to_s3"}));
  EXPECT_EQ(ResourceCount(t, "aws_vpc_security_group_ingress_rule"), 0);
  EXPECT_EQ(Resource(t, "aws_vpc_security_group_egress_rule", "shop_app_to_endpoints"),
            Json({{"security_group_id", "${aws_security_group.shop_app.id}"},
                  {"description", "HTTPS to the interface VPC endpoints"},
                  {"ip_protocol", "tcp"},
                  {"from_port", 443},
                  {"to_port", 443},
                  {"referenced_security_group_id",
                   "${data.terraform_remote_state.network.outputs.endpoints_security_group_id}"},
                  {"tags", {{"Name", "acme-shop-app-to-endpoints"}, {"eurus:tenant", "shop"}}},
                  {"//", "tenants/shop.yaml:1"}}));
  EXPECT_TRUE(HasResource(t, "aws_vpc_security_group_egress_rule",
                          R"({"prefix_list_id":"${data.terraform_remote_state.network.outputs.s3_prefix_list_id}",
                              "from_port":443,"to_port":443})"));
}

/// One store type and the ports the app group may open to the data group for it.
struct StorePorts {
  const char* type;
  std::map<std::string, int> ports;  ///< rule suffix → port
};

void PrintTo(const StorePorts& p, std::ostream* os) { *os << p.type; }

struct TenantNetworkPortsTest : TenantNetworkTest, ::testing::WithParamInterface<StorePorts> {};

// Given one data store of a type, we should open exactly its engine's ports from the app
// group to the data group (egress on one side, ingress on the other), and none for S3.
TEST_P(TenantNetworkPortsTest, PortsOfEachStoreType) {
  const StorePorts& p = GetParam();
  Shop(std::string("  store: { type: ") + p.type + " }\n");
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  std::map<std::string, int> ingress, egress;
  for (const auto& [name, port] : IngressPorts(t)) ingress[name] = port;
  for (const auto& [name, r] : ResourcesByName(t, "aws_vpc_security_group_egress_rule"))
    if (name.rfind("shop_app_to_data_", 0) == 0) egress[name] = r["from_port"];
  std::map<std::string, int> want_ingress, want_egress;
  for (const auto& [suffix, port] : p.ports) {
    want_ingress["shop_data_from_app_" + suffix] = port;
    want_egress["shop_app_to_data_" + suffix] = port;
  }
  EXPECT_EQ(ingress, want_ingress);
  EXPECT_EQ(egress, want_egress);
  for (const auto& [suffix, port] : p.ports) {
    SCOPED_TRACE(suffix);
    EXPECT_EQ(Resource(t, "aws_vpc_security_group_ingress_rule", "shop_data_from_app_" + suffix),
              Json({{"security_group_id", "${aws_security_group.shop_data.id}"},
                    {"description", suffix + " from the tenant's app tasks"},
                    {"referenced_security_group_id", "${aws_security_group.shop_app.id}"},
                    {"ip_protocol", "tcp"},
                    {"from_port", port},
                    {"to_port", port},
                    {"tags", {{"Name", "acme-shop-data-from-app-" + std::to_string(port)},
                              {"eurus:tenant", "shop"}}},
                    {"//", "tenants/shop.yaml:3"}}));
    Json out = Resource(t, "aws_vpc_security_group_egress_rule", "shop_app_to_data_" + suffix);
    EXPECT_EQ(out["security_group_id"], "${aws_security_group.shop_app.id}");
    EXPECT_EQ(out["referenced_security_group_id"], "${aws_security_group.shop_data.id}");
    EXPECT_EQ(out["to_port"], port);
    EXPECT_EQ(out["description"], suffix + " on the tenant's data stores");
  }
}

INSTANTIATE_TEST_SUITE_P(
    StoreTypes, TenantNetworkPortsTest,
    ::testing::Values(StorePorts{"postgres", {{"postgres", 5432}}},
                      StorePorts{"mysql", {{"mysql", 3306}}},
                      StorePorts{"redis", {{"redis", 6379}, {"redis_reader", 6380}}},
                      StorePorts{"documentdb", {{"documentdb", 27017}}},
                      StorePorts{"s3", {}}),
    [](const ::testing::TestParamInfo<StorePorts>& param) { return std::string(param.param.type); });

// Given two stores of one engine and one of another, we should open each engine's port
// once, located at the first store (by name) that needs it.
TEST_F(TenantNetworkTest, OneRulePerEngine) {
  Shop("  orders: { type: postgres }\n  billing: { type: postgres }\n  files: { type: s3 }\n"
       "  sessions: { type: mysql }\n");
  Synth();
  const tf::Unit& t = U("dev/tenant-shop");
  EXPECT_EQ(IngressPorts(t), (std::map<std::string, int>{{"shop_data_from_app_mysql", 3306},
                                                         {"shop_data_from_app_postgres", 5432}}));
  EXPECT_EQ(Resource(t, "aws_vpc_security_group_ingress_rule", "shop_data_from_app_postgres")["//"],
            "tenants/shop.yaml:4");  // billing
  EXPECT_EQ(ResourceCount(t, "aws_vpc_security_group_egress_rule"), 4);
}

// Given a second tenant, the first tenant's unit should not change by a byte (its subnets
// kept by the lock), and the two should share no block or name.
TEST_F(TenantNetworkTest, IsolatedFromOtherTenants) {
  Shop("  orders: { type: postgres }\n");
  carry_lock = true;
  Synth();
  const std::string before = U("dev/tenant-shop").MainJson();
  Tenant("blog", "  posts: { type: postgres }\n");
  Synth();
  EXPECT_EQ(U("dev/tenant-shop").MainJson(), before);
  const tf::Unit& blog = U("dev/tenant-blog");
  EXPECT_EQ(blog.MainJson().find("shop"), std::string::npos);
  EXPECT_EQ(before.find("blog"), std::string::npos);
  EXPECT_TRUE(HasResource(blog, "aws_security_group", R"({"name":"acme-blog-data"})"));
  EXPECT_EQ(Resource(blog, "aws_vpc_security_group_ingress_rule", "blog_data_from_app_postgres")
                ["referenced_security_group_id"],
            "${aws_security_group.blog_app.id}");
  // Their subnets are disjoint.
  const model::Deployment& b = org->tenants[0].deployments[0];
  const model::Deployment& s = org->tenants[1].deployments[0];
  for (const auto* mine : {&s.tenant_subnets, &s.data_subnets})
    for (const auto* theirs : {&b.tenant_subnets, &b.data_subnets})
      for (const Cidr& x : *mine)
        for (const Cidr& y : *theirs) EXPECT_FALSE(x.Overlaps(y)) << x.ToString() << " " << y.ToString();
}

}  // namespace
}  // namespace eurus::synth
