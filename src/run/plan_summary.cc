#include "run/plan_summary.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "catalog/store_kinds.h"

namespace eurus::run {

bool IsGuardedType(const std::string& type) {
  // Besides the tenants' data stores (their rows' `guarded` in catalog/store_kinds.h): the
  // state buckets, the KMS keys, and data stores eurus does not emit itself.
  static constexpr std::array<std::string_view, 5> kAlsoGuarded = {
      "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_efs_file_system",
      "aws_s3_bucket" /* state buckets */, "aws_kms_key"};
  return catalog::IsGuardedStoreType(type) ||
         std::find(kAlsoGuarded.begin(), kAlsoGuarded.end(), type) != kAlsoGuarded.end();
}

std::optional<PlanSummary> SummarizePlan(const std::string& json, std::string* err) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    if (err) *err = "not JSON";
    return std::nullopt;
  }
  PlanSummary s;
  auto rcs = j.find("resource_changes");
  if (rcs == j.end() || !rcs->is_array()) return s;  // nothing to change
  for (const auto& rc : *rcs) {
    const auto* actions = rc.contains("change") ? &rc["change"]["actions"] : nullptr;
    if (!actions || !actions->is_array()) continue;
    bool create = false, update = false, del = false;
    for (const auto& a : *actions) {
      if (!a.is_string()) continue;
      create |= a == "create";
      update |= a == "update";
      del |= a == "delete";
    }
    s.adds += create;
    s.changes += update;
    s.destroys += del;
    if (del && IsGuardedType(rc.value("type", ""))) s.guarded_deletes.push_back(rc.value("address", rc.value("type", "?")));
  }
  return s;
}

}  // namespace eurus::run
