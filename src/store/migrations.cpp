#include "store/migrations.h"

#include <set>

#include "core/clock.h"

namespace krilin::store {

namespace {

// A fixed key for pg_advisory_xact_lock: "krilin" in ASCII, as a number.
constexpr std::int64_t kMigrationLockKey = 0x6b72696c696e;

const char* kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

const std::vector<Migration>& all() {
  static const std::vector<Migration> list = {
      {.version = 1,
       .name = "platform_settings",
       .both = {"CREATE TABLE platform_settings ("
                " key TEXT PRIMARY KEY,"
                " value TEXT NOT NULL,"
                " updated_at BIGINT NOT NULL)"}},
      {.version = 2,
       .name = "accounts",
       .both = {"CREATE TABLE users ("
                " id TEXT PRIMARY KEY,"
                " email TEXT NOT NULL UNIQUE,"
                " name TEXT NOT NULL,"
                " password_hash TEXT,"
                " role TEXT NOT NULL DEFAULT 'user',"
                " disabled_at BIGINT,"
                " not_before BIGINT NOT NULL DEFAULT 0,"
                " created_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)",
                "CREATE TABLE sessions ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " aal INTEGER NOT NULL,"
                " user_agent TEXT NOT NULL,"
                " address TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " last_used_at BIGINT NOT NULL,"
                " expires_at BIGINT NOT NULL,"
                " revoked_at BIGINT)",
                "CREATE INDEX sessions_user ON sessions (user_id)",
                "CREATE TABLE refresh_tokens ("
                " token_hash TEXT PRIMARY KEY,"
                " session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
                " created_at BIGINT NOT NULL,"
                " used_at BIGINT)",
                "CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id)"}},
      {.version = 3,
       .name = "audit_and_throttling",
       .both = {"CREATE TABLE audit_log ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT,"
                " action TEXT NOT NULL,"
                " detail TEXT NOT NULL,"
                " address TEXT NOT NULL,"
                " created_at BIGINT NOT NULL)",
                "CREATE INDEX audit_log_user ON audit_log (user_id, id)",
                "CREATE TABLE auth_failures ("
                " subject TEXT NOT NULL,"
                " at BIGINT NOT NULL)",
                "CREATE INDEX auth_failures_subject ON auth_failures (subject, at)"}},
      {.version = 4,
       .name = "mfa",
       .both = {"CREATE TABLE mfa_totp ("
                " user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
                " secret TEXT NOT NULL,"
                " confirmed_at BIGINT,"
                " last_step BIGINT NOT NULL DEFAULT 0,"
                " created_at BIGINT NOT NULL)",
                "CREATE TABLE mfa_recovery_codes ("
                " code_hash TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " used_at BIGINT)",
                "CREATE INDEX mfa_recovery_codes_user ON mfa_recovery_codes (user_id)",
                "CREATE TABLE mfa_challenges ("
                " token_hash TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " expires_at BIGINT NOT NULL)"}},
      {.version = 5,
       .name = "oidc",
       .both = {"CREATE TABLE oidc_logins ("
                " state TEXT PRIMARY KEY,"
                " nonce TEXT NOT NULL,"
                " code_verifier TEXT NOT NULL,"
                " expires_at BIGINT NOT NULL)",
                "CREATE TABLE user_identities ("
                " issuer TEXT NOT NULL,"
                " subject TEXT NOT NULL,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " created_at BIGINT NOT NULL,"
                " PRIMARY KEY (issuer, subject))"}},
      {.version = 6,
       .name = "app_platform",
       .both = {"CREATE TABLE installed_apps ("
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " version TEXT NOT NULL,"
                " enabled INTEGER NOT NULL DEFAULT 1,"
                " installed_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL,"
                " PRIMARY KEY (user_id, app_id))",
                "CREATE TABLE app_grants ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " consumer TEXT NOT NULL,"
                " provider TEXT NOT NULL,"
                " kind TEXT NOT NULL,"
                " name TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " revoked_at BIGINT)",
                "CREATE INDEX app_grants_user ON app_grants (user_id, consumer, provider)",
                "ALTER TABLE audit_log ADD COLUMN app_id TEXT",
                "CREATE INDEX audit_log_user_app ON audit_log (user_id, app_id, id)",
                "ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'"}},
      {.version = 7,
       .name = "realtime",
       .both = {// Streams: the per-(user, app, stream) sequence and the outbox, which doubles as the
                // replay log for reconnecting clients (pruned after the retention window).
                "CREATE TABLE stream_heads ("
                " user_id TEXT NOT NULL,"
                " app_id TEXT NOT NULL,"
                " stream TEXT NOT NULL,"
                " seq BIGINT NOT NULL,"
                " PRIMARY KEY (user_id, app_id, stream))",
                "CREATE TABLE stream_events ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL,"
                " app_id TEXT NOT NULL,"
                " stream TEXT NOT NULL,"
                " seq BIGINT NOT NULL,"
                " data TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " published_at BIGINT)",
                "CREATE UNIQUE INDEX stream_events_seq ON stream_events (user_id, app_id, stream, seq)",
                "CREATE INDEX stream_events_unpublished ON stream_events (id) WHERE published_at IS NULL",
                "CREATE INDEX stream_events_created ON stream_events (created_at)",
                "CREATE TABLE ws_tickets ("
                " ticket_hash TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " expires_at BIGINT NOT NULL)",
                // Notifications: stored per user, delivered at deliver_at, pushed live.
                "CREATE TABLE notifications ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " title TEXT NOT NULL,"
                " body TEXT NOT NULL,"
                " link TEXT,"
                " priority TEXT NOT NULL,"
                " deliver_at BIGINT NOT NULL,"
                " delivered_at BIGINT,"
                " read_at BIGINT,"
                " created_at BIGINT NOT NULL)",
                "CREATE INDEX notifications_user ON notifications (user_id, id)",
                "CREATE INDEX notifications_due ON notifications (deliver_at) WHERE delivered_at IS NULL",
                "CREATE TABLE notification_mutes ("
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " PRIMARY KEY (user_id, app_id))",
                // Schedules: cron (in the user's time zone) or once; leased so that one instance runs each.
                "CREATE TABLE schedules ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " job TEXT NOT NULL,"
                " cron TEXT,"
                " run_at BIGINT,"
                " time_zone TEXT NOT NULL,"
                " payload TEXT NOT NULL,"
                " missed_policy TEXT NOT NULL,"
                " next_run_at BIGINT,"
                " lease_owner TEXT,"
                " lease_until BIGINT,"
                " created_at BIGINT NOT NULL,"
                " cancelled_at BIGINT)",
                "CREATE INDEX schedules_due ON schedules (next_run_at) WHERE cancelled_at IS NULL",
                "CREATE INDEX schedules_user ON schedules (user_id, app_id)",
                "CREATE TABLE schedule_runs ("
                " id TEXT PRIMARY KEY,"
                " schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,"
                " user_id TEXT NOT NULL,"
                " scheduled_for BIGINT NOT NULL,"
                " started_at BIGINT NOT NULL,"
                " finished_at BIGINT,"
                " status TEXT NOT NULL,"
                " error TEXT)",
                "CREATE INDEX schedule_runs_schedule ON schedule_runs (schedule_id, id)"}},
      {.version = 8,
       .name = "agents",
       .both = {// Conversations with an app's agent, per (user, app): the messages as provider-neutral
                // blocks (JSON), a running summary of what fell out of the window.
                "CREATE TABLE agent_conversations ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " title TEXT NOT NULL,"
                " summary TEXT NOT NULL DEFAULT '',"
                " created_at BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)",
                "CREATE INDEX agent_conversations_user ON agent_conversations (user_id, app_id, updated_at)",
                "CREATE TABLE agent_messages ("
                " id TEXT PRIMARY KEY,"
                " conversation_id TEXT NOT NULL REFERENCES agent_conversations(id) ON DELETE CASCADE,"
                " seq BIGINT NOT NULL,"
                " user_id TEXT NOT NULL,"
                " role TEXT NOT NULL,"
                " content TEXT NOT NULL,"
                " created_at BIGINT NOT NULL)",
                "CREATE UNIQUE INDEX agent_messages_conversation ON agent_messages (conversation_id, seq)",
                // A turn paused on a destructive tool call, waiting for the user's yes or no.
                "CREATE TABLE agent_confirmations ("
                " id TEXT PRIMARY KEY,"
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " app_id TEXT NOT NULL,"
                " conversation_id TEXT NOT NULL REFERENCES agent_conversations(id) ON DELETE CASCADE,"
                " state TEXT NOT NULL,"
                " turn TEXT NOT NULL,"
                " created_at BIGINT NOT NULL,"
                " expires_at BIGINT NOT NULL)",
                "CREATE INDEX agent_confirmations_user ON agent_confirmations (user_id, conversation_id)",
                // Tokens and cost per user, UTC day, app and model: the daily cap reads it.
                "CREATE TABLE usage_daily ("
                " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                " day TEXT NOT NULL,"
                " app_id TEXT NOT NULL,"
                " model TEXT NOT NULL,"
                " calls BIGINT NOT NULL,"
                " input_tokens BIGINT NOT NULL,"
                " output_tokens BIGINT NOT NULL,"
                " cache_creation_tokens BIGINT NOT NULL,"
                " cache_read_tokens BIGINT NOT NULL,"
                " cost_micros BIGINT NOT NULL,"
                " PRIMARY KEY (user_id, day, app_id, model))"}},
      {.version = 9,
       .name = "user_desktops",
       .both = {// The web desktop's document per user (dashboards, widget places): api/desktop_routes.h.
                "CREATE TABLE user_desktops ("
                " user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,"
                " document TEXT NOT NULL,"
                " version BIGINT NOT NULL,"
                " updated_at BIGINT NOT NULL)"}},
  };
  return list;
}

