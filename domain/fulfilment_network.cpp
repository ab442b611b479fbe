// Decisions that reach several orders: a receipt arriving or cancelled settles the orders
// pre-ordered on it; a site closed for good moves its open orders elsewhere.
#include <gsl/assert>

#include "domain/fulfilment.h"
#include "domain/fulfilment_sequence.h"

namespace ordo::domain::fulfilment {
namespace {

using Code = Rejection::Code;
using detail::follow_with_stock;
using detail::SequenceFacts;
using detail::source;
using detail::StockSequence;

// The lines of each order pre-ordered on `receipt_id` in `stock`, by order.
std::map<std::string, std::vector<std::uint32_t>> pre_orders_on(const stock::State& stock,
                                                                const std::string& receipt_id) {
  std::map<std::string, std::vector<std::uint32_t>> out;
  for (const auto& [id, r] : stock.reservations) {
    if (r.receipt_id == receipt_id) out[r.order_id].push_back(r.line);
  }
  return out;
}

// One order's side of a receipt's arrival: its arrived lines allocated, the others released and
// sourced again. An order that can no longer take them (changed meanwhile) is left as it is.
std::optional<OrderChange> settle_order(StockSequence& sequence, const Facts& facts,
                                        const std::string& order_id,
                                        const std::vector<std::uint32_t>& lines,
                                        std::string_view site_id, std::string_view sku,
                                        const std::string& receipt_id, Instant at) {
  const auto reason = "receipt " + receipt_id + " does not cover the pre-order";
  const auto* current = facts.order(order_id);
  if (current == nullptr) return std::nullopt;
  const auto& stock = sequence.current(site_id, sku);
  std::vector<order::Allocation> arrived;
  std::vector<std::uint32_t> released;
  for (auto line : lines) {
    if (stock.reservations.contains(reservation_id(order_id, line)))
      arrived.push_back({line, std::string(site_id)});
    else
      released.push_back(line);
  }
  std::vector<order::Event> events;
  auto state = *current;
  const auto decide = [&](const order::Command& c) {
    auto decided = order::decide(c, state);
    if (!decided) return false;
    for (auto& e : *decided) {
      state = order::evolve(std::move(state), e);
      events.push_back(std::move(e));
    }
    return true;
  };
  if (!arrived.empty() && !decide(order::AllocateLines{arrived, at})) return std::nullopt;
  if (!released.empty()) {
    if (!decide(order::ReleaseAllocation{std::string(site_id), reason, false, at, released,
                                         receipt_id}))
      return std::nullopt;
    // A round still offering other lines of the order sources them when it ends.
    if (state.open_round() == nullptr &&
        source(SequenceFacts(facts, sequence), state, at, false, events))
      return std::nullopt;
  }
  StockSequence trial = sequence;
  if (follow_with_stock(trial, facts, *current, events, at)) return std::nullopt;
  sequence = std::move(trial);
  return OrderChange{order_id, std::move(events)};
}

}  // namespace

Result<NetworkEffects, Rejection> settle_receipt(std::string_view site_id, std::string_view sku,
                                                 const stock::Command& command,
                                                 const Facts& facts) {
  if (facts.site(site_id) == nullptr)
    return reject(Code::not_found, "unknown site '" + std::string(site_id) + "'");
  if (facts.item(sku) == nullptr)
    return reject(Code::not_found, "unknown SKU '" + std::string(sku) + "'");
  const auto* confirm = std::get_if<stock::ConfirmReceipt>(&command);
  const auto* cancel = std::get_if<stock::CancelReceipt>(&command);
  Expects(confirm != nullptr || cancel != nullptr);
  const auto& receipt_id = confirm != nullptr ? confirm->receipt_id : cancel->receipt_id;
  const Instant at = confirm != nullptr ? confirm->at : cancel->at;
  const auto pre_orders = pre_orders_on(facts.stock(site_id, sku), receipt_id);
  StockSequence sequence(facts);
  if (auto refused = sequence.apply(site_id, sku, command)) return std::unexpected(*refused);
  NetworkEffects out;
  for (const auto& [order_id, lines] : pre_orders) {
    if (auto change = settle_order(sequence, facts, order_id, lines, site_id, sku, receipt_id, at))
      out.orders.push_back(std::move(*change));
  }
  out.stock = sequence.take();
  return out;
}

namespace {

// Releases `lines` of an order from `site_id` and sources them again at once (customer service's
// queue when no site can serve them; a round still open sources them when it ends); the stock
// follows in `sequence`.
Result<std::optional<OrderChange>, Rejection> release_and_source(
    StockSequence& sequence, const Facts& facts, const std::string& order_id,
    const std::vector<std::uint32_t>& lines, std::string_view site_id, const std::string& reason,
    Instant at) {
  const auto* current = facts.order(order_id);
  if (current == nullptr || lines.empty()) return std::nullopt;
  auto released = order::decide(
      order::ReleaseAllocation{std::string(site_id), reason, false, at, lines, {}}, *current);
  if (!released) return std::unexpected(released.error());
  auto state = *current;
  for (const auto& e : *released) state = order::evolve(std::move(state), e);
  std::vector<order::Event> events = std::move(*released);
  if (state.open_round() == nullptr) {
    if (auto refused = source(SequenceFacts(facts, sequence), state, at, false, events))
      return std::unexpected(*refused);
  }
  if (auto refused = follow_with_stock(sequence, facts, *current, events, at))
    return std::unexpected(*refused);
  return OrderChange{order_id, std::move(events)};
}

// A count's shortfall: the lines whose reservations move, newest orders first, until what stays
// reserved fits what was counted. Only lines allocated and not yet in preparation move (a store
// picking a line reports what it cannot find itself); held and pre-ordered units stay.
std::map<std::string, std::vector<std::uint32_t>> lines_to_move(const stock::State& stock,
                                                                std::string_view site_id,
                                                                const Facts& facts) {
  struct Candidate {
    Instant placed_at;
    std::string order_id;
    std::uint32_t line;
    std::int64_t quantity;
  };
  std::vector<Candidate> candidates;
  for (const auto& [id, r] : stock.reservations) {
    if (r.held || r.picked || !r.receipt_id.empty()) continue;
    const auto* o = facts.order(r.order_id);
    if (o == nullptr) continue;
    for (const auto& l : o->lines) {
      if (l.line.line == r.line && l.site_id == site_id && l.status == order::LineStatus::allocated)
        candidates.push_back({o->placed.placed_at, r.order_id, r.line, r.quantity});
    }
  }
  std::ranges::sort(candidates, [](const Candidate& a, const Candidate& b) {
    return std::tie(b.placed_at, b.order_id, b.line) < std::tie(a.placed_at, a.order_id, a.line);
  });
  std::map<std::string, std::vector<std::uint32_t>> out;
  std::int64_t shortfall = stock.reserved - stock.on_hand;
  for (const auto& c : candidates) {
    if (shortfall <= 0) break;
    out[c.order_id].push_back(c.line);
    shortfall -= c.quantity;
  }
  return out;
}

}  // namespace

Result<NetworkEffects, Rejection> count_stock(std::string_view site_id, std::string_view sku,
                                              const stock::CountStock& count, const Facts& facts) {
  if (facts.site(site_id) == nullptr)
    return reject(Code::not_found, "unknown site '" + std::string(site_id) + "'");
  if (facts.item(sku) == nullptr)
    return reject(Code::not_found, "unknown SKU '" + std::string(sku) + "'");
  StockSequence sequence(facts);
  if (auto refused = sequence.apply(site_id, sku, count)) return std::unexpected(*refused);
  const auto& counted = sequence.current(site_id, sku);
  NetworkEffects out;
  if (counted.reserved > counted.on_hand) {
    const auto reason = "count at " + std::string(site_id) + " found " +
                        std::to_string(counted.on_hand) + " " + std::string(sku) + " for " +
                        std::to_string(counted.reserved) + " reserved";
    for (const auto& [order_id, lines] : lines_to_move(counted, site_id, facts)) {
      auto moved = release_and_source(sequence, facts, order_id, lines, site_id, reason, count.at);
      if (!moved) return std::unexpected(moved.error());
      if (*moved) out.orders.push_back(std::move(**moved));
    }
  }
  out.stock = sequence.take();
  return out;
}

Result<NetworkEffects, Rejection> leave_site(std::string_view site_id,
                                             const std::vector<std::string>& order_ids,
                                             const std::string& reason, Instant at,
                                             const Facts& facts) {
  using order::LineStatus;
  StockSequence sequence(facts);
  NetworkEffects out;
  for (const auto& order_id : order_ids) {
    const auto* current = facts.order(order_id);
    if (current == nullptr) continue;
    std::vector<std::uint32_t> lines;
    for (const auto& l : current->lines) {
      if (l.site_id != site_id) continue;
      if (l.status == LineStatus::allocated || l.status == LineStatus::pre_ordered) {
        lines.push_back(l.line.line);
      } else if (l.status == LineStatus::in_preparation || l.status == LineStatus::prepared ||
                 l.status == LineStatus::ready_for_pickup) {
        return reject(Code::wrong_state, "order " + order_id + " line " +
                                             std::to_string(l.line.line) + " is " +
                                             std::string(order::to_string(l.status)) + " at " +
                                             std::string(site_id) + ": ship or release it first");
      }
    }
    auto moved = release_and_source(sequence, facts, order_id, lines, site_id, reason, at);
    if (!moved) return std::unexpected(moved.error());
    if (*moved) out.orders.push_back(std::move(**moved));
  }
  out.stock = sequence.take();
  return out;
}

}  // namespace ordo::domain::fulfilment
