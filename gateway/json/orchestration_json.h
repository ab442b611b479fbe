// JSON codec of the `orchestration` configuration document (domain::orchestration::Rules).
//
//   {
//     "default_strategy": "standard",
//     "strategies": [
//       { "name": "standard",                          // required, unique
//         "site_types": ["warehouse", "store"],        // default []: any that can ship or collect
//         "countries": ["FR"], "same_country": false,
//         "excluded_sites": [], "excluded_regions": [],
//         "require_capacity": true,                    // a full day drops the site
//         "max_distance_km": 0, "max_lead_time_hours": 0,   // 0: no limit
//         "ranking": ["priority", "distance", "stock_depth"],
//             // of priority, distance, shipping_cost, capacity, stock_depth; default priority,
//             stock_depth
//         "groups": [ { "name": "warehouses", "sites": { "types": ["warehouse"] }, "priority": 10,
//                       "lead_time_hours": 24, "cost_base_minor": 490, "cost_per_km_minor": 0 } ],
//         "rates": [ { "from": { "site_ids": ["WH-LYON"] }, "to_country": "FR",
//                      "to_postcode_prefix": "69", "cost_minor": 390 } ],
//         "split": "minimize_shipments",               // never | minimize_shipments | above_value
//         "split_min_value_minor": 0,
//         "mode": "competitive",                       // direct | competitive
//         "competitive_types": ["store"], "round_size": 3, "round_timeout_ms": 120000,
//         "max_rounds": 3, "fallback_direct": true }
//     ],
//     "selectors": [ { "channels": ["web"], "countries": ["FR"],
//                      "from_month_day": 1115, "to_month_day": 105, "strategy": "peak" } ]
//   }
//
// Fields left out take the defaults shown (domain/orchestration.h). The shape is checked here;
// the business rules (known strategy names, ranges) are domain::orchestration::validate's.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "base/result.h"
#include "domain/orchestration.h"

namespace ordo::json {

/// The document, or every shape problem with its pointer. Never throws on any input.
Result<domain::orchestration::Rules, std::vector<domain::ConfigError>> parse_orchestration(
    const nlohmann::json& document);

/// Every field written out; parse_orchestration(to_json(r)) == r for valid enumerators.
nlohmann::json to_json(const domain::orchestration::Rules& rules);

}  // namespace ordo::json
