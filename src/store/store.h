#pragma once
// The store: one interface over SQLite (embedded) and PostgreSQL (scale-out).
//
// SQL is written once, with PostgreSQL's `$1, $2…` placeholders; the SQLite backend
// rewrites them to `?1, ?2…` (see sql.h). Values are always bound, never spliced.
// Where the dialects differ (DDL, JSON operators) the caller asks dialect().
//
// Every call is a coroutine and never blocks the calling I/O thread: SQLite calls run on
// the bounded blocking pool, PostgreSQL uses libpq's non-blocking API on the io_context.
// Connections come from a bounded pool; when none frees up within `db_pool_wait_ms` the
// call throws unavailable "pool_exhausted" (503 + Retry-After at the HTTP edge).
//
// Errors arrive as krilin::Exception with a kind the HTTP layer maps once:
// unique/foreign-key violations → conflict (409), bad values → invalid_input (400),
// unreachable database, timeouts, serialization failures → unavailable (503, retryable).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "store/value.h"

namespace krilin::core {
class BlockingPool;
class Config;
}  // namespace krilin::core

namespace krilin::store {

namespace asio = boost::asio;

enum class Dialect { sqlite, postgres };

// What runs statements: the store itself (each call on any pooled connection, in its own
// implicit transaction) or a Transaction (all calls on one connection).
class Executor {
 public:
  virtual ~Executor() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement; returns its rows (and the count of rows it changed).
  virtual asio::awaitable<Rows> query(std::string sql, Params params) = 0;
  asio::awaitable<Rows> query(std::string sql) { return query(std::move(sql), Params{}); }
  // Runs one statement for its effect; returns the count of rows it changed.
  asio::awaitable<std::int64_t> execute(std::string sql, Params params);
  asio::awaitable<std::int64_t> execute(std::string sql) { return execute(std::move(sql), Params{}); }
};

class Transaction : public Executor {};

struct PoolStats {
  std::size_t size = 0, idle = 0, waiting = 0, max = 0, timeouts = 0;
};

struct AppliedMigration {
  std::int64_t version;
  std::string name;
};

class Store : public Executor {
 public:
  using Body = std::function<asio::awaitable<void>(Transaction&)>;

  // Runs body inside one transaction: committed when it returns, rolled back when it
  // throws (and the exception goes on). On SQLite it holds the single writer.
  virtual asio::awaitable<void> transaction(Body body) = 0;

  // Runs the statements in order, atomically, in one round trip where the backend can
  // (PostgreSQL pipeline mode). Returns one Rows per statement.
  virtual asio::awaitable<std::vector<Rows>> batch(std::vector<Statement> statements) = 0;

  // True when the database answers a trivial query within the deadline.
  virtual asio::awaitable<bool> ping() = 0;

  // Waits for calls in flight, then closes every connection. Later calls fail.
  virtual asio::awaitable<void> close() = 0;

  virtual const char* backend_name() const = 0;  // "sqlite" or "postgresql"
  virtual PoolStats stats() const = 0;

  // Applies the platform migrations not applied yet, in order, each in one transaction
  // (see migrations.h). Safe when several instances start at once.
  asio::awaitable<std::vector<AppliedMigration>> migrate();
  asio::awaitable<int> pending_migrations();
};

struct StoreOptions {
  std::string url;  // sqlite:<path> | sqlite::memory: | postgresql://…
  std::size_t pool_size = 8;
  std::chrono::milliseconds pool_wait{5000};
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds busy_timeout{5000};  // SQLite
  std::string synchronous = "FULL";              // SQLite: FULL | NORMAL | OFF
};

StoreOptions store_options(const core::Config& config);

// Opens the store named by options.url and checks that it answers. Throws unavailable
// when it cannot be reached and invalid_input when the URL is not understood.
asio::awaitable<std::unique_ptr<Store>> open_store(StoreOptions options, core::BlockingPool& pool,
                                                   asio::any_io_executor executor);
asio::awaitable<std::unique_ptr<Store>> open_store(const core::Config& config, core::BlockingPool& pool,
                                                   asio::any_io_executor executor);

// Backends (store.cpp dispatches on the URL scheme).
asio::awaitable<std::unique_ptr<Store>> open_sqlite(StoreOptions options, core::BlockingPool& pool,
                                                    asio::any_io_executor executor);
asio::awaitable<std::unique_ptr<Store>> open_postgres(StoreOptions options, asio::any_io_executor executor);

}  // namespace krilin::store
