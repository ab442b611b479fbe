#include "engine/decide.h"

#include "domain/references.h"

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

// A decision reaching several orders (a receipt arriving, a site closing): the stock, then each
// order.
Decided network_changes(const EngineState& state,
                        const Result<domain::fulfilment::NetworkEffects, domain::Rejection>& r) {
  if (!r) return std::unexpected(r.error());
  Changes out;
  for (const auto& stock : r->stock) {
    out.push_back(
        change<StockAggregate>(state, StockKeyView{stock.site_id, stock.sku}, stock.events));
  }
  for (const auto& order : r->orders) {
    if (!order.events.empty())
      out.push_back(change<OrderAggregate>(state, order.order_id, order.events));
  }
  return out;
}

template <Aggregate A>
const typename A::State& state_of(const EngineState& state, typename A::KeyView key) {
  static const typename A::State kNone{};
  const auto* entry = state.table<A>().find(key);
  return entry != nullptr ? entry->state : kNone;
}

// Master data references, looked up in the engine state.
class StateDirectory final : public domain::references::Directory {
 public:
  explicit StateDirectory(const EngineState& state) : state_(state) {}
  bool brand_exists(std::string_view brand_id) const override {
    return state_.brand(brand_id) != nullptr;
  }
  const domain::channel::Channel* channel(std::string_view channel_id) const override {
    const auto* c = state_.channel(channel_id);
    return c != nullptr ? &c->channel : nullptr;
  }
  bool inventory_view_exists(std::string_view name) const override {
    return state_.inventory_views().find(name) != nullptr;
  }

 private:
  const EngineState& state_;
};

Decided refused(const std::optional<domain::Rejection>& rejection) {
  return std::unexpected(*rejection);
}

// Closing a site for good: the site's event, then its open orders sourced again elsewhere.
Decided close_for_good(const EngineState& state, const domain::site::CloseSite& close,
                       Changes site_changes, const StateFacts& facts) {
  if (site_changes.empty()) return site_changes;  // already closed
  auto moved = domain::fulfilment::leave_site(
      close.site_id, state.orders_at(close.site_id),
      "site " + close.site_id + " closed for good: " + close.reason, close.at, facts);
  auto changes = network_changes(state, moved);
  if (!changes) return changes;
  for (auto& change : *changes) site_changes.push_back(std::move(change));
  return site_changes;
}

// A site command: its references first, then the site's decider. Closing for good counts the
// units held there for competitive rounds, which the decider weighs, and moves its open orders.
Decided decide_site(const EngineState& state, domain::site::Command c, const StateFacts& facts) {
  namespace site = domain::site;
  const auto& id = std::visit([](const auto& x) -> const std::string& { return x.site_id; }, c);
  const site::Profile* profile = std::visit(
      [](const auto& x) -> const site::Profile* {
        if constexpr (requires { x.profile; })
          return &x.profile;
        else
          return nullptr;
      },
      c);
  if (profile != nullptr) {
    const auto r = domain::references::rejection(
        "site " + id, domain::references::of_site(*profile, StateDirectory(state)));
    if (r) return refused(r);
  } else if (auto* close = std::get_if<site::CloseSite>(&c); close != nullptr && close->for_good) {
    close->reserved_units = state.held_at(id);
    auto closed =
        single<SiteAggregate>(state, id, site::decide(c, state_of<SiteAggregate>(state, id)));
    if (!closed) return closed;
    return close_for_good(state, *close, std::move(*closed), facts);
  }
  return single<SiteAggregate>(state, id, site::decide(c, state_of<SiteAggregate>(state, id)));
}

Decided decide_item(const EngineState& state, const domain::catalog::Command& c) {
  if (const auto* set = std::get_if<domain::catalog::SetChannelPrice>(&c)) {
    const domain::catalog::Item probe{set->sku, "", "", "", 0, 0, {}, false, true, {set->price}};
    const auto r = domain::references::rejection(
        "item " + set->sku, domain::references::of_item(probe, StateDirectory(state)));
    if (r) return refused(r);
    return single<ItemAggregate>(
        state, set->sku, domain::catalog::decide(c, state_of<ItemAggregate>(state, set->sku)));
  }
  const auto& item = std::get<domain::catalog::DefineItem>(c).item;
  const auto r = domain::references::rejection(
      "item " + item.sku, domain::references::of_item(item, StateDirectory(state)));
  if (r) return refused(r);
  return single<ItemAggregate>(
      state, item.sku, domain::catalog::decide(c, state_of<ItemAggregate>(state, item.sku)));
}

Decided decide_channel(const EngineState& state, const domain::channel::Command& c) {
  const auto& channel = std::get<domain::channel::DefineChannel>(c).channel;
  const auto& id = channel.channel_id;
  // The channel's own fields first: a reference check of a malformed id says less.
  if (domain::channel::problems(channel).empty()) {
    const auto r = domain::references::rejection(
        "channel " + id, domain::references::of_channel(channel, StateDirectory(state)));
    if (r) return refused(r);
  }
  return single<ChannelAggregate>(
      state, id, domain::channel::decide(c, state_of<ChannelAggregate>(state, id)));
}

}  // namespace

Decided decide(const EngineState& state, const Command& command, const Locator& locate) {
  const StateFacts facts(state, locate);
  struct Visitor {
    const EngineState& state;
    const StateFacts& facts;
    Decided operator()(const domain::site::Command& c) { return decide_site(state, c, facts); }
    Decided operator()(const domain::catalog::Command& c) { return decide_item(state, c); }
    Decided operator()(const domain::brand::Command& c) {
      const auto& id = std::get<domain::brand::DefineBrand>(c).brand.brand_id;
      return single<BrandAggregate>(state, id,
                                    domain::brand::decide(c, state_of<BrandAggregate>(state, id)));
    }
    Decided operator()(const domain::channel::Command& c) { return decide_channel(state, c); }
    Decided operator()(const StockCommand& c) {
      if (const auto* count = std::get_if<domain::stock::CountStock>(&c.command))
        return network_changes(state,
                               domain::fulfilment::count_stock(c.site_id, c.sku, *count, facts));
      if (std::holds_alternative<domain::stock::ConfirmReceipt>(c.command) ||
          std::holds_alternative<domain::stock::CancelReceipt>(c.command)) {
        return network_changes(
            state, domain::fulfilment::settle_receipt(c.site_id, c.sku, c.command, facts));
      }
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
