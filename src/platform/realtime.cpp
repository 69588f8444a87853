#include "platform/realtime.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

#include <sodium.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>

#include "core/ids.h"
#include "core/log.h"
#include "kernel/notifications/notifications.h"

namespace krilin::platform {

using store::text;
using store::Value;

namespace {

std::string hash_ticket(const std::string& ticket) {
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(ticket.data()), ticket.size(), nullptr, 0);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : out) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

json::object error_message(std::string code, std::string message) {
  return {{"type", "error"}, {"code", std::move(code)}, {"message", std::move(message)}};
}

// {"type":"event","app_id","stream_id","seq","data"}, written out directly: the event's
// data is serialized as it is, not copied into a message object first.
std::string event_message(const bus::Event& e) {
  std::string out = R"({"type":"event","app_id":)";
  out += json::serialize(json::string_view(e.app_id));
  out += R"(,"stream_id":)";
  out += json::serialize(json::string_view(e.stream));
  out += R"(,"seq":)";
  out += std::to_string(e.seq);
  out += R"(,"data":)";
  out += json::serialize(e.data);
  out += '}';
  return out;
}

}  // namespace

// A live event as every session of its user sees it: serialized once, the bytes shared by
// all the sockets that send it.
struct Realtime::Delivery {
  std::pair<std::string, std::string> key;  // app, stream: as the subscriptions are keyed
  std::int64_t seq = 0;
  std::shared_ptr<const std::string> bytes;
};

struct Realtime::Session : std::enable_shared_from_this<Session> {
  struct Sub {
    std::int64_t last = 0;        // the last sequence number delivered
    bool catching_up = true;      // replaying from the outbox: live events wait in `held`
    std::map<std::int64_t, std::shared_ptr<const Delivery>> held;
  };

  Session(Realtime& rt, http::WebSocket& ws, std::string user, asio::any_io_executor ex)
      : rt(rt), ws(ws), user(std::move(user)), ex(std::move(ex)) {}

  std::size_t group = kNoGroup;  // index of its lane in Realtime::lanes_

  Realtime& rt;
  http::WebSocket& ws;
  std::string user;
  asio::any_io_executor ex;  // the connection's strand
  bool alive = true;
  std::map<std::pair<std::string, std::string>, Sub> subs;

  void send(const json::object& msg) {
    if (alive) ws.send(json::serialize(msg));
  }

  void send_event(const bus::Event& e) {
    if (alive) ws.send(event_message(e));
  }

  // A live event (on the strand).
  void live(const std::shared_ptr<const Delivery>& d) {
    const Delivery& e = *d;
    if (!alive) return;
    auto it = subs.find(e.key);  // no key built per socket
    if (it == subs.end()) return;
    Sub& s = it->second;
    if (e.seq <= s.last) return;  // a duplicate
    if (s.catching_up) {
      s.held.emplace(e.seq, d);
      return;
    }
    if (e.seq == s.last + 1) {
      s.last = e.seq;
      ws.send_shared(e.bytes);
      return;
    }
    // A gap: something was lost between the outbox and here. Fill it from the outbox.
    s.catching_up = true;
    s.held.emplace(e.seq, d);
    asio::co_spawn(ex, [self = shared_from_this(), key = it->first]() -> asio::awaitable<void> {
      co_await self->catch_up(key, std::nullopt);
    }, asio::detached);
  }

  // Replays from the outbox after `last` (or since_seq at subscription), then releases
  // the held live events in order.
  asio::awaitable<void> catch_up(std::pair<std::string, std::string> key, std::optional<std::int64_t> since) {
    auto self = shared_from_this();
    try {
      for (;;) {
        auto it = subs.find(key);
        if (!alive || it == subs.end()) co_return;
        const std::int64_t from = since.value_or(it->second.last);
        auto r = co_await rt.outbox_.replay(user, key.first, key.second, from, rt.opt_.replay_page);
        it = subs.find(key);  // the subscription may have gone while we waited
        if (!alive || it == subs.end()) co_return;
        Sub& s = it->second;
        if (r.resync_required) {
          send({{"type", "resync_required"}, {"app_id", key.first}, {"stream_id", key.second}, {"seq", r.head}});
          s.last = r.head;
          break;
        }
        for (const auto& e : r.events)
          if (e.seq > s.last) {
            s.last = e.seq;
            send_event(e);
          }
        since.reset();
        if (r.events.size() < rt.opt_.replay_page) break;
      }
    } catch (const std::exception& e) {
      core::log_event(spdlog::level::warn, "stream replay failed", {{"error", e.what()}});
    }
    auto it = subs.find(key);
    if (!alive || it == subs.end()) co_return;
    Sub& s = it->second;
    s.catching_up = false;
    auto held = std::move(s.held);
    s.held.clear();
    for (auto& [seq, d] : held) live(d);
  }

