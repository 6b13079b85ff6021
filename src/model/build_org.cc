// eurus.yaml → the org's identity, realms, tags, alerts and CI settings; the accounts check.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <string_view>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

using config::Str;

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

/// Letters, digits and `-_./` only: what GitHub repository and branch names in an OIDC
/// `sub` claim are made of here (no wildcards, no spaces).
bool GitPathChars(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

void CheckTag(Context& ctx, const Str& k, const Str& v) {
  if (k.value.empty() || k.value.size() > 128 || !TagText(k.value) || k.value.rfind("aws:", 0) == 0)
    ctx.Report(Bad(codes::kBadTag, fmt::format("invalid tag key `{}`", k.value), k.span,
                   "1-128 characters of letters, digits, spaces and _.:/=+-@, not starting with aws:"));
  else if (k.value.rfind("eurus:", 0) == 0)
    ctx.Report(Bad(codes::kBadTag, fmt::format("tag key `{}` uses the reserved prefix `eurus:`", k.value), k.span,
                   "eurus sets these tags itself")
                   .Help("choose another key; eurus adds eurus:org, eurus:environment, eurus:tenant, eurus:unit and eurus:cost-center"));
  if (v.value.size() > 256 || !TagText(v.value))
    ctx.Report(Bad(codes::kBadTag, fmt::format("invalid tag value for `{}`", k.value), v.span,
                   "at most 256 characters of letters, digits, spaces and _.:/=+-@"));
}

void CheckFormatVersion(Context& ctx, const config::OrgDoc& o) {
  if (o.eurus && o.eurus.value != 1)
    ctx.Report(Bad(codes::kFormatVersion, fmt::format("unsupported format version {}", o.eurus.value),
                   o.eurus.span, "this eurus reads format version 1")
                   .Help(o.eurus.value > 1 ? "upgrade eurus to read this repository"
                                           : "set `eurus: 1`"));
}

/// `org`, `region`, `domain` and `management_account`.
void BuildIdentity(Context& ctx, const config::OrgDoc& o) {
  Org& org = ctx.org;
  if (o.org) {
    ctx.org_ok = NameLike(o.org.value, 2, 12);
    if (!ctx.org_ok)
      ctx.Report(Bad(codes::kBadName, fmt::format("invalid org name `{}`", o.org.value), o.org.span,
                     "must match ^[a-z][a-z0-9]{1,11}$")
                     .Help("use 2 to 12 lowercase letters and digits, starting with a letter; it prefixes every AWS name"));
    org.name = o.org.value;
  }
  if (o.region) {
    ctx.region_ok = RegionName(o.region.value);
    if (!ctx.region_ok)
      ctx.Report(Bad(codes::kBadRegion, fmt::format("`{}` is not an AWS region name", o.region.value),
                     o.region.span, "expected a region such as eu-west-1")
                     .Help("use the region's code, for example `eu-west-1` or `us-east-2`"));
    // The generated units write ARNs, service principals and endpoints of the commercial
    // partition (`arn:aws:`), and `eurus cost` has its prices only: in AWS GovCloud
    // (`aws-us-gov`), China (`aws-cn`) or the ISO partitions they would fail at apply.
    // Refused here rather than written wrong.
    else if (o.region.value.rfind("us-gov-", 0) == 0 || o.region.value.rfind("cn-", 0) == 0 ||
             o.region.value.find("-iso") != std::string::npos) {
      ctx.region_ok = false;
      ctx.Report(Bad(codes::kPartition,
                     fmt::format("region `{}` is outside the commercial AWS partition", o.region.value),
                     o.region.span, "GovCloud, China and ISO regions are not supported")
                     .Help("eurus writes `arn:aws:` ARNs and commercial service principals, which fail in "
                           "that partition; use a commercial region such as `us-east-1` or `eu-west-1`"));
    }
    org.region = o.region.value;
  }
  if (o.domain) {
    if (!DnsName(o.domain.value) || o.domain.value.size() > 200)
      ctx.Report(Bad(codes::kBadDomain, fmt::format("`{}` is not a valid domain name", o.domain.value),
                     o.domain.span, "lowercase DNS labels joined by dots")
                     .Help("use a domain you control, for example `acme.example.com`; environments get `<env>.<domain>`"));
    else if (std::string suffix = PrivateSuffix(o.domain.value); !suffix.empty())
      ctx.Report(Bad(codes::kBadDomain, fmt::format("domain `{}` cannot hold public zones and certificates", o.domain.value),
                     o.domain.span, fmt::format("`.{}` is reserved for private use", suffix))
                     .Help("use a public domain you control: environments get the public zone `<env>.<domain>` and "
                           "ACM certificates under it"));
    org.domain = o.domain.value;
  }
  if (o.management_account) {
    CheckAccountId(ctx, o.management_account);
    org.management_account = o.management_account.value;
  }
}

/// Realms: exactly nonprod and prod, sorted by kind.
void BuildRealms(Context& ctx, const config::OrgDoc& o) {
  Org& org = ctx.org;
  std::set<std::string> seen;
  if (o.realms) {
    for (const auto& r : o.realms.value) {
      const std::string& n = r.name.value;
      if (n != "nonprod" && n != "prod") {
        std::string near = ClosestMatch(n, {"nonprod", "prod"});
        ctx.Report(Bad(codes::kRealms, fmt::format("unknown realm `{}`", n), r.name.span,
                       near.empty() ? "not a realm" : "did you mean `" + near + "`?")
                       .Help("eurus has exactly two realms: `nonprod` and `prod`"));
        continue;
      }
      seen.insert(n);
      if (r.common_account) CheckAccountId(ctx, r.common_account);
      org.realms.push_back({n == "prod" ? RealmKind::kProd : RealmKind::kNonprod,
                            r.common_account.value, r.name.span});
    }
    bool unknown = seen.size() < o.realms.value.size();  // a misspelt realm was reported
    for (const char* want : {"nonprod", "prod"})
      if (!seen.count(want) && !unknown)
        ctx.Report(Bad(codes::kRealms, fmt::format("realm `{}` is missing", want), o.realms.key_span,
                       fmt::format("`{}` must be defined here", want))
                       .Help(fmt::format("add `{}: {{ common_account: \"...\" }}` with its common-services account", want)));
  }
  std::sort(org.realms.begin(), org.realms.end(),
            [](const Realm& a, const Realm& b) { return a.kind < b.kind; });
}

void BuildTags(Context& ctx, const config::OrgDoc& o) {
  if (!o.tags) return;
  if (o.tags.value.size() > 40)
    ctx.Report(Bad(codes::kBadTag, fmt::format("{} tags given; at most 40 fit", o.tags.value.size()),
                   o.tags.key_span, "too many tags")
                   .Note("AWS allows 50 tags per resource and eurus adds up to 10 of its own"));
  for (const auto& [k, v] : o.tags.value) {
    CheckTag(ctx, k, v);
    ctx.org.tags.emplace_back(k.value, v.value);
  }
}

void BuildAlerts(Context& ctx, const config::OrgDoc& o) {
  for (const auto& e : o.alert_emails.value) {
    CheckEmail(ctx, e);
    ctx.org.alert_emails.push_back(e.value);
  }
}

/// `ci.github_repository`: owner/name.
void BuildCi(Context& ctx, const config::OrgDoc& o) {
  if (!o.github_repository) return;
  const std::string& g = o.github_repository.value;
  size_t slash = g.find('/');
  bool ok = slash != std::string::npos && slash > 0 && slash + 1 < g.size() &&
            g.find('/', slash + 1) == std::string::npos &&
            GitPathChars(g);
  if (!ok)
    ctx.Report(Bad(codes::kBadRepository, fmt::format("`{}` is not a GitHub repository", g),
                   o.github_repository.span, "expected owner/name")
                   .Help("write the repository as `owner/name`, for example `acme/platform`"));
  ctx.org.github_repository = g;
}

/// `ci.default_branch`: a branch name as the OIDC `sub` claim carries it
/// (`repo:O/R:ref:refs/heads/<branch>`), so no wildcard and nothing git refuses.
void BuildDefaultBranch(Context& ctx, const config::OrgDoc& o) {
  if (!o.default_branch) return;
  const std::string& b = o.default_branch.value;
  bool ok = !b.empty() && b.size() <= 255 && b.front() != '/' && b.back() != '/' && b.back() != '.' &&
            b.find("..") == std::string::npos && b.find("//") == std::string::npos &&
            GitPathChars(b);
  if (!ok) {
    ctx.Report(Bad(codes::kBadBranch, fmt::format("`{}` is not a branch name", b), o.default_branch.span,
                   "expected a branch such as main")
                   .Help("write the branch merges land on, without refs/heads/ and without wildcards: the "
                         "apply roles trust runs of exactly this branch"));
    return;
  }
  ctx.org.default_branch = b;
}

/// Characters a URL in `ci.eurus` may hold: it lands in a workflow's `env:`, so no spaces,
/// quotes or braces (GitHub would expand `${{ ... }}` there).
bool UrlChars(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-._~:/?#[]@!&()*+,;=%").find(c) != std::string_view::npos;
  });
}

