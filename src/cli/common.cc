#include "cli/common.h"

#include <fmt/format.h>
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
  PrintPassTimes(s.times, s.steps);
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

void PrintPassTimes(const std::vector<run::PassTime>& times, const std::vector<run::PassTime>& steps) {
  if (!std::getenv("EURUS_PERF")) return;
  for (const auto& t : times) {
    for (const auto& st : steps)
      if (st.name.rfind(t.name + "/", 0) == 0) std::fprintf(stderr, "perf:  %-19s %8.1f ms\n", st.name.c_str(), st.ms);
    std::fprintf(stderr, "perf: %-10s %8.1f ms", t.name.c_str(), t.ms);
    if (t.peak_mib > 0) std::fprintf(stderr, "  peak %6.0f MiB", t.peak_mib);
    std::fprintf(stderr, "\n");
  }
}

namespace {

/// Every spelling of `app`'s options, and of its parents' (CLI11 falls through to them).
std::vector<std::string> OptionNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (; app; app = app->get_parent())
    for (const CLI::Option* o : app->get_options()) {
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
      for (const auto& s : o->get_snames()) names.push_back("-" + s);
    }
  return names;
}

const CLI::Option* FindOption(const CLI::App* app, const std::string& name) {
  for (; app; app = app->get_parent())
    if (const CLI::Option* o = app->get_option_no_throw(name)) return o;
  return nullptr;
}

std::string CommandPath(const CLI::App* app) {
  std::string path;
  for (; app; app = app->get_parent()) path = app->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

}  // namespace

int ReportParseError(CLI::App& app, const CLI::ParseError& e, const std::vector<std::string>& args) {
  // Walk the command line as CLI11 does: subcommand names, options (and their values),
  // positionals; the first word that is neither a subcommand nor an option is the culprit.
  CLI::App* at = &app;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-') {
      std::string name = a.substr(0, a.find('='));
      if (name.size() > 2 && name[1] != '-') name = name.substr(0, 2);  // -j4
      const CLI::Option* o = FindOption(at, name);
      if (!o) {
        std::string near = ClosestMatch(name, OptionNames(at));
        fmt::print(stderr, "eurus: unknown option `{}` for `{}`{}\n", name, CommandPath(at),
                   near.empty() ? fmt::format("; `{} --help` lists them", CommandPath(at))
                                : fmt::format("; did you mean `{}`?", near));
        return kUsage;
      }
      bool inline_value = a.find('=') != std::string::npos || (a[1] != '-' && a.size() > 2);
      if (o->get_type_size() > 0 && !inline_value) ++i;  // its value
      continue;
    }
    std::vector<std::string> subs;
    CLI::App* next = nullptr;
    for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; })) {
      subs.push_back(sub->get_name());
      if (sub->check_name(a)) next = sub;
    }
    if (subs.empty()) continue;  // a positional argument of `at`
    if (next) {
      at = next;
      continue;
    }
    std::string near = ClosestMatch(a, subs);
    fmt::print(stderr, "eurus: unknown command `{}`{}; {}\n", a,
               at == &app ? "" : fmt::format(" for `{}`", CommandPath(at)),
               near.empty() ? fmt::format("the commands are: {}", fmt::join(subs, ", "))
                            : fmt::format("did you mean `{}`?", near));
    return kUsage;
  }
  return app.exit(e) == 0 ? kOk : kUsage;
}

int ReportEscaped(const CommonOptions& opts, const char* command) {
  Diagnostics diags;
  ReportInternalError(diags, std::string("`eurus ") + command + "`");
  PrintDiagnostics(opts, diags, SourceMap());
  return kInternal;
}

}  // namespace eurus::cli
