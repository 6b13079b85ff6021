// E0811: a tenant's roles reach only the tenant's own resources. A tenant role is an
// aws_iam_role named `<org>-<tenant>-read` or `<org>-<tenant>-release` (synth/access.h), in
// whatever unit (the release roles of the registries live in the common accounts' units);
// <org> is the unit's eurus:org tag, <tenant> has no `-` (tenant names never do). Every Allow
// statement of its inline policies (aws_iam_role_policy blocks naming it, `inline_policy`)
// must name, for every resource:
// - a resource of the tenant, told by its name, which holds the tenant between separators no
//   tenant name contains: log groups `/eurus/<org>/<env>/<tenant>/...`, alarms
//   `<org>-<tenant>-...`, the ECS cluster `<org>-<tenant>` and its services and tasks, image
//   parameters `/eurus/<env>/<tenant>/...`; or an ECR repository whose block (in a unit of
//   the ARN's account) came from the tenant's own file (its "//" origin: the first app that
//   names the image). A repository several tenants name points at the first of them; the
//   synth grants it to none (registry.cc), which only the synth's tests can see;
// - the environment's dashboard `<org>-<env>-platform` (shared, read only);
// - `*` only for the actions IAM cannot scope below the account (kAccountWide), or for ECS
//   list calls conditioned on the tenant's own cluster (ecs:cluster).
// A resource that is not a literal ARN (a reference) cannot be judged and is left alone;
// NotAction and NotResource in an Allow are findings (they allow what they do not name).

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "check/codes.h"
#include "check/policy/rules.h"
#include "synth/synth.h"

