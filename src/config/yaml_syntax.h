#pragma once
// YAML syntax errors located where a human would look. yaml-cpp reports where parsing
// failed, which for the common mistakes is a line or more after the cause: a key without
// its `:` is read as the start of a multi-line plain scalar and rejected at the next `:`;
// a line indented one space too far continues the value above it. These functions turn
// yaml-cpp's position and reason into a diagnostic at the line that is wrong.

#include <cstdint>
#include <string>
#include <string_view>

#include "diag/diagnostic.h"

namespace eurus::config {

/// The E0002 diagnostic for yaml-cpp's exception `reason` raised at byte `offset` of `text`
/// (the file `file`). Locates, when the text shows the cause:
///   - a key without `:` (or with `:` not followed by a space) on the previous non-blank line;
///   - a line indented deeper than a `key: value` above it;
///   - a second `: ` on one line;
///   - a line whose indentation matches no key or list above it, or a key among list items
///     (and a list item among keys);
///   - a `[` or `{` left open.
/// Otherwise yaml-cpp's reason at its position. A moved error keeps yaml-cpp's position as a
/// secondary label.
Diagnostic YamlSyntaxError(std::string_view text, FileId file, uint32_t offset, const std::string& reason);

}  // namespace eurus::config
