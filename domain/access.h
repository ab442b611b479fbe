// Access: the API tokens that machine clients present. Who may do what is domain/authorization.h,
// one check for tokens and people alike.
//
// ApiToken aggregate, stream "token-<token_id>": a token is issued once with the SHA-256 of its
// secret (never the secret), a role and a scope, and may be revoked; a revoked token stays
// revoked.
#pragma once

#include <optional>
#include <variant>

#include "domain/authorization.h"
#include "domain/types.h"

namespace ordo::domain::access {

/// A token's scope: a store's token acts for its site only; an integration's for its channel.
/// Empty fields do not limit.
struct Scope {
  std::string site_id;
  std::string channel;
  friend bool operator==(const Scope&, const Scope&) = default;
};

/// The principal a token authenticates as (authorization.h's token_principal).
Principal principal_of(const std::string& token_id, Role role, const Scope& scope);

// ApiToken commands and events.
struct IssueToken {
  std::string token_id;       // 16..64 characters of [a-z0-9]
  std::string secret_sha256;  // 64 lower-case hex characters
  Role role = Role::auditor;
  Scope scope;
  std::string label;  // what the token is for, e.g. "shopify adapter"
  Instant at = 0;
};
struct RevokeToken {
  std::string token_id;
  std::string reason;
  Instant at = 0;
};
using Command = std::variant<IssueToken, RevokeToken>;

struct TokenIssued {
  std::string token_id;
  std::string secret_sha256;
  Role role = Role::auditor;
  Scope scope;
  std::string label;
  Instant issued_at = 0;
  friend bool operator==(const TokenIssued&, const TokenIssued&) = default;
};
struct TokenRevoked {
  std::string token_id;
  std::string reason;
  Instant revoked_at = 0;
  friend bool operator==(const TokenRevoked&, const TokenRevoked&) = default;
};
using Event = std::variant<TokenIssued, TokenRevoked>;

struct State {
  bool exists = false;
  bool revoked = false;
  TokenIssued issued;
  friend bool operator==(const State&, const State&) = default;
};

/// IssueToken: a new token only (already_exists otherwise); invalid: bad id or hash, a store
/// without a site, a site for another role than store, a channel for another role than
/// integration, a label over 200 characters. RevokeToken: not_found for an unknown token; reason
/// required; already revoked: nothing.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::access
