// The user aggregate's evolve and the rules read from its state (throttling, the second factor,
// what a grant may be).
#include <algorithm>

#include "base/id.h"
#include "domain/users.h"

namespace ordo::domain::users {
namespace {

void apply(State& s, const UserInvited& e) {
  s.exists = true;
  s.user_id = e.user_id;
  s.email = e.email;
  s.name = e.name;
  s.status = Status::invited;
  s.grants = e.grants;
  s.enrolment_sha256 = e.enrolment_sha256;
  s.enrolment_expires_at = e.enrolment_expires_at;
}

void apply(State& s, const EnrolmentIssued& e) {
  s.enrolment_sha256 = e.enrolment_sha256;
  s.enrolment_expires_at = e.enrolment_expires_at;
}

void apply(State& s, const PasswordSet& e) {
  s.password_hash = e.password_hash;
  if (e.change == PasswordChange::enrolment) {
    s.enrolment_sha256.clear();
    s.status = Status::active;
  }
  // A rehash keeps the same password: sessions stay.
  if (e.change != PasswordChange::rehashed) ++s.credentials_generation;
  s.failures = 0;
}

void apply(State& s, const TotpEnrolmentStarted& e) { s.pending_totp_secret = e.sealed_secret; }

void apply(State& s, const TotpConfirmed& e) {
  s.totp_secret = e.sealed_secret;
  s.pending_totp_secret.clear();
  s.totp_last_step = e.step;
  s.recovery_sha256 = e.recovery_sha256;
  ++s.credentials_generation;
}

void apply(State& s, const TotpCodeUsed& e) {
  s.totp_last_step = std::max(s.totp_last_step, e.step);
}

void apply(State& s, const RecoveryCodeUsed& e) {
  if (e.index >= 0 && static_cast<std::size_t>(e.index) < s.recovery_sha256.size())
    s.recovery_sha256[static_cast<std::size_t>(e.index)].clear();
}

void apply(State& s, const FactorsReset&) {
  s.totp_secret.clear();
  s.pending_totp_secret.clear();
  s.recovery_sha256.clear();
  ++s.credentials_generation;
}

void apply(State& s, const StatusChanged& e) {
  s.status = e.status;
  if (e.status == Status::disabled) ++s.credentials_generation;
  s.failures = 0;
}

void apply(State& s, const GrantChanged& e) {
  const auto it = std::find(s.grants.begin(), s.grants.end(), e.grant);
  if (e.added && it == s.grants.end()) s.grants.push_back(e.grant);
  if (!e.added && it != s.grants.end()) s.grants.erase(it);
}

void apply(State& s, const SignInRecorded& e) {
  if (e.outcome == SignInOutcome::succeeded) {
    s.failures = 0;
  } else if (e.outcome == SignInOutcome::failed) {
    ++s.failures;
    s.last_failure_at = e.at;
  }
}

bool is_id_list(const std::vector<std::string>& values) {
  return std::all_of(values.begin(), values.end(), [](const auto& v) { return is_valid_id(v); });
}

}  // namespace

State evolve(State state, const Event& event) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  return state;
}

std::string_view to_string(Status status) {
  switch (status) {
    case Status::invited:
      return "invited";
    case Status::active:
      return "active";
    case Status::disabled:
      return "disabled";
  }
  return "unknown";
}

std::string_view to_string(SignInOutcome outcome) {
  switch (outcome) {
    case SignInOutcome::succeeded:
      return "succeeded";
    case SignInOutcome::failed:
      return "failed";
    case SignInOutcome::throttled:
      return "throttled";
  }
  return "unknown";
}

std::optional<std::string> normalize_email(std::string_view email) {
  while (!email.empty() && (email.front() == ' ' || email.front() == '\t')) email.remove_prefix(1);
  while (!email.empty() && (email.back() == ' ' || email.back() == '\t')) email.remove_suffix(1);
  if (email.empty() || email.size() > 254) return std::nullopt;
  std::string out;
  for (const char c : email) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return std::nullopt;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const auto at = out.find('@');
  if (at == 0 || at == std::string::npos || out.find('@', at + 1) != std::string::npos)
    return std::nullopt;
  const auto domain = std::string_view(out).substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() || at > 64)
    return std::nullopt;
  return out;
}

Instant throttled_until(const State& state) {
  if (state.failures < kFailuresFree) return 0;
  const int doublings = std::min(state.failures - kFailuresFree, 20);
  const Instant delay = std::min<Instant>(1'000'000LL << doublings, kThrottleDelayMax);
  return state.last_failure_at + delay;
}

bool requires_mfa(const State& state) {
  return std::any_of(state.grants.begin(), state.grants.end(), [](const access::Grant& g) {
    return g.effect == access::Effect::allow && access::role_requires_mfa(g.role);
  });
}

std::optional<std::string> grant_problem(const access::Grant& grant) {
  using access::Role;
  if (grant.role == Role::store || grant.role == Role::integration) {
    return "the " + std::string(access::to_string(grant.role)) +
           " role is for API tokens, not people (a store's staff: store_manager)";
  }
  const auto& s = grant.scope;
  for (const auto* values : {&s.countries, &s.channels, &s.brands, &s.sites}) {
    if (values->size() > kScopeValuesMax)
      return "a grant's scope names at most 100 values in each of its dimensions";
  }
  if (!std::all_of(s.countries.begin(), s.countries.end(),
                   [](const auto& c) { return is_country_code(c); }))
    return "a grant's countries are ISO 3166-1 alpha-2 codes (FR, DE, GB)";
  if (!is_id_list(s.channels) || !is_id_list(s.brands) || !is_id_list(s.sites))
    return "a grant's channels, brands and sites are ids (1..64 characters of [A-Za-z0-9._-])";
  return std::nullopt;
}

}  // namespace ordo::domain::users
