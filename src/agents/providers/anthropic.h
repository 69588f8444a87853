#pragma once
// AnthropicProvider: the Messages API (POST {base}/v1/messages, stream: true) behind Provider.
//
// The request carries the system prompt as one text block and the last tool with a cache
// breakpoint (cache_control {type: ephemeral}), so a stable prefix (tools → system) is
// written to Anthropic's prompt cache once and read on the following calls. The stream's
// text deltas go to `on_text` as they arrive; tool inputs (input_json_delta pieces) are
// parsed when their block stops — one that is not a JSON object ends the call with
// upstream_invalid. Usage comes from message_start and the cumulative message_delta (input,
// output and both cache figures). Unknown events and block types (thinking) are ignored.
//
// Errors (ModelResponse::error, never thrown): 429 upstream_rate_limited (retry_after_seconds
// from retry-after-ms / retry-after; not retryable when the spend limit was reached), 529 /
// 5xx / a mid-stream overloaded_error upstream_unavailable, 408 / 504 / a passed deadline
// upstream_timeout, 400 / 401 / 403 / 404 / 413 upstream_error carrying Anthropic's message,
// a malformed stream upstream_invalid, a cut stream upstream_unavailable — each with the
// content and usage that had arrived. Retries follow RetryPolicy (call.h).
// Thread-safe: the options are immutable and every call has its own state.
#include <memory>
#include <string>

#include "agents/providers/call.h"
#include "agents/providers/provider.h"

namespace krilin::http {
class HttpClient;
}

namespace krilin::agents {

struct AnthropicOptions {
  std::string api_key;
  std::string base_url = "https://api.anthropic.com";
  std::string version = "2026-10-21";  // the anthropic-version header
  bool bearer_auth = true;             // Authorization: Bearer <key>; false: x-api-key: <key>
  RetryPolicy retry;
};

class AnthropicProvider final : public Provider {
 public:
  // `client` is shared (it holds the TLS context); it must outlive the provider's calls.
  AnthropicProvider(AnthropicOptions options, std::shared_ptr<http::HttpClient> client);
  std::string_view name() const override { return "anthropic"; }
  asio::awaitable<ModelResponse> complete(ModelRequest request, TextSink on_text) override;

 private:
  AnthropicOptions options_;
  std::shared_ptr<http::HttpClient> client_;
};

// The JSON body of a streamed Messages request (pure; unit-tested). Empty text blocks are
// left out (the API refuses them); a tool_result's `text` goes as its content string.
json::object anthropic_request_body(const ModelRequest& request);

}  // namespace krilin::agents
