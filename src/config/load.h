#pragma once
// Loading a platform repository: eurus.yaml, environments/*.yaml, tenants/*.yaml.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/decode.h"
#include "util/fs.h"

namespace eurus::config {

struct TenantFile {
  Str name;               ///< from the file name
  FileId file = kNoFile;
  Node base;              ///< the document without `overrides`
  struct Override {
    std::string env;
    Span key_span;
    Node node;
  };
  std::vector<Override> overrides;
  TenantDoc doc;          ///< `base` decoded (environments, apps and resources as written)
};

struct Project {
  std::string dir;        ///< as given with -C; prefixes every path shown to the user
  OrgDoc org;
  std::vector<EnvDoc> envs;           ///< sorted by name
  std::vector<TenantFile> tenants;    ///< sorted by name
  std::vector<std::string> files;     ///< every file read, relative to `dir`, sorted
};

/// Parsed documents by path relative to the project directory, with the text each was
/// parsed from. A second load of nearly the same files (`eurus changes`: the base commit
/// beside the working tree) reuses the trees of identical files instead of parsing them
/// again: YAML parsing is the costliest part of loading a large organisation.
struct ParsedFiles {
  struct Doc {
    std::string text;
    Node root;
  };
  std::map<std::string, Doc> docs;
};

/// Reads and decodes every file; YAML and shape errors go to `diags`. Returns nullopt when
/// nothing more can be checked: no eurus.yaml, or a file that is not valid YAML.
/// `reuse`: trees to take (copied, re-pointed at this load's files) for files whose text is
/// identical; `keep`: receives a copy of every tree parsed without any diagnostic, and
/// `kept` is called as soon as it is complete, before decoding, so that a second load can
/// start from it on another thread.
std::optional<Project> LoadProject(FileSystem& fs, const std::string& dir, SourceMap& sources,
                                   Diagnostics& diags, const ParsedFiles* reuse = nullptr,
                                   ParsedFiles* keep = nullptr, const std::function<void()>& kept = {});

}  // namespace eurus::config
