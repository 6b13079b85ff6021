#include <fmt/format.h>

#include <stdexcept>

#include "cli/commands.h"
#include "diag/codes.h"
#include "synth/manifest.h"
#include "synth/synth.h"

namespace eurus::cli {

int RunSynth(FileSystem& fs, CommonOptions& opts, const SynthOptions& so) {
  Session s;
  if (!LoadValidOrg(fs, opts, s)) return kInputError;  // nothing written
  const model::Org& org = *s.build.org;
  synth::Context ctx(org, s.sources, opts.dir);
  std::vector<tf::Unit> units;
  try {
    units = synth::Synthesize(ctx);
  } catch (const std::logic_error& e) {
    // A bug in eurus, not in the input: say so plainly and write nothing.
    s.diags.Report(Error(codes::kIo, std::string("internal error while synthesizing: ") + e.what())
                       .Help("please report this with the configuration that triggers it"));
    PrintDiagnostics(opts, s);
    return kInputError;
  }
  // The account id of each unit's directory.
  std::map<std::string, std::string> dir_account = {{synth::kManagementDir, org.management_account}};
  for (const auto& r : org.realms) dir_account[synth::CommonDir(r.kind)] = r.common_account;
  for (const auto& e : org.environments) dir_account[e.name] = e.account;
  std::vector<std::map<std::string, std::string>> per_unit;
  std::vector<std::string> accounts;
  for (const auto& u : units) {
    per_unit.push_back(synth::UnitFiles(u));
    accounts.push_back(dir_account[u.account()]);
  }
  std::map<std::string, std::string> files;
  files["eurus.manifest.json"] = synth::ManifestJson(units, accounts, per_unit);
  for (auto& m : per_unit) files.merge(m);

  std::string out = so.out_dir.empty() ? JoinPath(opts.dir, "out") : so.out_dir;
  std::string err;
  // Lock first: if the tree cannot be written the lock holds allocations for nothing new,
  // which is harmless; the other way round would deploy subnets the lock does not record.
  if (!WriteLock(fs, s) || !fs.ReplaceTree(out, files, &synth::IsGeneratedName, &err)) {
    if (!err.empty()) s.diags.Report(Error(codes::kIo, "cannot write `" + out + "`: " + err));
    PrintDiagnostics(opts, s);
    return kInputError;
  }
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
