#pragma once
// The event bus: how an event written to the outbox (outbox.h) reaches every subscriber on
// every instance. Two backends behind one interface: in-process (embedded mode) and Redis
// pub/sub (scale-out, hiredis's async API on the io_context: redis/redis_bus.h).
//
// Delivery is at least once while an instance is connected; an event carries its id and
// its per-(user, app, stream) sequence number so that consumers drop duplicates and detect
// gaps (which they fill from the outbox: events are committed before they are published).
// Handlers are registered before start(), run on an I/O thread, and must not block.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/json.h"

namespace krilin::bus {

namespace asio = boost::asio;

struct Event {
  std::string id;       // UUIDv7
  std::string user_id;  // whose data it is
  std::string app_id;   // the app whose stream it is
  std::string stream;
  std::int64_t seq = 0;  // 1, 2, 3… per (user, app, stream)
  json::value data;
  std::int64_t created_at = 0;

  std::string encode() const;  // JSON text, for the wire
  static std::optional<Event> decode(std::string_view text);
};

class Bus {
 public:
  using Handler = std::function<void(const Event&)>;
  virtual ~Bus() = default;

  // Sends the event to every instance's handlers. Throws unavailable when the backend
  // cannot take it (the outbox keeps the event and retries).
  virtual asio::awaitable<void> publish(const Event& event) = 0;
  // Before start(): handlers see every event published anywhere.
  void subscribe(Handler handler) { handlers_.push_back(std::move(handler)); }
  virtual void start() {}
  virtual asio::awaitable<void> stop() { co_return; }
  virtual const char* backend_name() const = 0;

 protected:
  void deliver(const Event& event) const {
    for (const auto& h : handlers_) h(event);
  }

 private:
  std::vector<Handler> handlers_;
};

// In-process: publish() runs the handlers before it returns.
std::unique_ptr<Bus> make_local_bus();

}  // namespace krilin::bus
