#include "check/functions.h"

#include <algorithm>

namespace eurus::check {

namespace {

// From `tofu metadata functions -json` of the pinned OpenTofu (tools/tofu/go.mod), without the
// `core::` copies. tests/tofu/run compares this list with the pinned tofu's, so a bump that
// adds or removes a function fails until it is updated here.
// BEGIN tofu functions
constexpr std::string_view kFunctions[] = {
    "abs", "abspath", "alltrue", "anytrue", "base64decode", "base64encode", "base64gunzip",
    "base64gzip", "base64sha256", "base64sha512", "basename", "bcrypt", "can", "ceil", "chomp",
    "chunklist", "cidrcontains", "cidrhost", "cidrnetmask", "cidrsubnet", "cidrsubnets", "coalesce",
    "coalescelist", "compact", "concat", "contains", "csvdecode", "dirname", "distinct", "element",
    "endswith", "ephemeralasnull", "file", "filebase64", "filebase64sha256", "filebase64sha512",
    "fileexists", "filemd5", "fileset", "filesha1", "filesha256", "filesha512", "flatten", "floor",
    "format", "formatdate", "formatlist", "indent", "index", "issensitive", "join", "jsondecode",
    "jsonencode", "keys", "length", "log", "lookup", "lower", "matchkeys", "max", "md5", "merge",
    "min", "nonsensitive", "one", "parseint", "pathexpand", "plantimestamp", "pow", "range",
    "regex", "regexall", "replace", "reverse", "rsadecrypt", "sensitive", "setintersection",
    "setproduct", "setsubtract", "setunion", "sha1", "sha256", "sha512", "signum", "slice", "sort",
    "split", "startswith", "strcontains", "strrev", "substr", "sum", "templatefile",
    "templatestring", "textdecodebase64", "textencodebase64", "timeadd", "timecmp", "timestamp",
    "title", "tobool", "tolist", "tomap", "tonumber", "toset", "tostring", "transpose", "trim",
    "trimprefix", "trimspace", "trimsuffix", "try", "upper", "urldecode", "urlencode", "uuid",
    "uuidv5", "values", "yamldecode", "yamlencode", "zipmap",
};
// END tofu functions

}  // namespace

std::span<const std::string_view> TofuFunctions() { return kFunctions; }

bool IsTofuFunction(std::string_view name) {
  if (name.starts_with("provider::")) return name.starts_with("provider::aws::");
  if (name.starts_with("core::")) name.remove_prefix(6);
  return std::binary_search(std::begin(kFunctions), std::end(kFunctions), name);
}

}  // namespace eurus::check
