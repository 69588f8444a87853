#include "kernel/scheduler/scheduler.h"

#include <algorithm>
#include <cassert>
#include <exception>
#include <variant>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.h"
#include "core/log.h"
#include "kernel/scheduler/cron.h"

namespace krilin::kernel::scheduler {

using store::text;
using store::Value;

namespace {

constexpr const char* kColumns =
    "id, user_id, app_id, job, cron, run_at, time_zone, payload, missed_policy, next_run_at, created_at";
constexpr const char* kRunColumns = "id, schedule_id, scheduled_for, started_at, finished_at, status, error";
constexpr std::size_t kMaxErrorBytes = 2000;
constexpr int kMaxCountedSlots = 1000;

Value opt_int(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(nullptr); }
Value opt_text(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

std::optional<std::int64_t> int_or_null(const Value& v) {
  if (store::is_null(v)) return std::nullopt;
  return store::as_int(v);
}

Schedule schedule_of(const store::Rows& rows, std::size_t i) {
  const auto& r = rows.rows[i];
  Schedule s;
  s.id = store::as_text(r[0]);
  s.user_id = store::as_text(r[1]);
  s.app_id = store::as_text(r[2]);
  s.job = store::as_text(r[3]);
  if (!store::is_null(r[4])) s.cron = store::as_text(r[4]);
  s.run_at = int_or_null(r[5]);
  s.time_zone = store::as_text(r[6]);
  boost::system::error_code ec;
  s.payload = json::parse(store::as_text(r[7]), ec);
  if (ec) s.payload = nullptr;
  s.missed_policy = store::as_text(r[8]) == "run_once" ? MissedPolicy::run_once : MissedPolicy::skip;
  s.next_run_at = int_or_null(r[9]);
  s.created_at = store::as_int(r[10]);
  return s;
}

Run run_of(const store::Rows& rows, std::size_t i) {
  const auto& r = rows.rows[i];
  Run run;
  run.id = store::as_text(r[0]);
  run.schedule_id = store::as_text(r[1]);
  run.scheduled_for = store::as_int(r[2]);
  run.started_at = store::as_int(r[3]);
  run.finished_at = int_or_null(r[4]);
  run.status = store::as_text(r[5]);
  if (!store::is_null(r[6])) run.error = store::as_text(r[6]);
  return run;
}

Exception not_found() { return Exception(Error::not_found("schedule_not_found", "no such schedule")); }

// An error message fit for a TEXT column on both backends: valid UTF-8 (invalid bytes become
// U+FFFD), no NUL, at most kMaxErrorBytes, cut at a character boundary.
std::string clean_text(std::string_view in) {
  std::string out;
  out.reserve(std::min(in.size(), kMaxErrorBytes));
  for (std::size_t i = 0; i < in.size() && out.size() < kMaxErrorBytes;) {
    const auto c = static_cast<unsigned char>(in[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n > 0 && i + n <= in.size() && !(n == 1 && c == 0);
    for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(in[i + k]) & 0xC0) == 0x80;
    if (ok && n == 2) ok = c >= 0xC2;  // no overlong forms
    if (ok && n == 3) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0);  // overlong, surrogates
    }
    if (ok && n == 4) {
      const auto c1 = static_cast<unsigned char>(in[i + 1]);
      ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 >= 0x90) && c <= 0xF4;
    }
    if (!ok) {
      if (out.size() + 3 > kMaxErrorBytes) break;
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (out.size() + n > kMaxErrorBytes) break;
    out.append(in.substr(i, n));
    i += n;
  }
  return out;
}

std::string message_of(std::exception_ptr ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const Exception& e) {
    return e.error().code + ": " + e.error().message;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

bool valid_job(std::string_view job) {
  if (job.empty() || job.size() > 100) return false;
  return std::all_of(job.begin(), job.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == ':' || c == '-';
  });
}

std::int64_t clamp_limit(std::size_t limit) { return static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, 500)); }

}  // namespace

std::string_view to_string(MissedPolicy p) { return p == MissedPolicy::run_once ? "run_once" : "skip"; }

