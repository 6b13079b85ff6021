// E0808: a tenant's security groups admit no other tenant's traffic: a source group must
// belong to the same tenant or the platform, a source CIDR must not overlap another tenant's
// subnets in the same account.

#include <fmt/format.h>

#include <algorithm>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

/// Every tenant unit's subnets, by account, sorted by first address.
void TenantSubnets(const Index& ix, std::map<std::string, std::vector<TenantSubnet>>& out) {
  for (size_t u = 0; u < ix.units.size(); ++u) {
    if (SharedTenant(ix.info[u].tenant)) continue;
    const json* res = ix.units[u].resources;
    if (!res || !res->is_object()) continue;
    auto it = res->find("aws_subnet");
    if (it == res->end() || !it->is_object()) continue;
    for (const auto& [n, body] : it->items()) {
      const std::string* c = Str(At(body, "cidr_block"));
      auto cidr = c ? Cidr::Parse(*c) : std::nullopt;
      if (cidr) out[AccountOf(ix.units[u], body)].push_back({*cidr, u, n});
    }
  }
  for (auto& [account, v] : out)
    std::sort(v.begin(), v.end(), [](const TenantSubnet& a, const TenantSubnet& b) {
      return a.cidr.first() < b.cidr.first();
    });
}

/// The first subnet of a tenant other than `owner` that `cidr` overlaps.
const TenantSubnet* OtherTenantSubnet(const Index& ix, const std::string& account,
                                      const Cidr& cidr, const std::string& owner) {
  std::call_once(ix.subnets_once, [&ix] { TenantSubnets(ix, ix.tenant_subnets); });
  auto it = ix.tenant_subnets.find(account);
  if (it == ix.tenant_subnets.end()) return nullptr;
  const auto& v = it->second;
  // Tenant subnets never overlap one another, so their last addresses are sorted too.
  auto from =
      std::lower_bound(v.begin(), v.end(), cidr.first(),
                       [](const TenantSubnet& s, uint32_t a) { return s.cidr.last() < a; });
  for (auto s = from; s != v.end() && s->cidr.first() <= cidr.last(); ++s)
    if (ix.info[s->unit].tenant != owner) return &*s;
  return nullptr;
}

}  // namespace

void Ingress(Context& ctx, size_t u, const Block& b) {
  std::vector<const json*> groups, cidrs;
  const json* guarded = nullptr;
  if (b.type == "aws_vpc_security_group_ingress_rule") {
    guarded = At(b.body, "security_group_id");
    Collect(b.body, "referenced_security_group_id", groups);
    Collect(b.body, "cidr_ipv4", cidrs);
  } else if (b.type == "aws_security_group_rule") {
    const std::string* kind = Str(At(b.body, "type"));
    if (!kind || *kind != "ingress") return;
    guarded = At(b.body, "security_group_id");
    Collect(b.body, "source_security_group_id", groups);
    Collect(b.body, "cidr_blocks", cidrs);
  } else {
    Collect(b.body, "ingress.security_groups", groups);
    Collect(b.body, "ingress.cidr_blocks", cidrs);
  }
  if (groups.empty() && cidrs.empty()) return;
  // Fast path: a rule between two groups of its own unit (one tenant) needs no resolving.
  auto local_group = [](const json* v) {
    const std::string* s = Str(v);
    return s && s->rfind("${aws_security_group.", 0) == 0 &&
           s->find("${", 2) == std::string::npos;
  };
  if (cidrs.empty() && (!guarded || local_group(guarded)) &&
      std::all_of(groups.begin(), groups.end(), local_group))
    return;
  // Whose security group the rule opens.
  size_t owner_unit = u;
  if (guarded) {
    for (const Target& t : Resolve(ctx.ix, u, guarded))
      if (t.kind == Target::kRef) owner_unit = t.unit;
  }
  const std::string& owner = ctx.ix.info[owner_unit].tenant;
  if (SharedTenant(owner)) return;  // shared platform groups admit every tenant by design
  const std::string account = AccountOf(ctx.ix.units[u], b.body);

  for (const json* g : groups) {
    std::vector<Target> ts;
    Resolve(ctx.ix, u, *g, ts);
    for (const Target& t : ts) {
      std::string why;
      if (t.kind == Target::kRef &&
          (t.type == "aws_security_group" || t.type == "aws_default_security_group")) {
        const std::string& src = ctx.ix.info[t.unit].tenant;
        if (src == owner || SharedTenant(src)) continue;
        why = fmt::format("admits security group {}.{} of tenant {} (unit {})", t.type, t.name,
                          src, ctx.ix.units[t.unit].id);
      } else if (t.kind == Target::kLiteral) {
        why = fmt::format("admits security group {}, which is not one of tenant {}'s", t.literal,
                          owner);
      } else {
        why = fmt::format("admits a security group eurus cannot attribute to tenant {}", owner);
      }
      ctx.findings.Report(
          codes::kPolicyTenantIsolation, u, b,
          fmt::format("opens tenant {}'s security group: it {}", owner, why),
          "another tenant's traffic",
          "a tenant's security groups admit only its own groups and the platform's");
      return;
    }
  }
  for (const json* cidr_value : cidrs) {
    std::vector<Target> ts;
    Resolve(ctx.ix, u, *cidr_value, ts);
    for (const Target& t : ts) {
      if (t.kind == Target::kRef && t.type == "aws_subnet") {
        const std::string& src = ctx.ix.info[t.unit].tenant;
        if (src == owner || SharedTenant(src)) continue;
        ctx.findings.Report(
            codes::kPolicyTenantIsolation, u, b,
            fmt::format("opens tenant {}'s security group to aws_subnet.{} of tenant {}", owner,
                        t.name, src),
            "another tenant's subnet",
            "a tenant's security groups admit only its own groups and the platform's");
        return;
      }
      if (t.kind != Target::kLiteral) continue;
      auto cidr = Cidr::Parse(t.literal);
      if (!cidr) continue;
      if (const TenantSubnet* s = OtherTenantSubnet(ctx.ix, account, *cidr, owner)) {
        ctx.findings.Report(
            codes::kPolicyTenantIsolation, u, b,
            fmt::format("opens tenant {}'s security group to {}, which covers tenant {}'s "
                        "subnet {} (aws_subnet.{} in unit {})",
                        owner, t.literal, ctx.ix.info[s->unit].tenant, s->cidr.ToString(),
                        s->name, ctx.ix.units[s->unit].id),
            "covers another tenant's subnet",
            "admit the tenant's own subnets or security groups, or the platform's");
        return;
      }
    }
  }
}

}  // namespace eurus::check::policy
