#include "run/pipeline.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "run/state.h"

namespace eurus::run {
namespace {

namespace fs = std::filesystem;

struct Call {
  std::string event;
  int pid;
  double time;
  std::string unit;
  std::string cwd;
  std::string args;  ///< start: argv; end: "<cmd> <exit>"
  std::string tf_data_dir;
  std::string role;  ///< TF_VAR_eurus_role
};

/// A temporary repository with a hand-written manifest, run through the real runner and
/// tests/fake-tofu.
class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/eurus-run-XXXXXX";
    repo_ = mkdtemp(tmpl);
    setenv("FAKE_TOFU_LOG", (repo_ + "/tofu.log").c_str(), 1);
    for (const char* v : {"FAKE_TOFU_SLEEP", "FAKE_TOFU_FAIL", "FAKE_TOFU_FAIL_CMD", "FAKE_TOFU_FAIL_BEFORE_APPLY"})
      unsetenv(v);
  }
  void TearDown() override {
    for (const auto& v : env_) unsetenv(v.c_str());
    unsetenv("FAKE_TOFU_LOG");
    fs::remove_all(repo_);
  }
  void Env(const std::string& k, const std::string& v) {
    setenv(k.c_str(), v.c_str(), 1);
    env_.push_back(k);
  }
  /// Writes out/<id>/{main,providers}.tf.json and the manifest: id → dependencies.
  void Units(const std::map<std::string, std::vector<std::string>>& units) {
    nlohmann::json us = nlohmann::json::object();
    for (const auto& [id, deps] : units) {
      WriteFileAtomic(repo_ + "/out/" + id + "/main.tf.json", "{\"resource\":{}}\n");
      WriteFileAtomic(repo_ + "/out/" + id + "/providers.tf.json", providers_);
      us[id] = {{"dir", id}, {"dependencies", deps}, {"hash", "sha256:" + id}, {"account", "1"}};
      if (auto st = state_.find(id); st != state_.end()) us[id]["state"] = st->second;
    }
    fs::remove_all(repo_ + "/out.keep");
    WriteFileAtomic(repo_ + "/out/eurus.manifest.json", nlohmann::json{{"version", 1}, {"units", us}}.dump());
  }
  RunReport Run(RunOptions o = {}) {
    o.repo_dir = repo_;
    o.tofu = std::string(EURUS_SOURCE_DIR) + "/tests/fake-tofu";
    if (!o.jobs) o.jobs = 4;
    char* buf = nullptr;
    size_t len = 0;
    std::FILE* f = open_memstream(&buf, &len);
    o.out = f;
    PosixCommandRunner runner(std::chrono::milliseconds(2000));
    RunReport r = RunUnits(runner, *ReadManifestUnits(repo_ + "/out", nullptr), o);
    std::fclose(f);
    output_ = std::string(buf, len);
    free(buf);
    return r;
  }
  std::vector<Call> Calls() {
    std::vector<Call> calls;
    std::istringstream in(ReadFileOr(repo_ + "/tofu.log"));
    for (std::string line; std::getline(in, line);) {
      std::vector<std::string> f;
      std::istringstream ls(line);
      for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
      f.resize(9);
      calls.push_back({f[0], std::stoi(f[1]), std::stod(f[2]), f[3], f[4], f[5], f[6], f[8]});
    }
    return calls;
  }
  /// The most tofu processes running at once (of subcommand `sub`; "" for all).
  int MostAtOnce(const std::string& sub) {
    std::vector<std::pair<double, int>> edges;
    std::map<int, bool> counted;  ///< pid → whether its command is `sub`
    for (const auto& c : Calls()) {
      if (c.event == "start") counted[c.pid] = sub.empty() || c.args.rfind(sub + " ", 0) == 0;
      if (counted[c.pid]) edges.push_back({c.time, c.event == "start" ? 1 : -1});
    }
    std::sort(edges.begin(), edges.end());  // an end before a start at the same instant
    int now = 0, most = 0;
    for (const auto& [t, d] : edges) most = std::max(most, now += d);
    return most;
  }
  std::vector<std::string> Commands(const std::string& sub) {
    std::vector<std::string> units;
    for (const auto& c : Calls())
      if (c.event == "start" && c.args.rfind(sub + " ", 0) == 0) units.push_back(c.unit);
    return units;
  }
  static const UnitReport& Unit(const RunReport& r, const std::string& id) {
    for (const auto& u : r.units)
      if (u.id == id) return u;
    static UnitReport none;
    ADD_FAILURE() << "no unit " << id;
    return none;
  }

