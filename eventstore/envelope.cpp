#include "eventstore/envelope.h"

#include <cstring>
#include <gsl/assert>

#include "eventstore/checksum.h"
#include "eventstore/schema/envelope_generated.h"

namespace ordo::eventstore {
namespace {

namespace fb = ordo::eventstore::fb;

std::uint32_t checksum_of(const std::uint8_t* data, std::size_t size,
                          const std::uint8_t* checksum_field) {
  static constexpr std::uint8_t kZeros[4] = {0, 0, 0, 0};
  const auto prefix = static_cast<std::size_t>(checksum_field - data);
  std::uint32_t crc = crc32c_extend(0, data, prefix);
  crc = crc32c_extend(crc, kZeros, 4);
  return crc32c_extend(crc, checksum_field + 4, size - prefix - 4);
}

// Envelope derives privately from flatbuffers::Table, which is its whole layout; the table view
// gives the address of the checksum field so the checksum can skip its own four bytes.
const std::uint8_t* checksum_address(const fb::Envelope* envelope) {
  return reinterpret_cast<const flatbuffers::Table*>(envelope)->GetAddressOf(
      fb::Envelope::VT_CHECKSUM);
}

}  // namespace

flatbuffers::DetachedBuffer build_envelope(const EventData& event, std::string_view stream,
                                           const AppendRequest& request) {
  flatbuffers::FlatBufferBuilder builder(256 + event.payload.size() + stream.size());
  builder.ForceDefaults(true);
  auto stream_offset = builder.CreateString(stream.data(), stream.size());
  auto type_offset = builder.CreateString(event.type);
  auto correlation = builder.CreateString(request.correlation_id);
  auto causation = builder.CreateString(request.causation_id);
  auto actor_id = builder.CreateString(request.actor.id);
  auto payload = builder.CreateVector(reinterpret_cast<const std::uint8_t*>(event.payload.data()),
                                      event.payload.size());
  const fb::Hash256 zero_hash;
  fb::EnvelopeBuilder envelope(builder);
  envelope.add_position(0);
  envelope.add_stream_version(0);
  envelope.add_recorded_at_us(0);
  envelope.add_checksum(0);
  envelope.add_previous_hash(&zero_hash);
  envelope.add_stream(stream_offset);
  envelope.add_type(type_offset);
  envelope.add_schema_version(event.schema_version);
  envelope.add_correlation_id(correlation);
  envelope.add_causation_id(causation);
  envelope.add_actor_kind(static_cast<fb::ActorKind>(request.actor.kind));
  envelope.add_actor_id(actor_id);
  envelope.add_payload(payload);
  builder.Finish(envelope.Finish(), fb::EnvelopeIdentifier());
  return builder.Release();
}

Hash256 seal_envelope(flatbuffers::DetachedBuffer& buffer, std::uint64_t position,
                      std::uint64_t stream_version, std::int64_t recorded_at_us,
                      const Hash256& previous_hash) {
  auto* envelope = fb::GetMutableEnvelope(buffer.data());
  // ForceDefaults in build_envelope guarantees these fields are present, so Mutate cannot fail.
  const bool patched =
      envelope->mutate_position(position) && envelope->mutate_stream_version(stream_version) &&
      envelope->mutate_recorded_at_us(recorded_at_us) && envelope->mutate_checksum(0);
  Expects(patched);
  auto* hash = envelope->mutable_previous_hash();
  std::memcpy(hash->mutable_bytes()->Data(), previous_hash.data(), previous_hash.size());
  const auto* checksum_field = checksum_address(envelope);
  envelope->mutate_checksum(checksum_of(buffer.data(), buffer.size(), checksum_field));
  return sha256(std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
}

Result<DecodedEnvelope> decode_envelope(std::string_view bytes, std::uint64_t key_position) {
  auto corrupt = [&](const char* why) {
    return fail(ErrorCode::corruption,
                "event at position " + std::to_string(key_position) + ": " + why);
  };
  DecodedEnvelope out;
  // FlatBuffers reads scalars in place, and a value in a RocksDB block may start anywhere: read
  // a misaligned envelope from an aligned copy, which the decoded views then point into.
  if (reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(std::uint64_t) != 0) {
    out.aligned = std::make_unique_for_overwrite<std::uint64_t[]>(bytes.size() / 8 + 1);
    std::memcpy(out.aligned.get(), bytes.data(), bytes.size());
    bytes = std::string_view(reinterpret_cast<const char*>(out.aligned.get()), bytes.size());
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  flatbuffers::Verifier verifier(data, bytes.size(), /*max_depth=*/8, /*max_tables=*/16);
  if (!fb::VerifyEnvelopeBuffer(verifier))
    return corrupt("envelope fails FlatBuffers verification");
  const auto* envelope = fb::GetEnvelope(data);
  const auto* checksum_field = checksum_address(envelope);
  if (checksum_field == nullptr || envelope->previous_hash() == nullptr ||
      envelope->stream() == nullptr || envelope->type() == nullptr) {
    return corrupt("envelope lacks a required field");
  }
  if (checksum_of(data, bytes.size(), checksum_field) != envelope->checksum()) {
    return corrupt("checksum mismatch");
  }
  if (envelope->position() != key_position)
    return corrupt("envelope position differs from its key");
  if (static_cast<std::uint8_t>(envelope->actor_kind()) >
      static_cast<std::uint8_t>(ActorKind::integration))
    return corrupt("envelope names an unknown kind of actor");
  auto view_of = [](const flatbuffers::String* s) {
    return s == nullptr ? std::string_view{} : std::string_view(s->data(), s->size());
  };
  EventView& e = out.event;
  e.position = envelope->position();
  e.stream = view_of(envelope->stream());
  e.stream_version = envelope->stream_version();
  e.type = view_of(envelope->type());
  e.schema_version = envelope->schema_version();
  e.recorded_at_us = envelope->recorded_at_us();
  e.correlation_id = view_of(envelope->correlation_id());
  e.causation_id = view_of(envelope->causation_id());
  e.actor_kind = static_cast<ActorKind>(envelope->actor_kind());
  e.actor_id = view_of(envelope->actor_id());
  if (const auto* payload = envelope->payload(); payload != nullptr) {
    e.payload = std::string_view(reinterpret_cast<const char*>(payload->data()), payload->size());
  }
  std::memcpy(out.previous_hash.data(), envelope->previous_hash()->bytes()->Data(), 32);
  return out;
}

RecordedEvent EventView::to_owned() const {
  return RecordedEvent{position,
                       std::string(stream),
                       stream_version,
                       std::string(type),
                       schema_version,
                       recorded_at_us,
                       std::string(correlation_id),
                       std::string(causation_id),
                       Actor{actor_kind, std::string(actor_id)},
                       std::string(payload)};
}

}  // namespace ordo::eventstore
