#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "diag/codes.h"

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

void LoadOrg(FileSystem& fs, const CommonOptions& opts, Session& s, const config::ParsedFiles* reuse,
             config::ParsedFiles* keep, const std::function<void()>& kept) {
  s.project = config::LoadProject(fs, opts.dir, s.sources, s.diags, reuse, keep, kept);
  if (!s.project) return;
  s.lock_path = JoinPath(opts.dir, "eurus.lock.json");
  Lock previous;
  if (fs.Exists(s.lock_path)) {
    std::string err;
    auto text = fs.Read(s.lock_path, &err);
    if (!text) {
      s.diags.Report(Error(codes::kIo, "cannot read `" + s.lock_path + "`: " + err));
      return;
    }
    FileId id = s.sources.Add(s.lock_path, *text);
    LockParseError perr;
    auto lock = ParseLock(*text, &perr);
    if (!lock) {
      // The lock records live subnets: starting over would move them, so never guess.
      s.diags.Report(Error(codes::kLockCorrupt, "cannot read the lock file: " + perr.message)
                         .Label({id, perr.offset, perr.offset + 1})
                         .Help("restore eurus.lock.json from version control; it records the subnets that are deployed"));
      return;
    }
    previous = std::move(*lock);
  }
  model::BuildOptions bo;
  bo.frozen = opts.frozen;
  bo.lock_path = s.lock_path;
  s.build = model::Build(*s.project, previous, bo, s.diags);
}

bool LoadValidOrg(FileSystem& fs, const CommonOptions& opts, Session& s) {
  LoadOrg(fs, opts, s);
  if (!s.diags.has_errors() && s.build.org) return true;
  PrintDiagnostics(opts, s);
  return false;
}

void PrintDiagnostics(const CommonOptions& opts, Session& s) {
  s.diags.Sort(s.sources);
  std::string out = RenderAll(s.diags, s.sources, opts.diag_format, opts.color);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

bool WriteLock(FileSystem& fs, Session& s) {
  if (!s.build.lock_changed) return true;
  std::string err;
  if (!fs.WriteAtomic(s.lock_path, SerializeLock(s.build.lock), &err)) {
    s.diags.Report(Error(codes::kIo, "cannot write `" + s.lock_path + "`: " + err));
    return false;
  }
  return true;
}

}  // namespace eurus::cli
