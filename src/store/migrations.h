#pragma once
// The platform's schema, as an ordered list of migrations.
//
// A migration is a version (strictly increasing, never reused), a name, and its
// statements for each dialect (most are the same text; `postgres` and `sqlite` override
// `both` where the dialects differ). Store::migrate() applies the missing ones in order,
// each in its own transaction together with its row in `schema_migrations`; on
// PostgreSQL it first takes a transaction-scoped advisory lock, so that two instances
// starting at once apply each migration exactly once. Never edit a released migration:
// add the next one.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "store/store.h"

namespace krilin::store {

struct Migration {
  std::int64_t version;
  std::string name;
  std::vector<std::string> both;
  std::vector<std::string> postgres;  // used instead of `both` on PostgreSQL when not empty
  std::vector<std::string> sqlite;    // used instead of `both` on SQLite when not empty

  const std::vector<std::string>& statements(Dialect d) const;
};

std::span<const Migration> platform_migrations();

// Applies `migrations` (for tests; Store::migrate() passes the platform's list).
asio::awaitable<std::vector<AppliedMigration>> apply_migrations(Store& store, std::span<const Migration> migrations);
asio::awaitable<int> count_pending(Store& store, std::span<const Migration> migrations);

}  // namespace krilin::store
