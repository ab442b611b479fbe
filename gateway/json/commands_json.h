// Request bodies of the HTTP API read into domain commands.
//
// Every parser is strict: fields of the wrong type, unknown fields, floats where an integer is
// expected (1.5, 2.0 and 1e3 alike) and values out of range are problems, each reported as a
// domain::ConfigError with the RFC 6901 pointer of the value (or of the missing field) and a
// message naming it; every problem of a body is reported at once. Parsers check the shape only;
// business rules (duplicate line numbers, a known channel, enough stock) are the deciders'.
// They never throw, on any nlohmann::json value, and are thread-safe (no shared state).
//
// Conventions: an "id" is 1..64 characters of [A-Za-z0-9._-]. Text lengths count Unicode
// characters; text must be valid UTF-8 without NUL bytes. Instants are integers in microseconds
// since the Unix epoch (UTC), named "..._us". Money is in minor units (cents). `now`, the caller's
// clock, becomes every command's `at`. null is a value, not an absent field: an optional field
// is left out, not sent as null. Give {} for a request without a body (null is not an object).
//
// Place an order, every field shown:
//
//   {
//     "order_id": "o-1001",                         // id
//     "channel": "web",                             // id of a sales channel
//     "customer_id": "c-7",                         // 1..128 characters
//     "email": "jeanne@example.com",                // 1..254, one @ with text on both sides
//     "currency": "EUR",                            // ISO 4217: three upper-case letters
//     "delivery_method": "home_standard",           // default "home_standard"; or "home_express",
//                                                   // "pickup_point", "click_and_collect",
//                                                   // "ship_to_store"
//     "promise": {                                  // optional: the promise chosen at checkout
//       "option_id": "standard-2d",                 // 1..128 characters
//       "promised_at_us": 1700172800000000,         // integer >= 0
//       "pickup_point": "FR-11561D" },              // optional: the relay a pickup-point
//                                                   // promise was made to (an id)
//     "delivery_address": {                         // required
//       "name": "Jeanne Martin",                    // required
//       "line1": "3 rue des Orfèvres",              // required
//       "line2": "Bâtiment B",                      // optional
//       "postcode": "67000",                        // required
//       "city": "Strasbourg",                       // required
//       "country": "FR",                            // required, ISO 3166-1 alpha-2
//       "phone": "+33 3 88 00 00 00" },             // optional; every address text <= 200
//     "billing_address": {                          // optional: default the delivery address
//       "name": "Jeanne Martin", "line1": "1 place Kléber", "postcode": "67000",
//       "city": "Strasbourg", "country": "FR" },
//     "lines": [                                    // 1..200 lines
//       { "line": 1,                                // 1..10000, unique in the order
//         "sku": "SNK-42-BLK",                      // id
//         "quantity": 2,                            // 1..100000
//         "unit_price_minor": 8999 }                // 0..10^12, in the order's currency
//     ]
//   }
//
// Cancel lines of an order (its id is in the URL); "lines" absent or [] cancels every line:
//
//   {
//     "lines": [2, 3],                              // optional: 0..200 line numbers, 1..10000
//     "reason": "customer asked by phone"           // 1..500 characters
//   }
//
// Change an order's delivery address: { "address": <an address as above> }.
//
// A store's step on an order, by step name; "site" (an id) is optional because a store's token
// names the site (the caller fills it in or checks it); every other field is as shown:
//
//   preparation-started   { "site": "STR-01" }
//   prepared              { "site": "STR-01", "ready_for_pickup": true }   // default false
//   shipped               { "site": "STR-01", "carrier": "colissimo",      // 1..64 characters
//                           "tracking": "6A12345678901" }                 // optional, 0..128
//   delivered             { "site": "STR-01" }
//
// Stock movements from an ERP, WMS or point of sale, 1..1000 in a batch:
//
//   {
//     "movements": [
//       { "type": "receipt", "site": "WH-LYON", "sku": "SNK-42-BLK",
//         "quantity": 120,                          // 1..10^9
//         "reference": "ASN-88812" },               // optional, 0..128 characters
//       { "type": "adjustment", "site": "STR-01", "sku": "SNK-42-BLK",
//         "delta": -2,                              // non-zero, -10^9..10^9
//         "reason": "damaged" },                    // 1..200 characters
//       { "type": "count", "site": "STR-01", "sku": "SNK-42-BLK",
//         "counted": 14,                            // 0..10^9, the absolute quantity on hand
//         "source": "pos" },                        // 1..64 characters: "erp", "wms", "pos"...
//       { "type": "expected_receipt", "site": "WH-LYON", "sku": "SNK-42-BLK",
//         "receipt_id": "PO-2024-0042",             // id
//         "quantity": 500,                          // 1..10^9
//         "expected_at_us": 1700600000000000 },     // integer >= 0
//       { "type": "receipt_confirmed", "site": "WH-LYON", "sku": "SNK-42-BLK",
//         "receipt_id": "PO-2024-0042",
//         "received": 480 },                        // 0..10^9
//       { "type": "receipt_cancelled", "site": "WH-LYON", "sku": "SNK-42-BLK",
//         "receipt_id": "PO-2024-0043" }
//     ]
//   }
//
// "type", "site" (an id) and "sku" (an id) are required in every movement, and each type allows
// only its own fields.
//
// Change a configuration area (the area is named in the URL):
//
//   {
//     "document": { "channels": [ { "channel": "web" } ] },  // an object: the area's document
//     "author": "ops@example.com",                  // 1..128 characters
//     "reason": "web sells store stock"             // 1..500 characters
//   }
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/order.h"
#include "domain/stock.h"
#include "domain/types.h"
#include "gateway/json/reader.h"