  std::string repo_, output_;
  std::string providers_ = "{\"terraform\":{}}\n";
  std::map<std::string, std::string> state_;  ///< unit id → the manifest's "state"
  std::vector<std::string> env_;
};

// Given a network and two tenants reading from it, we should plan the tenants only after
// the network is done, with init, plan and show in the unit's directory.
TEST_F(PipelineTest, OrderRespectsDependencies) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}, {"dev/tenant-b", {"dev/network"}}});
  RunReport r = Run();
  EXPECT_EQ(r.exit_code, 0) << output_;
  double network_end = 0;
  for (const auto& c : Calls())
    if (c.unit == "dev/network" && c.event == "end") network_end = std::max(network_end, c.time);
  for (const auto& c : Calls()) {
    if (c.unit != "dev/network") {
      EXPECT_GT(c.time, network_end) << c.unit << " " << c.args;
    }
    EXPECT_EQ(c.cwd, repo_ + "/out/" + c.unit);
    EXPECT_EQ(c.tf_data_dir, repo_ + "/.eurus/tfdata/" + c.unit);
  }
  EXPECT_EQ(Commands("init").size(), 3u);
  EXPECT_EQ(Commands("show").size(), 3u);
  ASSERT_EQ(Unit(r, "dev/tenant-a").plan.has_value(), true);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->adds, 1);
  EXPECT_TRUE(fs::exists(repo_ + "/.eurus/plans/dev/tenant-a.tfplan"));
  EXPECT_NE(ReadFileOr(repo_ + "/.eurus/logs/dev/tenant-a.log").find("$ "), std::string::npos);
}

// Given six independent slow units and -j 2, we should never run more than two plans at
// once, and should run two at once (a pool, not one at a time).
TEST_F(PipelineTest, ParallelismBoundHolds) {
  Units({{"a/u1", {}}, {"a/u2", {}}, {"a/u3", {}}, {"a/u4", {}}, {"a/u5", {}}, {"a/u6", {}}});
  Env("FAKE_TOFU_SLEEP", "0.2");
  RunOptions o;
  o.jobs = 2;
  EXPECT_EQ(Run(o).exit_code, 0) << output_;
  EXPECT_EQ(MostAtOnce(""), 2);
}

// Given six independent slow units and -j 3, we should never run two inits at once (they share
// the plugin cache, which OpenTofu does not lock), still run plans beside an init, and keep the
// bound of three processes.
TEST_F(PipelineTest, InitsRunOneAtATime) {
  Units({{"a/u1", {}}, {"a/u2", {}}, {"a/u3", {}}, {"a/u4", {}}, {"a/u5", {}}, {"a/u6", {}}});
  Env("FAKE_TOFU_SLEEP", "0.15");
  RunOptions o;
  o.jobs = 3;
  EXPECT_EQ(Run(o).exit_code, 0) << output_;
  EXPECT_EQ(Commands("init").size(), 6u);
  EXPECT_EQ(MostAtOnce("init"), 1);
  EXPECT_EQ(MostAtOnce(""), 3);
  EXPECT_GE(MostAtOnce("plan"), 2);
}

// Given a unit with a dependency lock file, two without one and the same required_providers,
// and one requiring other providers, we should give the two that lock file before their init
// (so that their init reads the plugin cache instead of installing into it) and leave the
// others' files alone.
TEST_F(PipelineTest, InitGetsTheLockFileOfAUnitWithTheSameProviders) {
  providers_ = R"({"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"= 6.25.0"}}}})";
  Units({{"a/locked", {}}, {"a/one", {}}, {"a/two", {}}, {"b/other", {}}});
  WriteFileAtomic(repo_ + "/out/b/other/providers.tf.json",
                  R"({"terraform":{"required_providers":{"aws":{"source":"hashicorp/aws","version":"= 6.0.0"}}}})");
  const std::string lock = "provider \"registry.opentofu.org/hashicorp/aws\" {\n  version = \"6.25.0\"\n}\n";
  WriteFileAtomic(repo_ + "/out/a/locked/.terraform.lock.hcl", lock);
  EXPECT_EQ(Run().exit_code, 0) << output_;
  EXPECT_EQ(ReadFileOr(repo_ + "/out/a/one/.terraform.lock.hcl"), lock);
  EXPECT_EQ(ReadFileOr(repo_ + "/out/a/two/.terraform.lock.hcl"), lock);
  EXPECT_FALSE(fs::exists(repo_ + "/out/b/other/.terraform.lock.hcl"));
  EXPECT_NE(ReadFileOr(repo_ + "/.eurus/logs/a/one.log").find(".terraform.lock.hcl copied from"), std::string::npos);
  EXPECT_EQ(Commands("init").size(), 4u);
}

