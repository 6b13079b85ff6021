#pragma once
// `eurus tenant add NAME`: a commented tenants/NAME.yaml that passes `eurus check` in the
// repository it is written into. The arguments are checked by compiling the repository with
// the new file laid over it in memory (the real loader and model: every problem at once);
// nothing is written unless it passes, and an existing file is never overwritten.

#include <map>
#include <string>
#include <vector>

#include "cli/common.h"

namespace eurus::cli {

struct TenantAddOptions {
  std::string name;
  std::vector<std::string> envs;     ///< empty: every environment of the organisation
  std::string app;                   ///< empty: "web" when any app flag is given, else no app
  std::string image;                 ///< empty: <tenant>/<app>
  int port = 0;                      ///< 0: a worker (no port, no route)
  std::string host;                  ///< empty: the tenant name (with a port and the org's domain)
  std::vector<std::string> expose;   ///< cloudfront, api
  bool postgres = false;             ///< a resource `db` (Aurora PostgreSQL Serverless v2)
  bool mysql = false;                ///< a resource `mysql` (Aurora MySQL Serverless v2)
  bool redis = false;                ///< a resource `cache` (ElastiCache Serverless, Valkey)
  bool documentdb = false;           ///< a resource `documents` (DocumentDB)
  std::vector<std::string> buckets;  ///< one S3 resource each
  std::vector<std::string> contacts; ///< alarm recipients
};

/// `s` as a YAML scalar that reads back as exactly `s`: plain when that is safe, else
/// double-quoted with escapes (so a bad argument reaches the checker as written). `quote`:
/// always double-quoted (account ids, whose leading zeros a plain scalar would lose).
std::string YamlScalar(const std::string& s, bool quote = false);

/// `s` with every control character (a newline above all) replaced by a space: safe inside
/// a YAML comment, where a newline would end the comment and start YAML.
std::string CommentSafe(std::string s);

/// Where a tenant file goes: "tenants/<name>.yaml".
std::string TenantPath(const std::string& name);

/// The tenant file's text for `t` onboarded in `envs`; `domain` is the organisation's (empty
/// when it has none: a route then needs a `--host` with dots). `realms` gives the realm of
/// each environment in `envs` (same order), for the comments on prod defaults.
std::string TenantYaml(const TenantAddOptions& t, const std::vector<std::string>& envs,
                       const std::vector<std::string>& realms, const std::string& domain);

/// `eurus tenant add NAME [-C DIR] ...`: exit 0 with the file written; 1 when the file
/// exists, or when the repository with the file would not pass `eurus check` (every problem
/// reported, nothing written).
int RunTenantAdd(FileSystem& fs, CommonOptions& opts, const TenantAddOptions& t);

/// Adds `tenant add` to `app` (main.cc); the returned command is `add`.
CLI::App* AddTenantAddCommand(CLI::App& app, CommonOptions& opts, TenantAddOptions& t);

}  // namespace eurus::cli
