// The real route table: every route declares its schemas (or the test fails), and the
// OpenAPI document lists them all.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "all_apps.h"
#include "api/app_routes.h"
#include "api/auth_routes.h"
#include "api/system_routes.h"
#include "core/blocking_pool.h"
#include "core/metrics.h"
#include "http/openapi.h"
#include "http/router.h"

namespace krilin::api {
namespace {

TEST(Routes, EveryRouteDeclaresItsSchemas) {
  asio::io_context io;
  core::BlockingPool pool(1, 16);
  core::SystemClock clock;
  store::StoreOptions o;
  o.url = "sqlite::memory:";
  auto made = asio::co_spawn(io, [&]() -> asio::awaitable<std::pair<std::unique_ptr<store::Store>, std::unique_ptr<kernel::auth::AuthService>>> {
    auto st = co_await store::open_store(o, pool, io.get_executor());
    co_await st->migrate();
    auto auth = co_await kernel::auth::AuthService::create(*st, pool, clock);
    co_return std::make_pair(std::move(st), std::move(auth));
  }, asio::use_future);
  io.run();
  auto [st, auth] = made.get();

  http::Router router;
  core::Metrics metrics;
  add_system_routes(router, {.store = st.get(), .metrics = &metrics, .version = "0.0.0"});
  http::HttpClient outbound;
  kernel::auth::OidcLogin oidc(*st, outbound, clock, {"https://id.example.com", "krilin", "secret", "https://k/cb"});
  add_auth_routes(router, *auth, &oidc);
  auto bundled = platform::load_apps(apps::all_apps()).value();
  const auto& catalog = bundled.catalog;
  kernel::registry::Installer installer(*st, catalog, clock);
  kernel::grants::Grants grants(*st, clock);
  platform::AppHost host(*st, catalog, grants, clock, bundled.code);
  add_app_routes(router, {.installer = &installer, .host = &host, .grants = &grants});
  auto problems = http::check_route_schemas(router);
  EXPECT_TRUE(problems.empty()) << (problems.empty() ? "" : problems.front());
  json::value doc = http::openapi_document(router, {.title = "Krilin API", .version = "0.0.0", .description = ""});
  const auto& paths = doc.at("paths").as_object();
  for (const char* p : {"/health", "/health/ready", "/metrics", "/api/v1/openapi.json", "/api/v1/auth/signup",
                        "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/logout-all",
                        "/api/v1/me", "/api/v1/auth/oidc/start", "/api/v1/auth/oidc/callback", "/api/v1/auth/mfa/verify",
                        "/api/v1/admin/users", "/api/v1/audit", "/api/v1/apps", "/api/v1/apps/{id}/install-plan",
                        "/api/v1/apps/{id}/install", "/api/v1/apps/{id}/uninstall", "/api/v1/apps/{id}/upgrade",
                        "/api/v1/apps/{id}/purge", "/api/v1/apps/{id}/query", "/api/v1/apps/{id}/action",
                        "/api/v1/apps/{id}/outputs/{output}", "/api/v1/grants", "/api/v1/grants/{id}"})
    EXPECT_TRUE(paths.contains(p)) << p;
  io.restart();
  auto closed = asio::co_spawn(io, st->close(), asio::use_future);
  io.run();
  closed.get();
}

}  // namespace
}  // namespace krilin::api
