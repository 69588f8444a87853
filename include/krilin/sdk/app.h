#pragma once
// The app SDK: everything an app author sees (with result.h and json.h). An app is an App
// object that registers a handler for each action and a producer for each output its
// manifest declares; the platform checks, at build time, that the two lists agree
// (src/server/check_apps.cpp) and, at run time, does every shared check before a handler runs:
// the app is installed and enabled for the caller, the params pass the action's schema,
// cross-app reads are granted and audited.
//
// Every handler receives an ActionContext scoped to one (user, app): ctx.storage reaches
// only this app's tables and only this user's records; ctx.apps reaches other apps only
// through their declared outputs and actions, with the user's grant. A handler reports an
// expected failure by throwing krilin::Exception(Error{…}); the platform adds the app's id
// to the error envelope. Handlers are coroutines and must not block.
//
// Later issues add files and integrations to the same context.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"

namespace krilin::sdk {

namespace asio = boost::asio;

// The user an action runs for. time_zone is an IANA name ("Europe/Paris"), from the
// user's profile; "UTC" when never set.
struct User {
  std::string id;
  std::string time_zone = "UTC";
};

// One record of an app table: the platform owns id, version and the timestamps (Unix ms);
// data is what the app stores, checked against the table's schema on every write.
struct Record {
  std::string id;
  json::object data;
  std::int64_t version = 0;
  std::int64_t created_at = 0, updated_at = 0;
  json::object to_json() const {
    return {{"id", id}, {"data", data}, {"version", version}, {"created_at", created_at}, {"updated_at", updated_at}};
  }
};

struct Page {
  std::vector<Record> items;
  std::optional<std::string> next_cursor;
};

// This app's own tables, for the context's user only. Unknown tables or fields, records
// failing the schema, bad queries: invalid_input. Another user's id is simply not found.
// A record at another version than `expected_version`: conflict `version_conflict`.
class Storage {
 public:
  virtual ~Storage() = default;
  // The query language of DESIGN.md §4: {"table", "where"?, "order_by"?, "limit"?, "cursor"?}.
  virtual asio::awaitable<Page> query(json::object query) = 0;
  // The live record with this id, or nothing.
  virtual asio::awaitable<std::optional<Record>> find_one(std::string table, std::string id) = 0;
  virtual asio::awaitable<Record> insert(std::string table, json::object data) = 0;
  // Replaces the record's data (the whole record, validated); version + 1.
  virtual asio::awaitable<Record> update(std::string table, std::string id, json::object data,
                                         std::optional<std::int64_t> expected_version = std::nullopt) = 0;
  // Soft delete: the record disappears from reads; purge removes it for good.
  virtual asio::awaitable<void> remove(std::string table, std::string id,
                                       std::optional<std::int64_t> expected_version = std::nullopt) = 0;
  // How many live records match `where` (the query language's where clause).
  virtual asio::awaitable<std::int64_t> count(std::string table, json::object where = {}) = 0;
};

// Another app, as this app may see it: through its outputs and its read-only actions,
// each call checked against the manifest's declared dependency and the user's grants at
// the moment of the call, and written to the audit log. Failures: not_found
// `app_not_installed`, conflict `app_disabled`, forbidden `grant_revoked` /
// `not_granted` / `undeclared_dependency`.
class AppHandle {
 public:
  virtual ~AppHandle() = default;
  virtual asio::awaitable<json::value> get_output(std::string output) = 0;
  // Runs one of the other app's non-destructive actions (declared in `uses.actions`).
  virtual asio::awaitable<json::value> query(std::string action, json::object params) = 0;
  // Asks the other app's agent a question (declared with `uses.agent`, and the user's
  // `agent` grant): answers {"answer", "routed", "tool_calls", "cost_micros"}. The other agent
  // runs without a user to confirm anything, so it runs only its read_only actions. Agents
  // asking each other in a loop (A asks B asks A) are stopped: conflict `agent_loop`; past
  // the call depth, conflict `call_depth_exceeded`. Its model calls are charged to the
  // user's daily budget (429 `budget_exceeded`). Audited as `app.agent_query`.
  virtual asio::awaitable<json::object> agent_query(std::string question) = 0;
};

class Apps {
 public:
  virtual ~Apps() = default;
  // Installed and enabled for the context's user.
  virtual asio::awaitable<bool> is_installed(std::string app_id) = 0;
  virtual std::unique_ptr<AppHandle> get(std::string app_id) = 0;
};

// This app's streams (declared in its manifest): publish() appends an event to the
// outbox in the same transaction as the action's writes, so it leaves only if they commit;
// subscribers (browsers on /ws, other apps' stream handlers) get it at least once, in
// order. invalid_input `unknown_stream` / `invalid_event` for an undeclared stream or data
// failing the stream's schema. Outputs are read-only: publishing from one is refused.
class Streams {
 public:
  virtual ~Streams() = default;
  virtual asio::awaitable<void> publish(std::string stream, json::value data) = 0;
};

// A notification for the context's user (the manifest must declare the "notifications"
// permission: forbidden `permission_not_declared` otherwise). Stored and delivered with the
// action's transaction; pushed live on /ws unless the user muted the app. link: a desktop
// path ("/apps/habit-tracker") or an http(s) URL. invalid_input `invalid_notification`.
struct Notification {
  std::string title, body, link;
  std::string priority = "normal";  // low | normal | high
};

class Notifications {
 public:
  virtual ~Notifications() = default;
  // Answers {id, deliver_at, delivered}.
  virtual asio::awaitable<json::object> send(Notification notification) = 0;
  virtual asio::awaitable<json::object> schedule(std::int64_t at_unix_ms, Notification notification) = 0;
};

// ctx.schedule: runs of this app's jobs (registered with App::job) later, for the context's
// user — on a 5-field cron expression in the user's time zone (DST-correct), or once at an
// instant. The manifest must declare the "schedule" permission (forbidden
// `permission_not_declared`). Created and cancelled in the action's transaction; persisted,
// so they survive restarts; with several instances exactly one runs each slot. Missed slots
// (the server was down): skipped, or run once when `run_missed_once`. invalid_input
// `invalid_cron`, `run_at_in_past`, `unknown_job`; the user sees the runs and their errors at
// GET /api/v1/schedules.
struct ScheduleInfo {
  std::string id, job;
  std::optional<std::string> cron;
  std::optional<std::int64_t> run_at, next_run_at;
  json::value payload;
};

class Schedule {
 public:
  virtual ~Schedule() = default;
  virtual asio::awaitable<std::string> create(std::string cron, std::string job, json::value payload = nullptr,
                                              bool run_missed_once = false) = 0;
  virtual asio::awaitable<std::string> once(std::int64_t at_unix_ms, std::string job, json::value payload = nullptr) = 0;
  virtual asio::awaitable<void> cancel(std::string id) = 0;  // not_found `schedule_not_found`
  virtual asio::awaitable<std::vector<ScheduleInfo>> list() = 0;
};

// ctx.ai: model calls for app code, with the provider and the model tier the platform and
// the app's manifest (`agent.model`) chose. The manifest must declare the "ai" permission
// (forbidden `permission_not_declared`). Every call is charged to the user's daily budget
// (429 `budget_exceeded` before calling the model) and recorded in their usage. With no
// provider configured: unavailable `no_model_configured`. Text given as `data` is sent as
// data to reason about, never as instructions. Provider failures: unavailable
// `upstream_unavailable` / `upstream_timeout` / …
class Ai {
 public:
  virtual ~Ai() = default;
  // A free-text answer to `prompt` (at most `max_tokens`, capped by the platform).
  virtual asio::awaitable<std::string> complete(std::string prompt, int max_tokens = 500) = 0;
  // A JSON value answering `instruction` about `data` (e.g. "classify this expense").
  virtual asio::awaitable<json::value> analyze(std::string instruction, json::value data, int max_tokens = 500) = 0;
  // Text written for the user following `instruction` from `context` (e.g. a summary).
  virtual asio::awaitable<std::string> generate(std::string instruction, json::object context, int max_tokens = 500) = 0;
};

// An event of another app's stream, as a stream handler receives it.
struct StreamEvent {
  std::string app_id;  // the publisher
  std::string stream;
  std::int64_t seq = 0;
  json::value data;
};

// What the platform gives the context besides its services.
class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual std::string new_id() = 0;        // a UUIDv7
  virtual std::int64_t now_ms() = 0;       // the platform's clock (fake in tests)
  virtual void log(std::string_view app_id, std::string_view user_id, std::string_view message) = 0;
};

