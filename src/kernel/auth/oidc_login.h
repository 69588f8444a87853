#pragma once
// "Sign in with …": the OpenID Connect authorization code flow with PKCE (S256), state
// and nonce, against one configured provider.
//
//   start()   → the provider's authorization URL (state, nonce and the PKCE verifier are
//               kept in oidc_logins for 10 minutes, single use);
//   finish()  → with the code and state the provider sent back: the code is exchanged at
//               the token endpoint (client_secret_basic), the ID token verified with the
//               provider's published keys (oidc.h), and the identity returned.
// The provider's discovery document and keys are fetched over HTTPS (http only for a
// loopback issuer) with deadlines, and cached; the keys are fetched again when a token
// names an unknown one.
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "http/client.h"
#include "kernel/auth/oidc.h"
#include "store/store.h"

namespace krilin::kernel::auth {

namespace asio = boost::asio;

struct OidcConfig {
  std::string issuer, client_id, client_secret, redirect_uri;
  bool enabled() const { return !issuer.empty(); }
};

struct OidcIdentity {
  std::string issuer;
  oidc::IdToken token;
};

class OidcLogin {
 public:
  OidcLogin(store::Store& store, http::HttpClient& client, const core::Clock& clock, OidcConfig config);

  const OidcConfig& config() const { return config_; }
  asio::awaitable<std::string> start();
  asio::awaitable<OidcIdentity> finish(std::string state, std::string code);

 private:
  asio::awaitable<oidc::Discovery> discovery();
  asio::awaitable<json::value> jwks(bool refresh);
  asio::awaitable<json::value> get_json(const std::string& url, const std::string& bearer = {});

  store::Store& store_;
  http::HttpClient& client_;
  const core::Clock& clock_;
  OidcConfig config_;
  std::mutex mu_;
  std::optional<oidc::Discovery> discovery_;
  std::optional<json::value> jwks_;
};

}  // namespace krilin::kernel::auth
