// Both providers against the real fakes (tests/fakes/anthropic.mjs, openai.mjs — the ones the
// official SDKs are proven against in tests/integration/fakes.test.mjs), each started as a
// node process by tests/fakes/serve.mjs from a scripted conversation.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "agents/providers/anthropic.h"
#include "agents/providers/openai_compat.h"
#include "core/ids.h"
#include "http/client.h"

namespace krilin::agents {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

json::value fetch_json(const std::string& method, const std::string& url) {
  asio::io_context io;
  http::HttpClient client;
  http::ClientRequest req{.method = method, .url = url};
  auto f = asio::co_spawn(io, client.fetch(req), asio::use_future);
  io.run();
  return json::parse(f.get().body);
}

// One fake in its own node process, with the script given as JSON.
class Fake {
 public:
  Fake(const std::string& kind, const std::string& spec_json) {
    spec_ = std::filesystem::temp_directory_path() / ("krilin-fake-" + core::random_hex(6) + ".json");
    std::ofstream(spec_) << spec_json;
    const std::string cmd = std::string(KRILIN_NODE) + " " + KRILIN_SERVE_FAKE + " " + kind + " " + spec_.string();
    pipe_ = popen(cmd.c_str(), "r");
    if (!pipe_) throw std::runtime_error("cannot start node");
    char line[4096];
    if (!std::fgets(line, sizeof line, pipe_)) throw std::runtime_error("the fake did not start");
    auto v = json::parse(line).as_object();
    url = std::string(v.at("url").as_string());
    base_url = std::string(v.at("baseURL").as_string());
    control_ = std::string(v.at("control").as_string());
  }
  ~Fake() {
    try {
      fetch_json("POST", control_ + "/quit");
    } catch (...) {
    }
    pclose(pipe_);
    std::filesystem::remove(spec_);
  }
  json::array requests() const { return fetch_json("GET", control_ + "/requests").at("requests").as_array(); }
  std::size_t remaining() const { return fetch_json("GET", control_ + "/remaining").at("remaining").as_array().size(); }

  std::string url, base_url;

 private:
  std::filesystem::path spec_;
  std::FILE* pipe_ = nullptr;
  std::string control_;
};

struct Run {
  ModelResponse response;
  std::vector<std::string> deltas;
  std::vector<Clock::time_point> delta_times;
  std::chrono::milliseconds took{};
  std::string text() const {
    std::string s;
    for (const auto& b : response.content)
      if (b.kind == Block::Kind::text) s += b.text;
    return s;
  }
  const Block* tool(std::size_t n = 0) const {
    for (const auto& b : response.content)
      if (b.kind == Block::Kind::tool_use && n-- == 0) return &b;
    return nullptr;
  }
  std::string code() const { return response.error ? response.error->code : "ok"; }
};

Run run(Provider& p, ModelRequest req) {
  asio::io_context io;
  Run r;
  const auto start = Clock::now();
  auto f = asio::co_spawn(io, p.complete(std::move(req), [&](std::string_view d) {
                            r.deltas.emplace_back(d);
                            r.delta_times.push_back(Clock::now());
                          }),
                          asio::use_future);
  io.run();
  r.response = f.get();
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return r;
}

ModelRequest ask(std::string text, std::string system = "You are a test.") {
  ModelRequest r;
  r.model = "claude-haiku-4-5";
  r.system = std::move(system);
  r.max_tokens = 200;
  r.messages.push_back(Message{"user", {Block::make_text(std::move(text))}});
  r.deadline = 10s;
  r.connect_timeout = 2s;
  r.idle_timeout = 2s;
  return r;
}

RetryPolicy fast_retries(int attempts = 3) { return RetryPolicy{attempts, 20ms, 100ms}; }

class AnthropicFakeTest : public ::testing::Test {
 protected:
  std::unique_ptr<AnthropicProvider> provider(const Fake& f, std::string key = "test-key", RetryPolicy retry = fast_retries()) {
    AnthropicOptions o;
    o.api_key = std::move(key);
    o.base_url = f.url;
    o.retry = retry;
    return std::make_unique<AnthropicProvider>(o, client);
  }
  std::shared_ptr<http::HttpClient> client = std::make_shared<http::HttpClient>();
};

TEST_F(AnthropicFakeTest, TextStreamsInOrderThroughOnText) {
  Fake fake("anthropic", R"({"script":[{"match":"hello","reply":{"text":"one two three four five six seven"},
                              "stream":{"textChunks":2}}]})");
  auto r = run(*provider(fake), ask("hello"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.text(), "one two three four five six seven");
  EXPECT_EQ(r.deltas, (std::vector<std::string>{"one two ", "three four ", "five six ", "seven"}));
  EXPECT_EQ(r.response.stop_reason, "end_turn");
  EXPECT_EQ(r.response.model, "claude-haiku-4-5");
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_GT(r.response.usage.input_tokens, 0);
  EXPECT_EQ(r.response.usage.output_tokens, 9);  // 34 characters / 4, rounded up
  // What went over the wire.
  auto reqs = fake.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& rec = reqs[0].as_object();
  EXPECT_EQ(rec.at("auth").at("style"), "bearer");
  EXPECT_EQ(rec.at("version"), "2026-10-21");
  EXPECT_EQ(rec.at("path"), "/v1/messages");
  EXPECT_EQ(rec.at("body").at("stream"), true);
  EXPECT_EQ(rec.at("body").at("system").at(0).at("cache_control").at("type"), "ephemeral");
  EXPECT_EQ(rec.at("outcome"), "ok");
}

