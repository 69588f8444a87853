#include "kernel/auth/totp.h"

#include <liboath/oath.h>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <sodium.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

namespace krilin::kernel::auth {
namespace {

void ensure_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath failed to initialise");
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

// Percent-encodes everything but RFC 3986's unreserved characters (Boost.URL).
std::string uri_escape(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

}  // namespace

std::string new_totp_secret() {
  ensure_init();
  std::string s(20, '\0');
  randombytes_buf(s.data(), s.size());
  return s;
}

std::string base32_encode(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string otpauth_uri(std::string_view secret, std::string_view account, std::string_view issuer) {
  return "otpauth://totp/" + uri_escape(issuer) + ":" + uri_escape(account) + "?secret=" + base32_encode(secret) +
         "&issuer=" + uri_escape(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

std::string totp_code(std::string_view secret, std::int64_t unix_s, unsigned digits) {
  ensure_init();
  char out[16] = {};
  int rc = oath_totp_generate2(secret.data(), secret.size(), static_cast<time_t>(unix_s), kTotpStepSeconds, 0, digits, 0, out);
  if (rc != OATH_OK) throw std::runtime_error(std::string("TOTP generation failed: ") + oath_strerror(rc));
  return out;
}

std::optional<std::uint64_t> totp_verify(std::string_view secret, std::string_view code, std::int64_t now_s) {
  ensure_init();
  if (code.size() != 6) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  std::string otp(code);
  int pos = 0;
  std::uint64_t counter = 0;
  int rc = oath_totp_validate4(secret.data(), secret.size(), static_cast<time_t>(now_s), kTotpStepSeconds, 0, 1, &pos,
                               &counter, 0, otp.c_str());
  if (rc < 0) return std::nullopt;
  return counter;
}

}  // namespace krilin::kernel::auth
