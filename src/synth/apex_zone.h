#pragma once
// The org's apex zone `<domain>`, in the platform unit of the environment that owns it
// (`ingress.apex_zone`): the zone (created, or an existing one looked up by id), the NS
// record delegating the environment's own zone into it, and its outputs (the name servers
// the registrar delegates to). Hosts it serves get their certificates' validation records
// and alias records in it (platform_alb.cc, ingress.cc). See docs/Ingress.md.

#include <optional>
#include <string>

#include "model/model.h"
#include "synth/platform.h"
#include "tf/unit.h"

namespace eurus::synth {

/// "${aws_route53_zone.apex.zone_id}", or the data source's when the zone exists already.
/// Only for an environment that owns the apex zone (env.apex).
std::string ApexZoneId(const model::Environment& env);

/// The apex zone and the delegation of `zone` (the environment's zone) into it, and the
/// apex outputs. Nothing unless the environment owns the apex zone.
void AddApexZone(const PlatformScope& w, const std::optional<tf::Ref>& zone);

}  // namespace eurus::synth
