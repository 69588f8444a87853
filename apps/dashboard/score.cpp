#include "score.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace krilin::apps::dashboard {

Score productivity_score(const std::optional<HabitsInput>& habits, const std::vector<SourceStatus>& missing) {
  double weighted = 0, weights = 0;
  if (habits) {
    const double rate = std::clamp(habits->completion_rate, 0.0, 1.0);
    double streak = 0;
    if (!habits->current_streaks.empty()) {
      double mean = std::accumulate(habits->current_streaks.begin(), habits->current_streaks.end(), 0.0) /
                    static_cast<double>(habits->current_streaks.size());
      streak = std::min(std::max(mean, 0.0) / 7.0, 1.0);
    }
    weighted += 1.0 * (0.7 * rate + 0.3 * streak);
    weights += 1.0;
  }
  Score s;
  if (weights > 0) s.value = static_cast<int>(std::lround(100.0 * weighted / weights));
  for (const auto& m : missing) {
    if (m.available) continue;
    s.partial = true;
    s.note += (s.note.empty() ? "Without " : "; ") + m.app + " (" + m.reason + ")";
  }
  if (!s.value) s.note = s.note.empty() ? "No source to score yet: install Habit Tracker." : s.note + ": nothing to score.";
  else if (s.partial) s.note += ".";
  return s;
}

namespace {

std::string points(double p) { return std::to_string(static_cast<long>(std::lround(p))); }

std::string names(const std::vector<std::string>& n) {
  std::string out;
  for (std::size_t i = 0; i < n.size(); ++i) out += (i == 0 ? "" : i + 1 == n.size() ? " and " : ", ") + n[i];
  return out;
}

double streak_part(const HabitsInput& in) {
  if (in.current_streaks.empty()) return 0;
  const double mean = std::accumulate(in.current_streaks.begin(), in.current_streaks.end(), 0.0) /
                      static_cast<double>(in.current_streaks.size());
  return std::min(std::max(mean, 0.0) / 7.0, 1.0);
}

double mean_streak(const HabitsInput& in) {
  if (in.current_streaks.empty()) return 0;
  return std::accumulate(in.current_streaks.begin(), in.current_streaks.end(), 0.0) /
         static_cast<double>(in.current_streaks.size());
}

}  // namespace

Explanation explain_score(const std::optional<HabitsDay>& today, const std::optional<HabitsDay>& yesterday,
                          const std::vector<SourceStatus>& sources) {
  Explanation e;
  const Score now = productivity_score(today ? std::optional<HabitsInput>(today->input) : std::nullopt, sources);
  e.score = now.value;
  if (!now.value || !today) {
    e.summary = "There is no score to explain yet: " + now.note;
    return e;
  }
  if (yesterday) e.previous = productivity_score(yesterday->input, {}).value;

  const double rate = std::clamp(today->input.completion_rate, 0.0, 1.0);
  Component done{"habits_done", 70 * rate, 70, ""};
  if (today->scheduled == 0) {
    done.detail = "No habit is due today, so the habits-done part counts nothing";
  } else {
    done.detail = "Habits done today: " + std::to_string(today->completed) + " of " + std::to_string(today->scheduled);
    if (yesterday && yesterday->scheduled > 0)
      done.detail += " (yesterday " + std::to_string(yesterday->completed) + " of " + std::to_string(yesterday->scheduled) + ")";
    if (!today->not_done.empty()) done.detail += "; still open: " + names(today->not_done);
  }
  Component streaks{"streaks", 30 * streak_part(today->input), 30, ""};
  if (today->input.current_streaks.empty()) {
    streaks.detail = "No active habit, so no streak";
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", mean_streak(today->input));
    streaks.detail = std::string("Your current streaks average ") + buf + " days, of the 7 that count in full";
    if (yesterday && !yesterday->input.current_streaks.empty()) {
      std::snprintf(buf, sizeof buf, "%.1f", mean_streak(yesterday->input));
      streaks.detail += std::string("; yesterday ") + buf;
    }
  }
  e.components = {done, streaks};
  std::vector<Component> sorted = e.components;
  std::sort(sorted.begin(), sorted.end(), [](const Component& a, const Component& b) { return a.max - a.points > b.max - b.points; });
  for (const auto& c : sorted)
    if (c.max - c.points >= 0.5) e.reasons.push_back(c.detail + " (−" + points(c.max - c.points) + " points).");

  e.summary = "Your score is " + std::to_string(*e.score);
  if (e.previous) {
    if (*e.score < *e.previous) e.summary += ", down from " + std::to_string(*e.previous) + " yesterday";
    else if (*e.score > *e.previous) e.summary += ", up from " + std::to_string(*e.previous) + " yesterday";
    else e.summary += ", the same as yesterday";
  }
  e.summary += ".";
  if (e.reasons.empty()) e.summary += " Nothing is lowering it: every habit due is done and your streaks are long.";
  for (const auto& r : e.reasons) e.summary += " " + r;
  if (today->completed < today->scheduled) e.summary += " The day is not over: logging the open habits raises it.";
  if (now.partial) e.summary += " " + now.note;
  return e;
}

}  // namespace krilin::apps::dashboard
