#include "base/utf8.h"

#include <cstdint>

namespace ordo {

std::optional<std::size_t> utf8_characters(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    std::uint32_t code_min = 0;
    if (lead < 0x80U) {
      ++i;
      continue;
    } else if ((lead & 0xE0U) == 0xC0U) {
      extra = 1, code = lead & 0x1FU, code_min = 0x80U;
    } else if ((lead & 0xF0U) == 0xE0U) {
      extra = 2, code = lead & 0x0FU, code_min = 0x800U;
    } else if ((lead & 0xF8U) == 0xF0U) {
      extra = 3, code = lead & 0x07U, code_min = 0x10000U;
    } else {
      return std::nullopt;
    }
    if (text.size() - i <= extra) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return std::nullopt;
      code = (code << 6U) | (next & 0x3FU);
    }
    const bool surrogate = code >= 0xD800U && code <= 0xDFFFU;
    if (code < code_min || code > 0x10FFFFU || surrogate) return std::nullopt;
    i += extra + 1;
  }
  return count;
}

}  // namespace ordo