// Given a failing network in dev, we should skip dev's tenant, still plan prod, exit 3 and
// print the failed unit's log.
TEST_F(PipelineTest, FailureSkipsDependentsAndLetsOthersFinish) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}, {"prod/network", {}}, {"prod/tenant-a", {"prod/network"}}});
  Env("FAKE_TOFU_FAIL", "dev/net*");
  RunReport r = Run();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/network").status, UnitStatus::kFailed);
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kSkipped);
  EXPECT_EQ(Unit(r, "dev/tenant-a").detail, "dependency dev/network failed");
  EXPECT_EQ(Unit(r, "prod/tenant-a").status, UnitStatus::kOk);
  for (const auto& c : Calls()) EXPECT_NE(c.unit, "dev/tenant-a");
  EXPECT_NE(output_.find("FAILED: "), std::string::npos);
  EXPECT_NE(output_.find("Error: fake failure in dev/network (plan)"), std::string::npos) << output_;
  EXPECT_NE(output_.find("its log: " + repo_ + "/.eurus/logs/dev/network.log"), std::string::npos) << output_;
  EXPECT_EQ(Unit(r, "dev/network").log, repo_ + "/.eurus/logs/dev/network.log");
}

// Given a selection of one unit, we should run only it (its dependencies are not added).
TEST_F(PipelineTest, RunsOnlySelectedUnits) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  RunOptions o;
  o.selected = {"dev/tenant-a"};
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(Commands("plan"), std::vector<std::string>{"dev/tenant-a"});
  o.selected = {"dev/nope"};
  EXPECT_EQ(Run(o).exit_code, 2);
}

const char* kRdsDelete =
    R"([{"address":"aws_rds_cluster.db","type":"aws_rds_cluster","change":{"actions":["delete","create"]}},)"
    R"({"address":"aws_security_group.db","type":"aws_security_group","change":{"actions":["update"]}}])";

// Given a plan that replaces an Aurora cluster, apply should refuse before applying
// anything, and apply it when --allow-destroy names the unit.
TEST_F(PipelineTest, DestroyGuardBlocksDataStoreDeletes) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  Env("FAKE_TOFU_PLAN_dev_tenant_a", kRdsDelete);
  RunOptions o;
  o.mode = Mode::kApply;
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kRefused);
  EXPECT_TRUE(Commands("apply").empty());  // not even the network
  EXPECT_NE(output_.find("refusing to apply dev/tenant-a: its plan deletes or replaces aws_rds_cluster.db, and the "
                         "data they hold would be lost; run `eurus apply --allow-destroy dev/tenant-a` if that is "
                         "intended."),
            std::string::npos)
      << output_;
  ASSERT_TRUE(Unit(r, "dev/tenant-a").plan);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->adds, 1);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->changes, 1);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->destroys, 1);

  o.allow_destroy = {"dev/tenant-a"};
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(Commands("apply"), (std::vector<std::string>{"dev/network", "dev/tenant-a"}));
  Applied a = LoadApplied(repo_ + "/.eurus/applied.json");
  EXPECT_EQ(a["dev/tenant-a"].hash, "sha256:dev/tenant-a");
  EXPECT_TRUE(fs::exists(repo_ + "/.eurus/applied/dev/tenant-a/main.tf.json"));
}

// Given a unit applied earlier and since removed from the configuration, we should plan
// its destroy from its last applied files, and apply it only with --allow-destroy.
TEST_F(PipelineTest, RemovedUnitIsPlannedAsDestroyAndGuarded) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  RunOptions o;
  o.mode = Mode::kApply;
  ASSERT_EQ(Run(o).exit_code, 0) << output_;
  Units({{"dev/network", {}}});
  fs::remove_all(repo_ + "/out/dev/tenant-a");
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kRefused);
  EXPECT_TRUE(Unit(r, "dev/tenant-a").removed);
  EXPECT_NE(output_.find("eurus: refusing to apply dev/tenant-a: it is no longer in the configuration, so applying it "
                         "destroys every resource it manages (1 in its plan); run `eurus apply --allow-destroy "
                         "dev/tenant-a` to destroy them, or put the unit back in the configuration to keep them."),
            std::string::npos)
      << output_;
  bool destroy_planned = false;
  for (const auto& c : Calls())
    if (c.unit == "dev/tenant-a" && c.args.find("-destroy") != std::string::npos) {
      destroy_planned = true;
      EXPECT_EQ(c.cwd, repo_ + "/.eurus/applied/dev/tenant-a");
    }
  EXPECT_TRUE(destroy_planned);
  o.allow_destroy = {"dev/tenant-a"};
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->destroys, 1);
  EXPECT_EQ(LoadApplied(repo_ + "/.eurus/applied.json").count("dev/tenant-a"), 0u);
  EXPECT_FALSE(fs::exists(repo_ + "/.eurus/applied/dev/tenant-a"));
}

