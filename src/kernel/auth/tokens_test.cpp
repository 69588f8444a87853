#include "kernel/auth/tokens.h"

#include <gtest/gtest.h>
#include <jwt.h>

#include <cstdlib>

#include "core/ids.h"

namespace krilin::kernel::auth {
namespace {

const std::string kKey(32, 'k');
const std::int64_t kNow = 1'800'000'000;

TokenSigner signer(std::string key = kKey) { return TokenSigner("krilin", "krilin-api", std::move(key)); }

// A token with any header algorithm and claims, signed (or not) by libjwt directly.
std::string forge(jwt_alg_t alg, const std::string& key, const std::string& aud = "krilin-api",
                  const std::string& typ = "access") {
  jwt_t* j = nullptr;
  jwt_new(&j);
  jwt_add_grant(j, "iss", "krilin");
  jwt_add_grant(j, "aud", aud.c_str());
  jwt_add_grant(j, "sub", "user-1");
  jwt_add_grant(j, "sid", "session-1");
  jwt_add_grant(j, "typ", typ.c_str());
  jwt_add_grant_int(j, "aal", 1);
  jwt_add_grant_int(j, "iat", kNow);
  jwt_add_grant_int(j, "exp", kNow + 900);
  jwt_set_alg(j, alg, alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size()));
  char* s = jwt_encode_str(j);
  std::string out = s ? s : "";
  std::free(s);
  jwt_free(j);
  return out;
}

TEST(Tokens, IssuedTokensVerifyWithTheirClaims) {
  auto s = signer();
  std::string t = s.issue("user-1", "session-1", 2, kNow);
  auto c = s.verify(t, kNow + 10);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->user_id, "user-1");
  EXPECT_EQ(c->session_id, "session-1");
  EXPECT_EQ(c->aal, 2);
  EXPECT_EQ(c->expires_at, kNow + 900);
}

TEST(Tokens, EveryBadTokenIsRefused) {
  auto s = signer();
  const std::string good = s.issue("user-1", "session-1", 1, kNow);
  std::string tampered = good;
  tampered[tampered.find('.') + 5] ^= 1;
  const std::pair<std::string, std::string> bad[] = {
      {"alg none", forge(JWT_ALG_NONE, "")},
      {"alg none, signature kept", forge(JWT_ALG_NONE, "") + good.substr(good.rfind('.') + 1)},
      {"HS512", forge(JWT_ALG_HS512, kKey)},
      {"HS384", forge(JWT_ALG_HS384, kKey)},
      {"wrong key", forge(JWT_ALG_HS256, std::string(32, 'x'))},
      {"wrong audience", forge(JWT_ALG_HS256, kKey, "someone-else")},
      {"refresh type", forge(JWT_ALG_HS256, kKey, "krilin-api", "refresh")},
      {"expired", s.issue("user-1", "session-1", 1, kNow - 901)},
      {"issued in the future", s.issue("user-1", "session-1", 1, kNow + 3600)},
      {"tampered payload", tampered},
      {"empty", ""},
      {"one part", "abc"},
      {"three garbage parts", "a.b.c"},
      {"huge", std::string(5000, 'a')},
      {"no signature", good.substr(0, good.rfind('.') + 1)},
  };
  for (const auto& [why, token] : bad) {
    auto r = s.verify(token, kNow);
    EXPECT_FALSE(r.ok()) << why << ": " << token;
    if (!r.ok()) {
      EXPECT_EQ(r.error().kind, ErrorKind::unauthenticated) << why;
    }
  }
}

TEST(Tokens, ThePreviousKeyStaysValidAfterARotation) {
  std::string old_key = core::random_hex(32), new_key = core::random_hex(32);
  auto before = TokenSigner("krilin", "krilin-api", old_key);
  std::string t = before.issue("user-1", "session-1", 1, kNow);
  auto after = TokenSigner("krilin", "krilin-api", new_key, old_key);
  EXPECT_TRUE(after.verify(t, kNow + 1).ok());
  auto later = TokenSigner("krilin", "krilin-api", core::random_hex(32), new_key);
  EXPECT_FALSE(later.verify(t, kNow + 1).ok());
}

}  // namespace
}  // namespace krilin::kernel::auth
