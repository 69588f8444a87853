#pragma once
// RedisClient: a bounded pool of hiredis connections used from coroutines. Each call runs
// its commands as one pipeline on one connection, on the blocking pool (hiredis's
// synchronous API with connect and socket timeouts), so an I/O thread never waits on Redis.
// Failures (unreachable, timeout, protocol error) throw unavailable `redis_unavailable`;
// the broken connection is dropped and the next call makes a fresh one.
//
// (The event bus's subscriptions use hiredis's async API on the io_context instead:
// redis_bus.h.)
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "krilin/sdk/result.h"

struct redisReply;

namespace krilin::core {
class BlockingPool;
}

namespace krilin::bus {

namespace asio = boost::asio;

struct RedisReply {
  enum class Type { nil, integer, string, array, status, error } type = Type::nil;
  std::int64_t integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;
};
// redis://[:password@]host[:port][/db]
Result<RedisEndpoint> parse_redis_url(const std::string& url);
// hiredis's reply as a value (null → nil).
RedisReply convert_reply(const ::redisReply* reply);

class RedisClient {
 public:
  struct Options {
    std::string url;
    std::size_t pool_size = 4;
    std::chrono::milliseconds timeout{2000};    // connect and each socket operation
    std::chrono::milliseconds pool_wait{2000};
  };
  RedisClient(Options options, core::BlockingPool& pool);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  asio::awaitable<std::vector<RedisReply>> pipeline(std::vector<std::vector<std::string>> commands);
  asio::awaitable<bool> ping();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace krilin::bus
