// The outbound client against real servers on loopback: krilin's own HTTP server, and a
// one-shot TLS server with a certificate made here (so that both a trusted and an
// untrusted chain can be tried).
#include "http/client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <gtest/gtest.h>

#include "core/ids.h"
#include "core/metrics.h"
#include "http/server.h"

namespace krilin::http {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Route route(Method m, std::string path, Handler h, Json req = nullptr) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.request_schema = std::move(req);
  r.response_schema = json::object{{"type", "object"}};
  r.handler = std::move(h);
  return r;
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<Router>();
    router->add(route(Method::get, "/hello", [](Request& r) -> asio::awaitable<Response> {
      co_return Response::json(200, json::object{{"hello", r.query.count("name") ? r.query.at("name") : "world"},
                                                 {"agent", std::string(r.header("user-agent").value_or(""))}});
    }));
    router->add(route(Method::post, "/echo", [](Request& r) -> asio::awaitable<Response> {
      co_return Response::json(201, r.json);
    }, json::parse(R"({"type":"object"})")));
    router->add(route(Method::get, "/slow", [](Request&) -> asio::awaitable<Response> {
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer t(ex, 500ms);
      co_await t.async_wait(asio::use_awaitable);
      co_return Response::json(200, json::object{});
    }));
    router->add(route(Method::get, "/big", [](Request&) -> asio::awaitable<Response> {
      co_return Response::json(200, json::object{{"data", std::string(100000, 'x')}});
    }));
    opts.access_log = false;
    opts.shutdown_grace = 1s;
    server = std::make_unique<Server>(io, opts, router, metrics);
    port = server->listen("127.0.0.1", 0);
    server->start();
    threads.emplace_back([this] { io.run(); });
  }
  void TearDown() override {
    std::promise<void> done;
    server->stop([&] { done.set_value(); });
    done.get_future().wait_for(3s);
    io.stop();
    for (auto& t : threads) t.join();
  }

  ClientResponse fetch(ClientRequest req, HttpClient::Options o = {}) {
    asio::io_context cio;
    HttpClient client(o);
    auto f = asio::co_spawn(cio, client.fetch(std::move(req)), asio::use_future);
    cio.run();
    return f.get();
  }
  Error error_of(ClientRequest req, HttpClient::Options o = {}) {
    try {
      fetch(std::move(req), o);
    } catch (const Exception& e) {
      return e.error();
    }
    return Error{ErrorKind::internal, "no_error", "nothing thrown"};
  }
  std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

  asio::io_context io{1};
  core::Metrics metrics;
  ServerOptions opts;
  std::unique_ptr<Server> server;
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
};

TEST_F(ClientTest, GetsAndPostsJson) {
  auto r = fetch({.url = url("/hello?name=ann")});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body).at("hello").as_string(), "ann");
  EXPECT_EQ(json::parse(r.body).at("agent").as_string(), "krilin");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  ClientRequest post{.method = "POST", .url = url("/echo"), .headers = {{"Content-Type", "application/json"}}, .body = R"({"a":1})"};
  auto p = fetch(post);
  EXPECT_EQ(p.status, 201);
  EXPECT_EQ(json::parse(p.body).at("a").as_int64(), 1);
  EXPECT_EQ(fetch({.url = url("/nothing-here")}).status, 404);
}

TEST_F(ClientTest, EveryFailureIsAnErrorWithAKind) {
  EXPECT_EQ(error_of({.url = url("/slow"), .timeout = 100ms}).code, "upstream_timeout");
  EXPECT_EQ(error_of({.url = url("/big"), .max_response_bytes = 1000}).code, "upstream_too_large");
  EXPECT_EQ(error_of({.url = "http://127.0.0.1:1/"}).code, "upstream_unavailable");
  EXPECT_EQ(error_of({.url = "ftp://example.com/"}).code, "invalid_url");
  EXPECT_EQ(error_of({.url = "not a url"}).code, "invalid_url");
  EXPECT_EQ(error_of({.url = "http://user:pw@127.0.0.1/"}).code, "invalid_url");
}

// A self-signed certificate for "localhost", made with OpenSSL.
struct TestCert {
  std::string cert_pem, key_pem;
  TestCert() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost");
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(x, bc, -1);
    X509_EXTENSION_free(bc);
    X509_sign(x, key, EVP_sha256());
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    cert_pem.assign(p, static_cast<std::size_t>(n));
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    n = BIO_get_mem_data(b, &p);
    key_pem.assign(p, static_cast<std::size_t>(n));
    BIO_free(b);
    X509_free(x);
    EVP_PKEY_free(key);
  }
};

