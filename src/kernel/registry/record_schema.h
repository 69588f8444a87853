#pragma once
// Record schemas: what an app manifest declares for each table — a subset of JSON Schema
// (draft 7 keywords: type, properties, required, additionalProperties, enum, const,
// minimum/maximum (exclusive too), minLength/maxLength, pattern, format, items,
// minItems/maxItems, uniqueItems, title, description, default). Anything outside the
// subset ($ref, allOf/anyOf/oneOf/not, if/then/else, patternProperties…) is refused when the
// manifest is checked, so that every app's data stays simple to query, migrate and export.
// Formats checked: date (YYYY-MM-DD), date-time (RFC 3339), time, email, uuid, uri.
#include <memory>
#include <string>
#include <vector>

#include "http/schema.h"
#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/query.h"

namespace krilin::kernel::registry {

class RecordSchema {
 public:
  // Checks `schema` (the root must be an object schema) and compiles it; invalid_input
  // `invalid_record_schema` naming the JSON pointer of the first problem.
  static Result<RecordSchema> compile(const json::value& schema);

  // Ok, or invalid_input `invalid_record` naming the field and the rule.
  Result<void> validate(const json::value& record) const;

  // The top-level fields with their types, for the query compiler.
  const std::vector<store::FieldSpec>& fields() const { return fields_; }

 private:
  std::shared_ptr<const http::CompiledSchema> compiled_;
  json::value schema_;
  std::vector<store::FieldSpec> fields_;
};

}  // namespace krilin::kernel::registry