namespace ordo::json {

/// The body of an order placement as a PlaceOrder, or every problem in it.
Parsed<domain::order::PlaceOrder> parse_place_order(const nlohmann::json& body,
                                                    domain::Instant now);

/// The body of a cancellation of an existing order (its id comes from the URL).
Parsed<domain::order::CancelLines> parse_cancel(const nlohmann::json& body, domain::Instant now);

/// The body of a change of an existing order's delivery address.
Parsed<domain::order::ChangeDeliveryAddress> parse_change_address(const nlohmann::json& body,
                                                                  domain::Instant now);

/// Customer service's reallocation: {"site": id, "reason": text}.
Parsed<domain::order::Reallocate> parse_reallocate(const nlohmann::json& body, domain::Instant now);

/// A store giving an order back: {"site": id (optional for a store's token), "reason": text,
/// "stock_missing": bool (default false)}.
Parsed<domain::order::ReleaseAllocation> parse_release(const nlohmann::json& body,
                                                       domain::Instant now);

/// The store step names of the API, in the order an order goes through them.
inline constexpr std::array<std::string_view, 4> kStoreSteps = {"preparation-started", "prepared",
                                                                "shipped", "delivered"};

/// The body of a store's step (one of kStoreSteps) as StartPreparation, MarkPrepared, ShipOrder or
/// DeliverOrder. Its `site_id` is the body's "site", or empty when the body has none: the caller
/// must then supply it (from the store's token) before deciding. An unknown step is one problem
/// with pointer "" (the body is not read).
Parsed<domain::order::Command> parse_store_step(const nlohmann::json& body, domain::Instant now,
                                                std::string_view step);

/// One stock movement, addressed to the stock of `sku` at `site_id`.
struct ParsedMovement {
  std::string site_id;
  std::string sku;
  domain::stock::Command command;  // ReceiveStock, AdjustStock, CountStock, ExpectReceipt,
                                   // ConfirmReceipt or CancelReceipt
};

/// A batch of movements read one by one: item i is the movement at "/movements/i", or the
/// problems of that movement alone (pointers absolute, e.g. "/movements/3/quantity"), so that the
/// caller can apply the good ones and report the others.
struct StockMovements {
  std::vector<std::variant<ParsedMovement, std::vector<domain::ConfigError>>> movements;
};

/// A batch of stock movements. Fails as a whole (unexpected) only when the envelope is
/// wrong: not an object, an unknown top-level field, "movements" missing, not an array, empty or
/// longer than 1000; otherwise has one entry per movement, in order.
Parsed<StockMovements> parse_stock_movements(const nlohmann::json& body, domain::Instant now);

/// A configuration change whose document is still JSON: the caller parses it with the codec of
/// the area named in the URL (parse_inventory_views...), whose pointers are relative to the
/// document; prefix them with "/document" to point into the request body.
struct ParsedConfigurationChange {
  nlohmann::json document;  // an object, nested at most 64 levels deep
  std::string author;
  std::string reason;
  domain::Instant at = 0;  // `now`
};

/// A configuration change. A document nested deeper than 64 levels is refused: copying or
/// printing it would recurse that deep.
Parsed<ParsedConfigurationChange> parse_configuration_change(const nlohmann::json& body,
                                                             domain::Instant now);

}  // namespace ordo::json
