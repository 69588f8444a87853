// The query compiler, without a database: what it accepts, what it refuses, and that
// nothing a client sends reaches the SQL text. (store_test runs compiled queries on
// both backends and checks their answers.)
#include "store/query.h"

#include <gtest/gtest.h>

#include <regex>

namespace krilin::store {
namespace {

std::vector<TableSpec> tables() {
  return {{.app = "habit-tracker",
           .name = "habits",
           .fields = {{"name", FieldType::string},
                      {"streak", FieldType::integer},
                      {"score", FieldType::number},
                      {"active", FieldType::boolean},
                      {"tags", FieldType::array},
                      {"meta", FieldType::object},
                      {"extra", FieldType::any}}}};
}

Result<CompiledQuery> compile(const std::string& text, Dialect d = Dialect::sqlite) {
  auto t = tables();
  return compile_query(json::parse(text), t, "user-1", d);
}

// Everything in the SQL text was written by the compiler: keywords, operators, the
// physical table name and numbered placeholders — never a client's text.
void expect_safe(const CompiledQuery& q) {
  static const std::regex allowed(R"(^[A-Za-z0-9_ ,()=<>.:$@'"|\\*-]*$)");
  EXPECT_TRUE(std::regex_match(q.sql, allowed)) << q.sql;
  // Every $n has its parameter and every parameter its $n.
  std::size_t highest = 0;
  for (std::size_t i = q.sql.find('$'); i != std::string::npos; i = q.sql.find('$', i + 1)) {
    if (i + 1 < q.sql.size() && std::isdigit(static_cast<unsigned char>(q.sql[i + 1])))
      highest = std::max<std::size_t>(highest, std::stoul(q.sql.substr(i + 1)));
  }
  EXPECT_EQ(highest, q.params.size()) << q.sql;
  // …and each one is used (PostgreSQL cannot type a parameter that appears nowhere).
  for (std::size_t i = 1; i <= q.params.size(); ++i) {
    std::string p = "$" + std::to_string(i);
    bool used = false;
    for (std::size_t at = q.sql.find(p); at != std::string::npos; at = q.sql.find(p, at + 1))
      used = used || at + p.size() == q.sql.size() || !std::isdigit(static_cast<unsigned char>(q.sql[at + p.size()]));
    EXPECT_TRUE(used) << p << " unused in " << q.sql;
  }
}

TEST(QueryCompiler, CompilesTheDesignExample) {
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    auto q = compile(R"({"table":"habits","where":{"active":true,"streak":{"gte":3}},
                         "order_by":[{"field":"created_at","dir":"desc"}],"limit":50})", d);
    ASSERT_TRUE(q.ok()) << q.error().message;
    expect_safe(*q);
    EXPECT_NE(q->sql.find("FROM \"app_habit_tracker_habits\""), std::string::npos);
    EXPECT_NE(q->sql.find("user_id = $1"), std::string::npos);
    EXPECT_NE(q->sql.find("deleted_at IS NULL"), std::string::npos);
    EXPECT_EQ(as_text(q->params[0]), "user-1");
    EXPECT_EQ(as_int(q->params.back()), 51);  // one more than the page, to know if there is a next
    EXPECT_EQ(q->limit, 50u);
  }
}

TEST(QueryCompiler, AcceptsEveryOperatorOnItsTypes) {
  const char* ok[] = {
      R"({"table":"habits","where":{"name":"x"}})",
      R"({"table":"habits","where":{"name":{"ne":"x"}}})",
      R"({"table":"habits","where":{"name":{"lt":"m","gte":"a"}}})",
      R"({"table":"habits","where":{"streak":{"in":[1,2,3]}}})",
      R"({"table":"habits","where":{"streak":{"nin":[1]}}})",
      R"({"table":"habits","where":{"score":{"gt":1.5}}})",
      R"({"table":"habits","where":{"name":{"contains":"run"}}})",
      R"({"table":"habits","where":{"tags":{"contains":"health"}}})",
      R"({"table":"habits","where":{"name":{"like":"R%"}}})",
      R"({"table":"habits","where":{"meta":{"exists":true}}})",
      R"({"table":"habits","where":{"name":null}})",
      R"({"table":"habits","where":{"name":{"ne":null}}})",
      R"({"table":"habits","where":{"extra":42}})",
      R"({"table":"habits","where":{"created_at":{"gte":"2026-01-01T00:00:00Z"}}})",
      R"({"table":"habits","where":{"created_at":{"gte":1700000000000}}})",
      R"({"table":"habits","where":{"id":{"in":["a","b"]}}})",
      R"({"table":"habits","where":{"$or":[{"active":true},{"streak":{"gt":10}}],"$not":{"name":"x"}}})",
      R"({"table":"habits","order_by":[{"field":"name"},{"field":"streak","dir":"desc"}]})",
      R"({"table":"habits","where":null,"order_by":null,"limit":null,"cursor":null})",
  };
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    for (const char* text : ok) {
      auto q = compile(text, d);
      ASSERT_TRUE(q.ok()) << text << ": " << q.error().message;
      expect_safe(*q);
    }
  }
}

