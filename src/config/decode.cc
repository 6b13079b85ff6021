#include "config/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "catalog/store_kinds.h"
#include "diag/codes.h"

namespace eurus::config {

namespace keys {
const std::vector<std::string> kOrg = {"eurus", "org", "region", "domain", "management_account",
                                       "realms", "tags", "alerts", "ci",
                                       "administrators", "billing"};
const std::vector<std::string> kBilling = {"shared_costs", "activate_tags"};
const std::vector<std::string> kSharedCosts = {"fixed"};
const std::vector<std::string> kRealm = {"common_account"};
const std::vector<std::string> kAlerts = {"emails"};
const std::vector<std::string> kCi = {"github_repository", "default_branch", "eurus"};
const std::vector<std::string> kCiEurus = {"url", "sha256", "source", "ref"};
const std::vector<std::string> kEnv = {"account", "realm", "network", "ingress", "protection",
                                       "ha", "container_insights", "logs", "dr", "tracing"};
const std::vector<std::string> kNetwork = {"cidr", "availability_zones", "platform_subnet_size",
                                           "tenant_subnet_size", "data_subnet_size",
                                           "nat_gateways", "internet_egress", "egress",
                                           "flow_logs", "endpoints", "endpoint_zones"};
const std::vector<std::string> kEgress = {"cidr", "destinations", "transit_gateway_id"};
const std::vector<std::string> kFlowLogs = {"enabled", "retention_days"};
const std::vector<std::string> kIngress = {"cloudfront", "api_gateway", "waf", "waf_body_limit", "apex_zone"};
const std::vector<std::string> kLogs = {"retention_days"};
const std::vector<std::string> kDr = {"rpo_hours", "rto_hours"};
const std::vector<std::string> kEnvTracing = {"sampling_rate", "reservoir"};
const std::vector<std::string> kTenant = {"cost_center", "contacts", "environments", "budget",
                                          "access", "tracing", "apps", "resources", "overrides"};
const std::vector<std::string> kBudget = {"total", "environments"};
const std::vector<std::string> kAccess = {"read", "release"};
const std::vector<std::string> kTenantTracing = {"sampling_rate"};
const std::vector<std::string> kApp = {"image", "port", "cpu", "memory", "command",
                                       "health_check", "route", "expose", "replicas", "scaling",
                                       "spot", "environment", "secrets", "uses"};
const std::vector<std::string> kHealthCheck = {"path"};
const std::vector<std::string> kRoute = {"host", "paths"};
const std::vector<std::string> kReplicas = {"min", "max"};
const std::vector<std::string> kScaling = {"cpu", "memory", "requests_per_target"};
namespace {
/// `type` and every store kind's fields (catalog/store_kinds.h), in the catalog's order.
std::vector<std::string> ResourceKeys() {
  std::vector<std::string> out = {"type"};
  for (const catalog::StoreField* f : catalog::kStoreFields) out.emplace_back(f->name);
  return out;
}
std::vector<std::string> KindNames() {
  std::vector<std::string> out;
  for (std::string_view name : catalog::StoreKindNames()) out.emplace_back(name);
  return out;
}
}  // namespace

const std::vector<std::string> kResource = ResourceKeys();
const std::vector<std::string> kRestoreFrom = {"snapshot", "point_in_time", "source"};
const std::vector<std::string> kResourceTypes = KindNames();

const std::vector<std::string>& ResourceFields(const std::string& type) {
  static const std::vector<std::vector<std::string>> per_kind = [] {
    std::vector<std::vector<std::string>> out;
    for (const catalog::StoreKindRow& row : catalog::kStoreKinds) {
      std::vector<std::string> names;
      for (const catalog::StoreField* f : row.fields) names.emplace_back(f->name);
      out.push_back(std::move(names));
    }
    return out;
  }();
  static const std::vector<std::string> none = {};
  auto kind = catalog::FindStoreKind(type);
  return kind ? per_kind.at(static_cast<size_t>(*kind)) : none;
}
}  // namespace keys

namespace {

std::string Quote(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

/// One mapping being read: reports a non-mapping value and unknown keys once, and gives
/// typed access to the entries.
class MapIn {
 public:
  /// `n` may be null (the key was absent: every field reads as unset). `owner` locates
  /// "missing field" errors: the key that holds this mapping, or the file start.
  MapIn(const Node* n, Span owner, std::string what, const std::vector<std::string>& known,
        Diagnostics& d)
      : node_(n), owner_(owner), what_(std::move(what)), diags_(d) {
    if (!n || n->is_null()) { node_ = nullptr; return; }
    if (!n->is_map()) {
      diags_.Report(Error(codes::kWrongType,
                          fmt::format("{} must be a mapping, found {}", what_, n->Describe()))
                        .Label(n->span, "expected `key: value` entries"));
      node_ = nullptr;
      return;
    }
    for (const auto& e : n->entries) {
      if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
      Diagnostic diag = Error(codes::kUnknownKey, fmt::format("unknown key `{}` in {}", e.key, what_));
      std::string near = ClosestMatch(e.key, known);
      diag.Label(e.key_span, near.empty() ? "not a field of " + what_ : "did you mean `" + near + "`?");
      if (!near.empty()) diag.Help("did you mean `" + near + "`?");
      else diag.Help("the keys allowed here are: " + Quote(known));
      diags_.Report(std::move(diag));
    }
  }

  bool present() const { return node_ != nullptr; }
  const Node* node() const { return node_; }
  Span owner() const { return owner_; }

  const Entry* Find(const std::string& key) const {
    if (!node_) return nullptr;
    for (const auto& e : node_->entries)
      if (e.key == key) return &e;
    return nullptr;
  }

  void Missing(const std::string& key, const std::string& hint = {}) {
    // A misspelt key was reported as unknown with this key as its suggestion: enough.
    if (node_)
      for (const auto& e : node_->entries)
        if (e.key != key && ClosestMatch(e.key, {key}) == key) return;
    Diagnostic d = Error(codes::kMissingField, fmt::format("missing required field `{}` in {}", key, what_));
    d.Label(owner_, fmt::format("`{}` is required here", key));
    if (!hint.empty()) d.Help(hint);
    diags_.Report(std::move(d));
  }

  template <class T>
  void Locate(Field<T>& f, const Entry* e) const {
    f.span = e ? e->value.span : owner_;
    f.key_span = e ? e->key_span : owner_;
    f.given = e != nullptr;
  }

  void TypeError(const Entry& e, const std::string& expected) {
    diags_.Report(Error(codes::kWrongType, fmt::format("`{}` must be {}, found {}", e.key, expected,
                                                       e.value.Describe()))
                      .Label(e.value.span, "expected " + expected));
  }

  Str String(const std::string& key, bool required = false, const std::string& hint = {}) {
    Str f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) {
      if (required && present()) Missing(key, hint);
      return f;
    }
    if (!e->value.is_scalar()) { TypeError(*e, "a string"); return f; }
    f.value = e->value.scalar;
    f.set = true;
    return f;
  }

  Int Integer(const std::string& key, bool required = false) {
    Int f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) {
      if (required && present()) Missing(key);
      return f;
    }
    const Node& v = e->value;
    int64_t x = 0;
    const std::string& s = v.scalar;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (!v.is_scalar() || v.quoted || ec != std::errc() || p != s.data() + s.size()) {
      TypeError(*e, "a whole number");
      return f;
    }
    f.value = x;
    f.set = true;
    return f;
  }

