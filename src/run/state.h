#pragma once
// What eurus keeps between runs under <repo>/.eurus/ (never in out/, which stays pure
// generated output). Like ninja's log, every file is versioned and a file that cannot be
// read — missing, corrupt, another version — is ignored: the run starts over.
//
//   .eurus/durations.json          seconds per unit per mode, to start the longest first
//   .eurus/applied.json            per unit: the hash (and dependencies) last applied
//   .eurus/applied/<unit>/         the unit's files as last applied (to plan its destroy)
//   .eurus/init/<unit>.stamp       hash of providers.tf.json and the role (TF_VAR_eurus_role)
//                                  when init last succeeded
//   .eurus/tfdata/<unit>/          TF_DATA_DIR (what tofu would keep in .terraform/)
//   .eurus/plugin-cache/           TF_PLUGIN_CACHE_DIR, shared by every unit
//   .eurus/plans/<unit>.tfplan     saved plans; <unit>.json is `tofu show -json` of it
//   .eurus/logs/<unit>.log         the unit's output in the last run

#include <map>
#include <string>
#include <vector>

namespace eurus::run {

inline constexpr int kDurationsRecordVersion = 1;
inline constexpr int kAppliedRecordVersion = 1;

/// mode ("plan" | "apply") → unit id → seconds.
using Durations = std::map<std::string, std::map<std::string, double>>;
Durations LoadDurations(const std::string& path);
bool SaveDurations(const std::string& path, const Durations& d);

struct AppliedUnit {
  std::string hash;
  std::vector<std::string> dependencies;
};
/// unit id → what was last applied.
using Applied = std::map<std::string, AppliedUnit>;
Applied LoadApplied(const std::string& path);
bool SaveApplied(const std::string& path, const Applied& a);

/// Writes through a temporary file and a rename, creating parent directories.
bool WriteFileAtomic(const std::string& path, const std::string& data);
/// The whole file; empty when it cannot be read.
std::string ReadFileOr(const std::string& path);

}  // namespace eurus::run
