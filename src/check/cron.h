#pragma once
// AWS Backup schedules: `cron(minutes hours day-of-month month day-of-week year)`, read as
// far as the backup rule (E0805) needs: which hours of the day a rule runs at.

#include <optional>
#include <string>
#include <vector>

namespace eurus::check {

/// The hours in 0..23 that a cron hour field names, sorted and without duplicates: `*`,
/// `5`, `1-3`, `*/4`, `2/6` (from 2 on), `0-12/6` and comma lists of them. Empty when the
/// field cannot be read (an unknown token, an hour out of range, a step below 1).
std::vector<int> CronHours(const std::string& field);

/// What ScheduleGapHours returns for a schedule that does not run every day.
inline constexpr int kLessThanDaily = 48;

/// The longest gap between two runs of an AWS Backup `cron(...)` schedule, in hours,
/// counted around midnight; kLessThanDaily when the days are restricted (day of month, month
/// or day of week not `*`/`?`); nullopt when the expression cannot be read.
std::optional<int> ScheduleGapHours(const std::string& expr);

}  // namespace eurus::check
