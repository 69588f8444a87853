#include "kernel/auth/tokens.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>

namespace krilin::kernel::auth {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

Error invalid(std::string why) {
  return Error{ErrorKind::unauthenticated, "invalid_token", "The access token is not valid: " + std::move(why) + "."};
}

std::string grant(jwt_t* j, const char* name) {
  errno = 0;
  const char* v = jwt_get_grant(j, name);
  return v ? std::string(v) : std::string();
}

bool grant_int(jwt_t* j, const char* name, long& out) {
  errno = 0;
  long v = jwt_get_grant_int(j, name);
  if (errno != 0) return false;
  out = v;
  return true;
}

}  // namespace

TokenSigner::TokenSigner(std::string issuer, std::string audience, std::string key, std::optional<std::string> previous_key,
                         std::int64_t ttl_seconds)
    : issuer_(std::move(issuer)),
      audience_(std::move(audience)),
      key_(std::move(key)),
      previous_(std::move(previous_key)),
      ttl_(ttl_seconds) {
  if (key_.size() < 32) throw std::invalid_argument("a JWT key must have at least 256 bits");
}

std::string TokenSigner::issue(const std::string& user_id, const std::string& session_id, int aal,
                               std::int64_t now_s) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::bad_alloc();
  JwtPtr j(raw);
  jwt_add_grant(j.get(), "iss", issuer_.c_str());
  jwt_add_grant(j.get(), "aud", audience_.c_str());
  jwt_add_grant(j.get(), "sub", user_id.c_str());
  jwt_add_grant(j.get(), "sid", session_id.c_str());
  jwt_add_grant(j.get(), "typ", "access");
  jwt_add_grant_int(j.get(), "aal", aal);
  jwt_add_grant_int(j.get(), "iat", static_cast<long>(now_s));
  jwt_add_grant_int(j.get(), "exp", static_cast<long>(now_s + ttl_));
  jwt_set_alg(j.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(key_.data()), static_cast<int>(key_.size()));
  char* s = jwt_encode_str(j.get());
  if (!s) throw std::bad_alloc();
  std::string out(s);
  std::free(s);  // libjwt 1.10 has no jwt_free_str
  return out;
}

Result<AccessClaims> TokenSigner::verify(std::string_view token, std::int64_t now_s) const {
  if (token.empty() || token.size() > 4096) return invalid("malformed");
  auto r = verify_with(token, key_, now_s);
  if (!r.ok() && previous_ && r.error().message.find("signature") != std::string::npos)
    return verify_with(token, *previous_, now_s);
  return r;
}

Result<AccessClaims> TokenSigner::verify_with(std::string_view token, const std::string& key, std::int64_t now_s) const {
  // The header must name HS256 before anything is verified (libjwt would otherwise pick
  // the algorithm the token asks for).
  std::string text(token);
  auto dot = text.find('.');
  if (dot == std::string::npos || text.find('.', dot + 1) == std::string::npos) return invalid("malformed");
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()), static_cast<int>(key.size()));
  JwtPtr j(raw);
  if (rc != 0 || !j) {
    // libjwt refuses alg "none" with a key, bad signatures and malformed input alike.
    return invalid("bad signature or malformed");
  }
  if (jwt_get_alg(j.get()) != JWT_ALG_HS256) return invalid("algorithm not allowed");
  if (grant(j.get(), "iss") != issuer_) return invalid("wrong issuer");
  if (grant(j.get(), "aud") != audience_) return invalid("wrong audience");
  if (grant(j.get(), "typ") != "access") return invalid("not an access token");
  AccessClaims c;
  c.user_id = grant(j.get(), "sub");
  c.session_id = grant(j.get(), "sid");
  if (c.user_id.empty() || c.session_id.empty()) return invalid("no subject or session");
  long iat = 0, exp = 0, aal = 0;
  if (!grant_int(j.get(), "iat", iat) || !grant_int(j.get(), "exp", exp) || !grant_int(j.get(), "aal", aal))
    return invalid("missing time or assurance claims");
  if (aal != 1 && aal != 2) return invalid("bad assurance level");
  if (exp <= now_s) return invalid("expired");
  if (iat > now_s + kClockSkewSeconds) return invalid("issued in the future");
  if (exp - iat > ttl_ + kClockSkewSeconds) return invalid("lifetime too long");
  c.aal = static_cast<int>(aal);
  c.issued_at = iat;
  c.expires_at = exp;
  return c;
}

}  // namespace krilin::kernel::auth
