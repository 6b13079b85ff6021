// `eurus validate`: references — `${...}` traversals in any value, depends_on,
// replace_triggered_by, ignore_changes and provider meta-arguments — resolved against what
// the unit declares and the attributes its types have.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <functional>
#include <utility>

#include "check/codes.h"
#include "check/expr.h"
#include "check/functions.h"
#include "check/validate_internal.h"

namespace eurus::check::validate {

namespace {

using nlohmann::json;

/// What `data.terraform_remote_state.NAME.ATTR` may read.
const std::vector<std::string> kRemoteStateAttributes = {"backend", "config", "defaults", "outputs",
                                                         "workspace"};
/// Traversal roots that name no declaration of the unit.
constexpr std::string_view kContextRoots[] = {"count", "each", "path", "self", "terraform"};

/// Reports errors about one traversal `text`, found at `span` of the string at `path`.
struct RefReporter {
  UnitCheck& u;
  const Doc& doc;
  const JsonPath& path;
  const std::string& text;
  Span span;

  void Undeclared(const std::string& what, const std::string& address,
                  const std::vector<std::string>& known) const {
    Diagnostic d = Error(codes::kUndeclared, fmt::format("{}: reference to undeclared {} `{}`",
                                                         FormatPath(path), what, address));
    std::string near = ClosestMatch(address, known);
    DidYouMean(d, near);
    Report(u, doc, std::move(d), span, fmt::format("the unit declares no {} `{}`", what, address));
  }

