#include "engine/engine_state.h"

namespace ordo::engine {
namespace {

// Calls `visit.template operator()<A>()` for the aggregate A whose events `event` holds.
template <class Visit, std::size_t I = 0>
auto with_aggregate_of(const wire::DomainEvent& event, Visit&& visit) {
  if constexpr (I + 1 < std::tuple_size_v<EngineAggregates>) {
    if (event.index() != I)
      return with_aggregate_of<Visit, I + 1>(event, std::forward<Visit>(visit));
  }
  return visit.template operator()<std::tuple_element_t<I, EngineAggregates>>();
}

}  // namespace

// Defined before its callers: clang instantiates it where they are.
template <Aggregate A>
void EngineState::fold(const typename A::Key& key, typename Table<A>::Entry& entry, bool created,
                       const typename A::Event& event) {
  ++entry.version;
  if constexpr (std::is_same_v<A, OrderAggregate>) {
    const auto* open = entry.state.open_round();
    const auto deadline = open != nullptr ? std::optional(open->deadline) : std::nullopt;
    entry.state = A::evolve(std::move(entry.state), event);
    on_order(key, deadline, event, entry.state);
    return;
  }
  entry.state = A::evolve(std::move(entry.state), event);
  if constexpr (std::is_same_v<A, SiteAggregate>) on_site(key, entry.state, created);
  if constexpr (std::is_same_v<A, StockAggregate>) {
    if (created) {
      auto it = holdings_.find(key.sku);
      if (it == holdings_.end())
        it = holdings_.emplace(key.sku, std::vector<domain::fulfilment::Holding>{}).first;
      const auto* s = site(key.site_id);
      it->second.push_back({key.site_id, s != nullptr ? &s->profile : nullptr, &entry.state});
    }
  }
  if constexpr (std::is_same_v<A, ConfigurationAggregate>) {
    if (entry.state.active) {
      if (const auto* views = std::get_if<domain::InventoryViews>(&*entry.state.active))
        inventory_views_ = *views;
    }
  }
}

Result<void> EngineState::apply(std::string_view stream, const wire::DomainEvent& event,
                                std::uint64_t version) {
  return with_aggregate_of(event, [&]<class A>() -> Result<void> {
    const auto key = parse_stream<A>(stream);
    if (!key) {
      return fail(ErrorCode::corruption, "stream '" + std::string(stream) +
                                             "' does not hold the events of " +
                                             std::string(A::kStreamPrefix) + "<id> streams");
    }
    auto& table = std::get<Table<A>>(tables_);
    const auto* existing = table.find(*key);
    const std::uint64_t current = existing == nullptr ? 0 : existing->version;
    if (version != current + 1) {
      return fail(ErrorCode::corruption, "stream '" + std::string(stream) + "' is at version " +
                                             std::to_string(current) + ", the log gives version " +
                                             std::to_string(version));
    }
    bool created = false;
    auto [stored_key, entry] = table.at(*key, &created);
    fold<A>(stored_key, entry, created, std::get<typename A::Event>(event));
    return {};
  });
}

template <Aggregate A>
void EngineState::apply(typename A::KeyView key, const typename A::Event& event) {
  bool created = false;
  auto [stored_key, entry] = std::get<Table<A>>(tables_).at(key, &created);
  fold<A>(stored_key, entry, created, event);
}

template void EngineState::apply<SiteAggregate>(std::string_view, const SiteAggregate::Event&);
template void EngineState::apply<ItemAggregate>(std::string_view, const ItemAggregate::Event&);
template void EngineState::apply<StockAggregate>(StockKeyView, const StockAggregate::Event&);
template void EngineState::apply<OrderAggregate>(std::string_view, const OrderAggregate::Event&);
template void EngineState::apply<ConfigurationAggregate>(std::string_view,
                                                         const ConfigurationAggregate::Event&);
template void EngineState::apply<BrandAggregate>(std::string_view, const BrandAggregate::Event&);
template void EngineState::apply<ChannelAggregate>(std::string_view,
                                                   const ChannelAggregate::Event&);

// Its time zone, found once here: sourcing asks every site's local day on every order. A site
// registered after stock was recorded for it (an old log) gets its profile into the holdings.
void EngineState::on_site(std::string_view site_id, const domain::site::State& site, bool created) {
  if (auto zone = domain::calendar::TimeZone::find(site.profile.time_zone)) {
    if (auto it = site_zones_.find(site_id); it != site_zones_.end())
      it->second = std::move(*zone);
    else
      site_zones_.emplace(std::string(site_id), std::move(*zone));
  } else if (auto it = site_zones_.find(site_id); it != site_zones_.end()) {
    site_zones_.erase(it);
  }
  if (!created) return;
  for (auto& [sku, holdings] : holdings_) {
    for (auto& h : holdings) {
      if (h.site == nullptr && h.site_id == site_id) h.site = &site.profile;
    }
  }
}

void EngineState::on_order(std::string_view order_id,
                           const std::optional<domain::Instant>& deadline_before,
                           const domain::order::Event& event, const domain::order::State& after) {
  namespace order = domain::order;
  capacity_.record(order_id, event, after, [this](std::string_view site, domain::Instant at) {
    return local_day(site, at);
  });
  if (std::holds_alternative<order::OfferRoundOpened>(event) ||
      std::holds_alternative<order::OfferClaimed>(event) ||
      std::holds_alternative<order::OfferRoundClosed>(event)) {
    if (deadline_before) deadlines_.erase({*deadline_before, std::string(order_id)});
    if (const auto* r = after.open_round()) deadlines_.insert({r->deadline, std::string(order_id)});
  }
}

const domain::configuration::State& EngineState::configuration(std::string_view area) const {
  static const domain::configuration::State kNever{};
  const auto* entry = table<ConfigurationAggregate>().find(area);
  return entry == nullptr ? kNever : entry->state;
}

const domain::orchestration::Rules& EngineState::orchestration() const {
  const auto& area = configuration("orchestration");
  if (area.active) {
    if (const auto* rules = std::get_if<domain::orchestration::Rules>(&*area.active)) return *rules;
  }
  return domain::orchestration::default_rules();
}

std::int64_t EngineState::local_day(std::string_view site_id, domain::Instant at) const {
  if (const auto zone = site_zones_.find(site_id); zone != site_zones_.end()) {
    return domain::calendar::days_from_civil(zone->second.to_local(at).date);
  }
  return domain::capacity::utc_day(at);
}

const domain::site::State* EngineState::site(std::string_view site_id) const {
  const auto* entry = table<SiteAggregate>().find(site_id);
  return entry == nullptr || !entry->state.exists ? nullptr : &entry->state;
}

const domain::brand::State* EngineState::brand(std::string_view brand_id) const {
  const auto* entry = table<BrandAggregate>().find(brand_id);
  return entry != nullptr && entry->state.exists ? &entry->state : nullptr;
}

const domain::channel::State* EngineState::channel(std::string_view channel_id) const {
  const auto* entry = table<ChannelAggregate>().find(channel_id);
  return entry != nullptr && entry->state.exists ? &entry->state : nullptr;
}

std::int64_t EngineState::reserved_at(std::string_view site_id) const {
  std::int64_t units = 0;
  for (const auto& [key, entry] : table<StockAggregate>().entries()) {
    if (key.site_id == site_id) units += entry.state.reserved;
  }
  return units;
}

std::int64_t EngineState::held_at(std::string_view site_id) const {
  std::int64_t units = 0;
  for (const auto& [key, entry] : table<StockAggregate>().entries()) {
    if (key.site_id == site_id) units += entry.state.held;
  }
  return units;
}

std::vector<std::string> EngineState::orders_at(std::string_view site_id) const {
  std::set<std::string> orders;
  for (const auto& [key, entry] : table<StockAggregate>().entries()) {
    if (key.site_id != site_id) continue;
    for (const auto& [id, r] : entry.state.reservations) {
      if (!r.held) orders.insert(r.order_id);
    }
  }
  return {orders.begin(), orders.end()};
}

const domain::catalog::State* EngineState::item(std::string_view sku) const {
  const auto* entry = table<ItemAggregate>().find(sku);
  return entry == nullptr || !entry->state.exists ? nullptr : &entry->state;
}

const domain::stock::State* EngineState::stock(std::string_view site_id,
                                               std::string_view sku) const {
  const auto* entry = table<StockAggregate>().find(StockKeyView{site_id, sku});
  return entry == nullptr ? nullptr : &entry->state;
}

const domain::order::State* EngineState::order(std::string_view order_id) const {
  const auto* entry = table<OrderAggregate>().find(order_id);
  return entry == nullptr || !entry->state.exists ? nullptr : &entry->state;
}

std::span<const domain::fulfilment::Holding> EngineState::holdings(std::string_view sku) const {
  const auto it = holdings_.find(sku);
  if (it == holdings_.end()) return {};
  return it->second;
}

}  // namespace ordo::engine
