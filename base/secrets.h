// Secrets: random tokens and passwords, their digests, and secret files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace ordo {

/// `bytes` random bytes (from OpenSSL's CSPRNG) as lower-case hex. Error internal when the
/// generator fails; at most 64 bytes.
[[nodiscard]] Result<std::string> random_hex(std::size_t bytes);

/// SHA-256 of `text` as 64 lower-case hex characters.
[[nodiscard]] std::string sha256_hex(std::string_view text);

/// Compares two strings in time that depends on their lengths only, not on where they differ.
[[nodiscard]] bool equal_constant_time(std::string_view a, std::string_view b);

/// The first line of a secret file (a password), without its line ending. not_found when the
/// file cannot be read or its first line is empty.
[[nodiscard]] Result<std::string> read_secret(const std::string& path);

}  // namespace ordo
