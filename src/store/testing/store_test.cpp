// The store conformance suite: every test runs on SQLite (a file in a temporary
// directory) and on PostgreSQL (a fresh database in the cluster the test command started,
// named by KRILIN_TEST_DATABASE_URL). With KRILIN_TEST_PG_REQUIRED=1 a missing
// PostgreSQL is a failure, not a skip.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include "core/blocking_pool.h"
#include "core/ids.h"
#include "store/migrations.h"
#include "store/query.h"
#include "store/records.h"
#include "store/store.h"

namespace krilin::store {
namespace {

using namespace std::chrono_literals;
using asio::awaitable;

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    if (pg()) {
      const char* admin = std::getenv("KRILIN_TEST_DATABASE_URL");
      if (!admin || !*admin) {
        // scripts/test sets KRILIN_TEST_PG_REQUIRED=1: there a missing PostgreSQL fails.
        const char* required = std::getenv("KRILIN_TEST_PG_REQUIRED");
        if (required && std::string(required) == "1") FAIL() << "KRILIN_TEST_DATABASE_URL is not set";
        GTEST_SKIP() << "no PostgreSQL (KRILIN_TEST_DATABASE_URL unset)";
      }
      admin_url_ = admin;
      db_name_ = "krilin_t_" + core::random_hex(6);
      admin_exec("CREATE DATABASE " + db_name_);
      url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + db_name_;
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("krilin-store-" + core::random_hex(6));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "krilin.db").string();
    }
  }

  void TearDown() override {
    for (auto& s : stores_) {
      if (s) run([&]() -> awaitable<void> { co_await s->close(); }());
    }
    stores_.clear();
    if (!db_name_.empty()) admin_exec("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    work_.reset();
    for (auto& t : threads_) t.join();
  }

  bool pg() const { return GetParam() == "postgresql"; }

  StoreOptions options() const {
    StoreOptions o;
    o.url = url_;
    o.pool_size = 4;
    o.pool_wait = 3000ms;
    o.statement_timeout = 10000ms;
    o.connect_timeout = 3000ms;
    return o;
  }

  template <class T>
  T run(awaitable<T> task) {
    return asio::co_spawn(io_, std::move(task), asio::use_future).get();
  }

  Store& open(StoreOptions o) {
    stores_.push_back(run(open_store(std::move(o), pool_, io_.get_executor())));
    return *stores_.back();
  }
  Store& open() { return open(options()); }

  void admin_exec(const std::string& sql) {
    StoreOptions o;
    o.url = admin_url_;
    o.pool_size = 1;
    run([&]() -> awaitable<void> {
      auto s = co_await open_store(o, pool_, io_.get_executor());
      co_await s->execute(sql);
      co_await s->close();
    }());
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::vector<std::thread> threads_;
  core::BlockingPool pool_{4, 1024};
  std::vector<std::unique_ptr<Store>> stores_;
  std::string url_, admin_url_, db_name_;
  std::filesystem::path dir_;
};

const char* kCreateItems =
    "CREATE TABLE items (id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, label TEXT, flag BOOLEAN)";

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.error();
  }
  return Error{ErrorKind::internal, "no_error", "nothing was thrown"};
}

TEST_P(StoreTest, ReportsItsBackendAndAnswersPing) {
  Store& s = open();
  EXPECT_STREQ(s.backend_name(), pg() ? "postgresql" : "sqlite");
  EXPECT_EQ(s.dialect(), pg() ? Dialect::postgres : Dialect::sqlite);
  EXPECT_TRUE(run(s.ping()));
}

