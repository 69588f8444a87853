#pragma once
// Reading one cookie out of a Cookie request header (RFC 6265 §5.4 form: "a=1; b=2").
// Pure, so that the JWT/cookie fuzz target covers it.
#include <optional>
#include <string>
#include <string_view>

namespace krilin::kernel::auth {

// The value of the first cookie named `name`, or nothing. Values longer than 4096 bytes,
// or holding control characters, are treated as absent.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace krilin::kernel::auth
