#pragma once
// Change detection: which units differ between two manifests (a base commit's and the
// working tree's, or what was last applied and the working tree's), and which units an
// apply must therefore run. Also reading a project's configuration files as they were at a
// git ref, without touching the working tree.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eurus::run {

/// What change detection needs of one entry of out/eurus.manifest.json.
struct ManifestUnit {
  std::string account;                    ///< 12-digit account id; empty in an applied record
  std::vector<std::string> dependencies;  ///< ids of units this one reads (must apply first)
  std::string hash;                       ///< "sha256:<hex>" over the unit's files and the pins
};

struct Manifest {
  std::map<std::string, ManifestUnit> units;  ///< by id ("dev/tenant-shop")
};

/// Parses out/eurus.manifest.json. nullopt (with `err`) when it is not JSON, not a
/// manifest, or of another version than synth::kManifestVersion: the caller starts over.
std::optional<Manifest> ParseManifest(const std::string& text, std::string* err);

/// The record `eurus apply` keeps of what it applied (.eurus/applied.json):
///   {"version": 1, "units": {"dev/network": {"hash": "sha256:..."}, ...}}
/// One entry per unit last applied successfully, with the manifest hash it had then; a
/// unit that was destroyed has no entry. Keys are sorted, two-space indented.
std::optional<Manifest> FromApplied(const std::string& text, std::string* err);
/// The applied record of `m` (only ids and hashes are kept), in the format above.
std::string AppliedJson(const Manifest& m);

struct UnitChange {
  std::string id;
  enum Kind { kAdded, kChanged, kRemoved, kUnchanged } kind;
};

struct ChangeSet {
  std::vector<UnitChange> units;  ///< every unit of base ∪ head, sorted by id
  /// Ids of one kind, sorted.
  std::vector<std::string> Ids(UnitChange::Kind kind) const;
  size_t Count(UnitChange::Kind kind) const;
};

/// Compares unit by unit on the content hash: in head only → added, in base only →
/// removed, different hash → changed.
ChangeSet Diff(const Manifest& base, const Manifest& head);

/// What an apply must run, sorted by id: the added and changed units, and every unit of
/// `head` that depends on one of them, directly or transitively (it may read an output
/// that changed). Removed units are not included: they need a destroy, not an apply.
std::vector<std::string> WithDependents(const ChangeSet& changes, const Manifest& head);

/// The configuration files of the project in `dir` (a git work tree or a subdirectory of
/// one) as they were at `ref`: eurus.yaml, eurus.lock.json, environments/*, tenants/*,
/// relative to `dir` → bytes. Runs git; the working tree, index and refs are untouched.
struct TreeAtRef {
  std::string commit;                         ///< the full id `ref` resolved to (a tree id for a tree)
  std::map<std::string, std::string> files;   ///< relative to `dir`
};
std::optional<TreeAtRef> ReadTreeAt(const std::string& dir, const std::string& ref, std::string* err);

/// Where `dir` sits in its git repository: the work tree's top directory and `dir`
/// relative to it ("" or "platform/", with a trailing slash). nullopt outside a git repo.
struct GitLocation {
  std::string toplevel;
  std::string prefix;
};
std::optional<GitLocation> LocateInGit(const std::string& dir, std::string* err);

}  // namespace eurus::run