Result<MissedPolicy> parse_missed_policy(std::string_view text) {
  if (text == "skip") return MissedPolicy::skip;
  if (text == "run_once") return MissedPolicy::run_once;
  return Error::invalid("invalid_missed_policy", "missed_policy must be 'skip' or 'run_once'");
}

json::object Schedule::to_json() const {
  json::object o{{"id", id},
                 {"app_id", app_id},
                 {"job", job},
                 {"cron", nullptr},
                 {"run_at", nullptr},
                 {"time_zone", time_zone},
                 {"payload", payload},
                 {"missed_policy", std::string(scheduler::to_string(missed_policy))},
                 {"next_run_at", nullptr},
                 {"created_at", created_at}};
  if (cron) o["cron"] = *cron;
  if (run_at) o["run_at"] = *run_at;
  if (next_run_at) o["next_run_at"] = *next_run_at;
  return o;
}

json::object Run::to_json() const {
  json::object o{{"id", id},           {"schedule_id", schedule_id}, {"scheduled_for", scheduled_for},
                 {"started_at", started_at}, {"finished_at", nullptr},  {"status", status},
                 {"error", nullptr}};
  if (finished_at) o["finished_at"] = *finished_at;
  if (error) o["error"] = *error;
  return o;
}

// A claimed schedule: what run_one needs of its row.
struct Scheduler::Claim {
  Schedule schedule;
  std::int64_t slot = 0;  // next_run_at when claimed
};

// The loop's state. Every member is touched on `strand` only.
struct Scheduler::Loop {
  explicit Loop(asio::any_io_executor ex)
      : strand(asio::make_strand(ex)), wake(strand), finished(strand, asio::steady_timer::time_point::max()) {}
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer wake, finished;
  bool stopping = false;
  bool done = false;
};

Scheduler::Scheduler(store::Store& store, const core::Clock& clock, std::string instance_id, SchedulerOptions options)
    : store_(store), clock_(clock), instance_(std::move(instance_id)), opt_(options) {
  assert(!instance_.empty());
}

Scheduler::~Scheduler() { assert(!loop_ || loop_->done); }

asio::awaitable<Schedule> Scheduler::create(std::string user_id, std::string app_id, std::string job, CronOrOnce when,
                                            std::string time_zone, json::value payload, MissedPolicy policy) {
  co_return co_await create(store_, std::move(user_id), std::move(app_id), std::move(job), std::move(when),
                            std::move(time_zone), std::move(payload), policy);
}

