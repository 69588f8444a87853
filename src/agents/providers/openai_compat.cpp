#include "agents/providers/openai_compat.h"

#include <map>

#include "http/client.h"

namespace krilin::agents {
namespace {

constexpr std::string_view kName = "openai";

std::string str_at(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::string map_finish(std::string_view reason) {
  if (reason == "stop") return "end_turn";
  if (reason == "tool_calls" || reason == "function_call") return "tool_use";
  if (reason == "length") return "max_tokens";
  return std::string(reason);
}

void append_message(json::array& out, const Message& m) {
  std::string text;
  json::array calls;
  for (const auto& b : m.content) {
    switch (b.kind) {
      case Block::Kind::text:
        if (!b.text.empty()) text += text.empty() ? b.text : "\n" + b.text;
        break;
      case Block::Kind::tool_use:
        calls.push_back(json::object{
            {"id", b.id},
            {"type", "function"},
            {"function", json::object{{"name", b.name},
                                      {"arguments", json::serialize(b.input.is_object() ? b.input : json::object{})}}}});
        break;
      case Block::Kind::tool_result:
        out.push_back(json::object{{"role", "tool"},
                                   {"tool_call_id", b.tool_use_id},
                                   {"content", b.is_error ? "Error: " + b.text : b.text}});
        break;
    }
  }
  if (m.role == "assistant") {
    if (text.empty() && calls.empty()) return;
    json::object a{{"role", "assistant"}, {"content", text.empty() ? json::value(nullptr) : json::value(text)}};
    if (!calls.empty()) a["tool_calls"] = std::move(calls);
    out.push_back(std::move(a));
  } else if (!text.empty()) {
    out.push_back(json::object{{"role", m.role}, {"content", text}});
  }
}

class Decoder final : public detail::StreamDecoder {
 public:
  std::optional<Error> on_event(const SseEvent& ev, ModelResponse& out, const TextSink& on_text) override {
    if (ev.data == "[DONE]") {
      done_ = true;
      return std::nullopt;
    }
    boost::system::error_code ec;
    auto v = json::parse(ev.data, ec);
    if (ec || !v.is_object()) return detail::invalid_answer(kName, "an event's data is not a JSON object");
    const auto& o = v.as_object();
    if (auto* e = o.if_contains("error"); e && !e->is_null()) {
      json::object err = e->is_object() ? e->as_object() : json::object{};
      const std::string type = str_at(err, "type"), code = str_at(err, "code");
      const int status = type == "server_error" ? 500 : (code == "rate_limit_exceeded" || type == "requests") ? 429 : 400;
      // Ollama writes {"error": "message"}.
      const std::string message = e->is_string() ? std::string(e->as_string()) : str_at(err, "message");
      return detail::status_error(kName, status, type, message);
    }
    if (out.model.empty()) out.model = str_at(o, "model");
    if (auto* u = o.if_contains("usage"); u && u->is_object()) {
      const auto& usage = u->as_object();
      std::int64_t cached = 0;
      if (auto* d = usage.if_contains("prompt_tokens_details"); d && d->is_object())
        cached = detail::int_of(d->as_object().if_contains("cached_tokens")).value_or(0);
      if (auto p = detail::int_of(usage.if_contains("prompt_tokens"))) out.usage.input_tokens = *p - cached;
      out.usage.cache_read_input_tokens = cached;
      if (auto c = detail::int_of(usage.if_contains("completion_tokens"))) out.usage.output_tokens = *c;
    }
    auto* choices = o.if_contains("choices");
    if (!choices || !choices->is_array() || choices->as_array().empty()) return std::nullopt;
    const auto& choice = choices->as_array().front();
    if (!choice.is_object()) return detail::invalid_answer(kName, "a choice is not an object");
    if (auto* d = choice.as_object().if_contains("delta"); d && d->is_object()) {
      const auto& delta = d->as_object();
      const std::string content = str_at(delta, "content");
      if (!content.empty()) {
        if (text_at_ == npos) {
          out.content.push_back(Block::make_text(""));
          text_at_ = out.content.size() - 1;
        }
        out.content[text_at_].text += content;
        on_text(content);
      }
      if (auto* tc = delta.if_contains("tool_calls"); tc && tc->is_array()) {
        std::int64_t position = 0;
        for (const auto& c : tc->as_array()) {
          if (!c.is_object()) return detail::invalid_answer(kName, "a tool call delta is not an object");
          const auto& call = c.as_object();
          auto& acc = calls_[detail::int_of(call.if_contains("index")).value_or(position)];
          ++position;
          if (auto id = str_at(call, "id"); !id.empty()) acc.id = id;
          if (auto* f = call.if_contains("function"); f && f->is_object()) {
            if (auto name = str_at(f->as_object(), "name"); !name.empty()) acc.name += name;
            acc.arguments += str_at(f->as_object(), "arguments");
          }
        }
      }
    }
    if (auto reason = str_at(choice.as_object(), "finish_reason"); !reason.empty()) out.stop_reason = map_finish(reason);
    return std::nullopt;
  }

  bool complete() const override { return done_; }

  std::optional<Error> finish(ModelResponse& out) override {
    if (!done_ && out.stop_reason.empty())
      return Error::unavailable("upstream_unavailable",
                                "The OpenAI-compatible endpoint's answer was cut short (no finish_reason, no [DONE]).", 5);
    for (auto& [index, call] : calls_) {
      if (call.name.empty()) return detail::invalid_answer(kName, "a tool call without a function name");
      json::value input = json::object{};
      if (!call.arguments.empty()) {
        boost::system::error_code ec;
        input = json::parse(call.arguments, ec);
        if (ec || !input.is_object())
          return detail::invalid_answer(kName, "the arguments of tool call " + call.name + " are not a JSON object");
      }
      Block b;
      b.kind = Block::Kind::tool_use;
      b.id = call.id.empty() ? "call_" + std::to_string(index) : call.id;
      b.name = call.name;
      b.input = std::move(input);
      out.content.push_back(std::move(b));
    }
    calls_.clear();
    return std::nullopt;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  struct Call {
    std::string id, name, arguments;
  };
  std::map<std::int64_t, Call> calls_;
  std::size_t text_at_ = npos;
  bool done_ = false;
};

Error error_of(const http::ClientResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  std::string type, message;
  if (!ec && v.is_object()) {
    if (auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
      type = str_at(e->as_object(), "type");
      message = str_at(e->as_object(), "message");
    } else if (e && e->is_string()) {
      message = std::string(e->as_string());  // Ollama: {"error": "..."}
    }
  }
  if (message.empty() && ec) message = r.body.substr(0, 200);
  return detail::status_error(kName, r.status, type, message, detail::retry_after(r));
}

}  // namespace

json::object openai_request_body(const ModelRequest& request) {
  json::array messages;
  if (!request.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", request.system}});
  for (const auto& m : request.messages) append_message(messages, m);
  json::object body{{"model", request.model},
                    {"max_tokens", request.max_tokens},
                    {"stream", true},
                    {"stream_options", json::object{{"include_usage", true}}},
                    {"messages", std::move(messages)}};
  if (!request.tools.empty()) {
    json::array tools;
    for (const auto& t : request.tools)
      tools.push_back(json::object{
          {"type", "function"},
          {"function", json::object{{"name", t.name}, {"description", t.description}, {"parameters", t.input_schema}}}});
    body["tools"] = std::move(tools);
  }
  return body;
}

OpenAICompatProvider::OpenAICompatProvider(OpenAICompatOptions options, std::shared_ptr<http::HttpClient> client)
    : options_(std::move(options)), client_(std::move(client)) {}

asio::awaitable<ModelResponse> OpenAICompatProvider::complete(ModelRequest request, TextSink on_text) {
  detail::CallSpec spec;
  spec.request.method = "POST";
  spec.request.url = detail::join_url(options_.base_url, "/chat/completions");
  spec.request.headers = {{"content-type", "application/json"}, {"accept", "text/event-stream"}};
  if (!options_.api_key.empty()) spec.request.headers.emplace_back("authorization", "Bearer " + options_.api_key);
  spec.request.body = json::serialize(openai_request_body(request));
  spec.make_decoder = [] { return std::make_unique<Decoder>(); };
  spec.error_of = error_of;
  if (!on_text) on_text = [](std::string_view) {};
  co_return co_await detail::run_call(*client_, options_.retry, request, std::move(spec), std::move(on_text));
}

}  // namespace krilin::agents
