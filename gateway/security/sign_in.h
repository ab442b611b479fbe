// Sign-in and sessions of people: a password, then (where the person has one or their roles
// require one) a second factor, then a session whose cookie authenticates their requests.
//
// The flow, as the HTTP routes run it:
//   1. `password(email, password, client)`: the same refusal, after about the same time, whether
//      the account exists or not (an unknown address still costs one argon2id verification); a
//      throttled account or client address is told when to come back, in the same words for known
//      and unknown accounts. Success gives either a session, or a sign-in ticket (5 minutes, in
//      memory) to present with the second factor.
//   2. `second_factor(ticket, code)`: a TOTP code (no step twice) or a recovery code.
//   3. `authenticate(cookie, now)`: the principal of a live session, its CSRF token, and whether it
//      may only enrol a second factor (a person whose roles require one and who has none yet).
// Every attempt, success, failure and throttling is an event of the user (SignInRecorded), every
// session an aggregate (domain/sessions.h).
//
// Password hashing runs on the service's own worker threads (`workers`), behind a bounded queue:
// a sign-in storm is answered "busy" (503) and never holds the HTTP server's I/O threads.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "domain/sessions.h"
#include "eventstore/event_store.h"
#include "gateway/security/credentials.h"
#include "gateway/security/users.h"

namespace ordo::gateway::security {

struct SignInOptions {
  domain::Instant idle_lifetime = 30LL * 60 * 1'000'000;
  domain::Instant absolute_lifetime = 12LL * 3600 * 1'000'000;
  domain::Instant ticket_lifetime = 5LL * 60 * 1'000'000;
  std::size_t workers = 1;                 // argon2id threads (each takes 64 MiB while it hashes)
  std::size_t queue_max = 64;              // sign-ins waiting for a worker; beyond: busy
  std::string key_file;                    // the key that seals TOTP secrets (SecretBox)
  std::function<domain::Instant()> clock;  // unset: the system clock
};

/// Why a sign-in step did not succeed, in words safe to show.
struct SignInRefused {
  enum class Kind : std::uint8_t { wrong_credentials, throttled, busy, disabled_or_invalid };
  Kind kind = Kind::wrong_credentials;
  std::string reason;
  domain::Instant retry_after = 0;  // throttled: when to try again
};

/// A session: the cookie's value (shown once), its id, and its CSRF token.
struct SessionGrant {
  std::string cookie;  // "<session_id>.<secret>"
  std::string session_id;
  std::string csrf_token;
  bool second_factor_required = false;  // may only enrol a second factor until it does
};
/// The second factor is wanted: present it with this ticket.
struct SecondFactorWanted {
  std::string ticket;
};
using PasswordOutcome = std::variant<SessionGrant, SecondFactorWanted, SignInRefused>;
using SecondFactorOutcome = std::variant<SessionGrant, SignInRefused>;

/// A request authenticated by its session cookie.
struct SessionPrincipal {
  domain::users::State user;
  std::string session_id;
  std::string csrf_token;
  bool enrolment_only = false;  // roles require a second factor the person has not enrolled
};

class SignIn {
 public:
  static Result<std::unique_ptr<SignIn>> start(eventstore::EventStore& store, UserRegistry& users,
                                               const CommonPasswords* common,
                                               SignInOptions options);
  ~SignIn();
  SignIn(const SignIn&) = delete;
  SignIn& operator=(const SignIn&) = delete;

  /// Step 1. Blocks the calling thread while a worker hashes (callers post it off I/O threads).
  PasswordOutcome password(std::string_view email, std::string_view password,
                           const std::string& client);
  /// Step 2: a six-digit TOTP code, or a recovery code.
  SecondFactorOutcome second_factor(std::string_view ticket, std::string_view code,
                                    const std::string& client);
  /// The live session behind a cookie value, or why not (never says whether a session existed).
  std::variant<SessionPrincipal, SignInRefused> authenticate(std::string_view cookie);
  /// Ends a session: its owner signing out or revoking one of theirs, or an administrator.
  Result<void> end(const std::string& session_id, domain::sessions::EndReason reason,
                   const std::string& by);
  /// Starts enrolling a TOTP factor: a new secret, sealed and recorded as pending; the otpauth URI
  /// and its QR code (SVG) for the person's authenticator app.
  Result<std::pair<std::string, std::string>> start_totp(const std::string& user_id);
  /// Confirms the pending factor with its first code: the ten recovery codes, shown once.
  /// Ends the person's other sessions (their credentials changed).
  Result<std::vector<std::string>> confirm_totp(const std::string& user_id, std::string_view code);
  /// The live sessions of a user.
  std::vector<domain::sessions::State> sessions_of(const std::string& user_id);

 private:
  struct Impl;
  explicit SignIn(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ordo::gateway::security
