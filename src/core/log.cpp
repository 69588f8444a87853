#include "core/log.h"

#include <atomic>
#include <chrono>

#include <spdlog/sinks/stdout_sinks.h>

namespace krilin::core {
namespace {
std::atomic<bool> g_json{true};

std::string iso_now() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}
}  // namespace

void init_logging(const std::string& level, const std::string& format) {
  auto logger = spdlog::stderr_logger_mt("krilin");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  g_json = format == "json";
  // In json mode the message is already a whole JSON object.
  spdlog::set_pattern(g_json ? "%v" : "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::flush_on(spdlog::level::warn);
}

bool json_logs() { return g_json; }

void log_event(spdlog::level::level_enum level, std::string_view msg, const json::object& fields) {
  if (!spdlog::should_log(level)) return;
  if (g_json) {
    json::object o;
    o["ts"] = iso_now();
    o["level"] = spdlog::level::to_string_view(level).data();
    o["msg"] = msg;
    for (const auto& [k, v] : fields) o[k] = v;
    spdlog::log(level, "{}", json::serialize(o));
  } else {
    std::string line(msg);
    for (const auto& [k, v] : fields) {
      line += ' ';
      line += k;
      line += '=';
      line += v.is_string() ? std::string(v.as_string()) : json::serialize(v);
    }
    spdlog::log(level, "{}", line);
  }
}

}  // namespace krilin::core