asio::awaitable<Schedule> Scheduler::create(store::Executor& db, std::string user_id, std::string app_id, std::string job,
                                            CronOrOnce when, std::string time_zone, json::value payload,
                                            MissedPolicy policy) {
  const std::int64_t now = clock_.now_ms();
  if (app_id.empty() || app_id.size() > 100) throw Exception(Error::invalid("invalid_app", "app_id must be 1–100 characters"));
  if (!valid_job(job))
    throw Exception(Error::invalid("invalid_job", "job must be 1–100 characters of A–Z, a–z, 0–9, _ . : -"));
  if (!is_time_zone(time_zone))
    throw Exception(Error::invalid("invalid_time_zone", "unknown time zone '" + clean_text(time_zone) + "'"));
  std::string payload_text = json::serialize(payload);
  if (payload_text.size() > opt_.max_payload_bytes)
    throw Exception(Error{ErrorKind::payload_too_large, "payload_too_large",
                          "the payload is over " + std::to_string(opt_.max_payload_bytes) + " bytes"});

  Schedule s;
  s.id = core::new_id_at(now);
  s.user_id = std::move(user_id);
  s.app_id = std::move(app_id);
  s.job = std::move(job);
  s.time_zone = std::move(time_zone);
  s.payload = std::move(payload);
  s.missed_policy = policy;
  s.created_at = now;
  if (when.expression()) {
    Cron cron = parse_cron(*when.expression()).value();
    auto first = next_after(cron, now, s.time_zone).value();
    if (!first) throw Exception(Error::invalid("invalid_cron", "'" + cron.text + "' never fires"));
    s.cron = cron.text;
    s.next_run_at = *first;
  } else {
    const std::int64_t at = when.at_ms().value_or(0);
    if (at <= now) throw Exception(Error::invalid("run_at_in_past", "run_at must be after now"));
    s.run_at = at;
    s.next_run_at = at;
  }

  store::Params count_params{text(s.user_id), text(s.app_id)};
  auto counted = co_await db.query(
      "SELECT count(*) FROM schedules WHERE user_id = $1 AND app_id = $2 AND cancelled_at IS NULL "
      "AND next_run_at IS NOT NULL",
      std::move(count_params));
  if (store::as_int(counted.rows.at(0).at(0)) >= opt_.max_schedules_per_app)
    throw Exception(Error::conflict("too_many_schedules", "this app has " + std::to_string(opt_.max_schedules_per_app) +
                                                              " live schedules for this user already"));

  store::Params p{text(s.id),           text(s.user_id),
                  text(s.app_id),       text(s.job),
                  opt_text(s.cron),     opt_int(s.run_at),
                  text(s.time_zone),    text(payload_text),
                  text(to_string(policy)), opt_int(s.next_run_at),
                  Value(now)};
  co_await db.execute(
      "INSERT INTO schedules (id, user_id, app_id, job, cron, run_at, time_zone, payload, missed_policy, next_run_at, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      std::move(p));
  co_return s;
}

asio::awaitable<void> Scheduler::cancel(std::string user_id, std::string id, std::optional<std::string> app_id) {
  co_await cancel(store_, std::move(user_id), std::move(id), std::move(app_id));
}

asio::awaitable<void> Scheduler::cancel(store::Executor& db, std::string user_id, std::string id,
                                        std::optional<std::string> app_id) {
  store::Params p{Value(clock_.now_ms()), text(id), text(user_id)};
  std::string sql =
      "UPDATE schedules SET cancelled_at = $1, next_run_at = NULL WHERE id = $2 AND user_id = $3 AND cancelled_at IS NULL";
  if (app_id) {
    sql += " AND app_id = $4";
    p.push_back(text(*app_id));
  }
  auto n = co_await db.execute(std::move(sql), std::move(p));
  if (n == 0) throw not_found();
}

asio::awaitable<Schedule> Scheduler::get(std::string user_id, std::string id) {
  store::Params p{text(id), text(user_id)};
  auto rows = co_await store_.query(
      std::string("SELECT ") + kColumns + " FROM schedules WHERE id = $1 AND user_id = $2 AND cancelled_at IS NULL",
      std::move(p));
  if (rows.empty()) throw not_found();
  co_return schedule_of(rows, 0);
}

asio::awaitable<std::vector<Schedule>> Scheduler::list(std::string user_id, std::optional<std::string> app_id,
                                                       std::size_t limit) {
  co_return co_await list(store_, std::move(user_id), std::move(app_id), limit);
}

asio::awaitable<std::vector<Schedule>> Scheduler::list(store::Executor& db, std::string user_id,
                                                       std::optional<std::string> app_id, std::size_t limit) {
  store::Params p{text(user_id), Value(clamp_limit(limit))};
  std::string sql = std::string("SELECT ") + kColumns + " FROM schedules WHERE user_id = $1 AND cancelled_at IS NULL";
  if (app_id) {
    sql += " AND app_id = $3";
    p.push_back(text(*app_id));
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT $2";
  auto rows = co_await db.query(std::move(sql), std::move(p));
  std::vector<Schedule> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(schedule_of(rows, i));
  co_return out;
}

asio::awaitable<std::vector<Run>> Scheduler::runs(std::string user_id, std::string schedule_id, std::size_t limit) {
  store::Params owner{text(schedule_id), text(user_id)};
  auto found = co_await store_.query("SELECT id FROM schedules WHERE id = $1 AND user_id = $2", std::move(owner));
  if (found.empty()) throw not_found();
  store::Params p{text(schedule_id), text(user_id), Value(clamp_limit(limit))};
  auto rows = co_await store_.query(std::string("SELECT ") + kRunColumns +
                                        " FROM schedule_runs WHERE schedule_id = $1 AND user_id = $2 "
                                        "ORDER BY started_at DESC, id DESC LIMIT $3",
                                    std::move(p));
  std::vector<Run> out;
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(run_of(rows, i));
  co_return out;
}

asio::awaitable<std::vector<Scheduler::Claim>> Scheduler::claim(std::int64_t now) {
  const std::int64_t lease_until = now + (opt_.run_timeout + opt_.lease_margin).count();
  const std::string select = std::string("SELECT ") + kColumns +
                             " FROM schedules WHERE cancelled_at IS NULL AND next_run_at IS NOT NULL "
                             "AND next_run_at <= $1 AND (lease_until IS NULL OR lease_until < $1) "
                             "ORDER BY next_run_at, id LIMIT $2";
  std::vector<Claim> claims;
  if (store_.dialect() == store::Dialect::postgres) {
    // Rows another instance is claiming right now are skipped, not waited for; once that
    // transaction commits its lease keeps them out of everyone else's SELECT.
    co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
      store::Params p{Value(now), Value(static_cast<std::int64_t>(opt_.batch_size))};
      auto rows = co_await tx.query(select + " FOR UPDATE SKIP LOCKED", std::move(p));
      if (rows.empty()) co_return;
      std::string sql = "UPDATE schedules SET lease_owner = $1, lease_until = $2 WHERE id IN (";
      store::Params up{text(instance_), Value(lease_until)};
      for (std::size_t i = 0; i < rows.size(); ++i) {
        sql += (i ? ", $" : "$") + std::to_string(i + 3);
        up.push_back(rows.rows[i][0]);
      }
      sql += ")";
      co_await tx.execute(sql, std::move(up));
      for (std::size_t i = 0; i < rows.size(); ++i) {
        Schedule s = schedule_of(rows, i);
        const std::int64_t slot = s.next_run_at.value_or(now);
        claims.push_back(Claim{std::move(s), slot});
      }
    });
  } else {
    store::Params p{Value(now), Value(static_cast<std::int64_t>(opt_.batch_size))};
    auto rows = co_await store_.query(select, std::move(p));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Schedule s = schedule_of(rows, i);
      const std::int64_t slot = s.next_run_at.value_or(now);
      store::Params up{text(instance_), Value(lease_until), text(s.id), Value(slot), Value(now)};
      auto n = co_await store_.execute(
          "UPDATE schedules SET lease_owner = $1, lease_until = $2 WHERE id = $3 AND cancelled_at IS NULL "
          "AND next_run_at = $4 AND (lease_until IS NULL OR lease_until < $5)",
          std::move(up));
      if (n == 1) claims.push_back(Claim{std::move(s), slot});
    }
  }
  co_return claims;
}

