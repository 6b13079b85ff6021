#pragma once
// `eurus graph`: the unit DAG and the network picture of the configuration (graph/views.h)
// as mermaid, DOT, SVG (Graphviz's `dot`) or a self-contained HTML page. docs/Diagrams.md.

#include <CLI/CLI.hpp>
#include <string>

#include "cli/common.h"
#include "graph/graph.h"

namespace eurus::cli {

struct GraphOptions {
  std::string env;                 ///< empty: every environment
  std::string view = "all";        ///< units | network | all
  std::string format = "mermaid";  ///< mermaid | dot | svg | html
  std::string out;                 ///< empty: stdout
  /// The Graphviz program svg and html run (looked up on PATH); tests name a missing one.
  std::string dot = "dot";
};

CLI::App* AddGraphCommand(CLI::App& app, CommonOptions& opts, GraphOptions& g);
int RunGraph(FileSystem& fs, CommonOptions& opts, const GraphOptions& g);

/// `dot_text` drawn by `program -Tsvg` (run through run::PosixCommandRunner, files in a
/// temporary directory). nullopt with `*err` saying what to do when the program is missing or
/// fails.
std::optional<std::string> RenderSvg(const std::string& program, const std::string& dot_text, std::string* err);

}  // namespace eurus::cli
