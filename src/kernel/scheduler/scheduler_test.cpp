// The scheduler on SQLite (a file in a temporary directory) and on PostgreSQL (a fresh
// database in the cluster named by KRILIN_TEST_DATABASE_URL; skipped without it unless
// KRILIN_TEST_PG_REQUIRED=1). Time is a FakeClock; only deadlines are real.
#include "kernel/scheduler/scheduler.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/ids.h"
#include "store/store.h"

namespace krilin::kernel::scheduler {
namespace {

using namespace std::chrono_literals;
using asio::awaitable;
using store::text;
using store::Value;

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
// 2024-03-29T12:00:00Z, a Friday; Paris moves to summer time on Sunday 31 March.
constexpr std::int64_t kStart = 1'711'713'600'000;

// Records the calls of a callback; callbacks may run on several threads at once.
struct Recorder {
  std::mutex mu;
  std::vector<DueRun> calls;

  void add(const DueRun& r) {
    std::lock_guard lock(mu);
    calls.push_back(r);
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return calls.size();
  }
  Scheduler::Callback ok() {
    return [this](const DueRun& r) -> awaitable<void> {
      add(r);
      co_return;
    };
  }
};

class SchedulerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
    if (pg()) {
      const char* admin = std::getenv("KRILIN_TEST_DATABASE_URL");
      if (!admin || !*admin) {
        const char* required = std::getenv("KRILIN_TEST_PG_REQUIRED");
        if (required && std::string(required) == "1") FAIL() << "KRILIN_TEST_DATABASE_URL is not set";
        GTEST_SKIP() << "no PostgreSQL (KRILIN_TEST_DATABASE_URL unset)";
      }
      admin_url_ = admin;
      db_name_ = "krilin_t_" + core::random_hex(6);
      admin_exec("CREATE DATABASE " + db_name_);
      url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + db_name_;
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("krilin-sched-" + core::random_hex(6));
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "krilin.db").string();
    }
    store_ = &open();
    run(store_->migrate());
    for (const char* who : {"alice", "bob"}) {
      store::Params p{text(who), text(std::string(who) + "@example.com"), text(who), Value(kStart), Value(kStart)};
      run(store_->execute("INSERT INTO users (id, email, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
                          std::move(p)));
    }
  }

  void TearDown() override {
    schedulers_.clear();
    for (auto& s : stores_) {
      if (s) run([&]() -> awaitable<void> { co_await s->close(); }());
    }
    stores_.clear();
    if (!db_name_.empty()) admin_exec("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    work_.reset();
    for (auto& t : threads_) t.join();
  }

  bool pg() const { return GetParam() == "postgresql"; }

  template <class T>
  T run(awaitable<T> task) {
    return asio::co_spawn(io_, std::move(task), asio::use_future).get();
  }

  store::Store& open() {
    store::StoreOptions o;
    o.url = url_;
    o.pool_size = 4;
    o.pool_wait = 3000ms;
    o.statement_timeout = 10000ms;
    o.connect_timeout = 3000ms;
    stores_.push_back(run(store::open_store(std::move(o), pool_, io_.get_executor())));
    return *stores_.back();
  }

  void admin_exec(const std::string& sql) {
    store::StoreOptions o;
    o.url = admin_url_;
    o.pool_size = 1;
    run([&]() -> awaitable<void> {
      auto s = co_await store::open_store(o, pool_, io_.get_executor());
      co_await s->execute(sql);
      co_await s->close();
    }());
  }

  Scheduler& scheduler(SchedulerOptions o = {}, store::Store* on = nullptr, std::string instance = "test-1") {
    schedulers_.push_back(std::make_unique<Scheduler>(on ? *on : *store_, clock_, std::move(instance), o));
    return *schedulers_.back();
  }

  Schedule create_cron(Scheduler& s, const char* expr, const char* zone = "Europe/Paris",
                       MissedPolicy policy = MissedPolicy::skip, const char* user = "alice", const char* app = "habits") {
    json::object payload{{"habit", "read"}};
    return run(s.create(user, app, "remind", CronOrOnce::cron(expr), zone, payload, policy));
  }
  Schedule create_once(Scheduler& s, std::int64_t at, MissedPolicy policy = MissedPolicy::skip,
                       const char* user = "alice") {
    json::object payload{{"n", 1}};
    return run(s.create(user, "habits", "once", CronOrOnce::once(at), "UTC", payload, policy));
  }

  Error error_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Exception& e) {
      return e.error();
    }
    return Error{ErrorKind::internal, "no_error", "nothing was thrown"};
  }

  std::int64_t count(const std::string& sql, store::Params p = {}) {
    return store::as_int(run(store_->query(sql, std::move(p))).rows.at(0).at(0));
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::vector<std::thread> threads_;
  core::BlockingPool pool_{4, 1024};
  core::FakeClock clock_{kStart};
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<Scheduler>> schedulers_;
  store::Store* store_ = nullptr;
  std::string url_, admin_url_, db_name_;
  std::filesystem::path dir_;
};

