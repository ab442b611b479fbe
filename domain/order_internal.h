// Internals of the order decider shared by order.cpp and order_rounds.cpp (competitive rounds).
#pragma once

#include <optional>

#include "domain/order.h"

namespace ordo::domain::order::detail {

inline std::vector<Event> one(Event event) { return {std::move(event)}; }
inline std::vector<Event> nothing() { return {}; }

inline std::optional<Rejection> require_placed(const State& s) {
  if (s.exists) return std::nullopt;
  return Rejection{Rejection::Code::not_found, "the order has not been placed"};
}

Decision<Event> decide_one(const ClaimOffer& c, const State& s);
Decision<Event> decide_one(const DeclineOffer& c, const State& s);
Decision<Event> decide_one(const ExpireRound& c, const State& s);
Decision<Event> decide_one(const ReleaseAllocation& c, const State& s);
Decision<Event> decide_one(const Reallocate& c, const State& s);

void apply(State& s, const SourcingDecided& e);
void apply(State& s, const OfferRoundOpened& e);
void apply(State& s, const OfferClaimed& e);
void apply(State& s, const OfferDeclined& e);
void apply(State& s, const OfferRoundClosed& e);
void apply(State& s, const QueuedForService& e);
void apply(State& s, const AllocationReleased& e);

}  // namespace ordo::domain::order::detail
