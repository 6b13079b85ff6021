#pragma once
// `eurus explain ADDRESS`: what a unit or one of its resources is, why it exists and the YAML
// it came from. ADDRESS is a unit id as `eurus synth` names units (`dev/tenant-shop`,
// `common-prod/registry`) or a resource in one: `dev/tenant-shop/aws_ecs_service.shop_web`
// (also accepted: `dev/tenant-shop:aws_ecs_service.shop_web`).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/load.h"
#include "diag/source.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::explain {

struct AddressReport {
  bool ok = false;
  /// Not ok: "no unit `dev/tenant-shp`; did you mean `dev/tenant-shop`?" (no trailing newline).
  std::string error;
  /// Not ok: the part of the address that is wrong (byte offset and length in it), and the
  /// closest existing name (empty when none is close).
  size_t error_at = 0, error_len = 0;
  std::string suggestion;
  std::string text;             ///< the human form
  nlohmann::ordered_json json;  ///< the --json form (docs/Explain.md)
};

/// The explanation of `address` in the organisation synth built (`units`); `sources` holds the
/// configuration files the spans point into, `project` the parsed documents (may be null).
AddressReport ExplainAddress(const model::Org& org, const config::Project* project, const SourceMap& sources,
                             const std::vector<tf::Unit>& units, const std::string& address);

/// A located error about a word of the command line (`args`, as typed after `eurus`):
///
///     error: no unit `dev/tenant-shp`
///      --> eurus explain dev/tenant-shp
///                        ^^^^^^^^^^^^^^ did you mean `dev/tenant-shop`?
///
/// `at`, `len`: the bytes of `args[word]` that are wrong.
std::string LocatedError(const std::string& message, const std::vector<std::string>& args, size_t word, size_t at,
                         size_t len, const std::string& suggestion);

}  // namespace eurus::explain
