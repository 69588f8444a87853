// The real route table: every route declares its schemas (or the test fails), and the
// OpenAPI document lists them all.
#include <gtest/gtest.h>

#include "api/system_routes.h"
#include "core/metrics.h"
#include "http/openapi.h"
#include "http/router.h"

namespace krilin::api {
namespace {

TEST(Routes, EveryRouteDeclaresItsSchemas) {
  http::Router router;
  core::Metrics metrics;
  add_system_routes(router, {.store = nullptr, .metrics = &metrics, .version = "0.0.0"});
  EXPECT_TRUE(http::check_route_schemas(router).empty());
  json::value doc = http::openapi_document(router, {.title = "Krilin API", .version = "0.0.0", .description = ""});
  const auto& paths = doc.at("paths").as_object();
  for (const char* p : {"/health", "/health/ready", "/metrics", "/api/v1/openapi.json"})
    EXPECT_TRUE(paths.contains(p)) << p;
}

}  // namespace
}  // namespace krilin::api
