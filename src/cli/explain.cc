#include "cli/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "cli/cost.h"
#include "explain/address.h"
#include "explain/tenant.h"

namespace eurus::cli {

namespace {

/// The index of the `n`th positional word of `explain` in `args` (for located errors), or
/// args.size() when it cannot be found.
size_t WordIndex(const std::vector<std::string>& args, const std::vector<std::string>& what, size_t n) {
  auto it = std::find(args.begin(), args.end(), "explain");
  size_t seen = 0;
  for (size_t i = it == args.end() ? 0 : (it - args.begin()) + 1; i < args.size(); ++i) {
    if (args[i] != what[seen]) continue;
    if (seen++ == n) return i;
  }
  return args.size();
}

int Located(const ExplainOptions& e, size_t n, const std::string& message, size_t at, size_t len,
            const std::string& suggestion) {
  std::string out = explain::LocatedError(message, e.args, WordIndex(e.args, e.what, n), at, len, suggestion);
  std::fwrite(out.data(), 1, out.size(), stderr);
  return kInputError;
}

void Print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

/// Compiles to synth (and prices when `priced`); false with the exit code in `*code`.
bool Prepare(FileSystem& fs, CommonOptions& opts, bool priced, Session** session, cost::Estimate* estimate,
             int* code) {
  if (priced) return EstimateProject(fs, opts, "", "", session, estimate, code);
  auto& s = *new Session;  // NOLINT: kept until exit (run/compile.h)
  *session = &s;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kSynth), s)) {
    *code = ExitCodeFor(s.diags);
    return false;
  }
  PrintDiagnostics(opts, s);  // warnings
  return true;
}

int ExplainTenant(FileSystem& fs, CommonOptions& opts, const ExplainOptions& e) {
  Session* s = nullptr;
  cost::Estimate estimate;
  int code = kOk;
  if (!Prepare(fs, opts, !e.no_cost, &s, &estimate, &code)) return code;
  const model::Org& org = s->org();
  const std::string& name = e.what[1];
  const model::Tenant* tenant = nullptr;
  std::vector<std::string> names;
  for (const auto& t : org.tenants) {
    names.push_back(t.name);
    if (t.name == name) tenant = &t;
  }
  if (!tenant)
    return Located(e, 1, fmt::format("no tenant `{}`", name), 0, name.size(), ClosestMatch(name, names));
  if (!e.env.empty()) {
    std::vector<std::string> deployed;
    for (const auto& d : tenant->deployments) deployed.push_back(d.env);
    if (std::find(deployed.begin(), deployed.end(), e.env) == deployed.end()) {
      std::string why = org.environment(e.env)
                            ? fmt::format("tenant `{}` is not deployed in environment `{}` (it is in: {})", name, e.env,
                                          fmt::join(deployed, ", "))
                            : fmt::format("no environment `{}`", e.env);
      return Located(e, 2, why, 0, e.env.size(), ClosestMatch(e.env, deployed));
    }
  }
  auto report = explain::ExplainTenant(org, s->units, e.no_cost ? nullptr : &estimate, name, e.env);
  Print(e.json ? explain::ToJson(report).dump(2) + "\n" : explain::Render(report));
  return kOk;
}

}  // namespace

CLI::App* AddExplainCommand(CLI::App& app, CommonOptions& opts, ExplainOptions& e) {
  auto* cmd = app.add_subcommand(
      "explain", "what a tenant gets (`explain tenant T`), or why a unit or resource exists (`explain dev/tenant-shop`)");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("what", e.what, "`tenant NAME`, or a unit (dev/tenant-shop) or resource (dev/tenant-shop/TYPE.NAME)")
      ->required()
      ->expected(1, 2);
  cmd->add_option("--env", e.env, "explain tenant: only this environment");
  cmd->add_flag("--json", e.json, "print one JSON object (docs/Explain.md)");
  cmd->add_flag("--no-cost", e.no_cost, "explain tenant: leave out the monthly estimate");
  return cmd;
}

int RunExplain(FileSystem& fs, CommonOptions& opts, const ExplainOptions& e) {
  if (e.what.size() == 2 && e.what[0] == "tenant") {
    // The environment named with --env is found among the words for a located error.
    ExplainOptions with_env = e;
    if (!e.env.empty()) with_env.what.push_back(e.env);
    return ExplainTenant(fs, opts, with_env);
  }
  if (e.what.size() != 1 || e.what[0] == "tenant") {
    fmt::print(stderr, "eurus explain: expected `tenant NAME` or one ADDRESS (dev/tenant-shop, dev/tenant-shop/TYPE.NAME)\n");
    return kUsage;
  }
  if (!e.env.empty()) {
    fmt::print(stderr, "eurus explain: --env is for `explain tenant NAME`; an ADDRESS names its environment\n");
    return kUsage;
  }
  Session* s = nullptr;
  int code = kOk;
  if (!Prepare(fs, opts, false, &s, nullptr, &code)) return code;
  const config::Project* project = s->project ? &*s->project : nullptr;
  auto r = explain::ExplainAddress(s->org(), project, s->sources, s->units, e.what[0]);
  if (!r.ok) {
    if (r.error_len == 0) {
      fmt::print(stderr, "error: {}\n", r.error);
      return kInputError;
    }
    return Located(e, 0, r.error, r.error_at, r.error_len, r.suggestion);
  }
  Print(e.json ? r.json.dump(2) + "\n" : r.text);
  return kOk;
}

}  // namespace eurus::cli