// Given a second run with unchanged providers, we should skip init; after the providers
// change, we should init again.
TEST_F(PipelineTest, InitSkippedWhenStampIsCurrent) {
  Units({{"dev/network", {}}});
  ASSERT_EQ(Run().exit_code, 0);
  ASSERT_EQ(Commands("init").size(), 1u);
  ASSERT_EQ(Run().exit_code, 0);
  EXPECT_EQ(Commands("init").size(), 1u);
  EXPECT_EQ(Commands("plan").size(), 2u);
  providers_ = "{\"terraform\":{\"required_version\":\"x\"}}\n";
  Units({{"dev/network", {}}});
  ASSERT_EQ(Run().exit_code, 0);
  EXPECT_EQ(Commands("init").size(), 2u);
}

// Given recorded durations and one slot, we should start the longest unit first; a
// corrupt durations file is ignored (ids in order).
TEST_F(PipelineTest, DurationsDriveTheOrder) {
  Units({{"a/u1", {}}, {"a/u2", {}}, {"a/u3", {}}});
  SaveDurations(repo_ + "/.eurus/durations.json", {{"plan", {{"a/u1", 1.0}, {"a/u2", 9.0}, {"a/u3", 5.0}}}});
  RunOptions o;
  o.jobs = 1;
  ASSERT_EQ(Run(o).exit_code, 0);
  EXPECT_EQ(Commands("plan"), (std::vector<std::string>{"a/u2", "a/u3", "a/u1"}));
  fs::remove(repo_ + "/tofu.log");
  WriteFileAtomic(repo_ + "/.eurus/durations.json", "{\"version\":1,\"plan\":");
  ASSERT_EQ(Run(o).exit_code, 0);
  EXPECT_EQ(Commands("plan"), (std::vector<std::string>{"a/u1", "a/u2", "a/u3"}));
  EXPECT_EQ(LoadDurations(repo_ + "/.eurus/durations.json")["plan"].size(), 3u);  // rewritten
}

void ExpectNoOrphans(const std::vector<Call>& calls) {
  ASSERT_FALSE(calls.empty());
  for (const auto& c : calls) {
    errno = 0;
    EXPECT_EQ(kill(c.pid, 0), -1) << "process " << c.pid << " (" << c.unit << ") still exists";
    EXPECT_EQ(errno, ESRCH);
  }
}

// Given slow plans and a SIGINT, we should terminate every child (no orphans), report the
// units left and exit 130, without waiting for the plans.
TEST_F(PipelineTest, InterruptLeavesNoOrphans) {
  Units({{"a/u1", {}}, {"a/u2", {}}, {"a/u3", {}}, {"a/u4", {}}});
  Env("FAKE_TOFU_SLEEP", "30");
  RunOptions o;
  o.jobs = 2;
  auto start = std::chrono::steady_clock::now();
  std::thread ctrl_c([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(getpid(), SIGINT);
  });
  RunReport r = Run(o);
  ctrl_c.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 130);
  int interrupted = 0, not_run = 0;
  for (const auto& u : r.units) {
    interrupted += u.status == UnitStatus::kInterrupted;
    not_run += u.status == UnitStatus::kNotRun;
  }
  EXPECT_EQ(interrupted, 2);
  EXPECT_EQ(not_run, 2);
  EXPECT_NE(output_.find("eurus: interrupted; left: a/u1 a/u2 a/u3 a/u4"), std::string::npos) << output_;
  ExpectNoOrphans(Calls());
}

