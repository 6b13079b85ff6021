// The org's apex zone in its owner's platform unit (apex_zone.h).

#include "synth/apex_zone.h"

#include <fmt/format.h>

#include "tf/unit.h"

namespace eurus::synth {

using tf::Json;

/// Delegations are cached this long by resolvers (the parent's NS TTL of the Route 53
/// console's own delegation records, 2 days): the same TTL as the `zone_delegation` output.
constexpr int kDelegationTtl = 172800;

std::string ApexZoneId(const model::Environment& env) {
  return env.apex->zone_id.empty() ? "${aws_route53_zone.apex.zone_id}"
                                   : "${data.aws_route53_zone.apex.zone_id}";
}

void AddApexZone(const PlatformScope& w, const std::optional<tf::Ref>& zone) {
  const model::Environment& env = w.env;
  if (!env.apex || !zone) return;
  const model::ApexZone& apex = *env.apex;
  const tf::Origin o = w.ctx.Origin(apex.span).empty() ? w.o : w.ctx.Origin(apex.span);
  Json name_servers;
  if (apex.zone_id.empty()) {
    Json body = {{"name", apex.name},
                 {"comment", fmt::format("the apex zone of {}, owned by environment {} (eurus)", w.org.name, env.name)},
                 {"tags", {{"Name", apex.name}}}};
    // New name servers would break the registrar's delegation and every name of the
    // company's domain: kept in every environment, not only protected ones (review).
    body["lifecycle"] = {{"prevent_destroy", true}};
    name_servers = w.u.Resource("aws_route53_zone", "apex", std::move(body), o)["name_servers"];
  } else {
    // An existing public zone of this account: eurus adds records to it and nothing else.
    name_servers = w.u.Data("aws_route53_zone", "apex", {{"zone_id", apex.zone_id}}, o)["name_servers"];
  }
  // The environment's own zone is delegated here; zones of other environments live in
  // accounts this unit must not read (docs/Ingress.md, "Delegation").
  w.u.Resource("aws_route53_record", "apex_delegation",
               {{"zone_id", ApexZoneId(env)},
                {"name", env.zone},
                {"type", "NS"},
                {"ttl", kDelegationTtl},
                {"records", (*zone)["name_servers"]},
                // The delegation a person added by hand before eurus owned the zone
                // (docs/Platform.md): taken over instead of failing with "already exists".
                {"allow_overwrite", true}},
               o);
  Json by_hand = Json::array();
  for (const std::string& z : apex.environment_zones)
    if (z != env.zone) by_hand.push_back(z);
  w.u.Output("apex_zone_id", ApexZoneId(env), fmt::format("the org's apex zone {}", apex.name));
  w.u.Output("apex_name_servers", name_servers,
             fmt::format("the apex zone's name servers: the NS records the registrar of {} delegates to", apex.name));
  w.u.Output("apex_delegations_by_hand", by_hand,
             "environment zones to delegate by hand in the apex zone: add each one's `zone_delegation` output "
             "there as an NS record (docs/Ingress.md)");
}

}  // namespace eurus::synth
