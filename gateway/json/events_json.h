// Domain events as JSON, for auditors reading the raw log over HTTP.
//
// Each event is an object with every field of the event, keys sorted, and no type name: the
// caller's envelope names the type, stream and position. Field names are the domain's, except:
//   - instants are integers of microseconds since the Unix epoch named "<field>_us"
//     ("placed_at_us", "promised_at_us", "delivered_at_us", "expected_at_us", "changed_at_us");
//   - OrderPlaced's billing, delivery and method are "billing_address", "delivery_address" and
//     "delivery_method", the names of the order placement body;
//   - ConfigurationChanged also has "area", the name of its document's area.
// Money is {"minor": 6000, "currency": "EUR"}; enumerations are their names ("home_standard",
// "store"); addresses, site profiles and items (as json/master_json.h writes them), order lines
// ({"line", "sku", "quantity", "unit_price_minor"}), allocations ({"line", "site_id"}) and promises
// are nested objects; line numbers are arrays of integers. For example, OrderShipped:
//
//   { "carrier": "colissimo", "lines": [1, 3], "site_id": "STR-01", "tracking": "6A12345678901" }
//
// and StockCounted: { "counted": 14, "delta": -2, "shortage": 0, "source": "pos" }.
//
// Strings are copied as they are. One written by another way in than the HTTP API (a file
// import) may hold invalid UTF-8, which nlohmann::json::dump refuses by throwing unless it is given
// error_handler_t::replace: give it. These functions never throw and are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/configuration.h"
#include "domain/order.h"
#include "domain/site.h"
#include "domain/stock.h"

namespace ordo::json {

/// SiteRegistered, SiteUpdated: {"site_id", "profile": the site as json/master_json.h writes it}.
/// SiteClosed: {"site_id", "for_good", "reason", "closed_at_us"}; SiteReopened: {"site_id",
/// "reopened_at_us"}.
nlohmann::json to_json(const domain::site::Event& event);

/// ItemDefined, ItemChanged: {"item": the item as json/master_json.h writes it}.
nlohmann::json to_json(const domain::catalog::Event& event);
/// BrandDefined, BrandChanged: {"brand": {"brand_id", "name"}}.
nlohmann::json to_json(const domain::brand::Event& event);
/// ChannelDefined, ChannelChanged: {"channel": the channel as json/master_json.h writes it}.
nlohmann::json to_json(const domain::channel::Event& event);

/// Every stock event, its fields as declared in domain/stock.h.
nlohmann::json to_json(const domain::stock::Event& event);

/// Every order event, its fields as declared in domain/order.h (with the renames above).
nlohmann::json to_json(const domain::order::Event& event);

/// ConfigurationChanged: {"area", "document" (the area's codec's JSON), "author", "reason",
/// "version", "changed_at_us"}.
nlohmann::json to_json(const domain::configuration::Event& event);

}  // namespace ordo::json
