#include "check/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <vector>

#include "check/codes.h"
#include "check/expr.h"
#include "check/locate.h"

namespace eurus::check {

namespace {

using nlohmann::json;

/// Keys of a resource or data block that are OpenTofu's, not the provider's.
constexpr std::string_view kMetaArguments[] = {
    "connection", "count", "depends_on", "for_each", "lifecycle", "provisioner", "provider"};
/// Keys of a `provider` block that are OpenTofu's.
constexpr std::string_view kProviderMeta[] = {"alias", "version"};
constexpr std::string_view kNoMeta[] = {"//"};  // a placeholder: "//" is always skipped
/// What a .tf.json file may hold at its top level.
const std::vector<std::string> kTopLevel = {
    "//",     "check",    "data",    "import",   "locals",    "module",  "moved",
    "output", "provider", "removed", "resource", "terraform", "variable"};
/// What `data.terraform_remote_state.NAME.ATTR` may read.
const std::vector<std::string> kRemoteStateAttributes = {"backend", "config", "defaults", "outputs",
                                                         "workspace"};
/// Traversal roots that name no declaration of the unit.
constexpr std::string_view kContextRoots[] = {"count", "each", "path", "self", "terraform"};

template <size_t N>
bool In(std::string_view s, const std::string_view (&set)[N]) {
  return std::find(std::begin(set), std::end(set), s) != std::end(set);
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

/// The schema of `terraform_remote_state`, a data source built into OpenTofu.
const BlockSchema& RemoteStateSchema() {
  static const BlockSchema schema = [] {
    BlockSchema b;
    b.arguments["backend"] = {Shape::kScalar, true, false, false, nullptr};
    b.arguments["config"] = {Shape::kAny, false, false, false, nullptr};
    b.arguments["defaults"] = {Shape::kAny, false, false, false, nullptr};
    b.arguments["workspace"] = {Shape::kScalar, false, false, false, nullptr};
    return b;
  }();
  return schema;
}

/// One parsed .tf.json file of a unit.
struct Doc {
  const json* root = nullptr;
  const SourceMap* sources = nullptr;
  FileId file = kNoFile;
  std::string path;
  bool providers = false;  ///< providers.tf.json: where unit-level provider errors point
};

/// Calls fn(key, value, path) for each entry of a section, written either as an object or
/// (Terraform JSON allows it) as a list of objects.
template <class Fn>
void ForEachEntry(const json& v, const JsonPath& path, Fn&& fn) {
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) fn(k, x, Append(path, PathStep::Key(k)));
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_object()) continue;
      JsonPath at = Append(path, PathStep::Index(i));
      for (const auto& [k, x] : v[i].items()) fn(k, x, Append(at, PathStep::Key(k)));
    }
  }
}

class UnitValidator {
 public:
  UnitValidator(const Schema& schema, Diagnostics& diags, ValidateStats& stats)
      : schema_(schema), diags_(diags), stats_(stats) {}

  void Run(const std::vector<Doc>& docs) {
    std::vector<const Doc*> good;
    for (const auto& d : docs)
      if (TopLevel(d)) good.push_back(&d);
    for (const Doc* d : good) Declare(*d);
    for (const Doc* d : good) CheckBlocks(*d);
    Providers(good);
    for (const Doc* d : good) References(*d);
  }

 private:
  // ---- locations and reporting -------------------------------------------------------------

  Span KeySpan(const Doc& doc, const JsonPath& path) const {
    if (!doc.sources || doc.file == kNoFile) return {};
    auto r = LocateKey(doc.sources->text(doc.file), path);
    if (!r) return {doc.file, 0, 0};
    return {doc.file, r->begin, r->end};
  }

  /// The bytes of `[offset, offset+length)` of the string value at `path`.
  Span InString(const Doc& doc, const JsonPath& path, size_t offset, size_t length) const {
    if (!doc.sources || doc.file == kNoFile) return {};
    std::string_view text = doc.sources->text(doc.file);
    auto r = LocateValue(text, path);
    if (!r || text[r->begin] != '"') return KeySpan(doc, path);
    return {doc.file, RawOffset(text, r->begin, offset),
            RawOffset(text, r->begin, offset + length)};
  }

