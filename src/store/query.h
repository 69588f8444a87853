#pragma once
// The app-table query compiler (DESIGN.md §4): a JSON query → one parameterised SELECT,
// for either dialect. Pure (no I/O), so that it can be fuzzed and tested exhaustively.
//
//   {"table": "habits",
//    "where": {"active": true, "streak": {"gte": 3}, "$or": [{…}, {…}]},
//    "order_by": [{"field": "created_at", "dir": "desc"}],
//    "limit": 50, "cursor": "…"}
//
// Operators: eq ne lt lte gt gte in nin contains like exists. Fields are checked against
// the table's declared schema (and typed by it); the built-in columns id, created_at,
// updated_at and version can be filtered and ordered too. Every value is a bound
// parameter; field names appear in the SQL only after being checked against the declared
// schema (so identifiers only), as literals matching the tables' expression indexes. Rows are
// always scoped to one user and to live (not deleted) records. Pagination is by keyset:
// the answer's cursor holds the sort values of the page's last row.
//
// Semantics, the same on both backends: a field missing from a record (or JSON null)
// sorts before every value; `ne` and `nin` match records where the field is missing;
// `like` is case-insensitive (ASCII letters on SQLite, all letters on PostgreSQL) with
// `%`, `_` and `\` as escape; strings order by code point.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/store.h"

namespace krilin::store {

enum class FieldType { string, number, integer, boolean, array, object, any };

std::optional<FieldType> parse_field_type(std::string_view name);

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::any;
};

// One table an app declares: its name and typed fields (the record's JSON keys).
struct TableSpec {
  std::string app;    // the app id, e.g. "habit-tracker"
  std::string name;   // e.g. "habits"
  std::vector<FieldSpec> fields;
  std::vector<std::vector<std::string>> indexes;  // declared indexes: field names, in order

  const FieldSpec* field(std::string_view name) const;
};

// ^[a-z][a-z0-9_]{0,62}$: what app, table and field names may be.
bool is_identifier(std::string_view name);

// app_<app>_<table>, hyphens → underscores; invalid_input when a part is not a name.
Result<std::string> physical_table_name(std::string_view app, std::string_view table);

// The statements that create an app table and its indexes (idempotent). On PostgreSQL the
// table also gets row-level security, forced for its owner: rows are reachable only inside
// as_user() (records.h). Superusers and BYPASSRLS roles skip it: connect as neither.
std::vector<std::string> app_table_ddl(const TableSpec& table, Dialect dialect);

struct CompiledQuery {
  std::string sql;
  Params params;
  std::size_t limit = 0;          // the page size asked for (the SQL fetches one more)
  std::size_t order_keys = 0;     // columns k0…kN-1 in the answer hold the sort values
  std::vector<bool> json_keys;    // per key: answered as JSON text (PostgreSQL typed fields)
  std::string signature;          // the order's identity, carried in cursors
  Dialect dialect = Dialect::sqlite;
  std::string table;              // the app's table name
  // How many rows match, ignoring order and limit (set when the query has no cursor).
  std::string count_sql;
  Params count_params;
};

struct QueryLimits {
  std::size_t max_limit = 500;
  std::size_t default_limit = 50;
  std::size_t max_order_keys = 3;
  std::size_t max_in_values = 100;
  std::size_t max_conditions = 64;
  std::size_t max_depth = 8;
  std::size_t max_string_bytes = 4096;
};

// Compiles `query` against the app's `tables` for the rows of `user_id`. Any problem with
// the query is an invalid_input error whose message names it.
Result<CompiledQuery> compile_query(const json::value& query, std::span<const TableSpec> tables,
                                    std::string_view user_id, Dialect dialect, const QueryLimits& limits = {});

// One page of answers: each item {id, data, version, created_at, updated_at}, and the
// cursor for the next page when there is one.
struct Page {
  json::array items;
  std::optional<std::string> next_cursor;
};
Page read_page(const CompiledQuery& q, const Rows& rows);

}  // namespace krilin::store
