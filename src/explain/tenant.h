#pragma once
// `eurus explain tenant T`: what a tenant gets in each environment, read from the model and
// from the units synth built in memory (never re-derived), so it cannot disagree with synth:
// URLs, apps (image, size, counts, ports, injected variables and secrets, task role grants),
// access roles, subnets, alarms and the monthly estimate `eurus cost --by tenant` prints.
// The JSON shape is a contract: docs/Explain.md.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cost/estimate.h"
#include "model/model.h"
#include "tf/unit.h"

namespace eurus::explain {

/// Where a URL answers.
struct Url {
  std::string app;
  std::string via;   ///< "cloudfront", "api" or "alb" (the internal ALB: inside the VPC only)
  /// "https://shop.dev.acme.example.com/" (CloudFront), an API route ("https://api.dev.acme.example.com/shop/{proxy+}"),
  /// or an ALB rule's host and path pattern ("https://shop.dev.acme.example.com/*")
  std::string url;
  std::string method;  ///< an API route's method ("ANY"); empty for the others
};

/// One grant of a policy statement: its actions on its resources.
struct Grant {
  std::string sid;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
};

/// An injected variable: `value` is the literal or the reference ("aws_rds_cluster.orders.endpoint").
struct Variable {
  std::string name;
  std::string value;
  std::string from;  ///< "configuration", "data store orders", "OpenTelemetry", "secret stripe-key", "eurus"
};

struct AppReport {
  std::string name;
  std::string image;            ///< the ECR repository (`image`)
  std::string image_parameter;  ///< the SSM parameter holding the tag it runs
  std::string cpu, memory;      ///< as the task definition has them (CPU units, MiB)
  int desired = 0, min = 0, max = 0;
  bool spot = false;
  std::vector<int> ports;
  std::vector<Variable> environment;
  std::vector<Variable> secrets;  ///< value: where ECS reads it (valueFrom)
  std::vector<Grant> task_role;
  /// A routed app reachable only inside the VPC: how to expose it. Empty otherwise.
  std::string internal_only;
};

struct AccessRole {
  std::string role;  ///< the IAM role name
  std::string kind;  ///< "read" or "release"
  std::vector<std::string> principals;
  std::vector<Grant> grants;
};

struct Subnet {
  std::string az;
  std::string tenant_cidr;
  std::string data_cidr;
};

struct Alarm {
  std::string name;
  std::string metric;     ///< "AWS/ECS CPUUtilization"
  std::string statistic;  ///< "Average", "p99"
  std::string condition;  ///< "> 90"
};

struct EnvReport {
  std::string env;
  std::string account;
  std::string unit;  ///< "dev/tenant-shop"
  std::vector<Url> urls;
  std::vector<AppReport> apps;
  std::vector<AccessRole> access;
  std::vector<Subnet> subnets;
  std::vector<Alarm> alarms;
  std::optional<cost::TenantCost> cost;  ///< none when not estimated
};

struct TenantReport {
  std::string tenant;
  std::string currency;  ///< of the costs; empty when not estimated
  std::vector<EnvReport> envs;
};

/// The report of `tenant` in every environment it is deployed in (`env` empty), or in `env`.
/// `units` is the whole organisation as synth built it; `estimate` may be null. The tenant
/// and the environment exist (the caller checked).
TenantReport ExplainTenant(const model::Org& org, const std::vector<tf::Unit>& units, const cost::Estimate* estimate,
                           const std::string& tenant, const std::string& env);

nlohmann::ordered_json ToJson(const TenantReport& r);
/// Sectioned, at most 100 columns wide where the values allow.
std::string Render(const TenantReport& r);

}  // namespace eurus::explain
