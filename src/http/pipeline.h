#pragma once
// The request pipeline between the wire and the handler, free of Beast so that it is
// unit-testable: authentication for routes that need a user, body checks (content type,
// JSON, schema), then the handler. Every failure becomes a Response in the error envelope;
// an exception that is not a krilin::Exception becomes a logged 500.
#include "http/router.h"
#include "http/types.h"

namespace krilin::http {

// Runs authentication (when the route needs it) and body validation; fills
// request.json and request.principal. Returns an error Response to send instead of
// calling the handler, or nullopt to go on.
asio::awaitable<std::optional<Response>> prepare(Request& request, const Router& router,
                                                 const Authenticator& authenticate);

// The body check of prepare(), without coroutines (the request fuzzer calls it): a route
// with a request schema takes application/json, parsed to depth 64 into request.json and
// valid against the schema.
Result<void> check_body(Request& request, const CompiledSchema* schema);

// The client's address: the connection's peer, unless the peer is one of `trusted`
// reverse proxies and the request carries X-Forwarded-For — then the rightmost address in
// that header that is not itself a trusted proxy (what a proxy appended, not what the
// client claimed).
std::string client_address(std::string_view peer, std::optional<std::string_view> forwarded_for,
                           const std::vector<std::string>& trusted);

// Sets target, path and the decoded query parameters from a request target.
void set_target(Request& request, std::string_view target);

// prepare() + the handler, with every exception mapped to the envelope.
asio::awaitable<Response> dispatch(Request& request, const Router& router,
                                   const Authenticator& authenticate);

// Runs a streamed response's producer (Response::stream, set) into `out`. True when it
// returned normally; an exception is logged with the request id and gives false (the
// status line has gone already: the server ends the connection without the last chunk, so
// the client sees an incomplete body rather than a complete wrong one).
asio::awaitable<bool> produce(const Request& request, Response& response, ResponseWriter& out);

}  // namespace krilin::http
