// Routes on an environment's shared ALB and edge exposure (CloudFront, API Gateway) of an
// app, and the checks over every route of a run: conflicting claims, hand-validated hosts.

#include <algorithm>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

/// `route.host`: a label under the environment's zone, or a full public host name; empty
/// when invalid (reported).
std::string RouteHost(Context& ctx, const DeploymentScope& scope, const config::Str& host) {
  const std::string& h = host.value;
  const Org& org = ctx.org;
  if (h.find('.') == std::string::npos) {
    if (!DnsLabel(h))
      ctx.Report(Bad(codes::kBadRoute, fmt::format("`{}` is not a valid host name label", h), host.span,
                     "lowercase letters, digits and hyphens"));
    else if (org.domain.empty())
      ctx.Report(Bad(codes::kBadRoute, fmt::format("route host `{}` needs the org's domain", h), host.span,
                     fmt::format("would be {}.{}.<domain>", h, scope.env.name))
                     .Help("set `domain` in eurus.yaml, or give a full host name with dots"));
    else return fmt::format("{}.{}.{}", h, scope.env.name, org.domain);
  } else {
    if (!DnsName(h))
      ctx.Report(Bad(codes::kBadRoute, fmt::format("`{}` is not a valid host name", h), host.span,
                     "lowercase DNS labels joined by dots"));
    else if (std::string suffix = PrivateSuffix(h); !suffix.empty())
      ctx.Report(Bad(codes::kBadRoute, fmt::format("route host `{}` cannot get a public TLS certificate", h),
                     host.span, fmt::format("`.{}` is reserved for private use", suffix))
                     .Help("the shared ALB serves HTTPS with ACM certificates: use a name under a domain you "
                           "own, or set `domain` in eurus.yaml and give a short host"));
    else return h;
  }
  return {};
}

/// `route.paths`: ALB path patterns, each once; everything (`/*`) when absent.
std::vector<std::string> RoutePaths(Context& ctx, const config::StrList& paths) {
  if (!paths) return {"/*"};
  std::vector<std::string> out;
  for (const auto& p : paths.value) {
    if (p.value.empty() || p.value[0] != '/' || p.value.size() > 128)
      ctx.Report(Bad(codes::kBadRoute, fmt::format("route path `{}` must start with / and be at most 128 characters", p.value),
                     p.span, "invalid path pattern"));
    else if (p.value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.$/~\"'@:+&*?") !=
             std::string::npos)
      ctx.Report(Bad(codes::kBadRoute, fmt::format("route path `{}` holds a character the ALB does not accept", p.value),
                     p.span, "invalid path pattern")
                     .Help("ALB path patterns hold letters, digits, _-.$/~\"'@:+& and the wildcards * and ?"));
    else if (std::find(out.begin(), out.end(), p.value) != out.end())
      ctx.Report(Bad(codes::kDuplicateItem, fmt::format("route path `{}` is listed twice", p.value), p.span, "duplicate"));
    else out.push_back(p.value);
  }
  if (paths.value.empty())
    ctx.Report(Bad(codes::kBadRoute, "`route.paths` is empty", paths.span, "the route would match nothing")
                   .Help("omit `paths` to route everything (`/*`)"));
  return out;
}

/// `host` is `zone` or a name under it.
bool AtOrUnder(const std::string& host, const std::string& zone) {
  return !zone.empty() && (host == zone || (host.size() > zone.size() && host.ends_with(zone) &&
                                            host[host.size() - zone.size() - 1] == '.'));
}