TEST_P(SchedulerTest, CronJobsRunAtTheirSlotsInTheUsersZone) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule sch = create_cron(s, "0 9 * * *");
  // 09:00 in Paris is 08:00Z before the switch to summer time and 07:00Z after it.
  const std::int64_t sat = kStart + 20 * kHour;           // 2024-03-30T08:00Z
  const std::int64_t sun = sat + 23 * kHour;              // 2024-03-31T07:00Z
  ASSERT_EQ(sch.next_run_at, sat);
  EXPECT_EQ(sch.cron, "0 9 * * *");

  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
  clock_.set_ms(sat - 1);
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
  clock_.set_ms(sat + 1500);
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.claimed, 1u);
  EXPECT_EQ(r.succeeded, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].scheduled_for, sat);
  EXPECT_EQ(rec.calls[0].schedule_id, sch.id);
  EXPECT_EQ(rec.calls[0].user_id, "alice");
  EXPECT_EQ(rec.calls[0].app_id, "habits");
  EXPECT_EQ(rec.calls[0].job, "remind");
  EXPECT_EQ(rec.calls[0].payload, (json::value(json::object{{"habit", "read"}})));
  EXPECT_EQ(rec.calls[0].missed_slots, 0);
  EXPECT_EQ(run(s.get("alice", sch.id)).next_run_at, sun);
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);  // the slot has run

  clock_.set_ms(sun + 2000);
  EXPECT_EQ(run(s.run_due(rec.ok())).succeeded, 1u);
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec.calls[1].scheduled_for, sun);
  EXPECT_EQ(run(s.get("alice", sch.id)).next_run_at, sun + 24 * kHour);

  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].scheduled_for, sun);  // newest first
  EXPECT_EQ(history[0].status, "succeeded");
  EXPECT_EQ(history[0].started_at, sun + 2000);
  EXPECT_EQ(history[0].finished_at, sun + 2000);
  EXPECT_FALSE(history[0].error.has_value());
  EXPECT_EQ(history[1].scheduled_for, sat);
}

TEST_P(SchedulerTest, ASlotInTheSpringGapRunsAtTheTransition) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule sch = create_cron(s, "30 2 * * *");
  EXPECT_EQ(sch.next_run_at, kStart + 13 * kHour + 30 * kMinute);  // 2024-03-30T01:30Z (02:30 CET)
  clock_.set_ms(*sch.next_run_at);
  EXPECT_EQ(run(s.run_due(rec.ok())).succeeded, 1u);
  // 02:30 does not exist on 31 March: 03:00 CEST = 01:00Z.
  EXPECT_EQ(run(s.get("alice", sch.id)).next_run_at, kStart + 37 * kHour);
}

TEST_P(SchedulerTest, OnceRunsOnce) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule sch = create_once(s, kStart + kMinute);
  EXPECT_EQ(sch.run_at, kStart + kMinute);
  EXPECT_FALSE(sch.cron.has_value());
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
  clock_.advance_ms(kMinute + 10);
  EXPECT_EQ(run(s.run_due(rec.ok())).succeeded, 1u);
  clock_.advance_ms(kHour);
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
  EXPECT_EQ(rec.size(), 1u);
  Schedule after = run(s.get("alice", sch.id));
  EXPECT_FALSE(after.next_run_at.has_value());
  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].status, "succeeded");
  EXPECT_EQ(history[0].scheduled_for, kStart + kMinute);
}

