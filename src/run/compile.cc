#include "run/compile.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <nlohmann/json.hpp>

#include "check/policy.h"
#include "diag/codes.h"
#include "synth/manifest.h"
#include "util/build_id.h"
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

double PeakMib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
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

nlohmann::json EnvironmentFacts(const model::Org& org);

std::string OutDir(const CompileOptions& o) { return o.out_dir.empty() ? JoinPath(o.dir, "out") : o.out_dir; }

/// The previous synth's manifest entries by unit id, when out/ holds a manifest this binary
/// wrote (kSynthStamp); otherwise nullopt and why.
std::optional<std::map<std::string, synth::ManifestEntry>> PreviousTree(FileSystem& fs, const std::string& out,
                                                                       std::map<std::string, std::string>& digests,
                                                                       std::string& facts, std::string* why) {
  if (BuildId().empty()) {
    *why = "this eurus binary has no build id";
    return std::nullopt;
  }
  const std::string stamp_path = JoinPath(out, kSynthStamp), manifest_path = JoinPath(out, "eurus.manifest.json");
  if (!fs.Exists(stamp_path) || !fs.Exists(manifest_path)) {
    *why = "no previous synth in " + out;
    return std::nullopt;
  }
  std::string err;
  auto stamp_text = fs.Read(stamp_path, &err);
  auto text = fs.Read(manifest_path, &err);
  nlohmann::json stamp = stamp_text ? nlohmann::json::parse(*stamp_text, nullptr, false) : nlohmann::json();
  if (!text || !stamp.is_object() || stamp.value("build", "") != BuildId() ||
      stamp.value("manifest", "") != synth::Digest({*text})) {
    *why = "the previous tree was written by another eurus build, or changed since";
    return std::nullopt;
  }
  // This binary wrote it (the stamp says so): read by its layout, not parsed.
  auto units = synth::ScanManifest(*text);
  if (!units) {
    *why = "the previous manifest cannot be read";
    return std::nullopt;
  }
  facts = stamp.value("facts", "");
  if (auto d = stamp.find("digests"); d != stamp.end() && d->is_object())
    for (const auto& [id, digest] : d->items())
      if (digest.is_string()) digests.emplace(id, digest.get<std::string>());
  return units;
}

/// Incremental synth: the tenant units to build (their inputs changed, or the previous tree
/// lacks them); the others' previous entries go into s.kept. When no tenant unit changed and
/// the organisation's inputs did not either, no unit at all is built.
struct Reuse {
  std::set<std::string> build;  ///< tenant unit ids to build
  bool nothing = false;         ///< no unit changed: build none
};

std::optional<Reuse> PlanReuse(FileSystem& fs, const CompileOptions& o, Session& s,
                               const std::map<std::string, std::string>& tenant_inputs, const std::string& org_inputs) {
  const std::string out = OutDir(o);
  auto previous = PreviousTree(fs, out, s.previous_digests, s.previous_facts_digest, &s.full_reason);
  if (!previous) return std::nullopt;
  for (const auto& [id, u] : *previous) s.previous_hashes[id] = u.hash;
  Reuse r;
  // The unit directories out/ holds with every file a unit is written as (two levels,
  // listed; a unit with a file deleted by hand, or by an interrupted run, is rebuilt). Their
  // files are trusted to be what the manifest describes: `--full` compares them.
  std::vector<std::string> dirs;
  for (const auto& account : fs.List(out))
    for (const auto& name : fs.List(JoinPath(out, account))) dirs.push_back(account + "/" + name);
  std::vector<char> complete(dirs.size(), 0);
  ParallelFor(dirs.size(), [&](size_t i) {
    const std::string dir = JoinPath(out, dirs[i]);
    complete[i] = fs.Exists(JoinPath(dir, "main.tf.json")) && fs.Exists(JoinPath(dir, "providers.tf.json")) &&
                  fs.Exists(JoinPath(dir, "terragrunt.hcl"));
  });
  std::set<std::string>& present = s.present_dirs;
  for (size_t i = 0; i < dirs.size(); ++i)
    if (complete[i]) present.insert(std::move(dirs[i]));
  auto same = [&](const std::string& id, const std::string& inputs) {
    auto it = previous->find(id);
    return it != previous->end() && it->second.inputs == inputs && present.count(id);
  };
  for (const auto& [id, fp] : tenant_inputs) {
    if (same(id, fp)) s.kept.emplace(id, std::move((*previous)[id]));
    else r.build.insert(id);
  }
  if (r.build.empty()) {
    // Every other unit's inputs are the whole configuration: unchanged for one, for all.
    std::map<std::string, synth::ManifestEntry> others;
    bool all = true;
    for (const auto& [id, u] : *previous)
      if (!tenant_inputs.count(id)) {
        all = all && same(id, org_inputs);
        others.emplace(id, u);
      }
    if (all && !others.empty()) {
      r.nothing = true;
      s.kept.merge(others);
    }
  }
  return r;
}

