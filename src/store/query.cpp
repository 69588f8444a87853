#include "store/query.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/ids.h"

namespace krilin::store {
namespace {

[[noreturn]] void bad(std::string code, std::string message) {
  throw Exception(Error::invalid(std::move(code), std::move(message)));
}

const char* type_name(FieldType t) {
  switch (t) {
    case FieldType::string: return "string";
    case FieldType::number: return "number";
    case FieldType::integer: return "integer";
    case FieldType::boolean: return "boolean";
    case FieldType::array: return "array";
    case FieldType::object: return "object";
    case FieldType::any: return "any";
  }
  return "any";
}

// Shows a client-supplied name in an error message without letting it run long.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 64) out += "…";
  return out;
}

enum class Builtin { none, id, created_at, updated_at, version };

Builtin builtin(std::string_view name) {
  if (name == "id") return Builtin::id;
  if (name == "created_at") return Builtin::created_at;
  if (name == "updated_at") return Builtin::updated_at;
  if (name == "version") return Builtin::version;
  return Builtin::none;
}

// Milliseconds since the epoch from an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
std::optional<std::int64_t> parse_iso_ms(std::string_view s) {
  if (s.size() < 20 || s.size() > 24 || s.back() != 'Z') return std::nullopt;
  int y, mo, d, h, mi, sec, ms = 0;
  char tail[8] = {};
  std::string str(s);
  int n = std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &sec, tail);
  if (n < 7) return std::nullopt;
  std::string t(tail);
  if (t != "Z") {
    if (t.size() != 5 || t[0] != '.' || t[4] != 'Z') return std::nullopt;
    ms = std::atoi(t.substr(1, 3).c_str());
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || y < 1970 || y > 9999) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

// How a field is compared: as text (strings, ids) or as typed JSON (numbers, booleans…)
// on PostgreSQL; SQLite's ->> yields native values for both.
enum class Kind { text, json, column_int, column_text };

struct Operand {
  std::string expr;  // SQL text, referring to bound parameters only
  Kind kind;
  FieldType type;
  Builtin col;
  std::string name;
  std::string key;  // the field name as an SQL literal (app fields only; checked identifier)
};

class Compiler {
 public:
  Compiler(Dialect d, const QueryLimits& l) : dialect_(d), limits_(l) {}

  std::string param(Value v) {
    params_.push_back(std::move(v));
    return "$" + std::to_string(params_.size());
  }

  Operand operand(const TableSpec& table, std::string_view name) {
    if (!is_identifier(name)) bad("invalid_field", "'" + shown(name) + "' is not a field name.");
    Builtin b = builtin(name);
    if (b == Builtin::id) return {"id", Kind::column_text, FieldType::string, b, std::string(name)};
    if (b != Builtin::none) return {std::string(name), Kind::column_int, FieldType::integer, b, std::string(name)};
    const FieldSpec* f = table.field(name);
    if (!f) bad("unknown_field", "Table '" + table.name + "' has no field '" + shown(name) + "'.");
    // The name is a declared field and an identifier ([a-z][a-z0-9_]*), so it is written
    // as a literal: the expression then matches the manifest's expression indexes.
    std::string key = "'" + std::string(name) + "'";
    Kind kind = f->type == FieldType::string ? Kind::text : Kind::json;
    if (dialect_ == Dialect::postgres) {
      std::string e = kind == Kind::text ? "(data->>" + key + "::text)" : "(data->" + key + "::text)";
      return {e, kind, f->type, b, std::string(name), key};
    }
    return {"(data->>" + key + ")", kind, f->type, b, std::string(name), key};
  }

  // The expression used to compare and order (PostgreSQL orders text by code point).
  std::string ordered(const Operand& o) const {
    if (dialect_ == Dialect::postgres && (o.kind == Kind::text || o.kind == Kind::column_text))
      return o.expr + " COLLATE \"C\"";
    return o.expr;
  }

