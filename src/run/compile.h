#pragma once
// The compiler as one flat list of named passes (mold's main):
//
//   load → build → synth → policy → render → manifest [→ write]
//
// Each pass is a free function over one Session. After each pass a checkpoint stops the run
// when the diagnostics hold an error, so the user sees every error of a phase at once. A
// pass that throws is a bug in eurus: the one handler (ReportInternalError) turns it into an
// internal error (Severity::kBug) and the run stops there. Every pass is timed. Compile does
// no terminal I/O: `eurus check`, `synth`, `changes`, `plan` and `apply` print what it returns.

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/load.h"
#include "diag/diagnostic.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "run/changes.h"
#include "synth/manifest.h"
#include "synth/synth.h"
#include "tf/unit.h"
#include "util/fs.h"

namespace eurus::run {

/// In the order they run. kWrite runs only when asked for (CompileOptions::until).
enum class Pass {
  kNone,      ///< nothing has run yet
  kLoad,      ///< read and decode eurus.yaml, environments/, tenants/ and eurus.lock.json
  kBuild,     ///< validate and resolve the model, allocate subnets against the lock (model::Build)
  kSynth,     ///< model → units (synth::Synthesize)
  kPolicy,    ///< the platform invariants on the units (check::CheckPolicy)
  kRender,    ///< every unit's files, or only their content hashes (Output)
  kManifest,  ///< eurus.manifest.json and the whole tree, or the in-memory Manifest
  kWrite,     ///< the lock, then the tree, atomically (only with Output::kTree)
};
/// "load", "build", ...: the name EURUS_PERF prints and internal errors name.
const char* PassName(Pass pass);

/// What the render and manifest passes produce.
enum class Output {
  /// Every unit's files and eurus.manifest.json, as `eurus synth` writes them: Session::files.
  kTree,
  /// Only each unit's content hash, rendered and hashed unit by unit and then dropped:
  /// Session::manifest. What change detection needs, without holding the tree.
  kHashes,
};

struct CompileOptions {
  std::string dir = ".";  ///< the platform repository (holds eurus.yaml)
  bool frozen = false;    ///< the lock may not change (model::BuildOptions::frozen)
  /// The last pass to run. Compile runs the passes after the session's last completed one
  /// (Session::done), so a caller may stop after kBuild, look at the model, and go on.
  Pass until = Pass::kManifest;
  bool policy = true;  ///< false: the policy pass checks nothing (change detection)
  Output output = Output::kTree;
  synth::TenantFilter tenants;  ///< the tenant units synth builds; empty: all
  std::string out_dir;          ///< kWrite: the tree to replace; empty: <dir>/out
  /// kTree: reuse the tree the last synth wrote to out_dir (incremental synth,
  /// docs/Pipelines.md): a tenant unit whose inputs (synth::TenantFingerprint) equal its
  /// entry's in that tree's manifest is neither built, checked, rendered nor written, and
  /// its directory moves into the new tree whole; the other units are built, and those whose
  /// content hash did not change are not rewritten. Only when out_dir holds a manifest this
  /// very binary wrote (kSynthStamp); otherwise, and when false, every unit is built.
  bool incremental = false;
  /// Sharing parsed files between two loads (config::LoadProject's reuse, keep, kept).
  const config::ParsedFiles* reuse = nullptr;
  config::ParsedFiles* keep = nullptr;
  std::function<void()> parsed;
  /// kHashes, change detection: each unit's hash is its tf::Unit::Digest (equal for equal
  /// files, taken without rendering them); only comparable with hashes taken the same way.
  bool digest_hashes = false;
  /// kHashes: id → {tf::Unit::Digest, content hash} of units already rendered elsewhere (a
  /// synth's Session::digests and hashes): a unit whose digest matches gets that content
  /// hash without being rendered.
  const std::map<std::string, std::pair<std::string, std::string>>* known = nullptr;
  /// Test seam, empty in production: called as each pass starts, inside its error
  /// handler, so a hook that throws stands for a bug in that pass.
  std::function<void(Pass)> before_pass;
  /// Test seam, empty in production: called with each batch of units as soon as it is
  /// built (all of them, or the writing synth's batches: the others, then each
  /// environment's tenant units), so a test can plant what the policy rules must find.
  std::function<void(std::vector<tf::Unit>&)> built;
};

struct PassTime {
  std::string name;
  double ms = 0;
  /// The process's peak resident memory when the step ended (MiB; 0: not measured).
  double peak_mib = 0;
};

/// The process's peak resident set so far, in MiB (getrusage's ru_maxrss).
double PeakMib();

/// One run of the compiler: its inputs, its diagnostics and what each pass produced. Never
/// moved (the synth context points into it). Commands allocate a large run and never free
/// it: on a 3,000-tenant org, tearing it down costs more than a third of a second (mold does
/// the same); everything is flushed before exit.
struct Session {
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  SourceMap sources;
  Diagnostics diags;
  // load
  std::optional<config::Project> project;
  std::string lock_path;  ///< <dir>/eurus.lock.json
  Lock previous_lock;     ///< as read; empty when there is none
  // build
  model::BuildResult build;               ///< org set when the model is valid; the lock to write
  std::optional<synth::Context> context;  ///< over build.org
  // synth
  /// Writing a tree: the units are built in steps (synth::Synthesis) and, until the render
  /// pass has written every environment's tenant units, `units` holds only the others.
  std::optional<synth::Synthesis> synthesis;
  std::vector<std::string> pending_ids;  ///< the tenant units `synthesis` has yet to build
  std::vector<tf::Unit> units;
  // render and manifest
  std::vector<std::string> accounts;  ///< the account id of units[i]
  /// kTree (not writing): units[i]'s files until the manifest pass moves them into `files`.
  std::vector<std::map<std::string, std::string>> unit_files;
  /// kTree: the out/ tree, eurus.manifest.json included; when writing only the manifest (the
  /// units' files went straight to `tree`).
  std::map<std::string, std::string> files;
  std::vector<std::string> hashes;           ///< units[i]'s content hash
  std::vector<std::string> inputs;           ///< kTree: what units[i] is a function of (manifest "inputs")
  /// kTree: id → synth::TenantFingerprint of every tenant unit (built or not).
  std::map<std::string, std::string> tenant_inputs;
  /// kWrite: tf::Unit::Digest of units[i] when it is not a tenant unit (those are rebuilt
  /// on any edit, and not rewritten when their digest is the previous tree's); else "".
  std::vector<std::string> digests;
  std::map<std::string, std::string> previous_digests;  ///< the stamp's, by unit id
  /// kWrite: units[i] is as the trusted previous tree has it (digest, directory, hash).
  std::vector<char> unchanged;
  /// kWrite: synth::Digest of the policy's facts (EnvironmentFacts); the stamp's.
  std::string facts_digest, previous_facts_digest;
  size_t policy_walked = 0;  ///< the units the policy pass walked (the others it only read)
  bool policy_stable = false;  ///< unchanged units may be read without being walked
  std::string org_inputs;      ///< what a unit that is not a tenant unit is a function of
  /// Incremental synth: the previous manifest's entries of the units not built (same
  /// inputs), by id, and the unit directories the write pass moves over unread (those and
  /// the built units whose hash did not change).
  std::map<std::string, synth::ManifestEntry> kept;
  std::set<std::string> keep_dirs;
  std::map<std::string, std::string> previous_hashes;  ///< the trusted previous tree's, by id
  std::set<std::string> present_dirs;                  ///< the unit directories it holds
  /// kWrite: the new tree, filled by the render pass and put in place by the write pass.
  std::unique_ptr<TreeUpdate> tree;
  /// kWrite: held from reading the previous tree until the stamp is written, so two synths
  /// into one tree run one after the other (FileSystem::LockTree).
  std::shared_ptr<void> tree_lock;
  /// Why this synth built every unit though it was asked to be incremental ("" when it
  /// reused the previous tree, or was not asked).
  std::string full_reason;
  Manifest manifest;                         ///< kHashes: ids, accounts, dependencies, hashes
  // bookkeeping
  Pass done = Pass::kNone;       ///< the last pass completed
  std::vector<PassTime> times;   ///< one entry per pass run, in order
  std::vector<PassTime> steps;   ///< within a pass, named "<pass>/<step>" (EURUS_PERF)
  std::string out_dir;           ///< kWrite: where the tree went

