#include "run/drift.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace eurus::run {
namespace {

namespace fs = std::filesystem;

// Given a refresh-only plan's JSON with an update and a delete outside tofu (and a data
// source, and a no-op), we should report both managed resources, the update with the paths
// that differ and never their values.
TEST(ParseResourceDriftTest, UpdateAndDelete) {
  std::string err;
  auto d = ParseResourceDrift(R"({"format_version":"1.2","resource_drift":[
    {"address":"aws_vpc.main","mode":"managed","change":{"actions":["update"],
      "before":{"cidr_block":"10.0.0.0/16","tags":{"Name":"main"},"tags_all":{"Name":"main"},"ids":["a","b"]},
      "after":{"cidr_block":"10.0.0.0/16","tags":{"Name":"hacked","Owner":"x"},"tags_all":{"Name":"hacked"},"ids":["a","c"]}}},
    {"address":"aws_security_group.app","mode":"managed","change":{"actions":["delete"],"before":{"id":"sg-1"},"after":null}},
    {"address":"data.aws_caller_identity.me","mode":"data","change":{"actions":["update"],"before":{},"after":{"x":1}}},
    {"address":"aws_s3_bucket.b","mode":"managed","change":{"actions":["no-op"],"before":{},"after":{}}}
  ]})",
                              &err);
  ASSERT_TRUE(d) << err;
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].address, "aws_vpc.main");
  EXPECT_EQ((*d)[0].action, "update");
  EXPECT_EQ((*d)[0].attributes, (std::vector<std::string>{"ids.1", "tags.Name", "tags.Owner", "tags_all.Name"}));
  EXPECT_EQ((*d)[1].address, "aws_security_group.app");
  EXPECT_EQ((*d)[1].action, "delete");
  EXPECT_TRUE((*d)[1].attributes.empty());
}

// Given a plan without drift, with an empty resource_drift, or something that is not a plan,
// we should say: nothing drifted, nothing drifted, an error.
TEST(ParseResourceDriftTest, NoDriftAndErrors) {
  std::string err;
  EXPECT_TRUE(ParseResourceDrift(R"({"format_version":"1.2"})", &err)->empty());
  EXPECT_TRUE(ParseResourceDrift(R"({"format_version":"1.2","resource_drift":[]})", &err)->empty());
  EXPECT_FALSE(ParseResourceDrift("", &err));
  EXPECT_EQ(err, "not the JSON of a plan");
  EXPECT_FALSE(ParseResourceDrift("[1]", &err));
  EXPECT_FALSE(ParseResourceDrift(R"({"resource_drift":[]})", &err));  // no format_version: not tofu's
}

// Given an update of many attributes, we should list at most kMaxPaths entries, the last one
// counting the rest.
TEST(ParseResourceDriftTest, ManyAttributesAreCounted) {
  nlohmann::json before = nlohmann::json::object(), after = nlohmann::json::object();
  for (int i = 0; i < 20; ++i) before["a" + std::to_string(100 + i)] = i, after["a" + std::to_string(100 + i)] = -i - 1;
  nlohmann::json plan = {{"format_version", "1.2"},
                         {"resource_drift",
                          {{{"address", "x.y"}, {"change", {{"actions", {"update"}}, {"before", before}, {"after", after}}}}}}};
  auto d = ParseResourceDrift(plan.dump(), nullptr);
  ASSERT_TRUE(d);
  ASSERT_EQ((*d)[0].attributes.size(), kMaxPaths);
  EXPECT_EQ((*d)[0].attributes.back(), "and 13 more");
}

RunUnit U(const std::string& id, const std::string& hash) {
  RunUnit u;
  u.id = id;
  u.hash = hash;
  return u;
}

