// Analytics Dashboard: reads what the user granted it (today: Habit Tracker's
// completion_rate and daily_streaks) and scores it (score.h). A source that is missing,
// disabled or whose grant was revoked makes the score partial instead of failing it.
#include "app.h"

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
    const auto k = e.error().kind;
    if (k != ErrorKind::forbidden && k != ErrorKind::not_found && k != ErrorKind::conflict) throw;
    sources.push_back({"habit-tracker", false, reason_of(e.error())});
  }
  Score s = dashboard::productivity_score(habits, sources);
  json::array list;
  for (const auto& src : sources) {
    json::object o{{"app", src.app}, {"available", src.available}};
    if (!src.available) o["reason"] = src.reason;
    list.push_back(std::move(o));
  }
  co_return json::object{{"score", s.value ? json::value(*s.value) : json::value(nullptr)},
                         {"partial", s.partial},
                         {"note", s.note},
                         {"sources", std::move(list)},
                         {"breakdown", std::move(breakdown)}};
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
      .stream("productivity_score")
      .on_stream("habit-tracker", "completion_updates", on_completion);
  return app;
}

}  // namespace krilin::apps::dashboard
