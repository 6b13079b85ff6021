#include "config/node.h"

#include <yaml-cpp/yaml.h>

#include <cstring>
#include <unordered_map>

#include "config/yaml_syntax.h"
#include "diag/codes.h"

namespace eurus::config {

const Node* Node::Find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

std::string Node::Describe() const {
  switch (kind) {
    case Kind::kNull: return "nothing (null)";
    case Kind::kSequence: return "a list";
    case Kind::kMap: return "a mapping";
    case Kind::kScalar: return quoted ? "a quoted string" : "\"" + scalar + "\"";
  }
  return "a value";
}

namespace {

/// yaml-cpp gives only the start of a node; find where the written token ends so the caret
/// covers it: a quoted scalar up to its closing quote, a plain one up to the end of its text.
uint32_t ScalarEnd(std::string_view text, uint32_t pos, const std::string& value) {
  if (pos >= text.size()) return pos;
  char q = text[pos];
  if (q == '"' || q == '\'') {
    for (uint32_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\n') return i;
      if (q == '"' && text[i] == '\\') { ++i; continue; }
      if (text[i] == q) {
        if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') { ++i; continue; }
        return i + 1;
      }
    }
    return static_cast<uint32_t>(text.size());
  }
  if (q == '|' || q == '>') return pos + 1;
  if (!value.empty() && text.substr(pos, value.size()) == value)
    return pos + static_cast<uint32_t>(value.size());
  uint32_t e = pos;
  while (e < text.size() && text[e] != '\n' && text[e] != '#') ++e;
  while (e > pos && (text[e - 1] == ' ' || text[e - 1] == '\r')) --e;
  return e;
}

class Converter {
 public:
  Converter(const SourceMap& sources, FileId file, Diagnostics& diags)
      : text_(sources.text(file)), file_(file), diags_(diags) {}

  Node Convert(const YAML::Node& y) {
    Node n;
    uint32_t pos = static_cast<uint32_t>(y.Mark().pos >= 0 ? y.Mark().pos : 0);
    n.span = {file_, pos, pos + 1};
    switch (y.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        n.kind = Node::Kind::kNull;
        // An explicit `~`/`null` has a width; an empty value has none.
        n.span.end = y.Mark().pos >= 0 ? ScalarEnd(text_, pos, y.Scalar()) : pos;
        if (n.span.end < n.span.begin) n.span.end = n.span.begin;
        break;
      case YAML::NodeType::Scalar:
        n.kind = Node::Kind::kScalar;
        n.scalar = y.Scalar();
        n.quoted = y.Tag() == "!";
        n.span.end = ScalarEnd(text_, pos, n.scalar);
        break;
      case YAML::NodeType::Sequence:
        n.kind = Node::Kind::kSequence;
        for (const auto& item : y) n.items.push_back(Convert(item));
        break;
      case YAML::NodeType::Map: {
        n.kind = Node::Kind::kMap;
        std::unordered_map<std::string, size_t> seen;
        for (const auto& kv : y) {
          Entry e;
          uint32_t kpos = static_cast<uint32_t>(kv.first.Mark().pos >= 0 ? kv.first.Mark().pos : 0);
          if (!kv.first.IsScalar()) {
            diags_.Report(Error(codes::kWrongType, "mapping keys must be plain strings")
                              .Label({file_, kpos, kpos + 1}, "this key is a collection"));
            continue;
          }
          e.key = kv.first.Scalar();
          e.key_span = {file_, kpos, ScalarEnd(text_, kpos, e.key)};
          auto [it, fresh] = seen.emplace(e.key, n.entries.size());
          if (!fresh) {
            diags_.Report(Error(codes::kDuplicateKey, "duplicate key `" + e.key + "`")
                              .Label(e.key_span, "defined again here")
                              .Secondary(n.entries[it->second].key_span, "first defined here")
                              .Help("remove one of the two; YAML keeps neither reliably"));
            continue;
          }
          e.value = Convert(kv.second);
          // An empty value (`key:`) has no position of its own: point just after the key.
          if (e.value.is_null() && kv.second.Mark().pos < 0)
            e.value.span = {file_, e.key_span.end, e.key_span.end};
          n.entries.push_back(std::move(e));
        }
        break;
      }
    }
    return n;
  }

