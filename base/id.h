// The id rule: what a site id, SKU, order id, channel or configuration area may be. One rule for
// every room, so that stream names built from ids cannot be ambiguous and ids need no escaping in
// keys, subjects, URLs or JSON.
#pragma once

#include <cstddef>
#include <string_view>

namespace ordo {

inline constexpr std::size_t kIdCharsMax = 64;

/// True for 1..64 characters of [A-Za-z0-9._-], other than "." and "..": clients and proxies
/// normalise those away in a URL path (/v1/orders/.. is /v1), so such an id could be written but
/// never read.
[[nodiscard]] constexpr bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > kIdCharsMax || id == "." || id == "..") return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// What a refusal says of an id that breaks the rule.
inline constexpr std::string_view kIdRule =
    "1..64 characters of [A-Za-z0-9._-], not \".\" or \"..\"";

}  // namespace ordo
