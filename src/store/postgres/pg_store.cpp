// The PostgreSQL backend: scale-out mode.
//
// libpq's non-blocking API driven from the io_context: a query is sent with
// PQsendQueryPrepared, flushed, and its results read as the socket becomes readable
// (Asio waits on the descriptor, with a deadline) — no thread per query. Each connection
// caches its prepared statements. The pool checks a connection on checkout (a server
// restart leaves idle connections readable with the server's goodbye) and replaces it.
// batch() sends every statement in one round trip in pipeline mode; a pipeline segment
// runs as one implicit transaction, so the batch is atomic.
#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <unordered_map>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/async_pool.h"
#include "core/log.h"
#include "krilin/sdk/result.h"
#include "store/gate.h"
#include "store/store.h"

namespace krilin::store {
namespace {


using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;
using WaitType = asio::posix::stream_descriptor::wait_type;

constexpr std::size_t kStatementCacheSize = 512;
constexpr auto kClientSlack = std::chrono::seconds(2);  // beyond the server's statement_timeout

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Error unavailable(std::string message) {
  return Error::unavailable("database_unavailable", "The database cannot be reached: " + trim(std::move(message)), 2);
}

Error result_error(const PGresult* r) {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  std::string code = state ? state : "";
  std::string msg = primary ? primary : trim(PQresultErrorMessage(r));
  if (code == "23505") return Error::conflict("duplicate", "A record with the same key already exists.");
  if (code == "23503")
    return Error::conflict("foreign_key_violation", "The record refers to, or is referred to by, another record.");
  if (code == "23502" || code == "23514") return Error::invalid("constraint_violation", "A value breaks a rule of the table: " + msg);
  if (code.rfind("22", 0) == 0) return Error::invalid("invalid_value", "A value cannot be stored: " + msg);
  if (code == "40001" || code == "40P01")
    return Error::unavailable("serialization_failure", "A concurrent change conflicted; try again.");
  if (code == "57014") return Error::unavailable("statement_timeout", "The database took too long to answer.");
  if (code == "42501")  // insufficient privilege, row-level security refusing a row
    return Error{ErrorKind::forbidden, "row_security_violation", "The database refused access to this row.", false};
  if (code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0 || code.rfind("53", 0) == 0) return unavailable(msg);
  return Error::internal("PostgreSQL " + code + ": " + msg);
}

Value cell(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return Value(nullptr);
  const char* v = PQgetvalue(r, row, col);
  const int len = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case 16:  // bool
      return Value(v[0] == 't');
    case 20:  // int8
    case 21:  // int2
    case 23:  // int4
    case 26:  // oid
    case 1700: {  // numeric: an integer when it is one (SUM of integers), else a double
      std::int64_t i = 0;
      auto [p, ec] = std::from_chars(v, v + len, i);
      if (ec == std::errc() && p == v + len) return Value(i);
      return Value(std::strtod(v, nullptr));
    }
    case 700:  // float4
    case 701:  // float8
      return Value(std::strtod(v, nullptr));
    default:
      return Value(std::string(v, static_cast<std::size_t>(len)));
  }
}

Rows to_rows(const PGresult* r) {
  Rows out;
  const int ncol = PQnfields(r), nrow = PQntuples(r);
  out.columns.reserve(static_cast<std::size_t>(ncol));
  for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(r, c));
  out.rows.reserve(static_cast<std::size_t>(nrow));
  for (int i = 0; i < nrow; ++i) {
    std::vector<Value> row;
    row.reserve(static_cast<std::size_t>(ncol));
    for (int c = 0; c < ncol; ++c) row.push_back(cell(r, i, c));
    out.rows.push_back(std::move(row));
  }
  const char* n = PQcmdTuples(const_cast<PGresult*>(r));
  out.affected = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
  return out;
}

// Parameters as libpq wants them: text, with the type left for the server to infer.
struct TextParams {
  std::vector<std::string> storage;
  std::vector<const char*> values;
  explicit TextParams(const Params& params) {
    storage.reserve(params.size());
    values.reserve(params.size());
    for (const Value& v : params) {
      if (is_null(v)) {
        storage.emplace_back();
        values.push_back(nullptr);
        continue;
      }
      if (auto* s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos)
          throw Exception(Error::invalid("invalid_value", "Text values cannot contain NUL characters."));
      }
      storage.push_back(as_text(v));
      values.push_back(storage.back().c_str());
    }
  }
  int size() const { return static_cast<int>(values.size()); }
};

