#include "store/records.h"

#include "core/ids.h"

namespace krilin::store {
namespace {

Error not_found() { return Error::not_found("record_not_found", "There is no such record."); }

Record record_of(const Rows& rows) {
  boost::system::error_code ec;
  json::value data = json::parse(as_text(rows.at(0, "data")), ec);
  return Record{as_text(rows.at(0, "id")), ec ? json::value(nullptr) : data, as_int(rows.at(0, "version")),
                as_int(rows.at(0, "created_at")), as_int(rows.at(0, "updated_at"))};
}

}  // namespace

asio::awaitable<void> as_user(Store& store, std::string user_id,
                              std::function<asio::awaitable<void>(Transaction&)> body) {
  co_await store.transaction([&](Transaction& tx) -> asio::awaitable<void> {
    if (tx.dialect() == Dialect::postgres) {
      Params p{text(user_id)};
      co_await tx.query("SELECT set_config('krilin.user_id', $1, true)", std::move(p));
    }
    co_await body(tx);
  });
}

json::object Record::to_json() const {
  return {{"id", id}, {"data", data}, {"version", version}, {"created_at", created_at}, {"updated_at", updated_at}};
}

Records::Records(Executor& db, const TableSpec& table, std::string user_id)
    : db_(db), table_(physical_table_name(table.app, table.name).value()), user_(std::move(user_id)) {}

asio::awaitable<Record> Records::insert(json::object data, std::int64_t now_ms) {
  Record r{core::new_id(), json::value(std::move(data)), 1, now_ms, now_ms};
  Params p{text(r.id), text(user_), text(json::serialize(r.data)), Value(now_ms)};
  co_await db_.execute("INSERT INTO \"" + table_ + "\" (id, user_id, data, version, created_at, updated_at) "
                       "VALUES ($1, $2, $3, 1, $4, $4)",
                       std::move(p));
  co_return r;
}

asio::awaitable<Record> Records::find(const std::string& id) {
  Params p{text(id), text(user_)};
  auto rows = co_await db_.query("SELECT id, data, version, created_at, updated_at FROM \"" + table_ +
                                     "\" WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL",
                                 std::move(p));
  if (rows.empty()) throw Exception(not_found());
  co_return record_of(rows);
}

// After an update or remove changed no row: not found, or found at another version.
asio::awaitable<Record> Records::changed(const std::string& id, std::optional<std::int64_t> expected_version) {
  auto current = co_await find(id);  // throws record_not_found
  if (expected_version && current.version != *expected_version)
    throw Exception(Error{ErrorKind::conflict, "version_conflict",
                          "The record changed since you read it (now version " + std::to_string(current.version) + ").",
                          false});
  co_return current;
}

asio::awaitable<Record> Records::update(const std::string& id, json::object data,
                                        std::optional<std::int64_t> expected_version, std::int64_t now_ms) {
  std::string text_data = json::serialize(data);
  Params p{text(text_data), Value(now_ms), text(id), text(user_),
           expected_version ? Value(*expected_version) : Value(nullptr)};
  auto n = co_await db_.execute("UPDATE \"" + table_ + "\" SET data = $1, version = version + 1, updated_at = $2 "
                                "WHERE id = $3 AND user_id = $4 AND deleted_at IS NULL AND (CAST($5 AS BIGINT) IS NULL OR version = $5)",
                                std::move(p));
  if (n == 0) co_await changed(id, expected_version);
  co_return co_await find(id);
}

asio::awaitable<void> Records::remove(const std::string& id, std::optional<std::int64_t> expected_version,
                                      std::int64_t now_ms) {
  Params p{Value(now_ms), text(id), text(user_), expected_version ? Value(*expected_version) : Value(nullptr)};
  auto n = co_await db_.execute("UPDATE \"" + table_ + "\" SET deleted_at = $1, version = version + 1, updated_at = $1 "
                                "WHERE id = $2 AND user_id = $3 AND deleted_at IS NULL AND (CAST($4 AS BIGINT) IS NULL OR version = $4)",
                                std::move(p));
  if (n == 0) co_await changed(id, expected_version);
}

asio::awaitable<void> Records::purge(const std::string& id) {
  Params p{text(id), text(user_)};
  auto n = co_await db_.execute(
      "DELETE FROM \"" + table_ + "\" WHERE id = $1 AND user_id = $2 AND deleted_at IS NOT NULL", std::move(p));
  if (n == 0) throw Exception(Error::not_found("record_not_found", "There is no deleted record with this id."));
}

}  // namespace krilin::store
