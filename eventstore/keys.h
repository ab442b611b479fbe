// Key and value encodings of the store's column families. The byte layouts are documented in
// eventstore/FORMAT.md; change them only together with that document and the format version.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "eventstore/types.h"

namespace ordo::eventstore {

/// 2: the heads column family is written at checkpoints (meta "heads_position"), not per batch.
/// A version 1 store is upgraded when it is first opened for writing.
inline constexpr std::uint32_t kFormatVersion = 2;

// Column family names.
inline constexpr const char* kCfLog = "log";
inline constexpr const char* kCfStreams = "streams";
inline constexpr const char* kCfHeads = "heads";
inline constexpr const char* kCfIdempotency = "idempotency";
inline constexpr const char* kCfCheckpoints = "checkpoints";
inline constexpr const char* kCfMeta = "meta";

// Keys of the meta column family.
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaStoreId = "store_id";
inline constexpr std::string_view kMetaHead = "head";
inline constexpr std::string_view kMetaCreatedAt = "created_at_us";
inline constexpr std::string_view kMetaHeadsPosition = "heads_position";

/// log: big-endian u64 position, so that key order is log order.
std::string log_key(std::uint64_t position);
std::optional<std::uint64_t> parse_log_key(std::string_view key);

/// streams: stream id, one 0x00 byte, big-endian u64 version. Stream ids never contain 0x00.
std::string stream_key(std::string_view stream, std::uint64_t version);
/// The smallest key of `stream` (for seeks) and the first key past it.
std::string stream_prefix(std::string_view stream);

/// meta "head": position (u64 BE) then the SHA-256 of the envelope at that position.
std::string encode_head(std::uint64_t position, const Hash256& hash);
Result<std::pair<std::uint64_t, Hash256>> decode_head(std::string_view value);

/// idempotency value: body hash, result positions, stream versions and the stored response.
struct IdempotencyRecord {
  Hash256 request_hash{};
  AppendResult result;
};
std::string encode_idempotency(const IdempotencyRecord& record);
Result<IdempotencyRecord> decode_idempotency(std::string_view value);

/// A u64 stored big-endian on its own (heads, checkpoints, format version).
std::string encode_u64(std::uint64_t value);
Result<std::uint64_t> decode_u64(std::string_view value, std::string_view what);

/// Checks an identifier (stream id, event type): non-empty, at most `bytes_max`, valid UTF-8,
/// no control characters. Returns a message naming `what` when it is not.
std::optional<std::string> check_identifier(std::string_view value, std::size_t bytes_max,
                                            std::string_view what);
/// Checks optional text (ids, keys): at most `bytes_max`, valid UTF-8, no control characters.
std::optional<std::string> check_text(std::string_view value, std::size_t bytes_max,
                                      std::string_view what);

}  // namespace ordo::eventstore
