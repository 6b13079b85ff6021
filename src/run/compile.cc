#include "run/compile.h"

#include <chrono>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "check/policy.h"
#include "diag/codes.h"
#include "synth/manifest.h"
#include "util/parallel.h"

namespace eurus::run {

const char* PassName(Pass pass) {
  switch (pass) {
    case Pass::kNone: return "none";
    case Pass::kLoad: return "load";
    case Pass::kBuild: return "build";
    case Pass::kSynth: return "synth";
    case Pass::kPolicy: return "policy";
    case Pass::kRender: return "render";
    case Pass::kManifest: return "manifest";
    case Pass::kWrite: return "write";
  }
  return "?";
}

bool WriteLock(FileSystem& fs, Session& s) {
  if (!s.build.lock_changed) return true;
  std::string err;
  if (!fs.WriteAtomic(s.lock_path, SerializeLock(s.build.lock), &err)) {
    s.diags.Report(Error(codes::kIo, "cannot write `" + s.lock_path + "`: " + err));
    return false;
  }
  return true;
}

namespace {

// ---- the passes, in order. Each reports what is wrong to s.diags; the checkpoint in
// Compile decides whether the next one runs.

/// The configuration files, then the lock the build allocates against.
void LoadPass(FileSystem& fs, const CompileOptions& o, Session& s) {
  s.project = config::LoadProject(fs, o.dir, s.sources, s.diags, o.reuse, o.keep, o.parsed);
  if (!s.project) return;
  s.lock_path = JoinPath(o.dir, "eurus.lock.json");
  if (!fs.Exists(s.lock_path)) return;
  std::string err;
  auto text = fs.Read(s.lock_path, &err);
  if (!text) {
    s.diags.Report(Error(codes::kIo, "cannot read `" + s.lock_path + "`: " + err));
    return;
  }
  FileId id = s.sources.Add(s.lock_path, *text);
  LockParseError perr;
  auto lock = ParseLock(*text, &perr);
  if (!lock) {
    // The lock records live subnets: starting over would move them, so never guess.
    s.diags.Report(Error(codes::kLockCorrupt, "cannot read the lock file: " + perr.message)
                       .Label({id, perr.offset, perr.offset + 1})
                       .Help("restore eurus.lock.json from version control; it records the subnets that are deployed"));
    return;
  }
  s.previous_lock = std::move(*lock);
}

/// Validation, resolution and subnet allocation: one model::Build.
void BuildPass(FileSystem&, const CompileOptions& o, Session& s) {
  model::BuildOptions bo;
  bo.frozen = o.frozen;
  bo.lock_path = s.lock_path;
  s.build = model::Build(*s.project, s.previous_lock, bo, s.diags);
  if (s.build.org) s.context.emplace(*s.build.org, s.sources, o.dir);
}

void SynthPass(FileSystem&, const CompileOptions& o, Session& s) {
  s.units = synth::Synthesize(*s.context, o.tenants);
}

/// Platform policy (docs/Security.md) on the units as they are about to be written: a
/// finding is an error, and nothing is written.
void PolicyPass(FileSystem&, const CompileOptions& o, Session& s) {
  if (!o.policy) return;
  check::PolicyContext policy = check::ContextFromOrg(s.org());
  std::vector<check::PolicyUnit> view;
  view.reserve(s.units.size());
  for (const auto& u : s.units) view.push_back(check::FromUnit(u));
  check::CheckPolicy(view, policy, &s.sources, s.diags);
}

/// Rendering JSON is the costly part of a large org; units are independent.
void RenderPass(FileSystem&, const CompileOptions& o, Session& s) {
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(s.org());
  s.accounts.clear();
  for (const auto& u : s.units) s.accounts.push_back(dir_account.at(u.account()));
  const std::vector<tf::Unit>& units = s.units;
  if (o.output == Output::kTree) {
    s.unit_files.assign(units.size(), {});
    ParallelFor(units.size(), [&](size_t i) { s.unit_files[i] = synth::UnitFiles(units[i]); });
  } else {
    // The hash is the one synth writes into the manifest: same files, same function.
    s.hashes.assign(units.size(), {});
    ParallelFor(units.size(), [&](size_t i) { s.hashes[i] = synth::ContentHash(synth::UnitFiles(units[i])); });
  }
}

/// What `eurus validate` needs to check RPO and deletion protection on the tree alone.
nlohmann::json EnvironmentFacts(const model::Org& org) {
  nlohmann::json envs = nlohmann::json::object();
  for (const auto& r : org.realms)
    envs[synth::CommonDir(r.kind)] = {{"account", r.common_account},
                                      {"deletion_protection", r.kind == model::RealmKind::kProd}};
  for (const auto& e : org.environments) {
    envs[e.name] = {{"account", e.account},
                    {"azs", e.network.azs.size()},
                    {"rpo_hours", e.rpo_hours},
                    {"deletion_protection", e.protection}};
    // `endpoint_zones: one` (nonprod): interface endpoints span one AZ on purpose (E0801).
    if (e.network.endpoints_one_zone) envs[e.name]["endpoint_azs"] = 1;
  }
  return envs;
}

void ManifestPass(FileSystem&, const CompileOptions& o, Session& s) {
  if (o.output == Output::kTree) {
    s.files.clear();
    s.files["eurus.manifest.json"] = synth::ManifestJson(s.units, s.accounts, s.unit_files, EnvironmentFacts(s.org()));
    for (auto& m : s.unit_files) s.files.merge(m);
    return;
  }
  s.manifest = {};
  for (size_t i = 0; i < s.units.size(); ++i) {
    ManifestUnit& mu = s.manifest.units[s.units[i].id()];
    mu.account = s.accounts[i];
    mu.dependencies.assign(s.units[i].dependencies.begin(), s.units[i].dependencies.end());
    mu.hash = std::move(s.hashes[i]);
  }
}

/// Lock first: if the tree cannot be written the lock holds allocations for nothing new,
/// which is harmless; the other way round would deploy subnets the lock does not record.
void WritePass(FileSystem& fs, const CompileOptions& o, Session& s) {
  if (o.output != Output::kTree) throw std::logic_error("the write pass needs Output::kTree");
  s.out_dir = o.out_dir.empty() ? JoinPath(o.dir, "out") : o.out_dir;
  std::string err;
  if (WriteLock(fs, s) && !fs.ReplaceTree(s.out_dir, s.files, &synth::IsGeneratedName, &err))
    s.diags.Report(Error(codes::kIo, "cannot write `" + s.out_dir + "`: " + err));
}

struct PassEntry {
  Pass pass;
  void (*run)(FileSystem&, const CompileOptions&, Session&);
};

constexpr PassEntry kPasses[] = {
    {Pass::kLoad, LoadPass},         {Pass::kBuild, BuildPass},   {Pass::kSynth, SynthPass},
    {Pass::kPolicy, PolicyPass},     {Pass::kRender, RenderPass}, {Pass::kManifest, ManifestPass},
    {Pass::kWrite, WritePass},
};

/// What the passes after `pass` need, present. A pass that stops without reporting an
/// error is a bug of its own.
bool Produced(Pass pass, const Session& s) {
  if (pass == Pass::kLoad) return s.project.has_value();
  if (pass == Pass::kBuild) return s.build.org.has_value();
  return true;
}

}  // namespace

bool Compile(FileSystem& fs, const CompileOptions& o, Session& s) {
  if (s.diags.has_errors()) return false;
  for (const PassEntry& p : kPasses) {
    if (p.pass <= s.done) continue;
    if (p.pass > o.until) break;
    auto start = std::chrono::steady_clock::now();
    try {
      if (o.before_pass) o.before_pass(p.pass);
      p.run(fs, o, s);
      if (!s.diags.has_errors() && !Produced(p.pass, s))
        throw std::logic_error("the pass produced nothing and reported no error");
    } catch (...) {
      ReportInternalError(s.diags, std::string("the ") + PassName(p.pass) + " pass");
    }
    s.times.push_back({PassName(p.pass), std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()});
    // The checkpoint: every error of this pass is reported; none of the next ones runs.
    if (s.diags.has_errors()) return false;
    s.done = p.pass;
  }
  return true;
}

}  // namespace eurus::run