/// The units that are not tenant units are built on every edit, and mostly come out the
/// same: a digest of each (no rendering) equal to the one the stamp records, with its
/// directory in place, means the same files. The policy pass reads such a unit without
/// walking it, the render pass neither renders nor writes it. Once per run, by whichever
/// of those passes comes first (a caller may stop after the synth pass and go on).
void TakeDigests(Session& s) {
  if (s.digests.size() == s.units.size() && s.unchanged.size() == s.units.size()) return;
  s.digests.assign(s.units.size(), {});
  s.unchanged.assign(s.units.size(), 0);
  ParallelFor(
      s.units.size(),
      [&](size_t i) {
        const std::string id = s.units[i].id();
        if (s.tenant_inputs.count(id)) return;
        s.digests[i] = s.units[i].Digest();
        auto d = s.previous_digests.find(id);
        s.unchanged[i] = d != s.previous_digests.end() && d->second == s.digests[i] &&
                         s.previous_hashes.count(id) && s.present_dirs.count(id);
      },
      1);
}

void SynthPass(FileSystem& fs, const CompileOptions& o, Session& s) {
  synth::TenantFilter filter = o.tenants;
  const std::map<std::string, std::string>& tenant_inputs = s.tenant_inputs;
  std::string& org_inputs = s.org_inputs;
  // Its steps, for EURUS_PERF (printed before the pass's own line).
  auto last = std::chrono::steady_clock::now();
  auto step = [&](const char* name) {
    auto now = std::chrono::steady_clock::now();
    s.steps.push_back({name, std::chrono::duration<double, std::milli>(now - last).count(), 0});
    last = now;
  };
  if (o.output == Output::kTree) {
    if (o.until >= Pass::kWrite) s.tree_lock = fs.LockTree(OutDir(o));
    // The lock as this run leaves it: the file's bytes, or what the build allocated.
    const std::string* lock_text = s.context->Text("eurus.lock.json");
    org_inputs = synth::OrgFingerprint(*s.context, s.build.lock_changed || !lock_text ? SerializeLock(s.build.lock)
                                                                                      : *lock_text);
    s.tenant_inputs = synth::TenantFingerprints(*s.context);
    s.facts_digest = synth::Digest({EnvironmentFacts(s.org()).dump()});
    step("synth/inputs");
    if (o.incremental) {
      auto reuse = PlanReuse(fs, o, s, tenant_inputs, org_inputs);
      step("synth/reuse");
      if (reuse) {
        if (reuse->nothing) return;  // nothing changed: every unit is kept
        filter = [build = std::move(reuse->build)](const model::Environment& env, const model::Tenant& t) {
          return build.count(env.name + "/" + synth::TenantUnitName(t)) > 0;
        };
      }
    }
  }
  if (o.output == Output::kTree && o.until >= Pass::kWrite) {
    // Writing: the tenant units are built one environment at a time by the render pass,
    // checked and written there, and dropped (peak memory: one environment's units).
    s.synthesis.emplace(*s.context, filter);
    s.pending_ids = s.synthesis->TenantIds();
    s.units = std::move(s.synthesis->units());
    if (o.built) o.built(s.units);
    step("synth/units");
    TakeDigests(s);
    step("synth/digests");
    return;
  }
  s.units = synth::Synthesize(*s.context, filter);
  if (o.built) o.built(s.units);
  step("synth/units");
  if (o.output != Output::kTree) return;
  s.inputs.clear();
  for (const auto& u : s.units) {
    auto it = tenant_inputs.find(u.id());
    s.inputs.push_back(it != tenant_inputs.end() ? it->second : org_inputs);
  }
  if (o.until < Pass::kWrite) return;
  TakeDigests(s);
  step("synth/digests");
}

