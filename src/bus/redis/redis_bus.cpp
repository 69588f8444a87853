#include "bus/redis/redis_bus.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <deque>
#include <functional>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bus/redis/client.h"
#include "core/log.h"
#include "krilin/sdk/result.h"

namespace krilin::bus {
namespace {

using Strand = asio::strand<asio::any_io_executor>;

Error unavailable(std::string why) {
  return Error::unavailable("redis_unavailable", "Redis cannot be used: " + std::move(why) + ".", 2);
}

// One hiredis async connection, driven on `strand`. Every member runs on the strand.
class AsyncConn : public std::enable_shared_from_this<AsyncConn> {
 public:
  using ReplyFn = std::function<void(const redisReply*)>;  // null: the connection failed

  AsyncConn(Strand strand, RedisEndpoint ep, std::function<void()> on_down)
      : strand_(strand), ep_(std::move(ep)), on_down_(std::move(on_down)), sd_(strand) {}
  ~AsyncConn() { close(); }

  // Starts connecting; false when hiredis cannot even start.
  bool open() {
    ac_ = redisAsyncConnect(ep_.host.c_str(), ep_.port);
    if (!ac_ || ac_->err) {
      if (ac_) redisAsyncFree(ac_);
      ac_ = nullptr;
      return false;
    }
    ac_->data = this;
    ac_->ev.data = this;
    ac_->ev.addRead = [](void* p) { static_cast<AsyncConn*>(p)->want(true, true); };
    ac_->ev.delRead = [](void* p) { static_cast<AsyncConn*>(p)->want(true, false); };
    ac_->ev.addWrite = [](void* p) { static_cast<AsyncConn*>(p)->want(false, true); };
    ac_->ev.delWrite = [](void* p) { static_cast<AsyncConn*>(p)->want(false, false); };
    // hiredis closes the descriptor itself: release it from Asio first.
    ac_->ev.cleanup = [](void* p) { static_cast<AsyncConn*>(p)->cleanup(); };
    sd_.assign(ac_->c.fd);  // before the connect callback: setting it asks for a write event
    redisAsyncSetConnectCallback(ac_, [](const redisAsyncContext* c, int status) {
      auto* self = static_cast<AsyncConn*>(c->data);
      if (status != REDIS_OK) {
        self->ac_ = nullptr;  // hiredis frees a context that failed to connect
        self->down();
      }
    });
    redisAsyncSetDisconnectCallback(ac_, [](const redisAsyncContext* c, int) {
      auto* self = static_cast<AsyncConn*>(c->data);
      self->ac_ = nullptr;  // hiredis frees the context after this callback
      self->down();
    });
    if (!ep_.password.empty()) command({"AUTH", ep_.password}, [](const redisReply*) {});
    return true;
  }

  // Sends a command; `fn` runs with the reply, or with null when the connection fails.
  // Subscriptions call `fn` for every message.
  bool command(const std::vector<std::string>& args, ReplyFn fn) {
    if (!ac_) return false;
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* holder = new ReplyFn(std::move(fn));
    const bool subscribe = !args.empty() && args[0] == "SUBSCRIBE";
    if (subscribe) subscription_ = holder;
    int rc = redisAsyncCommandArgv(
        ac_,
        [](redisAsyncContext* c, void* reply, void* priv) {
          auto* f = static_cast<ReplyFn*>(priv);
          auto* self = static_cast<AsyncConn*>(c->data);
          (*f)(static_cast<redisReply*>(reply));
          // Subscription callbacks stay for the connection's life; others fire once.
          if (!self || f != self->subscription_) delete f;
        },
        holder, static_cast<int>(argv.size()), argv.data(), lens.data());
    if (rc != REDIS_OK) {
      if (subscribe) subscription_ = nullptr;
      delete holder;
      return false;
    }
    return true;
  }

  void close() {
    if (ac_) {
      redisAsyncContext* c = ac_;
      redisAsyncDisconnect(c);  // runs pending callbacks with null, then the disconnect callback
    }
    if (sd_.is_open()) sd_.release();
    delete subscription_;
    subscription_ = nullptr;
    closed_ = true;
  }

  bool up() const { return ac_ != nullptr; }

 private:
  void want(bool read, bool on) {
    bool& flag = read ? want_read_ : want_write_;
    flag = on;
    if (on) arm(read);
  }

  void arm(bool read) {
    bool& busy = read ? reading_ : writing_;
    if (busy || !sd_.is_open()) return;
    busy = true;
    auto self = shared_from_this();
    sd_.async_wait(read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write,
                   asio::bind_executor(strand_, [self, read](boost::system::error_code ec) {
                     (read ? self->reading_ : self->writing_) = false;
                     if (ec || !self->ac_) return;
                     if (read && self->want_read_) redisAsyncHandleRead(self->ac_);
                     if (!read && self->want_write_) redisAsyncHandleWrite(self->ac_);
                     if (self->ac_ && (read ? self->want_read_ : self->want_write_)) self->arm(read);
                   }));
  }

