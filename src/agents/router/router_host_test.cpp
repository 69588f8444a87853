// The router end to end over the real apps on a real SQLite, the way the agent runtime
// will use it with no model configured: query the user's records for the name sources,
// match, run the action through the app host (so its params pass the real dispatcher),
// answer with reply().
#include <gtest/gtest.h>

#include "agents/router/router.h"
#include "all_apps.h"
#include "core/ids.h"
#include "kernel/registry/installer.h"
#include "platform/host.h"
#include "store/testing/temp_sqlite.h"

namespace krilin::agents {
namespace {

using boost::asio::awaitable;
using kernel::registry::Catalog;
using platform::AppHost;
using platform::Caller;

class RouterThroughTheHost : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = platform::load_apps(apps::all_apps()).value();
    auto code = std::move(loaded.code);
    catalog_ = std::make_unique<kernel::registry::Catalog>(std::move(loaded.catalog));
    installer_ = std::make_unique<kernel::registry::Installer>(*store_, *catalog_, clock_);
    grants_ = std::make_unique<kernel::grants::Grants>(*store_, clock_);
    host_ = std::make_unique<AppHost>(*store_, *catalog_, *grants_, clock_, code);
    router_ = std::make_unique<IntentRouter>(*catalog_);
    const std::string id = core::new_id();
    db_.run([&]() -> awaitable<void> {
      store::Params p{store::text(id), store::text("ann@example.com"), store::text("ann"), store::Value(clock_.now_ms())};
      co_await store_->execute("INSERT INTO users (id, email, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)",
                               std::move(p));
    }());
    ann_ = {id, "127.0.0.1"};
    db_.run(installer_->install(ann_.user_id, "dashboard", {}, "test"));
  }

  // What the runtime does with one message; "" when the router leaves it to a model.
  std::string say(const std::string& app, const std::string& message) {
    RouteContext ctx;
    ctx.now_ms = clock_.now_ms();
    for (const auto& s : router_->name_source_queries(app)) {
      json::value q = json::object{{"table", s.table}, {"where", s.where}};
      auto page = db_.run(host_->query(ann_, app, q));
      for (const auto& r : page.at("items").as_array())
        ctx.records[s.key].push_back({std::string(r.at("id").as_string()),
                                      std::string(r.at("data").at(s.field).as_string())});
    }
    auto m = router_->match(app, message, ctx);
    if (!m) return "";
    json::value result = db_.run(host_->action(ann_, app, m->action, m->params));
    return router_->reply(app, *m, result);
  }

  store::testing::TempSqlite db_{"router"};
  store::Store* store_ = &db_.store();
  core::FakeClock clock_{1'796'196'600'000};  // 2026-12-02T07:30Z
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<kernel::registry::Installer> installer_;
  std::unique_ptr<kernel::grants::Grants> grants_;
  std::unique_ptr<AppHost> host_;
  std::unique_ptr<IntentRouter> router_;
  Caller ann_;
};

TEST_F(RouterThroughTheHost, AHabitDayWithNoModel) {
  EXPECT_EQ(say("habit-tracker", "new habit meditation"),
            "Created the habit Meditation (daily). Say \u201clog meditation\u201d when you have done it.");
  EXPECT_EQ(say("habit-tracker", "start tracking running"),
            "Created the habit Running (daily). Say \u201clog running\u201d when you have done it.");
  EXPECT_EQ(say("habit-tracker", "log meditation yesterday"), "Logged Meditation for yesterday — 1 day in a row.");
  EXPECT_EQ(say("habit-tracker", "log meditation"), "Logged Meditation for today — 2 days in a row.");
  EXPECT_EQ(say("habit-tracker", "i meditated"), "Meditation was already logged for today — 2 days in a row.");
  EXPECT_EQ(say("habit-tracker", "what's my streak?"),
            "Your longest current streak is Meditation: 2 days in a row. All: Meditation 2 days (best 2), Running 0 days (best 0).");
  EXPECT_EQ(say("habit-tracker", "what's my longest streak?"),
            "Your longest streak ever is Meditation: 2 days in a row (now 2).");
  EXPECT_EQ(say("habit-tracker", "how is my running streak"), "Running: 0 days in a row (best: 0 days).");
  EXPECT_EQ(say("habit-tracker", "what's left for today?"), "Still to do today: Running.");
  EXPECT_EQ(say("habit-tracker", "how do I build better habits?"), "");
  EXPECT_EQ(say("dashboard", "what's my score"), "Your productivity score is 39/100 — 1 of 2 habits done today.");
  const std::string why = say("dashboard", "why did my score drop?");
  EXPECT_EQ(why.rfind("Your score is 39, up from 0 yesterday.", 0), 0u) << why;  // yesterday neither habit existed yet
  EXPECT_NE(why.find("still open: Running"), std::string::npos) << why;
  EXPECT_EQ(say("dashboard", "score trend"), "Your score over the last 7 days, oldest first: 0, 0, 0, 0, 0, 0 and 39.");
  EXPECT_EQ(say("habit-tracker", "undo meditation"), "Took back Meditation for today — the streak is now 1 day.");
  std::cout << why << "\n";
}

}  // namespace
}  // namespace krilin::agents