  void Report(const Doc& doc, Diagnostic d, Span span, std::string label) {
    if (span.valid())
      d.Label(span, std::move(label));
    else
      d.Note("in " + doc.path);
    diags_.Report(std::move(d));
  }

  void DidYouMean(Diagnostic& d, const std::string& near) {
    if (!near.empty()) d.Help(fmt::format("did you mean `{}`?", near));
  }

  // ---- top level and declarations ----------------------------------------------------------

  bool TopLevel(const Doc& doc) {
    if (!doc.root->is_object()) {
      Report(doc,
             Error(codes::kTfJson, fmt::format("{} must hold a JSON object, found {}", doc.path,
                                               Describe(*doc.root))),
             doc.sources && doc.file != kNoFile ? Span{doc.file, 0, 0} : Span{}, "expected `{`");
      return false;
    }
    for (const auto& [k, v] : doc.root->items()) {
      if (In(k, kTopLevel)) continue;
      std::string near = ClosestMatch(k, kTopLevel);
      Diagnostic d = Error(codes::kTfJson, fmt::format("{}: unknown top-level key `{}`", k, k));
      DidYouMean(d, near);
      Report(doc, std::move(d), KeySpan(doc, {PathStep::Key(k)}), "not a Terraform JSON section");
    }
    return true;
  }

  void Declare(const Doc& doc) {
    const json& root = *doc.root;
    for (const char* section : {"resource", "data"}) {
      auto it = root.find(section);
      if (it == root.end()) continue;
      auto& table = std::string_view(section) == "resource" ? resources_ : data_;
      ForEachEntry(*it, {PathStep::Key(section)},
                   [&](const std::string& type, const json& byname, const JsonPath&) {
                     ForEachEntry(byname, {},
                                  [&](const std::string& name, const json&, const JsonPath&) {
                                    table[type].insert(name);
                                  });
                   });
    }
    if (auto it = root.find("variable"); it != root.end())
      ForEachEntry(*it, {}, [&](const std::string& n, const json&, const JsonPath&) {
        variables_.insert(n);
      });
    if (auto it = root.find("locals"); it != root.end())
      ForEachEntry(*it, {},
                   [&](const std::string& n, const json&, const JsonPath&) { locals_.insert(n); });
    if (auto it = root.find("module"); it != root.end())
      ForEachEntry(*it, {},
                   [&](const std::string& n, const json&, const JsonPath&) { modules_.insert(n); });
    if (auto it = root.find("provider"); it != root.end()) {
      ForEachEntry(*it, {}, [&](const std::string& name, const json& configs, const JsonPath&) {
        auto one = [&](const json& c) {
          if (c.is_object() && c.contains("alias") && c["alias"].is_string())
            provider_aliases_.insert(name + "." + c["alias"].get<std::string>());
        };
        if (configs.is_array())
          for (const auto& c : configs) one(c);
        else
          one(configs);
      });
    }
  }

  // ---- blocks against the schema -----------------------------------------------------------

  void CheckBlocks(const Doc& doc) {
    const json& root = *doc.root;
    if (auto it = root.find("resource"); it != root.end()) Section(doc, *it, "resource");
    if (auto it = root.find("data"); it != root.end()) Section(doc, *it, "data");
  }

