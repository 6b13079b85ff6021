// Observability and tenant access (docs/Observability.md): each environment's default X-Ray
// sampling rule, the tenants' own rates and the account's sampling-rule quota; the principals
// that may assume a tenant's read and release roles; images a release role could not push.

#include <algorithm>
#include <cmath>
#include <set>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

/// X-Ray's SamplingRule.ReservoirSize has a minimum of 0 and no documented maximum (X-Ray API
/// reference, SamplingRule). eurus stops at 1,000 traces a second: an account records at most
/// 2,600 segments a second (X-Ray quotas, not adjustable) and a trace has a segment for every
/// service it crosses, so a larger reservoir could not be recorded and is most likely a typo.
constexpr int64_t kMaxReservoir = 1000;

/// "Custom sampling rules per region": 25 per account and Region by default (AWS General
/// Reference, "AWS X-Ray endpoints and quotas"; Service Quotas code L-8C0C998A, adjustable).
/// AWS's own `Default` rule is not a custom rule and does not count. eurus keeps to the
/// default so that a new environment account applies without a quota request.
constexpr size_t kMaxSamplingRules = 25;

/// IAM's "Role trust policy length" quota: 2,048 characters by default, white space not
/// counted (IAM User Guide, "IAM and AWS STS quotas"; adjustable up to 4,096).
constexpr size_t kMaxTrustPolicy = 2048;
/// An estimate of the trust policy's size, kept on the safe side: the 41 characters of
/// {"Version":"2012-10-17","Statement":[]}, and per principal its ARN plus about 60 characters
/// of JSON around it (a statement {"Effect":"Allow","Principal":{"AWS":"<ARN>"},
/// "Action":"sts:AssumeRole"} is 68 besides the ARN; a shared statement costs less).
constexpr size_t kTrustPolicyEnvelope = 41;
constexpr size_t kTrustPolicyPerPrincipal = 60;

/// A sampling rate (X-Ray's FixedRate: 0 to 1), or nullopt after E0325.
std::optional<double> Rate(Context& ctx, const config::Num& n) {
  if (n.value >= 0 && n.value <= 1) return n.value;  // false for NaN
  ctx.Report(Bad(codes::kSampling, fmt::format("sampling rate {} is not between 0 and 1", n.value), n.span,
                 "the share of requests traced: 0 to 1")
                 .Help("write a share, not a percent: `sampling_rate: 0.05` traces 5 % of the requests "
                       "beyond the reservoir"));
  return std::nullopt;
}

/// The partition of the org's region (aws-us-gov for us-gov-*, aws-cn for cn-*); empty when the
/// region is not a region name.
std::string OrgPartition(const Context& ctx) {
  if (!ctx.region_ok) return {};
  if (ctx.org.region.starts_with("us-gov-")) return "aws-us-gov";
  if (ctx.org.region.starts_with("cn-")) return "aws-cn";
  return "aws";
}

/// E0324 for an `access` item that is no IAM role or user ARN of the org's partition; true when
/// it is one.
bool CheckPrincipal(Context& ctx, const config::Str& p) {
  const std::string& v = p.value;
  const std::string region = ctx.region_ok ? ctx.org.region : "eu-west-1";
  const std::string help = fmt::format(
      "name a role or user the team already has, such as its IAM Identity Center permission set's role "
      "`arn:{}:iam::111111111111:role/aws-reserved/sso.amazonaws.com/{}/AWSReservedSSO_ShopDevelopers_0123456789abcdef` "
      "or its CI's role `arn:{}:iam::111111111111:role/shop-ci`",
      OrgPartition(ctx).empty() ? "aws" : OrgPartition(ctx), region,
      OrgPartition(ctx).empty() ? "aws" : OrgPartition(ctx));
  if (AccountId(v)) {
    ctx.Report(Bad(codes::kTenantAccess, fmt::format("`{}` is an account id, not an IAM role or user", v), p.span,
                   "an account trusts every principal in it")
                   .Help(help));
    return false;
  }
  if (!PrincipalArn(v)) {
    bool root = AccountRoot(v);
    ctx.Report(Bad(codes::kTenantAccess,
                   root ? fmt::format("`{}` is an account root", v)
                        : fmt::format("`{}` is not the ARN of an IAM role or user", v),
                   p.span, root ? "an account root trusts every principal of that account" : "expected an IAM role or user ARN")
                   .Help(help));
    return false;
  }
  const std::string org = OrgPartition(ctx);
  if (!org.empty() && PartitionOf(v) != org) {
    ctx.Report(Bad(codes::kTenantAccess,
                   fmt::format("`{}` is in the {} partition, the org's region {} is in {}", v, PartitionOf(v),
                               ctx.org.region, org),
                   p.span, "a role cannot trust a principal of another partition")
                   .Help(help));
    return false;
  }
  return true;
}

