// E0807: no IAM policy allows `*` actions on `*` resources: every policy JSON in an argument
// whose name holds "polic", aws_iam_policy_document data sources, AdministratorAccess.

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <optional>

#include "check/codes.h"
#include "check/policy/rules.h"
#include "model/naming.h"
#include "synth/synth.h"

namespace eurus::check::policy {
namespace {

/// Common types whose arguments (nested blocks included) hold no policy document, per the
/// pinned provider schema (policy_test checks the list against it). The hot loop reads only
/// their `tags` and `provider`; every other type has its arguments scanned for policies, so
/// a type eurus starts emitting is covered before anyone lists it here. Sorted.
constexpr std::string_view kNoPolicyTypes[] = {
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_apigatewayv2_integration",
    "aws_apigatewayv2_route",
    "aws_apigatewayv2_vpc_link",
    "aws_appautoscaling_target",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_backup_vault",
    "aws_budgets_budget",
    "aws_ce_cost_allocation_tag",
    "aws_ce_cost_category",
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_db_subnet_group",
    "aws_default_security_group",
    "aws_docdb_cluster",
    "aws_docdb_cluster_instance",
    "aws_docdb_subnet_group",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ecs_cluster",
    "aws_ecs_cluster_capacity_providers",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_eip",
    "aws_elasticache_serverless_cache",
    "aws_elasticache_subnet_group",
    "aws_flow_log",
    "aws_iam_openid_connect_provider",
    "aws_internet_gateway",
    "aws_kms_alias",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
    "aws_nat_gateway",
    "aws_oam_link",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_route",
    "aws_route53_zone",
    "aws_route_table",
    "aws_route_table_association",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_endpoint_route_table_association",
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_wafv2_web_acl",
    "aws_xray_sampling_rule",
};

/// An argument whose name holds "polic", in `block` or its nested blocks.
bool HasPolicyArgument(const BlockSchema& block, int depth = 0) {
  if (depth > 8) return true;
  for (const auto& [name, arg] : block.arguments) {
    if (name.find("polic") != std::string::npos) return true;
    if (arg.block && HasPolicyArgument(*arg.block, depth + 1)) return true;
  }
  return false;
}

bool HasExact(const json* v, std::initializer_list<std::string_view> any) {
  auto is = [&](const json& e) {
    if (!e.is_string()) return false;
    for (auto a : any)
      if (e.get_ref<const std::string&>() == a) return true;
    return false;
  };
  if (!v) return false;
  if (v->is_array()) return std::any_of(v->begin(), v->end(), is);
  return is(*v);
}

/// The Sid (or index) of the first statement allowing every action on every resource.
std::optional<std::string> WildcardStatement(const json& statements, const char* effect,
                                             const char* action, const char* resource,
                                             bool default_allow) {
  std::optional<std::string> found;
  size_t i = 0;
  ForEachBlock(&statements, [&](const json& st) {
    size_t n = i++;
    if (found) return;
    const std::string* e = Str(At(st, effect));
    if (e ? *e != "Allow" : !default_allow) return;
    if (!HasExact(At(st, action), {"*", "*:*"}) || !HasExact(At(st, resource), {"*"})) return;
    const std::string* sid = Str(At(st, "Sid"));
    if (!sid) sid = Str(At(st, "sid"));
    found = sid && !sid->empty() ? "`" + *sid + "`" : fmt::format("#{}", n + 1);
  });
  return found;
}

void ScanPolicyText(Context& ctx, size_t u, const Block& b, const std::string& key,
                    const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') return;  // jsonencode(...) etc.
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return;
  auto st = doc.find("Statement");
  if (st == doc.end()) return;
  if (auto sid = WildcardStatement(*st, "Effect", "Action", "Resource", false)) {
    ctx.findings.Report(
        codes::kPolicyIamWildcard, u, b,
        fmt::format("allows every action on every resource in `{}` (statement {})", key, *sid),
        "`*` on `*`",
        "name the actions and the resources needed; `kms:*` in a key policy is fine, `*` "
        "is not");
  }
}

void AdminArn(Context& ctx, size_t u, const Block& b, const std::string& key, const json& v) {
  const std::string& arn = v.get_ref<const std::string&>();
  static constexpr std::string_view kAdmin = ":policy/AdministratorAccess";
  if (arn.size() >= kAdmin.size() &&
      arn.compare(arn.size() - kAdmin.size(), kAdmin.size(), kAdmin) == 0) {
    ctx.findings.Report(codes::kPolicyIamWildcard, u, b,
                        fmt::format("attaches AdministratorAccess (`*` on `*`) through `{}`", key),
                        "AdministratorAccess",
                        "attach a policy naming the actions and resources needed");
  }
}

}  // namespace

void PolicyString(Context& ctx, size_t u, const Block& b, const std::string& k, const json& v) {
  if (v.is_string()) {
    if (k == "policy_arn" || k == "managed_policy_arn")
      AdminArn(ctx, u, b, k, v);
    else
      ScanPolicyText(ctx, u, b, k, v.get_ref<const std::string&>());
  } else if (v.is_array() || v.is_object()) {
    if (k == "managed_policy_arns" || k == "policy_arns") {
      ForEachString(v, [&](const json& e) { AdminArn(ctx, u, b, k, e); });
      return;
    }
    ForEachBlock(&v, [&](const json& nested) {
      for (const auto& [k2, v2] : nested.items())
        if (v2.is_string() && k2.find("polic") != std::string::npos)
          ScanPolicyText(ctx, u, b, k + "." + k2, v2.get_ref<const std::string&>());
    });
  }
}

void PolicyDocument(Context& ctx, size_t u, const Block& b) {
  if (!b.body.is_object()) return;
  const json* st = At(b.body, "statement");
  if (!st) return;
  if (auto sid = WildcardStatement(*st, "effect", "actions", "resources", true)) {
    ctx.findings.Report(codes::kPolicyIamWildcard, u, b,
                        fmt::format("allows every action on every resource (statement {})", *sid),
                        "`*` on `*`", "name the actions and the resources needed");
  }
}

void RoleBoundary(Context& ctx, size_t u, const Block& b) {
  if (!b.body.is_object()) return;
  const PolicyUnit& unit = ctx.ix.units[u];
  const ProviderConfig* provider = ProviderOf(unit, b.body);
  const std::string* org = nullptr;
  if (provider) {
    auto it = provider->default_tags.find(synth::tags::kOrg);
    if (it != provider->default_tags.end()) org = &it->second;
  }
  const std::string* name = Str(At(b.body, "name"));
  // The deploy identities: made by the bootstrap (local state) before any boundary exists,
  // guarded by their own policies instead (docs/Security.md).
  if (unit.state.empty() && org && name &&
      (*name == naming::DeployerRole(*org).value || *name == naming::PlannerRole(*org).value))
    return;
  const std::string* boundary = Str(At(b.body, "permissions_boundary"));
  std::string want;
  if (provider && org && !provider->account.empty())
    want = fmt::format("arn:aws:iam::{}:policy/{}", provider->account, naming::BoundaryPolicy(*org).value);
  if (boundary && (want.empty() ? boundary->find(":policy/") != std::string::npos : *boundary == want))
    return;
  ctx.findings.Report(
      codes::kPolicyBoundary, u, b,
      boundary ? fmt::format("carries the permissions boundary `{}`, not its account's", *boundary)
               : std::string("has no permissions boundary"),
      boundary ? "another boundary" : "no `permissions_boundary`",
      want.empty() ? std::string("set `permissions_boundary` to the account's `<org>-boundary` policy")
                   : fmt::format("set `permissions_boundary = \"{}\"`: the deployer can only create "
                                 "and change roles that carry it",
                                 want));
}

}  // namespace eurus::check::policy

namespace eurus::check {

bool MayHoldPolicy(std::string_view type, const Schema* schema) {
  if (schema) {
    if (const TypeSchema* ts = schema->Resource(type)) return policy::HasPolicyArgument(ts->block);
  }
  return !std::binary_search(std::begin(policy::kNoPolicyTypes), std::end(policy::kNoPolicyTypes),
                             type);
}

std::vector<std::string_view> TypesWithoutPolicies() {
  return {std::begin(policy::kNoPolicyTypes), std::end(policy::kNoPolicyTypes)};
}

}  // namespace eurus::check
