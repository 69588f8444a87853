#pragma once
// Writing and reading single records of app tables (`app_<app>_<table>`, see query.h for
// reading many): every statement scoped to one user, values bound, JSON records stored as
// JSONB (PostgreSQL) or checked JSON text (SQLite).
//
// - insert: a new UUIDv7 id, version 1.
// - update / remove: optimistic locking — with `expected_version`, a record at another
//   version answers 409 `version_conflict` and nothing changes; remove is soft (deleted_at).
// - purge: deletes a soft-deleted record for good.
// - A record of another user, or a deleted one, is 404 `record_not_found` — the same answer
//   as an id that never existed.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/json.h"
#include "store/query.h"
#include "store/store.h"

namespace krilin::store {

struct Record {
  std::string id;
  json::value data;
  std::int64_t version = 0;
  std::int64_t created_at = 0, updated_at = 0;
  json::object to_json() const;
};

// Runs `body` in one transaction scoped to `user_id`: on PostgreSQL it sets krilin.user_id
// for the row-level-security policies of app tables (a wall behind the user_id = $n of
// every statement); on SQLite it is a plain transaction.
asio::awaitable<void> as_user(Store& store, std::string user_id,
                              std::function<asio::awaitable<void>(Transaction&)> body);

class Records {
 public:
  Records(Executor& db, const TableSpec& table, std::string user_id);

  asio::awaitable<Record> insert(json::object data, std::int64_t now_ms);
  asio::awaitable<Record> find(const std::string& id);
  asio::awaitable<Record> update(const std::string& id, json::object data, std::optional<std::int64_t> expected_version,
                                 std::int64_t now_ms);
  asio::awaitable<void> remove(const std::string& id, std::optional<std::int64_t> expected_version, std::int64_t now_ms);
  asio::awaitable<void> purge(const std::string& id);

 private:
  asio::awaitable<Record> changed(const std::string& id, std::optional<std::int64_t> expected_version);

  Executor& db_;
  std::string table_;  // the physical name, already checked
  std::string user_;
};

}  // namespace krilin::store
