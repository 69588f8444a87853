// The app host with the real apps on a real SQLite: install plans, the dispatcher's checks,
// per-user isolation, grants and their revocation, the audit trail, and the binding check.
// (The same paths run through HTTP on SQLite and PostgreSQL in tests/integration/apps.test.mjs.)
#include "platform/host.h"

#include <gtest/gtest.h>

#include <algorithm>



#include "all_apps.h"
#include "bus/outbox.h"
#include "core/ids.h"
#include "store/testing/temp_sqlite.h"
#include "kernel/registry/installer.h"

namespace krilin::platform {
namespace {

using asio::awaitable;
using kernel::registry::Catalog;
using kernel::registry::Installer;

class HostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = platform::load_apps(apps::all_apps()).value();
    auto code = std::move(loaded.code);
    catalog_ = std::make_unique<kernel::registry::Catalog>(std::move(loaded.catalog));
    installer_ = std::make_unique<Installer>(*store_, *catalog_, clock_);
    grants_ = std::make_unique<kernel::grants::Grants>(*store_, clock_);
    host_ = std::make_unique<AppHost>(*store_, *catalog_, *grants_, clock_, code);
    alice_ = user("alice");
    bob_ = user("bob");
  }
  template <class T>
  T run(awaitable<T> task) {
    return db_.run(std::move(task));
  }
  Caller user(const std::string& name) {
    std::string id = core::new_id();
    run([&]() -> awaitable<void> {
      store::Params p{store::text(id), store::text(name + "@example.com"), store::text(name), store::Value(clock_.now_ms())};
      co_await store_->execute("INSERT INTO users (id, email, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
                               std::move(p));
    }());
    return {id, "127.0.0.1"};
  }
  json::value act(const Caller& who, const std::string& app, const std::string& action, json::object params = {}) {
    return run(host_->action(who, app, action, std::move(params)));
  }
  Error act_error(const Caller& who, const std::string& app, const std::string& action, json::object params = {}) {
    try {
      act(who, app, action, std::move(params));
    } catch (const Exception& e) {
      return e.error();
    }
    ADD_FAILURE() << action << " did not fail";
    return {};
  }
  json::value output(const Caller& who, const std::string& app, const std::string& name) {
    return run(host_->output(who, app, name));
  }

  store::testing::TempSqlite db_{"host"};
  store::Store* store_ = &db_.store();
  core::FakeClock clock_{1'767'225'600'000};  // 2026-01-01T00:00:00Z
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Installer> installer_;
  std::unique_ptr<kernel::grants::Grants> grants_;
  std::unique_ptr<AppHost> host_;
  Caller alice_, bob_;
};

TEST_F(HostTest, InstallingTheDashboardInstallsHabitTrackerFirstAndGrantsWhatThePlanSaid) {
  auto plan = run(installer_->plan(alice_.user_id, "dashboard", {}));
  ASSERT_EQ(plan.plan.install.size(), 2u);
  EXPECT_EQ(plan.plan.install[0].app, "habit-tracker");
  EXPECT_EQ(plan.plan.install[1].app, "dashboard");
  bool worded = false;
  for (const auto& p : plan.permissions) worded = worded || p.text == "Read your habit streaks from Habit Tracker";
  EXPECT_TRUE(worded);
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  auto grants = run(grants_->list(alice_.user_id));
  // completion_rate, the completion_updates stream, the completion_history action and the
  // agent need permission; daily_streaks is any_app.
  std::vector<std::string> names;
  for (const auto& g : grants) names.push_back(g.kind + ":" + g.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"action:completion_history", "agent:agent", "output:completion_rate",
                                             "stream:completion_updates"}));
  EXPECT_EQ(run(installer_->installed(alice_.user_id)).size(), 2u);
  EXPECT_TRUE(run(installer_->installed(bob_.user_id)).empty());
}

