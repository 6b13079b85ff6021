#pragma once
// Diagnostic data, separate from rendering (codespan-reporting's model). Passes append to
// a Diagnostics sink; the driver checks has_errors() after each pass (mold's checkpoints).

#include <string>
#include <string_view>
#include <vector>

#include "diag/source.h"

namespace eurus {

/// kBug: an internal error, a bug in eurus and never a mistake in the input. It counts as an
/// error (the run stops at the next checkpoint) and makes the command exit 4.
enum class Severity { kError, kWarning, kNote, kBug };

struct SpanLabel {
  Span span;
  std::string text;      ///< may be empty: the caret alone
  bool primary = true;   ///< primary labels get `^`, secondary ones `-`
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;      ///< "E0123" / "W0123"
  std::string message;   ///< lowercase, no trailing period, stands alone
  std::vector<SpanLabel> labels;   ///< first primary label gives file:line:col
  std::vector<std::string> notes;
  std::string help;      ///< how to fix it; may be empty

  Diagnostic& Label(Span span, std::string text = {}) {
    labels.push_back({span, std::move(text), true});
    return *this;
  }
  Diagnostic& Secondary(Span span, std::string text) {
    labels.push_back({span, std::move(text), false});
    return *this;
  }
  Diagnostic& Note(std::string text) {
    notes.push_back(std::move(text));
    return *this;
  }
  Diagnostic& Help(std::string text) {
    help = std::move(text);
    return *this;
  }
  /// The span that locates the diagnostic (first primary label), or an invalid span.
  Span primary() const;
};

Diagnostic Error(std::string code, std::string message);
Diagnostic Warning(std::string code, std::string message);
/// An internal error (Severity::kBug, codes::kInternal): `where` failed with `what`. Its help
/// says what to include in a bug report.
Diagnostic Bug(std::string_view where, std::string_view what);

class Diagnostics {
 public:
  /// Adds `d` unless an identical diagnostic (code, message, location) is already held: the
  /// same base value is checked once per environment a tenant is onboarded in.
  void Report(Diagnostic d);
  void Append(Diagnostics&& other);

  /// Internal errors (Severity::kBug) count as errors too.
  bool has_errors() const { return errors_ > 0; }
  size_t errors() const { return errors_; }
  size_t bugs() const { return bugs_; }
  size_t warnings() const { return warnings_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Orders by file, then position, then code, so output does not depend on pass order.
  void Sort(const SourceMap& sources);

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t bugs_ = 0;
};

/// The one handler of internal errors: call it inside a `catch (...)` block. Reports the
/// exception being handled (whatever its type) as Bug(where, its what()) to `diags`.
void ReportInternalError(Diagnostics& diags, std::string_view where);

/// "did you mean" support: the candidate closest to `word` by edit distance, if close
/// enough to be a plausible typo; empty otherwise.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace eurus
