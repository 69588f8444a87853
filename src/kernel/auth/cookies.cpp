#include "kernel/auth/cookies.h"

namespace krilin::kernel::auth {

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::string_view rest = header;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view part = rest.substr(0, semi);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view value = part.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      if (value.size() > 4096) return std::nullopt;
      for (char c : value)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
      return std::string(value);
    }
    if (semi == std::string_view::npos) break;
    rest.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

}  // namespace krilin::kernel::auth
