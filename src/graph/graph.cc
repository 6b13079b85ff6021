#include "graph/graph.h"

#include <fmt/format.h>

#include <map>

namespace eurus::graph {
namespace {

bool IsAlnum(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// `n` + the id with every byte outside [A-Za-z0-9] as `_xx`: injective, never a keyword.
std::string MermaidId(const std::string& id) {
  std::string out = "n";
  for (unsigned char c : id) {
    if (IsAlnum(c))
      out += static_cast<char>(c);
    else
      out += fmt::format("_{:02x}", c);
  }
  return out;
}

/// A label inside mermaid's double quotes. Mermaid reads `#name;` and `#NN;` entity codes
/// there (its flowchart syntax, "Entity codes to escape characters"); `<br>` breaks a line.
std::string MermaidText(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\n': out += "<br>"; break;
      case '"': out += "#quot;"; break;
      case '#': out += "#35;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '&': out += "#amp;"; break;
      case '`': out += "#96;"; break;
      case '\\': out += "#92;"; break;
      case '|': out += "#124;"; break;  // ends an edge label
      default: out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
    }
  }
  return "\"" + out + "\"";
}

std::string MermaidNode(const Node& n) {
  const std::string id = MermaidId(n.id), text = MermaidText(n.label);
  switch (n.shape) {
    case Shape::kRounded: return id + "(" + text + ")";
    case Shape::kCylinder: return id + "[(" + text + ")]";
    case Shape::kCircle: return id + "((" + text + "))";
    case Shape::kBox: break;
  }
  return id + "[" + text + "]";
}

void MermaidGroup(const Group& g, int depth, std::string& out) {
  const std::string pad(static_cast<size_t>(depth) * 2, ' ');
  out += fmt::format("{}subgraph {}[{}]\n", pad, MermaidId(g.id), MermaidText(g.label));
  for (const Node& n : g.nodes) out += pad + "  " + MermaidNode(n) + "\n";
  for (const Group& sub : g.groups) MermaidGroup(sub, depth + 1, out);
  out += pad + "end\n";
}

/// A DOT double-quoted string: `"` and `\` escaped (a backslash starts DOT's label escapes
/// such as \N), control characters as spaces, '\n' as DOT's centred line break.
std::string DotText(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '"' || c == '\\')
      out += {'\\', static_cast<char>(c)};
    else
      out += c < 0x20 || c == 0x7f ? ' ' : static_cast<char>(c);
  }
  return out + "\"";
}

std::string DotCluster(const std::string& id) { return DotText("cluster_" + id); }

std::string DotAttributes(Shape s) {
  switch (s) {
    case Shape::kRounded: return "shape=box, style=rounded";
    case Shape::kCylinder: return "shape=cylinder";
    case Shape::kCircle: return "shape=circle";
    case Shape::kBox: break;
  }
  return "shape=box";
}

void DotGroup(const Group& g, int depth, std::string& out) {
  const std::string pad(static_cast<size_t>(depth) * 2, ' ');
  out += fmt::format("{}subgraph {} {{\n{}  label={};\n", pad, DotCluster(g.id), pad, DotText(g.label));
  for (const Node& n : g.nodes)
    out += fmt::format("{}  {} [label={}, {}];\n", pad, DotText(n.id), DotText(n.label), DotAttributes(n.shape));
  for (const Group& sub : g.groups) DotGroup(sub, depth + 1, out);
  out += pad + "}\n";
}

/// Group id → its first node (depth first): where DOT edges to the group attach.
void FirstNodes(const Group& g, std::map<std::string, std::string>& out) {
  for (const Group& sub : g.groups) FirstNodes(sub, out);
  if (!g.nodes.empty())
    out[g.id] = g.nodes.front().id;
  else
    for (const Group& sub : g.groups)
      if (out.count(sub.id)) {
        out[g.id] = out[sub.id];
        break;
      }
}

}  // namespace

std::string ToMermaid(const Graph& g) {
  std::string out;
  for (const std::string& note : g.notes) out += "%% " + note + "\n";
  out += g.direction == Direction::kLeftRight ? "flowchart LR\n" : "flowchart TB\n";
  for (const Node& n : g.nodes) out += "  " + MermaidNode(n) + "\n";
  for (const Group& sub : g.groups) MermaidGroup(sub, 1, out);
  for (const Edge& e : g.edges) {
    const char* arrow = e.dashed ? "-.->" : "-->";
    const std::string label = e.label.empty() ? "" : "|" + MermaidText(e.label) + "|";
    out += fmt::format("  {} {}{} {}\n", MermaidId(e.from), arrow, label, MermaidId(e.to));
  }
  return out;
}

std::string ToDot(const Graph& g) {
  std::string out;
  for (const std::string& note : g.notes) out += "// " + note + "\n";
  out += "digraph eurus {\n";
  out += fmt::format("  rankdir={};\n  compound=true;\n", g.direction == Direction::kLeftRight ? "LR" : "TB");
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const Node& n : g.nodes)
    out += fmt::format("  {} [label={}, {}];\n", DotText(n.id), DotText(n.label), DotAttributes(n.shape));
  std::map<std::string, std::string> first;
  for (const Group& sub : g.groups) {
    FirstNodes(sub, first);
    DotGroup(sub, 1, out);
  }
  for (const Edge& e : g.edges) {
    std::vector<std::string> attrs;
    std::string from = e.from, to = e.to;
    if (auto it = first.find(e.from); it != first.end()) {
      from = it->second;
      attrs.push_back("ltail=" + DotCluster(e.from));
    }
    if (auto it = first.find(e.to); it != first.end()) {
      to = it->second;
      attrs.push_back("lhead=" + DotCluster(e.to));
    }
    if (!e.label.empty()) attrs.push_back("label=" + DotText(e.label));
    if (e.dashed) attrs.push_back("style=dashed");
    out += fmt::format("  {} -> {}", DotText(from), DotText(to));
    if (!attrs.empty()) out += fmt::format(" [{}]", fmt::join(attrs, ", "));
    out += ";\n";
  }
  return out + "}\n";
}

std::string HtmlPage(const std::string& title, const std::string& svg) {
  std::string text;
  for (char c : title) {
    if (c == '<')
      text += "&lt;";
    else if (c == '>')
      text += "&gt;";
    else if (c == '&')
      text += "&amp;";
    else
      text += c;
  }
  const size_t start = svg.find("<svg");
  const std::string body = start == std::string::npos ? svg : svg.substr(start);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n"
      "<style>body {{ font-family: sans-serif; margin: 1em; }} svg {{ max-width: 100%; height: auto; }}</style>\n"
      "</head>\n<body>\n<h1>{0}</h1>\n{1}</body>\n</html>\n",
      text, body);
}

}  // namespace eurus::graph
