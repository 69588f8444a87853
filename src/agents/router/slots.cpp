#include "agents/router/slots.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include <date/tz.h>

#include "agents/router/router.h"

namespace krilin::agents::router {
namespace {

using namespace std::chrono;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80; }
bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

// Latin-1 supplement and the common Latin Extended-A letters, folded to ASCII.
std::string_view fold_code_point(char32_t c) {
  static const std::map<char32_t, std::string_view> table = [] {
    std::map<char32_t, std::string_view> t;
    auto put = [&](std::u32string_view from, std::string_view to) {
      for (char32_t x : from) t[x] = to;
    };
    put(U"àáâãäåāăąÀÁÂÃÄÅĀĂĄ", "a");
    put(U"çćčÇĆČ", "c");
    put(U"ďđĎĐ", "d");
    put(U"èéêëēėęěÈÉÊËĒĖĘĚ", "e");
    put(U"ğĞ", "g");
    put(U"ìíîïīįıÌÍÎÏĪĮİ", "i");
    put(U"łŁ", "l");
    put(U"ñńňÑŃŇ", "n");
    put(U"òóôõöøōőÒÓÔÕÖØŌŐ", "o");
    put(U"řŘ", "r");
    put(U"śšşŚŠŞ", "s");
    put(U"ťţŤŢ", "t");
    put(U"ùúûüūůűųÙÚÛÜŪŮŰŲ", "u");
    put(U"ýÿÝŸ", "y");
    put(U"źżžŹŻŽ", "z");
    put(U"æÆ", "ae");
    put(U"œŒ", "oe");
    put(U"ß", "ss");
    put(U"‘’‛′", "'");
    put(U"“”„″", "\"");
    put(U"–—―…", " ");
    return t;
  }();
  auto it = table.find(c);
  return it == table.end() ? std::string_view() : it->second;
}

// One UTF-8 code point at s[i] (advances i); invalid bytes come back as themselves.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return b;
  }
  char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  i += static_cast<std::size_t>(len);
  return c;
}

const std::set<std::string, std::less<>>& light_words() {
  static const std::set<std::string, std::less<>> w{"my", "the", "a", "an", "of", "for", "to", "on", "in", "at", "is",
                                                    "are", "me", "i", "it", "do", "am", "be", "so", "far", "now",
                                                    "your", "with", "up", "any", "all", "yet", "some", "please", "and"};
  return w;
}

// Multi-word fillers dropped from messages (after contractions are expanded).
const std::vector<std::vector<std::string>>& fillers() {
  static const std::vector<std::vector<std::string>> f{
      {"i", "would", "like", "to"}, {"go", "ahead", "and"}, {"i", "want", "to"}, {"can", "you"},
      {"could", "you"}, {"would", "you"}, {"will", "you"}, {"thank", "you"}, {"for", "me"}, {"real", "quick"},
      {"i", "wanna"}, {"please"}, {"pls"}, {"plz"}, {"hey"}, {"hi"}, {"hello"}, {"ok"}, {"okay"}, {"thanks"},
      {"thx"}, {"just"}, {"kindly"}, {"quickly"}, {"krilin"}, {"oops"}, {"sorry"}};
  return f;
}

// Contractions and their apostrophe-less typos.
std::vector<std::string> expand(const std::string& w) {
  static const std::map<std::string, std::vector<std::string>, std::less<>> whole{
      {"whats", {"what", "is"}}, {"hows", {"how", "is"}},   {"im", {"i", "am"}},       {"dont", {"do", "not"}},
      {"didnt", {"did", "not"}}, {"cant", {"can", "not"}},  {"cannot", {"can", "not"}}, {"doesnt", {"does", "not"}},
      {"isnt", {"is", "not"}},   {"havent", {"have", "not"}}, {"wasnt", {"was", "not"}}, {"wanna", {"want", "to"}},
      {"won't", {"will", "not"}}, {"can't", {"can", "not"}}, {"let's", {"let", "us"}},  {"ive", {"i", "have"}}};
  if (auto it = whole.find(w); it != whole.end()) return it->second;
  const auto apos = w.find('\'');
  if (apos == std::string::npos) return {w};
  const std::string head = w.substr(0, apos), tail = w.substr(apos + 1);
  if (tail == "t" && head.size() > 1 && head.back() == 'n') return {head.substr(0, head.size() - 1), "not"};
  if (tail == "m") return {head, "am"};
  if (tail == "re") return {head, "are"};
  if (tail == "ve") return {head, "have"};
  if (tail == "ll") return {head, "will"};
  if (tail == "d") return {head, "would"};
  if (tail == "s") {
    static const std::set<std::string, std::less<>> is{"what", "it", "that", "how", "where", "who", "there", "here", "when", "why"};
    if (is.contains(head)) return {head, "is"};
    return {head};  // possessive: "today's" → "today"
  }
  std::string joined = head + tail;
  return {joined};
}

}  // namespace

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    const char32_t c = next_code_point(s, i);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      continue;
    }
    if (auto f = fold_code_point(c); !f.empty()) out += f;
    else out.append(s.substr(start, i - start));
  }
  return out;
}

