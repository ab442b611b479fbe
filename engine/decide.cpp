// The pipeline's decisions: each command through its aggregate's decider, and the placing of an
// order with its sourcing and stock reservations, all against the in-memory state.
#include "engine/decide_internal.h"

namespace ordo::engine {
namespace {

using domain::Rejection;
using wire::DomainEvent;
namespace order = domain::order;
namespace stock = domain::stock;


template <class Event>
Decided single(std::string stream, const domain::Decision<Event>& decision) {
  if (!decision) return std::unexpected(decision.error());
  StreamEvents out;
  if (!decision->empty()) out.emplace_back(std::move(stream), wrap(*decision));
  return out;
}

Rejection invalid_id(std::string_view what, std::string_view id) {
  return {Rejection::Code::invalid, std::string(what) + " '" + std::string(id) +
                                        "' must be 1 to 64 characters of A-Z a-z 0-9 . _ -"};
}

Decided place_order(const EngineState& state, const order::PlaceOrder& command,
                    std::vector<order::Allocation>& allocations, const Locator& locate) {
  if (!is_valid_id(command.order_id)) return std::unexpected(invalid_id("order id", command.order_id));
  const auto* existing = state.order(command.order_id);
  auto placed = order::decide(command, or_empty(existing));
  if (!placed) return std::unexpected(placed.error());
  if (placed->empty()) {  // the same order again: already placed and sourced
    for (const auto& line : existing->lines) {
      if (!line.site_id.empty()) allocations.push_back({line.line.line, line.site_id});
    }
    return StreamEvents{};
  }
  if (state.inventory_views().find(command.channel) == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::invalid,
                                     "channel '" + command.channel + "' has no inventory view"});
  }
  for (const auto& line : command.lines) {
    if (state.item(line.sku) == nullptr) {
      return std::unexpected(Rejection{Rejection::Code::not_found, "unknown SKU '" + line.sku + "'"});
    }
  }
  const auto order_state = order::evolve(order::State{}, placed->front());
  std::vector<order::Event> events = *placed;
  if (auto refused = append_sourcing(state, order_state, command.at, true, locate, events)) {
    return std::unexpected(*refused);
  }
  for (const auto& e : events) {
    if (const auto* a = std::get_if<order::LinesAllocated>(&e)) allocations = a->allocations;
  }
  StreamEvents out;
  out.emplace_back(order_stream(command.order_id), wrap(events));
  if (auto refused = add_stock_followups(state, order_state, events, command.at, out)) {
    return std::unexpected(*refused);
  }
  return out;
}

}  // namespace

std::expected<StreamEvents, Rejection> decide(const EngineState& state, const Command& command,
                                              std::vector<order::Allocation>& allocations,
                                              const Locator& locate) {
  struct Visitor {
    const EngineState& state;
    std::vector<order::Allocation>& allocations;
    const Locator& locate;
    Decided operator()(const domain::site::Command& c) {
      const auto& id = std::visit([](const auto& x) -> const std::string& { return x.site_id; }, c);
      if (!is_valid_id(id)) return std::unexpected(invalid_id("site id", id));
      const auto* site = state.site(id);
      return single(site_stream(id), domain::site::decide(c, or_empty(site)));
    }
    Decided operator()(const domain::catalog::Command& c) {
      const auto& sku = std::get<domain::catalog::DefineItem>(c).item.sku;
      if (!is_valid_id(sku)) return std::unexpected(invalid_id("SKU", sku));
      const auto* item = state.item(sku);
      return single(item_stream(sku),
                    domain::catalog::decide(c, or_empty(item)));
    }
    Decided operator()(const StockCommand& c) { return decide_stock(state, c); }
    Decided operator()(const order::PlaceOrder& c) { return place_order(state, c, allocations, locate); }
    Decided operator()(const OrderCommand& c) { return decide_order(state, c, locate); }
    Decided operator()(const domain::configuration::Command& c) {
      const auto& change = std::get<domain::configuration::ChangeConfiguration>(c);
      return single(config_stream(domain::configuration::area_name(change.document)),
                    domain::configuration::decide(
                        c, state.configuration(domain::configuration::area_name(change.document))));
    }
  };
  return std::visit(Visitor{state, allocations, locate}, command);
}

}  // namespace ordo::engine
