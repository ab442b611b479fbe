// Helpers shared by the codec's translation units. Internal.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "eventstore/types.h"

namespace ordo::wire {

using Builder = flatbuffers::FlatBufferBuilder;

inline EventData finish(Builder& builder, std::string type) {
  return EventData{std::move(type), 1,
                   std::string(reinterpret_cast<const char*>(builder.GetBufferPointer()),
                               builder.GetSize())};
}

inline std::string text(const flatbuffers::String* s) { return s == nullptr ? std::string() : s->str(); }

inline std::vector<std::string> texts(const flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>* v) {
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

/// Verifies `payload` as a `T` table before anything reads it.
template <class T>
Result<const T*> root(std::string_view payload, std::string_view type) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(payload.data());
  flatbuffers::Verifier verifier(data, payload.size(), /*max_depth=*/16, /*max_tables=*/100000);
  if (!verifier.VerifyBuffer<T>(nullptr)) {
    return fail(ErrorCode::corruption, "payload of " + std::string(type) + " fails verification");
  }
  return flatbuffers::GetRoot<T>(data);
}

}  // namespace ordo::wire
