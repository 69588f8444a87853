#pragma once
// BlockingPool: where work that would block an I/O thread runs (SQLite calls, password
// hashing, file I/O). `co_await pool.run(fn)` runs fn on one of the pool's threads and
// resumes the caller on its own executor with fn's result, or rethrows fn's exception.
//
// The pool is bounded: when `max_pending` jobs are already queued or running, run()
// throws krilin::Exception(unavailable "overloaded") at once instead of queueing more,
// which the HTTP layer turns into 503 + Retry-After. Thread-safe.
#include <atomic>
#include <cstddef>
#include <exception>
#include <tuple>
#include <optional>
#include <type_traits>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "krilin/sdk/result.h"

namespace krilin::core {

namespace asio = boost::asio;

class BlockingPool {
 public:
  BlockingPool(std::size_t threads, std::size_t max_pending);
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  template <class F, class R = std::invoke_result_t<F&>>
  asio::awaitable<R> run(F fn) {
    admit();
    struct Release {
      std::atomic<std::size_t>& n;
      ~Release() { n.fetch_sub(1); }
    } release{pending_};
    using Slot = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
    Slot slot = co_await asio::async_initiate<
        const asio::use_awaitable_t<>, void(std::exception_ptr, Slot)>(
        [this, &fn](auto handler) {
          asio::post(pool_, [handler = std::move(handler), &fn]() mutable {
            std::exception_ptr ep;
            Slot slot{};
            try {
              if constexpr (std::is_void_v<R>) {
                fn();
                slot = true;
              } else {
                slot.emplace(fn());
              }
            } catch (...) {
              ep = std::current_exception();
            }
            auto ex = asio::get_associated_executor(handler);
            asio::post(ex, [handler = std::move(handler), ep, slot = std::move(slot)]() mutable {
              std::move(handler)(ep, std::move(slot));
            });
          });
        },
        asio::use_awaitable);
    if constexpr (!std::is_void_v<R>) co_return std::move(*slot);
  }

  std::size_t pending() const { return pending_.load(); }
  std::size_t threads() const { return threads_; }
  std::size_t capacity() const { return max_pending_; }

  // Stops accepting work and joins the threads after the queued jobs ran.
  void join();

 private:
  void admit();

  std::size_t threads_;
  std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
  asio::thread_pool pool_;
};

}  // namespace krilin::core
