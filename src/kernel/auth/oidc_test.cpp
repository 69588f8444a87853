#include "kernel/auth/oidc.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

#include "core/ids.h"

namespace krilin::kernel::auth::oidc {
namespace {

const std::int64_t kNow = 1'800'000'000;
const char* kIssuer = "https://id.example.com";
const char* kClient = "krilin-client";

std::string pem(EVP_PKEY* k, bool priv) {
  BIO* b = BIO_new(BIO_s_mem());
  if (priv) PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  else PEM_write_bio_PUBKEY(b, k);
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  std::string out(p, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

std::string bn_b64(EVP_PKEY* k, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(k, name, &bn);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return core::base64url_encode(bytes);
}

struct Keys {
  EVP_PKEY* rsa = EVP_RSA_gen(2048);
  EVP_PKEY* ec = EVP_EC_gen("P-256");
  ~Keys() {
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
  }
  json::value jwks() const {
    unsigned char point[65];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(ec, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
    std::string x(reinterpret_cast<char*>(point) + 1, 32), y(reinterpret_cast<char*>(point) + 33, 32);
    return json::object{{"keys", json::array{
        json::object{{"kty", "RSA"}, {"kid", "r1"}, {"use", "sig"}, {"n", bn_b64(rsa, OSSL_PKEY_PARAM_RSA_N)},
                     {"e", bn_b64(rsa, OSSL_PKEY_PARAM_RSA_E)}},
        json::object{{"kty", "EC"}, {"kid", "e1"}, {"crv", "P-256"}, {"x", core::base64url_encode(x)},
                      {"y", core::base64url_encode(y)}}}}};
  }
};

const Keys& keys() {
  static Keys k;
  return k;
}

std::string sign(jwt_alg_t alg, const std::string& key, const char* kid, const json::object& claims) {
  jwt_t* j = nullptr;
  jwt_new(&j);
  jwt_add_grants_json(j, json::serialize(claims).c_str());
  if (kid) jwt_add_header(j, "kid", kid);
  jwt_set_alg(j, alg, alg == JWT_ALG_NONE ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
              alg == JWT_ALG_NONE ? 0 : static_cast<int>(key.size()));
  char* s = jwt_encode_str(j);
  std::string out = s ? s : "";
  std::free(s);
  jwt_free(j);
  return out;
}

json::object good_claims() {
  return {{"iss", kIssuer}, {"aud", kClient}, {"sub", "alice"}, {"nonce", "n-123"}, {"iat", kNow - 5},
          {"exp", kNow + 300}, {"email", "alice@example.com"}, {"email_verified", true}, {"name", "Alice"}};
}

TEST(Oidc, PkceS256MatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Oidc, DiscoveryIsChecked) {
  json::object doc{{"issuer", kIssuer},
                   {"authorization_endpoint", "https://id.example.com/auth"},
                   {"token_endpoint", "https://id.example.com/token"},
                   {"jwks_uri", "https://id.example.com/jwks"},
                   {"response_types_supported", json::array{"code"}},
                   {"id_token_signing_alg_values_supported", json::array{"RS256"}}};
  ASSERT_TRUE(parse_discovery(doc, kIssuer).ok());
  EXPECT_FALSE(parse_discovery(doc, "https://other.example.com").ok());
  auto plain = doc;
  plain["token_endpoint"] = "http://id.example.com/token";
  EXPECT_FALSE(parse_discovery(plain, kIssuer).ok());
  auto hs = doc;
  hs["id_token_signing_alg_values_supported"] = json::array{"HS256"};
  EXPECT_FALSE(parse_discovery(hs, kIssuer).ok());
  auto implicit = doc;
  implicit["response_types_supported"] = json::array{"id_token"};
  EXPECT_FALSE(parse_discovery(implicit, kIssuer).ok());
  json::object local = doc;
  local["issuer"] = "http://127.0.0.1:4000";
  local["token_endpoint"] = "http://127.0.0.1:4000/token";
  local["authorization_endpoint"] = "http://127.0.0.1:4000/auth";
  local["jwks_uri"] = "http://127.0.0.1:4000/jwks";
  EXPECT_TRUE(parse_discovery(local, "http://127.0.0.1:4000").ok());
  EXPECT_FALSE(parse_discovery(json::array{}, kIssuer).ok());
}

TEST(Oidc, JwksBecomeTheSamePublicKeys) {
  const auto& jwks = keys().jwks();
  EXPECT_EQ(jwk_to_pem(jwks.at("keys").at(0).as_object()).value(), pem(keys().rsa, false));
  EXPECT_EQ(jwk_to_pem(jwks.at("keys").at(1).as_object()).value(), pem(keys().ec, false));
  EXPECT_FALSE(jwk_to_pem(json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}}).ok());
  EXPECT_FALSE(jwk_to_pem(json::object{{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}).ok());  // far too short
}

TEST(Oidc, IdTokensVerifyWithThePublishedKeys) {
  const auto jwks = keys().jwks();
  auto rs = verify_id_token(sign(JWT_ALG_RS256, pem(keys().rsa, true), "r1", good_claims()), jwks, kIssuer, kClient,
                            "n-123", kNow);
  ASSERT_TRUE(rs.ok()) << rs.error().message;
  EXPECT_EQ(rs->subject, "alice");
  EXPECT_EQ(rs->email, "alice@example.com");
  EXPECT_TRUE(rs->email_verified);
  auto es = verify_id_token(sign(JWT_ALG_ES256, pem(keys().ec, true), "e1", good_claims()), jwks, kIssuer, kClient,
                            "n-123", kNow);
  ASSERT_TRUE(es.ok()) << es.error().message;
  auto multi = good_claims();
  multi["aud"] = json::array{kClient, "other"};
  multi["azp"] = kClient;
  EXPECT_TRUE(verify_id_token(sign(JWT_ALG_RS256, pem(keys().rsa, true), "r1", multi), jwks, kIssuer, kClient, "n-123", kNow).ok());
}

TEST(Oidc, EveryBadIdTokenIsRefused) {
  const auto jwks = keys().jwks();
  const std::string rsa = pem(keys().rsa, true);
  auto with = [&](const char* k, json::value v) {
    auto c = good_claims();
    c[k] = std::move(v);
    return sign(JWT_ALG_RS256, rsa, "r1", c);
  };
  auto multi = good_claims();
  multi["aud"] = json::array{kClient, "other"};
  EVP_PKEY* stranger = EVP_RSA_gen(2048);
  const std::pair<const char*, std::string> bad[] = {
      {"wrong issuer", with("iss", "https://evil.example.com")},
      {"wrong audience", with("aud", "someone-else")},
      {"several audiences, no azp", sign(JWT_ALG_RS256, rsa, "r1", multi)},
      {"expired", with("exp", kNow - 1)},
      {"issued in the future", with("iat", kNow + 3600)},
      {"wrong nonce", with("nonce", "replayed")},
      {"no subject", with("sub", "")},
      {"unknown kid", sign(JWT_ALG_RS256, rsa, "r9", good_claims())},
      {"another key", sign(JWT_ALG_RS256, pem(stranger, true), "r1", good_claims())},
      {"HS256 with the public key as secret", sign(JWT_ALG_HS256, pem(keys().rsa, false), "r1", good_claims())},
      {"alg none", sign(JWT_ALG_NONE, "", "r1", good_claims())},
      {"RS256 header on the EC key id", sign(JWT_ALG_RS256, rsa, "e1", good_claims())},
      {"garbage", "a.b.c"},
      {"empty", ""},
  };
  for (const auto& [why, token] : bad) {
    auto r = verify_id_token(token, jwks, kIssuer, kClient, "n-123", kNow);
    EXPECT_FALSE(r.ok()) << why;
  }
  EVP_PKEY_free(stranger);
}

}  // namespace
}  // namespace krilin::kernel::auth::oidc
