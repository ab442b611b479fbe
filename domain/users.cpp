#include "domain/users.h"

#include <algorithm>

#include "base/id.h"

namespace ordo::domain::users {
namespace {

using Code = Rejection::Code;

bool is_lower_alnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_sha256(std::string_view s) { return s.size() == 64 && is_hex(s); }

bool is_printable(std::string_view s) {
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::optional<std::string> password_hash_problem(std::string_view hash) {
  if (!hash.starts_with("$argon2id$") || hash.size() > 256 || !is_printable(hash))
    return "a password hash is an argon2id string ($argon2id$...) of at most 256 characters";
  return std::nullopt;
}

std::optional<std::string> reason_problem(std::string_view reason) {
  if (reason.empty()) return "a reason is required";
  if (reason.size() > kReasonLengthMax || !is_printable(reason))
    return "a reason is at most 500 printable characters";
  return std::nullopt;
}

Decision<Event> refuse(Code code, std::string reason) { return reject(code, std::move(reason)); }

// The checks every administrative change shares: the user exists, the actor is someone else, a
// reason is given, and the actor holds everything the user holds.
std::optional<Rejection> administrative(const State& state, const std::string& user_id,
                                        const Actor& actor, const std::string& reason) {
  if (!state.exists) return Rejection{Code::not_found, "no user " + user_id};
  if (actor.user_id == state.user_id) {
    return Rejection{Code::invalid,
                     "nobody changes their own grants, status or factors: ask another "
                     "administrator"};
  }
  if (auto problem = reason_problem(reason)) return Rejection{Code::invalid, *problem};
  if (auto refused = access::may_manage(actor.grants, state.grants))
    return Rejection{Code::invalid, *refused};
  return std::nullopt;
}

Decision<Event> invite(const InviteUser& c, const State& state) {
  if (c.user_id.size() < 16 || c.user_id.size() > 64 || !is_lower_alnum(c.user_id))
    return refuse(Code::invalid, "a user id is 16 to 64 characters of [a-z0-9]");
  const auto email = normalize_email(c.email);
  if (!email) return refuse(Code::invalid, "the e-mail address is not an address");
  if (c.name.empty() || c.name.size() > kNameLengthMax || !is_printable(c.name))
    return refuse(Code::invalid, "a name is 1 to 200 printable characters");
  if (c.grants.empty() || c.grants.size() > kGrantsPerUserMax)
    return refuse(Code::invalid, "a user has 1 to 50 grants");
  for (const auto& grant : c.grants) {
    if (auto problem = grant_problem(grant)) return refuse(Code::invalid, *problem);
    if (auto refused = access::may_grant(c.actor.grants, grant))
      return refuse(Code::invalid, *refused);
  }
  if (!is_sha256(c.enrolment_sha256))
    return refuse(Code::invalid, "the enrolment code's hash is 64 lower-case hex characters");
  if (c.enrolment_expires_at <= c.at)
    return refuse(Code::invalid, "the enrolment code must expire after it is issued");
  if (auto problem = reason_problem(c.reason)) return refuse(Code::invalid, *problem);
  if (state.exists) return refuse(Code::already_exists, "user " + c.user_id + " exists");
  std::vector<access::Grant> grants;
  for (const auto& g : c.grants) grants.push_back({g.role, access::normalized(g.scope), g.effect});
  return std::vector<Event>{UserInvited{c.user_id, *email, c.name, std::move(grants),
                                        c.enrolment_sha256, c.enrolment_expires_at, c.actor.user_id,
                                        c.reason, c.at}};
}

Decision<Event> reissue(const ReissueEnrolment& c, const State& state) {
  if (auto refused = administrative(state, c.user_id, c.actor, c.reason))
    return std::unexpected(*refused);
  if (state.status == Status::disabled)
    return refuse(Code::wrong_state, "user " + c.user_id + " is disabled: enable it first");
  if (!is_sha256(c.enrolment_sha256))
    return refuse(Code::invalid, "the enrolment code's hash is 64 lower-case hex characters");
  if (c.enrolment_expires_at <= c.at)
    return refuse(Code::invalid, "the enrolment code must expire after it is issued");
  return std::vector<Event>{
      EnrolmentIssued{c.enrolment_sha256, c.enrolment_expires_at, c.actor.user_id, c.reason, c.at}};
}

Decision<Event> complete_enrolment(const CompleteEnrolment& c, const State& state) {
  // One answer for every bad code, so that a code cannot be probed field by field.
  const auto bad_code = [] {
    return refuse(Code::invalid,
                  "this enrolment code is not valid: it may have expired or "
                  "been used; ask an administrator for a new one");
  };
  if (!state.exists || state.status == Status::disabled || state.enrolment_sha256.empty())
    return bad_code();
  if (state.enrolment_sha256 != c.enrolment_sha256 || c.at >= state.enrolment_expires_at)
    return bad_code();
  if (auto problem = password_hash_problem(c.password_hash)) return refuse(Code::invalid, *problem);
  return std::vector<Event>{PasswordSet{c.password_hash, PasswordChange::enrolment, c.at}};
}

Decision<Event> set_password(const std::string& user_id, const std::string& hash,
                             PasswordChange change, Instant at, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + user_id);
  if (state.status != Status::active)
    return refuse(Code::wrong_state, "user " + user_id + " is not active");
  if (auto problem = password_hash_problem(hash)) return refuse(Code::invalid, *problem);
  if (change == PasswordChange::rehashed && hash == state.password_hash)
    return std::vector<Event>{};
  return std::vector<Event>{PasswordSet{hash, change, at}};
}

Decision<Event> start_totp(const StartTotpEnrolment& c, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + c.user_id);
  if (state.status != Status::active)
    return refuse(Code::wrong_state, "user " + c.user_id + " is not active");
  if (c.sealed_secret.empty() || c.sealed_secret.size() > 512 || !is_hex(c.sealed_secret))
    return refuse(Code::invalid, "a sealed TOTP secret is 1 to 512 lower-case hex characters");
  return std::vector<Event>{TotpEnrolmentStarted{c.sealed_secret, c.at}};
}

Decision<Event> confirm_totp(const ConfirmTotp& c, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + c.user_id);
  if (state.status != Status::active)
    return refuse(Code::wrong_state, "user " + c.user_id + " is not active");
  if (state.pending_totp_secret.empty())
    return refuse(Code::wrong_state, "no second factor is being enrolled: start again");
  if (c.step < 0) return refuse(Code::invalid, "a TOTP step is not negative");
  if (c.recovery_sha256.size() != kRecoveryCodes ||
      !std::all_of(c.recovery_sha256.begin(), c.recovery_sha256.end(), is_sha256))
    return refuse(Code::invalid, "ten recovery codes' hashes are required");
  return std::vector<Event>{
      TotpConfirmed{state.pending_totp_secret, c.step, c.recovery_sha256, c.at}};
}

