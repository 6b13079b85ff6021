// TEMPORARY: replaced by platform.cc at merge.
//
// A stand-in for the <env>/platform unit so that tenant workloads can be built and tested
// end to end on this branch: it declares exactly the outputs of contract.h platform_out.
// Values are placeholders, except the ALB security group, which is a real (empty) group of
// the platform unit so that the tenant isolation rule (E0808) judges the app security
// group's rule against a platform group, as it will with platform.cc.

#include <fmt/format.h>

#include "synth/contract.h"
#include "synth/synth.h"

namespace eurus::synth {

size_t AddPlatform(const Context& ctx, const model::Environment& env, const tf::Unit& network,
                   std::vector<tf::Unit>& units) {
  const model::Org& org = ctx.org;
  tf::Unit u =
      ctx.NewUnit(env.name, env.account, env.name, tags::kPlatform, kPlatformUnit, tags::kPlatform);
  u.sources.insert(env.file);
  const tf::Origin o = ctx.Origin(env.span);
  tf::Ref nw = u.RemoteState(network, ctx.BackendFor(env.account, "network"));
  const std::string name = fmt::format("{}-{}-alb", org.name, env.name);
  tf::Ref alb_sg = u.Resource("aws_security_group", "alb",
                              {{"name", name},
                               {"description", "placeholder for the shared ALB's security group"},
                               {"vpc_id", nw.Output("vpc_id")},
                               {"tags", {{"Name", name}}}},
                              o);
  u.Output(platform_out::kKmsKeyArn,
           fmt::format("arn:aws:kms:{}:{}:key/00000000-0000-0000-0000-000000000000", org.region,
                       env.account),
           "placeholder: the environment's KMS key");
  u.Output(platform_out::kAlbSecurityGroupId, alb_sg["id"],
           "placeholder: the shared ALB's security group");
  u.Output(
      platform_out::kListenerArn,
      fmt::format(
          "arn:aws:elasticloadbalancing:{}:{}:listener/app/{}-{}/0000000000000000/0000000000000000",
          org.region, env.account, org.name, env.name),
      "placeholder: the shared ALB's HTTPS listener");
  u.Output(platform_out::kAlbArnSuffix,
           fmt::format("app/{}-{}/0000000000000000", org.name, env.name),
           "placeholder: the shared ALB's ARN suffix");
  u.Output(
      platform_out::kAlarmTopicArn,
      fmt::format("arn:aws:sns:{}:{}:{}-{}-alarms", org.region, env.account, org.name, env.name),
      "placeholder: the environment's alarm topic");
  units.push_back(std::move(u));
  return units.size() - 1;
}

}  // namespace eurus::synth
