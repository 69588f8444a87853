#include "api/system_routes.h"

#include "http/openapi.h"

namespace krilin::api {
namespace {

json::value schema(std::string_view text) { return json::parse(text); }

}  // namespace

void add_system_routes(http::Router& router, SystemDeps deps) {
  using http::Method;
  using http::Request;
  using http::Response;

  http::Route health;
  health.method = Method::get;
  health.path = "/health";
  health.summary = "Liveness: the process is up and serving.";
  health.tag = "system";
  health.response_schema = schema(R"({"type":"object","required":["status"],
      "properties":{"status":{"const":"ok"},"version":{"type":"string"}}})");
  health.handler = [version = deps.version](Request&) -> asio::awaitable<Response> {
    co_return Response::json(200, json::object{{"status", "ok"}, {"version", version}});
  };
  router.add(std::move(health));

  http::Route ready;
  ready.method = Method::get;
  ready.path = "/health/ready";
  ready.summary = "Readiness: the store answers. 503 while it does not.";
  ready.tag = "system";
  ready.response_schema = schema(R"({"type":"object","required":["status","checks"],
      "properties":{"status":{"enum":["ready","unavailable"]},
        "checks":{"type":"object","properties":{"store":{"type":"object",
          "required":["status","backend"],"properties":{"status":{"type":"string"},
          "backend":{"type":"string"},"error":{"type":"string"}}}}}}})");
  ready.handler = [store = deps.store](Request&) -> asio::awaitable<Response> {
    json::object check{{"backend", store->backend_name()}};
    bool ok = false;
    try {
      ok = co_await store->ping();
      check["status"] = ok ? "ok" : "failing";
    } catch (const Exception& e) {
      check["status"] = "failing";
      check["error"] = e.error().message;
    }
    json::object body{{"status", ok ? "ready" : "unavailable"},
                      {"checks", json::object{{"store", std::move(check)}}}};
    Response r = Response::json(ok ? 200 : 503, body);
    if (!ok) r.with_header("Retry-After", "1");
    co_return r;
  };
  router.add(std::move(ready));

  http::Route metrics;
  metrics.method = Method::get;
  metrics.path = "/metrics";
  metrics.summary = "Prometheus metrics (text exposition format 0.0.4).";
  metrics.tag = "system";
  metrics.content_type = "text/plain; version=0.0.4; charset=utf-8";
  metrics.response_schema = schema(R"({"type":"string"})");
  metrics.handler = [m = deps.metrics](Request&) -> asio::awaitable<Response> {
    co_return Response::text(200, m->render(), "text/plain; version=0.0.4; charset=utf-8");
  };
  router.add(std::move(metrics));

  http::Route openapi;
  openapi.method = Method::get;
  openapi.path = "/api/v1/openapi.json";
  openapi.summary = "This API's OpenAPI 3.1 document, generated from the route table.";
  openapi.tag = "system";
  openapi.response_schema = schema(R"({"type":"object","required":["openapi","paths"]})");
  openapi.handler = [&router, version = deps.version](Request&) -> asio::awaitable<Response> {
    co_return Response::json(200, http::openapi_document(router, {.title = "Krilin API", .version = version,
        .description = "The HTTP API of Krilin, a self-hostable cloud OS for personal productivity."}));
  };
  router.add(std::move(openapi));
}

}  // namespace krilin::api
