#include "tf/json_writer.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace eurus::tf {

namespace {

/// True when one of the 8 bytes of `x` is below 0x20, `"` or `\`: the bytes AppendString
/// escapes (the classic SWAR tests: exact as to whether any byte matches, which is all
/// that is asked). Rendering is mostly copying strings that need no escape.
inline bool AnyToEscape(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const uint64_t quote = x ^ (kOnes * '"'), backslash = x ^ (kOnes * '\\');
  const uint64_t control = (x - kOnes * 0x20) & ~x & kHigh;
  return (control | ((quote - kOnes) & ~quote & kHigh) | ((backslash - kOnes) & ~backslash & kHigh)) != 0;
}

/// A JSON string literal of `s` as nlohmann escapes it with ensure_ascii off: `"`, `\`, the
/// named control characters, other control characters as \u00xx; everything else, UTF-8
/// included, as it is.
void AppendString(std::string& out, const std::string& s) {
  out += '"';
  size_t run = 0;  // start of the bytes not yet copied
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    // Eight bytes at a time while none needs escaping.
    while (i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, s.data() + i, sizeof x);
      if (AnyToEscape(x)) break;
      i += 8;
    }
    if (i >= n) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

template <class Int>
void AppendInt(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void Append(std::string& out, const Json& j, size_t indent) {
  switch (j.type()) {
    case Json::value_t::object: {
      const auto& o = j.get_ref<const Json::object_t&>();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [k, v] : o) {
        if (!first) out += ",\n";
        first = false;
        out.append(indent + 2, ' ');
        AppendString(out, k);
        out += ": ";
        Append(out, v, indent + 2);
      }
      out += '\n';
      out.append(indent, ' ');
      out += '}';
      return;
    }
    case Json::value_t::array: {
      const auto& a = j.get_ref<const Json::array_t&>();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& v : a) {
        if (!first) out += ",\n";
        first = false;
        out.append(indent + 2, ' ');
        Append(out, v, indent + 2);
      }
      out += '\n';
      out.append(indent, ' ');
      out += ']';
      return;
    }
    case Json::value_t::string: AppendString(out, j.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case Json::value_t::number_integer: AppendInt(out, j.get<Json::number_integer_t>()); return;
    case Json::value_t::number_unsigned: AppendInt(out, j.get<Json::number_unsigned_t>()); return;
    case Json::value_t::null: out += "null"; return;
    default: out += j.dump(); return;  // floats (nlohmann's own shortest form), binary, discarded
  }
}

}  // namespace

std::string Dump(const Json& j) {
  std::string out;
  out.reserve(4096);
  Append(out, j, 0);
  return out;
}

}  // namespace eurus::tf
