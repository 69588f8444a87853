#pragma once
// The app host: where calls to apps arrive (from HTTP today; from agents and MCP later)
// and where the ctx services behind include/krilin/sdk live. One dispatcher runs the
// shared checks before any app code (DESIGN.md §5, STYLE.md "Redis"):
//   1. the app exists (404 unknown_app), is installed for the caller (404
//      app_not_installed) and enabled (409 app_disabled);
//   2. the action or output is declared (404 unknown_action / unknown_output);
//   3. the params pass the action's JSON Schema (400 invalid_params);
//   4. then the handler, with a context scoped to (user, app).
// Errors raised by app code leave with the app's id in the envelope.
//
// Cross-app reads (ctx.apps.get(id).get_output / .query) are checked on every call: the
// consumer declared the dependency and what it uses, the provider is installed and
// enabled, and — for outputs with access requires_permission, and for actions — the user's
// grant is live (403 grant_revoked / not_granted). Each one, allowed or denied, is written
// to the audit log. Calls nest at most kMaxDepth deep.
//
// Transactions: an action runs in one transaction scoped to the caller (on PostgreSQL the
// setting the row-level-security policies read): its writes, the writes of any app it
// reaches through ctx.apps, and its stream events (the outbox) commit together or not at
// all. Outputs and queries are read-only and run without one. Audit entries of a call are
// written after it, whether it committed or not, so that a denied read stays recorded.
//
// Streams: ctx.streams.publish appends to the outbox; after the commit the host wakes the
// outbox dispatcher, whose hook (on_event) runs the stream handlers apps registered with
// App::on_stream — per event, for the event's user, only while the consumer is installed
// and enabled, declared the stream in its dependencies and (for requires_permission
// streams) holds the grant; each delivery is audited.
//
// Thread-safe: the host holds no per-call state.
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "bus/bus.h"
#include "bus/outbox.h"
#include "core/clock.h"
#include "kernel/grants/grants.h"
#include "kernel/registry/catalog.h"
#include "krilin/sdk/app.h"
#include "store/query.h"
#include "store/store.h"

namespace krilin::kernel::scheduler {
class Scheduler;
}

namespace krilin::platform {

namespace asio = boost::asio;

class AgentGateway;

struct Caller {
  std::string user_id;
  std::string address;  // for the audit log
};

class AppHost {
 public:
  static constexpr int kMaxDepth = 4;

  // Every app of the catalog must have its code in `apps` and the reverse, with exactly
  // the actions and outputs its manifest declares; otherwise std::invalid_argument naming
  // the differences (the build-time check, src/server/check_apps.cpp, reports the same).
  AppHost(store::Store& store, const kernel::registry::Catalog& catalog, kernel::grants::Grants& grants, const core::Clock& clock,
          std::map<std::string, std::shared_ptr<const sdk::App>> apps);

  // Runs an action for the caller; answers the handler's result. `agent_chain`: the agents
  // on whose behalf it runs (an agent's tool call), so that agent_query loops are seen.
  asio::awaitable<json::value> action(const Caller& caller, const std::string& app_id, const std::string& action,
                                      json::object params, std::vector<std::string> agent_chain = {});
  // `consumer`'s agent asking `provider`'s agent, at the top level (an agent's ask_app tool):
  // the checks and audit of ctx.apps.get(provider).agent_query, without a transaction.
  asio::awaitable<json::object> ask_agent(const Caller& caller, const std::string& consumer, const std::string& provider,
                                          std::string question, std::vector<std::string> agent_chain = {});
  // One page of the app's table, for the caller: {"items", "next_cursor"}.
  asio::awaitable<json::object> query(const Caller& caller, const std::string& app_id, const json::value& query);
  // The caller reading one of an app's outputs directly (their own data: no grant).
  asio::awaitable<json::value> output(const Caller& caller, const std::string& app_id, const std::string& output);

  // Before serving: the outbox to wake after commits that published events, and the
  // scheduler behind ctx.schedule.
  void set_outbox(bus::Outbox* outbox) { outbox_ = outbox; }
  void set_scheduler(kernel::scheduler::Scheduler* scheduler) { scheduler_ = scheduler; }
  // The agents layer behind ctx.ai and ctx.apps.get(id).agent_query (src/agents); without
  // one both answer unavailable `no_model_configured` / `agents_unavailable`.
  void set_agents(AgentGateway* agents) { agents_ = agents; }
  AgentGateway* agents() const { return agents_; }
  kernel::scheduler::Scheduler* scheduler() const { return scheduler_; }
  // The scheduler's callback: runs an app's job for the user (throws to fail the run:
  // app_not_installed / app_disabled / unknown_job, or whatever the job threw).
  asio::awaitable<void> run_job(const std::string& user_id, const std::string& app_id, const std::string& job,
                                const json::value& payload);
  // The outbox dispatcher's hook: runs the stream handlers subscribed to the event.
  asio::awaitable<void> on_event(const bus::Event& event);