TEST_F(HostTest, HabitsScoreAndIsolation) {
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  auto habit = act(alice_, "habit-tracker", "create_habit", {{"name", "Run"}});
  const std::string id(habit.at("id").as_string());
  auto logged = act(alice_, "habit-tracker", "log_completion", {{"habit_id", id}});
  EXPECT_EQ(logged.at("streak").at("current").as_int64(), 1);
  auto score = output(alice_, "dashboard", "productivity_score");
  EXPECT_EQ(score.at("score").as_int64(), 74);  // 0.7 × 1 + 0.3 × 1/7
  EXPECT_FALSE(score.at("partial").as_bool());

  // Bob, with Alice's real id: the app is not even installed for him; once it is, the
  // habit does not exist for him.
  EXPECT_EQ(act_error(bob_, "habit-tracker", "calculate_streak", {{"habit_id", id}}).code, "app_not_installed");
  run(installer_->install(bob_.user_id, "habit-tracker", {}, "test"));
  auto e = act_error(bob_, "habit-tracker", "log_completion", {{"habit_id", id}});
  EXPECT_EQ(e.code, "habit_not_found");
  EXPECT_EQ(e.app_id.value_or(""), "habit-tracker");
  EXPECT_TRUE(act(bob_, "habit-tracker", "list_habits").at("habits").as_array().empty());
  auto page = run(host_->query(bob_, "habit-tracker", json::object{{"table", "habit_logs"}}));
  EXPECT_TRUE(page.at("items").as_array().empty());
}

TEST_F(HostTest, RevokingTheGrantDegradesTheScoreAndIsAudited) {
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  auto grants = run(grants_->list(alice_.user_id));
  std::erase_if(grants, [](const auto& g) { return g.name != "completion_rate"; });
  run(grants_->revoke(alice_.user_id, grants.at(0).id));
  auto score = output(alice_, "dashboard", "productivity_score");
  EXPECT_TRUE(score.at("partial").as_bool());
  EXPECT_TRUE(score.at("score").is_null());
  EXPECT_NE(std::string(score.at("note").as_string()).find("grant revoked"), std::string::npos);
  auto page = run(grants_->audit_page(alice_.user_id, {.app = std::string("dashboard")}));
  bool denied = false;
  for (const auto& e : page.entries)
    denied = denied || (e.at("action") == "app.read_denied" && e.at("detail").at("reason") == "grant_revoked");
  EXPECT_TRUE(denied);
  // Bob cannot revoke Alice's grant, even with its real id.
  EXPECT_THROW(run(grants_->revoke(bob_.user_id, grants.at(0).id)), Exception);
}

// The actions the agents' router runs: streaks without naming a habit, the per-day history
// the Dashboard's trend and explanation are made of, and those two.
TEST_F(HostTest, StreaksHistoryAndTheScoreExplained) {
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  const std::string run_id(act(alice_, "habit-tracker", "create_habit", {{"name", "Run"}}).at("id").as_string());
  const std::string read_id(act(alice_, "habit-tracker", "create_habit", {{"name", "Read"}}).at("id").as_string());
  clock_.advance_ms(86'400'000);  // 2026-01-02: both habits existed yesterday
  act(alice_, "habit-tracker", "log_completion", {{"habit_id", run_id}, {"date", "2026-01-01"}});
  act(alice_, "habit-tracker", "log_completion", {{"habit_id", read_id}, {"date", "2026-01-01"}});
  act(alice_, "habit-tracker", "log_completion", {{"habit_id", run_id}});

  auto streaks = act(alice_, "habit-tracker", "list_streaks");
  EXPECT_EQ(streaks.at("habits").as_array().size(), 2u);
  EXPECT_EQ(streaks.at("top").at("name"), "Run");
  EXPECT_EQ(streaks.at("top").at("current").as_int64(), 2);
  EXPECT_EQ(streaks.at("longest").at("best").as_int64(), 2);
  auto list = act(alice_, "habit-tracker", "list_habits");
  EXPECT_EQ(list.at("open_today"), json::parse(R"(["Read"])"));
  EXPECT_EQ(list.at("done_today"), json::parse(R"(["Run"])"));

  auto history = act(alice_, "habit-tracker", "completion_history", {{"days", 3}});
  const auto& days = history.at("days").as_array();
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].at("date"), "2025-12-31");
  EXPECT_EQ(days[0].at("scheduled").as_int64(), 0);  // the habits did not exist yet
  EXPECT_EQ(days[1].at("completed").as_int64(), 2);
  EXPECT_EQ(days[2].at("date"), "2026-01-02");
  EXPECT_EQ(days[2].at("completed").as_int64(), 1);
  EXPECT_EQ(days[2].at("not_done"), json::parse(R"(["Read"])"));
  std::vector<std::int64_t> current;  // one per habit, in the store's order
  for (const auto& c : days[2].at("current_streaks").as_array()) current.push_back(c.as_int64());
  std::sort(current.begin(), current.end());
  EXPECT_EQ(current, (std::vector<std::int64_t>{1, 2}));

  auto score = act(alice_, "dashboard", "get_score");
  EXPECT_EQ(score.at("score"), output(alice_, "dashboard", "productivity_score").at("score"));
  EXPECT_TRUE(score.at("has_score").as_bool());
  // Today: 0.7 × 1/2 + 0.3 × 1.5/7 = 0.414 → 41; yesterday: 0.7 × 1 + 0.3 × 1/7 = 0.743 → 74.
  auto why = act(alice_, "dashboard", "explain_score");
  EXPECT_EQ(why.at("score").as_int64(), 41);
  EXPECT_EQ(why.at("previous_score").as_int64(), 74);
  EXPECT_EQ(why.at("change").as_int64(), -33);
  const std::string summary(why.at("summary").as_string());
  EXPECT_NE(summary.find("down from 74 yesterday"), std::string::npos) << summary;
  EXPECT_NE(summary.find("still open: Read"), std::string::npos) << summary;
  auto trend = act(alice_, "dashboard", "score_trend", {{"days", 3}});
  EXPECT_EQ(trend.at("scores"), json::parse("[0, 74, 41]"));

  // Without the history grant, both degrade instead of failing.
  for (const auto& g : run(grants_->list(alice_.user_id)))
    if (g.name == "completion_history") run(grants_->revoke(alice_.user_id, g.id));
  auto partial = act(alice_, "dashboard", "score_trend", {{"days", 3}});
  EXPECT_TRUE(partial.at("scores").as_array().empty());
  EXPECT_TRUE(partial.at("partial").as_bool());
  EXPECT_TRUE(act(alice_, "dashboard", "explain_score").at("score").is_null());
}

