#include "cli/changes.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "diag/codes.h"
#include "synth/manifest.h"
#include "synth/synth.h"
#include "util/parallel.h"

namespace eurus::cli {

std::optional<run::Manifest> SynthManifest(FileSystem& fs, const std::string& dir, Session& s) {
  CommonOptions o;
  o.dir = dir;
  LoadOrg(fs, o, s);
  if (s.diags.has_errors() || !s.build.org) return std::nullopt;
  const model::Org& org = *s.build.org;
  synth::Context ctx(org, s.sources, dir);
  // Kept until exit, like synth's: tearing down a large org costs more than building it.
  auto& units = *new std::vector<tf::Unit>;  // NOLINT: deliberately not freed
  try {
    units = synth::Synthesize(ctx);
  } catch (const std::logic_error& e) {
    s.diags.Report(Error(codes::kIo, std::string("internal error while synthesizing: ") + e.what())
                       .Help("please report this with the configuration that triggers it"));
    return std::nullopt;
  }
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(org);
  // The hash is the one synth writes into the manifest: same files, same function.
  std::vector<std::string> hashes(units.size());
  ParallelFor(units.size(), [&](size_t i) { hashes[i] = synth::ContentHash(synth::UnitFiles(units[i])); });
  run::Manifest m;
  for (size_t i = 0; i < units.size(); ++i) {
    run::ManifestUnit& mu = m.units[units[i].id()];
    mu.account = dir_account.at(units[i].account());
    mu.dependencies.assign(units[i].dependencies.begin(), units[i].dependencies.end());
    mu.hash = std::move(hashes[i]);
  }
  return m;
}

std::optional<Changes> ComputeChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c,
                                      std::string* err) {
  Changes ch;
  run::Manifest base;
  auto& head_session = *new Session;  // NOLINT: kept until exit (see SynthManifest)
  auto& base_session = *new Session;  // NOLINT
  if (!c.applied.empty()) {
    ch.base = c.applied;
    std::string rerr;
    if (!fs.Exists(c.applied)) {
      ch.base_valid = false;
      ch.base_problem = "`" + c.applied + "` does not exist: nothing recorded as applied";
    } else if (auto text = fs.Read(c.applied, &rerr); !text) {
      *err = "cannot read `" + c.applied + "`: " + rerr;
      return std::nullopt;
    } else if (auto m = run::FromApplied(*text, &rerr)) {
      base = std::move(*m);
    } else {
      // A record of another version (or damaged) starts over: everything is applied again,
      // and tofu finds nothing to do where nothing changed.
      ch.base_valid = false;
      ch.base_problem = "cannot read `" + c.applied + "` (" + rerr + "): every unit counts as added";
    }
    auto head = SynthManifest(fs, opts.dir, head_session);
    if (!head) {
      PrintDiagnostics(opts, head_session);
      return std::nullopt;
    }
    ch.head = std::move(*head);
  } else {
    ch.base = c.base;
    // Git and the base's synth run beside the working tree's synth.
    std::string tree_err;
    auto base_future = std::async(std::launch::async, [&]() -> std::optional<run::Manifest> {
      auto tree = run::ReadTreeAt(opts.dir.empty() ? "." : opts.dir, c.base, &tree_err);
      if (!tree) return std::nullopt;
      ch.base_commit = tree->commit;
      // Shown as "<ref>:/tenants/shop.yaml" in the base's diagnostics.
      if (!tree->files.count("eurus.yaml")) {
        ch.base_valid = false;
        ch.base_problem = "there is no eurus.yaml at `" + c.base + "`: every unit counts as added";
        return run::Manifest{};
      }
      std::string dir = c.base + ":";
      MemoryFileSystem mem;
      for (auto& [rel, bytes] : tree->files) mem.files[JoinPath(dir, rel)] = std::move(bytes);
      auto m = SynthManifest(mem, dir, base_session);
      if (!m) {
        ch.base_valid = false;
        ch.base_problem = fmt::format("the configuration at `{}` has {} error{}: every unit counts as added", c.base,
                                      base_session.diags.errors(), base_session.diags.errors() == 1 ? "" : "s");
        return run::Manifest{};
      }
      return m;
    });
    auto head = SynthManifest(fs, opts.dir, head_session);
    auto b = base_future.get();
    if (!head) {
      PrintDiagnostics(opts, head_session);
      return std::nullopt;
    }
    if (!b) {
      *err = tree_err;
      return std::nullopt;
    }
    base = std::move(*b);
    ch.head = std::move(*head);
    if (!ch.base_valid && base_session.diags.has_errors()) {
      fmt::print(stderr, "eurus: {}; its errors:\n", ch.base_problem);
      PrintDiagnostics(opts, base_session);
    }
  }
  ch.changes = run::Diff(base, ch.head);
  ch.apply = run::WithDependents(ch.changes, ch.head);
  return ch;
}

int RunChanges(FileSystem& fs, CommonOptions& opts, const ChangesOptions& c) {
  if (c.base.empty() == c.applied.empty()) {
    fmt::print(stderr, "eurus changes: give exactly one of --base REF and --applied FILE\n");
    return kUsage;
  }
  std::string err;
  auto ch = ComputeChanges(fs, opts, c, &err);
  if (!ch) {
    if (err.empty()) return kInputError;  // the working tree's errors were printed
    fmt::print(stderr, "eurus: {}\n", err);
    return kExternal;
  }
  using K = run::UnitChange;
  auto added = ch->changes.Ids(K::kAdded), changed = ch->changes.Ids(K::kChanged),
       removed = ch->changes.Ids(K::kRemoved);
  size_t unchanged = ch->changes.Count(K::kUnchanged);
  if (!ch->base_valid && (c.base.empty() || ch->base_problem.rfind("there is no", 0) == 0)) fmt::print(stderr, "eurus: {}\n", ch->base_problem);
  if (c.json) {
    nlohmann::json j = {{"base", ch->base},          {"base_valid", ch->base_valid}, {"added", added},
                        {"changed", changed},        {"removed", removed},         {"unchanged", unchanged},
                        {"apply", ch->apply}};
    if (!ch->base_commit.empty()) j["base_commit"] = ch->base_commit;
    fmt::print("{}\n", j.dump(2));
    return kOk;
  }
  std::string against = c.base.empty() ? "what " + c.applied + " records as applied"
                                       : fmt::format("{} ({})", c.base, ch->base_commit.substr(0, 12));
  fmt::print("eurus: against {}: {} added, {} changed, {} removed, {} unchanged\n", against, added.size(),
             changed.size(), removed.size(), unchanged);
  for (const auto& id : added) fmt::print("  added     {}\n", id);
  for (const auto& id : changed) fmt::print("  changed   {}\n", id);
  for (const auto& id : removed) fmt::print("  removed   {}\n", id);
  std::vector<std::string> also;
  for (const auto& id : ch->apply)
    if (!std::binary_search(added.begin(), added.end(), id) && !std::binary_search(changed.begin(), changed.end(), id))
      also.push_back(id);
  if (!also.empty()) fmt::print("apply would also run: {}\n", fmt::join(also, " "));
  return kOk;
}

}  // namespace eurus::cli
