// The SQLite backend: embedded mode.
//
// One writer connection and a pool of read-only readers on the same WAL file, so that
// writers never wait on each other inside SQLite (no busy loops on pool threads) and
// readers never wait on the writer. Every SQLite call runs on the bounded blocking pool.
// `sqlite::memory:` uses one connection for everything (tests).
#include <sqlite3.h>

#include <atomic>
#include <cctype>
#include <unordered_map>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/async_pool.h"
#include "core/blocking_pool.h"
#include "core/log.h"
#include "krilin/sdk/result.h"
#include "store/sql.h"
#include "store/gate.h"
#include "store/store.h"

namespace krilin::store {
namespace {


constexpr std::size_t kStatementCacheSize = 256;

Error sqlite_error(int code, const std::string& message) {
  int primary = code & 0xff;
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Error::conflict("duplicate", "A record with the same key already exists.");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Error::conflict("foreign_key_violation", "The record refers to, or is referred to by, another record.");
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
      return Error::invalid("constraint_violation", "A value breaks a rule of the table: " + message);
    default:
      break;
  }
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::unavailable("database_busy", "The database is busy; try again.");
    case SQLITE_FULL:
      return Error::unavailable("disk_full", "The disk holding the database is full.", 30);
    case SQLITE_TOOBIG:
      return Error::invalid("value_too_big", "A value is too big to store.");
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error::unavailable("database_unavailable", "The SQLite database cannot be used: " + message, 5);
    default:
      return Error::internal("SQLite: " + message);
  }
}

