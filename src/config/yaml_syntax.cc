#include "config/yaml_syntax.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "diag/codes.h"

namespace eurus::config {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

/// One line of block YAML as far as locating a mistake needs it. Offsets are into the text.
struct Line {
  uint32_t begin = 0, end = 0;  ///< [begin, end): without the newline
  uint32_t indent = 0;          ///< leading spaces
  bool blank = true;            ///< nothing but spaces and a comment
  bool item = false;            ///< starts with `- ` (or is a lone `-`)
  uint32_t key = 0;             ///< where the content after the indentation and any `- ` starts
  uint32_t content_end = 0;     ///< the end of the content, before a comment and trailing spaces
  uint32_t colon = kNone;       ///< the first mapping `:` (followed by a space or the line's end)
  uint32_t tight_colon = kNone; ///< before `colon`: a `:` followed by a letter or digit (`a:b`)
  bool value = false;           ///< something follows `colon` on the line

  uint32_t column(uint32_t offset) const { return offset - begin; }
  /// The indentation a line below must have to be this line's sibling.
  uint32_t key_column() const { return key - begin; }
};

Line ScanLine(std::string_view text, uint32_t begin) {
  Line l;
  l.begin = begin;
  size_t nl = text.find('\n', begin);
  l.end = static_cast<uint32_t>(nl == std::string_view::npos ? text.size() : nl);
  uint32_t i = begin;
  while (i < l.end && text[i] == ' ') ++i;
  l.indent = i - begin;
  if (i < l.end && text[i] == '-' && (i + 1 == l.end || text[i + 1] == ' ')) {
    l.item = true;
    ++i;
    while (i < l.end && text[i] == ' ') ++i;
  }
  l.key = i;
  l.content_end = i;
  char quote = 0;
  int depth = 0;
  for (; i < l.end; ++i) {
    char c = text[i];
    if (quote) {
      if (quote == '"' && c == '\\') ++i;
      else if (c == quote) quote = 0;
      l.content_end = i + 1;
      continue;
    }
    if (c == '#' && (i == begin || text[i - 1] == ' ')) break;
    if (c != ' ' && c != '\r') l.content_end = i + 1;
    if ((c == '"' || c == '\'') && (i == l.key || text[i - 1] == ' ')) quote = c;
    else if (c == '[' || c == '{') ++depth;
    else if ((c == ']' || c == '}') && depth > 0) --depth;
    else if (c == ':' && depth == 0) {
      bool ends = i + 1 == l.end || text[i + 1] == ' ' || text[i + 1] == '\r';
      if (ends && l.colon == kNone) l.colon = i;
      else if (!ends && l.colon == kNone && l.tight_colon == kNone &&
               std::isalnum(static_cast<unsigned char>(text[i + 1])))
        l.tight_colon = i;
    }
  }
  l.blank = l.content_end == l.key && !l.item;
  l.value = l.colon != kNone && l.content_end > l.colon + 1;
  return l;
}

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  uint32_t begin = 0;
  while (begin <= text.size()) {
    lines.push_back(ScanLine(text, begin));
    begin = lines.back().end + 1;
  }
  return lines;
}

/// The index of the line holding `offset`.
size_t LineOf(const std::vector<Line>& lines, uint32_t offset) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (offset <= lines[i].end) return i;
  return lines.size() - 1;
}

/// The last non-blank line before `index`.
std::optional<size_t> Previous(const std::vector<Line>& lines, size_t index) {
  while (index-- > 0)
    if (!lines[index].blank) return index;
  return std::nullopt;
}

/// The first word of the line's content (the key, when the line is `key: ...`).
std::string KeyText(std::string_view text, const Line& l) {
  uint32_t e = l.key;
  while (e < l.content_end && text[e] != ' ' && text[e] != ':') ++e;
  return std::string(text.substr(l.key, e - l.key));
}

std::string Spaces(uint32_t n) { return fmt::format("{} space{}", n, n == 1 ? "" : "s"); }

Span ContentOf(FileId file, const Line& l) {
  uint32_t from = l.begin + l.indent;
  return {file, from, std::max(l.content_end, from + 1)};
}

Diagnostic Syntax(const std::string& what) { return Error(codes::kYamlSyntax, "YAML syntax error: " + what); }

