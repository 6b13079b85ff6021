// <env>/platform, the shared ALB: once a tenant routes an app in the environment, the
// internal ALB (HTTPS with a fixed 404, HTTP redirected to HTTPS), the certificates of the
// routed hosts, its security group, log bucket and alarms. Tenant units attach their
// listener rules to the HTTPS listener. See docs/Platform.md.

#include <fmt/format.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/naming.h"
#include "synth/apex_zone.h"
#include "synth/policy_docs.h"
#include "synth/contract.h"
#include "synth/platform.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only (no CBC, no RSA key exchange).
constexpr char kTlsPolicy[] = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";
/// The service principal that writes ALB access logs (ALB user guide, "Enable access logs").
constexpr char kElbLogDelivery[] = "logdelivery.elasticloadbalancing.amazonaws.com";
/// Tenant app ports the ALB forwards to without a port-specific rule (see AddAlbSecurityGroup).
constexpr int kFirstUnprivilegedPort = 1024;

/// Elastic Load Balancing's log-delivery account in the Regions that opened before August
/// 2022: there the ALB guide grants that account; later Regions know only kElbLogDelivery.
/// Both are granted where both exist, so delivery works whichever one the Region uses.
struct ElbLogAccount {
  std::string_view region;
  std::string_view account;
};
constexpr ElbLogAccount kElbLogAccounts[] = {
    {"af-south-1", "098369216593"},     {"ap-east-1", "754344448648"},
    {"ap-northeast-1", "582318560864"}, {"ap-northeast-2", "600734575887"},
    {"ap-northeast-3", "383597477331"}, {"ap-south-1", "718504428378"},
    {"ap-southeast-1", "114774131450"}, {"ap-southeast-2", "783225319266"},
    {"ca-central-1", "985666609251"},   {"eu-central-1", "054676820928"},
    {"eu-north-1", "897822967062"},     {"eu-south-1", "635631232127"},
    {"eu-west-1", "156460612806"},      {"eu-west-2", "652711504416"},
    {"eu-west-3", "009996457667"},      {"me-south-1", "076674570225"},
    {"sa-east-1", "507241528517"},      {"us-east-1", "127311923021"},
    {"us-east-2", "033677994240"},      {"us-west-1", "027434742980"},
    {"us-west-2", "797873946194"},
};

Json NameTag(const std::string& name) { return {{"Name", name}}; }

/// A host routed to the environment's ALB: the first route naming it (for "//") and the
/// tenant files that route it (for the manifest).
struct RoutedHost {
  Span span;
  std::set<std::string> files;
};

/// Every host some tenant routes in `env`, by name (so in a stable order).
std::map<std::string, RoutedHost> RoutedHosts(const model::Org& org,
                                              const model::Environment& env) {
  std::map<std::string, RoutedHost> out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments) {
      if (dep.env != env.name) continue;
      for (const auto& a : dep.apps) {
        if (!a.route) continue;
        auto [it, fresh] = out.try_emplace(a.route->host);
        if (fresh) it->second.span = a.route->span;
        it->second.files.insert(t.file);
      }
    }
  return out;
}