  Num Number(const std::string& key) {
    Num f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) return f;
    const Node& v = e->value;
    double x = 0;
    const std::string& s = v.scalar;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (!v.is_scalar() || v.quoted || ec != std::errc() || p != s.data() + s.size()) {
      TypeError(*e, "a number");
      return f;
    }
    f.value = x;
    f.set = true;
    return f;
  }

  Bool Boolean(const std::string& key) {
    Bool f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) return f;
    const Node& v = e->value;
    const std::string& s = v.scalar;
    if (v.is_scalar() && !v.quoted && (s == "true" || s == "True" || s == "TRUE")) f.value = true;
    else if (v.is_scalar() && !v.quoted && (s == "false" || s == "False" || s == "FALSE")) f.value = false;
    else { TypeError(*e, "true or false"); return f; }
    f.set = true;
    return f;
  }

  StrList List(const std::string& key, bool required = false) {
    StrList f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) {
      if (required && present()) Missing(key);
      return f;
    }
    if (!e->value.is_sequence()) { TypeError(*e, "a list of strings"); return f; }
    f.set = true;
    for (const auto& item : e->value.items) {
      if (!item.is_scalar()) {
        diags_.Report(Error(codes::kWrongType,
                            fmt::format("items of `{}` must be strings, found {}", key, item.Describe()))
                          .Label(item.span, "expected a string"));
        continue;
      }
      Str s;
      s.value = item.scalar;
      s.span = s.key_span = item.span;
      s.set = true;
      f.value.push_back(std::move(s));
    }
    return f;
  }

  StrMap Map(const std::string& key) {
    StrMap f;
    const Entry* e = Find(key);
    Locate(f, e);
    if (!e || e->value.is_null()) return f;
    if (!e->value.is_map()) { TypeError(*e, "a mapping of names to strings"); return f; }
    f.set = true;
    for (const auto& kv : e->value.entries) {
      if (!kv.value.is_scalar()) {
        diags_.Report(Error(codes::kWrongType, fmt::format("`{}.{}` must be a string, found {}", key,
                                                           kv.key, kv.value.Describe()))
                          .Label(kv.value.span, "expected a string"));
        continue;
      }
      Str k, v;
      k.value = kv.key;
      k.span = k.key_span = kv.key_span;
      k.set = true;
      v.value = kv.value.scalar;
      v.span = kv.value.span;
      v.key_span = kv.key_span;
      v.set = true;
      f.value.emplace_back(std::move(k), std::move(v));
    }
    return f;
  }

  /// A nested mapping.
  MapIn Sub(const std::string& key, const std::string& what, const std::vector<std::string>& known) {
    const Entry* e = Find(key);
    return MapIn(e ? &e->value : nullptr, e ? e->key_span : owner_, what, known, diags_);
  }

  Diagnostics& diags() { return diags_; }

 private:
  const Node* node_;
  Span owner_;
  std::string what_;
  Diagnostics& diags_;
};

