#include "kernel/auth/service.h"

#include <date/tz.h>

#include <sodium.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/blocking_pool.h"
#include "core/ids.h"
#include "kernel/auth/totp.h"

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
  User u{store::as_text(r.at(i, "id")), store::as_text(r.at(i, "email")), store::as_text(r.at(i, "name")),
         store::as_text(r.at(i, "role")), store::as_int(r.at(i, "created_at"))};
  if (r.column("time_zone") >= 0) u.time_zone = store::as_text(r.at(i, "time_zone"));
  return u;
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
  return {{"id", id}, {"email", email}, {"name", name}, {"role", role}, {"created_at", created_at}, {"time_zone", time_zone}};
}

json::object SessionInfo::to_json() const {
  return {{"id", id},         {"user_agent", user_agent},     {"address", address},
          {"created_at", created_at}, {"last_used_at", last_used_at}, {"current", current}};
}

json::object AccountSummary::to_json() const {
  json::object o = user.to_json();
  o["disabled"] = disabled;
  o["mfa_enabled"] = mfa_enabled;
  return o;
}

json::object LoginResult::to_json() const {
  if (tokens) return tokens->to_json();
  return {{"mfa_required", true}, {"mfa_token", mfa_token}};
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

namespace {

asio::awaitable<TokenSigner> load_signer(store::Store& store, const core::Clock& clock) {
  // Every instance reads the same key; the first to start creates it.
  std::string key = co_await setting_or_create(store, "jwt_signing_key", clock.now_ms());
  store::Params prev_key{store::text("jwt_previous_key")};
  auto prev = co_await store.query("SELECT value FROM platform_settings WHERE key = $1", std::move(prev_key));
  std::optional<std::string> previous;
  if (!prev.empty()) previous = store::as_text(prev.at(0, "value"));
  co_return TokenSigner(kIssuer, kAudience, key, previous);
}

}  // namespace

AuthService::AuthService(store::Store& store, core::BlockingPool& pool, const core::Clock& clock, AuthOptions options,
                         TokenSigner signer)
    : store_(store),
      pool_(pool),
      clock_(clock),
      options_(options),
      signer_(std::make_shared<const TokenSigner>(std::move(signer))),
      signer_loaded_at_(clock.now_ms()) {}

asio::awaitable<std::unique_ptr<AuthService>> AuthService::create(store::Store& store, core::BlockingPool& pool,
                                                                  const core::Clock& clock, AuthOptions options,
                                                                  std::unique_ptr<FailureCounter> failures) {
  TokenSigner signer = co_await load_signer(store, clock);
  auto service = std::make_unique<AuthService>(store, pool, clock, options, std::move(signer));
  service->failures_ = failures ? std::move(failures) : database_failure_counter(store);
  co_return service;
}

asio::awaitable<std::shared_ptr<const TokenSigner>> AuthService::signer() {
  const std::int64_t now = clock_.now_ms();
  {
    std::lock_guard lock(signer_mu_);
    if (now - signer_loaded_at_ < options_.key_reload_ms) co_return signer_;
    signer_loaded_at_ = now;  // one reload at a time is enough; others use the current keys
  }
  auto fresh = std::make_shared<const TokenSigner>(co_await load_signer(store_, clock_));
  std::lock_guard lock(signer_mu_);
  signer_ = fresh;
  co_return signer_;
}

asio::awaitable<void> AuthService::rotate_keys(store::Store& store, const core::Clock& clock) {
  co_await store.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    const std::int64_t now = clock.now_ms();
    store::Params q{store::text("jwt_signing_key")};
    auto current = co_await tx.query("SELECT value FROM platform_settings WHERE key = $1", std::move(q));
    if (!current.empty()) {
      store::Params prev{store::text("jwt_previous_key"), store::text(store::as_text(current.at(0, "value"))),
                         store::Value(now)};
      co_await tx.execute(
          "INSERT INTO platform_settings (key, value, updated_at) VALUES ($1, $2, $3) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
          std::move(prev));
    }
    store::Params next{store::text("jwt_signing_key"), store::text(core::random_hex(32)), store::Value(now)};
    co_await tx.execute(
        "INSERT INTO platform_settings (key, value, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        std::move(next));
  });
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
  auto pair = co_await open_session(user, 1, client);
  {
    json::object detail{{"role", user.role}};
    co_await record(user.id, "account.created", std::move(detail), client.address);
  }
  co_return pair;
}

