#include "check/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <vector>

#include "check/codes.h"
#include "check/locate.h"
#include "check/validate_internal.h"

// The unit's passes live beside this file: validate_blocks.cc (the schema) and
// validate_refs.cc (references). Here: the helpers they share, the top level and
// declarations of a unit, and the walk over the tree.

namespace eurus::check {

namespace validate {

using nlohmann::json;

bool In(std::string_view s, std::span<const std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool In(const std::string& s, const std::vector<std::string>& v) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "a list";
    case json::value_t::object:
      return "an object";
    default:
      return "a number";
  }
}

bool IsExpression(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return s.find("${") != std::string::npos || s.find("%{") != std::string::npos;
}

JsonPath Append(const JsonPath& p, PathStep s) {
  JsonPath out = p;
  out.push_back(std::move(s));
  return out;
}

std::vector<std::string> Keys(const std::set<std::string>& s) { return {s.begin(), s.end()}; }

Span KeySpan(const Doc& doc, const JsonPath& path) {
  if (!doc.sources || doc.file == kNoFile) return {};
  auto r = LocateKey(doc.sources->text(doc.file), path);
  if (!r) return {doc.file, 0, 0};
  return {doc.file, r->begin, r->end};
}

Span InString(const Doc& doc, const JsonPath& path, size_t offset, size_t length) {
  if (!doc.sources || doc.file == kNoFile) return {};
  std::string_view text = doc.sources->text(doc.file);
  auto r = LocateValue(text, path);
  if (!r || text[r->begin] != '"') return KeySpan(doc, path);
  return {doc.file, RawOffset(text, r->begin, offset), RawOffset(text, r->begin, offset + length)};
}

void Report(UnitCheck& u, const Doc& doc, Diagnostic d, Span span, std::string label) {
  if (span.valid())
    d.Label(span, std::move(label));
  else
    d.Note("in " + doc.path);
  u.diags.Report(std::move(d));
}

void DidYouMean(Diagnostic& d, const std::string& near) {
  if (!near.empty()) d.Help(fmt::format("did you mean `{}`?", near));
}

}  // namespace validate

namespace {

using nlohmann::json;
using validate::Doc;
using validate::ForEachEntry;
using validate::In;
using validate::UnitCheck;

/// What a .tf.json file may hold at its top level.
const std::vector<std::string> kTopLevel = {
    "//",     "check",    "data",    "import",   "locals",    "module",  "moved",
    "output", "provider", "removed", "resource", "terraform", "variable"};

/// The document is an object of known sections; false (reported) when it is no object at all.
bool TopLevel(UnitCheck& u, const Doc& doc) {
  if (!doc.root->is_object()) {
    validate::Report(u, doc,
                     Error(codes::kTfJson, fmt::format("{} must hold a JSON object, found {}",
                                                       doc.path, validate::Describe(*doc.root))),
                     doc.sources && doc.file != kNoFile ? Span{doc.file, 0, 0} : Span{},
                     "expected `{`");
    return false;
  }
  for (const auto& [k, v] : doc.root->items()) {
    if (In(k, kTopLevel)) continue;
    std::string near = ClosestMatch(k, kTopLevel);
    Diagnostic d = Error(codes::kTfJson, fmt::format("{}: unknown top-level key `{}`", k, k));
    validate::DidYouMean(d, near);
    validate::Report(u, doc, std::move(d), validate::KeySpan(doc, {PathStep::Key(k)}),
                     "not a Terraform JSON section");
  }
  return true;
}

/// Adds the names `section` of `root` declares to `names`.
void DeclareNames(const json& root, const char* section, std::set<std::string>& names) {
  auto it = root.find(section);
  if (it == root.end()) return;
  ForEachEntry(*it, {},
               [&](const std::string& n, const json&, const JsonPath&) { names.insert(n); });
}

/// Records what the document declares: resources, data sources, variables, locals, modules,
/// provider aliases.
void Declare(validate::Declarations& decl, const Doc& doc) {
  const json& root = *doc.root;
  for (const char* section : {"resource", "data"}) {
    auto it = root.find(section);
    if (it == root.end()) continue;
    auto& table = std::string_view(section) == "resource" ? decl.resources : decl.data;
    ForEachEntry(*it, {PathStep::Key(section)},
                 [&](const std::string& type, const json& byname, const JsonPath&) {
                   ForEachEntry(byname, {},
                                [&](const std::string& name, const json&, const JsonPath&) {
                                  table[type].insert(name);
                                });
                 });
  }
  DeclareNames(root, "variable", decl.variables);
  DeclareNames(root, "locals", decl.locals);
  DeclareNames(root, "module", decl.modules);
  if (auto it = root.find("provider"); it != root.end()) {
    ForEachEntry(*it, {}, [&](const std::string& name, const json& configs, const JsonPath&) {
      auto one = [&](const json& c) {
        if (c.is_object() && c.contains("alias") && c["alias"].is_string())
          decl.provider_aliases.insert(name + "." + c["alias"].get<std::string>());
      };
      if (configs.is_array())
        for (const auto& c : configs) one(c);
      else
        one(configs);
    });
  }
}

/// The passes over one unit's documents, in order: each document's top level, then (over the
/// usable ones) declarations, blocks against the schema, providers, references.
void RunUnit(const std::vector<Doc>& docs, const Schema& schema, Diagnostics& diags,
             ValidateStats& stats) {
  UnitCheck u{schema, diags, stats, {}, {}, {}, {}};
  std::vector<const Doc*> good;
  for (const auto& d : docs)
    if (TopLevel(u, d)) good.push_back(&d);
  for (const Doc* d : good) Declare(u.declared, *d);
  for (const Doc* d : good) validate::CheckBlocks(u, *d);
  validate::CheckProviders(u, good);
  for (const Doc* d : good) validate::CheckReferences(u, *d);
  validate::CheckCycles(u);
}

// ---- the tree --------------------------------------------------------------------------------

/// "a/b/../c" → "a/c"; "./a" → "a". Leading ".." are kept.
std::string Normalize(const std::string& path) {
  std::vector<std::string> parts;
  bool absolute = !path.empty() && path[0] == '/';
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!absolute)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = absolute ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) out += (k ? "/" : "") + parts[k];
  return out.empty() ? "." : out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

