#pragma once
// What `eurus graph` draws (docs/Diagrams.md), as graph::Graph values:
// - the unit view: the units `eurus synth` writes, grouped by output directory (account), an
//   arrow from each unit to every unit that reads its outputs (tf::Unit::dependencies, the
//   same edges the manifest, terragrunt.hcl and `eurus plan`'s scheduler order by);
// - the network view, per environment: the VPC and its CIDRs, one group per AZ (platform
//   subnet, NAT gateways), the shared ALB, the VPC endpoints, the edge (CloudFront, WAF,
//   API Gateway), the tenants with their subnets (from the lock allocation), apps and stores,
//   and the traffic paths: internet → edge → ALB → apps → stores, tenants → NAT → out.
// Both read the built model (and the synthesized units) only; output is sorted and stable.

#include <string>
#include <vector>

#include "graph/graph.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::graph {

/// Beyond these counts a view summarizes instead of drawing every box (with a note).
struct Limits {
  /// Tenants drawn per environment (network view) and tenant units per account (unit view);
  /// the rest become one "N more" box.
  size_t tenants = 12;
};

/// The unit DAG. `env` empty: every unit; else the units of that environment's directory
/// and, transitively, the units they read (drawn in their own groups).
Graph UnitView(const model::Org& org, const std::vector<tf::Unit>& units, const std::string& env,
               const Limits& limits = {});

/// The network picture of environment `env`, or of every environment when `env` is empty
/// (one group each, in name order).
Graph NetworkView(const model::Org& org, const std::string& env, const Limits& limits = {});

/// `from`'s nodes, groups, edges and notes appended to `to` (ids must not collide: the views
/// prefix theirs with `unit:` and `net:`).
void Append(Graph& to, Graph from);

}  // namespace eurus::graph
