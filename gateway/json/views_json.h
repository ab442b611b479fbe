// The read models as JSON, for customer service, stores and tools (projections/read_models.h).
// Rendered when queried; keys sorted; strings copied as they are, with invalid UTF-8 replaced when
// dumped (dump with error_handler_t::replace). These functions never throw and are thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "projections/read_models.h"

namespace ordo::json {

/// An order: {"order_id", "channel", "customer_id", "email", "status", "placed_at_us", "total",
/// "delivery_method", "promise", "billing_address", "delivery_address", "lines", "rounds",
/// "sourcing" (the best-ranked sites, and "considered_total"), "queued_for_service",
/// "released_by"}. Each line: {"line", "sku", "quantity", "unit_price_minor", "status", "site"};
/// each round: {"round", "status", "opened_at_us", "deadline_us", "winner", "offers": [{"site",
/// "state": pending|won|lost|declined|expired|withdrawn}]}.
nlohmann::json order_json(const projections::OrderView& view);

/// One timeline entry: {"position", "at_us", "type", "stream", "actor": "<kind>:<id>"} and the
/// details of the event: "site", "carrier", "tracking", "reason", "quantity", "reservation",
/// "round", "sites", "deadline_us", "end", "strategy", "outcome", "explanation" (every site the
/// sourcing considered), "allocations", "lines", as the event has them.
nlohmann::json timeline_entry_json(const projections::TimelineEntry& entry);

/// {"site", "sku", "on_hand", "reserved", "available", "expected_receipts": [{"receipt_id",
/// "quantity", "expected_at_us"}]}.
nlohmann::json site_stock_json(const projections::SiteStockView& stock);

/// An offer a store may still claim: {"type": "offer", "order_id", "round", "deadline_us",
/// "opened_at_us", "channel", "delivery_method", "delivery": {"postcode", "city", "country"},
/// "lines": [{"line", "sku", "quantity"}]}, for the order's open round. Null when none is open.
nlohmann::json pending_offer_json(const projections::OrderView& view);

}  // namespace ordo::json
