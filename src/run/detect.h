#pragma once
// Change detection over two compiler runs (run/compile.h): the working tree's, and a git
// ref's (read into memory) or what `eurus apply` recorded. What `eurus changes` prints and
// what `plan|apply --changed` selects units with. Nothing is written: not out/, not the lock
// (a tenant missing from the lock is allocated in memory, as a non-frozen synth would).

#include <future>
#include <optional>
#include <string>
#include <vector>

#include "run/changes.h"
#include "run/compile.h"
#include "util/fs.h"

namespace eurus::run {

struct ChangeRequest {
  std::string dir = ".";  ///< the platform repository (the working tree)
  std::string base;       ///< a git ref: compare against the configuration at that commit
  std::string applied;    ///< or a file written by `eurus apply` (.eurus/applied.json)
  /// --base only: build and hash every unit of both sides. The default builds only the
  /// tenant units whose inputs differ (synth::TenantFingerprint); tests compare the two.
  bool full = false;
};

struct Changes {
  std::string base;          ///< the ref or file compared against, as given
  std::string base_commit;   ///< what the ref resolved to; empty for --applied
  bool base_valid = true;    ///< false: the base has errors (or no eurus.yaml); all units added
  std::string base_problem;  ///< why, when !base_valid
  /// The working tree's units. With --base (not --full), a tenant unit found unchanged by
  /// its fingerprint carries that fingerprint as its hash, not its content hash.
  Manifest head;
  ChangeSet changes;
  std::vector<std::string> apply;  ///< added + changed + their dependents (WithDependents)

  /// The compiler runs behind the answer, kept until exit: the working tree's (its
  /// diagnostics: the errors that stopped it, or warnings) and the base's, when the base
  /// was read from a git ref and loaded (its errors, when it has some).
  Session* working = nullptr;
  Session* base_run = nullptr;
  /// EURUS_PERF: the wall time of each step, and (--base, incremental) how many tenant
  /// units had the same inputs on both sides.
  std::vector<PassTime> times;
  size_t same_inputs = 0;
  size_t tenant_units = 0;
};

/// A compiler run of the project in `dir` up to the manifest, in memory: ids, accounts,
/// dependencies and content hashes as `eurus synth` would write them, no policy pass,
/// nothing written. False when the configuration has errors; they are in `s.diags`.
bool SynthManifest(FileSystem& fs, const std::string& dir, Session& s);

/// Compiles the base (the git ref's files, read with git into memory; or the applied
/// record) and the working tree, and compares them. False when the working tree has errors
/// (in `out.working->diags`; `err` stays empty) or when git or the applied record cannot
/// be read (`err`).
bool DetectChanges(FileSystem& fs, const ChangeRequest& r, Changes& out, std::string* err);

/// The base side of `plan|apply --changed --base REF`, read with git and loaded up to the
/// model on its own thread while the working tree is synthesized (StartBase).
struct BaseLoad {
  std::future<void> done;
  std::optional<TreeAtRef> tree;  ///< nullopt: git failed (`err`)
  std::string err;
  Session* session = nullptr;  ///< the base's run, when it has an eurus.yaml (never freed)
  bool built = false;          ///< its model is valid
};

/// Starts `b`: git, then the base's configuration up to the model, reusing `parsed` (the
/// working tree's parsed files: call it once they are all parsed, CompileOptions::parsed).
void StartBase(const ChangeRequest& r, const config::ParsedFiles& parsed, BaseLoad& b);

/// `eurus plan|apply --changed --base REF` after the synth it runs anyway: the working tree's
/// side is that synth's session `head` (its model and the manifest it wrote), so only the
/// base (`base`, started with StartBase) is fingerprinted and its units whose fingerprints
/// differ built and hashed. The same answer as DetectChanges (tests/changes/run compares
/// them) without compiling the working tree twice. False when git fails (`err`).
bool ChangesAfterSynth(const ChangeRequest& r, Session& head, BaseLoad& base, Changes& ch, std::string* err);

}  // namespace eurus::run
