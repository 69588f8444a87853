// The Beast part of the HTTP layer: accepting, reading with limits and deadlines,
// writing, WebSocket upgrade, graceful stop. The request pipeline itself (auth, body
// checks, handler) is in pipeline.cpp, free of Beast.
#include "http/server.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "core/errors.h"
#include "core/ids.h"
#include "core/log.h"
#include "http/pipeline.h"

namespace krilin::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Upgraded WebSockets are spread over this many shared strands: enough to keep the I/O
// threads busy, few enough that a fan-out posts a handful of batches.
constexpr std::size_t kWsStrands = 8;

namespace {

class WsConnection;

// Per-connection state the stopper may touch. `stream` and `idle` are used on the HTTP
// session's strand only (stop() posts there); `strand`, `ws` and `handed_off` change once,
// when the session hands an upgraded socket over to a WsConnection, under Impl::mu.
struct Conn {
  std::uint64_t id = 0;
  asio::any_io_executor strand;
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
  bool handed_off = false;  // a WsConnection owns the socket now, and ends the connection
  std::weak_ptr<WsConnection> ws;
};

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

// The body of a streamed response: one HTTP/1.1 chunk per write (raw bytes for an
// HTTP/1.0 client, whose body then ends with the connection), each written out at once.
class ChunkWriter final : public ResponseWriter {
 public:
  ChunkWriter(beast::tcp_stream& stream, std::chrono::milliseconds timeout, bool chunked)
      : stream_(stream), timeout_(timeout), chunked_(chunked) {}

  asio::awaitable<bool> write(std::string_view chunk) override {
    if (failed_) co_return false;
    if (chunk.empty()) co_return true;  // an empty chunk would end the body
    stream_.expires_after(timeout_);
    auto bytes = asio::buffer(chunk.data(), chunk.size());
    beast::error_code ec;
    if (chunked_) {
      auto [wec, n] = co_await asio::async_write(stream_, bhttp::make_chunk(bytes), kTuple);
      ec = wec;
    } else {
      auto [wec, n] = co_await asio::async_write(stream_, bytes, kTuple);
      ec = wec;
    }
    if (ec) {
      failed_ = true;
      co_return false;
    }
    bytes_ += chunk.size();
    co_return true;
  }

  bool failed() const { return failed_; }
  std::size_t bytes() const { return bytes_; }

 private:
  beast::tcp_stream& stream_;
  std::chrono::milliseconds timeout_;
  bool chunked_;
  bool failed_ = false;
  std::size_t bytes_ = 0;
};

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, ServerOptions o, std::shared_ptr<const Router> r, core::Metrics& m,
       Authenticator a)
      : io(io), opt(o), router(std::move(r)), metrics(m), authenticate(std::move(a)),
        acceptor(asio::make_strand(io)) {
    for (std::size_t i = 0; i < kWsStrands; ++i) ws_strands.push_back(asio::make_strand(io));
  }

  asio::io_context& io;
  ServerOptions opt;
  std::shared_ptr<const Router> router;
  core::Metrics& metrics;
  Authenticator authenticate;
  tcp::acceptor acceptor;

  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};
  std::mutex mu;
  std::unordered_map<std::uint64_t, std::shared_ptr<Conn>> conns;
  std::uint64_t next_id = 0;
  std::function<void()> on_done;
  bool done_called = false;
  std::unique_ptr<asio::steady_timer> grace_timer;
  // Upgraded sockets are spread over these (round robin): few strands, so that a fan-out
  // posts once per strand and walks its sockets there (platform::Realtime).
  std::vector<asio::strand<asio::io_context::executor_type>> ws_strands;
  std::atomic<std::size_t> next_ws_strand{0};

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket, std::shared_ptr<Conn> conn);
  asio::awaitable<void> upgrade(beast::tcp_stream& stream, bhttp::request_parser<bhttp::string_body>& parser,
                                Request& request, Conn& conn);
  void nudge(const std::shared_ptr<Conn>& c, bool hard);
  asio::awaitable<bool> serve_stream(beast::tcp_stream& stream, const Request& request, Response& response,
                                     unsigned version, bool head, bool keep_alive,
                                     std::chrono::steady_clock::time_point started);
  void ended(std::uint64_t id);
  void finish_stop();
  void record(const Request& req, int status, std::size_t bytes,
              std::chrono::steady_clock::time_point started);
};

