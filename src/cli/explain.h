#pragma once
// `eurus explain`: what a tenant gets (`explain tenant T`), or what a unit or resource is, why
// it exists and the YAML it came from (`explain ADDRESS`). docs/Explain.md.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/common.h"

namespace eurus::cli {

struct ExplainOptions {
  std::vector<std::string> what;  ///< `tenant T`, or one ADDRESS
  std::string env;                ///< --env: only this environment (explain tenant)
  bool json = false;              ///< --json: one JSON object on stdout
  bool no_cost = false;           ///< --no-cost: skip the estimate (no price list needed)
  std::vector<std::string> args;  ///< the command line after `eurus`, for located errors
};

CLI::App* AddExplainCommand(CLI::App& app, CommonOptions& opts, ExplainOptions& e);
int RunExplain(FileSystem& fs, CommonOptions& opts, const ExplainOptions& e);

}  // namespace eurus::cli
