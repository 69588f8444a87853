// The subcommands: version, config, migrate, doctor and serve (the assembly of the
// running server: config → services → routes → run).
#include "server/commands.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/detached.hpp>

#include "agents/agent.h"
#include "agents/providers/factory.h"
#include "agents/router/router.h"
#include "all_apps.h"
#include "api/agent_routes.h"
#include "api/app_routes.h"
#include "api/auth_routes.h"
#include "api/desktop_routes.h"
#include "api/notification_routes.h"
#include "api/realtime_routes.h"
#include "api/schedule_routes.h"
#include "kernel/scheduler/scheduler.h"
#include "kernel/notifications/notifications.h"
#include "bus/outbox.h"
#include "bus/redis/redis_bus.h"
#include "platform/realtime.h"
#include "bus/redis/client.h"
#include "api/system_routes.h"
#include "core/blocking_pool.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/server.h"
#include "http/static_files.h"
#include "kernel/registry/manifest.h"
#include "server/doctor_checks.h"
#include "store/store.h"

#ifndef KRILIN_VERSION
#define KRILIN_VERSION "0.0.0"
#endif

namespace krilin::server {

namespace asio = boost::asio;

namespace {

// Runs one coroutine to completion on a private io_context (for the short-lived
// commands), rethrowing what it threw.
template <class T>
T run_blocking(asio::io_context& io, asio::awaitable<T> task) {
  std::future<T> f = asio::co_spawn(io, std::move(task), asio::use_future);
  io.run();
  io.restart();
  return f.get();
}

bool ensure_data_dir(const core::Config& config) {
  const std::string& dir = config.str("data_dir");
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return true;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::cerr << "krilin: cannot create the data directory " << dir << ": " << ec.message()
              << "\nCreate it, or point --data-dir / KRILIN_DATA_DIR at a writable place.\n";
    return false;
  }
  ::chmod(dir.c_str(), 0700);
  return true;
}

// The frame of the one-shot commands that work on the database: logging, the data
// directory, a store (migrated unless `migrate` is false), the body, closing, and one line
// on standard error naming the command when anything fails. Returns the exit code.
using StoreBody = std::function<asio::awaitable<void>(store::Store&, core::BlockingPool&)>;
int with_store(const core::Config& config, const char* command, const StoreBody& body, bool migrate = true) {
  core::init_logging("warn", "text");
  if (config.mode() == core::Mode::embedded && !ensure_data_dir(config)) return 1;
  core::BlockingPool pool(2, 64);
  asio::io_context io;
  try {
    run_blocking(io, [&]() -> asio::awaitable<void> {
      auto st = co_await store::open_store(config, pool, io.get_executor());
      if (migrate) co_await st->migrate();
      co_await body(*st, pool);
      co_await st->close();
    }());
    return 0;
  } catch (const std::exception& e) {
    const auto* ke = dynamic_cast<const Exception*>(&e);
    std::cerr << "krilin " << command << ": " << (ke ? ke->error().message : e.what()) << "\n";
  }
  return 1;
}

const char* mode_name(const core::Config& c) {
  return c.mode() == core::Mode::embedded ? "embedded" : "scale-out";
}

}  // namespace

int cmd_version() {
  std::cout << "krilin " << KRILIN_VERSION << "\n";
  return 0;
}

int cmd_config(const core::Config& config) {
  std::size_t width = 0;
  auto lines = config.describe();
  for (const auto& l : lines) width = std::max(width, l.name.size());
  for (const auto& l : lines)
    std::cout << l.name << std::string(width - l.name.size(), ' ') << " = " << l.value << "  (" << l.source << ")\n";
  std::cout << "mode" << std::string(width - 4, ' ') << " = " << mode_name(config) << "  (derived)\n";
  return 0;
}

int cmd_migrate(const core::Config& config) {
  return with_store(config, "migrate", [](store::Store& st, core::BlockingPool&) -> asio::awaitable<void> {
    auto applied = co_await st.migrate();
    if (applied.empty()) {
      std::cout << "Database is up to date.\n";
    } else {
      for (const auto& m : applied) std::cout << "applied " << m.version << " " << m.name << "\n";
      std::cout << "Applied " << applied.size() << " migration(s).\n";
    }
  }, false);
}

