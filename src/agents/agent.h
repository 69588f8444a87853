#pragma once
// The agent runtime: every app's AI agent (DESIGN.md §6, docs/agents.md). One turn of a
// conversation goes:
//   1. checks before anything streams, so that they can still be a 4xx: the app is
//      installed and enabled, the message fits (413 `message_too_long`), the conversation is
//      the user's and the app's (404 `conversation_not_found`), and — when the turn needs the
//      model — the user's daily budget (429 `budget_exceeded`);
//   2. the offline intent router (router/router.h): a confident match runs the action
//      directly, no model call, and answers from its result; with no provider configured the
//      router is the whole agent and says plainly what it cannot do;
//   3. otherwise the tool loop: the app's actions are the tools (their manifest schemas), plus
//      `ask_app` when the manifest declares `uses.agent` on a dependency; each model call
//      streams its text as it arrives; tool errors go back as `is_error` results; tool results
//      are wrapped as data; a destructive action pauses the turn (`confirmation_required`)
//      until the user answers (confirm()); a step limit and a time budget bound the turn.
// Every model call's tokens and cost are recorded per user, UTC day, app and model, also when
// the call failed mid-way (only what the provider reported is charged).
//
// Memory: a conversation keeps all its messages; the prompt carries the last
// `window_messages` of the current session and a running summary of the rest; a session
// ends after `session_idle_ms` without a message (the next message starts a new session,
// the summary is kept).
//
// Thread-safe: the service holds no per-turn state; a Turn belongs to one coroutine.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "agents/providers/provider.h"
#include "agents/router/router.h"
#include "core/clock.h"
#include "kernel/registry/catalog.h"
#include "platform/host.h"
#include "store/store.h"

namespace krilin::agents {

struct AgentOptions {
  int window_messages = 5;
  std::int64_t session_idle_ms = 5 * 60 * 1000;
  int max_reply_tokens = 1000;
  int max_steps = 8;
  std::chrono::milliseconds turn_budget{90000};
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds idle_timeout{30000};
  std::int64_t daily_cap_micros = 5'000'000;  // $5
  std::size_t max_message_chars = 4000;
  std::int64_t confirmation_ttl_ms = 15 * 60 * 1000;
  std::map<std::string, std::string> tier_models;  // fast | balanced | best → model id
  std::function<Price(const std::string& model)> price_of;  // unknown models: zero
};

// The events of a turn, in order: `conversation` {conversation_id} first; then any of `text`
// {delta}, `tool_call` {id, name, input}, `tool_result` {id, name, ok, result | error},
// `confirmation_required` {id, tool_call_id, app_id, action, input, description}; then
// `done` {conversation_id, status: completed | awaiting_confirmation, routed, stop_reason,
// usage, cost_micros} or `error` {error: {code, message}} followed by `done`. The sink answers
// false when nobody listens any more: the turn then stops after its current step.
using EventSink = std::function<asio::awaitable<bool>(const std::string& event, json::object data)>;

// A turn that passed its checks, ready to run (from prepare_chat / prepare_confirm).
struct Turn {
  platform::Caller caller;
  std::string app_id;
  std::string conversation_id;
  bool new_conversation = false;
  std::string message;                     // chat: the user's message
  std::optional<IntentMatch> routed;       // the router's match, when it answers
  std::optional<std::string> confirmation; // confirm: the confirmation id
  bool approve = false;
  json::object paused;                     // confirm: the paused turn's state
  bool interactive = true;                 // false: nobody to confirm (unused by the routes today)
};

class AgentService final : public platform::AgentGateway {
 public:
  // `provider` may be null: then the router is the whole agent.
  AgentService(store::Store& store, platform::AppHost& host, const kernel::registry::Catalog& catalog,
               std::shared_ptr<Provider> provider, std::shared_ptr<const IntentRouter> router, AgentOptions options,
               const core::Clock& clock);

  bool has_provider() const { return provider_ != nullptr; }

  asio::awaitable<Turn> prepare_chat(const platform::Caller& caller, const std::string& app_id, std::string message,
                                     std::optional<std::string> conversation_id);
  // not_found `confirmation_not_found` (unknown, another user's, or already answered),
  // gone `confirmation_expired`.
  asio::awaitable<Turn> prepare_confirm(const platform::Caller& caller, const std::string& app_id,
                                        const std::string& confirmation_id, bool approve);
  // Runs the turn, reporting through `sink`. Never throws for what happens during the turn
  // (the provider, a tool, the budget): those end it with an `error` event.
  asio::awaitable<void> run(Turn turn, EventSink sink);

  // GET/DELETE conversations, GET usage.
  asio::awaitable<json::object> conversations(const std::string& user_id, const std::string& app_id);
  asio::awaitable<json::object> conversation(const std::string& user_id, const std::string& app_id,
                                             const std::string& conversation_id);
  asio::awaitable<void> remove_conversation(const std::string& user_id, const std::string& app_id,
                                            const std::string& conversation_id);
  asio::awaitable<json::object> usage(const std::string& user_id);

  // platform::AgentGateway
  asio::awaitable<json::object> agent_query(const platform::AppHost::Active& provider, platform::AppHost::Call& call,
                                            std::string question, int depth) override;
  asio::awaitable<std::string> complete(const platform::AppHost::Active& app, platform::AppHost::Call& call,
                                        std::string system, std::string prompt, int max_tokens) override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  std::shared_ptr<Provider> provider_;
};

}  // namespace krilin::agents
