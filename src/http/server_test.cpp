// The server on a real socket (port 0), driven by plain blocking clients from the test
// thread while the io_context runs on its own threads.
#include "http/server.h"

#include <atomic>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <gtest/gtest.h>

namespace krilin::http {
namespace {

using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

Route make(Method m, std::string path, Handler h, Json req = nullptr) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.request_schema = std::move(req);
  r.response_schema = json::object{{"type", "object"}};
  r.handler = std::move(h);
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto router = std::make_shared<Router>();
    router->add(make(Method::get, "/hello", [](Request& r) -> asio::awaitable<Response> {
      co_return Response::json(200, json::object{{"hello", r.query.count("name") ? r.query.at("name") : "world"}});
    }));
    router->add(make(Method::post, "/echo", [](Request& r) -> asio::awaitable<Response> {
      co_return Response::json(200, r.json);
    }, json::parse(R"({"type":"object","required":["name"],"properties":{"name":{"type":"string"}}})")));
    router->add(make(Method::get, "/slow", [](Request&) -> asio::awaitable<Response> {
      auto t_ex = co_await asio::this_coro::executor;  // named: g++ 12 mishandles temporaries in co_await
      asio::steady_timer t(t_ex, 300ms);
      co_await t.async_wait(asio::use_awaitable);
      co_return Response::json(200, json::object{{"slow", true}});
    }));
    router->add(make(Method::get, "/boom", [](Request&) -> asio::awaitable<Response> {
      throw std::runtime_error("secret internal detail");
      co_return Response::no_content();
    }));
    router->add(make(Method::get, "/busy", [](Request&) -> asio::awaitable<Response> {
      throw Exception(Error::unavailable("overloaded", "Busy.", 7));
      co_return Response::no_content();
    }));
    Route secret = make(Method::get, "/secret", [](Request&) -> asio::awaitable<Response> {
      co_return Response::json(200, json::object{});
    });
    secret.auth_required = true;
    router->add(secret);
    // A stream that writes "first", then "second" only once the test says so.
    router->add(make(Method::get, "/events", [this](Request&) -> asio::awaitable<Response> {
      Response r;
      r.content_type = "text/event-stream";
      r.stream = [this](ResponseWriter& out) -> asio::awaitable<void> {
        ++stream_runs;
        co_await out.write("data: first\n\n");
        auto ex = co_await asio::this_coro::executor;
        asio::steady_timer t(ex);
        for (int i = 0; i < 1000 && !release_second; ++i) {
          t.expires_after(5ms);
          co_await t.async_wait(asio::use_awaitable);
        }
        co_await out.write("data: second\n\n");
      };
      co_return r;
    }));
    // A stream that writes until the client is gone.
    router->add(make(Method::get, "/forever", [this](Request&) -> asio::awaitable<Response> {
      Response r;
      r.content_type = "text/event-stream";
      r.stream = [this](ResponseWriter& out) -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        asio::steady_timer t(ex);
        for (int i = 0; i < 500; ++i) {
          if (!co_await out.write("data: tick\n\n")) {
            forever_result = 1;
            co_return;
          }
          t.expires_after(10ms);
          co_await t.async_wait(asio::use_awaitable);
        }
        forever_result = 2;
      };
      co_return r;
    }));
    Route ws;
    ws.method = Method::get;
    ws.path = "/ws";
    ws.ws = [](WebSocket& socket) -> asio::awaitable<void> {
      while (auto msg = co_await socket.receive()) {
        if (*msg == "flood") {
          for (int i = 0; i < 100000 && socket.send(std::string(1000, 'x')); ++i) {}
          continue;
        }
        socket.send("echo:" + *msg);
      }
    };
    router->add(ws);
    opts.read_timeout = 300ms;
    opts.idle_timeout = 2s;
    opts.max_body_bytes = 1024;
    opts.max_header_bytes = 2048;
    opts.shutdown_grace = 2s;
    opts.access_log = false;
    opts.ws_queue_limit = 16;
    server = std::make_unique<Server>(io, opts, router, metrics);
    port = server->listen("127.0.0.1", 0);
    server->start();
    for (int i = 0; i < 2; ++i) threads.emplace_back([this] { io.run(); });
  }

  void TearDown() override {
    if (!stopped) {
      std::promise<void> done;
      server->stop([&] { done.set_value(); });
      if (done.get_future().wait_for(5s) != std::future_status::ready) ADD_FAILURE() << "stop() did not finish; active=" << server->active_connections();
    }
    io.stop();
    for (auto& t : threads) t.join();
  }

  // Sends raw bytes on a new connection and reads until the server closes it.
  std::string exchange(const std::string& bytes) {
    asio::io_context cio;
    tcp::socket s(cio);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(s, asio::buffer(bytes));
    std::string out;
    boost::system::error_code ec;
    std::array<char, 4096> buf;
    for (;;) {
      auto n = s.read_some(asio::buffer(buf), ec);
      if (ec) break;
      out.append(buf.data(), n);
    }
    return out;
  }

  static int status_of(const std::string& raw) { return raw.size() > 12 ? std::stoi(raw.substr(9, 3)) : 0; }
  static Json body_of(const std::string& raw) { return json::parse(raw.substr(raw.find("\r\n\r\n") + 4)); }

  asio::io_context io{2};
  core::Metrics metrics;
  ServerOptions opts;
  std::unique_ptr<Server> server;
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
  bool stopped = false;
  std::atomic<bool> release_second{false};
  std::atomic<int> forever_result{0};  // 1: a write returned false; 2: never did
  std::atomic<int> stream_runs{0};
};

