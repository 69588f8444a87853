#include "http/static_files.h"

#include <zlib.h>

#include <array>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

namespace krilin::http {
namespace {

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
// The desktop loads only its own scripts, styles and images and talks only to its own
// origin; styles may be inline (the widget grid and the dialogs position with style
// attributes); images may be data: URLs (the TOTP QR code).
constexpr std::string_view kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

std::string_view extension(std::string_view name) {
  auto slash = name.rfind('/');
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
  return name.substr(dot + 1);
}

bool compressible(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/json") ||
         type.starts_with("application/manifest+json") || type.starts_with("image/svg+xml") ||
         type.starts_with("application/wasm");
}

// FNV-1a, 64 bits: a stable content hash for ETags (not a security boundary).
std::string etag_of(std::string_view bytes, std::string_view suffix) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "%016llx-%zx", static_cast<unsigned long long>(h), bytes.size());
  return "\"" + std::string(buf.data()) + std::string(suffix) + "\"";
}

// gzip (RFC 1952) of `in` at the best level; empty on failure.
std::string gzip(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : std::string{};
}

// Whether Accept-Encoding lists gzip (or *) without q=0.
bool accepts_gzip(std::optional<std::string_view> header) {
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && coding.back() == ' ') coding.remove_suffix(1);
    if (coding != "gzip" && coding != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    auto q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view v = params.substr(q + 2);
    // q=0, q=0.0, q=0.000 refuse; anything else accepts.
    bool zero = !v.empty() && v.front() == '0';
    for (std::size_t i = 1; zero && i < v.size() && v[i] != ' ' && v[i] != ';'; ++i)
      if (v[i] != '.' && v[i] != '0') zero = false;
    return !zero;
  }
  return false;
}

// Whether If-None-Match names `etag` (or is *). Weak comparison, as RFC 9110 asks for GET.
bool etag_matches(std::optional<std::string_view> header, std::string_view etag) {
  if (!header) return false;
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

// The request path as a file key: percent-decoded, "/" → "/index.html"; nullopt when it
// could name something outside the root (a "." or ".." segment, a backslash, a NUL, a
// malformed escape) or a hidden file.
std::optional<std::string> file_key(std::string_view raw) {
  std::string path;
  if (!percent_decode(raw, path)) return std::nullopt;
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path.find('\\') != std::string::npos) return std::nullopt;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string_view seg(path.data() + start, slash - start);
    if (!seg.empty() && seg.front() == '.') return std::nullopt;  // ".", "..", ".env"
    start = slash + 1;
  }
  if (path == "/") return std::string("/index.html");
  return path;
}

Response not_found() {
  return Response::error(Error::not_found("not_found", "There is nothing at this address."));
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
  static const std::map<std::string_view, std::string_view> kTypes = {
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"ttf", "font/ttf"},
      {"wasm", "application/wasm"},
  };
  std::string ext(extension(name));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? std::string_view("application/octet-stream") : it->second;
}

bool is_desktop_path(std::string_view path) {
  for (std::string_view reserved : {"/api", "/ws", "/health", "/metrics"}) {
    if (path.starts_with(reserved) &&
        (path.size() == reserved.size() || path[reserved.size()] == '/' || path[reserved.size()] == '?'))
      return false;
  }
  return true;
}

StaticFiles::File StaticFiles::make_file(const std::string& name, std::string body) {
  File f;
  f.content_type = std::string(content_type_for(name));
  f.is_html = f.content_type.starts_with("text/html");
  f.cache_control = std::string(name.starts_with("assets/") ? kImmutable : kRevalidate);
  f.etag = etag_of(body, "");
  if (body.size() >= 1024 && compressible(f.content_type)) {
    std::string z = gzip(body);
    // Worth it only when it saves a tenth or more.
    if (!z.empty() && z.size() * 10 <= body.size() * 9) {
      f.gzip = std::move(z);
      f.gzip_etag = etag_of(body, "-gz");
    }
  }
  f.body = std::move(body);
  return f;
}

StaticFiles StaticFiles::from_memory(const std::map<std::string, std::string>& files) {
  StaticFiles out;
  for (const auto& [name, body] : files) {
    out.total_bytes_ += body.size();
    out.files_.emplace("/" + name, make_file(name, body));
  }
  assert(out.files_.count("/index.html") == 1);
  return out;
}

