#pragma once
// Clock: the time everything above core asks for. SystemClock in production; tests use
// FakeClock and move it by hand. Thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace krilin::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t ms) { now_.fetch_add(ms); }
  void set_ms(std::int64_t ms) { now_.store(ms); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace krilin::core
