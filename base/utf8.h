// UTF-8 as RFC 3629 defines it: the one validator every parser of outside text uses.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ordo {

/// The number of Unicode characters (code points) of `text`, or nullopt when it is not valid UTF-8
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::optional<std::size_t> utf8_characters(std::string_view text);

}  // namespace ordo
