#include "cli/cost.h"

#include <fmt/format.h>

#include <cstdio>

#include "cost/estimate.h"
#include "cost/report.h"
#include "diag/codes.h"
#include "run/changes.h"

namespace eurus::cli {

namespace {

/// A priced run of the configuration in `dir` of `fs`: units in memory, nothing written.
struct Priced {
  Session* session = nullptr;
  cost::Estimate estimate;
};

/// Reads the usage file (given, or the default one when it exists) into `s.sources` and parses
/// it; false when it has errors (in `s.diags`) or cannot be read (`*err`).
bool LoadUsage(FileSystem& fs, const std::string& dir, const std::string& given, Session& s, cost::Usage& out,
               std::string* err) {
  std::string path = given.empty() ? JoinPath(dir, kUsageFile) : given;
  if (given.empty() && !fs.Exists(path)) return true;
  std::string why;
  auto text = fs.Read(path, &why);
  if (!text) {
    *err = fmt::format("cannot read the usage file {}: {}", path, why);
    return false;
  }
  std::string shown = given.empty() ? kUsageFile : given;
  FileId id = s.sources.Add(shown, std::move(*text));
  out = cost::Usage::Parse(s.sources, id, s.org(), s.diags);
  return !s.diags.has_errors();
}

/// E0901 at eurus.yaml's region when the price file has no prices for it.
bool CheckRegion(Session& s, const cost::PriceList& prices) {
  const std::string& region = s.org().region;
  if (prices.has_region(region)) return true;
  const auto& field = s.project->org.region;
  s.diags.Report(Error(codes::kNoPrices, fmt::format("no prices for region `{}`", region))
                     .Label(field.span, "not in the price file")
                     .Help(fmt::format("the price file has prices for {}; ", fmt::join(prices.regions(), ", ")) +
                           "add the region to data/prices.json (scripts/update-prices --regions " + region +
                           " --keep-unmatched, with internet access; docs/Cost.md, \"Prices\"), or pass a price "
                           "file that has it with --prices FILE"));
  return false;
}

cost::ReportOptions ReportOptionsOf(const CostOptions& c, const std::string& org) {
  cost::ReportOptions o;
  o.org = org;
  o.env = c.env;
  o.tenant = c.tenant;
  o.format = c.format == "json" ? cost::Format::kJson
             : c.format == "csv" ? cost::Format::kCsv
             : c.format == "markdown" ? cost::Format::kMarkdown
                                      : cost::Format::kTable;
  o.by = c.by == "tenant" ? cost::By::kTenant
         : c.by == "environment" ? cost::By::kEnvironment
         : c.by == "service" ? cost::By::kService
                             : cost::By::kUnit;
  return o;
}

/// --env and --tenant must name what exists (a usage error with the closest name).
bool CheckNames(const model::Org& org, const CostOptions& c) {
  auto bad = [](const char* what, const std::string& name, const std::vector<std::string>& names) {
    std::string near = ClosestMatch(name, names);
    fmt::print(stderr, "eurus cost: no {} `{}`{}\n", what, name, near.empty() ? "" : "; did you mean `" + near + "`?");
    return false;
  };
  if (!c.env.empty() && !org.environment(c.env)) {
    std::vector<std::string> names;
    for (const auto& e : org.environments) names.push_back(e.name);
    return bad("environment", c.env, names);
  }
  if (!c.tenant.empty()) {
    std::vector<std::string> names;
    for (const auto& t : org.tenants) names.push_back(t.name);
    if (std::find(names.begin(), names.end(), c.tenant) == names.end()) return bad("tenant", c.tenant, names);
  }
  return true;
}

/// The estimate of the configuration at git ref `ref`, or nullopt (with why) when it
/// cannot be had: no eurus.yaml there, or errors (then everything counts as added).
std::optional<cost::Estimate> EstimateAt(const CommonOptions& opts, const CostOptions& c, const cost::PriceList& prices,
                                         std::string* why) {
  std::string err;
  auto tree = run::ReadTreeAt(opts.dir, c.base, &err);
  if (!tree) {
    *why = err;
    return std::nullopt;
  }
  if (!tree->files.count("eurus.yaml")) {
    *why = fmt::format("there is no eurus.yaml at `{}`: its estimate counts as zero", c.base);
    return std::nullopt;
  }
  MemoryFileSystem mem;
  const std::string dir = c.base + ":";
  for (const auto& [rel, bytes] : tree->files) mem.files[JoinPath(dir, rel)] = bytes;
  auto& s = *new Session;  // NOLINT: kept until exit (run/compile.h)
  run::CompileOptions o;
  o.dir = dir;
  o.until = run::Pass::kSynth;
  o.policy = false;
  if (!run::Compile(mem, o, s) || !prices.has_region(s.org().region)) {
    *why = fmt::format("the configuration at `{}` cannot be estimated ({}): its estimate counts as zero", c.base,
                       s.diags.has_errors() ? fmt::format("{} errors", s.diags.errors()) : "no prices for its region");
    return std::nullopt;
  }
  cost::Usage usage;
  std::string uerr;
  // The base's own usage file, or the one given (the same assumptions on both sides).
  if (!LoadUsage(mem, dir, c.usage.empty() ? "" : c.usage, s, usage, &uerr) && c.usage.empty()) usage = cost::Usage();
  if (!c.usage.empty()) {
    RealFileSystem real;
    Diagnostics ignored;
    usage = cost::Usage();
    auto text = real.Read(c.usage, &uerr);
    if (text) {
      FileId id = s.sources.Add(c.usage, std::move(*text));
      usage = cost::Usage::Parse(s.sources, id, s.org(), ignored);
    }
  }
  return cost::EstimateUnits(s.org(), s.units, prices, usage);
}

}  // namespace

CLI::App* AddCostCommand(CLI::App& app, CommonOptions& opts, CostOptions& c) {
  auto* cmd = app.add_subcommand("cost", "the monthly estimate of every unit, tenant and environment (docs/Cost.md)");
  AddProjectOptions(*cmd, opts);
  cmd->add_option("--env", c.env, "only this environment's lines and tenants");
  cmd->add_option("--tenant", c.tenant, "only this tenant's lines and shares");
  cmd->add_option("--by", c.by, "summarise by unit (every line), tenant, environment or service")
      ->check(CLI::IsMember({"unit", "tenant", "environment", "service"}))
      ->capture_default_str();
  cmd->add_option("--usage", c.usage, "usage assumptions (default: DIR/eurus.usage.yaml when it exists)");
  cmd->add_option("--prices", c.prices, "a price file in data/prices.json's format (default: the bundled one)");
  // The contract names the estimate's format `--format`, which every other command
  // uses for diagnostics: here table|csv|markdown choose the estimate's, rich|short|github
  // the diagnostics' (with a table), and json both (diagnostics go to stderr).
  cmd->add_option("--format", c.format,
                  "the estimate: table, json, csv or markdown; or the diagnostics: rich, short or github")
      ->check(CLI::IsMember({"table", "json", "csv", "markdown", "rich", "short", "github"}))
      ->capture_default_str();
  cmd->add_option("--base", c.base, "a git ref: print the monthly difference per unit against it");
  c.report_cmd = AddCostReportCommand(*cmd, opts, c.report);
  return cmd;
}

bool EstimateProject(FileSystem& fs, CommonOptions& opts, const std::string& prices_file, const std::string& usage_file,
                     Session** session, cost::Estimate* out, int* code) {
  const cost::PriceList* prices = &cost::PriceList::Bundled();
  std::optional<cost::PriceList> custom;
  if (!prices_file.empty()) {
    std::string err;
    auto text = fs.Read(prices_file, &err);
    if (text) custom = cost::PriceList::Parse(*text, &err);
    if (!custom) {
      fmt::print(stderr, "eurus cost: {}: {}\n", prices_file, err);
      *code = kInputError;
      return false;
    }
    prices = &*custom;
  }
  auto& s = *new Session;  // NOLINT: kept until exit (run/compile.h)
  *session = &s;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kSynth), s)) {
    *code = ExitCodeFor(s.diags);
    return false;
  }
  if (!CheckRegion(s, *prices)) {
    PrintDiagnostics(opts, s);
    *code = kInputError;
    return false;
  }
  cost::Usage usage;
  std::string err;
  if (!LoadUsage(fs, opts.dir, usage_file, s, usage, &err)) {
    if (!err.empty()) {
      fmt::print(stderr, "eurus cost: {}\n", err);
      *code = kInputError;
      return false;
    }
    PrintDiagnostics(opts, s);
    *code = ExitCodeFor(s.diags);
    return false;
  }
  PrintDiagnostics(opts, s);  // warnings
  *out = cost::EstimateUnits(s.org(), s.units, *prices, usage);
  return true;
}