/// Why CloudFront cannot serve `host` outside the environment's zone, and how it could:
/// E0328 under another environment's delegated zone in the apex owner, else E0321 with help
/// that names the apex owner, or says how to make one.
void ReportUnservableHost(Context& ctx, const Environment& env, const config::AppDoc& d, const config::Str& x,
                          const App& a) {
  const Org& org = ctx.org;
  const std::string& host = a.route->host;
  const Environment* other = nullptr;  // the environment whose zone holds the host
  const Environment* owner = nullptr;  // the apex zone's owner
  for (const Environment& e : org.environments) {
    if (e.name != env.name && AtOrUnder(host, e.zone)) other = &e;
    if (e.apex) owner = &e;
  }
  if (env.apex && other) {
    ctx.Report(Bad(codes::kApexShadowed,
                   fmt::format("app `{}` is exposed through CloudFront at `{}`, inside environment `{}`'s zone `{}`",
                               a.name, host, other->name, other->zone),
                   d.route.host.span, fmt::format("`{}` is delegated to environment `{}`", other->zone, other->name))
                   .Secondary(x.span, "exposed here")
                   .Note(fmt::format("the apex zone `{}` delegates `{}` to that environment's zone: records for `{}` in "
                                     "the apex zone would never be answered",
                                     org.domain, other->zone, host))
                   .Help(fmt::format("pick a name of the apex zone outside every environment's zone (e.g. `{}.{}`), "
                                     "or one under `{}`",
                                     a.name, org.domain, env.zone)));
    return;
  }
  Diagnostic err = Bad(codes::kEdgeExposure,
                       fmt::format("app `{}` is exposed through CloudFront at `{}`, outside the zone `{}`", a.name,
                                   host, env.zone),
                       d.route.host.span, "not coverable by the distribution's certificate");
  err.Secondary(x.span, "exposed here");
  const std::string short_host = fmt::format("`host: {}` (served as {}.{})", a.name, a.name, env.zone);
  if (!other && AtOrUnder(host, org.domain) && owner && owner != &env)
    err.Help(fmt::format("only environment `{}` owns the apex zone `{}` and serves its names: expose the app there, "
                         "or route it under `{}` with {}",
                         owner->name, org.domain, env.zone, short_host));
  else if (!other && AtOrUnder(host, org.domain) && env.realm == RealmKind::kProd)
    err.Help(fmt::format("set `ingress.apex_zone: true` in {} to serve names of `{}` from this environment, or "
                         "route the app under `{}` with {}",
                         env.file, org.domain, env.zone, short_host));
  else if (!other && AtOrUnder(host, org.domain))
    err.Help(fmt::format("names of `{}` are served by the environment that owns its apex zone: set "
                         "`ingress.apex_zone: true` in a prod environment's file and expose the app there, or route "
                         "it under `{}` with {}",
                         org.domain, env.zone, short_host));
  else
    err.Help(fmt::format("CloudFront serves names of zones eurus manages: route the app under `{}` with {}, or drop "
                         "`cloudfront` from `expose`",
                         env.zone, short_host));
  ctx.Report(std::move(err));
}

/// CloudFront serves a host under its us-east-1 certificate and an alias record in a zone
/// the environment manages (its own, or the apex zone it owns): a host outside them cannot
/// be served, nor an API Gateway custom domain.
void CheckCloudFrontHost(Context& ctx, const Environment& env, const config::AppDoc& d, const config::Str& x,
                         const App& a) {
  const std::string& zone = env.zone;
  const std::string& host = a.route->host;
  const HostValidation how = ValidationIn(env, host);
  if (how == HostValidation::kManual) return ReportUnservableHost(ctx, env, d, x, a);
  if (how == HostValidation::kZone || how == HostValidation::kApex)
    ctx.viewer_names[env.name].emplace(host, d.route.host.span);  // synth/ingress.cc adds it to the certificate
  if (env.api_gateway && (host == "api." + zone || (env.apex && host == "api." + env.apex->name)))
    ctx.Report(Bad(codes::kEdgeExposure,
                   fmt::format("app `{}` is exposed through CloudFront at `{}`, the API Gateway's custom domain",
                               a.name, host),
                   d.route.host.span, "reserved for the environment's HTTP API")
                   .Secondary(x.span, "exposed here")
                   .Help("pick another host for the app"));
}

}  // namespace

void BuildRoute(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  if (!d.route.set) return;
  Route r;
  r.span = d.route.span;
  if (!d.port.given)
    ctx.Report(Bad(codes::kPortRequired, fmt::format("app `{}` has a route but no port", a.name), d.route.span,
                   "the load balancer needs a port to forward to")
                   .Help("add `port:` or remove `route`"));
  if (d.route.host) r.host = RouteHost(ctx, scope, d.route.host);
  r.paths = RoutePaths(ctx, d.route.paths);
  if (r.host.empty()) return;
  const Environment& env = scope.env;
  CheckName(ctx, naming::TargetGroup(ctx.org.name, scope.tenant.name, a.name), a.span, "app");
  if (ValidationIn(env, r.host) == HostValidation::kManual) {
    ManualHost& m = ctx.manual_hosts[{r.host, d.route.host.span.file, d.route.host.span.begin}];
    m.span = d.route.host.span;
    m.envs.push_back(env.name);
  }
  a.route = r;
  for (const auto& p : r.paths) ctx.routes[env.name].push_back({r.host, p, scope.tenant.name, a.name, d.route.span});
}

