#include "api/auth_routes.h"

#include "kernel/auth/cookies.h"

#include <algorithm>

namespace krilin::api {
namespace {

using http::Method;
using http::Request;
using http::Response;
using kernel::auth::ClientInfo;
using kernel::auth::TokenPair;

constexpr const char* kCookie = "krilin_refresh";
constexpr const char* kCookiePath = "/api/v1/auth";

json::value schema(std::string_view text) { return json::parse(text); }

const char* kUserSchema = R"({"type":"object","required":["id","email","name","role","created_at"],
  "properties":{"id":{"type":"string"},"email":{"type":"string"},"name":{"type":"string"},
  "role":{"enum":["user","admin"]},"created_at":{"type":"integer"},"time_zone":{"type":"string"}}})";

json::value token_pair_schema() {
  json::value s = schema(R"({"type":"object","required":["access_token","token_type","expires_in","refresh_token","user"],
    "properties":{"access_token":{"type":"string"},"token_type":{"const":"Bearer"},
    "expires_in":{"type":"integer"},"refresh_token":{"type":"string"}}})");
  s.as_object()["properties"].as_object()["user"] = schema(kUserSchema);
  return s;
}

ClientInfo client_of(const Request& req) {
  return {std::string(req.header("user-agent").value_or("")), req.remote_address};
}

// The refresh token also travels in an HttpOnly, SameSite=Strict cookie scoped to the
// auth routes, so that a browser keeps only the access token in memory.
std::string refresh_cookie(const std::string& token, std::int64_t max_age) {
  return std::string(kCookie) + "=" + token + "; Path=" + kCookiePath + "; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; SameSite=Strict";
}

std::optional<std::string> cookie_value(const Request& req, std::string_view name) {
  auto header = req.header("cookie");
  if (!header) return std::nullopt;
  return kernel::auth::cookie_value(*header, name);
}

Response with_pair(int status, const TokenPair& pair) {
  Response r = Response::json(status, pair.to_json());
  r.with_header("Set-Cookie", refresh_cookie(pair.refresh_token, 30LL * 24 * 3600));
  r.with_header("Cache-Control", "no-store");
  return r;
}

