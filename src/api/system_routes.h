#pragma once
// The operational routes: liveness, readiness, metrics and the OpenAPI document.
#include <memory>

#include "core/blocking_pool.h"
#include "core/metrics.h"
#include "http/router.h"
#include "store/store.h"

namespace krilin::api {

namespace asio = boost::asio;

struct SystemDeps {
  store::Store* store;
  core::Metrics* metrics;
  std::string version;
};

// Adds GET /health, /health/ready, /metrics and /api/v1/openapi.json to `router`.
// The OpenAPI document is generated from `router` on each call, so it always matches the
// routes registered at the time it is asked for.
void add_system_routes(http::Router& router, SystemDeps deps);

}  // namespace krilin::api