class Connection {
 public:
  Connection(const std::string& path, bool memory, bool read_only, const StoreOptions& o) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    int rc = sqlite3_open_v2(memory ? ":memory:" : path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw Exception(sqlite_error(rc, path + ": " + msg));
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(o.busy_timeout.count()));
    if (!memory && !read_only) exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = " + o.synchronous);
    exec("PRAGMA foreign_keys = ON");
    if (read_only) exec("PRAGMA query_only = ON");
  }
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  void exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw Exception(sqlite_error(sqlite3_extended_errcode(db_), msg));
    }
  }

  Rows run(const std::string& sql, const Params& params) {
    sqlite3_stmt* stmt = prepare(sql);
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size()))
      throw Exception(Error::internal("statement expects " + std::to_string(expected) + " parameters, got " +
                                      std::to_string(params.size())));
    for (int i = 0; i < expected; ++i) bind(stmt, i + 1, params[static_cast<std::size_t>(i)]);

    Rows out;
    const int ncol = sqlite3_column_count(stmt);
    out.columns.reserve(static_cast<std::size_t>(ncol));
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(sqlite3_column_name(stmt, c));
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) throw Exception(sqlite_error(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)));
      std::vector<Value> row;
      row.reserve(static_cast<std::size_t>(ncol));
      for (int c = 0; c < ncol; ++c) row.push_back(column(stmt, c));
      out.rows.push_back(std::move(row));
    }
    out.affected = sqlite3_stmt_readonly(stmt) ? 0 : sqlite3_changes64(db_);
    return out;
  }

 private:
  sqlite3_stmt* prepare(const std::string& sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    std::string text = sql::to_sqlite_placeholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                &stmt, &tail);
    if (rc != SQLITE_OK) throw Exception(sqlite_error(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_)));
    if (!stmt) throw Exception(Error::internal("empty SQL statement"));
    for (; tail && *tail; ++tail) {
      if (!std::isspace(static_cast<unsigned char>(*tail)) && *tail != ';') {
        sqlite3_finalize(stmt);
        throw Exception(Error::internal("one SQL statement per call"));
      }
    }
    if (cache_.size() >= kStatementCacheSize) {
      for (auto& [k, s] : cache_) sqlite3_finalize(s);
      cache_.clear();
    }
    cache_.emplace(sql, stmt);
    return stmt;
  }

  static void bind(sqlite3_stmt* stmt, int i, const Value& v) {
    if (std::holds_alternative<std::nullptr_t>(v)) {
      sqlite3_bind_null(stmt, i);
    } else if (auto* b = std::get_if<bool>(&v)) {
      sqlite3_bind_int(stmt, i, *b ? 1 : 0);
    } else if (auto* n = std::get_if<std::int64_t>(&v)) {
      sqlite3_bind_int64(stmt, i, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      sqlite3_bind_double(stmt, i, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      // Refused here as on PostgreSQL (which cannot store it), so both behave alike.
      if (s.find('\0') != std::string::npos)
        throw Exception(Error::invalid("invalid_value", "Text values cannot contain NUL characters."));
      sqlite3_bind_text64(stmt, i, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
  }

  static Value column(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER: return Value(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
      case SQLITE_FLOAT: return Value(sqlite3_column_double(stmt, c));
      case SQLITE_NULL: return Value(nullptr);
      default: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        int n = sqlite3_column_bytes(stmt, c);
        return Value(std::string(p ? p : "", static_cast<std::size_t>(n)));
      }
    }
  }

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

using ConnPool = core::AsyncPool<Connection>;

class SqliteStore;


class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(core::BlockingPool& pool, Connection& conn) : pool_(pool), conn_(conn) {}
  using Executor::query;
  using Executor::execute;
  Dialect dialect() const override { return Dialect::sqlite; }
  asio::awaitable<Rows> query(std::string sql, Params params) override {
    co_return co_await pool_.run([&] { return conn_.run(sql, params); });
  }

 private:
  core::BlockingPool& pool_;
  Connection& conn_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(StoreOptions o, core::BlockingPool& pool) : opts_(std::move(o)), pool_(pool) {
    std::string rest = opts_.url.substr(std::string_view("sqlite:").size());
    memory_ = rest == ":memory:" || rest.empty();
    path_ = rest;
    auto factory = [this](bool read_only) {
      return [this, read_only]() -> asio::awaitable<std::unique_ptr<Connection>> {
        co_return co_await pool_.run(
            [this, read_only] { return std::make_unique<Connection>(path_, memory_, read_only, opts_); });
      };
    };
    writer_ = std::make_unique<ConnPool>(1, factory(false));
    if (!memory_) readers_ = std::make_unique<ConnPool>(std::max<std::size_t>(1, opts_.pool_size), factory(true));
  }

  using Executor::query;
  using Executor::execute;
  Dialect dialect() const override { return Dialect::sqlite; }
  const char* backend_name() const override { return "sqlite"; }

  asio::awaitable<Rows> query(std::string sql, Params params) override {
    auto pass = gate_.enter();
    auto lease = co_await acquire(sql::is_read_only(sql) ? readers() : *writer_);
    co_return co_await pool_.run([&] { return lease->run(sql, params); });
  }

  asio::awaitable<void> transaction(Body body) override {
    auto pass = gate_.enter();
    auto lease = co_await acquire(*writer_);
    Connection& conn = *lease;
    co_await pool_.run([&] { conn.exec("BEGIN IMMEDIATE"); });
    std::exception_ptr failed;
    try {
      SqliteTransaction tx(pool_, conn);
      co_await body(tx);
      co_await pool_.run([&] { conn.exec("COMMIT"); });
      co_return;
    } catch (...) {
      failed = std::current_exception();
    }
    co_await rollback(lease);
    std::rethrow_exception(failed);
  }

  asio::awaitable<std::vector<Rows>> batch(std::vector<Statement> statements) override {
    auto pass = gate_.enter();
    auto lease = co_await acquire(*writer_);
    Connection& conn = *lease;
    std::exception_ptr failed;
    try {
      co_return co_await pool_.run([&] {
        conn.exec("BEGIN IMMEDIATE");
        std::vector<Rows> out;
        out.reserve(statements.size());
        for (const auto& s : statements) out.push_back(conn.run(s.sql, s.params));
        conn.exec("COMMIT");
        return out;
      });
    } catch (...) {
      failed = std::current_exception();
    }
    co_await rollback(lease);
    std::rethrow_exception(failed);
  }

  asio::awaitable<bool> ping() override {
    try {
      auto r = co_await query("SELECT 1");
      co_return r.size() == 1;
    } catch (const Exception&) {
      co_return false;
    }
  }

  asio::awaitable<void> close() override {
    co_await gate_.close();  // the calls in flight finish first: their writes were promised
    co_await pool_.run([this] {
      if (readers_) readers_->clear_idle();
      writer_->clear_idle();
    });
  }

  PoolStats stats() const override {
    auto w = writer_->stats();
    PoolStats s{w.size, w.idle, w.waiting, w.max, w.timeouts};
    if (readers_) {
      auto r = readers_->stats();
      s.size += r.size;
      s.idle += r.idle;
      s.waiting += r.waiting;
      s.max += r.max;
      s.timeouts += r.timeouts;
    }
    return s;
  }

 private:
  ConnPool& readers() { return readers_ ? *readers_ : *writer_; }


  asio::awaitable<ConnPool::Lease> acquire(ConnPool& p) {
    auto lease = co_await p.acquire(opts_.pool_wait);
    if (lease->in_transaction()) {  // a caller was cancelled mid-transaction
      Connection& conn = *lease;
      co_await pool_.run([&] { conn.exec("ROLLBACK"); });
    }
    co_return lease;
  }

  asio::awaitable<void> rollback(ConnPool::Lease& lease) {
    Connection& conn = *lease;
    try {
      co_await pool_.run([&] {
        if (conn.in_transaction()) conn.exec("ROLLBACK");
      });
    } catch (const std::exception& e) {
      core::log_event(spdlog::level::warn, "sqlite rollback failed", {{"error", e.what()}});
      lease.discard();
    }
  }

  StoreOptions opts_;
  core::BlockingPool& pool_;
  bool memory_ = false;
  std::string path_;
  std::unique_ptr<ConnPool> writer_;
  std::unique_ptr<ConnPool> readers_;
  Gate gate_;
};

}  // namespace

asio::awaitable<std::unique_ptr<Store>> open_sqlite(StoreOptions options, core::BlockingPool& pool,
                                                    asio::any_io_executor) {
  auto s = std::make_unique<SqliteStore>(std::move(options), pool);
  // Opens the writer (creating the file and switching it to WAL) and checks it answers.
  co_await s->execute("PRAGMA user_version");
  co_await s->query("SELECT 1 FROM sqlite_master LIMIT 1");
  co_return s;
}

}  // namespace krilin::store
