#pragma once
// The outbox (DESIGN.md §4): every event is written in the same transaction as the change
// that caused it (append_event), then a dispatcher publishes it on the bus at least once
// and marks it published. The rows stay for `retention` as the replay log that lets a
// reconnecting client ask for what it missed (replay, since a sequence number).
//
// Sequence numbers are per (user, app, stream), 1, 2, 3… without gaps: append_event
// increments the stream's head row in the caller's transaction, so concurrent writers of
// one stream serialise on that row and commit in sequence order.
//
// Dispatching: notify() after a commit wakes the dispatcher at once; it also polls every
// `poll` for events committed elsewhere (another instance, a crash). On PostgreSQL one
// instance at a time dispatches (a transaction-level advisory lock) and claims rows with
// FOR UPDATE SKIP LOCKED, so events leave in commit order. An event published but not yet
// marked when an instance dies is published again: consumers drop duplicates by sequence.
// After each batch is committed, on_dispatched hooks run once per event (the platform runs
// backend stream handlers there); a hook's failure is logged and does not stop the others.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "bus/bus.h"
#include "core/clock.h"
#include "store/store.h"

namespace krilin::bus {

// Appends an event to the outbox inside `tx`; answers it with its id and sequence number.
asio::awaitable<Event> append_event(store::Executor& tx, const std::string& user_id, const std::string& app_id,
                                    const std::string& stream, json::value data, std::int64_t now_ms);

struct Replay {
  std::vector<Event> events;     // seq > since, in order (at most `limit`)
  bool resync_required = false;  // what was asked for is older than the retention window
  std::int64_t head = 0;         // the stream's latest sequence number (0: none yet)
};

struct OutboxOptions {
  std::chrono::milliseconds poll{250};
  std::size_t batch = 200;
  std::chrono::milliseconds retention{24LL * 3600 * 1000};
  std::chrono::milliseconds prune_every{60000};
};

class Outbox {
 public:
  using Hook = std::function<asio::awaitable<void>(const Event&)>;

  Outbox(store::Store& store, Bus& bus, const core::Clock& clock, OutboxOptions options = {});
  ~Outbox();

  // Before start(): runs after each event is dispatched.
  void on_dispatched(Hook hook);
  void start(asio::any_io_executor executor);
  // Stops the loop and waits for the batch in flight.
  asio::awaitable<void> stop();
  // Something was appended and committed: dispatch soon. Thread-safe.
  void notify();

  // One dispatch pass (what the loop runs); answers the number of events published.
  asio::awaitable<std::size_t> dispatch_once();
  asio::awaitable<Replay> replay(const std::string& user_id, const std::string& app_id, const std::string& stream,
                                 std::int64_t since_seq, std::size_t limit);
  asio::awaitable<std::int64_t> head(const std::string& user_id, const std::string& app_id, const std::string& stream);
  // Deletes published events older than the retention window; answers how many.
  asio::awaitable<std::int64_t> prune();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace krilin::bus
