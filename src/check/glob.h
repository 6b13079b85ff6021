#pragma once
// Wildcard matching as AWS Backup does it for resource ARNs and StringLike conditions.

#include <string_view>

namespace eurus::check {

/// True when `s` matches `pattern` as a whole: `*` matches any run of bytes (the empty one
/// too), `?` exactly one byte, every other byte itself. There is no escape character.
bool Glob(std::string_view pattern, std::string_view s);

}  // namespace eurus::check
