// The route handlers, one group per file. Internal to gateway/api; see api.cpp for the table.
#pragma once

#include <nlohmann/json.hpp>

#include "gateway/api/api.h"

namespace ordo::gateway::api {

using Awaitable = boost::asio::awaitable<http::Response>;

// api_orders.cpp
Awaitable place_order(Engine& engine, Context& context);
Awaitable get_order(Engine& engine, Context& context);
Awaitable search_orders(Engine& engine, Context& context);
Awaitable cancel_order(Engine& engine, Context& context);
Awaitable change_address(Engine& engine, Context& context);
Awaitable store_step(Engine& engine, Context& context);
Awaitable reallocate_order(Engine& engine, Context& context);
Awaitable release_order(Engine& engine, Context& context);
Awaitable site_offers(Engine& engine, Context& context);

// api_promise.cpp
Awaitable promise_cart(Engine& engine, Context& context);
Awaitable promise_product(Engine& engine, Context& context);
Awaitable pickup_points(Engine& engine, Context& context);
Awaitable promise_accuracy(Engine& engine, Context& context);
/// Checks the promise an order is placed with against the engine now and completes it (carrier,
/// site, preparation day, the engine's promised time): a problem when it cannot be kept.
/// `pickup_point`: the relay a pickup-point promise was made to ("" for the nearest).
std::optional<http::Response> keep_promise(Engine& engine, domain::order::PlaceOrder& order,
                                           const std::string& pickup_point);

// api_stock.cpp
Awaitable stock_movements(Engine& engine, Context& context);
Awaitable sellable_stock(Engine& engine, Context& context);
Awaitable sellable_explain(Engine& engine, Context& context);
Awaitable site_stock(Engine& engine, Context& context);

// api_config.cpp
Awaitable get_config(Engine& engine, Context& context);
Awaitable put_config(Engine& engine, Context& context);
Awaitable config_history(Engine& engine, Context& context);

// api_me.cpp
Awaitable get_me(Engine& engine, Context& context);
Awaitable explain_access(Engine& engine, Context& context);

// api_events.cpp
Awaitable read_events(Engine& engine, Context& context);
Awaitable list_tokens(Engine& engine, Context& context);
Awaitable create_token(Engine& engine, Context& context);
Awaitable revoke_token(Engine& engine, Context& context);

// api_master.cpp
Awaitable list_sites(Engine& engine, Context& context);
Awaitable get_site(Engine& engine, Context& context);
Awaitable post_site(Engine& engine, Context& context);
Awaitable put_site(Engine& engine, Context& context);
Awaitable close_site(Engine& engine, Context& context);
Awaitable reopen_site(Engine& engine, Context& context);
Awaitable list_items(Engine& engine, Context& context);
Awaitable get_item(Engine& engine, Context& context);
Awaitable put_item(Engine& engine, Context& context);
Awaitable list_brands(Engine& engine, Context& context);
Awaitable get_brand(Engine& engine, Context& context);
Awaitable put_brand(Engine& engine, Context& context);
Awaitable list_channels(Engine& engine, Context& context);
Awaitable get_channel(Engine& engine, Context& context);
Awaitable put_channel(Engine& engine, Context& context);

// api_import.cpp
Awaitable import_file(Engine& engine, Context& context);

// api_events.cpp: one event of the log as JSON, every envelope field and the decoded payload.
nlohmann::json recorded_event_json(const eventstore::RecordedEvent& e);

// api_ops.cpp
Awaitable healthz(Engine& engine, Context& context);
Awaitable readyz(Engine& engine, Context& context);
Awaitable metrics(Engine& engine, Context& context);
Awaitable openapi(Engine& engine, Context& context);

}  // namespace ordo::gateway::api
