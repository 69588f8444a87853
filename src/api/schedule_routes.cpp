#include "api/schedule_routes.h"

#include "api/auth_routes.h"
#include "api/route.h"

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

void add(http::Router& router, Method method, std::string path, std::string summary, std::string_view response,
         http::Handler handler, int status = 200) {
  add_user_route(router, {method, std::move(path), std::move(summary), "schedules", {}, response, std::move(handler), status});
}

}  // namespace

void add_schedule_routes(http::Router& router, kernel::scheduler::Scheduler& s) {
  add(router, Method::get, "/api/v1/schedules", "What the apps scheduled for the caller (?app= for one app), newest first.",
      R"({"type":"object","required":["schedules"],"properties":{"schedules":{"type":"array","items":{"type":"object",
        "required":["id","app_id","job","next_run_at"]}}}})",
      [&s](Request& req) -> asio::awaitable<Response> {
        std::optional<std::string> app;
        if (auto it = req.query.find("app"); it != req.query.end()) app = it->second.substr(0, 100);
        json::array out;
        for (const auto& sch : co_await s.list(principal(req).user_id, app, 200)) out.push_back(sch.to_json());
        co_return Response::json(200, json::object{{"schedules", std::move(out)}});
      });
  add(router, Method::get, "/api/v1/schedules/{id}/runs", "The run history of one schedule, newest first, with errors.",
      R"({"type":"object","required":["runs"],"properties":{"runs":{"type":"array","items":{"type":"object",
        "required":["id","status","scheduled_for"]}}}})",
      [&s](Request& req) -> asio::awaitable<Response> {
        json::array out;
        for (const auto& r : co_await s.runs(principal(req).user_id, req.param("id"), 100)) out.push_back(r.to_json());
        co_return Response::json(200, json::object{{"runs", std::move(out)}});
      });
  add(router, Method::del, "/api/v1/schedules/{id}", "Cancel one of the caller's schedules.", R"({"type":"null"})",
      [&s](Request& req) -> asio::awaitable<Response> {
        co_await s.cancel(principal(req).user_id, req.param("id"));
        co_return Response::no_content();
      },
      204);
}

}  // namespace krilin::api
