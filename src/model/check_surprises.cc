// W0018-W0023: valid configurations that do not do what they seem to. Each warning sits at
// the setting that surprises and says how to get what was probably meant.

#include "model/check_surprises.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

const config::TenantFile* FileOf(const Context& ctx, const std::string& tenant) {
  for (const auto& tf : ctx.project.tenants)
    if (tf.name.value == tenant) return &tf;
  return nullptr;
}

const config::AppDoc* BaseApp(const config::TenantFile& tf, const std::string& app) {
  for (const auto& a : tf.doc.apps)
    if (a.name.value == app) return &a;
  return nullptr;
}

/// The app's `expose` is written for `env`: in the tenant's base document or in its
/// override for that environment (`expose: []` keeps a route internal on purpose).
bool ExposeWritten(const config::TenantFile& tf, const std::string& app, const std::string& env) {
  const config::AppDoc* base = BaseApp(tf, app);
  if (base && base->expose.given) return true;
  for (const auto& ov : tf.overrides) {
    if (ov.env != env) continue;
    const config::Node* apps = ov.node.Find("apps");
    const config::Node* a = apps ? apps->Find(app) : nullptr;
    if (a && a->Find("expose")) return true;
  }
  return false;
}

/// W0018: the shared ALB is internal, and its security group admits HTTP(S) from the VPC's
/// own range only (synth/platform_alb.cc): a routed app the edge does not publish is
/// reachable from inside the VPC and nowhere else (an internal load balancer's nodes have
/// only private addresses, so it "can only route requests from clients with access to the
/// VPC": ELB docs, elb-internal-load-balancers.html). Only hosts inside the environment's zone,
/// which the edge could serve: a host elsewhere (`catalog.internal.example.com`) is an
/// internal name on purpose.
void WarnInternalOnlyRoutes(Context& ctx) {
  struct Unexposed {
    std::string tenant, app;
    Span span;
    std::vector<std::string> envs;
    bool cloudfront = true;  ///< every one of `envs` has CloudFront (else: the API Gateway)
  };
  std::map<std::tuple<std::string, std::string, FileId, uint32_t>, Unexposed> found;
  for (const Tenant& t : ctx.org.tenants) {
    const config::TenantFile* tf = FileOf(ctx, t.name);
    if (!tf) continue;
    for (const Deployment& dep : t.deployments) {
      const Environment* env = ctx.org.environment(dep.env);
      if (!env || !(env->cloudfront || env->api_gateway)) continue;
      for (const App& a : dep.apps) {
        if (!a.route || a.expose_cloudfront || a.expose_api) continue;
        if (ValidationOf(a.route->host, env->zone) == HostValidation::kManual) continue;
        if (ExposeWritten(*tf, a.name, env->name)) continue;
        Unexposed& u = found[{t.name, a.name, a.route->span.file, a.route->span.begin}];
        u.tenant = t.name, u.app = a.name, u.span = a.route->span;
        u.envs.push_back(env->name);
        u.cloudfront = u.cloudfront && env->cloudfront;
      }
    }
  }
  for (const auto& [key, u] : found) {
    Diagnostic w = Warning(codes::kWarnInternalOnlyRoute,
                           fmt::format("app `{}` of tenant `{}` is reachable only from inside the VPC in {}", u.app,
                                       u.tenant, List(u.envs, "and")));
    w.Label(u.span, "routed on the internal ALB only: no `expose`");
    w.Note(fmt::format("the shared ALB is internal and admits HTTP(S) from the VPC only; the edge of {} publishes "
                       "a route only when the app exposes it",
                       List(u.envs, "and")));
    w.Help(u.cloudfront ? "add `expose: [cloudfront]` to serve it on the internet through CloudFront (or `[api]` "
                          "through the API Gateway); `expose: []` keeps it internal and silences this warning"
                        : "add `expose: [api]` to serve it through the API Gateway; `expose: []` keeps it internal "
                          "and silences this warning");
    ctx.Report(std::move(w));
  }
}

/// W0019, W0021, W0022: network settings that configure something the environment does not
/// have.
void WarnIdleNetworkSettings(Context& ctx) {
  for (const Environment& e : ctx.org.environments) {
    auto doc = ctx.env_docs.find(e.name);
    if (doc == ctx.env_docs.end()) continue;
    const auto& dn = doc->second->network;
    const Network& n = e.network;
    if (dn.nat_gateways.given && !n.internet_egress && !dn.egress.set) {
      Diagnostic w = Warning(codes::kWarnNatWithoutEgress,
                             fmt::format("`nat_gateways` does nothing in environment `{}`: it has no NAT gateway", e.name));
      w.Label(dn.nat_gateways.span, "no `internet_egress` and no `egress`");
      w.Note("NAT gateways exist only for `internet_egress: true` (public) or `egress` (private); tasks reach AWS "
             "APIs through interface endpoints");
      w.Help("remove `nat_gateways`, or turn on `internet_egress` for internet access");
      ctx.Report(std::move(w));
    }
    if (dn.flow_logs.retention_days.given && !n.flow_logs) {
      Diagnostic w = Warning(codes::kWarnIdleFlowLogRetention,
                             fmt::format("`flow_logs.retention_days` does nothing in environment `{}`: flow logs are off",
                                         e.name));
      w.Label(dn.flow_logs.retention_days.span, "no flow log to keep");
      w.Secondary(dn.flow_logs.enabled.span, "turned off here");
      w.Help("remove `retention_days`, or remove `enabled: false` to record the VPC's traffic");
      ctx.Report(std::move(w));
    }
    const bool no_endpoints = n.endpoints == EndpointMode::kNone ||
                              (n.endpoints == EndpointMode::kList && n.endpoint_services.empty()) ||
                              (n.endpoints == EndpointMode::kAuto && n.internet_egress);
    if (dn.endpoint_zones.given && no_endpoints) {
      Diagnostic w = Warning(codes::kWarnIdleEndpointZones,
                             fmt::format("`endpoint_zones` does nothing in environment `{}`: it has no interface endpoints",
                                         e.name));
      w.Label(dn.endpoint_zones.span, "no endpoint to place");
      if (n.endpoints == EndpointMode::kAuto)
        w.Note("`endpoints: auto` creates none with `internet_egress`: tasks reach AWS APIs through the NAT gateway");
      w.Help("remove `endpoint_zones`");
      ctx.Report(std::move(w));
    }
  }
}