class Connection {
 public:
  explicit Connection(asio::any_io_executor ex) : sock_(std::move(ex)) {}
  ~Connection() { finish(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const { return broken_ || !conn_ || PQstatus(conn_) != CONNECTION_OK; }

  // Fit for a new caller: connected, idle, not mid-call, and nothing unread on the
  // socket (an idle connection only becomes readable when the server says goodbye).
  bool healthy() const {
    if (broken() || busy_ || PQtransactionStatus(conn_) != PQTRANS_IDLE) return false;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }

  asio::awaitable<void> connect(const StoreOptions& o) {
    const Deadline deadline = Clock::now() + o.connect_timeout;
    const std::string options = "-c statement_timeout=" + std::to_string(o.statement_timeout.count());
    const char* keys[] = {"dbname", "application_name", "options", nullptr};
    const char* vals[] = {o.url.c_str(), "krilin", options.c_str(), nullptr};
    conn_ = PQconnectStartParams(keys, vals, 1);
    if (!conn_) throw Exception(unavailable("out of memory"));
    if (PQstatus(conn_) == CONNECTION_BAD) throw Exception(unavailable(PQerrorMessage(conn_)));
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    for (;;) {
      if (st == PGRES_POLLING_OK) break;
      if (st == PGRES_POLLING_FAILED) throw Exception(unavailable(PQerrorMessage(conn_)));
      // The socket may change between polls (another host, SSL retry): attach afresh.
      if (sock_.is_open()) sock_.release();
      sock_.assign(PQsocket(conn_));
      co_await wait(st == PGRES_POLLING_READING ? WaitType::wait_read : WaitType::wait_write, deadline,
                    "connecting to the database took too long");
      st = PQconnectPoll(conn_);
    }
    if (PQsetnonblocking(conn_, 1) != 0) throw Exception(unavailable(PQerrorMessage(conn_)));
    // Server notices ("… does not exist, skipping") are not errors: keep them off stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }

  // One statement, prepared once per connection.
  asio::awaitable<Rows> run(const std::string& sql, const Params& params, Deadline deadline) {
    Busy busy(*this);
    TextParams p(params);
    std::string name = co_await prepared(sql, p.size(), deadline);
    if (!PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.values.data(), nullptr, nullptr, 0)) fail_send();
    co_await flush(deadline);
    auto results = co_await read(deadline, false);
    busy.done();
    co_return rows_of(results);
  }

  // Statements in one pipeline segment (one implicit transaction, one round trip).
  asio::awaitable<std::vector<Rows>> run_pipeline(const std::vector<Statement>& statements, Deadline deadline) {
    Busy busy(*this);
    if (!PQenterPipelineMode(conn_)) fail_send();
    std::vector<std::pair<std::string, std::string>> fresh;  // (key, name) prepared in this pipeline
    std::vector<bool> prepares;  // per result slot: is it a prepare's answer
    std::vector<TextParams> keep;
    keep.reserve(statements.size());
    for (const Statement& s : statements) {
      keep.emplace_back(s.params);
      const TextParams& p = keep.back();
      std::string key = cache_key(s.sql, p.size());
      std::string name;
      if (auto it = prepared_.find(key); it != prepared_.end()) {
        name = it->second;
      } else if (auto f = std::find_if(fresh.begin(), fresh.end(), [&](auto& e) { return e.first == key; });
                 f != fresh.end()) {
        name = f->second;
      } else {
        name = "k" + std::to_string(++next_name_);
        if (!PQsendPrepare(conn_, name.c_str(), s.sql.c_str(), p.size(), nullptr)) fail_send();
        fresh.emplace_back(key, name);
        prepares.push_back(true);
      }
      if (!PQsendQueryPrepared(conn_, name.c_str(), p.size(), p.values.data(), nullptr, nullptr, 0)) fail_send();
      prepares.push_back(false);
    }
    if (!PQpipelineSync(conn_)) fail_send();
    co_await flush(deadline);
    auto results = co_await read(deadline, true);
    PQexitPipelineMode(conn_);
    busy.done();
    std::vector<Rows> out;
    std::size_t slot = 0;
    for (auto& r : results) {
      auto status = PQresultStatus(r.get());
      if (status == PGRES_PIPELINE_SYNC) continue;
      if (status == PGRES_FATAL_ERROR) throw Exception(result_error(r.get()));
      if (status == PGRES_PIPELINE_ABORTED) throw Exception(Error::internal("pipeline aborted"));
      if (slot < prepares.size() && !prepares[slot]) out.push_back(to_rows(r.get()));
      ++slot;
    }
    for (auto& [key, name] : fresh) remember(key, name);
    co_return out;
  }

 private:
  // Marks the connection mid-call until done(): one abandoned mid-call (its caller was
  // cancelled, or it failed on the wire) stays marked and is never reused.
  struct Busy {
    Connection& c;
    explicit Busy(Connection& conn) : c(conn) { c.busy_ = true; }
    void done() { c.busy_ = false; }
  };

  void finish() {
    if (sock_.is_open()) sock_.release();  // libpq owns the descriptor: never let Asio close it
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
  }

  [[noreturn]] void fail_send() {
    broken_ = true;
    throw Exception(unavailable(PQerrorMessage(conn_)));
  }

  static std::string cache_key(const std::string& sql, int nparams) { return std::to_string(nparams) + ":" + sql; }

  void remember(const std::string& key, const std::string& name) {
    if (prepared_.size() < kStatementCacheSize) prepared_.emplace(key, name);
  }

  asio::awaitable<std::string> prepared(const std::string& sql, int nparams, Deadline deadline) {
    std::string key = cache_key(sql, nparams);
    if (auto it = prepared_.find(key); it != prepared_.end()) co_return it->second;
    // Past the cache's bound, statements go unnamed (prepared for this one call).
    std::string name = prepared_.size() < kStatementCacheSize ? "k" + std::to_string(++next_name_) : "";
    if (!PQsendPrepare(conn_, name.c_str(), sql.c_str(), nparams, nullptr)) fail_send();
    co_await flush(deadline);
    auto results = co_await read(deadline, false);
    busy_ = false;     // the exchange is complete: an error here leaves the connection usable
    rows_of(results);  // throws the prepare's error, if any
    busy_ = true;
    if (!name.empty()) remember(key, name);
    co_return name;
  }

  Rows rows_of(std::vector<Result>& results) {
    if (results.empty()) throw Exception(Error::internal("PostgreSQL answered nothing"));
    for (auto& r : results) {
      auto status = PQresultStatus(r.get());
      if (status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE || status == PGRES_NONFATAL_ERROR) {
        if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
        throw Exception(result_error(r.get()));
      }
    }
    return to_rows(results.back().get());
  }

  asio::awaitable<void> wait(WaitType type, Deadline deadline, const char* what) {
    using namespace asio::experimental::awaitable_operators;
    asio::steady_timer timer(sock_.get_executor(), deadline);
    auto which = co_await (sock_.async_wait(type, asio::use_awaitable) || timer.async_wait(asio::use_awaitable));
    if (which.index() == 1) {
      broken_ = true;  // the protocol state is unknown now: the connection is dropped
      throw Exception(Error::unavailable("database_timeout", what, 1));
    }
  }

  asio::awaitable<void> flush(Deadline deadline) {
    for (;;) {
      int r = PQflush(conn_);
      if (r == 0) co_return;
      if (r < 0) fail_send();
      co_await wait(WaitType::wait_write, deadline, "the database did not accept the query in time");
      if (!PQconsumeInput(conn_)) fail_send();
    }
  }

  // Reads the results of one command (until PQgetResult says no more), or of a pipeline
  // (until its sync point).
  asio::awaitable<std::vector<Result>> read(Deadline deadline, bool pipeline) {
    std::vector<Result> out;
    int nulls = 0;
    for (;;) {
      while (!PQisBusy(conn_)) {
        PGresult* r = PQgetResult(conn_);
        if (!r) {
          if (!pipeline) co_return out;
          if (++nulls > 1) break;  // between commands: wait for more input
          continue;
        }
        nulls = 0;
        bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        out.emplace_back(r);
        if (sync) co_return out;
      }
      if (PQstatus(conn_) != CONNECTION_OK) fail_send();
      co_await wait(WaitType::wait_read, deadline, "the database took too long to answer");
      if (!PQconsumeInput(conn_)) fail_send();
      nulls = 0;
    }
  }

  PGconn* conn_ = nullptr;
  asio::posix::stream_descriptor sock_;
  std::unordered_map<std::string, std::string> prepared_;
  std::uint64_t next_name_ = 0;
  bool busy_ = false;
  bool broken_ = false;
};

using ConnPool = core::AsyncPool<Connection>;


class PgTransaction final : public Transaction {
 public:
  PgTransaction(Connection& conn, std::chrono::milliseconds timeout) : conn_(conn), timeout_(timeout) {}
  using Executor::query;
  using Executor::execute;
  Dialect dialect() const override { return Dialect::postgres; }
  asio::awaitable<Rows> query(std::string sql, Params params) override {
    co_return co_await conn_.run(sql, params, Clock::now() + timeout_ + kClientSlack);
  }

 private:
  Connection& conn_;
  std::chrono::milliseconds timeout_;
};

class PgStore final : public Store {
 public:
  PgStore(StoreOptions o, asio::any_io_executor ex)
      : opts_(std::move(o)),
        pool_(opts_.pool_size, [this, ex]() -> asio::awaitable<std::unique_ptr<Connection>> {
          auto c = std::make_unique<Connection>(ex);
          co_await c->connect(opts_);
          co_return c;
        }) {}

  using Executor::query;
  using Executor::execute;
  Dialect dialect() const override { return Dialect::postgres; }
  const char* backend_name() const override { return "postgresql"; }

  asio::awaitable<Rows> query(std::string sql, Params params) override {
    auto pass = gate_.enter();
    auto lease = co_await checkout();
    std::exception_ptr failed;
    try {
      co_return co_await lease->run(sql, params, deadline());
    } catch (...) {
      failed = std::current_exception();
    }
    if (lease->broken()) lease.discard();
    std::rethrow_exception(failed);
  }

  asio::awaitable<void> transaction(Body body) override {
    auto pass = gate_.enter();
    auto lease = co_await checkout();
    Connection& conn = *lease;
    std::exception_ptr failed;
    try {
      co_await conn.run("BEGIN", Params{}, deadline());
      PgTransaction tx(conn, opts_.statement_timeout);
      co_await body(tx);
      co_await conn.run("COMMIT", Params{}, deadline());
      co_return;
    } catch (...) {
      failed = std::current_exception();
    }
    if (!conn.broken()) {
      try {
        co_await conn.run("ROLLBACK", Params{}, deadline());
      } catch (const std::exception&) {
      }
    }
    if (conn.broken()) lease.discard();
    std::rethrow_exception(failed);
  }

  asio::awaitable<std::vector<Rows>> batch(std::vector<Statement> statements) override {
    auto pass = gate_.enter();
    if (statements.empty()) co_return std::vector<Rows>{};
    auto lease = co_await checkout();
    std::exception_ptr failed;
    try {
      co_return co_await lease->run_pipeline(statements, deadline());
    } catch (...) {
      failed = std::current_exception();
    }
    if (lease->broken()) lease.discard();
    std::rethrow_exception(failed);
  }

  asio::awaitable<bool> ping() override {
    try {
      auto r = co_await query("SELECT 1");
      co_return r.size() == 1;
    } catch (const Exception& e) {
      core::log_event(spdlog::level::warn, "database ping failed", {{"error", e.error().message}});
      co_return false;
    }
  }

  asio::awaitable<void> close() override {
    co_await gate_.close();  // the calls in flight finish first: their writes were promised
    pool_.clear_idle();
  }

  PoolStats stats() const override {
    auto s = pool_.stats();
    return {s.size, s.idle, s.waiting, s.max, s.timeouts};
  }

 private:
  Deadline deadline() const { return Clock::now() + opts_.statement_timeout + kClientSlack; }


  // A pooled connection fit for use: the ones the server dropped (restart, idle kill) are
  // replaced here, before a caller sees an error.
  asio::awaitable<ConnPool::Lease> checkout() {
    for (std::size_t attempt = 0;; ++attempt) {
      auto lease = co_await pool_.acquire(opts_.pool_wait);
      if (lease->healthy() || attempt > opts_.pool_size) co_return lease;
      lease.discard();
    }
  }

  StoreOptions opts_;
  ConnPool pool_;
  Gate gate_;
};

}  // namespace

asio::awaitable<std::unique_ptr<Store>> open_postgres(StoreOptions options, asio::any_io_executor executor) {
  auto s = std::make_unique<PgStore>(std::move(options), std::move(executor));
  co_await s->query("SELECT 1");
  co_return s;
}

}  // namespace krilin::store
