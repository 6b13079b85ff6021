#pragma once
// What every command that reads the configuration shares: -C, --format, --frozen, running
// the compiler (run/compile.h), printing diagnostics and pass times, the exit codes.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "diag/render.h"
#include "run/compile.h"
#include "util/fs.h"

namespace eurus::cli {

/// CONFIG.md's exit codes. kInternal: a bug in eurus (a Severity::kBug diagnostic), never
/// the user's mistake.
enum ExitCode { kOk = 0, kInputError = 1, kUsage = 2, kExternal = 3, kInternal = 4 };

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

/// The session of a compiler run (run/compile.h): what every command reports on.
using Session = run::Session;

/// The compiler options of a command's -C and --frozen.
run::CompileOptions CompileOptionsFor(const CommonOptions& opts, run::Pass until);
/// Compile, then the checkpoint every command shares: on errors, print them and return
/// false; the command exits ExitCodeFor(s.diags). Nothing is written unless `o.until` is
/// run::Pass::kWrite, and a run that fails before that pass writes nothing.
bool CompileOrPrint(FileSystem& fs, const CommonOptions& opts, const run::CompileOptions& o, Session& s);
/// kInternal when the diagnostics hold an internal error (a bug in eurus), kInputError
/// when they hold errors, kOk otherwise.
int ExitCodeFor(const Diagnostics& diags);
/// Prints diagnostics to stderr in the chosen format.
void PrintDiagnostics(const CommonOptions& opts, Session& s);
void PrintDiagnostics(const CommonOptions& opts, Diagnostics& diags, const SourceMap& sources);
/// With EURUS_PERF set: one `perf: <pass> <ms>` line per pass to stderr (mold's --perf).
void PrintPassTimes(const std::vector<run::PassTime>& times, const std::vector<run::PassTime>& steps = {});
/// A command line CLI11 refused (`e`): when it names a subcommand or an option that does
/// not exist, prints "unknown command `chek`; did you mean `check`?" (or the option's
/// equivalent, with the closest name by edit distance) to stderr and returns kUsage;
/// otherwise CLI11's own message (help and --version included) and its exit code mapped to
/// kOk or kUsage.
int ReportParseError(CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args);

/// The handler of anything escaping a command (main's last resort): call it inside a
/// `catch (...)` block. Reports it as an internal error and returns kInternal.
int ReportEscaped(const CommonOptions& opts, const char* command);

}  // namespace eurus::cli