/// The top of a file must be a mapping; an empty file reads as an empty one.
Span FileStart(const Node& root) { return {root.span.file, 0, 0}; }

}  // namespace

OrgDoc DecodeOrg(const Node& root, Diagnostics& diags) {
  OrgDoc o;
  o.file_span = FileStart(root);
  MapIn m(&root, o.file_span, "eurus.yaml", keys::kOrg, diags);
  if (!m.present()) {
    if (root.is_null())
      diags.Report(Error(codes::kMissingField, "eurus.yaml is empty")
                       .Label(o.file_span)
                       .Help("start with `eurus: 1`, `org`, `region`, `management_account` and `realms`"));
    return o;
  }
  o.eurus = m.Integer("eurus", true);
  o.org = m.String("org", true);
  o.region = m.String("region", true);
  o.domain = m.String("domain");
  o.management_account = m.String("management_account", true);
  {
    const Entry* e = m.Find("realms");
    m.Locate(o.realms, e);
    if (!e || e->value.is_null()) {
      m.Missing("realms", "add `realms: { nonprod: { common_account: ... }, prod: { common_account: ... } }`");
    } else if (!e->value.is_map()) {
      m.TypeError(*e, "a mapping of realm names");
    } else {
      o.realms.set = true;
      for (const auto& r : e->value.entries) {
        OrgDoc::RealmDoc rd;
        rd.name.value = r.key;
        rd.name.span = rd.name.key_span = r.key_span;
        rd.name.set = true;
        if (r.value.is_null()) {
          diags.Report(Error(codes::kMissingField,
                             "missing required field `common_account` in realm `" + r.key + "`")
                           .Label(r.key_span, "`common_account` is required here")
                           .Help("write `" + r.key + ": { common_account: \"123456789012\" }`"));
        } else {
          MapIn rm(&r.value, r.key_span, "realm `" + r.key + "`", keys::kRealm, diags);
          rd.common_account = rm.String("common_account", true);
        }
        o.realms.value.push_back(std::move(rd));
      }
    }
  }
  o.tags = m.Map("tags");
  MapIn alerts = m.Sub("alerts", "`alerts`", keys::kAlerts);
  o.alert_emails = alerts.List("emails");
  MapIn ci = m.Sub("ci", "`ci`", keys::kCi);
  o.github_repository = ci.String("github_repository");
  o.default_branch = ci.String("default_branch");
  if (const Entry* e = ci.Find("eurus")) {
    MapIn ei = ci.Sub("eurus", "`ci.eurus`", keys::kCiEurus);
    o.eurus_install = {.url = ei.String("url"), .sha256 = ei.String("sha256"),
                       .source = ei.String("source"), .ref = ei.String("ref"),
                       .span = e->key_span, .set = true};
  }
  o.administrators = m.List("administrators");
  MapIn billing = m.Sub("billing", "`billing`", keys::kBilling);
  o.activate_tags = billing.Boolean("activate_tags");
  if (const Entry* e = billing.Find("shared_costs"); e && !e->value.is_null()) {
    o.shared_costs.span = e->key_span;
    if (e->value.is_scalar()) {
      o.shared_costs.method = billing.String("shared_costs");
      o.shared_costs.set = true;
    } else if (e->value.is_map()) {
      MapIn sc(&e->value, e->key_span, "`billing.shared_costs`", keys::kSharedCosts, diags);
      o.shared_costs.fixed = sc.Map("fixed");
      o.shared_costs.set = true;
    } else {
      billing.TypeError(*e, "`proportional`, `even` or `{ fixed: { <tenant>: <percent> } }`");
    }
  }
  return o;
}

