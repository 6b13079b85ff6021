#include "ipam/cidr.h"

#include <fmt/format.h>

#include <algorithm>

namespace eurus {
namespace {

/// Reads a run of decimal digits from the front of `s` and advances past it. nullopt (with
/// `why`) when there are none or the run has a leading zero; values above 999 saturate.
std::optional<unsigned> ReadNumber(std::string_view& s, const char* what, std::string* why) {
  size_t n = 0;
  unsigned v = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
    v = std::min(v * 10 + static_cast<unsigned>(s[n] - '0'), 1000u);
    ++n;
  }
  if (n == 0) {
    if (why) *why = fmt::format("expected a number for the {}", what);
    return std::nullopt;
  }
  if (n > 1 && s[0] == '0') {
    if (why) *why = fmt::format("{} \"{}\" has a leading zero", what, s.substr(0, n));
    return std::nullopt;
  }
  s.remove_prefix(n);
  return v;
}

}  // namespace

std::optional<Cidr> Cidr::Parse(std::string_view s, std::string* why) {
  if (s.empty()) {
    if (why) *why = "empty cidr";
    return std::nullopt;
  }
  uint32_t addr = 0;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (s.empty() || s[0] != '.') {
        if (why) *why = "address must be four numbers separated by dots";
        return std::nullopt;
      }
      s.remove_prefix(1);
    }
    std::optional<unsigned> octet = ReadNumber(s, "octet", why);
    if (!octet) return std::nullopt;
    if (*octet > 255) {
      if (why) *why = "octet must be 0 to 255";
      return std::nullopt;
    }
    addr = (addr << 8) | *octet;
  }
  if (s.empty()) {
    if (why) *why = "missing \"/prefix\"";
    return std::nullopt;
  }
  if (s[0] != '/') {
    if (why)
      *why = s[0] == '.' ? "address must be four numbers separated by dots"
                         : "expected \"/\" after the address";
    return std::nullopt;
  }
  s.remove_prefix(1);
  if (s.empty()) {
    if (why) *why = "missing prefix after \"/\"";
    return std::nullopt;
  }
  std::optional<unsigned> prefix = ReadNumber(s, "prefix", nullptr);
  if (!prefix || !s.empty() || *prefix > 32) {
    if (why) *why = "prefix must be 0 to 32";
    return std::nullopt;
  }
  return Cidr{addr, static_cast<int>(*prefix)};
}

std::string Cidr::ToString() const {
  return fmt::format("{}.{}.{}.{}/{}", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
                     addr & 0xff, prefix);
}

std::optional<Cidr> Cidr::Subnet(int new_prefix, uint64_t index) const {
  if (new_prefix < prefix || new_prefix > 32) return std::nullopt;
  if (index >= (uint64_t{1} << (new_prefix - prefix))) return std::nullopt;
  uint64_t step = uint64_t{1} << (32 - new_prefix);
  return Cidr{static_cast<uint32_t>(first() + index * step), new_prefix};
}

}  // namespace eurus