  void Section(const Doc& doc, const json& table, const std::string& section) {
    const bool data = section == "data";
    JsonPath base = {PathStep::Key(section)};
    if (!table.is_object() && !table.is_array()) {
      Report(doc,
             Error(codes::kTfJson, fmt::format("{}: must be an object of types, found {}", section,
                                               Describe(table))),
             KeySpan(doc, base), "expected `{\"TYPE\": {\"NAME\": {...}}}`");
      return;
    }
    ForEachEntry(
        table, base, [&](const std::string& type, const json& byname, const JsonPath& tpath) {
          if (!byname.is_object()) {
            Report(
                doc,
                Error(codes::kTfJson, fmt::format("{}: must be an object of named blocks, found {}",
                                                  FormatPath(tpath), Describe(byname))),
                KeySpan(doc, tpath), "expected `{\"NAME\": {...}}`");
            return;
          }
          const BlockSchema* block = nullptr;
          std::string owner = type;
          if (data && type == "terraform_remote_state") {
            block = &RemoteStateSchema();
          } else if (const TypeSchema* ts =
                         data ? schema_.DataSource(type) : schema_.Resource(type)) {
            block = &ts->block;
          } else if (!data && type == "terraform_data") {
            block = nullptr;  // built into OpenTofu; not in the provider schema
          } else {
            const char* what = data ? "data source type" : "resource type";
            std::string near =
                ClosestMatch(type, data ? schema_.DataSourceTypes() : schema_.ResourceTypes());
            Diagnostic d = Error(codes::kUnknownType,
                                 fmt::format("{}: unknown {} `{}`", FormatPath(tpath), what, type));
            DidYouMean(d, near);
            d.Note(fmt::format("checked against {} (hashicorp/aws {})", schema_.package(),
                               schema_.provider_version()));
            Report(doc, std::move(d), KeySpan(doc, tpath),
                   near.empty() ? std::string("the provider has no such type")
                                : fmt::format("did you mean `{}`?", near));
          }
          for (const auto& [name, body] : byname.items()) {
            if (data) {
              ++stats_.data_sources;
            } else {
              ++stats_.resources;
              stats_.resource_types.insert(type);
            }
            JsonPath bpath = Append(tpath, PathStep::Key(name));
            if (!body.is_object()) {
              Report(doc,
                     Error(codes::kArgumentShape,
                           fmt::format("{}: a {} block must be an object, found {}",
                                       FormatPath(bpath), section, Describe(body))),
                     KeySpan(doc, bpath), "expected `{...}`");
              continue;
            }
            if (block) Body(doc, *block, body, bpath, owner, kMetaArguments);
          }
        });
  }

  /// Checks one block body: its keys against `block`, their shapes, its required arguments.
  template <size_t N>
  void Body(const Doc& doc, const BlockSchema& block, const json& body, const JsonPath& path,
            const std::string& owner, const std::string_view (&meta)[N]) {
    std::set<std::string> given;
    for (const auto& [k, v] : body.items()) {
      if (k == "//" || In(k, meta)) continue;
      JsonPath at = Append(path, PathStep::Key(k));
      if (k == "dynamic") {
        Dynamic(doc, block, v, at, owner, &given);
        continue;
      }
      const ArgumentSchema* arg = block.Find(k);
      if (!arg) {
        std::string near = ClosestMatch(k, block.Names());
        Diagnostic d = Error(codes::kUnknownArgument,
                             fmt::format("{}: {} has no argument `{}`", FormatPath(at), owner, k));
        DidYouMean(d, near);
        Report(doc, std::move(d), KeySpan(doc, at),
               near.empty() ? "unknown argument" : fmt::format("did you mean `{}`?", near));
        continue;
      }
      if (v.is_null() || (v.is_array() && v.empty() &&
                          (arg->shape == Shape::kBlock || arg->shape == Shape::kBlockList)))
        continue;  // null and no blocks are the same as leaving it out
      given.insert(k);
      Value(doc, *arg, k, v, at, owner);
    }
    for (const auto& [name, arg] : block.arguments) {
      if (!arg.required || name == "id" || given.count(name)) continue;
      bool is_block = arg.shape == Shape::kBlock || arg.shape == Shape::kBlockList;
      Diagnostic d =
          Error(codes::kMissingArgument,
                fmt::format("{}: missing required {} `{}` of {}", FormatPath(path),
                            is_block && !arg.attribute ? "block" : "argument", name, owner));
      Report(doc, std::move(d), KeySpan(doc, path), fmt::format("`{}` is required here", name));
    }
  }