int RunCost(FileSystem& fs, CommonOptions& opts, const CostOptions& given) {
  if (given.report_cmd && *given.report_cmd) return RunCostReport(fs, opts, given.report);
  CostOptions c = given;
  if (c.format == "rich" || c.format == "short" || c.format == "github" || c.format == "json") {
    opts.format = c.format;
    if (c.format != "json") c.format = "table";
    if (!ResolveFormat(opts)) return kUsage;
  }
  const cost::PriceList* prices = &cost::PriceList::Bundled();
  std::optional<cost::PriceList> custom;
  if (!c.prices.empty()) {  // parsed again for --base (EstimateProject reports its errors)
    std::string err;
    auto text = fs.Read(c.prices, &err);
    if (text) custom = cost::PriceList::Parse(*text, &err);
    if (custom) prices = &*custom;
  }
  Session* sp = nullptr;
  cost::Estimate head;
  int code = kOk;
  if (!EstimateProject(fs, opts, c.prices, c.usage, &sp, &head, &code)) return code;
  Session& s = *sp;
  if (!CheckNames(s.org(), c)) return kUsage;
  cost::ReportOptions ro = ReportOptionsOf(c, s.org().name);
  if (!c.base.empty()) {
    std::string why;
    auto base = EstimateAt(opts, c, *prices, &why);
    if (!base) {
      if (why.find("counts as zero") == std::string::npos) {
        fmt::print(stderr, "eurus cost: {}\n", why);
        return kExternal;
      }
      fmt::print(stderr, "eurus: {}\n", why);
      base = cost::Estimate{};
    }
    fmt::print("{}", cost::RenderDiff(cost::Filter(*base, ro), cost::Filter(head, ro), c.base, ro));
    std::fflush(stdout);
    return kOk;
  }
  fmt::print("{}", cost::Render(cost::Filter(head, ro), ro));
  std::fflush(stdout);
  return kOk;
}

}  // namespace eurus::cli