TEST_P(SchedulerTest, CancelStopsIt) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule sch = create_cron(s, "* * * * *");
  Schedule other = create_cron(s, "* * * * *");
  run(s.cancel("alice", sch.id));
  clock_.set_ms(*other.next_run_at + 1000);
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.claimed, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].schedule_id, other.id);
  EXPECT_EQ(error_of([&] { run(s.cancel("alice", sch.id)); }).code, "schedule_not_found");
  EXPECT_EQ(error_of([&] { run(s.get("alice", sch.id)); }).code, "schedule_not_found");
  auto live = run(s.list("alice"));
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].id, other.id);
  EXPECT_TRUE(run(s.runs("alice", sch.id)).empty());  // history stays readable
}

TEST_P(SchedulerTest, AnotherUsersScheduleIsNotFoundLikeAnUnknownOne) {
  Scheduler& s = scheduler();
  Schedule sch = create_cron(s, "0 9 * * *");
  for (const std::string& id : {sch.id, core::new_id(), std::string("not-an-id")}) {
    Error e = error_of([&] { run(s.cancel("bob", id)); });
    EXPECT_EQ(e.kind, ErrorKind::not_found);
    EXPECT_EQ(e.code, "schedule_not_found");
    EXPECT_EQ(error_of([&] { run(s.runs("bob", id)); }).code, "schedule_not_found");
    EXPECT_EQ(error_of([&] { run(s.get("bob", id)); }).code, "schedule_not_found");
  }
  EXPECT_TRUE(run(s.list("bob")).empty());
  // Scoped to an app: another app's schedule is not found either.
  EXPECT_EQ(error_of([&] { run(s.cancel("alice", sch.id, std::string("dashboard"))); }).code, "schedule_not_found");
  run(s.cancel("alice", sch.id, std::string("habits")));
}

TEST_P(SchedulerTest, AFailingCallbackRecordsTheErrorAndTheScheduleGoesOn) {
  Scheduler& s = scheduler();
  Schedule sch = create_cron(s, "*/5 * * * *", "UTC");
  int calls = 0;
  Scheduler::Callback flaky = [&](const DueRun&) -> awaitable<void> {
    ++calls;
    if (calls == 1) throw Exception(Error::invalid("habit_gone", "the habit was deleted"));
    if (calls == 2) throw Exception(Error::internal(std::string("bad \xff bytes and a ") + '\0' + " NUL"));
    co_return;
  };
  for (int i = 0; i < 3; ++i) {
    clock_.set_ms(*run(s.get("alice", sch.id)).next_run_at + 1000);
    run(s.run_due(flaky));
  }
  EXPECT_EQ(calls, 3);
  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].status, "failed");
  EXPECT_EQ(history[2].error, "habit_gone: the habit was deleted");
  EXPECT_EQ(history[1].status, "failed");
  EXPECT_EQ(history[1].error, "internal_error: bad \xEF\xBF\xBD bytes and a \xEF\xBF\xBD NUL");
  EXPECT_EQ(history[0].status, "succeeded");
  EXPECT_EQ(history[0].scheduled_for, history[1].scheduled_for + 5 * kMinute);
  EXPECT_EQ(history[1].scheduled_for, history[2].scheduled_for + 5 * kMinute);
  auto failed = run(s.run_due(flaky));  // nothing due now
  EXPECT_EQ(failed.claimed, 0u);
}

TEST_P(SchedulerTest, ACallbackPastItsDeadlineIsCancelledAndFails) {
  SchedulerOptions o;
  o.run_timeout = 200ms;
  Scheduler& s = scheduler(o);
  Schedule sch = create_once(s, kStart + 1000);
  clock_.advance_ms(1000);
  bool cancelled = false;
  Scheduler::Callback slow = [&](const DueRun&) -> awaitable<void> {
    asio::steady_timer t(co_await asio::this_coro::executor, 30s);
    try {
      co_await t.async_wait(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      cancelled = true;
      throw;
    }
  };
  auto t0 = std::chrono::steady_clock::now();
  RunDueSummary r = run(s.run_due(slow));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_TRUE(cancelled);
  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].status, "failed");
  EXPECT_EQ(history[0].error, "timed out after 200 ms");
}

