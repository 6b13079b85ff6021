#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"

namespace eurus::cli {

int RunCheck(FileSystem& fs, CommonOptions& opts) {
  auto start = std::chrono::steady_clock::now();
  Session s;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kBuild), s)) return ExitCodeFor(s.diags);
  if (!run::WriteLock(fs, s)) {
    PrintDiagnostics(opts, s);
    return ExitCodeFor(s.diags);
  }
  PrintDiagnostics(opts, s);  // warnings
  const model::Org& org = s.org();
  size_t apps = 0, resources = 0, deployments = 0;
  for (const auto& t : org.tenants) {
    deployments += t.deployments.size();
    std::set<std::string> a, r;
    for (const auto& d : t.deployments) {
      for (const auto& x : d.apps) a.insert(x.name);
      for (const auto& x : d.resources) r.insert(x.name);
    }
    apps += a.size();
    resources += r.size();
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  auto plural = [](size_t n, const char* w) { return fmt::format("{} {}{}", n, w, n == 1 ? "" : "s"); };
  fmt::print("eurus: ok: {}, {}, {}, {} ({} tenant deployments) in {:.0f} ms\n",
             plural(org.environments.size(), "environment"), plural(org.tenants.size(), "tenant"),
             plural(apps, "app"), plural(resources, "resource"), deployments, ms);
  for (const auto& c : s.build.lock_changes) fmt::print("eurus: {}: {}\n", s.lock_path, c);
  if (!s.build.reserved.empty())
    fmt::print("eurus: subnets still reserved for removed tenants: {} (free them with `eurus release ENV TENANT`)\n",
               fmt::join(s.build.reserved, ", "));
  return kOk;
}

}  // namespace eurus::cli
