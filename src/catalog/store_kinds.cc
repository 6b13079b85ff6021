#include "catalog/store_kinds.h"

#include <algorithm>

namespace eurus::catalog {

std::optional<StoreKind> FindStoreKind(std::string_view name) {
  for (const StoreKindRow& row : kStoreKinds)
    if (row.name == name) return row.kind;
  return std::nullopt;
}

std::vector<std::string_view> StoreKindNames() {
  std::vector<std::string_view> out;
  for (const StoreKindRow& row : kStoreKinds) out.push_back(row.name);
  return out;
}

bool Takes(StoreKind kind, const StoreField& field) {
  const auto& fields = Row(kind).fields;
  return std::find(fields.begin(), fields.end(), &field) != fields.end();
}

bool IsGuardedStoreType(std::string_view type) {
  for (const StoreKindRow& row : kStoreKinds)
    if (std::find(row.guarded.begin(), row.guarded.end(), type) != row.guarded.end()) return true;
  return false;
}

std::vector<const StorePolicy*> StorePolicies() {
  std::vector<const StorePolicy*> out;
  for (const StoreKindRow& row : kStoreKinds)
    for (const StorePolicy* p : row.policy)
      if (std::none_of(out.begin(), out.end(), [&](const StorePolicy* q) { return q->type == p->type; }))
        out.push_back(p);
  return out;
}

}  // namespace eurus::catalog