// Given a runner aborted from another thread, we should stop the same way.
TEST_F(PipelineTest, AbortLeavesNoOrphans) {
  Units({{"a/u1", {}}, {"a/u2", {}}, {"b/u1", {"a/u1"}}});
  Env("FAKE_TOFU_SLEEP", "30");
  RunOptions o;
  o.repo_dir = repo_;
  o.tofu = std::string(EURUS_SOURCE_DIR) + "/tests/fake-tofu";
  o.out = fopen("/dev/null", "w");
  PosixCommandRunner runner(std::chrono::milliseconds(2000));
  std::thread stop([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    runner.Abort();
  });
  RunReport r = RunUnits(runner, *ReadManifestUnits(repo_ + "/out", nullptr), o);
  stop.join();
  std::fclose(o.out);
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_EQ(Unit(r, "b/u1").status, UnitStatus::kNotRun);
  ExpectNoOrphans(Calls());
}

// A confirm seam that answers from a list and records the questions.
struct Answers {
  explicit Answers(std::vector<bool> r) : replies(std::move(r)) {}
  std::vector<bool> replies;
  std::vector<std::string> asked;
  std::function<bool(const std::string&)> Fn() {
    return [this](const std::string& q) {
      asked.push_back(q);
      return asked.size() <= replies.size() && replies[asked.size() - 1];
    };
  }
};

// Given an apply with a question, we should show every changed address and ask once before
// applying anything; a no applies nothing and exits 1, a yes applies every unit.
TEST_F(PipelineTest, ApplyAsksOnceBeforeApplying) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}, {"dev/tenant-b", {"dev/network"}}});
  Env("FAKE_TOFU_PLAN_dev_tenant_b", "[]");
  Env("FAKE_TOFU_PLAN_dev_tenant_a",
      R"([{"address":"aws_iam_role.app","type":"aws_iam_role","change":{"actions":["delete","create"]}},)"
      R"({"address":"aws_sqs_queue.q","type":"aws_sqs_queue","change":{"actions":["update"]}},)"
      R"({"address":"data.aws_caller_identity.me","type":"aws_caller_identity","change":{"actions":["read"]}}])");
  Answers no({false});
  RunOptions o;
  o.mode = Mode::kApply;
  o.confirm = no.Fn();
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(no.asked, std::vector<std::string>{"Apply these changes to 2 units?"});
  EXPECT_TRUE(Commands("apply").empty());
  EXPECT_NE(output_.find("dev/tenant-a: 1 to add, 1 to change, 1 to destroy\n"
                         "  -/+ replace  aws_iam_role.app\n"
                         "    ~ update   aws_sqs_queue.q\n"),
            std::string::npos)
      << output_;
  EXPECT_NE(output_.find("  + create   null_resource.fake"), std::string::npos) << output_;
  EXPECT_NE(output_.find("1 other unit: no changes"), std::string::npos) << output_;
  EXPECT_EQ(output_.find("caller_identity"), std::string::npos) << output_;  // reads are not changes
  EXPECT_NE(output_.find("nothing was applied (not confirmed)"), std::string::npos) << output_;

  Answers yes({true});
  o.confirm = yes.Fn();
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(yes.asked.size(), 1u);
  EXPECT_EQ(Commands("apply"), (std::vector<std::string>{"dev/network", "dev/tenant-a"}));
}

// Given a network whose plan changes nothing and a tenant whose plan does, apply should
// still apply the tenant (the empty plan completes its dependents without running tofu).
TEST_F(PipelineTest, EmptyUpstreamPlanLetsDependentsApply) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  Env("FAKE_TOFU_PLAN_dev_network", "[]");
  RunOptions o;
  o.mode = Mode::kApply;
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(Commands("apply"), std::vector<std::string>{"dev/tenant-a"});
  EXPECT_EQ(LoadApplied(repo_ + "/.eurus/applied.json").size(), 2u);
}

