// The Redis bus against the private Redis of the test command (KRILIN_TEST_REDIS_URL):
// an event published on one instance reaches the subscribers of every instance; a Redis
// that is not there makes publish fail within its deadline instead of hanging.
#include "bus/redis/redis_bus.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include "core/ids.h"
#include "krilin/sdk/result.h"

namespace krilin::bus {
namespace {

const char* redis_url() {
  const char* url = std::getenv("KRILIN_TEST_REDIS_URL");
  if (url && *url) return url;
  return nullptr;
}

class RedisBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis_url()) {
      const char* required = std::getenv("KRILIN_TEST_REDIS_REQUIRED");
      if (required && std::string(required) == "1") FAIL() << "KRILIN_TEST_REDIS_URL is not set";
      GTEST_SKIP() << "no Redis";
    }
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }
  template <class T>
  T run(asio::awaitable<T> task) {
    return asio::co_spawn(io_, std::move(task), asio::use_future).get();
  }
  // Publishes until the subscribers are connected (SUBSCRIBE is asynchronous).
  void publish_until(Bus& bus, const Event& e, const std::function<bool()>& done) {
    for (int i = 0; i < 100 && !done(); ++i) {
      try {
        run(bus.publish(e));
      } catch (const Exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
};

TEST_F(RedisBusTest, AnEventPublishedOnOneInstanceReachesEveryInstance) {
  const std::string channel = "krilin:test:" + core::random_hex(6);
  auto a = make_redis_bus({.url = redis_url(), .channel = channel}, io_.get_executor());
  auto b = make_redis_bus({.url = redis_url(), .channel = channel}, io_.get_executor());
  std::mutex mu;
  std::vector<std::int64_t> at_a, at_b;
  a->subscribe([&](const Event& e) { std::lock_guard l(mu); at_a.push_back(e.seq); });
  b->subscribe([&](const Event& e) { std::lock_guard l(mu); at_b.push_back(e.seq); });
  a->start();
  b->start();
  Event probe{"p", "u", "app", "s", 0, json::object{}, 1};
  publish_until(*a, probe, [&] { std::lock_guard l(mu); return !at_a.empty() && !at_b.empty(); });
  {
    std::lock_guard l(mu);
    at_a.clear();
    at_b.clear();
  }
  for (int i = 1; i <= 50; ++i) run(a->publish(Event{"e" + std::to_string(i), "u", "app", "s", i, json::object{{"i", i}}, 1}));
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard l(mu);
      if (at_a.size() >= 50 && at_b.size() >= 50) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard l(mu);
  ASSERT_EQ(at_b.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(at_b[static_cast<std::size_t>(i)], i + 1);  // in order
  EXPECT_EQ(at_a.size(), 50u);
  run(a->stop());
  run(b->stop());
}

TEST_F(RedisBusTest, PublishFailsPromptlyWhenRedisIsNotThere) {
  auto bus = make_redis_bus({.url = "redis://127.0.0.1:1", .timeout = std::chrono::milliseconds(300)}, io_.get_executor());
  bus->start();
  auto started = std::chrono::steady_clock::now();
  try {
    run(bus->publish(Event{"x", "u", "a", "s", 1, json::object{}, 1}));
    ADD_FAILURE() << "publish to nowhere succeeded";
  } catch (const Exception& e) {
    EXPECT_EQ(e.error().code, "redis_unavailable");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  run(bus->stop());
}

}  // namespace
}  // namespace krilin::bus
