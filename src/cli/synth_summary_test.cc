#include "cli/synth_summary.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace eurus::cli {
namespace {

/// A unit with `types` resource kinds of two resources each.
UnitSummary Unit(const std::string& id, int types) {
  UnitSummary u;
  u.id = id;
  u.account = "444444444444";
  for (int i = 0; i < types; ++i) {
    u.by_type[fmt::format("aws_resource_kind_{:02}", i)] = 2;
    u.resources += 2;
  }
  return u;
}

std::vector<UnitSummary> Units() {
  return {Unit("dev/network", 30), Unit("dev/tenant-shop", 12),
          // the longest id names allow: a 16-character environment, a 20-character tenant
          Unit("environment12345/tenant-tenant12345678901234", 3)};
}

// Given units with many resource types, every summary line should fit 80 columns, plain or
// verbose, with a status column or without.
TEST(SynthSummary, LinesFitATerminal) {
  std::vector<UnitSummary> units = Units();
  for (bool verbose : {false, true})
    for (bool status : {false, true}) {
      std::vector<UnitSummary> u = units;
      std::map<std::string, std::string> before = {{"dev/network", "a"}};
      if (status) SetStatus(u, &before, {{"dev/network", "b"}});
      for (const std::string& line : SummaryLines(u, verbose)) EXPECT_LE(line.size(), kSummaryWidth) << line;
    }
}

// Given no --verbose, we should print one line per unit, the header first, and no counts by type.
TEST(SynthSummary, OneLinePerUnit) {
  std::vector<UnitSummary> units = {Unit("dev/network", 2), Unit("dev/tenant-shop", 1)};
  std::vector<std::string> lines = SummaryLines(units, false);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "unit            account      resources");
  EXPECT_EQ(lines[1], "dev/network     444444444444         4");
  EXPECT_EQ(lines[2], "dev/tenant-shop 444444444444         2");
}

// Given --verbose, each unit's counts by type should follow it, indented and wrapped.
TEST(SynthSummary, VerboseWrapsCountsByType) {
  std::vector<std::string> lines = SummaryLines({Unit("dev/network", 8)}, true);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], "dev/network 444444444444        16");
  EXPECT_EQ(lines[2], "    2 resource_kind_00, 2 resource_kind_01, 2 resource_kind_02,");
  EXPECT_EQ(lines[4], "    2 resource_kind_06, 2 resource_kind_07");
}

// Given the previous tree's hashes, we should mark units new, changed, unchanged or removed.
TEST(SynthSummary, StatusAgainstThePreviousTree) {
  std::vector<UnitSummary> units = {Unit("dev/a", 1), Unit("dev/b", 1), Unit("dev/c", 1)};
  std::map<std::string, std::string> before = {{"dev/a", "1"}, {"dev/b", "2"}, {"dev/gone", "3"}};
  SetStatus(units, &before, {{"dev/a", "1"}, {"dev/b", "9"}, {"dev/c", "4"}});
  ASSERT_EQ(units.size(), 4u);
  EXPECT_EQ(units[0].status, "unchanged");
  EXPECT_EQ(units[1].status, "changed");
  EXPECT_EQ(units[2].status, "new");
  EXPECT_EQ(units[3].id, "dev/gone");
  EXPECT_EQ(units[3].status, "removed");
  EXPECT_EQ(StatusCounts(units), "1 changed, 1 new, 1 unchanged, 1 removed");
  std::vector<std::string> lines = SummaryLines(units, false);
  EXPECT_EQ(lines[0], "unit     account      resources  status");
  EXPECT_EQ(lines[2], "dev/b    444444444444         2  changed");
  EXPECT_EQ(lines[4], "dev/gone                      -  removed");
}

// Given no previous tree, we should leave every status unknown and print no status column.
TEST(SynthSummary, NoPreviousTree) {
  std::vector<UnitSummary> units = {Unit("dev/a", 1)};
  SetStatus(units, nullptr, {{"dev/a", "1"}});
  EXPECT_EQ(units[0].status, "");
  EXPECT_EQ(StatusCounts(units), "");
}

}  // namespace
}  // namespace eurus::cli
