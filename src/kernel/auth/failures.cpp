#include "kernel/auth/failures.h"

#include "bus/redis/client.h"
#include "core/ids.h"
#include "store/store.h"

namespace krilin::kernel::auth {
namespace {

namespace asio = boost::asio;

class DatabaseCounter final : public FailureCounter {
 public:
  explicit DatabaseCounter(store::Store& store) : store_(store) {}

  asio::awaitable<std::vector<FailureCount>> counts(std::vector<std::string> subjects, std::int64_t since_ms) override {
    std::vector<FailureCount> out;
    for (const auto& s : subjects) {
      store::Params p{store::text(s), store::Value(since_ms)};
      auto rows = co_await store_.query(
          "SELECT count(*) AS n, min(at) AS oldest FROM auth_failures WHERE subject = $1 AND at > $2", std::move(p));
      FailureCount c;
      c.n = store::as_int(rows.at(0, "n"));
      if (c.n > 0) c.oldest_ms = store::as_int(rows.at(0, "oldest"));
      out.push_back(c);
    }
    co_return out;
  }

  asio::awaitable<void> add(std::vector<std::string> subjects, std::int64_t now_ms, std::int64_t window_ms) override {
    std::vector<store::Statement> batch;
    for (const auto& s : subjects) {
      batch.push_back({"DELETE FROM auth_failures WHERE subject = $1 AND at <= $2",
                       {store::text(s), store::Value(now_ms - window_ms)}});
      batch.push_back({"INSERT INTO auth_failures (subject, at) VALUES ($1, $2)", {store::text(s), store::Value(now_ms)}});
    }
    co_await store_.batch(std::move(batch));
  }

  asio::awaitable<void> clear(std::vector<std::string> subjects) override {
    std::vector<store::Statement> batch;
    for (const auto& s : subjects) batch.push_back({"DELETE FROM auth_failures WHERE subject = $1", {store::text(s)}});
    co_await store_.batch(std::move(batch));
  }

 private:
  store::Store& store_;
};

class RedisCounter final : public FailureCounter {
 public:
  explicit RedisCounter(bus::RedisClient& redis) : redis_(redis) {}

  static std::string key(const std::string& subject) { return "krilin:auth_failures:" + subject; }

  asio::awaitable<std::vector<FailureCount>> counts(std::vector<std::string> subjects, std::int64_t since_ms) override {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& s : subjects) {
      cmds.push_back({"ZCOUNT", key(s), "(" + std::to_string(since_ms), "+inf"});
      cmds.push_back({"ZRANGEBYSCORE", key(s), "(" + std::to_string(since_ms), "+inf", "WITHSCORES", "LIMIT", "0", "1"});
    }
    auto replies = co_await redis_.pipeline(std::move(cmds));
    std::vector<FailureCount> out;
    for (std::size_t i = 0; i < subjects.size(); ++i) {
      FailureCount c;
      c.n = replies[2 * i].integer;
      const auto& first = replies[2 * i + 1];
      if (first.elements.size() == 2) c.oldest_ms = std::stoll(first.elements[1].str);
      out.push_back(c);
    }
    co_return out;
  }

  asio::awaitable<void> add(std::vector<std::string> subjects, std::int64_t now_ms, std::int64_t window_ms) override {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& s : subjects) {
      cmds.push_back({"ZREMRANGEBYSCORE", key(s), "-inf", std::to_string(now_ms - window_ms)});
      cmds.push_back({"ZADD", key(s), std::to_string(now_ms), std::to_string(now_ms) + "-" + core::random_hex(4)});
      cmds.push_back({"PEXPIRE", key(s), std::to_string(window_ms)});
    }
    co_await redis_.pipeline(std::move(cmds));
  }

  asio::awaitable<void> clear(std::vector<std::string> subjects) override {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& s : subjects) cmds.push_back({"DEL", key(s)});
    co_await redis_.pipeline(std::move(cmds));
  }

 private:
  bus::RedisClient& redis_;
};

}  // namespace

std::unique_ptr<FailureCounter> database_failure_counter(store::Store& store) {
  return std::make_unique<DatabaseCounter>(store);
}
std::unique_ptr<FailureCounter> redis_failure_counter(bus::RedisClient& redis) {
  return std::make_unique<RedisCounter>(redis);
}

}  // namespace krilin::kernel::auth
