#include "kernel/auth/oidc_login.h"

#include <sodium.h>

#include <cstring>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/ids.h"

namespace krilin::kernel::auth {
namespace {

constexpr std::int64_t kLoginTtlMs = 10 * 60 * 1000;

// application/x-www-form-urlencoded values: everything but unreserved characters escaped.
std::string form_escape(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

std::string form(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k;
    out += '=';
    out += form_escape(v);
  }
  return out;
}

// RFC 6749 §2.3.1: form-encoded id and secret, joined by ':', in standard base64.
std::string basic_credentials(std::string_view id, std::string_view secret) {
  std::string cred = form_escape(id) + ":" + form_escape(secret);
  std::string out(sodium_base64_ENCODED_LEN(cred.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(cred.data()), cred.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Error provider_error(std::string why) {
  return Error::unavailable("oidc_provider_error", "The identity provider did not answer as expected: " + why + ".", 5);
}

}  // namespace

OidcLogin::OidcLogin(store::Store& store, http::HttpClient& client, const core::Clock& clock, OidcConfig config)
    : store_(store), client_(client), clock_(clock), config_(std::move(config)) {}

asio::awaitable<json::value> OidcLogin::get_json(const std::string& url, const std::string& bearer) {
  http::ClientRequest req{.url = url, .headers = {{"Accept", "application/json"}}, .timeout = std::chrono::seconds(10),
                          .max_response_bytes = 1 << 20};
  if (!bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + bearer);
  auto res = co_await client_.fetch(std::move(req));
  if (res.status != 200) throw Exception(provider_error(url + " answered " + std::to_string(res.status)));
  boost::system::error_code ec;
  json::value v = json::parse(res.body, ec);
  if (ec) throw Exception(provider_error(url + " did not answer JSON"));
  co_return v;
}

asio::awaitable<oidc::Discovery> OidcLogin::discovery() {
  {
    std::lock_guard lock(mu_);
    if (discovery_) co_return *discovery_;
  }
  std::string url = config_.issuer;
  if (!url.empty() && url.back() == '/') url.pop_back();
  auto doc = co_await get_json(url + "/.well-known/openid-configuration");
  auto d = oidc::parse_discovery(doc, config_.issuer);
  if (!d) throw Exception(d.error());
  std::lock_guard lock(mu_);
  discovery_ = *d;
  co_return *d;
}

asio::awaitable<json::value> OidcLogin::jwks(bool refresh) {
  {
    std::lock_guard lock(mu_);
    if (jwks_ && !refresh) co_return *jwks_;
  }
  auto d = co_await discovery();
  auto keys = co_await get_json(d.jwks_uri);
  std::lock_guard lock(mu_);
  jwks_ = keys;
  co_return keys;
}

asio::awaitable<std::string> OidcLogin::start() {
  if (!config_.enabled())
    throw Exception(Error::not_found("oidc_not_configured", "Sign-in with an identity provider is not set up here."));
  auto d = co_await discovery();
  const std::string state = core::random_token(32), nonce = core::random_token(32), verifier = core::random_token(48);
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"DELETE FROM oidc_logins WHERE expires_at < $1", {store::Value(now)}});
  batch.push_back({"INSERT INTO oidc_logins (state, nonce, code_verifier, expires_at) VALUES ($1, $2, $3, $4)",
                   {store::text(state), store::text(nonce), store::text(verifier), store::Value(now + kLoginTtlMs)}});
  co_await store_.batch(std::move(batch));
  const char sep = d.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  co_return d.authorization_endpoint + sep +
      form({{"response_type", "code"},
            {"client_id", config_.client_id},
            {"redirect_uri", config_.redirect_uri},
            {"scope", "openid email profile"},
            {"state", state},
            {"nonce", nonce},
            {"code_challenge", oidc::pkce_challenge(verifier)},
            {"code_challenge_method", "S256"}});
}

asio::awaitable<OidcIdentity> OidcLogin::finish(std::string state, std::string code) {
  Error expired{ErrorKind::unauthenticated, "invalid_oidc_state", "This sign-in has expired or was already used; start again."};
  if (!config_.enabled())
    throw Exception(Error::not_found("oidc_not_configured", "Sign-in with an identity provider is not set up here."));
  if (state.empty() || state.size() > 128 || code.empty() || code.size() > 2048) throw Exception(expired);
  // Single use: the row goes whatever happens next.
  std::vector<store::Statement> take;
  take.push_back({"SELECT nonce, code_verifier, expires_at FROM oidc_logins WHERE state = $1", {store::text(state)}});
  take.push_back({"DELETE FROM oidc_logins WHERE state = $1", {store::text(state)}});
  auto rows = co_await store_.batch(std::move(take));
  if (rows[0].empty() || store::as_int(rows[0].at(0, "expires_at")) < clock_.now_ms()) throw Exception(expired);
  const std::string nonce = store::as_text(rows[0].at(0, "nonce"));
  const std::string verifier = store::as_text(rows[0].at(0, "code_verifier"));

  auto d = co_await discovery();
  http::ClientRequest req{
      .method = "POST",
      .url = d.token_endpoint,
      .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Accept", "application/json"},
                  {"Authorization", "Basic " + basic_credentials(config_.client_id, config_.client_secret)}},
      .body = form({{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", config_.redirect_uri},
                    {"code_verifier", verifier}}),
      .timeout = std::chrono::seconds(10),
      .max_response_bytes = 1 << 20};
  auto res = co_await client_.fetch(std::move(req));
  boost::system::error_code ec;
  json::value body = json::parse(res.body, ec);
  if (res.status != 200 || ec || !body.is_object() || !body.as_object().contains("id_token") ||
      !body.at("id_token").is_string())
    throw Exception(Error{ErrorKind::unauthenticated, "oidc_code_refused",
                          "The identity provider refused the sign-in (" + std::to_string(res.status) + ")."});
  const std::string id_token(body.at("id_token").as_string());
  const std::int64_t now_s = clock_.now_ms() / 1000;
  auto keys = co_await jwks(false);
  auto verified = oidc::verify_id_token(id_token, keys, config_.issuer, config_.client_id, nonce, now_s);
  if (!verified && verified.error().message.find("unknown key") != std::string::npos) {
    keys = co_await jwks(true);  // the provider rotated its keys
    verified = oidc::verify_id_token(id_token, keys, config_.issuer, config_.client_id, nonce, now_s);
  }
  if (!verified) throw Exception(verified.error());
  OidcIdentity identity{config_.issuer, *verified};
  // Providers may keep email and name out of the ID token: ask the userinfo endpoint,
  // for the same subject only.
  if (identity.token.email.empty() && !d.userinfo_endpoint.empty() && body.as_object().contains("access_token") &&
      body.at("access_token").is_string()) {
    auto info = co_await get_json(d.userinfo_endpoint, std::string(body.at("access_token").as_string()));
    if (info.is_object() && info.as_object().contains("sub") && info.at("sub").is_string() &&
        info.at("sub").as_string() == identity.token.subject) {
      const auto& o = info.as_object();
      if (auto* e = o.if_contains("email"); e && e->is_string()) identity.token.email = std::string(e->as_string());
      if (auto* v = o.if_contains("email_verified"); v && v->is_bool()) identity.token.email_verified = v->as_bool();
      if (auto* n = o.if_contains("name"); n && n->is_string() && identity.token.name.empty())
        identity.token.name = std::string(n->as_string());
    }
  }
  co_return identity;
}

}  // namespace krilin::kernel::auth
