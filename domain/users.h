// Users: the people of the back office, as events. Aggregate stream "user-<user_id>".
//
// A person is invited by someone who manages users: an e-mail address, a name, grants, and the
// SHA-256 of a one-time enrolment code (the code itself goes to the person, never to the log).
// With the code the person sets a password (its argon2id hash, parameters included, is what the
// log keeps) and becomes active. A second factor is a TOTP secret, sealed with a key that lives
// outside the log, confirmed by a first code, with ten recovery codes kept as SHA-256 hashes.
// No TOTP step is accepted twice: the last step used is an event. Sign-ins, failed and throttled
// attempts are events too, and the failures of an account set its throttling delay.
//
// Administrative commands carry the actor's id and grants. Nobody grants what they do not hold
// (access::may_grant), acts on someone who holds more than they do (access::may_manage), or
// changes their own grants, status or factors through them. Every such change has a reason.
//
// Decision table (every refusal names its reason):
//   InviteUser         new id only; an e-mail address (kept trimmed and lower-case), a name, 1..50
//                      grants of people's roles, each one the actor may grant -> UserInvited
//   ReissueEnrolment   a user the actor manages, not disabled -> EnrolmentIssued
//   CompleteEnrolment  the code matches, unused and unexpired (one answer for every bad code)
//                      -> PasswordSet(enrolment); the user becomes active
//   ChangePassword     active -> PasswordSet(changed); RehashPassword -> PasswordSet(rehashed)
//   StartTotpEnrolment active -> TotpEnrolmentStarted (not yet a factor)
//   ConfirmTotp        an enrolment started, ten recovery hashes -> TotpConfirmed
//   UseTotpCode        a confirmed factor and a step after the last used one -> TotpCodeUsed
//   UseRecoveryCode    the hash of an unused code -> RecoveryCodeUsed
//   ResetFactors       break-glass -> FactorsReset (nothing to do without a factor)
//   DisableUser, EnableUser -> StatusChanged; AddGrant, RemoveGrant -> GrantChanged (nothing to
//                      do when already so); removing a deny needs what granting it as an allow does
//   RecordSignIn       the outcome of an attempt -> SignInRecorded (failures set the throttling)
// A new password, a confirmed or reset factor and disabling bump the credentials generation,
// which ends every session started before.
#pragma once

#include <optional>
#include <variant>

#include "domain/authorization.h"
#include "domain/types.h"

