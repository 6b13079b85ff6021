// The walk: every block of every unit is visited once, and each family's per-resource
// function runs in that visit (E0801-E0809, see rules.h); a large organisation is walked in
// contiguous ranges of units, one per thread, whose findings are gathered in unit order.
// Then the rules that need every unit read (E0803's internet routes) run.

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "check/policy.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

/// Rules that need more than one argument of a block.
enum class Kind {
  kNone,
  kLoadBalancer,
  kEip,
  kEipAssociation,
  kRoute,
  kAssociation,
  kIngress,
  kRole
};

/// What applies to a resource type, looked up once per type.
struct TypeRules {
  bool policies = true;  ///< its blocks may hold policy documents (see kNoPolicyTypes)
  const DataStoreKind* store = nullptr;
  const WorkloadKind* workload = nullptr;
  const PublicArg* pub = nullptr;
  Kind special = Kind::kNone;
};

/// One thread's walk over a range of units.
struct Walk {
  Walk(const Index& ix, const SourceMap* origins) : ctx(ix, origins) {}

  Context ctx;
  size_t units = 0;
  size_t resources = 0;
  std::unordered_map<std::string, TypeRules> rules;  ///< by resource type
};

const TypeRules& RulesFor(Walk& w, const std::string& type) {
  auto it = w.rules.find(type);
  if (it != w.rules.end()) return it->second;
  TypeRules r;
  r.policies = MayHoldPolicy(type, w.ctx.ix.policy.schema);
  r.store = FindDataStore(type);
  r.workload = FindWorkload(type);
  r.pub = FindPublicArg(type);
  if (type == "aws_lb" || type == "aws_alb" || type == "aws_elb")
    r.special = Kind::kLoadBalancer;
  else if (type == "aws_eip")
    r.special = Kind::kEip;
  else if (type == "aws_eip_association")
    r.special = Kind::kEipAssociation;
  else if (type == "aws_route" || type == "aws_route_table" || type == "aws_default_route_table")
    r.special = Kind::kRoute;
  else if (type == "aws_route_table_association" || type == "aws_main_route_table_association")
    r.special = Kind::kAssociation;
  else if (type == "aws_vpc_security_group_ingress_rule" || type == "aws_security_group_rule" ||
           type == "aws_security_group" || type == "aws_default_security_group")
    r.special = Kind::kIngress;
  else if (type == "aws_iam_role")
    r.special = Kind::kRole;
  return w.rules.emplace(type, r).first->second;
}

/// The rules of one resource block but E0806 and E0807 (read with its arguments).
void CheckResource(Context& ctx, size_t u, const Block& b, const TypeRules& rules) {
  if (rules.pub) PublicArgument(ctx, u, b, *rules.pub);
  if (rules.store) {
    StoreSpread(ctx, u, b, *rules.store);
    Encryption(ctx, u, b, *rules.store);
    Protection(ctx, u, b, *rules.store);
    Backup(ctx, u, b, *rules.store);
  }
  if (rules.workload) Workload(ctx, u, b, *rules.workload);
  switch (rules.special) {
    case Kind::kNone:
      break;
    case Kind::kLoadBalancer:
      LoadBalancer(ctx, u, b);
      break;
    case Kind::kEip:
      Eip(ctx, u, b);
      break;
    case Kind::kEipAssociation:
      EipAssociation(ctx, u, b);
      break;
    case Kind::kRoute:
      RouteToInternet(ctx, u, b);
      break;
    case Kind::kAssociation:
      Association(ctx, b);
      break;
    case Kind::kIngress:
      Ingress(ctx, u, b);
      break;
    case Kind::kRole:
      RoleBoundary(ctx, u, b);
      TenantRole(ctx, u, b);
      break;
  }
}

