#include "store/migrations.h"

#include <set>

#include "core/clock.h"

namespace krilin::store {

namespace {

// A fixed key for pg_advisory_xact_lock: "krilin" in ASCII, as a number.
constexpr std::int64_t kMigrationLockKey = 0x6b72696c696e;

const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

const std::vector<Migration>& all() {
  static const std::vector<Migration> list = {
      {.version = 1,
       .name = "platform_settings",
       .both = {"CREATE TABLE platform_settings ("
                " key TEXT PRIMARY KEY,"
                " value TEXT NOT NULL,"
                " updated_at BIGINT NOT NULL)"}},
  };
  return list;
}

asio::awaitable<std::set<std::int64_t>> applied_versions(Executor& ex) {
  co_await ex.execute(kVersionTable);
  auto rows = co_await ex.query("SELECT version FROM schema_migrations");
  std::set<std::int64_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.insert(as_int(rows.rows[i][0]));
  co_return out;
}

}  // namespace

const std::vector<std::string>& Migration::statements(Dialect d) const {
  if (d == Dialect::postgres && !postgres.empty()) return postgres;
  if (d == Dialect::sqlite && !sqlite.empty()) return sqlite;
  return both;
}

std::span<const Migration> platform_migrations() { return all(); }

asio::awaitable<std::vector<AppliedMigration>> apply_migrations(Store& store, std::span<const Migration> migrations) {
  std::vector<AppliedMigration> done;
  for (const Migration& m : migrations) {
    bool applied = false;
    co_await store.transaction([&](Transaction& tx) -> asio::awaitable<void> {
      if (tx.dialect() == Dialect::postgres) {
        Params lock{Value(kMigrationLockKey)};
        co_await tx.query("SELECT pg_advisory_xact_lock($1)", std::move(lock));
      }
      auto have = co_await applied_versions(tx);
      if (have.contains(m.version)) co_return;
      for (const std::string& stmt : m.statements(tx.dialect())) co_await tx.execute(stmt);
      Params row{Value(m.version), Value(m.name), Value(core::SystemClock().now_ms())};
      co_await tx.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                          std::move(row));
      applied = true;
    });
    if (applied) done.push_back({m.version, m.name});
  }
  co_return done;
}

asio::awaitable<int> count_pending(Store& store, std::span<const Migration> migrations) {
  std::set<std::int64_t> have;
  co_await store.transaction([&](Transaction& tx) -> asio::awaitable<void> { have = co_await applied_versions(tx); });
  int pending = 0;
  for (const Migration& m : migrations)
    if (!have.contains(m.version)) ++pending;
  co_return pending;
}

}  // namespace krilin::store