/// `ci.eurus`: one way for the CI workflows to get eurus — a `make package` archive at `url`
/// whose `sha256` the repository pins (the workflow refuses any other archive), or the git
/// repository `source` built at `ref`. Absence is `eurus ci github`'s concern, not an error here.
void BuildEurusInstall(Context& ctx, const config::OrgDoc& o) {
  const auto& ei = o.eurus_install;
  if (!ei.set) return;
  auto bad = [&](Span at, const std::string& msg, const std::string& label, const std::string& help) {
    ctx.Report(Bad(codes::kEurusInstall, msg, at, label).Help(help));
  };
  const char* kShapes = "write `eurus: { url: https://.../eurus-<version>-linux-x86_64.tar.gz, sha256: <hex> }` "
                        "(a `make package` release) or `eurus: { source: <git URL of eurus>, ref: <tag> }`";
  if (!ei.url && !ei.source) return bad(ei.span, "`ci.eurus` names neither a release nor sources", "here", kShapes);
  if (ei.url && ei.source)
    return bad(ei.source.key_span, "`ci.eurus` names both a release `url` and a `source`",
               "and a `source`", "keep one: CI installs the release from `url`, or builds `source`");
  EurusInstall out;
  bool ok = true;
  if (ei.url) {
    const std::string& u = ei.url.value;
    if (u.rfind("https://", 0) != 0 || u.size() <= 8 || !UrlChars(u)) {
      bad(ei.url.span, fmt::format("`{}` is not an https URL", u), "expected https://host/path",
          "give the address of the archive `make package` built, e.g. a GitHub release asset");
      ok = false;
    }
    std::string hex = ei.sha256.value;
    std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return std::tolower(static_cast<unsigned char>(c)); });
    if (!ei.sha256) {
      bad(ei.url.key_span, "a release `url` without its `sha256`", "no `sha256` beside it",
          "add `sha256:` with the first word of the `.sha256` file `make package` wrote beside the archive: "
          "the workflow installs only that archive");
      ok = false;
    } else if (hex.size() != 64 || !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
      bad(ei.sha256.span, "`sha256` is not a SHA-256 digest", "expected 64 hexadecimal digits",
          "copy the first word of the archive's `.sha256` file (or of `sha256sum <archive>`)");
      ok = false;
    }
    if (ei.ref)
      bad(ei.ref.key_span, "`ref` goes with `source`, not with a release `url`", "not used with `url`",
          "remove `ref`; the archive is pinned by `sha256`");
    out.url = u;
    out.sha256 = hex;
  } else {
    const std::string& src = ei.source.value;
    bool git_url = (src.rfind("https://", 0) == 0 || src.rfind("ssh://", 0) == 0 || src.rfind("git@", 0) == 0) && UrlChars(src);
    if (!git_url) {
      bad(ei.source.span, fmt::format("`{}` is not a git URL", src), "expected https://, ssh:// or git@",
          "give the clone URL of eurus's repository, e.g. `https://github.com/<owner>/eurus.git`");
      ok = false;
    }
    const std::string& r = ei.ref.value;
    if (!ei.ref) {
      bad(ei.source.key_span, "`source` without a `ref`", "no `ref` beside it",
          "add `ref:` with the tag (or full commit) to build: without it CI would build whatever the "
          "repository holds that day");
      ok = false;
    } else if (r.empty() || r.front() == '-' || r.front() == '/' || r.find("..") != std::string::npos || !GitPathChars(r)) {
      bad(ei.ref.span, fmt::format("`{}` is not a tag, branch or commit", r), "expected e.g. v0.1.0",
          "name a tag or a full commit hash");
      ok = false;
    }
    if (ei.sha256)
      bad(ei.sha256.key_span, "`sha256` goes with a release `url`, not with `source`", "not used with `source`",
          "remove `sha256`; pin the sources with `ref` (a tag or a full commit)");
    out.source = src;
    out.ref = r;
  }
  if (ok) ctx.org.eurus_install = out;
}

