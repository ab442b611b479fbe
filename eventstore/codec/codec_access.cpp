// Codec of the API token events. They are not engine events: the pipeline and the projections
// skip them (is_domain_type is false); the gateway's token registry reads them.
#include "eventstore/codec/codec.h"
#include "eventstore/codec/codec_support.h"
#include "eventstore/codec/schema/access_generated.h"

namespace ordo::wire {
namespace fb = ordo::events::fb;
namespace access = domain::access;

EventData encode(const access::Event& event) {
  Builder b;
  if (const auto* e = std::get_if<access::TokenIssued>(&event)) {
    b.Finish(fb::CreateTokenIssuedDirect(b, e->token_id.c_str(), e->secret_sha256.c_str(),
                                         std::string(access::to_string(e->role)).c_str(),
                                         e->scope.site_id.c_str(), e->scope.channel.c_str(),
                                         e->label.c_str(), e->issued_at));
    return finish(b, "TokenIssued");
  }
  const auto& e = std::get<access::TokenRevoked>(event);
  b.Finish(fb::CreateTokenRevokedDirect(b, e.token_id.c_str(), e.reason.c_str(), e.revoked_at));
  return finish(b, "TokenRevoked");
}

bool is_access_type(std::string_view type) {
  return type == "TokenIssued" || type == "TokenRevoked";
}

Result<access::Event> decode_access(std::string_view type, std::uint16_t schema_version,
                                    std::string_view payload) {
  if (schema_version > kSchemaVersion) {
    return fail(ErrorCode::invalid_argument,
                std::string(type) + " has a schema version newer than this build reads");
  }
  std::string storage;
  payload = aligned(payload, storage);
  if (type == "TokenIssued") {
    auto table = root<fb::TokenIssued>(payload, type);
    if (!table) return std::unexpected(table.error());
    const auto* t = *table;
    auto role = access::role_from_string(text(t->role()));
    if (!role) return fail(ErrorCode::corruption, "TokenIssued names an unknown role");
    return access::Event{access::TokenIssued{text(t->token_id()),
                                             text(t->secret_sha256()),
                                             *role,
                                             {text(t->site_id()), text(t->channel())},
                                             text(t->label()),
                                             t->issued_at()}};
  }
  if (type == "TokenRevoked") {
    auto table = root<fb::TokenRevoked>(payload, type);
    if (!table) return std::unexpected(table.error());
    const auto* t = *table;
    return access::Event{
        access::TokenRevoked{text(t->token_id()), text(t->reason()), t->revoked_at()}};
  }
  return fail(ErrorCode::invalid_argument, "unknown event type '" + std::string(type) + "'");
}

}  // namespace ordo::wire
