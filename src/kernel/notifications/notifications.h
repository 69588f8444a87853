#pragma once
// Notifications (DESIGN.md §8): what apps tell a user, stored per user, pushed live.
//
// An app sends (now) or schedules (at an instant) a notification {title, body, link?,
// priority: low | normal | high}. It is delivered when due: marked delivered and, unless
// the user muted the app, pushed on the user's platform stream ("system" / "notifications")
// through the outbox — in the same transaction, so a delivered notification is pushed at
// least once and a rolled-back one never. Scheduled ones are delivered by a loop
// (deliver_due) that, on PostgreSQL, claims rows with FOR UPDATE SKIP LOCKED so that one
// instance delivers each.
//
// Reading: only delivered notifications are listed, newest first, paged; mark read, mark
// all read, delete. Another user's id is not found, like an unknown one.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/clock.h"
#include "krilin/sdk/json.h"
#include "krilin/sdk/result.h"
#include "store/store.h"

namespace krilin::kernel::notifications {

namespace asio = boost::asio;

inline constexpr const char* kSystemApp = "system";
inline constexpr const char* kStream = "notifications";

struct Draft {
  std::string title, body, link;
  std::string priority = "normal";
};

// invalid_input `invalid_notification` naming the field: title 1–200 characters, body ≤ 2000,
// link ≤ 2000 and a relative path or http(s) URL, priority low | normal | high.
Result<Draft> check_draft(const json::value& v);

struct Page {
  json::array items;  // {id, app_id, title, body, link, priority, delivered_at, read_at, created_at}
  std::int64_t unread = 0;
  std::optional<std::string> next_cursor;
};

class Notifications {
 public:
  Notifications(store::Store& store, const core::Clock& clock) : store_(store), clock_(clock) {}

  // In the caller's transaction (an action's): stores it, and when due now delivers it.
  // Answers {id, deliver_at, delivered}. `on_pushed` is set true when an event was appended.
  static asio::awaitable<json::object> add(store::Executor& tx, const std::string& user_id, const std::string& app_id,
                                           const Draft& draft, std::int64_t deliver_at, std::int64_t now_ms,
                                           bool& pushed);
  // Delivers what is due (scheduled notifications); answers how many; `pushed` as above.
  asio::awaitable<std::size_t> deliver_due(bool& pushed);
  // Runs deliver_due every `every` until stop(); `on_pushed` after a pass that pushed.
  void start(asio::any_io_executor executor, std::chrono::milliseconds every, std::function<void()> on_pushed);
  asio::awaitable<void> stop();

  asio::awaitable<Page> list(const std::string& user_id, bool unread_only, std::optional<std::string> cursor,
                             std::size_t limit);
  asio::awaitable<void> mark_read(const std::string& user_id, const std::string& id);
  asio::awaitable<std::int64_t> mark_all_read(const std::string& user_id);
  asio::awaitable<void> remove(const std::string& user_id, const std::string& id);
  asio::awaitable<std::vector<std::string>> mutes(const std::string& user_id);
  asio::awaitable<void> set_muted(const std::string& user_id, const std::string& app_id, bool muted);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  struct Loop;
  std::shared_ptr<Loop> loop_;
};

}  // namespace krilin::kernel::notifications
