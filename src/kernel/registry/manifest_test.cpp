#include "kernel/registry/manifest.h"

#include <gtest/gtest.h>

namespace krilin::kernel::registry {
namespace {

json::value good() {
  return json::parse(R"({
    "id": "habit-tracker", "name": "Habit Tracker", "version": "1.0.0", "description": "Build habits.",
    "tables": {"habits": {"schema": {"type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}, "active": {"type": "boolean"}}},
              "indexes": [["active"], ["name", "created_at"]]}},
    "actions": {"create_habit": {"description": "Create a habit.", "params": {"type": "object",
                "required": ["name"], "properties": {"name": {"type": "string"}}}}},
    "outputs": {"daily_streaks": {"description": "Streaks.", "schema": {"type": "object"}, "access": "any_app"}},
    "dependencies": {"apps": [{"id": "task-manager", "range": "^1.0", "optional": true, "uses": {"outputs": ["open_tasks"]}}]},
    "permissions": ["notifications"],
    "widgets": [{"id": "streaks", "title": "Streaks", "output": "daily_streaks"}]
  })");
}

TEST(Manifest, AGoodManifestPasses) {
  auto c = check_manifest(good());
  ASSERT_TRUE(c.problems.empty()) << c.problems.front();
  ASSERT_TRUE(c.manifest);
  EXPECT_EQ(c.manifest->id, "habit-tracker");
  EXPECT_EQ(c.manifest->version.to_string(), "1.0.0");
  EXPECT_EQ(c.manifest->tables.size(), 1u);
  EXPECT_EQ(c.manifest->actions, std::vector<std::string>{"create_habit"});
  ASSERT_EQ(c.manifest->dependencies.size(), 1u);
  EXPECT_TRUE(c.manifest->dependencies[0].optional);
}

TEST(Manifest, ProblemsNameWhereAndWhat) {
  auto with = [](const char* pointer, json::value v) {
    json::value doc = good();
    json::value* at = &doc;
    std::string path = pointer;
    std::size_t start = 1;
    for (;;) {
      auto slash = path.find('/', start);
      std::string key = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (slash == std::string::npos) {
        if (at->is_array()) at->as_array()[std::stoul(key)] = std::move(v);
        else at->as_object()[key] = std::move(v);
        break;
      }
      at = at->is_array() ? &at->as_array()[std::stoul(key)] : &at->as_object()[key];
      start = slash + 1;
    }
    return doc;
  };
  const std::pair<json::value, const char*> cases[] = {
      {with("/id", "Habit Tracker"), "/id"},
      {with("/version", "1.0"), "/version"},
      {with("/tables/habits/schema", json::parse(R"({"type":"object","properties":{"x":{"$ref":"#"}}})")), "/tables/habits/schema"},
      {with("/tables/habits/indexes", json::parse(R"([["missing"]])")), "/tables/habits/indexes/0"},
      {with("/outputs/daily_streaks/access", "everyone"), "/outputs/daily_streaks/access"},
      {with("/dependencies/apps/0/range", "^^1"), "/dependencies/apps/0/range"},
      {with("/dependencies/apps/0/id", "habit-tracker"), "/dependencies/apps/0"},
      {with("/widgets/0/output", "nothing"), "/widgets/0/output"},
      {with("/surprise", true), "surprise"},
  };
  for (const auto& [doc, where] : cases) {
    auto c = check_manifest(doc);
    ASSERT_FALSE(c.problems.empty()) << where;
    EXPECT_FALSE(c.manifest) << where;
    EXPECT_NE(c.problems.front().find(where), std::string::npos) << where << " → " << c.problems.front();
  }
}

}  // namespace
}  // namespace krilin::kernel::registry

namespace krilin::kernel::registry {
namespace {

// Intents (docs/agents.md): plain strings stay valid; typed slots must be declared,
// fill declared params and, for names, read a table.field of the app.
TEST(Manifest, IntentsNameDeclaredSlotsThatFillDeclaredParams) {
  auto with_action = [](const char* action) {
    json::value doc = good();
    doc.as_object()["actions"].as_object()["create_habit"] = json::parse(action);
    return check_manifest(doc).problems;
  };
  EXPECT_TRUE(with_action(R"({"description": "d", "params": {"type": "object"}, "intents": ["start a habit"]})").empty());
  EXPECT_TRUE(with_action(R"({"description": "d", "params": {"type": "object", "properties": {"name": {"type": "string"}}},
    "slots": {"habit": {"type": "name", "source": "habits.name", "param": "name"}},
    "intents": ["log {habit}", {"pattern": "done [with] {habit}", "params": {}, "reply": [{"if": "result.x", "text": "ok"}]}],
    "reply": "Logged {habit}."})").empty());
  auto p = with_action(R"({"description": "d", "params": {"type": "object", "properties": {"name": {"type": "string"}}},
    "slots": {"habit": {"type": "name", "source": "notes.title", "param": "habit_id"}}, "intents": ["log {habit} {when}"]})");
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0], "/actions/create_habit/slots/habit: 'habit_id' is not a param of the action");
  EXPECT_NE(p[1].find("/slots/habit/source"), std::string::npos) << p[1];
  EXPECT_EQ(p[2], "/actions/create_habit/intents/0: {when} is not a declared slot");
  EXPECT_FALSE(with_action(R"({"description": "d", "params": {"type": "object"}, "slots": {"x": {"type": "colour"}}})").empty());
  EXPECT_FALSE(with_action(R"({"description": "d", "params": {"type": "object"}, "intents": [{"params": {}}]})").empty());
}

}  // namespace
}  // namespace krilin::kernel::registry
