#pragma once
// Accounts and sessions: sign-up, login, refresh-token rotation, logout, and checking an
// access token on each request. Same behaviour on SQLite and PostgreSQL, no Redis.
//
// A session is one sign-in on one device; its refresh tokens form a family. Each refresh
// token is 256 random bits, stored only as a BLAKE2b hash, and single-use: refreshing
// returns a new pair and marks the old token used. Presenting a used token again (a
// stolen token replayed, or the thief's copy after the owner refreshed) revokes the whole
// session. Sessions expire 7 days after their last use and 30 days after sign-in.
// Access tokens are checked against the database on every request (session not revoked,
// user not disabled, token not older than the user's not_before), so logout, logout-all
// and disabling take effect at once.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "kernel/auth/failures.h"
#include "kernel/auth/password.h"
#include "kernel/auth/tokens.h"
#include "krilin/sdk/json.h"
#include "store/store.h"

namespace krilin::core {
class BlockingPool;
}

namespace krilin::kernel::auth {

namespace asio = boost::asio;

struct ClientInfo {
  std::string user_agent;
  std::string address;
};

struct User {
  std::string id, email, name, role;
  std::int64_t created_at = 0;
  std::string time_zone = "UTC";  // IANA name; the day boundaries of the user's apps
  json::object to_json() const;
};

struct TokenPair {
  std::string access_token;
  std::int64_t expires_in = 0;
  std::string refresh_token;
  User user;
  json::object to_json() const;  // {access_token, token_type, expires_in, refresh_token, user}
};

// What login answers: a token pair, or — when the account has MFA — a challenge to
// complete with verify_mfa().
struct LoginResult {
  std::optional<TokenPair> tokens;
  std::string mfa_token;
  json::object to_json() const;  // the pair, or {"mfa_required": true, "mfa_token": …}
};

struct TotpEnrollment {
  std::string secret_base32;
  std::string otpauth_uri;
};

// Who is calling: what the authenticator puts into Request::principal.
struct Principal {
  std::string user_id;
  std::string session_id;
  int aal = 1;
  std::string address;  // the client's address, for the audit log
  std::string role;     // "user" or "admin", read with the session on each request
};

// What an administrator sees of an account.
struct AccountSummary {
  User user;
  bool disabled = false;
  bool mfa_enabled = false;
  json::object to_json() const;
};

struct SessionInfo {
  std::string id, user_agent, address;
  std::int64_t created_at = 0, last_used_at = 0;
  bool current = false;
  json::object to_json() const;
};

struct AuthOptions {
  std::int64_t session_idle_ms = 7LL * 24 * 3600 * 1000;
  std::int64_t session_absolute_ms = 30LL * 24 * 3600 * 1000;
  HashParams hash;
  // Failed logins, counted per account and per client address over a window: from
  // `delay_after` failures each attempt waits a little longer; from `lock_after` (per
  // account) or `address_lock_after` (per address) the answer is 429 + Retry-After until
  // the oldest failure leaves the window. A success clears the account's count.
  std::int64_t failure_window_ms = 15LL * 60 * 1000;
  int delay_after = 3;
  int lock_after = 10;
  int address_lock_after = 100;
  std::chrono::milliseconds delay_step{100};
  // How often the signing keys are re-read (another instance, or `krilin keys rotate`,
  // may have rotated them).
  std::int64_t key_reload_ms = 30000;
};

// Normalises an email address (trimmed, lowercased) or says why it is not one.
Result<std::string> normalize_email(std::string_view email);

class AuthService {
 public:
  // Loads the signing keys from the database, creating them at first start.
  // `failures` counts failed sign-ins (the database when null; Redis when configured).
  static asio::awaitable<std::unique_ptr<AuthService>> create(store::Store& store, core::BlockingPool& pool,
                                                              const core::Clock& clock, AuthOptions options = {},
                                                              std::unique_ptr<FailureCounter> failures = nullptr);

  asio::awaitable<TokenPair> signup(std::string email, std::string password, std::string name, ClientInfo client);
  asio::awaitable<LoginResult> login(std::string email, std::string password, ClientInfo client);

