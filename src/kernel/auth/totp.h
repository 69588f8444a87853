#pragma once
// TOTP (RFC 6238 over RFC 4226 HOTP) through liboath: HMAC-SHA-1, 6 digits, 30-second
// steps, one step of tolerance either way. Verification returns the matched step so that
// the caller can refuse a code whose step was already used (replay).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace krilin::kernel::auth {

constexpr unsigned kTotpStepSeconds = 30;

std::string new_totp_secret();                                     // 20 random bytes
std::string base32_encode(std::string_view bytes);                 // RFC 4648, no padding
std::string otpauth_uri(std::string_view secret, std::string_view account, std::string_view issuer);
std::string totp_code(std::string_view secret, std::int64_t unix_s, unsigned digits = 6);
// The step (unix_s / 30) of the code when it is valid at now_s ± 1 step.
std::optional<std::uint64_t> totp_verify(std::string_view secret, std::string_view code, std::int64_t now_s);

}  // namespace krilin::kernel::auth
