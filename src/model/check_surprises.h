#pragma once
// Warnings for configurations that are valid but do not do what they seem to (W0018-W0023):
// a routed app nothing outside its VPC reaches although the environment has an edge,
// settings that do nothing, environments whose VPC ranges overlap.

namespace eurus::model::build {

struct Context;

/// Every surprise of the built model, each located at the setting with how to fix it
/// (after BuildTenants: reads the deployments and the environments' documents).
void WarnSurprises(Context& ctx);

}  // namespace eurus::model::build
