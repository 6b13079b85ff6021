#pragma once
// A YAML document as a tree that keeps the source span of every key and value. yaml-cpp
// parses; this tree is what the rest of eurus reads, so that overrides can be deep-merged
// while each value keeps pointing at the file and line it came from.

#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"

namespace eurus::config {

struct Entry;

struct Node {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;       ///< the scalar's text as yaml-cpp resolved it (kScalar only)
  bool quoted = false;      ///< written in quotes: "8080" is a string, 8080 is a number
  Span span;                ///< the value as written (a collection: its first character)
  std::vector<Node> items;  ///< kSequence
  std::vector<Entry> entries;  ///< kMap, in file order; keys are unique (duplicates reported)

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
  /// The entry's value for `key`, or nullptr.
  const Node* Find(std::string_view key) const;
  /// "a mapping", "a list", "a string", "null": for "expected X, found Y" messages.
  std::string Describe() const;
};

struct Entry {
  std::string key;
  Span key_span;
  Node value;
};

/// Parses `text` (already registered as `file`). YAML syntax errors and duplicate keys are
/// reported to `diags`; the returned tree holds whatever could be read (null on a syntax error).
Node ParseYaml(const SourceMap& sources, FileId file, Diagnostics& diags);

/// Deep merge: maps merge key by key (recursively); any other value in `over` replaces the
/// value in `base`, keeping the span of `over` so diagnostics point at the override.
Node DeepMerge(const Node& base, const Node& over);

}  // namespace eurus::config
