#include "cli/ci_github.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

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
  YAML::Node cache = StepUsing(job, "actions/cache");
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache["with"]["path"].as<std::string>(), "platform/.eurus/plugin-cache");
  EXPECT_NE(cache["with"]["key"].as<std::string>().find("6.25"), std::string::npos);
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
}  // namespace
}  // namespace eurus::cli