/// An unchanged unit (TakeDigests) the policy pass may read without walking, when the run
/// is stable (PolicyPass): one without route tables, routes or associations (E0803 judges
/// an internet route against the associations of every unit built in the run).
bool Skippable(const Session& s, size_t i) {
  static const char* const kRouteTypes[] = {"aws_route", "aws_route_table", "aws_default_route_table",
                                            "aws_route_table_association", "aws_main_route_table_association"};
  if (!s.unchanged[i]) return false;
  for (const char* type : kRouteTypes)
    if (s.units[i].resources().contains(type)) return false;
  return true;
}

/// Runs the policy rules over `units` then `more` (null: none), walking those `context_only`
/// does not mark; returns how many were walked (none: the rules do not run).
size_t CheckUnits(Session& s, const std::vector<tf::Unit>& units, const std::vector<tf::Unit>* more,
                  const std::vector<char>& context_only) {
  const size_t walked = static_cast<size_t>(std::count(context_only.begin(), context_only.end(), 0));
  if (walked == 0) return 0;
  std::vector<check::PolicyUnit> view;
  view.reserve(context_only.size());
  for (const auto& u : units) view.push_back(check::FromUnit(u));
  if (more)
    for (const auto& u : *more) view.push_back(check::FromUnit(u));
  check::CheckPolicy(view, check::ContextFromOrg(s.org()), &s.sources, s.diags, &context_only);
  return walked;
}

/// Platform policy (docs/Security.md) on the units as they are about to be written: a
/// finding is an error, and nothing is written.
void PolicyPass(FileSystem&, const CompileOptions& o, Session& s) {
  if (!o.policy) return;
  const bool writing = o.output == Output::kTree && o.until >= Pass::kWrite;
  if (writing) TakeDigests(s);
  // An unchanged unit (TakeDigests) passed these rules in the previous synth. The rules
  // read across units (remote states, possibly two deep; the backup selections and tenant
  // subnets of its account; the other realm's registry for E0811), so its verdict holds
  // only when nothing it may read changed: the accounts' facts, every unit that is not a
  // tenant unit (the only ones other units' rules read, but for E0808, which judges tenant
  // groups only) and the backup selections (none in a unit built now). Then every unchanged
  // unit is read, not walked, but those with route tables, routes or associations (see
  // Skippable).
  bool stable = writing && s.unchanged.size() == s.units.size() && !s.previous_facts_digest.empty() &&
                s.facts_digest == s.previous_facts_digest;
  for (size_t i = 0; stable && i < s.units.size(); ++i) {
    const bool tenant = s.tenant_inputs.count(s.units[i].id()) > 0;
    stable = (tenant || s.unchanged[i]) && (s.unchanged[i] || !s.units[i].resources().contains("aws_backup_selection"));
  }
  s.policy_stable = stable;
  // Writing (SynthPass): the render pass checks, one environment at a time, so that every
  // finding is reported at once (StreamTenantUnits).
  if (s.synthesis) return;
  std::vector<char> context_only(s.units.size(), 0);
  for (size_t i = 0; stable && i < s.units.size(); ++i) context_only[i] = Skippable(s, i);
  s.policy_walked = CheckUnits(s, s.units, nullptr, context_only);
}

