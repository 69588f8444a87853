#include "store/store.h"

#include "core/config.h"
#include "krilin/sdk/result.h"
#include "store/migrations.h"

namespace krilin::store {

asio::awaitable<std::int64_t> Executor::execute(std::string sql, Params params) {
  Rows r = co_await query(std::move(sql), std::move(params));
  co_return r.affected;
}

asio::awaitable<std::vector<AppliedMigration>> Store::migrate() {
  return apply_migrations(*this, platform_migrations());
}

asio::awaitable<int> Store::pending_migrations() { return count_pending(*this, platform_migrations()); }

StoreOptions store_options(const core::Config& config) {
  StoreOptions o;
  o.url = config.database_url();
  o.pool_size = static_cast<std::size_t>(config.integer("db_pool_size"));
  o.pool_wait = std::chrono::milliseconds(config.integer("db_pool_wait_ms"));
  o.statement_timeout = std::chrono::milliseconds(config.integer("db_statement_timeout_ms"));
  o.connect_timeout = std::chrono::milliseconds(config.integer("db_connect_timeout_ms"));
  o.busy_timeout = std::chrono::milliseconds(config.integer("sqlite_busy_timeout_ms"));
  o.synchronous = config.str("sqlite_synchronous");
  return o;
}

asio::awaitable<std::unique_ptr<Store>> open_store(StoreOptions options, core::BlockingPool& pool,
                                                   asio::any_io_executor executor) {
  if (options.url.rfind("sqlite:", 0) == 0) co_return co_await open_sqlite(std::move(options), pool, executor);
  if (options.url.rfind("postgresql://", 0) == 0 || options.url.rfind("postgres://", 0) == 0)
    co_return co_await open_postgres(std::move(options), executor);
  throw Exception(Error::invalid("invalid_database_url",
                                 "The database URL must start with sqlite: or postgresql://."));
}

asio::awaitable<std::unique_ptr<Store>> open_store(const core::Config& config, core::BlockingPool& pool,
                                                   asio::any_io_executor executor) {
  return open_store(store_options(config), pool, std::move(executor));
}

}  // namespace krilin::store