asio::awaitable<LoginResult> AuthService::login(std::string email, std::string password, ClientInfo client) {
  auto normalized = normalize_email(email);
  const std::string account = "account:" + (normalized ? *normalized : email.substr(0, 254));
  co_await throttle(account, "address:" + client.address);
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
  if (!exists || !ok) {
    co_await count_failure(account, "address:" + client.address);
    std::optional<std::string> uid;
    if (exists) uid = store::as_text(found->at(0, "id"));
    {
      json::object detail{{"reason", exists ? "wrong_password" : "unknown_account"}};
      co_await record(uid, "login.failed", std::move(detail), client.address);
    }
    throw Exception(bad_credentials());
  }
  if (!store::is_null(found->at(0, "disabled_at")))
    throw Exception(Error{ErrorKind::forbidden, "account_disabled", "This account is disabled."});
  User user = user_from(*found, 0);
  HashParams params = options_.hash;
  if (needs_rehash(hash, params)) {  // parameters were raised: upgrade this password now
    std::string upgraded = co_await pool_.run([&] { return hash_password(password, params); });
    store::Params up{store::text(upgraded), store::Value(clock_.now_ms()), store::text(user.id)};
    co_await store_.execute("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", std::move(up));
  }
  {
    std::vector<std::string> cleared{account};
    co_await failures_->clear(std::move(cleared));
  }
  store::Params mfa_q{store::text(user.id)};
  auto mfa = co_await store_.query("SELECT 1 AS on_ FROM mfa_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL",
                                   std::move(mfa_q));
  if (!mfa.empty()) {  // the password was right; the second factor is still to come
    LoginResult challenge;
    challenge.mfa_token = core::random_token(32);
    store::Params c{store::text(token_hash(challenge.mfa_token)), store::text(user.id),
                    store::Value(clock_.now_ms() + 5 * 60 * 1000)};
    co_await store_.execute("INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                            std::move(c));
    co_return challenge;
  }
  auto pair = co_await open_session(user, 1, client);
  {
    json::object detail{{"user_agent", clip(client.user_agent, 256)}};
    co_await record(user.id, "login.succeeded", std::move(detail), client.address);
  }
  co_return LoginResult{std::move(pair), {}};
}

asio::awaitable<void> AuthService::throttle(const std::string& account, const std::string& address) {
  const std::int64_t now = clock_.now_ms();
  std::vector<std::string> subjects{account, address};
  auto c = co_await failures_->counts(std::move(subjects), now - options_.failure_window_ms);
  auto locked = [&](std::int64_t oldest) {
    std::int64_t wait_ms = oldest + options_.failure_window_ms - now;
    int seconds = static_cast<int>(std::max<std::int64_t>(1, (wait_ms + 999) / 1000));
    return Exception(Error{ErrorKind::rate_limited, "too_many_attempts",
                           "Too many failed sign-ins; wait before trying again.", true, seconds});
  };
  if (c[0].n >= options_.lock_after) throw locked(c[0].oldest_ms);
  if (c[1].n >= options_.address_lock_after) throw locked(c[1].oldest_ms);
  if (c[0].n >= options_.delay_after) {  // growing delay, without holding a thread
    auto step = options_.delay_step * (c[0].n - options_.delay_after + 1);
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, std::min<std::chrono::milliseconds>(step, std::chrono::seconds(3)));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

asio::awaitable<void> AuthService::count_failure(const std::string& account, const std::string& address) {
  std::vector<std::string> subjects{account, address};
  co_await failures_->add(std::move(subjects), clock_.now_ms(), options_.failure_window_ms);
}

asio::awaitable<void> AuthService::record(std::optional<std::string> user_id, std::string action, json::object detail,
                                          std::string address) {
  store::Params p{store::text(core::new_id()), user_id ? store::text(*user_id) : store::Value(nullptr),
                  store::text(action), store::text(json::serialize(detail)), store::text(clip(address, 64)),
                  store::Value(clock_.now_ms())};
  co_await store_.execute(
      "INSERT INTO audit_log (id, user_id, action, detail, address, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
      std::move(p));
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
  auto signing = co_await signer();
  pair.access_token = signing->issue(user.id, session_id, aal, now / 1000);
  pair.expires_in = signing->ttl_seconds();
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
  if (outcome == Outcome::reused) {
    json::object detail{{"session_id", session_id}};
    co_await record(std::nullopt, "session.refresh_reused", std::move(detail), client.address);
  }
  if (outcome != Outcome::ok) throw Exception(bad_refresh());
  TokenPair pair;
  auto signing = co_await signer();
  pair.access_token = signing->issue(user.id, session_id, aal, now / 1000);
  pair.expires_in = signing->ttl_seconds();
  pair.refresh_token = next;
  pair.user = user;
  co_return pair;
}

asio::awaitable<void> AuthService::logout(const Principal& who) {
  store::Params p{store::Value(clock_.now_ms()), store::text(who.session_id), store::text(who.user_id)};
  co_await store_.execute("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                          std::move(p));
  {
    json::object detail{{"session_id", who.session_id}};
    co_await record(who.user_id, "session.logout", std::move(detail), who.address);
  }
}

asio::awaitable<void> AuthService::logout_all(const Principal& who) {
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                   {store::Value(now), store::text(who.user_id)}});
  batch.push_back({"UPDATE users SET not_before = $1, updated_at = $2 WHERE id = $3",
                   {store::Value(now / 1000), store::Value(now), store::text(who.user_id)}});
  co_await store_.batch(std::move(batch));
  {
    json::object detail{};
    co_await record(who.user_id, "session.logout_all", std::move(detail), who.address);
  }
}

asio::awaitable<Principal> AuthService::authenticate(std::string_view bearer_token) {
  const std::int64_t now = clock_.now_ms();
  auto keys = co_await signer();
  auto claims = keys->verify(bearer_token, now / 1000);
  if (!claims) throw Exception(bad_access());
  store::Params p{store::text(claims->session_id), store::text(claims->user_id)};
  auto rows = co_await store_.query(
      "SELECT s.revoked_at, u.disabled_at, u.not_before, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.id = $1 AND s.user_id = $2",
      std::move(p));
  if (rows.empty() || !store::is_null(rows.at(0, "revoked_at")) || !store::is_null(rows.at(0, "disabled_at")) ||
      claims->issued_at < store::as_int(rows.at(0, "not_before")))
    throw Exception(bad_access());
  co_return Principal{claims->user_id, claims->session_id, claims->aal, {}, store::as_text(rows.at(0, "role"))};
}

asio::awaitable<User> AuthService::user(const std::string& user_id) {
  store::Params p{store::text(user_id)};
  auto rows = co_await store_.query("SELECT id, email, name, role, created_at, time_zone FROM users WHERE id = $1",
                                    std::move(p));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  co_return user_from(rows, 0);
}

asio::awaitable<User> AuthService::rename(const Principal& who, std::string name) {
  while (!name.empty() && name.back() == ' ') name.pop_back();
  while (!name.empty() && name.front() == ' ') name.erase(name.begin());
  if (name.empty()) throw Exception(Error::invalid("invalid_name", "The name cannot be empty."));
  store::Params p{store::text(name), store::Value(clock_.now_ms()), store::text(who.user_id)};
  co_await store_.execute("UPDATE users SET name = $1, updated_at = $2 WHERE id = $3", std::move(p));
  co_return co_await user(who.user_id);
}

asio::awaitable<User> AuthService::set_time_zone(const Principal& who, std::string time_zone) {
  try {
    date::locate_zone(time_zone);
  } catch (const std::runtime_error&) {
    throw Exception(Error::invalid("invalid_time_zone", "'" + time_zone.substr(0, 64) +
                                                            "' is not a time zone; use an IANA name such as Europe/Paris."));
  }
  store::Params p{store::text(time_zone), store::Value(clock_.now_ms()), store::text(who.user_id)};
  co_await store_.execute("UPDATE users SET time_zone = $1, updated_at = $2 WHERE id = $3", std::move(p));
  co_return co_await user(who.user_id);
}

asio::awaitable<std::vector<SessionInfo>> AuthService::sessions(const Principal& who) {
  const std::int64_t now = clock_.now_ms();
  store::Params p{store::text(who.user_id), store::Value(now), store::Value(now - options_.session_idle_ms)};
  auto rows = co_await store_.query(
      "SELECT id, user_agent, address, created_at, last_used_at FROM sessions "
      "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_used_at > $3 ORDER BY created_at DESC",
      std::move(p));
  std::vector<SessionInfo> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SessionInfo s{store::as_text(rows.at(i, "id")), store::as_text(rows.at(i, "user_agent")),
                  store::as_text(rows.at(i, "address")), store::as_int(rows.at(i, "created_at")),
                  store::as_int(rows.at(i, "last_used_at")), false};
    s.current = s.id == who.session_id;
    out.push_back(std::move(s));
  }
  co_return out;
}