namespace ordo::domain::users {

inline constexpr std::size_t kGrantsPerUserMax = 50;
inline constexpr std::size_t kScopeValuesMax = 100;  // per dimension of one grant
inline constexpr std::size_t kRecoveryCodes = 10;
inline constexpr std::size_t kNameLengthMax = 200;
inline constexpr std::size_t kReasonLengthMax = 500;
/// Failed sign-ins allowed before the account's delay starts; then 1 s, doubling up to 15 min.
inline constexpr int kFailuresFree = 3;
inline constexpr Instant kThrottleDelayMax = 15 * 60 * 1'000'000LL;

enum class Status : std::uint8_t { invited, active, disabled };
std::string_view to_string(Status status);

/// Who asks for an administrative change, with the grants they hold at that moment.
struct Actor {
  std::string user_id;  // or "token:<id>" for an API token
  std::vector<access::Grant> grants;
};

struct InviteUser {
  std::string user_id;  // 16..64 characters of [a-z0-9]
  std::string email;
  std::string name;
  std::vector<access::Grant> grants;
  std::string enrolment_sha256;  // SHA-256 of the one-time enrolment code, lower-case hex
  Instant enrolment_expires_at = 0;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct ReissueEnrolment {
  std::string user_id;
  std::string enrolment_sha256;
  Instant enrolment_expires_at = 0;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct CompleteEnrolment {
  std::string user_id;
  std::string enrolment_sha256;  // of the code the person presented
  std::string password_hash;     // "$argon2id$v=19$m=...,t=...,p=...$salt$hash"
  Instant at = 0;
};
struct ChangePassword {
  std::string user_id;
  std::string password_hash;
  Instant at = 0;
};
struct RehashPassword {
  std::string user_id;
  std::string password_hash;
  Instant at = 0;
};
struct StartTotpEnrolment {
  std::string user_id;
  std::string sealed_secret;  // the TOTP secret encrypted with the server's key, hex
  Instant at = 0;
};
struct ConfirmTotp {
  std::string user_id;
  std::int64_t step = 0;  // the 30-second step of the first code, which counts as used
  std::vector<std::string> recovery_sha256;
  Instant at = 0;
};
struct UseTotpCode {
  std::string user_id;
  std::int64_t step = 0;
  Instant at = 0;
};
struct UseRecoveryCode {
  std::string user_id;
  std::string code_sha256;
  Instant at = 0;
};
struct ResetFactors {
  std::string user_id;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct DisableUser {
  std::string user_id;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct EnableUser {
  std::string user_id;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct AddGrant {
  std::string user_id;
  access::Grant grant;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
struct RemoveGrant {
  std::string user_id;
  access::Grant grant;
  Actor actor;
  std::string reason;
  Instant at = 0;
};
enum class SignInOutcome : std::uint8_t { succeeded, failed, throttled };
struct RecordSignIn {
  std::string user_id;
  SignInOutcome outcome = SignInOutcome::failed;
  std::string detail;  // why it failed ("wrong password", "wrong code"), or the factor used
  std::string client;  // the client's address
  Instant at = 0;
};
using Command =
    std::variant<InviteUser, ReissueEnrolment, CompleteEnrolment, ChangePassword, RehashPassword,
                 StartTotpEnrolment, ConfirmTotp, UseTotpCode, UseRecoveryCode, ResetFactors,
                 DisableUser, EnableUser, AddGrant, RemoveGrant, RecordSignIn>;

struct UserInvited {
  std::string user_id;
  std::string email;
  std::string name;
  std::vector<access::Grant> grants;
  std::string enrolment_sha256;
  Instant enrolment_expires_at = 0;
  std::string by;
  std::string reason;
  Instant at = 0;
  friend bool operator==(const UserInvited&, const UserInvited&) = default;
};
struct EnrolmentIssued {
  std::string enrolment_sha256;
  Instant enrolment_expires_at = 0;
  std::string by;
  std::string reason;
  Instant at = 0;
  friend bool operator==(const EnrolmentIssued&, const EnrolmentIssued&) = default;
};
enum class PasswordChange : std::uint8_t { enrolment, changed, rehashed };
struct PasswordSet {
  std::string password_hash;
  PasswordChange change = PasswordChange::enrolment;
  Instant at = 0;
  friend bool operator==(const PasswordSet&, const PasswordSet&) = default;
};
struct TotpEnrolmentStarted {
  std::string sealed_secret;
  Instant at = 0;
  friend bool operator==(const TotpEnrolmentStarted&, const TotpEnrolmentStarted&) = default;
};
struct TotpConfirmed {
  std::string sealed_secret;
  std::int64_t step = 0;
  std::vector<std::string> recovery_sha256;
  Instant at = 0;
  friend bool operator==(const TotpConfirmed&, const TotpConfirmed&) = default;
};
struct TotpCodeUsed {
  std::int64_t step = 0;
  Instant at = 0;
  friend bool operator==(const TotpCodeUsed&, const TotpCodeUsed&) = default;
};
struct RecoveryCodeUsed {
  std::int64_t index = 0;  // which of the ten
  Instant at = 0;
  friend bool operator==(const RecoveryCodeUsed&, const RecoveryCodeUsed&) = default;
};
struct FactorsReset {
  std::string by;
  std::string reason;
  Instant at = 0;
  friend bool operator==(const FactorsReset&, const FactorsReset&) = default;
};
struct StatusChanged {
  Status status = Status::active;  // disabled, or active again
  std::string by;
  std::string reason;
  Instant at = 0;
  friend bool operator==(const StatusChanged&, const StatusChanged&) = default;
};
struct GrantChanged {
  access::Grant grant;
  bool added = true;  // false: removed
  std::string by;
  std::string reason;
  Instant at = 0;
  friend bool operator==(const GrantChanged&, const GrantChanged&) = default;
};
struct SignInRecorded {
  SignInOutcome outcome = SignInOutcome::failed;
  std::string detail;
  std::string client;
  Instant at = 0;
  friend bool operator==(const SignInRecorded&, const SignInRecorded&) = default;
};
using Event = std::variant<UserInvited, EnrolmentIssued, PasswordSet, TotpEnrolmentStarted,
                           TotpConfirmed, TotpCodeUsed, RecoveryCodeUsed, FactorsReset,
                           StatusChanged, GrantChanged, SignInRecorded>;

struct State {
  bool exists = false;
  std::string user_id;
  std::string email;
  std::string name;
  Status status = Status::invited;
  std::vector<access::Grant> grants;
  std::string enrolment_sha256;  // empty once used
  Instant enrolment_expires_at = 0;
  std::string password_hash;
  std::string pending_totp_secret;
  std::string totp_secret;  // empty: no second factor
  std::int64_t totp_last_step = -1;
  std::vector<std::string> recovery_sha256;  // a used code's entry is empty
  /// Bumped whenever the password or a factor changes or the account is disabled: a session
  /// started at a lower generation is over.
  std::int64_t credentials_generation = 0;
  int failures = 0;  // failed sign-ins since the last success
  Instant last_failure_at = 0;
  friend bool operator==(const State&, const State&) = default;
};

Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

/// The e-mail address as Ordo compares and stores it (trimmed, lower-case), or nullopt when it is
/// not an address (local@domain.tld, at most 254 characters, no spaces or control characters).
std::optional<std::string> normalize_email(std::string_view email);
/// When the account accepts its next sign-in attempt: 0 when not throttled.
Instant throttled_until(const State& state);
/// Whether the person must sign in with a second factor (some grant's role requires it).
bool requires_mfa(const State& state);
/// Why a grant cannot be given to a person at all (a machine role, a malformed or too wide
/// scope), or nullopt. Whether its names exist is the caller's to check against master data.
std::optional<std::string> grant_problem(const access::Grant& grant);
std::string_view to_string(SignInOutcome outcome);

}  // namespace ordo::domain::users
