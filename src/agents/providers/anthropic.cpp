#include "agents/providers/anthropic.h"

#include <algorithm>
#include <map>

#include "http/client.h"

namespace krilin::agents {
namespace {

constexpr std::string_view kName = "anthropic";

json::object cache_breakpoint() { return json::object{{"type", "ephemeral"}}; }

json::array content_of(const Message& m) {
  json::array blocks;
  for (const auto& b : m.content) {
    switch (b.kind) {
      case Block::Kind::text:
        if (!b.text.empty()) blocks.push_back(json::object{{"type", "text"}, {"text", b.text}});
        break;
      case Block::Kind::tool_use:
        blocks.push_back(json::object{{"type", "tool_use"},
                                      {"id", b.id},
                                      {"name", b.name},
                                      {"input", b.input.is_object() ? b.input : json::object{}}});
        break;
      case Block::Kind::tool_result: {
        json::object r{{"type", "tool_result"}, {"tool_use_id", b.tool_use_id}, {"content", b.text}};
        if (b.is_error) r["is_error"] = true;
        blocks.push_back(std::move(r));
        break;
      }
    }
  }
  return blocks;
}

// Error event types (in a stream, or a non-2xx body) as the HTTP status they stand for.
int status_of_type(std::string_view type) {
  if (type == "rate_limit_error") return 429;
  if (type == "overloaded_error") return 529;
  if (type == "api_error") return 500;
  if (type == "timeout_error") return 504;
  if (type == "authentication_error") return 401;
  if (type == "permission_error") return 403;
  if (type == "not_found_error") return 404;
  if (type == "request_too_large") return 413;
  return 400;
}

std::string str_at(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

void read_usage(const json::object& u, Usage& usage) {
  // Every figure present overwrites: message_delta's usage is cumulative.
  if (auto v = detail::int_of(u.if_contains("input_tokens"))) usage.input_tokens = *v;
  if (auto v = detail::int_of(u.if_contains("output_tokens"))) usage.output_tokens = *v;
  if (auto v = detail::int_of(u.if_contains("cache_creation_input_tokens"))) usage.cache_creation_input_tokens = *v;
  if (auto v = detail::int_of(u.if_contains("cache_read_input_tokens"))) usage.cache_read_input_tokens = *v;
}

class Decoder final : public detail::StreamDecoder {
 public:
  std::optional<Error> on_event(const SseEvent& ev, ModelResponse& out, const TextSink& on_text) override {
    static constexpr std::string_view known[] = {"message_start", "content_block_start", "content_block_delta",
                                                 "content_block_stop", "message_delta", "message_stop",
                                                 "ping", "error"};
    // The event name repeats the JSON type; unnamed events fall back to the type.
    std::string_view name = ev.event;
    const bool named = name != "message";
    if (named && std::find(std::begin(known), std::end(known), name) == std::end(known)) return std::nullopt;
    boost::system::error_code ec;
    auto v = json::parse(ev.data, ec);
    if (ec || !v.is_object()) return detail::invalid_answer(kName, "an event's data is not a JSON object");
    const auto& o = v.as_object();
    const std::string type = str_at(o, "type");
    if (!named) name = type;

    if (name == "message_start") {
      auto* m = o.if_contains("message");
      if (!m || !m->is_object()) return detail::invalid_answer(kName, "message_start without a message");
      out.model = str_at(m->as_object(), "model");
      if (auto* u = m->as_object().if_contains("usage"); u && u->is_object()) read_usage(u->as_object(), out.usage);
      started_ = true;
    } else if (name == "content_block_start") {
      auto index = detail::int_of(o.if_contains("index"));
      auto* b = o.if_contains("content_block");
      if (!index || !b || !b->is_object()) return detail::invalid_answer(kName, "content_block_start without index or block");
      const auto& block = b->as_object();
      const std::string btype = str_at(block, "type");
      Open open;
      if (btype == "text") {
        open.kind = Open::text;
        out.content.push_back(Block::make_text(str_at(block, "text")));
        open.position = out.content.size() - 1;
        if (!out.content.back().text.empty()) on_text(out.content.back().text);
      } else if (btype == "tool_use") {
        open.kind = Open::tool;
        open.id = str_at(block, "id");
        open.name = str_at(block, "name");
        if (open.id.empty() || open.name.empty()) return detail::invalid_answer(kName, "a tool_use block without id or name");
      }
      open_[*index] = std::move(open);
    } else if (name == "content_block_delta") {
      auto index = detail::int_of(o.if_contains("index"));
      auto* d = o.if_contains("delta");
      if (!index || !d || !d->is_object()) return detail::invalid_answer(kName, "content_block_delta without index or delta");
      auto it = open_.find(*index);
      if (it == open_.end()) return detail::invalid_answer(kName, "a delta for a block that was not started");
      const auto& delta = d->as_object();
      const std::string dtype = str_at(delta, "type");
      if (dtype == "text_delta" && it->second.kind == Open::text) {
        const std::string text = str_at(delta, "text");
        out.content[it->second.position].text += text;
        if (!text.empty()) on_text(text);
      } else if (dtype == "input_json_delta" && it->second.kind == Open::tool) {
        it->second.json += str_at(delta, "partial_json");
      }
    } else if (name == "content_block_stop") {
      auto index = detail::int_of(o.if_contains("index"));
      if (!index) return detail::invalid_answer(kName, "content_block_stop without index");
      auto it = open_.find(*index);
      if (it == open_.end()) return detail::invalid_answer(kName, "a stop for a block that was not started");
      if (it->second.kind == Open::tool) {
        json::value input = json::object{};
        if (!it->second.json.empty()) {
          input = json::parse(it->second.json, ec);
          if (ec || !input.is_object())
            return detail::invalid_answer(kName, "the input of tool call " + it->second.name + " is not a JSON object");
        }
        Block b;
        b.kind = Block::Kind::tool_use;
        b.id = std::move(it->second.id);
        b.name = std::move(it->second.name);
        b.input = std::move(input);
        out.content.push_back(std::move(b));
      }
      open_.erase(it);
    } else if (name == "message_delta") {
      if (auto* d = o.if_contains("delta"); d && d->is_object()) {
        const std::string stop = str_at(d->as_object(), "stop_reason");
        if (!stop.empty()) out.stop_reason = stop;
      }
      if (auto* u = o.if_contains("usage"); u && u->is_object()) read_usage(u->as_object(), out.usage);
    } else if (name == "message_stop") {
      done_ = true;
    } else if (name == "error") {
      json::object err;
      if (auto* e = o.if_contains("error"); e && e->is_object()) err = e->as_object();
      const std::string etype = str_at(err, "type");
      return detail::status_error(kName, status_of_type(etype), etype, str_at(err, "message"));
    }
    return std::nullopt;
  }

  bool complete() const override { return done_; }

  std::optional<Error> finish(ModelResponse&) override {
    if (done_) return std::nullopt;
    return Error::unavailable("upstream_unavailable",
                              started_ ? "Anthropic's answer was cut short (the stream ended before message_stop)."
                                       : "Anthropic's answer had no message (the stream ended before message_start).",
                              5);
  }

 private:
  struct Open {
    enum Kind { other, text, tool } kind = other;
    std::size_t position = 0;  // text: where in out.content
    std::string id, name, json;
  };
  std::map<std::int64_t, Open> open_;
  bool started_ = false;
  bool done_ = false;
};

Error error_of(const http::ClientResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  std::string type, message;
  bool spend_limit = false;
  if (!ec && v.is_object()) {
    if (auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      type = str_at(e->as_object(), "type");
      message = str_at(e->as_object(), "message");
      if (auto* d = e->as_object().if_contains("details"); d && d->is_object())
        spend_limit = str_at(d->as_object(), "error_code") == "enforced_spend_limit_reached";
    }
  }
  if (message.empty() && ec) message = r.body.substr(0, 200);
  return detail::status_error(kName, r.status, type, message, detail::retry_after(r), spend_limit);
}

}  // namespace

json::object anthropic_request_body(const ModelRequest& request) {
  json::object body{{"model", request.model}, {"max_tokens", request.max_tokens}, {"stream", true}};
  if (!request.system.empty()) {
    body["system"] = json::array{
        json::object{{"type", "text"}, {"text", request.system}, {"cache_control", cache_breakpoint()}}};
  }
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& t : request.tools)
      tools.push_back(json::object{{"name", t.name}, {"description", t.description}, {"input_schema", t.input_schema}});
    tools.back().as_object()["cache_control"] = cache_breakpoint();
    body["tools"] = std::move(tools);
  }
  json::array messages;
  for (const auto& m : request.messages) messages.push_back(json::object{{"role", m.role}, {"content", content_of(m)}});
  body["messages"] = std::move(messages);
  return body;
}

AnthropicProvider::AnthropicProvider(AnthropicOptions options, std::shared_ptr<http::HttpClient> client)
    : options_(std::move(options)), client_(std::move(client)) {}

asio::awaitable<ModelResponse> AnthropicProvider::complete(ModelRequest request, TextSink on_text) {
  detail::CallSpec spec;
  spec.request.method = "POST";
  spec.request.url = detail::join_url(options_.base_url, "/v1/messages");
  spec.request.headers = {{"content-type", "application/json"},
                          {"accept", "text/event-stream"},
                          {"anthropic-version", options_.version}};
  if (options_.bearer_auth) spec.request.headers.emplace_back("authorization", "Bearer " + options_.api_key);
  else spec.request.headers.emplace_back("x-api-key", options_.api_key);
  spec.request.body = json::serialize(anthropic_request_body(request));
  spec.make_decoder = [] { return std::make_unique<Decoder>(); };
  spec.error_of = error_of;
  if (!on_text) on_text = [](std::string_view) {};
  co_return co_await detail::run_call(*client_, options_.retry, request, std::move(spec), std::move(on_text));
}

}  // namespace krilin::agents