asio::awaitable<void> AuthService::revoke_session(const Principal& who, const std::string& session_id) {
  // Scoped to the caller: another user's session id is simply not found.
  store::Params p{store::Value(clock_.now_ms()), store::text(session_id), store::text(who.user_id)};
  auto n = co_await store_.execute(
      "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL", std::move(p));
  if (n == 0) throw Exception(Error::not_found("session_not_found", "There is no such session."));
  {
    json::object detail{{"session_id", session_id}};
    co_await record(who.user_id, "session.revoked", std::move(detail), who.address);
  }
}

asio::awaitable<void> AuthService::change_password(const Principal& who, std::string current, std::string next) {
  store::Params p{store::text(who.user_id)};
  auto rows = co_await store_.query("SELECT email, password_hash FROM users WHERE id = $1", std::move(p));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  std::string hash = store::is_null(rows.at(0, "password_hash")) ? dummy_hash() : store::as_text(rows.at(0, "password_hash"));
  bool ok = co_await pool_.run([&] { return verify_password(hash, current); });
  if (!ok) throw Exception(Error{ErrorKind::forbidden, "wrong_password", "The current password is wrong."});
  auto policy = check_password_policy(next, store::as_text(rows.at(0, "email")));
  if (!policy) throw Exception(policy.error());
  HashParams params = options_.hash;
  std::string fresh = co_await pool_.run([&] { return hash_password(next, params); });
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3",
                   {store::text(fresh), store::Value(now), store::text(who.user_id)}});
  batch.push_back({"UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
                   {store::Value(now), store::text(who.user_id), store::text(who.session_id)}});
  co_await store_.batch(std::move(batch));
  {
    json::object detail{};
    co_await record(who.user_id, "password.changed", std::move(detail), who.address);
  }
}

