#include "score.h"

#include <gtest/gtest.h>

namespace krilin::apps::dashboard {
namespace {

TEST(ProductivityScore, FollowsTheDocumentedFormula) {
  // 0.7 × 0.5 + 0.3 × min(7/7, 1) = 0.65 → 65
  auto s = productivity_score(HabitsInput{0.5, {7, 7}}, {});
  EXPECT_EQ(s.value, 65);
  EXPECT_FALSE(s.partial);
  EXPECT_EQ(productivity_score(HabitsInput{1.0, {30}}, {}).value, 100);
  EXPECT_EQ(productivity_score(HabitsInput{0.0, {}}, {}).value, 0);
  EXPECT_EQ(productivity_score(HabitsInput{0.4, {2, 5}}, {}).value, 43);  // 0.28 + 0.3 × 3.5/7 = 0.43
}

TEST(ProductivityScore, DegradesWithANoteWhenASourceIsMissing) {
  std::vector<SourceStatus> missing{{"habit-tracker", false, "grant revoked"}};
  auto none = productivity_score(std::nullopt, missing);
  EXPECT_FALSE(none.value);
  EXPECT_TRUE(none.partial);
  EXPECT_NE(none.note.find("habit-tracker (grant revoked)"), std::string::npos) << none.note;
  auto empty = productivity_score(std::nullopt, {});
  EXPECT_FALSE(empty.value);
  EXPECT_NE(empty.note.find("install Habit Tracker"), std::string::npos);
  std::vector<SourceStatus> later{{"task-manager", false, "not installed"}};
  auto part = productivity_score(HabitsInput{1.0, {7}}, later);
  EXPECT_EQ(part.value, 100);
  EXPECT_TRUE(part.partial);
  EXPECT_EQ(part.note, "Without task-manager (not installed).");
}

}  // namespace
}  // namespace krilin::apps::dashboard

namespace krilin::apps::dashboard {
namespace {

TEST(ExplainScore, NamesWhatCostsPointsLargestFirstAgainstYesterday) {
  HabitsDay today{{0.5, {2, 0}}, 2, 1, {"Running"}};
  HabitsDay yesterday{{1.0, {1, 1}}, 2, 2, {}};
  auto e = explain_score(today, yesterday, {});
  EXPECT_EQ(e.score, 39);     // 0.35 + 0.3 × 1/7
  EXPECT_EQ(e.previous, 74);  // 0.7 + 0.3 × 1/7
  ASSERT_EQ(e.components.size(), 2u);
  EXPECT_EQ(e.components[0].name, "habits_done");
  EXPECT_DOUBLE_EQ(e.components[0].points, 35);
  ASSERT_EQ(e.reasons.size(), 2u);
  EXPECT_EQ(e.reasons[0], "Habits done today: 1 of 2 (yesterday 2 of 2); still open: Running (−35 points).");
  EXPECT_EQ(e.summary.rfind("Your score is 39, down from 74 yesterday. Habits done today", 0), 0u) << e.summary;
  EXPECT_NE(e.summary.find("The day is not over"), std::string::npos);

  auto full = explain_score(HabitsDay{{1.0, {7, 9}}, 2, 2, {}}, std::nullopt, {});
  EXPECT_EQ(full.score, 100);
  EXPECT_TRUE(full.reasons.empty());
  EXPECT_EQ(full.summary, "Your score is 100. Nothing is lowering it: every habit due is done and your streaks are long.");

  std::vector<SourceStatus> revoked{{"habit-tracker", false, "grant revoked"}};
  auto none = explain_score(std::nullopt, std::nullopt, revoked);
  EXPECT_FALSE(none.score);
  EXPECT_NE(none.summary.find("grant revoked"), std::string::npos) << none.summary;
}

}  // namespace
}  // namespace krilin::apps::dashboard
