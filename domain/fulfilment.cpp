#include "domain/fulfilment.h"

#include <algorithm>
#include <gsl/assert>

#include "domain/fulfilment_internal.h"
#include "domain/fulfilment_sequence.h"
#include "domain/sellable.h"

namespace ordo::domain::fulfilment {
namespace {

using Code = Rejection::Code;
using detail::follow_with_stock;
using detail::source;
using detail::StockSequence;

Instant time_of(const order::Command& command) {
  return std::visit([](const auto& c) { return c.at; }, command);
}

const order::LineState* line_of(const order::State& order, std::uint32_t line) {
  const auto it = std::find_if(order.lines.begin(), order.lines.end(),
                               [&](const auto& l) { return l.line.line == line; });
  return it == order.lines.end() ? nullptr : &*it;
}

// The stock command that follows an order event for one of its allocated lines, if any.
std::optional<stock::Command> stock_followup(const order::Event& event,
                                             const std::string& reservation, Instant at) {
  if (const auto* c = std::get_if<order::LinesCancelled>(&event)) {
    return stock::ReleaseReservation{reservation, c->reason, at};
  }
  if (std::holds_alternative<order::PreparationStarted>(event))
    return stock::PickStock{reservation, at};
  if (std::holds_alternative<order::OrderShipped>(event)) return stock::ShipStock{reservation, at};
  if (const auto* r = std::get_if<order::AllocationReleased>(&event)) {
    return stock::ReleaseReservation{reservation, r->reason, at};
  }
  return std::nullopt;
}

const std::vector<std::uint32_t>* lines_of(const order::Event& event) {
  return std::visit(
      [](const auto& e) -> const std::vector<std::uint32_t>* {
        using E = std::decay_t<decltype(e)>;
        if constexpr (requires { e.lines; } && !std::is_same_v<E, order::OrderPlaced>)
          return &e.lines;
        return nullptr;
      },
      event);
}

// The inventory view an order's channel sells from (several channels may share one).
std::string view_of(const Facts& facts, const std::string& channel_id) {
  const auto* channel = facts.channel(channel_id);
  return channel != nullptr ? channel->view_name() : channel_id;
}

std::optional<Rejection> reserve(StockSequence& sequence, const order::State& before,
                                 const order::LinesAllocated& allocated, const std::string& view,
                                 Instant at) {
  const auto& order_id = before.placed.order_id;
  for (const auto& a : allocated.allocations) {
    const auto* line = line_of(before, a.line);
    if (line == nullptr) continue;
    auto refused = sequence.apply(
        a.site_id, line->line.sku,
        stock::ReserveStock{
            reservation_id(order_id, a.line), order_id, a.line, line->line.quantity, at, view, {}});
    if (refused && refused->code == Code::insufficient_stock) {
      refused->reason = "insufficient stock of " + line->line.sku + " at " + a.site_id;
    }
    if (refused) return refused;
  }
  return std::nullopt;
}

// The lines a round offers: those it names (every line in rounds recorded before they did).
std::vector<std::uint32_t> round_lines(const order::State& before,
                                       const std::vector<std::uint32_t>& named) {
  if (!named.empty()) return named;
  std::vector<std::uint32_t> all;
  for (const auto& l : before.lines) all.push_back(l.line.line);
  return all;
}

// While a round runs, every offered site holds the offered lines' units: the order is accepted,
// so its units must not be sold again, and any of the sites may win.
std::optional<Rejection> hold(StockSequence& sequence, const order::State& before,
                              const order::OfferRoundOpened& opened, const std::string& view,
                              Instant at) {
  const auto& order_id = before.placed.order_id;
  for (auto number : round_lines(before, opened.lines)) {
    const auto* line = line_of(before, number);
    if (line == nullptr) continue;
    for (const auto& site : opened.site_ids) {
      auto refused = sequence.apply(site, line->line.sku,
                                    stock::HoldStock{reservation_id(order_id, number), order_id,
                                                     number, line->line.quantity, at, view});
      if (refused && refused->code == Code::insufficient_stock) {
        refused->reason =
            "insufficient stock of " + line->line.sku + " at " + site + " to hold for the offer";
      }
      if (refused) return refused;
    }
  }
  return std::nullopt;
}

// A pre-ordered line promises units of its receipt at its site.
std::optional<Rejection> pre_order(StockSequence& sequence, const order::State& before,
                                   const order::LinesPreOrdered& pre_ordered,
                                   const std::string& view, Instant at) {
  const auto& order_id = before.placed.order_id;
  for (const auto& p : pre_ordered.pre_orders) {
    const auto* line = line_of(before, p.line);
    if (line == nullptr) continue;
    stock::ReserveStock reserve{reservation_id(order_id, p.line),
                                order_id,
                                p.line,
                                line->line.quantity,
                                at,
                                view,
                                p.receipt_id};
    auto refused = sequence.apply(p.site_id, line->line.sku, reserve);
    if (refused && refused->code == Code::insufficient_stock) {
      refused->reason = "insufficient stock of " + line->line.sku + " on receipt " + p.receipt_id +
                        " at " + p.site_id;
    }
    if (refused) return refused;
  }
  return std::nullopt;
}

// Releases the holds of `lines` at `sites` (a hold already released or converted: nothing).
std::optional<Rejection> release_holds(StockSequence& sequence, const order::State& before,
                                       const std::vector<std::string>& sites,
                                       const std::vector<std::uint32_t>& lines,
                                       std::string_view keep, const std::string& reason,
                                       Instant at) {
  for (auto number : lines) {
    const auto* line = line_of(before, number);
    if (line == nullptr) continue;
    for (const auto& site : sites) {
      if (site == keep) continue;
      const auto id = reservation_id(before.placed.order_id, number);
      const auto& stock = sequence.current(site, line->line.sku);
      const auto it = stock.reservations.find(id);
      if (it == stock.reservations.end() || !it->second.held) continue;
      if (auto refused =
              sequence.apply(site, line->line.sku, stock::ReleaseReservation{id, reason, at}))
        return refused;
    }
  }
  return std::nullopt;
}

// The holds a round's end releases: at every site but the winner, whose hold becomes its
// reservation when the lines are allocated to it.
std::optional<Rejection> end_holds(StockSequence& sequence, const order::State& before,
                                   const order::Event& event, Instant at) {
  const auto round_named = [&](std::uint32_t number) -> const order::Round* {
    const auto it = std::ranges::find(before.rounds, number, &order::Round::round);
    return it == before.rounds.end() ? nullptr : &*it;
  };
  const order::Round* round = nullptr;
  std::vector<std::string> sites;
  std::string keep;
  std::string reason;
  if (const auto* c = std::get_if<order::OfferClaimed>(&event)) {
    round = round_named(c->round);
    keep = c->site_id;
    reason = "round " + std::to_string(c->round) + " won by " + c->site_id;
  } else if (const auto* d = std::get_if<order::OfferDeclined>(&event)) {
    round = round_named(d->round);
    sites = {d->site_id};
    reason = "offer declined by " + d->site_id;
  } else if (const auto* e = std::get_if<order::OfferRoundClosed>(&event)) {
    round = round_named(e->round);
    reason = "round " + std::to_string(e->round) + " " + std::string(order::to_string(e->end));
  } else {
    return std::nullopt;
  }
  if (round == nullptr) return std::nullopt;
  if (sites.empty()) sites = round->site_ids;
  return release_holds(sequence, before, sites, round_lines(before, round->lines), keep, reason,
                       at);
}

// The stock events that follow one order event, `before` being the order's state before it.
std::optional<Rejection> follow_one(StockSequence& sequence, const order::State& before,
                                    const order::Event& event, const std::string& view,
                                    Instant at) {
  if (const auto* allocated = std::get_if<order::LinesAllocated>(&event))
    return reserve(sequence, before, *allocated, view, at);
  if (const auto* opened = std::get_if<order::OfferRoundOpened>(&event))
    return hold(sequence, before, *opened, view, at);
  if (const auto* pre_ordered = std::get_if<order::LinesPreOrdered>(&event))
    return pre_order(sequence, before, *pre_ordered, view, at);
  if (auto refused = end_holds(sequence, before, event, at)) return refused;
  const auto* lines = lines_of(event);
  if (lines == nullptr) return std::nullopt;
  for (auto number : *lines) {
    const auto* line = line_of(before, number);
    if (line == nullptr) continue;
    if (line->site_id.empty()) {  // never reserved; held while a round offers it
      const auto* cancelled = std::get_if<order::LinesCancelled>(&event);
      const auto* open = before.open_round();
      if (cancelled == nullptr || open == nullptr) continue;
      if (auto refused = release_holds(sequence, before, open->site_ids, {number}, "",
                                       "line cancelled: " + cancelled->reason, at))
        return refused;
      continue;
    }
    auto command = stock_followup(event, reservation_id(before.placed.order_id, number), at);
    if (!command) continue;
    if (auto refused = sequence.apply(line->site_id, line->line.sku, *command)) return refused;
  }
  return std::nullopt;
}

}  // namespace

// The stock events that follow `events` of an order whose state before them is `before`. The
// events after a split are followed against the order as split (it adds lines); the order is
// copied only then, since placing an order is the hot path.
std::optional<Rejection> detail::follow_with_stock(StockSequence& sequence, const Facts& facts,
                                                   const order::State& before,
                                                   const std::vector<order::Event>& events,
                                                   Instant at) {
  const auto view = view_of(facts, before.placed.channel);
  std::optional<order::State> split;
  for (const auto& event : events) {
    if (auto refused = follow_one(sequence, split ? *split : before, event, view, at))
      return refused;
    if (std::holds_alternative<order::LinesSplit>(event))
      split = order::evolve(split ? std::move(*split) : before, event);
  }
  return std::nullopt;
}

namespace {

// The units a store reported missing when it released an order leave its stock: an adjustment of
// each released line's quantity, as far as stock not held for other orders allows.
std::optional<Rejection> correct_missing_stock(StockSequence& sequence, const order::State& before,
                                               const order::AllocationReleased& released,
                                               Instant at) {
  for (auto number : released.lines) {
    const auto* line = line_of(before, number);
    if (line == nullptr) continue;
    const auto& now = sequence.current(released.site_id, line->line.sku);
    const auto missing = std::min(line->line.quantity, now.on_hand - now.reserved);
    if (missing <= 0) continue;
    const auto reason =
        "stock discrepancy reported by " + released.site_id + " on order " + before.placed.order_id;
    if (auto refused = sequence.apply(released.site_id, line->line.sku,
                                      stock::AdjustStock{-missing, reason, at})) {
      return refused;
    }
  }
  return std::nullopt;
}

// Every site holding one of the demanded SKUs, with what the order's channel may sell from it and
// the preparations it can still take: the promised site on its promised day, the others on their
// own day at the time of the decision.
std::vector<orchestration::SiteFacts> site_facts(const Facts& facts,
                                                 const orchestration::Request& r,
                                                 const order::Promise& promise) {
  std::vector<orchestration::SiteFacts> out;
  const auto row_of = [&](const Holding& h) -> orchestration::SiteFacts* {
    for (auto& f : out) {
      if (f.site_id == h.site_id) return &f;
    }
    if (h.site == nullptr) return nullptr;
    const bool promised = h.site_id == promise.site_id && promise.preparation_day != 0;
    const auto day = promised ? promise.preparation_day : facts.local_day(h.site_id, r.at);
    out.push_back({std::string(h.site_id),
                   h.site,
                   std::vector<std::int64_t>(r.demand.size(), 0),
                   h.site->daily_capacity - facts.preparations(h.site_id, day),
                   {}});
    return &out.back();
  };
  // A channel sells from its inventory view, which several channels may share.
  const auto* channel = facts.channel(r.channel);
  const std::string_view view = channel != nullptr ? channel->view_name() : r.channel;
  for (std::size_t i = 0; i < r.demand.size(); ++i) {
    const auto* item = facts.item(r.demand[i].first);
    for (const auto& h : facts.holdings(r.demand[i].first)) {
      auto* row = row_of(h);
      if (row == nullptr || item == nullptr) continue;
      const sellable::SiteStock stock{h.site_id, h.site, h.stock};
      row->available[i] = sellable::sellable_at_site(facts.inventory_views(), view, *item, stock);
      if (h.stock->receipts.empty()) continue;
      for (auto& due : sellable::receipts_at_site(facts.inventory_views(), view, stock, r.at))
        row->incoming.push_back({i, std::move(due.receipt_id), due.quantity, due.expected_at});
    }
  }
  return out;
}

// The orchestration rules' plan for the order's lines still waiting for a site, as its command.
order::SourceLines plan_sourcing(const Facts& facts, const order::State& o, Instant at,
                                 bool placing) {
  orchestration::Request request;
  request.order_id = o.placed.order_id;
  request.channel = o.placed.channel;
  request.method = o.placed.method;
  request.delivery = o.delivery;
  request.destination = facts.locate(o.delivery);
  for (const auto& l : o.lines) {
    request.next_line = std::max(request.next_line, l.line.line + 1);
    if (l.status != order::LineStatus::sourcing) continue;
    request.lines.push_back(l.line);
    request.order_value_minor += l.line.quantity * l.line.unit_price_minor;
  }
  request.demand = orchestration::demand_of(request.lines);
  request.tried = o.tried();
  request.round = o.rounds.empty() ? 1 : o.rounds.back().round + 1;
  request.at = at;
  request.promised_site = o.placed.promise.site_id;
  auto plan =
      orchestration::plan(facts.rules(), request, site_facts(facts, request, o.placed.promise));
  using Kind = orchestration::Plan::Kind;
  const auto kind = plan.kind == Kind::direct  ? order::SourceLines::Kind::direct
                    : plan.kind == Kind::round ? order::SourceLines::Kind::round
                                               : order::SourceLines::Kind::none;
  return {kind,
          std::move(plan.strategy),
          facts.rules_version(),
          std::move(plan.allocations),
          std::move(plan.offered),
          plan.deadline,
          std::move(plan.reason),
          std::move(plan.considered),
          placing,
          at,
          std::move(plan.splits),
          std::move(plan.pre_orders)};
}

}  // namespace

// Sources the lines of `order` that wait for a site, appending the decision's events.
std::optional<Rejection> detail::source(const Facts& facts, const order::State& order, Instant at,
                                        bool placing, std::vector<order::Event>& events) {
  auto sourced = order::decide(plan_sourcing(facts, order, at, placing), order);
  if (!sourced) return sourced.error();
  for (auto& e : *sourced) events.push_back(std::move(e));
  return std::nullopt;
}

namespace {

Outcome place(std::string_view order_id, const order::PlaceOrder& c, const Facts& facts) {
  if (c.order_id != order_id)
    return reject(Code::invalid, "the order id differs from the order's own");
  const auto* existing = facts.order(order_id);
  auto placed = order::decide(c, existing != nullptr ? *existing : order::State{});
  if (!placed) return std::unexpected(placed.error());
  if (placed->empty()) return Effects{};  // the same order again: already placed and sourced
  const auto* channel = facts.channel(c.channel);
  if (auto problem = detail::channel_problem(c, channel)) return std::unexpected(*problem);
  const auto& view = channel != nullptr ? channel->view_name() : c.channel;
  if (facts.inventory_views().find(view) == nullptr) {
    return reject(Code::invalid, "channel '" + c.channel + "' has no inventory view");
  }
  for (const auto& line : c.lines) {
    if (facts.item(line.sku) == nullptr)
      return reject(Code::not_found, "unknown SKU '" + line.sku + "'");
  }
  if (auto problem = detail::intake_problem(c, channel, view, facts))
    return std::unexpected(*problem);
  const auto held = detail::address_policy(c, channel);
  if (!held) return std::unexpected(held.error());
  if (*held) {  // placed, and waits for customer service to confirm the address
    Effects out;
    out.order = std::move(*placed);
    out.order.push_back(order::QueuedForService{"address to confirm: " + c.address_check.reason});
    return out;
  }
  const auto state = order::evolve(order::State{}, placed->front());
  Effects out;
  out.order = std::move(*placed);
  std::vector<order::Event> sourced;
  if (auto refused = source(facts, state, c.at, true, sourced)) return std::unexpected(*refused);
  StockSequence sequence(facts);
  if (auto refused = follow_with_stock(sequence, facts, state, sourced, c.at))
    return std::unexpected(*refused);
  for (auto& e : sourced) out.order.push_back(std::move(e));
  out.stock = sequence.take();
  return out;
}

// Lines left waiting for a site once a round ended (without a winner, or claimed while other lines
// were given back meanwhile) or after a release are sourced again at once.
bool sources_again(const order::Command& command) {
  return std::holds_alternative<order::ClaimOffer>(command) ||
         std::holds_alternative<order::DeclineOffer>(command) ||
         std::holds_alternative<order::ExpireRound>(command) ||
         std::holds_alternative<order::ReleaseAllocation>(command);
}

Outcome act(std::string_view order_id, const order::Command& command, const Facts& facts) {
  if (std::holds_alternative<order::AllocateLines>(command) ||
      std::holds_alternative<order::SourceLines>(command)) {
    return reject(Code::invalid, "lines are allocated by sourcing when the order is placed");
  }
  const auto* current = facts.order(order_id);
  if (current == nullptr)
    return reject(Code::not_found, "unknown order '" + std::string(order_id) + "'");
  if (const auto* r = std::get_if<order::Reallocate>(&command);
      r != nullptr && facts.site(r->site_id) == nullptr) {
    return reject(Code::not_found, "unknown site '" + r->site_id + "'");
  }
  auto decided = order::decide(command, *current);
  if (!decided) return std::unexpected(decided.error());
  if (decided->empty()) return Effects{};
  const auto at = time_of(command);
  Effects out;
  out.order = std::move(*decided);
  // An order waiting for customer service (an address to confirm at intake, or no site found) is
  // sourced again once its address changes: the new address may be served.
  const bool readdressed =
      std::holds_alternative<order::ChangeDeliveryAddress>(command) && current->queued_for_service;
  if (sources_again(command) || readdressed) {
    auto after = *current;
    for (const auto& e : out.order) after = order::evolve(std::move(after), e);
    if (after.open_round() == nullptr && !after.sourcing_lines().empty() &&
        (!after.queued_for_service || readdressed)) {
      if (auto refused = source(facts, after, at, false, out.order))
        return std::unexpected(*refused);
    }
  }
  StockSequence sequence(facts);
  if (auto refused = follow_with_stock(sequence, facts, *current, out.order, at))
    return std::unexpected(*refused);
  if (const auto* release = std::get_if<order::ReleaseAllocation>(&command);
      release != nullptr && release->stock_missing) {
    for (const auto& e : out.order) {
      const auto* released = std::get_if<order::AllocationReleased>(&e);
      if (released == nullptr) continue;
      if (auto refused = correct_missing_stock(sequence, *current, *released, at))
        return std::unexpected(*refused);
    }
  }
  out.stock = sequence.take();
  return out;
}

// What the engine relies on when it writes Effects: one entry per (site, SKU), none empty.
bool well_formed(const Effects& effects) {
  const auto& changes = effects.stock;
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    if (it->events.empty() || it->site_id.empty() || it->sku.empty()) return false;
    const auto same = [&](const StockChange& c) {
      return c.site_id == it->site_id && c.sku == it->sku;
    };
    if (std::find_if(std::next(it), changes.end(), same) != changes.end()) return false;
  }
  return true;
}

}  // namespace

Outcome decide(std::string_view order_id, const order::Command& command, const Facts& facts) {
  const auto* placing = std::get_if<order::PlaceOrder>(&command);
  auto outcome =
      placing != nullptr ? place(order_id, *placing, facts) : act(order_id, command, facts);
  Ensures(!outcome || well_formed(*outcome));
  return outcome;
}

Decision<stock::Event> move_stock(std::string_view site_id, std::string_view sku,
                                  const stock::Command& command, const Facts& facts) {
  if (facts.site(site_id) == nullptr)
    return reject(Code::not_found, "unknown site '" + std::string(site_id) + "'");
  if (facts.item(sku) == nullptr)
    return reject(Code::not_found, "unknown SKU '" + std::string(sku) + "'");
  return stock::decide(command, facts.stock(site_id, sku));
}

std::string reservation_id(std::string_view order_id, std::uint32_t line) {
  std::string id(order_id);
  id.push_back('/');
  id.append(std::to_string(line));
  return id;
}

std::optional<std::string_view> order_of_reservation(std::string_view reservation_id) {
  const auto slash = reservation_id.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  return reservation_id.substr(0, slash);
}

}  // namespace ordo::domain::fulfilment
