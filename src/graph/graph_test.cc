#include "graph/graph.h"

#include <gtest/gtest.h>

namespace eurus::graph {
namespace {

/// Names a configuration may hold that break naive writers: a mermaid keyword, an edge
/// marker as first letter, quotes, brackets, a backslash, a newline, an HTML tag.
Graph OddGraph() {
  Graph g;
  g.notes.push_back("left out: nothing");
  g.nodes.push_back({"end", "end", Shape::kCircle});
  g.groups.push_back({"grp \"x\"", "tenant <b>\"q\"</b> #1 & `c`", {{"o-1", "a\\b\nline 2", Shape::kRounded}}, {}});
  g.groups.back().groups.push_back({"x_1", "inner", {{"x-1", "store", Shape::kCylinder}}, {}});
  g.edges.push_back({"end", "o-1", "host [/a|b]"});
  g.edges.push_back({"grp \"x\"", "end", "", true});
  return g;
}

// Given odd names, mermaid ids should be `n` + [A-Za-z0-9] with `_xx` escapes (so `x-1` and
// `x_1` stay distinct and `end` is no keyword), labels quoted with entity codes.
TEST(ToMermaidTest, EscapesIdsAndLabels) {
  EXPECT_EQ(ToMermaid(OddGraph()),
            "%% left out: nothing\n"
            "flowchart LR\n"
            "  nend((\"end\"))\n"
            "  subgraph ngrp_20_22x_22[\"tenant #lt;b#gt;#quot;q#quot;#lt;/b#gt; #35;1 #amp; #96;c#96;\"]\n"
            "    no_2d1(\"a#92;b<br>line 2\")\n"
            "    subgraph nx_5f1[\"inner\"]\n"
            "      nx_2d1[(\"store\")]\n"
            "    end\n"
            "  end\n"
            "  nend -->|\"host [/a#124;b]\"| no_2d1\n"
            "  ngrp_20_22x_22 -.-> nend\n");
}

// Given odd names, DOT should quote every id and label (`"` and `\` escaped, newlines as
// \n), name groups cluster_<id>, and attach an edge from a group to its first node with ltail.
TEST(ToDotTest, QuotesAndClusters) {
  EXPECT_EQ(ToDot(OddGraph()),
            "// left out: nothing\n"
            "digraph eurus {\n"
            "  rankdir=LR;\n"
            "  compound=true;\n"
            "  node [fontname=\"Helvetica\", fontsize=10];\n"
            "  edge [fontname=\"Helvetica\", fontsize=9];\n"
            "  \"end\" [label=\"end\", shape=circle];\n"
            "  subgraph \"cluster_grp \\\"x\\\"\" {\n"
            "    label=\"tenant <b>\\\"q\\\"</b> #1 & `c`\";\n"
            "    \"o-1\" [label=\"a\\\\b\\nline 2\", shape=box, style=rounded];\n"
            "    subgraph \"cluster_x_1\" {\n"
            "      label=\"inner\";\n"
            "      \"x-1\" [label=\"store\", shape=cylinder];\n"
            "    }\n"
            "  }\n"
            "  \"end\" -> \"o-1\" [label=\"host [/a|b]\"];\n"
            "  \"o-1\" -> \"end\" [ltail=\"cluster_grp \\\"x\\\"\", style=dashed];\n"
            "}\n");
}

// Given a group with no node of its own, an edge to it should attach to its first nested node.
TEST(ToDotTest, EdgeToGroupWithoutNodesUsesNestedNode) {
  Graph g;
  g.groups.push_back({"outer", "outer", {}, {{"inner", "inner", {{"a", "a"}}, {}}}});
  g.nodes.push_back({"b", "b"});
  g.edges.push_back({"b", "outer"});
  EXPECT_NE(ToDot(g).find("  \"b\" -> \"a\" [lhead=\"cluster_outer\"];\n"), std::string::npos) << ToDot(g);
}

// Given a newline or control byte in a label, neither writer should emit a raw one.
TEST(ToMermaidTest, ControlCharactersBecomeSpaces) {
  Graph g;
  g.nodes.push_back({"a\tb", "x\ty\rz"});
  EXPECT_EQ(ToMermaid(g), "flowchart LR\n  na_09b[\"x y z\"]\n");
  EXPECT_NE(ToDot(g).find("\"a b\" [label=\"x y z\""), std::string::npos) << ToDot(g);
}

// Given dot's SVG, the page should keep only the <svg> element (no prolog, doctype), escape
// the title, and load nothing: no script, no link, no external reference.
TEST(HtmlPageTest, SelfContained) {
  std::string page = HtmlPage("acme <units>", "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg width=\"1\"></svg>\n");
  EXPECT_NE(page.find("<title>acme &lt;units&gt;</title>"), std::string::npos) << page;
  EXPECT_NE(page.find("</h1>\n<svg width=\"1\"></svg>\n</body>"), std::string::npos) << page;
  EXPECT_EQ(page.find("<?xml"), std::string::npos);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace eurus::graph
