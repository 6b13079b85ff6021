#pragma once
// `eurus changes`: which units differ from a base commit, or from what was last applied.
// The detection itself is run::DetectChanges (run/detect.h); this is its options and printing,
// shared with `plan|apply --changed`.

#include <string>

#include "cli/common.h"
#include "run/detect.h"

namespace eurus::cli {

struct ChangesOptions {
  std::string base;     ///< a git ref: compare against the configuration at that commit
  std::string applied;  ///< or a file written by `eurus apply` (.eurus/applied.json)
  bool json = false;
  bool full = false;  ///< --base only: every unit of both sides (run::ChangeRequest::full)
};

/// run::DetectChanges on the project of `opts.dir`, with what stops or qualifies it printed to
/// stderr: the working tree's errors, the base's errors, EURUS_PERF's steps. kOk with `ch`
/// set; else the exit code: kInputError (the working tree has errors), kInternal (a bug in
/// eurus), kExternal (git or the applied record failed: `*err`, not printed).
int DetectChanges(FileSystem& fs, const CommonOptions& opts, const ChangesOptions& c, run::Changes& ch,
                  std::string* err);

/// `eurus changes --base REF | --applied FILE [--json]`.
int RunChanges(FileSystem& fs, CommonOptions& opts, const ChangesOptions& c);

}  // namespace eurus::cli
