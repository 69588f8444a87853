#include "kernel/scheduler/cron.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <cstdio>
#include <limits>
#include <vector>

#include <date/tz.h>

namespace krilin::kernel::scheduler {
namespace {

using namespace std::chrono;

Cron cron(const char* text) { return parse_cron(text).value(); }

std::string error_of(const char* text) {
  auto r = parse_cron(text);
  if (r.ok()) return "(parsed)";
  EXPECT_EQ(r.error().code, "invalid_cron");
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
  return r.error().message;
}

std::vector<int> bits(std::uint64_t b) {
  std::vector<int> out;
  for (int i = 0; i < 64; ++i)
    if (b >> i & 1) out.push_back(i);
  return out;
}

// "2024-03-31T01:30" in `zone` (must be unique or the first occurrence) → Unix ms.
std::int64_t at(const char* local, const char* zone = "UTC") {
  int y = 0;
  unsigned mo = 0, d = 0, h = 0, mi = 0;
  EXPECT_EQ(std::sscanf(local, "%d-%u-%uT%u:%u", &y, &mo, &d, &h, &mi), 5) << local;
  auto lt = date::local_days{date::year{y} / date::month{mo} / date::day{d}} + hours(h) + minutes(mi);
  auto zt = date::zoned_time<minutes>(zone, lt, date::choose::earliest);
  return duration_cast<milliseconds>(zt.get_sys_time().time_since_epoch()).count();
}

// Unix ms → "2024-03-31T03:00+02:00" in `zone`.
std::string local(std::int64_t ms, const char* zone) {
  return date::format("%FT%R%Ez", date::make_zoned(zone, floor<minutes>(sys_time<milliseconds>(milliseconds(ms)))));
}

// The next firing after `from` (local time in `zone`) as local text, or "never".
std::string next(const char* expr, const char* from, const char* zone = "UTC") {
  auto r = next_after(cron(expr), at(from, zone), zone).value();
  return r ? local(*r, zone) : "never";
}

// The first `n` firings after `from`.
std::vector<std::string> firings(const char* expr, std::int64_t from, const char* zone, int n) {
  std::vector<std::string> out;
  Cron c = cron(expr);
  for (int i = 0; i < n; ++i) {
    auto r = next_after(c, from, zone).value();
    if (!r) break;
    out.push_back(local(*r, zone));
    from = *r;
  }
  return out;
}

TEST(Cron, ParsesEveryFieldForm) {
  EXPECT_EQ(bits(cron("* * * * *").minutes).size(), 60u);
  EXPECT_EQ(bits(cron("5 * * * *").minutes), (std::vector<int>{5}));
  EXPECT_EQ(bits(cron("10-13 * * * *").minutes), (std::vector<int>{10, 11, 12, 13}));
  EXPECT_EQ(bits(cron("*/15 * * * *").minutes), (std::vector<int>{0, 15, 30, 45}));
  EXPECT_EQ(bits(cron("10-30/10 * * * *").minutes), (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(bits(cron("1,2,40-42,*/30 * * * *").minutes), (std::vector<int>{0, 1, 2, 30, 40, 41, 42}));
  EXPECT_EQ(bits(cron("0 */6 * * *").hours), (std::vector<int>{0, 6, 12, 18}));
  EXPECT_EQ(bits(cron("0 0-23/7 * * *").hours), (std::vector<int>{0, 7, 14, 21}));
  EXPECT_EQ(bits(cron("0 0 */10 * *").days), (std::vector<int>{1, 11, 21, 31}));
  EXPECT_EQ(bits(cron("0 0 31 * *").days), (std::vector<int>{31}));
  EXPECT_EQ(bits(cron("0 0 1 */3 *").months), (std::vector<int>{1, 4, 7, 10}));
  EXPECT_EQ(bits(cron("0 0 * * 1-5").weekdays), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(bits(cron("0 0 * * */2").weekdays), (std::vector<int>{0, 2, 4, 6}));
  EXPECT_EQ(bits(cron("59 23 31 12 6").minutes), (std::vector<int>{59}));
  // Spaces and tabs, any number of them, and around the expression.
  EXPECT_EQ(cron("  0\t 9 *   * 1  ").text, "0\t 9 *   * 1");
}

TEST(Cron, ReadsNamesInAnyCase) {
  EXPECT_EQ(bits(cron("0 0 1 JAN,mar,Dec *").months), (std::vector<int>{1, 3, 12}));
  EXPECT_EQ(bits(cron("0 0 1 jun-AUG *").months), (std::vector<int>{6, 7, 8}));
  EXPECT_EQ(bits(cron("0 0 1 JAN-DEC/4 *").months), (std::vector<int>{1, 5, 9}));
  EXPECT_EQ(bits(cron("0 0 * * MON-FRI").weekdays), (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(bits(cron("0 0 * * sun,Sat").weekdays), (std::vector<int>{0, 6}));
  EXPECT_EQ(bits(cron("0 0 * * tue-4").weekdays), (std::vector<int>{2, 3, 4}));
}

TEST(Cron, ZeroAndSevenAreBothSunday) {
  EXPECT_EQ(bits(cron("0 0 * * 0").weekdays), (std::vector<int>{0}));
  EXPECT_EQ(bits(cron("0 0 * * 7").weekdays), (std::vector<int>{0}));
  EXPECT_EQ(bits(cron("0 0 * * 5-7").weekdays), (std::vector<int>{0, 5, 6}));
  EXPECT_EQ(bits(cron("0 0 * * 0-7").weekdays).size(), 7u);
  EXPECT_EQ(bits(cron("0 0 * * FRI-7").weekdays), (std::vector<int>{0, 5, 6}));
}

TEST(Cron, ShorthandsAreTheirExpansions) {
  auto same = [](const char* a, const char* b) {
    Cron x = cron(a), y = cron(b);
    EXPECT_EQ(x.minutes, y.minutes) << a;
    EXPECT_EQ(x.hours, y.hours) << a;
    EXPECT_EQ(x.days, y.days) << a;
    EXPECT_EQ(x.months, y.months) << a;
    EXPECT_EQ(x.weekdays, y.weekdays) << a;
    EXPECT_EQ(x.days_star, y.days_star) << a;
    EXPECT_EQ(x.weekdays_star, y.weekdays_star) << a;
  };
  same("@hourly", "0 * * * *");
  same("@daily", "0 0 * * *");
  same("@midnight", "0 0 * * *");
  same("@weekly", "0 0 * * 0");
  same("@monthly", "0 0 1 * *");
  same("@yearly", "0 0 1 1 *");
  same("@annually", "0 0 1 1 *");
  same("@DAILY", "0 0 * * *");
  EXPECT_EQ(cron(" @weekly ").text, "@weekly");
}

TEST(Cron, ErrorsNameTheFieldAndTheProblem) {
  EXPECT_EQ(error_of("0 25 * * *"), "field 2 (hour): 25 is out of range 0–23");
  EXPECT_EQ(error_of("60 * * * *"), "field 1 (minute): 60 is out of range 0–59");
  EXPECT_EQ(error_of("0 0 0 * *"), "field 3 (day of month): 0 is out of range 1–31");
  EXPECT_EQ(error_of("0 0 32 * *"), "field 3 (day of month): 32 is out of range 1–31");
  EXPECT_EQ(error_of("0 0 * 13 *"), "field 4 (month): 13 is out of range 1–12");
  EXPECT_EQ(error_of("0 0 * 0 *"), "field 4 (month): 0 is out of range 1–12");
  EXPECT_EQ(error_of("0 0 * * 8"), "field 5 (day of week): 8 is out of range 0–7");
  EXPECT_EQ(error_of("0 0 * * 99999999999999999999"),
            "field 5 (day of week): 99999999999999999999 is out of range 0–7");
  EXPECT_EQ(error_of(""), "the cron expression is empty");
  EXPECT_EQ(error_of("   "), "the cron expression is empty");
  EXPECT_EQ(error_of("* * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(error_of("0 0 * * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  EXPECT_EQ(error_of("0 0 * FOO *"), "field 4 (month): unknown name 'FOO' (use JAN–DEC or a number)");
  EXPECT_EQ(error_of("0 0 * * MONDAY"), "field 5 (day of week): unknown name 'MONDAY' (use SUN–SAT or a number)");
  EXPECT_EQ(error_of("0 0 * * JAN"), "field 5 (day of week): unknown name 'JAN' (use SUN–SAT or a number)");
  EXPECT_EQ(error_of("MON * * * *"), "field 1 (minute): 'MON' is not a number");
  EXPECT_EQ(error_of("5x * * * *"), "field 1 (minute): '5x' is not a number");
  EXPECT_EQ(error_of("0 5-3 * * *"), "field 2 (hour): range 5-3 is backwards");
  EXPECT_EQ(error_of("0 0 * * FRI-SUN"), "field 5 (day of week): range FRI-SUN is backwards (write 5-7 to end on Sunday)");
  EXPECT_EQ(error_of("*/0 * * * *"), "field 1 (minute): step 0 is out of range 1–60");
  EXPECT_EQ(error_of("0 */25 * * *"), "field 2 (hour): step 25 is out of range 1–24");
  EXPECT_EQ(error_of("*/x * * * *"), "field 1 (minute): step 'x' is not a number");
  EXPECT_EQ(error_of("*/ * * * *"), "field 1 (minute): step '' is out of range 1–60");
  EXPECT_EQ(error_of("5/15 * * * *"),
            "field 1 (minute): a step needs * or a range before it (write '5-59/15' for '5/15')");
  EXPECT_EQ(error_of("1,,2 * * * *"), "field 1 (minute): an empty list item");
  EXPECT_EQ(error_of("1, * * * *"), "field 1 (minute): an empty list item");
  EXPECT_EQ(error_of("0 0 1, * *"), "field 3 (day of month): an empty list item");
  EXPECT_EQ(error_of("0 0 #1 * *"), "field 3 (day of month): unexpected character '#'");
  EXPECT_EQ(error_of("0 0 ? * *"), "field 3 (day of month): unexpected character '?'");
  EXPECT_EQ(error_of("0 0 L * *"), "field 3 (day of month): 'L' is not a number");
  EXPECT_EQ(error_of("0 -5 * * *"), "field 2 (hour): a value is missing");
  EXPECT_EQ(error_of("@reboot"), "@reboot is not supported: a schedule needs times");
  EXPECT_EQ(error_of("@often"), "unknown shorthand '@often' (use @hourly, @daily, @weekly, @monthly, @yearly or five fields)");
  EXPECT_EQ(error_of(std::string(300, '*').c_str()), "a cron expression is at most 256 characters");
}

TEST(Cron, NextIsStrictlyAfter) {
  EXPECT_EQ(next("*/15 * * * *", "2024-05-01T10:00"), "2024-05-01T10:15+00:00");
  EXPECT_EQ(next("*/15 * * * *", "2024-05-01T10:14"), "2024-05-01T10:15+00:00");
  EXPECT_EQ(next("* * * * *", "2024-05-01T10:14"), "2024-05-01T10:15+00:00");
  // Seconds and milliseconds inside the minute count as that minute.
  Cron every = cron("* * * * *");
  std::int64_t t = at("2024-05-01T10:14") + 59'999;
  EXPECT_EQ(*next_after(every, t, "UTC").value(), at("2024-05-01T10:15"));
  EXPECT_EQ(*next_after(every, at("2024-05-01T10:15") - 1, "UTC").value(), at("2024-05-01T10:15"));
  EXPECT_EQ(next("0 0 1 1 *", "2024-12-31T23:59"), "2025-01-01T00:00+00:00");
  EXPECT_EQ(next("0 0 1 1 *", "2025-01-01T00:00"), "2026-01-01T00:00+00:00");
  EXPECT_EQ(next("30 23 * * *", "2024-12-31T23:30"), "2025-01-01T23:30+00:00");
}

TEST(Cron, SkipsByFields) {
  EXPECT_EQ(next("0 9 * * MON-FRI", "2024-05-03T09:00"), "2024-05-06T09:00+00:00");  // Friday → Monday
  EXPECT_EQ(next("0 9,17 * * MON-FRI", "2024-05-03T12:00"), "2024-05-03T17:00+00:00");
  EXPECT_EQ(next("15 10 * * *", "2024-05-03T10:16"), "2024-05-04T10:15+00:00");
  EXPECT_EQ(next("0 0 * 7 *", "2024-08-01T00:00"), "2025-07-01T00:00+00:00");
  EXPECT_EQ(next("0 12 * 2 SUN", "2024-03-01T00:00"), "2025-02-02T12:00+00:00");
  EXPECT_EQ(next("*/20 */6 * * *", "2024-05-03T06:40"), "2024-05-03T12:00+00:00");
}

TEST(Cron, MonthEndsAndLeapYears) {
  EXPECT_EQ(next("0 0 31 * *", "2024-01-31T00:00"), "2024-03-31T00:00+00:00");
  EXPECT_EQ(next("0 0 31 * *", "2024-03-31T00:00"), "2024-05-31T00:00+00:00");
  EXPECT_EQ(next("0 0 30 * *", "2024-01-30T00:00"), "2024-03-30T00:00+00:00");
  EXPECT_EQ(next("0 0 29 * *", "2023-01-29T00:00"), "2023-03-29T00:00+00:00");  // 2023: no 29 February
  EXPECT_EQ(next("0 0 29 * *", "2024-01-29T00:00"), "2024-02-29T00:00+00:00");
  EXPECT_EQ(next("0 0 29 2 *", "2024-02-29T00:00"), "2028-02-29T00:00+00:00");
  EXPECT_EQ(next("0 0 29 2 *", "2096-03-01T00:00"), "2104-02-29T00:00+00:00");  // 2100 is not a leap year
  EXPECT_EQ(next("0 0 29 2 *", "1999-03-01T00:00"), "2000-02-29T00:00+00:00");  // 2000 is
  EXPECT_EQ(next("59 23 28-31 2 *", "2023-02-28T23:59"), "2024-02-28T23:59+00:00");
  EXPECT_EQ(next("0 0 1 * *", "2024-02-15T00:00"), "2024-03-01T00:00+00:00");
}

TEST(Cron, ImpossibleDatesNeverFireAndAnswerQuickly) {
  for (const char* expr : {"0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *", "0 0 30,31 2 *"}) {
    auto t0 = steady_clock::now();
    auto r = next_after(cron(expr), at("2024-01-01T00:00"), "Europe/Paris").value();
    auto spent = steady_clock::now() - t0;
    EXPECT_FALSE(r.has_value()) << expr;
    std::printf("next_after(%-18s) searched 400 years in %lld us\n", expr,
                static_cast<long long>(duration_cast<microseconds>(spent).count()));
    EXPECT_LT(duration_cast<milliseconds>(spent).count(), 50) << expr;
  }
  // Near the end of the calendar: nothing after 9999.
  EXPECT_EQ(next("0 0 1 1 *", "9999-06-01T00:00"), "never");
  EXPECT_EQ(next("0 0 * * *", "9999-12-30T12:00"), "9999-12-31T00:00+00:00");
  for (std::int64_t t : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()})
    EXPECT_FALSE(next_after(cron("* * * * *"), t, "Europe/Paris").value().has_value());
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // 2024-09-13 is a Friday; the 1st and the Fridays both fire.
  EXPECT_EQ(firings("0 0 13 * FRI", at("2024-09-01T00:00"), "UTC", 4),
            (std::vector<std::string>{"2024-09-06T00:00+00:00", "2024-09-13T00:00+00:00", "2024-09-20T00:00+00:00",
                                      "2024-09-27T00:00+00:00"}));
  EXPECT_EQ(firings("0 0 1,15 * MON", at("2024-07-01T00:00"), "UTC", 4),  // 1 July 2024 is a Monday
            (std::vector<std::string>{"2024-07-08T00:00+00:00", "2024-07-15T00:00+00:00", "2024-07-22T00:00+00:00",
                                      "2024-07-29T00:00+00:00"}));
  // Only one restricted: the other does not widen it.
  EXPECT_EQ(next("0 0 13 * *", "2024-09-01T00:00"), "2024-09-13T00:00+00:00");
  EXPECT_EQ(next("0 0 * * FRI", "2024-09-01T00:00"), "2024-09-06T00:00+00:00");
  // A field starting with * is unrestricted (Vixie): */2 days AND Mondays.
  EXPECT_EQ(firings("0 0 */2 * MON", at("2024-07-01T00:00"), "UTC", 3),
            (std::vector<std::string>{"2024-07-15T00:00+00:00", "2024-07-29T00:00+00:00", "2024-08-05T00:00+00:00"}));
  Cron c = cron("0 0 1-31 * MON");  // restricted although it lists every day: either matches
  EXPECT_FALSE(c.days_star);
  EXPECT_EQ(next("0 0 1-31 * MON", "2024-07-02T00:00"), "2024-07-03T00:00+00:00");
}

TEST(Cron, ParisSpringForwardFiresAtTheEndOfTheGap) {
  // 2024-03-31: 02:00 CET becomes 03:00 CEST.
  const char* z = "Europe/Paris";
  EXPECT_EQ(firings("30 2 * * *", at("2024-03-30T00:00", z), z, 3),
            (std::vector<std::string>{"2024-03-30T02:30+01:00", "2024-03-31T03:00+02:00", "2024-04-01T02:30+02:00"}));
  // Several matching times inside the gap: one firing.
  EXPECT_EQ(firings("*/15 2 * * *", at("2024-03-31T01:50", z), z, 2),
            (std::vector<std::string>{"2024-03-31T03:00+02:00", "2024-04-01T02:00+02:00"}));
  // A time in the gap and 03:00 itself: the same instant, once.
  EXPECT_EQ(firings("30 2,3 * * *", at("2024-03-31T01:00", z), z, 2),
            (std::vector<std::string>{"2024-03-31T03:00+02:00", "2024-03-31T03:30+02:00"}));
  EXPECT_EQ(firings("* * * * *", at("2024-03-31T01:58", z), z, 3),
            (std::vector<std::string>{"2024-03-31T01:59+01:00", "2024-03-31T03:00+02:00", "2024-03-31T03:01+02:00"}));
  // From inside the gap's instant (exactly at the transition) the gap is behind us.
  EXPECT_EQ(next("30 2 * * *", "2024-03-31T03:00", z), "2024-04-01T02:30+02:00");
}

TEST(Cron, ParisFallBackFiresOnceAtTheFirstOccurrence) {
  // 2024-10-27: 03:00 CEST becomes 02:00 CET; 02:00–02:59 happen twice.
  const char* z = "Europe/Paris";
  EXPECT_EQ(firings("30 2 * * *", at("2024-10-26T12:00", z), z, 3),
            (std::vector<std::string>{"2024-10-27T02:30+02:00", "2024-10-28T02:30+01:00", "2024-10-29T02:30+01:00"}));
  EXPECT_EQ(firings("0 * * * *", at("2024-10-27T01:30", z), z, 3),
            (std::vector<std::string>{"2024-10-27T02:00+02:00", "2024-10-27T03:00+01:00", "2024-10-27T04:00+01:00"}));
  // Starting inside the second pass: what it repeats has fired already.
  std::int64_t second_pass = at("2024-10-27T01:10", "UTC");  // 02:10 CET
  EXPECT_EQ(local(second_pass, z), "2024-10-27T02:10+01:00");
  EXPECT_EQ(local(*next_after(cron("*/15 * * * *"), second_pass, z).value(), z), "2024-10-27T03:00+01:00");
  EXPECT_EQ(local(*next_after(cron("30 2 * * *"), second_pass, z).value(), z), "2024-10-28T02:30+01:00");
  // Starting inside the first pass: the rest of the first pass still fires.
  std::int64_t first_pass = at("2024-10-27T00:10", "UTC");  // 02:10 CEST
  EXPECT_EQ(local(*next_after(cron("*/15 * * * *"), first_pass, z).value(), z), "2024-10-27T02:15+02:00");
}

TEST(Cron, NewYorkTransitions) {
  const char* z = "America/New_York";
  // 2024-03-10: 02:00 EST becomes 03:00 EDT.
  EXPECT_EQ(firings("30 2 * * *", at("2024-03-09T12:00", z), z, 2),
            (std::vector<std::string>{"2024-03-10T03:00-04:00", "2024-03-11T02:30-04:00"}));
  EXPECT_EQ(next("0 9 * * *", "2024-03-09T09:00", z), "2024-03-10T09:00-04:00");
  // 2024-11-03: 02:00 EDT becomes 01:00 EST; 01:00–01:59 happen twice.
  EXPECT_EQ(firings("30 1 * * *", at("2024-11-02T12:00", z), z, 2),
            (std::vector<std::string>{"2024-11-03T01:30-04:00", "2024-11-04T01:30-05:00"}));
  // 23 and 25 hours between daily firings across the transitions.
  auto spring = next_after(cron("0 12 * * *"), at("2024-03-09T12:00", z), z).value();
  EXPECT_EQ(*spring - at("2024-03-09T12:00", z), 23 * 3'600'000);
  auto fall = next_after(cron("0 12 * * *"), at("2024-11-02T12:00", z), z).value();
  EXPECT_EQ(*fall - at("2024-11-02T12:00", z), 25 * 3'600'000);
}

TEST(Cron, LordHoweShiftsByHalfAnHour) {
  const char* z = "Australia/Lord_Howe";
  // 2024-10-06: 02:00 (+10:30) becomes 02:30 (+11:00).
  EXPECT_EQ(firings("15 2 * * *", at("2024-10-05T12:00", z), z, 2),
            (std::vector<std::string>{"2024-10-06T02:30+11:00", "2024-10-07T02:15+11:00"}));
  EXPECT_EQ(next("45 2 * * *", "2024-10-05T12:00", z), "2024-10-06T02:45+11:00");
  // 2024-04-07: 02:00 (+11:00) becomes 01:30 (+10:30); 01:30–01:59 happen twice.
  EXPECT_EQ(firings("45 1 * * *", at("2024-04-06T12:00", z), z, 2),
            (std::vector<std::string>{"2024-04-07T01:45+11:00", "2024-04-08T01:45+10:30"}));
}

TEST(Cron, UnknownTimeZoneIsAnError) {
  auto r = next_after(cron("* * * * *"), 0, "Mars/Olympus_Mons");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_time_zone");
  EXPECT_FALSE(next_after(cron("* * * * *"), 0, "").ok());
  EXPECT_TRUE(is_time_zone("Europe/Paris"));
  EXPECT_TRUE(is_time_zone("UTC"));
  EXPECT_FALSE(is_time_zone("europe/paris/x"));
}

// A reference that walks minute by minute through instants, with the same rules stated
// differently: an instant fires when its local time matches and is not a repeat; a
// spring-forward transition fires when any local minute it skipped matches.
std::optional<std::int64_t> brute_next(const Cron& c, std::int64_t from_ms, const char* zone_name, int max_minutes) {
  const date::time_zone* z = date::locate_zone(zone_name);
  auto matches = [&](date::local_time<minutes> lt) {
    auto day = floor<date::days>(lt);
    date::year_month_day ymd{day};
    auto hm = lt - day;
    int h = static_cast<int>(duration_cast<hours>(hm).count());
    int m = static_cast<int>((hm - hours(h)).count());
    return (c.minutes >> m & 1) && (c.hours >> h & 1) &&
           c.matches_day(static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                         date::weekday{day}.c_encoding());
  };
  auto s = floor<minutes>(sys_time<milliseconds>(milliseconds(from_ms))) + minutes(1);
  for (int i = 0; i < max_minutes; ++i, s += minutes(1)) {
    auto info = z->get_info(s);
    if (info.begin == s) {
      auto before = z->get_info(s - seconds(1));
      if (before.offset < info.offset) {
        for (auto lt = date::local_time<minutes>{duration_cast<minutes>(s.time_since_epoch() + before.offset)};
             lt < date::local_time<minutes>{duration_cast<minutes>(s.time_since_epoch() + info.offset)};
             lt += minutes(1))
          if (matches(lt)) return duration_cast<milliseconds>(s.time_since_epoch()).count();
      }
    }
    auto lt = date::local_time<minutes>{duration_cast<minutes>(s.time_since_epoch() + info.offset)};
    if (!matches(lt)) continue;
    auto li = z->get_info(lt);
    if (li.result == date::local_info::ambiguous && s >= li.second.begin) continue;  // the repeat
    return duration_cast<milliseconds>(s.time_since_epoch()).count();
  }
  return std::nullopt;
}

TEST(Cron, AgreesWithAMinuteByMinuteReferenceAroundTransitions) {
  const char* minutes_f[] = {"*", "*/15", "0", "30", "0,30", "5-10", "*/7", "59", "45"};
  const char* hours_f[] = {"*", "2", "1-3", "*/2", "0", "23", "2,3", "1"};
  const char* days_f[] = {"*", "1", "15", "*/2", "31", "1-7", "6,7,27"};
  const char* weekdays_f[] = {"*", "SUN", "0", "1-5", "SUN,SAT", "*/3"};
  struct Edge {
    const char* zone;
    const char* utc;
  };
  const Edge edges[] = {{"Europe/Paris", "2024-03-31T00:00"},     {"Europe/Paris", "2024-10-27T00:00"},
                        {"America/New_York", "2024-03-10T06:00"}, {"America/New_York", "2024-11-03T05:00"},
                        {"Australia/Lord_Howe", "2024-10-05T15:00"}, {"Australia/Lord_Howe", "2024-04-06T15:00"},
                        {"UTC", "2024-02-28T12:00"}};
  std::mt19937 rng(20240331);
  auto pick = [&](const auto& arr) { return arr[rng() % std::size(arr)]; };
  const int window = 4 * 24 * 60;
  int compared = 0;
  for (int i = 0; i < 600; ++i) {
    std::string expr = std::string(pick(minutes_f)) + " " + pick(hours_f) + " " + pick(days_f) + " * " + pick(weekdays_f);
    const Edge& e = edges[rng() % std::size(edges)];
    std::int64_t from = at(e.utc) + static_cast<std::int64_t>(rng() % (3 * 3600)) * 1000 - 3600 * 1000;
    Cron c = cron(expr.c_str());
    auto fast = next_after(c, from, e.zone).value();
    auto slow = brute_next(c, from, e.zone, window);
    if (!slow) {
      if (fast) {
        EXPECT_GT(*fast, from + window * 60'000LL) << expr << " in " << e.zone;
      }
      continue;
    }
    ASSERT_TRUE(fast.has_value()) << expr << " in " << e.zone;
    EXPECT_EQ(local(*fast, e.zone), local(*slow, e.zone)) << expr << " in " << e.zone << " from " << local(from, e.zone);
    ++compared;
  }
  EXPECT_GT(compared, 300);
}

TEST(Cron, NextAfterIsFast) {
  struct Case {
    const char* expr;
    const char* zone;
  };
  const Case cases[] = {{"*/5 * * * *", "Europe/Paris"},   {"0 9 * * MON-FRI", "America/New_York"},
                        {"30 2 * * *", "Europe/Paris"},    {"0 0 29 2 *", "UTC"},
                        {"0 0 13 * FRI", "Australia/Lord_Howe"}, {"@monthly", "Asia/Tokyo"}};
  for (const auto& k : cases) {
    Cron c = cron(k.expr);
    std::int64_t t = at("2024-01-01T00:00");
    const int n = 20000;
    auto t0 = steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto r = next_after(c, t, k.zone).value();
      ASSERT_TRUE(r.has_value());
      t = *r;
      if (t > at("2090-01-01T00:00")) t = at("2024-01-01T00:00");
    }
    auto ns = duration_cast<nanoseconds>(steady_clock::now() - t0).count() / n;
    std::printf("next_after(%-22s, %-20s): %lld ns per call\n", k.expr, k.zone, static_cast<long long>(ns));
    EXPECT_LT(ns, 50'000) << k.expr;
  }
}

}  // namespace
}  // namespace krilin::kernel::scheduler
