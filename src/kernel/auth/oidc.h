#pragma once
// OpenID Connect, the parts that need no network: PKCE (RFC 7636), the provider's
// discovery document, JWK → PEM, and ID token verification (signature with the
// provider's published key, algorithm pinned to RS256 or ES256, iss, aud/azp, exp, iat,
// nonce). The login flow that fetches these (over http/client.h) builds on them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::kernel::auth::oidc {

// base64url(SHA-256(verifier)), the S256 code challenge.
std::string pkce_challenge(std::string_view verifier);

struct Discovery {
  std::string issuer, authorization_endpoint, token_endpoint, jwks_uri, userinfo_endpoint;
};
// Checks the document names `expected_issuer` exactly, offers the code flow, signs ID
// tokens with RS256 or ES256, and has https endpoints (http only for loopback issuers).
Result<Discovery> parse_discovery(const json::value& document, std::string_view expected_issuer);

// A public key from a JWK (RSA with n/e, or EC P-256 with x/y) as PEM.
Result<std::string> jwk_to_pem(const json::object& jwk);

struct IdToken {
  std::string subject, email, name;
  bool email_verified = false;
};
Result<IdToken> verify_id_token(std::string_view token, const json::value& jwks, std::string_view issuer,
                                std::string_view client_id, std::string_view nonce, std::int64_t now_s);

}  // namespace krilin::kernel::auth::oidc