  // What differs between a manifest and its code (empty: nothing).
  static std::vector<std::string> binding_problems(const kernel::registry::AppSpec& spec, const sdk::App& app);

  // Internal to the host's context services.
  struct Active {
    sdk::User user;
    const kernel::registry::AppSpec* spec;
    const sdk::App* app;
  };
  // What one top-level call gathers on its way: audit entries to write after it, and
  // whether it published (so the outbox is woken after the commit).
  struct Call {
    Caller caller;
    store::Transaction* tx = nullptr;  // the action's transaction; null for read-only calls
    std::vector<std::pair<std::string, json::object>> audits;  // (action, detail), consumer in detail
    bool published = false;
    bool read_only = false;  // a read_only action: writes are refused
    std::vector<std::string> agent_chain;  // the agents asking, outermost first (agent_query loops)
    store::Executor& db(store::Store& s) const { return tx ? static_cast<store::Executor&>(*tx) : s; }
  };
  asio::awaitable<Active> require_active(store::Executor& db, const std::string& user_id, const std::string& app_id);
  // The same, with the refusal (unknown_app, app_not_installed, app_disabled) as a value.
  asio::awaitable<Result<Active>> try_active(store::Executor& db, const std::string& user_id, const std::string& app_id);
  asio::awaitable<json::value> run_action(const Active& who, Call& call, const kernel::registry::ActionDef& def,
                                          json::object params, int depth);
  asio::awaitable<json::value> run_output(const Active& who, Call& call, const kernel::registry::OutputDef& def,
                                          int depth);
  // ctx.apps.get(provider).agent_query(question): checks (declared uses.agent, provider
  // active, agent grant, no loop, depth), audits, then asks the gateway.
  asio::awaitable<json::object> agent_query(const Active& consumer, Call& call, const std::string& provider,
                                            std::string question, int depth);
  asio::awaitable<json::value> cross_read(const Active& consumer, Call& call, const std::string& provider,
                                          const std::string& kind, const std::string& name, json::object params,
                                          int depth);
  store::Store& store() { return store_; }
  const core::Clock& clock() const { return clock_; }

 private:
  store::Store& store_;
  const kernel::registry::Catalog& catalog_;
  asio::awaitable<void> finish(Call& call);
  // Runs body for a top-level call — in a transaction scoped to the caller when asked
  // (call.tx is set meanwhile) — then writes the call's audit entries and wakes the outbox,
  // whether it succeeded or not; rethrows what body threw.
  asio::awaitable<void> within(Call& call, bool transaction, const std::function<asio::awaitable<void>()>& body);

  kernel::grants::Grants& grants_;
  const core::Clock& clock_;
  bus::Outbox* outbox_ = nullptr;
  kernel::scheduler::Scheduler* scheduler_ = nullptr;
  AgentGateway* agents_ = nullptr;
  std::map<std::string, std::shared_ptr<const sdk::App>> apps_;
};

// The apps this binary carries, as the platform needs them: the catalog of their manifests
// and their code by id. Failures: the catalog's problems (Catalog::build), as one Error.
struct AppSet {
  kernel::registry::Catalog catalog;
  std::map<std::string, std::shared_ptr<const sdk::App>> code;
};
Result<AppSet> load_apps(const std::vector<sdk::AppBundle>& bundles);

// What the platform asks of the agents layer (src/agents implements it).
class AgentGateway {
 public:
  virtual ~AgentGateway() = default;
  // `provider`'s agent answering `question` for the call's user without a user to confirm
  // anything (read_only actions only), its tool calls run within `call` at `depth`.
  // Answers {"answer", "routed", "tool_calls", "cost_micros"}.
  virtual asio::awaitable<json::object> agent_query(const AppHost::Active& provider, AppHost::Call& call,
                                                    std::string question, int depth) = 0;
  // One model completion for app code (ctx.ai), charged to the user: the reply's text.
  virtual asio::awaitable<std::string> complete(const AppHost::Active& app, AppHost::Call& call, std::string system,
                                                std::string prompt, int max_tokens) = 0;
};

}  // namespace krilin::platform