TEST_P(SchedulerTest, MissedSlotsWithSkipRecordOneSkipAndMoveOnFromNow) {
  Scheduler& s = scheduler();
  Recorder rec;
  clock_.set_ms(kStart - 90 * kMinute);  // 10:30Z
  Schedule sch = create_cron(s, "0 * * * *", "UTC");
  EXPECT_EQ(sch.next_run_at, kStart - kHour);  // 11:00Z
  clock_.set_ms(kStart + 2 * kHour + 10 * kMinute);  // 14:10Z: 11, 12, 13 and 14 were missed
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(rec.size(), 0u);
  EXPECT_EQ(run(s.get("alice", sch.id)).next_run_at, kStart + 3 * kHour);  // 15:00Z
  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].status, "skipped");
  EXPECT_EQ(history[0].scheduled_for, kStart - kHour);
  EXPECT_EQ(history[0].error, "skipped 4 missed slots (missed_policy skip)");
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
}

TEST_P(SchedulerTest, MissedSlotsWithRunOnceRunOnceThenMoveOnFromNow) {
  Scheduler& s = scheduler();
  Recorder rec;
  clock_.set_ms(kStart - 90 * kMinute);
  Schedule sch = create_cron(s, "0 * * * *", "UTC", MissedPolicy::run_once);
  clock_.set_ms(kStart + 2 * kHour + 10 * kMinute);
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.succeeded, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].missed_slots, 4);
  EXPECT_EQ(rec.calls[0].scheduled_for, kStart - kHour);
  EXPECT_EQ(run(s.get("alice", sch.id)).next_run_at, kStart + 3 * kHour);
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);
  EXPECT_EQ(rec.size(), 1u);
}

TEST_P(SchedulerTest, ALateSlotWithinTheGraceIsNotMissed) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule sch = create_cron(s, "0 * * * *", "UTC");
  clock_.set_ms(*sch.next_run_at + 50'000);
  EXPECT_EQ(run(s.run_due(rec.ok())).succeeded, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].missed_slots, 0);
}

TEST_P(SchedulerTest, AMissedOnceJobFollowsItsPolicy) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule skip = create_once(s, kStart + kMinute, MissedPolicy::skip);
  Schedule once = create_once(s, kStart + kMinute, MissedPolicy::run_once);
  clock_.advance_ms(kHour);
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.claimed, 2u);
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_EQ(r.succeeded, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].schedule_id, once.id);
  EXPECT_EQ(rec.calls[0].missed_slots, 1);
  EXPECT_EQ(run(s.runs("alice", skip.id)).at(0).error, "skipped 1 missed slot (missed_policy skip)");
  EXPECT_FALSE(run(s.get("alice", skip.id)).next_run_at.has_value());
  EXPECT_FALSE(run(s.get("alice", once.id)).next_run_at.has_value());
}

TEST_P(SchedulerTest, CreateValidatesItsInput) {
  Scheduler& s = scheduler();
  auto create = [&](CronOrOnce when, std::string zone = "UTC", std::string job = "j", json::value p = {},
                    std::string user = "alice") {
    return error_of([&] { run(s.create(user, "habits", job, when, zone, p, MissedPolicy::skip)); });
  };
  Error e = create(CronOrOnce::cron("0 25 * * *"));
  EXPECT_EQ(e.kind, ErrorKind::invalid_input);
  EXPECT_EQ(e.code, "invalid_cron");
  EXPECT_EQ(e.message, "field 2 (hour): 25 is out of range 0–23");
  e = create(CronOrOnce::cron("0 0 30 2 *"));
  EXPECT_EQ(e.code, "invalid_cron");
  EXPECT_EQ(e.message, "'0 0 30 2 *' never fires");
  EXPECT_EQ(create(CronOrOnce::cron("@daily"), "Europe/Atlantis").code, "invalid_time_zone");
  e = create(CronOrOnce::once(kStart - 1));
  EXPECT_EQ(e.kind, ErrorKind::invalid_input);
  EXPECT_EQ(e.code, "run_at_in_past");
  EXPECT_EQ(create(CronOrOnce::once(kStart)).code, "run_at_in_past");
  EXPECT_EQ(create(CronOrOnce::cron("@daily"), "UTC", "").code, "invalid_job");
  EXPECT_EQ(create(CronOrOnce::cron("@daily"), "UTC", "has space").code, "invalid_job");
  EXPECT_EQ(create(CronOrOnce::cron("@daily"), "UTC", std::string(101, 'j')).code, "invalid_job");
  e = create(CronOrOnce::cron("@daily"), "UTC", "j", json::value(std::string(70 * 1024, 'x')));
  EXPECT_EQ(e.kind, ErrorKind::payload_too_large);
  e = create(CronOrOnce::cron("@daily"), "UTC", "j", json::value(nullptr), "nobody");
  EXPECT_EQ(e.kind, ErrorKind::conflict);
  EXPECT_EQ(e.code, "foreign_key_violation");
  EXPECT_EQ(count("SELECT count(*) FROM schedules"), 0);
}