/// The writing synth's policy check of the units that are not tenant units nor an
/// environment's own (bootstrap, registries, backup, observability, billing): read with
/// every other unit that is not a tenant unit; environments' own units are walked with
/// their tenant units (CheckEnvironment).
void CheckAccountUnits(Session& s) {
  std::vector<char> context_only(s.units.size(), 0);
  for (size_t i = 0; i < s.units.size(); ++i) context_only[i] = s.policy_stable && Skippable(s, i);
  for (size_t e = 0; e < s.synthesis->environments(); ++e) {
    auto [begin, end] = s.synthesis->EnvironmentUnits(e);
    for (size_t i = begin; i < end; ++i) context_only[i] = 1;
  }
  s.policy_walked = CheckUnits(s, s.units, nullptr, context_only);
}

/// Renders `units` into the tree being written (s.tree), on all cores: hashes[i] and
/// same[i] (the previous tree has these files: not written). A unit `unchanged` marks
/// (null: none) is not even rendered. Each unit's blocks are dropped once rendered.
void PutUnits(Session& s, std::vector<tf::Unit>& units, const std::vector<char>* unchanged,
              std::vector<std::string>& hashes, std::vector<char>& same, std::string& first_error) {
  hashes.assign(units.size(), {});
  same.assign(units.size(), 0);
  std::mutex mu;
  // Units are few (an edit) or many and small (a full synth): one at a time to each thread.
  ParallelFor(
      units.size(),
      [&](size_t i) {
        const std::string id = units[i].id();
        auto prev = s.previous_hashes.find(id);
        const bool present = prev != s.previous_hashes.end() && s.present_dirs.count(id);
        if (unchanged && (*unchanged)[i]) {  // the files the previous tree has: they stay, unread
          hashes[i] = prev->second;
          same[i] = 1;
          return;
        }
        std::map<std::string, std::string> files = synth::TakeUnitFiles(units[i]);
        hashes[i] = synth::ContentHash(files);
        if (present && prev->second == hashes[i]) {
          same[i] = 1;
          return;
        }
        std::string err;
        for (const auto& [rel, data] : files)
          if (!s.tree->Put(rel, data, &err)) {
            std::lock_guard<std::mutex> lock(mu);
            if (first_error.empty()) first_error = err;
            break;
          }
      },
      1);
}

/// The policy rules on environment `e`'s tenant units, read with every other unit of the
/// run in the index (`org`: every unit that is not a tenant unit). Walked: the tenant units
/// and the environment's own units (network, platform), unless the run is stable and the
/// unit Skippable. Every rule's cross-unit table is per account (an environment is an
/// account of its own: E0103) or built from units that are not tenant units, and a tenant
/// unit reads only those: so the findings are the ones a whole-organisation walk gives
/// (src/run/streaming_test.cc plants one of each kind and compares).
void CheckEnvironment(Session& s, size_t e, const std::vector<tf::Unit>& tenants) {
  const std::vector<tf::Unit>& org = s.units;
  auto [begin, end] = s.synthesis->EnvironmentUnits(e);
  bool selection = false;  // a backup selection in a tenant unit: its account's verdicts change
  for (const auto& u : tenants) selection = selection || u.resources().contains("aws_backup_selection");
  std::vector<char> context_only(org.size() + tenants.size(), 1);
  for (size_t i = begin; i < end; ++i) context_only[i] = s.policy_stable && !selection && Skippable(s, i);
  for (size_t i = 0; i < tenants.size(); ++i) context_only[org.size() + i] = 0;
  s.policy_walked += CheckUnits(s, org, &tenants, context_only);
}

