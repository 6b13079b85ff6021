#pragma once
// Renderers: rich (source line + caret), short (one line), json (one object per line),
// github (workflow-command annotations).

#include <string>

#include "diag/diagnostic.h"

namespace eurus {

enum class DiagFormat { kRich, kShort, kJson, kGithub };

/// Parses "rich|short|json|github"; false on anything else.
bool ParseDiagFormat(const std::string& s, DiagFormat* out);

std::string Render(const Diagnostic& d, const SourceMap& sources, DiagFormat format,
                   bool color = false);
/// Renders every diagnostic, then (rich/short) a closing count line when there are errors.
std::string RenderAll(const Diagnostics& diags, const SourceMap& sources, DiagFormat format,
                      bool color = false);

}  // namespace eurus
