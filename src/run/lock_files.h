#pragma once
// One dependency lock file for every unit that requires the same providers. OpenTofu links a
// provider from the shared plugin cache only when the unit's .terraform.lock.hcl already has
// its hashes; without them every `tofu init` installs the provider into the cache again, over
// the copy other units' plans are running (opentofu v1.12.6, internal/providercache/
// installer.go, ensureProviderVersionInDirectory). Giving a unit without a lock file the lock
// file of a unit with the same `required_providers` makes that init read the cache only.
// The lock file stays in the unit's directory (synth keeps it), as OpenTofu recommends.

#include <map>
#include <string>
#include <vector>

namespace eurus::run {

class LockFiles {
 public:
  /// `dirs`: every unit directory the run may init.
  explicit LockFiles(std::vector<std::string> dirs) : dirs_(std::move(dirs)) {}

  /// Before the init of the unit in `dir`: when it has no lock file, copies the lock file of
  /// a unit with the same required_providers. Returns that unit's directory, or "" (it has
  /// one, none matches, or the copy failed).
  std::string Provide(const std::string& dir);

  /// After a successful init in `dir`: its lock file may serve the units after it.
  void Learn(const std::string& dir);

  /// `terraform.required_providers` of the unit's providers.tf.json, as compact JSON; "" when
  /// absent or unreadable.
  static std::string RequiredProviders(const std::string& dir);

 private:
  void Scan();

  std::vector<std::string> dirs_;
  bool scanned_ = false;
  std::map<std::string, std::string> by_providers_;  ///< required_providers → a directory
};

}  // namespace eurus::run
