// X-Ray sampling rules (sampling.h): the environment's default rule in its platform unit and
// a tenant's own rule in its tenant unit, where the deployment sets `tracing.sampling_rate`.
//
// aws_xray_sampling_rule (provider internal/service/xray/sampling_rule.go): rule_name 1-32
// characters, priority 1-9999, version >= 1 and forces a new rule, service_name <= 64; every
// match field is required ("*" matches anything). Rules are free; X-Ray bills the traces
// recorded ($5 per million beyond 100,000 a month, aws.amazon.com/xray/pricing). An account
// holds at most 25 sampling rules per Region (docs.aws.amazon.com/general/latest/gr/xray.html).

#include <fmt/format.h>

#include "model/naming.h"
#include "synth/sampling.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace sampling {

std::string ServiceName(const std::string& tenant, const std::string& app) {
  return fmt::format("{}-{}", tenant, app);
}

std::string TenantServices(const std::string& tenant) { return tenant + "-*"; }

double Rate(const model::Environment& env, const model::Deployment& dep) {
  return dep.sampling_rate.value_or(env.sampling_rate);
}

std::string RateText(double rate) { return fmt::format("{}", rate); }

namespace {

/// A rule matching the services `services` of the account, whatever the request.
tf::Json Rule(const naming::Name& name, int priority, const std::string& services, double rate,
              int reservoir) {
  return {{"rule_name", name.value},
          {"priority", priority},
          {"version", 1},
          {"fixed_rate", rate},
          {"reservoir_size", reservoir},
          {"service_name", services},
          {"service_type", "*"},
          {"host", "*"},
          {"http_method", "*"},
          {"url_path", "*"},
          {"resource_arn", "*"},
          {"tags", {{"Name", name.value}}}};
}

}  // namespace
}  // namespace sampling

void AddDefaultSampling(const Context& ctx, const model::Environment& env, tf::Unit& platform) {
  const Span at = env.tracing_span.valid() ? env.tracing_span : env.span;
  platform.Resource("aws_xray_sampling_rule", "default",
                    sampling::Rule(naming::DefaultSamplingRule(ctx.org.name),
                                   sampling::kEnvironmentPriority, "*", env.sampling_rate,
                                   env.sampling_reservoir),
                    ctx.Origin(at));
}

void AddTenantSampling(const Context& ctx, const model::Environment& env,
                       const model::Tenant& tenant, const model::Deployment& dep, tf::Unit& unit) {
  if (!dep.sampling_rate || dep.apps.empty()) return;
  const Span at = dep.sampling_span.valid() ? dep.sampling_span : tenant.span;
  unit.Resource("aws_xray_sampling_rule", "tenant",
                sampling::Rule(naming::TenantSamplingRule(ctx.org.name, tenant.name),
                               sampling::kTenantPriority, sampling::TenantServices(tenant.name),
                               *dep.sampling_rate, env.sampling_reservoir),
                ctx.Origin(at));
}

}  // namespace eurus::synth
