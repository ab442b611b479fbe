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
    if (lines.empty()) continue;
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
    out.orders.push_back({order_id, std::move(events)});
  }
  out.stock = sequence.take();
  return out;
}

}  // namespace ordo::domain::fulfilment
