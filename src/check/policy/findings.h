#pragma once
// How the policy rules' findings become diagnostics: one error per finding, naming the
// unit and the block, labelled at the YAML line the block came from (synth: `origins`) or
// at the block in the unit's main.tf.json (validate), and noting the block's origin.

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "check/locate.h"
#include "check/policy.h"
#include "check/policy/body.h"
#include "diag/diagnostic.h"

namespace eurus::check::policy {

/// A block being judged.
struct Block {
  const char* section;  ///< "resource" or "data"
  const std::string& type;
  const std::string& name;
  const json& body;
};

/// "aws_s3_bucket.logs", "data.aws_iam_policy_document.x".
std::string Address(const Block& b);

/// The findings of one thread's share of the units, in the order they were found.
class Findings {
 public:
  /// `origins`: the configuration's SourceMap (synth), or null (validate).
  Findings(const std::vector<PolicyUnit>& units, const SourceMap* origins)
      : units_(units), origins_(origins) {}

  /// A finding about block `b` of unit `u`: "unit <id>: <address> <what>", labelled `label`.
  void Report(const char* code, size_t u, const Block& b, const std::string& what,
              const std::string& label, const std::string& help);

  /// Labels `d`: at the YAML origin (synth), else at `path` in the unit's file (validate),
  /// else a note naming the file. The origin is always noted.
  void Locate(Diagnostic& d, const PolicyUnit& unit, const JsonPath& path,
              const std::string* origin, const std::string& label, FileId file,
              const char* file_name = "main.tf.json");

  /// Adds a finding built by the caller (located with Locate).
  void Add(Diagnostic d);

  /// True in synth, where findings point at the configuration.
  bool at_origins() const { return origins_ != nullptr; }
  /// Findings reported so far (repeated ones included).
  size_t count() const { return count_; }

  /// Appends another thread's findings after these.
  void Absorb(Findings&& other);
  /// Hands the findings over.
  void MoveTo(Diagnostics& diags) { diags.Append(std::move(diags_)); }

 private:
  FileId OriginFile(const std::string& file);
  /// The YAML line an origin ("tenants/shop.yaml:12") names, without its indentation.
  Span OriginSpan(const std::string& origin);

  const std::vector<PolicyUnit>& units_;
  const SourceMap* origins_;
  Diagnostics diags_;
  size_t count_ = 0;
  std::unordered_map<std::string, FileId> origin_files_;
};

}  // namespace eurus::check::policy
