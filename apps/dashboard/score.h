#pragma once
// Analytics Dashboard's productivity score: 0–100 over whatever sources the user granted.
//
// Each source gives a sub-score in [0, 1] and has a weight; the score is the weighted mean
// of the sources that answered, times 100, rounded. A source that is not installed, is
// disabled, or whose grant was revoked is left out and named in the note (`partial`), so
// the score degrades instead of failing. Sources today:
//   habits (weight 1): 0.7 × today's completion rate + 0.3 × min(mean current streak / 7, 1)
// The other apps add theirs as they arrive (tasks, goals, journal, health…).
#include <optional>
#include <string>
#include <vector>

namespace krilin::apps::dashboard {

struct HabitsInput {
  double completion_rate = 0;       // share of today's scheduled habits done, [0, 1]
  std::vector<int> current_streaks;  // one per active habit
};

struct SourceStatus {
  std::string app;     // e.g. "habit-tracker"
  bool available;      // installed, enabled and granted
  std::string reason;  // why not, when not ("grant revoked", "disabled", "not installed")
};

struct Score {
  std::optional<int> value;  // none when no source answered
  bool partial = false;
  std::string note;          // which sources are missing and why
};

Score productivity_score(const std::optional<HabitsInput>& habits, const std::vector<SourceStatus>& missing);

// What one day of habits looked like, for explaining the score.
struct HabitsDay {
  HabitsInput input;
  int scheduled = 0, completed = 0;
  std::vector<std::string> not_done;  // names of the habits due and not done
};

// One part of the score: the points it brings now out of its maximum (with the habits as
// the only source: completion up to 70, streaks up to 30).
struct Component {
  std::string name;  // "habits_done", "streaks"
  double points = 0, max = 0;
  std::string detail;  // a sentence naming what it is made of
};

// Why the score is what it is: each component and what it costs, the largest loss first,
// compared with yesterday's score when yesterday is known (computed at the end of that
// day, from the habits as they are now). `summary` says it in a few sentences.
struct Explanation {
  std::optional<int> score, previous;
  std::vector<Component> components;
  std::vector<std::string> reasons;
  std::string summary;
};

Explanation explain_score(const std::optional<HabitsDay>& today, const std::optional<HabitsDay>& yesterday,
                          const std::vector<SourceStatus>& sources);

}  // namespace krilin::apps::dashboard
