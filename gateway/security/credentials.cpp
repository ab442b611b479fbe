#include "gateway/security/credentials.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <tuple>

#include "base/hex.h"
#include "base/utf8.h"

namespace ordo::gateway::security {
namespace {

void ensure_sodium() {
  // sodium_init is safe to call from several threads and more than once.
  static const int ready = sodium_init();
  (void)ready;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
  return out;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const PasswordCost& cost) {
  ensure_sodium();
  if (cost.memory_bytes < kPasswordMemoryMin || cost.passes < 1)
    return std::unexpected(
        Error{ErrorCode::invalid_argument, "argon2id needs at least 64 MiB and one pass"});
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.passes, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::unexpected(Error{ErrorCode::internal, "argon2id ran out of memory"});
  }
  return std::string(out);
}

bool verify_password(std::string_view encoded, std::string_view password) {
  ensure_sodium();
  if (encoded.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(encoded.begin(), encoded.end(), stored);
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view encoded, const PasswordCost& cost) {
  ensure_sodium();
  if (encoded.size() >= crypto_pwhash_STRBYTES || !encoded.starts_with("$argon2id$")) return true;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(encoded.begin(), encoded.end(), stored);
  return crypto_pwhash_str_needs_rehash(stored, cost.passes, cost.memory_bytes) != 0;
}

Result<std::unique_ptr<CommonPasswords>> CommonPasswords::open(const std::string& list_path,
                                                               const std::string& words_path) {
  std::unordered_set<std::string> words;
  std::size_t common = 0;
  for (const auto& [path, given, package] :
       {std::tuple{std::string("/usr/share/john/password.lst"), list_path, "john-data"},
        std::tuple{std::string("/usr/share/dict/cracklib-small"), words_path,
                   "cracklib-runtime"}}) {
    const auto& file = given.empty() ? path : given;
    std::ifstream in(file);
    if (!in) {
      return std::unexpected(Error{
          ErrorCode::not_found,
          "no list of common passwords at " + file + " (Debian's " + package + " installs it)"});
    }
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty() && !line.starts_with("#!")) words.insert(lower_ascii(line));
    }
    if (common == 0) common = words.size();
  }
  return std::unique_ptr<CommonPasswords>(new CommonPasswords(std::move(words), common));
}

bool CommonPasswords::contains(std::string_view password) const {
  return words_.contains(lower_ascii(password));
}

std::optional<std::string> password_problem(std::string_view password, std::string_view email,
                                            std::string_view name,
                                            const CommonPasswords* dictionary) {
  const auto length = utf8_characters(password);
  if (!length) return "a password is UTF-8 text";
  if (*length < kPasswordLengthMin) return "a password has at least 8 characters";
  if (*length > kPasswordLengthMax) return "a password has at most 128 characters";
  const auto lower = lower_ascii(password);
  const auto mail = lower_ascii(email);
  const auto local = mail.substr(0, std::min(mail.find('@'), mail.size()));
  if (lower == mail || lower == local || (!name.empty() && lower == lower_ascii(name)))
    return "a password is not your e-mail address or your name";
  if (dictionary != nullptr && dictionary->contains(password))
    return "this password is in a list of common passwords: choose another";
  return std::nullopt;
}

std::string random_bytes(std::size_t bytes) {
  ensure_sodium();
  std::string out(bytes, '\0');
  randombytes_buf(out.data(), out.size());
  return out;
}

Result<SecretBox> SecretBox::open_or_create(const std::string& path) {
  ensure_sodium();
  SecretBox box;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto key = from_hex(text);
    if (!key || key->size() != crypto_secretbox_KEYBYTES) {
      return std::unexpected(
          Error{ErrorCode::internal, path + " is not a secret key (64 hex characters)"});
    }
    box.key_ = std::move(*key);
    return box;
  }
  box.key_ = random_bytes(crypto_secretbox_KEYBYTES);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return std::unexpected(Error{ErrorCode::io_error, "cannot create " + path});
  const auto text = to_hex(box.key_) + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced)
    return std::unexpected(Error{ErrorCode::io_error, "cannot write " + path});
  return box;
}

std::string SecretBox::seal(std::string_view plain) const {
  std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(bytes, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(bytes + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), bytes,
                        reinterpret_cast<const unsigned char*>(key_.data()));
  return to_hex(out);
}

Result<std::string> SecretBox::unseal(std::string_view sealed) const {
  const auto bytes = from_hex(sealed);
  if (!bytes || bytes->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
    return std::unexpected(Error{ErrorCode::corruption, "a sealed secret is damaged"});
  const auto* in = reinterpret_cast<const unsigned char*>(bytes->data());
  std::string plain(bytes->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 in + crypto_secretbox_NONCEBYTES,
                                 bytes->size() - crypto_secretbox_NONCEBYTES, in,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::unexpected(
        Error{ErrorCode::corruption, "a sealed secret does not open with this server's key"});
  }
  return plain;
}

}  // namespace ordo::gateway::security