  // Checks a scalar against the field's type and binds it for comparison with `o`.
  std::string value(const Operand& o, const json::value& v) {
    check_scalar(o, v);
    return bind_scalar(o, v);
  }

  std::string bind_scalar(const Operand& o, const json::value& v) {
    if (o.kind == Kind::column_int) {
      if (v.is_string()) {
        auto ms = parse_iso_ms(v.as_string());
        if (!ms) bad("invalid_value", "'" + o.name + "' takes milliseconds or an ISO 8601 UTC time.");
        return param(Value(*ms));
      }
      return param(Value(v.to_number<std::int64_t>()));
    }
    if (o.kind == Kind::column_text || o.kind == Kind::text) return param(Value(std::string(v.as_string())));
    if (dialect_ == Dialect::postgres) return param(Value(json::serialize(v))) + "::jsonb";
    return param(native(v));
  }

  static Value native(const json::value& v) {
    if (v.is_bool()) return Value(static_cast<std::int64_t>(v.as_bool() ? 1 : 0));
    if (v.is_int64()) return Value(v.as_int64());
    if (v.is_uint64()) return Value(static_cast<double>(v.as_uint64()));
    if (v.is_double()) return Value(v.as_double());
    if (v.is_string()) return Value(std::string(v.as_string()));
    return Value(nullptr);
  }

  void check_string(const json::string& s) const {
    if (s.size() > limits_.max_string_bytes)
      bad("value_too_long", "A value is longer than " + std::to_string(limits_.max_string_bytes) + " bytes.");
    if (std::find(s.begin(), s.end(), '\0') != s.end()) bad("invalid_value", "Values cannot contain NUL characters.");
  }

  void check_scalar(const Operand& o, const json::value& v) const {
    auto mismatch = [&] {
      bad("type_mismatch", "'" + o.name + "' is a " + type_name(o.type) + " field; the value does not fit.");
    };
    if (v.is_string()) check_string(v.as_string());
    if (v.is_double() && !std::isfinite(v.as_double())) mismatch();
    if (o.kind == Kind::column_int) {
      if (v.is_string() && o.col != Builtin::version) return;  // ISO time, parsed when bound
      if (!v.is_int64() && !(v.is_uint64() && v.as_uint64() <= INT64_MAX)) mismatch();
      return;
    }
    switch (o.type) {
      case FieldType::string:
        if (!v.is_string()) mismatch();
        break;
      case FieldType::number:
        if (!v.is_number()) mismatch();
        break;
      case FieldType::integer:
        if (!v.is_int64() && !v.is_uint64()) mismatch();
        break;
      case FieldType::boolean:
        if (!v.is_bool()) mismatch();
        break;
      case FieldType::array:
      case FieldType::object:
        bad("unsupported_operator", "'" + o.name + "' is a " + type_name(o.type) +
                                        " field: filter it with exists or contains.");
      case FieldType::any:
        if (!v.is_primitive() || v.is_null()) mismatch();
        break;
    }
  }

  std::string condition(const TableSpec& table, std::string_view field, const json::value& spec) {
    Operand o = operand(table, field);
    if (!spec.is_object()) return op(o, "eq", spec);
    const auto& ops = spec.as_object();
    if (ops.empty()) bad("invalid_where", "The condition on '" + o.name + "' is empty.");
    std::vector<std::string> parts;
    for (const auto& [name, v] : ops) {
      Operand fresh = parts.empty() ? o : operand(table, field);
      parts.push_back(op(fresh, name, v));
    }
    return join(parts, " AND ");
  }

