#include "cli/ci_github.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <vector>

#include "diag/codes.h"
#include "model/naming.h"
#include "run/changes.h"
#include "synth/synth.h"
#include "tf/unit.h"

namespace eurus::cli {

namespace {

/// One step: `uses` or `run`, with optional `with`/`env`/`if`/`id`.
struct Step {
  std::string name{};
  std::string uses{};
  std::string run{};
  std::vector<std::pair<std::string, std::string>> with{};
  std::vector<std::pair<std::string, std::string>> env{};
  std::string if_{};
  std::string id{};
  std::string comment{};  ///< emitted above the step
};

struct Job {
  std::string id{};
  std::string name{};
  std::vector<std::string> needs{};
  std::string if_{};
  std::string environment{};
  std::vector<std::pair<std::string, std::string>> outputs{};
  std::vector<Step> steps{};
};

void EmitPairs(YAML::Emitter& y, const char* key, const std::vector<std::pair<std::string, std::string>>& kv) {
  if (kv.empty()) return;
  y << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : kv) y << YAML::Key << k << YAML::Value << v;
  y << YAML::EndMap;
}

void EmitStep(YAML::Emitter& y, const Step& s) {
  if (!s.comment.empty()) y << YAML::Comment(s.comment);
  y << YAML::BeginMap;
  if (!s.name.empty()) y << YAML::Key << "name" << YAML::Value << s.name;
  if (!s.id.empty()) y << YAML::Key << "id" << YAML::Value << s.id;
  if (!s.if_.empty()) y << YAML::Key << "if" << YAML::Value << s.if_;
  if (!s.uses.empty()) y << YAML::Key << "uses" << YAML::Value << s.uses;
  EmitPairs(y, "with", s.with);
  EmitPairs(y, "env", s.env);
  if (!s.run.empty()) {
    y << YAML::Key << "run" << YAML::Value;
    if (s.run.find('\n') != std::string::npos)
      y << YAML::Literal << s.run;
    else
      y << s.run;
  }
  y << YAML::EndMap;
}

void EmitJob(YAML::Emitter& y, const Job& j) {
  y << YAML::Key << j.id << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << j.name;
  if (!j.needs.empty()) y << YAML::Key << "needs" << YAML::Value << YAML::Flow << j.needs;
  if (!j.if_.empty()) y << YAML::Key << "if" << YAML::Value << j.if_;
  y << YAML::Key << "runs-on" << YAML::Value << "ubuntu-latest";
  if (!j.environment.empty()) y << YAML::Key << "environment" << YAML::Value << j.environment;
  y << YAML::Key << "timeout-minutes" << YAML::Value << 120;
  EmitPairs(y, "outputs", j.outputs);
  y << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : j.steps) EmitStep(y, s);
  y << YAML::EndSeq << YAML::EndMap;
}

/// Header shared by both workflows: name, triggers, permissions, concurrency, defaults.
void EmitHead(YAML::Emitter& y, const std::string& name, const std::function<void()>& on,
              const std::string& group, bool cancel, const std::string& workdir) {
  y << YAML::Key << "name" << YAML::Value << name;
  y << YAML::Key << "on" << YAML::Value;
  on();
  y << YAML::Key << "permissions" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "id-token" << YAML::Value << "write" << YAML::Comment("OIDC: aws-actions/configure-aws-credentials");
  y << YAML::Key << "contents" << YAML::Value << "read" << YAML::EndMap;
  y << YAML::Key << "concurrency" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "group" << YAML::Value << group;
  y << YAML::Key << "cancel-in-progress" << YAML::Value << cancel << YAML::EndMap;
  y << YAML::Key << "defaults" << YAML::Value << YAML::BeginMap << YAML::Key << "run" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "shell" << YAML::Value << "bash";
  y << YAML::Key << "working-directory" << YAML::Value << workdir << YAML::EndMap << YAML::EndMap;
}