asio::awaitable<RunDueSummary> Scheduler::run_due(Callback callback) {
  // One strand per pass. Asio 1.81's parallel_group (behind `||`, which the deadline below
  // and the PostgreSQL store's waits use) registers its cancellation handler after it has
  // launched its operations; when those complete on another thread first, the handler is
  // written into freed memory (chriskohlhoff/asio#1348, #1630) — a crash we hit with two
  // io_context threads. On a strand nothing completes until the launcher has returned.
  auto ex = co_await asio::this_coro::executor;
  auto strand = asio::make_strand(ex);
  co_return co_await asio::co_spawn(strand, pass(std::move(callback)), asio::use_awaitable);
}

asio::awaitable<RunDueSummary> Scheduler::pass(Callback callback) {
  auto claims = co_await claim(clock_.now_ms());
  RunDueSummary summary;
  summary.claimed = claims.size();
  if (claims.empty()) co_return summary;

  auto ex = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(ex, std::declval<asio::awaitable<Outcome>>(), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(claims.size());
  for (auto& c : claims) ops.push_back(asio::co_spawn(ex, run_one(std::move(c), callback), asio::deferred));
  auto group = asio::experimental::make_parallel_group(std::move(ops));
  auto [order, errors, outcomes] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::deferred);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (errors[i]) {
      core::log_event(spdlog::level::warn, "scheduler could not record a run; its lease will expire",
                      {{"error", message_of(errors[i])}});
      ++summary.failed;
      continue;
    }
    switch (outcomes[i]) {
      case Outcome::succeeded: ++summary.succeeded; break;
      case Outcome::failed: ++summary.failed; break;
      case Outcome::skipped: ++summary.skipped; break;
      case Outcome::lost: ++summary.failed; break;
    }
  }
  co_return summary;
}