  std::string op(const Operand& o, std::string_view name, const json::value& v) {
    count();
    const bool pg = dialect_ == Dialect::postgres;
    if (name == "eq" || name == "ne") {
      const bool eq = name == "eq";
      if (v.is_null()) return null_test(o, eq);
      std::string val = value(o, v);
      std::string lhs = o.expr;
      if (eq) return "(" + lhs + " = " + val + ")";
      return "(" + lhs + (pg ? " IS DISTINCT FROM " : " IS NOT ") + val + ")";
    }
    if (name == "lt" || name == "lte" || name == "gt" || name == "gte") {
      if (o.type == FieldType::boolean) bad("unsupported_operator", "'" + o.name + "' is a boolean: use eq or ne.");
      const char* sym = name == "lt" ? " < " : name == "lte" ? " <= " : name == "gt" ? " > " : " >= ";
      std::string val = value(o, v);
      return "(" + ordered(o) + sym + val + ")";
    }
    if (name == "in" || name == "nin") {
      if (!v.is_array() || v.as_array().empty())
        bad("invalid_value", "'" + std::string(name) + "' on '" + o.name + "' takes a non-empty array.");
      const auto& arr = v.as_array();
      if (arr.size() > limits_.max_in_values)
        bad("too_many_values", "'" + std::string(name) + "' takes at most " + std::to_string(limits_.max_in_values) + " values.");
      std::vector<std::string> vals;
      for (const auto& e : arr) vals.push_back(value(o, e));
      std::string list = "(" + join(vals, ", ") + ")";
      if (name == "in") return "(" + o.expr + " IN " + list + ")";
      return "(" + o.expr + " IS NULL OR " + o.expr + " NOT IN " + list + ")";
    }
    if (name == "contains") {
      if (o.type == FieldType::string || o.kind == Kind::column_text) {
        if (!v.is_string()) bad("type_mismatch", "'contains' on '" + o.name + "' takes a string.");
        check_string(v.as_string());
        std::string val = param(Value(std::string(v.as_string())));
        return pg ? "(strpos(" + o.expr + ", " + val + ") > 0)" : "(instr(" + o.expr + ", " + val + ") > 0)";
      }
      if (o.type != FieldType::array)
        bad("unsupported_operator", "'contains' applies to string and array fields; '" + o.name + "' is a " +
                                        type_name(o.type) + ".");
      if (!v.is_primitive() || v.is_null()) bad("type_mismatch", "'contains' on '" + o.name + "' takes one scalar value.");
      if (v.is_string()) check_string(v.as_string());
      if (v.is_double() && !std::isfinite(v.as_double())) bad("type_mismatch", "Numbers must be finite.");
      if (pg) {
        json::array one{v};
        std::string val = param(Value(json::serialize(one)));
        return "(" + o.expr + " @> " + val + "::jsonb)";
      }
      std::string val = param(native(v));
      return "(EXISTS (SELECT 1 FROM json_each(data, '$.' || " + o.key + ") AS e WHERE e.value = " + val + "))";
    }
    if (name == "like") {
      if (o.type != FieldType::string) bad("unsupported_operator", "'like' applies to string fields; '" + o.name + "' is not one.");
      if (!v.is_string()) bad("type_mismatch", "'like' on '" + o.name + "' takes a pattern string.");
      check_string(v.as_string());
      if (v.as_string().size() > 256) bad("value_too_long", "A 'like' pattern is at most 256 bytes.");
      std::string val = param(Value(std::string(v.as_string())));
      return "(" + o.expr + (pg ? " ILIKE " : " LIKE ") + val + " ESCAPE '\\')";
    }
    if (name == "exists") {
      if (!v.is_bool()) bad("type_mismatch", "'exists' takes true or false.");
      if (o.col != Builtin::none) return v.as_bool() ? "(1 = 1)" : "(1 = 0)";
      // -> (not ->>) so that a JSON null counts as present.
      std::string e = pg ? "(data->" + o.key + "::text)" : "(data->" + o.key + ")";
      return "(" + e + (v.as_bool() ? " IS NOT NULL)" : " IS NULL)");
    }
    bad("unknown_operator", "Unknown operator '" + shown(name) +
                                "'; use eq, ne, lt, lte, gt, gte, in, nin, contains, like or exists.");
  }