std::string Sanitize(const std::string& s) {
  std::string o;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.') o += c;
  return o;
}

/// Letters, digits and `._-` only, for a cache key (GitHub refuses commas; keep it readable).
std::string KeyText(const std::string& s) {
  std::string o;
  for (char c : s) o += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ? c : '-';
  return o;
}

/// The steps that put eurus (bin/eurus, and the schema `eurus validate` finds beside it in
/// share/eurus) on the job's PATH, from `ci.eurus` (docs/Pipelines.md, "Installing eurus"):
///  - a release: the archive `make package` built, downloaded and checked against the SHA-256
///    pinned in eurus.yaml. The pin lives in the reviewed repository, so an archive replaced
///    where it is hosted fails the step; a `.sha256` published beside it would come from the
///    same place and prove nothing more than an intact download.
///  - sources: `source` fetched at `ref` and built by its scripts/package into the same kind
///    of archive, cached per source and ref so that only a workflow's first job builds.
/// Without `ci.eurus` (`eurus ci github` refuses that, E0332; init-style callers may not) the
/// step fails and says what to configure.
std::vector<Step> InstallEurus(const model::EurusInstall& ei) {
  const std::string unpack =
      "mkdir -p \"$RUNNER_TEMP/eurus\"\n"
      "tar -xzf \"$archive\" -C \"$RUNNER_TEMP/eurus\" --strip-components=1\n"
      "echo \"$RUNNER_TEMP/eurus/bin\" >> \"$GITHUB_PATH\"\n"
      "\"$RUNNER_TEMP/eurus/bin/eurus\" --version\n";
  if (!ei.url.empty())
    return {{.name = "Install eurus (the release ci.eurus names, checked against its pinned sha256)",
             .run = "archive=\"$RUNNER_TEMP/eurus.tar.gz\"\n"
                    "curl -fsSL --retry 3 -o \"$archive\" \"$EURUS_URL\"\n"
                    "echo \"$EURUS_SHA256  $archive\" | sha256sum --check --strict\n" + unpack,
             .env = {{"EURUS_URL", ei.url}, {"EURUS_SHA256", ei.sha256}}}};
  if (!ei.source.empty()) {
    Step cache{.name = "Cache the eurus build",
               .uses = "actions/cache@v4",
               .with = {{"path", "${{ runner.temp }}/eurus-dist"},
                        {"key", "eurus-${{ runner.os }}-" + KeyText(ei.source) + "-" + KeyText(ei.ref)}},
               .id = "eurus-build"};
    Step build{.name = "Build eurus from source (ci.eurus: source at ref)",
               .run = "src=\"$RUNNER_TEMP/eurus-src\"\n"
                      "git init -q \"$src\"\n"
                      "git -C \"$src\" fetch -q --depth 1 \"$EURUS_SOURCE\" \"$EURUS_REF\"\n"
                      "git -C \"$src\" checkout -q FETCH_HEAD\n"
                      "\"$src/scripts/package\" --install-deps --out \"$RUNNER_TEMP/eurus-dist\"\n",
               .env = {{"EURUS_SOURCE", ei.source}, {"EURUS_REF", ei.ref}},
               .if_ = "${{ steps.eurus-build.outputs.cache-hit != 'true' }}"};
    Step install{.name = "Install eurus (the archive built from source)",
                 .run = "archive=$(ls \"$RUNNER_TEMP\"/eurus-dist/eurus-*-linux-x86_64.tar.gz)\n" + unpack};
    return {cache, build, install};
  }
  return {{.name = "Install eurus (not configured)",
           .run = "echo '::error::eurus.yaml has no ci.eurus: name a release (url, sha256) or sources (source, "
                  "ref), then run eurus ci github again (docs/Pipelines.md, Installing eurus)'\n"
                  "exit 1\n"}};
}