asio::awaitable<Scheduler::Outcome> Scheduler::run_one(Claim claim, Callback callback) {
  const Schedule& s = claim.schedule;
  const std::int64_t now = clock_.now_ms();
  const std::int64_t slot = claim.slot;

  // The slots that are due: this one, and (for cron) any later ones already past.
  std::optional<Cron> cron;
  if (s.cron) {
    auto parsed = parse_cron(*s.cron);
    if (parsed) cron = std::move(*parsed);
  }
  int due_slots = 1;
  if (cron) {
    std::int64_t t = slot;
    while (due_slots < kMaxCountedSlots) {
      auto nx = next_after(*cron, t, s.time_zone);
      if (!nx || !*nx || **nx > now) break;
      t = **nx;
      ++due_slots;
    }
  }
  const bool missed = due_slots > 1 || now - slot > opt_.misfire_grace.count();
  // Where the schedule goes next: after the slot that ran, or (missed) after now.
  auto next_slot = [&](std::int64_t after) -> std::optional<std::int64_t> {
    if (!cron) return std::nullopt;
    auto nx = next_after(*cron, after, s.time_zone);
    if (!nx) {
      core::log_event(spdlog::level::warn, "schedule stopped: its next slot cannot be computed",
                      {{"schedule", s.id}, {"error", nx.error().message}});
      return std::nullopt;
    }
    return *nx;
  };

  const std::string run_id = core::new_id_at(now);
  // A run still marked running while the lease was free was interrupted (its instance died).
  store::Statement interrupted{
      "UPDATE schedule_runs SET status = 'failed', finished_at = $1, "
      "error = 'interrupted: the instance running it stopped before it finished' "
      "WHERE schedule_id = $2 AND status = 'running'",
      {Value(now), text(s.id)}};

  // Records the outcome, moves the schedule on and releases the lease, atomically. A skip
  // writes its run row here too (`fresh`), so no `running` row is ever left for it.
  auto finish = [&](std::string status, std::optional<std::string> error, std::optional<std::int64_t> next,
                    std::int64_t finished_at, bool fresh) -> asio::awaitable<bool> {
    std::vector<store::Statement> st;
    if (fresh) {
      st.push_back(std::move(interrupted));
      st.push_back({"INSERT INTO schedule_runs (id, schedule_id, user_id, scheduled_for, started_at, finished_at, "
                    "status, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    {text(run_id), text(s.id), text(s.user_id), Value(slot), Value(now), Value(finished_at),
                     text(status), opt_text(error)}});
    } else {
      st.push_back({"UPDATE schedule_runs SET status = $1, finished_at = $2, error = $3 WHERE id = $4 "
                    "AND status = 'running'",
                    {text(status), Value(finished_at), opt_text(error), text(run_id)}});
    }
    // A schedule cancelled while it ran stays without a next slot.
    st.push_back({"UPDATE schedules SET next_run_at = CASE WHEN cancelled_at IS NULL THEN CAST($1 AS BIGINT) END, "
                  "lease_owner = NULL, lease_until = NULL WHERE id = $2 AND lease_owner = $3",
                  {opt_int(next), text(s.id), text(instance_)}});
    st.push_back({"DELETE FROM schedule_runs WHERE schedule_id = $1 AND id NOT IN "
                  "(SELECT id FROM schedule_runs WHERE schedule_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2)",
                  {text(s.id), Value(opt_.runs_kept)}});
    const std::size_t lease_update = fresh ? 2 : 1;
    auto results = co_await store_.batch(std::move(st));
    co_return results.at(lease_update).affected == 1;
  };

  if (missed && s.missed_policy == MissedPolicy::skip) {
    std::string why = "skipped " + std::to_string(due_slots) + (due_slots >= kMaxCountedSlots ? "+" : "") +
                      (due_slots == 1 ? " missed slot" : " missed slots") + " (missed_policy skip)";
    const bool kept = co_await finish("skipped", why, next_slot(now), now, true);
    co_return kept ? Outcome::skipped : Outcome::lost;
  }

  {
    std::vector<store::Statement> st;
    st.push_back(std::move(interrupted));
    st.push_back({"INSERT INTO schedule_runs (id, schedule_id, user_id, scheduled_for, started_at, status) "
                  "VALUES ($1, $2, $3, $4, $5, 'running')",
                  {text(run_id), text(s.id), text(s.user_id), Value(slot), Value(now)}});
    co_await store_.batch(std::move(st));
  }

  DueRun due{s.id, run_id, s.user_id, s.app_id, s.job, s.payload, slot, missed ? due_slots : 0};
  // The callback never throws out of `guarded`, so `||` ends with whichever finishes
  // first: the callback (its error or none), or the deadline (the callback is cancelled).
  auto guarded = [&]() -> asio::awaitable<std::optional<std::string>> {
    try {
      co_await callback(due);
    } catch (...) {
      co_return message_of(std::current_exception());
    }
    co_return std::nullopt;
  };
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer deadline(ex, opt_.run_timeout);
  using namespace asio::experimental::awaitable_operators;
  auto first = co_await (guarded() || deadline.async_wait(asio::use_awaitable));
  std::optional<std::string> error;
  if (first.index() == 1) {
    error = "timed out after " + std::to_string(opt_.run_timeout.count()) + " ms";
  } else if (std::get<0>(first)) {
    error = clean_text(*std::get<0>(first));
  }

  const std::int64_t finished_at = clock_.now_ms();
  const bool kept =
      co_await finish(error ? "failed" : "succeeded", error, next_slot(missed ? now : slot), finished_at, false);
  if (!kept) {
    core::log_event(spdlog::level::warn, "schedule lease lost before the run finished",
                    {{"schedule", s.id}, {"run", run_id}});
    co_return Outcome::lost;
  }
  co_return error ? Outcome::failed : Outcome::succeeded;
}

