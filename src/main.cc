// eurus: compiles a platform repository (YAML) into OpenTofu units. main() only wires the
// commands in cli/ to the command line.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
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

  ReleaseOptions rel;
  auto* release = app.add_subcommand("release", "free the subnets still reserved for a tenant removed from an environment");
  AddProjectOptions(*release, opts);
  release->add_option("env", rel.env, "the environment")->required();
  release->add_option("tenant", rel.tenant, "the tenant")->required();

  SchemaOptions schema;
  auto* sch = app.add_subcommand("schema", "print the JSON Schema of eurus.yaml, environment or tenant files");
  sch->add_option("kind", schema.kind, "eurus, environment or tenant")
      ->check(CLI::IsMember({"eurus", "environment", "tenant"}));
  sch->add_option("-o,--out", schema.out_dir, "write all three schemas into this directory");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  if (!ResolveFormat(opts)) return kUsage;
  if (*check) return RunCheck(fs, opts);
  if (*release) return RunRelease(fs, opts, rel);
  if (*sch) return RunSchema(fs, schema);
  return kUsage;
}
