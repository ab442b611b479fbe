#include "eventstore/keys.h"

#include <cstring>

namespace ordo::eventstore {

std::string log_key(std::uint64_t position) {
  std::string key;
  key.reserve(8);
  put_u64_be(key, position);
  return key;
}

std::optional<std::uint64_t> parse_log_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return get_u64_be(key.data());
}

std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream);
  key.push_back('\0');
  put_u64_be(key, version);
  return key;
}

std::string stream_prefix(std::string_view stream) {
  std::string key(stream);
  key.push_back('\0');
  return key;
}

std::string encode_head(std::uint64_t position, const Hash256& hash) {
  std::string value;
  value.reserve(40);
  put_u64_be(value, position);
  value.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return value;
}

Result<std::pair<std::uint64_t, Hash256>> decode_head(std::string_view value) {
  if (value.size() != 40) {
    return fail(ErrorCode::corruption,
                "meta/head has " + std::to_string(value.size()) + " bytes, expected 40");
  }
  Hash256 hash{};
  std::memcpy(hash.data(), value.data() + 8, hash.size());
  return std::pair{get_u64_be(value.data()), hash};
}

std::string encode_idempotency(const IdempotencyRecord& record) {
  std::string value;
  value.reserve(32 + 8 * 3 + 8 * record.result.stream_versions.size() + 4 +
                record.result.response.size());
  value.append(reinterpret_cast<const char*>(record.request_hash.data()), 32);
  put_u64_be(value, record.result.first_position);
  put_u64_be(value, record.result.last_position);
  put_u64_be(value, record.result.stream_versions.size());
  for (auto v : record.result.stream_versions) put_u64_be(value, v);
  put_u64_be(value, record.result.response.size());
  value.append(record.result.response);
  return value;
}

Result<IdempotencyRecord> decode_idempotency(std::string_view value) {
  auto corrupt = [&](std::string why) {
    return fail(ErrorCode::corruption, "idempotency record: " + why);
  };
  if (value.size() < 32 + 24) return corrupt("too short");
  IdempotencyRecord record;
  std::memcpy(record.request_hash.data(), value.data(), 32);
  const char* p = value.data() + 32;
  record.result.first_position = get_u64_be(p);
  record.result.last_position = get_u64_be(p + 8);
  const std::uint64_t versions = get_u64_be(p + 16);
  std::size_t offset = 32 + 24;
  if (versions > kEventsPerAppendMax || value.size() < offset + versions * 8 + 8) {
    return corrupt("stream version count out of range");
  }
  for (std::uint64_t i = 0; i < versions; ++i, offset += 8) {
    record.result.stream_versions.push_back(get_u64_be(value.data() + offset));
  }
  const std::uint64_t response_bytes = get_u64_be(value.data() + offset);
  offset += 8;
  if (response_bytes != value.size() - offset) return corrupt("response length mismatch");
  record.result.response.assign(value.substr(offset));
  return record;
}

std::string encode_u64(std::uint64_t value) { return log_key(value); }

Result<std::uint64_t> decode_u64(std::string_view value, std::string_view what) {
  if (value.size() != 8) {
    return fail(ErrorCode::corruption,
                std::string(what) + " has " + std::to_string(value.size()) + " bytes, expected 8");
  }
  return get_u64_be(value.data());
}

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<std::uint8_t>(s[i]);
  std::size_t length = 0;
  std::uint32_t min_code = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    length = 2;
    min_code = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    length = 3;
    min_code = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    length = 4;
    min_code = 0x10000;
  } else
    return 0;
  if (i + length > s.size()) return 0;
  std::uint32_t code = c & (0x7Fu >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto cc = static_cast<std::uint8_t>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    code = (code << 6) | (cc & 0x3Fu);
  }
  if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

std::optional<std::string> check_text(std::string_view value, std::size_t bytes_max,
                                      std::string_view what) {
  if (value.size() > bytes_max) {
    return std::string(what) + " is " + std::to_string(value.size()) + " bytes, at most " +
           std::to_string(bytes_max) + " allowed";
  }
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<std::uint8_t>(value[i]);
    if (c < 0x20 || c == 0x7F) {
      return std::string(what) + " contains a control character at byte " + std::to_string(i);
    }
    const std::size_t length = utf8_sequence_length(value, i);
    if (length == 0) {
      return std::string(what) + " is not valid UTF-8 at byte " + std::to_string(i);
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<std::string> check_identifier(std::string_view value, std::size_t bytes_max,
                                            std::string_view what) {
  if (value.empty()) return std::string(what) + " is empty";
  return check_text(value, bytes_max, what);
}

}  // namespace ordo::eventstore
