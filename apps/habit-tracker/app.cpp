// Habit Tracker: habits (daily or on chosen weekdays) and their completions on local
// calendar dates in the user's time zone; streaks from streaks.h.
#include "app.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

#include "streaks.h"

namespace krilin::apps::habits {
namespace {

using namespace std::chrono;
using boost::asio::awaitable;
using sdk::ActionContext;
using sdk::Record;

constexpr const char* kDays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::string format_date(Date d) {
  year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

Date today(const ActionContext& ctx) {
  if (auto d = local_date(ctx.now_ms(), ctx.user.time_zone)) return *d;
  return *local_date(ctx.now_ms(), "UTC");
}

std::string str(const json::object& o, std::string_view key, std::string fallback = "") {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : fallback;
}

[[noreturn]] void fail(ErrorKind kind, std::string code, std::string message) {
  throw Exception(Error{kind, std::move(code), std::move(message)});
}

json::object normal_schedule(const json::value* given) {
  if (!given) return {{"kind", "daily"}};
  json::object s = given->as_object();
  if (str(s, "kind") == "daily") return {{"kind", "daily"}};
  if (!s.contains("days"))
    fail(ErrorKind::invalid_input, "invalid_params", "A weekdays schedule needs its days, e.g. [\"mon\", \"wed\"].");
  return s;
}

Schedule schedule_of(const json::object& habit) {
  Schedule s;
  const json::value* sched = habit.if_contains("schedule");
  if (!sched || !sched->is_object() || str(sched->as_object(), "kind") != "weekdays") return s;
  s.daily = false;
  if (const json::value* days = sched->as_object().if_contains("days"); days && days->is_array())
    for (const auto& d : days->as_array())
      for (int i = 0; i < 7; ++i)
        if (d.is_string() && d.as_string() == kDays[i]) s.weekdays[static_cast<std::size_t>(i)] = true;
  return s;
}

awaitable<Record> habit(ActionContext& ctx, const json::object& params) {
  auto h = co_await ctx.storage.find_one("habits", str(params, "habit_id"));
  if (!h) fail(ErrorKind::not_found, "habit_not_found", "There is no such habit.");
  co_return std::move(*h);
}

Date date_param(const ActionContext& ctx, const json::object& params) {
  Date t = today(ctx);
  if (!params.contains("date")) return t;
  auto d = parse_date(str(params, "date"));
  if (!d) fail(ErrorKind::invalid_input, "invalid_params", "date: use YYYY-MM-DD.");
  if (*d > t) fail(ErrorKind::invalid_input, "date_in_future", "You cannot complete a habit on a day still to come.");
  return *d;
}

// Every live record of a table matching `where`, page by page.
awaitable<std::vector<Record>> all(ActionContext& ctx, const std::string& table, json::object where) {
  std::vector<Record> out;
  std::optional<std::string> cursor;
  do {
    json::object q{{"table", table}, {"where", where}, {"limit", 500}};
    if (cursor) q["cursor"] = *cursor;
    auto page = co_await ctx.storage.query(std::move(q));
    for (auto& r : page.items) out.push_back(std::move(r));
    cursor = page.next_cursor;
  } while (cursor);
  co_return out;
}

// Completed dates per habit id.
awaitable<std::map<std::string, std::vector<Date>>> completions(ActionContext& ctx, json::object where = {}) {
  where["completed"] = true;
  std::map<std::string, std::vector<Date>> out;
  for (const auto& log : co_await all(ctx, "habit_logs", std::move(where)))
    if (auto d = parse_date(str(log.data, "date"))) out[str(log.data, "habit_id")].push_back(*d);
  co_return out;
}

json::object streak_json(const Streak& s) { return {{"current", s.current}, {"best", s.best}}; }

awaitable<Streak> streak_of(ActionContext& ctx, const Record& h) {
  json::object where{{"habit_id", h.id}};
  auto done = co_await completions(ctx, std::move(where));
  co_return calculate_streak(schedule_of(h.data), done[h.id], today(ctx));
}

awaitable<std::optional<Record>> log_on(ActionContext& ctx, const std::string& habit_id, Date d) {
  json::object q{{"table", "habit_logs"},
                 {"where", {{"habit_id", habit_id}, {"date", format_date(d)}}},
                 {"limit", 1}};
  auto page = co_await ctx.storage.query(std::move(q));
  if (page.items.empty()) co_return std::nullopt;
  co_return std::move(page.items.front());
}

// The active habits with today's state, for list_habits and the outputs.
struct HabitView {
  Record record;
  Streak streak;
  bool due_today, done_today;
};

awaitable<std::vector<HabitView>> views(ActionContext& ctx, bool include_archived) {
  json::object where;
  if (!include_archived) where["archived"] = false;
  auto habits = co_await all(ctx, "habits", std::move(where));
  auto done = co_await completions(ctx);
  const Date t = today(ctx);
  std::vector<HabitView> out;
  for (auto& h : habits) {
    const auto& dates = done[h.id];
    Schedule s = schedule_of(h.data);
    bool done_today = std::find(dates.begin(), dates.end(), t) != dates.end();
    Streak st = calculate_streak(s, dates, t);
    out.push_back({std::move(h), st, s.due(t), done_today});
  }
  co_return out;
}

awaitable<json::value> create_habit(ActionContext& ctx, json::object params) {
  json::object data{{"name", str(params, "name")},
                    {"schedule", normal_schedule(params.if_contains("schedule"))},
                    {"target", params.contains("target") ? params.at("target") : json::value(1)},
                    {"active", true},
                    {"archived", false}};
  co_return (co_await ctx.storage.insert("habits", std::move(data))).to_json();
}

std::optional<std::int64_t> expected(const json::object& params) {
  if (const json::value* v = params.if_contains("expected_version")) return v->to_number<std::int64_t>();
  return std::nullopt;
}

awaitable<json::value> update_habit(ActionContext& ctx, json::object params) {
  auto h = co_await habit(ctx, params);
  json::object data = h.data;
  if (params.contains("name")) data["name"] = params.at("name");
  if (params.contains("schedule")) data["schedule"] = normal_schedule(params.if_contains("schedule"));
  if (params.contains("target")) data["target"] = params.at("target");
  if (params.contains("active")) data["active"] = params.at("active");
  co_return (co_await ctx.storage.update("habits", h.id, std::move(data), expected(params))).to_json();
}

awaitable<json::value> archive_habit(ActionContext& ctx, json::object params) {
  auto h = co_await habit(ctx, params);
  json::object data = h.data;
  data["archived"] = true;
  data["active"] = false;
  co_return (co_await ctx.storage.update("habits", h.id, std::move(data), expected(params))).to_json();
}

awaitable<json::value> log_completion(ActionContext& ctx, json::object params) {
  auto h = co_await habit(ctx, params);
  if (h.data.contains("archived") && h.data.at("archived").is_bool() && h.data.at("archived").as_bool())
    fail(ErrorKind::conflict, "habit_archived", "This habit is archived: restore it before logging it.");
  const Date d = date_param(ctx, params);
  auto existing = co_await log_on(ctx, h.id, d);
  bool already = existing.has_value();
  Record log;
  if (existing) {
    log = std::move(*existing);
  } else {
    json::object data{{"habit_id", h.id}, {"date", format_date(d)}, {"completed", true}};
    if (params.contains("note")) data["note"] = params.at("note");
    log = co_await ctx.storage.insert("habit_logs", std::move(data));
  }
  auto st = co_await streak_of(ctx, h);
  if (!already) {
    json::object event{{"habit_id", h.id}, {"date", format_date(d)}, {"completed", true}, {"streak", streak_json(st)}};
    co_await ctx.streams.publish("completion_updates", std::move(event));
  }
  co_return json::object{{"log", log.to_json()}, {"streak", streak_json(st)}, {"already_logged", already}};
}

awaitable<json::value> undo_completion(ActionContext& ctx, json::object params) {
  auto h = co_await habit(ctx, params);
  const Date d = date_param(ctx, params);
  auto existing = co_await log_on(ctx, h.id, d);
  if (!existing) fail(ErrorKind::not_found, "completion_not_found", "The habit was not logged on " + format_date(d) + ".");
  co_await ctx.storage.remove("habit_logs", existing->id);
  auto st = co_await streak_of(ctx, h);
  json::object event{{"habit_id", h.id}, {"date", format_date(d)}, {"completed", false}, {"streak", streak_json(st)}};
  co_await ctx.streams.publish("completion_updates", std::move(event));
  co_return json::object{{"habit_id", h.id}, {"date", format_date(d)}, {"streak", streak_json(st)}};
}

bool is_active(const Record& h) {
  const json::value* a = h.data.if_contains("active");
  const json::value* ar = h.data.if_contains("archived");
  return a && a->is_bool() && a->as_bool() && !(ar && ar->is_bool() && ar->as_bool());
}

// list_habits also names what is still open and what is done today, for "what's left?".
awaitable<json::value> list_habits(ActionContext& ctx, json::object params) {
  bool archived = params.contains("include_archived") && params.at("include_archived").as_bool();
  json::array out, open, done;
  for (auto& v : co_await views(ctx, archived)) {
    json::object o = v.record.to_json();
    o["streak"] = streak_json(v.streak);
    o["due_today"] = v.due_today;
    o["done_today"] = v.done_today;
    if (is_active(v.record) && v.due_today && !v.done_today) open.push_back(v.record.data.at("name"));
    if (v.done_today) done.push_back(v.record.data.at("name"));
    out.push_back(std::move(o));
  }
  co_return json::object{{"date", format_date(today(ctx))}, {"habits", std::move(out)},
                         {"open_today", std::move(open)}, {"done_today", std::move(done)}};
}

std::string plural_days(int n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

// Every active habit's streaks, longest current first, with the longest current one (`top`)
// and the longest ever (`longest`), for "what's my streak?" when no habit is named.
awaitable<json::value> list_streaks(ActionContext& ctx, json::object) {
  json::array habits;
  json::value top = nullptr, longest = nullptr;
  int top_current = -1, longest_best = -1;
  std::string summary;
  auto all_views = co_await views(ctx, false);
  // Longest current streak first, then by name: the order a reply reads them in.
  std::sort(all_views.begin(), all_views.end(), [](const HabitView& a, const HabitView& b) {
    if (a.streak.current != b.streak.current) return a.streak.current > b.streak.current;
    return json::serialize(a.record.data.at("name")) < json::serialize(b.record.data.at("name"));
  });
  for (auto& v : all_views) {
    if (!is_active(v.record)) continue;
    json::object o{{"habit_id", v.record.id}, {"name", v.record.data.at("name")},
                   {"current", v.streak.current}, {"best", v.streak.best}};
    if (v.streak.current > top_current) {
      top_current = v.streak.current;
      top = o;
    }
    if (v.streak.best > longest_best) {
      longest_best = v.streak.best;
      longest = o;
    }
    summary += (summary.empty() ? "" : ", ") + std::string(v.record.data.at("name").as_string()) + " " +
               plural_days(v.streak.current) + " (best " + std::to_string(v.streak.best) + ")";
    habits.push_back(std::move(o));
  }
  co_return json::object{{"date", format_date(today(ctx))}, {"habits", std::move(habits)}, {"top", std::move(top)},
                         {"longest", std::move(longest)}, {"summary", summary}};
}

// Per day of the last `days` (oldest first, today last): the active habits that existed
// and were due that day, how many were done, their names when not, and every such
// habit's current streak as of that day — what the Dashboard's score trend is made of.
// Archived habits are left out of every day (the list of today's habits is what counts).
awaitable<json::value> completion_history(ActionContext& ctx, json::object params) {
  const int n = params.contains("days") ? static_cast<int>(params.at("days").to_number<std::int64_t>()) : 7;
  json::object where{{"archived", false}};
  auto habits = co_await all(ctx, "habits", std::move(where));
  auto done = co_await completions(ctx);
  const Date t = today(ctx);
  json::array days;
  for (int k = n - 1; k >= 0; --k) {
    const Date d = t - std::chrono::days{k};
    std::int64_t scheduled = 0, completed = 0;
    json::array missed, streaks;
    for (const auto& h : habits) {
      if (!is_active(h)) continue;
      const Date created = local_date(h.created_at, ctx.user.time_zone).value_or(d);
      if (created > d) continue;
      const Schedule s = schedule_of(h.data);
      const auto& dates = done[h.id];
      streaks.push_back(calculate_streak(s, dates, d).current);
      if (!s.due(d)) continue;
      ++scheduled;
      if (std::find(dates.begin(), dates.end(), d) != dates.end()) ++completed;
      else missed.push_back(h.data.at("name"));
    }
    const double rate = scheduled == 0 ? 0.0 : static_cast<double>(completed) / static_cast<double>(scheduled);
    days.push_back(json::object{{"date", format_date(d)}, {"scheduled", scheduled}, {"completed", completed},
                                {"rate", rate}, {"not_done", std::move(missed)}, {"current_streaks", std::move(streaks)}});
  }
  co_return json::object{{"days", std::move(days)}};
}

awaitable<json::value> calculate_streak_action(ActionContext& ctx, json::object params) {
  auto h = co_await habit(ctx, params);
  auto st = co_await streak_of(ctx, h);
  co_return json::object{{"habit_id", h.id}, {"current", st.current}, {"best", st.best},
                         {"date", format_date(today(ctx))}};
}

awaitable<json::value> daily_streaks(ActionContext& ctx) {
  json::array out;
  for (auto& v : co_await views(ctx, false)) {
    if (!v.record.data.contains("active") || !v.record.data.at("active").as_bool()) continue;
    out.push_back(json::object{{"habit_id", v.record.id},
                               {"name", v.record.data.at("name")},
                               {"current", v.streak.current},
                               {"best", v.streak.best}});
  }
  co_return json::object{{"date", format_date(today(ctx))}, {"habits", std::move(out)}};
}

awaitable<json::value> completion_rate(ActionContext& ctx) {
  std::int64_t scheduled = 0, completed = 0;
  for (auto& v : co_await views(ctx, false)) {
    if (!v.record.data.contains("active") || !v.record.data.at("active").as_bool() || !v.due_today) continue;
    ++scheduled;
    if (v.done_today) ++completed;
  }
  double rate = scheduled == 0 ? 0.0 : static_cast<double>(completed) / static_cast<double>(scheduled);
  co_return json::object{{"date", format_date(today(ctx))}, {"scheduled", scheduled}, {"completed", completed},
                         {"rate", rate}};
}

// Reminders: a daily job at the user's chosen time, and a one-off "remind me in…".
constexpr const char* kDailyJob = "daily_reminder";
constexpr const char* kOnceJob = "reminder";

awaitable<json::value> set_reminder(ActionContext& ctx, json::object params) {
  const std::string time = str(params, "time");
  for (const auto& s : co_await ctx.schedule.list())
    if (s.job == kDailyJob) co_await ctx.schedule.cancel(s.id);
  // "HH:MM" → "MM HH * * *", in the user's time zone.
  std::string cron = time.substr(3, 2) + " " + time.substr(0, 2) + " * * *";
  auto id = co_await ctx.schedule.create(cron, kDailyJob);
  co_return json::object{{"schedule_id", id}, {"time", time}};
}

awaitable<json::value> clear_reminder(ActionContext& ctx, json::object) {
  std::int64_t cleared = 0;
  for (const auto& s : co_await ctx.schedule.list())
    if (s.job == kDailyJob && s.next_run_at) {
      co_await ctx.schedule.cancel(s.id);
      ++cleared;
    }
  co_return json::object{{"cleared", cleared}};
}

awaitable<json::value> remind_me(ActionContext& ctx, json::object params) {
  const std::int64_t at = ctx.now_ms() + params.at("in_seconds").to_number<std::int64_t>() * 1000;
  auto id = co_await ctx.schedule.once(at, kOnceJob);
  co_return json::object{{"schedule_id", id}, {"at", at}};
}

// Both jobs: tell the user which of today's habits are still open (the daily one says
// nothing when all are done).
awaitable<void> remind(ActionContext& ctx, bool always) {
  std::vector<std::string> open;
  for (auto& v : co_await views(ctx, false))
    if (v.due_today && !v.done_today && v.record.data.contains("active") && v.record.data.at("active").as_bool())
      open.push_back(std::string(v.record.data.at("name").as_string()));
  if (open.empty() && !always) co_return;
  sdk::Notification n;
  n.link = "/apps/habit-tracker";
  if (open.empty()) {
    n.title = "All your habits are done today";
    n.body = "Nothing left for today. Well done.";
  } else {
    n.title = std::to_string(open.size()) + (open.size() == 1 ? " habit" : " habits") + " left today";
    for (const auto& name : open) n.body += (n.body.empty() ? "" : ", ") + name;
  }
  co_await ctx.notifications.send(std::move(n));
}

}  // namespace

std::shared_ptr<const sdk::App> make_app() {
  auto app = std::make_shared<sdk::App>("habit-tracker");
  app->action("create_habit", create_habit)
      .action("update_habit", update_habit)
      .action("archive_habit", archive_habit)
      .action("log_completion", log_completion)
      .action("undo_completion", undo_completion)
      .action("list_habits", list_habits)
      .action("calculate_streak", calculate_streak_action)
      .action("list_streaks", list_streaks)
      .action("completion_history", completion_history)
      .action("set_reminder", set_reminder)
      .action("clear_reminder", clear_reminder)
      .action("remind_me", remind_me)
      .job(kDailyJob, [](ActionContext& ctx, const json::value&) -> awaitable<void> { co_await remind(ctx, false); })
      .job(kOnceJob, [](ActionContext& ctx, const json::value&) -> awaitable<void> { co_await remind(ctx, true); })
      .output("daily_streaks", daily_streaks)
      .output("completion_rate", completion_rate)
      .stream("completion_updates");
  return app;
}

}  // namespace krilin::apps::habits
