// libFuzzer target: bytes off the wire → Beast's request parser (with the server's
// limits) → the target split and query decoding → the router → the body check (JSON to
// depth 64, JSON Schema). The same functions the server runs; anything may be refused,
// nothing may crash, hang or leak.
//   build-fuzz/src/http/http_request_fuzz -max_total_time=600 src/http/fuzz_corpus/http_request_fuzz
#include <boost/beast/http.hpp>

#include "http/pipeline.h"
#include "http/router.h"

namespace {

namespace bhttp = boost::beast::http;
using namespace krilin;

boost::asio::awaitable<http::Response> ok(http::Request&) { co_return http::Response::json(200, json::object{}); }

const http::Router& router() {
  static const http::Router r = [] {
    http::Router t;
    auto add = [&](http::Method m, const char* path, const char* body_schema) {
      http::Route route;
      route.method = m;
      route.path = path;
      route.handler = ok;
      route.response_schema = json::parse(R"({"type":"object"})");
      if (body_schema) route.request_schema = json::parse(body_schema);
      t.add(std::move(route));
    };
    add(http::Method::get, "/health", nullptr);
    add(http::Method::get, "/api/v1/apps/{app}/records/{id}", nullptr);
    add(http::Method::post, "/api/v1/apps/{app}/query",
        R"({"type":"object","required":["table"],"properties":{"table":{"type":"string","maxLength":63},
            "limit":{"type":"integer","minimum":1,"maximum":500},"where":{"type":"object"}},
            "additionalProperties":false})");
    add(http::Method::put, "/api/v1/notes/{id}",
        R"({"type":"object","properties":{"title":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}})");
    return t;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8192);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;

  const auto& h = parser.get();
  http::Request req;
  auto method = http::parse_method(std::string_view(h.method_string().data(), h.method_string().size()));
  req.method = method.value_or(http::Method::options);
  http::set_target(req, std::string_view(h.target().data(), h.target().size()));
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = h.body();
  if (req.path.empty() || req.path.front() != '/') return 0;
  http::Match m = router().match(req.method, req.path);
  if (!m.route) return 0;
  req.params = std::move(m.params);
  req.route = m.route;
  (void)http::check_body(req, router().request_schema(m.route));
  return 0;
}
