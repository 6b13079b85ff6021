// E0802: nothing gets a public IP or faces the internet, the public NAT gateway's Elastic IP
// aside.

#include <fmt/format.h>

#include "check/codes.h"
#include "check/policy/rules.h"

namespace eurus::check::policy {
namespace {

constexpr PublicArg kPublicArgs[] = {
    {"aws_subnet", "map_public_ip_on_launch", "maps a public IP to everything launched in it"},
    {"aws_default_subnet", "map_public_ip_on_launch",
     "maps a public IP to everything launched in it"},
    {"aws_instance", "associate_public_ip_address", "gets a public IP"},
    {"aws_launch_template", "network_interfaces.associate_public_ip_address",
     "gives its instances public IPs"},
    {"aws_ecs_service", "network_configuration.assign_public_ip", "gives its tasks public IPs"},
    {"aws_db_instance", "publicly_accessible", "is publicly accessible"},
    {"aws_rds_cluster_instance", "publicly_accessible", "is publicly accessible"},
    {"aws_redshift_cluster", "publicly_accessible", "is publicly accessible"},
    {"aws_mq_broker", "publicly_accessible", "is publicly accessible"},
    {"aws_dms_replication_instance", "publicly_accessible", "is publicly accessible"},
};

/// True when a public NAT gateway of unit `u` uses Elastic IP `eip`.
bool PublicNatEip(const Index& ix, size_t u, const std::string& eip) {
  const json* nats = ix.units[u].resources ? &*ix.units[u].resources : nullptr;
  if (!nats || !nats->contains("aws_nat_gateway")) return false;
  for (const auto& [n, body] : (*nats)["aws_nat_gateway"].items()) {
    const std::string* conn = Str(At(body, "connectivity_type"));
    if (conn && *conn == "private") continue;
    std::vector<const json*> ids;
    Collect(body, "allocation_id", ids);
    Collect(body, "secondary_allocation_ids", ids);
    for (const json* v : ids)
      if (RefersTo(ix, u, v, u, "aws_eip", eip, nullptr)) return true;
  }
  return false;
}

}  // namespace

const PublicArg* FindPublicArg(std::string_view type) {
  for (const PublicArg& k : kPublicArgs)
    if (type == k.type) return &k;
  return nullptr;
}

void PublicArgument(Context& ctx, size_t u, const Block& b, const PublicArg& arg) {
  std::vector<const json*> values;
  Collect(b.body, arg.path, values);
  for (const json* v : values) {
    if (!IsTrue(v)) continue;
    std::string leaf = arg.path;
    leaf = leaf.substr(leaf.rfind('.') + 1);
    ctx.findings.Report(
        codes::kPolicyPublic, u, b, arg.what, leaf + " is true",
        fmt::format("set {} to false: only the public NAT gateway has a public IP, and "
                    "traffic comes in through the shared ALB's ingress",
                    leaf));
    return;
  }
}

void LoadBalancer(Context& ctx, size_t u, const Block& b) {
  const std::string* lb_type = Str(At(b.body, "load_balancer_type"));
  if (lb_type && *lb_type == "gateway") return;
  if (!IsTrue(At(b.body, "internal")))
    ctx.findings.Report(codes::kPolicyPublic, u, b, "is internet-facing",
                        At(b.body, "internal") ? "internal is false" : "internal is not set",
                        "set internal = true: internet traffic reaches the platform through "
                        "CloudFront VPC origins or API Gateway VPC links");
}

void Eip(Context& ctx, size_t u, const Block& b) {
  if (!PublicNatEip(ctx.ix, u, b.name) || At(b.body, "instance") ||
      At(b.body, "network_interface"))
    ctx.findings.Report(codes::kPolicyPublic, u, b,
                        "allocates a public IP that no public NAT gateway of the unit uses",
                        "public IP", "only the public NAT gateways hold Elastic IPs");
}

void EipAssociation(Context& ctx, size_t u, const Block& b) {
  ctx.findings.Report(codes::kPolicyPublic, u, b, "attaches a public IP", "public IP",
                      "only the public NAT gateways hold Elastic IPs");
}

}  // namespace eurus::check::policy
