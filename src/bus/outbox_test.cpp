// The outbox on a real SQLite file (PostgreSQL runs the same code in the scale-out
// integration test): sequence numbers without gaps, dispatch in order, hooks, replay, resync.
#include "bus/outbox.h"

#include <gtest/gtest.h>



#include "core/ids.h"
#include "store/testing/temp_sqlite.h"

namespace krilin::bus {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bus_ = make_local_bus();
    bus_->subscribe([this](const Event& e) {
      std::lock_guard lock(mu_);
      seen_.push_back(e);
    });
  }
  template <class T>
  T run(asio::awaitable<T> task) {
    return db_.run(std::move(task));
  }
  Event append(const std::string& user, const std::string& stream, int n) {
    return run([&]() -> asio::awaitable<Event> {
      Event e;
      co_await store_->transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
        json::object data{{"n", n}};
        e = co_await append_event(tx, user, "habit-tracker", stream, std::move(data), clock_.now_ms());
      });
      co_return e;
    }());
  }

  store::testing::TempSqlite db_{"outbox"};
  store::Store* store_ = &db_.store();
  core::FakeClock clock_;
  std::unique_ptr<Bus> bus_;
  std::mutex mu_;
  std::vector<Event> seen_;
};

TEST_F(OutboxTest, SequencesArePerUserAppAndStreamAndDispatchKeepsTheirOrder) {
  EXPECT_EQ(append("u1", "s", 0).seq, 1);
  EXPECT_EQ(append("u1", "s", 1).seq, 2);
  EXPECT_EQ(append("u2", "s", 2).seq, 1);
  EXPECT_EQ(append("u1", "t", 3).seq, 1);
  Outbox outbox(*store_, *bus_, clock_);
  std::vector<std::int64_t> hooked;
  outbox.on_dispatched([&](const Event& e) -> asio::awaitable<void> {
    hooked.push_back(e.seq);
    co_return;
  });
  EXPECT_EQ(run(outbox.dispatch_once()), 4u);
  EXPECT_EQ(run(outbox.dispatch_once()), 0u);  // marked: not sent twice
  ASSERT_EQ(seen_.size(), 4u);
  std::vector<Event> s1;  // the order that matters: within one stream
  for (const auto& e : seen_)
    if (e.user_id == "u1" && e.stream == "s") s1.push_back(e);
  ASSERT_EQ(s1.size(), 2u);
  EXPECT_EQ(s1[0].seq, 1);
  EXPECT_EQ(s1[1].seq, 2);
  EXPECT_EQ(s1[1].data.at("n"), 1);
  EXPECT_EQ(hooked.size(), 4u);
  EXPECT_EQ(run(outbox.head("u1", "habit-tracker", "s")), 2);
}

TEST_F(OutboxTest, ReplayGivesWhatWasMissedAndAsksForResyncPastTheRetention) {
  for (int i = 0; i < 5; ++i) append("u1", "s", i);
  OutboxOptions o;
  o.retention = std::chrono::milliseconds(1000);
  Outbox outbox(*store_, *bus_, clock_, o);
  auto r = run(outbox.replay("u1", "habit-tracker", "s", 2, 100));
  EXPECT_FALSE(r.resync_required);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].seq, 3);
  EXPECT_EQ(r.head, 5);
  EXPECT_TRUE(run(outbox.replay("u1", "habit-tracker", "s", 5, 100)).events.empty());
  EXPECT_TRUE(run(outbox.replay("u1", "habit-tracker", "s", 9, 100)).resync_required);  // ahead of the server
  EXPECT_TRUE(run(outbox.replay("u2", "habit-tracker", "s", 0, 100)).events.empty());    // another user's: nothing
  run(outbox.dispatch_once());
  clock_.advance_ms(5000);
  append("u1", "s", 5);  // seq 6, new enough to stay
  EXPECT_EQ(run(outbox.prune()), 5);
  EXPECT_TRUE(run(outbox.replay("u1", "habit-tracker", "s", 2, 100)).resync_required);
  auto fresh = run(outbox.replay("u1", "habit-tracker", "s", 5, 100));
  ASSERT_EQ(fresh.events.size(), 1u);
  EXPECT_EQ(fresh.events[0].seq, 6);
}

TEST_F(OutboxTest, ARolledBackChangeLeavesNoEventAndNoGap) {
  append("u1", "s", 0);
  EXPECT_THROW(run([&]() -> asio::awaitable<void> {
                 co_await store_->transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
                   co_await append_event(tx, "u1", "habit-tracker", "s", json::object{}, clock_.now_ms());
                   throw Exception(Error::invalid("nope", "the change failed"));
                 });
               }()),
               Exception);
  EXPECT_EQ(append("u1", "s", 1).seq, 2);
}

TEST(Event, EncodesAndDecodes) {
  Event e{"id1", "u", "a", "s", 7, json::object{{"x", 1}}, 123};
  auto back = Event::decode(e.encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->seq, 7);
  EXPECT_EQ(back->data.at("x"), 1);
  EXPECT_FALSE(Event::decode("{\"id\":1}"));
  EXPECT_FALSE(Event::decode("not json"));
}

}  // namespace
}  // namespace krilin::bus
