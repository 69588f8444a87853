#pragma once
// What the two providers share (internal to src/agents/providers): one model call as a loop
// of HTTP attempts with retries, the SSE plumbing, and the mapping of the providers' errors
// to krilin::Error codes. anthropic.cpp and openai_compat.cpp supply only their wire format:
// the request, a decoder of their events and a reader of their error bodies.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agents/providers/provider.h"
#include "agents/providers/sse.h"
#include "http/client.h"

namespace krilin::agents {

// Retries of one call: 408, 409, 429 (unless the spend limit was reached), 5xx and 529, and
// connection failures before any byte of the answer's body; never once a 2xx body started (a
// stream cut after text reached the caller is not repeated). The wait is the provider's
// retry-after-ms, else retry-after (seconds), else exponential backoff with full jitter:
// uniform in [0, min(max_backoff, base_backoff · 2^(attempt-1))]. A wait that would end past
// the call's deadline is not started: the last error comes back instead.
struct RetryPolicy {
  int max_attempts = 3;  // the official SDKs' default: 1 + 2 retries
  std::chrono::milliseconds base_backoff{500};
  std::chrono::milliseconds max_backoff{8000};
};

namespace detail {

// Turns one provider's stream of events into a ModelResponse. One decoder per attempt.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  // One event; text deltas go to `on_text` as they come. An error ends the stream with it
  // (an error event, malformed JSON, an invalid tool input).
  virtual std::optional<Error> on_event(const SseEvent& event, ModelResponse& out, const TextSink& on_text) = 0;
  // The final event arrived: no need to read further.
  virtual bool complete() const = 0;
  // The body ended: completes `out` (tool calls gathered so far) or says why it is incomplete.
  virtual std::optional<Error> finish(ModelResponse& out) = 0;
};

struct CallSpec {
  http::ClientRequest request;  // method, url, headers, body
  std::function<std::unique_ptr<StreamDecoder>()> make_decoder;
  // A non-2xx answer as an Error (retryable set as the provider's rules say).
  std::function<Error(const http::ClientResponse&)> error_of;
};

asio::awaitable<ModelResponse> run_call(http::HttpClient& client, const RetryPolicy& policy,
                                        const ModelRequest& request, CallSpec spec, TextSink on_text);

// The Error for an HTTP status (or a stream error of the same meaning): 429 →
// rate_limited upstream_rate_limited (not retryable when `spend_limit`), 408/504 → timeout
// upstream_timeout, 409/5xx/529 → unavailable upstream_unavailable (all three retryable),
// anything else → internal upstream_error with the provider's message (not retryable).
// details: {status, type, message} of the provider.
Error status_error(std::string_view provider, int status, std::string_view type, std::string_view message,
                   std::optional<std::chrono::milliseconds> retry_after = std::nullopt, bool spend_limit = false);
// retry-after-ms (milliseconds), else retry-after (seconds); nullopt when neither parses.
std::optional<std::chrono::milliseconds> retry_after(const http::ClientResponse& response);
// unavailable upstream_invalid: the provider's answer does not follow its protocol.
Error invalid_answer(std::string_view provider, std::string_view why);
// A number in a JSON value, when it is one.
std::optional<std::int64_t> int_of(const json::value* v);
// "…/v1" + "/messages" without a doubled slash.
std::string join_url(std::string_view base, std::string_view path);

}  // namespace detail
}  // namespace krilin::agents