asio::awaitable<bool> AuthService::use_second_factor(const std::string& user_id, const std::string& code,
                                                     bool recovery, bool require_confirmed) {
  if (recovery) {
    std::string normalized;
    for (char c : code)
      if (c != '-' && c != ' ') normalized += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    store::Params p{store::Value(clock_.now_ms()), store::text(token_hash(normalized)), store::text(user_id)};
    auto n = co_await store_.execute(
        "UPDATE mfa_recovery_codes SET used_at = $1 WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL",
        std::move(p));
    co_return n == 1;
  }
  store::Params q{store::text(user_id)};
  auto rows = co_await store_.query("SELECT secret, confirmed_at, last_step FROM mfa_totp WHERE user_id = $1", std::move(q));
  if (rows.empty() || (require_confirmed && store::is_null(rows.at(0, "confirmed_at")))) co_return false;
  std::string hex = store::as_text(rows.at(0, "secret"));
  std::string secret(hex.size() / 2, '\0');
  sodium_hex2bin(reinterpret_cast<unsigned char*>(secret.data()), secret.size(), hex.c_str(), hex.size(), nullptr,
                 nullptr, nullptr);
  auto step = totp_verify(secret, code, clock_.now_ms() / 1000);
  if (!step) co_return false;
  // Accepted once: only a step later than the last one used moves it (a replay, even a
  // concurrent one, changes no row).
  store::Params u{store::Value(static_cast<std::int64_t>(*step)), store::text(user_id)};
  auto n = co_await store_.execute("UPDATE mfa_totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1",
                                   std::move(u));
  co_return n == 1;
}

