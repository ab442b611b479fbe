#include "domain/sessions.h"

#include <algorithm>

namespace ordo::domain::sessions {
namespace {

using Code = Rejection::Code;

bool is_hex(std::string_view s, std::size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_short_printable(std::string_view s, std::size_t max) {
  return s.size() <= max && std::none_of(s.begin(), s.end(), [](char c) {
           return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
         });
}

Decision<Event> start(const StartSession& c, const State& state) {
  if (!is_hex(c.session_id, 32)) return reject(Code::invalid, "a session id is 32 hex characters");
  if (!is_hex(c.secret_sha256, 64))
    return reject(Code::invalid, "a session's secret hash is 64 hex characters");
  if (c.user_id.empty()) return reject(Code::invalid, "a session belongs to a user");
  if (c.idle_lifetime <= 0 || c.absolute_lifetime < c.idle_lifetime)
    return reject(Code::invalid, "lifetimes are positive, the idle one at most the absolute one");
  if (!is_short_printable(c.client, 200) || !is_short_printable(c.user_agent, 500))
    return reject(Code::invalid, "a client address and a user agent are short printable texts");
  if (state.exists) return reject(Code::already_exists, "session " + c.session_id + " exists");
  return std::vector<Event>{SessionStarted{
      c.session_id, c.user_id, c.secret_sha256, c.credentials_generation, c.second_factor, c.client,
      c.user_agent, c.idle_lifetime, c.absolute_lifetime, c.at}};
}

std::optional<Rejection> not_live(const State& state, const std::string& id) {
  if (!state.exists) return Rejection{Code::not_found, "no session " + id};
  if (state.ended) return Rejection{Code::wrong_state, "session " + id + " has ended"};
  return std::nullopt;
}

}  // namespace

std::string_view to_string(EndReason reason) {
  switch (reason) {
    case EndReason::signed_out:
      return "signed_out";
    case EndReason::revoked:
      return "revoked";
    case EndReason::idle:
      return "idle";
    case EndReason::expired:
      return "expired";
    case EndReason::credentials_changed:
      return "credentials_changed";
  }
  return "unknown";
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit(
      [&](const auto& c) -> Decision<Event> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, StartSession>) {
          return start(c, state);
        } else if constexpr (std::is_same_v<T, EndSession>) {
          if (!state.exists) return reject(Code::not_found, "no session " + c.session_id);
          if (state.ended) return std::vector<Event>{};
          return std::vector<Event>{SessionEnded{c.reason, c.by, c.at}};
        } else {
          if (auto refused = not_live(state, c.session_id)) return std::unexpected(*refused);
          if constexpr (std::is_same_v<T, TouchSession>) {
            if (c.at - state.last_seen_at < kTouchEvery) return std::vector<Event>{};
            return std::vector<Event>{SessionTouched{c.at}};
          } else {
            return std::vector<Event>{SessionReauthenticated{c.at}};
          }
        }
      },
      command);
}

State evolve(State state, const Event& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, SessionStarted>) {
          state.exists = true;
          state.started = e;
          state.last_seen_at = e.at;
          if (e.second_factor) state.reauthenticated_at = e.at;
        } else if constexpr (std::is_same_v<T, SessionTouched>) {
          state.last_seen_at = std::max(state.last_seen_at, e.at);
        } else if constexpr (std::is_same_v<T, SessionReauthenticated>) {
          state.reauthenticated_at = e.at;
          state.last_seen_at = std::max(state.last_seen_at, e.at);
        } else {
          state.ended = true;
          state.end_reason = e.reason;
        }
      },
      event);
  return state;
}

std::optional<EndReason> why_not_live(const State& state, Instant now, Instant last_seen,
                                      std::int64_t generation) {
  if (!state.exists) return EndReason::revoked;
  if (state.ended) return state.end_reason;
  if (generation != state.started.credentials_generation) return EndReason::credentials_changed;
  if (now >= state.started.at + state.started.absolute_lifetime) return EndReason::expired;
  const auto seen = std::max(last_seen, state.last_seen_at);
  if (now >= seen + state.started.idle_lifetime) return EndReason::idle;
  return std::nullopt;
}

bool reauthenticated_within(const State& state, Instant now, Instant window) {
  return state.reauthenticated_at > 0 && now - state.reauthenticated_at <= window &&
         now >= state.reauthenticated_at;
}

}  // namespace ordo::domain::sessions