asio::awaitable<void> Scheduler::loop(Callback callback, std::chrono::milliseconds poll_interval) {
  while (!loop_->stopping) {
    bool full = false;
    try {
      auto summary = co_await run_due(callback);
      full = summary.claimed >= opt_.batch_size;
    } catch (const std::exception&) {
      core::log_event(spdlog::level::warn, "scheduler pass failed; will retry",
                      {{"error", message_of(std::current_exception())}});
    }
    if (loop_->stopping) break;
    if (full) continue;
    loop_->wake.expires_after(poll_interval);
    boost::system::error_code ec;
    co_await loop_->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void Scheduler::start(asio::any_io_executor executor, Callback callback, std::chrono::milliseconds poll_interval) {
  assert(!loop_);
  loop_ = std::make_unique<Loop>(executor);
  asio::co_spawn(loop_->strand, loop(std::move(callback), poll_interval),
                 asio::bind_executor(loop_->strand, [this](std::exception_ptr ep) {
                   if (ep)
                     core::log_event(spdlog::level::err, "scheduler loop ended by an exception",
                                     {{"error", message_of(ep)}});
                   loop_->done = true;
                   loop_->finished.cancel();
                 }));
}

asio::awaitable<void> Scheduler::stop() {
  if (!loop_) co_return;
  co_await asio::co_spawn(
      loop_->strand,
      [this]() -> asio::awaitable<void> {
        loop_->stopping = true;
        loop_->wake.cancel();
        if (loop_->done) co_return;
        boost::system::error_code ec;
        co_await loop_->finished.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      },
      asio::use_awaitable);
}

}  // namespace krilin::kernel::scheduler
