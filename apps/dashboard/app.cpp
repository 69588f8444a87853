// Analytics Dashboard: reads what the user granted it (today: Habit Tracker's
// completion_rate and daily_streaks, and its completion_history for trends and
// yesterday's score) and scores it (score.h). A source that is missing, disabled or whose
// grant was revoked makes the score partial instead of failing it.
#include "app.h"

#include <cmath>

#include "score.h"

namespace krilin::apps::dashboard {
namespace {

using boost::asio::awaitable;
using sdk::ActionContext;

std::string reason_of(const Error& e) {
  if (e.code == "grant_revoked") return "grant revoked";
  if (e.code == "not_granted") return "not granted";
  if (e.code == "app_disabled") return "disabled";
  if (e.code == "app_not_installed") return "not installed";
  return e.code;
}

// The failures that mean "this source is not available now" rather than a broken server.
bool unavailable(const Exception& e) {
  const auto k = e.error().kind;
  return k == ErrorKind::forbidden || k == ErrorKind::not_found || k == ErrorKind::conflict;
}

json::array source_list(const std::vector<SourceStatus>& sources) {
  json::array list;
  for (const auto& src : sources) {
    json::object o{{"app", src.app}, {"available", src.available}};
    if (!src.available) o["reason"] = src.reason;
    list.push_back(std::move(o));
  }
  return list;
}

json::value score_json(const Score& s) { return s.value ? json::value(*s.value) : json::value(nullptr); }

HabitsDay day_of(const json::value& d) {
  HabitsDay h;
  h.input.completion_rate = d.at("rate").to_number<double>();
  for (const auto& x : d.at("current_streaks").as_array())
    h.input.current_streaks.push_back(static_cast<int>(x.to_number<std::int64_t>()));
  h.scheduled = static_cast<int>(d.at("scheduled").to_number<std::int64_t>());
  h.completed = static_cast<int>(d.at("completed").to_number<std::int64_t>());
  for (const auto& n : d.at("not_done").as_array())
    if (n.is_string()) h.not_done.emplace_back(n.as_string());
  return h;
}

// Habit Tracker's last `days` days (oldest first), or nothing when it cannot be read.
awaitable<std::optional<json::array>> history(ActionContext& ctx, std::int64_t days, std::vector<SourceStatus>* sources) {
  try {
    json::object params{{"days", days}};
    json::value h = co_await ctx.apps.get("habit-tracker")->query("completion_history", std::move(params));
    if (sources) sources->push_back({"habit-tracker", true, ""});
    co_return h.at("days").as_array();
  } catch (const Exception& e) {
    if (!unavailable(e)) throw;
    if (sources) sources->push_back({"habit-tracker", false, reason_of(e.error())});
  }
  co_return std::nullopt;
}

awaitable<json::value> score_output(ActionContext& ctx) {
  std::vector<SourceStatus> sources;
  std::optional<HabitsInput> habits;
  json::object breakdown;
  auto tracker = ctx.apps.get("habit-tracker");
  try {
    json::value rate = co_await tracker->get_output("completion_rate");
    json::value streaks = co_await tracker->get_output("daily_streaks");
    HabitsInput in;
    in.completion_rate = rate.at("rate").to_number<double>();
    for (const auto& h : streaks.at("habits").as_array())
      in.current_streaks.push_back(static_cast<int>(h.at("current").to_number<std::int64_t>()));
    breakdown["habits"] = json::object{{"completion_rate", in.completion_rate},
                                       {"scheduled", rate.at("scheduled")},
                                       {"completed", rate.at("completed")},
                                       {"current_streaks", json::value_from(in.current_streaks)}};
    habits = std::move(in);
    sources.push_back({"habit-tracker", true, ""});
  } catch (const Exception& e) {
    if (!unavailable(e)) throw;
    sources.push_back({"habit-tracker", false, reason_of(e.error())});
  }
  Score s = dashboard::productivity_score(habits, sources);
  co_return json::object{{"score", score_json(s)},
                         {"partial", s.partial},
                         {"note", s.note},
                         {"sources", source_list(sources)},
                         {"breakdown", std::move(breakdown)}};
}

// get_score: the output, for the agent and the router (with has_score for replies).
awaitable<json::value> get_score(ActionContext& ctx, json::object) {
  json::value out = co_await score_output(ctx);
  out.as_object()["has_score"] = !out.at("score").is_null();
  co_return out;
}

// explain_score: each part of today's score, what it costs, and yesterday's score when
// Habit Tracker's history can be read (score.h: explain_score).
awaitable<json::value> explain_score_action(ActionContext& ctx, json::object) {
  std::vector<SourceStatus> sources;
  std::optional<HabitsDay> today, yesterday;
  if (auto days = co_await history(ctx, 2, &sources); days && days->size() == 2) {
    yesterday = day_of((*days)[0]);
    today = day_of((*days)[1]);
  }
  Explanation e = explain_score(today, yesterday, sources);
  json::array components, reasons;
  for (const auto& c : e.components)
    components.push_back(json::object{{"name", c.name}, {"points", std::lround(c.points)}, {"max", std::lround(c.max)},
                                      {"lost", std::lround(c.max - c.points)}, {"detail", c.detail}});
  for (const auto& r : e.reasons) reasons.emplace_back(r);
  json::value change = e.score && e.previous ? json::value(*e.score - *e.previous) : json::value(nullptr);
  // What Habit Tracker's own agent says is still open (with the user's agent grant); a
  // refusal or an absent agent leaves the explanation as it is, with a note why.
  json::value habit_tracker = nullptr;
  std::optional<std::string> refused;
  try {
    auto asked = co_await ctx.apps.get("habit-tracker")->agent_query("what is left today");
    habit_tracker = asked;
    if (const auto* a = asked.if_contains("answer"); a && a->is_string() && !a->as_string().empty())
      e.summary += " Habit Tracker says: " + std::string(a->as_string());
  } catch (const Exception& ex) {
    refused = ex.error().code + ": " + ex.error().message;
  }
  if (refused) habit_tracker = json::object{{"unavailable", *refused}};
  co_return json::object{{"score", e.score ? json::value(*e.score) : json::value(nullptr)},
                         {"habit_tracker", habit_tracker},
                         {"previous_score", e.previous ? json::value(*e.previous) : json::value(nullptr)},
                         {"change", change},
                         {"components", std::move(components)},
                         {"reasons", std::move(reasons)},
                         {"summary", e.summary},
                         {"sources", source_list(sources)}};
}

// score_trend: the score of each of the last `days` days (oldest first), each computed at
// the end of its day from Habit Tracker's history (today: as of now).
awaitable<json::value> score_trend(ActionContext& ctx, json::object params) {
  const std::int64_t n = params.contains("days") ? params.at("days").to_number<std::int64_t>() : 7;
  std::vector<SourceStatus> sources;
  auto days = co_await history(ctx, n, &sources);
  json::array points, scores;
  Score last;
  if (days)
    for (const auto& d : *days) {
      last = productivity_score(day_of(d).input, sources);
      points.push_back(json::object{{"date", d.at("date")}, {"score", score_json(last)}});
      scores.push_back(score_json(last));
    }
  else
    last = productivity_score(std::nullopt, sources);
  co_return json::object{{"days", std::move(points)}, {"scores", std::move(scores)}, {"count", n},
                         {"partial", last.partial}, {"note", last.note}, {"sources", source_list(sources)}};
}

// weekly_review: the last seven days' scores and habit figures, written up by the model
// (ctx.ai.generate: the figures travel as data). Without a model: 503 no_model_configured.
awaitable<json::value> weekly_review(ActionContext& ctx, json::object) {
  json::object week{{"days", 7}};
  json::value trend = co_await score_trend(ctx, week);
  json::object context{{"trend", trend}};
  std::string review = co_await ctx.ai.generate(
      "Write a short, warm review (at most three sentences) of the user's last seven days from these daily "
      "productivity scores: how it moved and one thing to keep doing.",
      std::move(context), 300);
  co_return json::object{{"review", review}, {"days", trend.as_object().at("days")}};
}

// A habit was done or undone: the score moved; tell whoever follows it.
awaitable<void> on_completion(ActionContext& ctx, const sdk::StreamEvent&) {
  json::value score = co_await score_output(ctx);
  co_await ctx.streams.publish("productivity_score", std::move(score));
}

}  // namespace

std::shared_ptr<const sdk::App> make_app() {
  auto app = std::make_shared<sdk::App>("dashboard");
  app->output("productivity_score", score_output)
      .action("get_score", get_score)
      .action("explain_score", explain_score_action)
      .action("score_trend", score_trend)
      .action("weekly_review", weekly_review)
      .stream("productivity_score")
      .on_stream("habit-tracker", "completion_updates", on_completion);
  return app;
}

}  // namespace krilin::apps::dashboard
