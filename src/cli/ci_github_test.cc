#include "cli/ci_github.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "config/load.h"
#include "model/build.h"

namespace eurus::cli {
namespace {

/// examples/acme (two realms, three environments), built in memory.
const model::Org& Acme() {
  static model::Org* org = [] {
    RealFileSystem fs;
    Session s;
    CommonOptions o;
    o.dir = std::string(EURUS_SOURCE_DIR) + "/examples/acme";
    run::Compile(fs, CompileOptionsFor(o, run::Pass::kBuild), s);
    EXPECT_FALSE(s.diags.has_errors());
    return new model::Org(*s.build.org);
  }();
  return *org;
}

std::vector<std::string> Seq(const YAML::Node& n) {
  std::vector<std::string> v;
  for (const auto& x : n) v.push_back(x.as<std::string>());
  return v;
}

/// The step of `job` that uses `action` (prefix match), or an undefined node.
YAML::Node StepUsing(const YAML::Node& job, const std::string& action) {
  for (const auto& s : job["steps"])
    if (s["uses"] && s["uses"].as<std::string>().rfind(action, 0) == 0) return s;
  return {};
}
YAML::Node StepRunning(const YAML::Node& job, const std::string& text) {
  for (const auto& s : job["steps"])
    if (s["run"] && s["run"].as<std::string>().find(text) != std::string::npos) return s;
  return {};
}

// Given acme, the plan workflow should run on pull requests with OIDC, check, plan and a summary.
TEST(CiGithubTest, PlanWorkflowStructure) {
  auto files = GithubWorkflows(Acme(), "platform/");
  YAML::Node w = YAML::Load(files.at("eurus-plan.yml"));
  ASSERT_TRUE(w["on"]["pull_request"]) << files.at("eurus-plan.yml");
  EXPECT_FALSE(w["on"]["push"]);
  EXPECT_EQ(w["permissions"]["id-token"].as<std::string>(), "write");
  EXPECT_EQ(w["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_EQ(w["defaults"]["run"]["working-directory"].as<std::string>(), "platform");
  YAML::Node job = w["jobs"]["plan"];
  ASSERT_TRUE(job.IsMap());
  EXPECT_EQ(job["runs-on"].as<std::string>(), "ubuntu-latest");
  EXPECT_EQ(job["steps"][0]["uses"].as<std::string>(), "actions/checkout@v4");
  EXPECT_EQ(job["steps"][0]["with"]["fetch-depth"].as<int>(), 0);
  EXPECT_TRUE(StepRunning(job, "eurus check --frozen --format github"));
  EXPECT_TRUE(StepRunning(job, "eurus synth"));
  EXPECT_TRUE(StepRunning(job, "eurus validate"));
  YAML::Node plan = StepRunning(job, "eurus plan --role planner --changed --base");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan["env"]["BASE_SHA"].as<std::string>(), "${{ github.event.pull_request.base.sha }}");
  EXPECT_TRUE(StepRunning(job, "$GITHUB_STEP_SUMMARY"));
  EXPECT_TRUE(StepRunning(job, "eurus cost --base \"$base\" --format markdown >> \"$GITHUB_STEP_SUMMARY\""));
  // No credentials for the job: each unit assumes its own account's planner directly from
  // the OIDC token file (no chained session; docs/Security.md).
  EXPECT_TRUE(StepUsing(job, "aws-actions/configure-aws-credentials").IsNull());
  YAML::Node token = StepRunning(job, "TF_VAR_eurus_web_identity_token_file=");
  ASSERT_TRUE(token);
  EXPECT_NE(token["run"].as<std::string>().find("EURUS_ROLE=planner"), std::string::npos);
  EXPECT_NE(token["run"].as<std::string>().find("audience=sts.amazonaws.com"), std::string::npos);
  std::map<std::string, YAML::Node> caches;  // by path
  for (const auto& st : job["steps"])
    if (st["uses"] && st["uses"].as<std::string>() == "actions/cache@v4") caches.emplace(st["with"]["path"].as<std::string>(), static_cast<const YAML::Node&>(st));
  ASSERT_TRUE(caches.count("platform/.eurus/plugin-cache"));
  EXPECT_NE(caches["platform/.eurus/plugin-cache"]["with"]["key"].as<std::string>().find("6.25"), std::string::npos);
  // out/ of an earlier run, restored before the synth (incremental synth in CI).
  ASSERT_TRUE(caches.count("platform/out"));
  YAML::Node out = caches["platform/out"];
  const std::string key = out["with"]["key"].as<std::string>(), restore = out["with"]["restore-keys"].as<std::string>();
  EXPECT_EQ(key.rfind(restore, 0), 0u) << key << " does not start with " << restore;
  EXPECT_NE(key.find("hashFiles('platform/eurus.yaml', 'platform/eurus.lock.json'"), std::string::npos) << key;
  size_t restored_at = 0, synth_at = 0;
  for (size_t i = 0; i < job["steps"].size(); ++i) {
    if (job["steps"][i]["with"] && job["steps"][i]["with"]["path"] &&
        job["steps"][i]["with"]["path"].as<std::string>() == "platform/out")
      restored_at = i;
    if (job["steps"][i]["run"] && job["steps"][i]["run"].as<std::string>().rfind("eurus synth", 0) == 0) synth_at = i;
  }
  EXPECT_LT(restored_at, synth_at);
}

// Given acme, the apply workflow should save out/ for the pull requests after its synth,
// and never restore one: what is applied is synthesized from the merged configuration alone.
TEST(CiGithubTest, ApplySavesButNeverRestoresOut) {
  auto files = GithubWorkflows(Acme(), "");
  YAML::Node w = YAML::Load(files.at("eurus-apply.yml"));
  YAML::Node save;
  for (const auto& entry : w["jobs"]) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node steps = entry.second["steps"];
    for (size_t i = 0; i < steps.size(); ++i) {
      const YAML::Node st = steps[i];
      if (!st["uses"]) continue;
      const auto uses = st["uses"].as<std::string>();
      if (uses == "actions/cache/save@v4") save = st;
      if (uses == "actions/cache@v4" || uses == "actions/cache/restore@v4") {
        EXPECT_NE(st["with"]["path"].as<std::string>(), "out") << name << " restores out/";
      }
    }
  }
  ASSERT_TRUE(save);
  EXPECT_EQ(save["with"]["path"].as<std::string>(), "out");
  // The key a pull request's plan looks for.
  YAML::Node plan = YAML::Load(GithubWorkflows(Acme(), "").at("eurus-plan.yml"));
  bool same = false;
  for (const auto& st : plan["jobs"]["plan"]["steps"]) {
    if (st["with"] && st["with"]["path"] && st["with"]["path"].as<std::string>() == "out")
      same = st["with"]["key"].as<std::string>() == save["with"]["key"].as<std::string>();
  }
  EXPECT_TRUE(same);
}

// Given acme, the apply workflow should run on main, never overlap, and protect prod accounts.
TEST(CiGithubTest, ApplyWorkflowStructure) {
  auto files = GithubWorkflows(Acme(), "");
  YAML::Node w = YAML::Load(files.at("eurus-apply.yml"));
  EXPECT_EQ(Seq(w["on"]["push"]["branches"]), std::vector<std::string>{"main"});
  EXPECT_FALSE(w["on"]["pull_request"]);
  EXPECT_EQ(w["concurrency"]["group"].as<std::string>(), "eurus-apply");
  EXPECT_FALSE(w["concurrency"]["cancel-in-progress"].as<bool>());
  EXPECT_EQ(w["defaults"]["run"]["working-directory"].as<std::string>(), ".");
  YAML::Node jobs = w["jobs"];
  ASSERT_TRUE(jobs["changes"]);
  EXPECT_TRUE(StepRunning(jobs["changes"], "eurus changes --base"));
  for (const auto& e : Acme().environments) {
    YAML::Node j = jobs["apply-" + e.name];
    ASSERT_TRUE(j.IsMap()) << e.name;
    bool prod = e.realm == model::RealmKind::kProd;
    EXPECT_EQ(j["environment"] ? j["environment"].as<std::string>() : "", prod ? "prod" : "") << e.name;
    auto needs = Seq(j["needs"]);
    EXPECT_EQ(needs[0], "changes");
    EXPECT_EQ(needs[1], prod ? "apply-common-prod" : "apply-common-nonprod");
    EXPECT_EQ(jobs["changes"]["outputs"][e.name].as<std::string>(), "${{ steps.changes.outputs." + e.name + " }}");
    EXPECT_TRUE(StepUsing(j, "aws-actions/configure-aws-credentials").IsNull());
    EXPECT_TRUE(StepRunning(j, "EURUS_ROLE=deployer"));
    EXPECT_TRUE(StepRunning(j, "eurus apply --yes"));
    EXPECT_NE(j["if"].as<std::string>().find("needs.changes.outputs." + e.name + " != ''"), std::string::npos);
  }
  EXPECT_EQ(jobs["apply-common-prod"]["environment"].as<std::string>(), "prod");
  EXPECT_FALSE(jobs["apply-management"]["environment"]);
  EXPECT_EQ(Seq(jobs["apply-common-nonprod"]["needs"]), (std::vector<std::string>{"changes", "apply-management"}));
}


// Given acme, the drift workflow should run daily and on demand, one job per account, each
// with the planner role from the OIDC token, running `eurus drift` on the account's units into
// the job summary, failing on drift (exit 5) and only warning on code ahead (exit 6).
TEST(CiGithubTest, DriftWorkflowStructure) {
  auto files = GithubWorkflows(Acme(), "platform/");
  ASSERT_TRUE(files.count("eurus-drift.yml"));
  YAML::Node w = YAML::Load(files.at("eurus-drift.yml"));
  ASSERT_TRUE(w["on"]["schedule"].IsSequence()) << files.at("eurus-drift.yml");
  EXPECT_EQ(w["on"]["schedule"][0]["cron"].as<std::string>(), "17 5 * * *");
  EXPECT_TRUE(w["on"]["workflow_dispatch"]);
  EXPECT_FALSE(w["on"]["push"]);
  EXPECT_EQ(w["permissions"]["id-token"].as<std::string>(), "write");
  EXPECT_EQ(w["permissions"]["contents"].as<std::string>(), "read");
  EXPECT_EQ(w["defaults"]["run"]["working-directory"].as<std::string>(), "platform");
  EXPECT_EQ(w["concurrency"]["group"].as<std::string>(), "eurus-drift");
  std::vector<std::string> accounts = {"management", "common-nonprod", "common-prod"};
  for (const auto& e : Acme().environments) accounts.push_back(e.name);
  EXPECT_EQ(w["jobs"].size(), accounts.size());
  for (const auto& a : accounts) {
    YAML::Node j = w["jobs"]["drift-" + a];
    ASSERT_TRUE(j.IsMap()) << a;
    EXPECT_FALSE(j["environment"]) << a;  // read-only: no reviewers gate
    EXPECT_TRUE(StepUsing(j, "aws-actions/configure-aws-credentials").IsNull());
    YAML::Node token = StepRunning(j, "TF_VAR_eurus_web_identity_token_file=");
    ASSERT_TRUE(token) << a;
    EXPECT_NE(token["run"].as<std::string>().find("EURUS_ROLE=planner"), std::string::npos);
    EXPECT_TRUE(StepUsing(j, "actions/cache"));
    YAML::Node drift = StepRunning(j, "eurus drift --frozen --role planner");
    ASSERT_TRUE(drift) << a;
    EXPECT_EQ(drift["env"]["ACCOUNT"].as<std::string>(), a);
    std::string run = drift["run"].as<std::string>();
    EXPECT_NE(run.find("--markdown \"$GITHUB_STEP_SUMMARY\" $units"), std::string::npos) << run;
    EXPECT_NE(run.find("select(.value.state != \"local\")"), std::string::npos) << run;
    EXPECT_NE(run.find("5) echo \"::error::"), std::string::npos) << run;
    EXPECT_NE(run.find("6) echo \"::warning::"), std::string::npos) << run;
    EXPECT_NE(run.find("exit $rc"), std::string::npos) << run;
  }
}
/// acme, installing eurus from a release (`url`, `sha256`) or from sources (`source`, `ref`).
model::Org AcmeWith(const std::string& url, const std::string& sha256, const std::string& source = "",
                    const std::string& ref = "") {
  model::Org org = Acme();
  org.eurus_install.url = url;
  org.eurus_install.sha256 = sha256;
  org.eurus_install.source = source;
  org.eurus_install.ref = ref;
  return org;
}

const std::string kSha(64, 'a');

/// Every job of both workflows, as (file/job id, job).
std::vector<std::pair<std::string, YAML::Node>> AllJobs(const std::map<std::string, std::string>& files) {
  std::vector<std::pair<std::string, YAML::Node>> out;
  for (const auto& [name, text] : files) {
    YAML::Node w = YAML::Load(text);
    for (const auto& j : w["jobs"]) out.emplace_back(name + "/" + j.first.as<std::string>(), j.second);
  }
  return out;
}

// Given a release in ci.eurus, every job should download it, check the pinned SHA-256 before
// unpacking, and put the archive's bin/ on the PATH; no repository variable is needed.
TEST(CiGithubTest, InstallsTheConfiguredRelease) {
  const std::string url = "https://dl.example.com/eurus-0.1.0-linux-x86_64.tar.gz";
  auto files = GithubWorkflows(AcmeWith(url, kSha), "");
  for (const auto& [name, text] : files) EXPECT_EQ(text.find("vars."), std::string::npos) << name;
  for (const auto& [id, job] : AllJobs(files)) {
    YAML::Node step = StepRunning(job, "sha256sum --check --strict");
    ASSERT_TRUE(step.IsMap()) << id;
    EXPECT_EQ(step["env"]["EURUS_URL"].as<std::string>(), url) << id;
    EXPECT_EQ(step["env"]["EURUS_SHA256"].as<std::string>(), kSha) << id;
    std::string run = step["run"].as<std::string>();
    EXPECT_LT(run.find("curl -fsSL"), run.find("sha256sum")) << run;
    EXPECT_LT(run.find("sha256sum"), run.find("tar -xzf")) << run;
    EXPECT_NE(run.find("echo \"$RUNNER_TEMP/eurus/bin\" >> \"$GITHUB_PATH\""), std::string::npos) << run;
    EXPECT_EQ(job["steps"][1]["run"].as<std::string>(), run) << id << ": eurus comes right after the checkout";
  }
  YAML::Node apply = YAML::Load(files.at("eurus-apply.yml"));
  EXPECT_TRUE(StepUsing(apply["jobs"]["changes"], "opentofu/setup-opentofu").IsNull()) << "changes needs no tofu";
  EXPECT_TRUE(StepUsing(apply["jobs"]["apply-dev"], "opentofu/setup-opentofu").IsMap());
}

// Given sources in ci.eurus, every job should restore a build cached per source and ref, build
// only on a miss, and install the archive scripts/package made.
TEST(CiGithubTest, BuildsTheConfiguredSourcesOnce) {
  auto files = GithubWorkflows(AcmeWith("", "", "https://github.com/acme/eurus.git", "v0.1.0"), "");
  for (const auto& [id, job] : AllJobs(files)) {
    YAML::Node cache = StepUsing(job, "actions/cache");
    ASSERT_TRUE(cache.IsMap()) << id;
    EXPECT_EQ(cache["id"].as<std::string>(), "eurus-build");
    EXPECT_EQ(cache["with"]["key"].as<std::string>(), "eurus-${{ runner.os }}-https---github.com-acme-eurus.git-v0.1.0");
    YAML::Node build = StepRunning(job, "scripts/package\" --install-deps");
    ASSERT_TRUE(build.IsMap()) << id;
    EXPECT_EQ(build["if"].as<std::string>(), "${{ steps.eurus-build.outputs.cache-hit != 'true' }}");
    EXPECT_EQ(build["env"]["EURUS_REF"].as<std::string>(), "v0.1.0");
    EXPECT_NE(build["run"].as<std::string>().find("fetch -q --depth 1 \"$EURUS_SOURCE\" \"$EURUS_REF\""),
              std::string::npos);
    EXPECT_TRUE(StepRunning(job, "eurus-dist/eurus-*-linux-x86_64.tar.gz").IsMap()) << id;
  }
}

// Given no ci.eurus, the pure writer should fail the job early and say what to configure.
TEST(CiGithubTest, UnconfiguredInstallFailsWithHelp) {
  auto files = GithubWorkflows(AcmeWith("", ""), "");
  for (const auto& [id, job] : AllJobs(files)) {
    YAML::Node step = StepRunning(job, "::error::eurus.yaml has no ci.eurus");
    ASSERT_TRUE(step.IsMap()) << id;
    EXPECT_NE(step["run"].as<std::string>().find("exit 1"), std::string::npos);
  }
}

/// A copy of examples/minimal in a fresh directory, with `extra` appended to eurus.yaml.
std::filesystem::path MinimalWith(const std::string& name, const std::string& extra) {
  auto dir = std::filesystem::temp_directory_path() / ("eurus-ci-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::copy(std::string(EURUS_SOURCE_DIR) + "/examples/minimal", dir,
                        std::filesystem::copy_options::recursive);
  std::ofstream(dir / "eurus.yaml", std::ios::app) << extra;
  return dir;
}

// Given no ci.eurus, `eurus ci github` should refuse (exit 1) and write nothing; with one, it
// should write both workflows.
TEST(CiGithubTest, RunRequiresAnInstallSource) {
  RealFileSystem fs;
  auto dir = MinimalWith("none", "");
  CommonOptions opts;
  opts.dir = dir.string();
  ::testing::internal::CaptureStderr();
  CiGithubOptions cig;
  cig.out_dir = (dir / "wf").string();
  int rc = RunCiGithub(fs, opts, cig);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kInputError);
  EXPECT_NE(err.find("E0332"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(dir / "wf"));
  std::filesystem::remove_all(dir);

  dir = MinimalWith("url", "ci:\n  eurus:\n    url: https://dl.example.com/e.tar.gz\n    sha256: " + kSha + "\n");
  CommonOptions opts2;
  opts2.dir = dir.string();
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  cig.out_dir = (dir / "wf").string();
  rc = RunCiGithub(fs, opts2, cig);
  ::testing::internal::GetCapturedStdout();
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, kOk) << err;
  EXPECT_TRUE(std::filesystem::exists(dir / "wf/eurus-plan.yml"));
  EXPECT_TRUE(std::filesystem::exists(dir / "wf/eurus-apply.yml"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace eurus::cli