Decision<Event> use_totp(const UseTotpCode& c, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + c.user_id);
  if (state.totp_secret.empty())
    return refuse(Code::wrong_state, "user " + c.user_id + " has no second factor");
  if (c.step <= state.totp_last_step)
    return refuse(Code::invalid, "this code was already used: wait for the next one");
  return std::vector<Event>{TotpCodeUsed{c.step, c.at}};
}

Decision<Event> use_recovery(const UseRecoveryCode& c, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + c.user_id);
  if (!is_sha256(c.code_sha256)) return refuse(Code::invalid, "this recovery code is not valid");
  const auto it =
      std::find(state.recovery_sha256.begin(), state.recovery_sha256.end(), c.code_sha256);
  if (it == state.recovery_sha256.end())
    return refuse(Code::invalid, "this recovery code is not valid or was already used");
  return std::vector<Event>{RecoveryCodeUsed{it - state.recovery_sha256.begin(), c.at}};
}

}  // namespace

namespace detail {
Decision<Event> decide_administration(const Command& command, const State& state);
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit(
      [&](const auto& c) -> Decision<Event> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, InviteUser>) return invite(c, state);
        if constexpr (std::is_same_v<T, ReissueEnrolment>) return reissue(c, state);
        if constexpr (std::is_same_v<T, CompleteEnrolment>) return complete_enrolment(c, state);
        if constexpr (std::is_same_v<T, ChangePassword>)
          return set_password(c.user_id, c.password_hash, PasswordChange::changed, c.at, state);
        if constexpr (std::is_same_v<T, RehashPassword>)
          return set_password(c.user_id, c.password_hash, PasswordChange::rehashed, c.at, state);
        if constexpr (std::is_same_v<T, StartTotpEnrolment>) return start_totp(c, state);
        if constexpr (std::is_same_v<T, ConfirmTotp>) return confirm_totp(c, state);
        if constexpr (std::is_same_v<T, UseTotpCode>) return use_totp(c, state);
        if constexpr (std::is_same_v<T, UseRecoveryCode>) return use_recovery(c, state);
        return detail::decide_administration(command, state);
      },
      command);
}