// Given the applied record, we should find units changed since, never applied, and removed
// but not destroyed; a selection limits all three.
TEST(AheadOfRecordTest, ChangedNeverAppliedRemoved) {
  std::vector<RunUnit> m = {U("dev/network", "h1"), U("dev/tenant-a", "h2"), U("dev/tenant-b", "h3")};
  Applied a = {{"dev/network", {"h1", {}}}, {"dev/tenant-a", {"old", {}}}, {"dev/tenant-gone", {"h9", {}}}};
  auto all = AheadOfRecord(m, a, {});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "dev/tenant-a");
  EXPECT_EQ(all[0].why, AheadUnit::kChanged);
  EXPECT_EQ(all[1].id, "dev/tenant-b");
  EXPECT_EQ(all[1].why, AheadUnit::kNeverApplied);
  EXPECT_EQ(all[2].id, "dev/tenant-gone");
  EXPECT_EQ(all[2].why, AheadUnit::kRemoved);
  auto some = AheadOfRecord(m, a, {"dev/network", "dev/tenant-b"});
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].id, "dev/tenant-b");
}

DriftResult::Unit Ok(const std::string& id, std::vector<DriftedResource> d = {}) {
  return {id, UnitStatus::kOk, "", "/r/.eurus/logs/" + id + ".log", 1.0, std::move(d)};
}

// Given results, the exit code should say: in sync 0; drifted 5 (even with code ahead); only
// code ahead 6; a unit not checked 3 (the answer is incomplete); the runner's own code wins.
TEST(DriftExitCodeTest, Codes) {
  DriftResult d;
  d.units = {Ok("dev/network"), Ok("dev/tenant-a")};
  EXPECT_EQ(DriftExitCode(d), 0);
  d.ahead = {{"dev/tenant-a", AheadUnit::kChanged, ""}};
  EXPECT_EQ(DriftExitCode(d), kDriftExitAhead);
  d.units[0].drifted = {{"aws_vpc.main", "update", {"tags.Name"}}};
  EXPECT_EQ(DriftExitCode(d), kDriftExitDrifted);
  d.units[1].status = UnitStatus::kFailed;
  EXPECT_EQ(DriftExitCode(d), 3);
  d.run_exit = 130;
  EXPECT_EQ(DriftExitCode(d), 130);
}

// Given drift, code ahead and a failure, the text, JSON and markdown reports should name each
// unit and resource (markdown cells escaped).
TEST(DriftReportTest, TextJsonMarkdown) {
  DriftResult d;
  d.units = {Ok("dev/network", {{"aws_vpc.main", "update", {"tags.Name", "tags_all.Name"}},
                                {"aws_security_group.x", "delete", {}}}),
             Ok("dev/tenant-a"), Ok("dev/tenant-b")};
  d.units[2].status = UnitStatus::kFailed;
  d.units[2].detail = "tofu plan exit 1";
  d.ahead = {{"dev/tenant-a", AheadUnit::kPlanChanges, "0 to add, 1 to change, 0 to destroy"}};
  d.ahead_from_state = true;
  EXPECT_EQ(DriftText(d),
            "changed outside eurus:\n"
            "  dev/network\n"
            "    ~ aws_vpc.main: tags.Name, tags_all.Name\n"
            "    - aws_security_group.x: deleted\n"
            "code ahead of what was applied (from plans without refresh: the code against the state as last applied):\n"
            "  dev/tenant-a: its plan without refresh changes something (0 to add, 1 to change, 0 to destroy)\n"
            "not checked:\n"
            "  dev/tenant-b: FAILED: tofu plan exit 1 (log: /r/.eurus/logs/dev/tenant-b.log)\n"
            "eurus: drift of 3 units: 1 drifted (2 resources changed outside eurus), 1 with code ahead of what was "
            "applied, 1 not checked (failed, skipped or interrupted)\n");
  auto j = nlohmann::json::parse(DriftJson(d));
  EXPECT_EQ(j["drifted"][0]["unit"], "dev/network");
  EXPECT_EQ(j["drifted"][0]["resources"][1]["action"], "delete");
  EXPECT_EQ(j["ahead"][0]["unit"], "dev/tenant-a");
  EXPECT_EQ(j["ahead_from"], "state");
  EXPECT_EQ(j["failed"][0]["unit"], "dev/tenant-b");
  EXPECT_EQ(j["exit_code"], 3);
  d.units[0].drifted[0].address = "aws_x.y[\"a|b\"]";
  std::string md = DriftMarkdown(d);
  EXPECT_NE(md.find("| dev/network | `aws_x.y[\"a\\|b\"]` | tags.Name, tags_all.Name |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| dev/network | `aws_security_group.x` | deleted |\n"), std::string::npos) << md;
  EXPECT_NE(md.find("### Code ahead of what was applied"), std::string::npos) << md;
  EXPECT_NE(md.find("| dev/tenant-b | FAILED: tofu plan exit 1 |"), std::string::npos) << md;
}

