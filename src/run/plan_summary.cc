#include "run/plan_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "catalog/store_kinds.h"

namespace eurus::run {

const char* ChangeActionName(ChangeAction a) {
  switch (a) {
    case ChangeAction::kCreate: return "create";
    case ChangeAction::kUpdate: return "update";
    case ChangeAction::kReplace: return "replace";
    case ChangeAction::kDestroy: return "destroy";
  }
  return "?";
}

bool IsGuardedType(const std::string& type) {
  // Besides the tenants' data stores (their rows' `guarded` in catalog/store_kinds.h): the
  // state buckets, the KMS keys, and data stores eurus does not emit itself.
  static constexpr std::array<std::string_view, 5> kAlsoGuarded = {
      "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_efs_file_system",
      "aws_s3_bucket" /* state buckets */, "aws_kms_key"};
  return catalog::IsGuardedStoreType(type) ||
         std::find(kAlsoGuarded.begin(), kAlsoGuarded.end(), type) != kAlsoGuarded.end();
}

std::set<std::string> PlanSummary::Deletes() const {
  std::set<std::string> out;
  for (const auto& r : resources)
    if (r.action == ChangeAction::kReplace || r.action == ChangeAction::kDestroy) out.insert(r.address);
  return out;
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
    std::string type = rc.value("type", "");
    std::string address = rc.value("address", type.empty() ? "?" : type);
    if (del && IsGuardedType(type)) s.guarded_deletes.push_back(address);
    if (create || update || del)
      s.resources.push_back({address, create && del ? ChangeAction::kReplace
                                      : del         ? ChangeAction::kDestroy
                                      : create      ? ChangeAction::kCreate
                                                    : ChangeAction::kUpdate});
    if (create && type == "aws_s3_bucket") {
      const auto& after = rc["change"].value("after", nlohmann::json::object());
      if (after.is_object() && after.contains("bucket") && after["bucket"].is_string())
        s.created_buckets.insert(after["bucket"].get<std::string>());
    }
  }
  return s;
}

void PrintResourceChanges(std::FILE* out, const PlanSummary& s) {
  static constexpr std::array<ChangeAction, 4> kOrder = {ChangeAction::kDestroy, ChangeAction::kReplace,
                                                         ChangeAction::kUpdate, ChangeAction::kCreate};
  for (ChangeAction a : kOrder)
    for (const auto& r : s.resources) {
      if (r.action != a) continue;
      const char* sign = a == ChangeAction::kDestroy   ? "  -"
                         : a == ChangeAction::kReplace ? "-/+"
                         : a == ChangeAction::kUpdate  ? "  ~"
                                                       : "  +";
      fmt::print(out, "  {} {:<8} {}\n", sign, ChangeActionName(a), r.address);
    }
}

}  // namespace eurus::run