/// The writing synth's tenant units, one environment at a time: built, checked (when the
/// policy pass runs), rendered and written, dropped; then the other units, rendered last
/// because the tenant units are built from them; then every unit in Synthesize's order,
/// compacted, for the manifest.
void StreamTenantUnits(const CompileOptions& o, Session& s, std::string& first_error) {
  const synth::Synthesis& syn = *s.synthesis;
  std::vector<std::vector<tf::Unit>> tenants(syn.environments());
  std::map<std::string, std::pair<std::string, bool>> written;  // id → hash, same as before
  std::vector<std::string> hashes;
  std::vector<char> same;
  // The time of each step over every environment, for EURUS_PERF ("render/...").
  using Clock = std::chrono::steady_clock;
  double ms[3] = {0, 0, 0};  // build, policy, write
  auto last = Clock::now();
  auto lap = [&](int k) {
    auto now = Clock::now();
    ms[k] += std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
  };
  if (o.policy) CheckAccountUnits(s);
  lap(1);
  for (size_t e = 0; e < syn.environments(); ++e) {
    std::vector<tf::Unit> t = syn.TenantUnits(e, s.units);
    if (o.built) o.built(t);
    lap(0);
    if (o.policy) CheckEnvironment(s, e, t);
    lap(1);
    // After a finding nothing will be written: the other environments are only checked,
    // so that every finding is reported at once.
    if (s.diags.has_errors()) {
      for (auto& u : t) u.Compact();
      tenants[e] = std::move(t);
      continue;
    }
    PutUnits(s, t, nullptr, hashes, same, first_error);
    for (size_t i = 0; i < t.size(); ++i) written[t[i].id()] = {hashes[i], same[i] != 0};
    tenants[e] = std::move(t);
    lap(2);
  }
  s.steps.push_back({"render/tenant units", ms[0], 0});
  s.steps.push_back({"render/policy", ms[1], 0});
  s.steps.push_back({"render/write", ms[2], 0});
  if (s.diags.has_errors()) return;  // nothing is written: the run stops after this pass
  PutUnits(s, s.units, &s.unchanged, hashes, same, first_error);
  std::map<std::string, std::pair<std::string, char>> digests;  // id → digest, unchanged
  for (size_t i = 0; i < s.units.size(); ++i) {
    written[s.units[i].id()] = {hashes[i], same[i] != 0};
    digests[s.units[i].id()] = {s.digests[i], s.unchanged[i]};
  }
  s.units = syn.Assemble(std::move(s.units), std::move(tenants));
  s.pending_ids.clear();
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(s.org());
  s.accounts.clear();
  s.hashes.clear();
  s.inputs.clear();
  s.digests.assign(s.units.size(), {});
  s.unchanged.assign(s.units.size(), 0);
  for (size_t i = 0; i < s.units.size(); ++i) {
    const std::string id = s.units[i].id();
    s.accounts.push_back(dir_account.at(s.units[i].account()));
    const auto& [hash, kept] = written.at(id);
    s.hashes.push_back(hash);
    if (kept) s.keep_dirs.insert(id);
    auto fp = s.tenant_inputs.find(id);
    s.inputs.push_back(fp != s.tenant_inputs.end() ? fp->second : s.org_inputs);
    if (auto d = digests.find(id); d != digests.end()) std::tie(s.digests[i], s.unchanged[i]) = d->second;
  }
}