// Given nothing drifted, the report is one line.
TEST(DriftReportTest, InSync) {
  DriftResult d;
  d.units = {Ok("dev/network")};
  EXPECT_EQ(DriftText(d), "eurus: drift of 1 unit: no drift, no code ahead of what was applied\n");
  EXPECT_EQ(DriftMarkdown(d), "## eurus drift\n\ndrift of 1 unit: no drift, no code ahead of what was applied\n\n");
}

// Given the runner's report and the saved plans, a unit whose JSON is missing is not checked
// (failed), and in state mode a non-empty plan summary makes the unit code ahead.
TEST(CollectDriftTest, ReadsSavedPlans) {
  char tmpl[] = "/tmp/eurus-drift-XXXXXX";
  std::string repo = mkdtemp(tmpl);
  WriteFileAtomic(repo + "/.eurus/drift/dev/network.json",
                  R"({"format_version":"1.2","resource_drift":[{"address":"aws_vpc.main","change":{"actions":["delete"]}}]})");
  WriteFileAtomic(repo + "/.eurus/drift/dev/tenant-a.json", R"({"format_version":"1.2"})");
  RunReport r;
  r.units.resize(3);
  r.units[0].id = "dev/network";
  r.units[1].id = "dev/tenant-a";
  r.units[2].id = "dev/tenant-b";
  for (auto& u : r.units) u.status = UnitStatus::kOk;
  r.units[1].plan = PlanSummary{};
  r.units[1].plan->changes = 1;
  DriftResult d = CollectDrift(repo, r, true);
  ASSERT_EQ(d.units.size(), 3u);
  EXPECT_EQ(d.units[0].drifted.size(), 1u);
  EXPECT_EQ(d.units[2].status, UnitStatus::kFailed);
  ASSERT_EQ(d.ahead.size(), 1u);
  EXPECT_EQ(d.ahead[0].id, "dev/tenant-a");
  EXPECT_EQ(d.ahead[0].detail, "0 to add, 1 to change, 0 to destroy");
  EXPECT_EQ(DriftExitCode(d), 3);
  fs::remove_all(repo);
}


// Given drift in attributes the unit's code ignores (autoscaling's desired_count, the image
// parameter a release sets), they should be expected changes, not drift; other paths of the
// same resource, other resources and deletions should stay (review: resource_drift does not
// apply ignore_changes, hashicorp/terraform#29401).
TEST(DropIgnoredChangesTest, IgnoredAttributesAreExpected) {
  std::string tf = R"({"resource":{
    "aws_ecs_service":{"web":{"lifecycle":{"ignore_changes":["desired_count"]}}},
    "aws_ssm_parameter":{"image":{"lifecycle":{"ignore_changes":["insecure_value","tags[\"x\"]"]}}},
    "aws_s3_bucket":{"b":{"lifecycle":{"ignore_changes":"all"}}}}})";
  std::vector<DriftedResource> d = {
      {"aws_ecs_service.web", "update", {"desired_count"}},
      {"aws_ssm_parameter.image", "update", {"insecure_value", "tags.owner"}},
      {"aws_s3_bucket.b", "update", {"tags.Name"}},
      {"aws_vpc.main", "update", {"tags.Name"}},
      {"aws_ecs_service.web", "delete", {}},
  };
  EXPECT_EQ(DropIgnoredChanges(tf, d), 3u);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].address, "aws_ssm_parameter.image");
  EXPECT_EQ(d[0].attributes, std::vector<std::string>{"tags.owner"});
  EXPECT_EQ(d[1].address, "aws_vpc.main");
  EXPECT_EQ(d[2].action, "delete");
  std::vector<DriftedResource> none = {{"aws_vpc.main", "update", {"tags.Name"}}};
  EXPECT_EQ(DropIgnoredChanges("not json", none), 0u);
  EXPECT_EQ(none.size(), 1u);
}

}  // namespace
}  // namespace eurus::run
