#pragma once
// One function per command; main.cc only wires them to CLI11.

#include <functional>

#include "cli/common.h"

namespace eurus::cli {

/// `eurus check`: load + validate + allocate; one summary line on success.
int RunCheck(FileSystem& fs, CommonOptions& opts);

struct SynthOptions {
  std::string out_dir;  ///< empty: <dir>/out
  bool quiet = false;   ///< no per-unit table
  bool verbose = false; ///< the per-unit table lists resource counts by type (builds every unit)
  /// Build every unit, compare every file with the tree it replaces (not incremental).
  bool full = false;
  /// Called after the synth pass, before anything is rendered or written (`plan`/`apply`
  /// check the unit names they were given); false stops the run with kUsage.
  std::function<bool(const Session&)> check;
  /// `plan|apply --changed`: keep the parsed configuration files here, and hand back the
  /// run (never freed), for change detection on top of it (run::ChangesAfterSynth).
  config::ParsedFiles* keep_parsed = nullptr;
  std::function<void()> parsed;  ///< called once the configuration files are parsed
  Session** session = nullptr;
};
/// `eurus synth`: check, then write every unit to the output tree atomically.
int RunSynth(FileSystem& fs, CommonOptions& opts, const SynthOptions& s);

struct ReleaseOptions {
  std::string env;
  std::string tenant;
};
/// `eurus release ENV TENANT`: frees the subnets a removed tenant still holds.
int RunRelease(FileSystem& fs, CommonOptions& opts, const ReleaseOptions& r);

struct SchemaOptions {
  std::string kind;     ///< eurus | environment | tenant
  std::string out_dir;  ///< write all three files there instead
};
/// `eurus schema`: JSON Schema for editors' YAML language servers.
int RunSchema(FileSystem& fs, const SchemaOptions& s);

}  // namespace eurus::cli