/// The cache of out/ (docs/Pipelines.md, "Incremental synth in CI"): a synth that finds the
/// tree a previous synth of the same eurus binary wrote builds only what changed, and its
/// stamp makes any other tree harmless (everything is built again). The key names the eurus
/// install (another build: another key) and the configuration; `restore-keys` falls back to
/// the latest tree of the same eurus. Which tree is restored never changes what is written,
/// only how much is built again.
std::pair<std::string, std::string> OutCacheKey(const model::Org& org, const std::string& prefix) {
  const model::EurusInstall& ei = org.eurus_install;
  const std::string eurus = !ei.url.empty()      ? KeyText(ei.sha256.substr(0, 16))
                            : !ei.source.empty() ? KeyText(ei.source) + "-" + KeyText(ei.ref)
                                                 : "unset";
  const std::string restore = "eurus-out-${{ runner.os }}-" + eurus + "-";
  const std::string files = fmt::format("'{0}eurus.yaml', '{0}eurus.lock.json', '{0}environments/**', '{0}tenants/**'", prefix);
  return {restore + "${{ hashFiles(" + files + ") }}", restore};
}

/// The steps every job starts with: checkout, eurus, and tofu unless `tofu` is false.
std::vector<Step> Setup(const model::Org& org, bool tofu = true) {
  std::vector<Step> steps = {{.name = "Checkout (full history: eurus changes reads the base commit)",
                              .uses = "actions/checkout@v4",
                              .with = {{"fetch-depth", "0"}}}};
  for (auto& s : InstallEurus(org.eurus_install)) steps.push_back(std::move(s));
  if (tofu)
    steps.push_back({.name = "Install OpenTofu",
                     .uses = "opentofu/setup-opentofu@v1",
                     .with = {{"tofu_version", Sanitize(tf::kTofuVersion).insert(0, ">=")}, {"tofu_wrapper", "false"}}});
  return steps;
}

/// Credentials: none are configured for the job. Each unit's providers and backend assume
/// their own account's role (`role`: planner or deployer) directly with
/// AssumeRoleWithWebIdentity from the job's GitHub OIDC token, so no session is chained
/// through another account and none is capped at an hour (docs/Security.md, "Deploy
/// identities"). GitHub's tokens are short-lived: a loop in the background keeps the file
/// fresh, and the AWS SDK re-reads it whenever it renews a session.
std::vector<Step> Cloud(const std::string& prefix, const std::string& role) {
  Step token{
      .name = "AWS web identity (GitHub OIDC token for every account's " + role + " role)",
      .run = "token_file=\"$RUNNER_TEMP/aws-web-identity-token\"\n"
             "fetch() {\n"
             "  curl -fsS -H \"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN\" \\\n"
             "    \"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com\" |\n"
             "    jq -jer .value > \"$token_file.new\" && mv \"$token_file.new\" \"$token_file\"\n"
             "}\n"
             "fetch\n"
             "# the token expires within minutes: refresh it for the rest of the job\n"
             "(while sleep 240; do fetch || true; done) > /dev/null 2>&1 &\n"
             "echo \"TF_VAR_eurus_web_identity_token_file=$token_file\" >> \"$GITHUB_ENV\"\n"
             "echo \"EURUS_ROLE=" + role + "\" >> \"$GITHUB_ENV\"\n"};
  Step cache{.name = "Provider plugin cache",
             .uses = "actions/cache@v4",
             .with = {{"path", prefix + ".eurus/plugin-cache"},
                      {"key", fmt::format("eurus-plugins-${{{{ runner.os }}}}-{}-{}-tofu-{}",
                                          Sanitize(tf::kAwsProviderSource), Sanitize(tf::kAwsProviderVersion),
                                          Sanitize(tf::kTofuVersion))}}};
  return {token, cache};
}

