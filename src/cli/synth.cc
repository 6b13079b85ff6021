#include <fmt/format.h>

#include "cli/commands.h"

namespace eurus::cli {

int RunSynth(FileSystem& fs, CommonOptions& opts, const SynthOptions& so) {
  // Kept until exit, never freed (run/compile.h).
  Session& s = *new Session;  // NOLINT: deliberately not freed
  run::CompileOptions o = CompileOptionsFor(opts, run::Pass::kWrite);
  o.out_dir = so.out_dir;
  if (so.check) {
    run::CompileOptions upto_synth = o;
    upto_synth.until = run::Pass::kSynth;
    if (!run::Compile(fs, upto_synth, s)) {
      PrintPassTimes(s.times);
      PrintDiagnostics(opts, s);
      return ExitCodeFor(s.diags);
    }
    if (!so.check(s)) return kUsage;
  }
  // Every pass, the write included: on any error out/ and the lock are as they were.
  if (!CompileOrPrint(fs, opts, o, s)) return ExitCodeFor(s.diags);
  PrintDiagnostics(opts, s);  // warnings
  const std::vector<tf::Unit>& units = s.units;
  if (!so.quiet) {
    fmt::print("{:<28} {:<13} {:>9}  {}\n", "unit", "account", "resources", "by type");
    for (size_t i = 0; i < units.size(); ++i) {
      std::string types;
      for (const auto& [t, n] : units[i].ResourceCounts())
        types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, t.substr(4));
      fmt::print("{:<28} {:<13} {:>9}  {}\n", units[i].id(), s.accounts[i], units[i].resource_count(), types);
    }
  }
  size_t total = 0;
  for (const auto& u : units) total += u.resource_count();
  fmt::print("eurus: wrote {} units ({} resources) to {}\n", units.size(), total, s.out_dir);
  return kOk;
}

}  // namespace eurus::cli
