#pragma once
// out/eurus.manifest.json: every unit with its account, dependencies, content hash and the
// configuration files that fed it. Versioned; readers that see another version start over.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tf/unit.h"

namespace eurus::synth {

inline constexpr int kManifestVersion = 1;

/// The generated files of one unit, relative to out/ ("dev/network/main.tf.json" → bytes).
std::map<std::string, std::string> UnitFiles(const tf::Unit& unit);
/// The same files, leaving the unit compacted (tf::Unit::TakeMainJson): the writer's.
std::map<std::string, std::string> TakeUnitFiles(tf::Unit& unit);
/// "sha256:<hex>" over `parts`, each length-prefixed.
std::string Digest(const std::vector<std::string_view>& parts);
/// "sha256:<hex>" over the unit's files (names and bytes) and the version pins.
std::string ContentHash(const std::map<std::string, std::string>& files);
/// Names eurus writes into out/; anything else found there (state, .terraform, plans) is kept.
bool IsGeneratedName(const std::string& file_name);

/// One unit's entry of a manifest this binary wrote, as its text (`"<id>": {...}` from the
/// opening quote to the closing brace, inner lines indented as in the file) and the fields
/// the incremental synth reads.
struct ManifestEntry {
  std::string text;
  std::string account, hash, inputs;
  size_t resources = 0;
};

/// The unit entries of `text`, a manifest ManifestJson wrote (the incremental synth knows
/// it did: the stamp names the binary and the manifest's digest), found by its layout
/// rather than parsed: the previous tree of a large organisation is read in a few
/// milliseconds. nullopt when the text is not laid out as ManifestJson writes it.
std::optional<std::map<std::string, ManifestEntry>> ScanManifest(std::string_view text);

/// The manifest JSON for `units`: `hashes[i]` is ContentHash of units[i]'s files and
/// `inputs[i]` what it is a function of (TenantFingerprint or OrgFingerprint; "inputs" is
/// left out where empty). `kept` adds the entries of units this run did not build, as the
/// previous manifest has them (incremental synth: same inputs, so the same entry), copied
/// as they are. `environments` (optional) describes each account for `eurus validate`'s
/// policy rules: {"<env>": {"account", "azs", "rpo_hours", "deletion_protection"}}.
std::string ManifestJson(const std::vector<tf::Unit>& units, const std::vector<std::string>& accounts,
                         const std::vector<std::string>& hashes, const std::vector<std::string>& inputs,
                         const std::map<std::string, ManifestEntry>& kept,
                         const nlohmann::json& environments = nlohmann::json());

}  // namespace eurus::synth
