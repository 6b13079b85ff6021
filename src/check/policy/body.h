#pragma once
// Reading the bodies of Terraform JSON blocks, as the policy rules do: values by dotted
// path, blocks written as an object or an array of objects, booleans and numbers that may
// be strings. Everything here is read-only and allocation-free on the hot path.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eurus::check::policy {

using json = nlohmann::json;

/// A shared empty object, for sections a document lacks.
const json& EmptyObject();

/// True for `true` and for the string "true"; false for anything else and for null.
bool IsTrue(const json* v);

/// The string `v` holds; null when `v` is null or not a string.
inline const std::string* Str(const json* v) {
  return v && v->is_string() ? &v->get_ref<const std::string&>() : nullptr;
}

/// The values at a dotted path. Blocks on the way (an object, or an array of objects as
/// Terraform JSON also writes them) fan out: "subnet_mapping.subnet_id" yields one value per
/// subnet_mapping block. Null values are left out.
void Collect(const json& node, std::string_view path, std::vector<const json*>& out);

/// The first value Collect would yield (without collecting: this is the hot path).
const json* At(const json& node, std::string_view path);

/// Calls fn(object) for a block written as an object or as an array of objects.
template <class Fn>
void ForEachBlock(const json* v, Fn&& fn) {
  if (!v) return;
  if (v->is_object()) {
    fn(*v);
  } else if (v->is_array()) {
    for (const auto& e : *v)
      if (e.is_object()) fn(e);
  }
}

/// Calls fn(string) for a string or for each string of an array.
template <class Fn>
void ForEachString(const json& v, Fn&& fn) {
  if (v.is_string()) fn(v);
  if (v.is_array())
    for (const auto& e : v)
      if (e.is_string()) fn(e);
}

/// An integer written as a number or as a string of up to 9 digits; nullopt otherwise.
std::optional<long> Number(const json* v);

}  // namespace eurus::check::policy
