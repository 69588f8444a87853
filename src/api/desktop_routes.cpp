#include "api/desktop_routes.h"

#include <charconv>

#include "api/auth_routes.h"
#include "api/route.h"
#include "core/clock.h"

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// A widget's place: the fields the desktop's layout algebra uses; others are kept as sent.
const char* kDocumentSchema = R"({"type":"object","required":["dashboards","active"],"additionalProperties":false,
  "properties":{
    "dashboards":{"type":"array","maxItems":20,"items":{"type":"object","required":["id","name","widgets"],
      "properties":{
        "id":{"type":"string","minLength":1,"maxLength":64},
        "name":{"type":"string","minLength":1,"maxLength":80},
        "widgets":{"type":"array","maxItems":100,"items":{"type":"object","required":["i","app","widget","x","y","w","h"],
          "properties":{
            "i":{"type":"string","minLength":1,"maxLength":200},
            "app":{"type":"string","minLength":1,"maxLength":64},
            "widget":{"type":"string","minLength":1,"maxLength":100},
            "x":{"type":"integer","minimum":0,"maximum":1000},
            "y":{"type":"integer","minimum":0,"maximum":10000},
            "w":{"type":"integer","minimum":1,"maximum":100},
            "h":{"type":"integer","minimum":1,"maximum":100}}}}}}},
    "active":{"type":["string","null"],"maxLength":64},
    "known":{"type":"array","maxItems":500,"items":{"type":"string","maxLength":200}}}})";

const char* kAnswerSchema = R"({"type":"object","required":["dashboards","active","version"],"properties":{
  "dashboards":{"type":"array"},"active":{"type":["string","null"]},"known":{"type":"array"},"version":{"type":"integer"}}})";

const char* kSelect = "SELECT document, version FROM user_desktops WHERE user_id = $1";
const char* kInsert =
    "INSERT INTO user_desktops (user_id, document, version, updated_at) VALUES ($1, $2, 1, $3) "
    "ON CONFLICT (user_id) DO NOTHING";
const char* kUpdate =
    "UPDATE user_desktops SET document = $2, version = version + 1, updated_at = $3 WHERE user_id = $1";
const char* kUpdateIf =
    "UPDATE user_desktops SET document = $2, version = version + 1, updated_at = $3 WHERE user_id = $1 AND version = $4";


Response answer(json::object doc, std::int64_t version) {
  json::object out;
  auto field = [&doc](const char* name, json::value fallback) {
    auto it = doc.find(name);
    return it == doc.end() ? fallback : it->value();
  };
  out["dashboards"] = field("dashboards", json::array{});
  out["active"] = field("active", nullptr);
  out["known"] = field("known", json::array{});
  out["version"] = version;
  auto r = Response::json(200, out);
  r.with_header("ETag", "\"" + std::to_string(version) + "\"");
  return r;
}

asio::awaitable<std::pair<json::object, std::int64_t>> load(store::Executor& ex, const std::string& user) {
  store::Params params{store::text(user)};
  auto rows = co_await ex.query(kSelect, std::move(params));
  std::pair<json::object, std::int64_t> out;
  out.second = 0;
  if (rows.empty()) co_return out;
  auto doc = json::parse(store::as_text(rows.at(0, "document")));
  if (doc.is_object()) out.first = doc.as_object();
  out.second = store::as_int(rows.at(0, "version"));
  co_return out;
}

// Outside the coroutines: g++ 12 warns (maybe-uninitialized) on Value temporaries built in one.
store::Params write_params(const std::string& user, const std::string& text, std::int64_t now,
                           std::optional<std::int64_t> expected_version) {
  if (expected_version) return {store::text(user), store::text(text), store::Value(now), store::Value(*expected_version)};
  return {store::text(user), store::text(text), store::Value(now)};
}

}  // namespace

void add_desktop_routes(http::Router& router, store::Store& store) {
  add_user_route(router, {Method::get, "/api/v1/me/desktop", "The caller's desktop: dashboards and widget places, with its version (ETag).",
                          "me", {}, kAnswerSchema, [&store](Request& req) -> asio::awaitable<Response> {
                            auto [doc, version] = co_await load(store, principal(req).user_id);
                            co_return answer(std::move(doc), version);
                          }});
  add_user_route(
      router,
      {Method::put, "/api/v1/me/desktop",
       "Replace the caller's desktop. If-Match: \"<version>\" makes it conditional (409 version_conflict when stale).", "me",
       kDocumentSchema, kAnswerSchema, [&store](Request& req) -> asio::awaitable<Response> {
         const auto expected = if_match(req, 0, "desktop");
         std::string text = json::serialize(req.json);
         if (text.size() > kMaxDesktopBytes)
           throw Exception(Error{ErrorKind::payload_too_large, "desktop_too_large",
                                 "The desktop document is larger than " + std::to_string(kMaxDesktopBytes / 1024) + " KiB."});
         const std::string user = principal(req).user_id;
         const std::int64_t now = core::SystemClock().now_ms();
         std::int64_t version = 0;
         co_await store.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
           auto [current, have] = co_await load(tx, user);
           if (expected && *expected != have)
             throw Exception(Error::conflict("version_conflict",
                                             "The desktop was changed elsewhere (now version " + std::to_string(have) +
                                                 "): load it again and reapply the change."));
           if (have == 0) {
             auto row = write_params(user, text, now, std::nullopt);
             auto n = co_await tx.execute(kInsert, std::move(row));
             if (n == 0) throw Exception(Error::conflict("version_conflict", "The desktop was changed elsewhere: load it again."));
             version = 1;
           } else {
             auto row = write_params(user, text, now, expected ? std::optional<std::int64_t>(have) : std::nullopt);
             std::int64_t n = co_await tx.execute(expected ? kUpdateIf : kUpdate, std::move(row));
             if (n == 0) throw Exception(Error::conflict("version_conflict", "The desktop was changed elsewhere: load it again."));
             version = have + 1;
           }
         });
         co_return answer(req.json.as_object(), version);
       }});
}

}  // namespace krilin::api