std::vector<Token> tokenize(std::string_view message, bool drop_fillers) {
  // Keep-case and folded text share the splitting rules; fold per piece.
  std::vector<std::string> pieces;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) pieces.push_back(std::move(cur));
    cur.clear();
  };
  std::string text;
  // Typographic quotes and dashes first, so that "’" is an apostrophe.
  for (std::size_t i = 0; i < message.size();) {
    const std::size_t start = i;
    const char32_t c = next_code_point(message, i);
    auto f = c >= 0x80 ? fold_code_point(c) : std::string_view();
    if (f == "'" || f == "\"" || f == " ") text += f;
    else text.append(message.substr(start, i - start));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char prev = i > 0 ? text[i - 1] : ' ', next = i + 1 < text.size() ? text[i + 1] : ' ';
    if (is_alpha(c) || is_digit(c)) {
      // "5km" → "5" "km"; "7pm" → "7" "pm"; letters then digits likewise.
      if (!cur.empty() && ((is_digit(c) && is_alpha(cur.back())) || (is_alpha(c) && is_digit(cur.back())))) flush();
      cur.push_back(c);
    } else if ((c == ':' || c == '.' || c == '-' || c == '/') && is_digit(prev) && is_digit(next) && !cur.empty()) {
      cur.push_back(c);
    } else if (c == '\'' && is_alpha(prev) && is_alpha(next) && !cur.empty()) {
      cur.push_back(c);
    } else {
      flush();
    }
  }
  flush();

  std::vector<Token> tokens;
  for (const auto& p : pieces) {
    const std::string w = fold(p);
    auto words = expand(w);
    if (words.size() == 1 && words[0] == w) tokens.push_back({w, p});
    else
      for (auto& x : words) tokens.push_back({x, x});
  }
  if (!drop_fillers) return tokens;
  std::vector<Token> out;
  for (std::size_t i = 0; i < tokens.size();) {
    bool dropped = false;
    for (const auto& f : fillers()) {
      if (i + f.size() > tokens.size()) continue;
      bool same = true;
      for (std::size_t k = 0; k < f.size() && same; ++k) same = tokens[i + k].word == f[k];
      if (same) {
        i += f.size();
        dropped = true;
        break;
      }
    }
    if (!dropped) out.push_back(tokens[i++]);
  }
  return out;
}

bool is_light(std::string_view word) { return light_words().contains(word); }

std::string stem(std::string_view word) {
  static const std::map<std::string, std::string, std::less<>> irregular{
      {"ran", "run"}, {"swam", "swim"}, {"rode", "rid"}, {"wrote", "writ"}, {"did", "do"}, {"went", "go"},
      {"drank", "drink"}, {"ate", "eat"}, {"slept", "sleep"}, {"meditation", "medit"}, {"read", "read"}};
  if (auto it = irregular.find(word); it != irregular.end()) return it->second;
  std::string w(word);
  auto ends = [&](std::string_view suf) { return w.size() >= suf.size() && w.compare(w.size() - suf.size(), suf.size(), suf) == 0; };
  auto cut = [&](std::size_t n, std::string_view add = "") {
    w.resize(w.size() - n);
    w += add;
  };
  if (w.size() <= 3) return w;
  // Plurals and third persons.
  if (ends("ies") && w.size() > 4) cut(3, "y");
  else if (ends("sses")) cut(2);
  else if (ends("ches") || ends("shes") || ends("xes") || ends("zes")) cut(2);
  else if (ends("s") && !ends("ss") && !ends("us") && !ends("is")) cut(1);
  // Verb and noun endings; the rest must keep three letters.
  auto strip = [&](std::string_view suf) {
    if (ends(suf) && w.size() >= suf.size() + 3) {
      cut(suf.size());
      return true;
    }
    return false;
  };
  if (strip("ations") || strip("ation") || strip("ating") || strip("ated") || strip("ate")) {
  } else if (ends("ied") && w.size() > 4) {
    cut(3, "y");
  } else if (strip("ing") || strip("ed")) {
    // "runn" → "run", "jogg" → "jog"; but "floss", "stretch" keep theirs.
    if (w.size() >= 3 && w[w.size() - 1] == w[w.size() - 2] && std::string_view("aeiouslz").find(w.back()) == std::string_view::npos) cut(1);
  }
  if (w.size() > 3 && w.back() == 'e') cut(1);
  return w;
}