/// "illegal map value": yaml-cpp met a `:` where a plain scalar could not become a key.
std::optional<Diagnostic> IllegalMapValue(std::string_view text, FileId file, const std::vector<Line>& lines,
                                          size_t at, uint32_t offset) {
  const Line& l = lines[at];
  Span parser{file, offset, offset + 1};
  if (l.colon != kNone && l.colon < offset)
    return Syntax("a second `: ` on one line")
        .Label(parser, "a plain value cannot contain `: `")
        .Help(fmt::format("quote the value: `{}: \"{}\"`", KeyText(text, l),
                          std::string(text.substr(l.colon + 2, l.content_end - l.colon - 2))));
  std::optional<size_t> prev = Previous(lines, at);
  if (!prev) return std::nullopt;
  const Line& p = lines[*prev];
  const std::string key = KeyText(text, p);
  if (p.colon == kNone && p.tight_colon != kNone) {
    std::string word(text.substr(p.key, p.content_end - p.key));
    std::string fixed = word.substr(0, p.tight_colon - p.key) + ": " + word.substr(p.tight_colon - p.key + 1);
    return Syntax(fmt::format("`:` after key `{}` needs a space", key.substr(0, p.tight_colon - p.key)))
        .Label({file, p.tight_colon, p.tight_colon + 1}, "add a space after this `:`")
        .Secondary(parser, "the YAML parser stopped here")
        .Help(fmt::format("write `{}`", fixed));
  }
  if (p.colon == kNone)
    return Syntax(fmt::format("missing `:` after `{}`", key))
        .Label(ContentOf(file, p), "this line has no `:`")
        .Secondary(parser, "the YAML parser stopped here")
        .Note("without a `:` YAML reads the line as the start of a text that runs on into the next lines")
        .Help(fmt::format("write `{}: <value>`, with a space after the colon", key));
  if (p.value && l.indent > p.key_column()) {
    const std::string value(text.substr(p.colon + 2, p.content_end - p.colon - 2));
    return Syntax(fmt::format("this line is indented deeper than `{}` above it", key))
        .Label(ContentOf(file, l), fmt::format("indented {}; `{}` {}", Spaces(l.indent), key, Spaces(p.key_column())))
        .Note(fmt::format("YAML reads a deeper line as more of `{}`'s value `{}`", key, value))
        .Help(fmt::format("indent it {} like `{}`", Spaces(p.key_column()), key));
  }
  return std::nullopt;
}

/// "end of map/sequence not found": a line that fits no block above it.
std::optional<Diagnostic> BadIndentation(std::string_view text, FileId file, const std::vector<Line>& lines,
                                         size_t at) {
  const Line& l = lines[at];
  if (l.blank) return std::nullopt;
  // The lines that open a block this line could belong to: each one less indented than
  // every line between it and this one.
  struct Level { uint32_t column; const Line* line; bool dash; };
  std::vector<Level> levels;
  uint32_t min = kNone;
  for (size_t i = at; i-- > 0;) {
    const Line& q = lines[i];
    if (q.blank) continue;
    if (q.item && q.key_column() < min) levels.push_back({q.key_column(), &q, false});
    if (q.indent < min) {
      levels.push_back({q.indent, &q, q.item});
      min = q.indent;
    }
    if (min == 0) break;
  }
  for (const Level& v : levels) {
    if (v.column != l.indent) continue;
    std::string key = KeyText(text, *v.line);
    // A key without `:` followed by a comment: the comment ends the plain scalar, and the
    // parser stops at the start of this line.
    if (!l.item && !v.dash && l.colon == kNone && l.tight_colon == kNone)
      return Syntax(fmt::format("missing `:` after `{}`", KeyText(text, l)))
          .Label(ContentOf(file, l), "this line has no `:`")
          .Help(fmt::format("write `{}: <value>`, with a space after the colon", KeyText(text, l)));
    if (l.item && !v.dash)
      return Syntax("a list item where the mapping expects a key")
          .Label(ContentOf(file, l), fmt::format("`{}` above is a key at this indentation", key))
          .Help("a list goes under a key of its own: `key:`, then its items indented below it");
    if (!l.item && v.dash)
      return Syntax("a key where the list expects an item")
          .Label(ContentOf(file, l), fmt::format("`- {}` above is a list item at this indentation", key))
          .Help("start the line with `- ` to add an item, or indent it to belong to an item");
    return std::nullopt;
  }
  std::vector<std::string> where;
  for (const Level& v : levels)
    where.push_back(fmt::format("{} (`{}{}`)", v.column, v.dash ? "- " : "", KeyText(text, *v.line)));
  std::string list;
  for (size_t i = 0; i < where.size(); ++i)
    list += (i == 0 ? "" : i + 1 == where.size() ? " or " : ", ") + where[i];
  return Syntax("this line's indentation matches no line above it")
      .Label(ContentOf(file, l), "indented " + Spaces(l.indent))
      .Help(where.empty() ? "indent it like the line it belongs with"
                          : "indent it like the line it belongs with: " + list);
}

/// "end of ... flow not found": the `[` or `{` left open before `offset`.
Diagnostic UnclosedFlow(std::string_view text, FileId file, uint32_t offset) {
  int depth = 0;
  uint32_t off = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  for (uint32_t i = off; i-- > 0;) {
    char c = text[i];
    if (c == ']' || c == '}') ++depth;
    if (c == '[' || c == '{') {
      if (depth == 0) { off = i; break; }
      --depth;
    }
  }
  bool square = off < text.size() && text[off] == '[';
  return Syntax(std::string("this ") + (square ? "[" : "{") + " is never closed")
      .Label({file, off, off + 1}, "opened here")
      .Help(std::string("add the closing ") + (square ? "]" : "}"));
}

}  // namespace

Diagnostic YamlSyntaxError(std::string_view text, FileId file, uint32_t offset, const std::string& reason) {
  if (reason.find("flow not found") != std::string::npos) return UnclosedFlow(text, file, offset);
  std::vector<Line> lines = SplitLines(text);
  size_t at = LineOf(lines, offset);
  std::optional<Diagnostic> d;
  if (reason == "illegal map value") d = IllegalMapValue(text, file, lines, at, offset);
  else if (reason == "end of map not found" || reason == "end of sequence not found")
    d = BadIndentation(text, file, lines, at);
  if (d) return *d;
  std::string msg = reason.empty() ? "invalid YAML" : reason;
  msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  return Syntax(msg)
      .Label({file, offset, offset + 1})
      .Help("fix the YAML syntax; indentation must use spaces, and a value that starts with a special character "
            "needs quotes");
}

}  // namespace eurus::config
