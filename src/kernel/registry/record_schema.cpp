#include "kernel/registry/record_schema.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace krilin::kernel::registry {
namespace {

const std::set<std::string_view> kAllowed = {
    "type",      "properties", "required",  "additionalProperties", "enum",      "const",       "minimum",
    "maximum",   "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format",
    "items",     "minItems",   "maxItems",  "uniqueItems",          "title",     "description", "default"};
const std::set<std::string_view> kFormats = {"date", "date-time", "time", "email", "uuid", "uri"};

Error bad_schema(const std::string& where, const std::string& what) {
  return Error::invalid("invalid_record_schema", (where.empty() ? "/" : where) + ": " + what);
}

std::optional<Error> check(const json::value& s, const std::string& where, int depth) {
  if (depth > 16) return bad_schema(where, "nested too deeply (at most 16 levels)");
  if (!s.is_object()) return bad_schema(where, "a schema must be a JSON object");
  for (const auto& [k, v] : s.as_object()) {
    if (!kAllowed.contains(k)) return bad_schema(where, "'" + std::string(k) + "' is outside the supported subset of JSON Schema");
    if (k == "format" && (!v.is_string() || !kFormats.contains(v.as_string())))
      return bad_schema(where, "format must be one of date, date-time, time, email, uuid, uri");
    if (k == "additionalProperties" && !v.is_bool()) return bad_schema(where, "additionalProperties must be true or false");
    if (k == "properties") {
      if (!v.is_object()) return bad_schema(where, "properties must be an object");
      for (const auto& [name, sub] : v.as_object())
        if (auto e = check(sub, where + "/properties/" + std::string(name), depth + 1)) return e;
    }
    if (k == "items")
      if (auto e = check(v, where + "/items", depth + 1)) return e;
  }
  return std::nullopt;
}

bool digits(std::string_view s, std::size_t from, std::size_t n) {
  if (from + n > s.size()) return false;
  return std::all_of(s.begin() + static_cast<long>(from), s.begin() + static_cast<long>(from + n),
                     [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2)) return false;
  int y = std::stoi(std::string(s.substr(0, 4))), m = std::stoi(std::string(s.substr(5, 2))), d = std::stoi(std::string(s.substr(8, 2)));
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool valid_time(std::string_view s) {  // HH:MM:SS[.frac](Z|±HH:MM)?  (offset optional for "time")
  if (s.size() < 8 || !digits(s, 0, 2) || s[2] != ':' || !digits(s, 3, 2) || s[5] != ':' || !digits(s, 6, 2)) return false;
  if (std::stoi(std::string(s.substr(0, 2))) > 23 || std::stoi(std::string(s.substr(3, 2))) > 59 ||
      std::stoi(std::string(s.substr(6, 2))) > 60)
    return false;
  std::size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return true;
  if (s[i] == 'Z' || s[i] == 'z') return i + 1 == s.size();
  if ((s[i] == '+' || s[i] == '-') && s.size() == i + 6 && digits(s, i + 1, 2) && s[i + 3] == ':' && digits(s, i + 4, 2)) return true;
  return false;
}

bool valid_format(std::string_view format, std::string_view v) {
  if (format == "date") return valid_date(v);
  if (format == "time") return valid_time(v);
  if (format == "date-time") {
    if (v.size() < 20 || (v[10] != 'T' && v[10] != 't')) return false;
    std::string_view t = v.substr(11);
    return valid_date(v.substr(0, 10)) && valid_time(t) && (t.back() == 'Z' || t.back() == 'z' || t.find_first_of("+-") != std::string_view::npos);
  }
  if (format == "email") {
    auto at = v.find('@');
    return at != std::string_view::npos && at > 0 && at + 1 < v.size() && v.find('@', at + 1) == std::string_view::npos &&
           v.find(' ') == std::string_view::npos && v.substr(at + 1).find('.') != std::string_view::npos;
  }
  if (format == "uuid") {
    if (v.size() != 36) return false;
    for (std::size_t i = 0; i < 36; ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (v[i] != '-') return false;
      } else if (!std::isxdigit(static_cast<unsigned char>(v[i]))) {
        return false;
      }
    }
    return true;
  }
  if (format == "uri") {
    auto colon = v.find(':');
    return colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(v[0])) &&
           v.find(' ') == std::string_view::npos;
  }
  return true;
}

// valijson leaves `format` alone: walk the schema and the record together.
std::optional<std::string> check_formats(const json::value& schema, const json::value& doc, const std::string& where) {
  if (!schema.is_object()) return std::nullopt;
  const auto& s = schema.as_object();
  if (const json::value* f = s.if_contains("format"); f && f->is_string() && doc.is_string())
    if (!valid_format(f->as_string(), doc.as_string())) return where + ": not a valid " + std::string(f->as_string());
  if (const json::value* props = s.if_contains("properties"); props && props->is_object() && doc.is_object())
    for (const auto& [name, sub] : props->as_object())
      if (const json::value* v = doc.as_object().if_contains(name))
        if (auto e = check_formats(sub, *v, where + "/" + std::string(name))) return e;
  if (const json::value* items = s.if_contains("items"); items && doc.is_array()) {
    std::size_t i = 0;
    for (const auto& e : doc.as_array())
      if (auto err = check_formats(*items, e, where + "/" + std::to_string(i++))) return err;
  }
  return std::nullopt;
}

store::FieldType field_type(const json::value& s) {
  const json::value* t = s.is_object() ? s.as_object().if_contains("type") : nullptr;
  if (!t || !t->is_string()) return store::FieldType::any;
  return store::parse_field_type(t->as_string()).value_or(store::FieldType::any);
}

}  // namespace

Result<RecordSchema> RecordSchema::compile(const json::value& schema) {
  if (auto e = check(schema, "", 0)) return *e;
  const auto& root = schema.as_object();
  if (const json::value* t = root.if_contains("type"); !t || !t->is_string() || t->as_string() != "object")
    return bad_schema("", "a record schema's root must be {\"type\": \"object\", …}");
  auto compiled = http::compile_schema(schema);
  if (!compiled) return Error::invalid("invalid_record_schema", compiled.error().message);
  RecordSchema out;
  out.compiled_ = std::make_shared<const http::CompiledSchema>(std::move(*compiled));
  out.schema_ = schema;
  if (const json::value* props = root.if_contains("properties"); props && props->is_object())
    for (const auto& [name, sub] : props->as_object()) {
      if (!store::is_identifier(name))
        return bad_schema("/properties/" + std::string(name), "field names are lowercase letters, digits and _");
      out.fields_.push_back({std::string(name), field_type(sub)});
    }
  return out;
}

Result<void> RecordSchema::validate(const json::value& record) const {
  auto r = compiled_->validate(record);
  if (!r) return Error::invalid("invalid_record", r.error().message);
  if (auto e = check_formats(schema_, record, "")) return Error::invalid("invalid_record", *e);
  return {};
}

}  // namespace krilin::kernel::registry