int edit_distance(std::string_view a, std::string_view b, int cap) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > cap) return cap + 1;
  std::vector<int> prev(static_cast<std::size_t>(m + 1)), cur(static_cast<std::size_t>(m + 1));
  for (int j = 0; j <= m; ++j) prev[static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= n; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= m; ++j) {
      const auto J = static_cast<std::size_t>(j);
      const int sub = prev[J - 1] + (a[static_cast<std::size_t>(i - 1)] == b[J - 1] ? 0 : 1);
      cur[J] = std::min({prev[J] + 1, cur[J - 1] + 1, sub});
      row_min = std::min(row_min, cur[J]);
    }
    if (row_min > cap) return cap + 1;
    std::swap(prev, cur);
  }
  return std::min(prev[static_cast<std::size_t>(m)], cap + 1);
}

// ---- numbers ------------------------------------------------------------------------
namespace {

std::optional<double> number_word(std::string_view w) {
  static const std::map<std::string, double, std::less<>> words{
      {"zero", 0},     {"one", 1},       {"two", 2},        {"three", 3},     {"four", 4},     {"five", 5},
      {"six", 6},      {"seven", 7},     {"eight", 8},      {"nine", 9},      {"ten", 10},     {"eleven", 11},
      {"twelve", 12},  {"thirteen", 13}, {"fourteen", 14},  {"fifteen", 15},  {"sixteen", 16}, {"seventeen", 17},
      {"eighteen", 18}, {"nineteen", 19}, {"twenty", 20},   {"thirty", 30},   {"forty", 40},   {"fifty", 50},
      {"sixty", 60},   {"ninety", 90},   {"hundred", 100},  {"couple", 2},    {"few", 3},      {"several", 3}};
  if (auto it = words.find(w); it != words.end()) return it->second;
  if (w.empty() || w.size() > 12) return std::nullopt;
  if (!is_digit(w.front()) || !is_digit(w.back())) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size()) return std::nullopt;
  return v;
}

// Unit aliases → the canonical units they may mean, most likely first.
const std::map<std::string, std::vector<std::string>, std::less<>>& unit_aliases() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> u{
      {"s", {"second"}}, {"sec", {"second"}}, {"secs", {"second"}}, {"second", {"second"}}, {"seconds", {"second"}},
      {"m", {"minute", "meter"}}, {"min", {"minute"}}, {"mins", {"minute"}}, {"minute", {"minute"}},
      {"minutes", {"minute"}}, {"h", {"hour"}}, {"hr", {"hour"}}, {"hrs", {"hour"}}, {"hour", {"hour"}},
      {"hours", {"hour"}}, {"d", {"day"}}, {"day", {"day"}}, {"days", {"day"}}, {"week", {"week"}},
      {"weeks", {"week"}}, {"wk", {"week"}}, {"wks", {"week"}}, {"month", {"month"}}, {"months", {"month"}},
      {"km", {"km"}}, {"kms", {"km"}}, {"k", {"km"}}, {"kilometer", {"km"}}, {"kilometers", {"km"}},
      {"kilometre", {"km"}}, {"kilometres", {"km"}}, {"mi", {"mile"}}, {"mile", {"mile"}}, {"miles", {"mile"}},
      {"meter", {"meter"}}, {"meters", {"meter"}}, {"metre", {"meter"}}, {"metres", {"meter"}},
      {"ml", {"ml"}}, {"milliliter", {"ml"}}, {"milliliters", {"ml"}}, {"millilitre", {"ml"}},
      {"millilitres", {"ml"}}, {"l", {"liter"}}, {"liter", {"liter"}}, {"liters", {"liter"}},
      {"litre", {"liter"}}, {"litres", {"liter"}}, {"glass", {"glass"}}, {"glasses", {"glass"}},
      {"cup", {"cup"}}, {"cups", {"cup"}}, {"page", {"page"}}, {"pages", {"page"}}, {"step", {"step"}},
      {"steps", {"step"}}, {"rep", {"rep"}}, {"reps", {"rep"}}, {"time", {"time"}}, {"times", {"time"}},
      {"pushups", {"rep"}}, {"kg", {"kg"}}, {"kcal", {"kcal"}}, {"calories", {"kcal"}}};
  return u;
}

