// Benchmark of address validation in process (issue figure, `BENCH name value unit`): the mean
// time of one check over real addresses drawn from the postcode data (FR, DE, GB; written as
// customers do: upper case, "St", no accents, and one in ten with a wrong city).
//
//   address_bench --postcodes DIR [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "adapters/address_check.h"
#include "base/csv.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Sample {
  std::string country, postcode, city;
};

std::vector<Sample> samples(const std::string& dir, std::size_t count) {
  std::vector<Sample> all;
  for (const char* file : {"/geonames_postal_fr.csv", "/geonames_postal_de.csv"}) {
    std::ifstream in(dir + file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = ordo::split_csv_line(line);
      if (f && f->size() >= 3) all.push_back({(*f)[0], (*f)[1], (*f)[2]});
    }
  }
  std::mt19937 random(7);
  std::shuffle(all.begin(), all.end(), random);
  all.resize(std::min(all.size(), count));
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto& s = all[i];
    if (i % 10 == 0) s.city = all[(i + 1) % all.size()].city;  // a wrong city
    if (i % 3 == 0) std::transform(s.city.begin(), s.city.end(), s.city.begin(), ::toupper);
    if (i % 20 == 0) s = {"GB", "SW1A 1AA", "London"};
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--postcodes" && i + 1 < argc) dir = argv[++i];
    if (arg == "--quick") quick = true;
  }
  if (dir.empty()) {
    std::fprintf(stderr, "usage: address_bench --postcodes DIR [--quick]\n");
    return 2;
  }
  auto gazetteer = ordo::adapters::Gazetteer::load(dir);
  if (!gazetteer) {
    std::fprintf(stderr, "address_bench: %s\n", gazetteer.error().to_string().c_str());
    return 1;
  }
  const auto addresses = samples(dir, 10'000);
  const std::size_t rounds = quick ? 2 : 20;
  std::size_t accepted = 0;
  const auto started = Clock::now();
  for (std::size_t r = 0; r < rounds; ++r) {
    for (const auto& a : addresses) {
      const auto c = ordo::adapters::check_address(*gazetteer, a.country, a.postcode, a.city);
      accepted += c.verdict == ordo::adapters::AddressVerdict::accept;
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - started).count() /
                    static_cast<double>(rounds * addresses.size());
  std::printf("BENCH address_validation_ns %.0f ns\n", ns);
  std::printf(
      "# %zu addresses x %zu rounds; %.1f%% accepted\n", addresses.size(), rounds,
      100.0 * static_cast<double>(accepted) / static_cast<double>(rounds * addresses.size()));
  return 0;
}