 private:
  std::string_view text_;
  FileId file_;
  Diagnostics& diags_;
};

}  // namespace

namespace {

/// Mistakes yaml-cpp reports far from their cause (or not at all), found by a line scan:
/// tabs in indentation, and a quoted scalar left open at the end of its line.
bool ScanLines(const std::string& text, FileId file, Diagnostics& diags) {
  bool ok = true;
  uint32_t line_start = 0;
  while (line_start < text.size()) {
    uint32_t end = static_cast<uint32_t>(text.find('\n', line_start));
    if (end == UINT32_MAX || end > text.size()) end = static_cast<uint32_t>(text.size());
    for (uint32_t i = line_start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i) {
      if (text[i] != '\t') continue;
      diags.Report(Error(codes::kYamlSyntax, "tab character in indentation")
                       .Label({file, i, i + 1}, "YAML indentation must use spaces")
                       .Help("replace the tab with spaces"));
      ok = false;
      break;
    }
    // Quotes: track whether a quoted scalar opened on this line is closed on it. Our
    // files never need multi-line quoted strings, and yaml-cpp lets an unclosed one run
    // to the end of the file.
    char quote = 0;
    uint32_t open_at = 0;
    for (uint32_t i = line_start; i < end; ++i) {
      char c = text[i];
      if (!quote) {
        if (c == '#' && (i == line_start || text[i - 1] == ' ')) break;
        bool value_start = i == line_start || std::strchr(" [{,:-", text[i - 1]) != nullptr;
        if ((c == '"' || c == '\'') && value_start) quote = c, open_at = i;
      } else if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < end && text[i + 1] == '\'') { ++i; continue; }
        quote = 0;
      }
    }
    if (quote) {
      diags.Report(Error(codes::kYamlSyntax, "quoted string is not closed on its line")
                       .Label({file, open_at, open_at + 1}, "this quote has no closing quote")
                       .Help(std::string("add the closing ") + quote));
      ok = false;
    }
    line_start = end + 1;
  }
  return ok;
}

}  // namespace

Node ParseYaml(const SourceMap& sources, FileId file, Diagnostics& diags) {
  const std::string& text = sources.text(file);
  if (!ScanLines(text, file, diags)) return Node{};
  YAML::Node root;
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.size() > 1) {
      size_t sep = text.find("\n---");
      uint32_t at = sep == std::string::npos ? 0 : static_cast<uint32_t>(sep + 1);
      diags.Report(Error(codes::kYamlSyntax, "more than one YAML document in one file")
                       .Label({file, at, at + 3}, "a second document starts here")
                       .Help("keep one document per file; each environment and tenant has a file of its own"));
      return Node{};
    }
    if (!docs.empty()) root = docs.front();
  } catch (const YAML::Exception& e) {
    uint32_t off = e.mark.is_null() ? 0
                   : sources.Offset(file, static_cast<uint32_t>(e.mark.line + 1),
                                    static_cast<uint32_t>(e.mark.column + 1));
    diags.Report(YamlSyntaxError(text, file, off, e.msg));
    return Node{};
  }
  Converter c(sources, file, diags);
  Node n = c.Convert(root);
  if (n.is_null()) n.span = {file, 0, 0};
  return n;
}

Node DeepMerge(const Node& base, const Node& over) {
  if (!base.is_map() || !over.is_map()) return over;
  Node out = base;
  for (const auto& oe : over.entries) {
    bool merged = false;
    for (auto& be : out.entries) {
      if (be.key == oe.key) {
        be.value = DeepMerge(be.value, oe.value);
        merged = true;
        break;
      }
    }
    if (!merged) out.entries.push_back(oe);
  }
  return out;
}

}  // namespace eurus::config
