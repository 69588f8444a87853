#include "http/client.h"

#include <algorithm>
#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include "krilin/sdk/result.h"

namespace krilin::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

[[noreturn]] void bad_url(std::string why) { throw Exception(Error::invalid("invalid_url", "The URL cannot be used: " + why + ".")); }
[[noreturn]] void unavailable(std::string why) {
  throw Exception(Error::unavailable("upstream_unavailable", "The remote service cannot be reached: " + why + ".", 5));
}
[[noreturn]] void timed_out() {
  throw Exception(Error{ErrorKind::timeout, "upstream_timeout", "The remote service did not answer in time.", true, 5});
}

struct Target {
  bool tls = false;
  std::string host, port, target;
};

Target parse(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) bad_url("not an absolute URL");
  Target t;
  std::string scheme(u->scheme());
  if (scheme == "https") t.tls = true;
  else if (scheme != "http") bad_url("only http and https are supported");
  t.host = std::string(u->encoded_host());
  if (t.host.empty()) bad_url("no host");
  if (u->has_userinfo()) bad_url("credentials in URLs are not accepted");
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.target = std::string(u->encoded_path());
  if (t.target.empty()) t.target = "/";
  if (u->has_query()) t.target += "?" + std::string(u->encoded_query());
  if (t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  return t;
}

using Clock = std::chrono::steady_clock;

bhttp::request<bhttp::string_body> make_request(const Target& t, const ClientRequest& req, const std::string& user_agent) {
  bhttp::request<bhttp::string_body> r;
  r.method_string(req.method);
  r.target(t.target);
  r.version(11);
  const bool default_port = t.port == (t.tls ? "443" : "80");
  r.set(bhttp::field::host, default_port ? t.host : t.host + ":" + t.port);
  r.set(bhttp::field::user_agent, user_agent);
  r.set(bhttp::field::connection, "close");
  for (const auto& [k, v] : req.headers) r.set(k, v);
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
    r.body() = req.body;
    r.prepare_payload();
  }
  return r;
}

template <class Fields>
void copy_head(const bhttp::response_header<Fields>& res, ClientResponse& out) {
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value()));
  }
}

[[noreturn]] void too_large() {
  throw Exception(Error::unavailable("upstream_too_large", "The remote service answered more than expected.", 5));
}

template <class Stream>
asio::awaitable<ClientResponse> exchange(Stream& stream, const Target& t, const ClientRequest& req,
                                         const std::string& user_agent) {
  auto r = make_request(t, req, user_agent);
  auto [wec, wn] = co_await bhttp::async_write(stream, r, kTuple);
  if (wec == beast::error::timeout) timed_out();
  if (wec) unavailable(wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(req.max_response_bytes);
  auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (rec == beast::error::timeout) timed_out();
  if (rec == bhttp::error::body_limit) too_large();
  if (rec) unavailable(rec.message());
  ClientResponse out;
  copy_head(parser.get().base(), out);
  out.body = std::move(parser.get().body());
  co_return out;
}

// The streamed exchange: the head under `head_deadline`, then each body read under the
// idle timeout (never past `overall`). `lowest` is the TCP layer carrying the deadlines.
template <class Stream>
asio::awaitable<ClientResponse> stream_exchange(Stream& stream, beast::tcp_stream& lowest, const Target& t,
                                                const ClientRequest& req, const std::string& user_agent,
                                                const StreamOptions& o, Clock::time_point head_deadline,
                                                Clock::time_point overall) {
  lowest.expires_at(head_deadline);
  auto r = make_request(t, req, user_agent);
  auto [wec, wn] = co_await bhttp::async_write(stream, r, kTuple);
  if (wec == beast::error::timeout) timed_out();
  if (wec) unavailable(wec.message());
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::buffer_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(req.max_response_bytes);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  if (hec == beast::error::timeout) timed_out();
  if (hec) unavailable(hec.message());
  ClientResponse out;
  copy_head(parser.get().base(), out);
  if (o.on_head) o.on_head(out);
  const bool success = out.status >= 200 && out.status < 300;
  std::array<char, 16 * 1024> chunk{};
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    lowest.expires_at(std::min(Clock::now() + o.idle_timeout, overall));
    // read_some, not read: read() would wait until the buffer is full, holding events back.
    auto [ec, n] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
    if (ec == bhttp::error::need_buffer) ec = {};
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0) {
      const std::string_view piece(chunk.data(), got);
      if (!success) {
        out.body.append(piece);
      } else if (o.on_data && !o.on_data(piece)) {
        break;  // the caller has what it wanted; closing the socket ends the answer
      }
    }
    if (ec == beast::error::timeout) timed_out();
    if (ec == bhttp::error::body_limit) too_large();
    if (ec) unavailable("the answer was cut short (" + ec.message() + ")");
  }
  co_return out;
}

