#include "engine/decide.h"

namespace ordo::engine {
namespace {

namespace order = domain::order;
using Decided = Result<Changes, domain::Rejection>;

template <Aggregate A>
Change change(const EngineState& state, typename A::KeyView key,
              const std::vector<typename A::Event>& events) {
  return {stream_id<A>(key), state.version<A>(key),
          std::vector<wire::DomainEvent>(events.begin(), events.end())};
}

// The events of one aggregate's decider, for its own stream.
template <Aggregate A>
Decided single(const EngineState& state, typename A::KeyView key,
               const domain::Decision<typename A::Event>& decision) {
  if (!decision) return std::unexpected(decision.error());
  Changes out;
  if (!decision->empty()) out.push_back(change<A>(state, key, *decision));
  return out;
}

Decided order_changes(const EngineState& state, std::string_view order_id,
                      const domain::fulfilment::Outcome& effects) {
  if (!effects) return std::unexpected(effects.error());
  Changes out;
  if (!effects->order.empty())
    out.push_back(change<OrderAggregate>(state, order_id, effects->order));
  for (const auto& stock : effects->stock) {
    out.push_back(
        change<StockAggregate>(state, StockKeyView{stock.site_id, stock.sku}, stock.events));
  }
  return out;
}

template <Aggregate A>
const typename A::State& state_of(const EngineState& state, typename A::KeyView key) {
  static const typename A::State kNone{};
  const auto* entry = state.table<A>().find(key);
  return entry != nullptr ? entry->state : kNone;
}

}  // namespace

Decided decide(const EngineState& state, const Command& command, const Locator& locate) {
  const StateFacts facts(state, locate);
  struct Visitor {
    const EngineState& state;
    const StateFacts& facts;
    Decided operator()(const domain::site::Command& c) {
      const auto& id = std::visit([](const auto& x) -> const std::string& { return x.site_id; }, c);
      return single<SiteAggregate>(state, id,
                                   domain::site::decide(c, state_of<SiteAggregate>(state, id)));
    }
    Decided operator()(const domain::catalog::Command& c) {
      const auto& sku = std::get<domain::catalog::DefineItem>(c).item.sku;
      return single<ItemAggregate>(state, sku,
                                   domain::catalog::decide(c, state_of<ItemAggregate>(state, sku)));
    }
    Decided operator()(const StockCommand& c) {
      return single<StockAggregate>(
          state, {c.site_id, c.sku},
          domain::fulfilment::move_stock(c.site_id, c.sku, c.command, facts));
    }
    Decided operator()(const order::PlaceOrder& c) {
      return order_changes(state, c.order_id, domain::fulfilment::decide(c.order_id, c, facts));
    }
    Decided operator()(const OrderCommand& c) {
      return order_changes(state, c.order_id,
                           domain::fulfilment::decide(c.order_id, c.command, facts));
    }
    Decided operator()(const domain::configuration::Command& c) {
      const auto area = domain::configuration::area_name(
          std::get<domain::configuration::ChangeConfiguration>(c).document);
      return single<ConfigurationAggregate>(
          state, area, domain::configuration::decide(c, state.configuration(area)));
    }
  };
  return std::visit(Visitor{state, facts}, command);
}

}  // namespace ordo::engine
