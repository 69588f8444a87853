#include "http/static_files.h"

#include "http/pipeline.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace krilin::http {
namespace {

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

Request get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r;
  r.method = Method::get;
  set_target(r, path);
  r.headers = std::move(headers);
  return r;
}

std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

const std::string kIndex = "<!doctype html><title>Krilin</title><script type=module src=/assets/index-AbC123xy.js></script>";
const std::string kScript = "console.log('" + std::string(4000, 'k') + "');";

StaticFiles sample() {
  return StaticFiles::from_memory({{"index.html", kIndex},
                                   {"assets/index-AbC123xy.js", kScript},
                                   {"assets/index-Zz99Yy88.css", "body{color:red}"},
                                   {"favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>"},
                                   {"theme-init.js", "document.documentElement.dataset.theme='light'"}});
}

TEST(StaticFiles, ContentTypesByExtension) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("assets/app-1.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("icon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("font.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("x.map"), "application/json");
  EXPECT_EQ(content_type_for("LICENSE"), "application/octet-stream");
  EXPECT_EQ(content_type_for("dir.v1/file"), "application/octet-stream");
}

TEST(StaticFiles, ReservedPrefixesAreNotTheDesktop) {
  for (auto p : {"/api", "/api/", "/api/v1/nope", "/ws", "/ws/x", "/health", "/health/ready", "/metrics", "/metrics/x"})
    EXPECT_FALSE(is_desktop_path(p)) << p;
  for (auto p : {"/", "/apps/habit-tracker", "/settings/security", "/apiary", "/healthy", "/wsx", "/assets/a.js"})
    EXPECT_TRUE(is_desktop_path(p)) << p;
}

TEST(StaticFiles, IndexIsRevalidatedAndCarriesSecurityHeaders) {
  auto files = sample();
  for (auto path : {"/", "/index.html"}) {
    auto r = files.serve(get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndex);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
    EXPECT_NE(header(r, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(header(r, "ETag").empty());
  }
}

TEST(StaticFiles, HashedAssetsAreImmutable) {
  auto files = sample();
  auto r = files.serve(get("/assets/index-AbC123xy.js"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kScript);
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_TRUE(header(r, "Content-Security-Policy").empty());
  // Files outside assets/ have no hash in their name: revalidated.
  EXPECT_EQ(header(files.serve(get("/favicon.svg")), "Cache-Control"), "no-cache");
  EXPECT_EQ(header(files.serve(get("/theme-init.js")), "Cache-Control"), "no-cache");
}

TEST(StaticFiles, ClientSidePathsFallBackToIndex) {
  auto files = sample();
  for (auto path : {"/apps/habit-tracker", "/settings/security", "/desktop/01a2-x", "/catalog?x=1"}) {
    auto r = files.serve(get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, kIndex) << path;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  }
}

TEST(StaticFiles, MissingAssetIs404InTheEnvelope) {
  auto r = sample().serve(get("/assets/index-OldHash1.js"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_NE(r.body.find("\"code\":\"not_found\""), std::string::npos);
}

TEST(StaticFiles, NoPathTraversal) {
  auto files = sample();
  for (auto path : {"/../etc/passwd", "/assets/../../etc/passwd", "/%2e%2e/etc/passwd", "/assets/%2E%2E/index.html",
                    "/./index.html", "/.env", "/assets/.hidden", "/a\\..\\b", "/%zz", "/%00", "/assets/%2f..%2fx"}) {
    auto r = files.serve(get(path));
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.content_type, "application/json") << path;
  }
}

TEST(StaticFiles, ConditionalGetAnswers304) {
  auto files = sample();
  auto first = files.serve(get("/assets/index-Zz99Yy88.css"));
  auto etag = header(first, "ETag");
  ASSERT_FALSE(etag.empty());
  auto again = files.serve(get("/assets/index-Zz99Yy88.css", {{"if-none-match", etag}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(header(again, "ETag"), etag);
  auto list = files.serve(get("/assets/index-Zz99Yy88.css", {{"if-none-match", "\"other\", W/" + etag}}));
  EXPECT_EQ(list.status, 304);
  auto other = files.serve(get("/assets/index-Zz99Yy88.css", {{"if-none-match", "\"other\""}}));
  EXPECT_EQ(other.status, 200);
}

TEST(StaticFiles, GzipWhenAcceptedAndWorthIt) {
  auto files = sample();
  auto plain = files.serve(get("/assets/index-AbC123xy.js"));
  EXPECT_TRUE(header(plain, "Content-Encoding").empty());
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");

  auto z = files.serve(get("/assets/index-AbC123xy.js", {{"accept-encoding", "gzip, deflate, br"}}));
  EXPECT_EQ(z.status, 200);
  EXPECT_EQ(header(z, "Content-Encoding"), "gzip");
  EXPECT_LT(z.body.size(), kScript.size() / 4);
  EXPECT_EQ(gunzip(z.body), kScript);
  EXPECT_NE(header(z, "ETag"), header(plain, "ETag"));  // another representation, another tag

  auto refused = files.serve(get("/assets/index-AbC123xy.js", {{"accept-encoding", "br, gzip;q=0"}}));
  EXPECT_TRUE(header(refused, "Content-Encoding").empty());
  auto weighted = files.serve(get("/assets/index-AbC123xy.js", {{"accept-encoding", "gzip;q=0.5"}}));
  EXPECT_EQ(header(weighted, "Content-Encoding"), "gzip");
  // Small files are not worth it.
  auto small = files.serve(get("/assets/index-Zz99Yy88.css", {{"accept-encoding", "gzip"}}));
  EXPECT_TRUE(header(small, "Content-Encoding").empty());
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("krilin-static-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& body) const {
    auto p = path_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << body;
  }

 private:
  std::filesystem::path path_;
};

TEST(StaticFiles, LoadsADirectorySkippingSymlinksAndHiddenFiles) {
  TempDir web, outside;
  web.write("index.html", kIndex);
  web.write("assets/index-AbC123xy.js", kScript);
  web.write(".git/config", "secret");
  web.write("assets/.cache", "secret");
  outside.write("passwd", "root:x:0:0");
  std::filesystem::create_symlink(outside.path() / "passwd", web.path() / "assets" / "passwd");
  std::filesystem::create_directory_symlink(outside.path(), web.path() / "linked");

  auto files = StaticFiles::load(web.path());
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files.value().file_count(), 2u);
  EXPECT_EQ(files.value().serve(get("/assets/index-AbC123xy.js")).body, kScript);
  EXPECT_EQ(files.value().serve(get("/assets/passwd")).status, 404);
  EXPECT_EQ(files.value().serve(get("/linked/passwd")).body, kIndex);  // not a file: the SPA answer
  EXPECT_EQ(files.value().serve(get("/.git/config")).status, 404);
}

TEST(StaticFiles, LoadSaysHowToBuildWhenMissing) {
  TempDir empty;
  auto files = StaticFiles::load(empty.path() / "dist");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, "web_not_built");
  EXPECT_NE(files.error().message.find("npm run build"), std::string::npos);
}

TEST(StaticFiles, LoadIsBounded) {
  TempDir web;
  web.write("index.html", kIndex);
  web.write("assets/big.js", std::string(4096, 'x'));
  auto files = StaticFiles::load(web.path(), 1024);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, "web_too_large");
}

Route api_route(Method m, std::string path) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.response_schema = json::object{{"type", "object"}};
  r.no_body = m == Method::post;
  r.handler = [](Request&) -> asio::awaitable<Response> { co_return Response::json(200, json::object{}); };
  return r;
}

TEST(StaticFiles, RouterFallbackOnlyForUnmatchedDesktopGets) {
  Router router;
  router.add(api_route(Method::get, "/health"));
  router.add(api_route(Method::post, "/api/v1/things"));
  add_static_files(router, std::make_shared<StaticFiles>(sample()));

  auto page = router.match(Method::get, "/settings/profile");
  ASSERT_TRUE(page.route);
  EXPECT_EQ(page.route->path, "/*");
  auto head = router.match(Method::head, "/");
  ASSERT_TRUE(head.route);
  EXPECT_EQ(head.route->path, "/*");
  EXPECT_EQ(router.match(Method::get, "/health").route->path, "/health");  // real routes win

  auto api = router.match(Method::get, "/api/v1/nope");
  ASSERT_TRUE(api.error);
  EXPECT_EQ(api.error->code, "not_found");
  EXPECT_TRUE(router.match(Method::get, "/health/nope").error);
  EXPECT_TRUE(router.match(Method::get, "/metrics/x").error);
  EXPECT_TRUE(router.match(Method::get, "/ws").error);
  auto post = router.match(Method::post, "/settings");
  ASSERT_TRUE(post.error);
  EXPECT_EQ(post.error->code, "not_found");
  auto wrong = router.match(Method::get, "/api/v1/things");  // POST-only: still 405
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->code, "method_not_allowed");
  // Not part of the declared table (so not in OpenAPI, not in the schema check).
  EXPECT_EQ(router.routes().size(), 2u);
  EXPECT_TRUE(check_route_schemas(router).empty());
}

TEST(StaticFiles, NotBuiltNoticeForDesktopPathsOnly) {
  Router router;
  add_missing_web_notice(router, "Run <npm run build> & retry.");
  auto page = router.match(Method::get, "/settings");
  ASSERT_TRUE(page.route);
  Request req = get("/settings");
  auto r = [&] {
    asio::io_context io;
    std::optional<Response> out;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { out = co_await page.route->handler(req); }, asio::detached);
    io.run();
    return *out;
  }();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("Run &lt;npm run build&gt; &amp; retry."), std::string::npos);
  EXPECT_TRUE(router.match(Method::get, "/api/v1/x").error);
}

}  // namespace
}  // namespace krilin::http
