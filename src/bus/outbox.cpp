#include "bus/outbox.h"

#include <atomic>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/ids.h"
#include "core/log.h"
#include "krilin/sdk/result.h"

namespace krilin::bus {

using store::text;
using store::Value;

namespace {

// "kout" for pg_try_advisory_xact_lock: one dispatcher at a time.
constexpr std::int64_t kDispatchLockKey = 0x6b6f7574;

constexpr const char* kColumns = "id, user_id, app_id, stream, seq, data, created_at";

Event event_of(const store::Rows& rows, std::size_t i) {
  const auto& r = rows.rows[i];
  boost::system::error_code ec;
  json::value data = json::parse(store::as_text(r[5]), ec);
  return Event{store::as_text(r[0]), store::as_text(r[1]), store::as_text(r[2]), store::as_text(r[3]),
               store::as_int(r[4]),  ec ? json::value(nullptr) : data,       store::as_int(r[6])};
}

}  // namespace

asio::awaitable<Event> append_event(store::Executor& tx, const std::string& user_id, const std::string& app_id,
                                    const std::string& stream, json::value data, std::int64_t now_ms) {
  store::Params head{text(user_id), text(app_id), text(stream)};
  auto rows = co_await tx.query(
      "INSERT INTO stream_heads (user_id, app_id, stream, seq) VALUES ($1, $2, $3, 1) "
      "ON CONFLICT (user_id, app_id, stream) DO UPDATE SET seq = stream_heads.seq + 1 RETURNING seq",
      std::move(head));
  Event e{core::new_id(), user_id, app_id, stream, store::as_int(rows.rows.at(0).at(0)), std::move(data), now_ms};
  store::Params p{text(e.id), text(user_id), text(app_id), text(stream), Value(e.seq), text(json::serialize(e.data)),
                  Value(now_ms)};
  co_await tx.execute(
      "INSERT INTO stream_events (id, user_id, app_id, stream, seq, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      std::move(p));
  co_return e;
}

struct Outbox::Impl : std::enable_shared_from_this<Impl> {
  Impl(store::Store& s, Bus& b, const core::Clock& c, OutboxOptions o) : store(s), bus(b), clock(c), opt(o) {}

  store::Store& store;
  Bus& bus;
  const core::Clock& clock;
  OutboxOptions opt;
  std::vector<Hook> hooks;
  std::unique_ptr<asio::steady_timer> wake;
  std::unique_ptr<asio::steady_timer> finished;
  std::atomic<bool> pending{false};
  std::atomic<bool> stopping{false};
  bool running = false;
  std::mutex mu;

  asio::awaitable<void> loop() {
    std::int64_t last_prune = clock.now_ms();
    while (!stopping) {
      pending = false;
      try {
        std::size_t n = co_await dispatch_once();
        if (n >= opt.batch) pending = true;  // more may be waiting
        if (clock.now_ms() - last_prune >= opt.prune_every.count()) {
          last_prune = clock.now_ms();
          co_await prune();
        }
      } catch (const std::exception& e) {
        const auto* ke = dynamic_cast<const Exception*>(&e);
        core::log_event(spdlog::level::warn, "outbox dispatch failed; will retry",
                        {{"error", ke ? ke->error().message : std::string(e.what())}});
      }
      if (stopping) break;
      if (!pending) {
        wake->expires_after(opt.poll);
        boost::system::error_code ec;
        co_await wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    running = false;
    finished->cancel();
  }

  asio::awaitable<std::size_t> dispatch_once() {
    std::vector<Event> sent;
    co_await store.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
      const bool pg = tx.dialect() == store::Dialect::postgres;
      if (pg) {
        store::Params lock{Value(kDispatchLockKey)};
        auto got = co_await tx.query("SELECT pg_try_advisory_xact_lock($1)", std::move(lock));
        if (!store::as_bool(got.rows.at(0).at(0))) co_return;  // another instance is dispatching
      }
      store::Params p{Value(static_cast<std::int64_t>(opt.batch))};
      auto rows = co_await tx.query(std::string("SELECT ") + kColumns +
                                        " FROM stream_events WHERE published_at IS NULL ORDER BY created_at, seq LIMIT $1" +
                                        (pg ? " FOR UPDATE SKIP LOCKED" : ""),
                                    std::move(p));
      const std::int64_t now = clock.now_ms();
      for (std::size_t i = 0; i < rows.size(); ++i) {
        Event e = event_of(rows, i);
        co_await bus.publish(e);  // throws: the transaction rolls back, nothing is marked
        store::Params mark{Value(now), text(e.id)};
        co_await tx.execute("UPDATE stream_events SET published_at = $1 WHERE id = $2", std::move(mark));
        sent.push_back(std::move(e));
      }
    });
    for (const auto& e : sent)
      for (const auto& hook : hooks) {
        try {
          co_await hook(e);
        } catch (const std::exception& ex) {
          const auto* ke = dynamic_cast<const Exception*>(&ex);
          core::log_event(spdlog::level::warn, "stream handler failed",
                          {{"app", e.app_id}, {"stream", e.stream}, {"seq", e.seq},
                           {"error", ke ? ke->error().message : std::string(ex.what())}});
        }
      }
    co_return sent.size();
  }

  asio::awaitable<std::int64_t> prune() {
    store::Params p{Value(clock.now_ms() - opt.retention.count())};
    co_return co_await store.execute("DELETE FROM stream_events WHERE published_at IS NOT NULL AND created_at < $1",
                                     std::move(p));
  }
};

Outbox::Outbox(store::Store& store, Bus& bus, const core::Clock& clock, OutboxOptions options)
    : impl_(std::make_shared<Impl>(store, bus, clock, options)) {}

Outbox::~Outbox() = default;

void Outbox::on_dispatched(Hook hook) { impl_->hooks.push_back(std::move(hook)); }

void Outbox::start(asio::any_io_executor executor) {
  impl_->wake = std::make_unique<asio::steady_timer>(executor);
  impl_->finished = std::make_unique<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  impl_->running = true;
  asio::co_spawn(executor, [impl = impl_]() -> asio::awaitable<void> { co_await impl->loop(); }, asio::detached);
}

asio::awaitable<void> Outbox::stop() {
  impl_->stopping = true;
  if (!impl_->wake) co_return;
  impl_->wake->cancel();
  if (impl_->running) {
    boost::system::error_code ec;
    co_await impl_->finished->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void Outbox::notify() {
  impl_->pending = true;
  if (impl_->wake) impl_->wake->cancel();
}

asio::awaitable<std::size_t> Outbox::dispatch_once() { co_return co_await impl_->dispatch_once(); }

asio::awaitable<std::int64_t> Outbox::prune() { co_return co_await impl_->prune(); }

asio::awaitable<std::int64_t> Outbox::head(const std::string& user_id, const std::string& app_id,
                                          const std::string& stream) {
  store::Params p{text(user_id), text(app_id), text(stream)};
  auto rows = co_await impl_->store.query(
      "SELECT seq FROM stream_heads WHERE user_id = $1 AND app_id = $2 AND stream = $3", std::move(p));
  co_return rows.empty() ? 0 : store::as_int(rows.rows[0][0]);
}

asio::awaitable<Replay> Outbox::replay(const std::string& user_id, const std::string& app_id,
                                       const std::string& stream, std::int64_t since_seq, std::size_t limit) {
  Replay out;
  out.head = co_await head(user_id, app_id, stream);
  if (since_seq >= out.head) {
    out.resync_required = since_seq > out.head;  // ahead of the server: the client's state is not ours
    co_return out;
  }
  store::Params p{text(user_id), text(app_id), text(stream), Value(since_seq),
                  Value(static_cast<std::int64_t>(limit))};
  auto rows = co_await impl_->store.query(std::string("SELECT ") + kColumns +
                                              " FROM stream_events WHERE user_id = $1 AND app_id = $2 AND stream = $3 "
                                              "AND seq > $4 ORDER BY seq LIMIT $5",
                                          std::move(p));
  for (std::size_t i = 0; i < rows.size(); ++i) out.events.push_back(event_of(rows, i));
  // The first event after since_seq is gone (pruned): the client cannot catch up by replay.
  if (out.events.empty() || out.events.front().seq != since_seq + 1) {
    out.resync_required = true;
    out.events.clear();
  }
  co_return out;
}

}  // namespace krilin::bus
