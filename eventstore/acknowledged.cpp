// ACKNOWLEDGED (FORMAT.md, "Durability and recovery"): the last position answered as durable,
// kept outside RocksDB, so that an open can tell a log recovered shorter than what was
// acknowledged from a healthy one, and refuse it.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "eventstore/store_impl.h"

namespace ordo::eventstore {
namespace fs = std::filesystem;
namespace {

std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string acknowledged_loss(const EventStore::Impl& impl, std::uint64_t last,
                              std::uint64_t acknowledged) {
  return "the log ends at position " + std::to_string(last) + " but position " +
         std::to_string(acknowledged) + " was acknowledged (" +
         (impl.options.data_dir / "ACKNOWLEDGED").string() +
         "): " + std::to_string(acknowledged - last) +
         " acknowledged events are missing, so a write-ahead log (*.log) or table file (*.sst) "
         "of " +
         impl.options.data_dir.string() +
         " was damaged or removed. Do not write to this store: restore the directory from a "
         "backup; `ordo log verify` and the RocksDB LOG file say where the damage is";
}

// A store that cannot be read although it acknowledged events lost its log: say so.
Error with_acknowledged(const Error& error, std::uint64_t acknowledged) {
  return Error{ErrorCode::corruption,
               error.message + "; " + std::to_string(acknowledged) +
                   " acknowledged events are missing (ACKNOWLEDGED): a write-ahead log (*.log) "
                   "or table file (*.sst) was damaged or removed. Restore the directory from a "
                   "backup"};
}

// The last position answered as durable, from ACKNOWLEDGED (0 when absent or blank). Read before
// the database is opened: a server running beside a reader only moves it forward.
Result<std::uint64_t> read_acknowledged(const fs::path& dir) {
  const fs::path file = dir / "ACKNOWLEDGED";
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  if (text.find_first_not_of(std::string_view("\0", 1)) == std::string::npos) return 0;
  auto parsed = text.size() == 21 && text.back() == '\n'
                    ? parse_decimal(std::string_view(text).substr(0, 20))
                    : std::nullopt;
  if (!parsed) {
    return fail(ErrorCode::corruption,
                file.string() +
                    " is damaged (expected 20 digits and a newline); if the log "
                    "verifies (ordo log verify), remove the file to open without this check");
  }
  return *parsed;
}

// Opens ACKNOWLEDGED for the writer (fsync durability only: without a sync it would run ahead of
// what a power loss keeps) and records the recovered head.
Result<void> open_acknowledged(EventStore::Impl& impl) {
  if (impl.options.read_only || impl.options.durability != Durability::fsync) return {};
  const fs::path file = impl.options.data_dir / "ACKNOWLEDGED";
  impl.acknowledged_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (impl.acknowledged_fd < 0) {
    return fail(ErrorCode::io_error, "cannot open " + file.string() + ": " + std::strerror(errno));
  }
  impl.record_acknowledged(impl.next_position - 1);
  return {};
}

// One fixed-width line rewritten in place, not synced: it only needs to be no further than the
// synced WAL (it is written after the sync), and it survives a crash of the process in the page
// cache. After a power loss it may be older, which only narrows what the check at open sees.
void EventStore::Impl::record_acknowledged(std::uint64_t position) const {
  if (acknowledged_fd < 0) return;
  std::lock_guard lock(acknowledged_mutex);
  if (position <= acknowledged_written) return;  // a blank file says 0
  acknowledged_written = position;
  char line[32];
  const int size =
      std::snprintf(line, sizeof line, "%020llu\n", static_cast<unsigned long long>(position));
  if (::pwrite(acknowledged_fd, line, static_cast<std::size_t>(size), 0) != size) {
    // The check at open is a safety net, not the durability itself: keep serving.
    static std::atomic<bool> told{false};
    if (!told.exchange(true))
      std::fprintf(stderr, "ordo: cannot write %s/ACKNOWLEDGED: %s\n", options.data_dir.c_str(),
                   std::strerror(errno));
  }
}

}  // namespace ordo::eventstore
