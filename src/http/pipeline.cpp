#include "http/pipeline.h"

#include <algorithm>
#include <cctype>

#include "core/log.h"

namespace krilin::http {
namespace {

bool is_json_content_type(std::optional<std::string_view> ct) {
  if (!ct) return false;
  std::string_view v = *ct;
  auto semi = v.find(';');
  if (semi != std::string_view::npos) v = v.substr(0, semi);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.size() != 16) return false;
  std::string lower(v);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

}  // namespace

asio::awaitable<std::optional<Response>> prepare(Request& request, const Router& router,
                                                 const Authenticator& authenticate) {
  const Route& route = *request.route;
  if (route.auth_required) {
    const Authenticator& who = route.authenticate ? route.authenticate : authenticate;
    if (!who)
      co_return Response::error({ErrorKind::unauthenticated, "unauthenticated", "Sign in to use this."});
    auto principal = co_await who(request);
    if (!principal) co_return Response::error(principal.error());
    request.principal = std::move(principal.value());
  }
  auto body = check_body(request, router.request_schema(&route));
  if (!body) co_return Response::error(body.error());
  co_return std::nullopt;
}

Result<void> check_body(Request& request, const CompiledSchema* schema) {
  if (!schema) return {};
  if (!is_json_content_type(request.header("content-type")))
    return Error{ErrorKind::unsupported_media_type, "unsupported_media_type",
                 "Send the body as JSON with Content-Type: application/json."};
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  request.json = json::parse(request.body, ec, {}, opts);
  if (ec) return Error::invalid("invalid_json", "The body is not valid JSON: " + ec.message() + ".");
  return schema->validate(request.json);
}

std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted) {
  auto is_trusted = [&](std::string_view a) { return std::find(trusted.begin(), trusted.end(), a) != trusted.end(); };
  if (!forwarded_for || trusted.empty() || !is_trusted(peer)) return std::string(peer);
  std::string_view rest = *forwarded_for;
  while (!rest.empty()) {
    auto comma = rest.rfind(',');
    std::string_view part = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty() && !is_trusted(part)) {
      if (part.size() > 64) break;
      for (char c : part)
        if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':')) return std::string(peer);
      return std::string(part);
    }
    if (comma == std::string_view::npos) break;
    rest = rest.substr(0, comma);
  }
  return std::string(peer);
}

void set_target(Request& request, std::string_view target) {
  request.target = std::string(target);
  auto q = target.find('?');
  request.path = std::string(target.substr(0, q));
  request.query.clear();
  if (q != std::string_view::npos) request.query = parse_query(target.substr(q + 1));
}

asio::awaitable<Response> dispatch(Request& request, const Router& router,
                                   const Authenticator& authenticate) {
  try {
    // Most reads need neither a user nor a body: skip a coroutine frame for them.
    if (request.route->auth_required || router.request_schema(request.route)) {
      if (auto refused = co_await prepare(request, router, authenticate)) co_return std::move(*refused);
    }
    co_return co_await request.route->handler(request);
  } catch (const Exception& e) {
    if (e.error().kind == ErrorKind::internal)
      core::log_event(spdlog::level::err, "handler failed",
                      {{"request_id", request.request_id}, {"error", e.error().message}});
    co_return Response::error(e.error());
  } catch (const std::exception& e) {
    core::log_event(spdlog::level::err, "handler threw",
                    {{"request_id", request.request_id}, {"route", request.route->path}, {"error", e.what()}});
  }
  co_return Response::error(Error::internal("Something went wrong on our side; it has been logged."));
}

asio::awaitable<bool> produce(const Request& request, Response& response, ResponseWriter& out) {
  try {
    co_await response.stream(out);
    co_return true;
  } catch (const std::exception& e) {
    core::log_event(spdlog::level::err, "response stream failed",
                    {{"request_id", request.request_id},
                     {"route", request.route ? request.route->path : "unmatched"},
                     {"error", e.what()}});
  }
  co_return false;
}

}  // namespace krilin::http
