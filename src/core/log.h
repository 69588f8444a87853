#pragma once
// Logging: spdlog, configured once by init_logging(). In json format every line is one
// JSON object {"ts","level","msg",...}; the access log adds its own fields. Thread-safe.
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

#include "krilin/sdk/json.h"

namespace krilin::core {

// level: trace|debug|info|warn|error|off; format: json|text. Logs go to stderr.
void init_logging(const std::string& level, const std::string& format);

// Writes one structured line: in json format the fields are merged into the object, in
// text format they follow the message as key=value.
void log_event(spdlog::level::level_enum level, std::string_view msg, const json::object& fields);

bool json_logs();

}  // namespace krilin::core
