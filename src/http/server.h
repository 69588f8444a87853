#pragma once
// Server: HTTP/1.1 with keep-alive and WebSocket upgrade on one port, one coroutine per
// connection on its own strand, run by the io_context's threads (the caller runs them).
//
// Limits (ServerOptions): header bytes (431), body bytes (413, refused from
// Content-Length before reading), a deadline for a whole request once its first byte
// arrived (slow clients are disconnected), an idle deadline between keep-alive requests,
// and a write deadline. Garbage gets 400 in the envelope, then the connection closes.
//
// Streamed responses (Response::stream): the header with `Transfer-Encoding: chunked`, then
// each ResponseWriter::write as one chunk, sent at once under the write deadline.
//
// WebSockets: once upgraded, a socket leaves its HTTP session (whose buffers are freed) for
// one of a few shared strands, where its writes are chained from send() without a
// coroutine of their own.
//
// Graceful stop: stop() closes the acceptor and idle connections at once and sends every
// WebSocket a 1001 "going away" close frame; connections in the middle of a request (or of
// a streamed response) finish it and answer with `Connection: close`; after `grace` the
// rest are closed. Then `done` runs (on an io thread). Thread-safe: stop() may be called
// from any thread, once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/metrics.h"
#include "http/router.h"

namespace krilin::http {

struct ServerOptions {
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 << 10;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds shutdown_grace{10000};
  bool access_log = true;
  std::size_t ws_queue_limit = 256;  // queued outgoing WebSocket messages per connection
  std::chrono::milliseconds ws_idle_timeout{60000};
  std::size_t ws_max_message_bytes = 64 * 1024;  // a bigger incoming message closes the socket with 1009
};

class Server {
 public:
  Server(asio::io_context& io, ServerOptions options, std::shared_ptr<const Router> router,
         core::Metrics& metrics, Authenticator authenticate = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 picks a free one) and returns the bound port. Throws
  // std::system_error when the address cannot be bound.
  std::uint16_t listen(const std::string& host, std::uint16_t port);
  // Starts accepting connections (on the io_context's threads).
  void start();
  // Graceful stop, see above.
  void stop(std::function<void()> done);

  std::size_t active_connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace krilin::http
