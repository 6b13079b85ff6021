#pragma once
// `eurus ci github`: the GitHub Actions workflows of a platform repository — a pull
// request plans the changed units; a push to main applies them, account by account.

#include <map>
#include <string>

#include "cli/common.h"
#include "model/model.h"

namespace eurus::cli {

struct CiGithubOptions {
  std::string out_dir;  ///< empty: <git top>/.github/workflows (DIR/.github/workflows outside git)
};

/// The workflow files ("eurus-plan.yml", "eurus-apply.yml" → YAML) for `org`, whose
/// repository sits at `prefix` ("" or "platform/") inside the git work tree.
std::map<std::string, std::string> GithubWorkflows(const model::Org& org, const std::string& prefix);

/// `eurus ci github [-C DIR] [-o DIR]`: loads the configuration and writes the workflows.
int RunCiGithub(FileSystem& fs, CommonOptions& opts, const CiGithubOptions& o);

}  // namespace eurus::cli
