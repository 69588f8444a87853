// Notifications on a real SQLite file: checked drafts, delivery now and later (pushed
// through the outbox unless muted), listing, read, delete, and another user's ids.
#include "kernel/notifications/notifications.h"

#include <gtest/gtest.h>



#include "core/ids.h"
#include "store/testing/temp_sqlite.h"

namespace krilin::kernel::notifications {
namespace {

class NotificationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* u : {"u1", "u2"})
      run([&]() -> asio::awaitable<void> {
        store::Params p{store::text(u), store::text(std::string(u) + "@example.com")};
        co_await store_->execute("INSERT INTO users (id, email, name, created_at, updated_at) VALUES ($1, $2, 'x', 0, 0)",
                                 std::move(p));
      }());
  }
  template <class T>
  T run(asio::awaitable<T> task) {
    return db_.run(std::move(task));
  }
  std::pair<json::object, bool> add(const std::string& user, const std::string& app, std::int64_t at) {
    bool pushed = false;
    json::object out;
    run([&]() -> asio::awaitable<void> {
      co_await store_->transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
        Draft d{"Time to run", "You have 2 habits left today.", "/apps/habit-tracker", "normal"};
        out = co_await Notifications::add(tx, user, app, d, at, clock_.now_ms(), pushed);
      });
    }());
    return {out, pushed};
  }
  std::int64_t pushes(const std::string& user) {
    return run([&]() -> asio::awaitable<std::int64_t> {
      store::Params p{store::text(user)};
      auto r = co_await store_->query("SELECT COUNT(*) FROM stream_events WHERE user_id = $1 AND app_id = 'system'", std::move(p));
      co_return store::as_int(r.rows[0][0]);
    }());
  }

  store::testing::TempSqlite db_{"notifications"};
  store::Store* store_ = &db_.store();
  core::FakeClock clock_;
};

TEST(NotificationDraft, IsChecked) {
  EXPECT_TRUE(check_draft(json::parse(R"({"title":"Hi","body":"there"})")).ok());
  EXPECT_EQ(check_draft(json::parse(R"({"title":"Hi","body":"x","priority":"high","link":"/apps/x"})"))->priority, "high");
  for (const char* bad : {R"({"body":"no title"})", R"({"title":""})", R"({"title":"x","priority":"urgent"})",
                          R"j({"title":"x","link":"javascript:alert(1)"})j", R"({"title":"x","colour":"red"})", R"([1])",
                          R"({"title":7})"})
    EXPECT_FALSE(check_draft(json::parse(bad)).ok()) << bad;
}

TEST_F(NotificationsTest, DeliveredNowOrWhenDueAndPushedUnlessMuted) {
  Notifications n(*store_, clock_);
  auto [now, pushed] = add("u1", "habit-tracker", clock_.now_ms());
  EXPECT_TRUE(now.at("delivered").as_bool());
  EXPECT_TRUE(pushed);
  auto [later, pushed_later] = add("u1", "habit-tracker", clock_.now_ms() + 60000);
  EXPECT_FALSE(later.at("delivered").as_bool());
  EXPECT_FALSE(pushed_later);
  EXPECT_EQ(run(n.list("u1", false, std::nullopt, 50)).items.size(), 1u);  // the later one is not out yet
  bool p = false;
  EXPECT_EQ(run(n.deliver_due(p)), 0u);
  clock_.advance_ms(61000);
  EXPECT_EQ(run(n.deliver_due(p)), 1u);
  EXPECT_TRUE(p);
  EXPECT_EQ(run(n.deliver_due(p)), 0u);
  auto page = run(n.list("u1", false, std::nullopt, 50));
  EXPECT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.unread, 2);
  EXPECT_EQ(pushes("u1"), 2);
  run(n.set_muted("u1", "habit-tracker", true));
  add("u1", "habit-tracker", clock_.now_ms());
  EXPECT_EQ(pushes("u1"), 2);  // stored, listed, not pushed
  EXPECT_EQ(run(n.list("u1", false, std::nullopt, 50)).items.size(), 3u);
  EXPECT_EQ(run(n.mutes("u1")), std::vector<std::string>{"habit-tracker"});
  run(n.set_muted("u1", "habit-tracker", false));
  EXPECT_TRUE(run(n.mutes("u1")).empty());
}

TEST_F(NotificationsTest, ReadAndDeleteOnlyTheirOwn) {
  Notifications n(*store_, clock_);
  auto [a, _] = add("u1", "habit-tracker", clock_.now_ms());
  const std::string id(a.at("id").as_string());
  EXPECT_THROW(run(n.mark_read("u2", id)), Exception);
  EXPECT_THROW(run(n.remove("u2", id)), Exception);
  EXPECT_TRUE(run(n.list("u2", false, std::nullopt, 50)).items.empty());
  run(n.mark_read("u1", id));
  EXPECT_EQ(run(n.list("u1", true, std::nullopt, 50)).items.size(), 0u);
  add("u1", "habit-tracker", clock_.now_ms());
  EXPECT_EQ(run(n.mark_all_read("u1")), 1);
  run(n.remove("u1", id));
  EXPECT_EQ(run(n.list("u1", false, std::nullopt, 50)).items.size(), 1u);
  EXPECT_THROW(run(n.remove("u1", id)), Exception);
}

}  // namespace
}  // namespace krilin::kernel::notifications
