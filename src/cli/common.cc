#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace eurus::cli {

void AddProjectOptions(CLI::App& cmd, CommonOptions& opts) {
  cmd.add_option("-C,--dir", opts.dir, "the platform repository (holds eurus.yaml)")->capture_default_str();
  cmd.add_flag("--frozen", opts.frozen,
               "fail instead of changing eurus.lock.json (for CI)");
}

bool ResolveFormat(CommonOptions& opts) {
  bool tty = ::isatty(STDERR_FILENO) != 0;
  if (opts.format.empty()) {
    opts.diag_format = tty ? DiagFormat::kRich : DiagFormat::kShort;
  } else if (!ParseDiagFormat(opts.format, &opts.diag_format)) {
    return false;
  }
  const char* no_color = std::getenv("NO_COLOR");
  opts.color = tty && opts.diag_format == DiagFormat::kRich && !(no_color && *no_color);
  return true;
}

run::CompileOptions CompileOptionsFor(const CommonOptions& opts, run::Pass until) {
  run::CompileOptions o;
  o.dir = opts.dir;
  o.frozen = opts.frozen;
  o.until = until;
  return o;
}

bool CompileOrPrint(FileSystem& fs, const CommonOptions& opts, const run::CompileOptions& o, Session& s) {
  bool ok = run::Compile(fs, o, s);
  PrintPassTimes(s.times);
  if (!ok) PrintDiagnostics(opts, s);
  return ok;
}

int ExitCodeFor(const Diagnostics& diags) {
  if (diags.bugs()) return kInternal;
  return diags.has_errors() ? kInputError : kOk;
}

void PrintDiagnostics(const CommonOptions& opts, Session& s) { PrintDiagnostics(opts, s.diags, s.sources); }

void PrintDiagnostics(const CommonOptions& opts, Diagnostics& diags, const SourceMap& sources) {
  diags.Sort(sources);
  std::string out = RenderAll(diags, sources, opts.diag_format, opts.color);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

void PrintPassTimes(const std::vector<run::PassTime>& times) {
  if (!std::getenv("EURUS_PERF")) return;
  for (const auto& t : times) std::fprintf(stderr, "perf: %-10s %8.1f ms\n", t.name.c_str(), t.ms);
}

int ReportEscaped(const CommonOptions& opts, const char* command) {
  Diagnostics diags;
  ReportInternalError(diags, std::string("`eurus ") + command + "`");
  PrintDiagnostics(opts, diags, SourceMap());
  return kInternal;
}

}  // namespace eurus::cli
