#pragma once
// Access tokens: JWT, HS256 only (the algorithm is pinned: a token naming any other,
// "none" included, is refused), 15 minutes, with the claims
//   iss, aud, sub (user id), sid (session id), iat, exp, typ = "access", aal (1 or 2).
// Signed with the current key; the previous key (after a rotation) is still accepted, so
// that tokens issued just before a rotation live out their 15 minutes. Keys are 256-bit
// random values kept in the database (platform_settings), so every instance of a
// scale-out deployment signs and accepts the same tokens.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "krilin/sdk/result.h"

namespace krilin::kernel::auth {

struct AccessClaims {
  std::string user_id;
  std::string session_id;
  int aal = 1;
  std::int64_t issued_at = 0;   // seconds since the epoch
  std::int64_t expires_at = 0;
};

class TokenSigner {
 public:
  static constexpr std::int64_t kDefaultTtlSeconds = 15 * 60;
  static constexpr std::int64_t kClockSkewSeconds = 60;

  TokenSigner(std::string issuer, std::string audience, std::string key, std::optional<std::string> previous_key = {},
              std::int64_t ttl_seconds = kDefaultTtlSeconds);

  std::string issue(const std::string& user_id, const std::string& session_id, int aal, std::int64_t now_s) const;
  // Ok with the claims, or unauthenticated `invalid_token` (the message says why, for logs;
  // clients see one generic sentence).
  Result<AccessClaims> verify(std::string_view token, std::int64_t now_s) const;

  std::int64_t ttl_seconds() const { return ttl_; }

 private:
  Result<AccessClaims> verify_with(std::string_view token, const std::string& key, std::int64_t now_s) const;

  std::string issuer_, audience_, key_;
  std::optional<std::string> previous_;
  std::int64_t ttl_;
};

}  // namespace krilin::kernel::auth
