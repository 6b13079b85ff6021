#pragma once
// `eurus completion bash|zsh`: shell completion scripts generated from the CLI11 command
// tree main() builds, so they name exactly the commands and options that exist.

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace eurus::cli {

/// What a word after an option (or a positional argument) completes to.
enum class ValueKind {
  kNone,       ///< a flag: nothing follows
  kText,       ///< free text (a ref, a name, a number)
  kFile,       ///< a path
  kDirectory,  ///< a directory (`-C/--dir`, `-o/--out`)
  kChoice,     ///< one of `choices` (an IsMember check)
};

struct CompletionOption {
  std::vector<std::string> names{};  ///< "-C", "--dir": short names first
  std::string description{};
  ValueKind value = ValueKind::kNone;
  std::vector<std::string> choices{};  ///< for kChoice, in the order the check lists them
};

/// One command of the tree: the root ("") or a subcommand path such as "ci github".
struct CompletionCommand {
  std::string path{};  ///< words after `eurus`, joined by one space; "" for the root
  std::string description{};
  std::vector<std::string> subcommands{};  ///< the names of the direct subcommands
  /// Its own options, then (when it falls through) those of its ancestors, each name once.
  std::vector<CompletionOption> options{};
  bool positionals = false;  ///< takes positional arguments (completed as paths)
  /// The values of its first positional argument when a check lists them (`completion SHELL`).
  std::vector<std::string> positional_choices{};
};

/// Every command reachable from `app`, parents before children, in definition order.
std::vector<CompletionCommand> CompletionTree(CLI::App& app);

/// The completion script for `shell` ("bash" or "zsh") of the program `prog`.
std::string BashCompletion(const std::vector<CompletionCommand>& tree, const std::string& prog);
std::string ZshCompletion(const std::vector<CompletionCommand>& tree, const std::string& prog);

struct CompletionOptions {
  std::string shell;  ///< bash or zsh
};

/// Adds `completion SHELL` to `app`.
CLI::App* AddCompletionCommand(CLI::App& app, CompletionOptions& o);

/// Prints the script for `o.shell` generated from `app` to stdout; exit 0.
int RunCompletion(CLI::App& app, const CompletionOptions& o);

}  // namespace eurus::cli
