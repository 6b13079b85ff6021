#include "diag/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <nlohmann/json.hpp>

namespace eurus {

bool ParseDiagFormat(const std::string& s, DiagFormat* out) {
  if (s == "rich") *out = DiagFormat::kRich;
  else if (s == "short") *out = DiagFormat::kShort;
  else if (s == "json") *out = DiagFormat::kJson;
  else if (s == "github") *out = DiagFormat::kGithub;
  else return false;
  return true;
}

namespace {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kNote: return "note";
    case Severity::kBug: return "internal error";
  }
  return "error";
}

struct Style {
  bool on;
  std::string operator()(const char* code, std::string_view text) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

const char* SeverityColor(Severity s) {
  return s == Severity::kError || s == Severity::kBug ? "1;31" : s == Severity::kWarning ? "1;33" : "1;36";
}

std::string Where(const SourceMap& sources, Span s) {
  LineCol lc = sources.Locate(s.file, s.begin);
  return fmt::format("{}:{}:{}", sources.path(s.file), lc.line, lc.column);
}

std::string RenderRich(const Diagnostic& d, const SourceMap& sources, bool color) {
  Style st{color};
  std::string out = st(SeverityColor(d.severity),
                       fmt::format("{}[{}]", SeverityName(d.severity), d.code));
  out += st("1", ": " + d.message) + "\n";

  // Gutter width from the largest line number shown.
  uint32_t max_line = 0;
  for (const auto& l : d.labels)
    if (l.span.valid()) max_line = std::max(max_line, sources.Locate(l.span.file, l.span.begin).line);
  const std::string pad(std::to_string(max_line).size(), ' ');
  const std::string bar = st("1;34", "|");

  // Source order within a file (the primary label's file first), as a reader scans it.
  std::vector<SpanLabel> labels = d.labels;
  FileId primary_file = d.primary().file;
  std::stable_sort(labels.begin(), labels.end(), [&](const SpanLabel& a, const SpanLabel& b) {
    auto key = [&](const SpanLabel& l) {
      return std::make_tuple(l.span.file != primary_file, l.span.file, l.span.begin);
    };
    return key(a) < key(b);
  });
  FileId last_file = kNoFile;
  bool first = true;
  for (const auto& l : labels) {
    if (!l.span.valid()) continue;
    LineCol lc = sources.Locate(l.span.file, l.span.begin);
    if (l.span.file != last_file) {
      // The header names the primary location even when a secondary label comes first.
      Span head = first && d.primary().valid() ? d.primary() : l.span;
      out += fmt::format("{}{} {}\n", pad, st("1;34", first ? "-->" : ":::"), Where(sources, head));
      out += fmt::format("{} {}\n", pad, bar);
      last_file = l.span.file;
    }
    first = false;
    std::string_view line = sources.Line(l.span.file, lc.line);
    out += fmt::format("{} {} {}\n", st("1;34", fmt::format("{:>{}}", lc.line, pad.size())), bar,
                       line);
    // Caret under the span; a span running past the line stops at its end.
    size_t col0 = lc.column - 1;
    size_t len = l.span.end > l.span.begin ? l.span.end - l.span.begin : 1;
    if (col0 + len > line.size()) len = std::max<size_t>(1, line.size() > col0 ? line.size() - col0 : 1);
    std::string indent;
    for (size_t i = 0; i < col0 && i < line.size(); ++i) indent += line[i] == '\t' ? '\t' : ' ';
    std::string marks(len, l.primary ? '^' : '-');
    if (!l.text.empty()) marks += " " + l.text;
    out += fmt::format("{} {} {}{}\n", pad, bar, indent,
                       st(l.primary ? SeverityColor(d.severity) : "1;34", marks));
  }
  bool help_shown = std::any_of(d.labels.begin(), d.labels.end(), [&](const SpanLabel& l) { return l.text == d.help; });
  if (!d.labels.empty() && (!d.notes.empty() || (!d.help.empty() && !help_shown))) out += fmt::format("{} {}\n", pad, bar);
  for (const auto& n : d.notes) out += fmt::format("{} {} note: {}\n", pad, st("1;34", "="), n);
  // A suggestion already shown under the caret is not repeated as help.
  bool shown = std::any_of(d.labels.begin(), d.labels.end(), [&](const SpanLabel& l) { return l.text == d.help; });
  if (!d.help.empty() && !shown) out += fmt::format("{} {} help: {}\n", pad, st("1;34", "="), d.help);
  return out;
}

std::string RenderShort(const Diagnostic& d, const SourceMap& sources) {
  Span p = d.primary();
  std::string loc = p.valid() ? Where(sources, p) : "eurus";
  std::string out = fmt::format("{}: {}[{}]: {}", loc, SeverityName(d.severity), d.code, d.message);
  if (!d.help.empty()) out += " (help: " + d.help + ")";
  return out + "\n";
}

nlohmann::json SpanJson(const SourceMap& sources, Span s) {
  LineCol b = sources.Locate(s.file, s.begin);
  LineCol e = sources.Locate(s.file, s.end);
  return {{"file", sources.path(s.file)}, {"line", b.line}, {"column", b.column},
          {"end_line", e.line}, {"end_column", e.column}, {"byte_begin", s.begin},
          {"byte_end", s.end}};
}

std::string RenderJson(const Diagnostic& d, const SourceMap& sources) {
  nlohmann::json j;
  j["severity"] = SeverityName(d.severity);
  j["code"] = d.code;
  j["message"] = d.message;
  Span p = d.primary();
  if (p.valid()) j.update(SpanJson(sources, p));
  nlohmann::json labels = nlohmann::json::array();
  for (const auto& l : d.labels) {
    if (!l.span.valid()) continue;
    nlohmann::json lj = SpanJson(sources, l.span);
    lj["text"] = l.text;
    lj["primary"] = l.primary;
    labels.push_back(std::move(lj));
  }
  j["labels"] = std::move(labels);
  j["notes"] = d.notes;
  if (!d.help.empty()) j["help"] = d.help;
  return j.dump() + "\n";
}

/// GitHub workflow commands escape %, CR and LF in data, and also ':' and ',' in properties.
std::string GithubEscape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

std::string RenderGithub(const Diagnostic& d, const SourceMap& sources) {
  const char* kind = d.severity == Severity::kError || d.severity == Severity::kBug ? "error"
                     : d.severity == Severity::kWarning ? "warning" : "notice";
  std::string props;
  Span p = d.primary();
  if (p.valid()) {
    LineCol b = sources.Locate(p.file, p.begin);
    LineCol e = sources.Locate(p.file, p.end);
    props = fmt::format("file={},line={},col={}", GithubEscape(sources.path(p.file), true), b.line, b.column);
    if (e.line == b.line && p.end > p.begin) props += fmt::format(",endColumn={}", e.column);
    props += ",";
  }
  props += "title=" + GithubEscape(d.code, true);
  std::string body = d.message;
  for (const auto& n : d.notes) body += "\nnote: " + n;
  if (!d.help.empty()) body += "\nhelp: " + d.help;
  return fmt::format("::{} {}::{}\n", kind, props, GithubEscape(body, false));
}

}  // namespace

