// The event envelope (eventstore/envelope.h): how every event is laid out in the log, read back
// by decode_envelope before anything trusts it. The first byte picks the form:
// - stored bytes as they are, at any address, under a key position: decoded or refused as
//   corruption, never a crash or a read out of bounds; what decodes is sealed again from its
//   fields and decodes to the same event (a decoded event is a whole one);
// - an envelope built and sealed from the fuzzer's fields: it decodes to exactly those fields
//   under its own position and is refused under any other; with any bytes at any offset changed
//   (a burst of up to four bytes, which the CRC32C always catches), it is refused as corruption.
#include <fuzzer/FuzzedDataProvider.h>

#include "eventstore/envelope.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
using namespace ordo::eventstore;

void check_refused(const Result<DecodedEnvelope>& decoded) {
  ORDO_FUZZ_CHECK(!decoded && decoded.error().code == ErrorCode::corruption);
  ORDO_FUZZ_CHECK(!decoded.error().message.empty());
}

struct Fields {
  EventData event;
  std::string stream;
  AppendRequest request;
  std::uint64_t position = 0, version = 0;
  std::int64_t recorded_at = 0;
  Hash256 previous{};
};

flatbuffers::DetachedBuffer sealed(const Fields& f) {
  auto buffer = build_envelope(f.event, f.stream, f.request);
  seal_envelope(buffer, f.position, f.version, f.recorded_at, f.previous);
  return buffer;
}

void check_same(const EventView& e, const Fields& f) {
  ORDO_FUZZ_CHECK(e.position == f.position && e.stream_version == f.version);
  ORDO_FUZZ_CHECK(e.stream == f.stream && e.type == f.event.type);
  ORDO_FUZZ_CHECK(e.schema_version == f.event.schema_version && e.payload == f.event.payload);
  ORDO_FUZZ_CHECK(e.recorded_at_us == f.recorded_at);
  ORDO_FUZZ_CHECK(e.correlation_id == f.request.correlation_id);
  ORDO_FUZZ_CHECK(e.causation_id == f.request.causation_id);
  ORDO_FUZZ_CHECK(e.actor_kind == f.request.actor.kind && e.actor_id == f.request.actor.id);
}

Fields fields_of(const EventView& e, const Hash256& previous) {
  Fields f;
  f.event = {std::string(e.type), e.schema_version, std::string(e.payload)};
  f.stream = e.stream;
  f.request.actor = {e.actor_kind, std::string(e.actor_id)};
  f.request.correlation_id = e.correlation_id;
  f.request.causation_id = e.causation_id;
  f.position = e.position;
  f.version = e.stream_version;
  f.recorded_at = e.recorded_at_us;
  f.previous = previous;
  return f;
}

void stored_bytes(FuzzedDataProvider& in) {
  const auto key = in.ConsumeIntegral<std::uint64_t>();
  // At any address, as in a RocksDB block: a value need not start on an aligned boundary.
  const auto shift = key % 8;
  const auto stored = std::string(shift, '\0') + in.ConsumeRemainingBytesAsString();
  const auto bytes = std::string_view(stored).substr(shift);
  const auto decoded = decode_envelope(bytes, key);
  if (!decoded) return check_refused(decoded);
  ORDO_FUZZ_CHECK(decoded->event.position == key);
  ORDO_FUZZ_CHECK(decoded->event.actor_kind <= ActorKind::integration);
  const auto f = fields_of(decoded->event, decoded->previous_hash);
  const auto again = sealed(f);
  const std::string_view view(reinterpret_cast<const char*>(again.data()), again.size());
  const auto redecoded = decode_envelope(view, key);
  ORDO_FUZZ_CHECK(redecoded.has_value());
  check_same(redecoded->event, f);
  ORDO_FUZZ_CHECK(redecoded->previous_hash == decoded->previous_hash);
}

void built_then_damaged(FuzzedDataProvider& in) {
  Fields f;
  f.event.type = in.ConsumeRandomLengthString(64);
  f.event.schema_version = in.ConsumeIntegral<std::uint16_t>();
  f.stream = in.ConsumeRandomLengthString(64);
  f.request.actor = {static_cast<ActorKind>(in.ConsumeIntegralInRange(0, 3)),
                     in.ConsumeRandomLengthString(32)};
  f.request.correlation_id = in.ConsumeRandomLengthString(32);
  f.request.causation_id = in.ConsumeRandomLengthString(32);
  f.position = in.ConsumeIntegral<std::uint64_t>();
  f.version = in.ConsumeIntegral<std::uint64_t>();
  f.recorded_at = in.ConsumeIntegral<std::int64_t>();
  for (auto& byte : f.previous) byte = in.ConsumeIntegral<std::uint8_t>();
  const auto offset = in.ConsumeIntegral<std::uint32_t>();
  const auto flip = in.ConsumeIntegral<std::uint32_t>();
  const auto other_key = in.ConsumeIntegral<std::uint64_t>();
  f.event.payload = in.ConsumeRemainingBytesAsString();
  const auto buffer = sealed(f);
  std::string bytes(reinterpret_cast<const char*>(buffer.data()), buffer.size());
  const auto decoded = decode_envelope(bytes, f.position);
  ORDO_FUZZ_CHECK(decoded.has_value());
  check_same(decoded->event, f);
  ORDO_FUZZ_CHECK(decoded->previous_hash == f.previous);
  if (other_key != f.position) check_refused(decode_envelope(bytes, other_key));
  if (flip == 0) return;
  const auto at = offset % bytes.size();
  for (std::size_t i = 0; i < 4 && at + i < bytes.size(); ++i)
    bytes[at + i] = static_cast<char>(bytes[at + i] ^ static_cast<char>(flip >> (8 * i)));
  if (bytes == std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()))
    return;  // the flipped bits fell past the end
  check_refused(decode_envelope(bytes, f.position));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    stored_bytes(in);
  } else {
    built_then_damaged(in);
  }
  return 0;
}
