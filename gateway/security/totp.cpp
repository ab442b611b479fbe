#include "gateway/security/totp.h"

#include <liboath/oath.h>
#include <qrencode.h>

#include <memory>

#include "base/secrets.h"

namespace ordo::gateway::security {
namespace {

void ensure_oath() {
  static const int ready = oath_init();
  (void)ready;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '@';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

}  // namespace

std::int64_t totp_step(std::int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / kTotpStepSeconds
                           : -((-unix_seconds + kTotpStepSeconds - 1) / kTotpStepSeconds);
}

std::string totp_code(std::string_view secret, std::int64_t step, unsigned digits, TotpHash hash) {
  ensure_oath();
  const int flags = hash == TotpHash::sha256   ? OATH_TOTP_HMAC_SHA256
                    : hash == TotpHash::sha512 ? OATH_TOTP_HMAC_SHA512
                                               : 0;
  char out[16] = {};
  // liboath counts steps from a time: the start of the step is that time.
  const auto at = static_cast<time_t>(step * kTotpStepSeconds);
  if (oath_totp_generate2(secret.data(), secret.size(), at, kTotpStepSeconds, 0, digits, flags,
                          out) != OATH_OK) {
    return {};
  }
  return out;
}

std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::int64_t unix_seconds) {
  if (code.size() != 6) return std::nullopt;
  const auto now = totp_step(unix_seconds);
  std::optional<std::int64_t> found;
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    // Every candidate is computed and compared, whichever matches.
    if (equal_constant_time(totp_code(secret, step), code) && !found) found = step;
  }
  return found;
}

std::string base32(std::string_view bytes) {
  ensure_oath();
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_encode(bytes.data(), bytes.size(), &out, &length) != OATH_OK) return {};
  std::unique_ptr<char, decltype(&free)> owned(out, &free);
  std::string text(out, length);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string otpauth_uri(std::string_view secret, std::string_view account,
                        std::string_view issuer) {
  return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) +
         "?secret=" + base32(secret) + "&issuer=" + percent_encode(issuer) +
         "&algorithm=SHA1&digits=6&period=30";
}

std::optional<std::string> qr_svg(std::string_view text) {
  const std::string input(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) return std::nullopt;
  const int width = code->width;
  const int size = width + 8;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if (code->data[y * width + x] & 1) {
        path += "M" + std::to_string(x + 4) + " " + std::to_string(y + 4) + "h1v1h-1z";
      }
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"" +
         std::to_string(size) + "\" height=\"" + std::to_string(size) +
         "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace ordo::gateway::security
