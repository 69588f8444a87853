#pragma once
// The scheduler (issue 5): persisted jobs that fire on a cron expression in the user's time
// zone, or once at an instant; leased so that with several instances exactly one runs each
// slot; a run history with errors that the user can read.
//
// Tables (migration 7): `schedules` (one row per job; `next_run_at` is the slot the job is
// waiting for, NULL once a one-off job has run; `lease_owner`/`lease_until` mark the instance
// running it) and `schedule_runs` (one row per run: running → succeeded | failed, or skipped).
//
// How to use it:
//   Scheduler s(store, clock, instance_id);                  // one per process
//   auto sch = co_await s.create(user, app, "send_digest", CronOrOnce::cron("0 9 * * MON-FRI"),
//                                "Europe/Paris", payload, MissedPolicy::skip);
//   s.start(io.get_executor(), [&](const DueRun& r) -> asio::awaitable<void> {
//     co_await dispatch_to_app(r.user_id, r.app_id, r.job, r.payload);   // throw to fail the run
//   }, std::chrono::seconds(1));
//   …
//   co_await s.stop();                                        // before destroying it
//
// Running (run_due, what the loop calls every poll interval):
// - Claims up to `batch_size` due schedules (next_run_at <= now, not cancelled, lease free
//   or expired) for `run_timeout + lease_margin`. PostgreSQL: one transaction with
//   SELECT … FOR UPDATE SKIP LOCKED, so two instances never claim the same row. SQLite: one
//   conditional UPDATE per row (embedded mode runs one instance).
// - Runs the claimed jobs concurrently: records a `running` run, calls the callback with a
//   deadline of `run_timeout` (past it the callback is cancelled at its next await and the
//   run fails "timed out"), then records `succeeded` or `failed` with the exception's message,
//   moves next_run_at on (cron: the next slot after the one that ran; once: NULL) and
//   releases the lease — in one atomic batch. Keeps the last `runs_kept` runs per schedule.
// - Missed slots: a slot is missed when it is more than `misfire_grace` late or a later slot
//   is also due already (no instance ran while it was due). MissedPolicy::skip records one
//   `skipped` run standing for them and no callback; MissedPolicy::run_once calls the callback
//   once for all of them (DueRun::scheduled_for = the first missed slot, missed_slots = how
//   many, counted up to 1000). Either way the next slot is the first one after now.
// - Guarantees: while leases hold (the callback honours its deadline), a slot runs on one
//   instance only. An instance that dies mid-run leaves its lease to expire; the next claim
//   marks that run failed "interrupted" and treats the slot as missed, so the policy decides
//   whether it runs again (at least once for run_once, at most once for skip).
//
// Times come from `clock` (leases, slots, history); deadlines are real time (steady timers).
// Every statement binds its values. Errors: invalid input → invalid_input with codes
// invalid_cron, invalid_time_zone, run_at_in_past, invalid_job, invalid_app, payload_too_large
// (413); another user's schedule, or an unknown or cancelled one → not_found
// "schedule_not_found"; too many live schedules for one app → conflict "too_many_schedules";
// store failures propagate (503 and friends).
//
// Thread safety: create/cancel/get/list/runs/run_due may be called concurrently from any
// thread. start() and stop() are called once each, from one place. The callbacks of one
// pass (up to batch_size) run concurrently on one strand: interleaved at their awaits,
// never on two threads at once. A callback that moves to another executor should not use
// Asio's `||`/parallel_group there while a cancellation slot is connected (see run_due in
// the .cpp: Asio 1.81 races in that case).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/store.h"

namespace krilin::kernel::scheduler {

namespace asio = boost::asio;

enum class MissedPolicy { skip, run_once };
std::string_view to_string(MissedPolicy p);                     // "skip" | "run_once"
Result<MissedPolicy> parse_missed_policy(std::string_view text);  // invalid_input "invalid_missed_policy"

// When a schedule fires: a cron expression (see cron.h) or once at an instant (Unix ms).
class CronOrOnce {
 public:
  static CronOrOnce cron(std::string expression) { return CronOrOnce(std::move(expression), std::nullopt); }
  static CronOrOnce once(std::int64_t at_ms) { return CronOrOnce(std::nullopt, at_ms); }
  const std::optional<std::string>& expression() const { return expression_; }
  const std::optional<std::int64_t>& at_ms() const { return at_ms_; }

