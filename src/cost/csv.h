#pragma once
// CSV output shared by `eurus cost` and `eurus cost report`.

#include <string>

namespace eurus::cost {

/// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a
/// newline; as is otherwise.
inline std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace eurus::cost
