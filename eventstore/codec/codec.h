// The event codec: domain events <-> log payloads (FlatBuffers tables, eventstore/schema/*.fbs).
//
// Each domain event is stored with its type name (the C++ struct's name, e.g. "OrderPlaced") and
// a schema version; `decode` verifies the payload before reading it and refuses unknown types and
// newer schema versions with an error rather than guessing. Pure functions, thread-safe.
#pragma once

#include <array>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "domain/access.h"
#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/configuration.h"
#include "domain/order.h"
#include "domain/sessions.h"
#include "domain/site.h"
#include "domain/stock.h"
#include "domain/users.h"
#include "eventstore/types.h"

namespace ordo::wire {

using eventstore::EventData;

/// Any domain event, tagged by its aggregate.
using DomainEvent = std::variant<domain::site::Event, domain::catalog::Event, domain::stock::Event,
                                 domain::order::Event, domain::configuration::Event,
                                 domain::brand::Event, domain::channel::Event>;

inline constexpr std::uint16_t kSchemaVersion = 1;

EventData encode(const domain::site::Event& event);
EventData encode(const domain::catalog::Event& event);
EventData encode(const domain::stock::Event& event);
EventData encode(const domain::order::Event& event);
EventData encode(const domain::configuration::Event& event);
EventData encode(const domain::brand::Event& event);
EventData encode(const domain::channel::Event& event);
EventData encode(const DomainEvent& event);

/// What a stored event type is to the engine. The table is derived from the event variants (each
/// alternative's encoded type name), never kept by hand, so a new event cannot be forgotten.
enum class TypeKind : std::uint8_t {
  domain,    // an alternative of DomainEvent: folded by the pipeline and the projections
  access,    // API token and user events (domain::access, domain::users): read by the gateway's
             // registries, skipped by the pipeline and the projections
  workload,  // written by `ordo log generate` (benchmarks, demos of the bare log): no business
             // effect
  obsolete,  // once written, no longer produced; declared in kObsoleteTypes and skipped on replay
  unknown,   // none of the above: a log written by a newer Ordo, or damage. Never skipped.
};
TypeKind kind_of(std::string_view type);

/// Types no longer produced whose old events are skipped on replay. Empty today: a type that stops
/// being produced moves here, so that old logs keep replaying (eventstore/FORMAT.md).
inline constexpr std::array<std::string_view, 0> kObsoleteTypes{};

/// True when `type` names a domain event this codec reads.
bool is_domain_type(std::string_view type);

/// The type name of every DomainEvent alternative, in variant order (for tests and tools).
const std::vector<std::string>& domain_type_names();

/// The error for an event the engine must not skip, naming its position.
Error unknown_type_error(std::uint64_t position, std::string_view type);

/// Decodes a stored payload. Errors: invalid_argument for an unknown type or a newer schema
/// version, corruption for a payload that fails verification.
Result<DomainEvent> decode(std::string_view type, std::uint16_t schema_version,
                           std::string_view payload);

/// API token events (stream "token-<id>"): not engine events, so not DomainEvent; the pipeline and
/// projections skip them and the gateway's token registry reads them.
EventData encode(const domain::access::Event& event);
bool is_access_type(std::string_view type);
Result<domain::access::Event> decode_access(std::string_view type, std::uint16_t schema_version,
                                            std::string_view payload);

/// The user aggregate's events (stream "user-<id>"): like the token events, not engine events.
EventData encode(const domain::users::Event& event);
bool is_user_type(std::string_view type);
/// Every user event's type name, in variant order.
const std::vector<std::string>& user_type_names();
Result<domain::users::Event> decode_user(std::string_view type, std::uint16_t schema_version,
                                         std::string_view payload);

/// Session events (stream "session-<id>"): read by the sign-in service, not engine events.
EventData encode(const domain::sessions::Event& event);
bool is_session_type(std::string_view type);
const std::vector<std::string>& session_type_names();
Result<domain::sessions::Event> decode_session(std::string_view type, std::uint16_t schema_version,
                                               std::string_view payload);

}  // namespace ordo::wire
