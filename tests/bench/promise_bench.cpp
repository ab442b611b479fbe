// Promise engine benchmark, in process on one thread: a 3-line cart, 200 candidate sites (real
// French sites: 20 warehouses and 180 stores), the demo's 5 delivery methods (ops/config/
// promise.json: home standard, express before 13:00, relay, ship to store, click and collect),
// real 2025-2027 holidays, destinations among real postcodes. Each SKU is stocked at about 60% of
// the sites; some sites carry expected receipts and full days.
//
//   promise_bench --sites-file F --postcodes DIR --holidays F --config F [--seconds 5]
//
// Prints BENCH promise_inprocess_rps, promise_inprocess_p50/p99 (microseconds per promise) and
// the mean number of options per promise (a check that the work is real).
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "adapters/holidays.h"
#include "adapters/postcodes.h"
#include "domain/promise.h"
#include "gateway/json/promise_json.h"
#include "tests/bench/bench_support.h"

namespace {

using namespace ordo;
namespace promise = domain::promise;
using bench::BenchFailure;

struct Args {
  std::string sites_file, postcodes, holidays, config;
  double seconds = 5;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--sites-file")
      a.sites_file = v;
    else if (k == "--postcodes")
      a.postcodes = v;
    else if (k == "--holidays")
      a.holidays = v;
    else if (k == "--config")
      a.config = v;
    else if (k == "--seconds")
      a.seconds = std::stod(v);
    else
      throw BenchFailure("unknown argument " + k);
  }
  if (a.sites_file.empty() || a.postcodes.empty() || a.holidays.empty() || a.config.empty()) {
    throw BenchFailure(
        "usage: promise_bench --sites-file F --postcodes DIR --holidays F --config F [--seconds "
        "S]");
  }
  return a;
}

std::vector<std::string> split(const std::string& line, char separator) {
  std::vector<std::string> fields(1);
  for (char c : line) {
    if (c == separator)
      fields.emplace_back();
    else if (c != '\r')
      fields.back().push_back(c);
  }
  return fields;
}

/// 200 metropolitan sites spread over the file: the first 20 warehouses, the rest stores.
std::vector<std::pair<std::string, domain::site::Profile>> sites(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw BenchFailure("cannot read " + file);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    auto f = split(line, ';');
    if (f.size() < 13 || f[7].size() != 5 || f[7].starts_with("97") || f[7].starts_with("98") ||
        f[11].empty())
      continue;
    rows.push_back(std::move(f));
  }
  if (rows.size() < 200) throw BenchFailure("fewer than 200 sites in " + file);
  std::vector<std::pair<std::string, domain::site::Profile>> out;
  for (std::size_t i = 0; i < 200; ++i) {
    const auto& f = rows[i * (rows.size() / 200)];
    domain::site::Profile p;
    p.name = f[1];
    p.type = i < 20 ? domain::site::SiteType::warehouse : domain::site::SiteType::store;
    p.country = "FR";
    p.region = f[7].substr(0, 2);
    p.postcode = f[7];
    p.latitude = std::stod(f[11]);
    p.longitude = std::stod(f[12]);
    p.time_zone = "Europe/Paris";
    p.capabilities = {true, i >= 20, i >= 20};
    for (std::size_t d = 0; d < 7; ++d) {
      p.opening_hours[d] =
          d == 6 && i >= 20
              ? domain::site::DayHours{0, 0}
              : domain::site::DayHours{static_cast<std::uint16_t>(i < 20 ? 360 : 540), 1140};
    }
    p.daily_capacity = i < 20 ? 2000 : 60;
    out.emplace_back("S" + std::to_string(i), std::move(p));
  }
  return out;
}

constexpr std::size_t kSkus = 1000;
const domain::Instant kBase =
    domain::calendar::days_from_civil({2026, 11, 23}) * domain::kMicrosPerDay;

/// 1,000 SKUs, each at ~60% of the sites with 0..10 units; a tenth of those with a receipt.
std::vector<std::vector<promise::SiteSupply>> make_supply(std::mt19937_64& random) {
  std::vector<std::vector<promise::SiteSupply>> supply(kSkus);
  for (auto& s : supply) {
    for (std::uint32_t site = 0; site < 200; ++site) {
      if (random() % 10 >= 6) continue;
      promise::SiteSupply entry{site, static_cast<std::int64_t>(random() % 11), {}};
      if (random() % 10 == 0)
        entry.receipts.emplace_back(
            kBase + static_cast<domain::Instant>(random() % 10) * domain::kMicrosPerDay, 20);
      s.push_back(std::move(entry));
    }
  }
  return supply;
}

