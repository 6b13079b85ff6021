#pragma once
// `eurus validate`'s pass: the generated OpenTofu tree (out/<account>/<unit>/*.tf.json)
// checked offline against the hashicorp/aws provider schema — what `tofu validate` would
// reject, found without tofu, credentials or network:
//   - every file parses, with the top-level shape of Terraform JSON;
//   - every resource / data source type exists; no unknown argument; required arguments and
//     blocks present; blocks written as blocks and values as values, recursively;
//   - every reference (`${...}`, depends_on, replace_triggered_by, ignore_changes, provider)
//     names something the unit declares, and an attribute its type has;
//   - providers.tf.json pins hashicorp/aws and declares a backend;
//   - terragrunt.hcl dependencies name units that exist.
// Diagnostics name the file and the JSON path, and point at the offending key.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "check/schema.h"
#include "diag/diagnostic.h"
#include "util/fs.h"

namespace eurus::check {

struct ValidateStats {
  size_t units = 0;
  size_t resources = 0;
  size_t data_sources = 0;  ///< terraform_remote_state included
  size_t references = 0;    ///< traversals checked
  std::set<std::string> resource_types;
};

/// Where a unit's two documents came from. With a SourceMap and file ids, diagnostics point
/// at the offending key; without, they carry the path in a note.
struct UnitSources {
  const SourceMap* sources = nullptr;
  FileId main = kNoFile;
  FileId providers = kNoFile;
  std::string main_path = "main.tf.json";
  std::string providers_path = "providers.tf.json";
};

/// Checks one unit: main.tf.json (resources, data, variables, locals, outputs) and
/// providers.tf.json (terraform block, provider "aws"); references resolve across both.
void ValidateUnit(const nlohmann::json& main, const nlohmann::json& providers, const Schema& schema,
                  const UnitSources& where, Diagnostics& diags, ValidateStats* stats = nullptr);

/// Checks every unit under `out_dir`: each directory holding *.tf.json files (extra .tf.json
/// files beside main and providers are checked as part of the same module). Registers every
/// file it reads in `sources`, so the renderers show file:line:col.
ValidateStats ValidateTree(FileSystem& fs, const std::string& out_dir, const Schema& schema,
                           SourceMap& sources, Diagnostics& diags);

}  // namespace eurus::check
