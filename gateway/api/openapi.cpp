// The OpenAPI 3 document of the API. Written by hand (it is the contract clients read); a test
// checks that its paths, methods and x-ordo-permission match the router's table exactly, and the
// router accepts exactly the query parameters it documents.
#include <nlohmann/json.hpp>

#include "gateway/api/api.h"

namespace ordo::gateway::api {

namespace {

// The document as written: JSON data, not code.
constexpr std::string_view kDocumentText = R"openapi({
  "openapi": "3.0.3",
  "info": {
    "title": "Ordo API",
    "version": "1",
    "description": "Orders, stock, sellable stock, master data (sites, items, brands, channels), configuration and the event log of Ordo. Every route but /healthz and /readyz needs 'Authorization: Bearer <token>'; x-ordo-permission names the grant a route needs. Errors are application/problem+json (RFC 9457) with a JSON pointer per invalid field. Writes answer once durable, with the header Ordo-Position; reads accept min_position to wait for it (read-your-writes)."
  },
  "servers": [{"url": "http://127.0.0.1:8080"}],
  "security": [{"bearer": []}],
  "paths": {
    "/healthz": {"get": {"summary": "The process is up", "security": [], "x-ordo-permission": "open",
      "responses": {"200": {"description": "ok"}}}},
    "/readyz": {"get": {"summary": "Ready to serve: pipeline, projector and log healthy", "security": [], "x-ordo-permission": "open",
      "responses": {"200": {"description": "ready"}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/metrics": {"get": {"summary": "Prometheus metrics", "x-ordo-permission": "metrics_read",
      "responses": {"200": {"description": "text/plain; version=0.0.4"}}}},
    "/v1/openapi.json": {"get": {"summary": "This document", "x-ordo-permission": "any token",
      "responses": {"200": {"description": "OpenAPI 3 document"}}}},
    "/v1/me": {"get": {"summary": "The caller: its grants, and each permission it holds with the scopes where it holds it (a back office builds its menus from it)", "x-ordo-permission": "any token",
      "responses": {"200": {"description": "{id, kind, grants: [{role, effect, scope}], permissions: {name: {everywhere, scopes, denied}}}"}}}},
    "/v1/me/explain": {"get": {"summary": "Why the caller may (or may not) use a permission on an object of these countries, channel, brands and sites", "x-ordo-permission": "any token",
      "parameters": [
        {"name": "permission", "in": "query", "required": true, "schema": {"type": "string"}},
        {"name": "country", "in": "query", "schema": {"type": "string"}},
        {"name": "channel", "in": "query", "schema": {"type": "string"}},
        {"name": "brand", "in": "query", "schema": {"type": "string"}},
        {"name": "site", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "{permission, target, allowed, reasons}"}, "400": {"description": "a parameter names no permission, country or id"}}}},
    "/v1/orders": {
      "post": {"summary": "Place an order (sourced and reserved in the same durable write)", "x-ordo-permission": "orders_place",
        "parameters": [{"$ref": "#/components/parameters/IdempotencyKeyRequired"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlaceOrder"}}}},
        "responses": {"201": {"description": "placed; a retry with the same key and body gets the same answer", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PlacedOrder"}}}},
          "200": {"description": "the same order was placed before under another key"},
          "400": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"},
          "503": {"$ref": "#/components/responses/Overloaded"}}},
      "get": {"summary": "Search orders (customer service), oldest first", "x-ordo-permission": "orders_read",
        "parameters": [
          {"name": "customer", "in": "query", "schema": {"type": "string"}},
          {"name": "email", "in": "query", "schema": {"type": "string"}},
          {"name": "status", "in": "query", "schema": {"type": "string"}},
          {"name": "queue", "in": "query", "description": "customer_service: orders no rule or store could source", "schema": {"type": "string", "enum": ["customer_service"]}},
          {"name": "channel", "in": "query", "schema": {"type": "string"}},
          {"name": "site", "in": "query", "schema": {"type": "string"}},
          {"name": "from", "in": "query", "description": "YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or microseconds", "schema": {"type": "string"}},
          {"name": "to", "in": "query", "schema": {"type": "string"}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
          {"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": {"type": "string"}},
          {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{orders: [OrderView], next_cursor?}"}}}},
    "/v1/orders/{id}": {"get": {"summary": "An order: status per order and line, addresses, full timeline", "x-ordo-permission": "orders_read",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "the order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderView"}}}},
        "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/cancel": {"post": {"summary": "Cancel the order or some lines (not shipped ones)", "x-ordo-permission": "orders_act",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "additionalProperties": false,
        "properties": {"lines": {"type": "array", "items": {"type": "integer"}}, "reason": {"type": "string"}}}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/delivery-address": {"post": {"summary": "Change the delivery address (before preparation)", "x-ordo-permission": "orders_act",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["address"], "additionalProperties": false,
        "properties": {"address": {"$ref": "#/components/schemas/Address"}}}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/preparation-started": {"post": {"summary": "A store starts preparing its lines", "x-ordo-permission": "orders_fulfil",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StoreStep"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/prepared": {"post": {"summary": "A store's lines are prepared (ready_for_pickup for collection)", "x-ordo-permission": "orders_fulfil",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StoreStep"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/shipped": {"post": {"summary": "A store's lines are shipped (carrier required, tracking number)", "x-ordo-permission": "orders_fulfil",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StoreStep"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/delivered": {"post": {"summary": "A store's lines are delivered", "x-ordo-permission": "orders_fulfil",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StoreStep"}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/reallocate": {"post": {"summary": "Customer service moves every line not yet in preparation to a site (an open round is withdrawn)", "x-ordo-permission": "orders_act",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["site", "reason"],
        "properties": {"site": {"type": "string"}, "reason": {"type": "string"}}, "additionalProperties": false}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/orders/{id}/release": {"post": {"summary": "A store gives back an order it cannot prepare; it is sourced again", "x-ordo-permission": "orders_fulfil",
      "parameters": [{"$ref": "#/components/parameters/OrderId"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"],
        "properties": {"site": {"type": "string"}, "reason": {"type": "string"}, "stock_missing": {"type": "boolean"}}, "additionalProperties": false}}}},
      "responses": {"200": {"$ref": "#/components/responses/Action"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sites/{id}/offers": {"get": {"summary": "The competitive offers a site may still claim", "x-ordo-permission": "orders_read",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{site, offers: [{order_id, round, opened_at_us, deadline_us, channel, delivery_method, delivery: {postcode, country}, lines}]}"},
        "403": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/stock/movements": {"post": {"summary": "A batch of stock movements from ERP/WMS/POS feeds, answered per movement", "x-ordo-permission": "stock_write",
      "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/StockMovements"}}}},
      "responses": {"200": {"description": "{results: [{index, status: applied|unchanged|rejected|invalid|forbidden|failed, position?, problem?}], applied, movements}"},
        "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/stock/{site}/{sku}": {"get": {"summary": "A site's stock of a SKU: on hand, reserved, available, expected receipts", "x-ordo-permission": "stock_read",
      "parameters": [{"name": "site", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "the stock"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sellable-stock": {"get": {"summary": "Sellable stock of many SKUs for a channel", "x-ordo-permission": "sellable_read",
      "parameters": [{"name": "channel", "in": "query", "required": true, "schema": {"type": "string"}},
        {"name": "sku", "in": "query", "required": true, "description": "repeat or comma-separate; 1..500", "schema": {"type": "string"}},
        {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{channel, position, items: [{sku, found, sellable, now, future}]}"}}}},
    "/v1/sellable-stock/{channel}/{sku}": {"get": {"summary": "One figure, with explain=true the breakdown behind it", "x-ordo-permission": "sellable_read",
      "parameters": [{"name": "channel", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "sku", "in": "path", "required": true, "schema": {"type": "string"}},
        {"name": "explain", "in": "query", "schema": {"type": "boolean"}}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{channel, sku, sellable, now, future, breakdown?}"}, "404": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/promises": {
      "post": {"summary": "Every delivery option a checkout can offer for a cart and a destination, with its date, site, price and carbon; explain=true lists the infeasible ones and why", "x-ordo-permission": "sellable_read",
        "parameters": [{"$ref": "#/components/parameters/MinPosition"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "description": "{channel?, destination: {country, postcode}, lines: [{sku, quantity}], explain?, pickup_point?}"}}}},
        "responses": {"200": {"description": "{options: [{id, method, carrier?, service, date, window?, earliest_at_us, promised_at_us, order_by_us?, ship_from, collect_at?, ship_date, price, carbon_g, distance_km, delays}], infeasible?: [{service, carrier?, method, reason, detail}], channel, destination, computed_at_us, config_version, position}"},
          "422": {"$ref": "#/components/responses/Problem"}}},
      "get": {"summary": "The delivery options for one product on a product page", "x-ordo-permission": "sellable_read",
        "parameters": [{"name": "sku", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "country", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "postcode", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "quantity", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
          {"name": "channel", "in": "query", "schema": {"type": "string"}},
          {"name": "explain", "in": "query", "schema": {"type": "boolean"}},
          {"name": "pickup_point", "in": "query", "description": "the relay chosen (GET /v1/pickup-points)", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "as POST /v1/promises"}, "400": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/pickup-points": {"get": {"summary": "The open pickup points (relay shops) near a postcode, nearest first, for the customer to choose one", "x-ordo-permission": "sellable_read",
      "parameters": [{"name": "country", "in": "query", "required": true, "schema": {"type": "string"}},
        {"name": "postcode", "in": "query", "required": true, "schema": {"type": "string"}},
        {"name": "max_km", "in": "query", "description": "default: the promise area's pickup_point_max_km", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{pickup_points: [site with distance_km], max_km, position}"}, "400": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}, "503": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/promise-accuracy": {"get": {"summary": "The share of delivery promises kept, by carrier, site or method, over delivery dates", "x-ordo-permission": "orders_read",
      "parameters": [{"name": "by", "in": "query", "schema": {"type": "string", "enum": ["carrier", "site", "method"]}},
        {"name": "from", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "required": true, "schema": {"type": "string", "format": "date"}}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{by, from, to, groups: [{<by>, fulfilled, kept, late, kept_share, average_late_minutes}], total, position, truncated?}"},
        "400": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sites": {
      "get": {"summary": "Sites in id order, filtered", "x-ordo-permission": "master_read",
        "parameters": [{"name": "country", "in": "query", "schema": {"type": "string"}}, {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["store", "warehouse", "dark_store", "pickup_point"]}},
          {"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "temporarily_closed", "closed"]}}, {"name": "region", "in": "query", "schema": {"type": "string"}},
          {"name": "brand", "in": "query", "schema": {"type": "string"}}, {"name": "capability", "in": "query", "schema": {"type": "string", "enum": ["ship_from_store", "click_and_collect", "returns", "ship_to_store"]}},
          {"$ref": "#/components/parameters/After"}, {"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{sites: [Site], next_cursor?}"}, "400": {"$ref": "#/components/responses/Problem"}}},
      "post": {"summary": "Register a site (409 when it exists with another profile)", "x-ordo-permission": "master_write",
        "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Site"}}}},
        "responses": {"201": {"description": "registered"}, "200": {"description": "already so"}, "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sites/{id}": {
      "get": {"summary": "A site with its history", "x-ordo-permission": "master_read", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{site: Site, version, history: [event]}"}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Define a site: register it or change it (its status is changed by close and reopen)", "x-ordo-permission": "master_write",
        "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Site"}}}},
        "responses": {"201": {"description": "registered"}, "200": {"description": "{..., changed}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sites/{id}/close": {"post": {"summary": "Close a site temporarily or for good (for good: refused while it holds stock for open orders)", "x-ordo-permission": "master_write",
      "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "additionalProperties": false,
        "properties": {"for_good": {"type": "boolean"}, "reason": {"type": "string"}}}}}},
      "responses": {"200": {"description": "{site_id, for_good, reason, changed}"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/sites/{id}/reopen": {"post": {"summary": "Reopen a temporarily closed site", "x-ordo-permission": "master_write",
      "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
      "responses": {"200": {"description": "{site_id, changed}"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/imports/{kind}": {"post": {"summary": "Import a CSV or JSON Lines file of brands, channels, sites, items, prices, stock counts or expected receipts: validated whole, nothing applied if a row is refused (unless apply_valid=true), then applied; the same file twice changes nothing", "x-ordo-permission": "master_write",
      "parameters": [{"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": ["brands", "channels", "sites", "items", "prices", "stock", "receipts"]}},
        {"name": "apply_valid", "in": "query", "schema": {"type": "boolean"}}, {"name": "source", "in": "query", "description": "a stock count's source", "schema": {"type": "string"}}],
      "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
      "responses": {"200": {"description": "{kind, rows, created, changed, unchanged, refused, applied, problems: [{line, field, message}]}"},
        "422": {"description": "the same summary: rows refused (nothing applied unless apply_valid), or an unreadable file (problem)"}, "415": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/items": {"get": {"summary": "Catalog items in SKU order, filtered", "x-ordo-permission": "master_read",
      "parameters": [{"name": "brand", "in": "query", "schema": {"type": "string"}}, {"name": "category", "in": "query", "description": "a prefix of the category path", "schema": {"type": "string"}},
        {"name": "channel", "in": "query", "description": "priced on this channel", "schema": {"type": "string"}}, {"$ref": "#/components/parameters/After"}, {"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{items: [Item], next_cursor?}"}}}},
    "/v1/items/{id}": {
      "get": {"summary": "An item with its history", "x-ordo-permission": "master_read", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{item: Item, version, history}"}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Define an item (brand and channel prices checked)", "x-ordo-permission": "master_write",
        "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
        "responses": {"201": {"description": "created"}, "200": {"description": "{..., changed}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/brands": {"get": {"summary": "Brands in id order", "x-ordo-permission": "master_read",
      "parameters": [{"$ref": "#/components/parameters/After"}, {"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{brands: [{brand_id, name}], next_cursor?}"}}}},
    "/v1/brands/{id}": {
      "get": {"summary": "A brand with its history", "x-ordo-permission": "master_read", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{brand, version, history}"}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Define a brand", "x-ordo-permission": "master_write",
        "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {"brand_id": {"type": "string"}, "name": {"type": "string"}}}}}},
        "responses": {"201": {"description": "created"}, "200": {"description": "{brand_id, name, changed}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/channels": {"get": {"summary": "Sales channels in id order, filtered", "x-ordo-permission": "master_read",
      "parameters": [{"name": "country", "in": "query", "schema": {"type": "string"}}, {"name": "brand", "in": "query", "schema": {"type": "string"}}, {"name": "currency", "in": "query", "schema": {"type": "string"}},
        {"$ref": "#/components/parameters/After"}, {"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/MinPosition"}],
      "responses": {"200": {"description": "{channels: [Channel], next_cursor?}"}}}},
    "/v1/channels/{id}": {
      "get": {"summary": "A channel with its history", "x-ordo-permission": "master_read", "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/MinPosition"}],
        "responses": {"200": {"description": "{channel, version, history}"}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Define a channel (brand and inventory view checked)", "x-ordo-permission": "master_write",
        "parameters": [{"$ref": "#/components/parameters/Id"}, {"$ref": "#/components/parameters/IdempotencyKey"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Channel"}}}},
        "responses": {"201": {"description": "created"}, "200": {"description": "{..., changed}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/config/{area}": {
      "get": {"summary": "The active document of a configuration area (or ?version=N)", "x-ordo-permission": "config_read",
        "parameters": [{"$ref": "#/components/parameters/Area"}, {"name": "version", "in": "query", "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "{area, version, active_version, author, reason, changed_at_us, position, actor, document}"}, "404": {"$ref": "#/components/responses/Problem"}}},
      "put": {"summary": "Change a configuration area; invalid documents are refused with a pointer per problem", "x-ordo-permission": "config_write",
        "parameters": [{"$ref": "#/components/parameters/Area"}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["document", "author", "reason"], "additionalProperties": false,
          "properties": {"document": {"type": "object"}, "author": {"type": "string"}, "reason": {"type": "string"}}}}}},
        "responses": {"200": {"description": "{area, changed}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/config/{area}/history": {"get": {"summary": "Every version: who, when, why (documents=true: with documents)", "x-ordo-permission": "config_read",
      "parameters": [{"$ref": "#/components/parameters/Area"}, {"name": "documents", "in": "query", "schema": {"type": "boolean"}}],
      "responses": {"200": {"description": "{area, versions: [...]}"}}}},
    "/v1/events": {"get": {"summary": "The raw log: envelopes and decoded payloads", "x-ordo-permission": "events_read",
      "parameters": [{"name": "from", "in": "query", "description": "position (with stream: stream version), from 1", "schema": {"type": "integer"}},
        {"name": "stream", "in": "query", "schema": {"type": "string"}},
        {"name": "type", "in": "query", "description": "event types; repeat or comma-separate", "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
      "responses": {"200": {"description": "{events: [...], next_from}"}}}},
    "/v1/tokens": {
      "get": {"summary": "Every API token (never the secrets)", "x-ordo-permission": "tokens_manage",
        "responses": {"200": {"description": "{tokens: [...]}"}}},
      "post": {"summary": "Issue an API token; the secret is in this answer only", "x-ordo-permission": "tokens_manage",
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["role"], "additionalProperties": false,
          "properties": {"role": {"type": "string", "enum": ["admin", "customer_service", "store", "integration", "auditor"]},
            "site": {"type": "string"}, "channel": {"type": "string"}, "label": {"type": "string"}}}}}},
        "responses": {"201": {"description": "{token, token_id, role, site, channel, label, issued_at_us, revoked}"}, "422": {"$ref": "#/components/responses/Problem"}}}},
    "/v1/tokens/{id}/revoke": {"post": {"summary": "Revoke an API token", "x-ordo-permission": "tokens_manage",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
      "responses": {"200": {"description": "{token_id, revoked}"}, "404": {"$ref": "#/components/responses/Problem"}}}}
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "ordo_<id>_<secret>, from `ordo token create` or POST /v1/tokens"}},
    "parameters": {
      "OrderId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}},
      "Area": {"name": "area", "in": "path", "required": true, "schema": {"type": "string", "enum": ["inventory_views", "orchestration"]}},
      "IdempotencyKey": {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "maxLength": 200}},
      "IdempotencyKeyRequired": {"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string", "maxLength": 200}},
      "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"}},
      "After": {"name": "after", "in": "query", "description": "next_cursor of the previous page", "schema": {"type": "string"}},
      "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
      "MinPosition": {"name": "min_position", "in": "query", "description": "wait (2 s at most) until the query models reached this log position (Ordo-Position of a write)", "schema": {"type": "integer"}}
    },
    "responses": {
      "Problem": {"description": "RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Overloaded": {"description": "the pipeline is full: retry after Retry-After seconds", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
      "Action": {"description": "{order_id, changed} (changed false: it was already so)", "headers": {"Ordo-Position": {"schema": {"type": "integer"}}}}
    },
    "schemas": {
      "Site": {"type": "object", "required": ["site_id", "name", "type", "country", "postcode", "time_zone"], "additionalProperties": false,
        "properties": {"site_id": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string", "enum": ["store", "warehouse", "dark_store", "pickup_point"]},
          "country": {"type": "string"}, "region": {"type": "string"}, "postcode": {"type": "string"}, "latitude": {"type": "number"}, "longitude": {"type": "number"},
          "time_zone": {"type": "string"}, "capabilities": {"type": "object", "properties": {"ship_from_store": {"type": "boolean"}, "click_and_collect": {"type": "boolean"}, "returns": {"type": "boolean"}, "ship_to_store": {"type": "boolean"}}},
          "opening_hours": {"type": "object", "description": "mon..sun: \"09:00-19:00\" or \"closed\""}, "closed_days": {"type": "array", "items": {"type": "string", "format": "date"}},
          "brands": {"type": "array", "items": {"type": "string"}}, "daily_capacity": {"type": "integer"}, "status": {"type": "string", "readOnly": true}}},
      "Item": {"type": "object", "required": ["sku", "name", "price"], "additionalProperties": false,
        "properties": {"sku": {"type": "string"}, "name": {"type": "string"}, "category": {"type": "string"}, "brand": {"type": "string"}, "weight_g": {"type": "integer"}, "volume_cm3": {"type": "integer"},
          "price": {"type": "object", "properties": {"minor": {"type": "integer"}, "currency": {"type": "string"}}}, "dangerous_goods": {"type": "boolean"}, "click_and_collect": {"type": "boolean"},
          "prices": {"type": "array", "items": {"type": "object", "properties": {"channel": {"type": "string"}, "minor": {"type": "integer"}, "currency": {"type": "string"}}}}}},
      "Channel": {"type": "object", "required": ["channel_id", "name", "countries", "currency", "delivery_methods"], "additionalProperties": false,
        "properties": {"channel_id": {"type": "string"}, "name": {"type": "string"}, "countries": {"type": "array", "items": {"type": "string"}}, "currency": {"type": "string"}, "brand": {"type": "string"},
          "inventory_view": {"type": "string"}, "delivery_methods": {"type": "array", "items": {"type": "string", "enum": ["home_standard", "home_express", "pickup_point", "click_and_collect", "ship_to_store"]}},
          "address_policy": {"type": "string", "enum": ["refuse", "hold", "warn"]}, "price_tolerance_bp": {"type": "integer", "minimum": 0, "maximum": 10000}}},
      "Problem": {"type": "object", "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {"pointer": {"type": "string"}, "detail": {"type": "string"}}}}}},
      "Address": {"type": "object", "required": ["name", "line1", "postcode", "city", "country"], "additionalProperties": false,
        "properties": {"name": {"type": "string"}, "line1": {"type": "string"}, "line2": {"type": "string"}, "postcode": {"type": "string"},
          "city": {"type": "string"}, "country": {"type": "string", "pattern": "^[A-Z]{2}$"}, "phone": {"type": "string"}}},
      "PlaceOrder": {"type": "object", "required": ["order_id", "channel", "customer_id", "email", "currency", "delivery_address", "lines"], "additionalProperties": false,
        "properties": {"order_id": {"type": "string"}, "channel": {"type": "string"}, "customer_id": {"type": "string"}, "email": {"type": "string"},
          "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
          "delivery_method": {"type": "string", "enum": ["home_standard", "home_express", "pickup_point", "click_and_collect", "ship_to_store"]},
          "promise": {"type": "object", "properties": {"option_id": {"type": "string"}, "promised_at_us": {"type": "integer"}}},
          "delivery_address": {"$ref": "#/components/schemas/Address"}, "billing_address": {"$ref": "#/components/schemas/Address"},
          "lines": {"type": "array", "minItems": 1, "maxItems": 200, "items": {"type": "object", "required": ["line", "sku", "quantity", "unit_price_minor"],
            "properties": {"line": {"type": "integer"}, "sku": {"type": "string"}, "quantity": {"type": "integer"}, "unit_price_minor": {"type": "integer"}}}}}},
      "PlacedOrder": {"type": "object", "properties": {"order_id": {"type": "string"}, "status": {"type": "string", "enum": ["allocated", "sourcing"]},
        "lines": {"type": "array", "items": {"type": "object", "properties": {"line": {"type": "integer"}, "sku": {"type": "string"}, "quantity": {"type": "integer"},
          "status": {"type": "string"}, "site": {"type": "string"}}}}}},
      "OrderView": {"type": "object", "properties": {"order_id": {"type": "string"}, "channel": {"type": "string"}, "customer_id": {"type": "string"},
        "email": {"type": "string"}, "status": {"type": "string"}, "placed_at_us": {"type": "integer"}, "total": {"type": "object"},
        "delivery_method": {"type": "string"}, "promise": {"type": "object"}, "billing_address": {"$ref": "#/components/schemas/Address"},
        "delivery_address": {"$ref": "#/components/schemas/Address"}, "lines": {"type": "array", "items": {"type": "object"}},
        "timeline": {"type": "array", "items": {"type": "object"}}}},
      "StoreStep": {"type": "object", "additionalProperties": false, "properties": {"site": {"type": "string", "description": "a store token's own site when omitted"},
        "ready_for_pickup": {"type": "boolean"}, "carrier": {"type": "string"}, "tracking": {"type": "string"}}},
      "StockMovements": {"type": "object", "required": ["movements"], "properties": {"movements": {"type": "array", "minItems": 1, "maxItems": 1000,
        "items": {"type": "object", "required": ["type", "site", "sku"], "properties": {
          "type": {"type": "string", "enum": ["receipt", "adjustment", "count", "expected_receipt", "receipt_confirmed", "receipt_cancelled"]},
          "site": {"type": "string"}, "sku": {"type": "string"}, "quantity": {"type": "integer"}, "reference": {"type": "string"},
          "delta": {"type": "integer"}, "reason": {"type": "string"}, "counted": {"type": "integer"}, "source": {"type": "string"},
          "receipt_id": {"type": "string"}, "expected_at_us": {"type": "integer"}, "received": {"type": "integer"}}}}}}
    }
  }
})openapi";

}  // namespace

const std::string& openapi_document() {
  static const std::string kDocument(kDocumentText);
  return kDocument;
}

const std::vector<std::vector<std::string>>& documented_query_parameters() {
  static const auto kNames = [] {
    const auto doc = nlohmann::json::parse(kDocumentText);
    std::vector<std::vector<std::string>> names;
    for (const auto& route : routes()) {
      std::string method(http::bhttp::to_string(route.method));
      for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto& own = names.emplace_back();
      const auto path = doc["paths"].find(std::string(route.pattern));
      if (path == doc["paths"].end() || !path->contains(method)) continue;
      for (auto parameter : (*path)[method].value("parameters", nlohmann::json::array())) {
        if (parameter.contains("$ref")) {
          const auto ref = parameter["$ref"].get<std::string>();  // #/components/parameters/X
          parameter = doc.at(nlohmann::json::json_pointer(ref.substr(1)));
        }
        if (parameter.value("in", "") == "query") own.push_back(parameter.value("name", ""));
      }
    }
    return names;
  }();
  return kNames;
}

}  // namespace ordo::gateway::api
