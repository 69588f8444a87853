#define VALIJSON_USE_EXCEPTIONS 1
#include "http/schema.h"

#include <stdexcept>

#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

namespace krilin::http {

struct CompiledSchema::Impl {
  Json source;  // the adapter reads from it while parsing; kept for the schema's lifetime
  valijson::Schema schema;
};

CompiledSchema::CompiledSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledSchema::CompiledSchema(CompiledSchema&&) noexcept = default;
CompiledSchema& CompiledSchema::operator=(CompiledSchema&&) noexcept = default;
CompiledSchema::~CompiledSchema() = default;

Result<CompiledSchema> compile_schema(const Json& schema) {
  auto impl = std::make_unique<CompiledSchema::Impl>();
  impl->source = schema;
  try {
    valijson::SchemaParser parser;
    valijson::adapters::BoostJsonAdapter adapter(impl->source);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    return Error::invalid("invalid_schema", std::string("Invalid JSON Schema: ") + e.what());
  }
  return CompiledSchema(std::move(impl));
}

namespace {

// valijson reports a context like ["<root>", "[name]", "[0]"]; JSON Pointer is clearer.
std::string to_pointer(const std::vector<std::string>& context) {
  std::string out;
  for (std::size_t i = 1; i < context.size(); ++i) {
    std::string seg = context[i];
    if (seg.size() >= 2 && seg.front() == '[' && seg.back() == ']') seg = seg.substr(1, seg.size() - 2);
    if (seg.size() >= 2 && seg.front() == '"' && seg.back() == '"') seg = seg.substr(1, seg.size() - 2);
    out += '/';
    out += seg;
  }
  return out.empty() ? "/" : out;
}

}  // namespace

Result<void> CompiledSchema::validate(const Json& document) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::BoostJsonAdapter target(document);
  if (validator.validate(impl_->schema, target, &results)) return {};
  // The deepest error is the most specific one.
  valijson::ValidationResults::Error best;
  for (const auto& e : results)
    if (best.context.empty() || e.context.size() > best.context.size()) best = e;
  std::string message = to_pointer(best.context) + ": " + best.description;
  if (message.size() > 300) message = message.substr(0, 300) + "…";
  return Error::invalid("invalid_body", message);
}

}  // namespace krilin::http