TEST_F(AnthropicFakeTest, EachDeltaReachesOnTextWhenItArrivesNotAtTheEnd) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"one two three four"},"stream":{"textChunks":1,"delayMs":150}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  ASSERT_EQ(r.delta_times.size(), 4u);
  EXPECT_GE(r.delta_times.back() - r.delta_times.front(), 400ms);  // three pauses of 150 ms between them
}

TEST_F(AnthropicFakeTest, ToolUseInputArrivesInPiecesAndIsParsedAtBlockStop) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"Logging it.","tools":[
      {"name":"log_run","input":{"km":5.5,"note":"easy \"run\""}},
      {"name":"list_runs","partials":["","{\"li","mit\": 3}"]}]},"stream":{"jsonChunks":5}}]})");
  auto req = ask("log my run");
  req.tools.push_back(Tool{"log_run", "Logs a run.", json::object{{"type", "object"}}});
  req.tools.push_back(Tool{"list_runs", "Lists runs.", json::object{{"type", "object"}}});
  auto r = run(*provider(fake), req);
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.stop_reason, "tool_use");
  ASSERT_EQ(r.response.content.size(), 3u);
  EXPECT_EQ(r.response.content[0].text, "Logging it.");
  ASSERT_TRUE(r.tool(0) && r.tool(1));
  EXPECT_EQ(r.tool(0)->name, "log_run");
  EXPECT_DOUBLE_EQ(r.tool(0)->input.at("km").to_number<double>(), 5.5);
  EXPECT_EQ(r.tool(0)->input.at("note"), "easy \"run\"");
  EXPECT_EQ(r.tool(0)->id.rfind("toolu_", 0), 0u);
  EXPECT_EQ(json::serialize(r.tool(1)->input), R"({"limit":3})");
  auto tools = fake.requests()[0].at("body").at("tools").as_array();
  EXPECT_FALSE(tools[0].as_object().contains("cache_control"));
  EXPECT_EQ(tools[1].at("cache_control").at("type"), "ephemeral");
}

TEST_F(AnthropicFakeTest, TheFirstCallWritesTheCacheTheSecondReadsIt) {
  Fake fake("anthropic", R"({"script":[{"times":2,"reply":{"text":"ok"}}]})");
  auto p = provider(fake);
  const std::string system(2000, 's');
  auto first = run(*p, ask("first question", system));
  auto second = run(*p, ask("second question", system));
  ASSERT_FALSE(first.response.error);
  ASSERT_FALSE(second.response.error);
  EXPECT_EQ(first.response.usage.cache_read_input_tokens, 0);
  EXPECT_GT(first.response.usage.cache_creation_input_tokens, 490);  // the system prompt, ~2000/4 tokens
  EXPECT_EQ(second.response.usage.cache_creation_input_tokens, 0);
  EXPECT_EQ(second.response.usage.cache_read_input_tokens, first.response.usage.cache_creation_input_tokens);
  EXPECT_GT(second.response.usage.input_tokens, 0);  // the question after the breakpoint
}

