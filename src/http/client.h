#pragma once
// HttpClient: outbound HTTP/1.1 and HTTPS (Boost.Beast + OpenSSL) for what Krilin calls —
// OpenID providers, LLM APIs, Google/Notion/Strava, S3. One request per connection.
//
// Every call has one deadline covering resolve, connect, TLS handshake, send and receive
// (`timeout`, at most 2 minutes), and a bound on the answer (`max_response_bytes`).
// HTTPS verifies the peer's chain against the system's CAs (plus `ca_file`, for tests and
// private CAs) and its name. No redirects are followed: the caller sees the 3xx.
// Failures are krilin::Exception: invalid_input `invalid_url` for a URL it cannot use,
// timeout `upstream_timeout`, unavailable `upstream_unavailable` (refused, reset, TLS
// failure), unavailable `upstream_too_large` for an answer past the bound.
// Thread-safe: one client (it holds the TLS context) serves many calls at once, from any
// executor; each call has its own connection.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace krilin::http {

namespace asio = boost::asio;

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};
  std::size_t max_response_bytes = 8 << 20;
};

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::optional<std::string_view> header(std::string_view name) const;
};

// How HttpClient::stream() delivers an answer and which deadlines it keeps.
struct StreamOptions {
  // Resolve + connect + TLS handshake + sending the request + receiving the answer's head.
  std::chrono::milliseconds connect_timeout{10000};
  // The longest silence allowed between two reads of the body.
  std::chrono::milliseconds idle_timeout{30000};
  // The whole exchange ends by then at the latest (unset: no overall bound besides the two
  // above). The earlier of this and each of the two timeouts applies.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  // Called once with the status and headers (body empty), before any on_data.
  std::function<void(const ClientResponse&)> on_head;
  // Called with each piece of a 2xx body as it arrives (chunked framing removed); returning
  // false stops reading and closes the connection (stream() then returns normally).
  std::function<bool(std::string_view)> on_data;
};

class HttpClient {
 public:
  struct Options {
    std::string ca_file;  // extra trusted CA certificates (PEM), besides the system's
    std::string user_agent = "krilin";
  };
  explicit HttpClient(Options options);
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  asio::awaitable<ClientResponse> fetch(ClientRequest request);

  // Like fetch(), but a 2xx body is handed to `options.on_data` piece by piece as it arrives
  // (chunked or content-length framed, or up to the end of the connection) and is not kept:
  // the returned response has status and headers and an empty body. Any other status is read
  // whole into `body` (so the caller can parse the error), under the same bound and deadlines.
  // `request.timeout` is not used; `request.max_response_bytes` bounds the body (streamed or
  // not). Failures are thrown as for fetch(): upstream_timeout when a deadline passes (connect,
  // idle or overall), upstream_unavailable when the connection fails or is cut before the body
  // is complete, upstream_too_large past the bound, invalid_url. Exceptions thrown by the
  // callbacks propagate unchanged.
  asio::awaitable<ClientResponse> stream(ClientRequest request, StreamOptions options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace krilin::http