// Given a tenant whose network changes in the same run, apply should plan the tenant again
// after the network is applied, apply that plan, and ask again only because it now
// replaces something the first question did not show.
TEST_F(PipelineTest, ReplanAfterUpstreamAsksAgainOnlyForNewDeletes) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  Env("FAKE_TOFU_REPLAN_dev_tenant_a",
      R"([{"address":"aws_security_group.app","type":"aws_security_group","change":{"actions":["create","delete"]}}])");
  Answers answers({true, false});
  RunOptions o;
  o.mode = Mode::kApply;
  o.confirm = answers.Fn();
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 3) << output_;
  EXPECT_EQ(answers.asked, (std::vector<std::string>{"Apply these changes to 2 units?", "Apply these changes to dev/tenant-a?"}));
  EXPECT_EQ(Commands("plan"), (std::vector<std::string>{"dev/network", "dev/tenant-a", "dev/tenant-a"}));
  EXPECT_EQ(Commands("apply"), std::vector<std::string>{"dev/network"});
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kRefused);
  EXPECT_NE(output_.find("dev/tenant-a was planned again after its upstream units were applied, and now destroys or "
                         "replaces aws_security_group.app:\n  -/+ replace  aws_security_group.app\n"),
            std::string::npos)
      << output_;

  // Only creates and updates in the re-plan: no second question, and it is applied.
  Env("FAKE_TOFU_REPLAN_dev_tenant_a",
      R"([{"address":"aws_sqs_queue.q","type":"aws_sqs_queue","change":{"actions":["create"]}}])");
  fs::remove(repo_ + "/tofu.log");
  fs::remove(repo_ + "/.eurus/applied.json");
  Answers once({true});
  o.confirm = once.Fn();
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(once.asked.size(), 1u);
  EXPECT_EQ(Commands("apply"), (std::vector<std::string>{"dev/network", "dev/tenant-a"}));
  ASSERT_TRUE(Unit(r, "dev/tenant-a").plan);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->resources.at(0).address, "aws_sqs_queue.q");
}

// Given --yes and a re-plan that deletes a data store, the destroy guard still refuses it.
TEST_F(PipelineTest, ReplanStillGuarded) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  Env("FAKE_TOFU_REPLAN_dev_tenant_a", kRdsDelete);
  RunOptions o;
  o.mode = Mode::kApply;
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kRefused);
  EXPECT_EQ(Commands("apply"), std::vector<std::string>{"dev/network"});
}

// Given a fresh environment (the tenant cannot be planned before the network exists),
// apply should not fail the tenant: it waits, is planned after the network is applied, and
// is applied. `eurus plan` still reports the failure.
TEST_F(PipelineTest, PlanThatNeedsUpstreamOutputsWaits) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  Env("FAKE_TOFU_FAIL_BEFORE_APPLY", "dev/tenant-*");
  Answers yes({true});
  RunOptions o;
  o.mode = Mode::kApply;
  o.confirm = yes.Fn();
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(yes.asked.size(), 1u);
  EXPECT_EQ(Commands("apply"), (std::vector<std::string>{"dev/network", "dev/tenant-a"}));
  EXPECT_NE(output_.find("dev/tenant-a: its plan failed before dev/network is applied, so it is planned again after "
                         "that (log: "),
            std::string::npos)
      << output_;
  EXPECT_EQ(output_.find("FAILED"), std::string::npos) << output_;

  fs::remove_all(repo_ + "/.eurus");
  fs::remove(repo_ + "/tofu.log");
  r = Run();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/tenant-a").status, UnitStatus::kFailed);
}

// Given the bootstrap (local state) among the selected units, it should run first and
// alone in both passes; units whose state bucket its plan creates wait for its apply (and
// are not planned at all by `eurus plan`).
TEST_F(PipelineTest, BootstrapRunsFirstAndAlone) {
  state_ = {{"management/bootstrap", "local"},
            {"dev/network", "s3://acme-tfstate-222/dev/network/terraform.tfstate"},
            {"common-nonprod/registry", "s3://acme-tfstate-333/common-nonprod/registry/terraform.tfstate"}};
  Units({{"management/bootstrap", {}}, {"dev/network", {}}, {"common-nonprod/registry", {}}});
  Env("FAKE_TOFU_SLEEP", "0.1");
  Env("FAKE_TOFU_PLAN_management_bootstrap",
      R"([{"address":"aws_s3_bucket.state_env_dev","type":"aws_s3_bucket",)"
      R"("change":{"actions":["create"],"after":{"bucket":"acme-tfstate-222"}}}])");
  RunOptions o;
  o.mode = Mode::kPlan;
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  EXPECT_EQ(Unit(r, "dev/network").status, UnitStatus::kWaiting);
  EXPECT_EQ(Unit(r, "dev/network").detail, "its state bucket acme-tfstate-222 is created by management/bootstrap");
  EXPECT_EQ(Commands("plan"), (std::vector<std::string>{"management/bootstrap", "common-nonprod/registry"}));
  for (const auto& c : Calls()) EXPECT_NE(c.unit, "dev/network");

  fs::remove(repo_ + "/tofu.log");
  o.mode = Mode::kApply;
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  // Every call of the bootstrap's plan and apply ends before any other unit's call starts
  // in the same pass, and the network is planned only after the bootstrap is applied.
  std::map<std::string, double> bootstrap_end;  // subcommand → last end
  for (const auto& c : Calls())
    if (c.unit == "management/bootstrap" && c.event == "end") bootstrap_end[c.args.substr(0, c.args.find(' '))] = c.time;
  for (const auto& c : Calls()) {
    if (c.unit == "management/bootstrap" || c.event != "start") continue;
    EXPECT_GT(c.time, bootstrap_end["show"]) << c.unit << " " << c.args;
    if (c.args.rfind("apply", 0) == 0 || c.unit == "dev/network") {
      EXPECT_GT(c.time, bootstrap_end["apply"]) << c.unit << " " << c.args;
    }
  }
  EXPECT_EQ(Commands("apply"),
            (std::vector<std::string>{"management/bootstrap", "common-nonprod/registry", "dev/network"}));
}