  void Value(const Doc& doc, const ArgumentSchema& arg, const std::string& name, const json& v,
             const JsonPath& path, const std::string& owner) {
    auto shape_error = [&](const JsonPath& at, const std::string& expected, const json& found,
                           std::string help = {}) {
      Diagnostic d =
          Error(codes::kArgumentShape, fmt::format("{}: `{}` takes {}, found {}", FormatPath(at),
                                                   name, expected, Describe(found)));
      if (!help.empty()) d.Help(std::move(help));
      Report(doc, std::move(d), KeySpan(doc, at), "expected " + expected);
    };
    std::string nested_owner = owner + "." + name;
    switch (arg.shape) {
      case Shape::kAny:
        return;
      case Shape::kScalar:
        if (v.is_object() || v.is_array()) shape_error(path, "a single value", v);
        return;
      case Shape::kList:
        if (!v.is_array() && !IsExpression(v)) shape_error(path, "a list", v);
        return;
      case Shape::kMap:
        if (v.is_object()) {
          if (arg.block)
            for (const auto& [k, x] : v.items())
              if (x.is_object())
                Body(doc, *arg.block, x, Append(path, PathStep::Key(k)), nested_owner, kNoMeta);
          return;
        }
        if (!IsExpression(v)) shape_error(path, "a map (an object)", v);
        return;
      case Shape::kBlock:
      case Shape::kBlockList:
        break;
    }
    if (arg.attribute && IsExpression(v)) return;
    const char* expected = arg.attribute ? "an object" : "a block (an object)";
    if (v.is_object()) {
      Body(doc, *arg.block, v, path, nested_owner, kNoMeta);
      return;
    }
    if (!v.is_array()) {
      shape_error(
          path, arg.max_one ? expected : "blocks (an object or a list of objects)", v,
          IsExpression(v) && !arg.attribute
              ? fmt::format(
                    "a block cannot be an expression; generate it with a `dynamic \"{}\"` block",
                    name)
              : std::string());
      return;
    }
    if (arg.max_one && v.size() > 1) {
      Report(
          doc,
          Error(codes::kTooManyBlocks, fmt::format("{}: {} allows at most one `{}` block, found {}",
                                                   FormatPath(path), owner, name, v.size())),
          KeySpan(doc, path), "only one allowed");
    }
    for (size_t i = 0; i < v.size(); ++i) {
      JsonPath at = Append(path, PathStep::Index(i));
      if (v[i].is_object())
        Body(doc, *arg.block, v[i], at, nested_owner, kNoMeta);
      else
        shape_error(at, expected, v[i]);
    }
  }

  /// `"dynamic": {"ingress": {"for_each": ..., "content": {...}}}`: the label must be a block.
  void Dynamic(const Doc& doc, const BlockSchema& block, const json& v, const JsonPath& path,
               const std::string& owner, std::set<std::string>* given) {
    if (!v.is_object()) {
      Report(doc,
             Error(codes::kArgumentShape,
                   fmt::format("{}: `dynamic` takes an object of block names, found {}",
                               FormatPath(path), Describe(v))),
             KeySpan(doc, path), "expected `{\"BLOCK\": {\"for_each\": ..., \"content\": {...}}}`");
      return;
    }
    for (const auto& [label, d] : v.items()) {
      JsonPath at = Append(path, PathStep::Key(label));
      const ArgumentSchema* arg = block.Find(label);
      if (!arg || !arg->block || arg->shape == Shape::kMap) {
        std::string near = ClosestMatch(label, block.Names());
        Diagnostic diag =
            Error(arg ? codes::kArgumentShape : codes::kUnknownArgument,
                  fmt::format("{}: {} has no block `{}`", FormatPath(at), owner, label));
        DidYouMean(diag, near);
        Report(doc, std::move(diag), KeySpan(doc, at), "`dynamic` generates blocks only");
        continue;
      }
      given->insert(label);
      if (d.is_object() && d.contains("content") && d["content"].is_object())
        Body(doc, *arg->block, d["content"], Append(at, PathStep::Key("content")),
             owner + "." + label, kNoMeta);
    }
  }

  // ---- providers ---------------------------------------------------------------------------