namespace detail {

Decision<Event> reset_factors(const ResetFactors& c, const State& state) {
  if (auto refused = administrative(state, c.user_id, c.actor, c.reason))
    return std::unexpected(*refused);
  if (state.totp_secret.empty() && state.pending_totp_secret.empty()) return std::vector<Event>{};
  return std::vector<Event>{FactorsReset{c.actor.user_id, c.reason, c.at}};
}

Decision<Event> change_status(const std::string& user_id, Status to, const Actor& actor,
                              const std::string& reason, Instant at, const State& state) {
  if (auto refused = administrative(state, user_id, actor, reason))
    return std::unexpected(*refused);
  const bool disabled = state.status == Status::disabled;
  if ((to == Status::disabled) == disabled) return std::vector<Event>{};
  // Enabling returns the user to where they were: active once they have a password.
  const auto status = to == Status::disabled        ? Status::disabled
                      : state.password_hash.empty() ? Status::invited
                                                    : Status::active;
  return std::vector<Event>{StatusChanged{status, actor.user_id, reason, at}};
}

Decision<Event> change_grant(const std::string& user_id, const access::Grant& asked, bool add,
                             const Actor& actor, const std::string& reason, Instant at,
                             const State& state) {
  if (auto refused = administrative(state, user_id, actor, reason))
    return std::unexpected(*refused);
  if (auto problem = grant_problem(asked)) return refuse(Code::invalid, *problem);
  const access::Grant grant{asked.role, access::normalized(asked.scope), asked.effect};
  // Removing a deny widens what the user may do, as adding an allow does.
  if (add || grant.effect == access::Effect::deny) {
    if (auto refused = access::may_grant(actor.grants, {grant.role, grant.scope}))
      return refuse(Code::invalid, *refused);
  }
  const bool held =
      std::find(state.grants.begin(), state.grants.end(), grant) != state.grants.end();
  if (add == held) return std::vector<Event>{};
  if (add && state.grants.size() >= kGrantsPerUserMax)
    return refuse(Code::invalid, "a user has at most 50 grants");
  return std::vector<Event>{GrantChanged{grant, add, actor.user_id, reason, at}};
}

Decision<Event> record_sign_in(const RecordSignIn& c, const State& state) {
  if (!state.exists) return refuse(Code::not_found, "no user " + c.user_id);
  if (c.detail.size() > kReasonLengthMax || c.client.size() > 200 || !is_printable(c.detail) ||
      !is_printable(c.client))
    return refuse(Code::invalid, "a sign-in's detail and client are short printable texts");
  return std::vector<Event>{SignInRecorded{c.outcome, c.detail, c.client, c.at}};
}

Decision<Event> decide_administration(const Command& command, const State& state) {
  return std::visit(
      [&](const auto& c) -> Decision<Event> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ResetFactors>) return reset_factors(c, state);
        if constexpr (std::is_same_v<T, DisableUser>)
          return change_status(c.user_id, Status::disabled, c.actor, c.reason, c.at, state);
        if constexpr (std::is_same_v<T, EnableUser>)
          return change_status(c.user_id, Status::active, c.actor, c.reason, c.at, state);
        if constexpr (std::is_same_v<T, AddGrant>)
          return change_grant(c.user_id, c.grant, true, c.actor, c.reason, c.at, state);
        if constexpr (std::is_same_v<T, RemoveGrant>)
          return change_grant(c.user_id, c.grant, false, c.actor, c.reason, c.at, state);
        if constexpr (std::is_same_v<T, RecordSignIn>) return record_sign_in(c, state);
        return refuse(Code::invalid, "not an administrative command");
      },
      command);
}

}  // namespace detail
}  // namespace ordo::domain::users