int cmd_doctor(const core::Config& config) {
  core::init_logging("off", "text");
  std::vector<CheckResult> results;
  results.push_back({.what = "configuration", .detail = std::string("valid; ") + mode_name(config) + " mode"});
  results.push_back(check_data_dir(config.str("data_dir")));

  CheckResult db{.what = "database " + core::mask_url_secret(config.database_url())};
  core::BlockingPool pool(2, 64);
  asio::io_context io;
  try {
    auto detail = run_blocking(io, [&]() -> asio::awaitable<std::string> {
      auto st = co_await store::open_store(config, pool, io.get_executor());
      bool ok = co_await st->ping();
      auto pending = co_await st->pending_migrations();
      co_await st->close();
      if (!ok) throw Exception(Error::unavailable("database_unavailable", "does not answer"));
      std::string d = std::string("reachable (") + st->backend_name() + ")";
      if (pending > 0) d += "; " + std::to_string(pending) + " migration(s) pending";
      co_return d;
    }());
    db.detail = detail;
    if (detail.find("pending") != std::string::npos) {
      db.warning = true;
      db.fix = "Run `krilin migrate` (serve also migrates at start).";
    }
  } catch (const std::exception& e) {
    const auto* ke = dynamic_cast<const Exception*>(&e);
    db.ok = false;
    db.detail = ke ? ke->error().message : e.what();
    db.fix = config.mode() == core::Mode::embedded
                 ? "Check that the data directory is writable and the SQLite file is not corrupt."
                 : "Check KRILIN_DATABASE_URL (host, port, user, password, database) and that PostgreSQL is running.";
  }
  results.push_back(db);

  if (!config.str("redis_url").empty())
    results.push_back(check_redis(config.str("redis_url"), static_cast<int>(config.integer("db_connect_timeout_ms"))));
  else
    results.push_back({.what = "redis", .detail = "not configured: in-process event bus (embedded mode)"});

  bool all_ok = true;
  for (const auto& r : results) {
    const char* mark = !r.ok ? "FAIL" : r.warning ? "warn" : " ok ";
    std::cout << "[" << mark << "] " << r.what << ": " << r.detail << "\n";
    if (!r.fix.empty()) std::cout << "       fix: " << r.fix << "\n";
    all_ok = all_ok && r.ok;
  }
  std::cout << (all_ok ? "Everything looks fine.\n" : "Some checks failed; see the fixes above.\n");
  return all_ok ? 0 : 1;
}

