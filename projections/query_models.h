// What each query model writes for one event. Internal to the projector; pure functions of the
// event and the engine state, so that live processing and a rebuild write the same bytes.
#pragma once

#include <set>
#include <vector>

#include "eventstore/codec/codec.h"
#include "eventstore/event_store.h"
#include "engine/engine_state.h"
#include "projections/projector.h"

namespace ordo::projections::models {

/// <sku>\0<channel>
std::string sellable_key(std::string_view sku, std::string_view channel);
std::string encode_sellable(const SellableFigure& figure);
std::optional<SellableFigure> decode_sellable(std::string_view value);

/// Recomputes `sku` for every channel at `now`; updates `memory` and appends the writes of the
/// figures that changed (all of them with `write_unchanged`: the stored value may differ from
/// memory when a batch straddles the checkpoint).
void sellable_writes(const engine::EngineState& state, std::string_view sku, domain::Instant now,
                     std::unordered_map<std::string, SellableFigure>& memory,
                     std::vector<eventstore::ProjectionWrite>* out, bool write_unchanged);

/// Forgets the figures of channels that are no longer configured, and deletes them.
void drop_channels(const std::vector<std::string>& removed,
                   std::unordered_map<std::string, SellableFigure>& memory,
                   std::vector<eventstore::ProjectionWrite>* out);

/// The order's view document: its status, lines and addresses.
void order_view_write(const std::string& order_id, const domain::order::State& order,
                      std::vector<eventstore::ProjectionWrite>& out);
/// One timeline entry of the order for an event that concerns it.
void order_timeline_write(const eventstore::EventView& event,
                          const wire::DomainEvent& decoded,
                          const std::string& order_id,
                          std::vector<eventstore::ProjectionWrite>& out);

/// The order's index keys (see index_key).
std::set<std::string> index_keys(const domain::order::State& order);
/// Index keys of an order: removes those `before` had that it no longer has, adds the new ones.
void order_index_writes(const std::set<std::string>& before, const domain::order::State& after,
                        std::vector<eventstore::ProjectionWrite>& out);

/// <site>\0<sku> -> the stock's current figures.
void site_stock_writes(const std::string& site_id, const std::string& sku,
                       const domain::stock::State& stock,
                       std::vector<eventstore::ProjectionWrite>& out);

/// The order an event concerns: its own stream, or a stock event's reservation "<order>/<line>".
/// The promise_accuracy entry of an order's fulfilment: a delivery (or, for click and collect,
/// the order ready in store) of an order placed with a promise.
void promise_accuracy_write(const eventstore::EventView& event, const wire::DomainEvent& decoded,
                            const domain::order::State& order, std::vector<eventstore::ProjectionWrite>& out);
/// Key of a promise_accuracy entry.
std::string accuracy_key(domain::Instant fulfilled_at, std::string_view order_id, std::string_view site_id);

std::optional<std::string> order_of(std::string_view stream,
                                    const wire::DomainEvent& event);

/// Index key: <field>\0<value>\0<placed_at u64 BE>\0<order>
std::string index_key(std::string_view field, std::string_view value, domain::Instant placed_at,
                      std::string_view order_id);

}  // namespace ordo::projections::models
