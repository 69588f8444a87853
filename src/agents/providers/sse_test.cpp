#include "agents/providers/sse.h"

#include <string>

#include <gtest/gtest.h>

namespace krilin::agents {
namespace {
using namespace std::string_literals;

std::vector<SseEvent> parse_all(std::string_view text, std::size_t bound = 1 << 20) {
  SseParser p(bound);
  std::vector<SseEvent> out;
  EXPECT_TRUE(p.feed(text, out));
  return out;
}

// Every way of cutting the text into two or three chunks gives the same events.
void expect_same_when_cut(std::string_view text) {
  const auto whole = parse_all(text);
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i; j <= text.size(); ++j) {
      SseParser p;
      std::vector<SseEvent> out;
      ASSERT_TRUE(p.feed(text.substr(0, i), out));
      ASSERT_TRUE(p.feed(text.substr(i, j - i), out));
      ASSERT_TRUE(p.feed(text.substr(j), out));
      ASSERT_EQ(out.size(), whole.size()) << "cut at " << i << "," << j;
      for (std::size_t k = 0; k < out.size(); ++k) {
        EXPECT_EQ(out[k].event, whole[k].event);
        EXPECT_EQ(out[k].data, whole[k].data) << "cut at " << i << "," << j;
        EXPECT_EQ(out[k].id, whole[k].id);
      }
    }
  }
}

TEST(SseParser, FieldsEventsAndData) {
  auto evs = parse_all("event: message_start\ndata: {\"a\":1}\n\ndata: plain\n\n");
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].event, "message_start");
  EXPECT_EQ(evs[0].data, "{\"a\":1}");
  EXPECT_EQ(evs[1].event, "message");  // the type resets after each event
  EXPECT_EQ(evs[1].data, "plain");
}

TEST(SseParser, MultiLineDataCommentsAndSpaces) {
  auto evs = parse_all(": a comment\ndata:one\ndata:  two\ndata\n: another\n\n");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].data, "one\n two\n");  // one leading space dropped; `data` alone adds an empty line
}

TEST(SseParser, LineEndingsLfCrlfAndCr) {
  for (std::string_view text : {"data: a\n\ndata: b\n\n", "data: a\r\n\r\ndata: b\r\n\r\n", "data: a\r\rdata: b\r\r",
                                "data: a\r\n\rdata: b\n\r\n"}) {
    auto evs = parse_all(text);
    ASSERT_EQ(evs.size(), 2u) << text;
    EXPECT_EQ(evs[0].data, "a");
    EXPECT_EQ(evs[1].data, "b");
  }
}

TEST(SseParser, AChunkBoundaryAnywhereIncludingInsideCrlfAndTheBom) {
  expect_same_when_cut("\xEF\xBB\xBF" "event: x\r\ndata: 1\r\n\r\nid: 7\rdata: 2\r\r: c\ndata:3\n\n");
  expect_same_when_cut("data: a\r\n\r\ndata: b\r\n\r\n");
}

TEST(SseParser, ALeadingBomIsSkippedOnlyAtTheStart) {
  auto evs = parse_all("\xEF\xBB\xBF" "data: x\n\ndata: \xEF\xBB\xBF" "y\n\n");
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0].data, "x");
  EXPECT_EQ(evs[1].data, "\xEF\xBB\xBF" "y");
  // A stream that starts like a BOM but is not one keeps its bytes.
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("\xEF", out));
  ASSERT_TRUE(p.feed("data: z\n\n", out));
  EXPECT_EQ(out.size(), 0u);  // "\xEF" "data" is an unknown field name
  ASSERT_TRUE(p.feed("data: w\n\n", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "w");
}

TEST(SseParser, IdPersistsRetryNeedsDigitsEmptyEventsAreNotDispatched) {
  auto evs = parse_all("id: 1\ndata: a\n\ndata: b\n\nid: 2\0x\nretry: 1500\ndata: c\n\nretry: 1x\nevent: e\n\ndata: d\n\n"s);
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(evs[0].id, "1");
  EXPECT_EQ(evs[1].id, "1");
  EXPECT_EQ(evs[2].id, "1");  // an id with NUL is ignored
  EXPECT_EQ(evs[2].retry, 1500);
  EXPECT_EQ(evs[3].event, "message");  // the event without data was dropped, its name with it
  EXPECT_FALSE(evs[3].retry.has_value());
}

TEST(SseParser, UnknownFieldsAreIgnoredAndAnOpenEventAtTheEndIsReported) {
  SseParser p;
  std::vector<SseEvent> out;
  ASSERT_TRUE(p.feed("foo: bar\ndata: x\n\ndata: half", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(p.finish());
  SseParser q;
  ASSERT_TRUE(q.feed("data: x\n\n", out));
  EXPECT_TRUE(q.finish());
}

TEST(SseParser, AnEventPastTheBoundFailsTheParser) {
  SseParser p(64);
  std::vector<SseEvent> out;
  EXPECT_TRUE(p.feed("data: " + std::string(40, 'a') + "\n", out));
  EXPECT_FALSE(p.feed("data: " + std::string(40, 'b') + "\n\n", out));
  EXPECT_TRUE(p.failed());
  EXPECT_FALSE(p.feed("data: c\n\n", out));
  EXPECT_TRUE(out.empty());
  // A long line without any line end is bounded too.
  SseParser q(64);
  EXPECT_FALSE(q.feed(std::string(100, 'x'), out));
}

}  // namespace
}  // namespace krilin::agents
