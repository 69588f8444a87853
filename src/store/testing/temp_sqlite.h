#pragma once
// For unit tests above the store: a real, migrated SQLite in a fresh temporary directory
// (synchronous=OFF: durability is not under test), an io_context running on its own
// thread, and run() to wait for a coroutine's result from the test's thread. Closes the
// store, stops the thread and removes the directory when destroyed. Tests only.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "core/blocking_pool.h"
#include "core/ids.h"
#include "store/store.h"

namespace krilin::store::testing {

class TempSqlite {
 public:
  explicit TempSqlite(std::string_view name)
      : dir_(std::filesystem::temp_directory_path() / ("krilin-" + std::string(name) + "-" + core::random_hex(6))) {
    thread_ = std::thread([this] { io_.run(); });
    std::filesystem::create_directories(dir_);
    StoreOptions o;
    o.url = "sqlite:" + (dir_ / "krilin.db").string();
    o.synchronous = "OFF";
    store_ = run(open_store(o, pool_, io_.get_executor()));
    run(store_->migrate());
  }
  ~TempSqlite() {
    run([this]() -> asio::awaitable<void> { co_await store_->close(); }());
    work_.reset();
    thread_.join();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempSqlite(const TempSqlite&) = delete;
  TempSqlite& operator=(const TempSqlite&) = delete;

  template <class T>
  T run(asio::awaitable<T> task) {
    return asio::co_spawn(io_, std::move(task), asio::use_future).get();
  }
  Store& store() { return *store_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
  core::BlockingPool pool_{2, 64};
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace krilin::store::testing
