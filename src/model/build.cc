#include "model/build.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "diag/codes.h"
#include "ipam/allocator.h"
#include "model/naming.h"
#include "model/routing.h"

namespace eurus::model {

using config::Str;

const char* RealmName(RealmKind r) { return r == RealmKind::kProd ? "prod" : "nonprod"; }

const char* ResourceTypeName(ResourceType t) {
  switch (t) {
    case ResourceType::kPostgres: return "postgres";
    case ResourceType::kMysql: return "mysql";
    case ResourceType::kRedis: return "redis";
    case ResourceType::kDocumentDb: return "documentdb";
    case ResourceType::kS3: return "s3";
  }
  return "?";
}

std::string EnvironmentZone(const std::string& domain, const std::string& env) {
  return domain.empty() ? std::string() : env + "." + domain;
}

HostValidation ValidationOf(const std::string& host, const std::string& zone) {
  if (zone.empty()) return HostValidation::kManual;
  if (host == zone) return HostValidation::kWildcard;
  if (host.size() <= zone.size() + 1 || host.compare(host.size() - zone.size(), zone.size(), zone) != 0 ||
      host[host.size() - zone.size() - 1] != '.')
    return HostValidation::kManual;
  // "<label>.<zone>": one label under the zone is what `*.<zone>` matches.
  return host.find('.') == host.size() - zone.size() - 1 ? HostValidation::kWildcard : HostValidation::kZone;
}

const Realm& Org::realm(RealmKind k) const {
  for (const auto& r : realms)
    if (r.kind == k) return r;
  return realms.front();
}

const Environment* Org::environment(const std::string& n) const {
  for (const auto& e : environments)
    if (e.name == n) return &e;
  return nullptr;
}

std::vector<int> FargateMemoryFor(int cpu) {
  auto range = [](int lo, int hi, int step) {
    std::vector<int> v;
    for (int m = lo; m <= hi; m += step) v.push_back(m);
    return v;
  };
  switch (cpu) {
    case 256: return {512, 1024, 2048};
    case 512: return range(1024, 4096, 1024);
    case 1024: return range(2048, 8192, 1024);
    case 2048: return range(4096, 16384, 1024);
    case 4096: return range(8192, 30720, 1024);
    case 8192: return range(16384, 61440, 4096);
    case 16384: return range(32768, 122880, 8192);
    default: return {};
  }
}

const std::vector<int>& LogRetentionDays() {
  static const std::vector<int> v = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
                                     731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  return v;
}

namespace {

// ---- small matchers (hand-written: std::regex would dominate a 3,000-tenant check) ----

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// ^[a-z][a-z0-9<extra>]{min-1,max-1}$
bool NameLike(const std::string& s, size_t min, size_t max, const char* extra = "") {
  if (s.size() < min || s.size() > max || !IsLower(s[0])) return false;
  for (char c : s)
    if (!IsLower(c) && !IsDigit(c) && !std::strchr(extra, c)) return false;
  return true;
}

bool AccountId(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), IsDigit);
}

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

/// The special-use suffix of `name` that no public certificate authority certifies (RFC 2606,
/// 6761, 6762, 7686, 8375, 9476, and ICANN's `.internal`); empty for any other name.
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

/// AWS region names: two letters, a partition part, a direction, a number (eu-west-1,
/// us-gov-west-1, ap-southeast-5).
bool RegionName(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t d = s.find('-', start);
    parts.push_back(s.substr(start, d - start));
    if (d == std::string::npos) break;
    start = d + 1;
  }
  if (parts.size() < 3 || parts.size() > 4 || parts[0].size() != 2) return false;
  for (size_t i = 0; i + 1 < parts.size(); ++i)
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(), IsLower)) return false;
  const std::string& n = parts.back();
  return !n.empty() && n.size() <= 2 && std::all_of(n.begin(), n.end(), IsDigit);
}

/// ECR repository names: path components of [a-z0-9] runs joined by one of ._- .
bool EcrRepository(const std::string& s) {
  if (s.size() < 2 || s.size() > 256) return false;
  size_t start = 0;
  while (true) {
    size_t slash = s.find('/', start);
    std::string comp = s.substr(start, slash - start);
    if (comp.empty()) return false;
    bool prev_sep = true;
    for (char c : comp) {
      bool sep = c == '.' || c == '_' || c == '-';
      if (sep && prev_sep) return false;
      if (!sep && !IsLower(c) && !IsDigit(c)) return false;
      prev_sep = sep;
    }
    if (prev_sep) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

bool EnvVarName(const std::string& s) {
  if (s.empty() || IsDigit(s[0])) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

/// AWS tag characters: letters, digits, spaces and _ . : / = + - @
bool TagText(const std::string& s) {
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != ' ' && !std::strchr("_.:/=+-@", c) && c < 0x80) return false;
  return true;
}

bool TransitGatewayId(const std::string& s) {
  if (s.size() < 12 || s.size() > 21 || s.compare(0, 4, "tgw-") != 0) return false;
  return std::all_of(s.begin() + 4, s.end(), [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); });
}

std::string List(const std::vector<std::string>& v, const char* conj = "or") {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += i + 1 == v.size() ? fmt::format(" {} ", conj) : ", ";
    s += v[i];
  }
  return s;
}

template <class T>
std::vector<std::string> Strings(const std::vector<T>& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(fmt::format("{}", x));
  return out;
}

/// Compares dotted version strings numerically ("16.10" > "16.9").
int CompareVersions(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    long x = 0, y = 0;
    while (i < a.size() && IsDigit(a[i])) x = x * 10 + (a[i++] - '0');
    while (j < b.size() && IsDigit(b[j])) y = y * 10 + (b[j++] - '0');
    if (x != y) return x < y ? -1 : 1;
    if (i < a.size()) ++i;
    if (j < b.size()) ++j;
  }
  return 0;
}

bool NumericVersion(const std::string& s) {
  if (s.empty() || !IsDigit(s.front()) || !IsDigit(s.back())) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (!IsDigit(s[i]) && !(s[i] == '.' && IsDigit(s[i - 1]))) return false;
  return true;
}

constexpr const char* kDefaultPostgres = "16.6";
constexpr const char* kDefaultMysql = "8.0.mysql_aurora.3.08.0";
constexpr const char* kDefaultDocDb = "5.0.0";

// ---- the builder ----

class Builder {
 public:
  Builder(const config::Project& p, const Lock& previous, const BuildOptions& o, Diagnostics& d)
      : p_(p), previous_(previous), opt_(o), diags_(d) {}

  BuildResult Run() {
    BuildResult result;
    Org org;
    BuildOrg(org);
    CheckAccounts(org);
    for (const auto& e : p_.envs) BuildEnv(org, e);
    std::sort(org.environments.begin(), org.environments.end(),
              [](const Environment& a, const Environment& b) { return a.name < b.name; });
    for (const auto& t : p_.tenants) BuildTenant(org, t);
    CheckRoutes(org);
    WarnManualCertificates(org);
    Allocate(org, result);
    org.source_files = p_.files;
    if (!diags_.has_errors()) result.org = std::move(org);
    return result;
  }

 private:
  void Report(Diagnostic d) { diags_.Report(std::move(d)); }

  Diagnostic Bad(const char* code, const std::string& msg, Span at, const std::string& label = {}) {
    Diagnostic d = Error(code, msg);
    d.Label(at, label);
    return d;
  }