asio::awaitable<TotpEnrollment> AuthService::enroll_totp(const Principal& who) {
  store::Params q{store::text(who.user_id)};
  auto rows = co_await store_.query(
      "SELECT u.email, t.confirmed_at FROM users u LEFT JOIN mfa_totp t ON t.user_id = u.id WHERE u.id = $1",
      std::move(q));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  if (!store::is_null(rows.at(0, "confirmed_at")))
    throw Exception(Error::conflict("mfa_already_enabled", "Two-step sign-in is already on; remove it first."));
  std::string secret = new_totp_secret();
  char hex[41];
  sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  std::vector<store::Statement> batch;
  batch.push_back({"DELETE FROM mfa_totp WHERE user_id = $1", {store::text(who.user_id)}});
  batch.push_back({"INSERT INTO mfa_totp (user_id, secret, created_at) VALUES ($1, $2, $3)",
                   {store::text(who.user_id), store::text(hex), store::Value(clock_.now_ms())}});
  co_await store_.batch(std::move(batch));
  co_return TotpEnrollment{base32_encode(secret), otpauth_uri(secret, store::as_text(rows.at(0, "email")), "Krilin")};
}

asio::awaitable<std::vector<std::string>> AuthService::confirm_totp(const Principal& who, std::string code) {
  store::Params q{store::text(who.user_id)};
  auto rows = co_await store_.query("SELECT confirmed_at FROM mfa_totp WHERE user_id = $1", std::move(q));
  if (rows.empty()) throw Exception(Error::conflict("mfa_not_enrolled", "Start with /api/v1/auth/mfa/totp/enroll."));
  if (!store::is_null(rows.at(0, "confirmed_at")))
    throw Exception(Error::conflict("mfa_already_enabled", "Two-step sign-in is already on."));
  if (!co_await use_second_factor(who.user_id, code, false, false))
    throw Exception(Error::invalid("invalid_mfa_code", "The code is not valid; check the clock of the device."));
  static const char* alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  std::vector<std::string> codes;
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"DELETE FROM mfa_recovery_codes WHERE user_id = $1", {store::text(who.user_id)}});
  for (int i = 0; i < 10; ++i) {
    std::string c;
    for (int k = 0; k < 10; ++k) c += alphabet[randombytes_uniform(31)];
    batch.push_back({"INSERT INTO mfa_recovery_codes (code_hash, user_id) VALUES ($1, $2)",
                     {store::text(token_hash(c)), store::text(who.user_id)}});
    codes.push_back(c.substr(0, 5) + "-" + c.substr(5));
  }
  batch.push_back({"UPDATE mfa_totp SET confirmed_at = $1 WHERE user_id = $2", {store::Value(now), store::text(who.user_id)}});
  co_await store_.batch(std::move(batch));
  {
    json::object detail{{"factor", "totp"}};
    co_await record(who.user_id, "mfa.enabled", std::move(detail), who.address);
  }
  co_return codes;
}

