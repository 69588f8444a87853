#include "core/errors.h"

namespace krilin::core {

json::object error_envelope(const Error& e) {
  json::object inner;
  inner["code"] = e.code;
  inner["message"] = e.message;
  inner["retryable"] = e.retryable;
  if (e.app_id) inner["app_id"] = *e.app_id;
  if (!e.details.is_null()) inner["details"] = e.details;
  json::object out;
  out["error"] = std::move(inner);
  return out;
}

std::string error_body(const Error& e) { return json::serialize(error_envelope(e)); }

bool is_snake_case(std::string_view code) {
  if (code.empty() || code.front() < 'a' || code.front() > 'z') return false;
  for (char c : code)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace krilin::core
