// Sourcing an order against the in-memory state: the facts the rules engine needs (each site's
// sellable stock for the order's channel, its preparations left today, the delivery address's
// coordinates), then the plan turned into the order's events.
#include "domain/sellable.h"
#include "engine/decide_internal.h"

namespace ordo::engine {
namespace {

namespace order = domain::order;
namespace orchestration = domain::orchestration;
using domain::Rejection;

// What `channel` may sell of `sku` from `site_id` from stock on hand; 0 when the view does not
// select the site.
std::int64_t sellable_at(const EngineState& state, const std::string& channel,
                         const domain::catalog::Item& item, const std::string& site_id) {
  const auto* site = state.site(site_id);
  const auto* stock_state = state.stock(site_id, item.sku);
  if (site == nullptr || stock_state == nullptr) return 0;
  return domain::sellable::sellable_at_site(state.inventory_views(), channel, item,
                                            {site_id, &site->profile, stock_state});
}

// Every site that holds (or held) stock of one of the SKUs, in a stable order.
std::vector<orchestration::SiteFacts> site_facts(const EngineState& state, const orchestration::Request& r,
                                                const order::Promise& promise) {
  std::vector<std::string> ids;
  for (const auto& [sku, quantity] : r.demand) {
    for (const auto& id : state.sites_with(sku)) {
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  // The promised site prepares on its promised day; the others today, in their own calendars.
  const auto day_of = [&](const std::string& id) {
    return id == promise.site_id && promise.preparation_day != 0 ? promise.preparation_day : state.local_day(id, r.at);
  };
  std::vector<orchestration::SiteFacts> facts;
  facts.reserve(ids.size());
  for (const auto& id : ids) {
    const auto* site = state.site(id);
    if (site == nullptr) continue;
    orchestration::SiteFacts f{id, &site->profile, {}, site->profile.daily_capacity - state.preparations(id, day_of(id))};
    for (const auto& [sku, quantity] : r.demand) {
      const auto* item = state.item(sku);
      f.available.push_back(item == nullptr ? 0 : sellable_at(state, r.channel, item->item, id));
    }
    facts.push_back(std::move(f));
  }
  return facts;
}

}  // namespace

std::optional<Rejection> append_sourcing(const EngineState& state, const order::State& o,
                                         domain::Instant at, bool placing, const Locator& locate,
                                         std::vector<order::Event>& events) {
  orchestration::Request request;
  request.order_id = o.placed.order_id;
  request.channel = o.placed.channel;
  request.method = o.placed.method;
  request.delivery = o.delivery;
  if (locate) request.destination = locate(o.delivery.country, o.delivery.postcode);
  for (const auto& l : o.lines) {
    if (l.status == order::LineStatus::sourcing) {
      request.lines.push_back(l.line);
      request.order_value_minor += l.line.quantity * l.line.unit_price_minor;
    }
  }
  request.demand = orchestration::demand_of(request.lines);
  request.tried = o.tried();
  request.round = o.rounds.empty() ? 1 : o.rounds.back().round + 1;
  request.at = at;
  request.promised_site = o.placed.promise.site_id;

  const auto plan = orchestration::plan(state.orchestration(), request, site_facts(state, request, o.placed.promise));
  const auto version = state.orchestration_version();
  using Kind = orchestration::Plan::Kind;
  if (plan.kind == Kind::none && placing) {
    return Rejection{Rejection::Code::insufficient_stock, plan.reason};
  }
  const char* outcome = plan.kind == Kind::direct ? "direct" : plan.kind == Kind::round ? "round" : "queued";
  events.emplace_back(order::SourcingDecided{plan.strategy, version, outcome, plan.reason,
                                             plan.kind == Kind::round ? request.round : request.round - 1,
                                             plan.considered, at});
  switch (plan.kind) {
    case Kind::direct:
      events.emplace_back(order::LinesAllocated{plan.allocations});
      break;
    case Kind::round:
      events.emplace_back([&] {
        order::OfferRoundOpened opened{request.round, plan.offered, at, plan.deadline, {}};
        for (const auto& l : request.lines) opened.lines.push_back(l.line);
        return opened;
      }());
      break;
    case Kind::none:
      events.emplace_back(order::QueuedForService{plan.reason});
      break;
  }
  return std::nullopt;
}

}  // namespace ordo::engine
