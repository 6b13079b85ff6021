#include "cli/changes.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
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

namespace {

/// id ("dev/tenant-shop") → TenantFingerprint of every tenant unit of `org`.
std::map<std::string, std::string> TenantFingerprints(const synth::Context& ctx) {
  struct Job {
    std::string id;
    const model::Environment* env;
    const model::Tenant* tenant;
    const model::Deployment* dep;
  };
  std::vector<Job> jobs;
  for (const auto& t : ctx.org.tenants)
    for (const auto& d : t.deployments) {
      const model::Environment& env = ctx.org.environments[d.env_index];
      jobs.push_back({env.name + "/" + synth::TenantUnitName(t), &env, &t, &d});
    }
  std::vector<std::string> fps(jobs.size());
  ParallelFor(jobs.size(), [&](size_t i) { fps[i] = synth::TenantFingerprint(ctx, *jobs[i].env, *jobs[i].tenant, *jobs[i].dep); });
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < jobs.size(); ++i) out.emplace(std::move(jobs[i].id), std::move(fps[i]));
  return out;
}

/// Manifest entries (account, dependencies, and the content hash when `hash(i)`) of `units`.
void AddToManifest(const std::vector<tf::Unit>& units, const model::Org& org, const std::function<bool(size_t)>& hash,
                   run::Manifest& m) {
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(org);
  std::vector<std::string> hashes(units.size());
  ParallelFor(units.size(), [&](size_t i) {
    if (hash(i)) hashes[i] = synth::ContentHash(synth::UnitFiles(units[i]));
  });
  for (size_t i = 0; i < units.size(); ++i) {
    run::ManifestUnit& mu = m.units[units[i].id()];
    mu.account = dir_account.at(units[i].account());
    mu.dependencies.assign(units[i].dependencies.begin(), units[i].dependencies.end());
    mu.hash = std::move(hashes[i]);
  }
}

/// Synthesizes a session's org; nullopt (an internal error reported to its diagnostics)
/// when synth throws.
std::optional<std::vector<tf::Unit>> SynthUnits(const synth::Context& ctx, Session& s,
                                                const synth::TenantFilter& filter = {}) {
  try {
    return synth::Synthesize(ctx, filter);
  } catch (const std::logic_error& e) {
    s.diags.Report(Error(codes::kIo, std::string("internal error while synthesizing: ") + e.what())
                       .Help("please report this with the configuration that triggers it"));
    return std::nullopt;
  }
}

