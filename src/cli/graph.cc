#include "cli/graph.h"

#include <fmt/format.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "diag/diagnostic.h"
#include "graph/views.h"
#include "run/runner.h"

namespace eurus::cli {

namespace {

/// --env must name an environment (a usage error with the closest name, as `eurus cost`).
bool CheckEnv(const model::Org& org, const std::string& env) {
  if (env.empty() || org.environment(env)) return true;
  std::vector<std::string> names;
  for (const auto& e : org.environments) names.push_back(e.name);
  std::string near = ClosestMatch(env, names);
  fmt::print(stderr, "eurus graph: no environment `{}`{}\n", env, near.empty() ? "" : "; did you mean `" + near + "`?");
  return false;
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

CLI::App* AddGraphCommand(CLI::App& app, CommonOptions& opts, GraphOptions& g) {
  auto* cmd = app.add_subcommand("graph", "draw the unit DAG and each environment's network (docs/Diagrams.md)");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("--env", g.env, "only this environment's units (and what they read) and network");
  cmd->add_option("--view", g.view, "units (apply order), network, or all")
      ->check(CLI::IsMember({"units", "network", "all"}))
      ->capture_default_str();
  // As in `eurus cost`, --format here is the output's; the diagnostics' is `eurus --format F graph`.
  cmd->add_option("--format", g.format, "mermaid, dot, svg or html (svg and html run Graphviz's dot)")
      ->check(CLI::IsMember({"mermaid", "dot", "svg", "html"}))
      ->capture_default_str();
  cmd->add_option("-o,--out", g.out, "write to this file (default: stdout)");
  return cmd;
}

std::optional<std::string> RenderSvg(const std::string& program, const std::string& dot_text, std::string* err) {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "eurus-graph-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) {
    *err = fmt::format("cannot create a temporary directory in {}", fs::temp_directory_path().string());
    return std::nullopt;
  }
  const fs::path dir = tmpl;
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{dir};
  std::ofstream(dir / "graph.dot", std::ios::binary) << dot_text;
  run::PosixCommandRunner runner;
  run::Command cmd;
  cmd.argv = {program, "-Tsvg", (dir / "graph.dot").string(), "-o", (dir / "graph.svg").string()};
  cmd.log_path = (dir / "dot.log").string();
  std::string why;
  if (!runner.Start(cmd, 0, &why)) {
    *err = fmt::format(
        "{}: SVG and HTML are drawn by Graphviz's `dot`; install it (Debian: apt-get install graphviz) or use "
        "--format mermaid or --format dot",
        why);
    return std::nullopt;
  }
  std::optional<run::CommandResult> r = runner.Wait();
  if (!r || !r->success) {
    *err = fmt::format("`{} -Tsvg` failed ({}): {}", program, r ? r->status : "interrupted", ReadAll(dir / "dot.log"));
    return std::nullopt;
  }
  return ReadAll(dir / "graph.svg");
}

int RunGraph(FileSystem& fs, CommonOptions& opts, const GraphOptions& g) {
  const bool units = g.view != "network";
  auto& s = *new Session;  // NOLINT: kept until exit (run/compile.h)
  // The network view needs the model only; the unit view the units synth builds.
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, units ? run::Pass::kSynth : run::Pass::kBuild), s))
    return ExitCodeFor(s.diags);
  PrintDiagnostics(opts, s);  // warnings
  if (!CheckEnv(s.org(), g.env)) return kUsage;

  graph::Graph drawing;
  if (units) drawing = graph::UnitView(s.org(), s.units, g.env);
  if (g.view != "units") graph::Append(drawing, graph::NetworkView(s.org(), g.env));
  std::string text = g.format == "mermaid" ? graph::ToMermaid(drawing) : graph::ToDot(drawing);
  if (g.format == "svg" || g.format == "html") {
    std::string err;
    std::optional<std::string> svg = RenderSvg(g.dot, text, &err);
    if (!svg) {
      fmt::print(stderr, "eurus graph: {}\n", err);
      return kExternal;
    }
    const std::string title = fmt::format("{}: {}{}", s.org().name, g.view == "all" ? "units and network" : g.view,
                                          g.env.empty() ? "" : " of " + g.env);
    text = g.format == "svg" ? *svg : graph::HtmlPage(title, *svg);
  }
  if (g.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kOk;
  }
  std::string err;
  if (!fs.WriteAtomic(g.out, text, &err)) {
    fmt::print(stderr, "eurus graph: cannot write {}: {}\n", g.out, err);
    return kExternal;
  }
  return kOk;
}

}  // namespace eurus::cli
