#pragma once
// IPv4 CIDR blocks: strict parsing and the arithmetic the subnet allocator needs.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eurus {

/// An IPv4 block. `addr` is kept as written, so a misaligned "10.0.0.1/24" survives parsing
/// and the validator can point at it; everything that talks about the range it covers
/// (first, last, size, Contains, Overlaps, Subnet) uses the masked network address.
struct Cidr {
  uint32_t addr = 0;  ///< host byte order; host bits may be set (see aligned())
  int prefix = 0;     ///< 0..32

  /// Parses "a.b.c.d/n": four decimal octets 0-255 without leading zeros ("0" itself is
  /// fine), then a prefix 0-32 written the same way. On failure returns nullopt and, if
  /// `why` is non-null, sets it to a short lowercase reason.
  static std::optional<Cidr> Parse(std::string_view s, std::string* why = nullptr);

  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  /// True when the host bits of `addr` are zero.
  bool aligned() const { return (addr & ~mask()) == 0; }
  Cidr Network() const { return {addr & mask(), prefix}; }
  /// Number of addresses: 2^(32 - prefix), up to 2^32.
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  uint32_t first() const { return addr & mask(); }
  uint32_t last() const { return first() | ~mask(); }

  /// True when every address of `other` is in this block (a block contains itself).
  bool Contains(const Cidr& other) const {
    return other.prefix >= prefix && (other.addr & mask()) == first();
  }
  /// True when the two blocks share at least one address (for CIDRs: one contains the other).
  bool Overlaps(const Cidr& other) const {
    return first() <= other.last() && other.first() <= last();
  }

  /// "a.b.c.d/n" with `addr` as held (not masked).
  std::string ToString() const;

  /// The `index`-th block of length `new_prefix` inside Network(), in address order; nullopt
  /// when new_prefix is shorter than prefix or longer than 32, or index is out of range.
  std::optional<Cidr> Subnet(int new_prefix, uint64_t index) const;

  /// Orders by addr, then prefix.
  friend auto operator<=>(const Cidr&, const Cidr&) = default;
};

}  // namespace eurus
