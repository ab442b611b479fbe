// Reads RocksDB's write-ahead log files to say where one is damaged. RocksDB's own message says
// "checksum mismatch" without the file or the byte; an operator needs both to decide what to do.
// Log format (RocksDB's doc/log_format): 32 KiB blocks of records, each with a 7-byte header
// (masked CRC32C of type and payload, 2-byte length, 1-byte type); a block ends with a zero-filled
// trailer when less than a header is left.
#include <algorithm>
#include <fstream>
#include <vector>

#include "eventstore/checksum.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace {

constexpr std::size_t kBlock = 32768;
constexpr std::size_t kHeader = 7;
constexpr std::uint8_t kLastType = 4;  // full, first, middle, last; higher: recyclable formats

std::uint32_t unmask(std::uint32_t masked) {
  const std::uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

std::uint32_t read_le32(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

// The first damaged record of one log file, or nullopt. A record cut by the end of the file is a
// torn last write, not damage.
std::optional<std::string> damage_in(const std::string& bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t left_in_block = kBlock - pos % kBlock;
    if (left_in_block < kHeader) {
      pos += left_in_block;
      continue;
    }
    if (bytes.size() - pos < kHeader) return std::nullopt;
    const std::uint32_t length = data[pos + 4] | data[pos + 5] << 8;
    const std::uint8_t type = data[pos + 6];
    if (type == 0 && length == 0) {  // preallocated space or padding
      pos += kHeader;
      continue;
    }
    const auto at = " at byte " + std::to_string(pos);
    if (type > kLastType) return at + " (unknown record type " + std::to_string(type) + ")";
    if (pos + kHeader + length > bytes.size()) return std::nullopt;
    if (kHeader + length > left_in_block) return at + " (record length beyond its block)";
    std::uint32_t crc = crc32c_extend(0, &type, 1);
    crc = crc32c_extend(crc, data + pos + kHeader, length);
    if (crc != unmask(read_le32(data + pos))) return at + " (record checksum mismatch)";
    pos += kHeader + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> find_wal_damage(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> logs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".log") logs.push_back(entry.path());
  }
  std::sort(logs.begin(), logs.end());
  for (const auto& log : logs) {
    std::ifstream in(log, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (auto damage = damage_in(bytes)) return log.string() + *damage;
  }
  return std::nullopt;
}

}  // namespace ordo::eventstore