  std::string null_test(const Operand& o, bool is_null) {
    std::string e = o.expr;
    if (dialect_ == Dialect::postgres && o.kind == Kind::json) {
      // data->'f' is the JSON null for {"f": null}; ->> gives SQL NULL for both cases.
      e = "(data->>" + o.key + "::text)";
    }
    return "(" + e + (is_null ? " IS NULL)" : " IS NOT NULL)");
  }

  std::string where(const TableSpec& table, const json::value& w, std::size_t depth) {
    if (depth > limits_.max_depth) bad("query_too_deep", "The where clause nests too deeply.");
    if (!w.is_object()) bad("invalid_where", "'where' must be an object of field conditions.");
    std::vector<std::string> parts;
    for (const auto& [key, v] : w.as_object()) {
      if (key == "$and" || key == "$or") {
        if (!v.is_array() || v.as_array().empty()) bad("invalid_where", std::string(key) + " takes a non-empty array.");
        std::vector<std::string> sub;
        for (const auto& e : v.as_array()) sub.push_back("(" + where(table, e, depth + 1) + ")");
        parts.push_back("(" + join(sub, key == "$and" ? " AND " : " OR ") + ")");
      } else if (key == "$not") {
        parts.push_back("(NOT (" + where(table, v, depth + 1) + "))");
      } else {
        parts.push_back(condition(table, key, v));
      }
    }
    if (parts.empty()) return "1 = 1";
    return join(parts, " AND ");
  }

  void count() {
    if (++conditions_ > limits_.max_conditions)
      bad("query_too_complex", "A query has at most " + std::to_string(limits_.max_conditions) + " conditions.");
  }

  static std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i) out += sep;
      out += parts[i];
    }
    return out;
  }

  Params take_params() { return std::move(params_); }

 private:
  Dialect dialect_;
  const QueryLimits& limits_;
  Params params_;
  std::size_t conditions_ = 0;
};

struct OrderKey {
  Operand operand;
  bool desc;
};

