#include "store/sql.h"

#include <cctype>

namespace krilin::store::sql {

std::string to_sqlite_placeholders(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto copy_quoted = [&](char q) {  // copies a '…' or "…" run, doubled quotes included
    out += s[i++];
    while (i < n) {
      char c = s[i++];
      out += c;
      if (c == q) {
        if (i < n && s[i] == q) {
          out += s[i++];
          continue;
        }
        return;
      }
    }
  };
  while (i < n) {
    char c = s[i];
    if (c == '\'' || c == '"') {
      copy_quoted(c);
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') out += s[i++];
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      std::size_t stop = end == std::string_view::npos ? n : end + 2;
      out.append(s.substr(i, stop - i));
      i = stop;
    } else if (c == '$' && i + 1 < n && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
               (i == 0 || !(std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == '_'))) {
      out += '?';
      ++i;
      while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) out += s[i++];
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool is_read_only(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  for (;;) {
    while (i < n && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
    } else if (i + 1 < n && s[i] == '/' && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < n && std::isalpha(static_cast<unsigned char>(s[i])))
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++])));
  return word == "SELECT" || word == "VALUES" || word == "EXPLAIN";
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

}  // namespace krilin::store::sql
