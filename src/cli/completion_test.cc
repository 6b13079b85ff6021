#include "cli/completion.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unistd.h>

namespace eurus::cli {
namespace {

/// stdout of `cmd` run by /bin/sh.
std::string Output(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
  std::string out;
  if (!p) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p.get())) > 0) out.append(buf.data(), n);
  return out;
}

/// A small tree shaped like main's: a global choice option that falls through, a command
/// with a directory option and positionals, and a nested command.
struct Tree {
  CLI::App app{"test", "tool"};
  std::string format, dir, out, shell;
  std::vector<std::string> units;
  bool quiet = false;
  Tree() {
    app.add_option("--format", format, "diagnostics: rich [default] or short")
        ->check(CLI::IsMember({"rich", "short"}));
    app.fallthrough();
    auto* synth = app.add_subcommand("synth", "write units: one per deployment unit");
    synth->add_option("-C,--dir", dir, "the repository");
    synth->add_flag("-q,--quiet", quiet, "no summary");
    synth->add_option("units", units, "unit ids");
    auto* ci = app.add_subcommand("ci", "write CI workflows");
    auto* gh = ci->add_subcommand("github", "GitHub Actions's workflows");
    gh->add_option("-o,--out", out, "where");
  }
};

// Given a command tree, every command should appear with its own and inherited options.
TEST(CompletionTest, TreeHasEveryCommandAndInheritedOptions) {
  Tree t;
  auto tree = CompletionTree(t.app);
  ASSERT_EQ(tree.size(), 4u);
  EXPECT_EQ(tree[0].path, "");
  EXPECT_EQ(tree[0].subcommands, (std::vector<std::string>{"synth", "ci"}));
  EXPECT_EQ(tree[1].path, "synth");
  EXPECT_TRUE(tree[1].positionals);
  EXPECT_EQ(tree[3].path, "ci github");
  bool format = false;
  for (const auto& o : tree[3].options)
    if (o.names == std::vector<std::string>{"--format"}) {
      format = true;
      EXPECT_EQ(o.value, ValueKind::kChoice);
      EXPECT_EQ(o.choices, (std::vector<std::string>{"rich", "short"}));
    }
  EXPECT_TRUE(format) << "--format falls through to `ci github`";
  for (const auto& o : tree[1].options) {
    if (o.names == std::vector<std::string>{"-C", "--dir"}) {
      EXPECT_EQ(o.value, ValueKind::kDirectory);
    }
  }
}

/// The words bash would offer for the command line `line` (the cursor at its end).
std::string BashComplete(const std::string& script, const std::string& line) {
  auto dir = std::filesystem::temp_directory_path() / ("eurus-completion-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tool.bash") << script;
  std::ofstream(dir / "driver.sh") << ". ./tool.bash\n"
                                   << "line='" << line << "'\n"
                                   << "COMP_WORDS=($line); [[ $line == *' ' ]] && COMP_WORDS+=('')\n"
                                   << "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                                   << "_tool\n"
                                   << "echo \"${COMPREPLY[*]}\"\n";
  std::string out = Output("cd " + dir.string() + " && bash driver.sh 2>&1");
  std::filesystem::remove_all(dir);
  return out.substr(0, out.find_last_not_of('\n') + 1);
}

// Given the bash script, completing should follow the command path and skip option values.
TEST(CompletionTest, BashCompletesCommandsOptionsAndChoices) {
  if (std::system("bash --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no bash";
  Tree t;
  std::string script = BashCompletion(CompletionTree(t.app), "tool");
  EXPECT_EQ(BashComplete(script, "tool "), "synth ci");
  EXPECT_EQ(BashComplete(script, "tool c"), "ci");
  EXPECT_EQ(BashComplete(script, "tool ci "), "github");
  EXPECT_EQ(BashComplete(script, "tool --format "), "rich short");
  EXPECT_EQ(BashComplete(script, "tool --format short ci github --format r"), "rich");
  EXPECT_EQ(BashComplete(script, "tool ci github -"), "-h --help -o --out --format");
  // `-C synth` is a directory named synth, not the command.
  EXPECT_EQ(BashComplete(script, "tool synth -C synth --q"), "--quiet");
}

// Given the zsh script, it should define one function per command and dispatch to them.
TEST(CompletionTest, ZshScriptShape) {
  Tree t;
  std::string z = ZshCompletion(CompletionTree(t.app), "tool");
  EXPECT_EQ(z.rfind("#compdef tool\n", 0), 0u);
  EXPECT_NE(z.find("_tool_ci_github() {"), std::string::npos) << z;
  EXPECT_NE(z.find("github) _tool_ci_github ;;"), std::string::npos) << z;
  EXPECT_NE(z.find("'--format[diagnostics\\: rich \\[default\\] or short]:format:(rich short)'"), std::string::npos)
      << z;
  EXPECT_NE(z.find("'(-C --dir)'{-C,--dir}'[the repository]:dir:_files -/'"), std::string::npos) << z;
  EXPECT_NE(z.find("'github:GitHub Actions'\\''s workflows'"), std::string::npos) << z;
  if (std::system("zsh --version >/dev/null 2>&1") == 0) {
    auto f = std::filesystem::temp_directory_path() / ("eurus-zsh-" + std::to_string(::getpid()));
    std::ofstream(f) << z;
    EXPECT_EQ(std::system(("zsh -n " + f.string()).c_str()), 0) << z;
    std::filesystem::remove(f);
  }
}

/// The subcommands `eurus [PATH] --help` lists (CLI11's "Subcommands:" block).
std::vector<std::string> HelpSubcommands(const std::string& path) {
  std::istringstream in(Output(std::string(EURUS_BINARY) + " " + path + " --help"));
  std::vector<std::string> out;
  bool in_block = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_block = true;
    } else if (in_block && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      out.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_block && !line.empty() && line[0] != ' ') {
      in_block = false;
    }
  }
  return out;
}

// Given the real eurus, its scripts should name every subcommand its --help lists, at every
// level, so they cannot fall behind the command line.
TEST(CompletionTest, ScriptsOfTheRealBinaryNameEveryCommand) {
  std::string bash = Output(std::string(EURUS_BINARY) + " completion bash");
  std::string zsh = Output(std::string(EURUS_BINARY) + " completion zsh");
  ASSERT_NE(bash.find("complete -o filenames -F _eurus eurus"), std::string::npos) << bash;
  std::vector<std::string> todo = {""};
  size_t seen = 0;
  while (!todo.empty()) {
    std::string path = todo.back();
    todo.pop_back();
    for (const auto& sub : HelpSubcommands(path)) {
      std::string full = path.empty() ? sub : path + " " + sub;
      ++seen;
      EXPECT_NE(bash.find("'" + path + "|" + sub + "')"), std::string::npos) << full;
      std::string fn = "_eurus_";
      for (char c : full) fn += c == ' ' || c == '-' ? '_' : c;
      EXPECT_NE(zsh.find(fn + "() {"), std::string::npos) << full;
      todo.push_back(full);
    }
  }
  EXPECT_GE(seen, 12u) << "eurus --help lists fewer commands than expected";
  EXPECT_NE(bash.find("'rich short json github'"), std::string::npos) << "--format's values";
  EXPECT_NE(bash.find("'completion') subs='bash zsh'"), std::string::npos) << "completion's SHELL";
}

}  // namespace
}  // namespace eurus::cli
