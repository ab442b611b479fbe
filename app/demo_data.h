// A realistic demo retailer: real French sites (La Poste's public network of points of contact,
// ../shared/data/stores) as stores, two warehouses and pickup points; a generated catalog in
// categories; initial stock and future receipts; three channels with different inventory views.
// Deterministic for a given seed, so two runs submit the same commands (and, with their
// idempotency keys, the second changes nothing).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "engine/pipeline.h"

namespace ordo::demo {

struct DemoOptions {
  std::filesystem::path sites_file;  // fr_laposte_points_de_contact.csv
  std::size_t stores = 200;
  std::size_t pickup_points = 50;
  std::size_t skus = 2000;
  std::uint32_t seed = 1;
  domain::Instant now = 0;
};

/// Every command that builds the retailer, each with an idempotency key, in the order to submit
/// them (sites and items before stock; configuration first). Errors: a missing or malformed sites
/// file (the message names the line).
Result<std::vector<engine::Submission>> build_retailer(const DemoOptions& options);

/// `count` orders from the demo customers over the three channels, with idempotency keys
/// "demo-order/<seed>/<n>"; SKUs are drawn from the catalog built with the same options.
std::vector<engine::Submission> demo_orders(const DemoOptions& options, std::size_t count,
                                            std::size_t first_number);

/// The inventory views of the demo: web, marketplace and stores.
domain::InventoryViews demo_inventory_views();

}  // namespace ordo::demo