  void UnknownAttribute(const std::string& owner, const std::string& attr,
                        const std::vector<std::string>& known) const {
    Diagnostic d =
        Error(codes::kUnknownAttribute, fmt::format("{}: {} has no attribute `{}` (in `{}`)",
                                                    FormatPath(path), owner, attr, text));
    DidYouMean(d, ClosestMatch(attr, known));
    Report(u, doc, std::move(d), span, fmt::format("no attribute `{}`", attr));
  }
};

/// `var.X`, `local.X`, `module.X`.
void ResolveNamed(const RefReporter& r, const std::vector<std::string>& p) {
  const Declarations& decl = r.u.declared;
  const std::string& root = p[0];
  const auto& set = root == "var" ? decl.variables : root == "local" ? decl.locals : decl.modules;
  if (set.count(p[1])) return;
  std::vector<std::string> known;
  for (const auto& n : set) known.push_back(root + "." + n);
  r.Undeclared(root == "var"     ? "variable"
               : root == "local" ? "local value"
                                 : "module",
               root + "." + p[1], known);
}

/// `data.TYPE.NAME[.ATTR]`.
void ResolveData(const RefReporter& r, const std::vector<std::string>& p) {
  if (p.size() < 3) {
    Report(r.u, r.doc,
           Error(codes::kBadInterpolation, fmt::format("{}: `{}` names no data source: expected "
                                                       "`data.TYPE.NAME`",
                                                       FormatPath(r.path), r.text)),
           r.span, "incomplete reference");
    return;
  }
  const auto& data = r.u.declared.data;
  const std::string& type = p[1];
  const std::string& name = p[2];
  auto it = data.find(type);
  if (it == data.end() || !it->second.count(name)) {
    std::vector<std::string> known;
    for (const auto& [ty, names] : data)
      for (const auto& n : names) known.push_back("data." + ty + "." + n);
    r.Undeclared(type == "terraform_remote_state" ? "remote state" : "data source",
                 "data." + type + "." + name, known);
    return;
  }
  if (p.size() < 4) return;
  if (type == "terraform_remote_state") {
    // Any output of the upstream unit is accepted: synth already checked it exists.
    if (!In(p[3], kRemoteStateAttributes))
      r.UnknownAttribute("terraform_remote_state", p[3], kRemoteStateAttributes);
    return;
  }
  if (const TypeSchema* ts = r.u.schema.DataSource(type); ts && !ts->HasAttribute(p[3]))
    r.UnknownAttribute("data source " + type, p[3], ts->attributes);
}

/// `TYPE.NAME[.ATTR]`: a resource.
void ResolveResource(const RefReporter& r, const std::vector<std::string>& p) {
  const auto& resources = r.u.declared.resources;
  const std::string& type = p[0];
  const std::string& name = p[1];
  auto it = resources.find(type);
  if (it == resources.end() || !it->second.count(name)) {
    std::vector<std::string> known;
    for (const auto& [ty, names] : resources)
      for (const auto& n : names) known.push_back(ty + "." + n);
    r.Undeclared("resource", type + "." + name, known);
    return;
  }
  if (p.size() < 3) return;
  if (const TypeSchema* ts = r.u.schema.Resource(type); ts && !ts->HasAttribute(p[2]))
    r.UnknownAttribute(type, p[2], ts->attributes);
}

/// Checks that traversal `t` (written as `text` in the string at `path`) names a declaration
/// of the unit, and an attribute its type has.
void Resolve(UnitCheck& u, const Doc& doc, const Traversal& t, const JsonPath& path,
             const std::string& text) {
  const auto& p = t.parts;
  const std::string& root = p[0];
  if (In(root, kContextRoots)) return;
  ++u.stats.references;
  RefReporter r{u, doc, path, text, InString(doc, path, t.offset, t.length)};
  if (root == "var" || root == "local" || root == "module")
    ResolveNamed(r, p);
  else if (root == "data")
    ResolveData(r, p);
  else
    ResolveResource(r, p);
  if (u.current.empty()) return;
  if (root == "local")
    u.edges[u.current].insert("local." + p[1]);
  else if (root == "data" && p.size() >= 3)
    u.edges[u.current].insert("data." + p[1] + "." + p[2]);
  else if (root != "var" && root != "module")
    u.edges[u.current].insert(root + "." + p[1]);
}

/// A call of a function OpenTofu does not have.
void Calls(UnitCheck& u, const Doc& doc, const std::string& s, const JsonPath& path,
           const std::vector<Call>& calls) {
  for (const auto& c : calls) {
    if (IsTofuFunction(c.name)) continue;
    Diagnostic d = Error(codes::kUnknownFunction,
                         fmt::format("{}: call of unknown function `{}` in `{}`", FormatPath(path),
                                     c.name, s));
    std::vector<std::string> known(TofuFunctions().begin(), TofuFunctions().end());
    DidYouMean(d, ClosestMatch(c.name, known));
    d.Note("OpenTofu has no user-defined functions; the built-in ones are listed by "
           "`tofu metadata functions -json`");
    Report(u, doc, std::move(d), InString(doc, path, c.offset, c.length), "no such function");
  }
}

/// A string value: every traversal of its templates not bound by an iterator.
void Template(UnitCheck& u, const Doc& doc, const std::string& s, const JsonPath& path,
              const std::vector<std::string>& iterators) {
  if (s.find("${") == std::string::npos && s.find("%{") == std::string::npos) return;
  TemplateScan scan = ScanTemplate(s);
  if (!scan.ok) {
    Report(u, doc,
           Error(codes::kBadInterpolation,
                 fmt::format("{}: unterminated `{}` in `{}`", FormatPath(path),
                             s.substr(scan.error_offset, 2), s)),
           InString(doc, path, scan.error_offset, 2), "opened here, never closed");
    return;
  }
  for (const auto& t : scan.traversals) {
    const std::string& root = t.parts.front();
    if (In(root, iterators) || In(root, scan.iterators)) continue;
    Resolve(u, doc, t, path, s.substr(t.offset, t.length));
  }
  Calls(u, doc, s, path, scan.calls);
}

/// depends_on / replace_triggered_by entries: bare traversals written as strings.
void Bare(UnitCheck& u, const Doc& doc, const json& v, const JsonPath& path,
          bool attribute_allowed) {
  if (!v.is_array()) {
    Report(u, doc,
           Error(codes::kArgumentShape, fmt::format("{}: takes a list of references, found {}",
                                                    FormatPath(path), Describe(v))),
           KeySpan(doc, path), "expected `[\"aws_x.name\", ...]`");
    return;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    JsonPath at = Append(path, PathStep::Index(i));
    if (!v[i].is_string()) continue;
    std::string s = v[i].get<std::string>();
    // Both "aws_vpc.main" and "${aws_vpc.main}" are accepted by OpenTofu.
    if (s.size() > 3 && s.starts_with("${") && s.ends_with("}")) {
      Template(u, doc, s, at, {});
      continue;
    }
    auto t = ParseTraversal(s);
    if (!t) {
      Report(u, doc,
             Error(codes::kBadInterpolation,
                   fmt::format("{}: `{}` is not a reference", FormatPath(at), s)),
             InString(doc, at, 0, s.size()),
             "expected `TYPE.NAME`, `data.TYPE.NAME`, `module.NAME`");
      continue;
    }
    if (!attribute_allowed) {
      size_t depth = t->parts[0] == "data" ? 3 : 2;
      if (t->parts.size() > depth) {
        Report(u, doc,
               Error(codes::kBadInterpolation,
                     fmt::format("{}: depends_on names whole blocks, not attributes: `{}`",
                                 FormatPath(at), s)),
               InString(doc, at, 0, s.size()), "drop the attribute");
      }
    }
    Resolve(u, doc, *t, at, s);
  }
}

/// A `provider` meta-argument: `aws` or `aws.ALIAS` of a declared configuration.
void ProviderRef(UnitCheck& u, const Doc& doc, const std::string& s, const JsonPath& path) {
  ++u.stats.references;
  size_t dot = s.find('.');
  std::string name = s.substr(0, dot);
  if (name != "aws") {
    Report(u, doc,
           Error(codes::kUndeclared,
                 fmt::format("{}: provider `{}` is not declared in required_providers",
                             FormatPath(path), name)),
           InString(doc, path, 0, s.size()), "only `aws` is required");
    return;
  }
  const auto& aliases = u.declared.provider_aliases;
  if (dot == std::string::npos || aliases.count(s)) return;
  Diagnostic d = Error(codes::kUndeclared,
                       fmt::format("{}: reference to undeclared provider configuration `{}`",
                                   FormatPath(path), s));
  DidYouMean(d, ClosestMatch(s, Keys(aliases)));
  Report(u, doc, std::move(d), InString(doc, path, 0, s.size()),
         "no `provider \"aws\"` block has this alias");
}

/// `lifecycle.ignore_changes` of a resource of `type`: attributes the type has.
void IgnoreChanges(UnitCheck& u, const Doc& doc, const json& v, const JsonPath& path,
                   const std::string& type) {
  if (v.is_string()) return;  // "all"
  const TypeSchema* ts = u.schema.Resource(type);
  if (!v.is_array() || !ts) return;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) continue;
    std::string s = v[i].get<std::string>();
    std::string attr = s.substr(0, s.find_first_of(".["));
    if (attr == "all" || ts->HasAttribute(attr)) continue;
    JsonPath at = Append(path, PathStep::Index(i));
    Diagnostic d = Error(codes::kUnknownAttribute,
                         fmt::format("{}: ignore_changes names `{}`, which {} does not have",
                                     FormatPath(at), attr, type));
    DidYouMean(d, ClosestMatch(attr, ts->attributes));
    Report(u, doc, std::move(d), InString(doc, at, 0, attr.size()), "no such attribute");
  }
}

