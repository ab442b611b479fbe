// The holiday calendar loader (adapters/holidays.h) on any bytes as the CSV file. Properties: a
// file is loaded or refused with a reason naming the file and line, never crashes; loading is
// deterministic; a loaded calendar answers only for the country codes the file names.
#include <unistd.h>

#include <fstream>

#include "adapters/holidays.h"
#include "domain/types.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = [] {
    auto file = "/tmp/ordo-fuzz-holidays-" + std::to_string(::getpid()) + ".csv";
    ordo::fuzz::remove_at_exit(file);
    return file;
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const auto loaded = ordo::adapters::load_holidays(path);
  const auto again = ordo::adapters::load_holidays(path);
  ORDO_FUZZ_CHECK(loaded.has_value() == again.has_value());
  if (!loaded) {
    ORDO_FUZZ_CHECK(loaded.error().message.find(path) != std::string::npos);
    ORDO_FUZZ_CHECK(loaded.error().message == again.error().message);
    return 0;
  }
  ORDO_FUZZ_CHECK(loaded->entries() == again->entries());
  for (const auto& [country, region, day] : loaded->entries()) {
    ORDO_FUZZ_CHECK(ordo::domain::is_country_code(country) && !region.empty());
  }
  return 0;
}