/// One range of an environment's VPC: its primary CIDR or the private NAT's secondary one.
struct VpcRange {
  Cidr cidr;
  Span span;
  const char* what;
};

std::vector<VpcRange> RangesOf(const config::EnvDoc& d) {
  std::vector<VpcRange> v;
  auto add = [&](const config::Str& s, const char* what) {
    if (!s) return;
    auto c = Cidr::Parse(s.value);
    if (c && c->aligned()) v.push_back({*c, s.span, what});
  };
  add(d.network.cidr, "VPC CIDR");
  add(d.network.egress.cidr, "egress CIDR");
  return v;
}

/// W0020: two environments whose VPC ranges overlap, at the later one (by name), naming the
/// earlier.
void WarnOverlappingVpcs(Context& ctx) {
  const auto& envs = ctx.project.envs;  // sorted by name
  std::vector<std::vector<VpcRange>> ranges;
  for (const auto& d : envs) ranges.push_back(RangesOf(d));
  for (size_t i = 0; i < envs.size(); ++i)
    for (const VpcRange& r : ranges[i]) {
      for (size_t j = 0; j < i; ++j) {
        auto other = std::find_if(ranges[j].begin(), ranges[j].end(),
                                  [&](const VpcRange& o) { return o.cidr.Overlaps(r.cidr); });
        if (other == ranges[j].end()) continue;
        const std::string& a = envs[j].name.value;
        const std::string& b = envs[i].name.value;
        bool same = other->cidr.first() == r.cidr.first() && other->cidr.prefix == r.cidr.prefix;
        Diagnostic w = Warning(codes::kWarnOverlappingVpcs,
                               fmt::format("the {} {} of environment `{}` {} the {} {} of `{}`", r.what,
                                           r.cidr.ToString(), b, same ? "is" : "overlaps", other->what,
                                           other->cidr.ToString(), a));
        w.Label(r.span, same ? fmt::format("the same range as `{}`", a) : fmt::format("overlaps `{}`", a));
        w.Secondary(other->span, fmt::format("`{}`'s {}", a, other->what));
        w.Note("overlapping VPCs cannot be peered or routed to each other (transit gateway, VPN), and their "
               "addresses read alike in logs and flow logs");
        w.Help("give each environment a range of its own; a deployed VPC's CIDR cannot change without replacing "
               "the VPC and everything in it, so choose before the first apply");
        ctx.Report(std::move(w));
        break;  // one warning per range, naming the first environment it overlaps
      }
    }
}

/// W0023: scaling targets on an app whose replica range is a single number: target
/// tracking moves the desired count between `replicas.min` and `replicas.max` only
/// ("scaling policies will never go higher or lower than the minimum-maximum range":
/// Application Auto Scaling user guide, getting-started.html).
void WarnFixedScaling(Context& ctx) {
  struct Fixed {
    Span span;
    std::string tenant, app;
    std::vector<std::string> envs;
    int replicas = 0;
  };
  std::map<std::pair<std::string, std::string>, Fixed> found;
  for (const Tenant& t : ctx.org.tenants) {
    const config::TenantFile* tf = FileOf(ctx, t.name);
    for (const Deployment& dep : t.deployments)
      for (const App& a : dep.apps) {
        if (!(a.scaling_cpu || a.scaling_memory || a.scaling_requests) || a.replicas_min != a.replicas_max) continue;
        Fixed& f = found[{t.name, a.name}];
        if (f.envs.empty()) {
          f.span = a.span;
          const config::AppDoc* base = tf ? BaseApp(*tf, a.name) : nullptr;
          if (base)
            for (const config::Int* s : {&base->scaling_cpu, &base->scaling_memory, &base->scaling_requests})
              if (s->given) { f.span = s->key_span; break; }
          f.tenant = t.name, f.app = a.name, f.replicas = a.replicas_min;
        }
        f.envs.push_back(dep.env);
      }
  }
  for (const auto& [key, f] : found) {
    Diagnostic w = Warning(codes::kWarnFixedScaling,
                           fmt::format("`scaling` of app `{}` (tenant `{}`) does nothing in {}: it runs exactly {} "
                                       "replica{}",
                                       f.app, f.tenant, List(f.envs, "and"), f.replicas, f.replicas == 1 ? "" : "s"));
    w.Label(f.span, "replicas.min equals replicas.max");
    w.Note("target tracking moves the task count between `replicas.min` and `replicas.max`; without `max`, max is min");
    w.Help("raise `replicas.max` above `replicas.min` to let it scale, or remove `scaling`");
    ctx.Report(std::move(w));
  }
}

}  // namespace

void WarnSurprises(Context& ctx) {
  WarnInternalOnlyRoutes(ctx);   // W0018
  WarnIdleNetworkSettings(ctx);  // W0019, W0021, W0022
  WarnOverlappingVpcs(ctx);      // W0020
  WarnFixedScaling(ctx);         // W0023
}

}  // namespace eurus::model::build
