#include "core/async_pool.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace krilin::core {
namespace {

using namespace std::chrono_literals;

struct Conn {
  int id;
};

AsyncPool<Conn>::Factory counting_factory(int& made) {
  return [&made]() -> asio::awaitable<std::unique_ptr<Conn>> {
    co_return std::make_unique<Conn>(Conn{++made});
  };
}

TEST(AsyncPool, ReusesReleasedResources) {
  asio::io_context io;
  int made = 0;
  AsyncPool<Conn> pool(2, counting_factory(made));
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    { auto a = co_await pool.acquire(100ms); EXPECT_EQ(a->id, 1); }
    { auto b = co_await pool.acquire(100ms); EXPECT_EQ(b->id, 1); }
    auto c = co_await pool.acquire(100ms);
    auto d = co_await pool.acquire(100ms);
    EXPECT_EQ(d->id, 2);
  }, asio::detached);
  io.run();
  EXPECT_EQ(made, 2);
  EXPECT_EQ(pool.stats().idle, 2u);
}

TEST(AsyncPool, WaiterGetsTheNextReleaseAndOthersTimeOut) {
  asio::io_context io;
  int made = 0;
  AsyncPool<Conn> pool(1, counting_factory(made));
  int got = 0, timed_out = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire(10ms);
    asio::steady_timer t(io, 30ms);
    // A waiter with a long deadline is served when the lease is released...
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto l = co_await pool.acquire(1s);
      ++got;
    }, asio::detached);
    // ...one with a short deadline gives up with 503-class error.
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      try {
        auto l = co_await pool.acquire(5ms);
      } catch (const Exception& e) {
        EXPECT_EQ(e.error().code, "pool_exhausted");
        EXPECT_EQ(e.error().retry_after_seconds, 1);
        ++timed_out;
      }
    }, asio::detached);
    co_await t.async_wait(asio::use_awaitable);
  }, asio::detached);
  io.run();
  EXPECT_EQ(got, 1);
  EXPECT_EQ(timed_out, 1);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(pool.stats().timeouts, 1u);
}

TEST(AsyncPool, DiscardLetsAWaiterMakeAFreshOne) {
  asio::io_context io;
  int made = 0;
  AsyncPool<Conn> pool(1, counting_factory(made));
  int second_id = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto lease = co_await pool.acquire(10ms);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto l = co_await pool.acquire(1s);
      second_id = l->id;
    }, asio::detached);
    asio::steady_timer t(io, 5ms);
    co_await t.async_wait(asio::use_awaitable);
    lease.discard();
  }, asio::detached);
  io.run();
  EXPECT_EQ(second_id, 2);
  EXPECT_EQ(pool.stats().size, 1u);
}

TEST(AsyncPool, FactoryFailureGivesTheSlotBack) {
  asio::io_context io;
  bool fail = true;
  AsyncPool<Conn> pool(1, [&]() -> asio::awaitable<std::unique_ptr<Conn>> {
    if (fail) throw Exception(Error::unavailable("db_down", "Down."));
    co_return std::make_unique<Conn>(Conn{7});
  });
  int ok_id = 0;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    try {
      co_await pool.acquire(10ms);
    } catch (const Exception&) {
    }
    fail = false;
    auto l = co_await pool.acquire(10ms);
    ok_id = l->id;
  }, asio::detached);
  io.run();
  EXPECT_EQ(ok_id, 7);
}

}  // namespace
}  // namespace krilin::core
