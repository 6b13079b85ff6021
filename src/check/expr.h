#pragma once
// The references in Terraform template strings ("${aws_vpc.main.id}-x"), found without a full
// HCL parser: enough of the expression grammar to tell a traversal (`aws_vpc.main.id`,
// `var.region`, `data.aws_region.current.name`) from function names, object keys, literals
// and for-expression iterators.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eurus::check {

/// One traversal: `aws_subnet.tenant[0].id` has parts {aws_subnet, tenant, id}.
struct Traversal {
  std::vector<std::string> parts;  ///< attribute names only: index and splat steps dropped
  size_t offset = 0;               ///< where it starts in the scanned string
  size_t length = 0;
};

/// One function call: `cidrsubnet(` has name "cidrsubnet"; `provider::aws::arn_parse(` and
/// `core::upper(` keep their namespaces.
struct Call {
  std::string name;
  size_t offset = 0;  ///< where the name starts in the scanned string
  size_t length = 0;  ///< of the name
};

struct TemplateScan {
  /// Traversals of two or more names (a bare name is an object key, an iterator or a
  /// keyword: never a reference to something a unit declares).
  std::vector<Traversal> traversals;
  /// Names introduced by `for x in`, `for k, v in` (expressions and %{ for } directives).
  std::vector<std::string> iterators;
  /// Every function call, in order.
  std::vector<Call> calls;
  bool ok = true;
  size_t error_offset = 0;  ///< where an unterminated `${`/`%{` starts, when !ok
};

/// The traversals inside the `${...}` and `%{...}` sequences of a template string.
/// `$${` and `%%{` are escapes, not interpolations.
TemplateScan ScanTemplate(std::string_view s);

/// A whole string that is one bare traversal, as `depends_on` entries ("aws_vpc.main") and
/// `provider` ("aws.replica") are written; nullopt when it is not.
std::optional<Traversal> ParseTraversal(std::string_view s);

}  // namespace eurus::check