TEST_P(SchedulerTest, InACallersTransactionASchedulePersistsOnlyIfItCommits) {
  Scheduler& s = scheduler();
  Error e = error_of([&] {
    run(store_->transaction([&](store::Transaction& tx) -> awaitable<void> {
      json::value payload;
      auto created = co_await s.create(tx, "alice", "habits", "remind", CronOrOnce::cron("@daily"), "UTC", payload,
                                       MissedPolicy::skip);
      auto seen = co_await s.list(tx, "alice", std::string("habits"));
      EXPECT_EQ(seen.size(), 1u);
      EXPECT_EQ(seen.at(0).id, created.id);
      throw Exception(Error::invalid("changed_mind", "the action failed"));
    }));
  });
  EXPECT_EQ(e.code, "changed_mind");
  EXPECT_TRUE(run(s.list("alice")).empty());

  std::string id;
  run(store_->transaction([&](store::Transaction& tx) -> awaitable<void> {
    json::value payload;
    auto created = co_await s.create(tx, "alice", "habits", "remind", CronOrOnce::cron("@daily"), "UTC", payload,
                                     MissedPolicy::skip);
    id = created.id;
  }));
  ASSERT_EQ(run(s.list("alice")).size(), 1u);
  run(store_->transaction([&](store::Transaction& tx) -> awaitable<void> {
    co_await s.cancel(tx, "alice", id, std::string("habits"));
  }));
  EXPECT_TRUE(run(s.list("alice")).empty());
}

TEST_P(SchedulerTest, TooManyLiveSchedulesForOneAppIsAConflict) {
  SchedulerOptions o;
  o.max_schedules_per_app = 2;
  Scheduler& s = scheduler(o);
  create_cron(s, "@daily");
  Schedule second = create_cron(s, "@hourly");
  EXPECT_EQ(error_of([&] { create_cron(s, "@weekly"); }).code, "too_many_schedules");
  create_cron(s, "@weekly", "UTC", MissedPolicy::skip, "alice", "dashboard");  // another app
  run(s.cancel("alice", second.id));
  create_cron(s, "@weekly");
}

TEST_P(SchedulerTest, ListsAndRunsAreTheUsersAndShapedForJson) {
  Scheduler& s = scheduler();
  Schedule a = create_cron(s, "0 9 * * MON-FRI", "Europe/Paris");
  clock_.advance_ms(1);
  Schedule b = create_cron(s, "@hourly", "UTC", MissedPolicy::run_once, "alice", "dashboard");
  create_cron(s, "@daily", "UTC", MissedPolicy::skip, "bob");
  auto all = run(s.list("alice"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, b.id);  // newest first
  EXPECT_EQ(all[1].id, a.id);
  auto habits = run(s.list("alice", std::string("habits")));
  ASSERT_EQ(habits.size(), 1u);
  EXPECT_EQ(habits[0].id, a.id);
  EXPECT_EQ(run(s.list("alice", std::nullopt, 1)).size(), 1u);
  json::object j = all[0].to_json();
  EXPECT_EQ(j.at("cron"), "@hourly");
  EXPECT_EQ(j.at("missed_policy"), "run_once");
  EXPECT_EQ(j.at("time_zone"), "UTC");
  EXPECT_TRUE(j.at("run_at").is_null());
  EXPECT_EQ(j.at("next_run_at").as_int64(), *b.next_run_at);
  EXPECT_FALSE(j.contains("user_id"));

  Scheduler::Callback boom = [](const DueRun&) -> awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  };
  clock_.set_ms(*a.next_run_at);
  run(s.run_due(boom));
  auto history = run(s.runs("alice", a.id));
  ASSERT_EQ(history.size(), 1u);
  json::object r = history[0].to_json();
  EXPECT_EQ(r.at("status"), "failed");
  EXPECT_EQ(r.at("error"), "boom");
  EXPECT_EQ(r.at("schedule_id").as_string(), a.id);
}