/// One list of `access` (`read` or `release`): valid, distinct principals whose trust policy fits.
std::vector<std::string> Principals(Context& ctx, const config::StrList& list, const char* role) {
  std::vector<const config::Str*> valid;
  std::set<std::string> seen;
  for (const auto& p : list.value) {
    if (!CheckPrincipal(ctx, p)) continue;
    if (!seen.insert(p.value).second) {
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("principal `{}` is listed twice", p.value), p.span,
                     "listed again here")
                     .Help("remove one of the two entries"));
      continue;
    }
    valid.push_back(&p);
  }
  size_t total = kTrustPolicyEnvelope;
  for (const config::Str* p : valid) total += kTrustPolicyPerPrincipal + p->value.size();
  if (total > kMaxTrustPolicy) {
    size_t size = kTrustPolicyEnvelope;
    for (const config::Str* p : valid) {
      size += kTrustPolicyPerPrincipal + p->value.size();
      if (size <= kMaxTrustPolicy) continue;
      ctx.Report(Bad(codes::kTenantAccess,
                     fmt::format("the {} role's trust policy would need about {} characters, IAM allows {}", role,
                                 total, kMaxTrustPolicy),
                     p->span, "from here on the principals do not fit")
                     .Note(fmt::format("eurus counts each principal's ARN and about {} characters of JSON around it",
                                       kTrustPolicyPerPrincipal))
                     .Help("trust fewer principals: one IAM Identity Center permission set's role, or one CI "
                           "role, stands for a whole team"));
      break;
    }
  }
  std::vector<std::string> out;
  for (const config::Str* p : valid) out.push_back(p->value);
  return out;
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
std::string Quoted(const std::set<std::string>& names) {
  std::vector<std::string> v;
  for (const auto& n : names) v.push_back("`" + n + "`");
  return List(v, "and");
}

}  // namespace

void BuildTracing(Context& ctx, const config::EnvDoc& d, Environment& e) {
  e.sampling_rate = e.realm == RealmKind::kProd ? kSamplingRateProd : kSamplingRateNonprod;
  e.sampling_reservoir = 1;
  e.tracing_span = d.tracing.span;
  if (d.tracing.sampling_rate)
    if (std::optional<double> r = Rate(ctx, d.tracing.sampling_rate)) e.sampling_rate = *r;
  if (const config::Int& r = d.tracing.reservoir; r) {
    if (r.value < 0 || r.value > kMaxReservoir) {
      ctx.Report(Bad(codes::kSampling, fmt::format("reservoir {} is out of range", r.value), r.span,
                     fmt::format("0 to {} requests a second", kMaxReservoir))
                     .Note("the reservoir is how many requests a second the environment's tasks trace together "
                           "before the rate applies; an account records at most 2,600 segments a second")
                     .Help("keep the default 1, or 0 to trace by the rate alone"));
    } else {
      e.sampling_reservoir = static_cast<int>(r.value);
    }
  }
}

