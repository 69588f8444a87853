#include "streaks.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

#include <date/tz.h>

namespace krilin::apps::habits {

using namespace std::chrono;

bool Schedule::due(Date d) const {
  if (daily) return true;
  return weekdays[weekday(d).c_encoding()];
}

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](std::size_t from, std::size_t n, auto& out) {
    auto [p, ec] = std::from_chars(s.data() + from, s.data() + from + n, out);
    return ec == std::errc() && p == s.data() + from + n;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  year_month_day ymd{year{y}, month{m}, day{d}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::optional<Date> local_date(std::int64_t unix_ms, std::string_view time_zone) {
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(time_zone));
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  auto local = zone->to_local(time_point<system_clock, milliseconds>(milliseconds(unix_ms)));
  auto day = floor<date::days>(local);
  return Date{days{day.time_since_epoch().count()}};
}

Streak calculate_streak(const Schedule& schedule, std::vector<Date> completions, Date today) {
  // Completions that count: due, not in the future, once per day; oldest first.
  std::erase_if(completions, [&](Date d) { return d > today || !schedule.due(d); });
  std::sort(completions.begin(), completions.end());
  completions.erase(std::unique(completions.begin(), completions.end()), completions.end());
  Streak s;
  if (completions.empty()) return s;

  auto previous_due = [&](Date d) {
    do d -= days{1};
    while (!schedule.due(d));
    return d;
  };
  // Best: runs of completions with no due day missed between them.
  int run = 0;
  std::optional<Date> last;
  for (Date d : completions) {
    run = (last && previous_due(d) == *last) ? run + 1 : 1;
    s.best = std::max(s.best, run);
    last = d;
  }
  // Current: back from today; an open today (due, not yet done) does not break it.
  Date cursor = today;
  if (!schedule.due(cursor) || !std::binary_search(completions.begin(), completions.end(), cursor))
    cursor = previous_due(cursor);
  while (std::binary_search(completions.begin(), completions.end(), cursor)) {
    ++s.current;
    cursor = previous_due(cursor);
  }
  return s;
}

}  // namespace krilin::apps::habits