namespace {

// An upgraded WebSocket once its HTTP session has returned: the socket (moved onto one of
// the server's shared WebSocket strands), Beast's websocket state, the trimmed upgrade
// request and the outgoing queue — and no coroutine of its own. A write is started by
// send() when none is in flight and the next one by the completion of the last; the only
// coroutine is the route's handler (and receive() while it waits), and the only read
// buffer a small inline one. Everything runs on the strand. Owned (shared_ptr) by the
// handler's spawn and the pending operations; the last owner's release ends the connection
// for the server.
class WsConnection final : public WebSocket, public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(std::shared_ptr<Server::Impl> server, std::uint64_t id, tcp::socket socket, Request request,
               std::unique_ptr<bhttp::request<bhttp::string_body>> upgrade,
               std::chrono::steady_clock::time_point started)
      : server_(std::move(server)), id_(id), ws_(std::move(socket)), req_(std::move(request)),
        upgrade_(std::move(upgrade)), started_(started) {}

  ~WsConnection() override { server_->ended(id_); }

  // Answers the upgrade (101), then runs the route's handler. On the strand.
  void start() {
    const ServerOptions& opt = server_->opt;
    websocket::stream_base::timeout t{};
    t.handshake_timeout = opt.read_timeout;
    t.idle_timeout = opt.ws_idle_timeout;
    t.keep_alive_pings = true;
    ws_.set_option(t);
    ws_.read_message_max(opt.ws_max_message_bytes);
    ws_.set_option(websocket::stream_base::decorator([rid = req_.request_id](websocket::response_type& res) {
      res.set("X-Request-Id", rid);
    }));
    ws_.async_accept(*upgrade_, [self = shared_from_this()](beast::error_code ec) { self->accepted(ec); });
  }

  asio::awaitable<std::optional<std::string>> receive() override {
    std::string message;
    while (!gone_) {
      auto [ec, n] = co_await ws_.async_read_some(asio::buffer(read_buf_), kTuple);
      if (ec) {
        gone();
        break;
      }
      message.append(read_buf_.data(), n);
      if (ws_.is_message_done()) co_return message;
    }
    co_return std::nullopt;
  }

  bool send(std::string text) override { return enqueue(Out{nullptr, std::move(text)}); }
  bool send_shared(std::shared_ptr<const std::string> text) override { return enqueue(Out{std::move(text), {}}); }

  void close(int code, std::string reason) override {
    if (closed_) return;
    closed_ = true;
    code_ = code;
    reason_ = std::move(reason);
    // A client that does not read, or a server going away: what waits is dropped.
    if (code == 1008 || code == 1001) drop_waiting();
    if (!writing_) send_close();
  }

  const Request& request() const override { return req_; }

  asio::any_io_executor executor() { return ws_.get_executor(); }

  // The grace is over: the socket closes under whatever is pending.
  void abort() {
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }

 private:
  // A queued message: bytes of its own or bytes shared with other sockets.
  struct Out {
    std::shared_ptr<const std::string> shared;
    std::string own;
    std::string_view bytes() const { return shared ? std::string_view(*shared) : std::string_view(own); }
  };

