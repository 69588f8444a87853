#include "core/metrics.h"

#include <cmath>
#include <cstdio>

namespace krilin::core {
namespace {

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string render_labels(const Labels& labels, const std::string& extra_key = {},
                          const std::string& extra_value = {}) {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escape_label_value(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += extra_key + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

}  // namespace

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Metrics::inc(const std::string& name, const Labels& labels, double by) {
  std::lock_guard lock(mu_);
  counters_[name][labels] += by;
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mu_);
  Histogram& h = histograms_[name][labels];
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (value <= kLatencyBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += value;
}

void Metrics::gauge(const std::string& name, const Labels& labels, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_[name].emplace_back(labels, std::move(read));
}

void Metrics::describe(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  help_[name] = help;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  auto header = [&](const std::string& name, const char* type) {
    auto it = help_.find(name);
    if (it != help_.end()) out += "# HELP " + name + " " + it->second + "\n";
    out += "# TYPE " + name + " " + type + "\n";
  };
  for (const auto& [name, series] : counters_) {
    header(name, "counter");
    for (const auto& [labels, v] : series) out += name + render_labels(labels) + " " + format_number(v) + "\n";
  }
  for (const auto& [name, series] : histograms_) {
    header(name, "histogram");
    for (const auto& [labels, h] : series) {
      for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
        out += name + "_bucket" + render_labels(labels, "le", format_number(kLatencyBuckets[i])) +
               " " + std::to_string(h.buckets[i]) + "\n";
      out += name + "_bucket" + render_labels(labels, "le", "+Inf") + " " + std::to_string(h.count) + "\n";
      out += name + "_sum" + render_labels(labels) + " " + format_number(h.sum) + "\n";
      out += name + "_count" + render_labels(labels) + " " + std::to_string(h.count) + "\n";
    }
  }
  for (const auto& [name, series] : gauges_) {
    header(name, "gauge");
    for (const auto& [labels, read] : series)
      out += name + render_labels(labels) + " " + format_number(read()) + "\n";
  }
  return out;
}

}  // namespace krilin::core
