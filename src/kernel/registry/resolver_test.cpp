#include "kernel/registry/resolver.h"

#include <gtest/gtest.h>

namespace krilin::kernel::registry {
namespace {

Version v(const char* s) { return Version::parse(s).value(); }

std::vector<CatalogEntry> catalog() {
  return {
      {"habit-tracker", v("1.0.0"), {}},
      {"habit-tracker", v("1.4.2"), {}},
      {"task-manager", v("1.1.0"), {}},
      {"goals", v("1.0.0"), {{"habit-tracker", "^1.2", false}, {"task-manager", "^1.0", true}}},
      {"dashboard", v("1.0.0"),
       {{"habit-tracker", "^1.0", false}, {"goals", "^1.0", true}, {"finance", "^1.0", true}}},
  };
}

std::vector<std::string> apps(const std::vector<PlanStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps) out.push_back(s.app + "@" + s.version.to_string());
  return out;
}

using V = std::vector<std::string>;

TEST(Resolver, InstallsDependenciesFirstAtTheHighestFittingVersion) {
  auto plan = plan_install(catalog(), "dashboard", {}).value();
  EXPECT_EQ(apps(plan.install), (V{"habit-tracker@1.4.2", "dashboard@1.0.0"}));
  EXPECT_EQ(plan.install[0].required_by, "dashboard");
  EXPECT_EQ(apps(plan.optional_offered), (V{"goals@1.0.0"}));  // finance is not in the catalog yet
}

TEST(Resolver, AcceptedOptionalDependenciesComeWithTheirOwn) {
  auto plan = plan_install(catalog(), "dashboard", {}, {"goals", "task-manager"}).value();
  EXPECT_EQ(apps(plan.install), (V{"habit-tracker@1.4.2", "task-manager@1.1.0", "goals@1.0.0", "dashboard@1.0.0"}));
  EXPECT_TRUE(plan.install[2].optional);
}

TEST(Resolver, InstalledAppsAreUsedWhenTheyFitAndReportedWhenNot) {
  auto plan = plan_install(catalog(), "dashboard", {{"habit-tracker", v("1.0.0")}}).value();
  EXPECT_EQ(apps(plan.install), (V{"dashboard@1.0.0"}));
  auto conflict = plan_install(catalog(), "goals", {{"habit-tracker", v("1.0.0")}});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, "version_conflict");
  EXPECT_NE(conflict.error().message.find("goals → habit-tracker ^1.2, but 1.0.0 is installed"), std::string::npos)
      << conflict.error().message;
}

TEST(Resolver, CyclesAndUnsatisfiableRangesNameTheirChain) {
  auto c = catalog();
  c.push_back({"a", v("1.0.0"), {{"b", "^1", false}}});
  c.push_back({"b", v("1.0.0"), {{"c", "^1", false}}});
  c.push_back({"c", v("1.0.0"), {{"a", "^1", false}}});
  auto cycle = plan_install(c, "a", {});
  ASSERT_FALSE(cycle.ok());
  EXPECT_EQ(cycle.error().code, "dependency_cycle");
  EXPECT_NE(cycle.error().message.find("a → b → c → a"), std::string::npos) << cycle.error().message;

  c.push_back({"needy", v("1.0.0"), {{"habit-tracker", "^2.0", false}}});
  auto none = plan_install(c, "needy", {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "unsatisfiable_dependency");
  EXPECT_NE(none.error().message.find("needy → habit-tracker ^2.0: no version fits (available: 1.0.0, 1.4.2)"),
            std::string::npos)
      << none.error().message;

  c.push_back({"left", v("1.0.0"), {{"habit-tracker", "~1.0.0", false}}});
  c.push_back({"both", v("1.0.0"), {{"goals", "^1", false}, {"left", "^1", false}}});
  auto clash = plan_install(c, "both", {});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, "version_conflict");

  auto unknown = plan_install(c, "nope", {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
  c.push_back({"broken", v("1.0.0"), {{"habit-tracker", "^^1", false}}});
  EXPECT_EQ(plan_install(c, "broken", {}).error().code, "invalid_version_range");
}

}  // namespace
}  // namespace krilin::kernel::registry
