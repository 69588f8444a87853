#pragma once
// Real time in the browser (DESIGN.md §8): `/ws`, one WebSocket per tab, carrying many
// stream subscriptions.
//
// Authentication is a short-lived single-use ticket (issue_ticket, 30 s, stored hashed,
// burnt by redeem) presented as /ws?ticket=…, never a long-lived token in the URL.
//
// Messages from the client (JSON text): {"type":"subscribe","app_id","stream_id","since_seq"?},
// {"type":"unsubscribe","app_id","stream_id"}, {"type":"ping"}. To the client:
// {"type":"subscribed","app_id","stream_id","seq"} (the stream's head when subscribed),
// {"type":"event","app_id","stream_id","seq","data"}, {"type":"resync_required",…,"seq"}
// (what since_seq asked for is outside the retention window: reload, then follow from seq),
// {"type":"unsubscribed",…}, {"type":"pong"}, and {"type":"error","code","message"} for a
// bad message — the connection stays open.
//
// A subscription is allowed when the app is installed and enabled for the user and
// declares the stream. Each subscription delivers every event in sequence order exactly
// once: replayed from the outbox first (since_seq), then live from the bus; duplicates are
// dropped by sequence number and a gap (an event lost on the way) is filled from the
// outbox. The socket's outgoing queue is bounded (http::ServerOptions::ws_queue_limit): a
// consumer that falls behind is closed with 1008. At most `max_subscriptions` per socket.
//
// Thread-safety: bus events arrive on any I/O thread; each event is serialized once and
// its bytes shared by every socket that sends it, and posted once per executor the sessions
// run on (http::Server runs WebSockets on a few shared strands), where its sessions are
// walked in turn; everything of a session runs on its executor.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include <boost/asio/awaitable.hpp>

#include "bus/bus.h"
#include "bus/outbox.h"
#include "core/clock.h"
#include "http/types.h"
#include "kernel/registry/catalog.h"
#include "store/store.h"

namespace krilin::platform {

namespace asio = boost::asio;

struct RealtimeOptions {
  std::size_t max_subscriptions = 64;
  std::int64_t ticket_ttl_ms = 30000;
  std::size_t replay_page = 500;
};

class Realtime {
 public:
  Realtime(store::Store& store, const kernel::registry::Catalog& catalog, bus::Outbox& outbox, const core::Clock& clock,
           RealtimeOptions options = {});
  ~Realtime();

  // Before the bus starts: every event published anywhere reaches the sessions here.
  void attach(bus::Bus& bus);

  // A ticket for `user_id`: {ticket, expires_in (seconds)}.
  asio::awaitable<json::object> issue_ticket(const std::string& user_id);
  // The user the ticket was issued to, burning it; nothing when unknown, used or expired.
  asio::awaitable<std::optional<std::string>> redeem(const std::string& ticket);

  // Runs one socket until it closes.
  asio::awaitable<void> serve(http::WebSocket& ws, const std::string& user_id);

  std::size_t sessions() const;

  struct Session;
  struct Delivery;

 private:
  void on_event(const bus::Event& event);

  // One lane per executor seen so far, at most kMaxGroups (beyond: a post per session): the
  // events waiting to be walked there, in order, a slice of sessions at a time.
  struct Lane;
  static constexpr std::size_t kMaxGroups = 64;
  static constexpr std::size_t kNoGroup = static_cast<std::size_t>(-1);
  static void run_lane(const std::shared_ptr<Lane>& lane);

  store::Store& store_;
  const kernel::registry::Catalog& catalog_;
  bus::Outbox& outbox_;
  const core::Clock& clock_;
  RealtimeOptions opt_;
  mutable std::mutex mu_;
  std::unordered_multimap<std::string, std::weak_ptr<Session>> by_user_;
  std::vector<std::shared_ptr<Lane>> lanes_;
};

}  // namespace krilin::platform
