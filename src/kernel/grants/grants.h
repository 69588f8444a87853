#pragma once
// Grants and the app audit trail (DESIGN.md §5).
//
// A grant lets one app (the consumer) read something of another app (the provider) for
// one user: kind "output", "stream", "action" or "agent", and the name of that output,
// stream or action. Grants are written when the user accepts an install plan; revoking
// one stamps it (the row stays, so that a later read is told `grant_revoked` rather than
// `not_granted`); uninstalling either app deletes its grants. Every check reads the
// database, so a revocation takes effect on the very next call, on every instance.
//
// The audit trail shares the accounts' audit_log table; entries about apps carry the
// consumer app's id in `app_id`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/store.h"

namespace krilin::kernel::grants {

namespace asio = boost::asio;

struct Grant {
  std::string id, consumer, provider, kind, name;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> revoked_at;
  json::object to_json() const;
};

enum class GrantState { granted, revoked, none };

struct AuditQuery {
  std::optional<std::string> app;     // entries about this app (as consumer or provider)
  std::optional<std::int64_t> since;  // created at or after (Unix ms)
  std::optional<std::string> cursor;  // the last id of the previous page
  std::size_t limit = 50;
};

struct AuditPage {
  json::array entries;  // newest first: {id, action, app_id, detail, address, created_at}
  std::optional<std::string> next_cursor;
};

class Grants {
 public:
  Grants(store::Store& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // Inserts the grants (skipping ones already live) in `tx`.
  static asio::awaitable<void> add(store::Executor& tx, const std::string& user_id, const std::vector<Grant>& grants,
                                   std::int64_t now_ms);
  // Deletes every grant of the user where `app` is consumer or provider.
  static asio::awaitable<void> remove_app(store::Executor& tx, const std::string& user_id, const std::string& app);

  asio::awaitable<std::vector<Grant>> list(const std::string& user_id);
  asio::awaitable<GrantState> state(const std::string& user_id, const std::string& consumer, const std::string& provider,
                                    const std::string& kind, const std::string& name);
  // The same, read through `ex` (a transaction in progress).
  static asio::awaitable<GrantState> state(store::Executor& ex, const std::string& user_id, const std::string& consumer,
                                           const std::string& provider, const std::string& kind, const std::string& name);
  // Revokes one live grant of the user; not_found `grant_not_found` for another user's id,
  // an unknown one, or one already revoked. Returns the revoked grant.
  asio::awaitable<Grant> revoke(const std::string& user_id, const std::string& grant_id);

  // Appends one entry to the audit log.
  asio::awaitable<void> audit(const std::string& user_id, const std::string& app_id, const std::string& action,
                              json::object detail, const std::string& address);
  static asio::awaitable<void> audit(store::Executor& ex, const std::string& user_id, const std::string& app_id,
                                     const std::string& action, json::object detail, const std::string& address,
                                     std::int64_t now_ms);
  asio::awaitable<AuditPage> audit_page(const std::string& user_id, const AuditQuery& q);

 private:
  store::Store& store_;
  const core::Clock& clock_;
};

}  // namespace krilin::kernel::grants
