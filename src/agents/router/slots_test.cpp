// Each slot type on its own: normalisation, numbers with units, dates (incl. zones and
// DST), times, and names against records.
#include "agents/router/slots.h"

#include <gtest/gtest.h>

#include "agents/router/router.h"

namespace krilin::agents::router {
namespace {

using namespace std::chrono;

std::vector<Token> T(std::string_view s) { return tokenize(s, false); }
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  for (auto& t : tokenize(s)) out.push_back(t.word);
  return out;
}
Date day(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / d}; }

TEST(Tokenize, FoldsCaseAccentsPunctuationContractionsAndFillers) {
  EXPECT_EQ(words("Please, LOG my Méditation!!"), (std::vector<std::string>{"log", "my", "meditation"}));
  EXPECT_EQ(words("what’s my streak?"), (std::vector<std::string>{"what", "is", "my", "streak"}));
  EXPECT_EQ(words("whats my streak"), (std::vector<std::string>{"what", "is", "my", "streak"}));
  EXPECT_EQ(words("I didn't run"), (std::vector<std::string>{"i", "did", "not", "run"}));
  EXPECT_EQ(words("can you just remind me at 7pm"), (std::vector<std::string>{"remind", "me", "at", "7", "pm"}));
  EXPECT_EQ(words("i want to log 5km on 2026-12-03 at 19:30"),
            (std::vector<std::string>{"log", "5", "km", "on", "2026-12-03", "at", "19:30"}));
  EXPECT_EQ(words("today's run"), (std::vector<std::string>{"today", "run"}));
  EXPECT_EQ(words("push-ups"), (std::vector<std::string>{"push", "ups"}));
  auto t = tokenize("new habit Read Books");
  EXPECT_EQ(t.back().original, "Books");
  EXPECT_EQ(fold("Straße ÉTÉ œuvre"), "strasse ete oeuvre");
}

TEST(Stem, MeetsTheFormsPeopleType) {
  EXPECT_EQ(stem("running"), stem("run"));
  EXPECT_EQ(stem("runs"), "run");
  EXPECT_EQ(stem("ran"), "run");
  EXPECT_EQ(stem("meditation"), stem("meditate"));
  EXPECT_EQ(stem("meditated"), stem("meditating"));
  EXPECT_EQ(stem("stretches"), stem("stretching"));
  EXPECT_EQ(stem("studied"), stem("studies"));
  EXPECT_EQ(stem("journaling"), stem("journal"));
  EXPECT_EQ(stem("floss"), "floss");
  EXPECT_EQ(stem("jogged"), "jog");
}

TEST(Numbers, WithAndWithoutUnits) {
  auto n = [](std::string_view s, std::vector<std::string> accepted = {}) { return parse_number(T(s), accepted); };
  EXPECT_EQ(n("5")->value, 5);
  EXPECT_EQ(n("2.5")->value, 2.5);
  EXPECT_EQ(n("twenty")->value, 20);
  EXPECT_EQ(n("twenty five")->value, 25);
  auto km = n("5 km");
  ASSERT_TRUE(km);
  EXPECT_EQ(km->unit, "km");
  EXPECT_EQ(n("5km")->unit, "km");
  EXPECT_EQ(n("500 ml")->unit, "ml");
  EXPECT_EQ(n("20 minutes")->unit, "minute");
  EXPECT_EQ(n("an hour")->value, 1);
  EXPECT_EQ(n("an hour")->unit, "hour");
  EXPECT_EQ(n("half an hour")->value, 0.5);
  EXPECT_EQ(n("twice")->value, 2);
  EXPECT_EQ(n("twice")->unit, "time");
  EXPECT_EQ(n("3 times")->unit, "time");
  // "m" is minutes where a slot takes durations, metres where it takes distances.
  EXPECT_EQ(n("20 m", {"second", "minute", "hour"})->unit, "minute");
  EXPECT_EQ(n("400 m", {"km", "meter"})->unit, "meter");
  EXPECT_FALSE(n("5 km", {"minute"}));
  EXPECT_FALSE(n("an"));
  EXPECT_FALSE(n("a"));
  EXPECT_FALSE(n("five apples"));
  EXPECT_FALSE(n("km"));
  EXPECT_FALSE(n(""));
}

