// Access: who may do what, and the API tokens that machine clients present.
//
// Authorization is one mechanism for every caller: a Principal (a token today; a user who logged
// in with a password and a second factor later) with a role and an optional scope asks for a
// Permission on a Target; `authorize` answers with the reason when it refuses. Every route is
// denied unless its permission is granted to the caller's role and the target lies in its scope.
//
// ApiToken aggregate, stream "token-<token_id>": a token is issued once with the SHA-256 of its
// secret (never the secret), a role and a scope, and may be revoked; a revoked token stays
// revoked.
#pragma once

#include <optional>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::access {

enum class Role : std::uint8_t { admin, customer_service, store, integration, auditor };
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

enum class Permission : std::uint8_t {
  orders_read,     // an order, its timeline, the search
  orders_place,    // POST /v1/orders
  orders_service,  // customer service actions: cancel, change the delivery address
  orders_fulfil,   // store steps: preparation, prepared, shipped, delivered
  stock_read,
  stock_write,  // stock movements (receipts, adjustments, counts, future receipts)
  sellable_read,
  config_read,
  config_write,
  events_read,  // the raw log
  tokens_manage,
  metrics_read,
  master_read,   // sites, items, brands, channels and their history
  master_write,  // define and change them, close and reopen sites, imports
};
std::string_view to_string(Permission permission);

/// Limits a grant: a store's token acts for its site only; an integration's for its channel.
/// Empty fields do not limit.
struct Scope {
  std::string site_id;
  std::string channel;
  friend bool operator==(const Scope&, const Scope&) = default;
};

struct Principal {
  std::string id;  // token id (later: user name)
  Role role = Role::auditor;
  Scope scope;
};

/// What a request touches, for the scope check: the channel of the order or sellable figure, the
/// sites of the order's lines or of the stock. Empty: the request is not about one channel/site
/// (e.g. the raw log), which a scoped principal may not see.
struct Target {
  std::string channel;
  std::vector<std::string> sites;
};

/// nullopt when allowed; otherwise the reason, naming the role or scope that refuses.
std::optional<std::string> authorize(const Principal& principal, Permission permission,
                                     const Target& target = {});
/// True when the role has the permission at all (before any scope): routes check this first.
bool role_grants(Role role, Permission permission);

/// Why a principal's scope keeps it from a permission whatever the target, or nullopt: master
/// data is the whole retailer's, so a token limited to a site or a channel never changes it.
std::optional<std::string> scope_refuses(const Principal& principal, Permission permission);

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
