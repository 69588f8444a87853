#pragma once
// Values that cross the store boundary: bound parameters and result cells.
//
// One small variant for both backends. SQLite has no boolean (true comes back as 1) and
// PostgreSQL answers in its own types; the accessors below (as_int, as_bool, as_text…)
// read either form, so code above the store never asks which backend it runs on.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace krilin::store {

using Value = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value text(std::string_view s) { return Value(std::string(s)); }

bool is_null(const Value& v);
std::int64_t as_int(const Value& v);   // integers, integral doubles, numeric text, bools
double as_double(const Value& v);
bool as_bool(const Value& v);          // bool, 0/1, "t"/"f"/"true"/"false"
std::string as_text(const Value& v);   // text as is; numbers printed; null → ""

// The answer of one statement: named columns, rows of cells, rows affected.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  std::int64_t affected = 0;

  std::size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  int column(std::string_view name) const;                       // -1 when absent
  const Value& at(std::size_t row, std::string_view name) const;  // throws internal when absent
};

// One statement with its parameters, for batches.
struct Statement {
  std::string sql;
  Params params;
};

}  // namespace krilin::store
