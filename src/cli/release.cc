#include <fmt/format.h>

#include "cli/commands.h"
#include "diag/codes.h"
#include "ipam/allocator.h"

namespace eurus::cli {

int RunRelease(FileSystem& fs, CommonOptions& opts, const ReleaseOptions& r) {
  Session s;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kBuild), s)) return ExitCodeFor(s.diags);
  const model::Org& org = s.org();
  for (const auto& t : org.tenants) {
    if (t.name != r.tenant) continue;
    for (const auto& d : t.deployments) {
      if (d.env != r.env) continue;
      s.diags.Report(Error(codes::kReleaseUnknown,
                           fmt::format("tenant `{}` is still onboarded in environment `{}`", r.tenant, r.env))
                         .Label(t.span, "lists the environment")
                         .Help(fmt::format("remove `{}` from the tenant's `environments` (and apply that) before releasing its subnets", r.env)));
    }
  }
  if (!s.diags.has_errors()) {
    Lock lock = s.build.lock;
    if (!Release(lock, r.env, r.tenant)) {
      s.diags.Report(Error(codes::kReleaseUnknown,
                           fmt::format("no subnets are reserved for `{}` in environment `{}`", r.tenant, r.env))
                         .Help("`eurus check` lists the tenants whose subnets are still reserved"));
    } else if (opts.frozen) {
      s.diags.Report(Error(codes::kLockFrozen, s.lock_path + " would change with --frozen"));
    } else {
      s.build.lock = std::move(lock);
      s.build.lock_changed = true;
      if (run::WriteLock(fs, s))
        fmt::print("eurus: released the subnets of {}/{} in {}\n", r.env, r.tenant, s.lock_path);
    }
  }
  PrintDiagnostics(opts, s);
  return ExitCodeFor(s.diags);
}

}  // namespace eurus::cli
