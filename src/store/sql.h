#pragma once
// Small pure helpers over SQL text, shared by the backends.
#include <string>
#include <string_view>

namespace krilin::store::sql {

// Rewrites PostgreSQL placeholders `$1`, `$12` to SQLite's numbered `?1`, `?12`, leaving
// string literals, quoted identifiers, comments and dollar-quoted bodies alone.
std::string to_sqlite_placeholders(std::string_view sql);

// True when the statement only reads (starts with SELECT, VALUES or EXPLAIN, after
// comments and spaces). Conservative: anything else counts as a write.
bool is_read_only(std::string_view sql);

// 'text' with embedded quotes doubled: for the few places where a literal must appear
// in DDL (never for values, which are always bound).
std::string quote_literal(std::string_view text);

}  // namespace krilin::store::sql