  void accepted(beast::error_code ec) {
    upgrade_.reset();
    server_->record(req_, 101, 0, started_);
    if (ec) {
      gone();
      return;
    }
    auto self = shared_from_this();
    asio::co_spawn(ws_.get_executor(), req_.route->ws(*this), [self](std::exception_ptr ep) {
      if (ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          core::log_event(spdlog::level::err, "websocket handler threw", {{"error", e.what()}});
          self->close(1011, "internal error");
        }
      }
      self->close(1000, "bye");
    });
    if (server_->stopping) close(1001, "going away");
  }

  bool enqueue(Out out) {
    if (closed_) return false;
    if (waiting_.size() - head_ + (writing_ ? 1 : 0) >= server_->opt.ws_queue_limit) {
      // The client is not reading: close it rather than let the queue grow.
      close(1008, "too slow: outgoing queue full");
      return false;
    }
    if (writing_) {
      waiting_.push_back(std::move(out));
    } else {
      write(std::move(out));
    }
    return true;
  }

  void write(Out out) {
    writing_ = true;
    inflight_ = std::move(out);
    std::string_view b = inflight_.bytes();
    ws_.text(true);
    ws_.async_write(asio::buffer(b.data(), b.size()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) { self->written(ec); });
  }

  void written(beast::error_code ec) {
    writing_ = false;
    inflight_ = Out{};
    if (ec) {
      gone();
      return;
    }
    if (head_ < waiting_.size()) {
      Out next = std::move(waiting_[head_++]);
      if (head_ == waiting_.size()) {
        drop_waiting();
      } else if (head_ >= 32) {
        waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
      }
      write(std::move(next));
      return;
    }
    if (closed_) send_close();
  }

  void send_close() {
    if (gone_ || close_sent_) return;
    close_sent_ = true;
    websocket::close_reason cr(static_cast<websocket::close_code>(code_), reason_);
    ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {});
  }

  void drop_waiting() {
    std::vector<Out>().swap(waiting_);  // an idle socket keeps no capacity
    head_ = 0;
  }

  void gone() {
    gone_ = closed_ = true;
    drop_waiting();
  }

  std::shared_ptr<Server::Impl> server_;
  std::uint64_t id_;
  websocket::stream<tcp::socket> ws_;
  Request req_;
  std::unique_ptr<bhttp::request<bhttp::string_body>> upgrade_;  // until answered
  std::chrono::steady_clock::time_point started_;
  Out inflight_;
  std::vector<Out> waiting_;  // from head_ on
  std::size_t head_ = 0;
  bool writing_ = false;
  bool closed_ = false;      // no more sends
  bool gone_ = false;        // the peer closed or the socket failed
  bool close_sent_ = false;
  int code_ = 0;
  std::string reason_;
  // Messages from the client are small (subscribe, ping) and rare: they are read a little at
  // a time into this rather than into a buffer sized for the largest, allocated while idle.
  std::array<char, 256> read_buf_;
};

bhttp::response<bhttp::string_body> to_beast(const Response& r, unsigned version, bool head,
                                             const std::string& request_id, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  if (r.content_type.rfind("application/json", 0) == 0) res.set(bhttp::field::cache_control, "no-store");
  if (!request_id.empty()) res.set("X-Request-Id", request_id);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(r.body.size());
  } else {
    res.body() = r.body;
    res.prepare_payload();
  }
  return res;
}

Response envelope(ErrorKind kind, const char* code, const char* message) {
  return Response::error(Error{kind, code, message});
}

}  // namespace

void Server::Impl::record(const Request& req, int status, std::size_t bytes,
                          std::chrono::steady_clock::time_point started) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string route = req.route ? req.route->path : "unmatched";
  std::string method(method_name(req.method));
  metrics.inc("krilin_http_requests_total", {{"method", method}, {"route", route}, {"status", std::to_string(status)}});
  metrics.observe("krilin_http_request_duration_seconds", {{"method", method}, {"route", route}}, secs);
  if (!opt.access_log) return;
  core::log_event(spdlog::level::info, "request",
                  {{"method", method},
                   {"path", req.path},
                   {"route", route},
                   {"status", status},
                   {"duration_ms", secs * 1000},
                   {"bytes", bytes},
                   {"request_id", req.request_id},
                   {"remote", req.remote_address}});
}

asio::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kTuple);
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) co_return;
      // Out of descriptors and the like: back off rather than spin.
      asio::steady_timer t(acceptor.get_executor(), 50ms);
      co_await t.async_wait(kTuple);
      continue;
    }
    auto conn = std::make_shared<Conn>();
    conn->strand = socket.get_executor();
    std::uint64_t id;
    {
      std::lock_guard lock(mu);
      id = next_id++;
      conn->id = id;
      conns.emplace(id, conn);
    }
    active.fetch_add(1);
    asio::co_spawn(conn->strand, session(std::move(socket), conn),
                   [self, id, conn](std::exception_ptr ep) {
                     if (ep) {
                       try {
                         std::rethrow_exception(ep);
                       } catch (const std::exception& e) {
                         core::log_event(spdlog::level::err, "connection failed", {{"error", e.what()}});
                       }
                     }
                     // An upgraded socket lives on in its WsConnection, which ends it.
                     if (!conn->handed_off) self->ended(id);
                   });
  }
}

