#include "kernel/auth/oidc.h"

#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <memory>

#include "core/ids.h"

namespace krilin::kernel::auth::oidc {
namespace {

Error bad_token(std::string why) {
  return Error{ErrorKind::unauthenticated, "invalid_id_token", "The identity provider's answer is not valid: " + why + "."};
}
Error bad_provider(std::string why) {
  return Error::unavailable("oidc_provider_invalid", "The identity provider is misconfigured: " + why + ".", 30);
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool loopback(std::string_view url) {
  return url.rfind("http://127.0.0.1", 0) == 0 || url.rfind("http://localhost", 0) == 0 || url.rfind("http://[::1]", 0) == 0;
}

bool acceptable_endpoint(const std::string& url, bool http_allowed) {
  return url.rfind("https://", 0) == 0 || (http_allowed && loopback(url));
}

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxDeleter {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

std::optional<std::string> b64url(std::string_view s) {
  std::string out;
  if (!core::base64url_decode(s, out)) return std::nullopt;
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(b, key);
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  std::string out(p, static_cast<std::size_t>(n));
  BIO_free(b);
  return out;
}

}  // namespace

std::string pkce_challenge(std::string_view verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<Discovery> parse_discovery(const json::value& document, std::string_view expected_issuer) {
  if (!document.is_object()) return bad_provider("the discovery document is not a JSON object");
  const auto& o = document.as_object();
  Discovery d{str(o, "issuer"), str(o, "authorization_endpoint"), str(o, "token_endpoint"), str(o, "jwks_uri"),
              str(o, "userinfo_endpoint")};
  if (d.issuer != expected_issuer) return bad_provider("the document names another issuer");
  const bool http_ok = loopback(d.issuer);
  for (const std::string* e : {&d.authorization_endpoint, &d.token_endpoint, &d.jwks_uri})
    if (!acceptable_endpoint(*e, http_ok)) return bad_provider("an endpoint is missing or not https");
  bool code = false, alg = false;
  if (const json::value* v = o.if_contains("response_types_supported"); v && v->is_array())
    for (const auto& t : v->as_array()) code = code || (t.is_string() && t.as_string() == "code");
  if (const json::value* v = o.if_contains("id_token_signing_alg_values_supported"); v && v->is_array())
    for (const auto& a : v->as_array())
      alg = alg || (a.is_string() && (a.as_string() == "RS256" || a.as_string() == "ES256"));
  if (!code) return bad_provider("the provider does not offer the authorization code flow");
  if (!alg) return bad_provider("the provider signs ID tokens with neither RS256 nor ES256");
  return d;
}

Result<std::string> jwk_to_pem(const json::object& jwk) {
  const std::string kty = str(jwk, "kty");
  std::unique_ptr<OSSL_PARAM_BLD, BldDeleter> bld(OSSL_PARAM_BLD_new());
  std::unique_ptr<BIGNUM, BnDeleter> n, e;
  std::string point;
  const char* type = nullptr;
  if (kty == "RSA") {
    auto nb = b64url(str(jwk, "n")), eb = b64url(str(jwk, "e"));
    if (!nb || !eb || nb->empty() || eb->empty() || nb->size() < 256) return bad_provider("an RSA key is malformed or shorter than 2048 bits");
    n.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(nb->data()), static_cast<int>(nb->size()), nullptr));
    e.reset(BN_bin2bn(reinterpret_cast<const unsigned char*>(eb->data()), static_cast<int>(eb->size()), nullptr));
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
    type = "RSA";
  } else if (kty == "EC") {
    if (str(jwk, "crv") != "P-256") return bad_provider("only the P-256 curve is supported");
    auto xb = b64url(str(jwk, "x")), yb = b64url(str(jwk, "y"));
    if (!xb || !yb || xb->size() != 32 || yb->size() != 32) return bad_provider("an EC key is malformed");
    point = std::string(1, '\x04') + *xb + *yb;  // uncompressed point
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    type = "EC";
  } else {
    return bad_provider("unsupported key type");
  }
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, CtxDeleter> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
    return bad_provider("a key cannot be read");
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(raw);
  return pem_of(key.get());
}

Result<IdToken> verify_id_token(std::string_view token, const json::value& jwks, std::string_view issuer,
                                std::string_view client_id, std::string_view nonce, std::int64_t now_s) {
  if (token.empty() || token.size() > 16384) return bad_token("malformed");
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return bad_token("malformed");
  auto header_raw = b64url(token.substr(0, dot));
  if (!header_raw) return bad_token("malformed header");
  boost::system::error_code ec;
  json::value header = json::parse(*header_raw, ec);
  if (ec || !header.is_object()) return bad_token("malformed header");
  const std::string alg = str(header.as_object(), "alg"), kid = str(header.as_object(), "kid");
  if (alg != "RS256" && alg != "ES256") return bad_token("algorithm not allowed");
  // The key: the one with this kid, or the only one of the right type when there is no kid.
  if (!jwks.is_object() || !jwks.as_object().contains("keys") || !jwks.at("keys").is_array())
    return bad_provider("the key set is malformed");
  const json::object* key = nullptr;
  int candidates = 0;
  for (const auto& k : jwks.at("keys").as_array()) {
    if (!k.is_object()) continue;
    const auto& o = k.as_object();
    if (str(o, "kty") != (alg == "RS256" ? "RSA" : "EC")) continue;
    if (!str(o, "use").empty() && str(o, "use") != "sig") continue;
    if (!kid.empty() ? str(o, "kid") == kid : true) {
      key = &o;
      ++candidates;
    }
  }
  if (!key || (kid.empty() && candidates != 1)) return bad_token("signed with an unknown key");
  auto pem = jwk_to_pem(*key);
  if (!pem) return pem.error();

  jwt_t* raw = nullptr;
  std::string text(token);
  int rc = jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(pem->data()), static_cast<int>(pem->size()));
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> jwt(raw, jwt_free);
  if (rc != 0 || !jwt) return bad_token("bad signature");
  const jwt_alg_t used = jwt_get_alg(jwt.get());
  if ((alg == "RS256" && used != JWT_ALG_RS256) || (alg == "ES256" && used != JWT_ALG_ES256))
    return bad_token("algorithm not allowed");

