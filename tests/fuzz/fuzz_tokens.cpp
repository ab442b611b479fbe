// API token authentication (gateway/security/tokens.h) on any bearer text, against a registry
// over a real event store holding a token of each role and a revoked one. The first byte picks the
// form: the bytes as they are, or one of the real tokens with the bytes XORed into it (so that the
// fuzzer works close to real tokens, where a comparison bug would show).
// Properties: a bearer authenticates if and only if it is exactly a live token, and then as that
// token's id, role and scope; the exact text of the revoked token is refused as revoked; every
// refusal has a reason; authenticating changes nothing (the log does not move).
#include "gateway/security/tokens.h"
#include "projections/projector.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
namespace access = domain::access;

struct Registry {
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<gateway::TokenRegistry> tokens;
  std::vector<gateway::IssuedToken> live;
  std::string revoked;
};

Registry& registry() {
  static Registry* r = [] {
    auto* made = new Registry;
    char pattern[] = "/tmp/ordo-fuzz-tokens-XXXXXX";
    const std::string dir = mkdtemp(pattern);
    fuzz::remove_at_exit(dir);
    eventstore::Options options;
    options.data_dir = dir;
    options.durability = eventstore::Durability::none;
    made->store = std::move(*eventstore::EventStore::open(std::move(options)));
    made->tokens = std::move(*gateway::TokenRegistry::load(*made->store));
    const eventstore::Actor actor{eventstore::ActorKind::system, "fuzz"};
    const std::pair<access::Role, access::Scope> grants[] = {
        {access::Role::admin, {}},
        {access::Role::store, {"FR-CAEN", ""}},
        {access::Role::integration, {"", "web"}},
        {access::Role::auditor, {}}};
    for (const auto& [role, scope] : grants)
      made->live.push_back(*made->tokens->issue(role, scope, "fuzz", actor));
    auto revoked = *made->tokens->issue(access::Role::admin, {}, "fuzz", actor);
    if (!made->tokens->revoke(revoked.record.token_id, "fuzz", actor)) std::abort();
    made->revoked = revoked.token;
    return made;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& r = registry();
  fuzz::Input input{data, size};
  const auto form = input.take() % 7;
  std::string bearer(input.rest());
  if (form > 0) {  // a real token (the revoked one for form 5), with the bytes XORed into it
    bearer = form <= r.live.size() ? r.live[form - 1].token : r.revoked;
    const auto flips = input.rest();
    for (std::size_t i = 0; i < flips.size() && i < bearer.size(); ++i)
      bearer[i] = static_cast<char>(bearer[i] ^ flips[i]);
    if (form == 6 && !flips.empty())
      bearer.append(flips.substr(std::min(flips.size(), bearer.size())));
  }
  const auto before = r.store->durable_position();
  const auto who = r.tokens->authenticate(bearer);
  ORDO_FUZZ_CHECK(r.store->durable_position() == before);
  const gateway::IssuedToken* exact = nullptr;
  for (const auto& token : r.live)
    if (token.token == bearer) exact = &token;
  if (exact == nullptr) {
    const auto* failure = std::get_if<gateway::AuthenticationFailure>(&who);
    ORDO_FUZZ_CHECK(failure != nullptr && !failure->reason.empty());
    if (bearer == r.revoked) ORDO_FUZZ_CHECK(failure->reason.find("revoked") != std::string::npos);
    return 0;
  }
  const auto* principal = std::get_if<access::Principal>(&who);
  ORDO_FUZZ_CHECK(principal != nullptr);
  ORDO_FUZZ_CHECK(principal->id == exact->record.token_id);
  const auto expected =
      access::principal_of(exact->record.token_id, exact->record.role, exact->record.scope);
  ORDO_FUZZ_CHECK(principal->id == expected.id && principal->grants == expected.grants &&
                  principal->kind == expected.kind);
  return 0;
}
