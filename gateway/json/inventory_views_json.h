// JSON codec of the `inventory_views` configuration document (domain::InventoryViews).
//
// The shape, with every field; a realistic document for a French retailer:
//
//   {
//     "channels": [
//       { "channel": "web",                         // required, the sales channel id
//         "sites": { "types": ["store", "warehouse"], "countries": ["FR"] },
//         "share_percent": 100,                     // default 100
//         "future_horizon_days": 14,                // default 0: receipts never count
//         "minimum_display": 0 },                   // default 0
//       { "channel": "marketplace",
//         "sites": { "types": ["warehouse"] },
//         "share_percent": 80,
//         "safety_stock": [ { "category_prefix": "shoes", "quantity": 2 } ],
//         "minimum_display": 2 },
//       { "channel": "vip",
//         "sites": { "types": ["store"], "countries": ["FR"] } }
//     ],
//     "exclusions": [
//       { "name": "vip-reserve",                    // required, unique
//         "sites": { "types": ["store"] },
//         "quantity": 1,                            // required, per site and SKU
//         "for_channels": ["vip"] },                // who still sees it; default []: nobody
//       { "name": "marketplace-dedicated",
//         "sites": { "site_ids": ["WH-LYON"] },
//         "skus": ["SNK-42-BLK"],                   // default []: every SKU
//         "category_prefix": "",                    // default "": every category
//         "quantity": 20,
//         "for_channels": ["marketplace"] }
//     ]
//   }
//
// A site selector ("sites") has four optional lists, each a filter when non-empty: "site_ids",
// "types" ("store", "warehouse", "dark_store", "pickup_point"), "countries" (ISO 3166-1 alpha-2)
// and "regions". A safety stock rule has "sites", "category_prefix" (default "") and "quantity"
// (required). "channels" and "exclusions" default to [].
//
// This codec checks the shape only: types, required and unknown fields, site type names, integer
// ranges. The business rules (shares 0..100, unique channels, known channels in for_channels...)
// are domain::validate's, which the configuration decider runs.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "base/result.h"
#include "domain/inventory_views.h"

namespace ordo::json {

/// The document in `document`, or every shape problem found in it, each with the RFC 6901 pointer
/// of the offending value (or of the missing field) and a message naming the value. Unknown fields
/// are rejected so that a misspelt field is not silently ignored. Never throws on any input.
/// Thread-safe: no shared state.
Result<domain::InventoryViews, std::vector<domain::ConfigError>> parse_inventory_views(
    const nlohmann::json& document);

/// The document as JSON, every field written out; parse_inventory_views(to_json(v)) == v for any
/// `v` whose site types are valid enumerators.
nlohmann::json to_json(const domain::InventoryViews& views);

}  // namespace ordo::json
