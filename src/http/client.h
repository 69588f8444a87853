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
#include <chrono>
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace krilin::http
