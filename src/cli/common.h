#pragma once
// What every command that reads the configuration shares: -C, --format, --frozen, loading,
// building the model, printing diagnostics and writing the lock.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "config/load.h"
#include "diag/render.h"
#include "model/build.h"
#include "util/fs.h"

namespace eurus::cli {

enum ExitCode { kOk = 0, kInputError = 1, kUsage = 2, kExternal = 3 };

struct CommonOptions {
  std::string dir = ".";
  std::string format;   ///< empty: rich on a terminal, short otherwise
  bool frozen = false;
  bool color = false;
  DiagFormat diag_format = DiagFormat::kShort;
};

/// Adds -C and --frozen to a subcommand that loads the configuration.
void AddProjectOptions(CLI::App& cmd, CommonOptions& opts);
/// Resolves --format/terminal detection; false on an unknown format (usage error).
bool ResolveFormat(CommonOptions& opts);

/// mold-style pass timing, printed to stderr with EURUS_PERF=1.
struct PassTimer {
  bool on = std::getenv("EURUS_PERF") != nullptr;
  std::chrono::steady_clock::time_point last = std::chrono::steady_clock::now();
  void Mark(const char* pass) {
    auto now = std::chrono::steady_clock::now();
    if (on) std::fprintf(stderr, "perf: %-10s %8.1f ms\n", pass, std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  }
};

/// A loaded, validated organisation and everything needed to report on it.
struct Session {
  SourceMap sources;
  Diagnostics diags;
  std::optional<config::Project> project;
  model::BuildResult build;
  std::string lock_path;
};

/// Loads the repository, reads the lock, builds the model. Diagnostics stay in `s.diags`.
/// `reuse`/`keep`: parsed trees shared between two loads (config::LoadProject).
void LoadOrg(FileSystem& fs, const CommonOptions& opts, Session& s, const config::ParsedFiles* reuse = nullptr,
             config::ParsedFiles* keep = nullptr, const std::function<void()>& kept = {});
/// LoadOrg, then the checkpoint every command shares: on errors, print them and return
/// false (the command exits 1 having written nothing).
bool LoadValidOrg(FileSystem& fs, const CommonOptions& opts, Session& s);
/// Prints diagnostics to stderr in the chosen format.
void PrintDiagnostics(const CommonOptions& opts, Session& s);
/// Writes the lock when the build changed it. Only call when there are no errors.
bool WriteLock(FileSystem& fs, Session& s);

}  // namespace eurus::cli
