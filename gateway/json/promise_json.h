// JSON codec of the `promise` configuration document (domain::promise::Config) and of promise
// results.
//
//   {
//     "currency": "EUR", "horizon_days": 30, "ship_to_store_max_km": 30,
//     "pickup_point_max_km": 15,          // without a chosen relay: the nearest this near
//     "zones": [ { "name": "FR-CORSE", "country": "FR", "postcode_prefixes": ["20"], "regions": []
//     } ], "services": [
//       { "id": "colissimo-home", "carrier": "colissimo", "method": "home_standard",
//             // home_standard | home_express | pickup_point | ship_to_store
//         "channels": [], "countries": ["FR"], "origin_countries": [],  // [] : the destination's
//         "transit": [ { "zone": "FR-CORSE", "days": 3 }, { "max_km": 300, "days": 1 }, { "days": 2
//         } ], "pickup_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
//         "pickup_cutoff": "17:30",                                        // the site's local time
//         "delivery_days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
//         "window": { "from": "08:00", "to": "13:00" },                    // default: the whole
//         day "max_weight_g": 30000, "max_volume_cm3": 0, "price_minor": 495, "price_per_kg_minor":
//         0, "free_above_minor": 6000, "carbon_g_per_tonne_km": 500, "carbon_g_per_parcel": 150,
//         "closed_dates": ["2026-12-24"], "max_days": 0 }
//     ],
//     "preparation": [ { "name": "stores", "sites": { "types": ["store"] }, "preparation_minutes":
//     90,
//                        "cutoff": "17:00", "daily_capacity": -1, "closed_dates": [] } ],
//     "collect": { "enabled": true, "channels": [], "max_distance_km": 30, "preparation_minutes":
//     120,
//                  "max_stores": 3, "max_days": 0, "price_minor": 0,
//                  "excluded_categories": ["furniture/"] }
//   }
//
// Fields left out take the defaults of domain/promise.h. Times are "HH:MM" ("24:00" for the end of
// the day where allowed), dates "YYYY-MM-DD". The shape is checked here; ranges and references
// are domain::promise::validate's.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "base/result.h"
#include "domain/promise.h"

namespace ordo::json {

/// The document, or every shape problem with its pointer. Never throws on any input.
Result<domain::promise::Config, std::vector<domain::ConfigError>> parse_promise_config(
    const nlohmann::json& document);

/// Every field written out; parse_promise_config(to_json(c)) == c.
nlohmann::json to_json(const domain::promise::Config& config);

/// The options (and infeasible ones) of a promise as the API answers them, written straight into
/// `out` without the closing brace, so that the caller can add fields (the checkout's hot path:
/// no intermediate JSON tree). Keys sorted, as everywhere in the API.
void append_json(std::string& out, const domain::promise::Result& result,
                 const std::string& currency);

/// A checkout's promise request:
///   { "channel": "web", "destination": { "country": "FR", "postcode": "75011" },
///     "lines": [ { "sku": "SKU-00001", "quantity": 2 } ], "explain": false,
///     "pickup_point": "FR-10422A" }   // optional: the relay chosen (GET /v1/pickup-points)
/// 1..100 lines of 1..10,000 units; SKUs and the channel are ids ([A-Za-z0-9._-], 1..64).
struct PromiseRequest {
  std::string channel = "web";
  std::string country;
  std::string postcode;
  std::vector<std::pair<std::string, std::int64_t>> lines;
  bool explain = false;
  std::string pickup_point;
};
Result<PromiseRequest, std::vector<domain::ConfigError>> parse_promise_request(
    const nlohmann::json& body);

/// "HH:MM" of a minute of the day (1440: "24:00").
std::string clock_text(unsigned minute);
/// The name of a delivery method, e.g. "home_express".
std::string_view method_name(domain::order::DeliveryMethod method);

}  // namespace ordo::json
