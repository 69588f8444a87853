#pragma once
// One way to declare a route for a signed-in user: the route table is data (schemas for
// OpenAPI and body validation), and every route of app_routes, notification_routes and
// schedule_routes is this shape. An empty `request` means the route takes no body.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace krilin::api {

struct UserRoute {
  http::Method method;
  std::string path, summary, tag;
  std::string_view request;   // JSON Schema text of the body, or empty
  std::string_view response;  // JSON Schema text of the 2xx answer
  http::Handler handler;
  int status = 200;
  std::string content_type = "application/json";  // of the answer (text/event-stream for streams)
};

void add_user_route(http::Router& router, UserRoute route);

// If-Match as an expected version: `"3"` (or W/"3") → 3; absent → nothing. A value that is
// not a whole number ≥ `min` is 400 `invalid_if_match`, the message naming `what` carries it.
std::optional<std::int64_t> if_match(const http::Request& req, std::int64_t min, std::string_view what);

}  // namespace krilin::api
