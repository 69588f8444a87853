#pragma once
// The router's text pieces: normalising a message into words, and the parsers of the typed
// slots an intent pattern may hold (numbers with units, dates, times, names matched against
// the user's records). Pure functions, no I/O except the time-zone database the date
// library reads once (thread-safe). The grammar each parser accepts is in
// docs/agents.md; every parser takes the whole span it is offered or refuses it.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace krilin::agents {
struct NamedRecord;
}

namespace krilin::agents::router {

// One word of a normalised message: `word` is lowercase ASCII where the text allowed it
// (accents folded, contractions expanded: "what's" → "what", "is"); `original` is the text
// as typed (for free-text slots such as a new habit's name).
struct Token {
  std::string word, original;
};

// Lowercases, folds Latin accents ("é" → "e", "ß" → "ss") and typographic quotes/dashes.
std::string fold(std::string_view text);

// Splits a message into tokens: punctuation goes, "19:30", "2026-12-03" and "2.5" stay one
// token, "5km"/"7pm" split in two, contractions expand, polite fillers ("please", "can
// you", "i want to", "just", …) are dropped when `drop_fillers`.
std::vector<Token> tokenize(std::string_view message, bool drop_fillers = true);

// Words that carry little meaning ("my", "the", "a", "is"…): they weigh less when the
// router measures how much of a message a pattern explains.
bool is_light(std::string_view word);

// A crude English stem for name matching: "running" → "run", "meditation"/"meditate" →
// "medit", "stretches" → "stretch", "studied" → "study", "ran" → "run".
std::string stem(std::string_view word);

// Levenshtein distance, capped: returns cap + 1 as soon as the distance exceeds cap.
int edit_distance(std::string_view a, std::string_view b, int cap = 2);

// ---- numbers ------------------------------------------------------------------------
// "5", "2.5", "twenty", "twice", "an hour", "half an hour", "5 km", "500 ml". `unit` is the
// canonical unit ("minute", "hour", "km", "ml", "time", …) or empty. `accepted` lists the
// canonical units the slot accepts (an alias such as "m" resolves to the first of its
// meanings the slot accepts; empty = any unit).
struct NumberValue {
  double value = 0;
  std::string unit;
};
std::optional<NumberValue> parse_number(std::span<const Token> words, const std::vector<std::string>& accepted = {});

// ---- dates --------------------------------------------------------------------------
using Date = std::chrono::sys_days;
enum class Direction { past, future };

// The calendar date of an instant in an IANA zone; nothing for an unknown zone.
std::optional<Date> local_date(std::int64_t unix_ms, std::string_view time_zone);

// "today", "tonight", "this morning", "yesterday", "the day before yesterday", "tomorrow",
// "3 days ago", "monday" / "on monday" (the most recent one on or before today for
// Direction::past, the next one on or after today for future), "last monday" (strictly
// before today), "next monday" (strictly after), "2026-12-03", "december 3", "3rd of dec".
std::optional<Date> parse_date(std::span<const Token> words, Date today, Direction direction);
std::string format_date(Date d);  // YYYY-MM-DD
// How a reply names a day: "today", "yesterday", "tomorrow", else "Monday 30 November"
// (with the year when it is not today's).
std::string describe_date(Date d, Date today);

// ---- times --------------------------------------------------------------------------
// "7pm", "7 pm", "7:30pm", "19:30", "at 8" (08:00: an hour alone is read on a 24-hour
// clock), "8 tonight"/"8 in the evening" (20:00), "noon", "midnight".
struct TimeValue {
  int hour = 0, minute = 0;
};
std::optional<TimeValue> parse_time(std::span<const Token> words);
std::string format_time(TimeValue t);    // HH:MM
std::string describe_time(TimeValue t);  // "7 pm", "7:30 am", "noon"

// ---- names --------------------------------------------------------------------------
// The user's record whose name the words mean, case-, accent- and plural-insensitively
// and through stems ("meditate" → "Meditation", "my run" → "Running"), with small typos
// forgiven. quality: 1 exact, 0.95 same stems, 0.85 a subset of the record's words or a
// typo. Two records that fit about equally well make the match `ambiguous` (record null).
struct NameMatch {
  const NamedRecord* record = nullptr;
  double quality = 0;
  bool ambiguous = false;
};
NameMatch match_name(std::span<const Token> words, const std::vector<NamedRecord>& records);

}  // namespace krilin::agents::router