  asio::awaitable<void> subscribe(const json::object& msg) {
    const std::string app = str(msg, "app_id"), stream = str(msg, "stream_id");
    const bool platform = app == kernel::notifications::kSystemApp && stream == kernel::notifications::kStream;
    const kernel::registry::AppSpec* spec = platform ? nullptr : rt.catalog_.find(app);
    if (platform) co_return co_await follow({app, stream}, msg);
    if (!spec) co_return send(error_message("unknown_app", "There is no app '" + app.substr(0, 64) + "'."));
    if (!spec->stream_defs.contains(stream))
      co_return send(error_message("unknown_stream", spec->name + " has no stream '" + stream.substr(0, 64) + "'."));
    store::Params p{text(user), text(app)};
    auto rows = co_await rt.store_.query("SELECT enabled FROM installed_apps WHERE user_id = $1 AND app_id = $2", std::move(p));
    if (rows.empty()) co_return send(error_message("app_not_installed", spec->name + " is not installed."));
    if (!store::as_bool(rows.rows[0][0])) co_return send(error_message("app_disabled", spec->name + " is disabled."));
    co_await follow({app, stream}, msg);
  }

  // A checked subscription: registers it, acknowledges, replays, then goes live.
  asio::awaitable<void> follow(std::pair<std::string, std::string> key, const json::object& msg) {
    const std::string& app = key.first;
    const std::string& stream = key.second;
    std::optional<std::int64_t> since;
    if (const json::value* v = msg.if_contains("since_seq"); v && !v->is_null()) {
      if (!v->is_int64() || v->as_int64() < 0)
        co_return send(error_message("invalid_message", "since_seq is a sequence number (a whole number ≥ 0)."));
      since = v->as_int64();
    }
    if (!subs.contains(key) && subs.size() >= rt.opt_.max_subscriptions)
      co_return send(error_message("too_many_subscriptions",
                                   "A socket carries at most " + std::to_string(rt.opt_.max_subscriptions) + " subscriptions."));
    // Registered before reading the head: whatever is published from now on is held.
    subs[key] = Sub{};
    const std::int64_t head = co_await rt.outbox_.head(user, app, stream);
    auto it = subs.find(key);
    if (it == subs.end()) co_return;
    send({{"type", "subscribed"}, {"app_id", app}, {"stream_id", stream}, {"seq", head}});
    // Without since_seq: from now on. With it: what was missed first (a since_seq ahead of
    // the head is answered resync_required by the replay).
    const std::int64_t from = since.value_or(head);
    it->second.last = std::min(from, head);
    co_await catch_up(key, from);
  }

  asio::awaitable<void> handle(const std::string& text) {
    boost::system::error_code ec;
    json::parse_options po;
    po.max_depth = 16;
    json::value v = json::parse(text, ec, {}, po);
    if (ec || !v.is_object()) co_return send(error_message("invalid_message", "Messages are JSON objects with a \"type\"."));
    const json::object& msg = v.as_object();
    const std::string type = str(msg, "type");
    if (type == "subscribe") co_return co_await subscribe(msg);
    if (type == "unsubscribe") {
      std::pair<std::string, std::string> key{str(msg, "app_id"), str(msg, "stream_id")};
      subs.erase(key);
      co_return send({{"type", "unsubscribed"}, {"app_id", key.first}, {"stream_id", key.second}});
    }
    if (type == "ping") co_return send({{"type", "pong"}, {"t", rt.clock_.now_ms()}});
    send(error_message("unknown_type", "Unknown message type '" + type.substr(0, 32) +
                                           "'; use subscribe, unsubscribe or ping."));
  }
};

Realtime::Realtime(store::Store& store, const kernel::registry::Catalog& catalog, bus::Outbox& outbox,
                   const core::Clock& clock, RealtimeOptions options)
    : store_(store), catalog_(catalog), outbox_(outbox), clock_(clock), opt_(options) {}

Realtime::~Realtime() = default;

void Realtime::attach(bus::Bus& bus) {
  bus.subscribe([this](const bus::Event& e) { on_event(e); });
}

// The sessions of one event on one lane, walked from `next` on.
struct Realtime::Lane {
  struct Walk {
    std::vector<std::shared_ptr<Session>> sessions;
    std::size_t next = 0;
    std::shared_ptr<const Delivery> d;
  };
  explicit Lane(asio::any_io_executor ex) : ex(std::move(ex)) {}
  asio::any_io_executor ex;
  std::mutex mu;
  std::deque<Walk> pending;  // in event order
  bool scheduled = false;    // a run_lane is posted or running
};

