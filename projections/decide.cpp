// The pipeline's decisions: each command through its aggregate's decider, and the placing of an
// order with its sourcing and stock reservations, all against the in-memory state.
#include <algorithm>
#include <map>

#include "domain/sellable.h"
#include "projections/pipeline.h"

namespace ordo::projections {
namespace {

using domain::Rejection;
using eventstore::codec::DomainEvent;
namespace order = domain::order;
namespace stock = domain::stock;

using Decided = std::expected<StreamEvents, Rejection>;

template <class Event>
std::vector<DomainEvent> wrap(const std::vector<Event>& events) {
  return std::vector<DomainEvent>(events.begin(), events.end());
}

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

/// What `channel` may sell of `sku` from `site_id` from stock on hand (receipts do not serve an
/// order today); 0 when the view does not select the site.
std::int64_t sellable_at(const EngineState& state, const std::string& channel,
                         const domain::catalog::Item& item, const std::string& site_id) {
  const auto* site = state.site(site_id);
  const auto* stock_state = state.stock(site_id, item.sku);
  if (site == nullptr || stock_state == nullptr) return 0;
  return domain::sellable::sellable_at_site(state.inventory_views(), channel, item,
                                            {site_id, &site->profile, stock_state});
}

struct Candidate {
  std::string site_id;
  bool warehouse = false;
  std::int64_t headroom = 0;  // smallest sellable-minus-ordered over the lines
};

// One site for the whole order when one can serve every line; otherwise each line on its own.
// Lines of one SKU draw on the same stock: demand is summed per SKU, and a split counts what
// earlier lines already took from a site.
std::expected<std::vector<order::Allocation>, Rejection> source(
    const EngineState& state, const order::PlaceOrder& command,
    const std::vector<const domain::catalog::Item*>& items) {
  std::map<std::string, std::pair<const domain::catalog::Item*, std::int64_t>> demand;
  for (std::size_t i = 0; i < command.lines.size(); ++i) {
    auto& [item, quantity] = demand[command.lines[i].sku];
    item = items[i];
    quantity += command.lines[i].quantity;
  }
  std::vector<Candidate> candidates;
  for (const auto& site_id : state.sites_with(command.lines.front().sku)) {
    const auto* site = state.site(site_id);
    Candidate c{site_id, site != nullptr && site->profile.type == domain::site::SiteType::warehouse,
                INT64_MAX};
    for (auto it = demand.begin(); it != demand.end() && c.headroom >= 0; ++it) {
      const auto& [item, quantity] = it->second;
      c.headroom = std::min(c.headroom,
                            sellable_at(state, command.channel, *item, site_id) - quantity);
    }
    if (c.headroom >= 0) candidates.push_back(std::move(c));
  }
  std::vector<order::Allocation> allocations;
  if (!candidates.empty()) {
    const auto best = std::min_element(candidates.begin(), candidates.end(), [](auto& a, auto& b) {
      return std::tie(b.warehouse, b.headroom, a.site_id) < std::tie(a.warehouse, a.headroom, b.site_id);
    });
    for (const auto& line : command.lines) allocations.push_back({line.line, best->site_id});
    return allocations;
  }
  std::map<std::pair<std::string, std::string>, std::int64_t> taken;  // (site, sku) -> units
  for (std::size_t i = 0; i < command.lines.size(); ++i) {
    const auto& line = command.lines[i];
    std::string chosen;
    std::int64_t most = 0;
    for (const auto& site_id : state.sites_with(line.sku)) {
      const auto left = sellable_at(state, command.channel, *items[i], site_id) -
                        taken[{site_id, line.sku}];
      if (left >= line.quantity && left > most) {
        most = left;
        chosen = site_id;
      }
    }
    if (chosen.empty()) {
      return std::unexpected(Rejection{Rejection::Code::insufficient_stock,
                                       "out of stock: no site can sell " +
                                           std::to_string(line.quantity) + " of " + line.sku +
                                           " to channel " + command.channel});
    }
    taken[{chosen, line.sku}] += line.quantity;
    allocations.push_back({line.line, chosen});
  }
  return allocations;
}

Decided place_order(const EngineState& state, const order::PlaceOrder& command,
                    std::vector<order::Allocation>& allocations) {
  if (!is_valid_id(command.order_id)) return std::unexpected(invalid_id("order id", command.order_id));
  const auto* existing = state.order(command.order_id);
  auto placed = order::decide(command, or_empty(existing));
  if (!placed) return std::unexpected(placed.error());
  if (placed->empty()) {  // the same order again: already placed and sourced
    for (const auto& line : existing->lines) allocations.push_back({line.line.line, line.site_id});
    return StreamEvents{};
  }
  if (state.inventory_views().find(command.channel) == nullptr) {
    return std::unexpected(Rejection{Rejection::Code::invalid,
                                     "channel '" + command.channel + "' has no inventory view"});
  }
  std::vector<const domain::catalog::Item*> items;
  for (const auto& line : command.lines) {
    const auto* item = state.item(line.sku);
    if (item == nullptr) {
      return std::unexpected(Rejection{Rejection::Code::not_found, "unknown SKU '" + line.sku + "'"});
    }
    items.push_back(&item->item);
  }
  auto sourced = source(state, command, items);
  if (!sourced) return std::unexpected(sourced.error());
  allocations = *sourced;
  auto order_state = order::evolve(order::State{}, placed->front());
  auto allocated = order::decide(order::AllocateLines{allocations, command.at}, order_state);
  if (!allocated) return std::unexpected(allocated.error());
  StreamEvents out;
  auto order_events = wrap(*placed);
  for (auto& e : *allocated) order_events.emplace_back(std::move(e));
  out.emplace_back(order_stream(command.order_id), std::move(order_events));
  // Each reservation is decided against the stock before this order; lines of one SKU at one site
  // must also fit together, which the stock decider cannot see: check the sum here.
  std::map<std::string, std::int64_t> reserved_here;  // by stock stream
  for (std::size_t i = 0; i < command.lines.size(); ++i) {
    const auto& line = command.lines[i];
    const auto& site_id = allocations[i].site_id;
    const auto& current = or_empty(state.stock(site_id, line.sku));
    auto stream = stock_stream(site_id, line.sku);
    auto& earlier = reserved_here[stream];
    if (current.available() - earlier < line.quantity) {
      return std::unexpected(Rejection{Rejection::Code::insufficient_stock,
                                       "insufficient stock of " + line.sku + " at " + site_id});
    }
    auto reserved = stock::decide(
        stock::ReserveStock{reservation_id(command.order_id, line.line), command.order_id,
                            line.line, line.quantity, command.at},
        current);
    if (!reserved) return std::unexpected(reserved.error());
    earlier += line.quantity;
    out.emplace_back(std::move(stream), wrap(*reserved));
  }
  return out;
}

}  // namespace

Decided decide_stock(const EngineState& state, const StockCommand& command);
Decided decide_order(const EngineState& state, const OrderCommand& command);

std::expected<StreamEvents, Rejection> decide(const EngineState& state, const Command& command,
                                              std::vector<order::Allocation>& allocations) {
  struct Visitor {
    const EngineState& state;
    std::vector<order::Allocation>& allocations;
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
    Decided operator()(const order::PlaceOrder& c) { return place_order(state, c, allocations); }
    Decided operator()(const OrderCommand& c) { return decide_order(state, c); }
    Decided operator()(const domain::configuration::Command& c) {
      const auto& change = std::get<domain::configuration::ChangeConfiguration>(c);
      return single(config_stream(domain::configuration::area_name(change.document)),
                    domain::configuration::decide(c, state.configuration()));
    }
  };
  return std::visit(Visitor{state, allocations}, command);
}

}  // namespace ordo::projections