TEST_P(StoreTest, ValuesRoundTripWithTheirTypes) {
  Store& s = open();
  run(s.execute(kCreateItems));
  const std::string hostile = "it's \"quoted\"; -- not a comment /* nor this */ ünïcödé 𝄞 $1 ?1";
  const std::string big(100 * 1024, 'z');
  Params row{text("a"), Value(std::int64_t{9'007'199'254'740'993}), Value(2.5), text(hostile), Value(true)};
  EXPECT_EQ(run(s.execute("INSERT INTO items (id, n, x, label, flag) VALUES ($1, $2, $3, $4, $5)", row)), 1);
  Params row2{text("b"), Value(nullptr), Value(-0.125), text(big), Value(false)};
  run(s.execute("INSERT INTO items (id, n, x, label, flag) VALUES ($1, $2, $3, $4, $5)", row2));

  Rows r = run(s.query("SELECT id, n, x, label, flag FROM items ORDER BY id"));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.columns, (std::vector<std::string>{"id", "n", "x", "label", "flag"}));
  EXPECT_EQ(as_text(r.at(0, "id")), "a");
  EXPECT_EQ(as_int(r.at(0, "n")), 9'007'199'254'740'993);
  EXPECT_DOUBLE_EQ(as_double(r.at(0, "x")), 2.5);
  EXPECT_EQ(as_text(r.at(0, "label")), hostile);
  EXPECT_TRUE(as_bool(r.at(0, "flag")));
  EXPECT_TRUE(is_null(r.at(1, "n")));
  EXPECT_EQ(as_text(r.at(1, "label")), big);
  EXPECT_FALSE(as_bool(r.at(1, "flag")));
}

TEST_P(StoreTest, PlaceholdersAreNumberedNotPositional) {
  Store& s = open();
  Params p{text("second"), text("first")};
  Rows r = run(s.query("SELECT $2 AS a, $1 AS b, $2 AS c", p));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(as_text(r.at(0, "a")), "first");
  EXPECT_EQ(as_text(r.at(0, "b")), "second");
  EXPECT_EQ(as_text(r.at(0, "c")), "first");
}

TEST_P(StoreTest, TextWithNulIsRefusedOnBothBackends) {
  Store& s = open();
  run(s.execute(kCreateItems));
  Params p{text("a"), text(std::string("a\0b", 3))};
  Error e = error_of([&] { run(s.execute("INSERT INTO items (id, label) VALUES ($1, $2)", p)); });
  EXPECT_EQ(e.kind, ErrorKind::invalid_input) << e.message;
}

TEST_P(StoreTest, DuplicateKeyIsAConflict) {
  Store& s = open();
  run(s.execute(kCreateItems));
  Params p{text("a")};
  run(s.execute("INSERT INTO items (id) VALUES ($1)", p));
  Error e = error_of([&] { run(s.execute("INSERT INTO items (id) VALUES ($1)", p)); });
  EXPECT_EQ(e.kind, ErrorKind::conflict);
  EXPECT_EQ(e.code, "duplicate");
  // The connection is still good after the error.
  EXPECT_EQ(as_int(run(s.query("SELECT count(*) AS n FROM items")).at(0, "n")), 1);
}

TEST_P(StoreTest, SyntaxErrorsAreInternalAndLeaveThePoolUsable) {
  Store& s = open();
  Error e = error_of([&] { run(s.query("SELEKT 1")); });
  EXPECT_EQ(e.kind, ErrorKind::internal);
  EXPECT_TRUE(run(s.ping()));
}

TEST_P(StoreTest, TransactionsCommitOrRollBackWhole) {
  Store& s = open();
  run(s.execute(kCreateItems));
  run(s.transaction([](Transaction& tx) -> awaitable<void> {
    co_await tx.execute("INSERT INTO items (id, n) VALUES ('a', 1)");
    co_await tx.execute("INSERT INTO items (id, n) VALUES ('b', 2)");
  }));
  Error e = error_of([&] {
    run(s.transaction([](Transaction& tx) -> awaitable<void> {
      co_await tx.execute("INSERT INTO items (id, n) VALUES ('c', 3)");
      auto seen = co_await tx.query("SELECT count(*) AS n FROM items");
      EXPECT_EQ(as_int(seen.at(0, "n")), 3);  // the transaction sees its own write
      throw Exception(Error::invalid("changed_mind", "no"));
    }));
  });
  EXPECT_EQ(e.code, "changed_mind");
  Error dup = error_of([&] {
    run(s.transaction([](Transaction& tx) -> awaitable<void> {
      co_await tx.execute("INSERT INTO items (id, n) VALUES ('d', 4)");
      co_await tx.execute("INSERT INTO items (id, n) VALUES ('a', 5)");
    }));
  });
  EXPECT_EQ(dup.kind, ErrorKind::conflict);
  Rows r = run(s.query("SELECT id FROM items ORDER BY id"));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(as_text(r.rows[0][0]), "a");
  EXPECT_EQ(as_text(r.rows[1][0]), "b");
}

TEST_P(StoreTest, BatchesAreAtomicAndAnswerPerStatement) {
  Store& s = open();
  run(s.execute(kCreateItems));
  std::vector<Statement> ok;
  for (int i = 0; i < 50; ++i)
    ok.push_back({"INSERT INTO items (id, n) VALUES ($1, $2)", {text("k" + std::to_string(i)), Value(std::int64_t{i})}});
  ok.push_back({"SELECT count(*) AS n FROM items", {}});
  auto results = run(s.batch(ok));
  ASSERT_EQ(results.size(), 51u);
  EXPECT_EQ(results[0].affected, 1);
  EXPECT_EQ(as_int(results[50].at(0, "n")), 50);

  std::vector<Statement> bad{{"INSERT INTO items (id) VALUES ($1)", {text("new")}},
                             {"INSERT INTO items (id) VALUES ($1)", {text("k1")}}};
  Error e = error_of([&] { run(s.batch(bad)); });
  EXPECT_EQ(e.kind, ErrorKind::conflict);
  EXPECT_EQ(as_int(run(s.query("SELECT count(*) AS n FROM items")).at(0, "n")), 50);
  // The connection that ran the failed batch is fit for the next caller.
  auto again = run(s.batch(std::vector<Statement>{{"SELECT 1 AS one", {}}}));
  EXPECT_EQ(as_int(again[0].at(0, "one")), 1);
}

TEST_P(StoreTest, ConcurrentWritesAllLand) {
  Store& s = open();
  run(s.execute(kCreateItems));
  std::vector<std::future<void>> futures;
  for (int i = 0; i < 300; ++i) {
    futures.push_back(asio::co_spawn(io_, [&s, i]() -> awaitable<void> {
      Params p{text("c" + std::to_string(i)), Value(std::int64_t{i})};
      co_await s.execute("INSERT INTO items (id, n) VALUES ($1, $2)", std::move(p));
    }, asio::use_future));
  }
  for (auto& f : futures) f.get();
  Rows r = run(s.query("SELECT count(*) AS c, sum(n) AS total FROM items"));
  EXPECT_EQ(as_int(r.at(0, "c")), 300);
  EXPECT_EQ(as_int(r.at(0, "total")), 299 * 300 / 2);
}

TEST_P(StoreTest, AnExhaustedPoolAnswersUnavailableAfterItsDeadline) {
  StoreOptions o = options();
  o.pool_size = 1;
  o.pool_wait = 100ms;
  Store& s = open(o);
  run(s.execute(kCreateItems));
  std::promise<void> holding;
  std::promise<void> release;
  auto held = release.get_future().share();
  auto tx = asio::co_spawn(io_, s.transaction([&](Transaction& t) -> awaitable<void> {
    co_await t.execute("INSERT INTO items (id) VALUES ('held')");
    holding.set_value();
    auto timer_ex = co_await asio::this_coro::executor;  // named: g++ 12 mishandles temporaries in co_await
    asio::steady_timer timer(timer_ex);
    while (held.wait_for(0s) != std::future_status::ready) {
      timer.expires_after(5ms);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }), asio::use_future);
  holding.get_future().wait();
  Error e = error_of([&] { run(s.execute("INSERT INTO items (id) VALUES ('other')")); });
  EXPECT_EQ(e.kind, ErrorKind::unavailable);
  EXPECT_EQ(e.code, "pool_exhausted");
  EXPECT_TRUE(e.retryable);
  EXPECT_TRUE(e.retry_after_seconds.has_value());
  EXPECT_GE(s.stats().timeouts, 1u);
  release.set_value();
  tx.get();
  EXPECT_EQ(run(s.execute("INSERT INTO items (id) VALUES ('after')")), 1);
}

TEST_P(StoreTest, MigrationsApplyOnceEvenWhenTwoInstancesStartTogether) {
  Store& a = open();
  Store& b = open();
  auto fa = asio::co_spawn(io_, a.migrate(), asio::use_future);
  auto fb = asio::co_spawn(io_, b.migrate(), asio::use_future);
  auto ra = fa.get();
  auto rb = fb.get();
  EXPECT_EQ(ra.size() + rb.size(), platform_migrations().size());
  EXPECT_TRUE(run(a.migrate()).empty());
  EXPECT_EQ(run(a.pending_migrations()), 0);
  Rows r = run(a.query("SELECT version, name FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(r.size(), platform_migrations().size());
  EXPECT_EQ(as_int(r.rows[0][0]), platform_migrations()[0].version);
}

TEST_P(StoreTest, AFailedMigrationLeavesNoTrace) {
  Store& s = open();
  std::vector<Migration> list = {
      {.version = 900, .name = "good", .both = {"CREATE TABLE m_good (id TEXT PRIMARY KEY)"}},
      {.version = 901, .name = "bad", .both = {"CREATE TABLE m_bad (id TEXT PRIMARY KEY)", "CREATE TABLE m_good (x TEXT)"}},
  };
  Error e = error_of([&] { run(apply_migrations(s, list)); });
  EXPECT_NE(e.code, "no_error");
  EXPECT_EQ(run(count_pending(s, list)), 1);
  // m_bad was created inside the failed migration's transaction: it is gone with it.
  Error gone = error_of([&] { run(s.query("SELECT * FROM m_bad")); });
  EXPECT_NE(gone.code, "no_error");
}

TEST_P(StoreTest, AcknowledgedWritesSurviveCloseAndReopen) {
  StoreOptions o = options();
  auto s = run(open_store(o, pool_, io_.get_executor()));
  run(s->execute(kCreateItems));
  std::vector<std::future<bool>> writes;
  for (int i = 0; i < 200; ++i) {
    writes.push_back(asio::co_spawn(io_, [st = s.get(), i]() -> awaitable<bool> {
      try {
        Params p{text("w" + std::to_string(i))};
        co_await st->execute("INSERT INTO items (id) VALUES ($1)", std::move(p));
        co_return true;
      } catch (const Exception& e) {
        EXPECT_EQ(e.error().code, "store_closed");
        co_return false;
      }
    }, asio::use_future));
  }
  run(s->close());  // while the writes are in flight
  std::set<std::string> acknowledged;
  for (int i = 0; i < 200; ++i)
    if (writes[static_cast<std::size_t>(i)].get()) acknowledged.insert("w" + std::to_string(i));
  s.reset();

  Store& again = open(o);
  Rows r = run(again.query("SELECT id FROM items"));
  std::set<std::string> stored;
  for (auto& row : r.rows) stored.insert(as_text(row[0]));
  EXPECT_EQ(stored, acknowledged);
}

TEST_P(StoreTest, CompiledQueriesAnswerTheSameOnBothBackends) {
  Store& s = open();
  TableSpec habits{.app = "habit-tracker",
                   .name = "habits",
                   .fields = {{"name", FieldType::string}, {"streak", FieldType::integer},
                              {"score", FieldType::number}, {"active", FieldType::boolean},
                              {"tags", FieldType::array}, {"meta", FieldType::object}, {"extra", FieldType::any}}};
  for (const auto& ddl : app_table_ddl(habits, s.dialect())) run(s.execute(ddl));
  struct Rec {
    const char* id;
    const char* user;
    const char* data;
    std::int64_t created;
    bool deleted;
  };
  const Rec recs[] = {
      {"h1", "A", R"({"name":"Run","streak":5,"score":1.5,"active":true,"tags":["health","outdoor"]})", 1000, false},
      {"h2", "A", R"({"name":"read","streak":2,"score":3,"active":false,"tags":["mind"]})", 2000, false},
      {"h3", "A", R"({"name":"Meditate","streak":10,"active":true,"tags":[]})", 3000, false},
      {"h4", "A", R"({"name":"Écrire","streak":0,"score":-1,"active":true,"meta":{"a":1}})", 4000, false},
      {"h5", "A", R"({"name":"walk 'n talk; --","streak":3,"score":2.25,"active":false,"extra":null})", 5000, false},
      {"h6", "A", R"({"streak":7,"active":true})", 6000, false},
      {"h7", "A", R"({"name":"Run","streak":1,"active":true,"extra":"x"})", 7000, true},
      {"b1", "B", R"({"name":"Run","streak":99,"active":true})", 1500, false},
      {"b2", "B", R"({"name":"secret","streak":6})", 2500, false},
  };
  for (const auto& r : recs) {
    Params p{text(r.id), text(r.user), text(r.data), Value(r.created), r.deleted ? Value(r.created) : Value(nullptr)};
    run(s.execute("INSERT INTO \"app_habit_tracker_habits\" (id, user_id, data, version, created_at, updated_at, "
                  "deleted_at) VALUES ($1, $2, $3, 1, $4, $4, $5)", p));
  }
  std::vector<TableSpec> tables{habits};
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    json::value q = json::parse(query);
    for (int guard = 0; guard < 20; ++guard) {
      auto c = compile_query(q, tables, "A", s.dialect());
      if (!c.ok()) ADD_FAILURE() << query << ": " << c.error().message;
      if (!c.ok()) return out;
      Rows rows;
      try {
        rows = run(s.query(c->sql, c->params));
      } catch (const Exception& e) {
        ADD_FAILURE() << query << " → " << c->sql << ": " << e.error().message;
        return out;
      }
      Page page = read_page(*c, rows);
      for (auto& item : page.items) out.emplace_back(item.as_object().at("id").as_string());
      if (!page.next_cursor) return out;
      q.as_object()["cursor"] = *page.next_cursor;
    }
    ADD_FAILURE() << "pagination did not end";
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(R"({"table":"habits"})"), (V{"h6", "h5", "h4", "h3", "h2", "h1"}));
  EXPECT_EQ(ids(R"({"table":"habits","limit":2})"), (V{"h6", "h5", "h4", "h3", "h2", "h1"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"active":true},"order_by":[{"field":"created_at"}]})"),
            (V{"h1", "h3", "h4", "h6"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"streak":{"gte":3}},"order_by":[{"field":"streak"}]})"),
            (V{"h5", "h1", "h6", "h3"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":"Run"}})"), (V{"h1"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":{"ne":"Run"}},"order_by":[{"field":"created_at"}]})"),
            (V{"h2", "h3", "h4", "h5", "h6"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"streak":{"in":[0,2,99]}},"order_by":[{"field":"created_at"}]})"),
            (V{"h2", "h4"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"streak":{"nin":[5,7]}},"order_by":[{"field":"created_at"}]})"),
            (V{"h2", "h3", "h4", "h5"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":{"contains":"ead"}}})"), (V{"h2"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"tags":{"contains":"health"}}})"), (V{"h1"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":{"like":"run%"}}})"), (V{"h1"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":{"like":"walk 'n%"}}})"), (V{"h5"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"meta":{"exists":true}}})"), (V{"h4"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"extra":{"exists":true}}})"), (V{"h5"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"name":null}})"), (V{"h6"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"score":{"gt":1.6}},"order_by":[{"field":"score","dir":"desc"}]})"),
            (V{"h2", "h5"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"$or":[{"streak":{"gt":6}},{"name":"read"}]},"order_by":[{"field":"created_at"}]})"),
            (V{"h2", "h3", "h6"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"$not":{"active":true}},"order_by":[{"field":"created_at"}]})"),
            (V{"h2", "h5"}));
  EXPECT_EQ(ids(R"({"table":"habits","where":{"created_at":{"gte":"1970-01-01T00:00:03Z"}},"order_by":[{"field":"created_at"}]})"),
            (V{"h3", "h4", "h5", "h6"}));
  // Orders with missing values (smallest), code-point string order, pages of one and two.
  const V by_name{"h6", "h3", "h1", "h2", "h5", "h4"};
  EXPECT_EQ(ids(R"({"table":"habits","order_by":[{"field":"name"}]})"), by_name);
  EXPECT_EQ(ids(R"({"table":"habits","order_by":[{"field":"name"}],"limit":1})"), by_name);
  const V by_score{"h2", "h5", "h1", "h4", "h6", "h3"};
  EXPECT_EQ(ids(R"({"table":"habits","order_by":[{"field":"score","dir":"desc"}]})"), by_score);
  EXPECT_EQ(ids(R"({"table":"habits","order_by":[{"field":"score","dir":"desc"}],"limit":2})"), by_score);
  const V by_active_name{"h2", "h5", "h6", "h3", "h1", "h4"};
  EXPECT_EQ(ids(R"({"table":"habits","order_by":[{"field":"active"},{"field":"name"}],"limit":2})"), by_active_name);
  // Another user's rows never appear, whatever the query.
  for (const auto& q : {R"({"table":"habits","where":{"name":"secret"}})", R"({"table":"habits","where":{"streak":99}})"})
    EXPECT_TRUE(ids(q).empty()) << q;
}