TEST_F(HostTest, TheDispatcherRefusesBadCallsPrecisely) {
  run(installer_->install(alice_.user_id, "habit-tracker", {}, "test"));
  EXPECT_EQ(act_error(alice_, "nope", "x").code, "unknown_app");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "fly").code, "unknown_action");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "create_habit", {{"name", 42}}).code, "invalid_params");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "create_habit", {{"name", "x"}, {"extra", 1}}).code, "invalid_params");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "create_habit", {{"name", "x"}, {"schedule", {{"kind", "weekdays"}}}}).code,
            "invalid_params");
  auto h = act(alice_, "habit-tracker", "create_habit", {{"name", "Read"}});
  EXPECT_EQ(act_error(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}, {"date", "2026-02-30"}}).code,
            "invalid_params");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}, {"date", "2027-01-01"}}).code,
            "date_in_future");
  EXPECT_EQ(act_error(alice_, "habit-tracker", "update_habit", {{"habit_id", h.at("id")}, {"name", "R"}, {"expected_version", 7}}).code,
            "version_conflict");
  run(installer_->set_enabled(alice_.user_id, "habit-tracker", false, "test"));
  EXPECT_EQ(act_error(alice_, "habit-tracker", "list_habits").code, "app_disabled");
}

TEST_F(HostTest, UninstallIsProtectedAndPurgeDeletesForGood) {
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  act(alice_, "habit-tracker", "create_habit", {{"name", "Walk"}});
  try {
    run(installer_->uninstall(alice_.user_id, "habit-tracker", "", "test"));
    ADD_FAILURE() << "uninstall with a dependent succeeded";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code, "has_dependents");
    EXPECT_EQ(e.error().details.at("dependents").at(0), "dashboard");
  }
  EXPECT_THROW(run(installer_->purge(alice_.user_id, "habit-tracker", "test")), Exception);
  auto gone = run(installer_->uninstall(alice_.user_id, "habit-tracker", "cascade", "test"));
  EXPECT_EQ(gone, (std::vector<std::string>{"dashboard", "habit-tracker"}));
  EXPECT_TRUE(run(grants_->list(alice_.user_id)).empty());
  // Reinstalled: the data was kept.
  run(installer_->install(alice_.user_id, "habit-tracker", {}, "test"));
  EXPECT_EQ(act(alice_, "habit-tracker", "list_habits").at("habits").as_array().size(), 1u);
  run(installer_->uninstall(alice_.user_id, "habit-tracker", "", "test"));
  EXPECT_EQ(run(installer_->purge(alice_.user_id, "habit-tracker", "test")), 1);
  run(installer_->install(alice_.user_id, "habit-tracker", {}, "test"));
  EXPECT_TRUE(act(alice_, "habit-tracker", "list_habits").at("habits").as_array().empty());
}

