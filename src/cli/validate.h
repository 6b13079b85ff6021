#pragma once
// `eurus validate`: the generated tree checked offline against the hashicorp/aws schema.

#include <string>

#include "cli/common.h"

namespace eurus::cli {

struct ValidateOptions {
  /// The tree `eurus synth` wrote; a relative path is taken inside the repository (-C).
  std::string out_dir = "out";
  /// --schema; empty: DefaultSchemaPath().
  std::string schema_path;
};

/// Where the schema is looked for without --schema: $EURUS_AWS_SCHEMA when set, else
/// `aws-schema.json` beside the running eurus binary (`make schema` puts it there), else
/// `../share/eurus/aws-schema.json` from it when that exists (a `make package` release).
/// Empty when neither can be determined.
std::string DefaultSchemaPath();

/// `eurus validate`: prints one summary line on success (exit 0); diagnostics and exit 1 on
/// errors in the tree; exit 2 when the schema cannot be loaded.
int RunValidate(FileSystem& fs, CommonOptions& opts, const ValidateOptions& v);

}  // namespace eurus::cli
