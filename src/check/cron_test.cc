#include "check/cron.h"

#include <gtest/gtest.h>

namespace eurus::check {
namespace {

using Hours = std::vector<int>;

// Given single hours and `*`, we should name that hour, or every hour of the day.
TEST(CronTest, SingleHoursAndStar) {
  EXPECT_EQ(CronHours("5"), Hours{5});
  EXPECT_EQ(CronHours("0"), Hours{0});
  EXPECT_EQ(CronHours("23"), Hours{23});
  EXPECT_EQ(CronHours("*").size(), 24u);
  EXPECT_EQ(CronHours("*").front(), 0);
  EXPECT_EQ(CronHours("*").back(), 23);
}

// Given ranges, we should name every hour in them, both ends included.
TEST(CronTest, Ranges) {
  EXPECT_EQ(CronHours("1-3"), (Hours{1, 2, 3}));
  EXPECT_EQ(CronHours("22-23"), (Hours{22, 23}));
  EXPECT_EQ(CronHours("4-4"), Hours{4});
}

// Given steps, we should start at the range's start (or at the hour, running to 23).
TEST(CronTest, Steps) {
  EXPECT_EQ(CronHours("*/4"), (Hours{0, 4, 8, 12, 16, 20}));
  EXPECT_EQ(CronHours("*/12"), (Hours{0, 12}));
  EXPECT_EQ(CronHours("2/6"), (Hours{2, 8, 14, 20}));
  EXPECT_EQ(CronHours("0-12/6"), (Hours{0, 6, 12}));
  EXPECT_EQ(CronHours("*/1").size(), 24u);
}

// Given lists, we should merge their parts, sorted and without duplicates.
TEST(CronTest, Lists) {
  EXPECT_EQ(CronHours("13,1"), (Hours{1, 13}));
  EXPECT_EQ(CronHours("1,1-2,*/12"), (Hours{0, 1, 2, 12}));
}

// Given a field it cannot read, we should return nothing rather than guess.
TEST(CronTest, BadFields) {
  EXPECT_EQ(CronHours(""), Hours{});
  EXPECT_EQ(CronHours("?"), Hours{});
  EXPECT_EQ(CronHours("x"), Hours{});
  EXPECT_EQ(CronHours("24"), Hours{});
  EXPECT_EQ(CronHours("5-2"), Hours{});
  EXPECT_EQ(CronHours("*/0"), Hours{});
  EXPECT_EQ(CronHours("*/x"), Hours{});
  EXPECT_EQ(CronHours("1,,2"), Hours{});
  EXPECT_EQ(CronHours("-1"), Hours{});
}

// Given daily schedules, we should return the longest gap between runs, across midnight too.
TEST(CronTest, DailyGaps) {
  EXPECT_EQ(ScheduleGapHours("cron(0 5 ? * * *)"), 24);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 * * ? *)"), 24);
  EXPECT_EQ(ScheduleGapHours("cron(0 */4 * * ? *)"), 4);
  EXPECT_EQ(ScheduleGapHours("cron(0 1,13 * * ? *)"), 12);
  EXPECT_EQ(ScheduleGapHours("cron(0 1,3 * * ? *)"), 22);
  EXPECT_EQ(ScheduleGapHours("cron(30 * * * ? *)"), 1);
  EXPECT_EQ(ScheduleGapHours("cron(0  6  *  *  ?  *)"), 24);
}

// Given a schedule restricted to some days, we should say it runs less often than daily.
TEST(CronTest, RestrictedDays) {
  EXPECT_EQ(ScheduleGapHours("cron(0 5 ? * MON *)"), kLessThanDaily);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 1 * ? *)"), kLessThanDaily);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 * 1 ? *)"), kLessThanDaily);
}

// Given an expression it cannot read, we should return nullopt.
TEST(CronTest, BadSchedules) {
  EXPECT_EQ(ScheduleGapHours("rate(1 hour)"), std::nullopt);
  EXPECT_EQ(ScheduleGapHours(""), std::nullopt);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 * * ?)"), std::nullopt);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 * * ? * *)"), std::nullopt);
  EXPECT_EQ(ScheduleGapHours("cron(0 5 * * ? *"), std::nullopt);
  EXPECT_EQ(ScheduleGapHours("cron(0 x * * ? *)"), std::nullopt);
}

}  // namespace
}  // namespace eurus::check
