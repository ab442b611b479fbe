// Fixed-width integers as bytes: big-endian, so that byte order is numeric order in sorted keys.
#pragma once

#include <cstdint>
#include <string>

namespace ordo {

/// Appends `value` as 8 big-endian bytes.
void put_u64_be(std::string& out, std::uint64_t value);
/// Reads 8 big-endian bytes at `p` (the caller checked there are 8).
std::uint64_t get_u64_be(const char* p);

}  // namespace ordo
