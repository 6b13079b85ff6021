#pragma once
// Finding a JSON path's bytes in the text of a .tf.json file, so diagnostics about a parsed
// document can point at the offending key (nlohmann::json keeps no positions). The text is
// walked structurally, so this holds for any formatting, not only eurus's pretty-printing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eurus::check {

/// One step into a JSON document: an object key, or an array index.
struct PathStep {
  std::string key;
  size_t index = 0;
  bool is_index = false;

  static PathStep Key(std::string k) { return {std::move(k), 0, false}; }
  static PathStep Index(size_t i) { return {{}, i, true}; }
};
using JsonPath = std::vector<PathStep>;

/// "resource.aws_vpc.main.cidr_block", "resource.aws_lb_listener.web.default_action[1].type".
std::string FormatPath(const JsonPath& path);

/// A half-open byte range in the text.
struct TextRange {
  uint32_t begin = 0;
  uint32_t end = 0;
};

/// Where the last step of `path` is written: for a key, the quoted key; for an index, the
/// first byte of that element. nullopt when the text does not hold the path (or is not JSON).
std::optional<TextRange> LocateKey(std::string_view text, const JsonPath& path);
/// The whole value at `path` (for a string, the literal with its quotes).
std::optional<TextRange> LocateValue(std::string_view text, const JsonPath& path);

/// The byte of the raw string literal starting at `literal` (its opening quote) where byte
/// `decoded` of the decoded string is written: escapes make the two differ.
uint32_t RawOffset(std::string_view text, uint32_t literal, size_t decoded);

}  // namespace eurus::check