TEST_F(AnthropicFakeTest, RateLimitedThenSuccessHonoursRetryAfterMsBeforeRetryAfter) {
  Fake fake("anthropic", R"({"script":[
      {"fail":{"status":429,"headers":{"retry-after-ms":"150","retry-after":"30"}}},
      {"reply":{"text":"finally"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.text(), "finally");
  EXPECT_EQ(r.response.attempts, 2);
  EXPECT_GE(r.took, 150ms);
  EXPECT_LT(r.took, 5s);  // not the 30 s of retry-after
}

TEST_F(AnthropicFakeTest, RetryAfterSecondsIsWaited) {
  Fake fake("anthropic", R"({"script":[{"fail":{"status":429,"retryAfter":1}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.attempts, 2);
  EXPECT_GE(r.took, 1s);
}

TEST_F(AnthropicFakeTest, RateLimitPastTheDeadlineIsNotWaitedFor) {
  Fake fake("anthropic", R"({"script":[{"fail":{"status":429,"retryAfter":30}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_rate_limited");
  EXPECT_EQ(r.response.error->kind, ErrorKind::rate_limited);
  EXPECT_EQ(r.response.error->retry_after_seconds, 30);
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_LT(r.took, 2s);
}

TEST_F(AnthropicFakeTest, OverloadedIsRetriedWithBackoffUpToMaxAttempts) {
  Fake fake("anthropic", R"({"script":[{"times":2,"fail":{"status":529}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.attempts, 3);
  Fake always("anthropic", R"({"script":[{"times":5,"fail":{"status":529}}]})");
  auto failed = run(*provider(always), ask("hi"));
  EXPECT_EQ(failed.code(), "upstream_unavailable");
  EXPECT_NE(failed.response.error->message.find("overloaded_error"), std::string::npos);
  EXPECT_EQ(failed.response.attempts, 3);
  EXPECT_EQ(always.requests().size(), 3u);
}

TEST_F(AnthropicFakeTest, ServerErrorsAreRetriedUnlessXShouldRetrySaysNo) {
  Fake fake("anthropic", R"({"script":[{"fail":{"status":500}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.attempts, 2);
  Fake no("anthropic", R"({"script":[{"fail":{"status":500,"shouldRetry":false}},{"reply":{"text":"ok"}}]})");
  auto n = run(*provider(no), ask("hi"));
  EXPECT_EQ(n.code(), "upstream_unavailable");
  EXPECT_EQ(n.response.attempts, 1);
  Fake too_large("anthropic", R"({"script":[{"fail":{"status":413}},{"reply":{"text":"ok"}}]})");
  auto t = run(*provider(too_large), ask("hi"));
  EXPECT_EQ(t.code(), "upstream_error");
  EXPECT_EQ(t.response.error->details.at("type"), "request_too_large");
  EXPECT_EQ(t.response.attempts, 1);
}

TEST_F(AnthropicFakeTest, TheSpendLimitIsNotRetried) {
  Fake fake("anthropic", R"({"script":[{"fail":{"status":429,"retryAfter":0,
      "details":{"error_code":"enforced_spend_limit_reached"}}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_rate_limited");
  EXPECT_FALSE(r.response.error->retryable);
  EXPECT_EQ(r.response.attempts, 1);
}

TEST_F(AnthropicFakeTest, AResetBeforeTheAnswerIsRetried) {
  Fake fake("anthropic", R"({"script":[{"fail":{"reset":true}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.attempts, 2);
}

TEST_F(AnthropicFakeTest, AStreamCutMidwayIsAnErrorWithThePartialUsageAndNoRetry) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"one two three four five six"},
      "stream":{"textChunks":1,"cutAfter":5}},{"reply":{"text":"never"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_unavailable");
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_GT(r.response.usage.input_tokens, 0);  // message_start arrived: the input was billed
  EXPECT_EQ(r.text(), "one two ");              // start, block start, ping, two deltas
  EXPECT_EQ(r.deltas.size(), 2u);
  EXPECT_EQ(fake.remaining(), 1u);
}

TEST_F(AnthropicFakeTest, AHangEndsAtTheIdleDeadline) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"one two three"},"stream":{"textChunks":1,"hangAfter":4}}]})");
  auto req = ask("hi");
  req.idle_timeout = 300ms;
  auto r = run(*provider(fake), req);
  EXPECT_EQ(r.code(), "upstream_timeout");
  EXPECT_EQ(r.response.error->kind, ErrorKind::timeout);
  EXPECT_EQ(r.text(), "one ");
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_GE(r.took, 300ms);
  EXPECT_LT(r.took, 3s);
}

