#include "http/types.h"

#include <algorithm>
#include <cctype>

#include "core/errors.h"

namespace krilin::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::get: return "GET";
    case Method::head: return "HEAD";
    case Method::post: return "POST";
    case Method::put: return "PUT";
    case Method::patch: return "PATCH";
    case Method::del: return "DELETE";
    case Method::options: return "OPTIONS";
  }
  return "GET";
}

std::optional<Method> parse_method(std::string_view s) {
  if (s == "GET") return Method::get;
  if (s == "HEAD") return Method::head;
  if (s == "POST") return Method::post;
  if (s == "PUT") return Method::put;
  if (s == "PATCH") return Method::patch;
  if (s == "DELETE") return Method::del;
  if (s == "OPTIONS") return Method::options;
  return std::nullopt;
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    if (same) return std::string_view(v);
  }
  return std::nullopt;
}

Response Response::json(int status, const Json& value) {
  Response r;
  r.status = status;
  r.body = json::serialize(value);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response Response::error(const Error& e) {
  Response r;
  r.status = http_status(e.kind);
  r.body = core::error_body(e);
  if (e.retry_after_seconds) r.headers.emplace_back("Retry-After", std::to_string(*e.retry_after_seconds));
  return r;
}

}  // namespace krilin::http