void InBody(UnitCheck& u, const Doc& doc, const json& body, const JsonPath& path,
            std::vector<std::string>& iterators, const std::string& type, bool meta);

/// Any value: strings are templates; lists and objects are walked.
void InValue(UnitCheck& u, const Doc& doc, const json& v, const JsonPath& path,
             std::vector<std::string>& iterators) {
  if (v.is_string()) {
    Template(u, doc, v.get_ref<const std::string&>(), path, iterators);
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i)
      InValue(u, doc, v[i], Append(path, PathStep::Index(i)), iterators);
  } else if (v.is_object()) {
    InBody(u, doc, v, path, iterators, "", false);
  }
}

/// `lifecycle` of a resource of `type`.
void Lifecycle(UnitCheck& u, const Doc& doc, const json& v, const JsonPath& at,
               std::vector<std::string>& iterators, const std::string& type) {
  for (const auto& [lk, lv] : v.items()) {
    JsonPath lat = Append(at, PathStep::Key(lk));
    if (lk == "ignore_changes")
      IgnoreChanges(u, doc, lv, lat, type);
    else if (lk == "replace_triggered_by") {
      // Checked, but not an edge of the graph: OpenTofu reads these after planning.
      std::string node = std::exchange(u.current, "");
      Bare(u, doc, lv, lat, /*attribute_allowed=*/true);
      u.current = node;
    }
    else
      InValue(u, doc, lv, lat, iterators);
  }
}