// Reads from `s` into `data` until it contains `needle` (true) or the peer closes (false).
bool read_until(tcp::socket& s, std::string& data, std::string_view needle) {
  std::array<char, 4096> buf;
  boost::system::error_code ec;
  while (data.find(needle) == std::string::npos) {
    auto n = s.read_some(asio::buffer(buf), ec);
    if (ec) return false;
    data.append(buf.data(), n);
  }
  return true;
}

TEST_F(ServerTest, StreamedResponseSendsEachChunkAtOnceThenKeepsAlive) {
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string data;
  auto start = std::chrono::steady_clock::now();
  // The first event arrives while the producer is still waiting to write the second: the
  // server did not buffer it.
  ASSERT_TRUE(read_until(s, data, "data: first")) << data;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_EQ(data.find("second"), std::string::npos);
  EXPECT_EQ(status_of(data), 200) << data;
  EXPECT_NE(data.find("Transfer-Encoding: chunked"), std::string::npos) << data;
  EXPECT_NE(data.find("Cache-Control: no-cache"), std::string::npos) << data;
  EXPECT_NE(data.find("Content-Type: text/event-stream"), std::string::npos) << data;
  release_second = true;
  ASSERT_TRUE(read_until(s, data, "data: second\n\n\r\n0\r\n\r\n")) << data;
  // The same connection serves the next request.
  std::string next;
  asio::write(s, asio::buffer(std::string("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  read_until(s, next, "\"hello\"");
  EXPECT_EQ(status_of(next), 200) << next;
}

TEST_F(ServerTest, StreamedResponseWriteFailsOnceTheClientIsGone) {
  {
    asio::io_context cio;
    tcp::socket s(cio);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    asio::write(s, asio::buffer(std::string("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n")));
    std::string data;
    ASSERT_TRUE(read_until(s, data, "data: tick"));
  }  // closed
  for (int i = 0; i < 300 && forever_result == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(forever_result, 1);
}

TEST_F(ServerTest, HeadOfAStreamedResponseSendsTheHeaderOnly) {
  std::string raw = exchange("HEAD /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(raw), 200) << raw;
  EXPECT_NE(raw.find("Content-Type: text/event-stream"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("data:"), std::string::npos) << raw;
  EXPECT_EQ(stream_runs, 0);
}

TEST_F(ServerTest, GracefulStopLetsARunningStreamFinish) {
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(std::string("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string data;
  ASSERT_TRUE(read_until(s, data, "data: first"));
  std::promise<void> done;
  server->stop([&] { done.set_value(); });
  stopped = true;
  std::this_thread::sleep_for(100ms);
  release_second = true;
  // The whole body, then the server closes the connection.
  EXPECT_TRUE(read_until(s, data, "0\r\n\r\n")) << data;
  EXPECT_FALSE(read_until(s, data, "never"));
  EXPECT_EQ(done.get_future().wait_for(2s), std::future_status::ready);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequests) {
  std::string raw = exchange(
      "GET /hello?name=Ann HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto first = raw.find("HTTP/1.1 200");
  auto second = raw.find("HTTP/1.1 200", first + 1);
  EXPECT_NE(second, std::string::npos) << raw;
  EXPECT_NE(raw.find("\"hello\":\"Ann\""), std::string::npos);
  EXPECT_NE(raw.find("X-Request-Id: "), std::string::npos);
  EXPECT_NE(raw.find("Cache-Control: no-store"), std::string::npos);
}

TEST_F(ServerTest, BodyChecks) {
  auto post = [&](const std::string& ct, const std::string& body) {
    return exchange("POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + ct +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  auto ok = post("application/json", R"({"name":"Ann"})");
  EXPECT_EQ(status_of(ok), 200) << ok;
  auto bad_json = post("application/json", "{nope");
  EXPECT_EQ(status_of(bad_json), 400);
  EXPECT_EQ(body_of(bad_json).at("error").at("code"), "invalid_json");
  auto wrong_type = post("text/plain", R"({"name":"Ann"})");
  EXPECT_EQ(status_of(wrong_type), 415);
  auto invalid = post("application/json; charset=utf-8", R"({"name":3})");
  EXPECT_EQ(status_of(invalid), 400);
  EXPECT_EQ(body_of(invalid).at("error").at("code"), "invalid_body");
  auto deep = post("application/json", std::string(500, '[') + std::string(500, ']'));
  EXPECT_EQ(status_of(deep), 400);
  auto big = post("application/json", "{\"name\":\"" + std::string(2000, 'a') + "\"}");
  EXPECT_EQ(status_of(big), 413);
}

TEST_F(ServerTest, ErrorsUseTheEnvelope) {
  auto boom = exchange("GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(boom), 500);
  EXPECT_EQ(body_of(boom).at("error").at("code"), "internal_error");
  EXPECT_EQ(boom.find("secret internal detail"), std::string::npos);
  auto busy = exchange("GET /busy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(busy), 503);
  EXPECT_NE(busy.find("Retry-After: 7"), std::string::npos);
  EXPECT_EQ(body_of(busy).at("error").at("retryable"), true);
  auto secret = exchange("GET /secret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(secret), 401);
  auto nf = exchange("GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(nf), 404);
  auto na = exchange("PUT /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(status_of(na), 405);
  EXPECT_NE(na.find("Allow: GET, HEAD"), std::string::npos) << na;
  auto unknown_method = exchange("BREW /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(unknown_method), 405);
  auto garbage = exchange("\x01\x02\x03 nonsense\r\n\r\n");
  EXPECT_TRUE(garbage.empty() || status_of(garbage) == 400) << garbage;
  auto big_header = exchange("GET /hello HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(status_of(big_header), 431);
  auto head = exchange("HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(head), 200);
  EXPECT_EQ(head.find("hello"), std::string::npos);
}

TEST_F(ServerTest, SlowClientIsCutOff) {
  asio::io_context cio;
  tcp::socket s(cio);
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(s, asio::buffer(std::string("GET /hello HTTP/1.1\r\nHost")));
  auto start = std::chrono::steady_clock::now();
  std::array<char, 256> buf;
  boost::system::error_code ec;
  s.read_some(asio::buffer(buf), ec);  // returns when the server closes
  EXPECT_TRUE(ec);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(ServerTest, MetricsCountRequestsPerRouteTemplate) {
  exchange("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  exchange("GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string text = metrics.render();
  EXPECT_NE(text.find("krilin_http_requests_total{method=\"GET\",route=\"/hello\",status=\"200\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\""), std::string::npos);
  EXPECT_NE(text.find("krilin_http_connections_active"), std::string::npos);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequests) {
  std::vector<std::future<std::string>> inflight;
  for (int i = 0; i < 3; ++i)
    inflight.push_back(std::async(std::launch::async, [this] {
      return exchange("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    }));
  // An idle keep-alive connection, which stop() must close at once.
  asio::io_context cio;
  tcp::socket idle(cio);
  idle.connect({asio::ip::make_address("127.0.0.1"), port});
  std::this_thread::sleep_for(100ms);
  std::promise<void> done;
  auto started = std::chrono::steady_clock::now();
  server->stop([&] { done.set_value(); });
  stopped = true;
  for (auto& f : inflight) {
    std::string raw = f.get();
    EXPECT_EQ(status_of(raw), 200) << raw;
    EXPECT_NE(raw.find("Connection: close"), std::string::npos);
  }
  ASSERT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  std::array<char, 16> buf;
  boost::system::error_code ec;
  idle.read_some(asio::buffer(buf), ec);
  EXPECT_TRUE(ec);  // closed by the server
  tcp::socket late(cio);
  late.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  EXPECT_TRUE(ec);  // no longer accepting
}

TEST_F(ServerTest, WebSocketEchoAndSlowConsumerIsClosed) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  asio::io_context cio;
  websocket::stream<tcp::socket> ws(cio);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  ws.handshake("127.0.0.1", "/ws");
  ws.write(asio::buffer(std::string("hi")));
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "echo:hi");
  // Ask for a flood and never read: the server must close us with 1008, not buffer it all.
  ws.write(asio::buffer(std::string("flood")));
  std::this_thread::sleep_for(300ms);
  boost::system::error_code ec;
  int received = 0;
  for (; received < 200000 && !ec; ++received) {
    buf.consume(buf.size());
    ws.read(buf, ec);
  }
  // The server stopped after its bounded queue plus what the socket buffers held, and
  // closed the connection (a clean 1008, or — when the close raced the flood — a reset,
  // or ENOTCONN/EPIPE from Beast answering a close frame on a socket already reset).
  EXPECT_TRUE(ec == websocket::error::closed || ec == asio::error::connection_reset || ec == asio::error::eof ||
              ec == asio::error::not_connected || ec == asio::error::broken_pipe)
      << ec.message();
  if (ec == websocket::error::closed) {
    EXPECT_EQ(ws.reason().code, 1008);
  }
  EXPECT_LT(received, 20000);
}

TEST_F(ServerTest, WebSocketMessagesLargerThanTheReadChunkArriveWholeAndTooBigIsClosed1009) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  asio::io_context cio;
  websocket::stream<tcp::socket> ws(cio);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  ws.handshake("127.0.0.1", "/ws");
  std::string big(5000, 'y');
  big += "end";
  ws.write(asio::buffer(big));
  beast::flat_buffer buf;
  ws.read(buf);
  EXPECT_EQ(beast::buffers_to_string(buf.data()), "echo:" + big);
  ws.write(asio::buffer(std::string(70 * 1024, 'z')));
  boost::system::error_code ec;
  buf.consume(buf.size());
  ws.read(buf, ec);
  // The server fails the connection after its close frame: our answer to it may meet a
  // closed socket (EPIPE, ECONNRESET, or ENOTCONN from Beast's close reply).
  EXPECT_TRUE(ec == websocket::error::closed || ec == asio::error::broken_pipe ||
              ec == asio::error::connection_reset || ec == asio::error::not_connected)
      << ec.message();
  EXPECT_EQ(ws.reason().code, 1009);
}

// Regression: stop() used to close nothing of an upgraded socket (it looked at the session's
// moved-from stream) and waited out the whole grace.
TEST_F(ServerTest, StopSendsEveryWebSocketGoingAwayAndDoesNotWaitForTheGrace) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  asio::io_context cio;
  std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> sockets;
  for (int i = 0; i < 5; ++i) {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(cio);
    ws->next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
    ws->handshake("127.0.0.1", "/ws");
    ws->write(asio::buffer(std::string("hi")));
    beast::flat_buffer buf;
    ws->read(buf);
    sockets.push_back(std::move(ws));
  }
  std::promise<void> done;
  auto started = std::chrono::steady_clock::now();
  server->stop([&] { done.set_value(); });
  stopped = true;
  for (auto& ws : sockets) {
    beast::flat_buffer buf;
    boost::system::error_code ec;
    ws->read(buf, ec);  // answers the close frame
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    EXPECT_EQ(ws->reason().code, 1001);
    EXPECT_EQ(std::string(ws->reason().reason.data(), ws->reason().reason.size()), "going away");
  }
  ASSERT_EQ(done.get_future().wait_for(3s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);  // the grace is 2 s
  EXPECT_EQ(server->active_connections(), 0u);
}

}  // namespace
}  // namespace krilin::http
