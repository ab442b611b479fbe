// Two files of a data directory that Ordo reads itself, before RocksDB opens it, on any bytes:
//   fuzz_acknowledged  ACKNOWLEDGED (the last position answered as durable): read as 0 when blank,
//                      as the number when it is exactly 20 digits and a newline, otherwise refused
//                      naming the file; never anything else.
//   fuzz_wal_check     a write-ahead log file (RocksDB's log format, read by Ordo to say where a
//                      log is damaged): the walk ends, never crashes, is deterministic, and a
//                      damage it reports names the file and a byte offset within it.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "eventstore/store_impl.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;

const fs::path& directory() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("ordo-fuzz-store-files-" + std::to_string(::getpid()));
    fs::create_directories(d);
    ordo::fuzz::remove_at_exit(d.string());
    return d;
  }();
  return dir;
}

void write(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
#ifdef ORDO_FUZZ_WAL
  const auto file = directory() / "000004.log";
  write(file, bytes);
  const auto damage = ordo::eventstore::find_wal_damage(directory());
  ORDO_FUZZ_CHECK(damage == ordo::eventstore::find_wal_damage(directory()));
  if (damage) {
    ORDO_FUZZ_CHECK(damage->starts_with(file.string() + " at byte "));
    const auto offset = std::stoull(damage->substr(file.string().size() + 9));
    ORDO_FUZZ_CHECK(offset < std::max<std::size_t>(size, 1));
  }
#else
  write(directory() / "ACKNOWLEDGED", bytes);
  const auto read = ordo::eventstore::read_acknowledged(directory());
  const bool blank = bytes.find_first_not_of(std::string_view("\0", 1)) == std::string_view::npos;
  bool digits = size == 21 && bytes.back() == '\n';
  for (std::size_t i = 0; digits && i < 20; ++i) digits = bytes[i] >= '0' && bytes[i] <= '9';
  if (blank) {
    ORDO_FUZZ_CHECK(read && *read == 0);
  } else if (digits && read) {
    ORDO_FUZZ_CHECK(*read == std::stoull(std::string(bytes.substr(0, 20))));
  } else {
    // Not blank and not a number (or 20 digits beyond 64 bits): refused, naming the file.
    ORDO_FUZZ_CHECK(!read);
    ORDO_FUZZ_CHECK(read.error().message.find("ACKNOWLEDGED") != std::string::npos);
  }
#endif
  return 0;
}