std::optional<std::string> unit_of(std::string_view w, const std::vector<std::string>& accepted) {
  auto it = unit_aliases().find(w);
  if (it == unit_aliases().end()) return std::nullopt;
  for (const auto& u : it->second)
    if (accepted.empty() || std::find(accepted.begin(), accepted.end(), u) != accepted.end()) return u;
  return std::nullopt;
}

}  // namespace

std::optional<NumberValue> parse_number(std::span<const Token> t, const std::vector<std::string>& accepted) {
  if (t.empty() || t.size() > 4) return std::nullopt;
  auto word = [&](std::size_t i) -> std::string_view { return t[i].word; };
  // once / twice / thrice
  if (t.size() == 1) {
    if (word(0) == "once") return NumberValue{1, accepted.empty() || unit_of("times", accepted) ? "time" : ""};
    if (word(0) == "twice") return NumberValue{2, accepted.empty() || unit_of("times", accepted) ? "time" : ""};
    if (word(0) == "thrice") return NumberValue{3, accepted.empty() || unit_of("times", accepted) ? "time" : ""};
  }
  // "half an hour", "half a day"
  if (t.size() == 3 && word(0) == "half" && (word(1) == "an" || word(1) == "a"))
    if (auto u = unit_of(word(2), accepted)) return NumberValue{0.5, *u};
  std::size_t i = 0;
  std::optional<double> v;
  if (word(0) == "a" || word(0) == "an") {
    if (t.size() < 2) return std::nullopt;
    v = 1;  // "an hour": only with a unit
    i = 1;
    if (word(1) == "couple" || word(1) == "few") {
      v = number_word(word(1));
      i = 2;
      if (i < t.size() && word(i) == "of") ++i;
    }
    if (i >= t.size()) return std::nullopt;
  } else {
    v = number_word(word(0));
    if (!v) return std::nullopt;
    i = 1;
    // "twenty five"
    if (*v >= 20 && *v < 100 && std::fmod(*v, 10) == 0 && i < t.size())
      if (auto units = number_word(word(i)); units && *units < 10 && *units >= 1) {
        *v += *units;
        ++i;
      }
  }
  if (i == t.size()) {
    if (word(0) == "a" || word(0) == "an") return std::nullopt;
    return NumberValue{*v, ""};
  }
  if (i + 1 != t.size()) return std::nullopt;
  auto u = unit_of(word(i), accepted);
  if (!u) return std::nullopt;
  return NumberValue{*v, *u};
}

// ---- dates --------------------------------------------------------------------------
std::optional<Date> local_date(std::int64_t unix_ms, std::string_view time_zone) {
  if (time_zone.empty() || time_zone.size() > 64) return std::nullopt;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(std::string(time_zone));
  } catch (const std::runtime_error&) {
    return std::nullopt;
  }
  auto local = zone->to_local(time_point<system_clock, milliseconds>(milliseconds(unix_ms)));
  return Date{days{floor<date::days>(local).time_since_epoch().count()}};
}

