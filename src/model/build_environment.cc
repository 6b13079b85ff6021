// environments/*.yaml → model::Environment: realm, the layout (ha, Container Insights),
// network (VPC, zones, subnet sizes, NAT, private egress, flow logs, interface endpoints),
// ingress, protection, log retention, DR objectives; `tracing` is read in build_observability.cc.

#include <algorithm>
#include <optional>
#include <set>

#include "diag/codes.h"
#include "model/build_context.h"

namespace eurus::model::build {

namespace {

using config::Str;

bool TransitGatewayId(const std::string& s) {
  if (s.size() < 12 || s.size() > 21 || s.compare(0, 4, "tgw-") != 0) return false;
  return std::all_of(s.begin() + 4, s.end(), [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); });
}

/// The RFC 1918 (or 198.19.0.0/16) block holding `c`, as an index; -1 for none.
int PrivateBlock(const Cidr& c) {
  static const Cidr blocks[] = {{0x0A000000u, 8}, {0xAC100000u, 12}, {0xC0A80000u, 16}, {0xC6130000u, 16}};
  for (int i = 0; i < 4; ++i)
    if (blocks[i].Contains(c)) return i;
  return -1;
}

std::optional<Cidr> ParseCidr(Context& ctx, const Str& s, int min_prefix, int max_prefix, const std::string& what) {
  std::string why;
  auto c = Cidr::Parse(s.value, &why);
  if (!c) {
    ctx.Report(Bad(codes::kBadCidr, fmt::format("`{}` is not a valid IPv4 CIDR", s.value), s.span, why)
                   .Help("write an address and prefix length, for example 10.0.0.0/16"));
    return std::nullopt;
  }
  if (!c->aligned()) {
    ctx.Report(Bad(codes::kCidrAlignment, fmt::format("{} `{}` has host bits set", what, s.value), s.span,
                   fmt::format("not aligned to /{}", c->prefix))
                   .Help(fmt::format("did you mean `{}`?", c->Network().ToString())));
    return std::nullopt;
  }
  if (c->prefix < min_prefix || c->prefix > max_prefix) {
    ctx.Report(Bad(codes::kCidrRange, fmt::format("{} must be /{} to /{}, found /{}", what, min_prefix, max_prefix, c->prefix),
                   s.span, "prefix length out of range")
                   .Help(what == "the VPC CIDR" ? "AWS allows VPC CIDRs from /16 (65,536 addresses) to /28; eurus needs at least a /24"
                                                : "choose a prefix length in the allowed range"));
    return std::nullopt;
  }
  return c;
}

void CheckRetention(Context& ctx, const config::Int& r) {
  const auto& ok = LogRetentionDays();
  if (std::find(ok.begin(), ok.end(), r.value) != ok.end()) return;
  auto above = std::lower_bound(ok.begin(), ok.end(), r.value);
  std::string hint = above == ok.end() ? "3653" : std::to_string(*above);
  ctx.Report(Bad(codes::kRetention, fmt::format("CloudWatch Logs cannot keep logs for {} days", r.value), r.span,
                 "not a retention period CloudWatch accepts")
                 .Note("accepted: " + List(Strings(ok)))
                 .Help(fmt::format("the nearest longer period is {}", hint)));
}

using NetworkDoc = decltype(config::EnvDoc::network);

/// `availability_zones`: distinct, of the org's region, 2 to 6 of them.
void BuildAvailabilityZones(Context& ctx, const NetworkDoc& dn, Network& n) {
  const Org& org = ctx.org;
  std::set<std::string> seen_az;
  for (const auto& az : dn.availability_zones.value) {
    if (!seen_az.insert(az.value).second) {
      ctx.Report(Bad(codes::kAzDuplicate, fmt::format("availability zone `{}` is listed twice", az.value), az.span,
                     "duplicate").Help("list each zone once"));
      continue;
    }
    bool ok = !ctx.region_ok || (az.value.size() == org.region.size() + 1 &&
                                 az.value.compare(0, org.region.size(), org.region) == 0 &&
                                 IsLower(az.value.back()));
    if (!ok)
      ctx.Report(Bad(codes::kAzRegion, fmt::format("`{}` is not an availability zone of {}", az.value, org.region),
                     az.span, fmt::format("expected {}a, {}b, ...", org.region, org.region))
                     .Help("all environments live in the org's single region; name zones like " + org.region + "a"));
    n.azs.push_back(az.value);
  }
  if (dn.availability_zones && n.azs.size() < 2)
    ctx.Report(Bad(codes::kAzCount, fmt::format("{} availability zone{} given; at least 2 are needed", n.azs.size(),
                                                n.azs.size() == 1 ? "" : "s"),
                   dn.availability_zones.span, "not highly available")
                   .Help("list two or three zones: the ALB, NAT gateways and data stores span them"));
  if (n.azs.size() > 6)
    ctx.Report(Bad(codes::kAzCount, fmt::format("{} availability zones given; eurus supports at most 6", n.azs.size()),
                   dn.availability_zones.span, "too many zones"));
}

/// The platform, tenant and data subnet prefix lengths; each must be longer than the VPC's.
void BuildSubnetSizes(Context& ctx, const NetworkDoc& dn, bool cidr_ok, Network& n) {
  auto size = [&](const config::Int& f, int def, int min, int max, const char* what) {
    if (!f) return def;
    int v = static_cast<int>(f.value);
    if (f.value < min || f.value > max || (cidr_ok && v <= n.cidr.prefix)) {
      std::string why = cidr_ok && v <= n.cidr.prefix && f.value >= min
                            ? fmt::format("a /{} subnet does not fit in the /{} VPC", v, n.cidr.prefix)
                            : fmt::format("must be {} to {}", min, max);
      ctx.Report(Bad(codes::kSubnetSize, fmt::format("invalid {} {}", what, f.value), f.span, why)
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
}

/// `nat_gateways`: per_az or single, which prod is warned against; unset, per_az when the
/// environment is highly available (`ha`), else single.
void BuildNatMode(Context& ctx, const NetworkDoc& dn, Environment& e) {
  Network& n = e.network;
  n.nat = e.ha ? NatMode::kPerAz : NatMode::kSingle;
  if (!dn.nat_gateways) return;
  n.nat = NatMode::kPerAz;
  if (dn.nat_gateways.value == "single") n.nat = NatMode::kSingle;
  else if (dn.nat_gateways.value != "per_az") {
    std::string near = ClosestMatch(dn.nat_gateways.value, {"per_az", "single"});
    ctx.Report(Bad(codes::kBadValue, fmt::format("unknown nat_gateways mode `{}`", dn.nat_gateways.value),
                   dn.nat_gateways.span, near.empty() ? "expected per_az or single" : "did you mean `" + near + "`?")
                   .Help("`per_az` (default, highly available) or `single` (cheaper, one AZ)"));
  }
  // Without egress there is no NAT gateway to lose (W0019 says the setting does nothing).
  const bool has_nat = (dn.internet_egress.set && dn.internet_egress.value) || dn.egress.set;
  if (n.nat == NatMode::kSingle && e.realm == RealmKind::kProd && has_nat) {
    Diagnostic w = Warning(codes::kWarnSingleNat,
                           fmt::format("prod environment `{}` uses a single NAT gateway", e.name));
    w.Label(dn.nat_gateways.span, "egress stops when this gateway's AZ fails");
    w.Help("use `nat_gateways: per_az` in prod");
    ctx.Report(std::move(w));
  }
}

/// `egress.cidr`: the private NAT's secondary VPC range; true when it is usable.
bool BuildEgressCidr(Context& ctx, const NetworkDoc& dn, bool cidr_ok, const Network& n, Egress& eg) {
  if (!dn.egress.cidr) return false;
  auto c = ParseCidr(ctx, dn.egress.cidr, 16, 28, "the egress CIDR");
  if (!c) return false;
  eg.cidr = *c;
  if (cidr_ok && c->Overlaps(n.cidr)) {
    ctx.Report(Bad(codes::kCidrOverlap, fmt::format("egress CIDR {} overlaps the VPC CIDR {}", c->ToString(), n.cidr.ToString()),
                   dn.egress.cidr.span, "overlaps the VPC")
                   .Secondary(dn.cidr.span, "the VPC CIDR")
                   .Help("the egress range is a secondary CIDR of the VPC: pick a routable range outside it"));
    return false;
  }
  if (cidr_ok) {
    int pv = PrivateBlock(n.cidr), pe = PrivateBlock(*c);
    if (pv >= 0 && pe >= 0 && pv != pe)
      ctx.Report(Bad(codes::kCidrOverlap,
                     fmt::format("AWS does not allow secondary CIDR {} on a VPC whose primary CIDR is {}", c->ToString(), n.cidr.ToString()),
                     dn.egress.cidr.span, "restricted association")
                     .Note("a VPC in one of 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 198.19.0.0/16 cannot add a CIDR from another of them")
                     .Help("take the egress range from the same private block as the VPC, or from 100.64.0.0/10"));
  }
  return true;
}

/// `egress.destinations`: networks outside the VPC reached through the private NAT.
void BuildEgressDestinations(Context& ctx, const NetworkDoc& dn, bool cidr_ok, bool egress_ok, const Network& n,
                             Egress& eg) {
  for (const auto& dst : dn.egress.destinations.value) {
    auto c = ParseCidr(ctx, dst, 0, 32, "the destination");
    if (!c) continue;
    if (c->prefix == 0) {
      ctx.Report(Bad(codes::kCidrOverlap, "0.0.0.0/0 cannot go through the private NAT gateway", dst.span,
                     "a private NAT gives no internet access")
                     .Help("use `internet_egress: true` for internet access"));
      continue;
    }
    if ((cidr_ok && c->Overlaps(n.cidr)) || (egress_ok && c->Overlaps(eg.cidr))) {
      ctx.Report(Bad(codes::kCidrOverlap, fmt::format("egress destination {} overlaps the VPC's own addresses", c->ToString()),
                     dst.span, "routes to it would shadow local traffic")
                     .Help("list only networks outside the VPC (on-premises or other VPCs)"));
      continue;
    }
    eg.destinations.push_back(*c);
  }
  if (dn.egress.destinations && dn.egress.destinations.value.empty())
    ctx.Report(Bad(codes::kMissingField, "`egress.destinations` is empty", dn.egress.destinations.span,
                   "nothing would be reached through the private NAT")
                   .Help("list the networks reached through it, or remove `egress`"));
}

/// `egress`: a private NAT gateway to other networks; kept only when its CIDR is usable.
void BuildEgress(Context& ctx, const NetworkDoc& dn, bool cidr_ok, Network& n) {
  if (!dn.egress.set) return;
  Egress eg;
  bool ok = BuildEgressCidr(ctx, dn, cidr_ok, n, eg);
  BuildEgressDestinations(ctx, dn, cidr_ok, ok, n, eg);
  if (dn.egress.transit_gateway_id) {
    if (!TransitGatewayId(dn.egress.transit_gateway_id.value))
      ctx.Report(Bad(codes::kBadTransitGateway, fmt::format("`{}` is not a transit gateway id", dn.egress.transit_gateway_id.value),
                     dn.egress.transit_gateway_id.span, "expected tgw- and 8 or 17 hex digits"));
    eg.transit_gateway_id = dn.egress.transit_gateway_id.value;
  }
  if (ok) n.egress = eg;
}

/// `endpoints`: auto (default), none, or a list of known services; `endpoint_zones`: all
/// (prod, where `one` is E0214) or one (the nonprod default).
void BuildEndpoints(Context& ctx, const NetworkDoc& dn, Environment& e) {
  Network& n = e.network;
  const bool prod = e.realm == RealmKind::kProd;
  const std::vector<std::string>& known = KnownEndpointServices();
  if (dn.endpoint_list) {
    n.endpoints = EndpointMode::kList;
    std::set<std::string> services;
    for (const config::Str& s : dn.endpoint_list.value) {
      if (std::find(known.begin(), known.end(), s.value) != known.end()) {
        services.insert(s.value);
        continue;
      }
      std::string near = ClosestMatch(s.value, known);
      ctx.Report(Bad(codes::kBadEndpoint, fmt::format("eurus knows no interface endpoint `{}`", s.value), s.span,
                     near.empty() ? "not a known service" : "did you mean `" + near + "`?")
                     .Note("known: " + List(known))
                     .Help(near.empty() ? "name services as in com.amazonaws.<region>.<service>, or write `endpoints: auto`"
                                        : "did you mean `" + near + "`?"));
    }
    n.endpoint_services.assign(services.begin(), services.end());
  } else if (dn.endpoints) {
    if (dn.endpoints.value == "none") n.endpoints = EndpointMode::kNone;
    else if (dn.endpoints.value != "auto") {
      std::string near = ClosestMatch(dn.endpoints.value, {"auto", "none"});
      ctx.Report(Bad(codes::kBadValue, fmt::format("unknown endpoints mode `{}`", dn.endpoints.value),
                     dn.endpoints.span, near.empty() ? "expected auto, none or a list" : "did you mean `" + near + "`?")
                     .Help("`auto` (what the tasks use), `none`, or a list such as `[ecr.api, ecr.dkr, logs]`"));
    }
  }
  n.endpoints_one_zone = !prod;
  if (!dn.endpoint_zones) return;
  if (dn.endpoint_zones.value == "one") n.endpoints_one_zone = true;
  else if (dn.endpoint_zones.value == "all") n.endpoints_one_zone = false;
  else {
    std::string near = ClosestMatch(dn.endpoint_zones.value, {"all", "one"});
    ctx.Report(Bad(codes::kBadValue, fmt::format("unknown endpoint_zones `{}`", dn.endpoint_zones.value),
                   dn.endpoint_zones.span, near.empty() ? "expected all or one" : "did you mean `" + near + "`?")
                   .Help("`all` (an endpoint interface in every AZ) or `one` (the first AZ only, nonprod)"));
  }
  if (prod && n.endpoints_one_zone) {
    ctx.Report(Bad(codes::kEndpointZoneProd,
                   fmt::format("prod environment `{}` cannot put its interface endpoints in one zone", e.name),
                   dn.endpoint_zones.span, "tasks lose AWS APIs when that zone fails")
                   .Help("remove `endpoint_zones: one`: prod keeps an endpoint interface in every AZ"));
    n.endpoints_one_zone = false;
  }
}

void BuildNetwork(Context& ctx, const config::EnvDoc& d, Environment& e) {
  Network& n = e.network;
  const auto& dn = d.network;
  bool cidr_ok = false;
  if (dn.cidr) {
    if (auto c = ParseCidr(ctx, dn.cidr, 16, 24, "the VPC CIDR")) {
      n.cidr = *c;
      cidr_ok = true;
    }
  }
  BuildAvailabilityZones(ctx, dn, n);
  BuildSubnetSizes(ctx, dn, cidr_ok, n);
  BuildNatMode(ctx, dn, e);
  n.internet_egress = dn.internet_egress.set && dn.internet_egress.value;
  BuildEgress(ctx, dn, cidr_ok, n);
  BuildEndpoints(ctx, dn, e);
  if (dn.flow_logs.enabled) n.flow_logs = dn.flow_logs.enabled.value;
  if (!n.flow_logs) {
    // A deliberate choice, located: scripts/scan accepts the missing flow log (checkov
    // CKV2_AWS_11) of exactly this environment's network unit because of this warning.
    Diagnostic w = Warning(codes::kWarnNoFlowLogs,
                           fmt::format("environment `{}` turns VPC flow logs off", e.name));
    w.Label(dn.flow_logs.enabled.span, "no record of the VPC's traffic");
    w.Help("remove `enabled: false` to record it: flow logs are on by default");
    ctx.Report(std::move(w));
  }
  if (dn.flow_logs.retention_days) {
    CheckRetention(ctx, dn.flow_logs.retention_days);
    n.flow_logs_retention_days = static_cast<int>(dn.flow_logs.retention_days.value);
  }
  ctx.env_cidr_ok[e.name] = cidr_ok && n.azs.size() >= 2;
  ctx.env_docs[e.name] = &d;
}

/// The name (from the file name), account and realm.
void BuildIdentity(Context& ctx, const config::EnvDoc& d, Environment& e) {
  e.name = d.name.value;
  e.file = "environments/" + e.name + ".yaml";
  e.zone = EnvironmentZone(ctx.project.org.domain.value, e.name);
  e.span = d.file_span;
  if (!NameLike(e.name, 1, 16))
    ctx.Report(Bad(codes::kBadName, fmt::format("invalid environment name `{}` (from the file name)", e.name),
                   d.file_span, "in this file's name")
                   .Help("rename the file: environment names match ^[a-z][a-z0-9]{0,15}$, for example `dev` or `prod2`"));
  if (d.account) CheckAccountId(ctx, d.account);
  e.account = d.account.value;
  if (d.realm) {
    if (d.realm.value == "prod") e.realm = RealmKind::kProd;
    else if (d.realm.value == "nonprod") e.realm = RealmKind::kNonprod;
    else {
      std::string near = ClosestMatch(d.realm.value, {"nonprod", "prod"});
      ctx.Report(Bad(codes::kBadValue, fmt::format("unknown realm `{}`", d.realm.value), d.realm.span,
                     near.empty() ? "expected nonprod or prod" : "did you mean `" + near + "`?")
                     .Help("set `realm: nonprod` or `realm: prod`"));
    }
  }
}

/// `ha` and `container_insights`: on in the prod realm unless set. Prod may not turn `ha`
/// off (E0213); turning Container Insights off there is allowed, with W0012.
void BuildLayout(Context& ctx, const config::EnvDoc& d, Environment& e) {
  const bool prod = e.realm == RealmKind::kProd;
  e.ha = prod || (d.ha.set ? d.ha.value : false);
  if (prod && d.ha.set && !d.ha.value)
    ctx.Report(Bad(codes::kHaOffInProd, fmt::format("prod environment `{}` cannot turn `ha` off", e.name), d.ha.span,
                   "the prod realm is always highly available")
                   .Note("`ha: false` runs Aurora without a reader and one NAT gateway for every AZ")
                   .Help("remove `ha: false`, or make the environment `realm: nonprod`"));
  e.container_insights = d.container_insights.set ? d.container_insights.value : prod;
  if (prod && !e.container_insights) {
    Diagnostic w = Warning(codes::kWarnNoInsightsProd,
                           fmt::format("prod environment `{}` turns Container Insights off", e.name));
    w.Label(d.container_insights.span, "no running-task counts for its services");
    w.Help("remove `container_insights: false`: unrouted apps then lose their tasks-low alarm (docs/Workloads.md)");
    ctx.Report(std::move(w));
  }
}

/// `ingress.apex_zone`: `true` (the platform unit creates the zone `<domain>`), `false`, or
/// the id of an existing public hosted zone of `<domain>` in the environment's account.
void BuildApexZone(Context& ctx, const config::EnvDoc& d, Environment& e) {
  const config::Str& f = d.ingress.apex_zone;
  if (!f || f.value == "false") return;
  const std::string& domain = ctx.project.org.domain.value;
  ApexZone apex;
  apex.name = domain;
  apex.span = f.span;
  if (f.value != "true") {
    // Route 53 hosted zone ids: "Z" and upper-case letters and digits (at most 32 in all).
    const bool id = f.value.size() >= 2 && f.value.size() <= 32 && f.value[0] == 'Z' &&
                    f.value.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
    if (!id) {
      ctx.Report(Bad(codes::kApexZone, fmt::format("`apex_zone: {}` is neither true, false nor a hosted zone id", f.value),
                     f.span, "expected true, false or an id such as Z0123456789ABCDEFGHIJ")
                     .Help("`apex_zone: true` creates the zone; to use an existing public zone of the domain in "
                           "this account, give its id (Route 53 console, or `aws route53 list-hosted-zones-by-name`)"));
      return;
    }
    apex.zone_id = f.value;
  }
  if (domain.empty()) {
    ctx.Report(Bad(codes::kApexZone, "`apex_zone` needs the org's domain", f.span, "no `domain` in eurus.yaml")
                   .Help("set `domain` in eurus.yaml: the apex zone is the zone of that domain"));
    return;
  }
  e.apex = std::move(apex);
}

/// `ingress`: CloudFront and API Gateway need the org's domain; WAF needs CloudFront.
void BuildIngress(Context& ctx, const config::EnvDoc& d, Environment& e) {
  e.cloudfront = d.ingress.cloudfront.set && d.ingress.cloudfront.value;
  e.api_gateway = d.ingress.api_gateway.set && d.ingress.api_gateway.value;
  e.waf = d.ingress.waf.set && d.ingress.waf.value;
  e.waf_body_limit = d.ingress.waf_body_limit.set && d.ingress.waf_body_limit.value;
  if ((e.cloudfront || e.api_gateway) && ctx.project.org.domain.value.empty()) {
    const auto& f = e.cloudfront ? d.ingress.cloudfront : d.ingress.api_gateway;
    ctx.Report(Bad(codes::kIngress, fmt::format("{} ingress needs a domain", e.cloudfront ? "CloudFront" : "API Gateway"),
                   f.span, "no `domain` in eurus.yaml")
                   .Help("set `domain` in eurus.yaml: edge ingress serves `<host>.<env>.<domain>` with ACM certificates"));
  }
  if (e.waf && !e.cloudfront)
    ctx.Report(Bad(codes::kIngress, "`waf` protects the CloudFront distribution, which is off", d.ingress.waf.span,
                   "needs `cloudfront: true`")
                   .Help("turn on `ingress.cloudfront` or remove `waf`"));
  if (e.waf_body_limit && !e.waf)
    ctx.Report(Bad(codes::kIngress, "`waf_body_limit` sets a rule of the WAF, which is off", d.ingress.waf_body_limit.span,
                   "needs `waf: true`")
                   .Help("turn on `ingress.waf` or remove `waf_body_limit`"));
  BuildApexZone(ctx, d, e);
}

/// One environment at most owns the apex zone (E0327), normally a prod one (W0016); the owner
/// learns every environment's zone, which its hosts may not fall under.
void CheckApexOwner(Context& ctx) {
  std::vector<std::string> zones;
  const Environment* owner = nullptr;
  for (Environment& e : ctx.org.environments) {
    if (!e.zone.empty()) zones.push_back(e.zone);
    if (!e.apex) continue;
    if (owner) {
      // Suggest dropping it where it least belongs: a nonprod owner before a prod one.
      const Environment& drop = e.realm == RealmKind::kProd && owner->realm != RealmKind::kProd ? *owner : e;
      ctx.Report(Bad(codes::kApexOwners,
                     fmt::format("environments `{}` and `{}` both own the apex zone `{}`", owner->name, e.name, e.apex->name),
                     e.apex->span, "the second owner")
                     .Secondary(owner->apex->span, "the first owner")
                     .Note("a domain has one authoritative zone: the registrar delegates to one set of name servers")
                     .Help(fmt::format("keep `apex_zone` in one environment (normally prod): remove it from {}", drop.file)));
      continue;
    }
    owner = &e;
    if (e.realm == RealmKind::kNonprod) {
      Diagnostic w = Warning(codes::kWarnApexNonprod,
                             fmt::format("nonprod environment `{}` owns the apex zone `{}`", e.name, e.apex->name));
      w.Label(e.apex->span, "the company's own domain is served from a nonprod account");
      w.Note("a nonprod change could then take the company's public names (and their certificates) down");
      w.Help("move `apex_zone` to a prod environment's file");
      ctx.Report(std::move(w));
    }
  }
  std::sort(zones.begin(), zones.end());
  for (Environment& e : ctx.org.environments)
    if (e.apex) e.apex->environment_zones = zones;
}

/// Deletion protection: `protection` when set, else on in the prod realm.
void BuildProtection(Context& ctx, const config::EnvDoc& d, Environment& e) {
  e.protection = d.protection.set ? d.protection.value : e.realm == RealmKind::kProd;
    e.retain = e.realm == RealmKind::kProd || e.protection;
  if (e.realm == RealmKind::kProd && d.protection.set && !d.protection.value) {
    Diagnostic w = Warning(codes::kWarnNoProtection,
                           fmt::format("prod environment `{}` turns deletion protection off", e.name));
    w.Label(d.protection.span, "data stores can be deleted by a plan");
    ctx.Report(std::move(w));
  }
}

/// Log retention and the disaster-recovery objectives (RPO, RTO).
void BuildLogsAndDr(Context& ctx, const config::EnvDoc& d, Environment& e) {
  if (d.log_retention_days) {
    CheckRetention(ctx, d.log_retention_days);
    e.log_retention_days = static_cast<int>(d.log_retention_days.value);
  }
  if (d.rpo_hours) {
    if (d.rpo_hours.value < 1 || d.rpo_hours.value > 24)
      ctx.Report(Bad(codes::kDr, fmt::format("an RPO of {} hours cannot be scheduled", d.rpo_hours.value),
                     d.rpo_hours.span, "must be 1 to 24 hours")
                     .Note("AWS Backup runs jobs at least 60 minutes apart; eurus backs up at least daily")
                     .Help("choose an RPO from 1 to 24 hours"));
    e.rpo_hours = static_cast<int>(d.rpo_hours.value);
  }
  if (d.rto_hours) {
    if (d.rto_hours.value < 1 || d.rto_hours.value > 168)
      ctx.Report(Bad(codes::kDr, fmt::format("an RTO of {} hours is out of range", d.rto_hours.value),
                     d.rto_hours.span, "must be 1 to 168 hours"));
    e.rto_hours = static_cast<int>(d.rto_hours.value);
  }
}

}  // namespace

void BuildEnvironments(Context& ctx) {
  for (const auto& d : ctx.project.envs) {
    Environment e;
    BuildIdentity(ctx, d, e);
    BuildLayout(ctx, d, e);
    BuildNetwork(ctx, d, e);
    BuildIngress(ctx, d, e);
    BuildProtection(ctx, d, e);
    BuildLogsAndDr(ctx, d, e);
    BuildTracing(ctx, d, e);
    ctx.org.environments.push_back(std::move(e));
  }
  std::sort(ctx.org.environments.begin(), ctx.org.environments.end(),
            [](const Environment& a, const Environment& b) { return a.name < b.name; });
  CheckApexOwner(ctx);
}

void WarnUnreachableApis(Context& ctx) {
  for (const Environment& e : ctx.org.environments) {
    const Network& n = e.network;
    if (n.internet_egress || n.endpoints == EndpointMode::kAuto) continue;
    const std::vector<std::string> made = InterfaceEndpoints(ctx.org, e);
    std::vector<std::string> missing;
    for (const std::string& s : NeededEndpoints(ctx.org, e))
      if (std::find(made.begin(), made.end(), s) == made.end()) missing.push_back(s);
    if (missing.empty()) continue;
    auto doc = ctx.env_docs.find(e.name);
    if (doc == ctx.env_docs.end()) continue;
    const auto& dn = doc->second->network;
    Diagnostic w = Warning(codes::kWarnEndpointsMissing,
                           fmt::format("the tasks of environment `{}` cannot reach {}", e.name, List(missing, "and")));
    w.Label(dn.endpoint_list ? dn.endpoint_list.span : dn.endpoints.span,
            "no interface endpoint for it, and no internet egress");
    w.Note("the tenants' tasks pull images (ecr.api, ecr.dkr), write logs (logs), send traces (xray) and read "
           "secrets (secretsmanager)");
    w.Help("write `endpoints: auto`, add the missing services, or turn on `internet_egress`");
    ctx.Report(std::move(w));
  }
}

}  // namespace eurus::model::build

namespace eurus::model {

const std::vector<std::string>& KnownEndpointServices() {
  static const std::vector<std::string> v = {"ecr.api", "ecr.dkr", "logs", "monitoring",
                                             "secretsmanager", "ssm", "sts", "xray"};
  return v;
}

std::vector<std::string> NeededEndpoints(const Org& org, const Environment& env) {
  bool apps = false, secrets = false;
  for (const Tenant& t : org.tenants)
    for (const Deployment& d : t.deployments) {
      if (d.env != env.name) continue;
      for (const App& a : d.apps) {
        apps = true;
        secrets = secrets || !a.secrets.empty();
        for (const Resource& r : d.resources) {
          const bool password = r.type == ResourceType::kPostgres || r.type == ResourceType::kMysql ||
                                r.type == ResourceType::kDocumentDb;
          if (password && std::find(a.uses.begin(), a.uses.end(), r.name) != a.uses.end()) secrets = true;
        }
      }
    }
  if (!apps) return {};
  std::vector<std::string> v = {"ecr.api", "ecr.dkr", "logs", "xray"};
  if (secrets) v.push_back("secretsmanager");
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> InterfaceEndpoints(const Org& org, const Environment& env) {
  switch (env.network.endpoints) {
    case EndpointMode::kNone:
      return {};
    case EndpointMode::kList:
      return env.network.endpoint_services;
    case EndpointMode::kAuto:
      break;
  }
  if (env.network.internet_egress) return {};
  return NeededEndpoints(org, env);
}

}  // namespace eurus::model
