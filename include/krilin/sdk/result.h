#pragma once
// Error and Result<T>: how every layer (and every app) reports an expected failure.
//
// An Error carries a kind (which decides the HTTP status, in exactly one table:
// http_status()), a snake_case machine code, a human sentence, and whether retrying may
// help. Expected outcomes travel as Result<T> values; where a failure must cross a
// coroutine boundary it is thrown as krilin::Exception and caught once, at the edge,
// where it is rendered as the error envelope:
//   {"error":{"code":"...","message":"...","retryable":false, "app_id"?, "details"?}}
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "krilin/sdk/json.h"

namespace krilin {

enum class ErrorKind {
  invalid_input,          // 400
  unauthenticated,        // 401
  forbidden,              // 403
  not_found,              // 404
  method_not_allowed,     // 405
  request_timeout,        // 408
  conflict,               // 409
  gone,                   // 410
  precondition_failed,    // 412
  payload_too_large,      // 413
  unsupported_media_type, // 415
  unprocessable,          // 422
  rate_limited,           // 429
  header_too_large,       // 431
  internal,               // 500
  unavailable,            // 503
  timeout,                // 504
};

// The single mapping from error kind to HTTP status.
constexpr int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return 400;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::forbidden: return 403;
    case ErrorKind::not_found: return 404;
    case ErrorKind::method_not_allowed: return 405;
    case ErrorKind::request_timeout: return 408;
    case ErrorKind::conflict: return 409;
    case ErrorKind::gone: return 410;
    case ErrorKind::precondition_failed: return 412;
    case ErrorKind::payload_too_large: return 413;
    case ErrorKind::unsupported_media_type: return 415;
    case ErrorKind::unprocessable: return 422;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::header_too_large: return 431;
    case ErrorKind::internal: return 500;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::timeout: return 504;
  }
  return 500;
}

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string code;     // snake_case, stable, for machines
  std::string message;  // one human sentence, for people
  bool retryable = false;
  std::optional<int> retry_after_seconds;  // sent as Retry-After when set
  std::optional<std::string> app_id;       // the app the failure came from, when one did
  json::value details;                     // machine-readable specifics (null: none)

  static Error invalid(std::string code, std::string message) {
    return {ErrorKind::invalid_input, std::move(code), std::move(message)};
  }
  static Error not_found(std::string code, std::string message) {
    return {ErrorKind::not_found, std::move(code), std::move(message)};
  }
  static Error conflict(std::string code, std::string message) {
    return {ErrorKind::conflict, std::move(code), std::move(message)};
  }
  static Error unavailable(std::string code, std::string message, int retry_after = 1) {
    return {ErrorKind::unavailable, std::move(code), std::move(message), true, retry_after};
  }
  static Error forbidden(std::string code, std::string message) {
    return {ErrorKind::forbidden, std::move(code), std::move(message)};
  }
  static Error internal(std::string message) {
    return {ErrorKind::internal, "internal_error", std::move(message)};
  }
};

// An Error thrown across coroutine frames; caught once at the edge.
class Exception : public std::exception {
 public:
  explicit Exception(Error error) : error_(std::move(error)) {}
  const Error& error() const noexcept { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  Error error_;
};

// A value or an Error. Accessing value() of a failed Result throws its Error as an
// Exception, so `co_return (co_await f()).value();` propagates failures naturally.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { check(); return std::get<0>(v_); }
  const T& value() const& { check(); return std::get<0>(v_); }
  T&& value() && { check(); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  void check() const {
    if (!ok()) throw Exception(std::get<1>(v_));
  }
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  void value() const {
    if (error_) throw Exception(*error_);
  }
  const Error& error() const { return *error_; }

 private:
  std::optional<Error> error_;
};

}  // namespace krilin
