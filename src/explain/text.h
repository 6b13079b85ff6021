#pragma once
// Text layout shared by explain's human outputs: at most kWidth columns where values allow.

#include <cstddef>
#include <string>
#include <vector>

namespace eurus::explain {

inline constexpr size_t kWidth = 100;

/// `items` after `head`, separated by `sep` (", " or " "), wrapped at kWidth with
/// continuation lines indented by `indent` spaces; an item longer than a line stays whole.
/// Ends with a newline.
std::string Wrap(const std::string& head, const std::vector<std::string>& items, size_t indent,
                 const std::string& sep = ", ");

/// The words of `text` (split at spaces), for Wrap.
std::vector<std::string> Words(const std::string& text);

}  // namespace eurus::explain
