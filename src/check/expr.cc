#include "check/expr.h"

#include <algorithm>

namespace eurus::check {

namespace {

bool IdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IdentChar(char c) { return IdentStart(c) || (c >= '0' && c <= '9') || c == '-'; }
bool Digit(char c) { return c >= '0' && c <= '9'; }
bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Scanner {
 public:
  Scanner(std::string_view s, TemplateScan* out) : s_(s), out_(out) {}

  /// Scans a template from `i` to the end of the string (top level) or to the closing quote
  /// of a quoted template inside an expression (`quoted`). Returns the position after it, or
  /// npos when unterminated.
  size_t Template(size_t i, bool quoted) {
    while (i < s_.size()) {
      char c = s_[i];
      if (quoted && c == '\\') {
        i += 2;
        continue;
      }
      if (quoted && c == '"') return i + 1;
      if ((c == '$' || c == '%') && At(i + 1, c) && At(i + 2, '{')) {
        i += 3;  // $${ and %%{ are literal
        continue;
      }
      if ((c == '$' || c == '%') && At(i + 1, '{')) {
        size_t start = i;
        i = Expression(i + 2, '}');
        if (i == npos) {
          Fail(start);
          return npos;
        }
        continue;
      }
      ++i;
    }
    return quoted ? npos : i;
  }

  static constexpr size_t npos = std::string_view::npos;

 private:
  bool At(size_t i, char c) const { return i < s_.size() && s_[i] == c; }

  void Fail(size_t at) {
    if (out_->ok) {
      out_->ok = false;
      out_->error_offset = at;
    }
  }

  size_t SkipSpace(size_t i) const {
    while (i < s_.size() && Space(s_[i])) ++i;
    return i;
  }

  size_t Ident(size_t i) const {
    while (i < s_.size() && IdentChar(s_[i])) ++i;
    return i;
  }

  /// The last non-space character before `i`, or '\0'.
  char Before(size_t i) const {
    while (i > 0) {
      --i;
      if (!Space(s_[i])) return s_[i];
    }
    return '\0';
  }

  /// Scans an expression from `i` up to its unmatched `close`; the position after it, or npos.
  size_t Expression(size_t i, char close) {
    std::vector<char> stack;
    while (i < s_.size()) {
      char c = s_[i];
      if (c == '"') {
        i = Template(i + 1, /*quoted=*/true);
        if (i == npos) return npos;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        stack.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
        ++i;
        continue;
      }
      if (c == ')' || c == ']' || c == '}') {
        if (stack.empty()) {
          if (c == close) return i + 1;
          return npos;
        }
        stack.pop_back();
        ++i;
        continue;
      }
      if (Digit(c)) {
        while (i < s_.size() && (IdentChar(s_[i]) || s_[i] == '.')) ++i;
        continue;
      }
      if (IdentStart(c)) {
        i = Reference(i);
        if (i == npos) return npos;
        continue;
      }
      ++i;
    }
    return npos;
  }

  /// Reads the traversal starting at `i` and records it when it may be a reference.
  size_t Reference(size_t i) {
    const size_t start = i;
    const bool after_dot = Before(i) == '.';  // `f(x).attr`: an attribute, not a root
    Traversal t;
    size_t end = Ident(i);
    t.parts.emplace_back(s_.substr(i, end - i));
    i = end;
    size_t last = i;
    while (i < s_.size()) {
      if (s_[i] == '.' && i + 1 < s_.size()) {
        char n = s_[i + 1];
        if (n == '*') {
          i += 2;
          last = i;
        } else if (Digit(n)) {  // legacy index: aws_subnet.x.0.id
          i = i + 1;
          while (i < s_.size() && Digit(s_[i])) ++i;
          last = i;
        } else if (IdentStart(n)) {
          size_t e = Ident(i + 1);
          t.parts.emplace_back(s_.substr(i + 1, e - i - 1));
          i = last = e;
        } else {
          break;
        }
      } else if (s_[i] == '[') {
        i = Expression(i + 1, ']');  // an index may hold references itself
        if (i == npos) return npos;
        last = i;
      } else {
        break;
      }
    }
    const std::string& root = t.parts.front();
    size_t next = SkipSpace(last);
    if (At(next, '(')) {  // a function call
      if (!after_dot && t.parts.size() == 1) out_->calls.push_back({root, start, last - start});
      return last;
    }
    if (At(next, ':') && At(next + 1, ':')) {  // provider::aws::fn(...), core::fn(...)
      while (next < s_.size() && s_[next] != '(' && (IdentChar(s_[next]) || s_[next] == ':'))
        ++next;
      if (!after_dot && At(next, '('))
        out_->calls.push_back({std::string(s_.substr(start, next - start)), start, next - start});
      return next;
    }
    if (root == "for" && t.parts.size() == 1) return Iterators(last);
    if (after_dot || t.parts.size() < 2) return last;
    t.offset = start;
    t.length = last - start;
    out_->traversals.push_back(std::move(t));
    return last;
  }

  /// After `for`: records `k` (and `v`) of `for k, v in`.
  size_t Iterators(size_t i) {
    for (int n = 0; n < 2; ++n) {
      i = SkipSpace(i);
      if (i >= s_.size() || !IdentStart(s_[i])) return i;
      size_t e = Ident(i);
      std::string name(s_.substr(i, e - i));
      if (name == "in") return e;
      out_->iterators.push_back(std::move(name));
      i = SkipSpace(e);
      if (!At(i, ',')) return i;
      ++i;
    }
    return i;
  }

  std::string_view s_;
  TemplateScan* out_;
};

}  // namespace

TemplateScan ScanTemplate(std::string_view s) {
  TemplateScan out;
  Scanner(s, &out).Template(0, /*quoted=*/false);
  std::sort(out.iterators.begin(), out.iterators.end());
  out.iterators.erase(std::unique(out.iterators.begin(), out.iterators.end()), out.iterators.end());
  return out;
}

std::optional<Traversal> ParseTraversal(std::string_view s) {
  // Reuse the scanner on "${s}" and accept only a single traversal spanning all of `s`.
  std::string wrapped = "${" + std::string(s) + "}";
  TemplateScan scan = ScanTemplate(wrapped);
  if (!scan.ok || scan.traversals.size() != 1) return std::nullopt;
  Traversal t = scan.traversals.front();
  if (t.offset != 2 || t.length != s.size()) return std::nullopt;
  t.offset = 0;
  return t;
}

}  // namespace eurus::check
