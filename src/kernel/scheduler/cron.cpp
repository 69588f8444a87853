#include "kernel/scheduler/cron.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <stdexcept>
#include <vector>

#include <date/tz.h>

namespace krilin::kernel::scheduler {

using namespace std::chrono;

namespace {

struct Field {
  const char* label;  // "field 2 (hour)"
  int low, high;      // the accepted numbers (day of week: 0–7)
  const char* const* names;  // names for low.. (month: JAN = 1; day of week: SUN = 0), or null
  int name_count;
  int name_base;      // the number of names[0]
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr std::array<Field, 5> kFields = {{
    {"field 1 (minute)", 0, 59, nullptr, 0, 0},
    {"field 2 (hour)", 0, 23, nullptr, 0, 0},
    {"field 3 (day of month)", 1, 31, nullptr, 0, 0},
    {"field 4 (month)", 1, 12, kMonthNames, 12, 1},
    {"field 5 (day of week)", 0, 7, kDayNames, 7, 0},
}};

constexpr std::size_t kMaxLength = 256;
constexpr int kSearchYears = 400;  // the Gregorian calendar repeats every 400 years
constexpr int kLastYear = 9999;

Error bad(std::string message) { return Error::invalid("invalid_cron", std::move(message)); }

std::string range_text(const Field& f) {
  // An en dash, as people write ranges; the field's own range.
  return std::to_string(f.low) + "\xE2\x80\x93" + std::to_string(f.high);
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// One value of an item: a number or (where the field has them) a name.
Result<int> parse_value(const Field& f, std::string_view s) {
  if (s.empty()) return bad(std::string(f.label) + ": a value is missing");
  if (s[0] >= '0' && s[0] <= '9') {
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return bad(std::string(f.label) + ": '" + std::string(s) + "' is not a number");
      if (v > 1000) continue;  // stays out of range; no overflow
      v = v * 10 + (c - '0');
    }
    if (v < f.low || v > f.high)
      return bad(std::string(f.label) + ": " + std::string(s) + " is out of range " + range_text(f));
    return v;
  }
  if (!f.names) return bad(std::string(f.label) + ": '" + std::string(s) + "' is not a number");
  if (s.size() == 3) {
    for (int i = 0; i < f.name_count; ++i) {
      const char* n = f.names[i];
      if (upper(s[0]) == n[0] && upper(s[1]) == n[1] && upper(s[2]) == n[2]) return f.name_base + i;
    }
  }
  return bad(std::string(f.label) + ": unknown name '" + std::string(s) + "' (use " +
             (f.name_base == 1 ? "JAN–DEC" : "SUN–SAT") + " or a number)");
}

// One comma-separated item: `*`, `n`, `a-b`, `*/s`, `a-b/s`. Sets bits of `out`.
Result<void> parse_item(const Field& f, std::string_view item, std::uint64_t& out) {
  if (item.empty()) return bad(std::string(f.label) + ": an empty list item");
  for (char c : item) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' || c == '-' ||
              c == '/';
    if (!ok) return bad(std::string(f.label) + ": unexpected character '" + std::string(1, c) + "'");
  }
  std::string_view range = item, step_text;
  bool has_step = false;
  if (auto slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    step_text = item.substr(slash + 1);
    has_step = true;
  }
  int a = f.low, b = f.high;
  if (range == "*") {
    // every value; for day of week, 0–6 (7 would repeat Sunday)
    if (f.high == 7) b = 6;
  } else {
    auto dash = range.find('-');
    if (dash == std::string_view::npos) {
      if (has_step)
        return bad(std::string(f.label) + ": a step needs * or a range before it (write '" + std::string(range) + "-" +
                   std::to_string(f.high) + "/" + std::string(step_text) + "' for '" + std::string(item) + "')");
      auto v = parse_value(f, range);
      if (!v) return v.error();
      a = b = *v;
    } else {
      auto first = parse_value(f, range.substr(0, dash));
      if (!first) return first.error();
      auto last = parse_value(f, range.substr(dash + 1));
      if (!last) return last.error();
      a = *first;
      b = *last;
      if (a > b) {
        std::string hint = f.high == 7 && b == 0 ? " (write " + std::to_string(a) + "-7 to end on Sunday)" : "";
        return bad(std::string(f.label) + ": range " + std::string(range) + " is backwards" + hint);
      }
    }
  }
  int step = 1;
  if (has_step) {
    const int span = (f.high == 7 ? 7 : f.high - f.low + 1);
    std::string_view s = step_text;
    if (s.empty() || s.size() > 4)
      return bad(std::string(f.label) + ": step '" + std::string(s) + "' is out of range 1\xE2\x80\x93" +
                 std::to_string(span));
    step = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return bad(std::string(f.label) + ": step '" + std::string(s) + "' is not a number");
      step = step * 10 + (c - '0');
    }
    if (step < 1 || step > span)
      return bad(std::string(f.label) + ": step " + std::string(s) + " is out of range 1\xE2\x80\x93" +
                 std::to_string(span));
  }
  for (int v = a; v <= b; v += step) out |= std::uint64_t{1} << (f.high == 7 ? v % 7 : v);
  return {};
}

Result<std::uint64_t> parse_field(const Field& f, std::string_view text) {
  std::uint64_t bits = 0;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (auto r = parse_item(f, item, bits); !r) return r.error();
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The lowest set bit at or above `from` (up to `to`), or -1.
int next_bit(std::uint64_t bits, int from, int to) {
  if (from > to || from > 63) return -1;
  std::uint64_t rest = bits >> from;
  if (!rest) return -1;
  int v = from + std::countr_zero(rest);
  return v <= to ? v : -1;
}

using LocalMinutes = date::local_time<minutes>;

// The first local minute at or after `start` whose civil fields match, searching up to
// kSearchYears years ahead (and not past kLastYear).
std::optional<LocalMinutes> next_match(const Cron& c, LocalMinutes start) {
  const auto start_day = floor<date::days>(start);
  const date::year_month_day ymd{start_day};
  int y = static_cast<int>(ymd.year());
  int mo = static_cast<int>(static_cast<unsigned>(ymd.month()));
  int d = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const auto in_day = start - start_day;
  int h = static_cast<int>(duration_cast<hours>(in_day).count());
  int mi = static_cast<int>((in_day - hours(h)).count());
  const int limit = std::min(y + kSearchYears, kLastYear);
  // When the weekday does not take part, days can be skipped by their bits.
  const bool dom_only = !c.days_star && c.weekdays_star && c.weekdays == 0x7F;
  auto next_month = [&] {
    d = 1, h = 0, mi = 0;
    if (++mo > 12) mo = 1, ++y;
  };
  while (y <= limit) {
    if (!(c.months >> mo & 1)) {
      int m = next_bit(c.months, mo + 1, 12);
      if (m < 0) {
        ++y;
        m = next_bit(c.months, 1, 12);
      }
      mo = m, d = 1, h = 0, mi = 0;
      continue;
    }
    const auto ym = date::year{y} / date::month{static_cast<unsigned>(mo)};
    const int dim = static_cast<int>(static_cast<unsigned>((ym / date::last).day()));
    if (dom_only) {
      int nd = next_bit(c.days, d, dim);
      if (nd < 0) {
        next_month();
        continue;
      }
      if (nd != d) d = nd, h = 0, mi = 0;
    } else {
      if (d > dim) {
        next_month();
        continue;
      }
      const unsigned wd = date::weekday{date::sys_days{ym / date::day{static_cast<unsigned>(d)}}}.c_encoding();
      if (!c.matches_day(static_cast<unsigned>(mo), static_cast<unsigned>(d), wd)) {
        ++d, h = 0, mi = 0;
        continue;
      }
    }
    int nh = next_bit(c.hours, h, 23);
    if (nh < 0) {
      ++d, h = 0, mi = 0;
      continue;
    }
    if (nh != h) h = nh, mi = 0;
    int nm = next_bit(c.minutes, mi, 59);
    if (nm < 0) {
      mi = 0;
      if (++h > 23) ++d, h = 0;
      continue;
    }
    return LocalMinutes{date::local_days{ym / date::day{static_cast<unsigned>(d)}}.time_since_epoch() + hours(h) +
                        minutes(nm)};
  }
  return std::nullopt;
}

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  try {
    return date::locate_zone(std::string(name));
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

}  // namespace

bool Cron::matches_day(unsigned month, unsigned day, unsigned weekday) const {
  if (!(months >> month & 1)) return false;
  const bool dom = days >> day & 1;
  const bool dow = weekdays >> weekday & 1;
  return (days_star || weekdays_star) ? (dom && dow) : (dom || dow);
}

Result<Cron> parse_cron(std::string_view input) {
  if (input.size() > kMaxLength)
    return bad("a cron expression is at most " + std::to_string(kMaxLength) + " characters");
  std::string_view text = trim(input);
  if (text.empty()) return bad("the cron expression is empty");
  std::string expanded;
  if (text[0] == '@') {
    const std::string name = lower(text);
    if (name == "@hourly") expanded = "0 * * * *";
    else if (name == "@daily" || name == "@midnight") expanded = "0 0 * * *";
    else if (name == "@weekly") expanded = "0 0 * * 0";
    else if (name == "@monthly") expanded = "0 0 1 * *";
    else if (name == "@yearly" || name == "@annually") expanded = "0 0 1 1 *";
    else if (name == "@reboot") return bad("@reboot is not supported: a schedule needs times");
    else
      return bad("unknown shorthand '" + std::string(text) +
                 "' (use @hourly, @daily, @weekly, @monthly, @yearly or five fields)");
  }
  std::string_view fields_text = expanded.empty() ? text : std::string_view(expanded);
  std::vector<std::string_view> parts;
  for (std::size_t i = 0; i < fields_text.size();) {
    if (is_space(fields_text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < fields_text.size() && !is_space(fields_text[j])) ++j;
    parts.push_back(fields_text.substr(i, j - i));
    i = j;
  }
  if (parts.size() != 5)
    return bad("expected 5 fields (minute hour day-of-month month day-of-week), got " + std::to_string(parts.size()));
  std::array<std::uint64_t, 5> bits{};
  for (std::size_t i = 0; i < 5; ++i) {
    auto r = parse_field(kFields[i], parts[i]);
    if (!r) return r.error();
    bits[i] = *r;
  }
  Cron c;
  c.minutes = bits[0];
  c.hours = static_cast<std::uint32_t>(bits[1]);
  c.days = static_cast<std::uint32_t>(bits[2]);
  c.months = static_cast<std::uint16_t>(bits[3]);
  c.weekdays = static_cast<std::uint8_t>(bits[4]);
  c.days_star = parts[2][0] == '*';
  c.weekdays_star = parts[4][0] == '*';
  c.text = std::string(text);
  return c;
}

bool is_time_zone(std::string_view name) { return find_zone(name) != nullptr; }

Result<std::optional<std::int64_t>> next_after(const Cron& cron, std::int64_t unix_ms, std::string_view time_zone) {
  const date::time_zone* zone = find_zone(time_zone);
  if (!zone) return Error::invalid("invalid_time_zone", "unknown time zone '" + std::string(time_zone) + "'");
  // Years 1–9999 only: far outside them the arithmetic below could overflow.
  constexpr std::int64_t kFirstMs = -62'135'596'800'000, kLastMs = 253'402'300'799'999;
  if (unix_ms < kFirstMs || unix_ms > kLastMs) return std::optional<std::int64_t>{};
  using SysMs = sys_time<milliseconds>;
  const SysMs t{milliseconds(unix_ms)};
  // Local times map to instants by f: unique → itself, in a gap → the transition, twice →
  // the first occurrence. f never decreases, so the answer is f of the first matching
  // local minute whose f lies after t. Every local minute before the one after t's local
  // minute maps at or before t; only the repeated hour (when t is in its second pass) can
  // still map before t, and then the search goes on from the end of that hour.
  const LocalMinutes local_t = floor<minutes>(zone->to_local(t));
  LocalMinutes start = local_t + minutes(1);
  for (int guard = 0; guard < 64; ++guard) {
    auto match = next_match(cron, start);
    if (!match) return std::optional<std::int64_t>{};
    const date::local_info li = zone->get_info(*match);
    SysMs fire;
    if (li.result == date::local_info::nonexistent) {
      fire = SysMs{li.second.begin};
    } else {
      fire = SysMs{match->time_since_epoch() - li.first.offset};
    }
    if (fire > t) return std::optional<std::int64_t>{fire.time_since_epoch().count()};
    start = *match + minutes(1);
    if (li.result == date::local_info::ambiguous) {
      const auto overlap_end = floor<minutes>(LocalMinutes{} + (li.first.end.time_since_epoch() + li.first.offset));
      if (overlap_end > start) start = overlap_end;
    }
  }
  return std::optional<std::int64_t>{};
}

}  // namespace krilin::kernel::scheduler
