// Time-based one-time passwords (RFC 6238, through liboath): 30-second steps, six digits,
// HMAC-SHA1 (what every authenticator app reads from an otpauth:// URI), and the enrolment QR code
// (libqrencode) as SVG.
//
// `match` tells which step a code belongs to within ±1 step of now; whether that step was used
// before is the user aggregate's to decide (domain/users.h: no code is accepted twice).
// Thread-safety: every function may be called from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ordo::gateway::security {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr std::size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226's recommendation

enum class TotpHash : std::uint8_t { sha1, sha256, sha512 };

/// The step of a Unix time: floor(seconds / 30).
std::int64_t totp_step(std::int64_t unix_seconds);
/// The code of `secret` (raw bytes) at a step, with `digits` digits (6..8).
std::string totp_code(std::string_view secret, std::int64_t step, unsigned digits = 6,
                      TotpHash hash = TotpHash::sha1);
/// The step (now-1, now or now+1) whose six-digit code is `code`, or nullopt. Compares every
/// candidate in constant time.
std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code,
                                       std::int64_t unix_seconds);

/// RFC 4648 base32 without padding, as authenticator apps take a secret.
std::string base32(std::string_view bytes);
/// otpauth://totp/Ordo:<account>?secret=...&issuer=Ordo&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view secret, std::string_view account,
                        std::string_view issuer = "Ordo");
/// The QR code of `text` as a standalone SVG image (black modules on white, a 4-module margin), or
/// nullopt when the text is too long for a QR code.
std::optional<std::string> qr_svg(std::string_view text);

}  // namespace ordo::gateway::security
