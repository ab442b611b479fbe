// Value types of the event store's API: what goes in (AppendRequest) and what comes out
// (RecordedEvent, AppendResult). Plain values, no I/O.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ordo::eventstore {

using Hash256 = std::array<std::uint8_t, 32>;

/// Who caused an event. Every event has one (DESIGN.md invariant 6).
enum class ActorKind : std::uint8_t { system = 0, user = 1, store = 2, integration = 3 };

constexpr const char* to_string(ActorKind kind) {
  switch (kind) {
    case ActorKind::system:
      return "system";
    case ActorKind::user:
      return "user";
    case ActorKind::store:
      return "store";
    case ActorKind::integration:
      return "integration";
  }
  return "unknown";
}

struct Actor {
  ActorKind kind = ActorKind::system;
  std::string id;  // user name, site id, integration name; may be empty for `system`

  friend bool operator==(const Actor&, const Actor&) = default;
};

/// What the caller expects a stream's version to be before its events are appended.
struct ExpectedVersion {
  enum class Kind : std::uint8_t { any, no_stream, exact };
  Kind kind = Kind::any;
  std::uint64_t version = 0;  // only for `exact`; 0 is the same as no_stream

  static ExpectedVersion any() { return {Kind::any, 0}; }
  static ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static ExpectedVersion exact(std::uint64_t v) { return {Kind::exact, v}; }
  friend bool operator==(const ExpectedVersion&, const ExpectedVersion&) = default;
};

/// One event to append: its type, payload schema version and payload bytes.
struct EventData {
  std::string type;
  std::uint16_t schema_version = 1;
  std::string payload;  // opaque bytes (a FlatBuffers table for domain events)

  friend bool operator==(const EventData&, const EventData&) = default;
};

/// Events for one stream, with the version the stream must be at.
struct StreamWrite {
  std::string stream;
  ExpectedVersion expected;
  std::vector<EventData> events;
};

/// An atomic append: every write succeeds together or none does. Most callers append to one
/// stream; the command pipeline appends to several (an order and the stock it reserves).
struct AppendRequest {
  std::vector<StreamWrite> writes;
  std::string idempotency_key;  // empty: no idempotency; otherwise at most 255 bytes
  std::string response;         // stored with the key and returned to a retry (e.g. an HTTP answer)
  // What a retry must match to be the same request. Unset: the hash of `writes`. Callers whose
  // events differ between attempts (they carry fresh ids) set the hash of their command instead.
  std::optional<Hash256> content_hash;
  Actor actor;
  std::string correlation_id;
  std::string causation_id;
};

/// The outcome of a successful append, or of a retry that found the first one.
struct AppendResult {
  std::uint64_t first_position = 0;  // 0 when the request had no events
  std::uint64_t last_position = 0;
  std::vector<std::uint64_t> stream_versions;  // each write's stream version after it
  std::string response;                        // the stored response of the first attempt
  bool duplicate = false;                      // true when answered from the idempotency record

  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

/// An event as stored in the log, decoded and owning its bytes.
struct RecordedEvent {
  std::uint64_t position = 0;
  std::string stream;
  std::uint64_t stream_version = 0;
  std::string type;
  std::uint16_t schema_version = 1;
  std::int64_t recorded_at_us = 0;
  std::string correlation_id;
  std::string causation_id;
  Actor actor;
  std::string payload;
};

/// A decoded event that borrows the stored bytes: valid only inside the callback that receives it.
/// The replay path uses it to avoid copying.
struct EventView {
  std::uint64_t position = 0;
  std::string_view stream;
  std::uint64_t stream_version = 0;
  std::string_view type;
  std::uint16_t schema_version = 1;
  std::int64_t recorded_at_us = 0;
  std::string_view correlation_id;
  std::string_view causation_id;
  ActorKind actor_kind = ActorKind::system;
  std::string_view actor_id;
  std::string_view payload;

  RecordedEvent to_owned() const;
};

/// Limits on what one append may carry: put a limit on everything.
inline constexpr std::size_t kStreamIdBytesMax = 255;
inline constexpr std::size_t kTypeBytesMax = 128;
inline constexpr std::size_t kIdBytesMax = 255;  // idempotency key, correlation, causation, actor
inline constexpr std::size_t kPayloadBytesMax = 1 << 20;
inline constexpr std::size_t kEventsPerAppendMax = 1024;
inline constexpr std::size_t kResponseBytesMax = 64 << 10;

}  // namespace ordo::eventstore