/// `administrators`: the IAM roles and users that may assume the deployer and planner roles
/// from a terminal. An account root is refused: it would delegate to every principal of that
/// account (docs/Security.md, "Deploy identities").
void BuildAdministrators(Context& ctx, const config::OrgDoc& o) {
  std::set<std::string> seen;
  for (const auto& a : o.administrators.value) {
    if (!PrincipalArn(a.value)) {
      bool root = AccountRoot(a.value);
      ctx.Report(Bad(codes::kBadPrincipal,
                     root ? fmt::format("`{}` is an account root", a.value)
                          : fmt::format("`{}` is not the ARN of an IAM role or user", a.value),
                     a.span, root ? "an account root trusts every principal of that account" : "expected an IAM role or user ARN")
                     .Help("name the role people deploy with, e.g. "
                           "`arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
                           "AWSReservedSSO_PlatformAdmin_0123456789abcdef`"));
      continue;
    }
    if (!seen.insert(a.value).second) {
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("administrator `{}` is listed twice", a.value), a.span,
                     "listed again here")
                     .Help("remove one of the two entries"));
      continue;
    }
    ctx.org.administrators.push_back(a.value);
  }
  if (o.administrators.value.empty() && !o.github_repository.given)
    ctx.Report(Bad(codes::kNoDeployer, "nobody could assume the deployer and planner roles",
                   o.org.key_span.valid() ? o.org.key_span : o.file_span,
                   "no `administrators` and no `ci.github_repository`")
                   .Note("the roles trust only the principals named here and the repository's GitHub "
                         "Actions runs; they never trust an account root")
                   .Help("add `administrators: [<ARN of the IAM role you deploy with>]`, or "
                         "`ci: { github_repository: owner/name }`, or both"));
}

}  // namespace

