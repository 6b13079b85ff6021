#include "cli/completion.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "cli/common.h"

namespace eurus::cli {

namespace {

/// The values an IsMember check accepts: its description is "{a,b,c}" (CLI11's
/// generate_set); any other validator says nothing about choices.
std::vector<std::string> Choices(CLI::Option& opt) {
  for (int i = 0;; ++i) {
    CLI::Validator* v = nullptr;
    try {
      v = opt.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return {};
    }
    std::string d = v->get_description();
    if (d.size() < 2 || d.front() != '{' || d.back() != '}') continue;
    std::vector<std::string> out;
    size_t start = 1;
    while (start < d.size()) {
      size_t comma = d.find(',', start);
      if (comma == std::string::npos) comma = d.size() - 1;
      out.push_back(d.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }
}

CompletionOption Describe(CLI::Option& opt) {
  CompletionOption o;
  for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
  o.description = opt.get_description();
  if (opt.get_items_expected_max() == 0) return o;
  o.choices = Choices(opt);
  const auto& l = opt.get_lnames();
  auto named = [&](const char* n) { return std::find(l.begin(), l.end(), n) != l.end(); };
  o.value = !o.choices.empty()             ? ValueKind::kChoice
            : named("dir") || named("out") ? ValueKind::kDirectory
            : named("schema") || named("usage") || named("prices") ? ValueKind::kFile
                                                                   : ValueKind::kText;
  return o;
}

void Walk(CLI::App& app, const std::string& path, std::vector<CompletionOption> inherited,
          std::vector<CompletionCommand>& out) {
  CompletionCommand c{.path = path, .description = app.get_description()};
  std::set<std::string> seen;
  for (CLI::Option* opt : app.get_options()) {
    if (!opt->nonpositional()) {
      if (!c.positionals) c.positional_choices = Choices(*opt);
      c.positionals = true;
      continue;
    }
    c.options.push_back(Describe(*opt));
    for (const auto& n : c.options.back().names) seen.insert(n);
  }
  for (const auto& o : inherited) {
    bool shadowed = false;
    for (const auto& n : o.names) shadowed = shadowed || seen.count(n) > 0;
    if (!shadowed) c.options.push_back(o);
  }
  // A subcommand that falls through accepts its parent's options too (main: --format).
  std::vector<CompletionOption> pass = app.get_fallthrough() ? c.options : std::vector<CompletionOption>{};
  std::erase_if(pass, [](const CompletionOption& o) {
    return std::find(o.names.begin(), o.names.end(), "--help") != o.names.end() ||
           std::find(o.names.begin(), o.names.end(), "--version") != o.names.end();
  });
  std::vector<CLI::App*> subs = app.get_subcommands([](CLI::App*) { return true; });
  for (CLI::App* s : subs) c.subcommands.push_back(s->get_name());
  out.push_back(std::move(c));
  for (CLI::App* s : subs) Walk(*s, path.empty() ? s->get_name() : path + " " + s->get_name(), pass, out);
}

/// `s` inside single quotes for bash and zsh.
std::string Quote(const std::string& s) {
  std::string o = "'";
  for (char ch : s) o += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return o + "'";
}

std::string Join(const std::vector<std::string>& v, const char* sep = " ") {
  std::string o;
  for (const auto& s : v) o += (o.empty() ? "" : sep) + s;
  return o;
}

std::string Names(const CompletionCommand& c, bool with_value) {
  std::vector<std::string> n;
  for (const auto& o : c.options)
    if ((o.value != ValueKind::kNone) == with_value) n.insert(n.end(), o.names.begin(), o.names.end());
  return Join(n);
}

/// zsh's _arguments and _describe read `[`, `]` and `:` in descriptions as syntax.
std::string ZshText(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '[' || ch == ']' || ch == ':' || ch == '\\') o += '\\';
    o += ch;
  }
  return o;
}

std::string FunctionName(const std::string& prog, const std::string& path) {
  std::string f = "_" + prog + (path.empty() ? "" : "_");
  for (char ch : path) f += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return f;
}

}  // namespace

std::vector<CompletionCommand> CompletionTree(CLI::App& app) {
  std::vector<CompletionCommand> out;
  Walk(app, "", {}, out);
  return out;
}

// bash: one function walks the words before the cursor to find the command path (skipping
// option values), then offers that command's subcommands, options or an option's values.
std::string BashCompletion(const std::vector<CompletionCommand>& tree, const std::string& prog) {
  std::string values, lists;
  for (const auto& c : tree) {
    std::string with_value = Names(c, true);
    if (!with_value.empty()) {
      std::string pats;
      for (const auto& o : c.options)
        if (o.value != ValueKind::kNone)
          for (const auto& n : o.names) pats += (pats.empty() ? "" : "|") + Quote(c.path + "|" + n);
      values += fmt::format("    {}) i=$((i + 1)); continue ;;\n", pats);
    }
    for (const auto& o : c.options) {
      if (o.value == ValueKind::kNone) continue;
      std::string pats;
      for (const auto& n : o.names) pats += (pats.empty() ? "" : "|") + Quote(c.path + "|" + n);
      std::string reply = o.value == ValueKind::kChoice      ? "compgen -W " + Quote(Join(o.choices)) + " -- \"$cur\""
                          : o.value == ValueKind::kDirectory ? "compgen -d -- \"$cur\""
                          : o.value == ValueKind::kFile      ? "compgen -f -- \"$cur\""
                                                             : "";
      lists += fmt::format("    {}) COMPREPLY=({}); return ;;\n", pats, reply.empty() ? "" : "$(" + reply + ")");
    }
  }
  std::string per_command;
  for (const auto& c : tree)
    per_command += fmt::format("    {}) subs={}; opts={}; files={} ;;\n", Quote(c.path),
                               Quote(Join(c.subcommands.empty() ? c.positional_choices : c.subcommands)),
                               Quote(Names(c, false) + (Names(c, true).empty() ? "" : " " + Names(c, true))),
                               c.positionals ? 1 : 0);
  // One case arm per (command, subcommand) pair: the word moves the path one level down.
  std::string transitions;
  for (const auto& c : tree)
    for (const auto& s : c.subcommands)
      transitions += fmt::format("      {}) path=${{path:+$path }}{} ;;\n", Quote(c.path + "|" + s), s);
  std::string fn = FunctionName(prog, "");
  return fmt::format(
      "# bash completion for {prog}, written by `{prog} completion bash` from its command tree.\n"
      "# Install: {prog} completion bash > ~/.local/share/bash-completion/completions/{prog}\n"
      "{fn}() {{\n"
      "  local cur=\"${{COMP_WORDS[COMP_CWORD]}}\" prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\"\n"
      "  local path=\"\" i w subs opts files\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${{COMP_WORDS[i]}}\"\n"
      "    case \"$path|$w\" in\n"
      "{values}"
      "    esac\n"
      "    case \"$path|$w\" in\n"
      "{transitions}"
      "    esac\n"
      "  done\n"
      "  if ((COMP_CWORD > 1)); then\n"
      "    case \"$path|$prev\" in\n"
      "{lists}"
      "    esac\n"
      "  fi\n"
      "  case \"$path\" in\n"
      "{per_command}"
      "  esac\n"
      "  if [[ \"$cur\" == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  elif [[ -n \"$subs\" ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
      "  elif ((files)); then\n"
      "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
      "  else\n"
      "    COMPREPLY=()\n"
      "  fi\n"
      "}}\n"
      "complete -o filenames -F {fn} {prog}\n",
      fmt::arg("prog", prog), fmt::arg("fn", fn), fmt::arg("values", values), fmt::arg("transitions", transitions),
      fmt::arg("lists", lists), fmt::arg("per_command", per_command));
}

// zsh: one function per command; a command with subcommands dispatches on the first word
// after its options (_arguments -C with states), a leaf lists its options and paths.
std::string ZshCompletion(const std::vector<CompletionCommand>& tree, const std::string& prog) {
  std::string out = fmt::format(
      "#compdef {prog}\n"
      "# zsh completion for {prog}, written by `{prog} completion zsh` from its command tree.\n"
      "# Install: {prog} completion zsh > \"${{fpath[1]}}/_{prog}\" (any directory on $fpath)\n\n",
      fmt::arg("prog", prog));
  for (auto it = tree.rbegin(); it != tree.rend(); ++it) {
    const CompletionCommand& c = *it;
    std::vector<std::string> specs;
    for (const auto& o : c.options) {
      std::string action = o.value == ValueKind::kChoice      ? "(" + Join(o.choices) + ")"
                           : o.value == ValueKind::kDirectory ? "_files -/"
                           : o.value == ValueKind::kFile      ? "_files"
                                                              : " ";
      std::string value = o.value == ValueKind::kNone ? "" : ":" + ZshText(o.names.back().substr(2)) + ":" + action;
      std::string excl = o.names.size() > 1 ? "(" + Join(o.names) + ")" : "";
      std::string help = "[" + ZshText(o.description) + "]";
      if (o.names.size() > 1)
        specs.push_back(Quote(excl) + "{" + Join(o.names, ",") + "}" + Quote(help + value));
      else
        specs.push_back(Quote(o.names[0] + help + value));
    }
    std::string fn = FunctionName(prog, c.path);
    out += fn + "() {\n";
    if (c.subcommands.empty()) {
      if (!c.positional_choices.empty())
        specs.push_back(Quote("1:" + c.path.substr(c.path.rfind(' ') + 1) + ":(" + Join(c.positional_choices) + ")"));
      else if (c.positionals)
        specs.push_back(Quote("*:file:_files"));
      out += "  _arguments -s";
      for (const auto& s : specs) out += " \\\n    " + s;
      out += "\n}\n\n";
      continue;
    }
    out += "  local curcontext=\"$curcontext\" state line\n  _arguments -C";
    for (const auto& s : specs) out += " \\\n    " + s;
    out += " \\\n    '1:command:->command' \\\n    '*::argument:->argument'\n";
    out += "  case $state in\n    command)\n      local -a commands\n      commands=(";
    for (const auto& sub : tree) {
      if (sub.path.empty()) continue;
      size_t sp = sub.path.rfind(' ');
      std::string parent = sp == std::string::npos ? "" : sub.path.substr(0, sp);
      std::string name = sp == std::string::npos ? sub.path : sub.path.substr(sp + 1);
      if (parent == c.path) out += "\n        " + Quote(name + ":" + ZshText(sub.description));
    }
    out += "\n      )\n      _describe command commands ;;\n    argument)\n      case $line[1] in\n";
    for (const auto& s : c.subcommands)
      out += fmt::format("        {}) {} ;;\n", s, FunctionName(prog, c.path.empty() ? s : c.path + " " + s));
    out += "      esac ;;\n  esac\n}\n\n";
  }
  out += FunctionName(prog, "") + " \"$@\"\n";
  return out;
}

CLI::App* AddCompletionCommand(CLI::App& app, CompletionOptions& o) {
  auto* cmd = app.add_subcommand("completion", "print a bash or zsh completion script (docs/Install.md)");
  cmd->add_option("shell", o.shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  return cmd;
}

int RunCompletion(CLI::App& app, const CompletionOptions& o) {
  auto tree = CompletionTree(app);
  std::string script = o.shell == "zsh" ? ZshCompletion(tree, app.get_name()) : BashCompletion(tree, app.get_name());
  std::fwrite(script.data(), 1, script.size(), stdout);
  return kOk;
}

}  // namespace eurus::cli