std::string Document(const std::function<void(YAML::Emitter&)>& body) {
  YAML::Emitter y;
  y.SetIndent(2);
  y << YAML::Comment("Written by `eurus ci github`. Re-run it after adding an environment or changing\n"
                     "ci.eurus in eurus.yaml. docs/Pipelines.md describes the workflows.");
  y << YAML::BeginMap;
  body(y);
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

std::string PlanWorkflow(const model::Org& org, const std::string& prefix) {
  std::string workdir = prefix.empty() ? "." : prefix.substr(0, prefix.size() - 1);
  Job plan{.id = "plan", .name = "check, synth, validate, plan the changed units"};
  plan.steps = Setup(org);
  plan.steps.push_back({.name = "Check (annotations on the YAML)", .run = "eurus check --frozen --format github"});
  // The tree of this pull request's last run, or of the default branch's last apply: the
  // synth builds again only what changed (the plan role only reads; apply never restores).
  const auto [out_key, out_restore] = OutCacheKey(org, prefix);
  plan.steps.push_back({.name = "Previous synth (out/ of an earlier run: only what changed is built again)",
                        .uses = "actions/cache@v4",
                        .with = {{"path", prefix + "out"}, {"key", out_key}, {"restore-keys", out_restore}}});
  plan.steps.push_back({.name = "Synth", .run = "eurus synth --frozen --quiet --format github"});
  plan.steps.push_back({.name = "Validate against the provider schema", .run = "eurus validate --format github"});
  // The monthly cost difference of the pull request, per unit, in the job summary beside the
  // plan (docs/Cost.md). Offline: no cloud credentials, so it is there even when a plan fails.
  plan.steps.push_back({.name = "Cost of this change",
                        .run = "base=$(git merge-base \"$BASE_SHA\" HEAD)\n"
                               "eurus cost --base \"$base\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n",
                        .env = {{"BASE_SHA", "${{ github.event.pull_request.base.sha }}"}}});
  for (auto& s : Cloud(prefix, "planner")) plan.steps.push_back(std::move(s));
  plan.steps.push_back(
      {.name = "Plan the units that differ from the merge base",
       .run = "set -o pipefail\n"
              "base=$(git merge-base \"$BASE_SHA\" HEAD)\n"
              "eurus plan --role planner --changed --base \"$base\" --format github 2>&1 | tee \"$RUNNER_TEMP/plan.txt\"\n",
       .env = {{"BASE_SHA", "${{ github.event.pull_request.base.sha }}"}},
       .id = "plan"});
  plan.steps.push_back({.name = "Plan summary",
                        .run = "{\n"
                               "  echo '## eurus plan'\n"
                               "  echo '```'\n"
                               "  cat \"$RUNNER_TEMP/plan.txt\"\n"
                               "  echo '```'\n"
                               "} >> \"$GITHUB_STEP_SUMMARY\"\n",
                        .if_ = "${{ always() && steps.plan.outcome != 'skipped' }}"});
  return Document([&](YAML::Emitter& y) {
    EmitHead(
        y, "eurus plan",
        [&] {
          y << YAML::BeginMap << YAML::Key << "pull_request" << YAML::Value << YAML::BeginMap;
          y << YAML::Key << "branches" << YAML::Value << YAML::Flow << std::vector<std::string>{org.default_branch};
          y << YAML::EndMap << YAML::EndMap;
        },
        "eurus-plan-${{ github.event.pull_request.number }}", true, workdir);
    y << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
    EmitJob(y, plan);
    y << YAML::EndMap;
  });
}

std::string ApplyWorkflow(const model::Org& org, const std::string& prefix) {
  std::string workdir = prefix.empty() ? "." : prefix.substr(0, prefix.size() - 1);
  // Account directories in the order they are applied: management, then each realm's
  // common account, then its environments; prod after every nonprod environment.
  struct Acct {
    std::string dir;
    bool prod;
    std::vector<std::string> needs;
  };
  std::vector<Acct> accts;
  accts.push_back({synth::kManagementDir, false, {}});
  std::vector<std::string> nonprod_jobs;
  for (auto realm : {model::RealmKind::kNonprod, model::RealmKind::kProd}) {
    bool prod = realm == model::RealmKind::kProd;
    std::string common = synth::CommonDir(realm);
    accts.push_back({common, prod, {"apply-" + std::string(synth::kManagementDir)}});
    for (const auto& e : org.environments) {
      if (e.realm != realm) continue;
      std::vector<std::string> needs = {"apply-" + common};
      if (prod) needs.insert(needs.end(), nonprod_jobs.begin(), nonprod_jobs.end());
      accts.push_back({e.name, prod, needs});
      if (!prod) nonprod_jobs.push_back("apply-" + e.name);
    }
  }
  Job changes{.id = "changes", .name = "changed units per account"};
  changes.steps = Setup(org, /*tofu=*/false);
  changes.steps.push_back({.name = "Check", .run = "eurus check --frozen --format github"});
  std::string script =
      "base=\"$BEFORE\"\n"
      "if [ -z \"$base\" ] || ! git cat-file -e \"$base^{commit}\" 2>/dev/null; then\n"
      "  # first push or rewritten history: compare with nothing, so every unit is applied\n"
      "  base=$(git hash-object -t tree /dev/null)\n"
      "fi\n"
      "eurus synth --frozen --quiet --format github\n"
      "eurus changes --base \"$base\" --json | tee \"$RUNNER_TEMP/changes.json\"\n"
      "removed=$(jq -r '.removed | join(\" \")' \"$RUNNER_TEMP/changes.json\")\n"
      "if [ -n \"$removed\" ]; then\n"
      "  echo \"::warning::units removed, not destroyed by this workflow: $removed (destroy them with eurus apply --allow-destroy)\"\n"
      "fi\n"
      "# units with local state (management/bootstrap) are applied by a person, not by CI\n"
      "for account in";
  for (const auto& a : accts) script += " " + a.dir;
  script +=
      "; do\n"
      "  units=$(jq -r --arg a \"$account/\" --slurpfile m out/eurus.manifest.json \\\n"
      "    '[.apply[] | select(startswith($a)) | select($m[0].units[.].state != \"local\")] | join(\" \")' \\\n"
      "    \"$RUNNER_TEMP/changes.json\")\n"
      "  echo \"$account=$units\" >> \"$GITHUB_OUTPUT\"\n"
      "done\n";
  changes.steps.push_back({.name = "Units to apply, per account",
                           .run = script,
                           .env = {{"BEFORE", "${{ github.event.before }}"}},
                           .id = "changes"});
  // Saved for the pull requests' synth, never restored here: what is applied is synthesized
  // from the merged configuration alone. An existing key is a warning, not a failure.
  changes.steps.push_back({.name = "Save out/ for the pull requests' synth",
                           .uses = "actions/cache/save@v4",
                           .with = {{"path", prefix + "out"}, {"key", OutCacheKey(org, prefix).first}}});
  std::vector<Job> jobs = {changes};
  for (const auto& a : accts) {
    changes.outputs.push_back({a.dir, "${{ steps.changes.outputs." + a.dir + " }}"});
    Job j{.id = "apply-" + a.dir, .name = "apply " + a.dir};
    j.needs = {"changes"};
    j.needs.insert(j.needs.end(), a.needs.begin(), a.needs.end());
    // Skipped upstream jobs (nothing changed there) must not skip this one; failed ones must.
    j.if_ = "${{ !cancelled() && !failure() && needs.changes.outputs." + a.dir + " != '' }}";
    if (a.prod) j.environment = "prod";
    j.steps = Setup(org);
    for (auto& s : Cloud(prefix, "deployer")) j.steps.push_back(std::move(s));
    j.steps.push_back({.name = "Apply the changed units and their dependents",
                       .run = "# word splitting of $UNITS is intended: one argument per unit\n"
                              "eurus apply --yes --format github $UNITS\n",
                       .env = {{"UNITS", "${{ needs.changes.outputs." + a.dir + " }}"}}});
    jobs.push_back(std::move(j));
  }
  jobs[0] = changes;
  return Document([&](YAML::Emitter& y) {
    EmitHead(
        y, "eurus apply",
        [&] {
          y << YAML::BeginMap << YAML::Key << "push" << YAML::Value << YAML::BeginMap;
          y << YAML::Key << "branches" << YAML::Value << YAML::Flow << std::vector<std::string>{org.default_branch};
          y << YAML::EndMap;
          y << YAML::Key << "workflow_dispatch" << YAML::Value << YAML::BeginMap << YAML::EndMap;
          y << YAML::EndMap;
        },
        "eurus-apply", false, workdir);
    y << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
    for (const auto& j : jobs) EmitJob(y, j);
    y << YAML::EndMap;
  });
}

/// Every account directory of `org`: management, each realm's common account, each environment.
std::vector<std::string> AccountDirs(const model::Org& org) {
  std::vector<std::string> dirs = {synth::kManagementDir};
  for (auto realm : {model::RealmKind::kNonprod, model::RealmKind::kProd}) {
    dirs.push_back(synth::CommonDir(realm));
    for (const auto& e : org.environments)
      if (e.realm == realm) dirs.push_back(e.name);
  }
  return dirs;
}

/// The scheduled drift check (docs/Pipelines.md, "Drift"): daily and on demand, one job per
/// account, each a refresh-only plan of the account's units with the read-only planner role
/// (the same OIDC set-up as the plan workflow). A job fails when something changed outside
/// eurus (exit 5) and warns when code is ahead of what was applied (exit 6); the report goes
/// to the job summary either way.
std::string DriftWorkflow(const model::Org& org, const std::string& prefix) {
  std::string workdir = prefix.empty() ? "." : prefix.substr(0, prefix.size() - 1);
  std::vector<Job> jobs;
  for (const auto& dir : AccountDirs(org)) {
    Job j{.id = "drift-" + dir, .name = "drift " + dir};
    j.steps = Setup(org);
    j.steps.push_back({.name = "Synth", .run = "eurus synth --frozen --quiet --format github"});
    for (auto& s : Cloud(prefix, "planner")) j.steps.push_back(std::move(s));
    j.steps.push_back(
        {.name = "Drift of the account's units (refresh-only plans, planner role)",
         .run = "# units with local state (management/bootstrap) have no state in S3: a person checks them\n"
                "units=$(jq -r --arg a \"$ACCOUNT/\" '[.units | to_entries[] | select(.key | startswith($a))\n"
                "  | select(.value.state != \"local\") | .key] | join(\" \")' out/eurus.manifest.json)\n"
                "if [ -z \"$units\" ]; then\n"
                "  echo \"no units in $ACCOUNT\" | tee -a \"$GITHUB_STEP_SUMMARY\"\n"
                "  exit 0\n"
                "fi\n"
                "rc=0\n"
                "# word splitting of $units is intended: one argument per unit\n"
                "eurus drift --frozen --role planner --format github --markdown \"$GITHUB_STEP_SUMMARY\" $units || rc=$?\n"
                "case $rc in\n"
                "  0) ;;\n"
                "  5) echo \"::error::resources in $ACCOUNT changed outside eurus (the job summary lists them)\" ;;\n"
                "  6) echo \"::warning::code for $ACCOUNT is ahead of what was applied (the job summary lists the units)\"\n"
                "     rc=0 ;;\n"
                "  *) echo \"::error::eurus drift could not check every unit of $ACCOUNT (exit $rc)\" ;;\n"
                "esac\n"
                "exit $rc\n",
         .env = {{"ACCOUNT", dir}}});
    jobs.push_back(std::move(j));
  }
  return Document([&](YAML::Emitter& y) {
    EmitHead(
        y, "eurus drift",
        [&] {
          y << YAML::BeginMap << YAML::Key << "schedule" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
          // Daily, off the hour: scheduled runs "can be delayed during periods of high loads",
          // which include the start of every hour (docs.github.com, "Events that trigger
          // workflows", schedule).
          y << YAML::Key << "cron" << YAML::Value << "17 5 * * *" << YAML::EndMap << YAML::EndSeq;
          y << YAML::Key << "workflow_dispatch" << YAML::Value << YAML::BeginMap << YAML::EndMap;
          y << YAML::EndMap;
        },
        "eurus-drift", false, workdir);
    y << YAML::Key << "jobs" << YAML::Value << YAML::BeginMap;
    for (const auto& j : jobs) EmitJob(y, j);
    y << YAML::EndMap;
  });
}

}  // namespace

