#include "bus/redis/client.h"

#include <hiredis/hiredis.h>

#include <boost/url/parse.hpp>

#include "core/async_pool.h"
#include "core/blocking_pool.h"

namespace krilin::bus {
namespace {

Error unavailable(std::string why) {
  return Error::unavailable("redis_unavailable", "Redis cannot be used: " + std::move(why) + ".", 2);
}

timeval to_tv(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

RedisReply convert_reply(const redisReply* r) {
  RedisReply out;
  if (!r) return out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER: out.type = RedisReply::Type::integer; out.integer = r->integer; break;
    case REDIS_REPLY_STRING: out.type = RedisReply::Type::string; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_STATUS: out.type = RedisReply::Type::status; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ERROR: out.type = RedisReply::Type::error; out.str.assign(r->str, r->len); break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert_reply(r->element[i]));
      break;
    default: break;
  }
  return out;
}

namespace {

class Connection {
 public:
  Connection(const RedisEndpoint& ep, std::chrono::milliseconds timeout) {
    ctx_ = redisConnectWithTimeout(ep.host.c_str(), ep.port, to_tv(timeout));
    if (!ctx_ || ctx_->err) {
      std::string why = ctx_ ? ctx_->errstr : "out of memory";
      if (ctx_) redisFree(ctx_);
      ctx_ = nullptr;
      throw Exception(unavailable("cannot connect to " + ep.host + ":" + std::to_string(ep.port) + " (" + why + ")"));
    }
    redisSetTimeout(ctx_, to_tv(timeout));
    if (!ep.password.empty()) expect_ok({"AUTH", ep.password});
    if (ep.db != 0) expect_ok({"SELECT", std::to_string(ep.db)});
  }
  ~Connection() {
    if (ctx_) redisFree(ctx_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const { return broken_; }

  std::vector<RedisReply> run(const std::vector<std::vector<std::string>>& commands) {
    for (const auto& cmd : commands) {
      std::vector<const char*> argv;
      std::vector<size_t> lens;
      for (const auto& a : cmd) {
        argv.push_back(a.data());
        lens.push_back(a.size());
      }
      if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) fail();
    }
    std::vector<RedisReply> out;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(ctx_, &raw) != REDIS_OK) fail();
      auto* reply = static_cast<redisReply*>(raw);
      out.push_back(convert_reply(reply));
      freeReplyObject(reply);
    }
    return out;
  }

 private:
  [[noreturn]] void fail() {
    broken_ = true;
    throw Exception(unavailable(ctx_->errstr[0] ? ctx_->errstr : "connection lost"));
  }
  void expect_ok(std::vector<std::string> cmd) {
    auto r = run({std::move(cmd)});
    if (r[0].type == RedisReply::Type::error) {
      redisFree(ctx_);
      ctx_ = nullptr;
      throw Exception(unavailable(r[0].str));
    }
  }

  redisContext* ctx_ = nullptr;
  bool broken_ = false;
};

}  // namespace

Result<RedisEndpoint> parse_redis_url(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  if (!u || u->scheme() != "redis" || u->host().empty())
    return Error::invalid("invalid_redis_url", "The Redis URL must look like redis://[:password@]host[:port][/db].");
  RedisEndpoint ep;
  ep.host = std::string(u->host());
  if (u->has_port()) ep.port = static_cast<int>(u->port_number());
  if (u->has_password()) ep.password = std::string(u->password());
  std::string path(u->path());
  if (path.size() > 1) {
    try {
      ep.db = std::stoi(path.substr(1));
    } catch (const std::exception&) {
      return Error::invalid("invalid_redis_url", "The Redis database in the URL must be a number.");
    }
  }
  return ep;
}

struct RedisClient::Impl {
  Options options;
  core::BlockingPool& pool;
  RedisEndpoint endpoint;
  core::AsyncPool<Connection> connections;

  Impl(Options o, core::BlockingPool& p, RedisEndpoint ep)
      : options(std::move(o)),
        pool(p),
        endpoint(std::move(ep)),
        connections(options.pool_size, [this]() -> asio::awaitable<std::unique_ptr<Connection>> {
          co_return co_await pool.run([this] { return std::make_unique<Connection>(endpoint, options.timeout); });
        }) {}
};

RedisClient::RedisClient(Options options, core::BlockingPool& pool) {
  auto ep = parse_redis_url(options.url);
  if (!ep) throw Exception(ep.error());
  impl_ = std::make_unique<Impl>(std::move(options), pool, *ep);
}

RedisClient::~RedisClient() = default;

asio::awaitable<std::vector<RedisReply>> RedisClient::pipeline(std::vector<std::vector<std::string>> commands) {
  auto lease = co_await impl_->connections.acquire(impl_->options.pool_wait);
  Connection& conn = *lease;
  std::exception_ptr failed;
  try {
    co_return co_await impl_->pool.run([&] { return conn.run(commands); });
  } catch (...) {
    failed = std::current_exception();
  }
  if (conn.broken()) lease.discard();
  std::rethrow_exception(failed);
}

asio::awaitable<bool> RedisClient::ping() {
  try {
    std::vector<std::vector<std::string>> cmd{{"PING"}};
    auto r = co_await pipeline(std::move(cmd));
    co_return r[0].type == RedisReply::Type::status && r[0].str == "PONG";
  } catch (const Exception&) {
    co_return false;
  }
}

}  // namespace krilin::bus