CompiledQuery compile(const json::value& query, std::span<const TableSpec> tables, std::string_view user_id,
                      Dialect dialect, const QueryLimits& limits) {
  if (!query.is_object()) bad("invalid_query", "A query is a JSON object.");
  const auto& q = query.as_object();
  for (const auto& [k, v] : q) {
    (void)v;
    if (k != "table" && k != "where" && k != "order_by" && k != "limit" && k != "cursor")
      bad("invalid_query", "Unknown query key '" + shown(k) + "'; use table, where, order_by, limit and cursor.");
  }
  const json::value* tv = q.if_contains("table");
  if (!tv || !tv->is_string()) bad("invalid_query", "'table' names one of the app's tables.");
  const std::string_view tname = tv->as_string();
  const TableSpec* table = nullptr;
  for (const auto& t : tables)
    if (t.name == tname) table = &t;
  if (!table) bad("unknown_table", "This app has no table '" + shown(tname) + "'.");
  auto physical = physical_table_name(table->app, table->name);
  if (!physical) throw Exception(physical.error());

  Compiler c(dialect, limits);
  CompiledQuery out;
  out.dialect = dialect;
  out.table = table->name;

  std::string user = c.param(text(user_id));
  std::string cond = "1 = 1";
  if (const json::value* w = q.if_contains("where"); w && !w->is_null()) cond = c.where(*table, *w, 0);

  // Order: the declared keys, then id as the tie-breaker.
  std::vector<OrderKey> keys;
  if (const json::value* ob = q.if_contains("order_by"); ob && !ob->is_null()) {
    if (!ob->is_array()) bad("invalid_order", "'order_by' is an array of {field, dir}.");
    if (ob->as_array().size() > limits.max_order_keys)
      bad("invalid_order", "Order by at most " + std::to_string(limits.max_order_keys) + " fields.");
    for (const auto& e : ob->as_array()) {
      const json::value* f = e.is_object() ? e.as_object().if_contains("field") : nullptr;
      if (!f || !f->is_string()) bad("invalid_order", "Each order_by entry is {\"field\": name, \"dir\": \"asc\"|\"desc\"}.");
      bool desc = false;
      if (const json::value* d = e.as_object().if_contains("dir")) {
        if (!d->is_string() || (d->as_string() != "asc" && d->as_string() != "desc"))
          bad("invalid_order", "'dir' is \"asc\" or \"desc\".");
        desc = d->as_string() == "desc";
      }
      for (const auto& [k, v] : e.as_object()) {
        (void)v;
        if (k != "field" && k != "dir") bad("invalid_order", "Unknown order_by key '" + shown(k) + "'.");
      }
      Operand o = c.operand(*table, f->as_string());
      if (o.type == FieldType::array || o.type == FieldType::object)
        bad("invalid_order", "'" + o.name + "' is a " + type_name(o.type) + " field and cannot be ordered.");
      if (o.col == Builtin::id) continue;  // id closes every order anyway
      keys.push_back({std::move(o), desc});
    }
  } else {
    keys.push_back({c.operand(*table, "created_at"), true});
  }
  const bool last_desc = keys.empty() ? false : keys.back().desc;
  keys.push_back({c.operand(*table, "id"), last_desc});

  std::size_t limit = limits.default_limit;
  if (const json::value* l = q.if_contains("limit"); l && !l->is_null()) {
    if (!l->is_int64() || l->as_int64() < 1 || static_cast<std::size_t>(l->as_int64()) > limits.max_limit)
      bad("invalid_limit", "'limit' is a whole number from 1 to " + std::to_string(limits.max_limit) + ".");
    limit = static_cast<std::size_t>(l->as_int64());
  }

  // The order's signature: field names and directions (cursors are valid only for it).
  std::string signature;
  for (const auto& k : keys) signature += k.operand.name + (k.desc ? "-" : "+") + ",";

  std::string after;
  if (const json::value* cur = q.if_contains("cursor"); cur && !cur->is_null()) {
    if (!cur->is_string() || cur->as_string().size() > 8192) bad("invalid_cursor", "The cursor is not one this API gave.");
    std::string raw;
    if (!core::base64url_decode(cur->as_string(), raw)) bad("invalid_cursor", "The cursor is not one this API gave.");
    boost::system::error_code ec;
    json::value decoded = json::parse(raw, ec);
    const json::object* obj = (!ec && decoded.is_object()) ? &decoded.as_object() : nullptr;
    const json::value* sig = obj ? obj->if_contains("o") : nullptr;
    const json::value* vals = obj ? obj->if_contains("v") : nullptr;
    if (!sig || !vals || !sig->is_string() || !vals->is_array() || vals->as_array().size() != keys.size())
      bad("invalid_cursor", "The cursor is not one this API gave.");
    if (sig->as_string() != signature) bad("invalid_cursor", "The cursor belongs to a query with another order.");
    const auto& v = vals->as_array();
    std::vector<std::string> alternatives;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::vector<std::string> parts;
      for (std::size_t j = 0; j < i; ++j) {
        const Operand& o = keys[j].operand;
        if (v[j].is_null()) {
          parts.push_back("(" + o.expr + " IS NULL)");
        } else {
          if (!v[j].is_primitive()) bad("invalid_cursor", "The cursor is not one this API gave.");
          parts.push_back("(" + c.ordered(o) + " = " + c.bind_scalar(o, v[j]) + ")");
        }
      }
      const Operand& o = keys[i].operand;
      if (v[i].is_null()) {
        if (o.col == Builtin::id) bad("invalid_cursor", "The cursor is not one this API gave.");
        if (keys[i].desc) continue;  // nothing sorts after a missing value, descending
        parts.push_back("(" + o.expr + " IS NOT NULL)");
      } else {
        if (!v[i].is_primitive()) bad("invalid_cursor", "The cursor is not one this API gave.");
        if (v[i].is_string() && v[i].as_string().size() > limits.max_string_bytes)
          bad("invalid_cursor", "The cursor is not one this API gave.");
        if (o.kind == Kind::column_int && !v[i].is_int64()) bad("invalid_cursor", "The cursor is not one this API gave.");
        if ((o.kind == Kind::column_text || o.kind == Kind::text) && !v[i].is_string())
          bad("invalid_cursor", "The cursor is not one this API gave.");
        std::string val = c.bind_scalar(o, v[i]);
        if (keys[i].desc)
          parts.push_back("(" + c.ordered(o) + " < " + val + " OR " + o.expr + " IS NULL)");
        else
          parts.push_back("(" + c.ordered(o) + " > " + val + ")");
      }
      alternatives.push_back("(" + Compiler::join(parts, " AND ") + ")");
    }
    after = alternatives.empty() ? "(1 = 0)" : "(" + Compiler::join(alternatives, " OR ") + ")";
  }

  std::string select = "SELECT id, data, version, created_at, updated_at";
  std::string order;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    select += ", " + keys[i].operand.expr + " AS k" + std::to_string(i);
    if (i) order += ", ";
    order += c.ordered(keys[i].operand) + (keys[i].desc ? " DESC NULLS LAST" : " ASC NULLS FIRST");
  }
  std::string lim = c.param(Value(static_cast<std::int64_t>(limit + 1)));
  out.sql = select + " FROM \"" + *physical + "\" WHERE user_id = " + user + " AND deleted_at IS NULL AND (" + cond +
            ")" + (after.empty() ? "" : " AND " + after) + " ORDER BY " + order + " LIMIT " + lim;
  out.params = c.take_params();
  if (after.empty()) {  // without a cursor the limit is the last parameter: the count leaves it out
    out.count_sql = "SELECT COUNT(*) AS n FROM \"" + *physical + "\" WHERE user_id = " + user +
                    " AND deleted_at IS NULL AND (" + cond + ")";
    out.count_params.assign(out.params.begin(), out.params.end() - 1);
  }
  out.limit = limit;
  out.order_keys = keys.size();
  for (const auto& k : keys) out.json_keys.push_back(dialect == Dialect::postgres && k.operand.kind == Kind::json);
  out.signature = signature;
  return out;
}

