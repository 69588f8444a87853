#pragma once
// Gate: how a backend closes without breaking promises. Every call enters the gate (and
// is refused with 503 `store_closed` once closing began); close() shuts the gate and
// waits — up to a bound — for the calls inside to finish, so that a write the caller was
// told about is on disk before the connections go.
#include <atomic>
#include <chrono>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "krilin/sdk/result.h"

namespace krilin::store {

class Gate {
 public:
  class Pass {
   public:
    explicit Pass(std::atomic<int>& n) : n_(n) {}
    ~Pass() { n_.fetch_sub(1); }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;

   private:
    std::atomic<int>& n_;
  };

  // Throws unavailable `store_closed` when closing began.
  [[nodiscard]] Pass enter() {
    inside_.fetch_add(1);
    if (closed_.load()) {
      inside_.fetch_sub(1);
      throw Exception(Error::unavailable("store_closed", "The server is shutting down."));
    }
    return Pass(inside_);
  }

  // Refuses new calls, then waits for the ones inside (at most `max_wait`).
  boost::asio::awaitable<void> close(std::chrono::milliseconds max_wait = std::chrono::seconds(10)) {
    closed_ = true;
    auto executor = co_await boost::asio::this_coro::executor;  // named: see async_pool.h
    boost::asio::steady_timer timer(executor);
    const auto give_up = std::chrono::steady_clock::now() + max_wait;
    while (inside_.load() > 0 && std::chrono::steady_clock::now() < give_up) {
      timer.expires_after(std::chrono::milliseconds(5));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }

 private:
  std::atomic<bool> closed_{false};
  std::atomic<int> inside_{0};
};

}  // namespace krilin::store
