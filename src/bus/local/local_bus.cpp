#include "bus/bus.h"

namespace krilin::bus {
namespace {

class LocalBus final : public Bus {
 public:
  asio::awaitable<void> publish(const Event& event) override {
    deliver(event);
    co_return;
  }
  const char* backend_name() const override { return "local"; }
};

}  // namespace

std::unique_ptr<Bus> make_local_bus() { return std::make_unique<LocalBus>(); }

std::string Event::encode() const {
  return json::serialize(json::object{{"id", id}, {"user_id", user_id}, {"app_id", app_id}, {"stream", stream},
                                      {"seq", seq}, {"data", data}, {"created_at", created_at}});
}

std::optional<Event> Event::decode(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  auto s = [&](const char* k) -> const json::string* {
    const json::value* x = o.if_contains(k);
    return x && x->is_string() ? &x->as_string() : nullptr;
  };
  const json::value* seq = o.if_contains("seq");
  const json::value* at = o.if_contains("created_at");
  if (!s("id") || !s("user_id") || !s("app_id") || !s("stream") || !seq || !seq->is_int64() || !at || !at->is_int64() ||
      !o.contains("data"))
    return std::nullopt;
  return Event{std::string(*s("id")), std::string(*s("user_id")), std::string(*s("app_id")), std::string(*s("stream")),
               seq->as_int64(), o.at("data"), at->as_int64()};
}

}  // namespace krilin::bus
