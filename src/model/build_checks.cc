// Matchers and checks that more than one configuration section uses.

#include <algorithm>
#include <cctype>
#include <cstring>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

bool Email(const std::string& s) {
  size_t at = s.find('@');
  if (at == std::string::npos || at == 0 || s.find('@', at + 1) != std::string::npos) return false;
  std::string domain = s.substr(at + 1);
  std::string lower;
  for (char c : domain) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (char c : s.substr(0, at))
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  return DnsName(lower);
}

}  // namespace

bool NameLike(const std::string& s, size_t min, size_t max, const char* extra) {
  if (s.size() < min || s.size() > max || !IsLower(s[0])) return false;
  for (char c : s)
    if (!IsLower(c) && !IsDigit(c) && !std::strchr(extra, c)) return false;
  return true;
}

bool AccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), IsDigit);
}

namespace {

/// IAM name characters: letters, digits and _ + = , . @ - ([\w+=,.@-]).
bool IamNameChar(char c) {
  return IsLower(c) || IsDigit(c) || (c >= 'A' && c <= 'Z') || (c != 0 && std::strchr("_+=,.@-", c));
}

}  // namespace

bool PrincipalArn(const std::string& s) {
  // ^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}$
  if (s.size() > 2048 || PartitionOf(s).empty()) return false;
  size_t iam = s.find(":iam::");
  if (iam == std::string::npos || iam != 4 + PartitionOf(s).size()) return false;
  size_t id = iam + 6;
  if (s.size() < id + 13 || !AccountId(s.substr(id, 12)) || s[id + 12] != ':') return false;
  std::string_view rest = std::string_view(s).substr(id + 13);
  if (rest.starts_with("role/")) rest.remove_prefix(5);
  else if (rest.starts_with("user/")) rest.remove_prefix(5);
  else return false;
  size_t last = rest.rfind('/');
  std::string_view name = last == std::string_view::npos ? rest : rest.substr(last + 1);
  if (name.empty() || name.size() > 64) return false;
  size_t start = 0;
  while (true) {  // every path segment and the name: one or more name characters
    size_t slash = rest.find('/', start);
    std::string_view seg = rest.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (seg.empty() || !std::all_of(seg.begin(), seg.end(), IamNameChar)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string PartitionOf(const std::string& arn) {
  for (const char* p : {"arn:aws:", "arn:aws-cn:", "arn:aws-us-gov:"})
    if (arn.starts_with(p)) return std::string(p + 4, std::strlen(p) - 5);
  return {};
}

bool AccountRoot(const std::string& s) { return s.ends_with(":root"); }

bool DnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  return true;
}

bool DnsName(const std::string& s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  int labels = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!DnsLabel(s.substr(start, dot - start))) return false;
    ++labels;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return labels >= 2;
}

std::string PrivateSuffix(const std::string& name) {
  static constexpr const char* kSuffixes[] = {"alt",   "example", "home.arpa", "internal", "invalid",
                                              "local", "localhost", "onion",   "test"};
  for (const char* suffix : kSuffixes) {
    const std::string dot = std::string(".") + suffix;
    if (name == suffix || (name.size() > dot.size() && name.compare(name.size() - dot.size(), dot.size(), dot) == 0))
      return suffix;
  }
  return {};
}

bool TagText(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != ' ' && !std::strchr("_.:/=+-@", c) && c < 0x80) return false;
  return true;
}

std::string List(const std::vector<std::string>& v, const char* conj) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += i + 1 == v.size() ? fmt::format(" {} ", conj) : ", ";
    s += v[i];
  }
  return s;
}

Diagnostic Bad(const char* code, const std::string& msg, Span at, const std::string& label) {
  Diagnostic d = Error(code, msg);
  d.Label(at, label);
  return d;
}

void CheckAccountId(Context& ctx, const config::Str& s) {
  if (!AccountId(s.value))
    ctx.Report(Bad(codes::kBadAccountId, fmt::format("`{}` is not an AWS account id", s.value), s.span,
                   "expected exactly 12 digits")
                   .Help("copy the 12-digit id from the Organizations console; quote it to keep leading zeros"));
}

void CheckEmail(Context& ctx, const config::Str& e) {
  if (!Email(e.value))
    ctx.Report(Bad(codes::kBadEmail, fmt::format("`{}` is not an email address", e.value), e.span,
                   "expected name@domain")
                   .Help("SNS email subscriptions need a full address, for example ops@acme.example.com"));
}

void CheckName(Context& ctx, const naming::Name& n, Span at, const std::string& what) {
  // An invalid input was reported already; the names built from it would only repeat it.
  if (!ctx.org_ok) return;
  for (const auto& in : n.inputs)
    if (in.value.empty() || ctx.bad_inputs.count(in.what + ":" + in.value)) return;
  std::string problem = naming::Problem(n);
  if (problem.empty()) return;
  bool too_long = n.value.size() > naming::Limit(n.kind);
  std::vector<std::string> parts;
  for (const auto& in : n.inputs)
    parts.push_back(fmt::format("{} `{}` ({})", in.what, in.value, in.value.size()));
  Diagnostic d = Error(too_long ? codes::kNameTooLong : codes::kNameInvalid,
                       fmt::format("{} `{}` {}", naming::Describe(n.kind), n.value, problem));
  d.Label(at, fmt::format("this {} is part of that name", what));
  if (too_long)
    d.Help(fmt::format("shorten {} by {} character{} in total", List(parts),
                       n.value.size() - naming::Limit(n.kind),
                       n.value.size() - naming::Limit(n.kind) == 1 ? "" : "s"));
  else
    d.Help("change " + List(parts) + " so the derived name is valid");
  ctx.Report(std::move(d));
}

void CheckMemberName(Context& ctx, const char* what, const config::Str& name) {
  if (NameLike(name.value, 1, 20, "-") ||
      !ctx.bad_inputs.insert(std::string(what) + ":" + name.value).second)
    return;
  ctx.Report(Bad(codes::kBadName, fmt::format("invalid {} name `{}`", what, name.value), name.span,
                 "must match ^[a-z][a-z0-9-]{0,19}$")
                 .Help("use up to 20 lowercase letters, digits and hyphens, starting with a letter"));
}

}  // namespace eurus::model::build
