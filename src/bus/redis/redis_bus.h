#pragma once
// The Redis backend of the event bus (scale-out): events are PUBLISHed on one channel and
// every instance SUBSCRIBEs to it, through hiredis's async API driven by the io_context
// (socket readiness through Asio; hiredis 0.14 has no timer hook, so deadlines are Asio
// timers). Two connections per instance — one subscribed, one publishing — on one strand.
// A dropped connection is reopened with backoff (0.1 s doubling to 5 s) and resubscribed;
// while the subscriber is down this instance misses live events, which its consumers fill
// from the outbox when the next event shows the gap. publish() throws unavailable
// `redis_unavailable` when the publisher is down or Redis does not answer within `timeout`.
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "bus/bus.h"

namespace krilin::bus {

struct RedisBusOptions {
  std::string url;                          // redis://[:password@]host[:port][/db]
  std::string channel = "krilin:events";
  std::chrono::milliseconds timeout{2000};
};

std::unique_ptr<Bus> make_redis_bus(RedisBusOptions options, asio::any_io_executor executor);

}  // namespace krilin::bus
