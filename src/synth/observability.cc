// common-<realm>/observability: one place to look at a realm (docs/Observability.md). In the
// realm's common account, for realms with environments:
// - a CloudWatch Observability Access Manager (OAM) sink `<org>-<realm>` whose policy admits
//   exactly the realm's environment accounts, and only for metrics, log groups and traces;
// - the realm dashboard `<org>-<realm>` (observability_dashboard.cc);
// - per environment a realm-wide alarm on its shared ALB's own 5xx responses, notifying the
//   org's alert addresses through the topic `<org>-<realm>-alarms` (KMS-encrypted).
// Each environment's platform unit links to the sink (AddObservabilityLink), reading the
// sink's ARN from this unit's state, which the bootstrap lets exactly those environments'
// deploy roles read (bootstrap.cc). So the first apply runs this unit before the
// environments' platform units; it depends on none of them (it reads no tenant and no
// environment output: its dashboard and alarms find each environment's resources by account).

#include "synth/observability.h"

#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "model/naming.h"
#include "synth/policy_docs.h"
#include "synth/synth.h"

namespace eurus::synth {
namespace {

using tf::Json;

/// The realm alarm: the environment's ALB answered 5xx itself (no healthy target, target
/// timeouts or resets) at least this often in every one of kAlarmPeriods five-minute periods.
constexpr int kAlarm5xxThreshold = 25;
constexpr int kAlarmPeriods = 3;

/// The unit with its sink, sink policy and output: all an environment's link needs to read
/// (AddObservabilityLink builds it again for the remote-state read).
tf::Unit SinkUnit(const Context& ctx, const model::Realm& realm,
                  const std::vector<const model::Environment*>& envs) {
  const model::Org& org = ctx.org;
  const std::string realm_name = model::RealmName(realm.kind);
  tf::Unit u = ctx.NewUnit(CommonDir(realm.kind), realm.common_account, realm_name, tags::kPlatform,
                           kObservabilityUnit, tags::kPlatform);
  for (const model::Environment* e : envs) u.sources.insert(e->file);
  tf::Origin o = ctx.Origin(realm.span);
  if (o.empty()) o = "eurus.yaml";

  const std::string name = fmt::format("{}-{}", org.name, realm_name);
  tf::Ref sink = u.Resource("aws_oam_sink", "realm", {{"name", name}, {"tags", {{"Name", name}}}}, o);
  // Account ids as principals, as the OAM API reference's PutSinkPolicy examples write them;
  // the condition key oam:ResourceTypes with ForAllValues:StringEquals keeps every link to
  // the listed types (PutSinkPolicy: "You can also use a sink policy to limit the types of
  // data that is shared"). Other types OAM can share (Application Insights applications,
  // Internet Monitor monitors, Application Signals services and SLOs) are not admitted:
  // eurus creates none of them.
  Json accounts = Json::array();
  for (const model::Environment* e : envs) accounts.push_back(e->account);
  Json types = Json::array();
  for (const std::string& t : SharedTelemetryTypes()) types.push_back(t);
  u.Resource("aws_oam_sink_policy", "realm",
             {{"sink_identifier", sink["arn"]},
              {"policy", Policy(Json::array({{{"Sid", "RealmEnvironmentsLink"},
                                              {"Effect", "Allow"},
                                              {"Principal", {{"AWS", accounts}}},
                                              {"Action", {"oam:CreateLink", "oam:UpdateLink"}},
                                              {"Resource", "*"},
                                              {"Condition",
                                               {{"ForAllValues:StringEquals",
                                                 {{"oam:ResourceTypes", types}}}}}}}))}},
             o);
  u.Output(observability_out::kSinkArn, sink["arn"],
           "the realm's OAM sink; each environment's platform unit links to it");
  return u;
}

/// The key of the realm alarm topic: the common account administers it and uses it through
/// SNS; CloudWatch alarms of this account get the data key to publish encrypted.
std::string KeyPolicy(const model::Org& org, const std::string& account) {
  Json statements = KeyAccountStatements(account, org.region, {"sns"}, "AccountUsesKeyThroughSns");
  statements.push_back(
      // SNS asks the publisher for the data key of an encrypted topic: the statement of the
      // platform unit's key (platform.cc), as the SNS developer guide writes it for CloudWatch.
      {{"Sid", "CloudWatchAlarmsPublishEncrypted"},
       {"Effect", "Allow"},
       {"Principal", {{"Service", "cloudwatch.amazonaws.com"}}},
       {"Action", {"kms:Decrypt", "kms:GenerateDataKey*"}},
       {"Resource", "*"}});
  return Policy(std::move(statements));
}

/// The realm alarm topic (as the platform unit's: platform.cc), its policy and the org's
/// alert addresses. Returns the topic.
tf::Ref AddRealmTopic(const model::Org& org, const std::string& account, const std::string& base,
                      tf::Unit& u, const tf::Origin& o) {
  tf::Ref key = u.Resource("aws_kms_key", "alarms",
                           {{"description", fmt::format("{}: the realm alarm topic", base)},
                            {"enable_key_rotation", true},
                            {"deletion_window_in_days", 30},
                            {"policy", KeyPolicy(org, account)},
                            {"tags", {{"Name", base + "-alarms"}}}},
                           o);
  u.Resource("aws_kms_alias", "alarms", {{"name", "alias/" + base + "-alarms"}, {"target_key_id", key["key_id"]}},
             o);
  const std::string topic_name = base + "-alarms";
  const std::string topic_arn = fmt::format("arn:aws:sns:{}:{}:{}", org.region, account, topic_name);
  tf::Ref topic = u.Resource("aws_sns_topic", "alarms",
                             {{"name", topic_name},
                              {"display_name", fmt::format("{} alarms", base)},
                              {"kms_master_key_id", key["arn"]},
                              {"tags", {{"Name", topic_name}}}},
                             o);
  u.Resource("aws_sns_topic_policy", "alarms",
             {{"arn", topic["arn"]}, {"policy", AlarmTopicPolicy(org.region, account, topic_arn)}}, o);
  AddEmailSubscriptions(u, topic, org.alert_emails, o);
  return topic;
}

/// Per environment, an alarm in the common account on a Metrics Insights query over the
/// environment's account: in a monitoring account, Metrics Insights alarms watch source
/// accounts, limited to one with `WHERE AWS.AccountId` (CloudWatch user guide, "Alarms on
/// CloudWatch Metrics Insights queries"). One query, no metric math: the documented form
/// (`SELECT FUNCTION(metric) FROM SCHEMA(...) WHERE condition`). The ALB's LoadBalancer
/// dimension holds an id AWS generates; the schema over it sums every load balancer of the
/// account, which is the environment's shared ALB.
void AddRealmAlarms(const model::Org& org, const std::vector<const model::Environment*>& envs,
                    const tf::Ref& topic, tf::Unit& u, const Context& ctx) {
  for (const model::Environment* e : envs) {
    const std::string name = RealmAlarmName(org, *e);
    tf::Origin o = ctx.Origin(e->span);
    if (o.empty()) o = e->file;
    const std::string query = fmt::format(
        "SELECT SUM(HTTPCode_ELB_5XX_Count) FROM SCHEMA(\"AWS/ApplicationELB\", LoadBalancer) "
        "WHERE AWS.AccountId = '{}'",
        e->account);
    u.Resource("aws_cloudwatch_metric_alarm", "alb_5xx_" + BlockKey(e->name),
               {{"alarm_name", name},
                {"alarm_description",
                 fmt::format("environment {} (account {}): its shared ALB answered 5xx itself at least {} "
                             "times in each of {} five-minute periods",
                             e->name, e->account, kAlarm5xxThreshold, kAlarmPeriods)},
                {"metric_query", Json::array({{{"id", "elb5xx"},
                                               {"expression", query},
                                               {"period", 300},
                                               {"return_data", true}}})},
                {"evaluation_periods", kAlarmPeriods},
                {"datapoints_to_alarm", kAlarmPeriods},
                {"threshold", kAlarm5xxThreshold},
                {"comparison_operator", "GreaterThanOrEqualToThreshold"},
                {"treat_missing_data", "notBreaching"},
                {"actions_enabled", true},
                {"alarm_actions", {topic["arn"]}},
                {"ok_actions", {topic["arn"]}},
                {"tags", {{"Name", name}}}},
               o);
  }
}

/// The realm of `env` as the org declares it.
const model::Realm& RealmOf(const model::Org& org, const model::Environment& env) { return org.realm(env.realm); }

}  // namespace

std::string ObservabilityStateKey() { return std::string(kObservabilityUnit) + "/terraform.tfstate"; }

const std::vector<std::string>& SharedTelemetryTypes() {
  static const std::vector<std::string> types = {"AWS::CloudWatch::Metric", "AWS::Logs::LogGroup",
                                                 "AWS::XRay::Trace"};
  return types;
}

std::vector<const model::Environment*> RealmEnvironments(const model::Org& org, model::RealmKind realm) {
  std::vector<const model::Environment*> out;
  for (const model::Environment& e : org.environments)
    if (e.realm == realm) out.push_back(&e);
  return out;
}

std::vector<std::string> ObservabilityStateReaders(const model::Org& org, model::RealmKind realm) {
  std::set<std::string> roles;
  for (const model::Environment* e : RealmEnvironments(org, realm)) {
    roles.insert(fmt::format("arn:aws:iam::{}:role/{}", e->account, naming::DeployerRole(org.name).value));
    roles.insert(fmt::format("arn:aws:iam::{}:role/{}", e->account, naming::PlannerRole(org.name).value));
  }
  return {roles.begin(), roles.end()};
}

std::string RealmAlarmName(const model::Org& org, const model::Environment& env) {
  return fmt::format("{}-{}-{}-alb-5xx", org.name, model::RealmName(env.realm), env.name);
}

void AddObservability(const Context& ctx, std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  for (const model::Realm& realm : org.realms) {
    const std::vector<const model::Environment*> envs = RealmEnvironments(org, realm.kind);
    if (envs.empty()) continue;  // nothing to look at, and nobody to admit
    tf::Unit u = SinkUnit(ctx, realm, envs);
    tf::Origin o = ctx.Origin(realm.span);
    if (o.empty()) o = "eurus.yaml";
    const std::string base = fmt::format("{}-{}", org.name, model::RealmName(realm.kind));
    const tf::Ref topic = AddRealmTopic(org, realm.common_account, base, u, o);
    AddRealmAlarms(org, envs, topic, u, ctx);
    auto dashboards = RealmDashboards(org, realm.kind, envs);
    for (size_t i = 0; i < dashboards.size(); ++i)
      u.Resource("aws_cloudwatch_dashboard", i == 0 ? std::string("realm") : fmt::format("realm_{}", i + 1),
                 {{"dashboard_name", dashboards[i].first}, {"dashboard_body", std::move(dashboards[i].second)}}, o);
    u.Output("alarm_topic_arn", topic["arn"], "SNS topic (KMS) of the realm-wide alarms");
    units.push_back(std::move(u));
  }
}

void AddObservabilityLink(const Context& ctx, const model::Environment& env, tf::Unit& platform) {
  const model::Org& org = ctx.org;
  const model::Realm& realm = RealmOf(org, env);
  const tf::Unit sinks = SinkUnit(ctx, realm, RealmEnvironments(org, env.realm));
  // The common account's state bucket, read as this environment's own deployer or planner
  // (the bootstrap grants them this one object and decryption through S3).
  tf::Backend b = ctx.BackendFor(realm.common_account, kObservabilityUnit);
  b.role_arn = ctx.IdentityRoleArn(env.account);
  tf::Ref obs = platform.RemoteState(sinks, b);
  tf::Origin o = ctx.Origin(env.span);
  if (o.empty()) o = env.file;
  Json types = Json::array();
  for (const std::string& t : SharedTelemetryTypes()) types.push_back(t);
  // No link_configuration: everything of the three types is shared. A filter of "*" comes
  // back from the API as no configuration and plans a change forever
  // (hashicorp/terraform-provider-aws #43263); a narrower filter would hide the tenants' log
  // groups and metrics from the realm's one place to look.
  platform.Resource("aws_oam_link", "realm",
                    {{"label_template", "$AccountName"},
                     {"resource_types", types},
                     {"sink_identifier", obs.Output(observability_out::kSinkArn)},
                     {"tags", {{"Name", fmt::format("{}-{}", org.name, env.name)}}}},
                    o);
}

}  // namespace eurus::synth