asio::awaitable<void> AuthService::remove_totp(const Principal& who, std::string password, std::string code) {
  store::Params q{store::text(who.user_id)};
  auto rows = co_await store_.query("SELECT password_hash FROM users WHERE id = $1", std::move(q));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  std::string hash = store::is_null(rows.at(0, "password_hash")) ? dummy_hash() : store::as_text(rows.at(0, "password_hash"));
  bool ok = co_await pool_.run([&] { return verify_password(hash, password); });
  if (!ok) throw Exception(Error{ErrorKind::forbidden, "wrong_password", "The password is wrong."});
  if (!co_await use_second_factor(who.user_id, code, false, true) &&
      !co_await use_second_factor(who.user_id, code, true, true))
    throw Exception(Error{ErrorKind::forbidden, "invalid_mfa_code", "The code is not valid."});
  std::vector<store::Statement> batch;
  batch.push_back({"DELETE FROM mfa_totp WHERE user_id = $1", {store::text(who.user_id)}});
  batch.push_back({"DELETE FROM mfa_recovery_codes WHERE user_id = $1", {store::text(who.user_id)}});
  co_await store_.batch(std::move(batch));
  {
    json::object detail{{"factor", "totp"}};
    co_await record(who.user_id, "mfa.disabled", std::move(detail), who.address);
  }
}

asio::awaitable<TokenPair> AuthService::verify_mfa(std::string mfa_token, std::string code, std::string recovery_code,
                                                   ClientInfo client) {
  const std::int64_t now = clock_.now_ms();
  Error expired{ErrorKind::unauthenticated, "invalid_mfa_token", "The sign-in has expired; start again."};
  if (mfa_token.empty() || mfa_token.size() > 128) throw Exception(expired);
  store::Params q{store::text(token_hash(mfa_token)), store::Value(now)};
  auto rows = co_await store_.query(
      "SELECT c.user_id, u.email, u.name, u.role, u.created_at, u.disabled_at FROM mfa_challenges c "
      "JOIN users u ON u.id = c.user_id WHERE c.token_hash = $1 AND c.expires_at > $2",
      std::move(q));
  if (rows.empty() || !store::is_null(rows.at(0, "disabled_at"))) throw Exception(expired);
  User user{store::as_text(rows.at(0, "user_id")), store::as_text(rows.at(0, "email")), store::as_text(rows.at(0, "name")),
            store::as_text(rows.at(0, "role")), store::as_int(rows.at(0, "created_at"))};
  // 5 wrong codes in 5 minutes per account, then 429.
  const std::string subject = "mfa:" + user.id;
  std::vector<std::string> mfa_subject{subject};
  auto fails = co_await failures_->counts(std::move(mfa_subject), now - 5 * 60 * 1000);
  if (fails[0].n >= 5) {
    std::int64_t wait = fails[0].oldest_ms + 5 * 60 * 1000 - now;
    throw Exception(Error{ErrorKind::rate_limited, "too_many_attempts", "Too many wrong codes; wait before trying again.",
                          true, static_cast<int>(std::max<std::int64_t>(1, (wait + 999) / 1000))});
  }
  const bool recovery = code.empty() && !recovery_code.empty();
  if (!co_await use_second_factor(user.id, recovery ? recovery_code : code, recovery, true)) {
    std::vector<std::string> failed{subject};
    co_await failures_->add(std::move(failed), now, 5 * 60 * 1000);
    {
      json::object detail{{"reason", "wrong_second_factor"}};
      co_await record(user.id, "login.failed", std::move(detail), client.address);
    }
    throw Exception(Error{ErrorKind::unauthenticated, "invalid_mfa_code", "The code is not valid."});
  }
  store::Params done{store::text(token_hash(mfa_token))};
  co_await store_.execute("DELETE FROM mfa_challenges WHERE token_hash = $1", std::move(done));
  auto pair = co_await open_session(user, 2, client);
  {
    json::object detail{{"mfa", recovery ? "recovery_code" : "totp"}};
    co_await record(user.id, "login.succeeded", std::move(detail), client.address);
  }
  co_return pair;
}