// The context of one handler call. Lives for the call only; do not keep references.
struct ActionContext {
  const User& user;
  const std::string& app_id;
  Storage& storage;
  Apps& apps;
  Streams& streams;
  Notifications& notifications;
  Schedule& schedule;
  Runtime& runtime;
  Ai& ai;

  std::string new_id() const { return runtime.new_id(); }
  std::int64_t now_ms() const { return runtime.now_ms(); }
  void log(std::string_view message) const { runtime.log(app_id, user.id, message); }
};

using ActionHandler = std::function<asio::awaitable<json::value>(ActionContext& ctx, json::object params)>;
using OutputProducer = std::function<asio::awaitable<json::value>(ActionContext& ctx)>;
// Runs once per event (at least once), in a transaction of its own, with a context for the
// event's user — only while this app is installed and enabled and its grant holds.
using StreamHandler = std::function<asio::awaitable<void>(ActionContext& ctx, const StreamEvent& event)>;
// Runs when a schedule of this app fires, in a transaction of its own, with a context for
// the schedule's user — only while the app is installed and enabled. Throwing fails the run
// (recorded with the message); the schedule goes on.
using JobHandler = std::function<asio::awaitable<void>(ActionContext& ctx, const json::value& payload)>;

// An app's code: its id and its handlers, registered once at start (apps/all_apps.cpp).
class App {
 public:
  explicit App(std::string id) : id_(std::move(id)) {}

