#include "core/metrics.h"

#include <gtest/gtest.h>

namespace krilin::core {
namespace {

TEST(Metrics, RendersCountersHistogramsAndGauges) {
  Metrics m;
  m.describe("krilin_http_requests_total", "HTTP requests.");
  m.inc("krilin_http_requests_total", {{"route", "/health"}, {"status", "200"}});
  m.inc("krilin_http_requests_total", {{"route", "/health"}, {"status", "200"}});
  m.observe("krilin_http_request_duration_seconds", {{"route", "/health"}}, 0.003);
  m.gauge("krilin_db_pool_connections", {{"state", "idle"}}, [] { return 3.0; });
  std::string text = m.render();
  EXPECT_NE(text.find("# HELP krilin_http_requests_total HTTP requests.\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE krilin_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_http_requests_total{route=\"/health\",status=\"200\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.0025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_http_request_duration_seconds_bucket{route=\"/health\",le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_http_request_duration_seconds_bucket{route=\"/health\",le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_http_request_duration_seconds_count{route=\"/health\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("krilin_db_pool_connections{state=\"idle\"} 3\n"), std::string::npos);
}

TEST(Metrics, EscapesLabelValues) {
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

}  // namespace
}  // namespace krilin::core
