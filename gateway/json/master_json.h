// Master data as JSON: sites, catalog items, brands and channels, read from request bodies and
// import lines, and written back in the same shape (what GET returns can be PUT again).
//
// A site, every field shown (status is written, never read: closing and reopening are actions):
//
//   { "site_id": "STR-01", "name": "Strasbourg Kléber", "type": "store",  // or "warehouse",
//                                                         // "dark_store", "pickup_point"
//     "country": "FR", "region": "67", "postcode": "67000",
//     "latitude": 48.5834, "longitude": 7.7458,  // optional together: from the postcode if absent
//     "time_zone": "Europe/Paris",                // IANA name
//     "capabilities": { "ship_from_store": true, "click_and_collect": true, "returns": true,
//                       "ship_to_store": false }, // each optional, default false
//     "opening_hours": { "mon": "09:00-19:00", ..., "sun": "closed" },  // absent day: closed
//     "closed_days": ["2026-12-25"],              // exceptional closures, local dates
//     "brands": ["kalenji"],                      // brand ids carried; [] or absent: every brand
//     "daily_capacity": 120,                      // preparations a day; 0: no limit
//     "status": "open" }                          // written only
//
// An item: { "sku", "name", "category" ("shoes/running"), "brand" (a brand id or ""), "weight_g",
// "volume_cm3", "price": {"minor", "currency"}, "dangerous_goods" (default false),
// "click_and_collect" (default true), "prices": [{"channel", "minor", "currency"}] }.
// A brand: { "brand_id", "name" }. A channel: { "channel_id", "name", "countries": ["FR"],
// "currency", "brand", "inventory_view", "delivery_methods": ["home_standard"], "address_policy"
// ("refuse", "hold" or "warn"), "price_tolerance_bp" (0..10000) }.
//
// Parsers are strict (json/reader.h): unknown fields, wrong types and out-of-range values are
// each reported with their pointer; business rules and references are the deciders'. They never
// throw and are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/site.h"
#include "gateway/json/reader.h"

namespace ordo::json {

/// A site as read: its id, its profile, and whether the body gave coordinates (when it did not,
/// the caller derives them from the postcode).
struct SiteBody {
  std::string site_id;
  domain::site::Profile profile;
  bool has_coordinates = false;
};

/// An address check kept on an order: {"verdict", "field", "reason", "suggestions",
/// "original_address" (null when Ordo kept the address as written)}.
nlohmann::json address_check_json(const domain::AddressCheck& check);

nlohmann::json site_json(std::string_view site_id, const domain::site::Profile& profile);
nlohmann::json item_json(const domain::catalog::Item& item);
nlohmann::json brand_json(const domain::brand::Brand& brand);
nlohmann::json channel_json(const domain::channel::Channel& channel);

Parsed<SiteBody> parse_site(const nlohmann::json& body);
Parsed<domain::catalog::Item> parse_item(const nlohmann::json& body);
Parsed<domain::brand::Brand> parse_brand(const nlohmann::json& body);
Parsed<domain::channel::Channel> parse_channel(const nlohmann::json& body);

/// A site closure: { "for_good": false, "reason": "flooded" } (reason 1..500 characters).
struct SiteClosure {
  bool for_good = false;
  std::string reason;
};
Parsed<SiteClosure> parse_site_closure(const nlohmann::json& body);

/// A price list row: { "sku", "channel", "minor", "currency" }.
struct PriceRow {
  std::string sku;
  std::string channel;
  domain::Money price;
};
Parsed<PriceRow> parse_price_row(const nlohmann::json& body);

/// A stock count row: { "site", "sku", "counted" (0..10^9), "source" (default `source`) }.
struct CountRow {
  std::string site;
  std::string sku;
  std::int64_t counted = 0;
  std::string source;
};
Parsed<CountRow> parse_count_row(const nlohmann::json& body, std::string source);

/// An expected receipt row: { "site", "sku", "receipt_id", "quantity" (1..10^9), "expected_at"
/// ("YYYY-MM-DD": that day at 00:00 UTC, or "YYYY-MM-DDTHH:MM:SSZ") }.
struct ReceiptRow {
  std::string site;
  std::string sku;
  std::string receipt_id;
  std::int64_t quantity = 0;
  domain::Instant expected_at = 0;
};
Parsed<ReceiptRow> parse_receipt_row(const nlohmann::json& body);

/// "2026-12-25" (00:00 UTC) or "2026-12-25T08:30:00Z" as microseconds since the epoch.
std::optional<std::int64_t> parse_timestamp(std::string_view text);
/// "2026-12-25" as days since 1970-01-01; nullopt unless a valid date of that form.
std::optional<std::int64_t> parse_date(std::string_view text);
std::string format_date(std::int64_t days);
/// "09:00-19:00" (close after open) or "closed".
std::optional<domain::site::DayHours> parse_day_hours(std::string_view text);
std::string format_day_hours(const domain::site::DayHours& hours);

}  // namespace ordo::json
