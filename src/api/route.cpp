#include "api/route.h"

#include <charconv>

namespace krilin::api {

void add_user_route(http::Router& router, UserRoute u) {
  using http::Method;
  http::Route r;
  r.method = u.method;
  r.path = std::move(u.path);
  r.summary = std::move(u.summary);
  r.tag = std::move(u.tag);
  r.auth_required = true;
  r.success_status = u.status;
  if (!u.request.empty()) r.request_schema = json::parse(u.request);
  r.no_body = u.request.empty() && (u.method == Method::post || u.method == Method::put || u.method == Method::patch);
  r.response_schema = json::parse(u.response);
  r.content_type = std::move(u.content_type);
  r.handler = std::move(u.handler);
  router.add(std::move(r));
}

std::optional<std::int64_t> if_match(const http::Request& req, std::int64_t min, std::string_view what) {
  auto h = req.header("if-match");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size() || n < min)
    throw Exception(Error::invalid("invalid_if_match", "If-Match takes the " + std::string(what) +
                                                           "'s version as an entity tag, e.g. \"3\"."));
  return n;
}

}  // namespace krilin::api
