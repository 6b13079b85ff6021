#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>

#include "check/policy.h"
#include "cli/commands.h"
#include "diag/codes.h"
#include "synth/manifest.h"
#include "synth/synth.h"
#include "util/parallel.h"

namespace eurus::cli {

int RunSynth(FileSystem& fs, CommonOptions& opts, const SynthOptions& so) {
  PassTimer perf;
  // The large structures of a run live until the process exits and are never freed: on a
  // 3,000-tenant org, tearing them down costs more than a third of a second (mold does the
  // same). Everything is flushed before exit.
  struct Run {
    Session s;
    std::vector<tf::Unit> units;
    std::vector<std::map<std::string, std::string>> per_unit;
    std::map<std::string, std::string> files;
  };
  Run& run = *new Run;  // NOLINT: deliberately not freed
  Session& s = run.s;
  if (!LoadValidOrg(fs, opts, s)) return kInputError;  // nothing written
  perf.Mark("check");
  const model::Org& org = *s.build.org;
  synth::Context ctx(org, s.sources, opts.dir);
  std::vector<tf::Unit>& units = run.units;
  try {
    units = synth::Synthesize(ctx);
  } catch (const std::logic_error& e) {
    // A bug in eurus, not in the input: say so plainly and write nothing.
    s.diags.Report(Error(codes::kIo, std::string("internal error while synthesizing: ") + e.what())
                       .Help("please report this with the configuration that triggers it"));
    PrintDiagnostics(opts, s);
    return kInputError;
  }
  perf.Mark("synth");
  // Platform policy (docs/Security.md) on the units as they are about to be written: a
  // finding is an error, and nothing is written.
  {
    check::PolicyContext policy = check::ContextFromOrg(org);
    std::vector<check::PolicyUnit> view;
    view.reserve(units.size());
    for (const auto& u : units) view.push_back(check::FromUnit(u));
    check::CheckPolicy(view, policy, &s.sources, s.diags);
    perf.Mark("policy");
    if (s.diags.has_errors()) {
      PrintDiagnostics(opts, s);
      return kInputError;
    }
  }
  // The account id of each unit's directory.
  const std::map<std::string, std::string> dir_account = synth::AccountByDir(org);
  std::vector<std::string> accounts;
  for (const auto& u : units) accounts.push_back(dir_account.at(u.account()));
  // Rendering JSON is the costly part of synth on a large org; units are independent.
  std::vector<std::map<std::string, std::string>>& per_unit = run.per_unit;
  per_unit.resize(units.size());
  ParallelFor(units.size(), [&](size_t i) { per_unit[i] = synth::UnitFiles(units[i]); });
  std::map<std::string, std::string>& files = run.files;
  // What `eurus validate` needs to check RPO and deletion protection on the tree alone.
  nlohmann::json envs = nlohmann::json::object();
  for (const auto& r : org.realms)
    envs[synth::CommonDir(r.kind)] = {{"account", r.common_account},
                                      {"deletion_protection", r.kind == model::RealmKind::kProd}};
  for (const auto& e : org.environments)
    envs[e.name] = {{"account", e.account},
                    {"azs", e.network.azs.size()},
                    {"rpo_hours", e.rpo_hours},
                    {"deletion_protection", e.protection}};
  files["eurus.manifest.json"] = synth::ManifestJson(units, accounts, per_unit, envs);
  for (auto& m : per_unit) files.merge(m);

  perf.Mark("render");
  std::string out = so.out_dir.empty() ? JoinPath(opts.dir, "out") : so.out_dir;
  std::string err;
  // Lock first: if the tree cannot be written the lock holds allocations for nothing new,
  // which is harmless; the other way round would deploy subnets the lock does not record.
  if (!WriteLock(fs, s) || !fs.ReplaceTree(out, files, &synth::IsGeneratedName, &err)) {
    if (!err.empty()) s.diags.Report(Error(codes::kIo, "cannot write `" + out + "`: " + err));
    PrintDiagnostics(opts, s);
    return kInputError;
  }
  perf.Mark("write");
  PrintDiagnostics(opts, s);  // warnings
  if (!so.quiet) {
    fmt::print("{:<28} {:<13} {:>9}  {}\n", "unit", "account", "resources", "by type");
    for (size_t i = 0; i < units.size(); ++i) {
      std::string types;
      for (const auto& [t, n] : units[i].ResourceCounts())
        types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, t.substr(4));
      fmt::print("{:<28} {:<13} {:>9}  {}\n", units[i].id(), accounts[i], units[i].resource_count(), types);
    }
  }
  size_t total = 0;
  for (const auto& u : units) total += u.resource_count();
  fmt::print("eurus: wrote {} units ({} resources) to {}\n", units.size(), total, out);
  return kOk;
}

}  // namespace eurus::cli
