// eurus: compiles a platform repository (YAML) into OpenTofu units. main() only wires the
// commands in cli/ to the command line.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/changes.h"
#include "cli/ci_github.h"
#include "cli/completion.h"
#include "cli/cost.h"
#include "cli/graph.h"
#include "cli/init.h"
#include "cli/tenant_add.h"
#include "cli/drift.h"
#include "cli/explain.h"
#include "cli/plan.h"
#include "cli/validate.h"
#include "version.h"

int main(int argc, char** argv) {
  using namespace eurus::cli;  // NOLINT: main only wires
  eurus::RealFileSystem fs;
  CommonOptions opts;

  CLI::App app{"eurus: a multi-tenant AWS platform, compiled from YAML into OpenTofu", "eurus"};
  app.set_version_flag("--version", std::string("eurus ") + EURUS_VERSION);
  app.add_option("--format", opts.format, "diagnostics: rich, short, json or github (default: rich on a terminal, short otherwise)")
      ->check(CLI::IsMember({"rich", "short", "json", "github"}));
  app.require_subcommand(1);
  app.fallthrough();

  auto* check = app.add_subcommand("check", "load and validate the configuration, allocate subnets into eurus.lock.json");
  AddProjectOptions(*check, opts);

  SynthOptions syn;
  auto* synth = app.add_subcommand("synth", "check, then write one OpenTofu unit per deployment unit into OUT");
  AddProjectOptions(*synth, opts);
  synth->add_option("-o,--out", syn.out_dir, "output directory (default: DIR/out)");
  synth->add_flag("-q,--quiet", syn.quiet, "no per-unit summary");
  synth->add_flag("-v,--verbose", syn.verbose, "list each unit's resources by type (implies --full)");
  synth->add_flag("--full", syn.full,
                  "build every unit and compare every file, instead of reusing the units whose inputs did not change");

  ValidateOptions val;
  auto* validate = app.add_subcommand("validate", "check every generated unit against the AWS provider schema, offline");
  validate->add_option("-C,--dir", opts.dir, "the platform repository (OUT is relative to it)")->capture_default_str();
  validate->add_option("out", val.out_dir, "the generated tree")->capture_default_str();
  validate->add_option("--schema", val.schema_path, "the extracted provider schema (default: $EURUS_AWS_SCHEMA, else aws-schema.json beside eurus)");

  ReleaseOptions rel;
  auto* release = app.add_subcommand("release", "free the subnets still reserved for a tenant removed from an environment");
  AddProjectOptions(*release, opts);
  release->add_option("env", rel.env, "the environment")->required();
  release->add_option("tenant", rel.tenant, "the tenant")->required();

  SchemaOptions schema;
  auto* sch = app.add_subcommand("schema", "print the JSON Schema of eurus.yaml, environment or tenant files");
  sch->add_option("kind", schema.kind, "eurus, environment or tenant")
      ->check(CLI::IsMember({"eurus", "environment", "tenant"}));
  sch->add_option("-o,--out", schema.out_dir, "write the schemas (all three, or KIND's) into this existing directory");

  PlanOptions plan_opts, apply_opts;
  apply_opts.apply = true;
  auto* plan = AddPlanCommand(app, opts, plan_opts);
  auto* apply = AddPlanCommand(app, opts, apply_opts);

  ChangesOptions chg;
  auto* changes = app.add_subcommand("changes", "units added, changed and removed since a git ref (or since the last apply)");
  changes->add_option("-C,--dir", opts.dir, "the platform repository (holds eurus.yaml)")->capture_default_str();
  changes->add_option("--base", chg.base, "a commit, branch or tag: compare with the configuration there");
  changes->add_option("--applied", chg.applied, "compare with what `eurus apply` recorded (.eurus/applied.json)");
  changes->add_flag("--json", chg.json, "print one JSON object");
  changes->add_flag("--full", chg.full,
                    "synthesize and hash every unit on both sides instead of only those whose inputs differ");

  CostOptions cost_opts;
  auto* cost = AddCostCommand(app, opts, cost_opts);

  GraphOptions graph_opts;
  auto* graph = AddGraphCommand(app, opts, graph_opts);
  DriftOptions drift_opts;
  auto* drift = AddDriftCommand(app, opts, drift_opts);
  ExplainOptions exp;
  exp.args.assign(argv + 1, argv + argc);
  auto* explain = AddExplainCommand(app, opts, exp);

  CiGithubOptions cig;
  auto* ci = app.add_subcommand("ci", "write CI workflows");
  ci->require_subcommand(1);
  auto* ci_github = ci->add_subcommand("github", "write GitHub Actions workflows: plan on pull requests, apply on main");
  ci_github->add_option("-C,--dir", opts.dir, "the platform repository (holds eurus.yaml)")->capture_default_str();
  ci_github->add_option("-o,--out", cig.out_dir, "where to write (default: .github/workflows at the top of the git work tree)");

  // Scaffolding: a new repository, a new tenant (cli/init.h, cli/tenant_add.h).
  InitOptions init_opts;
  auto* init = AddInitCommand(app, init_opts);
  TenantAddOptions tenant_opts;
  auto* tenant_add = AddTenantAddCommand(app, opts, tenant_opts);
  // Last, so that its scripts see every command above.
  CompletionOptions completion_opts;
  auto* completion = AddCompletionCommand(app, completion_opts);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return ReportParseError(app, e, std::vector<std::string>(argv + 1, argv + argc));
  }
  if (!ResolveFormat(opts)) return kUsage;
  const char* command = app.get_subcommands().front()->get_name().c_str();
  try {
    if (*check) return RunCheck(fs, opts);
    if (*synth) return RunSynth(fs, opts, syn);
    if (*validate) return RunValidate(fs, opts, val);
    if (*release) return RunRelease(fs, opts, rel);
    if (*sch) return RunSchema(fs, schema);
    if (*changes) return RunChanges(fs, opts, chg);
    if (*ci_github) return RunCiGithub(fs, opts, cig);
    if (*completion) return RunCompletion(app, completion_opts);
    if (*cost) return RunCost(fs, opts, cost_opts);
    if (*graph) return RunGraph(fs, opts, graph_opts);
    if (*init) return RunInit(fs, opts, init_opts);
    if (*tenant_add) return RunTenantAdd(fs, opts, tenant_opts);
    if (*explain) return RunExplain(fs, opts, exp);
    if (*plan) return RunPlan(fs, opts, plan_opts);
    if (*apply) return RunPlan(fs, opts, apply_opts);
    if (*drift) return RunDrift(fs, opts, drift_opts);
  } catch (...) {
    // Whatever escapes a command is a bug in eurus: reported as one, exit 4.
    return ReportEscaped(opts, command);
  }
  return kUsage;
}
