#include "core/config.h"

#include <charconv>
#include <functional>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <toml++/toml.h>

namespace krilin::core {
namespace {

constexpr Setting kSettings[] = {
    {"listen", "KRILIN_LISTEN", "server.listen", SettingType::string, "127.0.0.1:8080", false,
     "Address and port `krilin serve` listens on (HOST:PORT; port 0 picks a free port)."},
    {"data_dir", "KRILIN_DATA_DIR", "data_dir", SettingType::string, "./data", false,
     "Directory for the SQLite database, keys and local files in embedded mode."},
    {"web_dir", "KRILIN_WEB_DIR", "web_dir", SettingType::string, "web/dist", false,
     "Directory of the built web desktop (npm run build writes web/dist; relative paths are "
     "from the working directory, which scripts/run sets to the repository)."},
    {"database_url", "KRILIN_DATABASE_URL", "database.url", SettingType::string, "", true,
     "postgresql://user:pass@host:port/db selects PostgreSQL (scale-out); empty means SQLite "
     "at <data_dir>/krilin.db; sqlite:<path> names another SQLite file."},
    {"redis_url", "KRILIN_REDIS_URL", "redis.url", SettingType::string, "", true,
     "redis://[:pass@]host:port for the event bus between instances; empty means in-process."},
    {"io_threads", "KRILIN_IO_THREADS", "server.io_threads", SettingType::integer, "0", false,
     "Threads running the I/O event loop; 0 means one per CPU core."},
    {"blocking_threads", "KRILIN_BLOCKING_THREADS", "server.blocking_threads",
     SettingType::integer, "4", false,
     "Threads of the blocking pool (SQLite calls, password hashing, file I/O)."},
    {"blocking_queue", "KRILIN_BLOCKING_QUEUE", "server.blocking_queue", SettingType::integer,
     "1024", false,
     "Most jobs waiting for the blocking pool; past it requests get 503 with Retry-After."},
    {"max_body_bytes", "KRILIN_MAX_BODY_BYTES", "http.max_body_bytes", SettingType::integer,
     "1048576", false, "Largest request body accepted; larger ones get 413."},
    {"max_header_bytes", "KRILIN_MAX_HEADER_BYTES", "http.max_header_bytes",
     SettingType::integer, "16384", false,
     "Largest request line plus headers accepted; larger ones get 431."},
    {"read_timeout_ms", "KRILIN_READ_TIMEOUT_MS", "http.read_timeout_ms", SettingType::integer,
     "10000", false,
     "Deadline to receive a whole request once its first byte arrived (slow clients get 408)."},
    {"idle_timeout_ms", "KRILIN_IDLE_TIMEOUT_MS", "http.idle_timeout_ms", SettingType::integer,
     "60000", false, "How long a keep-alive connection may wait for its next request."},
    {"write_timeout_ms", "KRILIN_WRITE_TIMEOUT_MS", "http.write_timeout_ms",
     SettingType::integer, "10000", false, "Deadline to send a response to a client."},
    {"shutdown_grace_ms", "KRILIN_SHUTDOWN_GRACE_MS", "server.shutdown_grace_ms",
     SettingType::integer, "10000", false,
     "On SIGTERM/SIGINT, how long in-flight requests may take to finish before exit."},
    {"sqlite_synchronous", "KRILIN_SQLITE_SYNCHRONOUS", "sqlite.synchronous",
     SettingType::string, "FULL", false,
     "SQLite `synchronous` pragma: FULL survives power loss, NORMAL only a crash (faster)."},
    {"sqlite_busy_timeout_ms", "KRILIN_SQLITE_BUSY_TIMEOUT_MS", "sqlite.busy_timeout_ms",
     SettingType::integer, "5000", false, "How long a SQLite write waits for the write lock."},
    {"db_pool_size", "KRILIN_DB_POOL_SIZE", "database.pool_size", SettingType::integer, "8",
     false, "Most database connections per instance."},
    {"db_pool_wait_ms", "KRILIN_DB_POOL_WAIT_MS", "database.pool_wait_ms", SettingType::integer,
     "2000", false,
     "How long a request waits for a free connection before it gets 503 with Retry-After."},
    {"db_statement_timeout_ms", "KRILIN_DB_STATEMENT_TIMEOUT_MS", "database.statement_timeout_ms",
     SettingType::integer, "30000", false, "Deadline of one database statement."},
    {"db_connect_timeout_ms", "KRILIN_DB_CONNECT_TIMEOUT_MS", "database.connect_timeout_ms",
     SettingType::integer, "5000", false, "Deadline to open one PostgreSQL connection."},
    {"log_level", "KRILIN_LOG_LEVEL", "log.level", SettingType::string, "info", false,
     "trace, debug, info, warn, error or off."},
    {"log_format", "KRILIN_LOG_FORMAT", "log.format", SettingType::string, "json", false,
     "json (one object per line) or text."},
    {"access_log", "KRILIN_ACCESS_LOG", "log.access", SettingType::boolean, "true", false,
     "Write one JSON line per HTTP request."},
    {"trusted_proxies", "KRILIN_TRUSTED_PROXIES", "http.trusted_proxies", SettingType::string, "", false,
     "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (for throttling and audit)."},
    {"oidc_issuer", "KRILIN_OIDC_ISSUER", "oidc.issuer", SettingType::string, "", false,
     "OpenID Connect provider for \"Sign in with …\" (its issuer URL); empty turns it off."},
    {"oidc_client_id", "KRILIN_OIDC_CLIENT_ID", "oidc.client_id", SettingType::string, "", false,
     "The client id Krilin has at that provider."},
    {"oidc_client_secret", "KRILIN_OIDC_CLIENT_SECRET", "oidc.client_secret", SettingType::string, "", true,
     "The client secret Krilin has at that provider."},
    {"oidc_redirect_uri", "KRILIN_OIDC_REDIRECT_URI", "oidc.redirect_uri", SettingType::string, "", false,
     "Where the provider sends the browser back: https://<host>/api/v1/auth/oidc/callback, registered exactly."},
    {"jwt_key_reload_ms", "KRILIN_JWT_KEY_RELOAD_MS", "auth.jwt_key_reload_ms", SettingType::integer, "30000", false,
     "How often an instance re-reads the token signing keys (after `krilin keys rotate`)."},
    {"agent_provider", "KRILIN_AGENT_PROVIDER", "agent.provider", SettingType::string, "auto", false,
     "Which model provider the apps' agents use: anthropic, openai (any OpenAI-compatible endpoint), none (the offline "
     "intent router only), or auto (anthropic when its key is set, else openai when its base URL is set, else none)."},
    {"anthropic_api_key", "KRILIN_ANTHROPIC_API_KEY", "anthropic.api_key", SettingType::string, "", true,
     "API key for the Anthropic Messages API."},
    {"anthropic_base_url", "KRILIN_ANTHROPIC_BASE_URL", "anthropic.base_url", SettingType::string,
     "https://api.anthropic.com", false, "Base URL of the Anthropic Messages API (POST {base}/v1/messages)."},
    {"anthropic_version", "KRILIN_ANTHROPIC_VERSION", "anthropic.version", SettingType::string, "2026-10-21", false,
     "The anthropic-version header sent with each request (what @anthropic-ai/sdk 1.10 sends; older APIs take 2023-06-01)."},
    {"anthropic_auth", "KRILIN_ANTHROPIC_AUTH", "anthropic.auth", SettingType::string, "bearer", false,
     "How the key is sent: bearer (Authorization: Bearer, as the current SDK does) or x-api-key (older API versions)."},
    {"openai_api_key", "KRILIN_OPENAI_API_KEY", "openai.api_key", SettingType::string, "", true,
     "API key for the OpenAI-compatible endpoint (local servers usually need none)."},
    {"openai_base_url", "KRILIN_OPENAI_BASE_URL", "openai.base_url", SettingType::string, "", false,
     "Base URL of an OpenAI-compatible API including /v1 (POST {base}/chat/completions), e.g. "
     "http://127.0.0.1:11434/v1 for Ollama; empty turns it off."},
    {"agent_model_fast", "KRILIN_AGENT_MODEL_FAST", "agent.model_fast", SettingType::string, "claude-haiku-4-5", false,
     "The model for apps whose manifest asks for the fast tier."},
    {"agent_model_balanced", "KRILIN_AGENT_MODEL_BALANCED", "agent.model_balanced", SettingType::string,
     "claude-sonnet-4-5", false, "The model for apps whose manifest asks for the balanced tier."},
    {"agent_model_best", "KRILIN_AGENT_MODEL_BEST", "agent.model_best", SettingType::string, "claude-opus-4-5", false,
     "The model for apps whose manifest asks for the best tier."},
    {"agent_prices", "KRILIN_AGENT_PRICES", "agent.prices", SettingType::string, "", false,
     "Prices (US dollars per million tokens) added to or replacing the built-in table, as JSON: "
     "{\"model\": {\"input\": 3, \"output\": 15, \"cache_write\": 3.75, \"cache_read\": 0.3}}."},
    {"agent_daily_cap_cents", "KRILIN_AGENT_DAILY_CAP_CENTS", "agent.daily_cap_cents", SettingType::integer, "500",
     false, "Most a user's agents may spend per day (UTC), in US cents; past it chats answer 429 budget_exceeded."},
    {"agent_window_messages", "KRILIN_AGENT_WINDOW_MESSAGES", "agent.window_messages", SettingType::integer, "5",
     false, "How many of the latest conversation messages the prompt carries (besides the running summary)."},
    {"agent_session_idle_ms", "KRILIN_AGENT_SESSION_IDLE_MS", "agent.session_idle_ms", SettingType::integer,
     "300000", false, "A conversation idle this long starts afresh (its summary is kept)."},
    {"agent_max_reply_tokens", "KRILIN_AGENT_MAX_REPLY_TOKENS", "agent.max_reply_tokens", SettingType::integer,
     "1000", false, "Cap on the tokens of one model reply (max_tokens)."},
    {"agent_max_steps", "KRILIN_AGENT_MAX_STEPS", "agent.max_steps", SettingType::integer, "8", false,
     "Most model calls in one turn (each tool round is one)."},
    {"agent_turn_budget_ms", "KRILIN_AGENT_TURN_BUDGET_MS", "agent.turn_budget_ms", SettingType::integer, "90000",
     false, "Deadline of one whole agent turn, model calls and tools included."},
    {"agent_connect_timeout_ms", "KRILIN_AGENT_CONNECT_TIMEOUT_MS", "agent.connect_timeout_ms", SettingType::integer,
     "10000", false, "Deadline to connect to the provider and receive the answer's headers."},
    {"agent_idle_timeout_ms", "KRILIN_AGENT_IDLE_TIMEOUT_MS", "agent.idle_timeout_ms", SettingType::integer,
     "30000", false, "Longest silence allowed between two events of a provider's stream."},
    {"agent_max_message_chars", "KRILIN_AGENT_MAX_MESSAGE_CHARS", "agent.max_message_chars", SettingType::integer,
     "4000", false, "Longest user message an agent accepts (longer ones get 413)."},
    {"agent_ca_file", "KRILIN_AGENT_CA_FILE", "agent.ca_file", SettingType::string, "", false,
     "Extra CA certificates (PEM) trusted for the providers' HTTPS, e.g. a private gateway's."},
};

const Setting* find_setting(const std::string& name) {
  for (const auto& s : kSettings)
    if (name == s.name) return &s;
  return nullptr;
}

std::optional<Error> check_value(const Setting& s, const std::string& value,
                                 const std::string& where) {
  auto bad = [&](const std::string& why) {
    return Error::invalid("invalid_config", "Setting " + std::string(s.name) + " (" + where +
                                                ") " + why + ": '" + value + "'.");
  };
  if (s.type == SettingType::integer) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size()) return bad("is not an integer");
    if (v < 0) return bad("must not be negative");
  } else if (s.type == SettingType::boolean) {
    if (value != "true" && value != "false" && value != "1" && value != "0")
      return bad("must be true or false");
  }
  return std::nullopt;
}

}  // namespace

