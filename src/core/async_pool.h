#pragma once
// AsyncPool<T>: a bounded pool of resources (database connections) shared by coroutines.
//
// acquire(deadline) returns a Lease holding one resource: an idle one, a new one made by
// the factory while fewer than `max_size` exist, or the next one released before the
// deadline. Past the deadline it throws krilin::Exception(unavailable "pool_exhausted",
// retryable, Retry-After 1). A Lease returns its resource on destruction; discard() drops
// a broken one so that the next waiter makes a fresh one. Thread-safe: leases may be
// released from any thread. The pool must outlive its leases.
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "krilin/sdk/result.h"

namespace krilin::core {

namespace asio = boost::asio;

template <class T>
class AsyncPool {
 public:
  using Factory = std::function<asio::awaitable<std::unique_ptr<T>>()>;

  AsyncPool(std::size_t max_size, Factory factory)
      : max_size_(max_size), factory_(std::move(factory)) {}

  class Lease {
   public:
    Lease() = default;
    Lease(AsyncPool* pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), item_(std::move(o.item_)) { o.pool_ = nullptr; }
    Lease& operator=(Lease&& o) noexcept {
      if (this != &o) {
        reset();
        pool_ = o.pool_;
        item_ = std::move(o.item_);
        o.pool_ = nullptr;
      }
      return *this;
    }
    ~Lease() { reset(); }
    T* operator->() const { return item_.get(); }
    T& operator*() const { return *item_; }
    T* get() const { return item_.get(); }
    explicit operator bool() const { return item_ != nullptr; }
    // Drops the resource instead of returning it (it is broken).
    void discard() {
      if (pool_) pool_->drop(std::move(item_));
      pool_ = nullptr;
    }

   private:
    void reset() {
      if (pool_ && item_) pool_->release(std::move(item_));
      pool_ = nullptr;
    }
    AsyncPool* pool_ = nullptr;
    std::unique_ptr<T> item_;
  };

  asio::awaitable<Lease> acquire(std::chrono::milliseconds wait) {
    bool create = false;
    std::unique_ptr<T> item;
    // The executor goes through a named local: g++ 12 destroys a temporary produced by a
    // co_await inside an initializer twice, which over-releases a strand's refcount.
    auto executor = co_await asio::this_coro::executor;
    Waiter waiter{asio::steady_timer(executor)};
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        item = std::move(idle_.back());
        idle_.pop_back();
      } else if (size_ < max_size_) {
        ++size_;
        create = true;
      } else {
        waiter.timer.expires_after(wait);
        waiters_.push_back(&waiter);
      }
    }
    if (!item && !create) {
      co_await waiter.timer.async_wait(asio::as_tuple(asio::use_awaitable));
      std::lock_guard lock(mu_);
      if (!waiter.done) {  // timed out: leave the queue
        std::erase(waiters_, &waiter);
        ++timeouts_;
        throw Exception(Error::unavailable("pool_exhausted",
                                           "All database connections are busy; try again.", 1));
      }
      item = std::move(waiter.item);
      create = waiter.may_create;
    }
    if (create) {
      try {
        item = co_await factory_();
      } catch (...) {
        give_back_slot();
        throw;
      }
    }
    co_return Lease(this, std::move(item));
  }

  // Drops every idle resource (after a server restart, or at shutdown).
  void clear_idle() {
    std::lock_guard lock(mu_);
    size_ -= idle_.size();
    idle_.clear();
  }

  struct Stats {
    std::size_t size, idle, waiting, max, timeouts;
  };
  Stats stats() const {
    std::lock_guard lock(mu_);
    return {size_, idle_.size(), waiters_.size(), max_size_, timeouts_};
  }

 private:
  struct Waiter {
    asio::steady_timer timer;
    std::unique_ptr<T> item;
    bool may_create = false;
    bool done = false;
  };

  void release(std::unique_ptr<T> item) {
    std::lock_guard lock(mu_);
    if (!waiters_.empty()) {
      Waiter* w = waiters_.front();
      waiters_.pop_front();
      w->item = std::move(item);
      w->done = true;
      w->timer.expires_at(asio::steady_timer::time_point::min());  // wakes it even before it waits
      return;
    }
    idle_.push_back(std::move(item));
  }

  void drop(std::unique_ptr<T> item) {
    item.reset();
    give_back_slot();
  }

  void give_back_slot() {
    std::lock_guard lock(mu_);
    if (!waiters_.empty()) {  // the slot passes to a waiter, who makes a new resource
      Waiter* w = waiters_.front();
      waiters_.pop_front();
      w->may_create = true;
      w->done = true;
      w->timer.expires_at(asio::steady_timer::time_point::min());  // wakes it even before it waits
      return;
    }
    --size_;
  }

  const std::size_t max_size_;
  Factory factory_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<T>> idle_;
  std::deque<Waiter*> waiters_;
  std::size_t size_ = 0;
  std::size_t timeouts_ = 0;
};

}  // namespace krilin::core
