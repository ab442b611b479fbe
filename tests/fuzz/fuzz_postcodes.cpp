// The postcode gazetteer loader (adapters/postcodes.h) on any bytes as the French GeoNames file
// (the German and British files hold only their headers). Properties: the files load or are
// refused with a reason, never crash; loading is deterministic (the same reason, or the same
// postcodes).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "adapters/postcodes.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

void write(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

const std::filesystem::path& directory() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() /
             ("ordo-fuzz-postcodes-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    ordo::fuzz::remove_at_exit(d.string());
    const std::string geonames =
        "country_code,zipcode,place,state,state_code,province,province_code,community,"
        "community_code,latitude,longitude\n";
    write(d / "geonames_postal_de.csv", geonames);
    write(d / "derived_gb_outcode_centroids.csv",
          "outcode,lat_mean,lon_mean,n_places,first_place,state,province\n");
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = directory();
  write(dir / "geonames_postal_fr.csv", {reinterpret_cast<const char*>(data), size});
  const auto loaded = ordo::adapters::Gazetteer::load(dir);
  const auto again = ordo::adapters::Gazetteer::load(dir);
  ORDO_FUZZ_CHECK(loaded.has_value() == again.has_value());
  if (!loaded) {
    ORDO_FUZZ_CHECK(!loaded.error().message.empty());
    ORDO_FUZZ_CHECK(loaded.error().message == again.error().message);
    return 0;
  }
  ORDO_FUZZ_CHECK(loaded->size() == again->size());
  return 0;
}