void FindUnits(FileSystem& fs, const std::string& dir, std::vector<std::string>* units) {
  std::vector<std::string> names = fs.List(dir);
  bool unit = false;
  for (const auto& n : names) {
    std::string child = JoinPath(dir, n);
    if (EndsWith(n, ".tf.json") && !fs.IsDirectory(child)) unit = true;
  }
  if (unit) units->push_back(dir);
  for (const auto& n : names) {
    if (n.empty() || n[0] == '.') continue;  // .terraform, .terragrunt-cache
    std::string child = JoinPath(dir, n);
    if (fs.IsDirectory(child)) FindUnits(fs, child, units);
  }
}

/// Reads and parses `path`, registering it; nullopt (and a diagnostic) when it cannot be used.
std::optional<json> ReadJson(FileSystem& fs, const std::string& path, SourceMap& sources,
                             Diagnostics& diags, FileId* id) {
  std::string err;
  auto text = fs.Read(path, &err);
  if (!text) {
    diags.Report(Error(codes::kTfJson, fmt::format("cannot read `{}`: {}", path, err)));
    return std::nullopt;
  }
  *id = sources.Add(path, *text);
  try {
    return json::parse(*text);
  } catch (const json::parse_error& e) {
    uint32_t at = static_cast<uint32_t>(std::min<size_t>(e.byte ? e.byte - 1 : 0, text->size()));
    std::string msg = e.what();
    if (auto p = msg.find("syntax error"); p != std::string::npos) msg = msg.substr(p);
    diags.Report(Error(codes::kTfJson, fmt::format("{} is not valid JSON: {}", path, msg))
                     .Label({*id, at, at + (at < text->size() ? 1u : 0u)}, "here"));
    return std::nullopt;
  }
}

