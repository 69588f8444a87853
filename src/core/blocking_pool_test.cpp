#include "core/blocking_pool.h"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace krilin::core {
namespace {

template <class F>
void run_coro(asio::io_context& io, F f) {
  std::exception_ptr ep;
  asio::co_spawn(io, f(), [&](std::exception_ptr e) { ep = e; });
  io.run();
  io.restart();
  if (ep) std::rethrow_exception(ep);
}

TEST(BlockingPool, RunsOffTheCallingThreadAndComesBack) {
  asio::io_context io;
  BlockingPool pool(2, 16);
  auto io_thread = std::this_thread::get_id();
  run_coro(io, [&]() -> asio::awaitable<void> {
    auto worker = co_await pool.run([] { return std::this_thread::get_id(); });
    EXPECT_NE(worker, io_thread);
    EXPECT_EQ(std::this_thread::get_id(), io_thread);
    int v = co_await pool.run([] { return 41 + 1; });
    EXPECT_EQ(v, 42);
    bool ran = false;
    co_await pool.run([&] { ran = true; });
    EXPECT_TRUE(ran);
  });
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(BlockingPool, PropagatesExceptions) {
  asio::io_context io;
  BlockingPool pool(1, 4);
  run_coro(io, [&]() -> asio::awaitable<void> {
    try {
      co_await pool.run([]() -> int { throw Exception(Error::invalid("bad", "Bad.")); });
      ADD_FAILURE() << "no exception";
    } catch (const Exception& e) {
      EXPECT_EQ(e.error().code, "bad");
    }
  });
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(BlockingPool, RefusesWorkPastItsBound) {
  asio::io_context io;
  BlockingPool pool(1, 2);
  std::atomic<bool> release{false};
  int refused = 0, done = 0;
  for (int i = 0; i < 4; ++i) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      try {
        co_await pool.run([&] { while (!release) std::this_thread::yield(); });
        ++done;
      } catch (const Exception& e) {
        EXPECT_EQ(e.error().kind, ErrorKind::unavailable);
        EXPECT_TRUE(e.error().retryable);
        ++refused;
        release = true;
      }
    }, asio::detached);
  }
  io.run();
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(done, 2);
}

}  // namespace
}  // namespace krilin::core