asio::awaitable<void> AuthService::delete_account(const Principal& who, std::string password, std::string code) {
  store::Params q{store::text(who.user_id)};
  auto rows = co_await store_.query(
      "SELECT u.email, u.password_hash, t.confirmed_at FROM users u LEFT JOIN mfa_totp t ON t.user_id = u.id "
      "WHERE u.id = $1",
      std::move(q));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  std::string hash = store::is_null(rows.at(0, "password_hash")) ? dummy_hash() : store::as_text(rows.at(0, "password_hash"));
  bool ok = co_await pool_.run([&] { return verify_password(hash, password); });
  if (!ok) throw Exception(Error{ErrorKind::forbidden, "wrong_password", "The password is wrong."});
  if (!store::is_null(rows.at(0, "confirmed_at")) && !co_await use_second_factor(who.user_id, code, false, true) &&
      !co_await use_second_factor(who.user_id, code, true, true))
    throw Exception(Error{ErrorKind::forbidden, "invalid_mfa_code", "Two-step sign-in is on: send a valid code."});
  const std::string email = store::as_text(rows.at(0, "email"));
  std::vector<store::Statement> batch;
  // Sessions, refresh tokens and MFA rows go with the user (ON DELETE CASCADE).
  batch.push_back({"DELETE FROM users WHERE id = $1", {store::text(who.user_id)}});
  batch.push_back({"DELETE FROM audit_log WHERE user_id = $1", {store::text(who.user_id)}});
  co_await store_.batch(std::move(batch));
  {
    std::vector<std::string> forgotten{"account:" + email, "mfa:" + who.user_id};
    co_await failures_->clear(std::move(forgotten));
  }
  {
    json::object detail{};
    co_await record(std::nullopt, "account.deleted", std::move(detail), who.address);
  }
}

asio::awaitable<TokenPair> AuthService::sign_in_with_identity(const std::string& issuer, const std::string& subject,
                                                              const std::string& email, bool email_verified,
                                                              const std::string& name, ClientInfo client) {
  const std::int64_t now = clock_.now_ms();
  std::optional<User> user;
  bool created = false;
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    store::Params q{store::text(issuer), store::text(subject)};
    auto linked = co_await tx.query(
        "SELECT u.id, u.email, u.name, u.role, u.created_at, u.disabled_at FROM user_identities i "
        "JOIN users u ON u.id = i.user_id WHERE i.issuer = $1 AND i.subject = $2",
        std::move(q));
    if (!linked.empty()) {
      if (!store::is_null(linked.at(0, "disabled_at")))
        throw Exception(Error{ErrorKind::forbidden, "account_disabled", "This account is disabled."});
      user = user_from(linked, 0);
      co_return;
    }
    auto normalized = normalize_email(email);
    if (!normalized || !email_verified)
      throw Exception(Error{ErrorKind::forbidden, "oidc_email_unverified",
                            "The identity provider did not vouch for an email address; sign up first."});
    store::Params byemail{store::text(*normalized)};
    auto existing = co_await tx.query(
        "SELECT id, email, name, role, created_at, disabled_at FROM users WHERE email = $1", std::move(byemail));
    if (!existing.empty()) {
      if (!store::is_null(existing.at(0, "disabled_at")))
        throw Exception(Error{ErrorKind::forbidden, "account_disabled", "This account is disabled."});
      user = user_from(existing, 0);
    } else {
      auto count = co_await tx.query("SELECT count(*) AS n FROM users");
      user = User{core::new_id(), *normalized, name.empty() ? normalized->substr(0, normalized->find('@')) : name.substr(0, 100),
                  store::as_int(count.at(0, "n")) == 0 ? "admin" : "user", now};
      store::Params ins{store::text(user->id), store::text(user->email), store::text(user->name), store::text(user->role),
                        store::Value(now)};
      co_await tx.execute(
          "INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
          std::move(ins));
      created = true;
    }
    store::Params link{store::text(issuer), store::text(subject), store::text(user->id), store::Value(now)};
    co_await tx.execute("INSERT INTO user_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)",
                        std::move(link));
  });
  auto pair = co_await open_session(*user, 1, client);
  {
    json::object detail{{"via", "oidc"}, {"issuer", issuer}, {"new_account", created}};
    co_await record(user->id, "login.succeeded", std::move(detail), client.address);
  }
  co_return pair;
}

