// The catalog's whole-set checks and the installer's pure parts: permissions in plain
// words, dependents for uninstall, the upgrade preflight.
#include "kernel/registry/catalog.h"

#include <gtest/gtest.h>

#include "kernel/registry/installer.h"

namespace krilin::kernel::registry {
namespace {

json::value provider(std::string version = "1.0.0") {
  return json::parse(R"({"id":"habit-tracker","name":"Habit Tracker","version":")" + version + R"(",
    "description":"Habits.",
    "actions":{"list_habits":{"description":"List the habits","params":{"type":"object"}},
               "archive_habit":{"description":"Archive one","params":{"type":"object"},"destructive":true}},
    "outputs":{"daily_streaks":{"description":"Streaks.","label":"your habit streaks","schema":{"type":"object"},"access":"any_app"},
               "completion_rate":{"description":"Rate.","label":"today's habit completion rate","schema":{"type":"object"},
                                  "access":"requires_permission"}}})");
}

json::value consumer(std::string uses, std::string id = "dashboard", std::string range = "^1.0", bool optional = false) {
  return json::parse(R"({"id":")" + id + R"(","name":"Analytics Dashboard","version":"1.0.0","description":"Score.",
    "dependencies":{"apps":[{"id":"habit-tracker","range":")" + range + R"(","optional":)" +
                     (optional ? "true" : "false") + R"(,"uses":)" + uses + R"(}]}})");
}

TEST(Catalog, NamesWhatADependencyUsesThatTheProviderLacks) {
  auto c = Catalog::build({provider(), consumer(R"({"outputs":["daily_streaks","weekly_mood"]})")});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("dashboard: /dependencies/apps/0/uses/outputs: 'weekly_mood' is not an output of habit-tracker"),
            std::string::npos)
      << c.error().message;
}

TEST(Catalog, RefusesDestructiveActionsForOtherAppsAndMissingRequiredProviders) {
  auto c = Catalog::build({provider(), consumer(R"({"actions":["archive_habit"]})")});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("destructive"), std::string::npos);
  auto lonely = Catalog::build({consumer(R"({"outputs":["daily_streaks"]})")});
  ASSERT_FALSE(lonely.ok());
  EXPECT_NE(lonely.error().message.find("requires 'habit-tracker', which no manifest provides"), std::string::npos);
  EXPECT_TRUE(Catalog::build({consumer(R"({"outputs":["x"]})", "dashboard", "^1.0", true)}).ok());
  EXPECT_FALSE(Catalog::build({provider(), provider()}).ok());
}

TEST(Installer, PlansSayInPlainWordsWhatEachAppMayRead) {
  auto c = Catalog::build({provider(), consumer(R"({"outputs":["daily_streaks","completion_rate"],"actions":["list_habits"]})")}).value();
  auto plan = plan_install(c.entries(), "dashboard", {}).value();
  auto perms = plan_permissions(c, plan, {});
  ASSERT_EQ(perms.size(), 3u);
  EXPECT_EQ(perms[0].text, "Read your habit streaks from Habit Tracker");
  EXPECT_FALSE(perms[0].requires_grant);
  EXPECT_EQ(perms[1].text, "Read today's habit completion rate from Habit Tracker");
  EXPECT_TRUE(perms[1].requires_grant);
  EXPECT_EQ(perms[2].text, "Ask Habit Tracker to list the habits");
  // Installing the provider later asks for what an installed consumer would read of it.
  InstalledSet have{{"dashboard", {"dashboard", Version::parse("1.0.0").value(), true, 0}}};
  auto later = plan_permissions(c, plan_install(c.entries(), "habit-tracker", {}).value(), have);
  EXPECT_EQ(later.size(), 3u);
}

TEST(Installer, DependentsAreFoundTransitivelyAndOptionalOnesDoNotBlock) {
  json::value top = json::parse(R"({"id":"goals","name":"Goals","version":"1.0.0","description":"Goals.",
    "dependencies":{"apps":[{"id":"dashboard","range":"^1.0"}]}})");
  json::value opt = consumer(R"({"outputs":["daily_streaks"]})", "journal", "^1.0", true);
  auto c = Catalog::build({provider(), consumer(R"({"outputs":["daily_streaks"]})"), top, opt}).value();
  InstalledSet have;
  for (const char* id : {"habit-tracker", "dashboard", "goals", "journal"})
    have[id] = {id, Version::parse("1.0.0").value(), true, 0};
  EXPECT_EQ(dependents_of(c, "habit-tracker", have), (std::vector<std::string>{"goals", "dashboard"}));
  EXPECT_TRUE(dependents_of(c, "goals", have).empty());
}

TEST(Installer, TheUpgradePreflightNamesTheDependentItWouldBreak) {
  auto c = Catalog::build({provider("2.0.0"), consumer(R"({"outputs":["daily_streaks"]})")}).value();
  InstalledSet have{{"habit-tracker", {"habit-tracker", Version::parse("1.4.0").value(), true, 0}},
                    {"dashboard", {"dashboard", Version::parse("1.0.0").value(), true, 0}}};
  auto problems = upgrade_problems(c, "habit-tracker", Version::parse("2.0.0").value(), have);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0], "Analytics Dashboard needs Habit Tracker ^1.0; 2.0.0 is outside that range");
  EXPECT_TRUE(upgrade_problems(c, "habit-tracker", Version::parse("1.9.0").value(), have).empty());
}

}  // namespace
}  // namespace krilin::kernel::registry