/// Ports below kFirstUnprivilegedPort that routed apps of `env` listen on.
std::set<int> PrivilegedPorts(const model::Org& org, const model::Environment& env) {
  std::set<int> out;
  for (const auto& t : org.tenants)
    for (const auto& dep : t.deployments)
      if (dep.env == env.name)
        for (const auto& a : dep.apps)
          if (a.route && a.port && *a.port < kFirstUnprivilegedPort) out.insert(*a.port);
  return out;
}
/// The bucket the ALB writes its access logs to, its own S3 access logs going to the access-log
/// bucket. ALB access logs support SSE-S3 only (not SSE-KMS: ALB user guide, bucket
/// requirements), so that bucket is SSE-S3 and nothing else writes to it; E0804 accepts SSE-S3
/// for exactly such a bucket (docs/Security.md).
std::pair<tf::Ref, tf::Ref> AddAlbLogBucket(const PlatformScope& w, const tf::Ref& access_bucket,
                                            const tf::Ref& access_policy) {
  const model::Org& org = w.org;
  const model::Environment& env = w.env;
  const std::string logs = naming::AlbLogsBucket(org.name, env.name, env.account).value;
  // ELB writes under AWSLogs/<this account>/ only.
  Json principal = {{"Service", kElbLogDelivery}};
  for (const auto& a : kElbLogAccounts)
    if (a.region == org.region) principal["AWS"] = Root(std::string(a.account));
  Json elb_writes = {{"Sid", "AlbAccessLogDelivery"},
                     {"Effect", "Allow"},
                     {"Principal", std::move(principal)},
                     {"Action", "s3:PutObject"},
                     {"Resource", fmt::format("arn:aws:s3:::{}/AWSLogs/{}/*", logs, env.account)}};
  auto [logs_bucket, logs_policy] =
      AddLogBucket(w.u, "alb_logs", logs,
                   {{"apply_server_side_encryption_by_default", {{"sse_algorithm", "AES256"}}}},
                   Json::array({std::move(elb_writes)}), env.log_retention_days, w.protect, w.o);
  w.u.Resource("aws_s3_bucket_logging", "alb_logs",
               {{"bucket", logs_bucket["id"]},
                {"target_bucket", access_bucket["id"]},
                {"target_prefix", logs + "/"},
                {"depends_on", {access_policy.Address()}}},
               w.o);
  return {logs_bucket, logs_policy};
}

/// The certificates of the routed hosts.
struct Certificates {
  /// The validated certificate of <zone> and *.<zone> (with a zone).
  std::optional<std::string> zone_certificate;
  /// Host → validated certificate ARN, for each host the zone's certificate does not cover.
  std::vector<std::pair<std::string, std::string>> host_certificates;
  /// DNS validation records to add by hand for hosts outside the zone, by host.
  Json manual_records = Json::object();
};

/// The zone's own certificate, for <zone> and *.<zone> (every short host), validated in the
/// zone. Returns its validated ARN.
std::string AddZoneCertificate(const PlatformScope& w, const tf::Ref& zone) {
  const std::string& zone_name = w.env.zone;
  tf::Ref cert = w.u.Resource("aws_acm_certificate", "env",
                              {{"domain_name", zone_name},
                               {"subject_alternative_names", {"*." + zone_name}},
                               {"validation_method", "DNS"},
                               {"lifecycle", {{"create_before_destroy", true}}},
                               {"tags", NameTag(zone_name)}},
                              w.o);
  // <zone> and *.<zone> share one validation record: one record, keyed by the apex.
  tf::Ref records = w.u.Resource(
      "aws_route53_record", "certificate_validation",
      {{"for_each", "${{for v in " + cert.Expr("domain_validation_options") +
                        " : v.domain_name => v if !startswith(v.domain_name, \"*.\")}}"},
       {"zone_id", zone["zone_id"]},
       {"name", "${each.value.resource_record_name}"},
       {"type", "${each.value.resource_record_type}"},
       {"records", {"${each.value.resource_record_value}"}},
       {"ttl", 300}},
      w.o);
  tf::Ref validated = w.u.Resource(
      "aws_acm_certificate_validation", "env",
      {{"certificate_arn", cert["arn"]},
       {"validation_record_fqdns", "${[for r in " + records.Address() + " : r.fqdn]}"}},
      w.o);
  return validated["certificate_arn"];
}

