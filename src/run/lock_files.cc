#include "run/lock_files.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "run/state.h"

namespace eurus::run {

namespace fs = std::filesystem;

namespace {

constexpr char kLockFile[] = ".terraform.lock.hcl";

bool HasLockFile(const std::string& dir) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / kLockFile, ec);
}

}  // namespace

std::string LockFiles::RequiredProviders(const std::string& dir) {
  auto j = nlohmann::json::parse(ReadFileOr((fs::path(dir) / "providers.tf.json").string()), nullptr, false);
  if (!j.is_object() || !j.contains("terraform") || !j["terraform"].is_object()) return "";
  auto it = j["terraform"].find("required_providers");
  if (it == j["terraform"].end()) return "";
  return it->dump();
}

void LockFiles::Scan() {
  scanned_ = true;
  for (const auto& d : dirs_) Learn(d);
}

void LockFiles::Learn(const std::string& dir) {
  if (!HasLockFile(dir)) return;
  std::string key = RequiredProviders(dir);
  if (!key.empty()) by_providers_.emplace(key, dir);
}

std::string LockFiles::Provide(const std::string& dir) {
  if (HasLockFile(dir)) return "";
  if (!scanned_) Scan();
  std::string key = RequiredProviders(dir);
  auto it = by_providers_.find(key);
  if (key.empty() || it == by_providers_.end()) return "";
  std::string text = ReadFileOr((fs::path(it->second) / kLockFile).string());
  if (text.empty() || !WriteFileAtomic((fs::path(dir) / kLockFile).string(), text)) return "";
  return it->second;
}

}  // namespace eurus::run