  void Providers(const std::vector<const Doc*>& good) {
    const Doc* home = nullptr;  // providers.tf.json: where unit-level provider errors point
    for (const Doc* d : good)
      if (d->providers) home = d;
    bool aws = false, backend = false;
    for (const Doc* d : good) {
      const json& root = *d->root;
      if (auto it = root.find("terraform"); it != root.end()) {
        ForEachEntry(
            *it, {PathStep::Key("terraform")},
            [&](const std::string& k, const json& v, const JsonPath& at) {
              if (k == "backend" && v.is_object() && !v.empty()) backend = true;
              if (k == "required_providers") {
                ForEachEntry(
                    v, at, [&](const std::string& name, const json& req, const JsonPath& rpath) {
                      if (name != "aws") return;
                      aws = true;
                      if (req.is_object() && req.contains("source") && req["source"].is_string()) {
                        std::string src = req["source"].get<std::string>();
                        if (src != "hashicorp/aws" && !src.ends_with("/hashicorp/aws"))
                          Report(*d,
                                 Error(codes::kProviders,
                                       fmt::format(
                                           "{}.source: `{}` is not hashicorp/aws, the provider "
                                           "the schema describes",
                                           FormatPath(rpath), src)),
                                 KeySpan(*d, Append(rpath, PathStep::Key("source"))),
                                 "expected `hashicorp/aws`");
                      }
                    });
              }
            });
      }
      if (auto it = root.find("provider"); it != root.end()) {
        ForEachEntry(*it, {PathStep::Key("provider")},
                     [&](const std::string& name, const json& v, const JsonPath& at) {
                       if (name != "aws" || schema_.Provider().arguments.empty()) return;
                       if (v.is_object()) {
                         Body(*d, schema_.Provider(), v, at, "provider aws", kProviderMeta);
                       } else if (v.is_array()) {
                         for (size_t i = 0; i < v.size(); ++i)
                           if (v[i].is_object())
                             Body(*d, schema_.Provider(), v[i], Append(at, PathStep::Index(i)),
                                  "provider aws", kProviderMeta);
                       }
                     });
      }
    }
    if (!home) return;  // no usable providers.tf.json: reported where it was read
    Span where = KeySpan(*home, {PathStep::Key("terraform")});
    if (!aws)
      Report(*home,
             Error(codes::kProviders,
                   "terraform.required_providers: the unit does not require the `aws` provider")
                 .Help("add `\"aws\": {\"source\": \"hashicorp/aws\", \"version\": \"~> 6.25\"}`"),
             where, "no `required_providers.aws`");
    if (!backend)
      Report(*home,
             Error(codes::kProviders, "terraform.backend: the unit declares no backend")
                 .Help("every unit keeps its state in its account's S3 bucket (`backend.s3`)"),
             where, "no `backend`");
  }

  // ---- references --------------------------------------------------------------------------

  void References(const Doc& doc) {
    const json& root = *doc.root;
    std::vector<std::string> iterators;
    for (const char* section : {"resource", "data"}) {
      auto it = root.find(section);
      if (it == root.end()) continue;
      ForEachEntry(*it, {PathStep::Key(section)},
                   [&](const std::string& type, const json& byname, const JsonPath& tpath) {
                     if (!byname.is_object()) return;
                     for (const auto& [name, body] : byname.items())
                       if (body.is_object())
                         InBody(doc, body, Append(tpath, PathStep::Key(name)), iterators,
                                std::string_view(section) == "resource" ? type : std::string(),
                                true);
                   });
    }
    for (const char* section :
         {"output", "module", "locals", "variable", "check", "import", "moved", "removed"}) {
      auto it = root.find(section);
      if (it == root.end()) continue;
      ForEachEntry(*it, {PathStep::Key(section)},
                   [&](const std::string&, const json& v, const JsonPath& at) {
                     if (std::string_view(section) == "variable" && v.is_object()) {
                       // `type` is a type expression and `default` a literal; only validation
                       // refers.
                       if (auto val = v.find("validation"); val != v.end())
                         InValue(doc, *val, Append(at, PathStep::Key("validation")), iterators);
                       return;
                     }
                     if (v.is_object() && std::string_view(section) != "locals")
                       InBody(doc, v, at, iterators, "", true);
                     else
                       InValue(doc, v, at, iterators);
                   });
    }
  }

  /// A block body: meta-arguments hold bare references, `dynamic` introduces an iterator.
  void InBody(const Doc& doc, const json& body, const JsonPath& path,
              std::vector<std::string>& iterators, const std::string& type, bool meta) {
    for (const auto& [k, v] : body.items()) {
      if (k == "//") continue;
      JsonPath at = Append(path, PathStep::Key(k));
      if (meta && k == "depends_on") {
        Bare(doc, v, at, /*attribute_allowed=*/false);
      } else if (meta && k == "provider" && v.is_string()) {
        ProviderRef(doc, v.get<std::string>(), at);
      } else if (meta && k == "lifecycle" && v.is_object()) {
        for (const auto& [lk, lv] : v.items()) {
          JsonPath lat = Append(at, PathStep::Key(lk));
          if (lk == "ignore_changes")
            IgnoreChanges(doc, lv, lat, type);
          else if (lk == "replace_triggered_by")
            Bare(doc, lv, lat, /*attribute_allowed=*/true);
          else
            InValue(doc, lv, lat, iterators);
        }
      } else if (k == "dynamic" && v.is_object()) {
        for (const auto& [label, d] : v.items()) {
          if (!d.is_object()) continue;
          std::string it = d.contains("iterator") && d["iterator"].is_string()
                               ? d["iterator"].get<std::string>()
                               : label;
          iterators.push_back(it);
          InValue(doc, d, Append(at, PathStep::Key(label)), iterators);
          iterators.pop_back();
        }
      } else {
        InValue(doc, v, at, iterators);
      }
    }
  }