TEST(QueryCompiler, RefusesWhatDoesNotFitWithA400) {
  const char* refused[] = {
      R"([])",
      R"({"where":{}})",
      R"({"table":"nope"})",
      R"({"table":"habits","extra":1})",
      R"({"table":"habits","where":{"unknown":1}})",
      R"({"table":"habits","where":{"streak":"three"}})",
      R"({"table":"habits","where":{"streak":1.5}})",
      R"({"table":"habits","where":{"active":{"gt":true}}})",
      R"({"table":"habits","where":{"name":{"regex":".*"}}})",
      R"({"table":"habits","where":{"name":{}}})",
      R"({"table":"habits","where":{"streak":{"in":[]}}})",
      R"({"table":"habits","where":{"streak":{"in":1}}})",
      R"({"table":"habits","where":{"tags":"x"}})",
      R"({"table":"habits","where":{"meta":{"eq":{"a":1}}}})",
      R"({"table":"habits","where":{"streak":{"like":"1%"}}})",
      R"({"table":"habits","where":{"name":{"exists":"yes"}}})",
      R"({"table":"habits","where":{"created_at":{"gt":"yesterday"}}})",
      R"({"table":"habits","where":[]})",
      R"({"table":"habits","where":{"$or":[]}})",
      R"({"table":"habits","order_by":{"field":"name"}})",
      R"({"table":"habits","order_by":[{"field":"name","dir":"up"}]})",
      R"({"table":"habits","order_by":[{"field":"tags"}]})",
      R"({"table":"habits","order_by":[{"field":"a"},{"field":"b"},{"field":"c"},{"field":"d"}]})",
      R"({"table":"habits","limit":0})",
      R"({"table":"habits","limit":501})",
      R"({"table":"habits","limit":"10"})",
      R"({"table":"habits","cursor":"not-a-cursor"})",
      R"({"table":"habits","cursor":12})",
      R"({"table":"habits","where":{"score":{"gt":1e400}}})",
  };
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    for (const char* text : refused) {
      boost::system::error_code ec;
      json::value v = json::parse(text, ec);
      if (ec) continue;  // 1e400 is refused by the parser already
      auto t = tables();
      auto q = compile_query(v, t, "user-1", d);
      ASSERT_FALSE(q.ok()) << text << " compiled to " << q->sql;
      EXPECT_EQ(q.error().kind, ErrorKind::invalid_input) << text;
      EXPECT_FALSE(q.error().message.empty());
      EXPECT_TRUE(std::regex_match(q.error().code, std::regex("^[a-z]+(_[a-z]+)*$"))) << q.error().code;
    }
  }
}

TEST(QueryCompiler, HostileNamesNeverReachTheSql) {
  const std::string hostile[] = {
      "name'; DROP TABLE users; --", "name\"", "name--", "name/*", "na;me", "NAME", "näme", "name\u202e",
      std::string("na\0me", 5), "", std::string(300, 'a'), "$1", "name) OR (1=1", "data", "user_id"};
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    for (const auto& name : hostile) {
      auto t = tables();
      json::object where;
      where[name] = 1;
      auto q = compile_query(json::object{{"table", "habits"}, {"where", where}}, t, "u", d);
      EXPECT_FALSE(q.ok()) << "field name accepted: " << name;
      auto o = compile_query(json::object{{"table", "habits"}, {"order_by", json::array{json::object{{"field", name}}}}},
                             t, "u", d);
      EXPECT_FALSE(o.ok()) << "order name accepted: " << name;
      auto tq = compile_query(json::object{{"table", name}}, t, "u", d);
      EXPECT_FALSE(tq.ok()) << "table name accepted: " << name;
      auto op = compile_query(json::object{{"table", "habits"}, {"where", {{"name", json::object{{name, "x"}}}}}}, t, "u", d);
      EXPECT_FALSE(op.ok()) << "operator accepted: " << name;
    }
  }
}

