// What the projector keeps beside its engine state, and what one batch of events touches.
// Internal to projections/.
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/engine_state.h"
#include "eventstore/event_store.h"
#include "projections/internal/families.h"
#include "projections/internal/sellable_model.h"

namespace ordo::projections::internal {

struct ProjectorModels {
  std::array<std::uint64_t, kModels> checkpoints{};  // last position written, per model
  SellableModel sellable;
  // Every order's events and its stock's, by log position: an order view lists them all.
  std::unordered_map<std::string, std::vector<std::uint64_t>, engine::detail::TextHash,
                     std::equal_to<>>
      timelines;
  domain::Instant last_recorded_at = 0;  // of the last event applied: "now" for an explanation

  // This batch: orders whose view to write, with their index keys before the batch.
  std::unordered_map<std::string, std::vector<std::string>, engine::detail::TextHash,
                     std::equal_to<>>
      orders;
  std::vector<eventstore::ProjectionWrite> writes;  // promise accuracy entries so far
  // Since the last write of the in-memory models (sellable figures, stock per site).
  std::unordered_set<engine::StockKey, engine::detail::StockKeyHash, engine::detail::StockKeyEqual>
      stock_touched;

  [[nodiscard]] bool past(Model model, std::uint64_t position) const {
    return position > checkpoints[model];
  }
};

}  // namespace ordo::projections::internal
