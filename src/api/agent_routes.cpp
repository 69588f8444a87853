#include "api/agent_routes.h"

#include "api/auth_routes.h"
#include "api/route.h"

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

platform::Caller caller_of(const Request& req) {
  const auto& p = principal(req);
  return {p.user_id, p.address};
}

// One Server-Sent Event: `event: name` and the JSON on one `data:` line (JSON text has no
// raw newlines, so one line always suffices).
std::string sse(const std::string& event, const json::object& data) {
  return "event: " + event + "\ndata: " + json::serialize(data) + "\n\n";
}

// The turn as an event stream, each event flushed as it happens.
Response stream_turn(agents::AgentService& agents, agents::Turn turn) {
  Response r;
  r.status = 200;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("X-Accel-Buffering", "no");
  r.stream = [&agents, turn = std::move(turn)](http::ResponseWriter& out) mutable -> asio::awaitable<void> {
    co_await agents.run(std::move(turn), [&out](const std::string& event, json::object data) -> asio::awaitable<bool> {
      co_return co_await out.write(sse(event, data));
    });
  };
  return r;
}

constexpr std::string_view kStreamSchema = R"({"type":"string","description":"text/event-stream: conversation, text, tool_call, tool_result, confirmation_required, done, error"})";

}  // namespace

void add_agent_routes(http::Router& router, agents::AgentService& agents) {
  add_user_route(
      router,
      {Method::post, "/api/v1/apps/{id}/agent/chat",
       "Talk to the app's agent: the reply streams as Server-Sent Events (conversation, text, tool_call, tool_result, "
       "confirmation_required, done, error).",
       "agents",
       R"({"type":"object","required":["message"],"additionalProperties":false,"properties":{
          "message":{"type":"string"},"conversation_id":{"type":"string","maxLength":64}}})",
       kStreamSchema,
       [&agents](Request& req) -> asio::awaitable<Response> {
         const auto& body = req.json.as_object();
         std::optional<std::string> cid;
         if (const auto* c = body.if_contains("conversation_id")) cid = std::string(c->as_string());
         auto turn = co_await agents.prepare_chat(caller_of(req), req.param("id"), std::string(body.at("message").as_string()),
                                                  cid);
         co_return stream_turn(agents, std::move(turn));
       },
       200, "text/event-stream"});
  add_user_route(
      router,
      {Method::post, "/api/v1/apps/{id}/agent/confirm",
       "Answer a confirmation_required: approve runs the paused action, otherwise it is cancelled; the turn goes on "
       "as Server-Sent Events.",
       "agents",
       R"({"type":"object","required":["id","approve"],"additionalProperties":false,"properties":{
          "id":{"type":"string","maxLength":64},"approve":{"type":"boolean"}}})",
       kStreamSchema,
       [&agents](Request& req) -> asio::awaitable<Response> {
         const auto& body = req.json.as_object();
         auto turn = co_await agents.prepare_confirm(caller_of(req), req.param("id"), std::string(body.at("id").as_string()),
                                                     body.at("approve").as_bool());
         co_return stream_turn(agents, std::move(turn));
       },
       200, "text/event-stream"});
  add_user_route(
      router,
      {Method::post, "/api/v1/apps/{id}/agent-query",
       "Ask the app's agent one question and get one JSON answer (for scripts and apps): a destructive action is not "
       "run but left awaiting confirmation.",
       "agents",
       R"({"type":"object","required":["question"],"additionalProperties":false,"properties":{
          "question":{"type":"string"},"conversation_id":{"type":"string","maxLength":64}}})",
       R"({"type":"object","required":["conversation_id","answer","status","routed","tool_calls","usage","cost_micros"]})",
       [&agents](Request& req) -> asio::awaitable<Response> {
         const auto& body = req.json.as_object();
         std::optional<std::string> cid;
         if (const auto* c = body.if_contains("conversation_id")) cid = std::string(c->as_string());
         auto turn = co_await agents.prepare_chat(caller_of(req), req.param("id"),
                                                  std::string(body.at("question").as_string()), cid);
         std::string answer;
         json::array calls;
         json::object done;
         json::value error = nullptr, confirmation = nullptr;
         co_await agents.run(std::move(turn), [&](const std::string& event, json::object data) -> asio::awaitable<bool> {
           if (event == "text") answer += data.at("delta").as_string();
           else if (event == "tool_call") calls.push_back(std::move(data));
           else if (event == "tool_result") {
             for (auto& c : calls)
               if (c.as_object().at("id") == data.at("id")) {
                 c.as_object()["ok"] = data.at("ok");
                 if (auto* r = data.if_contains("result")) c.as_object()["result"] = *r;
                 if (auto* e = data.if_contains("error")) c.as_object()["error"] = *e;
               }
           } else if (event == "confirmation_required") confirmation = std::move(data);
           else if (event == "error") error = data.at("error");
           else if (event == "done") done = std::move(data);
           co_return true;
         });
         json::object out{{"conversation_id", done.contains("conversation_id") ? done.at("conversation_id") : json::value("")},
                          {"answer", answer},
                          {"status", done.contains("status") ? done.at("status") : json::value("completed")},
                          {"routed", done.contains("routed") ? done.at("routed") : json::value(false)},
                          {"tool_calls", std::move(calls)},
                          {"usage", done.contains("usage") ? done.at("usage") : json::value(json::object{})},
                          {"cost_micros", done.contains("cost_micros") ? done.at("cost_micros") : json::value(0)},
                          {"confirmation", confirmation},
                          {"error", error}};
         co_return Response::json(200, out);
       }});
  add_user_route(router, {Method::get, "/api/v1/apps/{id}/agent/conversations",
                          "The caller's conversations with the app's agent, most recent first.", "agents", {},
                          R"({"type":"object","required":["items"]})",
                          [&agents](Request& req) -> asio::awaitable<Response> {
                            co_return Response::json(200, co_await agents.conversations(principal(req).user_id,
                                                                                        req.param("id")));
                          }});
  add_user_route(router, {Method::get, "/api/v1/apps/{id}/agent/conversations/{cid}",
                          "One conversation: its messages, tool calls and any pending confirmation.", "agents", {},
                          R"({"type":"object","required":["id","messages","pending_confirmation"]})",
                          [&agents](Request& req) -> asio::awaitable<Response> {
                            co_return Response::json(200, co_await agents.conversation(principal(req).user_id,
                                                                                       req.param("id"), req.param("cid")));
                          }});
  add_user_route(router, {Method::del, "/api/v1/apps/{id}/agent/conversations/{cid}", "Delete one conversation.",
                          "agents", {}, R"({"type":"null"})",
                          [&agents](Request& req) -> asio::awaitable<Response> {
                            co_await agents.remove_conversation(principal(req).user_id, req.param("id"), req.param("cid"));
                            co_return Response::no_content();
                          },
                          204});
  add_user_route(router, {Method::get, "/api/v1/usage",
                          "The caller's AI spend: today against the daily cap, and per day, app and model for 30 days.",
                          "agents", {}, R"({"type":"object","required":["today","days"]})",
                          [&agents](Request& req) -> asio::awaitable<Response> {
                            co_return Response::json(200, co_await agents.usage(principal(req).user_id));
                          }});
}

}  // namespace krilin::api
