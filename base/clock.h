// The wall clock, read at the edges (the domain takes time in with each command).
#pragma once

#include <chrono>
#include <cstdint>

namespace ordo {

/// Microseconds since the Unix epoch, UTC (domain::Instant's unit).
inline std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ordo