std::span<const Setting> settings() { return kSettings; }

Config Config::defaults(const std::map<std::string, std::string>& overrides) {
  Config c;
  for (const auto& s : kSettings) {
    c.values_[s.name] = s.default_value;
    c.sources_[s.name] = "default";
  }
  for (const auto& [k, v] : overrides) {
    c.values_[k] = v;
    c.sources_[k] = "flag";
  }
  return c;
}

Result<Config> Config::load(const std::optional<std::string>& toml_path,
                            const std::map<std::string, std::string>& overrides,
                            Getenv getenv_fn) {
  if (!getenv_fn) getenv_fn = [](const char* n) -> const char* { return std::getenv(n); };
  Config c = defaults();
  auto set = [&](const Setting& s, const std::string& v, const char* source,
                 const std::string& where) -> std::optional<Error> {
    if (auto e = check_value(s, v, where)) return e;
    c.values_[s.name] = v;
    c.sources_[s.name] = source;
    return std::nullopt;
  };

  if (toml_path) {
    toml::table table;
    try {
      table = toml::parse_file(*toml_path);
    } catch (const toml::parse_error& e) {
      return Error::invalid("invalid_config",
                            "Cannot read config file " + *toml_path + ": " +
                                std::string(e.description()) + ".");
    }
    // Reject keys we do not know: a typo must not silently fall back to a default.
    std::optional<Error> unknown;
    std::function<void(const toml::table&, const std::string&)> walk =
        [&](const toml::table& t, const std::string& prefix) {
          for (const auto& [key, node] : t) {
            std::string dotted = prefix.empty() ? std::string(key.str())
                                                : prefix + "." + std::string(key.str());
            if (const auto* sub = node.as_table()) {
              walk(*sub, dotted);
              continue;
            }
            const Setting* match = nullptr;
            for (const auto& s : kSettings)
              if (dotted == s.toml) match = &s;
            if (!match) {
              if (!unknown)
                unknown = Error::invalid("invalid_config", "Unknown key '" + dotted +
                                                               "' in config file " + *toml_path + ".");
              continue;
            }
            std::string v;
            if (auto s = node.value<std::string>()) v = *s;
            else if (auto i = node.value<std::int64_t>()) v = std::to_string(*i);
            else if (auto b = node.value<bool>()) v = *b ? "true" : "false";
            else if (!unknown)
              unknown = Error::invalid("invalid_config", "Key '" + dotted + "' in " + *toml_path +
                                                             " must be a string, integer or boolean.");
            if (auto e = set(*match, v, "file", *toml_path)) {
              if (!unknown) unknown = e;
            }
          }
        };
    walk(table, "");
    if (unknown) return *unknown;
  }

  for (const auto& s : kSettings) {
    if (const char* v = getenv_fn(s.env)) {
      if (auto e = set(s, v, "env", s.env)) return *e;
    }
  }
  for (const auto& [k, v] : overrides) {
    const Setting* s = find_setting(k);
    if (!s) return Error::invalid("invalid_config", "Unknown setting '" + k + "'.");
    if (auto e = set(*s, v, "flag", "--" + k)) return *e;
  }

  // Cross-field checks.
  const std::string& level = c.str("log_level");
  if (level != "trace" && level != "debug" && level != "info" && level != "warn" &&
      level != "error" && level != "off")
    return Error::invalid("invalid_config", "log_level must be trace, debug, info, warn, error "
                                            "or off, not '" + level + "'.");
  if (c.str("log_format") != "json" && c.str("log_format") != "text")
    return Error::invalid("invalid_config", "log_format must be json or text.");
  const std::string& sync = c.str("sqlite_synchronous");
  if (sync != "FULL" && sync != "NORMAL" && sync != "EXTRA" && sync != "OFF")
    return Error::invalid("invalid_config",
                          "sqlite_synchronous must be FULL, NORMAL, EXTRA or OFF.");
  const std::string& listen = c.str("listen");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Error::invalid("invalid_config", "listen must be HOST:PORT, not '" + listen + "'.");
  int port = -1;
  auto ps = listen.substr(colon + 1);
  auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
  if (ec != std::errc() || p != ps.data() + ps.size() || port < 0 || port > 65535)
    return Error::invalid("invalid_config", "listen port must be 0..65535, not '" + ps + "'.");
  const std::string db = c.database_url();
  if (db.rfind("sqlite:", 0) != 0 && db.rfind("postgresql://", 0) != 0 &&
      db.rfind("postgres://", 0) != 0)
    return Error::invalid("invalid_config",
                          "database_url must start with postgresql:// or sqlite:.");
  if (c.integer("db_pool_size") < 1)
    return Error::invalid("invalid_config", "db_pool_size must be at least 1.");
  if (c.integer("blocking_threads") < 1)
    return Error::invalid("invalid_config", "blocking_threads must be at least 1.");
  return c;
}