/// A block body: meta-arguments hold bare references, `dynamic` introduces an iterator.
void InBody(UnitCheck& u, const Doc& doc, const json& body, const JsonPath& path,
            std::vector<std::string>& iterators, const std::string& type, bool meta) {
  for (const auto& [k, v] : body.items()) {
    if (k == "//") continue;
    JsonPath at = Append(path, PathStep::Key(k));
    if (meta && k == "depends_on") {
      Bare(u, doc, v, at, /*attribute_allowed=*/false);
    } else if (meta && k == "provider" && v.is_string()) {
      ProviderRef(u, doc, v.get<std::string>(), at);
    } else if (meta && k == "lifecycle" && v.is_object()) {
      Lifecycle(u, doc, v, at, iterators, type);
    } else if (k == "dynamic" && v.is_object()) {
      for (const auto& [label, d] : v.items()) {
        if (!d.is_object()) continue;
        std::string it = d.contains("iterator") && d["iterator"].is_string()
                             ? d["iterator"].get<std::string>()
                             : label;
        iterators.push_back(it);
        InValue(u, doc, d, Append(at, PathStep::Key(label)), iterators);
        iterators.pop_back();
      }
    } else {
      InValue(u, doc, v, at, iterators);
    }
  }
}

}  // namespace

void CheckReferences(UnitCheck& u, const Doc& doc) {
  const json& root = *doc.root;
  std::vector<std::string> iterators;
  for (const char* section : {"resource", "data"}) {
    auto it = root.find(section);
    if (it == root.end()) continue;
    ForEachEntry(*it, {PathStep::Key(section)},
                 [&](const std::string& type, const json& byname, const JsonPath& tpath) {
                   if (!byname.is_object()) return;
                   const bool resource = std::string_view(section) == "resource";
                   for (const auto& [name, body] : byname.items()) {
                     if (!body.is_object()) continue;
                     JsonPath at = Append(tpath, PathStep::Key(name));
                     u.current = (resource ? "" : "data.") + type + "." + name;
                     u.nodes.emplace(u.current, std::make_pair(&doc, at));
                     InBody(u, doc, body, at, iterators, resource ? type : std::string(), true);
                   }
                   u.current.clear();
                 });
  }
  for (const char* section :
       {"output", "module", "locals", "variable", "check", "import", "moved", "removed"}) {
    auto it = root.find(section);
    if (it == root.end()) continue;
    ForEachEntry(*it, {PathStep::Key(section)},
                 [&](const std::string& name, const json& v, const JsonPath& at) {
                   if (std::string_view(section) == "variable" && v.is_object()) {
                     // `type` is a type expression and `default` a literal; only validation
                     // refers.
                     if (auto val = v.find("validation"); val != v.end())
                       InValue(u, doc, *val, Append(at, PathStep::Key("validation")), iterators);
                     return;
                   }
                   if (std::string_view(section) == "locals") {
                     u.current = "local." + name;
                     u.nodes.emplace(u.current, std::make_pair(&doc, at));
                     InValue(u, doc, v, at, iterators);
                     u.current.clear();
                   } else if (v.is_object()) {
                     InBody(u, doc, v, at, iterators, "", true);
                   } else {
                     InValue(u, doc, v, at, iterators);
                   }
                 });
  }
}

void CheckCycles(UnitCheck& u) {
  // Tarjan's strongly connected components; a component of two or more nodes, or a node that
  // refers to itself, is a cycle.
  std::map<std::string, int> index, low;
  std::vector<std::string> stack;
  std::set<std::string> on_stack;
  int next = 0;
  std::vector<std::vector<std::string>> cycles;
  std::function<void(const std::string&)> visit = [&](const std::string& v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack.insert(v);
    if (auto it = u.edges.find(v); it != u.edges.end()) {
      for (const auto& w : it->second) {
        if (!u.nodes.count(w)) continue;  // undeclared: reported as E0710 already
        if (!index.count(w)) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack.count(w)) {
          low[v] = std::min(low[v], index[w]);
        }
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> scc;
    std::string w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack.erase(w);
      scc.push_back(w);
    } while (w != v);
    bool self = scc.size() == 1 && u.edges.count(v) && u.edges[v].count(v);
    if (scc.size() > 1 || self) cycles.push_back(std::move(scc));
  };
  for (const auto& [node, where] : u.nodes)
    if (!index.count(node)) visit(node);
  for (auto& scc : cycles) {
    std::sort(scc.begin(), scc.end());
    const auto& [doc, path] = u.nodes.at(scc.front());
    std::string what = scc.size() == 1
                           ? fmt::format("`{}` refers to itself", scc.front())
                           : fmt::format("`{}` depend on each other", fmt::join(scc, "`, `"));
    Diagnostic d = Error(codes::kCycle, fmt::format("{}: dependency cycle: {}",
                                                    FormatPath(path), what));
    d.Note("OpenTofu cannot order these blocks and refuses to plan the unit");
    Report(u, *doc, std::move(d), KeySpan(*doc, path), "part of the cycle");
  }
}

}  // namespace eurus::check::validate
