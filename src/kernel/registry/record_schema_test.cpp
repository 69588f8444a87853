#include "kernel/registry/record_schema.h"

#include <gtest/gtest.h>

namespace krilin::kernel::registry {
namespace {

const char* kHabit = R"({"type":"object","required":["name"],"additionalProperties":false,
  "properties":{"name":{"type":"string","minLength":1,"maxLength":100},
    "schedule":{"type":"object","properties":{"kind":{"enum":["daily","weekdays"]},
      "weekdays":{"type":"array","items":{"type":"integer","minimum":0,"maximum":6},"uniqueItems":true}}},
    "target":{"type":"integer","minimum":1},"active":{"type":"boolean"},
    "started_on":{"type":"string","format":"date"},"owner":{"type":"string","format":"email"}}})";

TEST(RecordSchema, ValidRecordsPassAndFieldsAreTyped) {
  auto s = RecordSchema::compile(json::parse(kHabit)).value();
  EXPECT_TRUE(s.validate(json::parse(R"({"name":"Run","target":3,"started_on":"2024-02-29",
      "schedule":{"kind":"weekdays","weekdays":[1,3,5]}})")).ok());
  ASSERT_EQ(s.fields().size(), 6u);
  EXPECT_EQ(s.fields()[0].name, "name");
  EXPECT_EQ(s.fields()[0].type, store::FieldType::string);
  EXPECT_EQ(s.fields()[2].type, store::FieldType::integer);
}

TEST(RecordSchema, InvalidRecordsNameTheFieldAndRule) {
  auto s = RecordSchema::compile(json::parse(kHabit)).value();
  const char* bad[] = {
      R"({})",                                          // name required
      R"({"name":""})",                                 // minLength
      R"({"name":"Run","target":0})",                   // minimum
      R"({"name":"Run","target":"3"})",                 // type
      R"({"name":"Run","extra":1})",                    // additionalProperties
      R"({"name":"Run","schedule":{"kind":"hourly"}})", // enum
      R"({"name":"Run","schedule":{"weekdays":[1,1]}})",// uniqueItems
      R"({"name":"Run","started_on":"2023-02-29"})",    // not a leap year
      R"({"name":"Run","started_on":"yesterday"})",     // format
      R"({"name":"Run","owner":"not an email"})",       // format
      R"([])",
  };
  for (const char* text : bad) {
    auto r = s.validate(json::parse(text));
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "invalid_record") << text;
    }
  }
}

TEST(RecordSchema, SchemasOutsideTheSubsetAreRefusedWithAPointer) {
  const std::pair<const char*, const char*> bad[] = {
      {R"({"type":"array"})", "root"},
      {R"({"type":"object","properties":{"a":{"$ref":"#/x"}}})", "/properties/a"},
      {R"({"type":"object","properties":{"a":{"anyOf":[{"type":"string"}]}}})", "/properties/a"},
      {R"({"type":"object","properties":{"a":{"type":"string","format":"ipv4"}}})", "/properties/a"},
      {R"({"type":"object","patternProperties":{}})", "/"},
      {R"({"type":"object","properties":{"Bad Name":{"type":"string"}}})", "/properties/Bad Name"},
      {R"({"type":"object","additionalProperties":{"type":"string"}})", "/"},
  };
  for (const auto& [text, where] : bad) {
    auto r = RecordSchema::compile(json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, "invalid_record_schema");
    if (std::string(where) != "root") {
      EXPECT_NE(r.error().message.find(where), std::string::npos) << r.error().message;
    }
  }
}

}  // namespace
}  // namespace krilin::kernel::registry
