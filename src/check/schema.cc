#include "check/schema.h"

#include <algorithm>

namespace eurus::check {

const char* ShapeName(Shape s) {
  switch (s) {
    case Shape::kScalar:
      return "scalar";
    case Shape::kList:
      return "list";
    case Shape::kMap:
      return "map";
    case Shape::kBlock:
      return "block";
    case Shape::kBlockList:
      return "blocklist";
    case Shape::kAny:
      return "any";
  }
  return "scalar";
}

const ArgumentSchema* BlockSchema::Find(std::string_view name) const {
  auto it = arguments.find(name);
  return it == arguments.end() ? nullptr : &it->second;
}

std::vector<std::string> BlockSchema::Names() const {
  std::vector<std::string> out;
  out.reserve(arguments.size());
  for (const auto& [name, _] : arguments) out.push_back(name);
  return out;
}

bool TypeSchema::HasAttribute(std::string_view name) const {
  return std::binary_search(attributes.begin(), attributes.end(), name, std::less<>());
}

namespace {

using nlohmann::json;

bool ParseShape(const std::string& s, Shape* out) {
  for (Shape c :
       {Shape::kScalar, Shape::kList, Shape::kMap, Shape::kBlock, Shape::kBlockList, Shape::kAny}) {
    if (s == ShapeName(c)) {
      *out = c;
      return true;
    }
  }
  return false;
}

bool Flag(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

/// Reads ARGS (see the extractor) at `where` into `out`; false and `err` set on a bad entry.
bool ReadArguments(const json& args, const std::string& where, BlockSchema* out, std::string* err) {
  if (!args.is_object()) {
    *err = where + ": expected an object of arguments";
    return false;
  }
  for (const auto& [name, a] : args.items()) {
    std::string at = where + "." + name;
    if (!a.is_object() || !a.contains("shape") || !a["shape"].is_string()) {
      *err = at + ": expected {\"shape\": ...}";
      return false;
    }
    ArgumentSchema arg;
    if (!ParseShape(a["shape"].get<std::string>(), &arg.shape)) {
      *err = at + ": unknown shape `" + a["shape"].get<std::string>() + "`";
      return false;
    }
    arg.required = Flag(a, "required");
    arg.max_one = Flag(a, "max_one");
    arg.attribute = Flag(a, "attribute");
    if (auto it = a.find("arguments"); it != a.end()) {
      auto nested = std::make_shared<BlockSchema>();
      if (!ReadArguments(*it, at, nested.get(), err)) return false;
      arg.block = std::move(nested);
    } else if (arg.shape == Shape::kBlock || arg.shape == Shape::kBlockList) {
      *err = at + ": a block without arguments";
      return false;
    }
    out->arguments.emplace(name, std::move(arg));
  }
  return true;
}

bool ReadTypes(const json& doc, const char* key,
               std::map<std::string, TypeSchema, std::less<>>* out, std::string* err) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_object()) {
    *err = std::string("no `") + key + "` table";
    return false;
  }
  for (const auto& [type, t] : it->items()) {
    std::string at = std::string(key) + "." + type;
    if (!t.is_object()) {
      *err = at + ": expected an object";
      return false;
    }
    TypeSchema ts;
    if (!ReadArguments(t.value("arguments", json::object()), at + ".arguments", &ts.block, err))
      return false;
    if (auto a = t.find("attributes"); a != t.end()) {
      if (!a->is_array()) {
        *err = at + ".attributes: expected a list";
        return false;
      }
      for (const auto& name : *a)
        if (name.is_string()) ts.attributes.push_back(name.get<std::string>());
    }
    // Arguments are readable too; the extractor lists them, but do not depend on it.
    for (const auto& [name, _] : ts.block.arguments) ts.attributes.push_back(name);
    std::sort(ts.attributes.begin(), ts.attributes.end());
    ts.attributes.erase(std::unique(ts.attributes.begin(), ts.attributes.end()),
                        ts.attributes.end());
    out->emplace(type, std::move(ts));
  }
  return true;
}

}  // namespace

std::optional<Schema> Schema::FromJson(const json& doc, std::string* err) {
  std::string local;
  if (!err) err = &local;
  if (!doc.is_object()) {
    *err = "the schema is not a JSON object";
    return std::nullopt;
  }
  if (doc.value("format", 0) != 1) {
    *err = "unsupported schema format (expected 1); rebuild it with scripts/extract-aws-schema.mjs";
    return std::nullopt;
  }
  Schema s;
  s.package_ = doc.value("package", "");
  s.provider_version_ = doc.value("provider_version", "");
  if (auto p = doc.find("provider"); p != doc.end() && p->is_object()) {
    if (!ReadArguments(p->value("arguments", json::object()), "provider.arguments", &s.provider_,
                       err))
      return std::nullopt;
  }
  if (!ReadTypes(doc, "resources", &s.resources_, err)) return std::nullopt;
  if (!ReadTypes(doc, "data_sources", &s.data_sources_, err)) return std::nullopt;
  return s;
}

std::optional<Schema> Schema::Parse(std::string_view text, std::string* err) {
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    if (err) *err = "the schema file is not valid JSON";
    return std::nullopt;
  }
  return FromJson(doc, err);
}

const TypeSchema* Schema::Resource(std::string_view type) const {
  auto it = resources_.find(type);
  return it == resources_.end() ? nullptr : &it->second;
}

const TypeSchema* Schema::DataSource(std::string_view type) const {
  auto it = data_sources_.find(type);
  return it == data_sources_.end() ? nullptr : &it->second;
}

std::vector<std::string> Schema::ResourceTypes() const {
  std::vector<std::string> out;
  out.reserve(resources_.size());
  for (const auto& [name, _] : resources_) out.push_back(name);
  return out;
}

std::vector<std::string> Schema::DataSourceTypes() const {
  std::vector<std::string> out;
  out.reserve(data_sources_.size());
  for (const auto& [name, _] : data_sources_) out.push_back(name);
  return out;
}

}  // namespace eurus::check
