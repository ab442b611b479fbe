// What an open that RocksDB refused says to an operator: where a write-ahead log is damaged
// (RocksDB's own message says "checksum mismatch" without the file or the byte; an operator needs
// both to decide what to do), or which process holds the data directory.
// Log format (RocksDB's doc/log_format): 32 KiB blocks of records, each with a 7-byte header
// (masked CRC32C of type and payload, 2-byte length, 1-byte type); a block ends with a zero-filled
// trailer when less than a header is left.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "eventstore/checksum.h"
#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace fs = std::filesystem;
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

// The process holding the RocksDB LOCK file of `path` ("pid 4242: ordo serve --data ..."), read
// from /proc/locks; empty when it cannot be told.
std::string lock_holder(const std::string& path) {
  struct stat lock {};
  if (::stat((fs::path(path) / "LOCK").c_str(), &lock) != 0) return {};
  char device[64];
  std::snprintf(device, sizeof device, "%02x:%02x:%llu", ::major(lock.st_dev), ::minor(lock.st_dev),
                static_cast<unsigned long long>(lock.st_ino));
  std::ifstream locks("/proc/locks");
  std::string line;
  while (std::getline(locks, line)) {
    // "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"
    std::istringstream fields(line);
    std::string number, kind, mode, access, pid, where;
    if (!(fields >> number >> kind >> mode >> access >> pid >> where) || where != device) continue;
    std::ifstream cmdline("/proc/" + pid + "/cmdline");
    std::string command((std::istreambuf_iterator<char>(cmdline)), {});
    std::replace(command.begin(), command.end(), '\0', ' ');
    while (!command.empty() && command.back() == ' ') command.pop_back();
    return "pid " + pid + (command.empty() ? "" : ": " + command);
  }
  return {};
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

// A refused lock says which process holds the directory, not RocksDB's errno text; a damaged
// write-ahead log says where, and what to do.
Error open_error(const rocksdb::Status& status, const std::string& path) {
  if (status.IsCorruption()) {
    if (auto damage = find_wal_damage(path)) {
      return Error{ErrorCode::corruption,
                   "the write-ahead log of " + path + " is damaged: " + *damage +
                       ". Recovering past it would drop every event written after it, "
                       "acknowledged ones included, so the store is not opened. Restore the "
                       "directory from a backup (docs/OPERATIONS.md, \"A damaged "
                       "log\"), and keep this one as it is for investigation"};
    }
  }
  const std::string text = status.ToString();
  if (!status.IsIOError() || text.find("/LOCK") == std::string::npos) {
    return to_error(status, "opening " + path);
  }
  const auto holder = lock_holder(path);
  return Error{ErrorCode::unavailable,
               "the data directory " + path + " is in use by " +
                   (holder.empty() ? std::string("another process") : holder) +
                   "; stop it first (the read-only commands ordo log stats|tail|verify work "
                   "beside it)"};
}

}  // namespace ordo::eventstore
