#include "eventstore/checksum.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace ordo::eventstore {
namespace {

constexpr std::uint32_t kCrc32cPolynomialReversed = 0x82F63B78u;

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1u) != 0 ? (crc >> 1) ^ kCrc32cPolynomialReversed : crc >> 1;
    }
    table[i] = crc;
  }
  return table;
}
constexpr auto kCrcTable = make_crc_table();

std::uint32_t crc32c_portable(std::uint32_t crc, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    crc = kCrcTable[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  }
  return crc;
}

__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t crc,
                                                             const std::uint8_t* p, std::size_t n) {
  std::uint64_t c = crc;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  while (n > 0) {
    c32 = __builtin_ia32_crc32qi(c32, *p);
    ++p;
    --n;
  }
  return c32;
}

const bool kHasSse42 = __builtin_cpu_supports("sse4.2");

struct MdContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// Fetching the digest once and reusing a context per thread avoids OpenSSL 3's per-call lookup.
EVP_MD_CTX* thread_sha256_context() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, MdContextDeleter> ctx(EVP_MD_CTX_new());
  if (md == nullptr || ctx == nullptr) throw std::runtime_error("OpenSSL SHA-256 unavailable");
  if (EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 init failed");
  }
  return ctx.get();
}

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size) {
  const auto* p = static_cast<const std::uint8_t*>(data);
  crc = ~crc;
  crc = kHasSse42 ? crc32c_sse42(crc, p, size) : crc32c_portable(crc, p, size);
  return ~crc;
}

Hash256 sha256(std::string_view bytes) {
  EVP_MD_CTX* ctx = thread_sha256_context();
  Hash256 out{};
  unsigned int length = 0;
  if (EVP_DigestUpdate(ctx, bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), &length) != 1 || length != out.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return out;
}

}  // namespace ordo::eventstore