namespace eurus::check::policy {
namespace {

/// Actions that take no resource, or none that could name a tenant: granted on `*` by
/// design (the metric and trace reads, the Logs Insights and Live Tail calls without a
/// resource, the registry login). Sorted.
constexpr std::string_view kAccountWide[] = {
    "cloudwatch:GetMetricData",  "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListDashboards", "cloudwatch:ListMetrics",
    "ecr:GetAuthorizationToken", "logs:DescribeLogGroups",
    "logs:GetQueryResults",      "logs:StopLiveTail",
    "logs:StopQuery",            "xray:BatchGetTraces",
    "xray:GetServiceGraph",      "xray:GetTimeSeriesServiceStatistics",
    "xray:GetTraceGraph",        "xray:GetTraceSummaries",
};
static_assert(std::is_sorted(std::begin(kAccountWide), std::end(kAccountWide)));
/// ECS calls that take no resource but honour the ecs:cluster condition key.
constexpr std::string_view kClusterLists[] = {"ecs:ListServices", "ecs:ListTasks"};

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

/// Whose resources a role may reach.
struct Owner {
  std::string org, env, tenant;
  std::string role;  ///< the role's name
};

/// The tenant of `<org>-<tenant>-read` / `<org>-<tenant>-release`; nullopt for other names.
std::optional<std::string> RoleTenant(const std::string& org, const std::string& name) {
  if (!StartsWith(name, org + "-")) return std::nullopt;
  std::string_view rest = std::string_view(name).substr(org.size() + 1);
  for (std::string_view suffix : {"-read", "-release"}) {
    if (rest.size() <= suffix.size() || rest.substr(rest.size() - suffix.size()) != suffix) continue;
    std::string_view t = rest.substr(0, rest.size() - suffix.size());
    if (t.find('-') == std::string_view::npos) return std::string(t);
  }
  return std::nullopt;
}

struct Arn {
  std::string_view service, region, account, resource;
};

/// arn:<partition>:<service>:<region>:<account>:<resource>; nullopt for anything else.
std::optional<Arn> ParseArn(std::string_view s) {
  if (!StartsWith(s, "arn:") || s.find("${") != std::string_view::npos) return std::nullopt;
  std::string_view part[5];
  size_t at = 4;
  for (int i = 0; i < 4; ++i) {
    size_t colon = s.find(':', at);
    if (colon == std::string_view::npos) return std::nullopt;
    part[i] = s.substr(at, colon - at);
    at = colon + 1;
  }
  return Arn{part[1], part[2], part[3], s.substr(at)};
}

/// The tenant segment of `rest` up to `stop`; empty when `rest` has no `stop`.
std::string_view Segment(std::string_view rest, char stop) {
  size_t end = rest.find(stop);
  return end == std::string_view::npos ? std::string_view() : rest.substr(0, end);
}

/// (account, repository name) → the tenant whose file the repository block came from
/// ("" for the platform's own or an unknown origin), over every unit.
std::map<std::pair<std::string, std::string>, std::string> RepositoryOwners(const Index& ix) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  for (const PolicyUnit& unit : ix.units) {
    if (!unit.resources || !unit.resources->is_object()) continue;
    auto it = unit.resources->find("aws_ecr_repository");
    if (it == unit.resources->end() || !it->is_object()) continue;
    for (const auto& [k, body] : it->items()) {
      const std::string* name = Str(At(body, "name"));
      if (!name) continue;
      const std::string* origin = Str(At(body, "//"));
      std::string tenant;
      if (origin && StartsWith(*origin, "tenants/")) {
        std::string_view rest = std::string_view(*origin).substr(8);
        tenant = std::string(Segment(rest, '.'));
      }
      out[{AccountOf(unit, body), *name}] = tenant;
    }
  }
  return out;
}

/// Empty when `arn` is `w`'s own resource; otherwise why not ("belongs to tenant `blog`").
std::string NotOwn(Context& ctx, const Owner& w, const std::string& arn) {
  std::optional<Arn> a = ParseArn(arn);
  if (!a) return {};  // a reference, or not an ARN: cannot judge
  // `t`: the tenant segment of the name; empty when there is none (or it is a pattern).
  auto other = [&](std::string_view t) -> std::string {
    if (t.find_first_of("*?") != std::string_view::npos) t = {};
    if (t == w.tenant) return {};
    return t.empty() ? fmt::format("is not tenant `{}`'s", w.tenant)
                     : fmt::format("belongs to tenant `{}`", t);
  };
  const std::string_view r = a->resource;
  if (a->service == "logs") {
    const std::string prefix = fmt::format("log-group:/eurus/{}/{}/", w.org, w.env);
    if (!StartsWith(r, prefix)) return other("");
    return other(Segment(r.substr(prefix.size()), '/'));
  }
  if (a->service == "cloudwatch") {
    if (r == fmt::format("dashboard/{}-{}-platform", w.org, w.env)) return {};
    const std::string prefix = fmt::format("alarm:{}-", w.org);
    if (!StartsWith(r, prefix)) return other("");
    return other(Segment(r.substr(prefix.size()), '-'));
  }
  if (a->service == "ecs") {
    for (std::string_view kind : {"cluster/", "service/", "task/"}) {
      if (!StartsWith(r, kind)) continue;
      std::string_view cluster = r.substr(kind.size());
      if (kind != "cluster/") cluster = Segment(cluster, '/');
      if (!StartsWith(cluster, w.org + "-")) return other("");
      std::string_view t = cluster.substr(w.org.size() + 1);
      return t.find('-') == std::string_view::npos ? other(t) : other("");
    }
    return other("");
  }
  if (a->service == "ssm") {
    const std::string prefix = fmt::format("parameter/eurus/{}/", w.env);
    if (!StartsWith(r, prefix)) return other("");
    return other(Segment(r.substr(prefix.size()), '/'));
  }
  if (a->service == "ecr" && StartsWith(r, "repository/")) {
    const std::string name(r.substr(11));
    if (name.find_first_of("*?") != std::string::npos) return other("");
    if (!ctx.repository_owners) ctx.repository_owners = RepositoryOwners(ctx.ix);
    auto it = ctx.repository_owners->find({std::string(a->account), name});
    if (it == ctx.repository_owners->end()) return {};  // not among the units: cannot judge
    return other(it->second);
  }
  return other("");
}

/// The actions of a statement (one string or an array).
std::vector<std::string> Actions(const json& st) {
  std::vector<std::string> out;
  if (const json* a = At(st, "Action")) ForEachString(*a, [&](const json& e) { out.push_back(e); });
  return out;
}

/// True when a statement on `*` is allowed: every action account-wide, or ECS lists held to
/// the tenant's own cluster by the ecs:cluster condition.
bool StarAllowed(const Owner& w, const std::string& account, const json& st,
                 const std::vector<std::string>& actions, std::string* bad) {
  bool lists = !actions.empty();
  for (const auto& action : actions) {
    if (!std::binary_search(std::begin(kAccountWide), std::end(kAccountWide), action) && bad->empty())
      *bad = action;
    lists = lists && std::find(std::begin(kClusterLists), std::end(kClusterLists), action) !=
                         std::end(kClusterLists);
  }
  if (bad->empty()) return true;
  if (!lists) return false;
  for (const char* op : {"ArnEquals", "StringEquals"}) {
    const std::string* c = Str(At(st, std::string("Condition.") + op + ".ecs:cluster"));
    if (!c) continue;
    std::optional<Arn> a = ParseArn(*c);
    if (a && a->service == "ecs" && a->account == account &&
        a->resource == fmt::format("cluster/{}-{}", w.org, w.tenant))
      return true;
  }
  return false;
}

void JudgePolicy(Context& ctx, size_t u, const Block& b, const Owner& w, const std::string& account,
                 const std::string& text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return;
  size_t i = 0;
  ForEachBlock(At(doc, "Statement"), [&](const json& st) {
    const size_t n = i++;
    const std::string* effect = Str(At(st, "Effect"));
    if (!effect || *effect != "Allow") return;
    const std::string* sid = Str(At(st, "Sid"));
    const std::string stmt = sid && !sid->empty() ? "`" + *sid + "`" : fmt::format("#{}", n + 1);
    auto report = [&](const std::string& what, const std::string& label, const std::string& help) {
      ctx.findings.Report(codes::kPolicyTenantRole, u, b,
                          fmt::format("(tenant role `{}`), statement {}: {}", w.role, stmt, what), label, help);
    };
    if (At(st, "NotAction") || At(st, "NotResource")) {
      report("allows by exclusion (NotAction/NotResource)", "NotAction/NotResource",
             "name the actions and the tenant's own resources");
      return;
    }
    const std::vector<std::string> actions = Actions(st);
    const json* resources = At(st, "Resource");
    if (!resources) return;
    ForEachString(*resources, [&](const json& e) {
      const std::string& res = e.get_ref<const std::string&>();
      if (res == "*") {
        std::string bad;
        if (!StarAllowed(w, account, st, actions, &bad))
          report(fmt::format("allows `{}` on `*`", bad), "`*`",
                 "IAM can scope this action: name the tenant's own resources (only the metric, "
                 "trace, Logs Insights and registry-login reads may use `*`)");
        return;
      }
      std::string why = NotOwn(ctx, w, res);
      if (!why.empty())
        report(fmt::format("reaches `{}`, which {}", res, why), "another tenant's resource",
               fmt::format("a tenant role may reach only tenant `{}`'s own resources", w.tenant));
    });
  });
}

}  // namespace

