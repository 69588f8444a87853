#include "api/notification_routes.h"

#include <charconv>

#include "api/auth_routes.h"
#include "api/route.h"

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

void add(http::Router& router, Method method, std::string path, std::string summary, std::string_view response,
         http::Handler handler, int status = 200) {
  add_user_route(router, {method, std::move(path), std::move(summary), "notifications", {}, response, std::move(handler), status});
}

std::size_t limit_of(const Request& req) {
  auto it = req.query.find("limit");
  if (it == req.query.end()) return 50;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 1 || v > 200)
    throw Exception(Error::invalid("invalid_limit", "limit is a whole number from 1 to 200."));
  return v;
}

bool is_app_id(std::string_view s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

}  // namespace

void add_notification_routes(http::Router& router, kernel::notifications::Notifications& n) {
  add(router, Method::get, "/api/v1/notifications",
      "The caller's delivered notifications, newest first (?unread=true, ?cursor=, ?limit= 1–200), with the unread count.",
      R"({"type":"object","required":["notifications","unread","next_cursor"],"properties":{
        "notifications":{"type":"array","items":{"type":"object","required":["id","app_id","title","body","priority"]}},
        "unread":{"type":"integer"},"next_cursor":{"type":["string","null"]}}})",
      [&n](Request& req) -> asio::awaitable<Response> {
        const bool unread = req.query.contains("unread") && req.query.at("unread") == "true";
        std::optional<std::string> cursor;
        if (auto it = req.query.find("cursor"); it != req.query.end()) cursor = it->second.substr(0, 64);
        auto page = co_await n.list(principal(req).user_id, unread, cursor, limit_of(req));
        json::value next = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
        co_return Response::json(200, json::object{{"notifications", std::move(page.items)}, {"unread", page.unread},
                                                   {"next_cursor", next}});
      });
  add(router, Method::post, "/api/v1/notifications/{id}/read", "Mark one notification read.", R"({"type":"null"})",
      [&n](Request& req) -> asio::awaitable<Response> {
        co_await n.mark_read(principal(req).user_id, req.param("id"));
        co_return Response::no_content();
      },
      204);
  add(router, Method::post, "/api/v1/notifications/read-all", "Mark every notification read.",
      R"({"type":"object","required":["marked"]})", [&n](Request& req) -> asio::awaitable<Response> {
        auto marked = co_await n.mark_all_read(principal(req).user_id);
        co_return Response::json(200, json::object{{"marked", marked}});
      });
  add(router, Method::del, "/api/v1/notifications/{id}", "Delete one notification.", R"({"type":"null"})",
      [&n](Request& req) -> asio::awaitable<Response> {
        co_await n.remove(principal(req).user_id, req.param("id"));
        co_return Response::no_content();
      },
      204);
  add(router, Method::get, "/api/v1/notifications/mutes", "The apps whose notifications are not pushed.",
      R"({"type":"object","required":["muted"],"properties":{"muted":{"type":"array","items":{"type":"string"}}}})",
      [&n](Request& req) -> asio::awaitable<Response> {
        auto muted = co_await n.mutes(principal(req).user_id);
        co_return Response::json(200, json::object{{"muted", json::value_from(muted)}});
      });
  for (bool mute : {true, false})
    add(router, mute ? Method::put : Method::del, "/api/v1/notifications/mutes/{app}",
        mute ? "Mute an app: its notifications are still listed, never pushed." : "Unmute an app.", R"({"type":"null"})",
        [&n, mute](Request& req) -> asio::awaitable<Response> {
          if (!is_app_id(req.param("app"))) throw Exception(Error::invalid("invalid_app", "That is not an app id."));
          co_await n.set_muted(principal(req).user_id, req.param("app"), mute);
          co_return Response::no_content();
        },
        204);
}

}  // namespace krilin::api
