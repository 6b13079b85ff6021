#include "cli/changes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace eurus::cli {

int DetectChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c, run::Changes& ch,
                  std::string* err) {
  run::ChangeRequest r;
  r.dir = opts.dir;
  r.base = c.base;
  r.applied = c.applied;
  r.full = c.full;
  bool ok = run::DetectChanges(fs, r, ch, err);
  PrintPassTimes(ch.times);
  if (std::getenv("EURUS_PERF") && ch.tenant_units)
    std::fprintf(stderr, "perf: %zu of %zu tenant units have the same inputs\n", ch.same_inputs, ch.tenant_units);
  if (!ok) {
    if (!err->empty()) return kExternal;
    PrintDiagnostics(opts, *ch.working);
    return ExitCodeFor(ch.working->diags);
  }
  if (!ch.base_valid && ch.base_run && ch.base_run->diags.has_errors()) {
    fmt::print(stderr, "eurus: {}; its errors:\n", ch.base_problem);
    PrintDiagnostics(opts, *ch.base_run);
  }
  return kOk;
}

int RunChanges(FileSystem& fs, CommonOptions& opts, const ChangesOptions& c) {
  if (c.base.empty() == c.applied.empty()) {
    fmt::print(stderr, "eurus changes: give exactly one of --base REF and --applied FILE\n");
    return kUsage;
  }
  std::string err;
  run::Changes found;
  if (int rc = DetectChanges(fs, opts, c, found, &err); rc != kOk) {
    if (!err.empty()) fmt::print(stderr, "eurus: {}\n", err);
    return rc;
  }
  const run::Changes& ch = found;
  using K = run::UnitChange;
  auto added = ch.changes.Ids(K::kAdded), changed = ch.changes.Ids(K::kChanged),
       removed = ch.changes.Ids(K::kRemoved);
  size_t unchanged = ch.changes.Count(K::kUnchanged);
  if (!ch.base_valid && (c.base.empty() || ch.base_problem.rfind("there is no", 0) == 0)) fmt::print(stderr, "eurus: {}\n", ch.base_problem);
  if (c.json) {
    nlohmann::json j = {{"base", ch.base},          {"base_valid", ch.base_valid}, {"added", added},
                        {"changed", changed},        {"removed", removed},         {"unchanged", unchanged},
                        {"apply", ch.apply}};
    if (!ch.base_commit.empty()) j["base_commit"] = ch.base_commit;
    fmt::print("{}\n", j.dump(2));
    return kOk;
  }
  std::string against = c.base.empty() ? "what " + c.applied + " records as applied"
                                       : fmt::format("{} ({})", c.base, ch.base_commit.substr(0, 12));
  fmt::print("eurus: against {}: {} added, {} changed, {} removed, {} unchanged\n", against, added.size(),
             changed.size(), removed.size(), unchanged);
  for (const auto& id : added) fmt::print("  added     {}\n", id);
  for (const auto& id : changed) fmt::print("  changed   {}\n", id);
  for (const auto& id : removed) fmt::print("  removed   {}\n", id);
  std::vector<std::string> also;
  for (const auto& id : ch.apply)
    if (!std::binary_search(added.begin(), added.end(), id) && !std::binary_search(changed.begin(), changed.end(), id))
      also.push_back(id);
  if (!also.empty()) fmt::print("apply would also run: {}\n", fmt::join(also, " "));
  return kOk;
}

}  // namespace eurus::cli
