#pragma once
// The HTTP vocabulary handlers see: Request, Response, Route. No Beast here — handlers in
// src/api include this header and Asio's awaitable only; the Beast code stays in
// server.cpp and websocket.cpp.
#include <any>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::http {

namespace asio = boost::asio;

enum class Method { get, head, post, put, patch, del, options };

std::string_view method_name(Method m);  // "GET", "DELETE", ...
std::optional<Method> parse_method(std::string_view s);

struct Route;

struct Request {
  Method method = Method::get;
  std::string target;  // as received: path and query
  std::string path;    // without the query
  std::map<std::string, std::string> query;  // percent-decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  Json json;  // the parsed, validated body when the route declares a request schema
  std::map<std::string, std::string> params;  // path parameters, percent-decoded
  std::string request_id;
  std::string remote_address;
  std::any principal;  // set by the authenticator for routes that need a user
  const Route* route = nullptr;

  // Case-insensitive header lookup; the first value when repeated.
  std::optional<std::string_view> header(std::string_view name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

// The body of a streamed response, as its producer sees it (see Response::stream).
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // Sends `chunk` at once (one HTTP/1.1 chunk, flushed). False once the client has gone or
  // the write deadline passed; the producer should then stop.
  virtual asio::awaitable<bool> write(std::string_view chunk) = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";
  // When set, `body` is ignored: the server sends the status and headers with
  // `Transfer-Encoding: chunked` (and `Cache-Control: no-cache`), then runs `stream`, which
  // writes the body as it is produced (Server-Sent Events). The connection is kept alive
  // afterwards only when the producer returned normally and every write succeeded.
  std::function<asio::awaitable<void>(ResponseWriter&)> stream;

  static Response json(int status, const Json& value);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();
  // The error envelope with the Error's status, and Retry-After when it says so.
  static Response error(const Error& e);

  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<asio::awaitable<Response>(Request&)>;

// An accepted WebSocket, as its handler sees it. Outgoing messages go through a bounded
// queue: when a slow client lets it fill, the socket is closed with 1008 rather than
// memory growing. Methods are called from the handler's coroutine only.
class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // The next text message, or nullopt once the peer closed or the socket failed.
  virtual asio::awaitable<std::optional<std::string>> receive() = 0;
  // Queues a message; false when the socket is closed or was closed for falling behind.
  virtual bool send(std::string text) = 0;
  // The same for bytes shared with other sockets (one serialization of an event for all of
  // its subscribers): they are written as they are, never copied. The default copies.
  virtual bool send_shared(std::shared_ptr<const std::string> text) { return send(*text); }
  virtual void close(int code, std::string reason) = 0;
  virtual const Request& request() const = 0;
};

using WebSocketHandler = std::function<asio::awaitable<void>(WebSocket&)>;

// Fills Request::principal for routes that need a signed-in user, or says why not (401).
using Authenticator = std::function<asio::awaitable<Result<std::any>>(Request&)>;

// One entry of the route table. The table is data: OpenAPI is generated from it and the
// body is validated against request_schema before the handler runs.
struct Route {
  Method method = Method::get;
  std::string path;        // "/api/v1/apps/{id}/install"
  bool auth_required = false;
  Json request_schema;     // JSON Schema of the body; null when the route takes no body
  Json response_schema;    // JSON Schema of the 2xx answer (for non-JSON: {"type":"string"})
  std::string content_type = "application/json";  // of the answer
  int success_status = 200;
  std::string summary;
  std::string tag;
  Handler handler;
  WebSocketHandler ws;     // set for WebSocket routes (GET + Upgrade)
  bool no_body = false;    // a POST/PUT/PATCH that deliberately takes no body
  // With auth_required: this route's own way of knowing the caller (e.g. a WebSocket
  // ticket), instead of the server's bearer authenticator.
  Authenticator authenticate;
};

}  // namespace krilin::http
