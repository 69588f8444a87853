#include "api/app_routes.h"

#include <algorithm>
#include <charconv>

#include "api/auth_routes.h"
#include "api/route.h"

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;
using kernel::registry::AppSpec;

void add(http::Router& router, Method method, std::string path, std::string summary, std::string_view request,
         std::string_view response, http::Handler handler, int status = 200) {
  add_user_route(router, {method, std::move(path), std::move(summary), "apps", request, response, std::move(handler), status});
}

platform::Caller caller_of(const Request& req) {
  const auto& who = principal(req);
  return {who.user_id, who.address};
}

json::object app_json(const AppSpec& a, const kernel::registry::InstalledSet& installed) {
  json::array deps, actions, outputs, widgets;
  for (const auto& d : a.dependencies)
    deps.push_back(json::object{{"id", d.app}, {"range", d.range}, {"optional", d.optional}, {"purpose", d.purpose}});
  for (const auto& [name, def] : a.actions)
    actions.push_back(json::object{{"name", name}, {"description", def.description}, {"destructive", def.destructive}});
  for (const auto& [name, def] : a.outputs)
    outputs.push_back(json::object{
        {"name", name}, {"description", def.description},
        {"access", def.access == kernel::registry::Access::any_app ? "any_app" : "requires_permission"}});
  if (const json::value* w = a.manifest.as_object().if_contains("widgets")) widgets = w->as_array();
  auto it = installed.find(a.id);
  return {{"id", a.id},
          {"name", a.name},
          {"version", a.version.to_string()},
          {"description", a.description},
          {"icon", a.icon},
          {"installed", it != installed.end()},
          {"enabled", it != installed.end() && it->second.enabled},
          {"installed_version", it != installed.end() ? json::value(it->second.version.to_string()) : json::value(nullptr)},
          {"dependencies", std::move(deps)},
          {"actions", std::move(actions)},
          {"outputs", std::move(outputs)},
          {"widgets", std::move(widgets)}};
}

std::set<std::string> accepted_of(const json::value* list) {
  std::set<std::string> out;
  if (list && list->is_array())
    for (const auto& v : list->as_array()) out.insert(std::string(v.as_string()));
  return out;
}

std::set<std::string> accepted_of(const std::map<std::string, std::string>& query) {
  std::set<std::string> out;
  auto it = query.find("accept");
  if (it == query.end()) return out;
  std::string_view s = it->second;
  while (!s.empty()) {
    auto comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    if (!item.empty()) out.insert(std::string(item));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::int64_t> parse_int(const std::map<std::string, std::string>& query, const char* key,
                                      std::int64_t lo, std::int64_t hi) {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc() || p != it->second.data() + it->second.size() || v < lo || v > hi)
    throw Exception(Error::invalid("invalid_" + std::string(key), std::string(key) + " is a whole number from " +
                                                                      std::to_string(lo) + " to " + std::to_string(hi) + "."));
  return v;
}

// An entity tag for a record answer ("<version>"), and If-Match as an expected version.

const char* kPlanSchema = R"({"type":"object","required":["app","install","optional","integrations","permissions"],
  "properties":{"app":{"type":"string"},"install":{"type":"array","items":{"type":"object","required":["id","name","version","optional"]}},
  "optional":{"type":"array"},"integrations":{"type":"array"},
  "permissions":{"type":"array","items":{"type":"object","required":["consumer","provider","kind","name","requires_grant","text"]}}}})";

}  // namespace

