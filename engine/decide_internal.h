// Internals of the pipeline's decisions, shared by decide.cpp, decide_followups.cpp and
// sourcing.cpp. Pure functions of the in-memory state.
#pragma once

#include <optional>

#include "engine/pipeline.h"

namespace ordo::engine {

using Decided = std::expected<StreamEvents, domain::Rejection>;

template <class Event>
std::vector<wire::DomainEvent> wrap(const std::vector<Event>& events) {
  return std::vector<wire::DomainEvent>(events.begin(), events.end());
}

/// Sources the lines of `order` still waiting for a site, at `at`, by the orchestration rules in
/// force: appends SourcingDecided, then LinesAllocated, OfferRoundOpened or QueuedForService to
/// `events`. When `placing`, an order no site can serve is refused instead of queued.
std::optional<domain::Rejection> append_sourcing(const EngineState& state,
                                                 const domain::order::State& order,
                                                 domain::Instant at, bool placing,
                                                 const Locator& locate,
                                                 std::vector<domain::order::Event>& events);

/// Adds the stock events that follow `events` of an order whose state before them is `before`:
/// reservations for allocated lines, releases for cancelled or released lines, picks and
/// shipments. Refused when a reservation does not fit the stock.
std::optional<domain::Rejection> add_stock_followups(const EngineState& state,
                                                     const domain::order::State& before,
                                                     const std::vector<domain::order::Event>& events,
                                                     domain::Instant at, StreamEvents& out);

Decided decide_stock(const EngineState& state, const StockCommand& command);
Decided decide_order(const EngineState& state, const OrderCommand& command, const Locator& locate);

}  // namespace ordo::engine