TEST_F(AnthropicFakeTest, BytesWithoutACompleteEventAlsoEndAtTheIdleDeadline) {
  // A comment line every 150 ms keeps the socket busy, but no event completes.
  std::string inject;
  for (int i = 2; i < 30; ++i) inject += std::string(i > 2 ? "," : "") + R"({"after":)" + std::to_string(i) + R"(,"raw":": tick\n"})";
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"late"},"stream":{"pings":false,"delayMs":150,"inject":[)" +
                             inject + "]}}]}");
  auto req = ask("hi");
  req.idle_timeout = 400ms;
  auto r = run(*provider(fake), req);
  EXPECT_EQ(r.code(), "upstream_timeout");
  EXPECT_LT(r.took, 2500ms);
  EXPECT_EQ(r.response.attempts, 1);
}

TEST_F(AnthropicFakeTest, StopReasonsPassThrough) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"so much","stopReason":"model_context_window_exceeded"},
      "stream":{"deltaUsage":"output"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.stop_reason, "model_context_window_exceeded");
  EXPECT_GT(r.response.usage.input_tokens, 0);  // from message_start, kept when the delta has only output
  EXPECT_EQ(r.response.usage.output_tokens, 2);
}

TEST_F(AnthropicFakeTest, ASlowHeadEndsAtTheConnectDeadline) {
  Fake fake("anthropic", R"({"script":[{"latencyMs":3000,"reply":{"text":"late"}}]})");
  auto req = ask("hi");
  req.connect_timeout = 300ms;
  auto r = run(*provider(fake, "test-key", fast_retries(1)), req);
  EXPECT_EQ(r.code(), "upstream_timeout");
  EXPECT_LT(r.took, 2s);
}

TEST_F(AnthropicFakeTest, MalformedJsonInAnEventIsUpstreamInvalid) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"a b c"},
      "stream":{"inject":[{"after":3,"raw":"event: content_block_delta\ndata: {\"type\": \"content_bl\n\n"}]}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_invalid");
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_GT(r.response.usage.input_tokens, 0);
}

TEST_F(AnthropicFakeTest, UnknownEventsAreIgnored) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"a b c"},"stream":{"pingEvery":1,"inject":[
      {"after":2,"raw":"event: future_event\ndata: {\"type\": \"future_event\", \"x\": [1]}\n\n"},
      {"after":4,"raw":": a comment\nevent: another_one\ndata: not even json\n\n"}]}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.text(), "a b c");
}

TEST_F(AnthropicFakeTest, InvalidToolInputJsonIsUpstreamInvalid) {
  Fake fake("anthropic", R"({"script":[{"reply":{"tools":[{"name":"log","partials":["","{\"km\": 5",", oops}"]}]}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_invalid");
  EXPECT_EQ(r.tool(), nullptr);
}

