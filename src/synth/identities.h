#pragma once
// The deploy identities of one account, made by the bootstrap (docs/Security.md, "Deploy
// identities"): the deployer (applies), the planner (plans: reads configuration and state,
// writes state lock files) and the permissions boundary every other role carries.

#include <string>
#include <string_view>
#include <vector>

#include "synth/synth.h"

namespace eurus::synth {

/// Created by AWS Organizations in every account it creates, trusting the management account.
inline constexpr char kMemberAccessRole[] = "OrganizationAccountAccessRole";
inline constexpr char kGitHubOidcHost[] = "token.actions.githubusercontent.com";

/// One account the bootstrap reaches, with the provider alias that reaches it.
struct BootstrapAccount {
  std::string alias;        ///< provider alias and block-name suffix: management, common_prod, env_dev
  std::string id;
  std::string environment;  ///< eurus:environment tag: management, the realm, or the environment
  bool prod = false;        ///< a prod account: its deployer is assumable only from GitHub environment prod
  tf::Origin origin;        ///< where the account id was written
};

/// `aws.<alias>`.
std::string BootstrapProvider(const BootstrapAccount& a);

/// The roles and the boundary of one account. The deployer is returned: the state key's
/// policy names it. `state_bucket`/`state_key_arn`: what the planner may read.
struct Identities {
  tf::Ref deployer;
  tf::Ref planner;
};
Identities AddIdentities(const Context& ctx, tf::Unit& unit, const BootstrapAccount& a,
                         const tf::Ref* oidc);

/// A state object of another account the planner reads (the realm's observability state):
/// the object's ARN and the key that encrypts it (decrypted through S3 only).
struct ForeignState {
  std::string object_arn;
  tf::Ref key;
};

/// The planner's access to the account's state: read, lock files, the state key; and, with
/// `foreign`, that one object of another account.
void AddPlannerStateAccess(tf::Unit& unit, const BootstrapAccount& a, const tf::Ref& planner,
                           const std::string& state_bucket, const tf::Ref& state_key,
                           const ForeignState* foreign = nullptr);

/// IAM service prefixes the deployer may use (besides its scoped IAM): the services of the
/// resource types eurus generates (ServiceOf), sorted.
const std::vector<std::string_view>& DeployerServices();
/// The IAM service prefix of a resource type ("aws_lb" → "elasticloadbalancing"); empty
/// when the table does not know it (a test requires every generated type to be known).
std::string_view ServiceOf(std::string_view resource_type);
/// AWS managed policies the deployer may attach to the org's roles.
const std::vector<std::string_view>& AttachablePolicies();
/// Services the deployer may pass the org's roles to (iam:PassedToService).
const std::vector<std::string_view>& PassRoleServices();

}  // namespace eurus::synth