asio::awaitable<std::set<std::int64_t>> applied_versions(Executor& ex) {
  co_await ex.execute(kVersionTable);
  auto rows = co_await ex.query("SELECT version FROM schema_migrations");
  std::set<std::int64_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.insert(as_int(rows.rows[i][0]));
  co_return out;
}

}  // namespace

const std::vector<std::string>& Migration::statements(Dialect d) const {
  if (d == Dialect::postgres && !postgres.empty()) return postgres;
  if (d == Dialect::sqlite && !sqlite.empty()) return sqlite;
  return both;
}

std::span<const Migration> platform_migrations() { return all(); }

asio::awaitable<std::vector<AppliedMigration>> apply_migrations(Store& store, std::span<const Migration> migrations) {
  std::vector<AppliedMigration> done;
  for (const Migration& m : migrations) {
    bool applied = false;
    co_await store.transaction([&](Transaction& tx) -> asio::awaitable<void> {
      if (tx.dialect() == Dialect::postgres) {
        Params lock{Value(kMigrationLockKey)};
        co_await tx.query("SELECT pg_advisory_xact_lock($1)", std::move(lock));
      }
      auto have = co_await applied_versions(tx);
      if (have.contains(m.version)) co_return;
      for (const std::string& stmt : m.statements(tx.dialect())) co_await tx.execute(stmt);
      Params row{Value(m.version), Value(m.name), Value(core::SystemClock().now_ms())};
      co_await tx.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                          std::move(row));
      applied = true;
    });
    if (applied) done.push_back({m.version, m.name});
  }
  co_return done;
}

asio::awaitable<int> count_pending(Store& store, std::span<const Migration> migrations) {
  std::set<std::int64_t> have;
  co_await store.transaction([&](Transaction& tx) -> asio::awaitable<void> { have = co_await applied_versions(tx); });
  int pending = 0;
  for (const Migration& m : migrations)
    if (!have.contains(m.version)) ++pending;
  co_return pending;
}

}  // namespace krilin::store