// Given a failing bootstrap plan, apply should run nothing else.
TEST_F(PipelineTest, FailedBootstrapStopsTheApply) {
  state_ = {{"management/bootstrap", "local"}};
  Units({{"management/bootstrap", {}}, {"dev/network", {}}});
  Env("FAKE_TOFU_FAIL", "management/*");
  RunOptions o;
  o.mode = Mode::kApply;
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(Unit(r, "dev/network").status, UnitStatus::kSkipped);
  EXPECT_EQ(Unit(r, "dev/network").detail, "management/bootstrap did not plan, and every other unit runs after it");
  for (const auto& c : Calls()) EXPECT_EQ(c.unit, "management/bootstrap");
}

// Given a role, every tofu process should get it as TF_VAR_eurus_role; a later run with
// another role initializes again with -reconfigure (the backend assumes the role).
TEST_F(PipelineTest, RoleReachesEveryTofuAndReconfiguresInit) {
  Units({{"dev/network", {}}});
  RunOptions o;
  o.mode = Mode::kApply;
  o.role = "deployer";
  ASSERT_EQ(Run(o).exit_code, 0) << output_;
  o.mode = Mode::kPlan;
  o.role = "planner";
  ASSERT_EQ(Run(o).exit_code, 0) << output_;
  ASSERT_EQ(Run(o).exit_code, 0) << output_;  // same role: init is current
  std::vector<std::string> inits, roles;
  for (const auto& c : Calls())
    if (c.event == "start") {
      roles.push_back(c.args.substr(0, c.args.find(' ')) + ":" + c.role);
      if (c.args.rfind("init", 0) == 0) inits.push_back(c.args);
    }
  EXPECT_EQ(inits, (std::vector<std::string>{"init -input=false", "init -input=false -reconfigure"}));
  EXPECT_EQ(roles, (std::vector<std::string>{"init:deployer", "plan:deployer", "show:deployer", "apply:deployer",
                                             "init:planner", "plan:planner", "show:planner", "plan:planner",
                                             "show:planner"}));
}

// Given the bootstrap (local state) and a role change, init runs again without
// -reconfigure: a local backend is never silently reconfigured.
TEST_F(PipelineTest, LocalStateIsNeverReconfigured) {
  state_ = {{"management/bootstrap", "local"}};
  Units({{"management/bootstrap", {}}});
  RunOptions o;
  ASSERT_EQ(Run(o).exit_code, 0);
  o.role = "planner";
  ASSERT_EQ(Run(o).exit_code, 0);
  for (const auto& c : Calls()) EXPECT_EQ(c.args.find("-reconfigure"), std::string::npos);
  EXPECT_EQ(Commands("init").size(), 2u);
}

TEST(UnknownUnitTest, SuggestsTheClosestUnit) {
  std::vector<std::string> known = {"dev/network", "dev/platform", "dev/tenant-shop"};
  EXPECT_EQ(UnknownUnitMessage("dev/netwrk", known), "unknown unit `dev/netwrk`; did you mean `dev/network`?");
  EXPECT_EQ(UnknownUnitMessage("zzz", known),
            "unknown unit `zzz` (units are named like `dev/network`; `eurus synth` lists them)");
}

TEST(PlanSummaryTest, ListsChangesPerAddressAndCreatedBuckets) {
  auto s = SummarizePlan(
      R"({"resource_changes":[{"type":"aws_s3_bucket","address":"aws_s3_bucket.state","change":{"actions":["create"],"after":{"bucket":"acme-tfstate-1"}}},)"
      R"({"type":"aws_iam_role","address":"aws_iam_role.r","change":{"actions":["create","delete"]}},)"
      R"({"type":"aws_kms_key","address":"aws_kms_key.k","change":{"actions":["delete"]}},)"
      R"({"type":"aws_sqs_queue","address":"aws_sqs_queue.q","change":{"actions":["update"]}}]})",
      nullptr);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->created_buckets, std::set<std::string>{"acme-tfstate-1"});
  EXPECT_EQ(s->Deletes(), (std::set<std::string>{"aws_iam_role.r", "aws_kms_key.k"}));
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  PrintResourceChanges(f, *s);
  std::fclose(f);
  EXPECT_EQ(std::string(buf, len),
            "    - destroy  aws_kms_key.k\n"
            "  -/+ replace  aws_iam_role.r\n"
            "    ~ update   aws_sqs_queue.q\n"
            "    + create   aws_s3_bucket.state\n");
  free(buf);
}