std::map<std::string, std::string> GithubWorkflows(const model::Org& org, const std::string& prefix) {
  return {{"eurus-plan.yml", PlanWorkflow(org, prefix)},
          {"eurus-apply.yml", ApplyWorkflow(org, prefix)},
          {"eurus-drift.yml", DriftWorkflow(org, prefix)}};
}

int RunCiGithub(FileSystem& fs, CommonOptions& opts, const CiGithubOptions& o) {
  Session s;
  if (!CompileOrPrint(fs, opts, CompileOptionsFor(opts, run::Pass::kBuild), s)) return ExitCodeFor(s.diags);
  std::string gerr;
  auto loc = run::LocateInGit(opts.dir.empty() ? "." : opts.dir, &gerr);
  std::string prefix = loc ? loc->prefix : "";
  std::string out = !o.out_dir.empty() ? o.out_dir
                    : loc              ? JoinPath(loc->toplevel, ".github/workflows")
                                       : JoinPath(opts.dir, ".github/workflows");
  if (s.org().github_repository.empty())
    s.diags.Report(Warning(codes::kWarnNoRepository,
                           "`ci.github_repository` is not set: no role trusts these workflows")
                       .Label(s.project->org.file_span, "no `ci: { github_repository: ... }`")
                       .Help("add `ci: { github_repository: owner/name }` to eurus.yaml, apply "
                             "management/bootstrap, then run `eurus ci github` again"));
  if (!s.org().eurus_install.configured()) {
    // Located at `ci.github_repository` when there is one: `eurus` belongs beside it.
    const auto& doc = s.project->org;
    Span at = doc.github_repository.given ? doc.github_repository.key_span : doc.file_span;
    s.diags.Report(Error(codes::kEurusInstall, "the workflows would have no way to install eurus: `ci.eurus` is not set")
                       .Label(at, doc.github_repository.given ? "`eurus:` belongs beside this, under `ci`"
                                                              : "no `ci: { eurus: ... }`")
                       .Help("add `ci: { eurus: { url: https://.../eurus-<version>-linux-x86_64.tar.gz, sha256: "
                             "<hex> } }` (the archive `make package` builds and the first word of its .sha256 "
                             "file), or `ci: { eurus: { source: <git URL of eurus>, ref: <tag> } }` to build it "
                             "in CI; docs/Pipelines.md, \"Installing eurus\""));
    PrintDiagnostics(opts, s);
    return ExitCodeFor(s.diags);
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);  // WriteAtomic reports a failure
  for (const auto& [name, text] : GithubWorkflows(s.org(), prefix)) {
    std::string path = JoinPath(out, name), err;
    if (!fs.WriteAtomic(path, text, &err)) {
      s.diags.Report(Error(codes::kIo, "cannot write `" + path + "`: " + err));
      PrintDiagnostics(opts, s);
      return kInputError;
    }
    fmt::print("eurus: wrote {}\n", path);
  }
  PrintDiagnostics(opts, s);  // warnings
  return kOk;
}

}  // namespace eurus::cli