TEST(QueryCompiler, HostileValuesAreBoundNeverSpliced) {
  const std::string values[] = {"'; DROP TABLE users; --", "\" OR 1=1 --", "/* */", "$1", "?1",
                                "ünïcödé ✓ 𝄞", "\\", "%_", std::string(4000, 'x')};
  for (Dialect d : {Dialect::sqlite, Dialect::postgres}) {
    for (const auto& v : values) {
      auto t = tables();
      for (const char* op : {"eq", "ne", "lt", "contains", "like"}) {
        auto q = compile_query(json::object{{"table", "habits"}, {"where", {{"name", json::object{{op, v}}}}}}, t,
                               "u", d);
        if (!q.ok()) {
          EXPECT_EQ(q.error().kind, ErrorKind::invalid_input);
          continue;
        }
        expect_safe(*q);
        if (v.size() > 3) {
          EXPECT_EQ(q->sql.find(v), std::string::npos) << q->sql;
        }
        bool bound = false;
        for (const auto& p : q->params) bound = bound || as_text(p) == v;
        EXPECT_TRUE(bound) << op << " " << v;
      }
    }
  }
}

TEST(QueryCompiler, RefusesOversizedAndNulValues) {
  auto t = tables();
  std::string big(100 * 1024, 'x');
  auto q = compile_query(json::object{{"table", "habits"}, {"where", {{"name", big}}}}, t, "u", Dialect::sqlite);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "value_too_long");
  auto n = compile_query(json::object{{"table", "habits"}, {"where", {{"name", std::string("a\0b", 3)}}}}, t, "u",
                         Dialect::postgres);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code, "invalid_value");
  json::array many;
  for (int i = 0; i < 101; ++i) many.push_back(i);
  auto m = compile_query(json::object{{"table", "habits"}, {"where", {{"streak", json::object{{"in", many}}}}}}, t, "u",
                         Dialect::sqlite);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, "too_many_values");
}

TEST(QueryCompiler, RefusesDeepNestingAndTooManyConditions) {
  auto t = tables();
  json::value w = json::object{{"active", true}};
  for (int i = 0; i < 40; ++i) w = json::object{{"$not", w}};
  auto q = compile_query(json::object{{"table", "habits"}, {"where", w}}, t, "u", Dialect::sqlite);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().code, "query_too_deep");

  json::array ors;
  for (int i = 0; i < 100; ++i) ors.push_back(json::object{{"streak", i}});
  auto c = compile_query(json::object{{"table", "habits"}, {"where", {{"$or", ors}}}}, t, "u", Dialect::postgres);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "query_too_complex");
}

TEST(QueryCompiler, CursorsAreTiedToTheirOrder) {
  auto t = tables();
  CompiledQuery q = compile(R"({"table":"habits","order_by":[{"field":"streak"}],"limit":1})").value();
  Rows rows;
  rows.columns = {"id", "data", "version", "created_at", "updated_at", "k0", "k1"};
  rows.rows.push_back({text("a"), text("{}"), Value(std::int64_t{1}), Value(std::int64_t{1}), Value(std::int64_t{1}),
                       Value(std::int64_t{7}), text("a")});
  rows.rows.push_back(rows.rows[0]);
  Page page = read_page(q, rows);
  ASSERT_EQ(page.items.size(), 1u);
  ASSERT_TRUE(page.next_cursor);
  auto next = compile_query(json::object{{"table", "habits"}, {"order_by", {{{"field", "streak"}}}}, {"cursor", *page.next_cursor}},
                            t, "u", Dialect::sqlite);
  ASSERT_TRUE(next.ok()) << next.error().message;
  expect_safe(*next);
  auto other = compile_query(json::object{{"table", "habits"}, {"order_by", {{{"field", "name"}}}}, {"cursor", *page.next_cursor}},
                             t, "u", Dialect::sqlite);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, "invalid_cursor");
}

TEST(QueryCompiler, PhysicalNamesAndDdl) {
  EXPECT_EQ(physical_table_name("habit-tracker", "habits").value(), "app_habit_tracker_habits");
  EXPECT_FALSE(physical_table_name("Habit", "habits").ok());
  EXPECT_FALSE(physical_table_name("x", "a;b").ok());
  TableSpec t{.app = "notes", .name = "notes", .fields = {}};
  auto pg = app_table_ddl(t, Dialect::postgres);
  auto lite = app_table_ddl(t, Dialect::sqlite);
  ASSERT_FALSE(pg.empty());
  EXPECT_NE(pg[0].find("JSONB"), std::string::npos);
  EXPECT_NE(lite[0].find("json_valid"), std::string::npos);
}

}  // namespace
}  // namespace krilin::store
