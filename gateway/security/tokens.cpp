#include "gateway/security/tokens.h"

#include <array>
#include <mutex>

#include "base/clock.h"
#include "base/secrets.h"
#include "engine/streams.h"
#include "eventstore/codec/codec.h"
#include "gateway/security/fold_log.h"

namespace ordo::gateway {
namespace {

namespace access = domain::access;
constexpr std::string_view kPrefix = "ordo_";
constexpr std::size_t kIdBytes = 12;      // 24 hex characters
constexpr std::size_t kSecretBytes = 32;  // 64 hex characters

Error refused(const domain::Rejection& rejection) {
  return Error{rejection.code == domain::Rejection::Code::not_found ? ErrorCode::not_found
                                                                    : ErrorCode::invalid_argument,
               rejection.reason};
}

}  // namespace

Result<std::unique_ptr<TokenRegistry>> TokenRegistry::load(eventstore::EventStore& store) {
  std::unique_ptr<TokenRegistry> registry(new TokenRegistry(store));
  static const std::vector<std::string> kTypes = {"TokenIssued", "TokenRevoked"};
  auto folded = fold_log<engine::TokenAggregate>(
      store, kTypes, wire::decode_access,
      [&](const std::string& id, const access::Event& event, const eventstore::RecordedEvent& e) {
        auto& entry = registry->tokens_[id];
        entry.state = access::evolve(std::move(entry.state), event);
        entry.version = e.stream_version;
      });
  if (!folded) return std::unexpected(folded.error());
  return registry;
}

Result<void> TokenRegistry::append(const std::string& token_id, std::uint64_t expected_version,
                                   const access::Command& command, const eventstore::Actor& actor) {
  access::State state;
  {
    std::shared_lock lock(mutex_);
    if (auto it = tokens_.find(token_id); it != tokens_.end()) state = it->second.state;
  }
  auto decision = access::decide(command, state);
  if (!decision) return std::unexpected(refused(decision.error()));
  if (decision->empty()) return {};
  std::vector<eventstore::EventData> events;
  for (const auto& e : *decision) events.push_back(wire::encode(e));
  const auto expected = expected_version == 0
                            ? eventstore::ExpectedVersion::no_stream()
                            : eventstore::ExpectedVersion::exact(expected_version);
  auto appended =
      store_.append(engine::token_stream(token_id), expected, std::move(events), {}, actor);
  if (!appended) return std::unexpected(appended.error());
  std::unique_lock lock(mutex_);
  auto& entry = tokens_[token_id];
  for (const auto& e : *decision) entry.state = access::evolve(std::move(entry.state), e);
  entry.version = appended->stream_versions.front();
  return {};
}

Result<IssuedToken> TokenRegistry::issue(access::Role role, access::Scope scope, std::string label,
                                         const eventstore::Actor& actor) {
  auto id = random_hex(kIdBytes);
  auto secret = random_hex(kSecretBytes);
  if (!id || !secret) return std::unexpected(!id ? id.error() : secret.error());
  access::IssueToken command{*id,     sha256_hex(*secret), role, std::move(scope), std::move(label),
                             now_us()};
  access::TokenIssued record{command.token_id, command.secret_sha256, command.role,
                             command.scope,    command.label,         command.at};
  auto appended = append(*id, 0, command, actor);
  if (!appended) return std::unexpected(appended.error());
  return IssuedToken{std::string(kPrefix) + *id + "_" + *secret, std::move(record)};
}

Result<void> TokenRegistry::revoke(const std::string& token_id, std::string reason,
                                   const eventstore::Actor& actor) {
  std::uint64_t version = 0;
  {
    std::shared_lock lock(mutex_);
    auto it = tokens_.find(token_id);
    if (it == tokens_.end()) return fail(ErrorCode::not_found, "no token " + token_id);
    version = it->second.version;
  }
  return append(token_id, version, access::RevokeToken{token_id, std::move(reason), now_us()},
                actor);
}

std::variant<access::Principal, AuthenticationFailure> TokenRegistry::authenticate(
    std::string_view bearer) const {
  const auto separator = bearer.find('_', kPrefix.size());
  if (!bearer.starts_with(kPrefix) || separator == std::string_view::npos) {
    return AuthenticationFailure{"the bearer token is not an Ordo API token"};
  }
  const auto id = bearer.substr(kPrefix.size(), separator - kPrefix.size());
  const auto secret = bearer.substr(separator + 1);
  const auto hash = sha256_hex(secret);
  std::shared_lock lock(mutex_);
  auto it = tokens_.find(id);
  const auto& state = it == tokens_.end() ? access::State{} : it->second.state;
  // Compare in constant time so that the stored hash cannot be probed byte by byte.
  const bool matches = state.exists && equal_constant_time(state.issued.secret_sha256, hash);
  if (!matches) return AuthenticationFailure{"unknown API token"};
  if (state.revoked) return AuthenticationFailure{"this API token was revoked"};
  return access::principal_of(state.issued.token_id, state.issued.role, state.issued.scope);
}

std::vector<access::State> TokenRegistry::list() const {
  std::shared_lock lock(mutex_);
  std::vector<access::State> out;
  for (const auto& [id, entry] : tokens_) out.push_back(entry.state);
  return out;
}

}  // namespace ordo::gateway
