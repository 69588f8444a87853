#include "api/route.h"

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

}  // namespace krilin::api