 private:
  CronOrOnce(std::optional<std::string> e, std::optional<std::int64_t> at) : expression_(std::move(e)), at_ms_(at) {}
  std::optional<std::string> expression_;
  std::optional<std::int64_t> at_ms_;
};

struct Schedule {
  std::string id, user_id, app_id, job;
  std::optional<std::string> cron;     // set for cron schedules
  std::optional<std::int64_t> run_at;  // set for one-off schedules
  std::string time_zone;
  json::value payload;
  MissedPolicy missed_policy = MissedPolicy::skip;
  std::optional<std::int64_t> next_run_at;  // NULL: a one-off that has run (or was skipped)
  std::int64_t created_at = 0;
  // {id, app_id, job, cron, run_at, time_zone, payload, missed_policy, next_run_at, created_at}
  json::object to_json() const;
};

struct Run {
  std::string id, schedule_id;
  std::int64_t scheduled_for = 0, started_at = 0;
  std::optional<std::int64_t> finished_at;
  std::string status;                // running | succeeded | failed | skipped
  std::optional<std::string> error;  // why it failed (or what was skipped)
  json::object to_json() const;
};

// What the callback is asked to run. Valid for the duration of the callback.
struct DueRun {
  std::string schedule_id, run_id, user_id, app_id, job;
  json::value payload;
  std::int64_t scheduled_for = 0;  // the slot (Unix ms) this run stands for
  int missed_slots = 0;            // 0 on time; ≥ 1 when run_once catches up missed slots
};

struct RunDueSummary {
  std::size_t claimed = 0, succeeded = 0, failed = 0, skipped = 0;
};

struct SchedulerOptions {
  std::size_t batch_size = 16;                 // schedules claimed (and run concurrently) per pass
  std::chrono::milliseconds run_timeout{60'000};
  std::chrono::milliseconds lease_margin{30'000};   // lease = run_timeout + lease_margin
  std::chrono::milliseconds misfire_grace{60'000};  // later than this, a slot counts as missed
  std::size_t max_payload_bytes = 64 * 1024;   // serialized JSON
  std::int64_t max_schedules_per_app = 1000;   // live schedules per (user, app)
  std::int64_t runs_kept = 100;                // run history kept per schedule
};

class Scheduler {
 public:
  using Callback = std::function<asio::awaitable<void>(const DueRun&)>;

  // `store` and `clock` must outlive the scheduler. `instance_id` names this process in
  // leases (unique per instance, e.g. hostname + pid + random).
  Scheduler(store::Store& store, const core::Clock& clock, std::string instance_id, SchedulerOptions options = {});
  // The loop must be stopped (co_await stop()) before destruction.
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Persists a schedule and answers it with its first next_run_at. Validates everything:
  // the cron (and that it ever fires), the time zone, a once-instant after now, the job
  // name ([A-Za-z0-9_.:-], 1–100), the app id (1–100), the payload size. The user must exist
  // (else conflict "foreign_key_violation").
  asio::awaitable<Schedule> create(std::string user_id, std::string app_id, std::string job, CronOrOnce when,
                                   std::string time_zone, json::value payload, MissedPolicy policy);
  // The same inside a transaction of the caller's (an app's action: the schedule exists only
  // if the action commits; on SQLite this is also what avoids waiting for the writer the
  // action holds). cancel and list likewise.
  asio::awaitable<Schedule> create(store::Executor& db, std::string user_id, std::string app_id, std::string job,
                                   CronOrOnce when, std::string time_zone, json::value payload, MissedPolicy policy);

  // Cancels a live schedule: it will not be claimed again (a run in flight finishes).
  // With `app_id`, a schedule of another app is not_found too.
  asio::awaitable<void> cancel(std::string user_id, std::string id, std::optional<std::string> app_id = std::nullopt);
  asio::awaitable<void> cancel(store::Executor& db, std::string user_id, std::string id,
                               std::optional<std::string> app_id = std::nullopt);

  // One schedule of the user (not cancelled).
  asio::awaitable<Schedule> get(std::string user_id, std::string id);

  // The user's schedules that are not cancelled (one-offs that ran included, with
  // next_run_at NULL), optionally of one app; newest first, at most `limit` (1–500).
  asio::awaitable<std::vector<Schedule>> list(std::string user_id, std::optional<std::string> app_id = std::nullopt,
                                              std::size_t limit = 100);
  asio::awaitable<std::vector<Schedule>> list(store::Executor& db, std::string user_id,
                                              std::optional<std::string> app_id = std::nullopt, std::size_t limit = 100);

  // The run history of one of the user's schedules (cancelled ones included), newest first,
  // at most `limit` (1–500). Another user's schedule → not_found "schedule_not_found".
  asio::awaitable<std::vector<Run>> runs(std::string user_id, std::string schedule_id, std::size_t limit = 50);

  // One pass: claims due schedules, runs them, records the outcome (see above). A failing
  // callback is an outcome, not an error; store failures while claiming propagate, and a
  // store failure while recording one run is logged (the lease then expires and the slot
  // is handled as missed).
  asio::awaitable<RunDueSummary> run_due(Callback callback);

  // Runs run_due every `poll_interval` on `executor` (at once again when a pass was full)
  // until stop(). Failures of a pass are logged and retried at the next poll.
  void start(asio::any_io_executor executor, Callback callback, std::chrono::milliseconds poll_interval);
  // Stops the loop and waits for the pass in flight (bounded by run_timeout). Idempotent.
  // Never from inside a callback (it would wait for itself).
  asio::awaitable<void> stop();

 private:
  struct Claim;
  struct Loop;
  enum class Outcome { succeeded, failed, skipped, lost };

  asio::awaitable<std::vector<Claim>> claim(std::int64_t now);
  asio::awaitable<RunDueSummary> pass(Callback callback);
  asio::awaitable<Outcome> run_one(Claim claim, Callback callback);
  asio::awaitable<void> loop(Callback callback, std::chrono::milliseconds poll_interval);

  store::Store& store_;
  const core::Clock& clock_;
  std::string instance_;
  SchedulerOptions opt_;
  std::unique_ptr<Loop> loop_;
};

}  // namespace krilin::kernel::scheduler