  // hiredis is freeing the context (always called, whatever the reason).
  void cleanup() {
    ac_ = nullptr;
    want_read_ = want_write_ = false;
    if (sd_.is_open()) {
      boost::system::error_code ec;
      sd_.cancel(ec);
      sd_.release();
    }
  }

  void down() {
    if (closed_) return;
    closed_ = true;
    if (on_down_) asio::post(strand_, on_down_);
  }

  Strand strand_;
  RedisEndpoint ep_;
  std::function<void()> on_down_;
  asio::posix::stream_descriptor sd_;
  redisAsyncContext* ac_ = nullptr;
  ReplyFn* subscription_ = nullptr;
  bool want_read_ = false, want_write_ = false, reading_ = false, writing_ = false, closed_ = false;
};

class RedisBus final : public Bus {
 public:
  RedisBus(RedisBusOptions o, asio::any_io_executor ex) : opt_(std::move(o)), strand_(asio::make_strand(ex)) {
    ep_ = parse_redis_url(opt_.url).value();
  }

  void start() override {
    asio::dispatch(strand_, [this] {
      connect_publisher();
      connect_subscriber();
    });
  }

  asio::awaitable<void> stop() override {
    // Everything that touches the connections runs on the strand.
    co_await asio::co_spawn(strand_, [this]() -> asio::awaitable<void> {
      stopping_ = true;
      if (pub_) pub_->close();
      if (sub_) sub_->close();
      pub_.reset();
      sub_.reset();
      if (retry_) retry_->cancel();
      co_return;
    }, asio::use_awaitable);
  }

  asio::awaitable<void> publish(const Event& event) override {
    std::string payload = event.encode();
    co_await asio::co_spawn(strand_, publish_on_strand(std::move(payload)), asio::use_awaitable);
  }

  asio::awaitable<void> publish_on_strand(std::string payload) {
    if (!pub_ || !pub_->up()) throw Exception(unavailable("not connected"));
    // The reply completes a timer-based latch; the timer is the deadline too.
    auto latch = std::make_shared<asio::steady_timer>(strand_);
    auto result = std::make_shared<std::optional<bool>>();
    latch->expires_after(opt_.timeout);
    std::vector<std::string> args{"PUBLISH", opt_.channel, std::move(payload)};
    bool sent = pub_->command(args, [latch, result](const redisReply* r) {
      *result = r && r->type != REDIS_REPLY_ERROR;
      latch->cancel();
    });
    if (!sent) throw Exception(unavailable("the command could not be sent"));
    boost::system::error_code ec;
    co_await latch->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!result->has_value()) {
      if (pub_) pub_->close();  // a connection that does not answer in time is dropped
      throw Exception(unavailable("PUBLISH timed out"));
    }
    if (!**result) throw Exception(unavailable("PUBLISH failed"));
  }

  const char* backend_name() const override { return "redis"; }

 private:
  void connect_publisher() {
    if (stopping_) return;
    pub_ = std::make_shared<AsyncConn>(strand_, ep_, [this] { reconnect(); });
    if (!pub_->open()) reconnect();
  }

  void connect_subscriber() {
    if (stopping_) return;
    sub_ = std::make_shared<AsyncConn>(strand_, ep_, [this] { reconnect(); });
    if (!sub_->open()) {
      reconnect();
      return;
    }
    std::vector<std::string> args{"SUBSCRIBE", opt_.channel};
    sub_->command(args, [this](const redisReply* r) {
      // ["message", channel, payload] for each event; ["subscribe", channel, n] first.
      if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
      if (std::string_view(r->element[0]->str, r->element[0]->len) != "message") {
        backoff_ = std::chrono::milliseconds(100);  // subscribed: the connection is healthy
        return;
      }
      auto event = Event::decode(std::string_view(r->element[2]->str, r->element[2]->len));
      if (event) deliver(*event);
    });
  }

  // Either connection went down: reopen both that are down, after a growing pause.
  void reconnect() {
    if (stopping_ || retry_pending_) return;
    retry_pending_ = true;
    core::log_event(spdlog::level::warn, "redis bus connection lost; reconnecting",
                    {{"in_ms", static_cast<std::int64_t>(backoff_.count())}});
    retry_ = std::make_shared<asio::steady_timer>(strand_);
    retry_->expires_after(backoff_);
    backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(5000));
    retry_->async_wait(asio::bind_executor(strand_, [this](boost::system::error_code ec) {
      retry_pending_ = false;
      if (ec || stopping_) return;
      if (!pub_ || !pub_->up()) connect_publisher();
      if (!sub_ || !sub_->up()) connect_subscriber();
    }));
  }

  RedisBusOptions opt_;
  RedisEndpoint ep_;
  Strand strand_;
  std::shared_ptr<AsyncConn> pub_, sub_;
  std::shared_ptr<asio::steady_timer> retry_;
  std::chrono::milliseconds backoff_{100};
  bool stopping_ = false, retry_pending_ = false;
};

}  // namespace

std::unique_ptr<Bus> make_redis_bus(RedisBusOptions options, asio::any_io_executor executor) {
  return std::make_unique<RedisBus>(std::move(options), executor);
}

}  // namespace krilin::bus
