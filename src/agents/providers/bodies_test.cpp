// The request bodies both providers build, checked field by field.
#include <gtest/gtest.h>

#include "agents/providers/anthropic.h"
#include "agents/providers/openai_compat.h"

namespace krilin::agents {
namespace {

ModelRequest tool_loop_request() {
  ModelRequest r;
  r.model = "claude-haiku-4-5";
  r.system = "You log runs.";
  r.max_tokens = 300;
  r.tools.push_back(Tool{"log_run", "Logs a run.", json::parse(R"({"type":"object","properties":{"km":{"type":"number"}}})").as_object()});
  r.tools.push_back(Tool{"list_runs", "Lists runs.", json::object{{"type", "object"}}});
  r.messages.push_back(Message{"user", {Block::make_text("log 5 km")}});
  Block use;
  use.kind = Block::Kind::tool_use;
  use.id = "toolu_1";
  use.name = "log_run";
  use.input = json::object{{"km", 5}};
  r.messages.push_back(Message{"assistant", {Block::make_text("Logging."), use}});
  Block result;
  result.kind = Block::Kind::tool_result;
  result.tool_use_id = "toolu_1";
  result.text = R"({"id":7})";
  Block failed = result;
  failed.is_error = true;
  failed.text = "no such run";
  r.messages.push_back(Message{"user", {result, Block::make_text("and thanks")}});
  r.messages.push_back(Message{"user", {failed}});
  return r;
}

TEST(AnthropicBody, SystemAndLastToolCarryCacheBreakpointsAndBlocksMapOneToOne) {
  auto body = anthropic_request_body(tool_loop_request());
  EXPECT_EQ(body.at("model"), "claude-haiku-4-5");
  EXPECT_EQ(body.at("max_tokens"), 300);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(json::serialize(body.at("system")),
            R"([{"type":"text","text":"You log runs.","cache_control":{"type":"ephemeral"}}])");
  const auto& tools = body.at("tools").as_array();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_FALSE(tools[0].as_object().contains("cache_control"));
  EXPECT_EQ(tools[0].at("input_schema").at("properties").at("km").at("type"), "number");
  EXPECT_EQ(json::serialize(tools[1].at("cache_control")), R"({"type":"ephemeral"})");
  const auto& m = body.at("messages").as_array();
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(json::serialize(m[1]),
            R"({"role":"assistant","content":[{"type":"text","text":"Logging."},)"
            R"({"type":"tool_use","id":"toolu_1","name":"log_run","input":{"km":5}}]})");
  EXPECT_EQ(json::serialize(m[2].at("content").at(0)),
            R"({"type":"tool_result","tool_use_id":"toolu_1","content":"{\"id\":7}"})");
  EXPECT_EQ(m[2].at("content").at(1).at("text"), "and thanks");
  EXPECT_EQ(m[3].at("content").at(0).at("is_error"), true);
}

TEST(AnthropicBody, WithoutSystemOrToolsThoseFieldsAreLeftOut) {
  ModelRequest r;
  r.model = "m";
  r.messages.push_back(Message{"user", {Block::make_text("hi"), Block::make_text("")}});
  auto body = anthropic_request_body(r);
  EXPECT_FALSE(body.contains("system"));
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_EQ(body.at("messages").at(0).at("content").as_array().size(), 1u);  // the empty block is dropped
}

TEST(OpenAIBody, SystemFirstFunctionToolsToolCallsAndToolMessages) {
  auto body = openai_request_body(tool_loop_request());
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(json::serialize(body.at("stream_options")), R"({"include_usage":true})");
  EXPECT_EQ(body.at("max_tokens"), 300);
  const auto& tools = body.at("tools").as_array();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].at("type"), "function");
  EXPECT_EQ(tools[0].at("function").at("name"), "log_run");
  EXPECT_EQ(tools[0].at("function").at("parameters").at("type"), "object");
  const auto& m = body.at("messages").as_array();
  ASSERT_EQ(m.size(), 6u);
  EXPECT_EQ(json::serialize(m[0]), R"({"role":"system","content":"You log runs."})");
  EXPECT_EQ(json::serialize(m[1]), R"({"role":"user","content":"log 5 km"})");
  EXPECT_EQ(json::serialize(m[2]),
            R"({"role":"assistant","content":"Logging.","tool_calls":[{"id":"toolu_1","type":"function",)"
            R"("function":{"name":"log_run","arguments":"{\"km\":5}"}}]})");
  EXPECT_EQ(json::serialize(m[3]), R"({"role":"tool","tool_call_id":"toolu_1","content":"{\"id\":7}"})");
  EXPECT_EQ(json::serialize(m[4]), R"({"role":"user","content":"and thanks"})");
  EXPECT_EQ(m[5].at("content"), "Error: no such run");
}

}  // namespace
}  // namespace krilin::agents

// The test double the agent runtime's tests use.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "agents/providers/testing/scripted_provider.h"

namespace krilin::agents {
namespace {

TEST(ScriptedProvider, AnswersInOrderStreamsTextAndRecordsRequests) {
  testing::ScriptedProvider p;
  p.push_tool_use("toolu_1", "log_run", json::object{{"km", 5}});
  p.push_text("Logged five km.");
  asio::io_context io;
  std::string streamed;
  auto call = [&](std::string text) {
    ModelRequest r;
    r.model = "m";
    r.messages.push_back(Message{"user", {Block::make_text(std::move(text))}});
    auto f = asio::co_spawn(io, p.complete(r, [&](std::string_view d) { streamed += std::string(d) + "|"; }),
                            asio::use_future);
    io.restart();
    io.run();
    return f.get();
  };
  auto first = call("log 5 km");
  EXPECT_EQ(first.stop_reason, "tool_use");
  EXPECT_EQ(first.content.at(0).name, "log_run");
  auto second = call("ok");
  EXPECT_EQ(second.content.at(0).text, "Logged five km.");
  EXPECT_EQ(streamed, "Logged |five |km.|");
  EXPECT_EQ(second.model, "m");
  EXPECT_EQ(call("more").error->code, "upstream_error");
  ASSERT_EQ(p.requests().size(), 3u);
  EXPECT_EQ(p.requests()[1].messages.at(0).content.at(0).text, "ok");
  EXPECT_EQ(p.remaining(), 0u);
}

}  // namespace
}  // namespace krilin::agents
