#include "kernel/auth/service.h"

#include <sodium.h>

#include "core/blocking_pool.h"
#include "core/ids.h"

namespace krilin::kernel::auth {
namespace {

constexpr const char* kIssuer = "krilin";
constexpr const char* kAudience = "krilin-api";

Error bad_credentials() {
  return Error{ErrorKind::unauthenticated, "invalid_credentials", "The email or the password is wrong."};
}
Error bad_refresh() {
  return Error{ErrorKind::unauthenticated, "invalid_refresh_token", "The session has ended; sign in again."};
}
Error bad_access() {
  return Error{ErrorKind::unauthenticated, "invalid_token", "The access token is not valid; refresh it or sign in."};
}

std::string token_hash(std::string_view token) {
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
  char hex[sizeof out * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string clip(std::string s, std::size_t n) {
  if (s.size() > n) s.resize(n);
  return s;
}

User user_from(const store::Rows& r, std::size_t i) {
  return User{store::as_text(r.at(i, "id")), store::as_text(r.at(i, "email")), store::as_text(r.at(i, "name")),
              store::as_text(r.at(i, "role")), store::as_int(r.at(i, "created_at"))};
}

asio::awaitable<std::string> setting_or_create(store::Store& store, const std::string& key, std::int64_t now) {
  store::Params fresh{store::text(key), store::text(core::random_hex(32)), store::Value(now)};
  co_await store.execute(
      "INSERT INTO platform_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
      std::move(fresh));
  store::Params k{store::text(key)};
  auto rows = co_await store.query("SELECT value FROM platform_settings WHERE key = $1", std::move(k));
  co_return store::as_text(rows.at(0, "value"));
}

}  // namespace

json::object User::to_json() const {
  return {{"id", id}, {"email", email}, {"name", name}, {"role", role}, {"created_at", created_at}};
}

json::object TokenPair::to_json() const {
  return {{"access_token", access_token},
          {"token_type", "Bearer"},
          {"expires_in", expires_in},
          {"refresh_token", refresh_token},
          {"user", user.to_json()}};
}

Result<std::string> normalize_email(std::string_view raw) {
  std::string_view e = raw;
  while (!e.empty() && (e.front() == ' ' || e.front() == '\t')) e.remove_prefix(1);
  while (!e.empty() && (e.back() == ' ' || e.back() == '\t')) e.remove_suffix(1);
  auto fail = [] { return Error::invalid("invalid_email", "This is not an email address."); };
  if (e.size() < 3 || e.size() > 254) return fail();
  auto at = e.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || at + 1 >= e.size()) return fail();
  std::string_view domain = e.substr(at + 1);
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.') return fail();
  std::string out;
  out.reserve(e.size());
  for (char c : e) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' ||
        c == '>' || c == '[' || c == ']' || c == '\\')
      return fail();
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (out.find('@') != at) return fail();  // exactly one @
  return out;
}

AuthService::AuthService(store::Store& store, core::BlockingPool& pool, const core::Clock& clock, AuthOptions options,
                         TokenSigner signer)
    : store_(store), pool_(pool), clock_(clock), options_(options), signer_(std::move(signer)) {}

asio::awaitable<std::unique_ptr<AuthService>> AuthService::create(store::Store& store, core::BlockingPool& pool,
                                                                  const core::Clock& clock, AuthOptions options) {
  // Every instance reads the same key; the first to start creates it.
  std::string key = co_await setting_or_create(store, "jwt_signing_key", clock.now_ms());
  store::Params prev_key{store::text("jwt_previous_key")};
  auto prev = co_await store.query("SELECT value FROM platform_settings WHERE key = $1", std::move(prev_key));
  std::optional<std::string> previous;
  if (!prev.empty()) previous = store::as_text(prev.at(0, "value"));
  TokenSigner signer(kIssuer, kAudience, key, previous);
  co_return std::make_unique<AuthService>(store, pool, clock, options, std::move(signer));
}

asio::awaitable<TokenPair> AuthService::signup(std::string email, std::string password, std::string name,
                                               ClientInfo client) {
  auto normalized = normalize_email(email);
  if (!normalized) throw Exception(normalized.error());
  std::string trimmed = name;
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  while (!trimmed.empty() && trimmed.front() == ' ') trimmed.erase(trimmed.begin());
  if (trimmed.empty()) throw Exception(Error::invalid("invalid_name", "The name cannot be empty."));
  auto policy = check_password_policy(password, *normalized);
  if (!policy) throw Exception(policy.error());

  HashParams params = options_.hash;
  std::string hash = co_await pool_.run([&] { return hash_password(password, params); });
  const std::int64_t now = clock_.now_ms();
  User user{core::new_id(), *normalized, trimmed, "user", now};
  try {
    co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
      // The first account administers the instance.
      auto count = co_await tx.query("SELECT count(*) AS n FROM users");
      if (store::as_int(count.at(0, "n")) == 0) user.role = "admin";
      store::Params p{store::text(user.id), store::text(user.email), store::text(user.name), store::text(hash),
                      store::text(user.role), store::Value(now)};
      co_await tx.execute(
          "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $6)",
          std::move(p));
    });
  } catch (const Exception& e) {
    if (e.error().code == "duplicate")
      throw Exception(Error::conflict("email_taken", "An account with this email already exists."));
    throw;
  }
  co_return co_await open_session(user, 1, client);
}

