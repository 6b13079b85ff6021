#pragma once
// The lock file (eurus.lock.json): every subnet eurus has handed out, per environment, so
// that later runs never move or reuse them. Strings in and out only; cli/ does the I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ipam/cidr.h"

namespace eurus {

/// The allocations of one environment. Every Cidr here is aligned and no two overlap
/// (ParseLock checks it, Allocate keeps it); platform and tenant blocks lie inside `vpc`.
struct EnvLock {
  std::string vpc;                       ///< the VPC cidr the blocks were allocated in
  std::map<std::string, Cidr> platform;  ///< az -> platform subnet
  std::map<std::string, Cidr> egress;  ///< az -> subnet of the egress secondary cidr; may be empty
  /// az -> /28 holding only the public NAT gateway (internet egress); may be empty
  std::map<std::string, Cidr> nat;
  struct Tenant {
    std::map<std::string, Cidr> tenant;  ///< az -> tenant subnet
    std::map<std::string, Cidr> data;    ///< az -> data subnet
    bool operator==(const Tenant&) const = default;
  };
  /// tenant name -> its blocks; includes tenants no longer onboarded until they are released
  std::map<std::string, Tenant> tenants;
  bool operator==(const EnvLock&) const = default;
};

struct Lock {
  static constexpr int kVersion = 1;
  std::map<std::string, EnvLock> environments;  ///< environment name -> allocations
  bool operator==(const Lock&) const = default;
};

/// Deterministic JSON: {"environments":{...},"version":1} with sorted keys, 2-space indent,
/// a trailing newline, and cidrs as strings. Equal locks give byte-identical text.
std::string SerializeLock(const Lock& lock);

struct LockParseError {
  std::string message;  ///< lowercase, no trailing period
  uint32_t offset = 0;  ///< byte offset into the text where it went wrong; 0 if unknown
};

/// Reads what SerializeLock writes. Rejects other versions, malformed JSON, unknown keys,
/// wrong shapes, bad or misaligned cidrs, blocks outside their environment's vpc, and
/// overlapping blocks. `egress`, `platform` and `tenants` may be missing (empty); `vpc` may
/// not. Offsets of errors found after JSON parsing point at the offending key or value
/// (best effort, found by searching the text along the key path).
std::optional<Lock> ParseLock(std::string_view text, LockParseError* err);

}  // namespace eurus