TEST_F(AnthropicFakeTest, AnErrorEventMidStreamEndsTheCallWithoutRetry) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"a b c d"},"stream":{"textChunks":1,"errorAfter":4}},
      {"reply":{"text":"never"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_unavailable");
  EXPECT_NE(r.response.error->message.find("Overloaded"), std::string::npos);
  EXPECT_EQ(r.text(), "a ");
  EXPECT_EQ(r.response.attempts, 1);
}

TEST_F(AnthropicFakeTest, AWrongKeyIsUpstreamErrorWithTheProvidersMessageAndNoRetry) {
  Fake fake("anthropic", R"({"script":[{"times":3,"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake, "wrong-key"), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_error");
  EXPECT_NE(r.response.error->message.find("Invalid bearer token"), std::string::npos);
  EXPECT_EQ(r.response.error->details.at("status"), 401);
  EXPECT_EQ(r.response.attempts, 1);
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST_F(AnthropicFakeTest, TheOlderHeaderStyleWorksToo) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"ok"}}]})");
  AnthropicOptions o;
  o.api_key = "test-key";
  o.base_url = fake.url + "/";
  o.version = "2023-06-01";
  o.bearer_auth = false;
  AnthropicProvider p(o, client);
  auto r = run(p, ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  auto rec = fake.requests()[0].as_object();
  EXPECT_EQ(rec.at("auth").at("style"), "x-api-key");
  EXPECT_EQ(rec.at("version"), "2023-06-01");
}

TEST_F(AnthropicFakeTest, AThrowingSinkPropagatesAsItselfAndIsNotRetried) {
  Fake fake("anthropic", R"({"script":[{"reply":{"text":"a b c d e f"},"stream":{"textChunks":1}},{"reply":{"text":"never"}}]})");
  auto p = provider(fake);
  asio::io_context io;
  auto f = asio::co_spawn(io, p->complete(ask("hi"), [](std::string_view) { throw std::runtime_error("client gone"); }),
                          asio::use_future);
  io.run();
  EXPECT_THROW(f.get(), std::runtime_error);
  EXPECT_EQ(fake.requests().size(), 1u);
}

TEST_F(AnthropicFakeTest, NoServerIsUnavailableAfterTheRetries) {
  AnthropicOptions o;
  o.api_key = "k";
  o.base_url = "http://127.0.0.1:1";
  o.retry = fast_retries();
  AnthropicProvider p(o, client);
  auto r = run(p, ask("hi"));
  EXPECT_EQ(r.code(), "upstream_unavailable");
  EXPECT_EQ(r.response.attempts, 3);
}

class OpenAIFakeTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAICompatProvider> provider(const Fake& f, std::string key = "test-key") {
    OpenAICompatOptions o;
    o.api_key = std::move(key);
    o.base_url = f.base_url;
    o.retry = fast_retries();
    return std::make_unique<OpenAICompatProvider>(o, client);
  }
  std::shared_ptr<http::HttpClient> client = std::make_shared<http::HttpClient>();
};

TEST_F(OpenAIFakeTest, TextStreamsWithUsageIncludingCachedTokens) {
  Fake fake("openai", R"({"script":[{"reply":{"text":"one two three four five","usage":
      {"prompt_tokens":50,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":30}}},
      "stream":{"textChunks":2}}]})");
  auto r = run(*provider(fake), ask("hello"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.deltas, (std::vector<std::string>{"one two ", "three four ", "five"}));
  EXPECT_EQ(r.response.stop_reason, "end_turn");
  EXPECT_EQ(r.response.usage.input_tokens, 20);
  EXPECT_EQ(r.response.usage.cache_read_input_tokens, 30);
  EXPECT_EQ(r.response.usage.output_tokens, 7);
  auto body = fake.requests()[0].at("body").as_object();
  EXPECT_EQ(body.at("stream_options").at("include_usage"), true);
  EXPECT_EQ(body.at("messages").at(0).at("role"), "system");
  EXPECT_EQ(fake.requests()[0].at("path"), "/v1/chat/completions");
}