asio::awaitable<void> Server::Impl::session(tcp::socket socket, std::shared_ptr<Conn> conn) {
  beast::tcp_stream stream(std::move(socket));
  conn->stream = &stream;
  struct Detach {
    Conn& c;
    ~Detach() { c.stream = nullptr; }
  } detach{*conn};
  beast::error_code addr_ec;
  auto endpoint = stream.socket().remote_endpoint(addr_ec);
  std::string remote = addr_ec ? "" : endpoint.address().to_string();
  beast::flat_buffer buffer;

  for (;;) {
    // Between requests: wait for the first byte under the idle deadline.
    if (buffer.size() == 0) {
      conn->idle = true;
      if (stopping) break;
      stream.expires_after(opt.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), kTuple);
      conn->idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    conn->idle = false;
    auto started = std::chrono::steady_clock::now();
    // The whole request (header and body) must arrive within read_timeout.
    stream.expires_after(opt.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(opt.max_header_bytes));
    parser.body_limit(opt.max_body_bytes);

    Request request;
    request.remote_address = remote;
    request.request_id = core::request_id();
    Response response;
    bool close_after = false;
    bool unread_input = false;  // request bytes left unread: linger before closing
    bool client_keep_alive = false;
    bool head = false;
    unsigned version = 11;

    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (hec) {
      if (hec == bhttp::error::body_limit) {
        // Beast checks Content-Length against the limit while parsing the header.
        response = envelope(ErrorKind::payload_too_large, "payload_too_large", "The request body is too large.");
      } else if (hec == bhttp::error::header_limit) {
        response = envelope(ErrorKind::header_too_large, "header_too_large",
                            "The request line and headers are too large.");
      } else if (hec == beast::error::timeout || hec == bhttp::error::end_of_stream ||
                 hec == asio::error::eof || hec == asio::error::operation_aborted ||
                 hec == asio::error::connection_reset) {
        break;  // a slow or vanished client: nothing to answer
      } else {
        response = envelope(ErrorKind::invalid_input, "bad_request", "The request is not valid HTTP/1.1.");
      }
      close_after = true;
      unread_input = true;
    } else {
      auto& h = parser.get();
      version = h.version();
      client_keep_alive = h.keep_alive();
      auto method = parse_method(std::string_view(h.method_string().data(), h.method_string().size()));
      request.method = method.value_or(Method::options);
      head = request.method == Method::head;
      set_target(request, std::string_view(h.target().data(), h.target().size()));
      for (const auto& f : h) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.headers.emplace_back(std::move(name), std::string(f.value()));
      }
      if (auto rid = request.header("x-request-id"); rid && sane_request_id(*rid)) request.request_id = std::string(*rid);
      if (!opt.trusted_proxies.empty())
        request.remote_address = client_address(remote, request.header("x-forwarded-for"), opt.trusted_proxies);

      bool has_body = parser.content_length().value_or(0) > 0 || parser.chunked();
      if (parser.content_length() && *parser.content_length() > opt.max_body_bytes) {
        response = envelope(ErrorKind::payload_too_large, "payload_too_large", "The request body is too large.");
        close_after = unread_input = true;
      } else if (request.path.empty() || request.path.front() != '/') {
        response = envelope(ErrorKind::invalid_input, "bad_request", "The request target must be a path.");
        close_after = unread_input = has_body;
      } else {
        Match m = router->match(request.method, request.path);
        if (!method && !m.error) {
          m.route = nullptr;
          m.error = Error{ErrorKind::method_not_allowed, "method_not_allowed", "This method is not supported."};
        }
        if (m.error) {
          response = Response::error(*m.error);
          if (!m.allowed.empty()) {
            std::string allow;
            for (auto a : m.allowed) allow += (allow.empty() ? "" : ", ") + std::string(method_name(a));
            response.with_header("Allow", allow);
          }
          // The body was not read: the connection cannot be reused.
          close_after = unread_input = has_body;
        } else {
          request.route = m.route;
          request.params = std::move(m.params);
          if (m.route->ws) {
            if (!websocket::is_upgrade(h)) {
              response = envelope(ErrorKind::invalid_input, "websocket_required", "This address speaks WebSocket only.");
            } else {
              co_await upgrade(stream, parser, request, *conn);
              co_return;
            }
          } else {
            if (has_body) {
              auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
              if (bec == bhttp::error::body_limit) {
                response = envelope(ErrorKind::payload_too_large, "payload_too_large", "The request body is too large.");
                close_after = unread_input = true;
              } else if (bec) {
                break;  // timed out or vanished mid-body
              }
            }
            if (!close_after) {
              request.body = std::move(parser.get().body());
              response = co_await dispatch(request, *router, authenticate);
            }
          }
        }
      }
    }

    bool keep_alive = !close_after && client_keep_alive && !stopping;
    if (response.stream) {
      if (!co_await serve_stream(stream, request, response, version, head, keep_alive, started)) break;
      continue;
    }
    auto res = to_beast(response, version, head, request.request_id, keep_alive);
    stream.expires_after(opt.write_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
    record(request, response.status, response.body.size(), started);
    if (wec || !keep_alive) {
      if (!wec && unread_input) {
        // Lingering close: stop sending, then drain what the client is still sending
        // for a moment, so that closing does not reset the connection before the client
        // read our answer.
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream.expires_after(500ms);
        std::array<char, 4096> sink;
        std::size_t drained = 0;
        while (drained < (1 << 20)) {
          auto [dec, dn] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
          if (dec) break;
          drained += dn;
        }
      }
      break;
    }
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.close();
}

// A streamed response (Response::stream): the header now, then the producer's chunks as it
// writes them. True when the connection may serve another request.
asio::awaitable<bool> Server::Impl::serve_stream(beast::tcp_stream& stream, const Request& request,
                                                 Response& response, unsigned version, bool head,
                                                 bool keep_alive, std::chrono::steady_clock::time_point started) {
  const bool chunked = version >= 11;  // HTTP/1.0 has no chunks: the body ends with the connection
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), version};
  if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
  res.set(bhttp::field::cache_control, "no-cache");
  if (!request.request_id.empty()) res.set("X-Request-Id", request.request_id);
  for (const auto& [k, v] : response.headers) res.set(k, v);
  if (chunked) res.chunked(true);
  keep_alive = keep_alive && chunked;
  res.keep_alive(keep_alive);
  // Each chunk leaves as soon as it is written, not when Nagle's algorithm sees an ACK.
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  bhttp::response_serializer<bhttp::empty_body> sr(res);
  stream.expires_after(opt.write_timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
  if (hec || head) {
    // HEAD: the header GET would get, and no producer run.
    record(request, response.status, 0, started);
    co_return !hec && keep_alive;
  }
  ChunkWriter writer(stream, opt.write_timeout, chunked);
  const bool finished = co_await produce(request, response, writer);
  bool ok = finished && !writer.failed();
  if (ok && chunked) {
    stream.expires_after(opt.write_timeout);
    auto [lec, ln] = co_await asio::async_write(stream, bhttp::make_chunk_last(), kTuple);
    ok = !lec;
  }
  record(request, response.status, writer.bytes(), started);
  co_return ok && keep_alive && !stopping;
}

