#include "score.h"

#include <algorithm>
#include <cmath>
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

}  // namespace krilin::apps::dashboard