/// terragrunt.hcl: every `dependencies.paths` entry must be another unit of the tree.
void CheckTerragrunt(FileSystem& fs, const std::string& unit, const std::set<std::string>& units,
                     SourceMap& sources, Diagnostics& diags) {
  std::string path = JoinPath(unit, "terragrunt.hcl");
  std::string err;
  auto text = fs.Read(path, &err);
  if (!text) {
    diags.Report(Error(codes::kNoUnits, fmt::format("unit `{}` has no terragrunt.hcl", unit))
                     .Help("run `eurus synth` again: every unit gets main.tf.json, "
                           "providers.tf.json and terragrunt.hcl"));
    return;
  }
  FileId id = sources.Add(path, *text);
  std::smatch m;
  static const std::regex kPaths(R"((^|\n)\s*paths\s*=\s*\[)");
  if (!std::regex_search(*text, m, kPaths)) return;
  size_t open = static_cast<size_t>(m.position(0) + m.length(0)) - 1;
  size_t close = text->find(']', open);
  if (close == std::string::npos) return;
  for (size_t i = open; i < close;) {
    size_t q = text->find('"', i);
    if (q == std::string::npos || q > close) break;
    size_t e = text->find('"', q + 1);
    if (e == std::string::npos || e > close) break;
    std::string dep = text->substr(q + 1, e - q - 1);
    std::string target = Normalize(JoinPath(unit, dep));
    if (!units.count(target)) {
      diags.Report(Error(codes::kDependency,
                         fmt::format("{}: dependency `{}` is not a unit of the tree", path, dep))
                       .Label({id, static_cast<uint32_t>(q), static_cast<uint32_t>(e + 1)},
                              fmt::format("`{}` holds no unit", target)));
    }
    i = e + 1;
  }
}

}  // namespace

void ValidateUnit(const json& main, const json& providers, const Schema& schema,
                  const UnitSources& where, Diagnostics& diags, ValidateStats* stats) {
  ValidateStats local;
  ValidateStats& st = stats ? *stats : local;
  std::vector<Doc> docs;
  docs.push_back({&main, where.sources, where.main, where.main_path, false});
  docs.push_back({&providers, where.sources, where.providers, where.providers_path, true});
  RunUnit(docs, schema, diags, st);
  ++st.units;
}

ValidateStats ValidateTree(FileSystem& fs, const std::string& out_dir, const Schema& schema,
                           SourceMap& sources, Diagnostics& diags) {
  ValidateStats stats;
  if (!fs.IsDirectory(out_dir)) {
    diags.Report(Error(codes::kNoUnits, fmt::format("no directory `{}` to validate", out_dir))
                     .Help("run `eurus synth` first"));
    return stats;
  }
  std::vector<std::string> units;
  FindUnits(fs, out_dir, &units);
  if (units.empty()) {
    diags.Report(
        Error(codes::kNoUnits,
              fmt::format("`{}` holds no units (directories with .tf.json files)", out_dir))
            .Help("run `eurus synth` first"));
    return stats;
  }
  std::set<std::string> normalized;
  for (const auto& u : units) normalized.insert(Normalize(u));
  for (const auto& unit : units) {
    std::vector<std::string> files;
    for (const auto& n : fs.List(unit))
      if (EndsWith(n, ".tf.json")) files.push_back(n);
    for (const char* required : {"main.tf.json", "providers.tf.json"}) {
      if (!In(required, files))
        diags.Report(Error(codes::kNoUnits, fmt::format("unit `{}` has no {}", unit, required))
                         .Help("run `eurus synth` again: every unit gets main.tf.json, "
                               "providers.tf.json and terragrunt.hcl"));
    }
    // Parsed documents must outlive the Docs that point at them.
    std::vector<json> parsed;
    std::vector<std::pair<std::string, FileId>> origin;
    parsed.reserve(files.size());
    for (const auto& n : files) {
      std::string path = JoinPath(unit, n);
      FileId id = kNoFile;
      auto doc = ReadJson(fs, path, sources, diags, &id);
      if (!doc) continue;
      parsed.push_back(std::move(*doc));
      origin.emplace_back(n, id);
    }
    std::vector<Doc> docs;
    for (size_t i = 0; i < parsed.size(); ++i)
      docs.push_back({&parsed[i], &sources, origin[i].second, sources.path(origin[i].second),
                      origin[i].first == "providers.tf.json"});
    if (!docs.empty()) RunUnit(docs, schema, diags, stats);
    CheckTerragrunt(fs, unit, normalized, sources, diags);
    ++stats.units;
  }
  return stats;
}

}  // namespace eurus::check
