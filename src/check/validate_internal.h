#pragma once
// Private to `eurus validate` (validate.cc, validate_blocks.cc, validate_refs.cc): the unit
// being checked, what it declares, and the reporting helpers its passes share. Not part of the
// API; include check/validate.h instead.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "check/locate.h"
#include "check/schema.h"
#include "check/validate.h"
#include "diag/diagnostic.h"

namespace eurus::check::validate {

/// Keys of a resource or data block that are OpenTofu's, not the provider's.
inline constexpr std::string_view kMetaArguments[] = {
    "connection", "count", "depends_on", "for_each", "lifecycle", "provisioner", "provider"};
/// Keys of a `provider` block that are OpenTofu's.
inline constexpr std::string_view kProviderMeta[] = {"alias", "version"};
inline constexpr std::string_view kNoMeta[] = {"//"};  // a placeholder: "//" is always skipped

/// One parsed .tf.json file of a unit.
struct Doc {
  const nlohmann::json* root = nullptr;
  const SourceMap* sources = nullptr;
  FileId file = kNoFile;
  std::string path;
  bool providers = false;  ///< providers.tf.json: where unit-level provider errors point
};

/// What the unit's documents declare, across all of them: references resolve against it.
struct Declarations {
  std::map<std::string, std::set<std::string>> resources;  ///< type → names
  std::map<std::string, std::set<std::string>> data;       ///< type → names
  std::set<std::string> variables, locals, modules;
  std::set<std::string> provider_aliases;  ///< "aws.replica"
};

/// The one context of a unit's passes: the schema it is checked against, where errors and
/// counts go, and (filled by DeclareUnit before any check reads it) its declarations.
struct UnitCheck {
  const Schema& schema;
  Diagnostics& diags;
  ValidateStats& stats;
  Declarations declared;
  /// The dependency graph CheckReferences builds for CheckCycles: a resource (`TYPE.NAME`),
  /// data source (`data.TYPE.NAME`) or local (`local.NAME`) → what its body refers to.
  std::map<std::string, std::set<std::string>> edges;
  /// Where each node of `edges` is declared, to report a cycle at.
  std::map<std::string, std::pair<const Doc*, JsonPath>> nodes;
  std::string current;  ///< the node whose body CheckReferences is walking, or ""
};

// ---- small helpers (validate.cc) -------------------------------------------------------------

bool In(std::string_view s, std::span<const std::string_view> set);
bool In(const std::string& s, const std::vector<std::string>& v);
/// "a string", "a list", ...: how a JSON value reads in a message.
std::string Describe(const nlohmann::json& v);
/// A string holding a `${...}` or `%{...}` template.
bool IsExpression(const nlohmann::json& v);
JsonPath Append(const JsonPath& p, PathStep s);
std::vector<std::string> Keys(const std::set<std::string>& s);

/// The key at `path` in the document's source; empty without a source map.
Span KeySpan(const Doc& doc, const JsonPath& path);
/// The bytes of `[offset, offset+length)` of the string value at `path`.
Span InString(const Doc& doc, const JsonPath& path, size_t offset, size_t length);
/// Reports `d`, labelled at `span` if it is valid, else with a note naming the document.
void Report(UnitCheck& u, const Doc& doc, Diagnostic d, Span span, std::string label);
void DidYouMean(Diagnostic& d, const std::string& near);

/// Calls fn(key, value, path) for each entry of a section, written either as an object or
/// (Terraform JSON allows it) as a list of objects.
template <class Fn>
void ForEachEntry(const nlohmann::json& v, const JsonPath& path, Fn&& fn) {
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

// ---- the passes, in the order RunUnit calls them ----------------------------------------------

/// validate_blocks.cc: resource and data blocks against the schema.
void CheckBlocks(UnitCheck& u, const Doc& doc);
/// validate_blocks.cc: required_providers, backend and `provider "aws"` blocks of the unit.
void CheckProviders(UnitCheck& u, const std::vector<const Doc*>& docs);
/// validate_refs.cc: every reference of the document resolves against `u.declared`; records
/// the dependency graph in `u.edges`.
void CheckReferences(UnitCheck& u, const Doc& doc);
/// validate_refs.cc: after CheckReferences of every document, blocks that depend on each other
/// (E0717), which OpenTofu refuses to plan.
void CheckCycles(UnitCheck& u);

}  // namespace eurus::check::validate
