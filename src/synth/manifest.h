#pragma once
// out/eurus.manifest.json: every unit with its account, dependencies, content hash and the
// configuration files that fed it. Versioned; readers that see another version start over.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tf/unit.h"

namespace eurus::synth {

inline constexpr int kManifestVersion = 1;

/// The generated files of one unit, relative to out/ ("dev/network/main.tf.json" → bytes).
std::map<std::string, std::string> UnitFiles(const tf::Unit& unit);
/// "sha256:<hex>" over `parts`, each length-prefixed.
std::string Digest(const std::vector<std::string_view>& parts);
/// "sha256:<hex>" over the unit's files (names and bytes) and the version pins.
std::string ContentHash(const std::map<std::string, std::string>& files);
/// Names eurus writes into out/; anything else found there (state, .terraform, plans) is kept.
bool IsGeneratedName(const std::string& file_name);

/// The manifest JSON for `units`; `files[i]` are the generated files of `units[i]`.
/// `environments` (optional) describes each account for `eurus validate`'s policy rules:
/// {"<env>": {"account", "azs", "rpo_hours", "deletion_protection"}}.
std::string ManifestJson(const std::vector<tf::Unit>& units, const std::vector<std::string>& accounts,
                         const std::vector<std::map<std::string, std::string>>& files,
                         const nlohmann::json& environments = nlohmann::json());

}  // namespace eurus::synth