/// Certificates. The zone's own covers <zone> and *.<zone> (every short host); each other
/// host gets a certificate of its own, attached by SNI, so adding or removing a host never
/// reissues another's certificate.
Certificates AddCertificates(const PlatformScope& w, const std::optional<tf::Ref>& zone,
                             const std::map<std::string, RoutedHost>& hosts) {
  Certificates out;
  if (zone) out.zone_certificate = AddZoneCertificate(w, *zone);
  for (const auto& [host, h] : hosts) {
    const model::HostValidation how = model::ValidationIn(w.env, host);
    if (how == model::HostValidation::kWildcard) continue;
    const tf::Origin ho = w.ctx.Origin(h.span);
    const std::string block = HostKey(host);
    tf::Ref cert = w.u.Resource("aws_acm_certificate", block,
                                {{"domain_name", host},
                                 {"validation_method", "DNS"},
                                 {"lifecycle", {{"create_before_destroy", true}}},
                                 {"tags", NameTag(host)}},
                                ho);
    // A one-name certificate has exactly one validation record.
    auto record = [&](const char* field) {
      return fmt::format("${{tolist({})[0].{}}}", cert.Expr("domain_validation_options"), field);
    };
    Json validation = {{"certificate_arn", cert["arn"]}};
    if (how == model::HostValidation::kZone || how == model::HostValidation::kApex) {
      // kApex: a name of the org's apex zone, which this environment owns (apex_zone.cc).
      const Json zone_id = how == model::HostValidation::kZone ? Json((*zone)["zone_id"]) : Json(ApexZoneId(w.env));
      tf::Ref r = w.u.Resource("aws_route53_record", block + "_validation",
                               {{"zone_id", zone_id},
                                {"name", record("resource_record_name")},
                                {"type", record("resource_record_type")},
                                {"records", {record("resource_record_value")}},
                                {"ttl", 300}},
                               ho);
      // In the apex zone, which may be an existing one (`apex_zone: Z...`): ACM's record for
      // a name is the same in every certificate, so one a person added before (W0005) is
      // taken over rather than failing the apply with "already exists".
      if (how == model::HostValidation::kApex) w.u.Body(r)["allow_overwrite"] = true;
      validation["validation_record_fqdns"] = {r["fqdn"]};
    } else {
      // Outside any zone eurus manages: the operator adds the record; apply waits for it.
      out.manual_records[host] = {{"name", record("resource_record_name")},
                                  {"type", record("resource_record_type")},
                                  {"value", record("resource_record_value")}};
    }
    tf::Ref validated = w.u.Resource("aws_acm_certificate_validation", block, validation, ho);
    out.host_certificates.emplace_back(host, validated["certificate_arn"]);
  }
  return out;
}

/// The ALB's security group: HTTP(S) from the VPC (tenants' apps and VPC links arrive from
/// inside it; CloudFront's VPC origins through a group of their own, ingress.cc); out to the
/// apps. App ports vary per tenant and a tenant must not have to change this unit: every
/// unprivileged port of the VPC, plus exactly the privileged ports routed apps use. It exists
/// in every environment, with or without an ALB: each tenant app group reaches it and admits
/// it (workloads.cc), so what a tenant unit holds never depends on whether another tenant
/// routes an app (the unit's fingerprint, synth.h, reads only its own tenant). Until the ALB
/// exists it is attached to nothing, and carries nothing.
tf::Ref AddAlbSecurityGroup(const PlatformScope& w) {
  const std::string vpc_cidr = w.env.network.cidr.ToString();
  const std::string sg_name = w.base + "-alb";
  tf::Ref sg =
      w.u.Resource("aws_security_group", "alb",
                   {{"name", sg_name},
                    {"description", "shared ALB: HTTP(S) from the VPC, to tenant apps in the VPC"},
                    {"vpc_id", w.net.Output("vpc_id")},
                    {"tags", NameTag(sg_name)}},
                   w.o);
  for (const auto& [name, port] :
       {std::pair<const char*, int>{"alb_https_from_vpc", alb::kHttpsPort},
        std::pair<const char*, int>{"alb_http_from_vpc", alb::kHttpPort}}) {
    w.u.Resource("aws_vpc_security_group_ingress_rule", name,
                 {{"security_group_id", sg["id"]},
                  {"description",
                   fmt::format("{} from the VPC", port == alb::kHttpsPort ? "HTTPS" : "HTTP")},
                  {"cidr_ipv4", vpc_cidr},
                  {"ip_protocol", "tcp"},
                  {"from_port", port},
                  {"to_port", port},
                  {"tags", NameTag(fmt::format("{}-{}", sg_name, port))}},
                 w.o);
  }
  w.u.Resource("aws_vpc_security_group_egress_rule", "alb_to_apps",
               {{"security_group_id", sg["id"]},
                {"description", "to tenant apps in the VPC (unprivileged ports)"},
                {"cidr_ipv4", vpc_cidr},
                {"ip_protocol", "tcp"},
                {"from_port", kFirstUnprivilegedPort},
                {"to_port", 65535},
                {"tags", NameTag(sg_name + "-apps")}},
               w.o);
  for (int port : PrivilegedPorts(w.org, w.env)) {
    w.u.Resource("aws_vpc_security_group_egress_rule", fmt::format("alb_to_apps_{}", port),
                 {{"security_group_id", sg["id"]},
                  {"description", fmt::format("to tenant apps in the VPC on port {}", port)},
                  {"cidr_ipv4", vpc_cidr},
                  {"ip_protocol", "tcp"},
                  {"from_port", port},
                  {"to_port", port},
                  {"tags", NameTag(fmt::format("{}-apps-{}", sg_name, port))}},
                 w.o);
  }
  return sg;
}