// Authenticates an upgrade request, then hands the socket over to a WsConnection on one of
// the WebSocket strands and returns, so that the session's frame (its read buffer, parser
// and request) does not live as long as the socket.
asio::awaitable<void> Server::Impl::upgrade(beast::tcp_stream& stream,
                                            bhttp::request_parser<bhttp::string_body>& parser,
                                            Request& request, Conn& conn) {
  auto started = std::chrono::steady_clock::now();
  if (auto refused = co_await prepare(request, *router, authenticate)) {
    auto res = to_beast(*refused, parser.get().version(), false, request.request_id, false);
    stream.expires_after(opt.write_timeout);
    co_await bhttp::async_write(stream, res, kTuple);
    record(request, refused->status, refused->body.size(), started);
    co_return;
  }
  // What the handler keeps of the request: who, which route, the request id and address;
  // not the headers, the target and query (the ticket) or a body — nor their capacity
  // (`x = {}` would keep it: an empty initializer list).
  std::vector<std::pair<std::string, std::string>>().swap(request.headers);
  request.query.clear();
  std::string().swap(request.target);
  std::string().swap(request.body);
  request.json = nullptr;
  stream.expires_never();
  tcp::socket http_socket = stream.release_socket();
  beast::error_code ec;
  const auto protocol = http_socket.local_endpoint(ec).protocol();
  if (ec) co_return;
  const auto native = http_socket.release(ec);
  if (ec) co_return;
  auto ex = ws_strands[next_ws_strand.fetch_add(1) % ws_strands.size()];
  tcp::socket socket(ex);
  socket.assign(protocol, native, ec);
  if (ec) {
    ::close(native);
    co_return;
  }
  auto ws = std::make_shared<WsConnection>(shared_from_this(), conn.id, std::move(socket), std::move(request),
                                           std::make_unique<bhttp::request<bhttp::string_body>>(parser.release()),
                                           started);
  {
    std::lock_guard lock(mu);
    conn.ws = ws;
    conn.strand = ex;
    conn.handed_off = true;
  }
  asio::post(ex, [ws] { ws->start(); });
}

