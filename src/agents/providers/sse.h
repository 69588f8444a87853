#pragma once
// SseParser: an incremental Server-Sent Events parser (the WHATWG HTML "event stream"
// interpretation rules), pure and allocation-light, for the model providers' streams.
//
// Feed it the body as it arrives, in chunks cut anywhere (inside a line, inside a CRLF,
// inside the UTF-8 byte order mark); it hands back each complete event. Rules kept: a leading
// BOM is skipped; lines end with CRLF, LF or CR; a line starting with ':' is a comment; a
// field is `name: value` (one leading space of the value dropped) or `name` alone (empty
// value); `data` lines join with LF; an empty line dispatches the event unless it has no
// data; `event` names it ("message" when absent); `id` sets the last event id (kept for the
// following events, ignored when it contains NUL); `retry` with only ASCII digits sets the
// reconnection time; unknown fields are ignored. An event still open when the stream ends is
// dropped (finish() tells whether one was).
//
// Untrusted input never grows it without bound: when one event (its data plus the pending
// line) exceeds `max_event_bytes`, feed() returns false and the parser stays failed.
// Not thread-safe: one parser per stream.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace krilin::agents {

struct SseEvent {
  std::string event = "message";  // the `event` field, "message" when none was given
  std::string data;               // `data` lines joined with LF (no trailing LF)
  std::string id;                 // the last event id at dispatch (may come from an earlier event)
  std::optional<std::int64_t> retry;  // a `retry` field of this event, in milliseconds
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 1 << 20) : max_event_bytes_(max_event_bytes) {}

  // Parses `chunk`, appending each event it completes to `out`. Returns false (and parses
  // nothing more, ever) when an event grows past the bound.
  bool feed(std::string_view chunk, std::vector<SseEvent>& out);
  // The end of the stream: true when nothing was left half-received (a pending line or
  // event without its terminating empty line, which the rules discard).
  bool finish() const { return line_.empty() && data_.empty() && !has_data_ && !event_set_; }
  bool failed() const { return failed_; }
  const std::string& last_event_id() const { return last_id_; }

 private:
  void line_end(std::vector<SseEvent>& out);
  void field(std::string_view line, std::vector<SseEvent>& out);
  bool put(std::string_view bytes, std::vector<SseEvent>& out);

  std::size_t max_event_bytes_;
  std::size_t bom_seen_ = 0;  // bytes of the BOM matched so far; 3 = the check is over
  bool bom_done_ = false;
  bool skip_lf_ = false;      // the last chunk ended with CR: an LF right after belongs to it
  bool failed_ = false;
  std::string line_;
  std::string data_;
  bool has_data_ = false;
  std::string event_;
  bool event_set_ = false;
  std::optional<std::int64_t> retry_;
  std::string last_id_;
};

}  // namespace krilin::agents