json::value cell_json(const Value& v) {
  if (is_null(v)) return nullptr;
  if (auto* b = std::get_if<bool>(&v)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return *d;
  return json::string(std::get<std::string>(v));
}

}  // namespace

std::optional<FieldType> parse_field_type(std::string_view n) {
  if (n == "string") return FieldType::string;
  if (n == "number") return FieldType::number;
  if (n == "integer") return FieldType::integer;
  if (n == "boolean") return FieldType::boolean;
  if (n == "array") return FieldType::array;
  if (n == "object") return FieldType::object;
  if (n == "any") return FieldType::any;
  return std::nullopt;
}

const FieldSpec* TableSpec::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 63 || s[0] < 'a' || s[0] > 'z') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<std::string> physical_table_name(std::string_view app, std::string_view table) {
  std::string a(app);
  std::replace(a.begin(), a.end(), '-', '_');
  if (!is_identifier(a)) return Error::invalid("invalid_app_id", "'" + shown(app) + "' is not a valid app id.");
  if (!is_identifier(table)) return Error::invalid("invalid_table", "'" + shown(table) + "' is not a valid table name.");
  std::string name = "app_" + a + "_" + std::string(table);
  if (name.size() > 63) return Error::invalid("invalid_table", "The table name '" + name + "' is too long.");
  return name;
}

