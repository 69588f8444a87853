#pragma once
// Cron expressions: parsing five-field expressions and finding their next firing instant
// in an IANA time zone. Pure functions, no I/O; thread-safe (the time-zone database is
// loaded once, on first use, behind a std::call_once inside the date library).
//
// Grammar (Vixie cron, `man 5 crontab`):
//   minute hour day-of-month month day-of-week        separated by spaces or tabs
//   minute 0–59, hour 0–23, day of month 1–31, month 1–12 or JAN–DEC,
//   day of week 0–7 or SUN–SAT (0 and 7 are both Sunday); names are case-insensitive.
//   Each field is a comma list of items; an item is `*`, `n`, `a-b`, `*/s` or `a-b/s`
//   (names allowed for n, a and b). `a/s` is refused (write `a-59/s`): Vixie cron refuses
//   it too, and Quartz reads it differently, so accepting it would surprise someone.
//   Shorthands: @hourly (0 * * * *), @daily and @midnight (0 0 * * *), @weekly (0 0 * * 0),
//   @monthly (0 0 1 * *), @yearly and @annually (0 0 1 1 *). @reboot is refused.
//
// Days (Vixie semantics): when both day-of-month and day-of-week are restricted, a day
// matches when EITHER matches (`0 0 1 * MON` = the 1st and every Monday). A field counts as
// unrestricted when it starts with `*` — so `*/2` is unrestricted and `0 0 */2 * MON` means
// odd days that are Mondays (both must match), exactly as in Vixie cron and cronie.
//
// Errors come back as invalid_input "invalid_cron" whose message names the field and the
// problem, e.g. "field 2 (hour): 25 is out of range 0–23".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "krilin/sdk/result.h"

namespace krilin::kernel::scheduler {

// A parsed expression: one bit per allowed value of each field.
struct Cron {
  std::uint64_t minutes = 0;    // bit m: minute m (0–59)
  std::uint32_t hours = 0;      // bit h: hour h (0–23)
  std::uint32_t days = 0;       // bit d: day of month d (1–31)
  std::uint16_t months = 0;     // bit m: month m (1–12)
  std::uint8_t weekdays = 0;    // bit d: 0 = Sunday … 6 = Saturday
  bool days_star = true;        // the day-of-month field started with `*`
  bool weekdays_star = true;    // the day-of-week field started with `*`
  std::string text;             // the expression as given, trimmed

  // Whether a civil date matches the day fields (month, and day-of-month/day-of-week
  // combined per the Vixie rule above). weekday: 0 = Sunday.
  bool matches_day(unsigned month, unsigned day, unsigned weekday) const;
};

// Parses `text` (at most 256 characters). Never throws on bad input.
Result<Cron> parse_cron(std::string_view text);

// Whether `name` is a time zone of the IANA database on this machine ("Europe/Paris",
// "UTC"…).
bool is_time_zone(std::string_view name);

// The first instant (Unix ms) strictly after `unix_ms` at which `cron` fires, with its
// fields read as wall-clock time in `time_zone`:
// - a matching local time that does not exist (the gap of a spring-forward transition)
//   fires at the first instant after the gap (the transition itself), once however many
//   matching times the gap swallowed — as Vixie cron and systemd do;
// - a matching local time that occurs twice (fall back) fires once, at its first
//   occurrence.
// The search skips by fields (months, days, hours, minutes), so a call costs well under
// a microsecond for everyday expressions. An expression that never fires (`0 0 30 2 *`)
// answers std::nullopt after searching 400 years — the period of the Gregorian calendar,
// so nothing later could match either — and so does a search that passes year 9999 or
// starts outside years 1–9999.
// An unknown time zone answers invalid_input "invalid_time_zone".
//
// Known limit: Debian's date library reads the zone files' explicit transitions, which end
// in 2037; after that it applies the last offset without DST.
Result<std::optional<std::int64_t>> next_after(const Cron& cron, std::int64_t unix_ms, std::string_view time_zone);

}  // namespace krilin::kernel::scheduler
