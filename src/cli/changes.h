#pragma once
// `eurus changes`: which units differ from a base commit, or from what was last applied.
// ComputeChanges is also what `plan|apply --changed` selects units with.

#include <optional>
#include <string>
#include <vector>

#include "cli/common.h"
#include "run/changes.h"

namespace eurus::cli {

struct ChangesOptions {
  std::string base;     ///< a git ref: compare against the configuration at that commit
  std::string applied;  ///< or a file written by `eurus apply` (.eurus/applied.json)
  bool json = false;
  /// --base only: build and hash every unit of both sides. The default builds only the
  /// tenant units whose inputs differ (synth::TenantFingerprint); tests compare the two.
  bool full = false;
};

/// The manifest (ids, accounts, dependencies, content hashes) of the project in `dir` as
/// `eurus synth` would write it, computed in memory: nothing is written, not even a lock
/// that lacks allocations (they are made in memory, as a non-frozen synth would make them).
/// nullopt when the configuration has errors; they are left in `s.diags`.
/// `s` must outlive nothing: its large structures are deliberately kept until exit.
std::optional<run::Manifest> SynthManifest(FileSystem& fs, const std::string& dir, Session& s);

struct Changes {
  std::string base;             ///< the ref or file compared against, as given
  std::string base_commit;      ///< what the ref resolved to; empty for --applied
  bool base_valid = true;       ///< false: the base has errors (or no eurus.yaml); all units added
  std::string base_problem;     ///< why, when !base_valid
  /// The working tree's units. With --base (not --full), a tenant unit found unchanged by
  /// its fingerprint carries that fingerprint as its hash, not its content hash.
  run::Manifest head;
  run::ChangeSet changes;
  std::vector<std::string> apply;  ///< added + changed + their dependents (run::WithDependents)
};

/// Synthesizes the base (the git ref's files, read with git into memory; or the applied
/// record) and the working tree, and compares them. nullopt when the working
/// tree's configuration has errors (printed) or git fails (`err`).
std::optional<Changes> ComputeChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c,
                                      std::string* err);

/// `eurus changes --base REF | --applied FILE [--json]`.
int RunChanges(FileSystem& fs, CommonOptions& opts, const ChangesOptions& c);

}  // namespace eurus::cli