/// --base REF, incrementally. Loading the base reuses the working tree's parsed files where
/// the text is identical; tenant units whose fingerprint (synth::TenantFingerprint) is the
/// same on both sides are unchanged without being built or rendered; only the others, and
/// the few environment and account units, are synthesized and hashed on both sides.
std::optional<Changes> ComputeBaseChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c,
                                          std::string* err) {
  PassTimer perf;
  Changes ch;
  ch.base = c.base;
  auto& head = *new Session;  // NOLINT: kept until exit (see SynthManifest)
  auto& base = *new Session;  // NOLINT
  auto& parsed = *new config::ParsedFiles;  // NOLINT
  // Git runs beside the working tree's load; the base's load starts as soon as the working
  // tree's files are parsed (it reuses their trees) and runs beside its decoding and model.
  std::string tree_err;
  auto tree_future = std::async(std::launch::async, [&] { return run::ReadTreeAt(opts.dir.empty() ? "." : opts.dir, c.base, &tree_err); });
  std::optional<run::TreeAtRef> tree;
  const model::Org* borg = nullptr;
  std::string bdir = c.base + ":";  // shown as "<ref>:/tenants/shop.yaml" in the base's diagnostics
  auto load_base = [&] {
    tree = tree_future.get();
    if (!tree) return;
    if (!tree->files.count("eurus.yaml")) {
      ch.base_valid = false;
      ch.base_problem = "there is no eurus.yaml at `" + c.base + "`: every unit counts as added";
      return;
    }
    MemoryFileSystem mem;
    for (auto& [rel, bytes] : tree->files) mem.files[JoinPath(bdir, rel)] = bytes;
    CommonOptions bo = opts;
    bo.dir = bdir;
    bo.frozen = false;
    LoadOrg(mem, bo, base, &parsed);
    if (base.diags.has_errors() || !base.build.org) {
      ch.base_valid = false;
      ch.base_problem = fmt::format("the configuration at `{}` has {} error{}: every unit counts as added", c.base,
                                    base.diags.errors(), base.diags.errors() == 1 ? "" : "s");
    } else {
      borg = &*base.build.org;
    }
  };
  std::future<void> base_loaded;
  auto start_base = [&] { base_loaded = std::async(std::launch::async, load_base); };
  LoadOrg(fs, opts, head, nullptr, &parsed, start_base);
  if (!base_loaded.valid()) start_base();  // the working tree stopped before parsing
  perf.Mark("load head");
  base_loaded.get();
  if (head.diags.has_errors() || !head.build.org) {
    PrintDiagnostics(opts, head);
    return std::nullopt;
  }
  if (!tree) {
    *err = tree_err;
    return std::nullopt;
  }
  ch.base_commit = tree->commit;
  const model::Org& horg = *head.build.org;
  synth::Context hctx(horg, head.sources, opts.dir);

  perf.Mark("load base");
  auto& hunits = *new std::vector<tf::Unit>;  // NOLINT: kept until exit
  auto& bunits = *new std::vector<tf::Unit>;  // NOLINT
  std::map<std::string, std::string> hfp, bfp;
  std::optional<synth::Context> bctx;
  if (borg) {
    bctx.emplace(*borg, base.sources, bdir);
    auto b = std::async(std::launch::async, [&] { return TenantFingerprints(*bctx); });
    hfp = TenantFingerprints(hctx);
    bfp = b.get();
  }
  perf.Mark("fingerprint");
  if (perf.on) {
    size_t n = 0;
    for (const auto& [id, fp] : hfp) n += bfp.count(id) && bfp.at(id) == fp;
    std::fprintf(stderr, "perf: %zu of %zu tenant units have the same inputs\n", n, hfp.size());
  }
  auto same = [&](const std::string& id) {
    auto h = hfp.find(id), b = bfp.find(id);
    return h != hfp.end() && b != bfp.end() && h->second == b->second;
  };
  auto id_of = [](const model::Environment& env, const model::Tenant& t) { return env.name + "/" + synth::TenantUnitName(t); };
  // Only tenant units whose inputs differ are built, on both sides.
  synth::TenantFilter differs = [&](const model::Environment& env, const model::Tenant& t) { return !same(id_of(env, t)); };
  std::future<void> base_built;
  if (borg)
    base_built = std::async(std::launch::async, [&] {
      auto b = SynthUnits(*bctx, base, differs);
      if (!b) {
        ch.base_valid = false;
        ch.base_problem = "synthesizing the configuration at `" + c.base + "` failed: every unit counts as added";
      } else {
        bunits = std::move(*b);
      }
    });
  // Filtered only when the base is usable; the base's synthesis rarely fails, and then the
  // working tree is synthesized again, whole.
  auto built = SynthUnits(hctx, head, borg ? differs : synth::TenantFilter{});
  if (base_built.valid()) base_built.get();
  if (built && !ch.base_valid && borg) built = SynthUnits(hctx, head);
  if (!built) {
    PrintDiagnostics(opts, head);
    return std::nullopt;
  }
  hunits = std::move(*built);
  perf.Mark("synth");
  auto all = [](size_t) { return true; };
  run::Manifest bm;
  std::future<void> base_hashed;
  if (ch.base_valid) base_hashed = std::async(std::launch::async, [&] { AddToManifest(bunits, *borg, all, bm); });
  AddToManifest(hunits, horg, all, ch.head);
  if (base_hashed.valid()) base_hashed.get();
  if (ch.base_valid) {
    // The tenant units left out are the unchanged ones: both sides get the fingerprint as
    // their hash, and the dependencies every tenant unit has (synth::TenantFilter).
    std::map<std::string, std::vector<std::string>> env_units[2];  // dir → its environment-level units
    run::Manifest* sides[2] = {&ch.head, &bm};
    for (int i = 0; i < 2; ++i)
      for (const auto& [uid, u] : sides[i]->units) {
        size_t slash = uid.find('/');
        if (uid.compare(slash + 1, 7, "tenant-") != 0) env_units[i][uid.substr(0, slash)].push_back(uid);
      }
    for (const auto& [id, fp] : hfp) {
      if (!same(id)) continue;
      std::string dir = id.substr(0, id.find('/'));
      for (int i = 0; i < 2; ++i) {
        run::ManifestUnit& mu = sides[i]->units[id];
        mu.hash = fp;
        mu.dependencies = env_units[i][dir];
      }
      ch.head.units[id].account = horg.environment(dir)->account;
    }
  } else if (base.diags.has_errors()) {
    fmt::print(stderr, "eurus: {}; its errors:\n", ch.base_problem);
    PrintDiagnostics(opts, base);
  }
  perf.Mark("hash");
  ch.changes = run::Diff(bm, ch.head);
  ch.apply = run::WithDependents(ch.changes, ch.head);
  return ch;
}

}  // namespace

std::optional<Changes> ComputeChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c,
                                      std::string* err) {
  if (c.applied.empty() && !c.full) return ComputeBaseChanges(fs, opts, c, err);

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