// On the lane's executor: delivers a slice of what is pending, in event order, then posts
// itself again while more is left, so that a fan-out to thousands of sockets does not hold
// the I/O thread from everything else (HTTP requests, write completions) until it is done.
void Realtime::run_lane(const std::shared_ptr<Lane>& lane) {
  constexpr std::size_t kSlice = 256;
  std::size_t budget = kSlice;
  for (;;) {
    Lane::Walk* w;
    {
      std::lock_guard lock(lane->mu);
      if (lane->pending.empty()) {
        lane->scheduled = false;
        return;
      }
      w = &lane->pending.front();  // stays put: the producer only appends
    }
    while (w->next < w->sessions.size() && budget > 0) {
      auto& s = w->sessions[w->next++];
      s->live(w->d);
      s.reset();
      --budget;
    }
    if (w->next == w->sessions.size()) {
      std::lock_guard lock(lane->mu);
      lane->pending.pop_front();
    }
    if (budget == 0) {
      asio::post(lane->ex, [lane] { run_lane(lane); });
      return;
    }
  }
}

void Realtime::on_event(const bus::Event& event) {
  // One walk per lane (the server runs its WebSockets on a few shared strands), queued in
  // event order and walked there; sessions on an executor of their own get a post each.
  using Batch = std::vector<std::shared_ptr<Session>>;
  std::vector<std::pair<std::shared_ptr<Lane>, Batch>> batches;
  Batch single;
  {
    std::lock_guard lock(mu_);
    auto [from, to] = by_user_.equal_range(event.user_id);
    if (from == to) return;
    batches.resize(lanes_.size());
    for (std::size_t i = 0; i < lanes_.size(); ++i) batches[i].first = lanes_[i];
    for (auto it = from; it != to; ++it) {
      auto s = it->second.lock();
      if (!s) continue;
      if (s->group == kNoGroup) single.push_back(std::move(s));
      else batches[s->group].second.push_back(std::move(s));
    }
  }
  auto d = std::make_shared<const Delivery>(
      Delivery{{event.app_id, event.stream}, event.seq, std::make_shared<const std::string>(event_message(event))});
  for (auto& [lane, batch] : batches) {
    if (batch.empty()) continue;
    bool post = false;
    {
      std::lock_guard lock(lane->mu);
      lane->pending.push_back(Lane::Walk{std::move(batch), 0, d});
      post = !std::exchange(lane->scheduled, true);
    }
    if (post) asio::post(lane->ex, [lane = lane] { run_lane(lane); });
  }
  for (auto& s : single) asio::post(s->ex, [s, d] { s->live(d); });
}

std::size_t Realtime::sessions() const {
  std::lock_guard lock(mu_);
  return by_user_.size();
}

asio::awaitable<json::object> Realtime::issue_ticket(const std::string& user_id) {
  const std::string ticket = core::random_token(32);
  const std::int64_t now = clock_.now_ms();
  store::Params p{text(hash_ticket(ticket)), text(user_id), Value(now + opt_.ticket_ttl_ms)};
  co_await store_.execute("INSERT INTO ws_tickets (ticket_hash, user_id, expires_at) VALUES ($1, $2, $3)", std::move(p));
  store::Params old{Value(now)};
  co_await store_.execute("DELETE FROM ws_tickets WHERE expires_at < $1", std::move(old));
  co_return json::object{{"ticket", ticket}, {"expires_in", opt_.ticket_ttl_ms / 1000}};
}

asio::awaitable<std::optional<std::string>> Realtime::redeem(const std::string& ticket) {
  if (ticket.empty() || ticket.size() > 128) co_return std::nullopt;
  store::Params p{text(hash_ticket(ticket)), Value(clock_.now_ms())};
  auto rows = co_await store_.query(
      "DELETE FROM ws_tickets WHERE ticket_hash = $1 AND expires_at >= $2 RETURNING user_id", std::move(p));
  if (rows.empty()) co_return std::nullopt;
  std::string user = store::as_text(rows.rows[0][0]);
  store::Params u{text(user)};
  auto live = co_await store_.query("SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL", std::move(u));
  if (live.empty()) co_return std::nullopt;
  co_return user;
}

asio::awaitable<void> Realtime::serve(http::WebSocket& ws, const std::string& user_id) {
  auto ex = co_await asio::this_coro::executor;
  auto session = std::make_shared<Session>(*this, ws, user_id, ex);
  std::unordered_multimap<std::string, std::weak_ptr<Session>>::iterator entry;
  {
    std::lock_guard lock(mu_);
    auto known = std::find_if(lanes_.begin(), lanes_.end(), [&](const auto& l) { return l->ex == ex; });
    if (known != lanes_.end()) {
      session->group = static_cast<std::size_t>(known - lanes_.begin());
    } else if (lanes_.size() < kMaxGroups) {
      session->group = lanes_.size();
      lanes_.push_back(std::make_shared<Lane>(ex));
    }
    entry = by_user_.emplace(user_id, session);
  }
  try {
    while (auto text = co_await ws.receive()) co_await session->handle(*text);
  } catch (const std::exception& e) {
    core::log_event(spdlog::level::warn, "websocket session failed", {{"error", e.what()}});
  }
  session->alive = false;
  std::lock_guard lock(mu_);
  by_user_.erase(entry);
}

}  // namespace krilin::platform
