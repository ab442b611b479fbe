// What people type: a grant as text (the CLI's --grant), an e-mail address, a new password, a TOTP
// code. The first byte picks which. Properties:
//   grant: read or refused with a reason; a grant read is written back to text that reads to the
//          same grant, and that text is stable;
//   e-mail: normalized or refused; a normalized address normalizes to itself, has one '@', no
//          upper-case ASCII, no space or control character, at most 254 bytes;
//   password: the rules answer the same twice; an accepted password is valid UTF-8 of 8 to 128
//          code points (decoded here, independently of the rules' own decoder) and not in the
//          common lists;
//   TOTP: a code matches at most a step within one of now, and then is that step's code.
#include <cstring>

#include "domain/users.h"
#include "gateway/security/credentials.h"
#include "gateway/security/grant_text.h"
#include "gateway/security/totp.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace ordo;
namespace security = gateway::security;

// Code points of valid UTF-8 (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
std::optional<std::size_t> code_points(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b0 < 0x80) {
      n = 1, cp = b0;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 2, cp = b0 & 0x1fu;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 3, cp = b0 & 0x0fu;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 4, cp = b0 & 0x07u;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return std::nullopt;
    i += n;
  }
  return count;
}

void grant(std::string_view text) {
  const auto parsed = gateway::parse_grant(text);
  if (!parsed) {
    ORDO_FUZZ_CHECK(!parsed.error().message.empty());
    return;
  }
  const auto written = gateway::grant_text(*parsed);
  const auto again = gateway::parse_grant(written);
  ORDO_FUZZ_CHECK(again.has_value() && *again == *parsed);
  ORDO_FUZZ_CHECK(gateway::grant_text(*again) == written);
}

void email(std::string_view text) {
  const auto normalized = domain::users::normalize_email(text);
  if (!normalized) return;
  ORDO_FUZZ_CHECK(domain::users::normalize_email(*normalized) == normalized);
  ORDO_FUZZ_CHECK(normalized->size() <= 254);
  ORDO_FUZZ_CHECK(std::count(normalized->begin(), normalized->end(), '@') == 1);
  for (const char c : *normalized) {
    const auto u = static_cast<unsigned char>(c);
    ORDO_FUZZ_CHECK(!(c >= 'A' && c <= 'Z') && u > 0x20 && u != 0x7f);
  }
}

void password(std::string_view text) {
  static const auto common = security::CommonPasswords::open();
  ORDO_FUZZ_CHECK(common.has_value());
  const auto problem = security::password_problem(text, "anna@example.fr", "Anna", common->get());
  ORDO_FUZZ_CHECK(problem ==
                  security::password_problem(text, "anna@example.fr", "Anna", common->get()));
  if (problem) return;
  const auto length = code_points(text);
  ORDO_FUZZ_CHECK(length.has_value());
  ORDO_FUZZ_CHECK(*length >= security::kPasswordLengthMin &&
                  *length <= security::kPasswordLengthMax);
  ORDO_FUZZ_CHECK(!(*common)->contains(text));
}

void totp(std::string_view text) {
  // The secret is fixed, the time and the code come from the input.
  static const std::string kSecret = "12345678901234567890";
  std::int64_t now = 0;
  const auto take = std::min(text.size(), sizeof now);
  std::memcpy(&now, text.data(), take);
  now = now % 100'000'000'000LL;
  if (now < 0) now = -now;
  const auto code = text.substr(take);
  const auto step = security::totp_match(kSecret, code, now);
  if (!step) return;
  ORDO_FUZZ_CHECK(*step >= security::totp_step(now) - 1 && *step <= security::totp_step(now) + 1);
  ORDO_FUZZ_CHECK(security::totp_code(kSecret, *step) == code);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ordo::fuzz::Input input{data, size};
  switch (input.take() % 4) {
    case 0:
      grant(input.rest());
      break;
    case 1:
      email(input.rest());
      break;
    case 2:
      password(input.rest());
      break;
    default:
      totp(input.rest());
  }
  return 0;
}
