#include "graph/views.h"

#include <gtest/gtest.h>

#include <set>

#include "synth/testing.h"

namespace eurus::graph {
namespace {

using synth::testing::Example;

const Node* FindNode(const std::vector<Group>& groups, const std::vector<Node>& nodes, const std::string& id) {
  for (const Node& n : nodes)
    if (n.id == id) return &n;
  for (const Group& g : groups)
    if (const Node* n = FindNode(g.groups, g.nodes, id)) return n;
  return nullptr;
}
const Node* FindNode(const Graph& g, const std::string& id) { return FindNode(g.groups, g.nodes, id); }

const Group* FindGroup(const std::vector<Group>& groups, const std::string& id) {
  for (const Group& g : groups) {
    if (g.id == id) return &g;
    if (const Group* sub = FindGroup(g.groups, id)) return sub;
  }
  return nullptr;
}

const Edge* FindEdge(const Graph& g, const std::string& from, const std::string& to) {
  for (const Edge& e : g.edges)
    if (e.from == from && e.to == to) return &e;
  return nullptr;
}

std::set<std::string> NodeIds(const std::vector<Group>& groups) {
  std::set<std::string> ids;
  for (const Group& g : groups) {
    for (const Node& n : g.nodes) ids.insert(n.id);
    for (const std::string& id : NodeIds(g.groups)) ids.insert(id);
  }
  return ids;
}

// Given acme, the unit view should draw every unit once, grouped by directory (with its
// account), and an edge for every recorded dependency, upstream first.
TEST(UnitViewTest, EveryUnitAndDependency) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = UnitView(*acme.org, acme.units, "");
  EXPECT_EQ(NodeIds(g.groups).size(), acme.units.size());
  std::vector<std::string> groups;
  for (const Group& grp : g.groups) groups.push_back(grp.label);
  EXPECT_EQ(groups, (std::vector<std::string>{"common-nonprod (222222222222)", "common-prod (333333333333)",
                                              "dev (444444444444)", "management (111111111111)",
                                              "prod (666666666666)", "staging (555555555555)"}));
  size_t deps = 0;
  for (const tf::Unit& u : acme.units)
    for (const std::string& dep : u.dependencies) {
      ++deps;
      EXPECT_TRUE(FindEdge(g, "unit:" + dep, "unit:" + u.id())) << dep << " -> " << u.id();
    }
  EXPECT_EQ(g.edges.size(), deps);
  EXPECT_EQ(FindNode(g, "unit:dev/tenant-shop")->label, "tenant-shop");
}

// Given --env prod, we should draw prod's units and the units they read (common-prod), and
// nothing that only reads prod (management/billing) or belongs elsewhere.
TEST(UnitViewTest, EnvFilterKeepsUpstreams) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = UnitView(*acme.org, acme.units, "prod");
  std::set<std::string> ids = NodeIds(g.groups);
  EXPECT_TRUE(ids.count("unit:prod/tenant-shop"));
  EXPECT_TRUE(ids.count("unit:common-prod/backup"));
  for (const std::string& id : ids)
    EXPECT_TRUE(id.starts_with("unit:prod/") || id.starts_with("unit:common-prod/")) << id;
  EXPECT_TRUE(FindEdge(g, "unit:common-prod/backup", "unit:prod/platform"));
}

// Given more tenant units than the limit, the rest should be one box per directory, its
// edges drawn once, with a note saying so.
TEST(UnitViewTest, SummarizesTenantUnitsBeyondLimit) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = UnitView(*acme.org, acme.units, "dev", Limits{.tenants = 1});
  ASSERT_TRUE(FindNode(g, "unit:dev/tenant-*"));
  EXPECT_EQ(FindNode(g, "unit:dev/tenant-*")->label, "3 more tenant units");
  EXPECT_TRUE(FindNode(g, "unit:dev/tenant-analytics"));
  EXPECT_FALSE(FindNode(g, "unit:dev/tenant-shop"));
  size_t to_more = 0;
  for (const Edge& e : g.edges) to_more += e.from == "unit:dev/network" && e.to == "unit:dev/tenant-*";
  EXPECT_EQ(to_more, 1u);
  EXPECT_EQ(g.notes.back(), "dev: 3 tenant units beyond the first 1 drawn as one box");
}

// Given minimal (one environment, nat_gateways: single, internet egress off), the network
// view should draw two AZs, no NAT gateway, and the routed app behind the ALB.
TEST(NetworkViewTest, Minimal) {
  Example mini("minimal");
  ASSERT_TRUE(mini.org);
  Graph g = NetworkView(*mini.org, "");
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups[0].label, "environment dev (100000000004, nonprod)");
  EXPECT_TRUE(FindGroup(g.groups, "net:dev:az:eu-west-1a"));
  EXPECT_TRUE(FindGroup(g.groups, "net:dev:az:eu-west-1b"));
  EXPECT_FALSE(FindNode(g, "net:dev:nat:eu-west-1a"));
  const Edge* route = FindEdge(g, "net:dev:alb", "net:dev:t:hello:app:web");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->label.rfind("hello.dev.", 0), 0u) << route->label;
  EXPECT_TRUE(FindEdge(g, "net:dev:tenants", "net:dev:endpoints"));
}