Result<StaticFiles> StaticFiles::load(const std::filesystem::path& dir, std::size_t max_total_bytes) {
  namespace fs = std::filesystem;
  const std::string how =
      " Build it with `npm run build --workspace web` (scripts/run does), or point web_dir "
      "(KRILIN_WEB_DIR) at a built desktop.";
  std::error_code ec;
  if (!fs::is_regular_file(dir / "index.html", ec))
    return Error::invalid("web_not_built", "The web desktop is not built: " + (dir / "index.html").string() +
                                               " does not exist." + how);
  StaticFiles out;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) return Error::invalid("web_not_built", "Cannot read " + dir.string() + ": " + ec.message() + "." + how);
  for (; it != end; it.increment(ec)) {
    if (ec) return Error::invalid("web_not_built", "Cannot read " + dir.string() + ": " + ec.message() + ".");
    const fs::path rel = fs::relative(it->path(), dir, ec);
    if (ec) continue;
    const std::string name = rel.generic_string();
    bool hidden = false;
    for (const auto& part : rel)
      if (!part.empty() && part.string().front() == '.') hidden = true;
    if (hidden) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    auto size = it->file_size(ec);
    if (ec) continue;
    if (out.total_bytes_ + size > max_total_bytes)
      return Error::invalid("web_too_large", "The web desktop in " + dir.string() + " is larger than " +
                                                 std::to_string(max_total_bytes >> 20) + " MiB.");
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) continue;
    std::ostringstream body;
    body << in.rdbuf();
    out.total_bytes_ += size;
    out.files_.emplace("/" + name, make_file(name, std::move(body).str()));
  }
  return out;
}

Response StaticFiles::answer(const File& f, const Request& request) const {
  const bool gz = !f.gzip.empty() && accepts_gzip(request.header("accept-encoding"));
  const std::string& etag = gz ? f.gzip_etag : f.etag;
  Response r;
  r.content_type = f.content_type;
  r.with_header("Cache-Control", f.cache_control);
  r.with_header("ETag", etag);
  r.with_header("X-Content-Type-Options", "nosniff");
  if (!f.gzip.empty()) r.with_header("Vary", "Accept-Encoding");
  if (f.is_html) {
    r.with_header("Content-Security-Policy", std::string(kCsp));
    r.with_header("Referrer-Policy", "same-origin");
  }
  if (etag_matches(request.header("if-none-match"), etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.status = 200;
  if (gz) {
    r.with_header("Content-Encoding", "gzip");
    r.body = f.gzip;
  } else {
    r.body = f.body;
  }
  return r;
}

Response StaticFiles::serve(const Request& request) const {
  auto key = file_key(request.path);
  if (!key) return not_found();
  if (auto it = files_.find(*key); it != files_.end()) return answer(it->second, request);
  // A hashed asset that is not there (an old page asking for a replaced bundle) must not
  // get HTML back.
  if (key->starts_with("/assets/")) return not_found();
  return answer(files_.at("/index.html"), request);
}

void add_static_files(Router& router, std::shared_ptr<const StaticFiles> files) {
  Route r;
  r.method = Method::get;
  r.path = "/*";  // the label in metrics and logs
  r.summary = "The web desktop (static files, SPA fallback).";
  r.content_type = "text/html";
  r.handler = [files](Request& req) -> asio::awaitable<Response> { co_return files->serve(req); };
  router.set_fallback(std::move(r), is_desktop_path);
}

void add_missing_web_notice(Router& router, std::string message) {
  std::string html =
      "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Krilin</title>"
      "<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem\">"
      "<h1>Krilin is running</h1><p>The API answers under <code>/api/v1</code>, but the web desktop "
      "is not built.</p><p>";
  for (char c : message) {
    if (c == '<') html += "&lt;";
    else if (c == '>') html += "&gt;";
    else if (c == '&') html += "&amp;";
    else html += c;
  }
  html += "</p></body></html>";
  Route r;
  r.method = Method::get;
  r.path = "/*";
  r.content_type = "text/html";
  r.handler = [html = std::move(html)](Request&) -> asio::awaitable<Response> {
    Response res = Response::text(404, html, "text/html; charset=utf-8");
    res.with_header("Cache-Control", "no-cache");
    co_return res;
  };
  router.set_fallback(std::move(r), is_desktop_path);
}

}  // namespace krilin::http
