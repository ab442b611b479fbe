// What the libFuzzer targets share: taking a selector byte off the input, and checking a
// property (a failed check aborts, so that libFuzzer keeps the input as a crash).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace ordo::fuzz {

/// Removes `path` (a file or a directory and all in it) when the process exits: libFuzzer ends a
/// run with exit(). One path per process; kept in a plain buffer, which outlives every static.
inline void remove_at_exit(const std::string& path) {
  static char kept[4096];
  std::snprintf(kept, sizeof kept, "%s", path.c_str());
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(kept, ignored);
  });
}

/// The fuzzer's bytes: a selector first, then the document.
struct Input {
  const std::uint8_t* data;
  std::size_t size;

  /// The first byte (0 when empty), removed from the input.
  std::uint8_t take() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  std::string_view rest() const { return {reinterpret_cast<const char*>(data), size}; }
};

[[noreturn]] inline void violated(const char* property, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n", file, line, property);
  std::abort();
}

}  // namespace ordo::fuzz

#define ORDO_FUZZ_CHECK(condition) \
  ((condition) ? void(0) : ::ordo::fuzz::violated(#condition, __FILE__, __LINE__))
