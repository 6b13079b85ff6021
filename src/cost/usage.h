#pragma once
// Usage assumptions for `eurus cost` (docs/Cost.md, "The usage file"): what the generated
// units cannot say (GB through a NAT gateway, requests, log volume, storage, ACU-hours).
// Every value has a built-in default; a usage file (eurus.usage.yaml, or --usage FILE)
// overrides them for every environment, one environment, one tenant, or one app or data
// store of a tenant in one environment. The most specific value wins:
//   tenants.<t>.environments.<e>.(apps|resources).<name>.<key>
//   tenants.<t>.(apps|resources).<name>.<key>
//   environments.<e>.<kind>.<key>
//   defaults.<kind>.<key>
//   built-in default

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostic.h"
#include "diag/source.h"
#include "model/model.h"

namespace eurus::cost {

/// One assumption a kind of thing has. `def` < 0: derived when unset (the description says how).
struct UsageKey {
  const char* name;
  double def;
  const char* unit;
  const char* what;
};

/// The kinds: environment (shared network and edge traffic), app, postgres, mysql, redis,
/// documentdb, s3 (a tenant's data stores, by type), registry (images in a realm's ECR).
const std::vector<std::string>& UsageKinds();
/// The keys of `kind`; empty for an unknown kind.
const std::vector<UsageKey>& UsageKeys(std::string_view kind);

/// A value and where it came from: "default" or "eurus.usage.yaml:12".
struct UsageValue {
  double value = 0;
  bool set = false;  ///< false: the key derives its value (UsageKey::def < 0) and nothing set it
  std::string origin;
};

class Usage {
 public:
  /// Built-in defaults only.
  Usage() = default;
  /// Reads the usage file `file` of `sources`; its errors (located: unknown kinds, keys,
  /// environments, tenants, apps and data stores with "did you mean", values that are not
  /// numbers >= 0) go to `diags`.
  static Usage Parse(const SourceMap& sources, FileId file, const model::Org& org, Diagnostics& diags);

  /// The value of `key` of `kind` for `name` (an app or data store; empty for the
  /// environment kind) of tenant `tenant` (may be empty) in environment `env` (may be empty:
  /// management and common accounts read defaults only).
  UsageValue Get(std::string_view kind, std::string_view key, const std::string& env, const std::string& tenant,
                 const std::string& name) const;

 private:
  /// "defaults/<kind>/<key>", "env/<e>/<kind>/<key>", "tenant/<t>/<name>/<key>",
  /// "tenant/<t>/<e>/<name>/<key>" → value and origin.
  std::map<std::string, UsageValue, std::less<>> values_;
  std::string file_;
};

}  // namespace eurus::cost