asio::awaitable<TokenPair> AuthService::login(std::string email, std::string password, ClientInfo client) {
  auto normalized = normalize_email(email);
  std::optional<store::Rows> found;
  if (normalized) {
    store::Params p{store::text(*normalized)};
    found = co_await store_.query(
        "SELECT id, email, name, role, created_at, password_hash, disabled_at FROM users WHERE email = $1",
        std::move(p));
  }
  const bool exists = found && !found->empty() && !store::is_null(found->at(0, "password_hash"));
  // An unknown account costs one verification too, so that timing does not tell.
  std::string hash = exists ? store::as_text(found->at(0, "password_hash")) : dummy_hash();
  bool ok = co_await pool_.run([&] { return verify_password(hash, password); });
  if (!exists || !ok) throw Exception(bad_credentials());
  if (!store::is_null(found->at(0, "disabled_at")))
    throw Exception(Error{ErrorKind::forbidden, "account_disabled", "This account is disabled."});
  User user = user_from(*found, 0);
  HashParams params = options_.hash;
  if (needs_rehash(hash, params)) {  // parameters were raised: upgrade this password now
    std::string upgraded = co_await pool_.run([&] { return hash_password(password, params); });
    store::Params up{store::text(upgraded), store::Value(clock_.now_ms()), store::text(user.id)};
    co_await store_.execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", std::move(up));
  }
  co_return co_await open_session(user, 1, client);
}

asio::awaitable<TokenPair> AuthService::open_session(const User& user, int aal, const ClientInfo& client) {
  const std::int64_t now = clock_.now_ms();
  std::string session_id = core::new_id();
  std::string refresh = core::random_token(32);
  std::vector<store::Statement> batch;
  batch.push_back({"INSERT INTO sessions (id, user_id, aal, user_agent, address, created_at, last_used_at, expires_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
                   {store::text(session_id), store::text(user.id), store::Value(std::int64_t{aal}),
                    store::text(clip(client.user_agent, 256)), store::text(clip(client.address, 64)), store::Value(now),
                    store::Value(now + options_.session_absolute_ms)}});
  batch.push_back({"INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
                   {store::text(token_hash(refresh)), store::text(session_id), store::Value(now)}});
  co_await store_.batch(std::move(batch));
  TokenPair pair;
  pair.access_token = signer_.issue(user.id, session_id, aal, now / 1000);
  pair.expires_in = signer_.ttl_seconds();
  pair.refresh_token = refresh;
  pair.user = user;
  co_return pair;
}