// Given acme's prod (private egress through a transit gateway, per-AZ NAT, WAF, both edges),
// we should draw a private NAT in each of the three AZs, the transit gateway, the edges in
// front of the ALB, and no public NAT or route to the internet gateway.
TEST(NetworkViewTest, AcmeProd) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = NetworkView(*acme.org, "prod");
  ASSERT_EQ(g.groups.size(), 1u);
  for (const char* az : {"eu-west-1a", "eu-west-1b", "eu-west-1c"}) {
    EXPECT_TRUE(FindNode(g, std::string("net:prod:pnat:") + az)) << az;
    EXPECT_FALSE(FindNode(g, std::string("net:prod:nat:") + az)) << az;
    EXPECT_TRUE(FindEdge(g, "net:prod:tenants", std::string("net:prod:pnat:") + az)) << az;
    EXPECT_TRUE(FindEdge(g, std::string("net:prod:pnat:") + az, "net:prod:tgw")) << az;
  }
  EXPECT_EQ(FindNode(g, "net:prod:tgw")->label, "transit gateway tgw-0123456789abcdef0\nto 192.168.0.0/16, 172.20.0.0/16");
  EXPECT_EQ(FindNode(g, "net:prod:api")->label, "API Gateway HTTP API\napi.prod.acme.example.com");
  ASSERT_TRUE(FindEdge(g, "net:prod:waf", "net:prod:cloudfront"));
  EXPECT_TRUE(FindEdge(g, "net:prod:waf", "net:prod:cloudfront")->dashed);
  EXPECT_TRUE(FindEdge(g, "net:prod:internet", "net:prod:cloudfront"));
  EXPECT_TRUE(FindEdge(g, "net:prod:cloudfront", "net:prod:alb"));
  EXPECT_TRUE(FindEdge(g, "net:prod:api", "net:prod:alb"));
  EXPECT_FALSE(FindEdge(g, "net:prod:igw", "net:prod:internet"));
  ASSERT_TRUE(FindNode(g, "net:prod:igw"));
  EXPECT_EQ(FindNode(g, "net:prod:igw")->label, "internet gateway\nattached for the VPC origin, no route");
  EXPECT_TRUE(FindEdge(g, "net:prod:alb", "net:prod:t:shop:app:web"));
  EXPECT_FALSE(FindEdge(g, "net:prod:alb", "net:prod:t:shop:app:worker"));
  EXPECT_EQ(FindGroup(g.groups, "net:prod:tenants")->label, "tenants (3)");
  EXPECT_FALSE(FindGroup(g.groups, "net:dev:env"));
}

// Given acme's dev (nat_gateways: single with internet egress), one public NAT gateway in the
// first AZ carries every tenant's traffic to the internet gateway.
TEST(NetworkViewTest, AcmeDevSingleNat) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = NetworkView(*acme.org, "dev");
  ASSERT_TRUE(FindNode(g, "net:dev:nat:eu-west-1a"));
  EXPECT_EQ(FindNode(g, "net:dev:nat:eu-west-1a")->label.rfind("public NAT gateway\nNAT subnet 10.111.", 0), 0u);
  EXPECT_FALSE(FindNode(g, "net:dev:nat:eu-west-1b"));
  EXPECT_EQ(FindEdge(g, "net:dev:tenants", "net:dev:nat:eu-west-1a")->label, "0.0.0.0/0");
  EXPECT_TRUE(FindEdge(g, "net:dev:nat:eu-west-1a", "net:dev:igw"));
  EXPECT_TRUE(FindEdge(g, "net:dev:igw", "net:dev:internet"));
  EXPECT_FALSE(FindNode(g, "net:dev:waf"));
}

// Given more tenants in an environment than the limit, the rest should be one box with their
// app and store counts, and a note.
TEST(NetworkViewTest, SummarizesTenantsBeyondLimit) {
  Example acme("acme");
  ASSERT_TRUE(acme.org);
  Graph g = NetworkView(*acme.org, "dev", Limits{.tenants = 2});
  EXPECT_EQ(FindGroup(g.groups, "net:dev:tenants")->groups.size(), 2u);
  ASSERT_TRUE(FindNode(g, "net:dev:tenants-more"));
  EXPECT_EQ(FindNode(g, "net:dev:tenants-more")->label.rfind("2 more tenants\n", 0), 0u);
  EXPECT_EQ(g.notes.back(), "environment dev: 2 tenants beyond the first 2 drawn as one box");
}

// Given names no configuration file could hold (set in the built model), the mermaid and
// DOT text should carry them escaped: ids stay [A-Za-z0-9_], labels keep no raw quote.
TEST(NetworkViewTest, OddNamesAreEscaped) {
  Example mini("minimal", [](model::Org& org) {
    org.tenants[0].name = "end\"x";
    org.tenants[0].deployments[0].apps[0].name = "a|b";
  });
  ASSERT_TRUE(mini.org);
  Graph g = NetworkView(*mini.org, "dev");
  std::string mermaid = ToMermaid(g);
  EXPECT_NE(mermaid.find("    subgraph nnet_3adev_3at_3aend_22x[\"tenant end#quot;x\"]\n"), std::string::npos)
      << mermaid;
  EXPECT_NE(mermaid.find("nnet_3adev_3aalb -->|\"hello.dev."), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("nnet_3adev_3at_3aend_22x_3aapp_3aa_7cb(\"a#124;b :8080"), std::string::npos) << mermaid;
  std::string dot = ToDot(g);
  EXPECT_NE(dot.find("subgraph \"cluster_net:dev:t:end\\\"x\" {"), std::string::npos) << dot;
}

}  // namespace
}  // namespace eurus::graph