TEST_P(StoreTest, RecordsAreScopedVersionedAndSoftDeleted) {
  Store& s = open();
  TableSpec notes{.app = "notes", .name = "notes", .fields = {{"title", FieldType::string}}};
  for (const auto& ddl : app_table_ddl(notes, s.dialect())) run(s.execute(ddl));
  Records ann(s, notes, "ann"), bob(s, notes, "bob");
  json::object first{{"title", "Groceries"}, {"tags", json::array{"home"}}};
  Record a = run(ann.insert(first, 1000));
  EXPECT_EQ(a.version, 1);
  EXPECT_EQ(run(ann.find(a.id)).data.at("title").as_string(), "Groceries");

  // Another user, with the real id: not found, and nothing changes.
  auto code_of = [&](auto&& f) {
    try {
      f();
    } catch (const Exception& e) {
      return e.error().code;
    }
    return std::string("no_error");
  };
  json::object stolen{{"title", "mine now"}};
  EXPECT_EQ(code_of([&] { run(bob.find(a.id)); }), "record_not_found");
  EXPECT_EQ(code_of([&] { run(bob.update(a.id, stolen, std::nullopt, 2000)); }), "record_not_found");
  EXPECT_EQ(code_of([&] { run(bob.remove(a.id, std::nullopt, 2000)); }), "record_not_found");
  EXPECT_EQ(run(ann.find(a.id)).version, 1);

  // Optimistic locking.
  json::object second{{"title", "Groceries (Sat)"}};
  Record b = run(ann.update(a.id, second, std::int64_t{1}, 2000));
  EXPECT_EQ(b.version, 2);
  EXPECT_EQ(b.updated_at, 2000);
  json::object stale{{"title", "stale write"}};
  EXPECT_EQ(code_of([&] { run(ann.update(a.id, stale, std::int64_t{1}, 3000)); }), "version_conflict");
  EXPECT_EQ(run(ann.find(a.id)).data.at("title").as_string(), "Groceries (Sat)");
  EXPECT_EQ(code_of([&] { run(ann.remove(a.id, std::int64_t{1}, 3000)); }), "version_conflict");

  // Soft delete, then purge.
  EXPECT_EQ(code_of([&] { run(ann.purge(a.id)); }), "record_not_found");  // not deleted yet
  run(ann.remove(a.id, std::int64_t{2}, 4000));
  EXPECT_EQ(code_of([&] { run(ann.find(a.id)); }), "record_not_found");
  EXPECT_EQ(code_of([&] { run(bob.purge(a.id)); }), "record_not_found");
  run(ann.purge(a.id));
  Params p{text(a.id)};
  EXPECT_TRUE(run(s.query("SELECT id FROM \"app_notes_notes\" WHERE id = $1", p)).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// PostgreSQL only: what the server does to connections.
class PostgresTest : public StoreTest {};

TEST_P(PostgresTest, ConnectionsKilledByTheServerAreReplacedOnCheckout) {
  Store& s = open();
  // Warm the pool with several connections.
  std::vector<std::future<void>> fs;
  for (int i = 0; i < 8; ++i)
    fs.push_back(asio::co_spawn(io_, [&s]() -> awaitable<void> { co_await s.query("SELECT pg_sleep(0.05)"); },
                                asio::use_future));
  for (auto& f : fs) f.get();
  EXPECT_GE(s.stats().idle, 2u);
  admin_exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db_name_ + "'");
  std::this_thread::sleep_for(100ms);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(run(s.ping())) << "ping " << i;
}

TEST_P(PostgresTest, RowLevelSecurityIsASecondWallForAppTables) {
  Store& admin = open();
  TableSpec notes{.app = "notes", .name = "notes", .fields = {{"title", FieldType::string}}};
  for (const auto& ddl : app_table_ddl(notes, Dialect::postgres)) run(admin.execute(ddl));
  // The server's role: not the owner, no superuser, no BYPASSRLS.
  const std::string role = "krilin_app_" + core::random_hex(4);
  run(admin.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS"));
  run(admin.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON \"app_notes_notes\" TO " + role));
  StoreOptions o = options();
  o.url = "postgresql://" + role + "@" + url_.substr(url_.find('@') + 1);
  Store& app = open(o);

  std::string ann_id;
  run(as_user(app, "ann", [&](Transaction& tx) -> asio::awaitable<void> {
    Records ann(tx, notes, "ann");
    json::object d{{"title", "ann's"}};
    ann_id = (co_await ann.insert(d, 1)).id;
  }));
  run(as_user(app, "bob", [&](Transaction& tx) -> asio::awaitable<void> {
    Records bob(tx, notes, "bob");
    json::object d{{"title", "bob's"}};
    co_await bob.insert(d, 1);
    // Even a statement that forgets the user filter sees only bob's rows.
    auto all = co_await tx.query("SELECT id, user_id FROM \"app_notes_notes\"");
    EXPECT_EQ(all.size(), 1u);
    EXPECT_EQ(as_text(all.at(0, "user_id")), "bob");
    // And cannot touch ann's, even by id.
    Params p{text(ann_id)};
    EXPECT_EQ(co_await tx.execute("UPDATE \"app_notes_notes\" SET data = '{}' WHERE id = $1", std::move(p)), 0);
  }));
  // Writing a row for someone else is refused by the policy's check.
  Error e = error_of([&] {
    run(as_user(app, "bob", [&](Transaction& tx) -> asio::awaitable<void> {
      Records forged(tx, notes, "ann");
      json::object d{{"title", "forged"}};
      co_await forged.insert(d, 2);
    }));
  });
  EXPECT_EQ(e.code, "row_security_violation");
  // Outside as_user(), nothing at all.
  EXPECT_TRUE(run(app.query("SELECT id FROM \"app_notes_notes\"")).empty());
  run(app.close());
  run(admin.execute("DROP OWNED BY " + role));
  run(admin.execute("DROP ROLE " + role));
}

TEST_P(PostgresTest, StatementTimeoutIsUnavailableNotAHang) {
  StoreOptions o = options();
  o.statement_timeout = 200ms;
  Store& s = open(o);
  auto start = std::chrono::steady_clock::now();
  Error e = error_of([&] { run(s.query("SELECT pg_sleep(5)")); });
  EXPECT_EQ(e.kind, ErrorKind::unavailable);
  EXPECT_EQ(e.code, "statement_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(run(s.ping()));
}

TEST_P(PostgresTest, AnUnreachableServerIsUnavailableWithinTheConnectDeadline) {
  StoreOptions o = options();
  o.url = "postgresql://postgres@127.0.0.1:1/nowhere";
  o.connect_timeout = 500ms;
  Error e = error_of([&] { open(o); });
  EXPECT_EQ(e.kind, ErrorKind::unavailable);
  EXPECT_EQ(e.code, "database_unavailable");
}

INSTANTIATE_TEST_SUITE_P(Backends, PostgresTest, ::testing::Values("postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace krilin::store