TEST_P(SchedulerTest, RunHistoryIsPrunedToTheLastRuns) {
  SchedulerOptions o;
  o.runs_kept = 3;
  Scheduler& s = scheduler(o);
  Recorder rec;
  Schedule sch = create_cron(s, "* * * * *", "UTC");
  for (int i = 0; i < 6; ++i) {
    clock_.set_ms(*run(s.get("alice", sch.id)).next_run_at + 100);
    run(s.run_due(rec.ok()));
  }
  EXPECT_EQ(rec.size(), 6u);
  auto history = run(s.runs("alice", sch.id));
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].scheduled_for, rec.calls[5].scheduled_for);
  EXPECT_EQ(history[2].scheduled_for, rec.calls[3].scheduled_for);
}

TEST_P(SchedulerTest, AnExpiredLeaseIsReclaimedAndTheInterruptedRunMarked) {
  Scheduler& s = scheduler();
  Recorder rec;
  Schedule dead = create_cron(s, "0 * * * *", "UTC", MissedPolicy::run_once);
  Schedule held = create_cron(s, "0 * * * *", "UTC", MissedPolicy::run_once);
  const std::int64_t slot = *dead.next_run_at;
  // Another instance claimed both at the slot and died running `dead`; `held` is still leased.
  store::Params lease_dead{Value(slot + 1000), text(dead.id)};
  run(store_->execute("UPDATE schedules SET lease_owner = 'gone', lease_until = $1 WHERE id = $2", std::move(lease_dead)));
  store::Params lease_held{Value(slot + 10 * kHour), text(held.id)};
  run(store_->execute("UPDATE schedules SET lease_owner = 'alive', lease_until = $1 WHERE id = $2", std::move(lease_held)));
  store::Params orphan{text(core::new_id()), text(dead.id), Value(slot), Value(slot)};
  run(store_->execute("INSERT INTO schedule_runs (id, schedule_id, user_id, scheduled_for, started_at, status) "
                      "VALUES ($1, $2, 'alice', $3, $4, 'running')",
                      std::move(orphan)));
  clock_.set_ms(slot + 500);
  EXPECT_EQ(run(s.run_due(rec.ok())).claimed, 0u);  // both leases still hold
  clock_.set_ms(slot + 5 * kMinute);
  RunDueSummary r = run(s.run_due(rec.ok()));
  EXPECT_EQ(r.claimed, 1u);
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec.calls[0].schedule_id, dead.id);
  EXPECT_EQ(rec.calls[0].missed_slots, 1);  // five minutes late: the policy decided
  auto history = run(s.runs("alice", dead.id));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].status, "succeeded");
  EXPECT_EQ(history[1].status, "failed");
  EXPECT_EQ(history[1].error, "interrupted: the instance running it stopped before it finished");
}