asio::awaitable<TokenPair> AuthService::refresh(std::string refresh_token, ClientInfo client) {
  if (refresh_token.empty() || refresh_token.size() > 128) throw Exception(bad_refresh());
  const std::string hash = token_hash(refresh_token);
  const std::int64_t now = clock_.now_ms();
  enum class Outcome { ok, invalid, reused } outcome = Outcome::invalid;
  std::string next = core::random_token(32);
  User user;
  std::string session_id;
  int aal = 1;
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    store::Params p{store::text(hash)};
    auto rows = co_await tx.query(
        "SELECT r.session_id, r.used_at, s.revoked_at, s.expires_at, s.last_used_at, s.aal, "
        "u.id, u.email, u.name, u.role, u.created_at, u.disabled_at "
        "FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id "
        "WHERE r.token_hash = $1",
        std::move(p));
    if (rows.empty()) co_return;
    session_id = store::as_text(rows.at(0, "session_id"));
    if (!store::is_null(rows.at(0, "revoked_at")) || !store::is_null(rows.at(0, "disabled_at")) ||
        now >= store::as_int(rows.at(0, "expires_at")) ||
        now - store::as_int(rows.at(0, "last_used_at")) > options_.session_idle_ms)
      co_return;
    store::Params use{store::Value(now), store::text(hash)};
    auto used = co_await tx.execute("UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
                                    std::move(use));
    if (used == 0) {  // already used: a replay. The whole family goes.
      store::Params revoke{store::Value(now), store::text(session_id)};
      co_await tx.execute("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", std::move(revoke));
      outcome = Outcome::reused;
      co_return;
    }
    store::Params ins{store::text(token_hash(next)), store::text(session_id), store::Value(now)};
    co_await tx.execute("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
                        std::move(ins));
    store::Params touch{store::Value(now), store::text(clip(client.address, 64)), store::text(session_id)};
    co_await tx.execute("UPDATE sessions SET last_used_at = $1, address = $2 WHERE id = $3", std::move(touch));
    user = User{store::as_text(rows.at(0, "id")), store::as_text(rows.at(0, "email")), store::as_text(rows.at(0, "name")),
                store::as_text(rows.at(0, "role")), store::as_int(rows.at(0, "created_at"))};
    aal = static_cast<int>(store::as_int(rows.at(0, "aal")));
    outcome = Outcome::ok;
  });
  if (outcome != Outcome::ok) throw Exception(bad_refresh());
  TokenPair pair;
  pair.access_token = signer_.issue(user.id, session_id, aal, now / 1000);
  pair.expires_in = signer_.ttl_seconds();
  pair.refresh_token = next;
  pair.user = user;
  co_return pair;
}

asio::awaitable<void> AuthService::logout(const Principal& who) {
  store::Params p{store::Value(clock_.now_ms()), store::text(who.session_id), store::text(who.user_id)};
  co_await store_.execute("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                          std::move(p));
}

asio::awaitable<void> AuthService::logout_all(const Principal& who) {
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                   {store::Value(now), store::text(who.user_id)}});
  batch.push_back({"UPDATE users SET not_before = $1, updated_at = $2 WHERE id = $3",
                   {store::Value(now / 1000), store::Value(now), store::text(who.user_id)}});
  co_await store_.batch(std::move(batch));
}

asio::awaitable<Principal> AuthService::authenticate(std::string_view bearer_token) {
  const std::int64_t now = clock_.now_ms();
  auto claims = signer_.verify(bearer_token, now / 1000);
  if (!claims) throw Exception(bad_access());
  store::Params p{store::text(claims->session_id), store::text(claims->user_id)};
  auto rows = co_await store_.query(
      "SELECT s.revoked_at, u.disabled_at, u.not_before FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.id = $1 AND s.user_id = $2",
      std::move(p));
  if (rows.empty() || !store::is_null(rows.at(0, "revoked_at")) || !store::is_null(rows.at(0, "disabled_at")) ||
      claims->issued_at < store::as_int(rows.at(0, "not_before")))
    throw Exception(bad_access());
  co_return Principal{claims->user_id, claims->session_id, claims->aal};
}

asio::awaitable<User> AuthService::user(const std::string& user_id) {
  store::Params p{store::text(user_id)};
  auto rows = co_await store_.query("SELECT id, email, name, role, created_at FROM users WHERE id = $1", std::move(p));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  co_return user_from(rows, 0);
}

}  // namespace krilin::kernel::auth
