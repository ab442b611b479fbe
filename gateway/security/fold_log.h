// Folds the events of the registries that live beside the engine (API tokens, users, sessions):
// they are not engine events, so each registry reads its own types from the whole log at start.
#pragma once

#include <string>
#include <vector>

#include "engine/streams.h"
#include "eventstore/event_store.h"

namespace ordo::gateway {

/// Reads every event of `types` in log order, decodes it with `decode` (type, schema version,
/// payload -> Result<Event>) and hands `apply` the key of its aggregate-A stream, the decoded
/// event and the recorded one. Errors: corruption (an event in a stream that is not A's), the
/// codec's and the store's.
template <engine::Aggregate A, class Decode, class Apply>
Result<void> fold_log(eventstore::EventStore& store, const std::vector<std::string>& types,
                      Decode decode, Apply apply) {
  std::uint64_t from = 1;
  for (;;) {
    auto events = store.read_all(from, 4096, {types.begin(), types.end()});
    if (!events) return std::unexpected(events.error());
    if (events->empty()) return {};
    for (const eventstore::RecordedEvent& e : *events) {
      auto decoded = decode(e.type, e.schema_version, e.payload);
      if (!decoded) return std::unexpected(decoded.error());
      const auto key = engine::parse_stream<A>(e.stream);
      if (!key) {
        return fail(ErrorCode::corruption, "position " + std::to_string(e.position) + ": " +
                                               e.type + " in stream '" + e.stream + "'");
      }
      apply(std::string(*key), *decoded, e);
    }
    from = events->back().position + 1;
  }
}

}  // namespace ordo::gateway