void TenantRole(Context& ctx, size_t u, const Block& b) {
  if (!b.body.is_object()) return;
  const PolicyUnit& unit = ctx.ix.units[u];
  const ProviderConfig* provider = ProviderOf(unit, b.body);
  const std::string* name = Str(At(b.body, "name"));
  if (!provider || !name) return;
  auto tag = [&](const char* key) -> std::string {
    auto it = provider->default_tags.find(key);
    return it == provider->default_tags.end() ? std::string() : it->second;
  };
  Owner w{tag(synth::tags::kOrg), tag(synth::tags::kEnvironment), "", *name};
  if (w.org.empty()) return;
  std::optional<std::string> tenant = RoleTenant(w.org, *name);
  if (!tenant) return;
  w.tenant = *tenant;
  const std::string account = provider->account;
  for (const json* p : Companions(ctx.ix, u, "aws_iam_role", b.name, "aws_iam_role_policy", "role", name))
    if (const std::string* text = Str(At(*p, "policy"))) JudgePolicy(ctx, u, b, w, account, *text);
  ForEachBlock(At(b.body, "inline_policy"), [&](const json& inline_policy) {
    if (const std::string* text = Str(At(inline_policy, "policy")))
      JudgePolicy(ctx, u, b, w, account, *text);
  });
}

}  // namespace eurus::check::policy