std::string str(const json::value& body, const char* key) {
  const json::value* v = body.as_object().if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

const kernel::auth::Principal& principal(const http::Request& request) {
  const auto* p = std::any_cast<kernel::auth::Principal>(&request.principal);
  if (!p) throw Exception(Error{ErrorKind::unauthenticated, "unauthenticated", "Sign in to use this."});
  return *p;
}

http::Authenticator bearer_authenticator(kernel::auth::AuthService& auth) {
  return [&auth](Request& req) -> asio::awaitable<Result<std::any>> {
    auto header = req.header("authorization");
    std::string_view h = header.value_or("");
    if (h.size() < 8 || (h.substr(0, 7) != "Bearer " && h.substr(0, 7) != "bearer "))
      co_return Error{ErrorKind::unauthenticated, "unauthenticated", "Sign in to use this: send Authorization: Bearer <access token>."};
    try {
      auto who = co_await auth.authenticate(h.substr(7));
      who.address = req.remote_address;
      co_return std::any(who);
    } catch (const Exception& e) {
      co_return e.error();
    }
  };
}

void add_auth_routes(http::Router& router, kernel::auth::AuthService& auth, kernel::auth::OidcLogin* oidc) {
  http::Route signup;
  signup.method = Method::post;
  signup.path = "/api/v1/auth/signup";
  signup.summary = "Create an account and sign in. The first account becomes the administrator.";
  signup.tag = "auth";
  signup.success_status = 201;
  signup.request_schema = schema(R"({"type":"object","required":["email","password","name"],"additionalProperties":false,
    "properties":{"email":{"type":"string","maxLength":254},"password":{"type":"string","maxLength":4096},
    "name":{"type":"string","minLength":1,"maxLength":100}}})");
  signup.response_schema = token_pair_schema();
  signup.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto pair = co_await auth.signup(str(req.json, "email"), str(req.json, "password"), str(req.json, "name"),
                                     client_of(req));
    co_return with_pair(201, pair);
  };
  router.add(std::move(signup));

  http::Route login;
  login.method = Method::post;
  login.path = "/api/v1/auth/login";
  login.summary = "Sign in with email and password. Unknown email and wrong password answer alike.";
  login.tag = "auth";
  login.request_schema = schema(R"({"type":"object","required":["email","password"],"additionalProperties":false,
    "properties":{"email":{"type":"string","maxLength":254},"password":{"type":"string","maxLength":4096}}})");
  {
    json::object one_of;
    json::array options;
    options.push_back(token_pair_schema());
    options.push_back(schema(R"({"type":"object","required":["mfa_required","mfa_token"],
      "properties":{"mfa_required":{"const":true},"mfa_token":{"type":"string"}}})"));
    one_of["oneOf"] = std::move(options);
    login.response_schema = std::move(one_of);
  }
  login.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto result = co_await auth.login(str(req.json, "email"), str(req.json, "password"), client_of(req));
    if (result.tokens) co_return with_pair(200, *result.tokens);
    Response r = Response::json(200, result.to_json());
    r.with_header("Cache-Control", "no-store");
    co_return r;
  };
  router.add(std::move(login));

  http::Route refresh;
  refresh.method = Method::post;
  refresh.path = "/api/v1/auth/refresh";
  refresh.summary =
      "Trade a refresh token (body, or the cookie with X-Requested-With: krilin) for a new pair. "
      "A token is single-use: presenting a used one ends its session.";
  refresh.tag = "auth";
  refresh.request_schema = schema(R"({"type":"object","additionalProperties":false,
    "properties":{"refresh_token":{"type":"string","maxLength":128}}})");
  refresh.response_schema = token_pair_schema();
  refresh.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    std::string token = str(req.json, "refresh_token");
    if (token.empty()) {
      // The cookie rides along with any request the browser makes: only a request that
      // carries a header no other site can set is trusted with it (CSRF).
      if (req.header("x-requested-with").value_or("") != "krilin")
        throw Exception(Error{ErrorKind::forbidden, "csrf_check_failed",
                              "Send the refresh token in the body, or the cookie with X-Requested-With: krilin."});
      token = cookie_value(req, kCookie).value_or("");
    }
    auto pair = co_await auth.refresh(token, client_of(req));
    co_return with_pair(200, pair);
  };
  router.add(std::move(refresh));

  http::Route logout;
  logout.method = Method::post;
  logout.path = "/api/v1/auth/logout";
  logout.summary = "End this session: its refresh and access tokens stop working at once.";
  logout.tag = "auth";
  logout.auth_required = true;
  logout.no_body = true;
  logout.success_status = 204;
  logout.response_schema = schema(R"({"type":"null"})");
  logout.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.logout(principal(req));
    Response r = Response::no_content();
    r.with_header("Set-Cookie", refresh_cookie("", 0));
    co_return r;
  };
  router.add(std::move(logout));

  http::Route logout_all;
  logout_all.method = Method::post;
  logout_all.path = "/api/v1/auth/logout-all";
  logout_all.summary = "End every session of this account, on every device, at once.";
  logout_all.tag = "auth";
  logout_all.auth_required = true;
  logout_all.no_body = true;
  logout_all.success_status = 204;
  logout_all.response_schema = schema(R"({"type":"null"})");
  logout_all.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.logout_all(principal(req));
    Response r = Response::no_content();
    r.with_header("Set-Cookie", refresh_cookie("", 0));
    co_return r;
  };
  router.add(std::move(logout_all));

  http::Route me;
  me.method = Method::get;
  me.path = "/api/v1/me";
  me.summary = "The signed-in user.";
  me.tag = "account";
  me.auth_required = true;
  me.response_schema = schema(kUserSchema);
  me.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto user = co_await auth.user(principal(req).user_id);
    co_return Response::json(200, user.to_json());
  };
  router.add(std::move(me));

  http::Route rename;
  rename.method = Method::patch;
  rename.path = "/api/v1/me";
  rename.summary = "Change the signed-in user's name and/or time zone (an IANA name, e.g. Europe/Paris).";
  rename.tag = "account";
  rename.auth_required = true;
  rename.request_schema = schema(R"({"type":"object","minProperties":1,"additionalProperties":false,
    "properties":{"name":{"type":"string","minLength":1,"maxLength":100},"time_zone":{"type":"string","minLength":1,"maxLength":64}}})");
  rename.response_schema = schema(kUserSchema);
  rename.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    // Both checked before either is written: a refused request changes nothing.
    if (req.json.as_object().contains("name") &&
        str(req.json, "name").find_first_not_of(' ') == std::string::npos)
      throw Exception(Error::invalid("invalid_name", "The name cannot be empty."));
    if (req.json.as_object().contains("time_zone")) co_await auth.set_time_zone(principal(req), str(req.json, "time_zone"));
    if (req.json.as_object().contains("name")) co_await auth.rename(principal(req), str(req.json, "name"));
    auto user = co_await auth.user(principal(req).user_id);
    co_return Response::json(200, user.to_json());
  };
  router.add(std::move(rename));

  http::Route password;
  password.method = Method::post;
  password.path = "/api/v1/me/password";
  password.summary = "Change the password (the current one is required); every other session ends.";
  password.tag = "account";
  password.auth_required = true;
  password.success_status = 204;
  password.request_schema = schema(R"({"type":"object","required":["current_password","new_password"],
    "additionalProperties":false,"properties":{"current_password":{"type":"string","maxLength":4096},
    "new_password":{"type":"string","maxLength":4096}}})");
  password.response_schema = schema(R"({"type":"null"})");
  password.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.change_password(principal(req), str(req.json, "current_password"), str(req.json, "new_password"));
    co_return Response::no_content();
  };
  router.add(std::move(password));

  http::Route sessions;
  sessions.method = Method::get;
  sessions.path = "/api/v1/auth/sessions";
  sessions.summary = "The account's live sessions (devices), this one marked current.";
  sessions.tag = "auth";
  sessions.auth_required = true;
  sessions.response_schema = schema(R"({"type":"object","required":["sessions"],"properties":{"sessions":{"type":"array",
    "items":{"type":"object","required":["id","user_agent","address","created_at","last_used_at","current"]}}}})");
  sessions.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto list = co_await auth.sessions(principal(req));
    json::array items;
    for (const auto& s : list) items.push_back(s.to_json());
    co_return Response::json(200, json::object{{"sessions", std::move(items)}});
  };
  router.add(std::move(sessions));

  http::Route revoke;
  revoke.method = Method::del;
  revoke.path = "/api/v1/auth/sessions/{id}";
  revoke.summary = "End one of the account's sessions.";
  revoke.tag = "auth";
  revoke.auth_required = true;
  revoke.success_status = 204;
  revoke.response_schema = schema(R"({"type":"null"})");
  revoke.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.revoke_session(principal(req), req.params.at("id"));
    co_return Response::no_content();
  };
  router.add(std::move(revoke));


  http::Route enroll;
  enroll.method = Method::post;
  enroll.path = "/api/v1/auth/mfa/totp/enroll";
  enroll.summary = "Start two-step sign-in with an authenticator app: a secret and its otpauth:// URI.";
  enroll.tag = "auth";
  enroll.auth_required = true;
  enroll.no_body = true;
  enroll.response_schema = schema(R"({"type":"object","required":["secret","otpauth_uri"],
    "properties":{"secret":{"type":"string"},"otpauth_uri":{"type":"string"}}})");
  enroll.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto e = co_await auth.enroll_totp(principal(req));
    Response r = Response::json(200, json::object{{"secret", e.secret_base32}, {"otpauth_uri", e.otpauth_uri}});
    r.with_header("Cache-Control", "no-store");
    co_return r;
  };
  router.add(std::move(enroll));

  http::Route confirm;
  confirm.method = Method::post;
  confirm.path = "/api/v1/auth/mfa/totp/confirm";
  confirm.summary = "Turn two-step sign-in on with a first code; answers 10 single-use recovery codes, shown once.";
  confirm.tag = "auth";
  confirm.auth_required = true;
  confirm.request_schema = schema(R"({"type":"object","required":["code"],"additionalProperties":false,
    "properties":{"code":{"type":"string","maxLength":16}}})");
  confirm.response_schema = schema(R"({"type":"object","required":["recovery_codes"],
    "properties":{"recovery_codes":{"type":"array","items":{"type":"string"},"minItems":10,"maxItems":10}}})");
  confirm.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto codes = co_await auth.confirm_totp(principal(req), str(req.json, "code"));
    json::array list;
    for (auto& c : codes) list.push_back(json::string(c));
    Response r = Response::json(200, json::object{{"recovery_codes", std::move(list)}});
    r.with_header("Cache-Control", "no-store");
    co_return r;
  };
  router.add(std::move(confirm));

  http::Route remove;
  remove.method = Method::post;  // takes a body: DELETE cannot
  remove.path = "/api/v1/auth/mfa/totp/remove";
  remove.summary = "Turn two-step sign-in off: needs the password and a current code (or a recovery code).";
  remove.tag = "auth";
  remove.auth_required = true;
  remove.success_status = 204;
  remove.request_schema = schema(R"({"type":"object","required":["password","code"],"additionalProperties":false,
    "properties":{"password":{"type":"string","maxLength":4096},"code":{"type":"string","maxLength":16}}})");
  remove.response_schema = schema(R"({"type":"null"})");
  remove.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.remove_totp(principal(req), str(req.json, "password"), str(req.json, "code"));
    co_return Response::no_content();
  };
  router.add(std::move(remove));

  http::Route verify;
  verify.method = Method::post;
  verify.path = "/api/v1/auth/mfa/verify";
  verify.summary = "Complete a sign-in that answered mfa_required, with a code or a recovery code (aal 2).";
  verify.tag = "auth";
  verify.request_schema = schema(R"({"type":"object","required":["mfa_token"],"additionalProperties":false,
    "properties":{"mfa_token":{"type":"string","maxLength":128},"code":{"type":"string","maxLength":16},
    "recovery_code":{"type":"string","maxLength":32}}})");
  verify.response_schema = token_pair_schema();
  verify.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    auto pair = co_await auth.verify_mfa(str(req.json, "mfa_token"), str(req.json, "code"),
                                         str(req.json, "recovery_code"), client_of(req));
    co_return with_pair(200, pair);
  };
  router.add(std::move(verify));

  http::Route erase;
  erase.method = Method::del;
  erase.path = "/api/v1/me";
  erase.summary = "Erase the account: needs the password, and a code when two-step sign-in is on.";
  erase.tag = "account";
  erase.auth_required = true;
  erase.success_status = 204;
  erase.request_schema = schema(R"({"type":"object","required":["password"],"additionalProperties":false,
    "properties":{"password":{"type":"string","maxLength":4096},"code":{"type":"string","maxLength":32}}})");
  erase.response_schema = schema(R"({"type":"null"})");
  erase.handler = [&auth](Request& req) -> asio::awaitable<Response> {
    co_await auth.delete_account(principal(req), str(req.json, "password"), str(req.json, "code"));
    Response r = Response::no_content();
    r.with_header("Set-Cookie", refresh_cookie("", 0));
    co_return r;
  };
  router.add(std::move(erase));

  // Administration: the caller must be an administrator.
  auto admin = [](const Request& req) -> const kernel::auth::Principal& {
    const auto& who = principal(req);
    if (who.role != "admin")
      throw Exception(Error{ErrorKind::forbidden, "admin_only", "Only an administrator can do this."});
    return who;
  };
  json::value account_schema = schema(kUserSchema);
  account_schema.as_object()["required"].as_array().push_back("disabled");
  account_schema.as_object()["required"].as_array().push_back("mfa_enabled");

  http::Route users;
  users.method = Method::get;
  users.path = "/api/v1/admin/users";
  users.summary = "Every account of this instance (administrators only).";
  users.tag = "admin";
  users.auth_required = true;
  {
    json::object items{{"type", "array"}, {"items", account_schema}};
    users.response_schema = json::object{{"type", "object"}, {"required", json::array{"users"}},
                                         {"properties", json::object{{"users", std::move(items)}}}};
  }
  users.handler = [&auth, admin](Request& req) -> asio::awaitable<Response> {
    admin(req);
    auto list = co_await auth.list_accounts();
    json::array out;
    for (const auto& a : list) out.push_back(a.to_json());
    co_return Response::json(200, json::object{{"users", std::move(out)}});
  };
  router.add(std::move(users));

  struct AdminAction {
    const char* path;
    const char* summary;
    int kind;  // 0 disable, 1 enable, 2 reset MFA
  };
  const AdminAction actions[] = {
      {"/api/v1/admin/users/{id}/disable", "Disable an account: its sessions end at once.", 0},
      {"/api/v1/admin/users/{id}/enable", "Enable a disabled account.", 1},
      {"/api/v1/admin/users/{id}/reset-mfa", "Turn two-step sign-in off for an account that lost its device.", 2},
  };
  for (const auto& a : actions) {
    http::Route r;
    r.method = Method::post;
    r.path = a.path;
    r.summary = a.summary;
    r.tag = "admin";
    r.auth_required = true;
    r.no_body = true;
    r.success_status = 204;
    r.response_schema = schema(R"({"type":"null"})");
    r.handler = [&auth, admin, kind = a.kind](Request& req) -> asio::awaitable<Response> {
      const auto& who = admin(req);
      const std::string& target = req.params.at("id");
      if (kind == 0 && target == who.user_id)
        throw Exception(Error::conflict("cannot_disable_self", "An administrator cannot disable their own account."));
      if (kind == 2)
        co_await auth.reset_mfa(target, who.user_id, who.address);
      else
        co_await auth.set_disabled(target, kind == 0, who.user_id, who.address);
      co_return Response::no_content();
    };
    router.add(std::move(r));
  }

  if (!oidc) return;

  http::Route start;
  start.method = Method::get;
  start.path = "/api/v1/auth/oidc/start";
  start.summary = "Sign in with the configured identity provider: redirects (302) to it.";
  start.tag = "auth";
  start.success_status = 302;
  start.response_schema = schema(R"({"type":"null"})");
  start.handler = [oidc](Request&) -> asio::awaitable<Response> {
    std::string url = co_await oidc->start();
    Response r = Response::no_content();
    r.status = 302;
    r.with_header("Location", url);
    r.with_header("Cache-Control", "no-store");
    co_return r;
  };
  router.add(std::move(start));

  http::Route callback;
  callback.method = Method::get;
  callback.path = "/api/v1/auth/oidc/callback";
  callback.summary = "Where the identity provider sends the browser back (code and state): answers a token pair.";
  callback.tag = "auth";
  callback.response_schema = token_pair_schema();
  callback.handler = [oidc, &auth](Request& req) -> asio::awaitable<Response> {
    auto param = [&](const char* k) { auto it = req.query.find(k); return it == req.query.end() ? std::string() : it->second; };
    if (!param("error").empty())
      throw Exception(Error{ErrorKind::unauthenticated, "oidc_denied",
                            "The identity provider did not sign you in (" + param("error").substr(0, 64) + ")."});
    auto id = co_await oidc->finish(param("state"), param("code"));
    auto pair = co_await auth.sign_in_with_identity(id.issuer, id.token.subject, id.token.email, id.token.email_verified,
                                                    id.token.name, client_of(req));
    co_return with_pair(200, pair);
  };
  router.add(std::move(callback));
}

}  // namespace krilin::api