TEST(Dates, RelativeWordsWeekdaysAndCalendarDates) {
  const Date wed = day(2026, 12, 2);  // a Wednesday
  auto d = [&](std::string_view s, Direction dir = Direction::past) { return parse_date(T(s), wed, dir); };
  EXPECT_EQ(d("today"), wed);
  EXPECT_EQ(d("this morning"), wed);
  EXPECT_EQ(d("tonight"), wed);
  EXPECT_EQ(d("yesterday"), day(2026, 12, 1));
  EXPECT_EQ(d("last night"), day(2026, 12, 1));
  EXPECT_EQ(d("the day before yesterday"), day(2026, 11, 30));
  EXPECT_EQ(d("tomorrow"), day(2026, 12, 3));
  EXPECT_EQ(d("3 days ago"), day(2026, 11, 29));
  EXPECT_EQ(d("a week ago"), day(2026, 11, 25));
  // Weekdays: the most recent (past) or the next (future), today included; last/next exclude it.
  EXPECT_EQ(d("monday"), day(2026, 11, 30));
  EXPECT_EQ(d("on monday"), day(2026, 11, 30));
  EXPECT_EQ(d("mon"), day(2026, 11, 30));
  EXPECT_EQ(d("monday", Direction::future), day(2026, 12, 7));
  EXPECT_EQ(d("wednesday"), wed);
  EXPECT_EQ(d("wednesday", Direction::future), wed);
  EXPECT_EQ(d("last wednesday"), day(2026, 11, 25));
  EXPECT_EQ(d("next wednesday"), day(2026, 12, 9));
  EXPECT_EQ(d("thursday"), day(2026, 11, 26));
  EXPECT_EQ(d("thursday", Direction::future), day(2026, 12, 3));
  EXPECT_EQ(d("2026-12-03"), day(2026, 12, 3));
  EXPECT_EQ(d("on 2026-02-28"), day(2026, 2, 28));
  EXPECT_FALSE(d("2026-02-30"));
  EXPECT_FALSE(d("2026-13-01"));
  // Month and day: the nearest such day in the slot's direction (across the year end).
  EXPECT_EQ(d("28 november"), day(2026, 11, 28));
  EXPECT_EQ(d("november 28th"), day(2026, 11, 28));
  EXPECT_EQ(d("the 3rd of december"), day(2025, 12, 3));
  EXPECT_EQ(d("dec 3", Direction::future), day(2026, 12, 3));
  EXPECT_EQ(d("jan 5", Direction::future), day(2027, 1, 5));
  EXPECT_FALSE(d("february 30"));
  EXPECT_FALSE(d("someday"));
  EXPECT_FALSE(d("monday tuesday"));
  EXPECT_EQ(format_date(day(2026, 3, 9)), "2026-03-09");
  EXPECT_EQ(describe_date(day(2026, 11, 30), wed), "Monday 30 November");
  EXPECT_EQ(describe_date(day(2025, 12, 3), wed), "Wednesday 3 December 2025");
  EXPECT_EQ(describe_date(wed, wed), "today");
}

