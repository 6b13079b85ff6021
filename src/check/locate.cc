#include "check/locate.h"

namespace eurus::check {

std::string FormatPath(const JsonPath& path) {
  std::string out;
  for (const auto& s : path) {
    if (s.is_index) {
      out += "[" + std::to_string(s.index) + "]";
    } else {
      if (!out.empty()) out += '.';
      out += s.key;
    }
  }
  return out;
}

namespace {

/// Bytes of code point `cp` in UTF-8.
size_t Utf8Length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Reads \uXXXX at `i` (the backslash); the code point, or -1.
long ReadU(std::string_view t, size_t i) {
  if (i + 6 > t.size() || t[i + 1] != 'u') return -1;
  long v = 0;
  for (size_t k = i + 2; k < i + 6; ++k) {
    int h = Hex(t[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/// A cursor over JSON text that can read keys and skip whole values.
class Walker {
 public:
  explicit Walker(std::string_view t) : t_(t) {}

  size_t pos() const { return i_; }

  void SkipWs() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }

  bool Eat(char c) {
    SkipWs();
    if (i_ < t_.size() && t_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  char Peek() {
    SkipWs();
    return i_ < t_.size() ? t_[i_] : '\0';
  }

  /// Reads a string literal at the cursor into `out` (decoded).
  bool String(std::string* out) {
    SkipWs();
    if (i_ >= t_.size() || t_[i_] != '"') return false;
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_];
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c != '\\') {
        *out += c;
        ++i_;
        continue;
      }
      if (i_ + 1 >= t_.size()) return false;
      char e = t_[i_ + 1];
      if (e == 'u') {
        long cp = ReadU(t_, i_);
        if (cp < 0) return false;
        i_ += 6;
        if (cp >= 0xD800 && cp < 0xDC00) {
          long lo = ReadU(t_, i_);
          if (lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i_ += 6;
          }
        }
        AppendUtf8(static_cast<uint32_t>(cp), out);
        continue;
      }
      switch (e) {
        case 'n':
          *out += '\n';
          break;
        case 't':
          *out += '\t';
          break;
        case 'r':
          *out += '\r';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        default:
          *out += e;
          break;  // \" \\ \/
      }
      i_ += 2;
    }
    return false;
  }

  /// Skips the value at the cursor, whatever it is.
  bool SkipValue() {
    SkipWs();
    if (i_ >= t_.size()) return false;
    char c = t_[i_];
    if (c == '"') {
      std::string ignored;
      return String(&ignored);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i_ < t_.size()) {
        char d = t_[i_];
        if (d == '"') {
          std::string ignored;
          if (!String(&ignored)) return false;
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++i_;
            return true;
          }
        }
        ++i_;
      }
      return false;
    }
    while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' &&
           t_[i_] != '\n' && t_[i_] != '\r' && t_[i_] != '\t')
      ++i_;
    return true;
  }

  /// Moves the cursor to the value of `step` inside the object/array at the cursor; sets
  /// `found` to where the step itself (key or element) is written.
  bool Enter(const PathStep& step, TextRange* found) {
    if (step.is_index) {
      if (!Eat('[')) return false;
      for (size_t k = 0;; ++k) {
        SkipWs();
        if (Peek() == ']') return false;
        if (k == step.index) {
          found->begin = static_cast<uint32_t>(i_);
          found->end = static_cast<uint32_t>(i_ + 1);
          return true;
        }
        if (!SkipValue()) return false;
        if (!Eat(',')) return false;
      }
    }
    if (!Eat('{')) return false;
    if (Peek() == '}') return false;
    while (true) {
      SkipWs();
      size_t key_begin = i_;
      std::string key;
      if (!String(&key)) return false;
      size_t key_end = i_;
      if (!Eat(':')) return false;
      if (key == step.key) {
        found->begin = static_cast<uint32_t>(key_begin);
        found->end = static_cast<uint32_t>(key_end);
        SkipWs();
        return true;
      }
      if (!SkipValue()) return false;
      if (!Eat(',')) return false;
    }
  }

 private:
  std::string_view t_;
  size_t i_ = 0;
};

}  // namespace

std::optional<TextRange> LocateKey(std::string_view text, const JsonPath& path) {
  if (path.empty()) return std::nullopt;
  Walker w(text);
  TextRange at;
  for (const auto& step : path)
    if (!w.Enter(step, &at)) return std::nullopt;
  return at;
}

std::optional<TextRange> LocateValue(std::string_view text, const JsonPath& path) {
  Walker w(text);
  TextRange at;
  for (const auto& step : path)
    if (!w.Enter(step, &at)) return std::nullopt;
  w.SkipWs();
  size_t begin = w.pos();
  if (!w.SkipValue()) return std::nullopt;
  return TextRange{static_cast<uint32_t>(begin), static_cast<uint32_t>(w.pos())};
}

uint32_t RawOffset(std::string_view text, uint32_t literal, size_t decoded) {
  size_t i = literal + 1;  // past the opening quote
  size_t d = 0;
  while (i < text.size() && text[i] != '"' && d < decoded) {
    if (text[i] != '\\') {
      ++i;
      ++d;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == 'u') {
      long cp = ReadU(text, i);
      i += 6;
      if (cp >= 0xD800 && cp < 0xDC00 && ReadU(text, i) >= 0xDC00) {
        i += 6;
        cp = 0x10000;
      }
      d += cp < 0 ? 1 : Utf8Length(static_cast<uint32_t>(cp));
      continue;
    }
    i += 2;
    ++d;
  }
  return static_cast<uint32_t>(i);
}

}  // namespace eurus::check
