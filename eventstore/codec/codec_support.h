// Helpers shared by the codec's translation units. Internal.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"
#include "eventstore/types.h"

namespace ordo::wire {

using Builder = flatbuffers::FlatBufferBuilder;

inline EventData finish(Builder& builder, std::string type) {
  return EventData{
      std::move(type), 1,
      std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()), builder.GetSize())};
}

inline std::string text(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

inline std::vector<std::string> texts(
    const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
  std::vector<std::string> out;
  if (v != nullptr) {
    for (const auto* s : *v) out.push_back(text(s));
  }
  return out;
}

template <class T>
std::vector<T> scalars(const flatbuffers::Vector<T>* v) {
  return v == nullptr ? std::vector<T>() : std::vector<T>(v->begin(), v->end());
}

inline flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> strings(
    Builder& b, const std::vector<std::string>& values) {
  return b.CreateVectorOfStrings(values);
}

/// The first enumeration value out of its range met while decoding on this thread, if any. Old
/// logs replay forever, but a value this build does not know is never clamped to a known one:
/// decode() turns it into an error naming the field (eventstore/FORMAT.md).
inline thread_local std::string unknown_enum_value;

/// `value` as enumeration E when it is at most `last`; otherwise E{} and the problem noted.
template <class E>
E enum_of(std::uint8_t value, E last, const char* field) {
  if (value <= static_cast<std::uint8_t>(last)) return static_cast<E>(value);
  if (unknown_enum_value.empty())
    unknown_enum_value = std::string(field) + " has unknown value " + std::to_string(value);
  return E{};
}

/// `payload`, or a copy of it in `storage` when it is not 8-byte aligned: FlatBuffers reads
/// scalars in place, and a slice of a RocksDB block (or of a fuzzer's input) may start anywhere.
inline std::string_view aligned(std::string_view payload, std::string& storage) {
  if (reinterpret_cast<std::uintptr_t>(payload.data()) % 8 == 0) return payload;
  storage.assign(payload);  // std::string's buffer is aligned for any scalar
  return storage;
}

/// Verifies `payload` as a `T` table before anything reads it.
template <class T>
Result<const T*> root(std::string_view payload, std::string_view type) {
  // Reading a misaligned buffer is undefined behaviour (decode copies such a payload first).
  if (reinterpret_cast<std::uintptr_t>(payload.data()) % 8 != 0)
    return fail(ErrorCode::internal, "payload of " + std::string(type) + " is not aligned");
  const auto* data = reinterpret_cast<const std::uint8_t*>(payload.data());
  flatbuffers::Verifier verifier(data, payload.size(), /*max_depth=*/16, /*max_tables=*/100000);
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    return fail(ErrorCode::corruption, "payload of " + std::string(type) + " fails verification");
  }
  return flatbuffers::GetRoot<T>(data);
}

/// The type name of every alternative of an event variant, in variant order, as `encode` writes
/// it: derived, never listed by hand, so that a new event cannot be missed.
template <class Variant, class Encode>
std::vector<std::string> type_names_of(Encode encode) {
  std::vector<std::string> names;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (names.push_back(encode(Variant{std::in_place_index<I>}).type), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Variant>>{});
  return names;
}

/// What every decoder of a family of payloads checks around `decode(aligned payload)`: the schema
/// version, that the type is one of the family's (`known`), alignment, and an enumeration value
/// this build does not know (corruption, never clamped).
template <class Decode>
auto decode_checked(std::string_view type, std::uint16_t schema_version, std::string_view payload,
                    bool known, Decode decode) -> decltype(decode(payload)) {
  if (schema_version > kSchemaVersion) {
    return fail(ErrorCode::invalid_argument,
                std::string(type) + " has a schema version newer than this build reads");
  }
  if (!known)
    return fail(ErrorCode::invalid_argument, "unknown event type '" + std::string(type) + "'");
  std::string storage;
  payload = aligned(payload, storage);
  unknown_enum_value.clear();
  auto decoded = decode(payload);
  if (decoded && !unknown_enum_value.empty()) {
    return fail(ErrorCode::corruption,
                std::string(type) + ": " + unknown_enum_value + ", unknown to this build");
  }
  return decoded;
}

}  // namespace ordo::wire
