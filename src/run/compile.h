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
#include <optional>
#include <string>
#include <vector>

#include "config/load.h"
#include "diag/diagnostic.h"
#include "ipam/lock.h"
#include "model/build.h"
#include "run/changes.h"
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
  /// Sharing parsed files between two loads (config::LoadProject's reuse, keep, kept).
  const config::ParsedFiles* reuse = nullptr;
  config::ParsedFiles* keep = nullptr;
  std::function<void()> parsed;
  /// Test seam, empty in production: called as each pass starts, inside its error
  /// handler, so a hook that throws stands for a bug in that pass.
  std::function<void(Pass)> before_pass;
};

struct PassTime {
  std::string name;
  double ms = 0;
};

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
  std::vector<tf::Unit> units;
  // render and manifest
  std::vector<std::string> accounts;  ///< the account id of units[i]
  /// kTree: units[i]'s files until the manifest pass moves them into `files`.
  std::vector<std::map<std::string, std::string>> unit_files;
  std::map<std::string, std::string> files;  ///< kTree: the out/ tree, eurus.manifest.json included
  std::vector<std::string> hashes;           ///< kHashes: units[i]'s content hash
  Manifest manifest;                         ///< kHashes: ids, accounts, dependencies, hashes
  // bookkeeping
  Pass done = Pass::kNone;       ///< the last pass completed
  std::vector<PassTime> times;   ///< one entry per pass run, in order
  std::string out_dir;           ///< kWrite: where the tree went

  const model::Org& org() const { return *build.org; }
};

/// Runs the passes after `s.done` up to `o.until`, stopping at the first checkpoint that finds
/// an error. True when every pass asked for ran and no diagnostic is an error; the errors
/// (and internal errors) are in `s.diags`. Nothing is written unless `o.until` is kWrite.
bool Compile(FileSystem& fs, const CompileOptions& o, Session& s);

/// Writes the lock when the build changed it; an E0001 error when it cannot. Only call
/// when there are no errors.
bool WriteLock(FileSystem& fs, Session& s);

}  // namespace eurus::run
