// A realistic demo retailer in three countries, written as the files a retailer's ERP, PIM and
// WMS would export (docs/ONBOARDING.md) and loaded through the import like any retailer's:
// real French sites (La Poste's public network of points of contact, ../shared/data/stores) as
// stores, pickup points and two warehouses; stores in the UK at real postcode districts and a
// warehouse in Germany, placed by the postcode gazetteer; a generated catalog of six brands in
// categories, priced in euros and, for the UK web shop, in pounds; stock counts and purchase
// orders due; five channels (web, marketplace and stores in France, a UK and a German web shop).
// Deterministic for a given seed and instant.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/pipeline.h"

namespace ordo::demo {

struct DemoOptions {
  std::filesystem::path sites_file;  // fr_laposte_points_de_contact.csv
  std::size_t stores = 200;          // French stores
  std::size_t uk_stores = 20;        // at most 20: the districts listed in demo_data.cpp
  std::size_t pickup_points = 50;
  std::size_t skus = 2000;
  std::uint32_t seed = 1;
  domain::Instant now = 0;
};

/// One file of the retailer: its name and bytes. The configuration (`inventory_views.json`, the
/// body of PUT /v1/config/inventory_views) comes first; the import kinds follow in the order
/// they refer to each other (brands, channels, sites, items, prices, stock, receipts).
struct File {
  std::string name;
  std::string bytes;
};

/// The retailer's files. Errors: a missing or malformed sites file (the message names the line),
/// or one with too few French post offices.
Result<std::vector<File>> retailer_files(const DemoOptions& options);

/// `count` orders from the demo customers over the five channels (in each channel's currency, to
/// its country), with idempotency keys "demo-order/<seed>/<n>"; SKUs are drawn from the catalog
/// written with the same options.
std::vector<engine::Submission> demo_orders(const DemoOptions& options, std::size_t count,
                                            std::size_t first_number);

}  // namespace ordo::demo
