// `eurus validate`: resource, data and provider blocks checked against the provider schema —
// known types, known arguments, required ones present, blocks written as blocks and values as
// values, recursively — and the unit's required_providers and backend.

#include <fmt/format.h>

#include "check/codes.h"
#include "check/validate_internal.h"

namespace eurus::check::validate {

namespace {

using nlohmann::json;

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

void Body(UnitCheck& u, const Doc& doc, const BlockSchema& block, const json& body,
          const JsonPath& path, const std::string& owner, std::span<const std::string_view> meta);

/// `"dynamic": {"ingress": {"for_each": ..., "content": {...}}}`: the label must be a block.
void Dynamic(UnitCheck& u, const Doc& doc, const BlockSchema& block, const json& v,
             const JsonPath& path, const std::string& owner, std::set<std::string>* given) {
  if (!v.is_object()) {
    Report(u, doc,
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
      Report(u, doc, std::move(diag), KeySpan(doc, at), "`dynamic` generates blocks only");
      continue;
    }
    given->insert(label);
    if (d.is_object() && d.contains("content") && d["content"].is_object())
      Body(u, doc, *arg->block, d["content"], Append(at, PathStep::Key("content")),
           owner + "." + label, kNoMeta);
  }
}

/// A block-shaped argument (kBlock, kBlockList): one object, or a list of them.
void NestedBlocks(UnitCheck& u, const Doc& doc, const ArgumentSchema& arg,
                  const std::string& name, const json& v, const JsonPath& path,
                  const std::string& owner) {
  auto shape_error = [&](const JsonPath& at, const std::string& expected, const json& found,
                         std::string help = {}) {
    Diagnostic d =
        Error(codes::kArgumentShape, fmt::format("{}: `{}` takes {}, found {}", FormatPath(at),
                                                 name, expected, Describe(found)));
    if (!help.empty()) d.Help(std::move(help));
    Report(u, doc, std::move(d), KeySpan(doc, at), "expected " + expected);
  };
  std::string nested_owner = owner + "." + name;
  if (arg.attribute && IsExpression(v)) return;
  const char* expected = arg.attribute ? "an object" : "a block (an object)";
  if (v.is_object()) {
    Body(u, doc, *arg.block, v, path, nested_owner, kNoMeta);
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
    Report(u, doc,
           Error(codes::kTooManyBlocks,
                 fmt::format("{}: {} allows at most one `{}` block, found {}", FormatPath(path),
                             owner, name, v.size())),
           KeySpan(doc, path), "only one allowed");
  }
  for (size_t i = 0; i < v.size(); ++i) {
    JsonPath at = Append(path, PathStep::Index(i));
    if (v[i].is_object())
      Body(u, doc, *arg.block, v[i], at, nested_owner, kNoMeta);
    else
      shape_error(at, expected, v[i]);
  }
}

/// The value of argument `name` against its shape; nested blocks recursively.
void Value(UnitCheck& u, const Doc& doc, const ArgumentSchema& arg, const std::string& name,
           const json& v, const JsonPath& path, const std::string& owner) {
  auto shape_error = [&](const std::string& expected) {
    Report(u, doc,
           Error(codes::kArgumentShape, fmt::format("{}: `{}` takes {}, found {}",
                                                    FormatPath(path), name, expected, Describe(v))),
           KeySpan(doc, path), "expected " + expected);
  };
  switch (arg.shape) {
    case Shape::kAny:
      return;
    case Shape::kScalar:
      if (v.is_object() || v.is_array()) shape_error("a single value");
      return;
    case Shape::kList:
      if (!v.is_array() && !IsExpression(v)) shape_error("a list");
      return;
    case Shape::kMap:
      if (v.is_object()) {
        if (arg.block)
          for (const auto& [k, x] : v.items())
            if (x.is_object())
              Body(u, doc, *arg.block, x, Append(path, PathStep::Key(k)), owner + "." + name,
                   kNoMeta);
        return;
      }
      if (!IsExpression(v)) shape_error("a map (an object)");
      return;
    case Shape::kBlock:
    case Shape::kBlockList:
      NestedBlocks(u, doc, arg, name, v, path, owner);
      return;
  }
}

/// Checks one block body: its keys against `block`, their shapes, its required arguments.
void Body(UnitCheck& u, const Doc& doc, const BlockSchema& block, const json& body,
          const JsonPath& path, const std::string& owner, std::span<const std::string_view> meta) {
  std::set<std::string> given;
  for (const auto& [k, v] : body.items()) {
    if (k == "//" || In(k, meta)) continue;
    JsonPath at = Append(path, PathStep::Key(k));
    if (k == "dynamic") {
      Dynamic(u, doc, block, v, at, owner, &given);
      continue;
    }
    const ArgumentSchema* arg = block.Find(k);
    if (!arg) {
      std::string near = ClosestMatch(k, block.Names());
      Diagnostic d = Error(codes::kUnknownArgument,
                           fmt::format("{}: {} has no argument `{}`", FormatPath(at), owner, k));
      DidYouMean(d, near);
      Report(u, doc, std::move(d), KeySpan(doc, at),
             near.empty() ? "unknown argument" : fmt::format("did you mean `{}`?", near));
      continue;
    }
    if (v.is_null() || (v.is_array() && v.empty() &&
                        (arg->shape == Shape::kBlock || arg->shape == Shape::kBlockList)))
      continue;  // null and no blocks are the same as leaving it out
    given.insert(k);
    Value(u, doc, *arg, k, v, at, owner);
  }
  for (const auto& [name, arg] : block.arguments) {
    if (!arg.required || name == "id" || given.count(name)) continue;
    bool is_block = arg.shape == Shape::kBlock || arg.shape == Shape::kBlockList;
    Diagnostic d =
        Error(codes::kMissingArgument,
              fmt::format("{}: missing required {} `{}` of {}", FormatPath(path),
                          is_block && !arg.attribute ? "block" : "argument", name, owner));
    Report(u, doc, std::move(d), KeySpan(doc, path), fmt::format("`{}` is required here", name));
  }
}

/// The schema a `resource` or `data` block of `type` is checked against; nullptr for
/// `terraform_data` (built into OpenTofu) and for unknown types, which it reports.
const BlockSchema* SchemaOf(UnitCheck& u, const Doc& doc, bool data, const std::string& type,
                            const JsonPath& tpath) {
  if (data && type == "terraform_remote_state") return &RemoteStateSchema();
  if (const TypeSchema* ts = data ? u.schema.DataSource(type) : u.schema.Resource(type))
    return &ts->block;
  if (!data && type == "terraform_data") return nullptr;  // not in the provider schema
  const char* what = data ? "data source type" : "resource type";
  std::string near =
      ClosestMatch(type, data ? u.schema.DataSourceTypes() : u.schema.ResourceTypes());
  Diagnostic d = Error(codes::kUnknownType,
                       fmt::format("{}: unknown {} `{}`", FormatPath(tpath), what, type));
  DidYouMean(d, near);
  d.Note(fmt::format("checked against {} (hashicorp/aws {})", u.schema.package(),
                     u.schema.provider_version()));
  Report(u, doc, std::move(d), KeySpan(doc, tpath),
         near.empty() ? std::string("the provider has no such type")
                      : fmt::format("did you mean `{}`?", near));
  return nullptr;
}

/// The named blocks of one type (`byname`, at `tpath`): counted, and each body checked.
void NamedBlocks(UnitCheck& u, const Doc& doc, const std::string& section, const std::string& type,
                 const json& byname, const JsonPath& tpath) {
  const bool data = section == "data";
  if (!byname.is_object()) {
    Report(u, doc,
           Error(codes::kTfJson, fmt::format("{}: must be an object of named blocks, found {}",
                                             FormatPath(tpath), Describe(byname))),
           KeySpan(doc, tpath), "expected `{\"NAME\": {...}}`");
    return;
  }
  const BlockSchema* block = SchemaOf(u, doc, data, type, tpath);
  for (const auto& [name, body] : byname.items()) {
    if (data) {
      ++u.stats.data_sources;
    } else {
      ++u.stats.resources;
      u.stats.resource_types.insert(type);
    }
    JsonPath bpath = Append(tpath, PathStep::Key(name));
    if (!body.is_object()) {
      Report(u, doc,
             Error(codes::kArgumentShape, fmt::format("{}: a {} block must be an object, found {}",
                                                      FormatPath(bpath), section, Describe(body))),
             KeySpan(doc, bpath), "expected `{...}`");
      continue;
    }
    if (body.contains("count") && body.contains("for_each")) {
      JsonPath cpath = Append(bpath, PathStep::Key("count"));
      Report(u, doc,
             Error(codes::kCountAndForEach,
                   fmt::format("{}: a {} block takes `count` or `for_each`, not both",
                               FormatPath(bpath), section))
                 .Help("keep one: `for_each` for instances keyed by name, `count` for a number"),
             KeySpan(doc, cpath), "`for_each` is set too");
    }
    if (block) Body(u, doc, *block, body, bpath, type, kMetaArguments);
  }
}

/// The `resource` or `data` section of a document.
void Section(UnitCheck& u, const Doc& doc, const json& table, const std::string& section) {
  JsonPath base = {PathStep::Key(section)};
  if (!table.is_object() && !table.is_array()) {
    Report(u, doc,
           Error(codes::kTfJson, fmt::format("{}: must be an object of types, found {}", section,
                                             Describe(table))),
           KeySpan(doc, base), "expected `{\"TYPE\": {\"NAME\": {...}}}`");
    return;
  }
  ForEachEntry(table, base,
               [&](const std::string& type, const json& byname, const JsonPath& tpath) {
                 NamedBlocks(u, doc, section, type, byname, tpath);
               });
}

/// `terraform.required_providers` and `terraform.backend` of one document: sets `aws` and
/// `backend` when found; reports an aws provider from another source.
void TerraformBlock(UnitCheck& u, const Doc& d, bool* aws, bool* backend) {
  const json& root = *d.root;
  auto it = root.find("terraform");
  if (it == root.end()) return;
  auto required = [&](const std::string& name, const json& req, const JsonPath& rpath) {
    if (name != "aws") return;
    *aws = true;
    if (!req.is_object() || !req.contains("source") || !req["source"].is_string()) return;
    std::string src = req["source"].get<std::string>();
    if (src == "hashicorp/aws" || src.ends_with("/hashicorp/aws")) return;
    Report(u, d,
           Error(codes::kProviders,
                 fmt::format("{}.source: `{}` is not hashicorp/aws, the provider the schema "
                             "describes",
                             FormatPath(rpath), src)),
           KeySpan(d, Append(rpath, PathStep::Key("source"))), "expected `hashicorp/aws`");
  };
  ForEachEntry(*it, {PathStep::Key("terraform")},
               [&](const std::string& k, const json& v, const JsonPath& at) {
                 if (k == "backend" && v.is_object() && !v.empty()) *backend = true;
                 if (k == "required_providers") ForEachEntry(v, at, required);
               });
}

/// The `provider "aws"` blocks of one document against the provider's schema.
void ProviderBlocks(UnitCheck& u, const Doc& d) {
  const json& root = *d.root;
  auto it = root.find("provider");
  if (it == root.end()) return;
  ForEachEntry(*it, {PathStep::Key("provider")},
               [&](const std::string& name, const json& v, const JsonPath& at) {
                 if (name != "aws" || u.schema.Provider().arguments.empty()) return;
                 if (v.is_object()) {
                   Body(u, d, u.schema.Provider(), v, at, "provider aws", kProviderMeta);
                 } else if (v.is_array()) {
                   for (size_t i = 0; i < v.size(); ++i)
                     if (v[i].is_object())
                       Body(u, d, u.schema.Provider(), v[i], Append(at, PathStep::Index(i)),
                            "provider aws", kProviderMeta);
                 }
               });
}

}  // namespace

void CheckBlocks(UnitCheck& u, const Doc& doc) {
  const json& root = *doc.root;
  if (auto it = root.find("resource"); it != root.end()) Section(u, doc, *it, "resource");
  if (auto it = root.find("data"); it != root.end()) Section(u, doc, *it, "data");
}

void CheckProviders(UnitCheck& u, const std::vector<const Doc*>& docs) {
  const Doc* home = nullptr;  // providers.tf.json: where unit-level provider errors point
  for (const Doc* d : docs)
    if (d->providers) home = d;
  bool aws = false, backend = false;
  for (const Doc* d : docs) {
    TerraformBlock(u, *d, &aws, &backend);
    ProviderBlocks(u, *d);
  }
  if (!home) return;  // no usable providers.tf.json: reported where it was read
  Span where = KeySpan(*home, {PathStep::Key("terraform")});
  if (!aws)
    Report(u, *home,
           Error(codes::kProviders,
                 "terraform.required_providers: the unit does not require the `aws` provider")
               .Help("add `\"aws\": {\"source\": \"hashicorp/aws\", \"version\": \"= 6.25.0\"}`"),
           where, "no `required_providers.aws`");
  if (!backend)
    Report(u, *home,
           Error(codes::kProviders, "terraform.backend: the unit declares no backend")
               .Help("every unit keeps its state in its account's S3 bucket (`backend.s3`)"),
           where, "no `backend`");
}

}  // namespace eurus::check::validate
