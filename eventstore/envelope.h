// The envelope: how one event is laid out in the log (FlatBuffers, eventstore/schema/envelope.fbs).
//
// An envelope is built in two steps so that most of the work happens on the submitting thread:
// `build_envelope` lays out everything the caller knows; `seal_envelope`, on the writer thread,
// patches the position, stream version, recorded-at time and previous hash in place, then the
// checksum. `decode_envelope` verifies stored bytes before anything reads them.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "eventstore/types.h"

namespace ordo::eventstore {

/// Lays out one event's envelope with placeholders for the fields sealed later.
flatbuffers::DetachedBuffer build_envelope(const EventData& event, std::string_view stream,
                                           const AppendRequest& request);

/// Fills the placeholders and the checksum of a buffer from `build_envelope`, in place.
/// Returns the SHA-256 of the sealed bytes: the next envelope's previous hash.
Hash256 seal_envelope(flatbuffers::DetachedBuffer& buffer, std::uint64_t position,
                      std::uint64_t stream_version, std::int64_t recorded_at_us,
                      const Hash256& previous_hash);

struct DecodedEnvelope {
  EventView event;  // views into the stored bytes, or into `aligned`
  Hash256 previous_hash{};
  /// The stored bytes copied to an 8-byte boundary when they were not on one.
  std::unique_ptr<std::uint64_t[]> aligned;
};

/// Verifies stored bytes (FlatBuffers verifier, identifier, checksum, position equal to the key)
/// and decodes them without copying (but for bytes off an 8-byte boundary, read from an aligned
/// copy). Errors are ErrorCode::corruption naming what is wrong.
Result<DecodedEnvelope> decode_envelope(std::string_view bytes, std::uint64_t key_position);

}  // namespace ordo::eventstore
