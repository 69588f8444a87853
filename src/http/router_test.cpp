#include "http/pipeline.h"
#include "http/router.h"

#include <gtest/gtest.h>

#include "http/openapi.h"

namespace krilin::http {
namespace {

Handler ok_handler() {
  return [](Request&) -> asio::awaitable<Response> { co_return Response::json(200, json::object{}); };
}

Route route(Method m, std::string path, Json req = nullptr) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.request_schema = std::move(req);
  r.response_schema = json::object{{"type", "object"}};
  r.handler = ok_handler();
  return r;
}

TEST(Router, MatchesLiteralsBeforeParams) {
  Router router;
  router.add(route(Method::get, "/api/v1/apps/{id}"));
  router.add(route(Method::get, "/api/v1/apps/catalog"));
  auto a = router.match(Method::get, "/api/v1/apps/catalog");
  ASSERT_TRUE(a.route);
  EXPECT_EQ(a.route->path, "/api/v1/apps/catalog");
  auto b = router.match(Method::get, "/api/v1/apps/habit-tracker");
  ASSERT_TRUE(b.route);
  EXPECT_EQ(b.params.at("id"), "habit-tracker");
}

TEST(Router, DecodesParamsAndRejectsBadEscapes) {
  Router router;
  router.add(route(Method::get, "/things/{name}"));
  auto m = router.match(Method::get, "/things/a%20b%2Fc");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.params.at("name"), "a b/c");
  auto bad = router.match(Method::get, "/things/%zz");
  ASSERT_TRUE(bad.error);
  EXPECT_EQ(bad.error->code, "invalid_path");
  auto nul = router.match(Method::get, "/things/%00");
  ASSERT_TRUE(nul.error);
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router router;
  router.add(route(Method::get, "/health"));
  router.add(route(Method::post, "/items", json::object{{"type", "object"}}));
  auto nf = router.match(Method::get, "/nope");
  ASSERT_TRUE(nf.error);
  EXPECT_EQ(nf.error->kind, ErrorKind::not_found);
  auto trailing = router.match(Method::get, "/health/");
  ASSERT_TRUE(trailing.error);
  auto na = router.match(Method::del, "/health");
  ASSERT_TRUE(na.error);
  EXPECT_EQ(na.error->code, "method_not_allowed");
  ASSERT_EQ(na.allowed.size(), 2u);
  EXPECT_EQ(na.allowed[0], Method::get);
  EXPECT_EQ(na.allowed[1], Method::head);
  auto head = router.match(Method::head, "/health");
  EXPECT_TRUE(head.route);
}

TEST(Router, RefusesBadRegistrations) {
  Router router;
  router.add(route(Method::get, "/a/{x}"));
  EXPECT_THROW(router.add(route(Method::get, "/a/{y}")), std::invalid_argument);
  EXPECT_THROW(router.add(route(Method::get, "no-slash")), std::invalid_argument);
  Route no_handler = route(Method::get, "/b");
  no_handler.handler = nullptr;
  EXPECT_THROW(router.add(no_handler), std::invalid_argument);
  EXPECT_THROW(router.add(route(Method::post, "/c", json::object{{"type", 12}})), std::invalid_argument);
}

TEST(Router, CheckRouteSchemasFindsUndeclaredRoutes) {
  Router router;
  router.add(route(Method::get, "/fine"));
  Route no_answer = route(Method::get, "/no-answer");
  no_answer.response_schema = nullptr;
  router.add(no_answer);
  router.add(route(Method::post, "/no-body-schema"));
  Route deliberate = route(Method::post, "/logout");
  deliberate.no_body = true;
  router.add(deliberate);
  auto problems = check_route_schemas(router);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find("/no-answer"), std::string::npos);
  EXPECT_NE(problems[1].find("/no-body-schema"), std::string::npos);
}

TEST(Router, QueryParsing) {
  auto q = parse_query("a=1&b=two%20words&c=x+y&&=skip&d");
  EXPECT_EQ(q.at("a"), "1");
  EXPECT_EQ(q.at("b"), "two words");
  EXPECT_EQ(q.at("c"), "x y");
  EXPECT_EQ(q.at("d"), "");
  EXPECT_EQ(q.count(""), 0u);
}

TEST(Schema, ValidationNamesThePath) {
  auto s = compile_schema(json::parse(R"({"type":"object","required":["name"],
    "properties":{"name":{"type":"string","maxLength":5},"tags":{"type":"array","items":{"type":"string"}}}})"));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->validate(json::parse(R"({"name":"abc"})")).ok());
  auto too_long = s->validate(json::parse(R"({"name":"abcdefg"})"));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().code, "invalid_body");
  EXPECT_EQ(too_long.error().message.rfind("/name:", 0), 0u) << too_long.error().message;
  auto bad_item = s->validate(json::parse(R"({"name":"a","tags":["x",3]})"));
  ASSERT_FALSE(bad_item.ok());
  EXPECT_EQ(bad_item.error().message.rfind("/tags/1:", 0), 0u) << bad_item.error().message;
  EXPECT_FALSE(s->validate(json::parse(R"({})")).ok());
}

TEST(OpenApi, DocumentDeclaresEveryOperation) {
  Router router;
  router.add(route(Method::get, "/health"));
  Route install = route(Method::post, "/api/v1/apps/{id}/install", json::object{{"type", "object"}});
  install.auth_required = true;
  router.add(install);
  Json doc = openapi_document(router, {.version = "1.2.3"});
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto& op = doc.at("paths").at("/api/v1/apps/{id}/install").at("post").as_object();
  EXPECT_EQ(op.at("parameters").as_array()[0].at("name"), "id");
  EXPECT_TRUE(op.contains("requestBody"));
  EXPECT_TRUE(op.at("responses").as_object().contains("200"));
  EXPECT_TRUE(op.contains("security"));
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("ErrorEnvelope"));
  // Round-trips as JSON text.
  EXPECT_EQ(json::parse(json::serialize(doc)), doc);
}

TEST(ClientAddress, BelievesForwardedForOnlyFromTrustedProxies) {
  const std::vector<std::string> trusted{"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address("1.2.3.4", std::string_view("9.9.9.9"), trusted), "1.2.3.4");
  EXPECT_EQ(client_address("10.0.0.1", std::nullopt, trusted), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("6.6.6.6, 5.5.5.5"), trusted), "5.5.5.5");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("6.6.6.6, 5.5.5.5, 10.0.0.2"), trusted), "5.5.5.5");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("2001:db8::1"), trusted), "2001:db8::1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("<script>"), trusted), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view(""), trusted), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", std::string_view("5.5.5.5"), {}), "10.0.0.1");
}

}  // namespace
}  // namespace krilin::http