const std::string& Config::str(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("unknown setting " + name);
  return it->second;
}

std::int64_t Config::integer(const std::string& name) const {
  const std::string& v = str(name);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

bool Config::boolean(const std::string& name) const {
  const std::string& v = str(name);
  return v == "true" || v == "1";
}

std::string Config::database_url() const {
  const std::string& url = str("database_url");
  if (!url.empty()) return url;
  std::string dir = str("data_dir");
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return "sqlite:" + dir + "/krilin.db";
}

Mode Config::mode() const {
  return database_url().rfind("sqlite:", 0) == 0 ? Mode::embedded : Mode::scale_out;
}

std::string Config::listen_host() const {
  const std::string& l = str("listen");
  std::string host = l.substr(0, l.rfind(':'));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  return host;
}

std::uint16_t Config::listen_port() const {
  const std::string& l = str("listen");
  return static_cast<std::uint16_t>(std::stoi(l.substr(l.rfind(':') + 1)));
}

int Config::io_threads() const {
  auto n = integer("io_threads");
  if (n > 0) return static_cast<int>(n);
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

std::vector<Config::Line> Config::describe() const {
  std::vector<Line> out;
  for (const auto& s : kSettings) {
    std::string v = values_.at(s.name);
    if (s.secret && !v.empty()) v = v.find("://") != std::string::npos ? mask_url_secret(v) : "****";
    out.push_back({s.name, v, sources_.at(s.name)});
  }
  return out;
}

std::string mask_url_secret(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) {
    // Secrets may also come as a query parameter (?password=...).
    auto q = url.find("password=");
    if (q == std::string::npos) return url;
    auto end = url.find('&', q);
    return url.substr(0, q + 9) + "****" + (end == std::string::npos ? "" : url.substr(end));
  }
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

}  // namespace krilin::core
