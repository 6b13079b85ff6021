#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/synth_summary.h"
#include "run/changes.h"

namespace eurus::cli {

namespace {

/// Unit id → content hash of a manifest's text; nullopt when it is not a readable manifest.
std::optional<std::map<std::string, std::string>> Hashes(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::string err;
  auto m = run::ParseManifest(*text, &err);
  if (!m) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [id, u] : m->units) out[id] = u.hash;
  return out;
}

size_t Removed(const std::vector<UnitSummary>& summary) {
  return static_cast<size_t>(std::count_if(summary.begin(), summary.end(),
                                           [](const UnitSummary& u) { return u.status == "removed"; }));
}

}  // namespace

int RunSynth(FileSystem& fs, CommonOptions& opts, const SynthOptions& so) {
  // Kept until exit, never freed (run/compile.h).
  Session& s = *new Session;  // NOLINT: deliberately not freed
  run::CompileOptions o = CompileOptionsFor(opts, run::Pass::kWrite);
  o.out_dir = so.out_dir;
  // -v lists every unit's resources by type, which only a built unit knows.
  o.incremental = !so.full && !so.verbose;
  o.keep = so.keep_parsed;
  o.parsed = so.parsed;
  if (so.session) *so.session = &s;
  if (so.check) {
    run::CompileOptions upto_synth = o;
    upto_synth.until = run::Pass::kSynth;
    if (!run::Compile(fs, upto_synth, s)) {
      PrintPassTimes(s.times, s.steps);
      PrintDiagnostics(opts, s);
      return ExitCodeFor(s.diags);
    }
    if (!so.check(s)) return kUsage;
  }
  // The tree this run replaces, to tell changed units from unchanged ones.
  const std::string manifest = JoinPath(o.out_dir.empty() ? JoinPath(o.dir, "out") : o.out_dir, "eurus.manifest.json");
  std::string err;
  // Read now (the write replaces it), parsed below only if the synth did not already.
  const std::optional<std::string> previous_text = fs.Exists(manifest) ? fs.Read(manifest, &err) : std::nullopt;
  // Every pass, the write included: on any error out/ and the lock are as they were.
  if (!CompileOrPrint(fs, opts, o, s)) return ExitCodeFor(s.diags);
  PrintDiagnostics(opts, s);  // warnings
  const std::vector<tf::Unit>& units = s.units;
  std::vector<UnitSummary> summary;
  size_t total = 0;
  for (size_t i = 0; i < units.size(); ++i) {
    UnitSummary u;
    u.id = units[i].id();
    u.account = s.accounts[i];
    u.resources = units[i].resource_count();
    u.by_type = units[i].ResourceCounts();
    summary.push_back(std::move(u));
    total += units[i].resource_count();
  }
  // Units reused from the previous tree (incremental synth), as its manifest describes them.
  for (const auto& [id, entry] : s.kept) {
    UnitSummary u;
    u.id = id;
    u.account = entry.account;
    u.resources = entry.resources;
    total += u.resources;
    summary.push_back(std::move(u));
  }
  if (!s.kept.empty())
    std::sort(summary.begin(), summary.end(), [](const UnitSummary& a, const UnitSummary& b) { return a.id < b.id; });
  // The new manifest's hashes, as the run computed them (the built units' and the kept ones').
  std::map<std::string, std::string> current;
  for (size_t i = 0; i < units.size(); ++i) current[units[i].id()] = s.hashes[i];
  for (const auto& [id, entry] : s.kept) current[id] = entry.hash;
  auto previous = !s.previous_hashes.empty() ? std::optional(s.previous_hashes) : Hashes(previous_text);
  SetStatus(summary, previous ? &*previous : nullptr, current);
  if (!so.quiet)
    for (const std::string& line : SummaryLines(summary, so.verbose)) fmt::print("{}\n", line);
  std::string counts = StatusCounts(summary);
  fmt::print("eurus: wrote {} units ({} resources) to {}{}\n", summary.size() - Removed(summary), total, s.out_dir,
             counts.empty() ? "" : ": " + counts);
  if (o.incremental && !s.full_reason.empty() && std::getenv("EURUS_PERF"))
    fmt::print(stderr, "eurus: built every unit: {}\n", s.full_reason);
  return kOk;
}

}  // namespace eurus::cli
