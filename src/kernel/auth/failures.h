#pragma once
// Where failed sign-in attempts are counted (per account, per client address, per MFA
// challenge): in the database (embedded mode, and scale-out without Redis) or in Redis
// when it is configured (sorted sets with an expiry, so nothing accumulates). Both keep a
// sliding window: each failure is one timestamp, counts look back `window`.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

namespace krilin::store {
class Store;
}
namespace krilin::bus {
class RedisClient;
}

namespace krilin::kernel::auth {

struct FailureCount {
  std::int64_t n = 0;
  std::int64_t oldest_ms = 0;  // the oldest failure inside the window (when n > 0)
};

class FailureCounter {
 public:
  virtual ~FailureCounter() = default;
  // One count per subject, over failures later than `since_ms`.
  virtual boost::asio::awaitable<std::vector<FailureCount>> counts(std::vector<std::string> subjects,
                                                                   std::int64_t since_ms) = 0;
  virtual boost::asio::awaitable<void> add(std::vector<std::string> subjects, std::int64_t now_ms,
                                           std::int64_t window_ms) = 0;
  virtual boost::asio::awaitable<void> clear(std::vector<std::string> subjects) = 0;
};

std::unique_ptr<FailureCounter> database_failure_counter(store::Store& store);
std::unique_ptr<FailureCounter> redis_failure_counter(bus::RedisClient& redis);

}  // namespace krilin::kernel::auth
