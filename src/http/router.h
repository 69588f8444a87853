#pragma once
// Router: the route table and its matching. Pure code (no I/O, no coroutines), so the
// request fuzzer links it.
//
// Paths are split on '/'; a segment "{name}" matches any one non-empty segment and binds
// it (percent-decoded) as a path parameter; literal segments win over parameters. A path
// that no route matches is 404 `not_found`; a path that matches routes of other methods
// only is 405 `method_not_allowed` with the allowed methods (HEAD implied by GET).
// Not thread-safe for add(); matching is read-only and may run from any thread once the
// table is built.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/schema.h"
#include "http/types.h"

namespace krilin::http {

struct Match {
  const Route* route = nullptr;            // null: see error
  std::map<std::string, std::string> params;
  std::optional<Error> error;              // not_found / method_not_allowed / invalid path
  std::vector<Method> allowed;             // for 405: the methods the path supports
};

class Router {
 public:
  // Registers a route. Throws std::invalid_argument for a malformed path, a duplicate
  // (method, path), a route without a handler, or invalid JSON Schemas.
  void add(Route route);
  Match match(Method method, std::string_view path) const;
  // A route for GET and HEAD requests that no route matches (and that match no route of
  // another method either), when `accepts(path)` says yes: the web desktop's files and
  // its client-side paths. Not listed in routes(), so not in the OpenAPI document.
  void set_fallback(Route route, std::function<bool(std::string_view path)> accepts);

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  // The compiled request schema of a route (null when it takes no body).
  const CompiledSchema* request_schema(const Route* r) const;

 private:
  struct Entry {
    std::vector<std::string> segments;  // "{x}" for parameters
    int literals = 0;
    std::unique_ptr<CompiledSchema> schema;
  };
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Entry> entries_;
  std::unique_ptr<Route> fallback_;
  std::function<bool(std::string_view)> fallback_accepts_;
};

// Lists every problem with the table's declarations: routes without a response schema,
// body-taking methods without a request schema (unless no_body), path parameters not in
// the path. Empty means every route is fully declared. A test runs it on the real table.
std::vector<std::string> check_route_schemas(const Router& router);

// Percent-decodes `in`; false on a malformed escape or a decoded NUL.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space = false);

// Splits "a=1&b=two" into decoded pairs; malformed pairs are skipped.
std::map<std::string, std::string> parse_query(std::string_view query);

}  // namespace krilin::http
