// The order process's view of the engine (domain/fulfilment.h): answers from the engine state.
#pragma once

#include <functional>
#include <optional>

#include "domain/fulfilment.h"
#include "domain/geo.h"
#include "engine/engine_state.h"

namespace ordo::engine {

/// The coordinates of a delivery postcode (adapters/postcodes), for ranking sites by distance;
/// nullopt when unknown. Called on the pipeline thread: must be quick and thread-safe.
using Locator = std::function<std::optional<domain::geo::Point>(std::string_view country,
                                                                std::string_view postcode)>;

/// Facts read from `state`; valid while `state` does not change.
class StateFacts final : public domain::fulfilment::Facts {
 public:
  StateFacts(const EngineState& state, const Locator& locate) : state_(state), locate_(locate) {}

  const domain::order::State* order(std::string_view order_id) const override {
    return state_.order(order_id);
  }
  const domain::stock::State& stock(std::string_view site_id, std::string_view sku) const override;
  const domain::site::Profile* site(std::string_view site_id) const override;
  const domain::catalog::Item* item(std::string_view sku) const override;
  const domain::InventoryViews& inventory_views() const override {
    return state_.inventory_views();
  }
  const domain::channel::Channel* channel(std::string_view channel_id) const override {
    const auto* c = state_.channel(channel_id);
    return c != nullptr ? &c->channel : nullptr;
  }
  const domain::orchestration::Rules& rules() const override { return state_.orchestration(); }
  std::span<const std::string> collect_excluded_categories() const override {
    const auto& area = state_.configuration("promise");
    if (!area.active) return {};
    const auto* config = std::get_if<domain::promise::Config>(&*area.active);
    return config != nullptr ? std::span<const std::string>(config->collect.excluded_categories)
                             : std::span<const std::string>{};
  }
  std::uint64_t rules_version() const override { return state_.orchestration_version(); }
  std::span<const domain::fulfilment::Holding> holdings(std::string_view sku) const override {
    return state_.holdings(sku);
  }
  std::int64_t preparations(std::string_view site_id, std::int64_t day) const override {
    return state_.preparations(site_id, day);
  }
  std::int64_t local_day(std::string_view site_id, domain::Instant at) const override {
    return state_.local_day(site_id, at);
  }
  std::optional<domain::geo::Point> locate(const domain::Address& address) const override;

 private:
  const EngineState& state_;
  const Locator& locate_;
};

}  // namespace ordo::engine