void BuildSampling(Context& ctx, const config::TenantDoc& doc, Deployment& dep) {
  if (!doc.tracing.sampling_rate) return;
  if (std::optional<double> r = Rate(ctx, doc.tracing.sampling_rate)) {
    dep.sampling_rate = *r;
    dep.sampling_span = doc.tracing.sampling_rate.span;
  }
}

void BuildAccess(Context& ctx, const config::TenantDoc& doc, Tenant& t) {
  t.access.span = doc.access.span;
  t.access.read = Principals(ctx, doc.access.read, "read");
  t.access.release = Principals(ctx, doc.access.release, "release");
}

void CheckSamplingRules(Context& ctx) {
  std::vector<const Tenant*> by_name;
  for (const Tenant& t : ctx.org.tenants) by_name.push_back(&t);
  std::sort(by_name.begin(), by_name.end(), [](const Tenant* a, const Tenant* b) { return a->name < b->name; });
  for (const Environment& env : ctx.org.environments) {
    size_t rules = 1;  // the environment's default rule
    const Deployment* first_over = nullptr;
    const Tenant* first_over_tenant = nullptr;
    for (const Tenant* t : by_name)
      for (const Deployment& dep : t->deployments) {
        if (dep.env != env.name || !dep.sampling_rate) continue;
        if (++rules == kMaxSamplingRules + 1) {
          first_over = &dep;
          first_over_tenant = t;
        }
      }
    if (!first_over) continue;
    ctx.Report(Bad(codes::kSamplingRules,
                   fmt::format("environment `{}` needs {} X-Ray sampling rules, its account allows {}", env.name,
                               rules, kMaxSamplingRules),
                   first_over->sampling_span,
                   fmt::format("tenant `{}`'s rule is the first past the quota", first_over_tenant->name))
                   .Note("one rule for the environment plus one per tenant with its own `tracing.sampling_rate`; "
                         "AWS's own `Default` rule does not count. The quota (\"Custom sampling rules per region\") "
                         "is adjustable, but eurus keeps to the default so that a new account applies")
                   .Help(fmt::format("drop `tracing.sampling_rate` from {} tenant{} in `{}`; tenants without one "
                                     "use the environment's rate (`tracing.sampling_rate` in environments/{}.yaml)",
                                     rules - kMaxSamplingRules == 1 ? "a" : fmt::format("{}", rules - kMaxSamplingRules),
                                     rules - kMaxSamplingRules == 1 ? "" : "s", env.name, env.name)));
  }
}

void WarnSharedImages(Context& ctx) {
  std::set<std::string> releasing;
  for (const Tenant& t : ctx.org.tenants)
    if (!t.access.release.empty()) releasing.insert(t.name);
  if (releasing.empty()) return;
  std::set<std::tuple<FileId, uint32_t>> warned;  // an app in several environments: once
  for (const auto& [key, uses] : ctx.images) {
    std::set<std::string> tenants;
    for (const ImageUse& u : uses) tenants.insert(u.tenant);
    if (tenants.size() < 2 ||
        std::none_of(tenants.begin(), tenants.end(), [&](const std::string& n) { return releasing.count(n) > 0; }))
      continue;
    for (const ImageUse& u : uses) {
      if (!warned.emplace(u.span.file, u.span.begin).second) continue;
      std::set<std::string> others = tenants;
      others.erase(u.tenant);
      Diagnostic w = Warning(codes::kWarnSharedImage,
                             fmt::format("image `{}` is also run by tenant{} {} in the {} realm", key.second,
                                         others.size() > 1 ? "s" : "", Quoted(others), RealmName(key.first)));
      w.Label(u.span, "no tenant's release role may push a repository another tenant runs");
      const std::string own = u.tenant + "/" + u.app;
      w.Help(own == key.second ? fmt::format("give each tenant its own repository; `{}` can stay with tenant `{}`",
                                             own, u.tenant)
                               : fmt::format("give each tenant its own repository, such as `{}`", own));
      ctx.Report(std::move(w));
    }
  }
}

}  // namespace eurus::model::build