TEST(PlanSummaryTest, CountsActionsLikeTofu) {
  auto s = SummarizePlan(
      R"({"resource_changes":[{"type":"aws_s3_bucket","address":"aws_s3_bucket.b","change":{"actions":["delete"]}},)"
      R"({"type":"aws_iam_role","address":"aws_iam_role.r","change":{"actions":["create","delete"]}},)"
      R"({"type":"aws_kms_key","address":"aws_kms_key.k","change":{"actions":["no-op"]}}]})",
      nullptr);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->adds, 1);
  EXPECT_EQ(s->changes, 0);
  EXPECT_EQ(s->destroys, 2);
  EXPECT_EQ(s->guarded_deletes, std::vector<std::string>{"aws_s3_bucket.b"});
  EXPECT_FALSE(SummarizePlan("not json", nullptr));
  EXPECT_TRUE(SummarizePlan("{}", nullptr)->empty());
}


// Given drift mode, a recorded unit no longer in the manifest and one unit whose refresh-only
// plan exits 2 (-detailed-exitcode: something drifted), we should run only refresh-only plans
// (no lock, the role given), saved under .eurus/drift/, accept the exit 2, never plan the
// removed unit, and with ahead_from_state also plan each unit without refresh.
TEST_F(PipelineTest, DriftRunsRefreshOnlyPlans) {
  Units({{"dev/network", {}}, {"dev/tenant-a", {"dev/network"}}});
  SaveApplied(repo_ + "/.eurus/applied.json", {{"dev/network", {"sha256:dev/network", {}}}, {"dev/old", {"sha256:x", {}}}});
  Env("FAKE_TOFU_DRIFT_dev_network",
      R"([{"address":"aws_vpc.main","mode":"managed","change":{"actions":["update"],"before":{"tags":{"Name":"a"}},"after":{"tags":{"Name":"b"}}}}])");
  RunOptions o;
  o.mode = Mode::kDrift;
  o.role = "planner";
  RunReport r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  ASSERT_EQ(r.units.size(), 2u);
  for (const auto& u : r.units) EXPECT_EQ(u.status, UnitStatus::kOk) << u.id << ": " << u.detail;
  EXPECT_NE(output_.find("] drift dev/network"), std::string::npos) << output_;
  for (const auto& c : Calls()) {
    EXPECT_EQ(c.role, "planner") << c.args;
    if (c.event == "start" && c.args.rfind("plan ", 0) == 0) {
      EXPECT_EQ(c.args, "plan -input=false -out=" + repo_ + "/.eurus/drift/" + c.unit +
                            ".tfplan -refresh-only -detailed-exitcode -lock=false");
    }
    if (c.event == "end" && c.unit == "dev/network" && c.args.rfind("plan ", 0) == 0) {
      EXPECT_EQ(c.args, "plan 2");
    }
  }
  EXPECT_NE(ReadFileOr(repo_ + "/.eurus/drift/dev/network.json").find("aws_vpc.main"), std::string::npos);
  EXPECT_EQ(Commands("apply").size(), 0u);

  fs::remove(repo_ + "/tofu.log");
  o.ahead_from_state = true;
  r = Run(o);
  EXPECT_EQ(r.exit_code, 0) << output_;
  auto plans = Commands("plan");
  EXPECT_EQ(plans.size(), 4u);
  bool no_refresh = false;
  for (const auto& c : Calls())
    no_refresh |= c.event == "start" && c.args == "plan -input=false -out=" + repo_ + "/.eurus/drift/" + c.unit +
                                                       ".ahead.tfplan -refresh=false -lock=false";
  EXPECT_TRUE(no_refresh);
  ASSERT_TRUE(Unit(r, "dev/tenant-a").plan);
  EXPECT_EQ(Unit(r, "dev/tenant-a").plan->adds, 1);  // the fake's plan without refresh: one create
}
}  // namespace
}  // namespace eurus::run