namespace {

std::optional<unsigned> weekday_of(std::string_view w) {
  static const std::map<std::string, unsigned, std::less<>> d{
      {"sunday", 0}, {"sun", 0}, {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tue", 2}, {"tues", 2},
      {"wednesday", 3}, {"wed", 3}, {"thursday", 4}, {"thu", 4}, {"thur", 4}, {"thurs", 4}, {"friday", 5},
      {"fri", 5}, {"saturday", 6}, {"sat", 6}, {"sundays", 0}, {"mondays", 1}, {"tuesdays", 2},
      {"wednesdays", 3}, {"thursdays", 4}, {"fridays", 5}, {"saturdays", 6}};
  auto it = d.find(w);
  if (it == d.end()) return std::nullopt;
  return it->second;
}

std::optional<unsigned> month_of(std::string_view w) {
  static const std::map<std::string, unsigned, std::less<>> m{
      {"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"mar", 3}, {"april", 4},
      {"apr", 4}, {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7}, {"august", 8}, {"aug", 8},
      {"september", 9}, {"sep", 9}, {"sept", 9}, {"october", 10}, {"oct", 10}, {"november", 11}, {"nov", 11},
      {"december", 12}, {"dec", 12}};
  auto it = m.find(w);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::optional<unsigned> day_number(std::span<const Token> t, std::size_t& i) {
  if (i >= t.size() || !all_digits(t[i].word) || t[i].word.size() > 2) return std::nullopt;
  const unsigned d = static_cast<unsigned>(std::stoi(t[i].word));
  ++i;
  if (i < t.size() && (t[i].word == "st" || t[i].word == "nd" || t[i].word == "rd" || t[i].word == "th")) ++i;
  if (d < 1 || d > 31) return std::nullopt;
  return d;
}

std::optional<Date> iso_date(std::string_view s) {
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

// A month and day without a year: the nearest such date in the slot's direction.
std::optional<Date> month_day(unsigned m, unsigned d, Date today, Direction dir) {
  const int y = static_cast<int>(year_month_day{today}.year());
  for (int k = 0; k <= 1; ++k) {
    const int yy = dir == Direction::past ? y - k : y + k;
    year_month_day ymd{year{yy}, month{m}, day{d}};
    if (!ymd.ok()) continue;
    const Date x{ymd};
    if (dir == Direction::past ? x <= today : x >= today) return x;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Date> parse_date(std::span<const Token> t, Date today, Direction dir) {
  std::vector<std::string> w;
  for (const auto& x : t) w.push_back(x.word);
  // Leading "on" / "for" / "from" say nothing about the day.
  std::size_t s = 0;
  while (s < w.size() && (w[s] == "on" || w[s] == "for" || w[s] == "from")) ++s;
  w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(s));
  if (w.empty() || w.size() > 5) return std::nullopt;
  auto is = [&](std::initializer_list<std::string_view> words) {
    if (words.size() != w.size()) return false;
    std::size_t i = 0;
    for (auto x : words)
      if (w[i++] != x) return false;
    return true;
  };
  if (is({"today"}) || is({"tonight"}) || is({"this", "morning"}) || is({"this", "afternoon"}) ||
      is({"this", "evening"}) || is({"earlier", "today"}) || is({"today", "morning"}))
    return today;
  if (is({"yesterday"}) || is({"yday"}) || is({"yest"}) || is({"last", "night"}) || is({"yesterday", "morning"}) ||
      is({"yesterday", "evening"}) || is({"yesterday", "afternoon"}))
    return today - days{1};
  if (is({"the", "day", "before", "yesterday"}) || is({"day", "before", "yesterday"})) return today - days{2};
  if (is({"tomorrow"}) || is({"tmrw"}) || is({"tmr"}) || is({"tomorrow", "morning"}) || is({"tomorrow", "evening"}))
    return today + days{1};
  if (is({"the", "day", "after", "tomorrow"}) || is({"day", "after", "tomorrow"})) return today + days{2};
  if (w.size() == 1)
    if (auto d = iso_date(w[0])) return *d;
  // "3 days ago", "two days ago", "a week ago"
  if (w.size() >= 2 && w.back() == "ago") {
    std::span<const Token> num(t.data() + s, t.size() - s - 1);
    if (auto n = parse_number(num, {"day", "week"}); n && (n->unit == "day" || n->unit == "week")) {
      const double d = n->value * (n->unit == "week" ? 7 : 1);
      if (d != std::floor(d) || d < 0 || d > 366) return std::nullopt;
      return today - days{static_cast<int>(d)};
    }
    return std::nullopt;
  }
  // Weekdays: "monday", "last monday", "this monday", "next monday", "monday morning".
  {
    std::size_t i = 0;
    std::string mod;
    if (w[i] == "last" || w[i] == "this" || w[i] == "next" || w[i] == "past" || w[i] == "coming") mod = w[i++];
    if (i < w.size())
      if (auto wd = weekday_of(w[i])) {
        ++i;
        if (i < w.size() && (w[i] == "morning" || w[i] == "evening" || w[i] == "afternoon" || w[i] == "night")) ++i;
        if (i != w.size()) return std::nullopt;
        const int now = static_cast<int>(weekday{today}.c_encoding());
        const int back = (now - static_cast<int>(*wd) + 7) % 7;     // days since the most recent one
        const int ahead = (static_cast<int>(*wd) - now + 7) % 7;    // days to the next one
        if (mod == "last" || mod == "past") return today - days{back == 0 ? 7 : back};
        if (mod == "next" || mod == "coming") return today + days{ahead == 0 ? 7 : ahead};
        return dir == Direction::past ? today - days{back} : today + days{ahead};
      }
  }
  // "december 3", "dec 3rd", "3 december", "the 3rd of december"
  {
    std::vector<Token> rest;
    for (const auto& x : w)
      if (x != "the" && x != "of") rest.push_back({x, x});
    std::size_t i = 0;
    if (rest.empty()) return std::nullopt;
    if (auto m = month_of(rest[0].word)) {
      i = 1;
      if (auto d = day_number(rest, i); d && i == rest.size()) return month_day(*m, *d, today, dir);
      return std::nullopt;
    }
    if (auto d = day_number(rest, i); d && i + 1 == rest.size())
      if (auto m = month_of(rest[i].word)) return month_day(*m, *d, today, dir);
  }
  return std::nullopt;
}

std::string format_date(Date d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string describe_date(Date d, Date today) {
  if (d == today) return "today";
  if (d == today - days{1}) return "yesterday";
  if (d == today + days{1}) return "tomorrow";
  static const char* kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  year_month_day ymd{d};
  std::string out = std::string(kWeekdays[weekday{d}.c_encoding()]) + " " +
                    std::to_string(static_cast<unsigned>(ymd.day())) + " " +
                    kMonths[static_cast<unsigned>(ymd.month()) - 1];
  if (ymd.year() != year_month_day{today}.year()) out += " " + std::to_string(static_cast<int>(ymd.year()));
  return out;
}

// ---- times --------------------------------------------------------------------------
std::optional<TimeValue> parse_time(std::span<const Token> t) {
  std::vector<std::string> w;
  for (const auto& x : t) w.push_back(x.word);
  std::size_t s = 0;
  while (s < w.size() && (w[s] == "at" || w[s] == "for" || w[s] == "around")) ++s;
  w.erase(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(s));
  if (w.empty() || w.size() > 4) return std::nullopt;
  if (w.size() == 1 && (w[0] == "noon" || w[0] == "midday")) return TimeValue{12, 0};
  if (w.size() == 1 && w[0] == "midnight") return TimeValue{0, 0};
  int h = -1, m = 0;
  const std::string& first = w[0];
  if (auto colon = first.find(':'); colon != std::string::npos) {
    const std::string hh = first.substr(0, colon), mm = first.substr(colon + 1);
    if (!all_digits(hh) || !all_digits(mm) || hh.size() > 2 || mm.size() != 2) return std::nullopt;
    h = std::stoi(hh);
    m = std::stoi(mm);
  } else if (first.find('.') != std::string::npos) {  // "7.30"
    const auto dot = first.find('.');
    const std::string hh = first.substr(0, dot), mm = first.substr(dot + 1);
    if (!all_digits(hh) || !all_digits(mm) || hh.size() > 2 || mm.size() != 2) return std::nullopt;
    h = std::stoi(hh);
    m = std::stoi(mm);
  } else if (all_digits(first) && first.size() <= 2) {
    h = std::stoi(first);
  } else if (auto n = number_word(first); n && *n >= 1 && *n <= 12 && !all_digits(first)) {
    h = static_cast<int>(*n);
  } else {
    return std::nullopt;
  }
  std::size_t i = 1;
  if (i < w.size() && (w[i] == "o" || w[i] == "oclock")) {
    ++i;
    if (i < w.size() && w[i] == "clock") ++i;
  }
  std::string half;  // "am" / "pm"
  if (i < w.size()) {
    if (w[i] == "am" || w[i] == "a") half = "am";
    else if (w[i] == "pm" || w[i] == "p") half = "pm";
    if (!half.empty()) {
      ++i;
      if (i < w.size() && w[i] == "m") ++i;  // "p.m." → "p" "m"
    }
  }
  if (half.empty() && i < w.size()) {
    if (w[i] == "tonight") {
      half = "pm";
      ++i;
    } else if (w[i] == "in") {
      std::size_t k = i + 1;
      if (k < w.size() && w[k] == "the") ++k;
      if (k < w.size() && (w[k] == "evening" || w[k] == "afternoon" || w[k] == "morning")) {
        half = w[k] == "morning" ? "am" : "pm";
        i = k + 1;
      }
    }
  }
  if (i != w.size()) return std::nullopt;
  if (m < 0 || m > 59) return std::nullopt;
  if (!half.empty()) {
    if (h < 1 || h > 12) return std::nullopt;
    if (half == "am") h = h == 12 ? 0 : h;
    else h = h == 12 ? 12 : h + 12;
  }
  if (h < 0 || h > 23) return std::nullopt;
  return TimeValue{h, m};
}

std::string format_time(TimeValue t) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
  return buf;
}

std::string describe_time(TimeValue t) {
  if (t.hour == 12 && t.minute == 0) return "noon";
  if (t.hour == 0 && t.minute == 0) return "midnight";
  const int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
  std::string out = std::to_string(h12);
  if (t.minute != 0) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02d", t.minute);
    out += std::string(":") + buf;
  }
  return out + (t.hour < 12 ? " am" : " pm");
}

// ---- names --------------------------------------------------------------------------
namespace {

struct NameWords {
  std::vector<std::string> words, stems;
  std::string joined;  // words without spaces: "push ups" = "pushups"
};

NameWords name_words(std::span<const Token> t) {
  static const std::set<std::string, std::less<>> drop{"my", "the", "a", "an", "some", "our", "habit", "habits"};
  NameWords n;
  for (const auto& x : t)
    if (!drop.contains(x.word)) {
      n.words.push_back(x.word);
      n.stems.push_back(stem(x.word));
      n.joined += x.word;
    }
  return n;
}

bool close(const std::string& a, const std::string& b) {
  if (a == b) return true;
  const std::size_t len = std::min(a.size(), b.size());
  if (len < 4 || !(is_alpha(a[0]) && is_alpha(b[0]))) return false;
  return edit_distance(a, b, len >= 8 ? 2 : 1) <= (len >= 8 ? 2 : 1);
}

double name_quality(const NameWords& said, const NameWords& rec) {
  if (said.words.empty() || rec.words.empty()) return 0;
  if (said.words == rec.words || said.joined == rec.joined) return 1.0;
  if (said.stems == rec.stems || stem(said.joined) == stem(rec.joined)) return 0.95;
  // Every word said is one of the record's ("guitar" → "Practice guitar").
  auto all_in = [](const std::vector<std::string>& a, const std::vector<std::string>& b, bool fuzzy) {
    for (const auto& x : a) {
      bool found = false;
      for (const auto& y : b) found = found || (fuzzy ? close(x, y) : x == y);
      if (!found) return false;
    }
    return true;
  };
  if (said.stems.size() == rec.stems.size() && all_in(said.stems, rec.stems, true) && all_in(rec.stems, said.stems, true))
    return 0.85;  // a typo in a word
  if (close(said.joined, rec.joined)) return 0.85;
  if (said.stems.size() < rec.stems.size() && all_in(said.stems, rec.stems, false)) return 0.85;
  return 0;
}

}  // namespace

NameMatch match_name(std::span<const Token> words, const std::vector<NamedRecord>& records) {
  const NameWords said = name_words(words);
  if (said.words.empty()) return {};
  NameMatch best;
  int near = 0;
  std::vector<std::pair<double, const NamedRecord*>> scored;
  for (const auto& r : records) {
    const double q = name_quality(said, name_words(tokenize(r.name, false)));
    if (q > 0) scored.emplace_back(q, &r);
  }
  if (scored.empty()) return {};
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  best.record = scored[0].second;
  best.quality = scored[0].first;
  for (const auto& [q, r] : scored)
    if (r != best.record && q >= best.quality - 0.02) ++near;
  if (near > 0) return {nullptr, 0, true};
  return best;
}

}  // namespace krilin::agents::router