std::vector<promise::Destination> make_destinations(const adapters::Gazetteer& gazetteer) {
  const char* kPostcodes[] = {"75011", "69002", "13001", "33000", "31000", "59000", "67000",
                              "44000", "35000", "06000", "34000", "21000", "87000", "63000",
                              "29200", "76000", "45000", "37000", "20000", "64100"};
  std::vector<promise::Destination> destinations;
  for (const char* pc : kPostcodes) {
    const auto place = gazetteer.find("FR", pc);
    if (!place) throw BenchFailure(std::string("unknown postcode ") + pc);
    destinations.push_back({"FR", pc, place->region, place->point});
  }
  return destinations;
}

/// Requests prepared up front: the loop measures the engine only.
std::vector<promise::Request> make_requests(
    std::mt19937_64& random, const std::vector<std::vector<promise::SiteSupply>>& supply,
    const std::vector<promise::Destination>& destinations) {
  std::vector<promise::Request> requests(4096);
  for (auto& r : requests) {
    r.channel = "web";
    r.destination = destinations[random() % destinations.size()];
    for (int l = 0; l < 3; ++l) {
      const auto sku = random() % kSkus;
      r.lines.push_back(
          {"SKU-" + std::to_string(sku), 1 + static_cast<std::int64_t>(random() % 2), supply[sku]});
    }
    r.weight_g = 1800;
    r.volume_cm3 = 6000;
    r.value_minor = 7500;
    // Any minute of a fortnight: before and after cut-offs, weekends, nights.
    r.at = kBase + static_cast<domain::Instant>(random() % (14 * 1440)) * 60'000'000;
  }
  return requests;
}

}  // namespace

int main(int argc, char** argv) try {
  const auto args = parse(argc, argv);
  bench::note("machine: " + bench::cpu_model());
  const auto network_sites = sites(args.sites_file);
  std::vector<promise::SiteInput> inputs;
  for (const auto& [id, p] : network_sites) inputs.push_back({id, &p});
  auto holidays = adapters::load_holidays(args.holidays);
  if (!holidays) throw BenchFailure(holidays.error().to_string());
  auto gazetteer = adapters::Gazetteer::load(args.postcodes);
  if (!gazetteer) throw BenchFailure(gazetteer.error().to_string());
  std::ifstream config_in(args.config);
  const auto config_json = nlohmann::json::parse(config_in, nullptr, false);
  auto config = ordo::json::parse_promise_config(config_json);
  if (!config) throw BenchFailure("bad promise configuration " + args.config);
  const auto network = promise::Network::compile(*config, inputs, *holidays, {2026, 1, 1});

  std::mt19937_64 random(7);
  const auto supply = make_supply(random);
  const auto destinations = make_destinations(*gazetteer);
  // A few full days, as promises consume capacity.
  const promise::LoadLookup load = [&](std::uint32_t site, std::int64_t day) -> std::int64_t {
    return (site * 31 + static_cast<std::uint32_t>(day)) % 17 == 0 ? 10'000 : 0;
  };

  const auto requests = make_requests(random, supply, destinations);
  bench::LatencyRecorder latency(5'000'000);
  std::size_t options = 0, done = 0;
  const auto start = bench::Clock::now();
  const auto stop = start + bench::to_duration(args.seconds);
  while (bench::Clock::now() < stop) {
    for (std::size_t i = 0; i < 256; ++i, ++done) {
      const auto t0 = bench::Clock::now();
      const auto result = promise::compute(*network, requests[done % requests.size()], load);
      latency.record(bench::Clock::now() - t0);
      options += result.options.size();
    }
  }
  const double elapsed = bench::seconds_since(start);
  bench::note(bench::strf(
      "%zu promises in %.2f s, 200 sites, 3-line carts, %zu services + click and collect", done,
      elapsed, config->services.size()));
  bench::print_figure("promise_inprocess_rps", static_cast<double>(done) / elapsed, "promises/s",
                      0);
  bench::print_figure("promise_inprocess_p50", latency.percentile_us(0.50), "us", 2);
  bench::print_figure("promise_inprocess_p99", latency.percentile_us(0.99), "us", 2);
  bench::print_figure("promise_inprocess_options",
                      static_cast<double>(options) / static_cast<double>(done), "options/promise",
                      2);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "promise_bench: %s\n", e.what());
  return 1;
}
