#include "cli/graph.h"
#include "cli/testing.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace eurus::cli {
namespace {

using fixtures::ExampleInMemory;

namespace fs = std::filesystem;

CommonOptions Repo() {
  CommonOptions o;
  o.dir = "repo";
  o.diag_format = DiagFormat::kShort;
  return o;
}

/// RunGraph into repo/graph.out; its exit code, stderr in `*err`.
int RunInMemory(MemoryFileSystem& mem, GraphOptions g, std::string* err) {
  CommonOptions opts = Repo();
  g.out = "repo/graph.out";
  testing::internal::CaptureStderr();
  int code = RunGraph(mem, opts, g);
  *err = testing::internal::GetCapturedStderr();
  return code;
}

// Given an environment that does not exist, we should name the closest one, exit 2 and
// write nothing.
TEST(RunGraphTest, UnknownEnvSuggests) {
  MemoryFileSystem mem = ExampleInMemory("acme");
  GraphOptions g;
  g.env = "prd";
  std::string err;
  EXPECT_EQ(RunInMemory(mem, g, &err), kUsage);
  EXPECT_NE(err.find("eurus graph: no environment `prd`; did you mean `prod`?"), std::string::npos) << err;
  EXPECT_FALSE(mem.files.count("repo/graph.out"));
}

// Given --env staging and both views, the mermaid text should hold staging's units and
// network and nothing of dev or prod.
TEST(RunGraphTest, EnvFilter) {
  MemoryFileSystem mem = ExampleInMemory("acme");
  GraphOptions g;
  g.env = "staging";
  std::string err;
  ASSERT_EQ(RunInMemory(mem, g, &err), kOk) << err;
  const std::string& out = mem.files.at("repo/graph.out");
  EXPECT_EQ(out.rfind("%% units: ", 0), 0u) << out;
  EXPECT_NE(out.find("\nflowchart LR\n"), std::string::npos) << out;
  EXPECT_NE(out.find("nunit_3astaging_2fnetwork[\"network\"]"), std::string::npos) << out;
  EXPECT_NE(out.find("subgraph nnet_3astaging_3aenv["), std::string::npos) << out;
  for (const char* other : {"nunit_3adev", "nunit_3aprod", "nnet_3adev", "nnet_3aprod", "management"})
    EXPECT_EQ(out.find(other), std::string::npos) << other;
}

// Given --format dot --view network on minimal, the output should be one DOT digraph of the
// network only.
TEST(RunGraphTest, DotNetworkView) {
  MemoryFileSystem mem = ExampleInMemory("minimal");
  GraphOptions g;
  g.format = "dot";
  g.view = "network";
  std::string err;
  ASSERT_EQ(RunInMemory(mem, g, &err), kOk) << err;
  const std::string& out = mem.files.at("repo/graph.out");
  EXPECT_NE(out.find("digraph eurus {\n"), std::string::npos) << out;
  EXPECT_NE(out.find("subgraph \"cluster_net:dev:env\" {"), std::string::npos) << out;
  EXPECT_EQ(out.find("unit:"), std::string::npos) << out;
}

// Given --format svg and no Graphviz, we should say what to install or use instead, exit 3,
// and write nothing.
TEST(RunGraphTest, SvgWithoutDot) {
  MemoryFileSystem mem = ExampleInMemory("minimal");
  GraphOptions g;
  g.format = "svg";
  g.dot = "/nonexistent/eurus-test/dot";
  std::string err;
  EXPECT_EQ(RunInMemory(mem, g, &err), kExternal);
  EXPECT_NE(err.find("eurus graph: cannot run `/nonexistent/eurus-test/dot`"), std::string::npos) << err;
  EXPECT_NE(err.find("apt-get install graphviz) or use --format mermaid or --format dot"), std::string::npos) << err;
  EXPECT_FALSE(mem.files.count("repo/graph.out"));
}

// Given Graphviz, svg should be dot's drawing and html a page around it (skipped without dot).
TEST(RunGraphTest, SvgAndHtmlWithDot) {
  if (access("/usr/bin/dot", X_OK) != 0) GTEST_SKIP() << "Graphviz is not installed";
  MemoryFileSystem mem = ExampleInMemory("minimal");
  GraphOptions g;
  g.format = "svg";
  std::string err;
  ASSERT_EQ(RunInMemory(mem, g, &err), kOk) << err;
  EXPECT_NE(mem.files.at("repo/graph.out").find("<svg"), std::string::npos);
  g.format = "html";
  ASSERT_EQ(RunInMemory(mem, g, &err), kOk) << err;
  const std::string& page = mem.files.at("repo/graph.out");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<title>mini: units and network</title>"), std::string::npos) << page.substr(0, 300);
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace eurus::cli
