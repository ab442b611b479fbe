// Credentials of people: password hashing (argon2id through libsodium), the password rules of
// OWASP ASVS 5.0 V6.2, and sealing the secrets the server must read back (TOTP secrets) with a
// key kept outside the log.
//
// A password hash is libsodium's encoded string, "$argon2id$v=19$m=65536,t=2,p=1$salt$hash": the
// parameters travel with each hash, so the cost can be raised later and a person's hash is
// replaced at their next sign-in (`needs_rehash`).
//
// Thread-safety: every function may be called from any thread. Hashing takes about 0.1 s and
// 64 MiB at the default cost: callers run it off the I/O threads, bounded (gateway/security/
// sign_in.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "base/result.h"

namespace ordo::gateway::security {

/// argon2id's cost. At least 64 MiB (ASVS and the project's rule); two passes by default.
struct PasswordCost {
  std::uint64_t passes = 2;
  std::size_t memory_bytes = std::size_t{64} << 20;
  friend bool operator==(const PasswordCost&, const PasswordCost&) = default;
};
inline constexpr std::size_t kPasswordMemoryMin = std::size_t{64} << 20;
inline constexpr std::size_t kPasswordLengthMin = 8;    // characters (code points)
inline constexpr std::size_t kPasswordLengthMax = 128;  // characters; 64 must be allowed

/// The encoded hash, or invalid_argument (a cost below the floor), internal (out of memory).
Result<std::string> hash_password(std::string_view password, const PasswordCost& cost);
/// True when `password` is the one behind `encoded`. Time does not depend on where they differ.
bool verify_password(std::string_view encoded, std::string_view password);
/// True when `encoded` was made with another cost than `cost` (or is not an argon2id hash).
bool needs_rehash(std::string_view encoded, const PasswordCost& cost);

/// Common passwords: the 3,546 most common ones of Openwall's list (Debian's john-data,
/// /usr/share/john/password.lst, public domain) and the 54,763 words of cracklib's word list
/// (Debian's cracklib-runtime, /usr/share/dict/cracklib-small), compared lower-cased, without
/// cracklib's composition rules (ASVS V6.2.5: none). Immutable once open.
class CommonPasswords {
 public:
  /// Reads both lists (empty arguments: their Debian paths). not_found when one is missing.
  static Result<std::unique_ptr<CommonPasswords>> open(const std::string& list_path = {},
                                                       const std::string& words_path = {});
  /// True when the password, lower-cased, is in either list.
  bool contains(std::string_view password) const;
  /// How many passwords the most-common list holds.
  std::size_t common_count() const { return common_count_; }

 private:
  CommonPasswords(std::unordered_set<std::string> words, std::size_t common_count)
      : words_(std::move(words)), common_count_(common_count) {}
  std::unordered_set<std::string> words_;
  std::size_t common_count_ = 0;
};

/// Why a new password is refused (said to the person), or nullopt: shorter than 8 or longer than
/// 128 characters, not UTF-8, a common password, or the person's e-mail address (or its local
/// part) or name. No rule on which kinds of characters it holds.
std::optional<std::string> password_problem(std::string_view password, std::string_view email,
                                            std::string_view name,
                                            const CommonPasswords* dictionary);

/// Seals secrets with XSalsa20-Poly1305 (libsodium's secretbox) under a 256-bit key kept in a
/// file of the data directory (mode 0600), outside the log: a copy of the log alone does not
/// reveal a second factor. Backups must keep the key file with the data directory.
class SecretBox {
 public:
  /// Reads the key at `path`, or creates it (32 random bytes) when the file does not exist.
  /// Errors: internal (unreadable or malformed file), io.
  static Result<SecretBox> open_or_create(const std::string& path);
  /// Lower-case hex of nonce and ciphertext.
  std::string seal(std::string_view plain) const;
  /// The plain bytes; corruption when the text is not one this key sealed.
  Result<std::string> unseal(std::string_view sealed) const;

 private:
  std::string key_;
};

/// `bytes` random bytes from libsodium's generator.
std::string random_bytes(std::size_t bytes);

}  // namespace ordo::gateway::security