  char* claims_json = jwt_get_grants_json(jwt.get(), nullptr);
  if (!claims_json) return bad_token("no claims");
  json::value claims = json::parse(claims_json, ec);
  std::free(claims_json);
  if (ec || !claims.is_object()) return bad_token("malformed claims");
  const auto& c = claims.as_object();
  if (str(c, "iss") != issuer) return bad_token("wrong issuer");
  const json::value* aud = c.if_contains("aud");
  bool for_us = false;
  std::size_t audiences = 0;
  if (aud && aud->is_string()) {
    for_us = aud->as_string() == client_id;
    audiences = 1;
  } else if (aud && aud->is_array()) {
    for (const auto& a : aud->as_array()) for_us = for_us || (a.is_string() && a.as_string() == client_id);
    audiences = aud->as_array().size();
  }
  if (!for_us) return bad_token("issued for another client");
  if (audiences > 1 && str(c, "azp") != client_id) return bad_token("issued for another party");
  auto number = [&](const char* k) -> std::optional<std::int64_t> {
    const json::value* v = c.if_contains(k);
    if (v && v->is_int64()) return v->as_int64();
    if (v && v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (v && v->is_double()) return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
  };
  auto exp = number("exp"), iat = number("iat");
  if (!exp || *exp <= now_s) return bad_token("expired");
  if (!iat || *iat > now_s + 60) return bad_token("issued in the future");
  if (str(c, "nonce") != nonce || nonce.empty()) return bad_token("wrong nonce");
  IdToken out;
  out.subject = str(c, "sub");
  if (out.subject.empty()) return bad_token("no subject");
  out.email = str(c, "email");
  out.name = str(c, "name");
  if (const json::value* v = c.if_contains("email_verified"); v && v->is_bool()) out.email_verified = v->as_bool();
  return out;
}

}  // namespace krilin::kernel::auth::oidc
