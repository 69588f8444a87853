#pragma once
// ScriptedProvider: the test double of Provider, for the agent runtime's unit tests. Each
// complete() takes the next scripted ModelResponse (or, past the end of the script, an
// upstream_error "script_exhausted"), streams its text blocks to on_text a word at a time,
// records the request, and returns it. No I/O, no timers: a test runs it on any io_context.
// Thread-safe (one mutex).
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "agents/providers/provider.h"

namespace krilin::agents::testing {

class ScriptedProvider final : public Provider {
 public:
  explicit ScriptedProvider(std::string name = "scripted") : name_(std::move(name)) {}

  // Appends one answer to the script.
  void push(ModelResponse response) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(response));
  }
  // Shorthands: a text answer, and a tool call answer, with the given usage.
  void push_text(std::string text, Usage usage = {1, 1, 0, 0}) {
    ModelResponse r;
    r.content.push_back(Block::make_text(std::move(text)));
    r.stop_reason = "end_turn";
    r.usage = usage;
    push(std::move(r));
  }
  void push_tool_use(std::string id, std::string name, json::object input, Usage usage = {1, 1, 0, 0}) {
    ModelResponse r;
    Block b;
    b.kind = Block::Kind::tool_use;
    b.id = std::move(id);
    b.name = std::move(name);
    b.input = std::move(input);
    r.content.push_back(std::move(b));
    r.stop_reason = "tool_use";
    r.usage = usage;
    push(std::move(r));
  }

  // The requests received so far, in order (copies).
  std::vector<ModelRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t remaining() const {
    std::lock_guard lock(mutex_);
    return script_.size();
  }

  std::string_view name() const override { return name_; }

  asio::awaitable<ModelResponse> complete(ModelRequest request, TextSink on_text) override {
    ModelResponse r;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (script_.empty()) {
        r.error = Error{ErrorKind::internal, "upstream_error", "ScriptedProvider: the script has no answer left."};
        r.attempts = 1;
        co_return r;
      }
      r = std::move(script_.front());
      script_.pop_front();
    }
    if (r.model.empty()) r.model = request.model;
    if (r.attempts == 0) r.attempts = 1;
    if (on_text) {
      for (const auto& b : r.content) {
        if (b.kind != Block::Kind::text) continue;
        std::size_t at = 0;
        while (at < b.text.size()) {
          auto end = b.text.find(' ', at);
          end = end == std::string::npos ? b.text.size() : end + 1;
          on_text(std::string_view(b.text).substr(at, end - at));
          at = end;
        }
      }
    }
    co_return r;
  }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  std::deque<ModelResponse> script_;
  std::vector<ModelRequest> requests_;
};

}  // namespace krilin::agents::testing