TEST_F(OpenAIFakeTest, ToolCallsAreGatheredByIndexAndTheLoopCanContinue) {
  Fake fake("openai", R"({"script":[
      {"match":"log","reply":{"tools":[{"name":"log_run","arguments":{"km":5}},{"name":"list_runs","arguments":{}}]},
       "stream":{"argChunks":4}},
      {"match":{"toolResult":"logged"},"reply":{"text":"Done."}}]})");
  auto p = provider(fake);
  auto req = ask("log 5 km");
  req.tools.push_back(Tool{"log_run", "Logs.", json::object{{"type", "object"}}});
  req.tools.push_back(Tool{"list_runs", "Lists.", json::object{{"type", "object"}}});
  auto r = run(*p, req);
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.stop_reason, "tool_use");
  ASSERT_TRUE(r.tool(0) && r.tool(1));
  EXPECT_EQ(json::serialize(r.tool(0)->input), R"({"km":5})");
  EXPECT_EQ(r.tool(1)->name, "list_runs");
  // Second step: the assistant's calls and their results go back; the fake checks the pairing.
  req.messages.push_back(Message{"assistant", r.response.content});
  Message results{"user", {}};
  for (int i = 0; i < 2; ++i) {
    Block b;
    b.kind = Block::Kind::tool_result;
    b.tool_use_id = r.tool(static_cast<std::size_t>(i))->id;
    b.text = "logged";
    results.content.push_back(b);
  }
  req.messages.push_back(results);
  auto second = run(*p, req);
  ASSERT_FALSE(second.response.error) << second.response.error->message;
  EXPECT_EQ(second.text(), "Done.");
}

TEST_F(OpenAIFakeTest, RateLimitedThenSuccess) {
  Fake fake("openai", R"({"script":[{"fail":{"status":429,"retryAfter":0}},{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake), ask("hi"));
  ASSERT_FALSE(r.response.error) << r.response.error->message;
  EXPECT_EQ(r.response.attempts, 2);
}

TEST_F(OpenAIFakeTest, CutHangMalformedAndInvalidArguments) {
  Fake fake("openai", R"({"script":[
      {"match":"cut","reply":{"text":"a b c d"},"stream":{"textChunks":1,"cutAfter":3}},
      {"match":"hang","reply":{"text":"a b c d"},"stream":{"textChunks":1,"hangAfter":2}},
      {"match":"bad","reply":{"text":"a b"},"stream":{"inject":[{"after":1,"raw":"data: {nope\n\n"}]}},
      {"match":"args","reply":{"tools":[{"name":"log","arguments":"{\"km\": oops"}]}},
      {"match":"midway","reply":{"text":"a b c"},"stream":{"textChunks":1,"errorAfter":2}}]})");
  auto p = provider(fake);
  auto cut = run(*p, ask("cut"));
  EXPECT_EQ(cut.code(), "upstream_unavailable");
  EXPECT_EQ(cut.text(), "a b ");
  EXPECT_EQ(cut.response.attempts, 1);
  auto req = ask("hang");
  req.idle_timeout = 300ms;
  auto hang = run(*p, req);
  EXPECT_EQ(hang.code(), "upstream_timeout");
  EXPECT_EQ(hang.text(), "a ");
  EXPECT_EQ(run(*p, ask("bad")).code(), "upstream_invalid");
  EXPECT_EQ(run(*p, ask("args")).code(), "upstream_invalid");
  auto midway = run(*p, ask("midway"));
  EXPECT_EQ(midway.code(), "upstream_unavailable");
  EXPECT_EQ(midway.text(), "a ");
}

TEST_F(OpenAIFakeTest, AWrongKeyIsUpstreamErrorAndALocalServerNeedsNoKey) {
  Fake fake("openai", R"({"script":[{"reply":{"text":"ok"}}]})");
  auto r = run(*provider(fake, "wrong"), ask("hi"));
  EXPECT_EQ(r.code(), "upstream_error");
  EXPECT_NE(r.response.error->message.find("Incorrect API key"), std::string::npos);
  EXPECT_EQ(r.response.attempts, 1);
  Fake local("openai", R"({"options":{"apiKeys":null},"script":[{"reply":{"text":"local"}}]})");
  auto l = run(*provider(local, ""), ask("hi"));
  ASSERT_FALSE(l.response.error) << l.response.error->message;
  EXPECT_EQ(l.text(), "local");
  EXPECT_FALSE(local.requests()[0].at("headers").as_object().contains("authorization"));
}

}  // namespace
}  // namespace krilin::agents
