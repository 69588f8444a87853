#include "agents/providers/sse.h"

namespace krilin::agents {
namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}

bool SseParser::feed(std::string_view chunk, std::vector<SseEvent>& out) {
  if (failed_) return false;
  if (!bom_done_) {
    // The BOM may itself be cut across chunks: match it byte by byte.
    while (!chunk.empty() && bom_seen_ < kBom.size()) {
      if (chunk.front() != kBom[bom_seen_]) {
        // Not a BOM after all: the bytes matched so far are content.
        bom_done_ = true;
        if (!put(kBom.substr(0, bom_seen_), out)) return false;
        break;
      }
      ++bom_seen_;
      chunk.remove_prefix(1);
    }
    if (bom_seen_ == kBom.size()) bom_done_ = true;
    if (!bom_done_) return true;  // all of it was (part of) the BOM so far
  }
  return put(chunk, out);
}

bool SseParser::put(std::string_view bytes, std::vector<SseEvent>& out) {
  while (!bytes.empty()) {
    if (skip_lf_) {
      skip_lf_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    const auto end = bytes.find_first_of("\r\n");
    const auto piece = bytes.substr(0, end);
    if (line_.size() + piece.size() + data_.size() > max_event_bytes_) {
      failed_ = true;
      return false;
    }
    line_.append(piece);
    if (end == std::string_view::npos) break;
    if (bytes[end] == '\r') skip_lf_ = true;
    bytes.remove_prefix(end + 1);
    line_end(out);
  }
  return true;
}

void SseParser::line_end(std::vector<SseEvent>& out) {
  field(line_, out);
  line_.clear();
}

void SseParser::field(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    // Dispatch. An event without data is not dispatched, but the buffers still reset.
    if (has_data_) {
      SseEvent ev;
      if (event_set_ && !event_.empty()) ev.event = std::move(event_);
      ev.data = std::move(data_);
      ev.id = last_id_;
      ev.retry = retry_;
      out.push_back(std::move(ev));
    }
    data_.clear();
    has_data_ = false;
    event_.clear();
    event_set_ = false;
    retry_.reset();
    return;
  }
  if (line.front() == ':') return;  // a comment
  std::string_view name = line, value;
  if (const auto colon = name.find(':'); colon != std::string_view::npos) {
    value = name.substr(colon + 1);
    name = name.substr(0, colon);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (name == "event") {
    event_.assign(value);
    event_set_ = true;
  } else if (name == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (name == "retry") {
    if (value.empty() || value.size() > 18) return;
    std::int64_t ms = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return;
      ms = ms * 10 + (c - '0');
    }
    retry_ = ms;
  }
}

}  // namespace krilin::agents