int cmd_user(const core::Config& config, const UserCommand& command) {
  std::string password;
  if (command.action == "add") {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  const std::string what = "user " + command.action;
  return with_store(config, what.c_str(), [&](store::Store& st, core::BlockingPool& pool) -> asio::awaitable<void> {
    core::SystemClock clock;
    auto auth = co_await kernel::auth::AuthService::create(st, pool, clock);
    if (command.action == "add") {
      auto u = co_await auth->create_user(command.email, password, command.name, command.admin);
      std::cout << "created " << u.email << " (" << u.role << ", id " << u.id << ")\n";
    } else if (command.action == "list") {
      for (const auto& a : co_await auth->list_accounts())
        std::cout << a.user.email << "  " << a.user.role << (a.disabled ? "  disabled" : "")
                  << (a.mfa_enabled ? "  mfa" : "") << "  " << a.user.id << "\n";
    } else {
      auto u = co_await auth->find_by_email(command.email);
      if (command.action == "reset-mfa")
        co_await auth->reset_mfa(u.id, "cli", "local");
      else
        co_await auth->set_disabled(u.id, command.action == "disable", "cli", "local");
      std::cout << command.action << ": " << u.email << "\n";
    }
  });
}

int cmd_app_check(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "krilin app check: cannot read " << path << "\n";
    return 1;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  json::value doc = json::parse(text, ec, {}, opts);
  if (ec) {
    std::cerr << path << ": not valid JSON (" << ec.message() << ")\n";
    return 1;
  }
  auto check = kernel::registry::check_manifest(doc);
  for (const auto& p : check.problems) std::cerr << path << ": " << p << "\n";
  if (!check.manifest) return 1;
  const auto& m = *check.manifest;
  std::cout << "ok: " << m.id << " " << m.version.to_string() << " (" << m.tables.size() << " table(s), "
            << m.actions.size() << " action(s), " << m.outputs.size() << " output(s), " << m.streams.size()
            << " stream(s), " << m.dependencies.size() << " dependenc" << (m.dependencies.size() == 1 ? "y" : "ies") << ")\n";
  return 0;
}

int cmd_keys_rotate(const core::Config& config) {
  return with_store(config, "keys rotate", [&](store::Store& st, core::BlockingPool&) -> asio::awaitable<void> {
    core::SystemClock clock;
    co_await kernel::auth::AuthService::rotate_keys(st, clock);
    std::cout << "Rotated the token signing key. Running instances use it within "
              << config.integer("jwt_key_reload_ms") / 1000 << " s; tokens signed with the previous key stay valid.\n";
  });
}

int cmd_serve(const core::Config& config) {
  core::init_logging(config.str("log_level"), config.str("log_format"));
  if (config.mode() == core::Mode::embedded && !ensure_data_dir(config)) return 1;

  const int threads = config.io_threads();
  asio::io_context io(threads);
  core::BlockingPool pool(static_cast<std::size_t>(config.integer("blocking_threads")),
                          static_cast<std::size_t>(config.integer("blocking_queue")));
  core::Metrics metrics;

  core::SystemClock clock;
  std::unique_ptr<store::Store> st;
  std::unique_ptr<bus::RedisClient> redis;
  std::unique_ptr<kernel::auth::AuthService> auth;
  try {
    st = run_blocking(io, [&]() -> asio::awaitable<std::unique_ptr<store::Store>> {
      auto s = co_await store::open_store(config, pool, io.get_executor());
      auto applied = co_await s->migrate();
      for (const auto& m : applied)
        core::log_event(spdlog::level::info, "migration applied", {{"version", m.version}, {"name", m.name}});
      co_return s;
    }());
    kernel::auth::AuthOptions auth_options;
    auth_options.key_reload_ms = config.integer("jwt_key_reload_ms");
    std::unique_ptr<kernel::auth::FailureCounter> failures;
    if (!config.str("redis_url").empty()) {  // scale-out: failed sign-ins are counted in Redis
      redis = std::make_unique<bus::RedisClient>(
          bus::RedisClient::Options{.url = config.str("redis_url"),
                                    .timeout = std::chrono::milliseconds(config.integer("db_connect_timeout_ms"))},
          pool);
      failures = kernel::auth::redis_failure_counter(*redis);
    }
    auth = run_blocking(io, kernel::auth::AuthService::create(*st, pool, clock, auth_options, std::move(failures)));
  } catch (const std::exception& e) {
    const auto* ke = dynamic_cast<const Exception*>(&e);
    std::cerr << "krilin: cannot open the database: " << (ke ? ke->error().message : e.what())
              << "\nRun `krilin doctor` for a diagnosis.\n";
    return 1;
  }

  metrics.describe("krilin_db_pool_connections", "Database connections by state.");
  metrics.gauge("krilin_db_pool_connections", {{"state", "open"}}, [&] { return static_cast<double>(st->stats().size); });
  metrics.gauge("krilin_db_pool_connections", {{"state", "idle"}}, [&] { return static_cast<double>(st->stats().idle); });
  metrics.gauge("krilin_db_pool_connections", {{"state", "waiting"}}, [&] { return static_cast<double>(st->stats().waiting); });
  metrics.gauge("krilin_db_pool_connections", {{"state", "max"}}, [&] { return static_cast<double>(st->stats().max); });
  metrics.describe("krilin_blocking_pool_pending", "Jobs queued or running on the blocking pool.");
  metrics.gauge("krilin_blocking_pool_pending", {}, [&] { return static_cast<double>(pool.pending()); });
  metrics.gauge("krilin_blocking_pool_capacity", {}, [&] { return static_cast<double>(pool.capacity()); });

  // The app platform: the catalog of every app compiled in, the installer, grants and the
  // host that dispatches calls to the apps' code.
  auto loaded = platform::load_apps(apps::all_apps());
  if (!loaded) {
    std::cerr << "krilin: the built-in apps are inconsistent:\n" << loaded.error().message << "\n";
    return 1;
  }
  const kernel::registry::Catalog* catalog = &loaded->catalog;
  kernel::registry::Installer installer(*st, *catalog, clock);
  kernel::grants::Grants grants(*st, clock);
  platform::AppHost app_host(*st, *catalog, grants, clock, loaded->code);
  // Real time: the bus (Redis when configured, so that every instance sees every event),
  // the outbox dispatcher (which also runs the apps' stream handlers) and /ws.
  std::unique_ptr<bus::Bus> event_bus =
      config.str("redis_url").empty()
          ? bus::make_local_bus()
          : bus::make_redis_bus({.url = config.str("redis_url"),
                                 .timeout = std::chrono::milliseconds(config.integer("db_connect_timeout_ms"))},
                                io.get_executor());
  bus::Outbox outbox(*st, *event_bus, clock);
  app_host.set_outbox(&outbox);
  outbox.on_dispatched([&app_host](const bus::Event& e) -> asio::awaitable<void> { co_await app_host.on_event(e); });
  platform::Realtime realtime(*st, *catalog, outbox, clock);
  realtime.attach(*event_bus);
  kernel::notifications::Notifications notifications(*st, clock);
  // Schedules: leased per instance, so the id names this process.
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  kernel::scheduler::Scheduler scheduler(*st, clock,
                                         std::string(hostname) + ":" + std::to_string(::getpid()) + ":" + core::random_hex(4));
  app_host.set_scheduler(&scheduler);
  // Agents: the provider the configuration names (none: the offline router is the whole
  // agent), the price table and tiers, and the runtime behind the chat routes and ctx.ai.
  std::shared_ptr<agents::Provider> provider;
  try {
    provider = agents::make_provider(config);
  } catch (const Exception& e) {
    std::cerr << "krilin: " << e.error().message << "\n";
    return 1;
  }
  auto prices = agents::make_price_table(config);
  if (!prices) {
    std::cerr << "krilin: " << prices.error().message << "\n";
    return 1;
  }
  const auto tiers = agents::make_model_tiers(config);
  agents::AgentOptions agent_options;
  agent_options.window_messages = static_cast<int>(config.integer("agent_window_messages"));
  agent_options.session_idle_ms = config.integer("agent_session_idle_ms");
  agent_options.max_reply_tokens = static_cast<int>(std::max<std::int64_t>(1, config.integer("agent_max_reply_tokens")));
  agent_options.max_steps = static_cast<int>(std::max<std::int64_t>(1, config.integer("agent_max_steps")));
  agent_options.turn_budget = std::chrono::milliseconds(config.integer("agent_turn_budget_ms"));
  agent_options.connect_timeout = std::chrono::milliseconds(config.integer("agent_connect_timeout_ms"));
  agent_options.idle_timeout = std::chrono::milliseconds(config.integer("agent_idle_timeout_ms"));
  agent_options.daily_cap_micros = config.integer("agent_daily_cap_cents") * 10000;
  agent_options.max_message_chars = static_cast<std::size_t>(config.integer("agent_max_message_chars"));
  agent_options.tier_models = {{"fast", tiers.fast}, {"balanced", tiers.balanced}, {"best", tiers.best}};
  agent_options.price_of = [table = std::move(prices.value())](const std::string& model) { return table.price(model); };
  agents::AgentService agent_service(*st, app_host, *catalog, provider,
                                     std::make_shared<const agents::IntentRouter>(*catalog), std::move(agent_options),
                                     clock);
  app_host.set_agents(&agent_service);
  core::log_event(spdlog::level::info, "agents",
                  {{"provider", provider ? std::string(provider->name()) : std::string("none (offline router only)")}});
  try {
    run_blocking(io, [&]() -> asio::awaitable<void> {
      // Tables of apps someone has installed, in case this version of an app added one.
      auto rows = co_await st->query("SELECT DISTINCT app_id FROM installed_apps");
      for (const auto& r : rows.rows)
        if (const auto* spec = catalog->find(store::as_text(r[0]))) co_await installer.ensure_tables(*spec);
    }());
  } catch (const std::exception& e) {
    const auto* ke = dynamic_cast<const Exception*>(&e);
    std::cerr << "krilin: cannot prepare the app tables: " << (ke ? ke->error().message : e.what()) << "\n";
    return 1;
  }
  auto work = asio::make_work_guard(io);  // after run_blocking above: it runs io to completion
  auto router = std::make_shared<http::Router>();
  api::add_system_routes(*router, {.store = st.get(), .metrics = &metrics, .version = KRILIN_VERSION});
  http::HttpClient outbound;
  std::unique_ptr<kernel::auth::OidcLogin> oidc;
  if (!config.str("oidc_issuer").empty())
    oidc = std::make_unique<kernel::auth::OidcLogin>(
        *st, outbound, clock,
        kernel::auth::OidcConfig{config.str("oidc_issuer"), config.str("oidc_client_id"), config.str("oidc_client_secret"),
                                 config.str("oidc_redirect_uri")});
  api::add_auth_routes(*router, *auth, oidc.get());

  api::add_app_routes(*router, {.installer = &installer, .host = &app_host, .grants = &grants});
  api::add_realtime_routes(*router, realtime);
  api::add_notification_routes(*router, notifications);
  api::add_desktop_routes(*router, *st);
  api::add_schedule_routes(*router, scheduler);
  api::add_agent_routes(*router, agent_service);
  // The web desktop: every GET that is not the API's (and matches no route) gets its files.
  if (auto web = http::StaticFiles::load(config.str("web_dir"))) {
    core::log_event(spdlog::level::info, "web desktop loaded",
                    {{"dir", config.str("web_dir")}, {"files", web.value().file_count()}, {"bytes", web.value().total_bytes()}});
    http::add_static_files(*router, std::make_shared<const http::StaticFiles>(std::move(web.value())));
  } else {
    core::log_event(spdlog::level::warn, "web desktop not served", {{"reason", web.error().message}});
    http::add_missing_web_notice(*router, web.error().message);
  }

  http::ServerOptions opts;
  opts.max_body_bytes = static_cast<std::size_t>(config.integer("max_body_bytes"));
  opts.max_header_bytes = static_cast<std::size_t>(config.integer("max_header_bytes"));
  opts.read_timeout = std::chrono::milliseconds(config.integer("read_timeout_ms"));
  opts.idle_timeout = std::chrono::milliseconds(config.integer("idle_timeout_ms"));
  opts.write_timeout = std::chrono::milliseconds(config.integer("write_timeout_ms"));
  opts.shutdown_grace = std::chrono::milliseconds(config.integer("shutdown_grace_ms"));
  opts.access_log = config.boolean("access_log");
  for (std::size_t start = 0; start <= config.str("trusted_proxies").size();) {
    const std::string& list = config.str("trusted_proxies");
    auto comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) opts.trusted_proxies.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  http::Server server(io, opts, router, metrics, api::bearer_authenticator(*auth));
  std::uint16_t port;
  try {
    port = server.listen(config.listen_host(), config.listen_port());
  } catch (const std::exception& e) {
    std::cerr << "krilin: cannot listen on " << config.str("listen") << ": " << e.what()
              << "\nIs another server using that port? Choose another with --listen HOST:PORT.\n";
    return 1;
  }
  server.start();
  event_bus->start();
  outbox.start(io.get_executor());
  notifications.start(io.get_executor(), std::chrono::milliseconds(1000), [&outbox] { outbox.notify(); });
  scheduler.start(
      io.get_executor(),
      [&app_host](const kernel::scheduler::DueRun& r) -> asio::awaitable<void> {
        co_await app_host.run_job(r.user_id, r.app_id, r.job, r.payload);
      },
      std::chrono::milliseconds(500));

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    core::log_event(spdlog::level::info, "shutting down", {{"signal", sig}});
    // Stop accepting, let in-flight requests finish (within the grace), then close the
    // store — which waits for the queries still running — and only then stop the loop.
    server.stop([&] {
      asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        try {
          co_await scheduler.stop();
          co_await notifications.stop();
          co_await outbox.stop();
          co_await event_bus->stop();
        } catch (const std::exception& e) {
          core::log_event(spdlog::level::warn, "stopping the event bus failed", {{"error", e.what()}});
        }
        try {
          co_await st->close();
        } catch (const std::exception& e) {
          core::log_event(spdlog::level::warn, "closing the store failed", {{"error", e.what()}});
        }
        work.reset();
        io.stop();
      }, asio::detached);
    });
  });

  std::string host = config.listen_host();
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::cout << "Krilin is running at http://" << shown << ":" << port << " (" << mode_name(config)
            << " mode, " << st->backend_name() << ")" << std::endl;
  core::log_event(spdlog::level::info, "listening",
                  {{"url", "http://" + shown + ":" + std::to_string(port)}, {"mode", mode_name(config)}, {"io_threads", threads}});

  std::vector<std::thread> runners;
  for (int i = 1; i < threads; ++i) runners.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : runners) t.join();

  pool.join();
  core::log_event(spdlog::level::info, "stopped", {});
  return 0;
}

}  // namespace krilin::server