/// Rendering JSON is the costly part of a large org; units are independent.
void RenderPass(FileSystem& fs, const CompileOptions& o, Session& s) {
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(s.org());
  s.accounts.clear();
  for (const auto& u : s.units) s.accounts.push_back(dir_account.at(u.account()));
  std::vector<tf::Unit>& units = s.units;
  s.hashes.assign(units.size(), {});
  if (o.output == Output::kHashes) {
    // The hash is the one synth writes into the manifest: same files, same function. Or,
    // asked for, the digest of what the files are made from (no rendering), or the known
    // content hash of a unit whose digest matches.
    ParallelFor(
        units.size(),
        [&](size_t i) {
          if (o.digest_hashes) {
            s.hashes[i] = units[i].Digest();
            return;
          }
          if (o.known)
            if (auto k = o.known->find(units[i].id()); k != o.known->end() && k->second.first == units[i].Digest()) {
              s.hashes[i] = k->second.second;
              return;
            }
          s.hashes[i] = synth::ContentHash(synth::UnitFiles(units[i]));
        },
        1);
    return;
  }
  if (o.until < Pass::kWrite) {
    s.unit_files.assign(units.size(), {});
    ParallelFor(units.size(), [&](size_t i) {
      s.unit_files[i] = synth::UnitFiles(units[i]);
      s.hashes[i] = synth::ContentHash(s.unit_files[i]);
    });
    return;
  }
  // Writing: each unit's files go beside the tree as soon as they are rendered (TreeUpdate)
  // and its blocks are dropped, so the tree is never held in memory. A unit whose hash is
  // the one the trusted previous tree records is not written at all: its directory stays.
  s.tree = fs.BeginTree(OutDir(o), &synth::IsGeneratedName);
  TakeDigests(s);
  std::string first_error;
  if (!s.synthesis) {
    std::vector<char> same;
    PutUnits(s, units, &s.unchanged, s.hashes, same, first_error);
    for (size_t i = 0; i < units.size(); ++i)
      if (same[i]) s.keep_dirs.insert(units[i].id());
  } else {
    StreamTenantUnits(o, s, first_error);
  }
  if (!first_error.empty()) s.diags.Report(Error(codes::kIo, "cannot write `" + OutDir(o) + "`: " + first_error));
  if (s.diags.has_errors()) s.tree.reset();  // its staging goes; out/ stays as it was
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
    s.files["eurus.manifest.json"] =
        synth::ManifestJson(s.units, s.accounts, s.hashes, s.inputs, s.kept, EnvironmentFacts(s.org()));
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
  s.out_dir = OutDir(o);
  if (!s.tree) throw std::logic_error("the render pass started no tree");
  // Kept units, and built ones whose files did not change (RenderPass), stay as they are.
  for (const auto& [id, entry] : s.kept) s.keep_dirs.insert(id);
  std::string err;
  if (!WriteLock(fs, s)) return;
  // The stamp goes first: a run stopped while out/ is half changed leaves no stamp that
  // vouches for it, and the next synth builds and compares everything.
  const std::string stamp_path = JoinPath(s.out_dir, kSynthStamp);
  if (fs.Exists(stamp_path) && !fs.WriteAtomic(stamp_path, "{}\n", &err)) {
    s.diags.Report(Error(codes::kIo, "cannot write `" + stamp_path + "`: " + err));
    return;
  }
  if (!s.tree->Put("eurus.manifest.json", s.files.at("eurus.manifest.json"), &err) ||
      !s.tree->Commit(s.keep_dirs, &err)) {
    s.diags.Report(Error(codes::kIo, "cannot write `" + s.out_dir + "`: " + err));
    return;
  }
  s.tree.reset();
  // The stamp last. When it cannot be written the old one stays, which no longer matches
  // the manifest, so the next synth builds every unit: slower, never wrong.
  if (!BuildId().empty()) {
    // The digests of the units not built this time carry over (same inputs, same unit).
    nlohmann::json digests = nlohmann::json::object();
    for (const auto& [id, d] : s.previous_digests)
      if (s.kept.count(id)) digests[id] = d;
    for (size_t i = 0; i < s.units.size(); ++i)
      if (!s.digests[i].empty()) digests[s.units[i].id()] = s.digests[i];
    nlohmann::json stamp = {{"build", BuildId()},
                            {"manifest", synth::Digest({s.files.at("eurus.manifest.json")})},
                            // Only vouched for when the policy pass judged the units.
                            {"facts", o.policy ? s.facts_digest : ""},
                            {"digests", std::move(digests)}};
    (void)fs.WriteAtomic(stamp_path, stamp.dump(2) + "\n", &err);
  }
  s.tree_lock.reset();
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
    s.times.push_back({PassName(p.pass), std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
                       PeakMib()});
    // The checkpoint: every error of this pass is reported; none of the next ones runs.
    if (s.diags.has_errors()) return false;
    s.done = p.pass;
  }
  return true;
}

}  // namespace eurus::run
