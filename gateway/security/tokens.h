// The API token registry: issues, revokes and authenticates the bearer tokens machine clients
// present. A token reads "ordo_<id>_<secret>": the id names its stream ("token-<id>"), the secret
// (256 random bits) is shown once and only its SHA-256 is stored, in a TokenIssued event.
//
// The registry folds every token event at load and then follows its own appends; tokens made by
// another process on the same data directory are seen at the next start (the store admits one
// process at a time, so that is `ordo token create` while the server is stopped).
//
// Thread-safety: every method may be called from any thread. Errors: invalid_argument (a refused
// role/scope), not_found (revoking an unknown token), and the event store's own.
#pragma once

#include <map>
#include <memory>
#include <shared_mutex>
#include <variant>

#include "domain/access.h"
#include "eventstore/event_store.h"

namespace ordo::gateway {

struct IssuedToken {
  std::string token;  // the bearer secret: shown to the caller once, never stored
  domain::access::TokenIssued record;
};

/// Why a bearer token was refused (401), in words safe to show to the caller.
struct AuthenticationFailure {
  std::string reason;
};

class TokenRegistry {
 public:
  static Result<std::unique_ptr<TokenRegistry>> load(eventstore::EventStore& store);

  Result<IssuedToken> issue(domain::access::Role role, domain::access::Scope scope,
                            std::string label, const eventstore::Actor& actor);
  /// Revokes a token; revoking it again changes nothing.
  Result<void> revoke(const std::string& token_id, std::string reason,
                      const eventstore::Actor& actor);

  /// The principal behind a bearer token (the text after "Bearer ").
  std::variant<domain::access::Principal, AuthenticationFailure> authenticate(
      std::string_view bearer) const;

  /// Every token ever issued, by id, with its revocation state.
  std::vector<domain::access::State> list() const;

 private:
  explicit TokenRegistry(eventstore::EventStore& store) : store_(store) {}
  Result<void> append(const std::string& token_id, std::uint64_t expected_version,
                      const domain::access::Command& command, const eventstore::Actor& actor);

  eventstore::EventStore& store_;
  mutable std::shared_mutex mutex_;
  struct Entry {
    domain::access::State state;
    std::uint64_t version = 0;
  };
  std::map<std::string, Entry, std::less<>> tokens_;
};

}  // namespace ordo::gateway