  // TOTP: enrol (secret + otpauth URI, not active yet), confirm with a first code (active;
  // answers 10 single-use recovery codes), remove (password and a code). With TOTP on,
  // login answers a challenge that verify_mfa() completes with a code or a recovery code,
  // giving a session with aal 2. A code is accepted once; 5 wrong ones in 5 minutes → 429.
  asio::awaitable<TotpEnrollment> enroll_totp(const Principal& who);
  asio::awaitable<std::vector<std::string>> confirm_totp(const Principal& who, std::string code);
  asio::awaitable<void> remove_totp(const Principal& who, std::string password, std::string code);
  asio::awaitable<TokenPair> verify_mfa(std::string mfa_token, std::string code, std::string recovery_code,
                                        ClientInfo client);
  asio::awaitable<TokenPair> refresh(std::string refresh_token, ClientInfo client);
  asio::awaitable<void> logout(const Principal& who);
  asio::awaitable<void> logout_all(const Principal& who);
  // The caller behind a bearer token, or unauthenticated.
  asio::awaitable<Principal> authenticate(std::string_view bearer_token);
  asio::awaitable<User> user(const std::string& user_id);
  asio::awaitable<User> rename(const Principal& who, std::string name);
  // invalid_input `invalid_time_zone` unless an IANA zone name of the system's zoneinfo.
  asio::awaitable<User> set_time_zone(const Principal& who, std::string time_zone);

  // The account's live sessions (this one marked current), and ending one of them.
  asio::awaitable<std::vector<SessionInfo>> sessions(const Principal& who);
  asio::awaitable<void> revoke_session(const Principal& who, const std::string& session_id);
  // Needs the current password; ends every other session.
  asio::awaitable<void> change_password(const Principal& who, std::string current, std::string next);
  // Erases the account (password, and a code when TOTP is on) and everything of it here.
  asio::awaitable<void> delete_account(const Principal& who, std::string password, std::string code);

  // A sign-in through an identity provider: the account already linked to (issuer,
  // subject); else the account with the same email, when the provider verified it; else a
  // new account (without a password). Never links by an unverified email.
  asio::awaitable<TokenPair> sign_in_with_identity(const std::string& issuer, const std::string& subject,
                                                   const std::string& email, bool email_verified,
                                                   const std::string& name, ClientInfo client);

  // Administration (the API checks the caller's role; the CLI is trusted).
  asio::awaitable<User> create_user(std::string email, std::string password, std::string name, bool admin);
  asio::awaitable<std::vector<AccountSummary>> list_accounts();
  asio::awaitable<User> find_by_email(std::string email);
  // Disabling ends every session of the account at once.
  asio::awaitable<void> set_disabled(const std::string& user_id, bool disabled, const std::string& by,
                                     const std::string& address);
  asio::awaitable<void> reset_mfa(const std::string& user_id, const std::string& by, const std::string& address);

  // Rotation: the current signing key becomes the previous one (still accepted, so that
  // tokens already issued live out their 15 minutes) and a new key signs from now on.
  // Instances pick it up within key_reload_ms. Rotating twice within 15 minutes cuts
  // short the tokens signed with the oldest key.
  static asio::awaitable<void> rotate_keys(store::Store& store, const core::Clock& clock);

  AuthService(store::Store& store, core::BlockingPool& pool, const core::Clock& clock, AuthOptions options,
              TokenSigner signer);

 private:
  asio::awaitable<TokenPair> open_session(const User& user, int aal, const ClientInfo& client);
  asio::awaitable<void> record(std::optional<std::string> user_id, std::string action, json::object detail,
                               std::string address);
  asio::awaitable<void> throttle(const std::string& account, const std::string& address);
  asio::awaitable<void> count_failure(const std::string& account, const std::string& address);
  // True when `code` is a fresh TOTP code (its step later than the last one used), or an
  // unused recovery code when `recovery` — and marks it used.
  asio::awaitable<bool> use_second_factor(const std::string& user_id, const std::string& code, bool recovery,
                                          bool require_confirmed);

  asio::awaitable<std::shared_ptr<const TokenSigner>> signer();

  store::Store& store_;
  core::BlockingPool& pool_;
  const core::Clock& clock_;
  AuthOptions options_;
  std::mutex signer_mu_;
  std::shared_ptr<const TokenSigner> signer_;
  std::int64_t signer_loaded_at_ = 0;
  std::unique_ptr<FailureCounter> failures_;
};

}  // namespace krilin::kernel::auth