/// The ALB: internal, in the platform subnet of every AZ, logging to `logs_bucket` (whose
/// policy is `logs_policy`).
tf::Ref AddAlb(const PlatformScope& w, const tf::Ref& sg, const tf::Ref& logs_bucket,
               const tf::Ref& logs_policy) {
  const std::string alb_name = naming::Alb(w.org.name, w.env.name).value;
  return w.u.Resource("aws_lb", "main",
                      {{"name", alb_name},
                       {"internal", true},
                       {"load_balancer_type", "application"},
                       {"ip_address_type", "ipv4"},
                       {"subnets", w.net.Output("platform_subnet_ids")},
                       {"security_groups", {sg["id"]}},
                       {"drop_invalid_header_fields", true},
                       {"enable_deletion_protection", w.protect},
                       {"idle_timeout", 60},
                       {"access_logs", {{"bucket", logs_bucket["id"]}, {"enabled", true}}},
                       {"tags", NameTag(alb_name)},
                       // The ALB checks on creation that it may write its logs.
                       {"depends_on", {logs_policy.Address()}}},
                      w.o);
}

/// The listeners: HTTPS with a fixed 404 and every host's certificate (the first one is the
/// default, the others attached by SNI), HTTP redirected to HTTPS. Returns the HTTPS one.
tf::Ref AddListeners(const PlatformScope& w, const tf::Ref& alb, const Certificates& certificates,
                     const std::map<std::string, RoutedHost>& hosts) {
  const std::string alb_name = naming::Alb(w.org.name, w.env.name).value;
  const std::string default_certificate = certificates.zone_certificate
                                              ? *certificates.zone_certificate
                                              : certificates.host_certificates.front().second;
  tf::Ref https = w.u.Resource(
      "aws_lb_listener", "https",
      {{"load_balancer_arn", alb["arn"]},
       {"port", alb::kHttpsPort},
       {"protocol", "HTTPS"},
       {"ssl_policy", kTlsPolicy},
       {"certificate_arn", default_certificate},
       // Browsers that saw one HTTPS answer never try plain HTTP again.
       {"routing_http_response_strict_transport_security_header_value", "max-age=31536000"},
       {"default_action", Json::array({{{"type", "fixed-response"},
                                        {"fixed_response",
                                         {{"content_type", "text/plain"},
                                          {"message_body", "no route"},
                                          {"status_code", "404"}}}}})},
       {"tags", NameTag(alb_name + "-https")}},
      w.o);
  w.u.Resource(
      "aws_lb_listener", "http",
      {{"load_balancer_arn", alb["arn"]},
       {"port", alb::kHttpPort},
       {"protocol", "HTTP"},
       {"default_action",
        Json::array({{{"type", "redirect"},
                      {"redirect",
                       {{"port", std::to_string(alb::kHttpsPort)},
                        {"protocol", "HTTPS"},
                        {"status_code", "HTTP_301"}}}}})},
       {"tags", NameTag(alb_name + "-http")}},
      w.o);
  for (const auto& [host, arn] : certificates.host_certificates) {
    if (arn == default_certificate) continue;
    w.u.Resource("aws_lb_listener_certificate", HostKey(host),
                 {{"listener_arn", https["arn"]}, {"certificate_arn", arn}},
                 w.ctx.Origin(hosts.at(host).span));
  }
  return https;
}