// On the strand `c` had when stop() looked: an idle HTTP connection (or, `hard`, any) is
// closed; a WebSocket is sent 1001 going away (or, `hard`, its socket closed) on its own.
void Server::Impl::nudge(const std::shared_ptr<Conn>& c, bool hard) {
  std::shared_ptr<WsConnection> ws;
  bool handed_off;
  {
    std::lock_guard lock(mu);
    ws = c->ws.lock();
    handed_off = c->handed_off;
  }
  if (handed_off) {
    if (ws)
      asio::post(ws->executor(), [ws, hard] {
        if (hard) ws->abort();
        else ws->close(1001, "going away");
      });
    return;
  }
  if (c->stream && (hard || c->idle)) c->stream->socket().close();
}

void Server::Impl::ended(std::uint64_t id) {
  {
    std::lock_guard lock(mu);
    conns.erase(id);
  }
  if (active.fetch_sub(1) == 1 && stopping) finish_stop();
}

void Server::Impl::finish_stop() {
  std::function<void()> done;
  {
    std::lock_guard lock(mu);
    if (done_called || !on_done) return;
    if (active.load() != 0) return;
    done_called = true;
    done = std::move(on_done);
    if (grace_timer) grace_timer->cancel();
  }
  // Called directly, not posted: once the last connection ended the io_context may have
  // no work left, and a posted callback would never run.
  done();
}

Server::Server(asio::io_context& io, ServerOptions options, std::shared_ptr<const Router> router,
               core::Metrics& metrics, Authenticator authenticate)
    : impl_(std::make_shared<Impl>(io, options, std::move(router), metrics, std::move(authenticate))) {
  metrics.describe("krilin_http_requests_total", "HTTP requests answered, by method, route template and status.");
  metrics.describe("krilin_http_request_duration_seconds", "Time from a request's first byte to its answer.");
  metrics.describe("krilin_http_connections_active", "Open HTTP and WebSocket connections.");
  std::weak_ptr<Impl> weak = impl_;
  metrics.gauge("krilin_http_connections_active", {}, [weak] {
    auto self = weak.lock();
    return self ? static_cast<double>(self->active.load()) : 0.0;
  });
}

Server::~Server() = default;

std::uint16_t Server::listen(const std::string& host, std::uint16_t port) {
  tcp::endpoint ep(asio::ip::make_address(host), port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void Server::start() {
  auto impl = impl_;
  asio::co_spawn(impl->acceptor.get_executor(), impl->accept_loop(), [impl](std::exception_ptr ep) {
    if (!ep) return;
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      core::log_event(spdlog::level::err, "accept loop failed", {{"error", e.what()}});
    }
  });
}

void Server::stop(std::function<void()> done) {
  auto impl = impl_;
  std::vector<std::pair<asio::any_io_executor, std::shared_ptr<Conn>>> conns;
  {
    std::lock_guard lock(impl->mu);
    if (impl->stopping.exchange(true)) return;
    impl->on_done = std::move(done);
    for (auto& [id, c] : impl->conns) conns.emplace_back(c->strand, c);
    impl->grace_timer = std::make_unique<asio::steady_timer>(impl->io, impl->opt.shutdown_grace);
  }
  asio::post(impl->acceptor.get_executor(), [impl] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  // Idle keep-alive connections close now, WebSockets are told 1001 going away; busy
  // requests finish first.
  // (Not a structured binding: clang 14, which builds the fuzz targets, cannot capture one.)
  for (auto& entry : conns) asio::post(entry.first, [impl, c = entry.second] { impl->nudge(c, false); });
  impl->grace_timer->async_wait([impl](beast::error_code ec) {
    if (ec) return;
    std::vector<std::pair<asio::any_io_executor, std::shared_ptr<Conn>>> left;
    {
      std::lock_guard lock(impl->mu);
      for (auto& [id, c] : impl->conns) left.emplace_back(c->strand, c);
    }
    for (auto& entry : left) asio::post(entry.first, [impl, c = entry.second] { impl->nudge(c, true); });
    // Whatever still has not ended (a handler stuck past the grace) does not hold the
    // process: the caller stops the io_context.
    std::function<void()> done;
    {
      std::lock_guard lock(impl->mu);
      if (impl->done_called || !impl->on_done) return;
      impl->done_called = true;
      done = std::move(impl->on_done);
    }
    done();
  });
  if (impl->active.load() == 0) impl->finish_stop();
}

std::size_t Server::active_connections() const { return impl_->active.load(); }

}  // namespace krilin::http