EnvDoc DecodeEnv(const Node& root, Str name, Diagnostics& diags) {
  EnvDoc e;
  e.name = std::move(name);
  e.file_span = FileStart(root);
  std::string file = "environments/" + e.name.value + ".yaml";
  MapIn m(&root, e.file_span, file, keys::kEnv, diags);
  if (!m.present()) {
    if (root.is_null())
      diags.Report(Error(codes::kMissingField, file + " is empty")
                       .Label(e.file_span)
                       .Help("an environment needs at least `account`, `realm` and `network`"));
    return e;
  }
  e.account = m.String("account", true);
  e.realm = m.String("realm", true, "set `realm: nonprod` or `realm: prod`");
  const Entry* ne = m.Find("network");
  if (!ne) m.Missing("network", "add `network: { cidr: 10.0.0.0/16, availability_zones: [...] }`");
  MapIn n = m.Sub("network", "`network`", keys::kNetwork);
  e.network.span = ne ? ne->key_span : e.file_span;
  if (n.present()) {
    e.network.cidr = n.String("cidr", true);
    e.network.availability_zones = n.List("availability_zones", true);
  }
  e.network.platform_subnet_size = n.Integer("platform_subnet_size");
  e.network.tenant_subnet_size = n.Integer("tenant_subnet_size");
  e.network.data_subnet_size = n.Integer("data_subnet_size");
  e.network.nat_gateways = n.String("nat_gateways");
  e.network.internet_egress = n.Boolean("internet_egress");
  {
    const Entry* ee = n.Find("egress");
    MapIn eg = n.Sub("egress", "`network.egress`", keys::kEgress);
    if (eg.present()) {
      e.network.egress.set = true;
      e.network.egress.span = ee->key_span;
      e.network.egress.cidr = eg.String("cidr", true);
      e.network.egress.destinations = eg.List("destinations", true);
      e.network.egress.transit_gateway_id = eg.String("transit_gateway_id");
    }
  }
  MapIn fl = n.Sub("flow_logs", "`network.flow_logs`", keys::kFlowLogs);
  e.network.flow_logs.enabled = fl.Boolean("enabled");
  e.network.flow_logs.retention_days = fl.Integer("retention_days");
  // `endpoints` is a word (auto, none) or a list of services.
  if (const Entry* ep = n.Find("endpoints"); ep && ep->value.is_sequence())
    e.network.endpoint_list = n.List("endpoints");
  else
    e.network.endpoints = n.String("endpoints");
  e.network.endpoint_zones = n.String("endpoint_zones");
  MapIn in = m.Sub("ingress", "`ingress`", keys::kIngress);
  e.ingress.cloudfront = in.Boolean("cloudfront");
  e.ingress.api_gateway = in.Boolean("api_gateway");
  e.ingress.waf = in.Boolean("waf");
  e.ingress.waf_body_limit = in.Boolean("waf_body_limit");
  e.ingress.apex_zone = in.String("apex_zone");
  e.protection = m.Boolean("protection");
  e.ha = m.Boolean("ha");
  e.container_insights = m.Boolean("container_insights");
  MapIn logs = m.Sub("logs", "`logs`", keys::kLogs);
  e.log_retention_days = logs.Integer("retention_days");
  MapIn dr = m.Sub("dr", "`dr`", keys::kDr);
  e.rpo_hours = dr.Integer("rpo_hours");
  e.rto_hours = dr.Integer("rto_hours");
  if (const Entry* te = m.Find("tracing")) {
    MapIn tr = m.Sub("tracing", "`tracing`", keys::kEnvTracing);
    e.tracing.span = te->key_span;
    e.tracing.set = tr.present();
    e.tracing.sampling_rate = tr.Number("sampling_rate");
    e.tracing.reservoir = tr.Integer("reservoir");
  }
  return e;
}