void BuildOrg(Context& ctx) {
  const config::OrgDoc& o = ctx.project.org;
  CheckFormatVersion(ctx, o);
  BuildIdentity(ctx, o);
  BuildRealms(ctx, o);
  BuildTags(ctx, o);
  BuildAlerts(ctx, o);
  BuildCi(ctx, o);
  BuildDefaultBranch(ctx, o);
  BuildEurusInstall(ctx, o);
  BuildAdministrators(ctx, o);
}

void BuildBilling(Context& ctx) {
  ctx.org.activate_tags = ctx.project.org.activate_tags.value;
  const auto& sc = ctx.project.org.shared_costs;
  if (!sc.set) return;
  SharedCosts& out = ctx.org.shared_costs;
  if (sc.method) {
    const std::string& m = sc.method.value;
    if (m == "proportional") {
      out.method = SharedCosts::Method::kProportional;
    } else if (m == "even") {
      out.method = SharedCosts::Method::kEven;
    } else {
      std::string near = ClosestMatch(m, {"proportional", "even", "fixed"});
      ctx.Report(Bad(codes::kSharedCostMethod, fmt::format("`{}` is not a way to share costs", m), sc.method.span,
                     near.empty() ? "not a method" : "did you mean `" + near + "`?")
                     .Help("write `proportional` (by each tenant's own cost, the default), `even`, or "
                           "`{ fixed: { <tenant>: <percent>, ... } }` (the rest proportional)"));
    }
    return;
  }
  std::vector<std::string> names;
  for (const auto& t : ctx.org.tenants) names.push_back(t.name);
  double sum = 0;
  Span last;
  std::set<std::string> seen;
  for (const auto& [tenant, percent] : sc.fixed.value) {
    bool known = std::find(names.begin(), names.end(), tenant.value) != names.end();
    if (!known) {
      std::string near = ClosestMatch(tenant.value, names);
      ctx.Report(Bad(codes::kSharedCostTenant, fmt::format("no tenant `{}`", tenant.value), tenant.span,
                     near.empty() ? "not a tenant of tenants/" : "did you mean `" + near + "`?")
                     .Help("name a tenant that has a file tenants/<tenant>.yaml"));
    }
    double x = 0;
    const std::string& v = percent.value;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
    if (ec != std::errc() || p != v.data() + v.size() || !(x > 0) || x > 100) {
      ctx.Report(Bad(codes::kSharedCostPercent, fmt::format("`{}` is not a percent", v), percent.span,
                     "expected a number above 0 and at most 100")
                     .Help("write the tenant's share of every scope it is in, e.g. `shop: 40` for 40 %"));
      continue;
    }
    if (!seen.insert(tenant.value).second) continue;  // a YAML duplicate key: the loader reports it
    sum += x;
    last = percent.span;
    if (known) out.fixed.emplace_back(tenant.value, x);
  }
  if (sum > 100 + 1e-9)
    ctx.Report(Bad(codes::kSharedCostPercent, fmt::format("the fixed shares add up to {}%", sum), last,
                   "more than 100% in total")
                   .Help("lower the percents so that they add up to at most 100; what they leave is "
                         "shared by the other tenants in proportion to their own cost"));
  std::sort(out.fixed.begin(), out.fixed.end());
}

void CheckAccounts(Context& ctx) {
  struct Use { std::string what; Span span; };
  std::map<std::string, Use> used;
  auto use = [&](const Str& s, const std::string& what) {
    if (!s || !AccountId(s.value)) return;
    auto [it, fresh] = used.emplace(s.value, Use{what, s.span});
    if (!fresh)
      ctx.Report(Bad(codes::kDuplicateAccount,
                     fmt::format("account {} is used by both {} and {}", s.value, it->second.what, what),
                     s.span, "used again here")
                     .Secondary(it->second.span, "first used here")
                     .Help("every environment, realm common account and the management account needs an account of its own"));
  };
  use(ctx.project.org.management_account, "the management account");
  for (const auto& r : ctx.project.org.realms.value) use(r.common_account, "realm " + r.name.value);
  for (const auto& e : ctx.project.envs) use(e.account, "environment " + e.name.value);
}

}  // namespace eurus::model::build
