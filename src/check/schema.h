#pragma once
// The hashicorp/aws provider schema, offline: what scripts/extract-aws-schema.mjs extracts
// from the jsii assembly of @cdktf/provider-aws (format 1, described in that script). For each
// resource and data source type: its arguments (required or not, and how they are written in
// Terraform JSON, recursively into blocks) and the attributes a reference may read.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eurus::check {

/// How an argument is written in Terraform JSON.
enum class Shape {
  kScalar,     ///< one value (string, number, bool); an expression string too
  kList,       ///< an array, or an expression string
  kMap,        ///< an object, or an expression string
  kBlock,      ///< nested block: an object, or an array of objects (see max_one)
  kBlockList,  ///< repeated nested blocks: an object, or an array of objects
  kAny,        ///< not modelled by the assembly (dynamic or recursive types): anything goes
};

/// "scalar", "list", ... as in the schema file.
const char* ShapeName(Shape s);

struct BlockSchema;

struct ArgumentSchema {
  Shape shape = Shape::kScalar;
  /// For a block: at least one must be written.
  bool required = false;
  /// kBlock: at most one block (cdktf models MaxItems 1 blocks as a single struct).
  bool max_one = false;
  /// A struct-shaped nested attribute rather than a block: an expression string may stand for
  /// the whole object or list. Blocks never take expressions (only `dynamic` blocks).
  bool attribute = false;
  /// kBlock and kBlockList, and a kMap whose values are objects: what one object holds.
  /// Null for every other argument.
  std::shared_ptr<const BlockSchema> block;
};

struct BlockSchema {
  /// By Terraform name; sorted, so candidate lists for "did you mean" come out stable.
  std::map<std::string, ArgumentSchema, std::less<>> arguments;

  /// nullptr when the block has no such argument.
  const ArgumentSchema* Find(std::string_view name) const;
  std::vector<std::string> Names() const;
};

struct TypeSchema {
  BlockSchema block;
  /// What `type.name.ATTR` may read: every argument plus the computed attributes. Sorted.
  std::vector<std::string> attributes;

  bool HasAttribute(std::string_view name) const;
};

class Schema {
 public:
  /// nullopt and `err` set when `doc` is not a format-1 extracted schema.
  static std::optional<Schema> FromJson(const nlohmann::json& doc, std::string* err);
  /// Parses the text of a schema file, then FromJson.
  static std::optional<Schema> Parse(std::string_view text, std::string* err);

  /// nullptr when the provider has no such type.
  const TypeSchema* Resource(std::string_view type) const;
  const TypeSchema* DataSource(std::string_view type) const;
  /// The arguments of `provider "aws"` (without the `alias` meta-argument).
  const BlockSchema& Provider() const { return provider_; }

  /// Every type name, sorted: candidates for "did you mean".
  std::vector<std::string> ResourceTypes() const;
  std::vector<std::string> DataSourceTypes() const;
  size_t resource_count() const { return resources_.size(); }
  size_t data_source_count() const { return data_sources_.size(); }

  /// "@cdktf/provider-aws@21.22.1"
  const std::string& package() const { return package_; }
  /// "6.25.0"
  const std::string& provider_version() const { return provider_version_; }

 private:
  std::string package_;
  std::string provider_version_;
  BlockSchema provider_;
  std::map<std::string, TypeSchema, std::less<>> resources_;
  std::map<std::string, TypeSchema, std::less<>> data_sources_;
};

}  // namespace eurus::check
