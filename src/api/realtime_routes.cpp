#include "api/realtime_routes.h"

#include "api/auth_routes.h"

namespace krilin::api {

void add_realtime_routes(http::Router& router, platform::Realtime& realtime) {
  http::Route ticket;
  ticket.method = http::Method::post;
  ticket.path = "/api/v1/ws-ticket";
  ticket.summary = "A single-use ticket (valid 30 s) to open /ws?ticket=… as the signed-in user.";
  ticket.tag = "realtime";
  ticket.auth_required = true;
  ticket.no_body = true;
  ticket.success_status = 201;
  ticket.response_schema = json::parse(R"({"type":"object","required":["ticket","expires_in"],
    "properties":{"ticket":{"type":"string"},"expires_in":{"type":"integer"}}})");
  ticket.handler = [&realtime](http::Request& req) -> asio::awaitable<http::Response> {
    auto t = co_await realtime.issue_ticket(principal(req).user_id);
    http::Response r = http::Response::json(201, t);
    r.with_header("Cache-Control", "no-store");
    co_return r;
  };
  router.add(std::move(ticket));

  http::Route ws;
  ws.method = http::Method::get;
  ws.path = "/ws";
  ws.summary = "The WebSocket of live streams (subscribe, unsubscribe, ping; events with sequence numbers). "
               "Authenticated by ?ticket= from POST /api/v1/ws-ticket.";
  ws.tag = "realtime";
  ws.auth_required = true;
  ws.response_schema = json::parse(R"({"type":"string"})");
  ws.authenticate = [&realtime](http::Request& req) -> asio::awaitable<Result<std::any>> {
    auto it = req.query.find("ticket");
    std::optional<std::string> user;
    if (it != req.query.end()) user = co_await realtime.redeem(it->second);
    if (!user)
      co_return Error{ErrorKind::unauthenticated, "invalid_ticket",
                      "Open /ws with a fresh ticket from POST /api/v1/ws-ticket (single use, 30 s)."};
    kernel::auth::Principal who;
    who.user_id = *user;
    who.address = req.remote_address;
    co_return std::any(who);
  };
  ws.handler = [](http::Request&) -> asio::awaitable<http::Response> {
    co_return http::Response::error(Error::invalid("websocket_required", "This address speaks WebSocket only."));
  };
  // Not a coroutine itself: one frame less for every open socket (the principal lives in the
  // socket's request, as long as the socket).
  ws.ws = [&realtime](http::WebSocket& socket) -> asio::awaitable<void> {
    return realtime.serve(socket, principal(socket.request()).user_id);
  };
  router.add(std::move(ws));
}

}  // namespace krilin::api
