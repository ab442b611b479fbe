// Benchmark of bulk import (issue figures, `BENCH name value unit`): a 100,000-row items file and
// a stock count file of 100,000 rows (50 sites x 2,000 SKUs), each read, validated whole (a dry run
// through the pipeline) and applied durably, with the projector following as in production. The
// rate counts the file's rows over the whole import, reading included.
//
//   import_bench --dir PATH [--quick]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "gateway/import/bulk.h"
#include "projections/projector.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void bench(const char* name, double value, const char* unit) {
  std::printf("BENCH %s %.0f %s\n", name, value, unit);
  std::fflush(stdout);
}

std::string items_csv(std::size_t rows) {
  static constexpr const char* kCategories[] = {"shoes/running", "shoes/city", "apparel/tshirts",
                                                "apparel/jackets", "accessories/bags"};
  std::string text = "sku,name,category,brand,weight_g,volume_cm3,price_minor,currency\n";
  for (std::size_t n = 0; n < rows; ++n) {
    text += "SKU-" + std::to_string(n) + ",\"Item " + std::to_string(n) + ", size " +
            std::to_string(36 + n % 12) + "\"," + kCategories[n % 5] + ",brand-" +
            std::to_string(n % 8) + "," + std::to_string(100 + n % 900) + "," +
            std::to_string(300 + n % 2000) + "," + std::to_string(990 + n % 20000) + ",EUR\n";
  }
  return text;
}

std::string sites_csv(std::size_t sites) {
  std::string text = "site_id,name,type,country,postcode,latitude,longitude,time_zone,mon\n";
  for (std::size_t s = 0; s < sites; ++s) {
    text += "ST-" + std::to_string(s) + ",Store " + std::to_string(s) +
            ",store,FR,75011,48.86,2.38,Europe/Paris,09:00-19:00\n";
  }
  return text;
}

std::string counts_csv(std::size_t sites, std::size_t skus) {
  std::string text = "site,sku,counted,source\n";
  for (std::size_t s = 0; s < sites; ++s) {
    for (std::size_t n = 0; n < skus; ++n) {
      text += "ST-" + std::to_string(s) + ",SKU-" + std::to_string(n) + "," +
              std::to_string((s * 7 + n * 13) % 40) + ",pos\n";
    }
  }
  return text;
}

// Imports `text`; the rows per second, or 0 when a row was refused.
double import_rate(ordo::engine::Pipeline& pipeline, ordo::bulk::Kind kind, const std::string& text,
                   std::size_t expected_rows) {
  const auto started = Clock::now();
  auto rows = ordo::bulk::read_rows(kind, ordo::bulk::Format::csv, text, {1, "", {}});
  if (!rows) {
    std::fprintf(stderr, "import_bench: %s\n", rows.error().to_string().c_str());
    return 0;
  }
  ordo::bulk::ApplyOptions options;
  options.actor = {ordo::eventstore::ActorKind::integration, "import_bench"};
  auto report = ordo::bulk::run_import(pipeline, std::move(*rows), options);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!report || report->refused != 0 || report->rows != expected_rows) {
    std::fprintf(stderr, "import_bench: the import of %zu rows failed\n", expected_rows);
    return 0;
  }
  return static_cast<double>(expected_rows) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path base;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc)
      base = argv[++i];
    else if (arg == "--quick")
      quick = true;
    else
      base.clear(), i = argc;
  }
  if (base.empty()) {
    std::fprintf(stderr, "usage: import_bench --dir PATH [--quick]\n");
    return 2;
  }
  const std::size_t items = quick ? 5'000 : 100'000, sites = quick ? 5 : 50,
                    skus = quick ? 1'000 : 2'000;
  const auto dir = base / ("import-bench-" + std::to_string(::getpid()));
  ordo::eventstore::Options options;
  options.data_dir = dir;
  options.projection_families = ordo::projections::projection_families();
  auto store = std::move(ordo::eventstore::EventStore::open(options).value());
  auto pipeline = std::move(ordo::engine::Pipeline::start(*store).value());
  auto projector = std::move(ordo::projections::Projector::start(*store).value());
  std::string brands = "brand_id,name\n";
  for (int b = 0; b < 8; ++b)
    brands += "brand-" + std::to_string(b) + ",Brand " + std::to_string(b) + "\n";
  import_rate(*pipeline, ordo::bulk::Kind::brands, brands, 8);
  import_rate(*pipeline, ordo::bulk::Kind::sites, sites_csv(sites), sites);
  const double items_rate =
      import_rate(*pipeline, ordo::bulk::Kind::items, items_csv(items), items);
  bench("import_items_rows_per_s", items_rate, "rows/s");
  const double stock_rate =
      import_rate(*pipeline, ordo::bulk::Kind::stock, counts_csv(sites, skus), sites * skus);
  bench("import_stock_rows_per_s", stock_rate, "rows/s");
  std::printf("# %zu items, %zu stock counts (%zu sites x %zu SKUs); log at %llu\n", items,
              sites * skus, sites, skus,
              static_cast<unsigned long long>(store->durable_position()));
  projector.reset();
  pipeline.reset();
  store.reset();
  fs::remove_all(dir);
  return items_rate > 0 && stock_rate > 0 ? 0 : 1;
}
