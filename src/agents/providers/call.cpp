#include "agents/providers/call.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <random>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace krilin::agents::detail {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds jittered_backoff(const RetryPolicy& p, int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  const double cap = std::min<double>(static_cast<double>(p.max_backoff.count()),
                                      static_cast<double>(p.base_backoff.count()) * std::pow(2.0, attempt - 1));
  std::uniform_real_distribution<double> dist(0.0, std::max(cap, 0.0));
  return milliseconds(static_cast<std::int64_t>(dist(rng)));
}

std::optional<double> number_of(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::int64_t> int_of(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return std::nullopt;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

std::optional<milliseconds> retry_after(const http::ClientResponse& r) {
  if (auto ms = r.header("retry-after-ms"))
    if (auto v = number_of(*ms)) return milliseconds(static_cast<std::int64_t>(std::ceil(*v)));
  if (auto s = r.header("retry-after"))
    if (auto v = number_of(*s)) return milliseconds(static_cast<std::int64_t>(std::ceil(*v * 1000)));
  return std::nullopt;
}

Error status_error(std::string_view provider, int status, std::string_view type, std::string_view message,
                   std::optional<milliseconds> retry_after, bool spend_limit) {
  const std::string who = provider == "anthropic" ? "Anthropic" : "The OpenAI-compatible endpoint";
  std::string what = who + " answered " + std::to_string(status);
  if (!type.empty()) what += " (" + std::string(type) + ")";
  if (!message.empty()) what += ": " + std::string(message);
  if (what.back() != '.') what += ".";
  Error e;
  if (status == 429) {
    e = Error{ErrorKind::rate_limited, "upstream_rate_limited", what, !spend_limit};
    if (retry_after) e.retry_after_seconds = static_cast<int>((retry_after->count() + 999) / 1000);
  } else if (status == 408 || status == 504) {
    e = Error{ErrorKind::timeout, "upstream_timeout", what, true, 5};
  } else if (status == 409 || status >= 500) {
    e = Error::unavailable("upstream_unavailable", what, 5);
    if (retry_after) e.retry_after_seconds = static_cast<int>((retry_after->count() + 999) / 1000);
  } else {
    e = Error{ErrorKind::internal, "upstream_error", what, false};
  }
  e.details = json::object{{"provider", provider}, {"status", status}, {"type", type}, {"message", message}};
  return e;
}

Error invalid_answer(std::string_view provider, std::string_view why) {
  const std::string who = provider == "anthropic" ? "Anthropic" : "The OpenAI-compatible endpoint";
  auto e = Error::unavailable("upstream_invalid", who + " sent an answer that breaks its protocol: " + std::string(why) + ".", 5);
  e.details = json::object{{"provider", provider}};
  return e;
}

asio::awaitable<ModelResponse> run_call(http::HttpClient& client, const RetryPolicy& policy,
                                        const ModelRequest& request, CallSpec spec, TextSink on_text) {
  const auto deadline = Clock::now() + request.deadline;
  const int max_attempts = std::max(1, policy.max_attempts);
  auto executor = co_await asio::this_coro::executor;
  for (int attempt = 1;; ++attempt) {
    ModelResponse out;
    out.attempts = attempt;
    auto decoder = spec.make_decoder();
    SseParser parser;
    bool body_started = false;
    std::optional<Error> stream_error;
    std::exception_ptr sink_failure;
    std::vector<SseEvent> events;

    http::StreamOptions so;
    so.connect_timeout = request.connect_timeout;
    so.idle_timeout = request.idle_timeout;
    so.deadline = deadline;
    // The idle timeout bounds the silence between two reads (HttpClient) and, here, between
    // two complete events: a peer trickling comments or half an event stays bounded too.
    auto last_event = Clock::now();
    so.on_head = [&](const http::ClientResponse&) { last_event = Clock::now(); };
    so.on_data = [&](std::string_view piece) {
      body_started = true;
      events.clear();
      const bool fits = parser.feed(piece, events);
      const auto now = Clock::now();
      if (!events.empty()) {
        last_event = now;
      } else if (now - last_event > request.idle_timeout) {
        stream_error = Error{ErrorKind::timeout, "upstream_timeout",
                             "The model provider sent no complete event within the idle timeout.", true, 5};
        return false;
      }
      for (const auto& ev : events) {
        try {
          stream_error = decoder->on_event(ev, out, on_text);
        } catch (...) {
          sink_failure = std::current_exception();  // the caller's sink threw: not ours to map
          return false;
        }
        if (stream_error || decoder->complete()) return false;
      }
      if (!fits) {
        stream_error = Error::unavailable("upstream_invalid", "The model provider sent an event larger than 1 MiB.", 5);
        return false;
      }
      return true;
    };

    std::optional<Error> failure;
    bool may_retry = false;
    std::optional<milliseconds> wait;
    std::optional<http::ClientResponse> head;
    try {
      head = co_await client.stream(spec.request, so);
    } catch (const Exception& e) {
      failure = e.error();
      may_retry = !body_started;
    } catch (const std::exception& e) {
      // Anything else from the network stack.
      failure = Error::unavailable("upstream_unavailable",
                                   std::string("The model provider cannot be reached: ") + e.what() + ".", 5);
      may_retry = !body_started;
    }
    if (sink_failure) std::rethrow_exception(sink_failure);  // the caller's own failure, not ours to map
    if (head && (head->status < 200 || head->status > 299)) {
      failure = spec.error_of(*head);
      may_retry = failure->retryable;
      if (auto h = head->header("x-should-retry")) may_retry = *h == "true" ? true : *h == "false" ? false : may_retry;
      wait = retry_after(*head);
    } else if (head && stream_error) {
      failure = std::move(stream_error);
    } else if (head) {
      failure = decoder->finish(out);
    }
    if (!failure) co_return out;
    out.error = std::move(failure);
    if (!may_retry || attempt >= max_attempts) co_return out;
    const auto pause = wait.value_or(jittered_backoff(policy, attempt));
    if (Clock::now() + pause >= deadline) co_return out;
    asio::steady_timer timer(executor, pause);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace krilin::agents::detail