TEST_P(SchedulerTest, TwoInstancesRunADueOnceJobExactlyOnce) {
  // PostgreSQL: two Store objects (two connection pools) on one database, as two servers
  // would be. SQLite: one store (embedded mode is one process), two schedulers.
  store::Store& second = pg() ? open() : *store_;
  Scheduler& a = scheduler({}, store_, "instance-a");
  Scheduler& b = scheduler({}, &second, "instance-b");
  std::atomic<int> ran_a{0}, ran_b{0};
  auto slow = [](std::atomic<int>& counter) -> Scheduler::Callback {
    return [&counter](const DueRun&) -> awaitable<void> {
      counter.fetch_add(1);
      asio::steady_timer t(co_await asio::this_coro::executor, 20ms);
      co_await t.async_wait(asio::use_awaitable);
    };
  };
  auto cb_a = slow(ran_a), cb_b = slow(ran_b);
  std::vector<std::string> ids;
  for (int round = 0; round < 15; ++round) {
    ids.push_back(create_once(a, clock_.now_ms() + 1000).id);
    clock_.advance_ms(1000);
    auto fa = asio::co_spawn(io_, a.run_due(cb_a), asio::use_future);
    auto fb = asio::co_spawn(io_, b.run_due(cb_b), asio::use_future);
    RunDueSummary ra = fa.get(), rb = fb.get();
    EXPECT_EQ(ra.claimed + rb.claimed, 1u) << "round " << round;
  }
  // And a batch of jobs due at once, claimed from both sides.
  for (int i = 0; i < 30; ++i) ids.push_back(create_once(a, clock_.now_ms() + 1000).id);
  clock_.advance_ms(1000);
  std::vector<std::future<RunDueSummary>> passes;
  for (int i = 0; i < 4; ++i) {
    passes.push_back(asio::co_spawn(io_, a.run_due(cb_a), asio::use_future));
    passes.push_back(asio::co_spawn(io_, b.run_due(cb_b), asio::use_future));
  }
  std::size_t claimed = 0;
  for (auto& f : passes) claimed += f.get().claimed;
  // On SQLite concurrent passes may all pick the same first rows and leave the rest for
  // the next pass; what matters is that nothing runs twice.
  for (std::size_t more = 1; more > 0;) {
    more = run(a.run_due(cb_a)).claimed;
    claimed += more;
  }
  EXPECT_EQ(claimed, 30u);
  EXPECT_EQ(ran_a + ran_b, 45);
  if (pg()) {
    EXPECT_GT(ran_b.load(), 0);  // both instances took part
    EXPECT_GT(ran_a.load(), 0);
  }
  for (const auto& id : ids) {
    store::Params p{text(id)};
    EXPECT_EQ(count("SELECT count(*) FROM schedule_runs WHERE schedule_id = $1 AND status = 'succeeded'", p), 1) << id;
  }
  EXPECT_EQ(count("SELECT count(*) FROM schedule_runs"), 45);
  EXPECT_EQ(count("SELECT count(*) FROM schedules WHERE lease_owner IS NOT NULL OR next_run_at IS NOT NULL"), 0);
}

TEST_P(SchedulerTest, StartRunsTheLoopAndStopEndsIt) {
  Scheduler& s = scheduler();
  Recorder rec;
  create_once(s, kStart + 1000);
  clock_.advance_ms(1000);
  s.start(io_.get_executor(), rec.ok(), 10ms);
  for (int i = 0; i < 500 && rec.size() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(rec.size(), 1u);
  run(s.stop());
  create_once(s, clock_.now_ms() + 1000);
  clock_.advance_ms(1000);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(rec.size(), 1u);  // stopped: nothing more runs
  run(s.stop());              // idempotent
}

TEST_P(SchedulerTest, StopWaitsForTheRunInFlight) {
  Scheduler& s = scheduler();
  create_once(s, kStart + 1000);
  clock_.advance_ms(1000);
  std::promise<void> started;
  std::atomic<bool> finished{false};
  Scheduler::Callback slow = [&](const DueRun&) -> awaitable<void> {
    started.set_value();
    asio::steady_timer t(co_await asio::this_coro::executor, 200ms);
    co_await t.async_wait(asio::use_awaitable);
    finished = true;
  };
  s.start(io_.get_executor(), slow, 10ms);
  ASSERT_EQ(started.get_future().wait_for(5s), std::future_status::ready);
  run(s.stop());
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(count("SELECT count(*) FROM schedule_runs WHERE status = 'succeeded'"), 1);
}

INSTANTIATE_TEST_SUITE_P(Scheduler, SchedulerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace krilin::kernel::scheduler