void add_app_routes(http::Router& router, AppDeps deps) {
  auto* installer = deps.installer;
  auto* host = deps.host;
  auto* grants = deps.grants;

  add(router, Method::get, "/api/v1/apps", "Every app this server offers, with the caller's installed/enabled state.", "",
      R"({"type":"object","required":["apps"],"properties":{"apps":{"type":"array","items":{"type":"object",
        "required":["id","name","version","description","installed","enabled"]}}}})",
      [installer](Request& req) -> asio::awaitable<Response> {
        auto installed = co_await installer->installed(principal(req).user_id);
        json::array apps;
        for (const auto& a : installer->catalog().apps()) apps.push_back(app_json(a, installed));
        co_return Response::json(200, json::object{{"apps", std::move(apps)}});
      });

  add(router, Method::get, "/api/v1/apps/{id}", "One app: its catalog entry, state and manifest.", "",
      R"({"type":"object","required":["id","name","version","manifest"]})",
      [installer](Request& req) -> asio::awaitable<Response> {
        const AppSpec* a = installer->catalog().find(req.param("id"));
        if (!a) throw Exception(Error::not_found("unknown_app", "There is no such app."));
        auto installed = co_await installer->installed(principal(req).user_id);
        json::object o = app_json(*a, installed);
        o["manifest"] = a->manifest;
        co_return Response::json(200, o);
      });

  add(router, Method::get, "/api/v1/apps/{id}/install-plan",
      "What installing the app would do: apps in order (dependencies first), optional apps on offer (accept them "
      "with ?accept=a,b), integrations, and the permissions in plain words.",
      "", kPlanSchema, [installer](Request& req) -> asio::awaitable<Response> {
        auto plan = co_await installer->plan(principal(req).user_id, req.param("id"), accepted_of(req.query));
        json::object o = plan.to_json(installer->catalog());
        o["app"] = req.param("id");
        co_return Response::json(200, o);
      });

  add(router, Method::post, "/api/v1/apps/{id}/install",
      "Install the app as planned: dependencies first (and the optional apps accepted), tables, grants.",
      R"({"type":"object","additionalProperties":false,"properties":{"accept":{"type":"array","maxItems":32,
        "items":{"type":"string","maxLength":64}}}})",
      kPlanSchema,
      [installer](Request& req) -> asio::awaitable<Response> {
        const auto& who = principal(req);
        auto plan = co_await installer->install(who.user_id, req.param("id"),
                                                accepted_of(req.json.as_object().if_contains("accept")), who.address);
        json::object o = plan.to_json(installer->catalog());
        o["app"] = req.param("id");
        co_return Response::json(201, o);
      },
      201);

  add(router, Method::post, "/api/v1/apps/{id}/uninstall",
      "Uninstall the app (its data is kept until purge). With apps installed that need it: 409 has_dependents, "
      "unless mode is cascade (they go too) or disable (kept, switched off).",
      R"({"type":"object","additionalProperties":false,"properties":{"mode":{"enum":["cascade","disable"]}}})",
      R"({"type":"object","required":["mode","apps"],"properties":{"mode":{"type":"string"},"apps":{"type":"array"}}})",
      [installer](Request& req) -> asio::awaitable<Response> {
        const auto& who = principal(req);
        const json::value* m = req.json.as_object().if_contains("mode");
        std::string mode = m ? std::string(m->as_string()) : "";
        auto apps = co_await installer->uninstall(who.user_id, req.param("id"), mode, who.address);
        co_return Response::json(200, json::object{{"mode", mode.empty() ? "uninstall" : mode},
                                                   {"apps", json::value_from(apps)}});
      });

  for (bool enable : {true, false})
    add(router, Method::post, std::string("/api/v1/apps/{id}/") + (enable ? "enable" : "disable"),
        enable ? "Switch a disabled app back on." : "Switch the app off: its data is kept, its calls answer 409 app_disabled.",
        "", R"({"type":"object","required":["app","enabled"]})",
        [installer, enable](Request& req) -> asio::awaitable<Response> {
          const auto& who = principal(req);
          co_await installer->set_enabled(who.user_id, req.param("id"), enable, who.address);
          co_return Response::json(200, json::object{{"app", req.param("id")}, {"enabled", enable}});
        });

  add(router, Method::post, "/api/v1/apps/{id}/upgrade",
      "Move the app to the newest version this server has, after a preflight: refused (409 upgrade_blocked, with "
      "the reasons) when an installed app's range would break.",
      "", R"({"type":"object","required":["app","from","to"]})", [installer](Request& req) -> asio::awaitable<Response> {
        const auto& who = principal(req);
        co_return Response::json(200, co_await installer->upgrade(who.user_id, req.param("id"), who.address));
      });

  add(router, Method::post, "/api/v1/apps/{id}/purge",
      "Delete for good the caller's data of an uninstalled app.", "",
      R"({"type":"object","required":["app","records_deleted"]})", [installer](Request& req) -> asio::awaitable<Response> {
        const auto& who = principal(req);
        auto n = co_await installer->purge(who.user_id, req.param("id"), who.address);
        co_return Response::json(200, json::object{{"app", req.param("id")}, {"records_deleted", n}});
      });

  add(router, Method::post, "/api/v1/apps/{id}/query",
      "Read the caller's records of one of the app's tables (the query language of docs/storage.md).",
      R"({"type":"object","required":["table"],"additionalProperties":false,"properties":{
        "table":{"type":"string","maxLength":64},"where":{"type":"object"},"order_by":{"type":"array"},
        "limit":{"type":"integer"},"cursor":{"type":["string","null"]}}})",
      R"({"type":"object","required":["items","next_cursor"],"properties":{"items":{"type":"array"},
        "next_cursor":{"type":["string","null"]}}})",
      [host](Request& req) -> asio::awaitable<Response> {
        co_return Response::json(200, co_await host->query(caller_of(req), req.param("id"), req.json));
      });

  add(router, Method::post, "/api/v1/apps/{id}/action",
      "Run one of the app's actions: {\"action\", \"params\"} → {\"data\": result}. If-Match: \"<version>\" is the "
      "expected version for actions that take one; record answers carry an ETag.",
      R"({"type":"object","required":["action"],"additionalProperties":false,"properties":{
        "action":{"type":"string","maxLength":64},"params":{"type":"object"}}})",
      R"({"type":"object","required":["data"]})",
      [host](Request& req) -> asio::awaitable<Response> {
        const json::object& body = req.json.as_object();
        json::object params;
        if (const json::value* p = body.if_contains("params")) params = p->as_object();
        if (auto v = if_match(req, 1, "record"); v && !params.contains("expected_version")) params["expected_version"] = *v;
        json::value data = co_await host->action(caller_of(req), req.param("id"), std::string(body.at("action").as_string()),
                                                 std::move(params));
        std::optional<std::int64_t> version;
        if (data.is_object())
          if (const json::value* v = data.as_object().if_contains("version"); v && v->is_int64() && data.as_object().contains("id"))
            version = v->as_int64();
        Response r = Response::json(200, json::object{{"data", std::move(data)}});
        if (version) r.with_header("ETag", "\"" + std::to_string(*version) + "\"");
        co_return r;
      });

  add(router, Method::get, "/api/v1/apps/{id}/outputs/{output}", "Read one of the app's outputs (the caller's own data).",
      "", R"({"type":"object","required":["data"]})", [host](Request& req) -> asio::awaitable<Response> {
        json::value data = co_await host->output(caller_of(req), req.param("id"), req.param("output"));
        co_return Response::json(200, json::object{{"data", std::move(data)}});
      });

  add(router, Method::get, "/api/v1/grants",
      "What each installed app may read of another, as the caller accepted it; revoked ones included.", "",
      R"({"type":"object","required":["grants"],"properties":{"grants":{"type":"array","items":{"type":"object",
        "required":["id","consumer","provider","kind","name","created_at","revoked_at"]}}}})",
      [grants](Request& req) -> asio::awaitable<Response> {
        json::array out;
        for (const auto& g : co_await grants->list(principal(req).user_id)) out.push_back(g.to_json());
        co_return Response::json(200, json::object{{"grants", std::move(out)}});
      });

  add(router, Method::del, "/api/v1/grants/{id}", "Revoke a grant; the app's next read of it is refused.", "",
      R"({"type":"null"})",
      [grants](Request& req) -> asio::awaitable<Response> {
        const auto& who = principal(req);
        auto g = co_await grants->revoke(who.user_id, req.param("id"));
        co_await grants->audit(who.user_id, g.consumer, "grant.revoked", g.to_json(), who.address);
        co_return Response::no_content();
      },
      204);

  add(router, Method::get, "/api/v1/audit",
      "The caller's audit log, newest first: sign-ins and account changes, installs, and every cross-app read "
      "(allowed or denied). ?app= filters to one app, ?since= (Unix ms), ?cursor= pages, ?limit= (1–500).",
      "",
      R"({"type":"object","required":["entries","next_cursor"],"properties":{"entries":{"type":"array",
        "items":{"type":"object","required":["id","action","app_id","detail","address","created_at"]}},
        "next_cursor":{"type":["string","null"]}}})",
      [grants](Request& req) -> asio::awaitable<Response> {
        kernel::grants::AuditQuery q;
        if (auto it = req.query.find("app"); it != req.query.end()) q.app = it->second.substr(0, 64);
        q.since = parse_int(req.query, "since", 0, 1LL << 53);
        q.limit = static_cast<std::size_t>(parse_int(req.query, "limit", 1, 500).value_or(100));
        if (auto it = req.query.find("cursor"); it != req.query.end()) q.cursor = it->second.substr(0, 64);
        auto page = co_await grants->audit_page(principal(req).user_id, q);
        json::value cursor = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
        co_return Response::json(200, json::object{{"entries", std::move(page.entries)}, {"next_cursor", cursor}});
      });
}

}  // namespace krilin::api
