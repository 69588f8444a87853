#include "http/router.h"

#include <algorithm>
#include <stdexcept>

namespace krilin::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]);
      int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char d = static_cast<char>(hi * 16 + lo);
      if (d == '\0') return false;
      out.push_back(d);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    if (amp == std::string_view::npos) amp = query.size();
    auto pair = query.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string k, v;
    if (!percent_decode(pair.substr(0, eq), k, true)) continue;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), v, true)) continue;
    if (k.empty()) continue;
    out.emplace(std::move(k), std::move(v));
  }
  return out;
}

void Router::add(Route route) {
  if (!route.handler && !route.ws) throw std::invalid_argument("route " + route.path + " has no handler");
  auto segs = split_path(route.path);
  if (segs.empty()) throw std::invalid_argument("route path must start with '/': " + route.path);
  Entry e;
  for (auto s : segs) {
    if (s.empty() && route.path != "/") throw std::invalid_argument("empty segment in " + route.path);
    if (!is_param(s)) ++e.literals;
    e.segments.emplace_back(s);
  }
  auto shape = [](const std::vector<std::string>& segs) {
    std::vector<std::string> out;
    for (const auto& s : segs) out.push_back(is_param(s) ? "{}" : s);
    return out;
  };
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i]->method == route.method && shape(entries_[i].segments) == shape(e.segments))
      throw std::invalid_argument("duplicate route " + std::string(method_name(route.method)) + " " + route.path);
  if (!route.request_schema.is_null()) {
    auto compiled = compile_schema(route.request_schema);
    if (!compiled.ok())
      throw std::invalid_argument("route " + route.path + ": " + compiled.error().message);
    e.schema = std::make_unique<CompiledSchema>(std::move(compiled.value()));
  }
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  entries_.push_back(std::move(e));
}

void Router::set_fallback(Route route, std::function<bool(std::string_view)> accepts) {
  if (!route.handler || !accepts) throw std::invalid_argument("fallback route needs a handler and a predicate");
  fallback_ = std::make_unique<Route>(std::move(route));
  fallback_accepts_ = std::move(accepts);
}

const CompiledSchema* Router::request_schema(const Route* r) const {
  for (std::size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i].get() == r) return entries_[i].schema.get();
  return nullptr;
}

Match Router::match(Method method, std::string_view path) const {
  Match m;
  auto segs = split_path(path);
  const Route* best = nullptr;
  int best_literals = -1;
  std::map<std::string, std::string> best_params;
  bool bad_escape = false;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t k = 0; k < segs.size() && ok; ++k) {
      const std::string& pat = e.segments[k];
      if (is_param(pat)) {
        std::string decoded;
        if (segs[k].empty()) ok = false;
        else if (!percent_decode(segs[k], decoded)) { ok = false; bad_escape = true; }
        else params.emplace(pat.substr(1, pat.size() - 2), std::move(decoded));
      } else if (pat != segs[k]) {
        ok = false;
      }
    }
    if (!ok) continue;
    const Route* r = routes_[i].get();
    Method want = method == Method::head ? Method::get : method;
    bool method_ok = r->method == want || r->method == method;
    if (!method_ok) {
      if (std::find(m.allowed.begin(), m.allowed.end(), r->method) == m.allowed.end())
        m.allowed.push_back(r->method);
      if (r->method == Method::get &&
          std::find(m.allowed.begin(), m.allowed.end(), Method::head) == m.allowed.end())
        m.allowed.push_back(Method::head);
      continue;
    }
    if (e.literals > best_literals) {
      best = r;
      best_literals = e.literals;
      best_params = std::move(params);
    }
  }
  if (best) {
    m.route = best;
    m.params = std::move(best_params);
    m.allowed.clear();
    return m;
  }
  if (!m.allowed.empty()) {
    std::sort(m.allowed.begin(), m.allowed.end());
    m.error = Error{ErrorKind::method_not_allowed, "method_not_allowed",
                    std::string(method_name(method)) + " is not allowed on " + std::string(path) + "."};
    return m;
  }
  if (fallback_ && (method == Method::get || method == Method::head) && fallback_accepts_(path)) {
    m.route = fallback_.get();
    return m;
  }
  if (bad_escape) {
    m.error = Error::invalid("invalid_path", "The path has a malformed percent-escape.");
    return m;
  }
  m.error = Error::not_found("not_found", "There is nothing at this address.");
  return m;
}

std::vector<std::string> check_route_schemas(const Router& router) {
  std::vector<std::string> problems;
  for (const auto& r : router.routes()) {
    std::string name = std::string(method_name(r->method)) + " " + r->path;
    if (r->ws) continue;  // a WebSocket route has no JSON body or answer
    if (r->response_schema.is_null()) problems.push_back(name + ": no response schema");
    bool takes_body = r->method == Method::post || r->method == Method::put || r->method == Method::patch;
    if (takes_body && !r->no_body && r->request_schema.is_null())
      problems.push_back(name + ": no request schema (or mark it no_body)");
    // DELETE may carry a body (a confirmation such as a password); GET and HEAD may not.
    if ((r->method == Method::get || r->method == Method::head) && !r->request_schema.is_null())
      problems.push_back(name + ": a " + std::string(method_name(r->method)) + " route cannot take a body");
  }
  return problems;
}

}  // namespace krilin::http
