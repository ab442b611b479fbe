#include "domain/access.h"

#include <algorithm>

#include "base/id.h"

namespace ordo::domain::access {
namespace {

bool is_lower_alnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::string> scope_problem(Role role, const Scope& scope) {
  if (role == Role::store && scope.site_id.empty()) return "a store token needs a site";
  if (role != Role::store && !scope.site_id.empty()) return "only a store token has a site";
  if (role != Role::integration && !scope.channel.empty()) {
    return "only an integration token has a channel";
  }
  if (!scope.site_id.empty() && !is_valid_id(scope.site_id)) return "invalid site id";
  if (!scope.channel.empty() && !is_valid_id(scope.channel)) return "invalid channel id";
  return std::nullopt;
}

Decision<Event> issue(const IssueToken& c, const State& state) {
  if (c.token_id.size() < 16 || c.token_id.size() > 64 || !is_lower_alnum(c.token_id)) {
    return reject(Rejection::Code::invalid, "token id must be 16 to 64 characters of [a-z0-9]");
  }
  if (!is_hex64(c.secret_sha256)) {
    return reject(Rejection::Code::invalid, "secret hash must be 64 lower-case hex characters");
  }
  if (auto problem = scope_problem(c.role, c.scope)) {
    return reject(Rejection::Code::invalid, *problem);
  }
  if (c.label.size() > 200) return reject(Rejection::Code::invalid, "label over 200 characters");
  if (state.exists)
    return reject(Rejection::Code::already_exists, "token " + c.token_id + " exists");
  return std::vector<Event>{
      TokenIssued{c.token_id, c.secret_sha256, c.role, c.scope, c.label, c.at}};
}

Decision<Event> revoke(const RevokeToken& c, const State& state) {
  if (!state.exists) return reject(Rejection::Code::not_found, "no token " + c.token_id);
  if (c.reason.empty()) return reject(Rejection::Code::invalid, "a revocation needs a reason");
  if (state.revoked) return std::vector<Event>{};
  return std::vector<Event>{TokenRevoked{c.token_id, c.reason, c.at}};
}

}  // namespace

Principal principal_of(const std::string& token_id, Role role, const Scope& scope) {
  return token_principal(token_id, role, scope.site_id, scope.channel);
}

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit(
      [&](const auto& c) -> Decision<Event> {
        if constexpr (std::is_same_v<std::decay_t<decltype(c)>, IssueToken>)
          return issue(c, state);
        else
          return revoke(c, state);
      },
      command);
}

State evolve(State state, const Event& event) {
  if (const auto* issued = std::get_if<TokenIssued>(&event)) {
    state.exists = true;
    state.issued = *issued;
  } else {
    state.revoked = true;
  }
  return state;
}

}  // namespace ordo::domain::access
