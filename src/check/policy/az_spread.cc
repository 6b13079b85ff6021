// E0801: every workload and data store spans >= 2 availability zones (3 where the
// environment has 3 or more). Subnets are followed through references and remote-state
// outputs to their availability_zone.

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

constexpr WorkloadKind kWorkloads[] = {
    {"aws_ecs_service", "network_configuration.subnets", nullptr},
    {"aws_lb", "subnets", "subnet_mapping.subnet_id"},
    {"aws_alb", "subnets", "subnet_mapping.subnet_id"},
    {"aws_apigatewayv2_vpc_link", "subnet_ids", nullptr},
    {"aws_vpc_endpoint", "subnet_ids", "subnet_configuration.subnet_id"},
    {"aws_autoscaling_group", "vpc_zone_identifier", nullptr},
    {"aws_lambda_function", "vpc_config.subnet_ids", nullptr},
    {"aws_ec2_transit_gateway_vpc_attachment", "subnet_ids", nullptr},
};

/// The availability zones a block spans, as far as they can be read.
struct AzSpan {
  std::set<std::string> azs;
  bool unknown = false;  ///< a subnet whose AZ cannot be read: the rule stays silent
  bool any = false;      ///< some subnet was named
};

/// Adds the AZs of the subnets `v` (written in unit `u`) names.
void SubnetAzs(const Index& ix, size_t u, const json* v, AzSpan& span) {
  for (const Target& t : Resolve(ix, u, v)) {
    span.any = true;
    const json* body = t.kind == Target::kRef && t.type == "aws_subnet" ? BodyOf(ix, t) : nullptr;
    const std::string* az = body ? Str(At(*body, "availability_zone")) : nullptr;
    if (!az) az = body ? Str(At(*body, "availability_zone_id")) : nullptr;
    if (az && az->find("${") == std::string::npos)
      span.azs.insert(*az);
    else
      span.unknown = true;
  }
}

/// Adds the AZs of the subnets of the subnet group (of type `group`) `v` names.
void GroupAzs(const Index& ix, size_t u, const json* v, const std::string& group,
              AzSpan& span) {
  for (const Target& t : Resolve(ix, u, v)) {
    const json* body = nullptr;
    size_t gu = t.unit;
    if (t.kind == Target::kRef && t.type == group) {
      body = BodyOf(ix, t);
    } else if (t.kind == Target::kLiteral && ix.units[u].resources) {
      gu = u;
      auto it = ix.units[u].resources->find(group);
      if (it != ix.units[u].resources->end() && it->is_object())
        for (const auto& [n, gb] : it->items())
          if (const std::string* name = Str(At(gb, "name")); name && *name == t.literal)
            body = &gb;
    }
    if (!body) {
      span.any = true;
      span.unknown = true;
      continue;
    }
    SubnetAzs(ix, gu, At(*body, "subnet_ids"), span);
  }
}

/// The AZs a workload or store of `account` must span; `env` is set to its environment.
int RequiredAzs(const Index& ix, const std::string& account, std::string* env) {
  const AccountPolicy* a = Account(ix, account);
  if (env && a) *env = a->environment;
  if (!a || !a->azs) return 2;
  return std::max(2, std::min(*a->azs, 3));
}

void CheckSpread(Context& ctx, size_t u, const Block& b, const AzSpan& span) {
  if (!span.any || span.unknown) return;
  std::string env;
  int required = RequiredAzs(ctx.ix, AccountOf(ctx.ix.units[u], b.body), &env);
  if (static_cast<int>(span.azs.size()) >= required) return;
  std::string list;
  for (const auto& a : span.azs) list += (list.empty() ? "" : ", ") + a;
  const AccountPolicy* a = Account(ctx.ix, AccountOf(ctx.ix.units[u], b.body));
  std::string need =
      a && a->azs ? fmt::format("environment {} has {}, so it needs {}", env, *a->azs, required)
                  : fmt::format("it needs at least {}", required);
  ctx.findings.Report(codes::kPolicyAzSpread, u, b,
                      fmt::format("spans {} availability zone{} ({}); {}", span.azs.size(),
                                  span.azs.size() == 1 ? "" : "s", list, need),
                      fmt::format("{} AZ{}", span.azs.size(), span.azs.size() == 1 ? "" : "s"),
                      "place it in a subnet of every availability zone of the environment");
}

}  // namespace

const WorkloadKind* FindWorkload(std::string_view type) {
  for (const WorkloadKind& k : kWorkloads)
    if (type == k.type) return &k;
  return nullptr;
}

void Workload(Context& ctx, size_t u, const Block& b, const WorkloadKind& k) {
  AzSpan span;
  for (const char* path : {k.subnets, k.subnets2}) {
    if (!path) continue;
    std::vector<const json*> vs;
    Collect(b.body, path, vs);
    for (const json* v : vs) SubnetAzs(ctx.ix, u, v, span);
  }
  if (std::string_view(k.type) == "aws_vpc_endpoint") {
    // Interface endpoints in fewer AZs on purpose (`endpoint_zones: one`, nonprod only).
    const AccountPolicy* a = Account(ctx.ix, AccountOf(ctx.ix.units[u], b.body));
    if (a && a->endpoint_azs && static_cast<int>(span.azs.size()) >= *a->endpoint_azs) return;
  }
  CheckSpread(ctx, u, b, span);
}

void StoreSpread(Context& ctx, size_t u, const Block& b, const DataStoreKind& k) {
  AzSpan span;
  switch (k.spread) {
    case Spread::kRegional:
      return;
    case Spread::kSubnetGroup: {
      const json* azs = k.azs ? At(b.body, k.azs) : nullptr;
      if (azs && azs->is_array() && !azs->empty()) {
        for (const auto& a : *azs) {
          span.any = true;
          if (a.is_string() && a.get_ref<const std::string&>().find("${") == std::string::npos)
            span.azs.insert(a.get<std::string>());
          else
            span.unknown = true;
        }
      } else if (const json* g = At(b.body, k.spread_arg)) {
        GroupAzs(ctx.ix, u, g, k.group, span);
      }
      break;
    }
    case Spread::kSubnets:
      SubnetAzs(ctx.ix, u, At(b.body, k.spread_arg), span);
      break;
    case Spread::kMultiAzFlag:
      if (IsTrue(At(b.body, k.spread_arg))) return;
      ctx.findings.Report(
          codes::kPolicyAzSpread, u, b,
          fmt::format("runs in a single availability zone ({} is off)", k.spread_arg),
          "single-AZ", fmt::format("set {} = true", k.spread_arg));
      return;
    case Spread::kOneZone:
      if (const std::string* az = Str(At(b.body, k.spread_arg))) {
        ctx.findings.Report(
            codes::kPolicyAzSpread, u, b, fmt::format("is a One Zone {} in {}", k.what, *az),
            "one zone", fmt::format("leave out {} for a regional {}", k.spread_arg, k.what));
      }
      return;
  }
  CheckSpread(ctx, u, b, span);
}

}  // namespace eurus::check::policy