  void InValue(const Doc& doc, const json& v, const JsonPath& path,
               std::vector<std::string>& iterators) {
    if (v.is_string()) {
      Template(doc, v.get_ref<const std::string&>(), path, iterators);
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i)
        InValue(doc, v[i], Append(path, PathStep::Index(i)), iterators);
    } else if (v.is_object()) {
      InBody(doc, v, path, iterators, "", false);
    }
  }

  void Template(const Doc& doc, const std::string& s, const JsonPath& path,
                const std::vector<std::string>& iterators) {
    if (s.find("${") == std::string::npos && s.find("%{") == std::string::npos) return;
    TemplateScan scan = ScanTemplate(s);
    if (!scan.ok) {
      Report(doc,
             Error(codes::kBadInterpolation,
                   fmt::format("{}: unterminated `{}` in `{}`", FormatPath(path),
                               s.substr(scan.error_offset, 2), s)),
             InString(doc, path, scan.error_offset, 2), "opened here, never closed");
      return;
    }
    for (const auto& t : scan.traversals) {
      const std::string& root = t.parts.front();
      if (In(root, iterators) || In(root, scan.iterators)) continue;
      Resolve(doc, t, path, s.substr(t.offset, t.length));
    }
  }

  /// depends_on / replace_triggered_by entries: bare traversals written as strings.
  void Bare(const Doc& doc, const json& v, const JsonPath& path, bool attribute_allowed) {
    if (!v.is_array()) {
      Report(doc,
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
        Template(doc, s, at, {});
        continue;
      }
      auto t = ParseTraversal(s);
      if (!t) {
        Report(doc,
               Error(codes::kBadInterpolation,
                     fmt::format("{}: `{}` is not a reference", FormatPath(at), s)),
               InString(doc, at, 0, s.size()),
               "expected `TYPE.NAME`, `data.TYPE.NAME`, `module.NAME`");
        continue;
      }
      if (!attribute_allowed) {
        size_t depth = t->parts[0] == "data" ? 3 : 2;
        if (t->parts.size() > depth) {
          Report(doc,
                 Error(codes::kBadInterpolation,
                       fmt::format("{}: depends_on names whole blocks, not attributes: `{}`",
                                   FormatPath(at), s)),
                 InString(doc, at, 0, s.size()), "drop the attribute");
        }
      }
      Resolve(doc, *t, at, s);
    }
  }

  void ProviderRef(const Doc& doc, const std::string& s, const JsonPath& path) {
    ++stats_.references;
    size_t dot = s.find('.');
    std::string name = s.substr(0, dot);
    if (name != "aws") {
      Report(doc,
             Error(codes::kUndeclared,
                   fmt::format("{}: provider `{}` is not declared in required_providers",
                               FormatPath(path), name)),
             InString(doc, path, 0, s.size()), "only `aws` is required");
      return;
    }
    if (dot == std::string::npos || provider_aliases_.count(s)) return;
    Diagnostic d = Error(codes::kUndeclared,
                         fmt::format("{}: reference to undeclared provider configuration `{}`",
                                     FormatPath(path), s));
    DidYouMean(d, ClosestMatch(s, Keys(provider_aliases_)));
    Report(doc, std::move(d), InString(doc, path, 0, s.size()),
           "no `provider \"aws\"` block has this alias");
  }

  void IgnoreChanges(const Doc& doc, const json& v, const JsonPath& path, const std::string& type) {
    if (v.is_string()) return;  // "all"
    const TypeSchema* ts = schema_.Resource(type);
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
      Report(doc, std::move(d), InString(doc, at, 0, attr.size()), "no such attribute");
    }
  }

  /// Checks that traversal `t` (written as `text` in the string at `path`) names a declaration
  /// of the unit, and an attribute its type has.
  void Resolve(const Doc& doc, const Traversal& t, const JsonPath& path, const std::string& text) {
    const auto& p = t.parts;
    const std::string& root = p[0];
    if (In(root, kContextRoots)) return;
    ++stats_.references;
    Span span = InString(doc, path, t.offset, t.length);
    auto undeclared = [&](const std::string& what, const std::string& address,
                          const std::vector<std::string>& known) {
      Diagnostic d = Error(codes::kUndeclared, fmt::format("{}: reference to undeclared {} `{}`",
                                                           FormatPath(path), what, address));
      std::string near = ClosestMatch(address, known);
      DidYouMean(d, near);
      Report(doc, std::move(d), span, fmt::format("the unit declares no {} `{}`", what, address));
    };
    auto unknown_attr = [&](const std::string& owner, const std::string& attr,
                            const std::vector<std::string>& known) {
      Diagnostic d =
          Error(codes::kUnknownAttribute, fmt::format("{}: {} has no attribute `{}` (in `{}`)",
                                                      FormatPath(path), owner, attr, text));
      DidYouMean(d, ClosestMatch(attr, known));
      Report(doc, std::move(d), span, fmt::format("no attribute `{}`", attr));
    };
    if (root == "var" || root == "local" || root == "module") {
      const auto& set = root == "var" ? variables_ : root == "local" ? locals_ : modules_;
      if (set.count(p[1])) return;
      std::vector<std::string> known;
      for (const auto& n : set) known.push_back(root + "." + n);
      undeclared(root == "var"     ? "variable"
                 : root == "local" ? "local value"
                                   : "module",
                 root + "." + p[1], known);
      return;
    }
    if (root == "data") {
      if (p.size() < 3) {
        Report(
            doc,
            Error(codes::kBadInterpolation, fmt::format("{}: `{}` names no data source: expected "
                                                        "`data.TYPE.NAME`",
                                                        FormatPath(path), text)),
            span, "incomplete reference");
        return;
      }
      const std::string& type = p[1];
      const std::string& name = p[2];
      auto it = data_.find(type);
      if (it == data_.end() || !it->second.count(name)) {
        std::vector<std::string> known;
        for (const auto& [ty, names] : data_)
          for (const auto& n : names) known.push_back("data." + ty + "." + n);
        undeclared(type == "terraform_remote_state" ? "remote state" : "data source",
                   "data." + type + "." + name, known);
        return;
      }
      if (p.size() < 4) return;
      if (type == "terraform_remote_state") {
        // Any output of the upstream unit is accepted: synth already checked it exists.
        if (!In(p[3], kRemoteStateAttributes))
          unknown_attr("terraform_remote_state", p[3], kRemoteStateAttributes);
        return;
      }
      if (const TypeSchema* ts = schema_.DataSource(type); ts && !ts->HasAttribute(p[3]))
        unknown_attr("data source " + type, p[3], ts->attributes);
      return;
    }
    const std::string& name = p[1];
    auto it = resources_.find(root);
    if (it == resources_.end() || !it->second.count(name)) {
      std::vector<std::string> known;
      for (const auto& [ty, names] : resources_)
        for (const auto& n : names) known.push_back(ty + "." + n);
      undeclared("resource", root + "." + name, known);
      return;
    }
    if (p.size() < 3) return;
    if (const TypeSchema* ts = schema_.Resource(root); ts && !ts->HasAttribute(p[2]))
      unknown_attr(root, p[2], ts->attributes);
  }

  const Schema& schema_;
  Diagnostics& diags_;
  ValidateStats& stats_;
  std::map<std::string, std::set<std::string>> resources_;
  std::map<std::string, std::set<std::string>> data_;
  std::set<std::string> variables_, locals_, modules_;
  std::set<std::string> provider_aliases_;  ///< "aws.replica"
};

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
  UnitValidator(schema, diags, st).Run(docs);
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
    if (!docs.empty()) UnitValidator(schema, diags, stats).Run(docs);
    CheckTerragrunt(fs, unit, normalized, sources, diags);
    ++stats.units;
  }
  return stats;
}

}  // namespace eurus::check
