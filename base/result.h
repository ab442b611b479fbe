// Result and Error: how Ordo reports operational failures.
//
// Business rejections are values of each aggregate's own Rejection type (domain/). Operational
// errors (RocksDB, NATS, sockets, files) become one ordo::Error at the edge. The code says what the
// caller should do, in the manner of absl::Status: retry the call, retry at a higher level, or
// stop.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace ordo {

enum class ErrorCode {
  invalid_argument,      // the input is wrong: never retry it unchanged
  not_found,             // the thing asked for does not exist
  conflict,              // optimistic concurrency lost: re-read, decide again, retry
  idempotency_mismatch,  // the key was used before with a different request: never retry
  permission_denied,     // the caller may not do this: never retry with the same credentials
  overloaded,            // a bounded queue is full: retry the call after a pause
  unavailable,           // the store is closed or failed: retry the call elsewhere or later
  corruption,            // stored bytes are damaged or tampered: stop, an operator must look
  failed_precondition,   // the system is not in a state where this can run (e.g. wrong data dir)
  io_error,              // the disk refused (full, read-only, permission): stop, fix the disk
  internal,              // a bug: report it
};

constexpr std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::idempotency_mismatch:
      return "idempotency_mismatch";
    case ErrorCode::permission_denied:
      return "permission_denied";
    case ErrorCode::overloaded:
      return "overloaded";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::corruption:
      return "corruption";
    case ErrorCode::failed_precondition:
      return "failed_precondition";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::internal:
      return "internal";
  }
  return "unknown";
}

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;

  std::string to_string() const { return std::string(ordo::to_string(code)) + ": " + message; }
};

/// A value or the reason there is none. It is std::expected, marked [[nodiscard]]: a result
/// dropped on the floor is an error nobody handled, and the compiler says so.
template <class T, class E = Error>
class [[nodiscard]] Result : public std::expected<T, E> {
 public:
  using std::expected<T, E>::expected;
};

/// Shorthand for `std::unexpected(Error{code, message})`.
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

}  // namespace ordo
