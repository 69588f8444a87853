#pragma once
// Metrics: a small thread-safe Prometheus registry. Counters and histograms keyed by a
// label set, gauges read through callbacks at scrape time (pool sizes), rendered in the
// Prometheus text exposition format 0.0.4. Any layer may register; the HTTP layer
// records requests and latency per route template.
#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace krilin::core {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  static constexpr std::array<double, 13> kLatencyBuckets = {
      .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};

  // Adds `by` to the counter `name` with `labels` (created at zero on first use).
  void inc(const std::string& name, const Labels& labels, double by = 1);
  // Records one observation (seconds) in the latency histogram `name`.
  void observe(const std::string& name, const Labels& labels, double value);
  // A gauge read at scrape time. `read` must be thread-safe and cheap.
  void gauge(const std::string& name, const Labels& labels, std::function<double()> read);
  // HELP text for a metric family (optional).
  void describe(const std::string& name, const std::string& help);

  // The whole registry in Prometheus text format.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::string> help_;
  std::map<std::string, std::map<Labels, double>> counters_;
  std::map<std::string, std::map<Labels, Histogram>> histograms_;
  std::map<std::string, std::vector<std::pair<Labels, std::function<double()>>>> gauges_;
};

// Escapes a label value for the text format (backslash, quote, newline).
std::string escape_label_value(const std::string& v);

}  // namespace krilin::core