TEST(Dates, TodayIsTheUsersLocalDayAcrossZonesAndDst) {
  // 2026-12-02T07:30Z: Wednesday in Paris, still Tuesday in Los Angeles, Wednesday evening in Auckland.
  const std::int64_t t = 1796196600000;
  EXPECT_EQ(local_date(t, "Europe/Paris"), day(2026, 12, 2));
  EXPECT_EQ(local_date(t, "America/Los_Angeles"), day(2026, 12, 1));
  EXPECT_EQ(local_date(t, "Pacific/Auckland"), day(2026, 12, 2));
  EXPECT_EQ(local_date(t + 11 * 3600'000LL, "Pacific/Auckland"), day(2026, 12, 3));  // 07:30+13h = 07:30 NZDT next day
  EXPECT_FALSE(local_date(t, "Mars/Olympus"));
  EXPECT_FALSE(local_date(t, ""));
  // Spring forward in Paris (2026-03-29 02:00 → 03:00): 00:30Z is 01:30 CET, 01:30Z is 03:30 CEST — same day.
  const std::int64_t spring = 1774744200000;  // 2026-03-29T00:30:00Z
  EXPECT_EQ(local_date(spring, "Europe/Paris"), day(2026, 3, 29));
  EXPECT_EQ(local_date(spring + 3600'000, "Europe/Paris"), day(2026, 3, 29));
  // 22:30Z on 28 March is 23:30 CET on the 28th; one hour later it is already the 29th.
  EXPECT_EQ(local_date(spring - 2 * 3600'000, "Europe/Paris"), day(2026, 3, 28));
  EXPECT_EQ(local_date(spring - 3600'000, "Europe/Paris"), day(2026, 3, 29));
  // Fall back in New York (2026-11-01 02:00 EDT → 01:00 EST): 04:30Z is 00:30 EDT on the 1st,
  // 05:30Z is 01:30 EDT, 06:30Z is 01:30 EST — all 1 November; "yesterday" is 31 October.
  const std::int64_t ny = 1793507400000;  // 2026-11-01T04:30:00Z
  for (int h = 0; h < 3; ++h) EXPECT_EQ(local_date(ny + h * 3600'000LL, "America/New_York"), day(2026, 11, 1)) << h;
  EXPECT_EQ(local_date(ny - 3600'000, "America/New_York"), day(2026, 10, 31));  // 23:30 EDT
  const Date today = *local_date(ny + 2 * 3600'000LL, "America/New_York");
  EXPECT_EQ(parse_date(T("yesterday"), today, Direction::past), day(2026, 10, 31));
  EXPECT_EQ(parse_date(T("sunday"), today, Direction::past), day(2026, 11, 1));  // 1 November 2026 is a Sunday
  // The date line: Kiritimati (UTC+14) and Pago Pago (UTC−11) are two calendar days apart.
  EXPECT_EQ(local_date(t, "Pacific/Kiritimati"), day(2026, 12, 2));
  EXPECT_EQ(local_date(t, "Pacific/Pago_Pago"), day(2026, 12, 1));
}

TEST(Times, ClockFormsPeopleUse) {
  auto f = [](std::string_view s) -> std::string {
    auto v = parse_time(T(s));
    return v ? format_time(*v) : "none";
  };
  EXPECT_EQ(f("7pm"), "19:00");
  EXPECT_EQ(f("7 pm"), "19:00");
  EXPECT_EQ(f("7:30pm"), "19:30");
  EXPECT_EQ(f("7.30 pm"), "19:30");
  EXPECT_EQ(f("19:30"), "19:30");
  EXPECT_EQ(f("at 8"), "08:00");
  EXPECT_EQ(f("8 tonight"), "20:00");
  EXPECT_EQ(f("8 in the evening"), "20:00");
  EXPECT_EQ(f("6:45am"), "06:45");
  EXPECT_EQ(f("12 am"), "00:00");
  EXPECT_EQ(f("12pm"), "12:00");
  EXPECT_EQ(f("noon"), "12:00");
  EXPECT_EQ(f("midnight"), "00:00");
  EXPECT_EQ(f("seven pm"), "19:00");
  EXPECT_EQ(f("9 o'clock"), "09:00");
  EXPECT_EQ(f("25:00"), "none");
  EXPECT_EQ(f("13pm"), "none");
  EXPECT_EQ(f("7:60"), "none");
  EXPECT_EQ(f("soon"), "none");
  EXPECT_EQ(describe_time({19, 0}), "7 pm");
  EXPECT_EQ(describe_time({6, 45}), "6:45 am");
  EXPECT_EQ(describe_time({12, 0}), "noon");
}

TEST(Names, MatchTheUsersRecordsForgivinglyButNotAmbiguously) {
  const std::vector<NamedRecord> r{{"1", "Meditation"}, {"2", "Running"},         {"3", "Guitar practice"},
                                   {"4", "Piano practice"}, {"5", "Push-ups"},     {"6", "Étirements"},
                                   {"7", "Drink water"}};
  auto m = [&](std::string_view s) {
    auto x = match_name(T(s), r);
    return x.record ? x.record->id : x.ambiguous ? "ambiguous" : "none";
  };
  EXPECT_EQ(m("meditation"), "1");
  EXPECT_EQ(m("MEDITATION"), "1");
  EXPECT_EQ(m("meditate"), "1");
  EXPECT_EQ(m("meditated"), "1");
  EXPECT_EQ(m("meditaton"), "1");  // a typo
  EXPECT_EQ(m("my run"), "2");
  EXPECT_EQ(m("runs"), "2");
  EXPECT_EQ(m("guitar"), "3");
  EXPECT_EQ(m("practice"), "ambiguous");
  EXPECT_EQ(m("push ups"), "5");
  EXPECT_EQ(m("pushups"), "5");
  EXPECT_EQ(m("etirements"), "6");
  EXPECT_EQ(m("water"), "7");
  EXPECT_EQ(m("yoga"), "none");
  EXPECT_EQ(m("my"), "none");
  EXPECT_EQ(m("run water"), "none");
  EXPECT_DOUBLE_EQ(match_name(T("Meditation"), r).quality, 1.0);
  EXPECT_DOUBLE_EQ(match_name(T("meditate"), r).quality, 0.95);
  // The same name twice is ambiguous too.
  const std::vector<NamedRecord> twice{{"a", "Reading"}, {"b", "reading"}};
  EXPECT_TRUE(match_name(T("reading"), twice).ambiguous);
}

}  // namespace
}  // namespace krilin::agents::router
