// The intent router over the real manifests: the corpus (corpus.json, realistic messages
// labelled with the action and params they must produce, or none) with fixed records and a
// fixed clock and zone; precision must be total, coverage is printed. Then replies,
// capabilities and name sources.
#include "agents/router/router.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "all_apps.h"

namespace krilin::agents {
namespace {

using kernel::registry::Catalog;

const Catalog& catalog() {
  static const Catalog c = [] {
    std::vector<json::value> manifests;
    for (const auto& b : apps::all_apps()) manifests.push_back(json::parse(b.manifest_json));
    return Catalog::build(manifests).value();
  }();
  return c;
}

json::value corpus() {
  std::ifstream in(KRILIN_ROUTER_CORPUS);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

RouteContext context_of(const json::value& c, const std::string& app) {
  RouteContext ctx;
  ctx.now_ms = c.at("now_ms").to_number<std::int64_t>();
  ctx.time_zone = std::string(c.at("time_zone").as_string());
  if (const json::value* recs = c.at("records").as_object().if_contains(app))
    for (const auto& [source, list] : recs->as_object())
      for (const auto& r : list.as_array())
        ctx.records[std::string(source)].push_back(
            {std::string(r.at("id").as_string()), std::string(r.at("name").as_string())});
  return ctx;
}

// Counts of one part of the corpus.
struct Tally {
  int total = 0, answered = 0, labelled = 0, negatives = 0, refused = 0, wrong = 0;
  std::map<std::string, std::pair<int, int>> per_app;  // app → (messages, answered)
  std::vector<std::string> misses;
};

void print(const std::string& name, const Tally& t) {
  std::cout << "[ router   ] " << name << ": " << t.total << " messages (" << t.labelled << " the router may answer, "
            << t.negatives << " it must not)\n"
            << "[ router   ]   answered by the router: " << t.answered << "/" << t.total << " = "
            << (100.0 * t.answered / t.total) << "% of all messages; " << t.answered << "/" << t.labelled << " = "
            << (100.0 * t.answered / t.labelled) << "% of the answerable ones; " << t.refused << "/" << t.negatives
            << " left to the model as they must be; wrong runs: " << t.wrong << "\n";
  for (const auto& [app, n] : t.per_app)
    std::cout << "[ router   ]   " << app << ": " << n.second << "/" << n.first << " answered\n";
  for (const auto& m : t.misses) std::cout << "[ router   ]   left to the model: \"" << m << "\"\n";
}

TEST(IntentRouterCorpus, NeverRunsTheWrongActionAndReportsCoverage) {
  const IntentRouter router(catalog());
  const json::value c = corpus();
  Tally all;
  std::map<std::string, Tally> sets;  // "set" of the corpus entries: "" (written with the patterns), held_out…
  for (const auto& m : c.at("messages").as_array()) {
    const std::string app(m.at("app").as_string()), text(m.at("text").as_string());
    const json::value& expect = m.at("expect");
    const std::string set = m.as_object().contains("set") ? std::string(m.at("set").as_string()) : "";
    auto got = router.match(app, text, context_of(c, app));
    const bool wrong = expect.is_null() ? got.has_value()
                                        : got && (got->action != expect.at("action").as_string() ||
                                                  json::value(got->params) != expect.at("params"));
    for (Tally* t : {&all, &sets[set]}) {
      ++t->total;
      t->wrong += wrong;
      ++t->per_app[app].first;
      if (expect.is_null()) {
        ++t->negatives;
        if (!got) ++t->refused;
      } else {
        ++t->labelled;
        if (got) {
          ++t->answered;
          ++t->per_app[app].second;
        } else {
          t->misses.push_back(text);
        }
      }
    }
    if (expect.is_null()) {
      EXPECT_FALSE(got) << "\"" << text << "\" must not be routed, got " << got->action << " "
                        << json::serialize(got->params) << " (" << got->confidence << ")";
    } else if (got) {
      EXPECT_EQ(got->action, expect.at("action").as_string()) << "\"" << text << "\"";
      EXPECT_EQ(json::value(got->params), expect.at("params"))
          << "\"" << text << "\" → " << got->action << " " << json::serialize(got->params);
    }
  }
  print("corpus, all", all);
  print("written with the patterns", sets[""]);
  print("held_out (written after a freeze, then tuned on)", sets["held_out"]);
  print("held_out_2 (written after the second freeze, never tuned on)", sets["held_out_2"]);
  EXPECT_GE(all.total, 120);
}

class IntentRouterTest : public ::testing::Test {
 protected:
  IntentRouter router_{catalog()};
  RouteContext ctx_ = context_of(corpus(), "habit-tracker");
};

TEST_F(IntentRouterTest, LogMeditationAndWhatsMyStreakWorkWithNoModel) {
  auto log = router_.match("habit-tracker", "log meditation", ctx_);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->action, "log_completion");
  EXPECT_GE(log->confidence, kConfidenceThreshold);
  EXPECT_EQ(log->display.at("habit"), "Meditation");
  json::value result = json::parse(R"({"log": {}, "streak": {"current": 4, "best": 9}, "already_logged": false})");
  EXPECT_EQ(router_.reply("habit-tracker", *log, result), "Logged Meditation for today — 4 days in a row.");
  result.as_object()["already_logged"] = true;
  EXPECT_EQ(router_.reply("habit-tracker", *log, result), "Meditation was already logged for today — 4 days in a row.");

  auto streak = router_.match("habit-tracker", "what's my streak?", ctx_);
  ASSERT_TRUE(streak);
  EXPECT_EQ(streak->action, "list_streaks");
  json::value streaks = json::parse(R"j({"date": "2026-12-02", "habits": [{"name": "Meditation", "current": 4, "best": 9}],
    "top": {"name": "Meditation", "current": 4, "best": 9}, "longest": {"name": "Meditation", "current": 4, "best": 9},
    "summary": "Meditation 4 days (best 9)"})j");
  EXPECT_EQ(router_.reply("habit-tracker", *streak, streaks),
            "Your longest current streak is Meditation: 4 days in a row. All: Meditation 4 days (best 9).");
  auto longest = router_.match("habit-tracker", "what's my longest streak?", ctx_);
  ASSERT_TRUE(longest);
  EXPECT_EQ(router_.reply("habit-tracker", *longest, streaks),
            "Your longest streak ever is Meditation: 9 days in a row (now 4).");
}

TEST_F(IntentRouterTest, RepliesNameTheDayAndPluralise) {
  auto m = router_.match("habit-tracker", "log my run yesterday", ctx_);
  ASSERT_TRUE(m);
  json::value result = json::parse(R"({"log": {}, "streak": {"current": 1, "best": 3}, "already_logged": false})");
  EXPECT_EQ(router_.reply("habit-tracker", *m, result), "Logged Running for yesterday — 1 day in a row.");
  auto monday = router_.match("habit-tracker", "log my run on monday", ctx_);
  ASSERT_TRUE(monday);
  EXPECT_EQ(router_.reply("habit-tracker", *monday, result), "Logged Running for Monday 30 November — 1 day in a row.");
  auto list = router_.match("habit-tracker", "what's left today?", ctx_);
  ASSERT_TRUE(list);
  EXPECT_EQ(router_.reply("habit-tracker", *list, json::parse(R"({"date": "2026-12-02", "habits": [], "open_today": ["Reading", "Running", "Floss"], "done_today": []})")),
            "Still to do today: Reading, Running and Floss.");
  EXPECT_EQ(router_.reply("habit-tracker", *list, json::parse(R"({"date": "2026-12-02", "habits": [], "open_today": [], "done_today": []})")),
            "Nothing left today — every habit due is done.");
  auto remind = router_.match("habit-tracker", "remind me at 7pm", ctx_);
  ASSERT_TRUE(remind);
  EXPECT_EQ(router_.reply("habit-tracker", *remind, json::parse(R"({"schedule_id": "s", "time": "19:00"})")),
            "Every day at 7 pm I will remind you of the habits you have not done yet.");
}

TEST_F(IntentRouterTest, DashboardRepliesFromItsResults) {
  RouteContext none;
  none.now_ms = ctx_.now_ms;
  auto why = router_.match("dashboard", "why did my score drop?", none);
  ASSERT_TRUE(why);
  EXPECT_EQ(why->action, "explain_score");
  EXPECT_EQ(router_.reply("dashboard", *why, json::parse(R"({"summary": "Your score is 41, down from 86 yesterday."})")),
            "Your score is 41, down from 86 yesterday.");
  auto trend = router_.match("dashboard", "score trend", none);
  ASSERT_TRUE(trend);
  EXPECT_EQ(router_.reply("dashboard", *trend, json::parse(R"({"days": [], "scores": [50, null, 74], "count": 3})")),
            "Your score over the last 3 days, oldest first: 50, – and 74.");
  auto score = router_.match("dashboard", "what's my score", none);
  ASSERT_TRUE(score);
  EXPECT_EQ(router_.reply("dashboard", *score, json::parse(R"({"score": 0, "has_score": true, "partial": false, "note": "",
    "sources": [], "breakdown": {"habits": {"scheduled": 3, "completed": 0}}})")),
            "Your productivity score is 0/100 — 0 of 3 habits done today.");
}

TEST_F(IntentRouterTest, AmbiguousNamesAndUnknownAppsAreNotRouted) {
  EXPECT_FALSE(router_.match("habit-tracker", "log practice", ctx_));
  EXPECT_FALSE(router_.match("nope", "log meditation", ctx_));
  RouteContext empty;
  empty.now_ms = ctx_.now_ms;
  EXPECT_FALSE(router_.match("habit-tracker", "log meditation", empty));  // no records: nothing to name
  EXPECT_FALSE(router_.match("habit-tracker", std::string(600, 'a'), ctx_));
  EXPECT_FALSE(router_.match("habit-tracker", "", ctx_));
}

// Untrusted input: the longest message the router takes still costs little.
TEST_F(IntentRouterTest, TheLongestMessageStaysCheap) {
  const char* words[] = {"log", "my", "meditation", "yesterday", "remind", "me", "at", "19:00", "streak", "running"};
  std::string msg;
  for (std::size_t i = 0; i + 1 < kMaxMessageWords; ++i) msg += std::string(words[i % 10]) + " ";
  const auto start = std::chrono::steady_clock::now();
  auto m = router_.match("habit-tracker", msg, ctx_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(m);
  EXPECT_FALSE(router_.match("habit-tracker", msg + msg, ctx_));  // over the word limit
  std::cout << "[ router   ] a " << msg.size() << "-byte message: " << ms << " ms\n";
  EXPECT_LT(ms, 2000);
}

TEST_F(IntentRouterTest, TheUsersZoneDecidesWhatTodayIs) {
  // 2026-12-02T07:30Z is still 1 December in Los Angeles.
  RouteContext la = ctx_;
  la.time_zone = "America/Los_Angeles";
  auto m = router_.match("habit-tracker", "log meditation", la);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.at("date"), "2026-12-01");
  auto y = router_.match("habit-tracker", "log meditation yesterday", la);
  ASSERT_TRUE(y);
  EXPECT_EQ(y->params.at("date"), "2026-11-30");
  RouteContext unknown = ctx_;
  unknown.time_zone = "Mars/Olympus";  // falls back to UTC
  EXPECT_EQ(router_.match("habit-tracker", "log meditation", unknown)->params.at("date"), "2026-12-02");
}

TEST_F(IntentRouterTest, NameSourcesAndCapabilities) {
  EXPECT_EQ(router_.name_sources("habit-tracker"), std::vector<std::string>{"habits.name"});
  auto q = router_.name_source_queries("habit-tracker");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].table, "habits");
  EXPECT_EQ(q[0].field, "name");
  EXPECT_EQ(json::value(q[0].where), json::parse(R"({"archived": false})"));
  EXPECT_TRUE(router_.name_sources("dashboard").empty());
  auto caps = router_.capabilities("habit-tracker");
  EXPECT_GE(caps.size(), 9u);
  bool log = false;
  for (const auto& c : caps) log = log || c.find("e.g. \u201clog meditation\u201d") != std::string::npos;
  EXPECT_TRUE(log) << caps.front();
  EXPECT_EQ(router_.capabilities("dashboard").size(), 3u);
  const std::string f = router_.fallback("dashboard");
  EXPECT_EQ(f.rfind("I can't do that without an AI model. Here is what I can do:\n- ", 0), 0u) << f;
  std::cout << router_.fallback("habit-tracker") << "\n" << f << "\n";
}

}  // namespace
}  // namespace krilin::agents
