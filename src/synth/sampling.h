#pragma once
// X-Ray sampling in an environment account (sampling.cc; docs/Workloads.md, "Traces in
// X-Ray"). The account is the environment's, so its rules see only its own services:
//
//   rule                 priority  matches              fixed_rate
//   <org>-<tenant>       1000      "<tenant>-*"         the deployment's sampling_rate
//   <org>-all-services   9000      every service        the environment's sampling_rate
//   Default (AWS's own)  10000     every service        5% (never reached)
//
// X-Ray evaluates the rules in ascending priority (1-9999; `Default` is fixed at 10000), so a
// tenant's rule wins over the environment's, which wins over AWS's. Both reserve the
// environment's `sampling_reservoir` traces a second first. The rules apply to SDKs that
// sample remotely (OTEL_TRACES_SAMPLER=xray in the ADOT distributions) through the
// collector's X-Ray proxy on localhost:2000; every other SDK samples the same rate locally
// (OTEL_TRACES_SAMPLER=parentbased_traceidratio, set on every app: workloads_task.cc).

#include <string>

#include "model/model.h"

namespace eurus::synth::sampling {

/// X-Ray's own `Default` rule's priority: every rule eurus makes must be below it.
inline constexpr int kAwsDefaultPriority = 10000;
/// The environment's default rule: after every tenant rule, before AWS's `Default`.
inline constexpr int kEnvironmentPriority = 9000;
/// A tenant's own rule: before the environment's.
inline constexpr int kTenantPriority = 1000;
/// The X-Ray sampling proxy of the collector sidecar (the awsproxy extension): where the
/// ADOT remote sampler calls GetSamplingRules and GetSamplingTargets, signed with the task
/// role. localhost: containers of an awsvpc task share one network namespace, and nothing
/// outside the task needs it. It is also the remote sampler's default endpoint.
inline constexpr char kProxyEndpoint[] = "localhost:2000";

/// "<tenant>-<app>": the service name an app's traces carry (OTEL_SERVICE_NAME), so that the
/// tenant's rule can tell its services from another tenant's (tenant names hold no '-').
std::string ServiceName(const std::string& tenant, const std::string& app);
/// "<tenant>-*": the rule pattern of every service of `tenant` (X-Ray: `*` any characters).
std::string TenantServices(const std::string& tenant);
/// The share of requests an app of `dep` in `env` traces: the deployment's own rate when it
/// has one, the environment's otherwise (the same rate its X-Ray rule samples).
double Rate(const model::Environment& env, const model::Deployment& dep);
/// "0.05": a rate as the SDK reads it (OTEL_TRACES_SAMPLER_ARG), shortest exact form.
std::string RateText(double rate);

}  // namespace eurus::synth::sampling
