#pragma once
// Habit Tracker's streak arithmetic, on calendar dates in the user's own time zone (the
// caller turns instants into local dates). Pure, so every edge case is a unit test.
//
// Only scheduled days count: a daily habit is due every day, a weekday habit on its
// weekdays; a completion logged on a day the habit is not due neither extends nor breaks a
// streak. The current streak runs back from today over due days that were completed;
// today still open does not break it (the day is not over). The best streak is the longest
// such run ever. Duplicate and future completions are ignored.
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace krilin::apps::habits {

using Date = std::chrono::sys_days;

struct Schedule {
  bool daily = true;
  std::array<bool, 7> weekdays{};  // [0] Sunday … [6] Saturday, when not daily
  bool due(Date d) const;
};

struct Streak {
  int current = 0;
  int best = 0;
};

std::optional<Date> parse_date(std::string_view yyyy_mm_dd);

// The calendar date of an instant in an IANA time zone ("Europe/Paris"), from the
// system's zoneinfo; nothing for an unknown zone.
std::optional<Date> local_date(std::int64_t unix_ms, std::string_view time_zone);
Streak calculate_streak(const Schedule& schedule, std::vector<Date> completions, Date today);

}  // namespace krilin::apps::habits
