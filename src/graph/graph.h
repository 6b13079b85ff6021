#pragma once
// A diagram as data (nodes in nested groups, edges between nodes or groups) and its writers:
// mermaid (GitHub renders it inside markdown), Graphviz DOT, and a self-contained HTML page
// around an SVG that `dot` drew. The views (graph/views.h) build a Graph; nothing here knows
// about units or networks. Ids are free-form strings: the writers escape them, so any name
// (a tenant called `end`, `a"b` or `x-y`) is a valid, distinct id in both languages.

#include <string>
#include <vector>

namespace eurus::graph {

enum class Shape {
  kBox,       ///< a unit, a subnet, a gateway
  kRounded,   ///< an app (something that runs)
  kCylinder,  ///< a data store
  kCircle,    ///< the internet, outside every group
};

struct Node {
  std::string id;     ///< unique in the whole Graph (nodes and groups share one namespace)
  std::string label;  ///< '\n' breaks lines
  Shape shape = Shape::kBox;
};

struct Group {
  std::string id;  ///< unique in the whole Graph
  std::string label;
  std::vector<Node> nodes;    ///< in the order written
  std::vector<Group> groups;  ///< nested, after the nodes
};

struct Edge {
  std::string from, to;  ///< node or group ids
  std::string label{};   ///< empty: none
  bool dashed = false;   ///< an association rather than traffic or an apply order
};

/// Left to right (traffic, apply order) or top to bottom.
enum class Direction { kLeftRight, kTopBottom };

struct Graph {
  Direction direction = Direction::kLeftRight;
  std::vector<Node> nodes;    ///< outside every group
  std::vector<Group> groups;  ///< top-level groups
  std::vector<Edge> edges;    ///< in the order written; duplicates are the caller's business
  /// Lines written as comments at the top (`%%` in mermaid, `//` in DOT): what was left out.
  std::vector<std::string> notes;
};

/// `flowchart LR` text, ending with a newline. Node and group ids become `n` followed by the
/// id with every byte outside [A-Za-z0-9] written as `_xx` (hex): distinct ids stay distinct,
/// and none is a mermaid keyword (`end`) or starts an edge marker (`o`, `x`). Labels are
/// quoted, with `"`, `#`, `<`, `>`, `&`, `` ` ``, `\` and `|` as mermaid entities (`#quot;`,
/// `#35;`, ...), control characters as spaces and '\n' as `<br>`.
std::string ToMermaid(const Graph& g);

/// `digraph` text, ending with a newline. Ids and labels are double-quoted with `"` and `\`
/// escaped; groups are `cluster_` subgraphs; an edge that ends at a group ends at the group's
/// first node with lhead/ltail set (compound=true), so it is drawn to the cluster's border.
std::string ToDot(const Graph& g);

/// A self-contained HTML page (no script, no fetch) showing `svg` (what `dot -Tsvg` printed:
/// its XML prolog and doctype are dropped) under `title` (escaped).
std::string HtmlPage(const std::string& title, const std::string& svg);

}  // namespace eurus::graph