  // ---------- eurus.yaml ----------
  void BuildOrg(Org& org) {
    const config::OrgDoc& o = p_.org;
    if (o.eurus && o.eurus.value != 1)
      Report(Bad(codes::kFormatVersion, fmt::format("unsupported format version {}", o.eurus.value),
                 o.eurus.span, "this eurus reads format version 1")
                 .Help(o.eurus.value > 1 ? "upgrade eurus to read this repository"
                                         : "set `eurus: 1`"));
    if (o.org) {
      org_ok_ = NameLike(o.org.value, 2, 12);
      if (!org_ok_)
        Report(Bad(codes::kBadName, fmt::format("invalid org name `{}`", o.org.value), o.org.span,
                   "must match ^[a-z][a-z0-9]{1,11}$")
                   .Help("use 2 to 12 lowercase letters and digits, starting with a letter; it prefixes every AWS name"));
      org.name = o.org.value;
    }
    if (o.region) {
      region_ok_ = RegionName(o.region.value);
      if (!region_ok_)
        Report(Bad(codes::kBadRegion, fmt::format("`{}` is not an AWS region name", o.region.value),
                   o.region.span, "expected a region such as eu-west-1")
                   .Help("use the region's code, for example `eu-west-1` or `us-east-2`"));
      org.region = o.region.value;
    }
    if (o.domain) {
      if (!DnsName(o.domain.value) || o.domain.value.size() > 200)
        Report(Bad(codes::kBadDomain, fmt::format("`{}` is not a valid domain name", o.domain.value),
                   o.domain.span, "lowercase DNS labels joined by dots")
                   .Help("use a domain you control, for example `acme.example.com`; environments get `<env>.<domain>`"));
      else if (std::string suffix = PrivateSuffix(o.domain.value); !suffix.empty())
        Report(Bad(codes::kBadDomain, fmt::format("domain `{}` cannot hold public zones and certificates", o.domain.value),
                   o.domain.span, fmt::format("`.{}` is reserved for private use", suffix))
                   .Help("use a public domain you control: environments get the public zone `<env>.<domain>` and "
                         "ACM certificates under it"));
      org.domain = o.domain.value;
    }
    if (o.management_account) {
      CheckAccountId(o.management_account);
      org.management_account = o.management_account.value;
    }
    // Realms: exactly nonprod and prod.
    std::set<std::string> seen;
    if (o.realms) {
      for (const auto& r : o.realms.value) {
        const std::string& n = r.name.value;
        if (n != "nonprod" && n != "prod") {
          std::string near = ClosestMatch(n, {"nonprod", "prod"});
          Report(Bad(codes::kRealms, fmt::format("unknown realm `{}`", n), r.name.span,
                     near.empty() ? "not a realm" : "did you mean `" + near + "`?")
                     .Help("eurus has exactly two realms: `nonprod` and `prod`"));
          continue;
        }
        seen.insert(n);
        if (r.common_account) CheckAccountId(r.common_account);
        org.realms.push_back({n == "prod" ? RealmKind::kProd : RealmKind::kNonprod,
                              r.common_account.value, r.name.span});
      }
      bool unknown = seen.size() < o.realms.value.size();  // a misspelt realm was reported
      for (const char* want : {"nonprod", "prod"})
        if (!seen.count(want) && !unknown)
          Report(Bad(codes::kRealms, fmt::format("realm `{}` is missing", want), o.realms.key_span,
                     fmt::format("`{}` must be defined here", want))
                     .Help(fmt::format("add `{}: {{ common_account: \"...\" }}` with its common-services account", want)));
    }
    std::sort(org.realms.begin(), org.realms.end(),
              [](const Realm& a, const Realm& b) { return a.kind < b.kind; });
    if (o.tags) {
      if (o.tags.value.size() > 40)
        Report(Bad(codes::kBadTag, fmt::format("{} tags given; at most 40 fit", o.tags.value.size()),
                   o.tags.key_span, "too many tags")
                   .Note("AWS allows 50 tags per resource and eurus adds up to 10 of its own"));
      for (const auto& [k, v] : o.tags.value) {
        CheckTag(k, v);
        org.tags.emplace_back(k.value, v.value);
      }
    }
    for (const auto& e : o.alert_emails.value) {
      CheckEmail(e);
      org.alert_emails.push_back(e.value);
    }
    if (o.github_repository) {
      const std::string& g = o.github_repository.value;
      size_t slash = g.find('/');
      bool ok = slash != std::string::npos && slash > 0 && slash + 1 < g.size() &&
                g.find('/', slash + 1) == std::string::npos &&
                std::all_of(g.begin(), g.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
                });
      if (!ok)
        Report(Bad(codes::kBadRepository, fmt::format("`{}` is not a GitHub repository", g),
                   o.github_repository.span, "expected owner/name")
                   .Help("write the repository as `owner/name`, for example `acme/platform`"));
      org.github_repository = g;
    }
  }

  void CheckAccountId(const Str& s) {
    if (!AccountId(s.value))
      Report(Bad(codes::kBadAccountId, fmt::format("`{}` is not an AWS account id", s.value), s.span,
                 "expected exactly 12 digits")
                 .Help("copy the 12-digit id from the Organizations console; quote it to keep leading zeros"));
  }

  void CheckTag(const Str& k, const Str& v) {
    if (k.value.empty() || k.value.size() > 128 || !TagText(k.value) || k.value.rfind("aws:", 0) == 0)
      Report(Bad(codes::kBadTag, fmt::format("invalid tag key `{}`", k.value), k.span,
                 "1-128 characters of letters, digits, spaces and _.:/=+-@, not starting with aws:"));
    else if (k.value.rfind("eurus:", 0) == 0)
      Report(Bad(codes::kBadTag, fmt::format("tag key `{}` uses the reserved prefix `eurus:`", k.value), k.span,
                 "eurus sets these tags itself")
                 .Help("choose another key; eurus adds eurus:org, eurus:environment, eurus:tenant, eurus:unit and eurus:cost-center"));
    if (v.value.size() > 256 || !TagText(v.value))
      Report(Bad(codes::kBadTag, fmt::format("invalid tag value for `{}`", k.value), v.span,
                 "at most 256 characters of letters, digits, spaces and _.:/=+-@"));
  }

  void CheckEmail(const Str& e) {
    if (!Email(e.value))
      Report(Bad(codes::kBadEmail, fmt::format("`{}` is not an email address", e.value), e.span,
                 "expected name@domain")
                 .Help("SNS email subscriptions need a full address, for example ops@acme.example.com"));
  }

  void CheckAccounts(const Org&) {
    struct Use { std::string what; Span span; };
    std::map<std::string, Use> used;
    auto use = [&](const Str& s, const std::string& what) {
      if (!s || !AccountId(s.value)) return;
      auto [it, fresh] = used.emplace(s.value, Use{what, s.span});
      if (!fresh)
        Report(Bad(codes::kDuplicateAccount,
                   fmt::format("account {} is used by both {} and {}", s.value, it->second.what, what),
                   s.span, "used again here")
                   .Secondary(it->second.span, "first used here")
                   .Help("every environment, realm common account and the management account needs an account of its own"));
    };
    use(p_.org.management_account, "the management account");
    for (const auto& r : p_.org.realms.value) use(r.common_account, "realm " + r.name.value);
    for (const auto& e : p_.envs) use(e.account, "environment " + e.name.value);
  }

  // ---------- environments ----------
  std::optional<Cidr> ParseCidr(const Str& s, int min_prefix, int max_prefix, const std::string& what) {
    std::string why;
    auto c = Cidr::Parse(s.value, &why);
    if (!c) {
      Report(Bad(codes::kBadCidr, fmt::format("`{}` is not a valid IPv4 CIDR", s.value), s.span, why)
                 .Help("write an address and prefix length, for example 10.0.0.0/16"));
      return std::nullopt;
    }
    if (!c->aligned()) {
      Report(Bad(codes::kCidrAlignment, fmt::format("{} `{}` has host bits set", what, s.value), s.span,
                 fmt::format("not aligned to /{}", c->prefix))
                 .Help(fmt::format("did you mean `{}`?", c->Network().ToString())));
      return std::nullopt;
    }
    if (c->prefix < min_prefix || c->prefix > max_prefix) {
      Report(Bad(codes::kCidrRange, fmt::format("{} must be /{} to /{}, found /{}", what, min_prefix, max_prefix, c->prefix),
                 s.span, "prefix length out of range")
                 .Help(what == "the VPC CIDR" ? "AWS allows VPC CIDRs from /16 (65,536 addresses) to /28; eurus needs at least a /24"
                                              : "choose a prefix length in the allowed range"));
      return std::nullopt;
    }
    return c;
  }

  static int PrivateBlock(const Cidr& c) {
    static const Cidr blocks[] = {{0x0A000000u, 8}, {0xAC100000u, 12}, {0xC0A80000u, 16}, {0xC6130000u, 16}};
    for (int i = 0; i < 4; ++i)
      if (blocks[i].Contains(c)) return i;
    return -1;
  }

  void BuildEnv(Org& org, const config::EnvDoc& d) {
    Environment e;
    e.name = d.name.value;
    e.file = "environments/" + e.name + ".yaml";
    e.zone = EnvironmentZone(p_.org.domain.value, e.name);
    e.span = d.file_span;
    if (!NameLike(e.name, 1, 16))
      Report(Bad(codes::kBadName, fmt::format("invalid environment name `{}` (from the file name)", e.name),
                 d.file_span, "in this file's name")
                 .Help("rename the file: environment names match ^[a-z][a-z0-9]{0,15}$, for example `dev` or `prod2`"));
    if (d.account) CheckAccountId(d.account);
    e.account = d.account.value;
    if (d.realm) {
      if (d.realm.value == "prod") e.realm = RealmKind::kProd;
      else if (d.realm.value == "nonprod") e.realm = RealmKind::kNonprod;
      else {
        std::string near = ClosestMatch(d.realm.value, {"nonprod", "prod"});
        Report(Bad(codes::kBadValue, fmt::format("unknown realm `{}`", d.realm.value), d.realm.span,
                   near.empty() ? "expected nonprod or prod" : "did you mean `" + near + "`?")
                   .Help("set `realm: nonprod` or `realm: prod`"));
      }
    }
    BuildNetwork(org, d, e);
    // Ingress
    e.cloudfront = d.ingress.cloudfront.set && d.ingress.cloudfront.value;
    e.api_gateway = d.ingress.api_gateway.set && d.ingress.api_gateway.value;
    e.waf = d.ingress.waf.set && d.ingress.waf.value;
    if ((e.cloudfront || e.api_gateway) && p_.org.domain.value.empty()) {
      const auto& f = e.cloudfront ? d.ingress.cloudfront : d.ingress.api_gateway;
      Report(Bad(codes::kIngress, fmt::format("{} ingress needs a domain", e.cloudfront ? "CloudFront" : "API Gateway"),
                 f.span, "no `domain` in eurus.yaml")
                 .Help("set `domain` in eurus.yaml: edge ingress serves `<host>.<env>.<domain>` with ACM certificates"));
    }
    if (e.waf && !e.cloudfront)
      Report(Bad(codes::kIngress, "`waf` protects the CloudFront distribution, which is off", d.ingress.waf.span,
                 "needs `cloudfront: true`")
                 .Help("turn on `ingress.cloudfront` or remove `waf`"));
    e.protection = d.protection.set ? d.protection.value : e.realm == RealmKind::kProd;
    if (e.realm == RealmKind::kProd && d.protection.set && !d.protection.value) {
      Diagnostic w = Warning(codes::kWarnNoProtection,
                             fmt::format("prod environment `{}` turns deletion protection off", e.name));
      w.Label(d.protection.span, "data stores can be deleted by a plan");
      Report(std::move(w));
    }
    if (d.log_retention_days) {
      CheckRetention(d.log_retention_days);
      e.log_retention_days = static_cast<int>(d.log_retention_days.value);
    }
    if (d.rpo_hours) {
      if (d.rpo_hours.value < 1 || d.rpo_hours.value > 24)
        Report(Bad(codes::kDr, fmt::format("an RPO of {} hours cannot be scheduled", d.rpo_hours.value),
                   d.rpo_hours.span, "must be 1 to 24 hours")
                   .Note("AWS Backup runs jobs at least 60 minutes apart; eurus backs up at least daily")
                   .Help("choose an RPO from 1 to 24 hours"));
      e.rpo_hours = static_cast<int>(d.rpo_hours.value);
    }
    if (d.rto_hours) {
      if (d.rto_hours.value < 1 || d.rto_hours.value > 168)
        Report(Bad(codes::kDr, fmt::format("an RTO of {} hours is out of range", d.rto_hours.value),
                   d.rto_hours.span, "must be 1 to 168 hours"));
      e.rto_hours = static_cast<int>(d.rto_hours.value);
    }
    org.environments.push_back(std::move(e));
  }

  void CheckRetention(const config::Int& r) {
    const auto& ok = LogRetentionDays();
    if (std::find(ok.begin(), ok.end(), r.value) != ok.end()) return;
    auto above = std::lower_bound(ok.begin(), ok.end(), r.value);
    std::string hint = above == ok.end() ? "3653" : std::to_string(*above);
    Report(Bad(codes::kRetention, fmt::format("CloudWatch Logs cannot keep logs for {} days", r.value), r.span,
               "not a retention period CloudWatch accepts")
               .Note("accepted: " + List(Strings(ok)))
               .Help(fmt::format("the nearest longer period is {}", hint)));
  }

  void BuildNetwork(const Org& org, const config::EnvDoc& d, Environment& e) {
    Network& n = e.network;
    const auto& dn = d.network;
    bool cidr_ok = false;
    if (dn.cidr) {
      if (auto c = ParseCidr(dn.cidr, 16, 24, "the VPC CIDR")) {
        n.cidr = *c;
        cidr_ok = true;
      }
    }
    // Availability zones
    std::set<std::string> seen_az;
    for (const auto& az : dn.availability_zones.value) {
      if (!seen_az.insert(az.value).second) {
        Report(Bad(codes::kAzDuplicate, fmt::format("availability zone `{}` is listed twice", az.value), az.span,
                   "duplicate").Help("list each zone once"));
        continue;
      }
      bool ok = !region_ok_ || (az.value.size() == org.region.size() + 1 &&
                                az.value.compare(0, org.region.size(), org.region) == 0 &&
                                IsLower(az.value.back()));
      if (!ok)
        Report(Bad(codes::kAzRegion, fmt::format("`{}` is not an availability zone of {}", az.value, org.region),
                   az.span, fmt::format("expected {}a, {}b, ...", org.region, org.region))
                   .Help("all environments live in the org's single region; name zones like " + org.region + "a"));
      n.azs.push_back(az.value);
    }
    if (dn.availability_zones && n.azs.size() < 2)
      Report(Bad(codes::kAzCount, fmt::format("{} availability zone{} given; at least 2 are needed", n.azs.size(),
                                              n.azs.size() == 1 ? "" : "s"),
                 dn.availability_zones.span, "not highly available")
                 .Help("list two or three zones: the ALB, NAT gateways and data stores span them"));
    if (n.azs.size() > 6)
      Report(Bad(codes::kAzCount, fmt::format("{} availability zones given; eurus supports at most 6", n.azs.size()),
                 dn.availability_zones.span, "too many zones"));
    // Subnet sizes
    auto size = [&](const config::Int& f, int def, int min, int max, const char* what) {
      if (!f) return def;
      int v = static_cast<int>(f.value);
      if (f.value < min || f.value > max || (cidr_ok && v <= n.cidr.prefix)) {
        std::string why = cidr_ok && v <= n.cidr.prefix && f.value >= min
                              ? fmt::format("a /{} subnet does not fit in the /{} VPC", v, n.cidr.prefix)
                              : fmt::format("must be {} to {}", min, max);
        Report(Bad(codes::kSubnetSize, fmt::format("invalid {} {}", what, f.value), f.span, why)
                   .Help(fmt::format("give a prefix length from {} to {} that is longer than the VPC's", min, max)));
        return def;
      }
      return v;
    };
    // The ALB needs a /27 or larger per subnet (8 free addresses to scale); AWS's smallest
    // subnet is a /28.
    n.platform_subnet_size = size(dn.platform_subnet_size, 24, 16, 27, "platform_subnet_size");
    n.tenant_subnet_size = size(dn.tenant_subnet_size, 24, 16, 28, "tenant_subnet_size");
    n.data_subnet_size = size(dn.data_subnet_size, 27, 16, 28, "data_subnet_size");
    if (dn.nat_gateways) {
      if (dn.nat_gateways.value == "single") n.nat = NatMode::kSingle;
      else if (dn.nat_gateways.value != "per_az") {
        std::string near = ClosestMatch(dn.nat_gateways.value, {"per_az", "single"});
        Report(Bad(codes::kBadValue, fmt::format("unknown nat_gateways mode `{}`", dn.nat_gateways.value),
                   dn.nat_gateways.span, near.empty() ? "expected per_az or single" : "did you mean `" + near + "`?")
                   .Help("`per_az` (default, highly available) or `single` (cheaper, one AZ)"));
      }
      if (n.nat == NatMode::kSingle && e.realm == RealmKind::kProd) {
        Diagnostic w = Warning(codes::kWarnSingleNat,
                               fmt::format("prod environment `{}` uses a single NAT gateway", e.name));
        w.Label(dn.nat_gateways.span, "egress stops when this gateway's AZ fails");
        w.Help("use `nat_gateways: per_az` in prod");
        Report(std::move(w));
      }
    }
    n.internet_egress = dn.internet_egress.set && dn.internet_egress.value;
    if (dn.egress.set) {
      Egress eg;
      bool ok = false;
      if (dn.egress.cidr) {
        if (auto c = ParseCidr(dn.egress.cidr, 16, 28, "the egress CIDR")) {
          eg.cidr = *c;
          ok = true;
          if (cidr_ok && c->Overlaps(n.cidr)) {
            ok = false;
            Report(Bad(codes::kCidrOverlap, fmt::format("egress CIDR {} overlaps the VPC CIDR {}", c->ToString(), n.cidr.ToString()),
                       dn.egress.cidr.span, "overlaps the VPC")
                       .Secondary(dn.cidr.span, "the VPC CIDR")
                       .Help("the egress range is a secondary CIDR of the VPC: pick a routable range outside it"));
          } else if (cidr_ok) {
            int pv = PrivateBlock(n.cidr), pe = PrivateBlock(*c);
            if (pv >= 0 && pe >= 0 && pv != pe)
              Report(Bad(codes::kCidrOverlap,
                         fmt::format("AWS does not allow secondary CIDR {} on a VPC whose primary CIDR is {}", c->ToString(), n.cidr.ToString()),
                         dn.egress.cidr.span, "restricted association")
                         .Note("a VPC in one of 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 198.19.0.0/16 cannot add a CIDR from another of them")
                         .Help("take the egress range from the same private block as the VPC, or from 100.64.0.0/10"));
          }
        }
      }
      for (const auto& dst : dn.egress.destinations.value) {
        auto c = ParseCidr(dst, 0, 32, "the destination");
        if (!c) continue;
        if (c->prefix == 0) {
          Report(Bad(codes::kCidrOverlap, "0.0.0.0/0 cannot go through the private NAT gateway", dst.span,
                     "a private NAT gives no internet access")
                     .Help("use `internet_egress: true` for internet access"));
          continue;
        }
        if ((cidr_ok && c->Overlaps(n.cidr)) || (ok && c->Overlaps(eg.cidr))) {
          Report(Bad(codes::kCidrOverlap, fmt::format("egress destination {} overlaps the VPC's own addresses", c->ToString()),
                     dst.span, "routes to it would shadow local traffic")
                     .Help("list only networks outside the VPC (on-premises or other VPCs)"));
          continue;
        }
        eg.destinations.push_back(*c);
      }
      if (dn.egress.destinations && dn.egress.destinations.value.empty())
        Report(Bad(codes::kMissingField, "`egress.destinations` is empty", dn.egress.destinations.span,
                   "nothing would be reached through the private NAT")
                   .Help("list the networks reached through it, or remove `egress`"));
      if (dn.egress.transit_gateway_id) {
        if (!TransitGatewayId(dn.egress.transit_gateway_id.value))
          Report(Bad(codes::kBadTransitGateway, fmt::format("`{}` is not a transit gateway id", dn.egress.transit_gateway_id.value),
                     dn.egress.transit_gateway_id.span, "expected tgw- and 8 or 17 hex digits"));
        eg.transit_gateway_id = dn.egress.transit_gateway_id.value;
      }
      if (ok) n.egress = eg;
    }
    if (dn.flow_logs.enabled) n.flow_logs = dn.flow_logs.enabled.value;
    if (dn.flow_logs.retention_days) {
      CheckRetention(dn.flow_logs.retention_days);
      n.flow_logs_retention_days = static_cast<int>(dn.flow_logs.retention_days.value);
    }
    env_cidr_ok_[e.name] = cidr_ok && n.azs.size() >= 2;
    env_docs_[e.name] = &d;
  }

  // ---------- tenants ----------
  void BuildTenant(Org& org, const config::TenantFile& tf) {
    Tenant t;
    t.name = tf.name.value;
    t.file = "tenants/" + t.name + ".yaml";
    t.span = tf.name.span;
    const config::TenantDoc& base = tf.doc;
    if (!NameLike(t.name, 2, 16) && bad_inputs_.insert("tenant:" + t.name).second)
      Report(Bad(codes::kBadName, fmt::format("invalid tenant name `{}` (from the file name)", t.name), tf.name.span,
                 "in this file's name")
                 .Help("rename the file: tenant names match ^[a-z][a-z0-9]{1,15}$"));
    t.cost_center = base.cost_center ? base.cost_center.value : t.name;
    if (base.cost_center && (base.cost_center.value.empty() || base.cost_center.value.size() > 256 ||
                             !TagText(base.cost_center.value)))
      Report(Bad(codes::kBadTag, "`cost_center` is not a valid tag value", base.cost_center.span,
                 "at most 256 characters of letters, digits, spaces and _.:/=+-@"));
    for (const auto& c : base.contacts.value) {
      CheckEmail(c);
      t.contacts.push_back(c.value);
    }
    // Environments the tenant is onboarded in.
    std::vector<std::string> env_names;
    for (const auto& e : org.environments) env_names.push_back(e.name);
    std::set<std::string> onboarded;
    std::vector<const config::Str*> envs;
    for (const auto& e : base.environments.value) {
      if (!onboarded.insert(e.value).second) {
        Report(Bad(codes::kDuplicateItem, fmt::format("environment `{}` is listed twice", e.value), e.span, "duplicate"));
        continue;
      }
      if (!org.environment(e.value)) {
        std::string near = ClosestMatch(e.value, env_names);
        Report(Bad(codes::kUnknownEnvironment, fmt::format("unknown environment `{}`", e.value), e.span,
                   near.empty() ? "no environments/" + e.value + ".yaml" : "did you mean `" + near + "`?")
                   .Help(env_names.empty() ? "add environments/" + e.value + ".yaml"
                                           : "environments defined: " + List(env_names, "and")));
        continue;
      }
      envs.push_back(&e);
    }
    if (base.environments && base.environments.value.empty())
      Report(Bad(codes::kNoEnvironments, fmt::format("tenant `{}` is onboarded in no environment", t.name),
                 base.environments.span, "empty list")
                 .Help("list at least one environment, or delete the tenant file to offboard it"));
    // Overrides must target an onboarded environment and existing apps/resources.
    for (const auto& ov : tf.overrides) {
      if (!onboarded.count(ov.env)) {
        std::string near = ClosestMatch(ov.env, {onboarded.begin(), onboarded.end()});
        Report(Bad(codes::kOverrideTarget, fmt::format("override for environment `{}`, where tenant `{}` is not onboarded", ov.env, t.name),
                   ov.key_span, near.empty() ? "not in `environments`" : "did you mean `" + near + "`?")
                   .Help("add it to `environments`, or remove this override"));
      }
      for (const char* section : {"apps", "resources"}) {
        const config::Node* sec = ov.node.Find(section);
        const config::Node* base_sec = tf.base.Find(section);
        if (!sec || !sec->is_map()) continue;
        for (const auto& item : sec->entries) {
          if (base_sec && base_sec->Find(item.key)) continue;
          std::vector<std::string> names;
          if (base_sec) for (const auto& b : base_sec->entries) names.push_back(b.key);
          std::string near = ClosestMatch(item.key, names);
          bool app = section[0] == 'a';
          Report(Bad(codes::kOverrideTarget,
                     fmt::format("override for {} `{}`, which tenant `{}` does not define", app ? "app" : "resource", item.key, t.name),
                     item.key_span, near.empty() ? "not defined in the tenant" : "did you mean `" + near + "`?")
                     .Help(fmt::format("overrides change existing {}s; define `{}` under the tenant's top-level `{}` first",
                                       app ? "app" : "resource", item.key, section)));
        }
      }
    }
    // One deployment per environment, in the org's environment order.
    for (size_t ei = 0; ei < org.environments.size(); ++ei) {
      const Environment& env = org.environments[ei];
      if (!onboarded.count(env.name)) continue;
      const config::TenantFile::Override* ov = nullptr;
      for (const auto& o : tf.overrides)
        if (o.env == env.name) ov = &o;
      Deployment dep;
      dep.env = env.name;
      dep.env_index = ei;
      if (ov) {
        // Entries that name no app/resource of the tenant were reported above; leaving
        // them out keeps them from reading as new, incomplete apps.
        config::Node over = ov->node;
        for (auto& sec : over.entries) {
          if ((sec.key != "apps" && sec.key != "resources") || !sec.value.is_map()) continue;
          const config::Node* base_sec = tf.base.Find(sec.key);
          std::erase_if(sec.value.entries, [&](const config::Entry& item) {
            return !base_sec || !base_sec->Find(item.key);
          });
        }
        config::Node merged = config::DeepMerge(tf.base, over);
        config::TenantDoc doc = config::DecodeTenant(merged, diags_);
        BuildDeployment(org, env, t, doc, dep);
      } else {
        BuildDeployment(org, env, t, base, dep);
      }
      t.deployments.push_back(std::move(dep));
    }
    // Names that do not depend on the environment.
    CheckName(naming::EcsCluster(org.name, t.name), t.span, "tenant");
    CheckName(naming::AppSecurityGroup(org.name, t.name), t.span, "tenant");
    CheckName(naming::TenantDashboard(org.name, t.name), t.span, "tenant");
    if (!t.contacts.empty()) CheckName(naming::TenantAlarmTopic(org.name, t.name), t.span, "tenant");
    org.tenants.push_back(std::move(t));
  }

  void CheckName(const naming::Name& n, Span at, const std::string& what) {
    // An invalid input was reported already; the names built from it would only repeat it.
    if (!org_ok_) return;
    for (const auto& in : n.inputs)
      if (in.value.empty() || bad_inputs_.count(in.what + ":" + in.value)) return;
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
    Report(std::move(d));
  }

  void BuildDeployment(const Org& org, const Environment& env, const Tenant& t, const config::TenantDoc& doc,
                       Deployment& dep) {
    bool prod = env.realm == RealmKind::kProd;
    std::set<std::string> resource_names;
    std::vector<std::string> resource_list;
    for (const auto& r : doc.resources) {
      resource_names.insert(r.name.value);
      resource_list.push_back(r.name.value);
    }
    for (const auto& rd : doc.resources) {
      Resource r;
      if (BuildResource(org, env, t, rd, r)) dep.resources.push_back(std::move(r));
    }
    for (const auto& ad : doc.apps) {
      App a;
      BuildApp(org, env, t, ad, resource_names, resource_list, prod, a);
      dep.apps.push_back(std::move(a));
    }
    std::sort(dep.apps.begin(), dep.apps.end(), [](const App& a, const App& b) { return a.name < b.name; });
    // The tenant's apps exposed through `api` share its prefix on the environment's HTTP API,
    // where a route key names one integration.
    std::map<std::string, const App*> api_routes;
    for (const App& a : dep.apps) {
      if (!a.expose_api || !a.route) continue;
      for (const ApiRoute& r : ApiRoutesOf(t.name, a.route->paths)) {
        auto [it, fresh] = api_routes.emplace(r.key, &a);
        if (!fresh && it->second != &a)
          Report(Bad(codes::kEdgeExposure,
                     fmt::format("apps `{}` and `{}` are both exposed through the API at `{}`", it->second->name,
                                 a.name, r.key),
                     a.route->span, "this app's paths")
                     .Secondary(it->second->route->span, "the other app's paths")
                     .Help(fmt::format("the API serves a tenant's apps under /{}/ by path alone: give them "
                                       "distinct paths, or expose only one through `api`",
                                       t.name)));
      }
    }
    std::sort(dep.resources.begin(), dep.resources.end(),
              [](const Resource& a, const Resource& b) { return a.name < b.name; });
  }

  /// App and resource names share one pattern; an invalid one is reported once and kept out
  /// of the derived-name checks.
  void CheckMemberName(const char* what, const config::Str& name) {
    if (NameLike(name.value, 1, 20, "-") || !bad_inputs_.insert(std::string(what) + ":" + name.value).second) return;
    Report(Bad(codes::kBadName, fmt::format("invalid {} name `{}`", what, name.value), name.span,
               "must match ^[a-z][a-z0-9-]{0,19}$")
               .Help("use up to 20 lowercase letters, digits and hyphens, starting with a letter"));
  }

  bool BuildResource(const Org& org, const Environment& env, const Tenant& t, const config::ResourceDoc& d,
                     Resource& r) {
    r.name = d.name.value;
    r.span = d.name.span;
    CheckMemberName("resource", d.name);
    if (!d.type) return false;
    const std::string& ty = d.type.value;
    if (ty == "postgres") r.type = ResourceType::kPostgres;
    else if (ty == "mysql") r.type = ResourceType::kMysql;
    else if (ty == "redis") r.type = ResourceType::kRedis;
    else if (ty == "documentdb") r.type = ResourceType::kDocumentDb;
    else if (ty == "s3") r.type = ResourceType::kS3;
    else {
      std::string near = ClosestMatch(ty, config::keys::kResourceTypes);
      Report(Bad(codes::kBadValue, fmt::format("unknown resource type `{}`", ty), d.type.span,
                 near.empty() ? "not a resource type" : "did you mean `" + near + "`?")
                 .Help("resource types: " + List(config::keys::kResourceTypes)));
      return false;
    }
    bool prod = env.realm == RealmKind::kProd;
    switch (r.type) {
      case ResourceType::kPostgres:
      case ResourceType::kMysql: {
        bool pg = r.type == ResourceType::kPostgres;
        r.version = d.version ? d.version.value : (pg ? kDefaultPostgres : kDefaultMysql);
        std::string aurora_mysql;  // "3.08.0" part of 8.0.mysql_aurora.3.08.0
        if (pg && !NumericVersion(r.version))
          Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not an Aurora PostgreSQL version", r.version), d.version.span,
                     "expected a version such as 16.6"));
        if (!pg) {
          const std::string prefix = "8.0.mysql_aurora.";
          if (r.version.compare(0, prefix.size(), prefix) != 0 || !NumericVersion(r.version.substr(prefix.size())))
            Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not an Aurora MySQL version", r.version), d.version.span,
                       "expected a version such as 8.0.mysql_aurora.3.08.0"));
          else aurora_mysql = r.version.substr(prefix.size());
        }
        if (d.min_acu) r.min_acu = d.min_acu.value;
        if (d.max_acu) r.max_acu = d.max_acu.value;
        auto half_step = [](double v) { return std::fabs(v * 2 - std::round(v * 2)) < 1e-9; };
        if (d.min_acu && (r.min_acu < 0 || r.min_acu > 256 || !half_step(r.min_acu)))
          Report(Bad(codes::kAcu, fmt::format("min_acu {} is not a valid capacity", d.min_acu.value), d.min_acu.span,
                     "0 to 256 in steps of 0.5"));
        else if (d.max_acu && (r.max_acu < 1 || r.max_acu > 256 || !half_step(r.max_acu)))
          Report(Bad(codes::kAcu, fmt::format("max_acu {} is not a valid capacity", d.max_acu.value), d.max_acu.span,
                     "1 to 256 in steps of 0.5"));
        else if (r.min_acu > r.max_acu)
          Report(Bad(codes::kAcu, fmt::format("min_acu {} is larger than max_acu {}", r.min_acu, r.max_acu),
                     d.min_acu ? d.min_acu.span : d.max_acu.span, "the range is empty")
                     .Help("make min_acu at most max_acu"));
        else if (r.min_acu == 0) {
          // Scaling to zero needs auto-pause, which only newer engine versions have.
          bool supported = false;
          if (pg && NumericVersion(r.version)) {
            static const std::map<int, std::string> since = {{13, "13.15"}, {14, "14.12"}, {15, "15.7"}, {16, "16.3"}};
            int major = std::atoi(r.version.c_str());
            supported = major > 16 || (since.count(major) && CompareVersions(r.version, since.at(major)) >= 0);
          } else if (!pg && !aurora_mysql.empty()) {
            supported = CompareVersions(aurora_mysql, "3.08.0") >= 0;
          }
          if (!supported)
            Report(Bad(codes::kAcu, fmt::format("min_acu 0 needs auto-pause, which {} {} does not support", ty, r.version),
                       d.min_acu.span, "cannot scale to zero")
                       .Help(pg ? "use PostgreSQL 16.3, 15.7, 14.12, 13.15 or later, or min_acu 0.5"
                                : "use Aurora MySQL 3.08.0 or later, or min_acu 0.5"));
          if (prod)
            Report(Bad(codes::kAcu, "min_acu 0 in the prod realm would pause the database", d.min_acu.span,
                       "the first query after a pause waits for the database to resume")
                       .Help("use min_acu 0.5 or more in prod"));
        }
        CheckName(naming::AuroraCluster(org.name, t.name, r.name), r.span, "resource");
        break;
      }
      case ResourceType::kRedis:
        CheckName(naming::Cache(org.name, t.name, r.name), r.span, "resource");
        break;
      case ResourceType::kDocumentDb:
        r.version = d.version ? d.version.value : kDefaultDocDb;
        if (!NumericVersion(r.version))
          Report(Bad(codes::kEngineVersion, fmt::format("`{}` is not a DocumentDB version", r.version), d.version.span,
                     "expected a version such as 5.0.0"));
        if (d.instances) {
          r.instances = static_cast<int>(d.instances.value);
          if (r.instances < 1 || r.instances > 16)
            Report(Bad(codes::kDocdbInstances, fmt::format("{} instances requested; DocumentDB takes 1 to 16", r.instances),
                       d.instances.span, "out of range"));
        } else {
          r.instances = prod ? 2 : 1;
        }
        if (prod && r.instances < 2)
          Report(Bad(codes::kDocdbInstances, fmt::format("DocumentDB `{}` in prod environment `{}` has 1 instance", r.name, env.name),
                     d.instances ? d.instances.span : r.span, "failover needs a second instance")
                     .Help("set `instances: 2` or more in the prod realm (an override can raise it for prod only)"));
        if (d.instance_class) {
          r.instance_class = d.instance_class.value;
          const std::string& c = r.instance_class;
          size_t dot2 = c.find('.', 3);
          if (c.compare(0, 3, "db.") != 0 || dot2 == std::string::npos || dot2 == 3 || dot2 + 1 >= c.size())
            Report(Bad(codes::kDocdbInstances, fmt::format("`{}` is not an instance class", c), d.instance_class.span,
                       "expected db.<family>.<size>, for example db.t4g.medium"));
        }
        CheckName(naming::DocDbCluster(org.name, t.name, r.name), r.span, "resource");
        break;
      case ResourceType::kS3:
        if (d.versioning) r.versioning = d.versioning.value;
        if (d.expire_days) {
          r.expire_days = static_cast<int>(d.expire_days.value);
          if (r.expire_days < 0 || r.expire_days > 36500)
            Report(Bad(codes::kBadValue, fmt::format("expire_days {} is out of range", r.expire_days),
                       d.expire_days.span, "0 (never) to 36500"));
        }
        CheckName(naming::Bucket(org.name, t.name, r.name, env.account), r.span, "resource");
        if (!r.versioning && prod) {
          Diagnostic w = Warning(codes::kWarnUnbackedBucket,
                                 fmt::format("bucket `{}` in prod environment `{}` has no backup", r.name, env.name));
          w.Label(d.versioning.span, "AWS Backup and point-in-time restore need versioning");
          w.Help("set `versioning: true`, or keep only data that can be rebuilt in this bucket");
          Report(std::move(w));
        }
        break;
    }
    if (r.type == ResourceType::kRedis) BuildCacheLimits(d, r);
    if (d.restore_from.set) BuildRestore(d, r);
    return true;
  }

  /// The cache's usage limits (ElastiCache Serverless: 1-5000 GB, 1000-15,000,000 ECPU/s).
  void BuildCacheLimits(const config::ResourceDoc& d, Resource& r) {
    if (d.max_storage_gb) {
      r.max_storage_gb = static_cast<int>(d.max_storage_gb.value);
      if (d.max_storage_gb.value < 1 || d.max_storage_gb.value > 5000)
        Report(Bad(codes::kBadValue, fmt::format("max_storage_gb {} is out of range", d.max_storage_gb.value),
                   d.max_storage_gb.span, "1 to 5000 GB")
                   .Help("ElastiCache Serverless caps data storage at 1 to 5000 GB"));
    }
    if (d.max_ecpu_per_second) {
      r.max_ecpu_per_second = static_cast<int>(d.max_ecpu_per_second.value);
      if (d.max_ecpu_per_second.value < 1000 || d.max_ecpu_per_second.value > 15000000)
        Report(Bad(codes::kBadValue,
                   fmt::format("max_ecpu_per_second {} is out of range", d.max_ecpu_per_second.value),
                   d.max_ecpu_per_second.span, "1000 to 15000000")
                   .Help("ElastiCache Serverless caps compute at 1000 to 15000000 ECPU per second"));
    }
  }

  /// `restore_from`: exactly one of a snapshot or a point in time (with the cluster it is
  /// taken from); what each store type can restore from (docs/DisasterRecovery.md).
  void BuildRestore(const config::ResourceDoc& d, Resource& r) {
    const auto& rf = d.restore_from;
    const bool cache = r.type == ResourceType::kRedis;
    Restore out;
    out.span = rf.span;
    bool bad = false;
    auto fail = [&](Diagnostic diag) {
      bad = true;
      Report(std::move(diag));
    };
    if (rf.snapshot.set == rf.point_in_time.set) {
      fail(Bad(codes::kRestore,
                 fmt::format("`restore_from` of resource `{}` needs exactly one of `snapshot` and `point_in_time`", r.name),
                 rf.span, rf.snapshot.set ? "both given" : "neither given")
                 .Help(cache ? "give `snapshot: <serverless cache snapshot ARN>`"
                             : "give `snapshot: <cluster snapshot id or ARN>`, or `point_in_time: <UTC time>` "
                               "with `source: <cluster identifier>`"));
    }
    if (rf.snapshot.set) {
      out.snapshot = rf.snapshot.value;
      const std::string& s = out.snapshot;
      bool ok;
      if (cache)
        ok = s.rfind("arn:aws:elasticache:", 0) == 0 || s.rfind("arn:aws:s3:::", 0) == 0;
      else
        ok = s.rfind("arn:aws:rds:", 0) == 0 ||
             (!s.empty() && std::isalpha(static_cast<unsigned char>(s[0])) && s.size() <= 255 &&
              s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:") ==
                  std::string::npos);
      if (!ok)
        fail(Bad(codes::kRestore, fmt::format("`{}` is not a {} snapshot", s, cache ? "cache" : "cluster"),
                   rf.snapshot.span, cache ? "expected an ARN" : "expected a snapshot identifier or ARN")
                   .Help(cache ? "name the snapshot by its ARN, arn:aws:elasticache:<region>:<account>:"
                                 "serverlesscachesnapshot:<name> (or an .rdb object's arn:aws:s3:::<bucket>/<key>)"
                               : "use the identifier shown by `aws rds describe-db-cluster-snapshots` (AWS Backup's "
                                 "look like awsbackup:job-...) or the snapshot's ARN"));
      if (rf.source.set)
        fail(Bad(codes::kRestore, "`source` applies to `point_in_time` only", rf.source.span,
                   "a snapshot names its own source")
                   .Help("remove `source`"));
    }
    if (rf.point_in_time.set) {
      out.point_in_time = rf.point_in_time.value;
      if (cache) {
        fail(Bad(codes::kRestore, fmt::format("cache `{}` cannot be restored to a point in time", r.name),
                   rf.point_in_time.span, "ElastiCache restores from snapshots only")
                   .Help("give `snapshot: <serverless cache snapshot ARN>`; a cache takes a snapshot a day"));
      } else if (out.point_in_time != "latest" && !UtcTime(out.point_in_time)) {
        fail(Bad(codes::kRestore, fmt::format("`{}` is not a UTC time", out.point_in_time), rf.point_in_time.span,
                   "expected YYYY-MM-DDTHH:MM:SSZ or `latest`")
                   .Help("write the time in UTC with a trailing Z, for example 2026-11-26T10:00:00Z"));
      }
      if (!cache && !rf.source.set) {
        fail(Bad(codes::kRestore, fmt::format("`restore_from` of resource `{}` gives no `source`", r.name), rf.span,
                   "the cluster to restore from is missing")
                   .Help("name the cluster the point in time is taken from, for example the damaged cluster "
                         "after its rename: `source: <identifier>-old`"));
      }
    }
    if (rf.source.set && rf.point_in_time.set && !cache) {
      out.source = rf.source.value;
      const naming::Name n{naming::Kind::kRdsCluster, out.source, {}};
      if (std::string why = naming::Problem(n); !why.empty())
        fail(Bad(codes::kRestore, fmt::format("`{}` is not a cluster identifier", out.source), rf.source.span, why));
    }
    if (!bad) r.restore_from = std::move(out);
  }

  /// "2026-11-26T10:00:00Z": a time AWS accepts as a restore time (UTC, whole seconds).
  static bool UtcTime(const std::string& s) {
    if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
      return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    auto num = [&](size_t at, size_t n) { return std::stoi(s.substr(at, n)); };
    const int month = num(5, 2), day = num(8, 2);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && num(11, 2) <= 23 && num(14, 2) <= 59 &&
           num(17, 2) <= 59;
  }

  void BuildApp(const Org& org, const Environment& env, const Tenant& t, const config::AppDoc& d,
                const std::set<std::string>& resources, const std::vector<std::string>& resource_list,
                bool prod, App& a) {
    a.name = d.name.value;
    a.span = d.name.span;
    CheckMemberName("app", d.name);
    if (d.image) {
      a.image = d.image.value;
      if (!EcrRepository(a.image)) {
        bool tagged = a.image.find(':') != std::string::npos || a.image.find('@') != std::string::npos;
        Report(Bad(codes::kBadImage, fmt::format("`{}` is not an ECR repository name", a.image), d.image.span,
                   tagged ? "a tag or digest is not part of the repository" : "lowercase path such as shop/web")
                   .Help(tagged ? "give the repository only; the deployed tag is set by the tenant's pipeline"
                                : "use lowercase letters, digits and . _ - separated by /"));
      } else if (a.image.starts_with(kPlatformImagePrefix)) {
        // The realm registries hold the platform's sidecars (the OpenTelemetry collector)
        // there; a tenant's pushes must never replace what every environment runs.
        Report(Bad(codes::kReservedImage,
                   fmt::format("`{}` is under `{}`, reserved for the platform's images", a.image, kPlatformImagePrefix),
                   d.image.span, "reserved for eurus")
                   .Help(fmt::format("name a repository of the tenant, such as {}/{}", t.name, a.name)));
      }
    }
    if (d.port) {
      if (d.port.value < 1 || d.port.value > 65535)
        Report(Bad(codes::kBadValue, fmt::format("port {} is out of range", d.port.value), d.port.span, "1 to 65535"));
      else a.port = static_cast<int>(d.port.value);
    }
    // Fargate size.
    if (d.cpu) {
      a.cpu = static_cast<int>(d.cpu.value);
      auto mems = FargateMemoryFor(a.cpu);
      if (mems.empty()) {
        Report(Bad(codes::kFargateSize, fmt::format("Fargate has no {} cpu size", d.cpu.value), d.cpu.span,
                   "expected 256, 512, 1024, 2048, 4096, 8192 or 16384")
                   .Note("cpu is in units of 1/1024 vCPU"));
      } else if (d.memory) {
        a.memory = static_cast<int>(d.memory.value);
        if (std::find(mems.begin(), mems.end(), a.memory) == mems.end()) {
          std::string allowed = mems.size() <= 4 ? List(Strings(mems))
                                                  : fmt::format("{} to {} in steps of {}", mems.front(), mems.back(), mems[1] - mems[0]);
          Report(Bad(codes::kFargateSize, fmt::format("Fargate cannot run cpu {} with memory {}", a.cpu, a.memory),
                     d.memory.span, "not a valid memory size for this cpu")
                     .Secondary(d.cpu.span, "cpu set here")
                     .Help(fmt::format("with cpu {}, memory must be {} (MiB)", a.cpu, allowed)));
        }
      }
    }
    for (const auto& c : d.command.value) a.command.push_back(c.value);
    // Health check and route need a port.
    if (d.health_check_path) {
      if (!a.port && !d.port.given)
        Report(Bad(codes::kPortRequired, fmt::format("app `{}` has a health check but no port", a.name),
                   d.health_check_path.span, "health checks probe the app's port")
                   .Help("add `port:` or remove `health_check`"));
      if (d.health_check_path.value.empty() || d.health_check_path.value[0] != '/' || d.health_check_path.value.size() > 1024)
        Report(Bad(codes::kBadRoute, fmt::format("health check path `{}` must start with /", d.health_check_path.value),
                   d.health_check_path.span, "an absolute URL path"));
      a.health_check_path = d.health_check_path.value;
    } else if (a.port) {
      a.health_check_path = "/";
    }
    if (d.route.set) {
      Route r;
      r.span = d.route.span;
      if (!d.port.given)
        Report(Bad(codes::kPortRequired, fmt::format("app `{}` has a route but no port", a.name), d.route.span,
                   "the load balancer needs a port to forward to")
                   .Help("add `port:` or remove `route`"));
      if (d.route.host) {
        const std::string& h = d.route.host.value;
        if (h.find('.') == std::string::npos) {
          if (!DnsLabel(h))
            Report(Bad(codes::kBadRoute, fmt::format("`{}` is not a valid host name label", h), d.route.host.span,
                       "lowercase letters, digits and hyphens"));
          else if (org.domain.empty())
            Report(Bad(codes::kBadRoute, fmt::format("route host `{}` needs the org's domain", h), d.route.host.span,
                       fmt::format("would be {}.{}.<domain>", h, env.name))
                       .Help("set `domain` in eurus.yaml, or give a full host name with dots"));
          else r.host = fmt::format("{}.{}.{}", h, env.name, org.domain);
        } else {
          if (!DnsName(h))
            Report(Bad(codes::kBadRoute, fmt::format("`{}` is not a valid host name", h), d.route.host.span,
                       "lowercase DNS labels joined by dots"));
          else if (std::string suffix = PrivateSuffix(h); !suffix.empty())
            Report(Bad(codes::kBadRoute, fmt::format("route host `{}` cannot get a public TLS certificate", h),
                       d.route.host.span, fmt::format("`.{}` is reserved for private use", suffix))
                       .Help("the shared ALB serves HTTPS with ACM certificates: use a name under a domain you "
                             "own, or set `domain` in eurus.yaml and give a short host"));
          else r.host = h;
        }
      }
      if (d.route.paths) {
        for (const auto& p : d.route.paths.value) {
          if (p.value.empty() || p.value[0] != '/' || p.value.size() > 128)
            Report(Bad(codes::kBadRoute, fmt::format("route path `{}` must start with / and be at most 128 characters", p.value),
                       p.span, "invalid path pattern"));
          else if (p.value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.$/~\"'@:+&*?") !=
                   std::string::npos)
            Report(Bad(codes::kBadRoute, fmt::format("route path `{}` holds a character the ALB does not accept", p.value),
                       p.span, "invalid path pattern")
                       .Help("ALB path patterns hold letters, digits, _-.$/~\"'@:+& and the wildcards * and ?"));
          else if (std::find(r.paths.begin(), r.paths.end(), p.value) != r.paths.end())
            Report(Bad(codes::kDuplicateItem, fmt::format("route path `{}` is listed twice", p.value), p.span, "duplicate"));
          else r.paths.push_back(p.value);
        }
        if (d.route.paths.value.empty())
          Report(Bad(codes::kBadRoute, "`route.paths` is empty", d.route.paths.span, "the route would match nothing")
                     .Help("omit `paths` to route everything (`/*`)"));
      } else {
        r.paths = {"/*"};
      }
      if (!r.host.empty()) {
        CheckName(naming::TargetGroup(org.name, t.name, a.name), a.span, "app");
        if (ValidationOf(r.host, env.zone) == HostValidation::kManual) {
          ManualHost& m = manual_hosts_[{r.host, d.route.host.span.file, d.route.host.span.begin}];
          m.span = d.route.host.span;
          m.envs.push_back(env.name);
        }
        a.route = r;
        for (const auto& p : r.paths) routes_[env.name].push_back({r.host, p, t.name, a.name, d.route.span});
      }
    }
    for (const auto& x : d.expose.value) {
      if (x.value == "cloudfront") a.expose_cloudfront = true;
      else if (x.value == "api") a.expose_api = true;
      else {
        std::string near = ClosestMatch(x.value, {"cloudfront", "api"});
        Report(Bad(codes::kBadValue, fmt::format("unknown exposure `{}`", x.value), x.span,
                   near.empty() ? "expected cloudfront or api" : "did you mean `" + near + "`?"));
        continue;
      }
      if (!d.route.set)
        Report(Bad(codes::kPortRequired, fmt::format("app `{}` is exposed through {} but has no route", a.name, x.value), x.span,
                   "the edge forwards to the app's ALB route")
                   .Help("add a `route` (and a `port`) to the app"));
      // CloudFront serves a host under its us-east-1 certificate of the environment zone
      // and an alias record in that zone: a host outside it cannot be served.
      if (x.value == "cloudfront" && a.route && env.cloudfront) {
        const std::string& zone = env.zone;
        if (ValidationOf(a.route->host, zone) == HostValidation::kManual)
          Report(Bad(codes::kEdgeExposure,
                     fmt::format("app `{}` is exposed through CloudFront at `{}`, outside the zone `{}`",
                                 a.name, a.route->host, zone),
                     d.route.host.span, "not coverable by the distribution's certificate")
                     .Secondary(x.span, "exposed here")
                     .Help(fmt::format("route the app under `{}` (e.g. `host: {}`), or drop `cloudfront` from `expose`",
                                       zone, a.name)));
        else if (env.api_gateway && a.route->host == "api." + zone)
          Report(Bad(codes::kEdgeExposure,
                     fmt::format("app `{}` is exposed through CloudFront at `{}`, the API Gateway's custom domain",
                                 a.name, a.route->host),
                     d.route.host.span, "reserved for the environment's HTTP API")
                     .Secondary(x.span, "exposed here")
                     .Help("pick another host for the app"));
      }
      bool on = x.value == "cloudfront" ? env.cloudfront : env.api_gateway;
      if (!on)
        Report(Bad(codes::kIngress, fmt::format("app `{}` is exposed through {}, which environment `{}` does not turn on",
                                                a.name, x.value, env.name),
                   x.span, "ingress is off in " + env.file)
                   .Help(fmt::format("set `ingress.{}: true` in {}, or drop `{}` from `expose` for this environment with an override",
                                     x.value == "cloudfront" ? "cloudfront" : "api_gateway", env.file, x.value)));
    }
    // Replicas.
    a.replicas_min = d.replicas_min ? static_cast<int>(d.replicas_min.value) : (prod ? 2 : 1);
    a.replicas_max = d.replicas_max ? static_cast<int>(d.replicas_max.value) : std::max(a.replicas_min, 1);
    if (d.replicas_min && !d.replicas_max) a.replicas_max = std::max(a.replicas_min, 1);
    if (a.replicas_min < 0 || a.replicas_min > 1000)
      Report(Bad(codes::kReplicas, fmt::format("replicas.min {} is out of range", a.replicas_min), d.replicas_min.span, "0 to 1000"));
    else if (a.replicas_max < 1 || a.replicas_max > 1000)
      Report(Bad(codes::kReplicas, fmt::format("replicas.max {} is out of range", a.replicas_max), d.replicas_max.span, "1 to 1000"));
    else if (a.replicas_min > a.replicas_max)
      Report(Bad(codes::kReplicas, fmt::format("replicas.min {} is larger than replicas.max {}", a.replicas_min, a.replicas_max),
                 d.replicas_min.set ? d.replicas_min.span : d.replicas_max.span, "empty range")
                 .Secondary(d.replicas_max.set ? d.replicas_max.span : d.replicas_min.span, "max")
                 .Help("make min at most max"));
    else if (prod && a.replicas_min < 2)
      Report(Bad(codes::kProdReplicas, fmt::format("app `{}` runs {} replica{} in prod environment `{}`", a.name, a.replicas_min,
                                                   a.replicas_min == 1 ? "" : "s", env.name),
                 d.replicas_min.set ? d.replicas_min.span : a.span, "prod apps need at least 2 to survive an AZ failure")
                 .Help(fmt::format("set `replicas: {{ min: 2 }}` or more, e.g. in `overrides.{}`", env.name)));
    // Scaling targets.
    auto pct = [&](const config::Int& f, const char* what) -> std::optional<int> {
      if (!f) return std::nullopt;
      if (f.value < 1 || f.value > 100) {
        Report(Bad(codes::kScaling, fmt::format("scaling.{} target {} is not a percentage", what, f.value), f.span, "1 to 100"));
        return std::nullopt;
      }
      return static_cast<int>(f.value);
    };
    a.scaling_cpu = pct(d.scaling_cpu, "cpu");
    a.scaling_memory = pct(d.scaling_memory, "memory");
    if (d.scaling_requests) {
      if (d.scaling_requests.value < 1 || d.scaling_requests.value > 1000000)
        Report(Bad(codes::kScaling, fmt::format("requests_per_target {} is out of range", d.scaling_requests.value),
                   d.scaling_requests.span, "1 to 1000000"));
      else if (!d.route.set)
        Report(Bad(codes::kScaling, fmt::format("app `{}` scales on requests but has no route", a.name), d.scaling_requests.span,
                   "request counts come from the ALB target group")
                   .Help("add a `route`, or scale on cpu/memory"));
      else a.scaling_requests = static_cast<int>(d.scaling_requests.value);
    }
    a.spot = d.spot.set && d.spot.value;
    if (a.spot && prod) {
      Diagnostic w = Warning(codes::kWarnSpotProd, fmt::format("app `{}` runs on FARGATE_SPOT in prod environment `{}`", a.name, env.name));
      w.Label(d.spot.span, "spot tasks can be stopped at two minutes' notice");
      Report(std::move(w));
    }
    for (const auto& [k, v] : d.environment.value) {
      if (!EnvVarName(k.value))
        Report(Bad(codes::kBadEnvVar, fmt::format("`{}` is not a valid environment variable name", k.value), k.span,
                   "letters, digits and _, not starting with a digit"));
      a.environment.emplace_back(k.value, v.value);
    }
    std::set<std::string> seen;
    for (const auto& s : d.secrets.value) {
      if (!seen.insert("s:" + s.value).second) {
        Report(Bad(codes::kDuplicateItem, fmt::format("secret `{}` is listed twice", s.value), s.span, "duplicate"));
        continue;
      }
      size_t dash = s.value.rfind('-');
      if (!NameLike(s.value, 1, 64, "-_"))
        Report(Bad(codes::kBadSecret, fmt::format("invalid secret name `{}`", s.value), s.span,
                   "lowercase letters, digits, - and _, starting with a letter, at most 64"));
      else if (dash != std::string::npos && s.value.size() - dash - 1 == 6)
        // Secrets Manager appends -XXXXXX to ARNs; a name already ending that way is rejected.
        Report(Bad(codes::kBadSecret, fmt::format("secret name `{}` ends in a hyphen and six characters", s.value), s.span,
                   "Secrets Manager rejects such names")
                   .Help(fmt::format("rename it, for example `{}`", s.value.substr(0, dash) + "_" + s.value.substr(dash + 1))));
      else
        CheckName(naming::Secret(org.name, t.name, s.value), s.span, "secret");
      a.secrets.push_back(s.value);
    }
    // Secrets arrive as environment variables: no two may land on one name.
    {
      std::map<std::string, std::string> vars;  // variable → what sets it
      for (const auto& [k, v] : d.environment.value) vars.emplace(k.value, "`environment`");
      std::set<std::string> checked;
      for (const auto& s : d.secrets.value) {
        if (!checked.insert(s.value).second) continue;
        const std::string var = naming::SecretVariable(s.value);
        auto [it, fresh] = vars.emplace(var, fmt::format("secret `{}`", s.value));
        if (fresh) continue;
        Report(Bad(codes::kDuplicateItem,
                   fmt::format("environment variable `{}` of app `{}` is set by both {} and secret `{}`", var, a.name,
                               it->second, s.value),
                   s.span, fmt::format("injected as `{}`", var))
                   .Help("secrets are injected as their name in upper case with `-` as `_`; rename one of them"));
      }
    }
    for (const auto& u : d.uses.value) {
      if (!seen.insert("u:" + u.value).second) {
        Report(Bad(codes::kDuplicateItem, fmt::format("resource `{}` is listed twice in `uses`", u.value), u.span, "duplicate"));
        continue;
      }
      if (!resources.count(u.value)) {
        std::string near = ClosestMatch(u.value, resource_list);
        Report(Bad(codes::kUnknownResource, fmt::format("app `{}` uses `{}`, which tenant `{}` does not define", a.name, u.value, t.name),
                   u.span, near.empty() ? "no such resource" : "did you mean `" + near + "`?")
                   .Help(resource_list.empty() ? "define it under `resources`"
                                               : "resources of this tenant: " + List(resource_list, "and")));
        continue;
      }
      a.uses.push_back(u.value);
    }
    CheckName(naming::TaskRole(org.name, t.name, a.name), a.span, "app");
    CheckName(naming::ExecutionRole(org.name, t.name, a.name), a.span, "app");
    CheckName(naming::AppLogGroup(org.name, env.name, t.name, a.name), a.span, "app");
    // The workload's names (synth/workloads.cc); the longest alarm suffix stands for all.
    CheckName(naming::EcsService(org.name, t.name, a.name), a.span, "app");
    CheckName(naming::TaskFamily(org.name, t.name, a.name), a.span, "app");
    CheckName(naming::ImageParameter(env.name, t.name, a.name), a.span, "app");
    CheckName(naming::AppAlarm(org.name, t.name, a.name, "unhealthy-targets"), a.span, "app");
  }

  /// Two apps may not claim the same host and path on an environment's shared ALB.
  void CheckRoutes(const Org&) {
    for (auto& [env, rs] : routes_) {
      std::map<std::pair<std::string, std::string>, const RouteUse*> seen;
      for (const auto& r : rs) {
        auto [it, fresh] = seen.emplace(std::make_pair(r.host, r.path), &r);
        if (fresh || (it->second->tenant == r.tenant && it->second->app == r.app)) continue;
        Report(Bad(codes::kBadRoute,
                   fmt::format("route {}{} in environment `{}` is claimed by both {}/{} and {}/{}", r.host, r.path, env,
                               it->second->tenant, it->second->app, r.tenant, r.app),
                   r.span, "claimed again here")
                   .Secondary(it->second->span, "first claimed here")
                   .Help("give one of the apps another host or path"));
      }
    }
  }

  /// A route host outside the environment's zone gets a certificate that eurus cannot validate:
  /// the platform unit's apply waits until someone adds its DNS records (docs/Platform.md).
  void WarnManualCertificates(const Org& org) {
    for (const auto& [key, m] : manual_hosts_) {
      const std::string& host = std::get<0>(key);
      std::string envs;
      for (size_t i = 0; i < m.envs.size(); ++i)
        envs += (i == 0 ? "" : i + 1 == m.envs.size() ? " and " : ", ") + ("`" + m.envs[i] + "`");
      Diagnostic w = Warning(
          codes::kWarnManualValidation,
          fmt::format("the certificate for route host `{}` needs DNS validation records added by hand (environment{} {})",
                      host, m.envs.size() == 1 ? "" : "s", envs));
      w.Label(m.span, org.domain.empty() ? "no `domain` in eurus.yaml: no zone eurus manages"
                                         : "outside the environment's zone `<env>." + org.domain + "`");
      w.Help("apply of the platform unit waits until the records of its output `manual_validation_records` exist "
             "where this name's DNS is hosted; a short host (`<name>.<env>." +
             (org.domain.empty() ? std::string("<domain>") : org.domain) + "`) is validated automatically");
      Report(std::move(w));
    }
  }

  // ---------- subnets ----------
  void Allocate(Org& org, BuildResult& result) {
    result.lock = previous_;
    for (auto& env : org.environments) {
      if (!env_cidr_ok_[env.name]) continue;
      const config::EnvDoc& d = *env_docs_[env.name];
      EnvLayout layout;
      layout.vpc = env.network.cidr;
      if (env.network.egress) layout.egress = env.network.egress->cidr;
      layout.azs = env.network.azs;
      layout.platform_size = env.network.platform_subnet_size;
      layout.tenant_size = env.network.tenant_subnet_size;
      layout.data_size = env.network.data_subnet_size;
      layout.public_nat = env.network.internet_egress;
      std::vector<std::pair<Tenant*, Deployment*>> here;
      for (auto& t : org.tenants)
        for (auto& dep : t.deployments)
          if (dep.env == env.name) {
            layout.tenants.push_back(t.name);
            here.emplace_back(&t, &dep);
          }
      auto prev_it = previous_.environments.find(env.name);
      const EnvLock* prev = prev_it == previous_.environments.end() ? nullptr : &prev_it->second;
      AllocResult ar = eurus::Allocate(layout, prev);
      if (!ar.problem.empty() && (!prev || ar.problem.find("no room") != std::string::npos)) {
        Report(Bad(codes::kVpcExhausted, fmt::format("environment `{}` has no room for its shared subnets: {}", env.name, ar.problem),
                   d.network.cidr.span, fmt::format("VPC {} is too small", env.network.cidr.ToString()))
                   .Help("use a larger VPC CIDR, or smaller platform_subnet_size/tenant_subnet_size/data_subnet_size"));
        continue;
      }
      if (!ar.problem.empty()) {
        Report(Bad(codes::kLockConflict, fmt::format("the subnets recorded for environment `{}` no longer fit: {}", env.name, ar.problem),
                   d.network.cidr.span, "changed since the allocations were made")
                   .Note(fmt::format("{} records the live subnets; eurus never moves them", opt_.lock_path))
                   .Help("restore the previous network settings, or release the affected tenants (`eurus release`) first"));
        continue;
      }
      if (!ar.unplaced.empty()) {
        int per_tenant_tenant = static_cast<int>(env.network.azs.size());
        Report(Bad(codes::kVpcExhausted,
                   fmt::format("environment `{}` has no room for {} more tenant{} ({})", env.name, ar.unplaced.size(),
                               ar.unplaced.size() == 1 ? "" : "s", List(ar.unplaced, "and")),
                   d.network.cidr.span, fmt::format("VPC {} is full", env.network.cidr.ToString()))
                   .Note(fmt::format("each tenant takes {} /{} tenant subnets and {} /{} data subnets; {} more tenant{} fit{}",
                                     per_tenant_tenant, env.network.tenant_subnet_size, per_tenant_tenant,
                                     env.network.data_subnet_size, ar.fit_more, ar.fit_more == 1 ? "" : "s",
                                     ar.reserved.empty() ? "" : fmt::format("; {} removed tenant{} still hold subnets", ar.reserved.size(), ar.reserved.size() == 1 ? "" : "s")))
                   .Help("use a larger VPC CIDR (down to /16), smaller tenant_subnet_size/data_subnet_size, or release removed tenants with `eurus release`"));
        continue;
      }
      for (const auto& r : ar.reserved) {
        result.reserved.push_back(env.name + "/" + r);
      }
      if (ar.changed) {
        for (const auto& tn : ar.allocated)
          result.lock_changes.push_back(fmt::format("allocated subnets for {}/{}", env.name, tn));
        if (ar.allocated.empty()) result.lock_changes.push_back(fmt::format("allocated shared subnets for {}", env.name));
      }
      // Resolve the subnets into the model, in the environment's AZ order.
      const EnvLock& el = ar.lock;
      for (const auto& az : env.network.azs) {
        env.network.platform_subnets.push_back(el.platform.at(az));
        if (env.network.egress && el.egress.count(az)) env.network.egress_subnets.push_back(el.egress.at(az));
        if (env.network.internet_egress) env.network.nat_subnets.push_back(el.nat.at(az));
      }
      for (auto [t, dep] : here) {
        const auto& tl = el.tenants.at(t->name);
        for (const auto& az : env.network.azs) {
          dep->tenant_subnets.push_back(tl.tenant.at(az));
          dep->data_subnets.push_back(tl.data.at(az));
        }
      }
      AssignRulePriorities(env, here);
      if (ar.changed) result.lock_changed = true;
      result.lock.environments[env.name] = std::move(ar.lock);
    }
    if (result.lock_changed && opt_.frozen) {
      std::string what = List(result.lock_changes, "and");
      Report(Error(codes::kLockFrozen, fmt::format("{} would change with --frozen", opt_.lock_path))
                 .Note(what)
                 .Help("run `eurus check` without --frozen and commit the updated lock file"));
    }
  }

  /// Listener rule priorities of every tenant of `env` (model/routing.h): each tenant's rules
  /// fit its share of every band, and no two tenants with rules share a slot (only possible
  /// when tenant subnets were allocated smaller than today's tenant_subnet_size).
  void AssignRulePriorities(const Environment& env, const std::vector<std::pair<Tenant*, Deployment*>>& here) {
    std::map<int, std::pair<const Tenant*, Span>> slot_owner;
    for (auto [t, dep] : here) {
      std::vector<int> index;
      std::vector<ListenerRule> rules = PlanListenerRules(dep->apps, &index);
      if (rules.empty()) continue;
      std::optional<RuleSlot> slot = TenantRuleSlot(env.network, dep->tenant_subnets);
      if (!slot) continue;
      const char* band_names[] = {"exact-path", "wildcard-path", "catch-all"};
      if (const ListenerRule* over = AssignPriorities(rules, index, *slot)) {
        int need = 0;
        for (const auto& r : rules) need += r.band == over->band;
        const int unit = std::max(env.network.tenant_subnet_size, env.network.cidr.prefix);
        Report(Bad(codes::kRulePriority,
                   fmt::format("tenant `{}` needs {} {} listener rules in environment `{}`, and each tenant has room for {}",
                               t->name, need, band_names[static_cast<int>(over->band)], env.name, slot->stride),
                   over->span, fmt::format("app `{}`'s rule does not fit", over->app))
                   .Note(fmt::format("the VPC {} holds {} tenant slots of /{}; each slot gets {} / {} = {} priorities per band",
                                     env.network.cidr.ToString(), slot->slots, unit, kBandWidth, slot->slots, slot->stride))
                   .Help(fmt::format("use fewer route paths (up to {} share one rule) or fewer routed apps; the share "
                                     "of environment `{}` grows with larger tenant subnets (a smaller tenant_subnet_size, set "
                                     "before tenants are allocated)",
                                     kMaxPathsPerRule, env.name)));
        continue;
      }
      auto [it, fresh] = slot_owner.emplace(slot->slot, std::make_pair(t, rules.front().span));
      if (!fresh) {
        Report(Bad(codes::kRulePriority,
                   fmt::format("tenants `{}` and `{}` share listener rule slot {} in environment `{}`",
                               it->second.first->name, t->name, slot->slot, env.name),
                   rules.front().span, "this tenant's rule priorities would collide")
                   .Secondary(it->second.second, fmt::format("with tenant `{}`'s", it->second.first->name))
                   .Note(fmt::format("their lowest tenant subnets lie in the same /{} of the VPC: they were allocated "
                                     "smaller than today's tenant_subnet_size",
                                     std::max(env.network.tenant_subnet_size, env.network.cidr.prefix)))
                   .Help(fmt::format("set tenant_subnet_size in {} back to the size the subnets were allocated with",
                                     env.file)));
        continue;
      }
      for (const ListenerRule& r : rules) {
        if (r.priority >= 1 && r.priority <= kMaxRulePriority) continue;
        Report(Bad(codes::kRulePriority,
                   fmt::format("listener rule priority {} of app `{}` is outside 1..{}", r.priority, r.app, kMaxRulePriority),
                   r.span, "out of range"));
      }
      dep->listener_rules = std::move(rules);
    }
  }

  struct RouteUse {
    std::string host, path, tenant, app;
    Span span;
  };

  const config::Project& p_;
  const Lock& previous_;
  const BuildOptions& opt_;
  Diagnostics& diags_;
  std::map<std::string, bool> env_cidr_ok_;
  bool org_ok_ = false;
  bool region_ok_ = false;
  std::set<std::string> bad_inputs_;  ///< "tenant:x", "app:y" whose names were rejected
  std::map<std::string, const config::EnvDoc*> env_docs_;
  std::map<std::string, std::vector<RouteUse>> routes_;
  struct ManualHost {
    Span span;
    std::vector<std::string> envs;
  };
  /// Route hosts whose certificate is validated by hand, by (host, file, offset) of the route.
  std::map<std::tuple<std::string, FileId, uint32_t>, ManualHost> manual_hosts_;
};

}  // namespace

BuildResult Build(const config::Project& project, const Lock& previous, const BuildOptions& options,
                  Diagnostics& diags) {
  return Builder(project, previous, options, diags).Run();
}

}  // namespace eurus::model
