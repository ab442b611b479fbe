// Lower-case hexadecimal text of bytes, and back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ordo {

/// Two lower-case hex digits per byte.
std::string to_hex(const void* data, std::size_t size);
inline std::string to_hex(std::string_view bytes) { return to_hex(bytes.data(), bytes.size()); }

/// The bytes of lower-case hex text; nullopt for an odd length or any other character.
std::optional<std::string> from_hex(std::string_view hex);

}  // namespace ordo
