#pragma once
// OpenAICompatProvider: OpenAI-compatible chat completions (POST {base}/chat/completions,
// base including /v1; stream: true, stream_options.include_usage) behind Provider — what
// Ollama, llama.cpp's server and vLLM serve for local models, and OpenAI itself.
//
// Mapping to the Provider's Anthropic-shaped vocabulary: the system prompt is the first
// `system` message; tools are function tools; an assistant tool_use becomes a message with
// `tool_calls` (arguments as JSON text); each tool_result becomes a `tool` message (an error
// result's text is prefixed "Error: ", the format has no flag for it), placed before any text
// of the same user message. Streamed tool_calls deltas are gathered by index and their
// arguments parsed at the end (not a JSON object → upstream_invalid). finish_reason stop →
// end_turn, tool_calls → tool_use, length → max_tokens (others pass through). Usage:
// prompt_tokens minus prompt_tokens_details.cached_tokens → input_tokens, the cached ones →
// cache_read_input_tokens, completion_tokens → output_tokens.
// Errors and retries as AnthropicProvider (anthropic.h); a stream that ends without
// `data: [DONE]` is accepted when a finish_reason came. Thread-safe.
#include <memory>
#include <string>

#include "agents/providers/call.h"
#include "agents/providers/provider.h"

namespace krilin::agents {

struct OpenAICompatOptions {
  std::string api_key;   // empty: no Authorization header (local servers)
  std::string base_url;  // e.g. http://127.0.0.1:11434/v1
  RetryPolicy retry;
};

class OpenAICompatProvider final : public Provider {
 public:
  OpenAICompatProvider(OpenAICompatOptions options, std::shared_ptr<http::HttpClient> client);
  std::string_view name() const override { return "openai"; }
  asio::awaitable<ModelResponse> complete(ModelRequest request, TextSink on_text) override;

 private:
  OpenAICompatOptions options_;
  std::shared_ptr<http::HttpClient> client_;
};

// The JSON body of a streamed chat completions request (pure; unit-tested).
json::object openai_request_body(const ModelRequest& request);

}  // namespace krilin::agents
