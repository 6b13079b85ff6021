#pragma once
// Private to the <env>/platform unit, whose blocks three files add: platform.cc (key, alarm
// topic, zone, log buckets, backups, dashboard, outputs), platform_alb.cc (the shared ALB of
// routed apps and its certificates) and ingress.cc (CloudFront, API Gateway).

#include <optional>
#include <string>

#include "synth/synth.h"

namespace eurus::synth {

/// What the parts of <env>/platform share (AddPlatform builds it once).
struct PlatformScope {
  const Context& ctx;
  const model::Org& org;
  const model::Environment& env;
  tf::Unit& u;
  tf::Origin o;       ///< the environment's file
  std::string base;   ///< "<org>-<env>": the prefix of names and Name tags
  bool protect;       ///< env.protection: the vault and the ALB cannot be destroyed
  bool retain;        ///< env.retain: the key and zone are kept, the vault never emptied
  tf::Ref net;        ///< <env>/network's remote state
};

/// The shared ALB and what the platform's outputs say about it. Everything but `sg` is empty
/// in an environment where no tenant routes an app (it has no ALB).
struct SharedAlb {
  std::optional<tf::Ref> alb;
  std::optional<tf::Ref> sg;     ///< the ALB's security group (in every environment)
  std::optional<tf::Ref> https;  ///< the HTTPS listener tenants attach their rules to
  /// The validated certificate of <zone> and *.<zone> (with a zone).
  std::optional<std::string> zone_certificate;
  /// DNS validation records to add by hand for hosts outside the zone, by host.
  tf::Json manual_records = tf::Json::object();
};

/// The ALB's security group (always), and once a tenant routes an app in the environment
/// (platform_alb.cc): the certificates of its hosts (validated in `zone` where they are under
/// it), the ALB's log bucket (its S3 access logs in `access_bucket`, whose policy is
/// `access_policy`), the internal ALB, its HTTPS and HTTP listeners, and its alarms to `topic`.
SharedAlb AddSharedAlb(const PlatformScope& w, const std::optional<tf::Ref>& zone,
                       const tf::Ref& access_bucket, const tf::Ref& access_policy,
                       const tf::Ref& topic);

/// The body of the environment's dashboard (platform_dashboard.cc): the ALB (when there is
/// one), the NAT gateways (when there are), and a section for the tenant the selector
/// chooses among those with apps in `env`. Empty when there is nothing to show. Reads every
/// tenant of `env` (their names), like the rest of the platform unit.
std::string DashboardBody(const model::Org& org, const model::Environment& env,
                          const std::optional<tf::Ref>& alb);

/// "shop.dev.acme.example.com" → "host_shop_dev_acme_example_com": the block name part of
/// a route host (its certificate, validation record, listener certificate, alias records).
/// Hosts hold no '_', so two hosts never share a block name (hyphens are kept: Terraform
/// names allow them).
std::string HostKey(const std::string& host);

}  // namespace eurus::synth