asio::awaitable<User> AuthService::create_user(std::string email, std::string password, std::string name, bool admin) {
  auto normalized = normalize_email(email);
  if (!normalized) throw Exception(normalized.error());
  if (name.empty()) throw Exception(Error::invalid("invalid_name", "The name cannot be empty."));
  auto policy = check_password_policy(password, *normalized);
  if (!policy) throw Exception(policy.error());
  HashParams params = options_.hash;
  std::string hash = co_await pool_.run([&] { return hash_password(password, params); });
  const std::int64_t now = clock_.now_ms();
  User user{core::new_id(), *normalized, name, admin ? "admin" : "user", now};
  store::Params p{store::text(user.id), store::text(user.email), store::text(user.name), store::text(hash),
                  store::text(user.role), store::Value(now)};
  try {
    co_await store_.execute(
        "INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        std::move(p));
  } catch (const Exception& e) {
    if (e.error().code == "duplicate")
      throw Exception(Error::conflict("email_taken", "An account with this email already exists."));
    throw;
  }
  {
    json::object detail{{"role", user.role}, {"by", "cli"}};
    co_await record(user.id, "account.created", std::move(detail), "local");
  }
  co_return user;
}

asio::awaitable<std::vector<AccountSummary>> AuthService::list_accounts() {
  auto rows = co_await store_.query(
      "SELECT u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, t.confirmed_at FROM users u "
      "LEFT JOIN mfa_totp t ON t.user_id = u.id ORDER BY u.created_at, u.id");
  std::vector<AccountSummary> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    out.push_back({user_from(rows, i), !store::is_null(rows.at(i, "disabled_at")), !store::is_null(rows.at(i, "confirmed_at"))});
  co_return out;
}

asio::awaitable<User> AuthService::find_by_email(std::string email) {
  auto normalized = normalize_email(email);
  if (!normalized) throw Exception(normalized.error());
  store::Params p{store::text(*normalized)};
  auto rows = co_await store_.query("SELECT id, email, name, role, created_at FROM users WHERE email = $1", std::move(p));
  if (rows.empty()) throw Exception(Error::not_found("user_not_found", "There is no account with this email."));
  co_return user_from(rows, 0);
}

asio::awaitable<void> AuthService::set_disabled(const std::string& user_id, bool disabled, const std::string& by,
                                                const std::string& address) {
  const std::int64_t now = clock_.now_ms();
  std::vector<store::Statement> batch;
  batch.push_back({"UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3",
                   {disabled ? store::Value(now) : store::Value(nullptr), store::Value(now), store::text(user_id)}});
  if (disabled)
    batch.push_back({"UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                     {store::Value(now), store::text(user_id)}});
  auto results = co_await store_.batch(std::move(batch));
  if (results[0].affected == 0) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  json::object detail{{"by", by}};
  co_await record(user_id, disabled ? "account.disabled" : "account.enabled", std::move(detail), address);
}

asio::awaitable<void> AuthService::reset_mfa(const std::string& user_id, const std::string& by, const std::string& address) {
  std::vector<store::Statement> batch;
  batch.push_back({"SELECT id FROM users WHERE id = $1", {store::text(user_id)}});
  batch.push_back({"DELETE FROM mfa_totp WHERE user_id = $1", {store::text(user_id)}});
  batch.push_back({"DELETE FROM mfa_recovery_codes WHERE user_id = $1", {store::text(user_id)}});
  auto results = co_await store_.batch(std::move(batch));
  if (results[0].empty()) throw Exception(Error::not_found("user_not_found", "There is no such user."));
  json::object detail{{"by", by}};
  co_await record(user_id, "mfa.reset", std::move(detail), address);
}

}  // namespace krilin::kernel::auth