std::string Render(const Diagnostic& d, const SourceMap& sources, DiagFormat format, bool color) {
  switch (format) {
    case DiagFormat::kRich: return RenderRich(d, sources, color);
    case DiagFormat::kShort: return RenderShort(d, sources);
    case DiagFormat::kJson: return RenderJson(d, sources);
    case DiagFormat::kGithub: return RenderGithub(d, sources);
  }
  return {};
}

std::string RenderAll(const Diagnostics& diags, const SourceMap& sources, DiagFormat format,
                      bool color) {
  std::string out;
  for (const auto& d : diags.items()) {
    out += Render(d, sources, format, color);
    if (format == DiagFormat::kRich) out += "\n";
  }
  if ((format == DiagFormat::kRich || format == DiagFormat::kShort) && diags.errors() > 0) {
    // Internal errors are counted apart: they are eurus's, not the input's.
    size_t user = diags.errors() - diags.bugs();
    std::string count;
    if (user) count = fmt::format("{} error{}", user, user == 1 ? "" : "s");
    if (diags.bugs())
      count += fmt::format("{}{} internal error{}", count.empty() ? "" : ", ", diags.bugs(), diags.bugs() == 1 ? "" : "s");
    if (diags.warnings())
      count += fmt::format(", {} warning{}", diags.warnings(), diags.warnings() == 1 ? "" : "s");
    out += fmt::format("eurus: {} found; nothing was written\n", count);
  }
  return out;
}

}  // namespace eurus