// Serves one HTTPS request per accepted connection, in its own thread.
class TlsServer {
 public:
  explicit TlsServer(const TestCert& cert) : ctx_(ssl::context::tls_server), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    ctx_.use_certificate_chain(asio::buffer(cert.cert_pem));
    ctx_.use_private_key(asio::buffer(cert.key_pem), ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      for (;;) {
        tcp::socket s(io_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec || stop_) return;
        beast::ssl_stream<tcp::socket> stream(std::move(s), ctx_);
        stream.handshake(ssl::stream_base::server, ec);
        if (ec) continue;  // the client refused our certificate
        beast::flat_buffer buf;
        beast::http::request<beast::http::string_body> req;
        beast::http::read(stream, buf, req, ec);
        if (ec) continue;
        beast::http::response<beast::http::string_body> res{beast::http::status::ok, 11};
        res.set(beast::http::field::content_type, "application/json");
        res.body() = R"({"tls":true})";
        res.prepare_payload();
        beast::http::write(stream, res, ec);
        stream.shutdown(ec);
      }
    });
  }
  ~TlsServer() {
    stop_ = true;
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  asio::io_context io_;
  ssl::context ctx_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(ClientTest, HttpsVerifiesTheChainAndTheName) {
  TestCert cert;
  TlsServer tls(cert);
  auto ca = std::filesystem::temp_directory_path() / ("krilin-ca-" + core::random_hex(4) + ".pem");
  std::ofstream(ca) << cert.cert_pem;
  const std::string base = "https://localhost:" + std::to_string(tls.port()) + "/";
  auto ok = fetch({.url = base}, {.ca_file = ca.string()});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"tls":true})");
  // An unknown chain, or a name the certificate does not carry, is refused.
  EXPECT_EQ(error_of({.url = base}).code, "upstream_unavailable");
  EXPECT_EQ(error_of({.url = "https://127.0.0.1:" + std::to_string(tls.port()) + "/"}, {.ca_file = ca.string()}).code,
            "upstream_unavailable");
  // stream() speaks TLS the same way.
  asio::io_context cio;
  HttpClient client({.ca_file = ca.string()});
  std::string got;
  StreamOptions o;
  o.on_data = [&](std::string_view piece) {
    got += piece;
    return true;
  };
  auto f = asio::co_spawn(cio, client.stream({.url = base}, o), asio::use_future);
  cio.run();
  EXPECT_EQ(f.get().status, 200);
  EXPECT_EQ(got, R"({"tls":true})");
  std::filesystem::remove(ca);
}


// Answers each connection with scripted bytes: pieces written with a pause after each, then
// the connection is closed (or left open until the server is destroyed, when `hang`).
class RawServer {
 public:
  struct Piece {
    std::string bytes;
    std::chrono::milliseconds pause{0};
  };
  explicit RawServer(std::vector<Piece> pieces, bool hang = false)
      : pieces_(std::move(pieces)), hang_(hang), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      tcp::socket s(io_);
      boost::system::error_code ec;
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      std::string head;
      char c;
      while (head.find("\r\n\r\n") == std::string::npos && asio::read(s, asio::buffer(&c, 1), ec) == 1) head += c;
      // Read the body too: closing with unread bytes would reset the connection.
      const auto cl = head.find("Content-Length: ");
      std::size_t left = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
      while (left > 0 && asio::read(s, asio::buffer(&c, 1), ec) == 1) {
        head += c;
        --left;
      }
      request = head;
      for (const auto& p : pieces_) {
        asio::write(s, asio::buffer(p.bytes), ec);
        if (ec) return;
        std::this_thread::sleep_for(p.pause);
      }
      if (hang_) {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stop_.load(); });
      }
    });
  }
  ~RawServer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    boost::system::error_code ec;
    tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/stream"; }
  std::string request;

 private:
  std::vector<Piece> pieces_;
  bool hang_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

struct Streamed {
  ClientResponse response;
  std::vector<std::string> pieces;
  std::vector<std::chrono::steady_clock::time_point> times;
  int heads = 0;
  std::optional<Error> error;
  std::string joined() const {
    std::string s;
    for (const auto& p : pieces) s += p;
    return s;
  }
};

Streamed stream(const std::string& url, StreamOptions o = {}, std::size_t max_bytes = 8 << 20,
                std::function<bool(const std::string&)> stop_when = nullptr) {
  asio::io_context cio;
  HttpClient client;
  Streamed out;
  o.on_head = [&](const ClientResponse& head) {
    ++out.heads;
    EXPECT_TRUE(head.body.empty());
  };
  o.on_data = [&](std::string_view piece) {
    out.pieces.emplace_back(piece);
    out.times.push_back(std::chrono::steady_clock::now());
    return !(stop_when && stop_when(out.joined()));
  };
  ClientRequest req{.method = "POST", .url = url, .body = "{}", .max_response_bytes = max_bytes};
  auto f = asio::co_spawn(cio, client.stream(req, o), asio::use_future);
  cio.run();
  try {
    out.response = f.get();
  } catch (const Exception& e) {
    out.error = e.error();
  }
  return out;
}

const std::string kSseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
std::string chunk(std::string_view s) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx", s.size());
  return std::string(size) + "\r\n" + std::string(s) + "\r\n";
}

