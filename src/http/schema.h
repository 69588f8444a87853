#pragma once
// JSON Schema validation of request bodies (and, in the app platform, of records),
// through valijson. A schema is compiled once (at route registration) and validated
// against many documents; validate() is thread-safe (each call has its own validator).
#include <memory>
#include <string>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::http {

class CompiledSchema {
 public:
  CompiledSchema(CompiledSchema&&) noexcept;
  CompiledSchema& operator=(CompiledSchema&&) noexcept;
  ~CompiledSchema();

  // Ok, or invalid_input `invalid_body` whose message names the first failing JSON
  // pointer and what is wrong, e.g. "/name: Value type not permitted by 'type' constraint."
  Result<void> validate(const Json& document) const;

  struct Impl;

 private:
  friend Result<CompiledSchema> compile_schema(const Json& schema);
  explicit CompiledSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Compiles a JSON Schema (draft 7 subset valijson supports); an invalid schema is an
// invalid_input error (a programming error in a route table or manifest).
Result<CompiledSchema> compile_schema(const Json& schema);

}  // namespace krilin::http