TEST_F(HostTest, TimeZonesDecideWhatTodayIs) {
  run(installer_->install(alice_.user_id, "habit-tracker", {}, "test"));
  clock_.set_ms(1'767'222'000'000);  // 2025-12-31T23:00:00Z: already 2026-01-01 in Paris
  run([&]() -> awaitable<void> {
    store::Params p{store::text("Europe/Paris"), store::text(alice_.user_id)};
    co_await store_->execute("UPDATE users SET time_zone = $1 WHERE id = $2", std::move(p));
  }());
  auto h = act(alice_, "habit-tracker", "create_habit", {{"name", "Stretch"}});
  auto logged = act(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}});
  EXPECT_EQ(logged.at("log").at("data").at("date"), "2026-01-01");
}

TEST_F(HostTest, ACompletionStreamsToTheDashboardWhichPublishesTheNewScore) {
  auto bus = bus::make_local_bus();
  std::vector<bus::Event> seen;
  bus->subscribe([&](const bus::Event& e) { seen.push_back(e); });
  bus::Outbox outbox(*store_, *bus, clock_);
  host_->set_outbox(&outbox);
  outbox.on_dispatched([&](const bus::Event& e) -> awaitable<void> { co_await host_->on_event(e); });
  run(installer_->install(alice_.user_id, "dashboard", {}, "test"));
  auto h = act(alice_, "habit-tracker", "create_habit", {{"name", "Swim"}});
  act(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}});
  act(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}});  // already logged: no second event
  EXPECT_EQ(run(outbox.dispatch_once()), 1u);  // completion_updates; its handler queues the score
  EXPECT_EQ(run(outbox.dispatch_once()), 1u);  // productivity_score
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].app_id, "habit-tracker");
  EXPECT_EQ(seen[0].stream, "completion_updates");
  EXPECT_EQ(seen[0].seq, 1);
  EXPECT_EQ(seen[1].app_id, "dashboard");
  EXPECT_EQ(seen[1].stream, "productivity_score");
  EXPECT_EQ(seen[1].data.at("score").as_int64(), 74);
  EXPECT_EQ(seen[1].user_id, alice_.user_id);

  // A failing action publishes nothing (its transaction rolled back).
  EXPECT_EQ(act_error(alice_, "habit-tracker", "log_completion", {{"habit_id", h.at("id")}, {"date", "2999-01-01"}}).code,
            "date_in_future");
  EXPECT_EQ(run(outbox.dispatch_once()), 0u);

  // With the stream grant revoked, the dashboard hears nothing, and the refusal is audited.
  for (const auto& g : run(grants_->list(alice_.user_id)))
    if (g.kind == "stream") run(grants_->revoke(alice_.user_id, g.id));
  act(alice_, "habit-tracker", "undo_completion", {{"habit_id", h.at("id")}});
  EXPECT_EQ(run(outbox.dispatch_once()), 1u);
  EXPECT_EQ(run(outbox.dispatch_once()), 0u);
  auto page = run(grants_->audit_page(alice_.user_id, {.app = std::string("dashboard")}));
  bool denied = false;
  for (const auto& e : page.entries) denied = denied || e.at("action") == "app.stream_denied";
  EXPECT_TRUE(denied);
}

TEST_F(HostTest, TheBindingCheckNamesWhatCodeAndManifestDisagreeOn) {
  sdk::App partial("habit-tracker");
  partial.action("create_habit", [](sdk::ActionContext&, json::object) -> awaitable<json::value> { co_return nullptr; });
  partial.action("teleport", [](sdk::ActionContext&, json::object) -> awaitable<json::value> { co_return nullptr; });
  auto problems = AppHost::binding_problems(*catalog_->find("habit-tracker"), partial);
  auto has = [&](const std::string& s) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) { return p.find(s) != std::string::npos; });
  };
  EXPECT_TRUE(has("action 'log_completion' is declared but has no handler"));
  EXPECT_TRUE(has("action 'teleport' has a handler but is not declared"));
  EXPECT_TRUE(has("output 'daily_streaks' is declared but has no producer"));
}

}  // namespace
}  // namespace krilin::platform
