#include "store/sql.h"

#include <gtest/gtest.h>

namespace krilin::store::sql {
namespace {

TEST(Placeholders, RewritesNumberedParameters) {
  EXPECT_EQ(to_sqlite_placeholders("SELECT $1, $2 WHERE a = $10"), "SELECT ?1, ?2 WHERE a = ?10");
  EXPECT_EQ(to_sqlite_placeholders("x = $2 AND y = $1 AND z = $2"), "x = ?2 AND y = ?1 AND z = ?2");
}

TEST(Placeholders, LeavesLiteralsIdentifiersAndCommentsAlone) {
  EXPECT_EQ(to_sqlite_placeholders("SELECT '$1', \"$2\", $3"), "SELECT '$1', \"$2\", ?3");
  EXPECT_EQ(to_sqlite_placeholders("SELECT 'it''s $1' -- $2\n, $3"), "SELECT 'it''s $1' -- $2\n, ?3");
  EXPECT_EQ(to_sqlite_placeholders("SELECT /* $1 */ $2"), "SELECT /* $1 */ ?2");
  EXPECT_EQ(to_sqlite_placeholders("SELECT a$1 FROM t"), "SELECT a$1 FROM t");
  EXPECT_EQ(to_sqlite_placeholders("SELECT '$.' || $1"), "SELECT '$.' || ?1");
}

TEST(Placeholders, SurvivesUnterminatedInput) {
  EXPECT_EQ(to_sqlite_placeholders("SELECT 'abc"), "SELECT 'abc");
  EXPECT_EQ(to_sqlite_placeholders("SELECT /* $1"), "SELECT /* $1");
  EXPECT_EQ(to_sqlite_placeholders("$"), "$");
  EXPECT_EQ(to_sqlite_placeholders(""), "");
}

TEST(ReadOnly, ClassifiesByFirstKeyword) {
  EXPECT_TRUE(is_read_only("SELECT 1"));
  EXPECT_TRUE(is_read_only("  \n select * from t"));
  EXPECT_TRUE(is_read_only("-- comment\nSELECT 1"));
  EXPECT_TRUE(is_read_only("/* c */ VALUES (1)"));
  EXPECT_FALSE(is_read_only("INSERT INTO t VALUES (1)"));
  EXPECT_FALSE(is_read_only("WITH x AS (SELECT 1) DELETE FROM t"));
  EXPECT_FALSE(is_read_only("PRAGMA user_version"));
  EXPECT_FALSE(is_read_only("/* unterminated SELECT"));
  EXPECT_FALSE(is_read_only(""));
}

TEST(QuoteLiteral, DoublesQuotes) {
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
  EXPECT_EQ(quote_literal(""), "''");
}

}  // namespace
}  // namespace krilin::store::sql
