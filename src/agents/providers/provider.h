#pragma once
// A model provider: one streamed model call (a "turn step") behind one interface, so the
// agent loop (src/agents/agent.*) never knows which API it talks to. Implementations:
// anthropic.h (Messages API) and openai_compat.h (chat completions, for local models).
//
// complete() sends one request and streams the answer: `on_text` is called with each text
// delta as it arrives (from the caller's executor; it must not block). It never throws for
// what the provider or the network did: a failure comes back in ModelResponse::error
// (upstream_timeout, upstream_unavailable, upstream_rate_limited, upstream_error,
// upstream_invalid …) together with whatever content and usage had arrived — so a stream cut
// mid-way still reports the input tokens the provider billed, and nothing more. Retries (429
// with retry-after, 529, 5xx, connection failures before any byte of the answer) happen
// inside complete(), within `deadline`. Thread-safe: one Provider serves many calls at once.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::agents {

namespace asio = boost::asio;

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_creation_input_tokens = 0;
  std::int64_t cache_read_input_tokens = 0;
  Usage& operator+=(const Usage& o) {
    input_tokens += o.input_tokens;
    output_tokens += o.output_tokens;
    cache_creation_input_tokens += o.cache_creation_input_tokens;
    cache_read_input_tokens += o.cache_read_input_tokens;
    return *this;
  }
};

// One block of a message. text: `text`. tool_use (assistant): `id`, `name`, `input` (an
// object). tool_result (user): `tool_use_id`, `text` (the result, as JSON text), `is_error`.
struct Block {
  enum class Kind { text, tool_use, tool_result };
  Kind kind = Kind::text;
  std::string text;
  std::string id, name;
  json::value input;  // tool_use: always an object (an invalid input is an error, not a block)
  std::string tool_use_id;
  bool is_error = false;

  static Block make_text(std::string t) { Block b; b.text = std::move(t); return b; }
};

struct Message {
  std::string role;  // "user" | "assistant"
  std::vector<Block> content;
};

struct Tool {
  std::string name;         // ^[a-zA-Z0-9_-]{1,64}$
  std::string description;
  json::object input_schema;  // JSON Schema, type object
};

struct ModelRequest {
  std::string model;
  std::string system;          // sent with a cache breakpoint (Anthropic: cache_control ephemeral)
  std::vector<Tool> tools;     // the last one carries a cache breakpoint too
  std::vector<Message> messages;
  int max_tokens = 1000;
  // Deadlines: the whole call including retries, the connection (connect + TLS + headers of
  // the answer), and the longest silence between two events of a stream.
  std::chrono::milliseconds deadline{60000};
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
};

struct ModelResponse {
  std::string model;        // as the provider reported it
  std::vector<Block> content;  // text and tool_use blocks, in order
  std::string stop_reason;  // end_turn | tool_use | max_tokens | stop_sequence | ... (provider's words, mapped for OpenAI)
  Usage usage;              // what the provider reported (partial when the call failed mid-way)
  int attempts = 0;         // HTTP requests made (1 + retries)
  std::optional<Error> error;  // set when the call failed; content/usage hold what had arrived
};

using TextSink = std::function<void(std::string_view delta)>;

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;  // "anthropic" | "openai"
  virtual asio::awaitable<ModelResponse> complete(ModelRequest request, TextSink on_text) = 0;
};

// Price per million tokens, in US dollars.
struct Price {
  double input = 0, output = 0, cache_write = 0, cache_read = 0;
};
// The cost of `usage` at `price`, in micro-dollars (rounded up: never charge less than used,
// never more than a micro-dollar over).
std::int64_t cost_micros(const Usage& usage, const Price& price);

}  // namespace krilin::agents
