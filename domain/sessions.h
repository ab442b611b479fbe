// Sessions: a person signed in. Aggregate stream "session-<session_id>".
//
// A session starts when a person has given their password and, where required, a second factor.
// The cookie carries "<session_id>.<secret>"; the log keeps the secret's SHA-256 only. A session
// ends at sign-out, when revoked (by its owner or an administrator), when idle longer than its
// idle lifetime, at its absolute lifetime, or when the person's credentials change (a new
// password or factor, a disabled account: the user's credentials generation moves past the one
// the session started at). Activity is recorded coarsely (at most one event a minute), so that an
// idle expiry survives a restart without an event per request.
//
// Sensitive actions (changing grants, issuing tokens, exporting or importing configuration) need
// a recent second factor: `reauthenticated_within`.
//
// Decision table:
//   StartSession    a new id; lifetimes > 0, idle <= absolute -> SessionStarted
//   TouchSession    live -> SessionTouched when the last one is a minute old or more; else nothing
//   Reauthenticate  live -> SessionReauthenticated
//   EndSession      not ended -> SessionEnded (an ended session: nothing)
#pragma once

#include <optional>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::sessions {

inline constexpr Instant kTouchEvery = 60'000'000;  // one activity event a minute at most

enum class EndReason : std::uint8_t {
  signed_out,
  revoked,  // by its owner from another session, or by an administrator
  idle,     // found idle past its lifetime
  expired,  // past its absolute lifetime
  credentials_changed,
};
std::string_view to_string(EndReason reason);

struct StartSession {
  std::string session_id;  // 32 lower-case hex characters
  std::string user_id;
  std::string secret_sha256;
  std::int64_t credentials_generation = 0;
  bool second_factor = false;  // signed in with a second factor
  std::string client;          // the client's address
  std::string user_agent;
  Instant idle_lifetime = 0;
  Instant absolute_lifetime = 0;
  Instant at = 0;
};
struct TouchSession {
  std::string session_id;
  Instant at = 0;
};
struct Reauthenticate {
  std::string session_id;
  Instant at = 0;
};
struct EndSession {
  std::string session_id;
  EndReason reason = EndReason::signed_out;
  std::string by;  // who ended it: the owner, an administrator, "system"
  Instant at = 0;
};
using Command = std::variant<StartSession, TouchSession, Reauthenticate, EndSession>;

struct SessionStarted {
  std::string session_id;
  std::string user_id;
  std::string secret_sha256;
  std::int64_t credentials_generation = 0;
  bool second_factor = false;
  std::string client;
  std::string user_agent;
  Instant idle_lifetime = 0;
  Instant absolute_lifetime = 0;
  Instant at = 0;
  friend bool operator==(const SessionStarted&, const SessionStarted&) = default;
};
struct SessionTouched {
  Instant at = 0;
  friend bool operator==(const SessionTouched&, const SessionTouched&) = default;
};
struct SessionReauthenticated {
  Instant at = 0;
  friend bool operator==(const SessionReauthenticated&, const SessionReauthenticated&) = default;
};
struct SessionEnded {
  EndReason reason = EndReason::signed_out;
  std::string by;
  Instant at = 0;
  friend bool operator==(const SessionEnded&, const SessionEnded&) = default;
};
using Event = std::variant<SessionStarted, SessionTouched, SessionReauthenticated, SessionEnded>;

struct State {
  bool exists = false;
  SessionStarted started;
  Instant last_seen_at = 0;  // coarse: the last SessionTouched (or the start)
  Instant reauthenticated_at = 0;
  bool ended = false;
  EndReason end_reason = EndReason::signed_out;
  friend bool operator==(const State&, const State&) = default;
};

Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

/// Why the session cannot be used at `now` by a user whose credentials generation is
/// `generation`, or nullopt when it is live. `last_seen` is the latest activity known (the
/// caller's, finer than the log's); the idle lifetime runs from it.
std::optional<EndReason> why_not_live(const State& state, Instant now, Instant last_seen,
                                      std::int64_t generation);
/// True when a second factor was given in this session within `window` before `now`.
bool reauthenticated_within(const State& state, Instant now, Instant window);

}  // namespace ordo::domain::sessions