namespace {

AppDoc DecodeApp(const Entry& entry, Diagnostics& diags) {
  AppDoc a;
  a.name.value = entry.key;
  a.name.span = a.name.key_span = entry.key_span;
  a.name.set = true;
  std::string what = "app `" + entry.key + "`";
  if (entry.value.is_null()) {
    diags.Report(Error(codes::kMissingField, "app `" + entry.key + "` has no fields")
                     .Label(entry.key_span, "`image`, `cpu` and `memory` are required")
                     .Help("give the app at least `image`, `cpu` and `memory`"));
    return a;
  }
  MapIn m(&entry.value, entry.key_span, what, keys::kApp, diags);
  if (!m.present()) return a;
  a.image = m.String("image", true, "name the ECR repository, for example `image: shop/web`");
  a.port = m.Integer("port");
  a.cpu = m.Integer("cpu", true);
  a.memory = m.Integer("memory", true);
  a.command = m.List("command");
  MapIn hc = m.Sub("health_check", "`health_check`", keys::kHealthCheck);
  a.health_check_path = hc.String("path");
  {
    const Entry* re = m.Find("route");
    MapIn r = m.Sub("route", "`route`", keys::kRoute);
    if (r.present()) {
      a.route.set = true;
      a.route.span = re->key_span;
      a.route.host = r.String("host", true, "give the host, for example `host: shop`");
      a.route.paths = r.List("paths");
    }
  }
  a.expose = m.List("expose");
  {
    const Entry* re = m.Find("replicas");
    a.replicas_span = re ? re->value.span : entry.key_span;
    MapIn r = m.Sub("replicas", "`replicas`", keys::kReplicas);
    a.replicas_min = r.Integer("min");
    a.replicas_max = r.Integer("max");
  }
  MapIn sc = m.Sub("scaling", "`scaling`", keys::kScaling);
  a.scaling_cpu = sc.Integer("cpu");
  a.scaling_memory = sc.Integer("memory");
  a.scaling_requests = sc.Integer("requests_per_target");
  a.spot = m.Boolean("spot");
  a.environment = m.Map("environment");
  a.secrets = m.List("secrets");
  a.uses = m.List("uses");
  return a;
}

ResourceDoc DecodeResource(const Entry& entry, Diagnostics& diags) {
  ResourceDoc r;
  r.name.value = entry.key;
  r.name.span = r.name.key_span = entry.key_span;
  r.name.set = true;
  std::string what = "resource `" + entry.key + "`";
  if (entry.value.is_null()) {
    diags.Report(Error(codes::kMissingField, "resource `" + entry.key + "` has no fields")
                     .Label(entry.key_span, "`type` is required")
                     .Help("give the resource a type: " + Quote(keys::kResourceTypes)));
    return r;
  }
  MapIn m(&entry.value, entry.key_span, what, keys::kResource, diags);
  if (!m.present()) return r;
  r.type = m.String("type", true, "one of " + Quote(keys::kResourceTypes));
  if (r.type) {
    const auto& valid = keys::ResourceFields(r.type.value);
    bool known_type = std::find(keys::kResourceTypes.begin(), keys::kResourceTypes.end(),
                                r.type.value) != keys::kResourceTypes.end();
    for (const auto& e : entry.value.entries) {
      if (!known_type || e.key == "type") continue;
      bool is_field = std::find(keys::kResource.begin(), keys::kResource.end(), e.key) != keys::kResource.end();
      if (is_field && std::find(valid.begin(), valid.end(), e.key) == valid.end()) {
        diags.Report(Error(codes::kResourceField,
                           fmt::format("`{}` does not apply to {} {} resource", e.key,
                                       catalog::Row(*catalog::FindStoreKind(r.type.value)).article,
                                       r.type.value))
                         .Label(e.key_span, "not a " + r.type.value + " field")
                         .Help(valid.empty() ? "a " + r.type.value + " resource takes no fields besides `type`"
                                             : "a " + r.type.value + " resource takes: " + Quote(valid)));
      }
    }
  }
  r.version = m.String("version");
  r.min_acu = m.Number("min_acu");
  r.max_acu = m.Number("max_acu");
  r.instances = m.Integer("instances");
  r.instance_class = m.String("instance_class");
  r.versioning = m.Boolean("versioning");
  r.expire_days = m.Integer("expire_days");
  r.max_storage_gb = m.Integer("max_storage_gb");
  r.max_ecpu_per_second = m.Integer("max_ecpu_per_second");
  {
    const Entry* re = m.Find("restore_from");
    MapIn rf = m.Sub("restore_from", "`restore_from`", keys::kRestoreFrom);
    if (rf.present()) {
      r.restore_from.set = true;
      r.restore_from.span = re->key_span;
      r.restore_from.snapshot = rf.String("snapshot");
      r.restore_from.point_in_time = rf.String("point_in_time");
      r.restore_from.source = rf.String("source");
    }
  }
  return r;
}

}  // namespace

