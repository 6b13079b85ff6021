#pragma once
// common-<realm>/observability (observability.cc, observability_dashboard.cc): the realm's
// CloudWatch cross-account observability sink, its realm dashboard and realm-wide alarms, in
// the realm's common account; and the link each environment's platform unit makes to it.

#include <string>
#include <utility>
#include <vector>

#include "model/model.h"

namespace eurus::synth {

/// The unit's name (common-<realm>/observability).
inline constexpr char kObservabilityUnit[] = "observability";

namespace observability_out {
/// ARN of the realm's OAM sink: it holds an id AWS generates, so environments read it from
/// this unit's state (the bootstrap grants them exactly that object: bootstrap.cc).
inline constexpr char kSinkArn[] = "sink_arn";
}  // namespace observability_out

/// "observability/terraform.tfstate": the state object the realm's environment accounts may
/// read in the common account's state bucket (ObservabilityStateReaders).
std::string ObservabilityStateKey();

/// What environments share with the sink, and all the sink policy admits: metrics, log
/// groups and traces (sorted).
const std::vector<std::string>& SharedTelemetryTypes();

/// The environments of `realm`, in configuration order.
std::vector<const model::Environment*> RealmEnvironments(const model::Org& org, model::RealmKind realm);

/// The roles that read the observability state of the common account of `realm`: each
/// environment's deployer and planner (sorted). Empty for a realm without environments.
std::vector<std::string> ObservabilityStateReaders(const model::Org& org, model::RealmKind realm);

/// "<org>-<realm>-<env>-alb-5xx": the realm-wide alarm of an environment, in the common account.
std::string RealmAlarmName(const model::Org& org, const model::Environment& env);

/// The realm dashboard's body (observability_dashboard.cc): per environment a header, its
/// ALB, ECS, data stores and NAT, found in the linked account by SEARCH expressions and
/// Metrics Insights queries on its account id; then the realm alarms' state.
std::string RealmDashboardBody(const model::Org& org, model::RealmKind realm,
                               const std::vector<const model::Environment*>& envs);

/// Environments per realm dashboard: CloudWatch allows 500 widgets on a dashboard
/// (PutDashboard, "Dashboard Body Structure and Syntax"); an environment takes at most 13
/// (a header, 3 ALB, 2 ECS, 6 data store graphs, 1 NAT) and each dashboard ends with the
/// alarm widget: 38 × 13 + 1 = 495.
inline constexpr size_t kEnvironmentsPerDashboard = 38;

/// The realm's dashboards as (name, body): `<org>-<realm>` for its first
/// kEnvironmentsPerDashboard environments, then `<org>-<realm>-2`, `-3`, ... (each $3 a
/// month; a realm of fewer environments has one).
std::vector<std::pair<std::string, std::string>> RealmDashboards(const model::Org& org, model::RealmKind realm,
                                                                 const std::vector<const model::Environment*>& envs);

}  // namespace eurus::synth