std::vector<std::string> app_table_ddl(const TableSpec& table, Dialect dialect) {
  std::string t = physical_table_name(table.app, table.name).value();
  const bool pg = dialect == Dialect::postgres;
  std::vector<std::string> out;
  out.push_back("CREATE TABLE IF NOT EXISTS \"" + t + "\" (" +
                "id TEXT PRIMARY KEY, user_id TEXT NOT NULL, " +
                (pg ? "data JSONB NOT NULL" : "data TEXT NOT NULL CHECK (json_valid(data))") +
                ", version BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, "
                "deleted_at BIGINT)");
  out.push_back("CREATE INDEX IF NOT EXISTS \"" + t + "_user_created\" ON \"" + t + "\" (user_id, created_at)");
  // The manifest's indexes, on the same expressions the query compiler writes.
  for (const auto& index : table.indexes) {
    std::string name = t + "_by", cols = "user_id";
    for (const auto& f : index) {
      const FieldSpec* spec = table.field(f);
      if (!is_identifier(f) || !spec) continue;
      name += "_" + f;
      const std::string key = "'" + f + "'";
      cols += pg ? (spec->type == FieldType::string ? ", (data->>" + key + "::text)" : ", (data->" + key + "::text)")
                 : ", (data->>" + key + ")";
    }
    out.push_back("CREATE INDEX IF NOT EXISTS \"" + name + "\" ON \"" + t + "\" (" + cols + ")");
  }
  if (pg) {
    // The second wall: a row is visible and writable only in a transaction whose
    // krilin.user_id setting names its owner (see as_user()), for the table's owner too.
    out.push_back("ALTER TABLE \"" + t + "\" ENABLE ROW LEVEL SECURITY");
    out.push_back("ALTER TABLE \"" + t + "\" FORCE ROW LEVEL SECURITY");
    out.push_back("DROP POLICY IF EXISTS \"" + t + "_owner\" ON \"" + t + "\"");
    out.push_back("CREATE POLICY \"" + t + "_owner\" ON \"" + t +
                  "\" USING (user_id = current_setting('krilin.user_id', true)) "
                  "WITH CHECK (user_id = current_setting('krilin.user_id', true))");
  }
  return out;
}

Result<CompiledQuery> compile_query(const json::value& query, std::span<const TableSpec> tables,
                                    std::string_view user_id, Dialect dialect, const QueryLimits& limits) {
  try {
    return compile(query, tables, user_id, dialect, limits);
  } catch (const Exception& e) {
    return e.error();
  }
}

Page read_page(const CompiledQuery& q, const Rows& rows) {
  Page page;
  const std::size_t n = std::min(rows.size(), q.limit);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = rows.rows[i];
    boost::system::error_code ec;
    json::value data = json::parse(as_text(r[1]), ec);
    if (ec) data = nullptr;
    page.items.push_back(json::object{{"id", cell_json(r[0])},
                                      {"data", std::move(data)},
                                      {"version", as_int(r[2])},
                                      {"created_at", as_int(r[3])},
                                      {"updated_at", as_int(r[4])}});
  }
  if (rows.size() > q.limit && n > 0) {
    const auto& last = rows.rows[n - 1];
    json::array vals;
    for (std::size_t k = 0; k < q.order_keys; ++k) {
      const Value& v = last[5 + k];
      // PostgreSQL answers typed-JSON keys as JSON text; text keys and SQLite's as values.
      if (q.json_keys[k] && std::holds_alternative<std::string>(v)) {
        boost::system::error_code ec;
        json::value parsed = json::parse(std::get<std::string>(v), ec);
        vals.push_back(ec ? cell_json(v) : parsed);
      } else {
        vals.push_back(cell_json(v));
      }
    }
    json::object cursor{{"o", q.signature}, {"v", std::move(vals)}};
    page.next_cursor = core::base64url_encode(json::serialize(cursor));
  }
  return page;
}

}  // namespace krilin::store
