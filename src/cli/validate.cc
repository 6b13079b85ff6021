#include "cli/validate.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "check/codes.h"
#include "check/policy.h"
#include "check/schema.h"
#include "check/validate.h"

namespace eurus::cli {

std::string DefaultSchemaPath() {
  if (const char* env = std::getenv("EURUS_AWS_SCHEMA"); env && *env) return env;
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  std::filesystem::path beside = exe.parent_path() / "aws-schema.json";
  // The release layout (`make package`): bin/eurus and share/eurus/aws-schema.json.
  std::filesystem::path shared = exe.parent_path().parent_path() / "share/eurus/aws-schema.json";
  if (!std::filesystem::exists(beside, ec) && std::filesystem::exists(shared, ec)) return shared.string();
  return beside.string();
}

namespace {

void Print(const CommonOptions& opts, SourceMap& sources, Diagnostics& diags) {
  diags.Sort(sources);
  std::string out = RenderAll(diags, sources, opts.diag_format, opts.color);
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

std::string Plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

int RunValidate(FileSystem& fs, CommonOptions& opts, const ValidateOptions& v) {
  SourceMap sources;
  Diagnostics diags;
  const char* kHowToGet =
      "build it with `make schema` (or `node scripts/extract-aws-schema.mjs "
      "build/aws-schema.json`), then pass "
      "--schema FILE or set EURUS_AWS_SCHEMA";

  std::string schema_path = v.schema_path.empty() ? DefaultSchemaPath() : v.schema_path;
  if (schema_path.empty()) {
    diags.Report(
        Error(codes::kSchemaMissing, "cannot locate the AWS provider schema").Help(kHowToGet));
    Print(opts, sources, diags);
    return kUsage;
  }
  std::string err;
  auto text = fs.Read(schema_path, &err);
  if (!text) {
    diags.Report(
        Error(codes::kSchemaMissing,
              fmt::format("cannot read the AWS provider schema `{}`: {}", schema_path, err))
            .Help(kHowToGet));
    Print(opts, sources, diags);
    return kUsage;
  }
  auto schema = check::Schema::Parse(*text, &err);
  if (!schema) {
    diags.Report(Error(codes::kSchemaInvalid,
                       fmt::format("`{}` is not an AWS provider schema: {}", schema_path, err))
                     .Help(kHowToGet));
    Print(opts, sources, diags);
    return kUsage;
  }

  std::string out_dir =
      v.out_dir.empty() || v.out_dir[0] == '/' ? v.out_dir : JoinPath(opts.dir, v.out_dir);
  if (out_dir.empty()) out_dir = JoinPath(opts.dir, "out");
  check::ValidateStats stats = check::ValidateTree(fs, out_dir, *schema, sources, diags);
  // Then the platform policy over the same files (docs/Security.md); both are reported.
  check::PolicyContext policy;
  policy.schema = &*schema;
  check::CheckTree(fs, out_dir, sources, std::move(policy), diags);
  Print(opts, sources, diags);  // errors, or warnings on success
  if (diags.has_errors()) return kInputError;
  fmt::print("eurus: validated {}, {} ({}), {}, {}: 0 errors\n", Plural(stats.units, "unit"),
             Plural(stats.resources, "resource"), Plural(stats.resource_types.size(), "type"),
             Plural(stats.data_sources, "data source"), Plural(stats.references, "reference"));
  std::fflush(stdout);
  return kOk;
}

}  // namespace eurus::cli