void WalkUnits(Walk& w, size_t begin, size_t end, const std::vector<char>* context_only) {
  Context& ctx = w.ctx;
  for (size_t u = begin; u < end; ++u) {
    if (context_only && (*context_only)[u]) continue;
    const PolicyUnit& unit = ctx.ix.units[u];
    ++w.units;
    TagGaps tag_gaps;
    // A unit with one provider whose default_tags hold every key: its blocks carry the
    // tags whatever they write (a block's own tags are only read where they are read anyway,
    // for policy documents), and every block uses that provider.
    const bool one_provider = unit.providers.size() == 1;
    const bool tagged = one_provider && ctx.ix.info[u].tagged[0];
    if (unit.resources && unit.resources->is_object()) {
      // The hot loop, over every block of the organisation, is bound by memory: the std::maps
      // under the JSON are walked directly, and a block's own map is not touched unless a
      // rule needs it.
      for (const auto& [type, byname] : unit.resources->get_ref<const json::object_t&>()) {
        if (!byname.is_object()) continue;
        const TypeRules& rules = RulesFor(w, type);
        for (const auto& [name, body] : byname.get_ref<const json::object_t&>()) {
          if (!body.is_object()) continue;
          ++w.resources;
          Block b{"resource", type, name, body};
          const auto& args = body.get_ref<const json::object_t&>();
          if (rules.policies) {
            const json* tags = nullptr;
            const json* provider = nullptr;
            for (const auto& [k, v] : args) {
              if (k == "tags")
                tags = &v;
              else if (k == "provider")
                provider = &v;
              else if (k.find("polic") != std::string::npos)
                PolicyString(ctx, u, b, k, v);
            }
            Tags(ctx, u, b, tags, one_provider ? &unit.providers[0] : ProviderFor(unit, provider),
                 tag_gaps);
          } else if (!tagged) {
            auto tags = args.find("tags");
            auto provider = args.find("provider");
            Tags(ctx, u, b, tags == args.end() ? nullptr : &tags->second,
                 ProviderFor(unit, provider == args.end() ? nullptr : &provider->second),
                 tag_gaps);
          }
          CheckResource(ctx, u, b, rules);
        }
      }
    }
    if (unit.data && unit.data->is_object()) {
      auto it = unit.data->find("aws_iam_policy_document");
      if (it != unit.data->end() && it->is_object())
        for (const auto& [name, body] : it->items())
          PolicyDocument(ctx, u, Block{"data", it.key(), name, body});
    }
    ReportTagGaps(ctx, u, tag_gaps);
    EndUnitRoutes(ctx, u);
  }
}

/// Takes over another walk's findings and what InternetRoutes needs.
void Absorb(Walk& into, Walk&& from) {
  into.ctx.findings.Absorb(std::move(from.ctx.findings));
  into.units += from.units;
  into.resources += from.resources;
  AbsorbRoutes(into.ctx.routes, std::move(from.ctx.routes));
}

}  // namespace
}  // namespace eurus::check::policy

namespace eurus::check {

PolicyStats CheckPolicy(const std::vector<PolicyUnit>& units, const PolicyContext& ctx,
                        const SourceMap* origins, Diagnostics& diags,
                        const std::vector<char>* context_only) {
  if (context_only && context_only->size() != units.size())
    throw std::logic_error("CheckPolicy: context_only must have one entry per unit");
  // Units are independent but for the index and the tables built on first use: a large
  // organisation is split into contiguous ranges, one per thread (as synth renders them),
  // indexed first, then checked; findings are gathered in unit order.
  const size_t threads =
      units.size() > 256 ? std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4) : 1;
  const policy::Index ix(units, ctx, threads);
  std::vector<std::unique_ptr<policy::Walk>> walks;
  for (size_t i = 0; i < threads; ++i) walks.push_back(std::make_unique<policy::Walk>(ix, origins));
  policy::Parallel(threads, units.size(), [&](size_t begin, size_t end, size_t i) {
    policy::WalkUnits(*walks[i], begin, end, context_only);
  });
  policy::Walk& all = *walks[0];
  for (size_t i = 1; i < threads; ++i) policy::Absorb(all, std::move(*walks[i]));
  // The rules that need every unit read; then the findings are handed over.
  policy::InternetRoutes(all.ctx);
  all.ctx.findings.MoveTo(diags);
  return {all.units, all.resources, all.ctx.findings.count()};
}

}  // namespace eurus::check
