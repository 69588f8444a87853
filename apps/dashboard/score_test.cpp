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
