#pragma once
// Diagnostic data, separate from rendering (codespan-reporting's model). Passes append to
// a Diagnostics sink; the driver checks has_errors() after each pass (mold's checkpoints).

#include <string>
#include <vector>

#include "diag/source.h"

namespace eurus {

enum class Severity { kError, kWarning, kNote };

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

class Diagnostics {
 public:
  /// Adds `d` unless an identical diagnostic (code, message, location) is already held: the
  /// same base value is checked once per environment a tenant is onboarded in.
  void Report(Diagnostic d);
  void Append(Diagnostics&& other);

  bool has_errors() const { return errors_ > 0; }
  size_t errors() const { return errors_; }
  size_t warnings() const { return warnings_; }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Orders by file, then position, then code, so output does not depend on pass order.
  void Sort(const SourceMap& sources);

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
};

/// "did you mean" support: the candidate closest to `word` by edit distance, if close
/// enough to be a plausible typo; empty otherwise.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace eurus
