// CRC32C (Castagnoli) for envelope checksums and SHA-256 for the log's hash chain.
// Both are pure functions of their input; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/hex.h"
#include "eventstore/types.h"

namespace ordo::eventstore {

/// Extends `crc` (0 to start) with `size` bytes. Uses the SSE4.2 instruction where the CPU has it.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size);

/// SHA-256 of `bytes` (OpenSSL, which uses the CPU's SHA extensions where present).
Hash256 sha256(std::string_view bytes);

using ordo::to_hex;
/// Lower-case hexadecimal of a hash.
inline std::string to_hex(const Hash256& hash) { return ordo::to_hex(hash.data(), hash.size()); }

}  // namespace ordo::eventstore