  const model::Org& org() const { return *build.org; }
  /// Every unit of the configuration after the synth pass: the built ones and, in an
  /// incremental synth, the ones kept from the previous tree (not in `units`).
  std::set<std::string> UnitIds() const {
    std::set<std::string> ids;
    for (const auto& u : units) ids.insert(u.id());
    for (const auto& [id, entry] : kept) ids.insert(id);
    ids.insert(pending_ids.begin(), pending_ids.end());
    return ids;
  }
};

/// out/.eurus-synth.json: written after each synth that wrote out/, naming the binary that
/// wrote it, the digest of the manifest it wrote and the tf::Unit::Digest of each unit that
/// is not a tenant unit. Incremental synth trusts the manifest and the digests only when
/// the first two match (another eurus, or a tree replaced by hand, starts over).
inline constexpr char kSynthStamp[] = ".eurus-synth.json";

/// Runs the passes after `s.done` up to `o.until`, stopping at the first checkpoint that finds
/// an error. True when every pass asked for ran and no diagnostic is an error; the errors
/// (and internal errors) are in `s.diags`. Nothing is written unless `o.until` is kWrite.
bool Compile(FileSystem& fs, const CompileOptions& o, Session& s);

/// Writes the lock when the build changed it; an E0001 error when it cannot. Only call
/// when there are no errors.
bool WriteLock(FileSystem& fs, Session& s);

}  // namespace eurus::run