asio::awaitable<beast::tcp_stream> connect(const Target& t, Clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  // Resolve under the deadline (getaddrinfo may hang on a bad DNS).
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  auto resolved = co_await (resolver.async_resolve(t.host, t.port, kTuple) || timer.async_wait(kTuple));
  if (resolved.index() == 1) timed_out();
  auto [rec, endpoints] = std::get<0>(resolved);
  if (rec) unavailable("cannot resolve " + t.host + " (" + rec.message() + ")");
  beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_at(deadline);
  auto [cec, ep] = co_await tcp_stream.async_connect(endpoints, kTuple);
  if (cec == beast::error::timeout) timed_out();
  if (cec) unavailable(cec.message());
  co_return tcp_stream;
}

asio::awaitable<void> handshake(beast::ssl_stream<beast::tcp_stream>& stream, const Target& t) {
  if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str())) unavailable("cannot set the TLS server name");
  stream.set_verify_callback(ssl::host_name_verification(t.host));
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kTuple);
  if (hec == beast::error::timeout) timed_out();
  if (hec) unavailable("TLS handshake failed (" + hec.message() + ")");
}

}  // namespace

std::optional<std::string_view> ClientResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        }))
      return v;
  return std::nullopt;
}

struct HttpClient::Impl {
  Options options;
  ssl::context tls{ssl::context::tls_client};
};

HttpClient::HttpClient() : HttpClient(Options{}) {}

HttpClient::HttpClient(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->tls.set_default_verify_paths();
  if (!impl_->options.ca_file.empty()) impl_->tls.load_verify_file(impl_->options.ca_file);
  impl_->tls.set_verify_mode(ssl::verify_peer);
  impl_->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
}

HttpClient::~HttpClient() = default;

asio::awaitable<ClientResponse> HttpClient::fetch(ClientRequest req) {
  const Target t = parse(req.url);
  const auto timeout = std::min<std::chrono::milliseconds>(req.timeout, std::chrono::minutes(2));
  const auto deadline = Clock::now() + timeout;
  beast::tcp_stream tcp_stream = co_await connect(t, deadline);
  if (!t.tls) {
    auto res = co_await exchange(tcp_stream, t, req, impl_->options.user_agent);
    beast::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return res;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), impl_->tls);
  co_await handshake(stream, t);
  auto res = co_await exchange(stream, t, req, impl_->options.user_agent);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(1));
  co_await stream.async_shutdown(kTuple);  // best effort: servers often just close
  co_return res;
}

asio::awaitable<ClientResponse> HttpClient::stream(ClientRequest req, StreamOptions options) {
  const Target t = parse(req.url);
  const auto overall = options.deadline.value_or(Clock::time_point::max());
  const auto head_deadline = std::min(Clock::now() + options.connect_timeout, overall);
  beast::tcp_stream tcp_stream = co_await connect(t, head_deadline);
  if (!t.tls) {
    auto res = co_await stream_exchange(tcp_stream, tcp_stream, t, req, impl_->options.user_agent, options,
                                        head_deadline, overall);
    beast::error_code ignored;
    tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return res;
  }
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), impl_->tls);
  co_await handshake(stream, t);
  auto res = co_await stream_exchange(stream, beast::get_lowest_layer(stream), t, req, impl_->options.user_agent,
                                      options, head_deadline, overall);
  // No TLS close_notify exchange: the framing already told us the answer was complete (or we
  // stopped on purpose), and waiting for the peer's reply would only add latency.
  co_return res;
}

}  // namespace krilin::http
