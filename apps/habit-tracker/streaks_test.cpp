#include "streaks.h"

#include <gtest/gtest.h>

namespace krilin::apps::habits {
namespace {

Date d(const char* s) { return parse_date(s).value(); }
std::vector<Date> dates(std::initializer_list<const char*> l) {
  std::vector<Date> out;
  for (auto s : l) out.push_back(d(s));
  return out;
}
Schedule weekdays(std::initializer_list<int> days) {
  Schedule s{.daily = false};
  for (int w : days) s.weekdays[static_cast<std::size_t>(w)] = true;
  return s;
}

TEST(Streaks, DailyRunsGapsAndAnOpenToday) {
  Schedule daily;
  // 2026-03-01 … 03-05 done, today 03-06 not done yet: still 5.
  auto five = dates({"2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"});
  EXPECT_EQ(calculate_streak(daily, five, d("2026-03-06")).current, 5);
  EXPECT_EQ(calculate_streak(daily, five, d("2026-03-05")).current, 5);  // today done
  // A missed day (03-06) breaks it by 03-07.
  EXPECT_EQ(calculate_streak(daily, five, d("2026-03-07")).current, 0);
  EXPECT_EQ(calculate_streak(daily, five, d("2026-03-07")).best, 5);
  // A gap in the middle: best is the longest run.
  auto gap = dates({"2026-03-01", "2026-03-02", "2026-03-04", "2026-03-05", "2026-03-06"});
  auto s = calculate_streak(Schedule{}, gap, d("2026-03-06"));
  EXPECT_EQ(s.current, 3);
  EXPECT_EQ(s.best, 3);
}

TEST(Streaks, WeekdaySchedulesSkipDaysOff) {
  auto mwf = weekdays({1, 3, 5});  // Monday, Wednesday, Friday
  // 2026-03-02 is a Monday. Mon, Wed, Fri, Mon: 4 in a row across the weekend.
  auto done = dates({"2026-03-02", "2026-03-04", "2026-03-06", "2026-03-09"});
  EXPECT_EQ(calculate_streak(mwf, done, d("2026-03-10")).current, 4);  // Tuesday: nothing due
  EXPECT_EQ(calculate_streak(mwf, done, d("2026-03-11")).current, 4);  // Wednesday, still open
  EXPECT_EQ(calculate_streak(mwf, done, d("2026-03-12")).current, 0);  // Wednesday was missed
  // A completion on a day off neither extends nor breaks.
  auto extra = dates({"2026-03-02", "2026-03-03", "2026-03-04"});
  EXPECT_EQ(calculate_streak(mwf, extra, d("2026-03-04")).current, 2);
}

TEST(Streaks, DuplicatesFutureAndCalendarEdges) {
  Schedule daily;
  auto messy = dates({"2024-02-28", "2024-02-29", "2024-02-29", "2024-03-01", "2024-03-09"});
  auto s = calculate_streak(daily, messy, d("2024-03-01"));
  EXPECT_EQ(s.current, 3);  // across a leap day, duplicates once, the future ignored
  EXPECT_EQ(s.best, 3);
  auto new_year = dates({"2025-12-30", "2025-12-31", "2026-01-01"});
  EXPECT_EQ(calculate_streak(daily, new_year, d("2026-01-02")).current, 3);
  EXPECT_EQ(calculate_streak(daily, {}, d("2026-01-02")).current, 0);
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("26-01-01"));
  EXPECT_TRUE(parse_date("2024-02-29"));
}

TEST(Streaks, InstantsBecomeLocalDatesInTheUsersZone) {
  const std::int64_t t = 1772955000000;  // 2026-03-08T07:30:00Z
  EXPECT_EQ(local_date(t, "UTC"), d("2026-03-08"));
  EXPECT_EQ(local_date(t, "America/Los_Angeles"), d("2026-03-07"));  // 23:30 the day before
  EXPECT_EQ(local_date(t, "Asia/Tokyo"), d("2026-03-08"));
  EXPECT_EQ(local_date(1772924400000, "Asia/Tokyo"), d("2026-03-08"));  // 2026-03-07T23:00Z = 08:00 JST
  // Across a DST change: 2026-03-29T00:30Z is 00:30 GMT, and 01:30Z is 02:30 BST — same day.
  EXPECT_EQ(local_date(1774744200000, "Europe/London"), d("2026-03-29"));
  EXPECT_EQ(local_date(1774747800000, "Europe/London"), d("2026-03-29"));
  EXPECT_FALSE(local_date(t, "Mars/Olympus_Mons"));
  EXPECT_FALSE(local_date(t, ""));
}

}  // namespace
}  // namespace krilin::apps::habits
