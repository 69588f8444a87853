#pragma once
// Rendering an Error for the outside world: the one error envelope of every non-2xx
// answer, {"error":{"code","message","retryable"}}.
#include <string>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::core {

json::object error_envelope(const Error& e);
std::string error_body(const Error& e);

// Whether `code` is snake_case ([a-z][a-z0-9_]*), as every error code must be.
bool is_snake_case(std::string_view code);

}  // namespace krilin::core
