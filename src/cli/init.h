#pragma once
// `eurus init`: a new platform repository that passes `eurus check` — eurus.yaml, a nonprod
// (dev) and a prod environment, an example tenant, .gitignore and the CI workflows — every
// setting commented. The arguments are checked by compiling the files in memory with the
// real loader and model (nothing is written unless they pass, and nothing is overwritten).

#include <map>
#include <string>
#include <vector>

#include "cli/common.h"

namespace eurus::cli {

struct InitOptions {
  std::string dir = ".";             ///< where to write (created when missing)
  std::string org;                   ///< required
  std::string region;                ///< required
  std::string domain;                ///< empty: no public zones, no edge (CloudFront, API)
  std::string management_account;    ///< empty: a placeholder
  /// "NAME=ID" for NAME among management, common-nonprod, common-prod, dev, prod (the
  /// unit directories of `out/`); what is missing becomes a placeholder.
  std::vector<std::string> accounts;
  std::string github_repository;     ///< ci.github_repository (owner/name)
  /// ci.eurus: how the workflows install eurus, a release archive (`url` + `sha256`) or
  /// sources (`source` + `ref`). Without either, init writes no workflows (they could not
  /// run, E0332) and says how to add them.
  std::string eurus_url, eurus_sha256, eurus_source, eurus_ref;
  std::vector<std::string> administrators;  ///< IAM role ARNs; empty: a placeholder
  std::vector<std::string> emails;   ///< alerts.emails
  /// The zone letters to use, in order: dev takes the first two, prod the first three. AWS
  /// maps zone names to zones independently per account, so the letters an account has can
  /// differ from another's (AWS: "we independently map Availability Zones to names for each
  /// account", docs.aws.amazon.com/workspaces/latest/adminguide/azs-workspaces.html).
  std::string zones = "abc";
};

/// The account names `--account NAME=ID` takes, in the order they are listed.
const std::vector<std::string>& InitAccountNames();

/// What init writes: path relative to the repository → text. Does not check anything
/// beyond the `--account` names; `placeholders` (optional) receives one line per value
/// that stands in for one the user must supply ("the dev account id (`dev.yaml`)").
/// The CI workflows are not included (they need the compiled organisation).
struct InitPlan {
  std::map<std::string, std::string> files;
  std::vector<std::string> placeholders;
  std::vector<std::string> errors;  ///< bad `--account` arguments, one line each
};
InitPlan PlanInit(const InitOptions& o);

/// `eurus init [DIR] --org NAME --region R ...`: exit 0 with the files written and the
/// next steps printed; 1 when the arguments do not make a valid repository (every problem
/// reported, nothing written) or a file exists already (all named, nothing written).
int RunInit(FileSystem& fs, CommonOptions& opts, const InitOptions& o);

/// Adds the `init` subcommand to `app` (main.cc).
CLI::App* AddInitCommand(CLI::App& app, InitOptions& o);

}  // namespace eurus::cli
