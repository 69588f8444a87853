#include "kernel/notifications/notifications.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bus/outbox.h"
#include "core/ids.h"
#include "core/log.h"

namespace krilin::kernel::notifications {

using store::text;
using store::Value;

namespace {

Error bad(std::string message) { return Error::invalid("invalid_notification", std::move(message)); }

Error not_found() { return Error::not_found("notification_not_found", "There is no such notification."); }

json::object item_of(const store::Rows& rows, std::size_t i) {
  const auto& r = rows.rows[i];
  auto opt_int = [](const Value& v) { return store::is_null(v) ? json::value(nullptr) : json::value(store::as_int(v)); };
  return {{"id", store::as_text(r[0])},        {"app_id", store::as_text(r[1])},
          {"title", store::as_text(r[2])},     {"body", store::as_text(r[3])},
          {"link", store::is_null(r[4]) ? json::value(nullptr) : json::value(store::as_text(r[4]))},
          {"priority", store::as_text(r[5])},  {"delivered_at", opt_int(r[6])},
          {"read_at", opt_int(r[7])},          {"created_at", store::as_int(r[8])}};
}

constexpr const char* kColumns = "id, app_id, title, body, link, priority, delivered_at, read_at, created_at";

// Marks one notification delivered and, unless its app is muted, pushes it.
asio::awaitable<void> deliver(store::Executor& tx, const std::string& user_id, const json::object& item,
                              std::int64_t now, bool& pushed) {
  store::Params mark{Value(now), text(std::string(item.at("id").as_string()))};
  co_await tx.execute("UPDATE notifications SET delivered_at = $1 WHERE id = $2 AND delivered_at IS NULL", std::move(mark));
  store::Params m{text(user_id), text(std::string(item.at("app_id").as_string()))};
  auto muted = co_await tx.query("SELECT 1 FROM notification_mutes WHERE user_id = $1 AND app_id = $2", std::move(m));
  if (!muted.empty()) co_return;
  json::object data = item;
  data["delivered_at"] = now;
  co_await bus::append_event(tx, user_id, kSystemApp, kStream, std::move(data), now);
  pushed = true;
}

}  // namespace

Result<Draft> check_draft(const json::value& v) {
  if (!v.is_object()) return bad("A notification is an object {title, body, link?, priority?}.");
  const json::object& o = v.as_object();
  for (const auto& [k, _] : o)
    if (k != "title" && k != "body" && k != "link" && k != "priority")
      return bad("Unknown field '" + std::string(k).substr(0, 32) + "'; use title, body, link and priority.");
  auto s = [&](const char* k) -> std::optional<std::string> {
    const json::value* x = o.if_contains(k);
    if (!x || x->is_null()) return std::string();
    if (!x->is_string()) return std::nullopt;
    return std::string(x->as_string());
  };
  Draft d;
  auto title = s("title"), body = s("body"), link = s("link"), priority = s("priority");
  if (!title || title->empty() || title->size() > 200) return bad("title: 1 to 200 characters.");
  if (!body || body->size() > 2000) return bad("body: at most 2000 characters.");
  if (!link || link->size() > 2000) return bad("link: at most 2000 characters.");
  if (!link->empty() && link->front() != '/' && link->rfind("https://", 0) != 0 && link->rfind("http://", 0) != 0)
    return bad("link: a path in the desktop (/apps/…) or an http(s) URL.");
  if (!priority) return bad("priority: low, normal or high.");
  if (priority->empty()) *priority = "normal";
  if (*priority != "low" && *priority != "normal" && *priority != "high") return bad("priority: low, normal or high.");
  d.title = *title;
  d.body = *body;
  d.link = *link;
  d.priority = *priority;
  return d;
}

asio::awaitable<json::object> Notifications::add(store::Executor& tx, const std::string& user_id,
                                                 const std::string& app_id, const Draft& draft, std::int64_t deliver_at,
                                                 std::int64_t now_ms, bool& pushed) {
  const std::string id = core::new_id();
  store::Params p{text(id),         text(user_id),        text(app_id),   text(draft.title), text(draft.body),
                  draft.link.empty() ? Value(nullptr) : text(draft.link), text(draft.priority), Value(deliver_at),
                  Value(now_ms)};
  co_await tx.execute(
      "INSERT INTO notifications (id, user_id, app_id, title, body, link, priority, deliver_at, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      std::move(p));
  const bool now = deliver_at <= now_ms;
  if (now) {
    json::object item{{"id", id},
                      {"app_id", app_id},
                      {"title", draft.title},
                      {"body", draft.body},
                      {"link", draft.link.empty() ? json::value(nullptr) : json::value(draft.link)},
                      {"priority", draft.priority},
                      {"delivered_at", now_ms},
                      {"read_at", nullptr},
                      {"created_at", now_ms}};
    co_await deliver(tx, user_id, item, now_ms, pushed);
  }
  co_return json::object{{"id", id}, {"deliver_at", deliver_at}, {"delivered", now}};
}

asio::awaitable<std::size_t> Notifications::deliver_due(bool& pushed) {
  std::size_t n = 0;
  co_await store_.transaction([&](store::Transaction& tx) -> asio::awaitable<void> {
    const std::int64_t now = clock_.now_ms();
    store::Params p{Value(now)};
    auto rows = co_await tx.query(
        std::string("SELECT ") + kColumns + ", user_id FROM notifications WHERE delivered_at IS NULL AND deliver_at <= $1 "
            "ORDER BY deliver_at LIMIT 200" + (tx.dialect() == store::Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : ""),
        std::move(p));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      json::object item = item_of(rows, i);
      co_await deliver(tx, store::as_text(rows.rows[i][9]), item, now, pushed);
      ++n;
    }
  });
  co_return n;
}

struct Notifications::Loop {
  explicit Loop(asio::any_io_executor ex) : timer(ex), done(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer, done;
  bool stopping = false, running = false;
};

void Notifications::start(asio::any_io_executor executor, std::chrono::milliseconds every,
                          std::function<void()> on_pushed) {
  loop_ = std::make_shared<Loop>(executor);
  loop_->running = true;
  asio::co_spawn(executor, [this, loop = loop_, every, on_pushed]() -> asio::awaitable<void> {
    while (!loop->stopping) {
      try {
        bool pushed = false;
        co_await deliver_due(pushed);
        if (pushed && on_pushed) on_pushed();
      } catch (const std::exception& e) {
        core::log_event(spdlog::level::warn, "notification delivery failed; will retry", {{"error", e.what()}});
      }
      loop->timer.expires_after(every);
      boost::system::error_code ec;
      co_await loop->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    loop->running = false;
    loop->done.cancel();
  }, asio::detached);
}

asio::awaitable<void> Notifications::stop() {
  if (!loop_) co_return;
  loop_->stopping = true;
  loop_->timer.cancel();
  if (loop_->running) {
    boost::system::error_code ec;
    co_await loop_->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<Page> Notifications::list(const std::string& user_id, bool unread_only, std::optional<std::string> cursor,
                                          std::size_t limit) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM notifications WHERE user_id = $1 AND delivered_at IS NOT NULL";
  if (unread_only) sql += " AND read_at IS NULL";
  store::Params p{text(user_id)};
  if (cursor) {
    p.emplace_back(std::in_place_type<std::string>, *cursor);
    sql += " AND id < $2";
  }
  p.emplace_back(std::in_place_type<std::int64_t>, static_cast<std::int64_t>(limit + 1));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(p.size());
  auto rows = co_await store_.query(std::move(sql), std::move(p));
  Page page;
  const std::size_t n = std::min(rows.size(), limit);
  for (std::size_t i = 0; i < n; ++i) page.items.push_back(item_of(rows, i));
  if (rows.size() > limit && n > 0) page.next_cursor = store::as_text(rows.rows[n - 1][0]);
  store::Params u{text(user_id)};
  auto unread = co_await store_.query(
      "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND delivered_at IS NOT NULL AND read_at IS NULL", std::move(u));
  page.unread = store::as_int(unread.rows.at(0).at(0));
  co_return page;
}

asio::awaitable<void> Notifications::mark_read(const std::string& user_id, const std::string& id) {
  store::Params p{Value(clock_.now_ms()), text(id), text(user_id)};
  auto n = co_await store_.execute(
      "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND user_id = $3 AND delivered_at IS NOT NULL",
      std::move(p));
  if (n == 0) throw Exception(not_found());
}

asio::awaitable<std::int64_t> Notifications::mark_all_read(const std::string& user_id) {
  store::Params p{Value(clock_.now_ms()), text(user_id)};
  co_return co_await store_.execute(
      "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND delivered_at IS NOT NULL AND read_at IS NULL",
      std::move(p));
}

asio::awaitable<void> Notifications::remove(const std::string& user_id, const std::string& id) {
  store::Params p{text(id), text(user_id)};
  auto n = co_await store_.execute("DELETE FROM notifications WHERE id = $1 AND user_id = $2", std::move(p));
  if (n == 0) throw Exception(not_found());
}

asio::awaitable<std::vector<std::string>> Notifications::mutes(const std::string& user_id) {
  store::Params p{text(user_id)};
  auto rows = co_await store_.query("SELECT app_id FROM notification_mutes WHERE user_id = $1 ORDER BY app_id", std::move(p));
  std::vector<std::string> out;
  for (const auto& r : rows.rows) out.push_back(store::as_text(r[0]));
  co_return out;
}

asio::awaitable<void> Notifications::set_muted(const std::string& user_id, const std::string& app_id, bool muted) {
  if (muted) {
    store::Params p{text(user_id), text(app_id), Value(clock_.now_ms())};
    co_await store_.execute(
        "INSERT INTO notification_mutes (user_id, app_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        std::move(p));
  } else {
    store::Params p{text(user_id), text(app_id)};
    co_await store_.execute("DELETE FROM notification_mutes WHERE user_id = $1 AND app_id = $2", std::move(p));
  }
}

}  // namespace krilin::kernel::notifications