  App& action(std::string name, ActionHandler handler) {
    actions_[std::move(name)] = std::move(handler);
    return *this;
  }
  App& output(std::string name, OutputProducer producer) {
    outputs_[std::move(name)] = std::move(producer);
    return *this;
  }
  // A stream this app publishes (through ctx.streams).
  App& stream(std::string name) {
    streams_.push_back(std::move(name));
    return *this;
  }
  // Subscribes, at start, to another app's stream (declared in the manifest's
  // dependencies[].uses.streams).
  App& on_stream(std::string app_id, std::string stream, StreamHandler handler) {
    stream_handlers_[{std::move(app_id), std::move(stream)}] = std::move(handler);
    return *this;
  }

  // A job that ctx.schedule can run later.
  App& job(std::string name, JobHandler handler) {
    jobs_[std::move(name)] = std::move(handler);
    return *this;
  }

  const std::string& id() const { return id_; }
  const std::map<std::string, JobHandler>& jobs() const { return jobs_; }
  const std::map<std::string, ActionHandler>& actions() const { return actions_; }
  const std::map<std::string, OutputProducer>& outputs() const { return outputs_; }
  const std::vector<std::string>& streams() const { return streams_; }
  const std::map<std::pair<std::string, std::string>, StreamHandler>& stream_handlers() const {
    return stream_handlers_;
  }

 private:
  std::string id_;
  std::map<std::string, ActionHandler> actions_;
  std::map<std::string, OutputProducer> outputs_;
  std::vector<std::string> streams_;
  std::map<std::pair<std::string, std::string>, StreamHandler> stream_handlers_;
  std::map<std::string, JobHandler> jobs_;
};

// An app as the platform receives it: its manifest (JSON text) and its code.
struct AppBundle {
  std::string_view manifest_json;
  std::shared_ptr<const App> app;
};

}  // namespace krilin::sdk
