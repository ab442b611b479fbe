// What the crash test's parent and child share: the layout of the acknowledgement file.
#pragma once

#include <cstdint>
#include <string>

namespace ordo::eventstore::crash {

inline constexpr std::size_t kStreams = 24;

struct AckFile {
  std::uint64_t ready;                   // the child opened the store and started appending
  std::uint64_t acknowledged[kStreams];  // per stream: highest version acknowledged as durable
};

inline std::string stream_name(std::size_t s) { return "crash-" + std::to_string(s); }
inline std::string payload(const std::string& stream, std::uint64_t version) {
  return stream + "@" + std::to_string(version);
}

}  // namespace ordo::eventstore::crash
