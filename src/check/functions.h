#pragma once
// The functions OpenTofu has built in, for `eurus validate` (E0715): a call of anything else is
// an error tofu reports at validate time.

#include <span>
#include <string_view>

namespace eurus::check {

/// OpenTofu v1.12.6's built-in functions, sorted (each also callable as `core::NAME`).
std::span<const std::string_view> TofuFunctions();

/// Whether `name` (as written in a call: `upper`, `core::upper`, `provider::aws::arn_parse`)
/// is a function the unit can call. Provider-defined functions are accepted for `aws`, the only
/// provider a unit requires; their names are not in the extracted schema, so are not checked.
bool IsTofuFunction(std::string_view name);

}  // namespace eurus::check