void BuildExposure(Context& ctx, const DeploymentScope& scope, const config::AppDoc& d, App& a) {
  const Environment& env = scope.env;
  for (const auto& x : d.expose.value) {
    if (x.value == "cloudfront") a.expose_cloudfront = true;
    else if (x.value == "api") a.expose_api = true;
    else {
      std::string near = ClosestMatch(x.value, {"cloudfront", "api"});
      ctx.Report(Bad(codes::kBadValue, fmt::format("unknown exposure `{}`", x.value), x.span,
                     near.empty() ? "expected cloudfront or api" : "did you mean `" + near + "`?"));
      continue;
    }
    if (!d.route.set)
      ctx.Report(Bad(codes::kPortRequired, fmt::format("app `{}` is exposed through {} but has no route", a.name, x.value), x.span,
                     "the edge forwards to the app's ALB route")
                     .Help("add a `route` (and a `port`) to the app"));
    if (x.value == "cloudfront" && a.route && env.cloudfront) CheckCloudFrontHost(ctx, env, d, x, a);
    bool on = x.value == "cloudfront" ? env.cloudfront : env.api_gateway;
    if (!on)
      ctx.Report(Bad(codes::kIngress, fmt::format("app `{}` is exposed through {}, which environment `{}` does not turn on",
                                                  a.name, x.value, env.name),
                     x.span, "ingress is off in " + env.file)
                     .Help(fmt::format("set `ingress.{}: true` in {}, or drop `{}` from `expose` for this environment with an override",
                                       x.value == "cloudfront" ? "cloudfront" : "api_gateway", env.file, x.value)));
  }
}

void CheckRoutes(Context& ctx) {
  for (auto& [env, rs] : ctx.routes) {
    std::map<std::pair<std::string, std::string>, const RouteUse*> seen;
    for (const auto& r : rs) {
      auto [it, fresh] = seen.emplace(std::make_pair(r.host, r.path), &r);
      if (fresh || (it->second->tenant == r.tenant && it->second->app == r.app)) continue;
      ctx.Report(Bad(codes::kBadRoute,
                     fmt::format("route {}{} in environment `{}` is claimed by both {}/{} and {}/{}", r.host, r.path, env,
                                 it->second->tenant, it->second->app, r.tenant, r.app),
                     r.span, "claimed again here")
                     .Secondary(it->second->span, "first claimed here")
                     .Help("give one of the apps another host or path"));
    }
  }
}

/// ACM issues at most 10 names per certificate by default ("Domain names per ACM
/// certificate", adjustable up to 100: docs.aws.amazon.com/acm/latest/userguide/acm-limits.html).
/// The CloudFront certificate holds `<zone>`, `*.<zone>` and every exposed name the wildcard
/// does not cover: past 10, its request fails at apply unless the account raised the quota.
void CheckViewerCertificate(Context& ctx) {
  constexpr size_t kAcmNames = 10;
  for (const auto& [env, names] : ctx.viewer_names) {
    if (2 + names.size() <= kAcmNames) continue;
    // The names in order: the first past the quota is the one to report.
    size_t i = 2;
    for (const auto& [host, span] : names) {
      if (++i <= kAcmNames) continue;
      // A warning, not an error: an account that raised the quota applies fine.
      Diagnostic w = Warning(codes::kWarnViewerNames,
                             fmt::format("environment `{}`'s CloudFront certificate would hold {} names; ACM issues 10 "
                                         "by default and the platform unit's apply fails beyond them",
                                         env, 2 + names.size()));
      w.Label(span, fmt::format("`{}` is name {}", host, i));
      w.Help("serve apps at one-label hosts (`<name>.<env>.<domain>`, covered by the zone's wildcard), or raise the "
             "quota \"Domain names per ACM certificate\" in us-east-1 (Service Quotas) before applying");
      ctx.Report(std::move(w));
      break;
    }
  }
}

/// A route host outside the environment's zone gets a certificate that eurus cannot validate:
/// the platform unit's apply waits until someone adds its DNS records (docs/Platform.md).
void WarnManualCertificates(Context& ctx) {
  const Org& org = ctx.org;
  for (const auto& [key, m] : ctx.manual_hosts) {
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
    ctx.Report(std::move(w));
  }
}

}  // namespace eurus::model::build