TenantDoc DecodeTenant(const Node& root, Diagnostics& diags) {
  TenantDoc t;
  Span file_span = FileStart(root);
  MapIn m(&root, file_span, "the tenant file", keys::kTenant, diags);
  if (!m.present()) {
    if (root.is_null())
      diags.Report(Error(codes::kMissingField, "tenant file is empty")
                       .Label(file_span)
                       .Help("a tenant needs at least `environments: [...]`"));
    return t;
  }
  t.cost_center = m.String("cost_center");
  t.contacts = m.List("contacts");
  t.environments = m.List("environments", true);
  if (const Entry* e = m.Find("budget"); e && !e->value.is_null()) {
    t.budget.span = e->key_span;
    if (e->value.is_scalar()) {
      t.budget.total = m.String("budget");
      t.budget.set = true;
    } else if (e->value.is_map()) {
      MapIn b(&e->value, e->key_span, "`budget`", keys::kBudget, diags);
      t.budget.total = b.String("total");
      t.budget.environments = b.Map("environments");
      t.budget.set = true;
    } else {
      m.TypeError(*e, "a monthly amount in USD or `{ total: <USD>, environments: { <env>: <USD> } }`");
    }
  }
  if (const Entry* e = m.Find("access")) {
    MapIn a = m.Sub("access", "`access`", keys::kAccess);
    t.access.span = e->key_span;
    t.access.set = a.present();
    t.access.read = a.List("read");
    t.access.release = a.List("release");
  }
  if (const Entry* e = m.Find("tracing")) {
    MapIn tr = m.Sub("tracing", "`tracing`", keys::kTenantTracing);
    t.tracing.span = e->key_span;
    t.tracing.set = tr.present();
    t.tracing.sampling_rate = tr.Number("sampling_rate");
  }
  for (const char* section : {"apps", "resources"}) {
    const Entry* e = m.Find(section);
    if (!e || e->value.is_null()) continue;
    if (!e->value.is_map()) {
      m.TypeError(*e, std::string("a mapping of ") + (section[0] == 'a' ? "app" : "resource") + " names");
      continue;
    }
    for (const auto& item : e->value.entries) {
      if (section[0] == 'a') t.apps.push_back(DecodeApp(item, diags));
      else t.resources.push_back(DecodeResource(item, diags));
    }
  }
  return t;
}

}  // namespace eurus::config