/// ALB alarms to the topic: errors the ALB itself returns (no healthy target, timeouts),
/// and connections it refused at capacity. Per-app alarms are the tenant units'.
void AddAlbAlarms(const PlatformScope& w, const tf::Ref& alb, const tf::Ref& topic) {
  const std::string lb = alb["arn_suffix"];
  auto alarm = [&](const std::string& block, const std::string& name, const char* metric,
                   const std::string& description, int period, int evaluations, int datapoints,
                   int threshold) {
    w.u.Resource("aws_cloudwatch_metric_alarm", block,
                 {{"alarm_name", fmt::format("{}-{}", w.base, name)},
                  {"alarm_description", description},
                  {"namespace", "AWS/ApplicationELB"},
                  {"metric_name", metric},
                  {"dimensions", {{"LoadBalancer", lb}}},
                  {"statistic", "Sum"},
                  {"period", period},
                  {"evaluation_periods", evaluations},
                  {"datapoints_to_alarm", datapoints},
                  {"threshold", threshold},
                  {"comparison_operator", "GreaterThanOrEqualToThreshold"},
                  {"treat_missing_data", "notBreaching"},
                  {"actions_enabled", true},
                  {"alarm_actions", {topic["arn"]}},
                  {"ok_actions", {topic["arn"]}},
                  {"tags", NameTag(fmt::format("{}-{}", w.base, name))}},
                 w.o);
  };
  alarm("alb_5xx", "alb-5xx", "HTTPCode_ELB_5XX_Count",
        "the shared ALB returned 5xx itself (no healthy target, target timeouts or resets) "
        "at least 10 times in 2 of 3 five-minute periods",
        300, 3, 2, 10);
  alarm("alb_rejected_connections", "alb-rejected-connections", "RejectedConnectionCount",
        "the shared ALB rejected connections: it reached its connection limit", 300, 1, 1, 1);
}

}  // namespace

std::string HostKey(const std::string& host) {
  std::string key = "host_" + host;
  for (char& c : key)
    if (c == '.') c = '_';
  return key;
}

SharedAlb AddSharedAlb(const PlatformScope& w, const std::optional<tf::Ref>& zone,
                       const tf::Ref& access_bucket, const tf::Ref& access_policy,
                       const tf::Ref& topic) {
  const tf::Ref sg = AddAlbSecurityGroup(w);  // in every environment (see there)
  // Everything else serves routed apps: an environment without one has no ALB.
  const std::map<std::string, RoutedHost> hosts = RoutedHosts(w.org, w.env);
  if (hosts.empty()) {
    SharedAlb none;
    none.sg = sg;
    return none;
  }
  for (const auto& [host, h] : hosts) w.u.sources.insert(h.files.begin(), h.files.end());

  Certificates certificates = AddCertificates(w, zone, hosts);
  const auto [logs_bucket, logs_policy] = AddAlbLogBucket(w, access_bucket, access_policy);
  const tf::Ref alb = AddAlb(w, sg, logs_bucket, logs_policy);
  const tf::Ref https = AddListeners(w, alb, certificates, hosts);
  AddAlbAlarms(w, alb, topic);
  return {.alb = alb,
          .sg = sg,
          .https = https,
          .zone_certificate = certificates.zone_certificate,
          .manual_records = std::move(certificates.manual_records)};
}

}  // namespace eurus::synth