TEST(ClientStream, ChunkedPiecesArriveAsTheyAreSentNotAtTheEnd) {
  // The chunk framing itself is cut in odd places across writes.
  const std::string body = chunk("data: one\n\n") + chunk("data: two\n\n");
  RawServer server({{kSseHead + body.substr(0, 5), 200ms}, {body.substr(5, 14), 200ms}, {body.substr(19) + "0\r\n\r\n", 0ms}});
  const auto start = std::chrono::steady_clock::now();
  auto s = stream(server.url());
  ASSERT_FALSE(s.error) << s.error->message;
  EXPECT_EQ(s.response.status, 200);
  EXPECT_EQ(s.response.header("content-type"), "text/event-stream");
  EXPECT_TRUE(s.response.body.empty());
  EXPECT_EQ(s.heads, 1);
  EXPECT_EQ(s.joined(), "data: one\n\ndata: two\n\n");
  ASSERT_GE(s.pieces.size(), 2u);
  EXPECT_LT(s.times.front() - start, 300ms);  // the first piece did not wait for the rest
  EXPECT_NE(server.request.find("POST /stream HTTP/1.1"), std::string::npos);
}

TEST(ClientStream, ContentLengthAndUntilCloseBodies) {
  RawServer sized({{"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello", 100ms}, {" world", 0ms}});
  EXPECT_EQ(stream(sized.url()).joined(), "hello world");
  RawServer until_close({{"HTTP/1.1 200 OK\r\n\r\nto the", 50ms}, {" end", 0ms}});
  auto s = stream(until_close.url());
  ASSERT_FALSE(s.error) << s.error->message;
  EXPECT_EQ(s.joined(), "to the end");
}

TEST(ClientStream, ANon2xxBodyIsReadWholeForTheCaller) {
  const std::string err = R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})";
  RawServer server({{"HTTP/1.1 529 Overloaded\r\nContent-Type: application/json\r\nRetry-After: 2\r\n" +
                         std::string("Content-Length: ") + std::to_string(err.size()) + "\r\n\r\n" + err.substr(0, 10),
                     50ms},
                    {err.substr(10), 0ms}});
  auto s = stream(server.url());
  ASSERT_FALSE(s.error) << s.error->message;
  EXPECT_EQ(s.response.status, 529);
  EXPECT_EQ(s.response.body, err);
  EXPECT_EQ(s.response.header("retry-after"), "2");
  EXPECT_TRUE(s.pieces.empty());
}

TEST(ClientStream, OnDataReturningFalseStopsReading) {
  RawServer server({{kSseHead + chunk("data: one\n\n"), 100ms}, {chunk("data: two\n\n"), 0ms}}, /*hang=*/true);
  auto s = stream(server.url(), {}, 8 << 20, [](const std::string& got) { return got.find("one") != std::string::npos; });
  ASSERT_FALSE(s.error) << s.error->message;
  EXPECT_EQ(s.joined(), "data: one\n\n");
}

TEST(ClientStream, DeadlinesIdleConnectAndOverall) {
  {
    RawServer silent({{kSseHead + chunk("data: one\n\n"), 0ms}}, /*hang=*/true);
    StreamOptions o;
    o.idle_timeout = 200ms;
    auto s = stream(silent.url(), o);
    ASSERT_TRUE(s.error);
    EXPECT_EQ(s.error->code, "upstream_timeout");
    EXPECT_EQ(s.joined(), "data: one\n\n");
  }
  {
    RawServer no_head({{"HTTP/1.1 200", 0ms}}, /*hang=*/true);
    StreamOptions o;
    o.connect_timeout = 200ms;
    auto s = stream(no_head.url(), o);
    ASSERT_TRUE(s.error);
    EXPECT_EQ(s.error->code, "upstream_timeout");
    EXPECT_EQ(s.heads, 0);
  }
  {
    // Events keep coming, each before the idle timeout, but the overall deadline passes.
    std::vector<RawServer::Piece> trickle{{kSseHead, 0ms}};
    for (int i = 0; i < 20; ++i) trickle.push_back({chunk("data: x\n\n"), 50ms});
    RawServer server(trickle, /*hang=*/true);
    StreamOptions o;
    o.idle_timeout = 500ms;
    o.deadline = std::chrono::steady_clock::now() + 300ms;
    auto s = stream(server.url(), o);
    ASSERT_TRUE(s.error);
    EXPECT_EQ(s.error->code, "upstream_timeout");
    EXPECT_GE(s.pieces.size(), 2u);
  }
}

TEST(ClientStream, ACutStreamAndTheSizeBoundAreErrors) {
  RawServer cut({{kSseHead + chunk("data: one\n\n") + "40\r\ndata: partial", 0ms}});
  auto s = stream(cut.url());
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.error->code, "upstream_unavailable");
  EXPECT_EQ(s.joined().substr(0, 11), "data: one\n\n");
  RawServer big({{kSseHead + chunk(std::string(3000, 'x')) + "0\r\n\r\n", 0ms}});
  auto b = stream(big.url(), {}, 1000);
  ASSERT_TRUE(b.error);
  EXPECT_EQ(b.error->code, "upstream_too_large");
  auto refused = stream("http://127.0.0.1:1/");
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(refused.error->code, "upstream_unavailable");
}

}  // namespace
}  // namespace krilin::http
