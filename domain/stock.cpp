#include "domain/stock.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

namespace ordo::domain::stock {
namespace {

using Code = Rejection::Code;

std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

// evolve must not fail, so an event that would take on hand out of range saturates at the
// bounds instead (decide never emits one: it checks with checked_add).
std::int64_t on_hand_plus(std::int64_t on_hand, std::int64_t delta) {
  const auto sum = checked_add(on_hand, delta);
  if (!sum) return delta > 0 ? std::numeric_limits<std::int64_t>::max() : 0;
  return std::max<std::int64_t>(*sum, 0);
}

std::string_view to_string(ReceiptStatus status) {
  switch (status) {
    case ReceiptStatus::expected:
      return "expected";
    case ReceiptStatus::confirmed:
      return "confirmed";
    case ReceiptStatus::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::vector<Event> one(Event event) { return {std::move(event)}; }
std::vector<Event> nothing() { return {}; }

Decision<Event> overflow(std::int64_t on_hand, std::int64_t quantity) {
  return reject(Code::invalid, "adding " + std::to_string(quantity) + " to " +
                                   std::to_string(on_hand) + " on hand would overflow the count");
}

// --- on hand -----------------------------------------------------------------------------------

Decision<Event> decide_one(const ReceiveStock& c, const State& s) {
  if (c.quantity <= 0) {
    return reject(Code::invalid,
                  "received quantity " + std::to_string(c.quantity) + " must be positive");
  }
  if (!checked_add(s.on_hand, c.quantity)) return overflow(s.on_hand, c.quantity);
  return one(StockReceived{c.quantity, c.reference});
}

Decision<Event> decide_one(const AdjustStock& c, const State& s) {
  if (c.delta == 0) return reject(Code::invalid, "an adjustment of 0 units changes nothing");
  if (c.reason.empty()) {
    return reject(Code::invalid, "an adjustment of " + std::to_string(c.delta) + " needs a reason");
  }
  const auto after = checked_add(s.on_hand, c.delta);
  if (!after) return overflow(s.on_hand, c.delta);
  // Only a decrease is checked: an increase always moves towards the physical truth, even while
  // a count has left on hand below what is reserved.
  if (c.delta < 0 && *after < 0) {
    return reject(Code::insufficient_stock,
                  "insufficient stock: adjusting by " + std::to_string(c.delta) +
                      " would take on hand from " + std::to_string(s.on_hand) + " to " +
                      std::to_string(*after));
  }
  if (c.delta < 0 && *after < s.reserved) {
    return reject(Code::insufficient_stock, "insufficient stock: adjusting by " +
                                                std::to_string(c.delta) + " would leave " +
                                                std::to_string(*after) + " on hand, below the " +
                                                std::to_string(s.reserved) + " reserved");
  }
  return one(StockAdjusted{c.delta, c.reason});
}

Decision<Event> decide_one(const CountStock& c, const State& s) {
  if (c.counted < 0) {
    return reject(Code::invalid, "counted quantity " + std::to_string(c.counted) + " is negative");
  }
  if (c.source.empty()) {
    return reject(Code::invalid, "a count of " + std::to_string(c.counted) + " needs a source");
  }
  if (c.sequence != 0) {
    const auto last = s.counted_up_to.find(c.source);
    if (last != s.counted_up_to.end() && last->second >= c.sequence) return nothing();
  } else if (c.counted == s.on_hand) {
    return nothing();
  }
  const std::int64_t shortage = std::max<std::int64_t>(s.reserved - c.counted, 0);
  return one(StockCounted{c.counted, c.counted - s.on_hand, shortage, c.source, c.sequence});
}

// --- reservations ------------------------------------------------------------------------------

// The checks of a reservation's request, before the stock's.
std::optional<Rejection> refuse_request(const std::string& reservation_id,
                                        const std::string& order_id, std::int64_t quantity) {
  if (reservation_id.empty()) return Rejection{Code::invalid, "the reservation id is required"};
  if (order_id.empty())
    return Rejection{Code::invalid, "reservation " + reservation_id + " has no order id"};
  if (quantity <= 0) {
    return Rejection{Code::invalid, "reservation " + reservation_id + ": quantity " +
                                        std::to_string(quantity) + " must be positive"};
  }
  return std::nullopt;
}

// What ReserveStock and HoldStock share: the checks of the request and of the stock.
std::optional<Rejection> refuse_taking(const std::string& reservation_id,
                                       const std::string& order_id, std::int64_t quantity,
                                       const State& s) {
  if (auto refused = refuse_request(reservation_id, order_id, quantity)) return refused;
  if (s.available() < quantity) {
    return Rejection{Code::insufficient_stock,
                     "insufficient stock: " + std::to_string(s.available()) + " available, " +
                         std::to_string(quantity) + " requested"};
  }
  return std::nullopt;
}

Decision<Event> already_holds(const std::string& reservation_id, const Reservation& r) {
  return reject(Code::already_exists, "reservation " + reservation_id + " already " +
                                          (r.held ? "holds " : "reserves ") +
                                          std::to_string(r.quantity) + " units for order " +
                                          r.order_id + " line " + std::to_string(r.line));
}

// A pre-order: units promised on an expected receipt.
Decision<Event> pre_order(const ReserveStock& c, const State& s) {
  if (auto refused = refuse_request(c.reservation_id, c.order_id, c.quantity))
    return std::unexpected(*refused);
  const auto it = s.receipts.find(c.receipt_id);
  if (it == s.receipts.end())
    return reject(Code::not_found, "receipt " + c.receipt_id + " was never expected");
  if (it->second.status != ReceiptStatus::expected) {
    return reject(Code::wrong_state, "receipt " + c.receipt_id + " is " +
                                         std::string(to_string(it->second.status)) +
                                         ": only an expected receipt can be pre-ordered");
  }
  if (it->second.unpromised() < c.quantity) {
    return reject(Code::insufficient_stock, "insufficient stock: receipt " + c.receipt_id +
                                                " has " + std::to_string(it->second.unpromised()) +
                                                " units left to pre-order, " +
                                                std::to_string(c.quantity) + " requested");
  }
  return one(StockReserved{c.reservation_id, c.order_id, c.line, c.quantity, c.view, c.receipt_id});
}

Decision<Event> decide_one(const ReserveStock& c, const State& s) {
  if (auto it = s.reservations.find(c.reservation_id); it != s.reservations.end()) {
    const Reservation& r = it->second;
    const bool same = r.order_id == c.order_id && r.line == c.line && r.quantity == c.quantity;
    if (!same) return already_holds(c.reservation_id, r);
    // A pre-order asked again, or asked from on hand once its receipt arrived: nothing.
    if (!r.held) return nothing();
    // The round's winner: its hold becomes the reservation, the units never available between.
    return one(StockReserved{c.reservation_id, c.order_id, c.line, c.quantity, c.view, {}});
  }
  if (!c.receipt_id.empty()) return pre_order(c, s);
  if (auto refused = refuse_taking(c.reservation_id, c.order_id, c.quantity, s))
    return std::unexpected(*refused);
  return one(StockReserved{c.reservation_id, c.order_id, c.line, c.quantity, c.view, {}});
}

Decision<Event> decide_one(const HoldStock& c, const State& s) {
  if (auto it = s.reservations.find(c.reservation_id); it != s.reservations.end()) {
    const Reservation& r = it->second;
    if (r.order_id == c.order_id && r.line == c.line && r.quantity == c.quantity) return nothing();
    return already_holds(c.reservation_id, r);
  }
  if (auto refused = refuse_taking(c.reservation_id, c.order_id, c.quantity, s))
    return std::unexpected(*refused);
  return one(StockHeld{c.reservation_id, c.order_id, c.line, c.quantity, c.view});
}

Decision<Event> unknown_reservation(const std::string& reservation_id) {
  return reject(Code::not_found, "reservation " + reservation_id +
                                     " does not exist: never made, or already released or shipped");
}

Decision<Event> decide_one(const ReleaseReservation& c, const State& s) {
  const auto it = s.reservations.find(c.reservation_id);
  if (it == s.reservations.end()) return nothing();
  return one(ReservationReleased{c.reservation_id, it->second.quantity, c.reason});
}

Decision<Event> only_held(const std::string& reservation_id) {
  return reject(Code::wrong_state, "reservation " + reservation_id +
                                       " is only held for a competitive round: nothing to " +
                                       "prepare until a site claims it");
}

Decision<Event> awaits_receipt(const std::string& reservation_id, const Reservation& r) {
  return reject(Code::wrong_state, "reservation " + reservation_id +
                                       " is a pre-order waiting for " + "receipt " + r.receipt_id);
}

Decision<Event> decide_one(const PickStock& c, const State& s) {
  const auto it = s.reservations.find(c.reservation_id);
  if (it == s.reservations.end()) return unknown_reservation(c.reservation_id);
  if (it->second.held) return only_held(c.reservation_id);
  if (!it->second.receipt_id.empty()) return awaits_receipt(c.reservation_id, it->second);
  if (it->second.picked) return nothing();
  return one(StockPicked{c.reservation_id});
}

Decision<Event> decide_one(const ShipStock& c, const State& s) {
  const auto it = s.reservations.find(c.reservation_id);
  if (it == s.reservations.end()) return unknown_reservation(c.reservation_id);
  if (it->second.held) return only_held(c.reservation_id);
  if (!it->second.receipt_id.empty()) return awaits_receipt(c.reservation_id, it->second);
  const std::int64_t quantity = it->second.quantity;
  // After a count below what is reserved, some reservations are not all there: shipping one
  // would make on hand negative, so it waits until the shortage is resolved.
  if (s.on_hand < quantity) {
    return reject(Code::insufficient_stock, "cannot ship reservation " + c.reservation_id + ": " +
                                                std::to_string(quantity) + " reserved but only " +
                                                std::to_string(s.on_hand) + " on hand");
  }
  return one(StockShipped{c.reservation_id, quantity});
}

// --- future receipts ---------------------------------------------------------------------------

Decision<Event> decide_one(const ExpectReceipt& c, const State& s) {
  if (c.receipt_id.empty()) return reject(Code::invalid, "the receipt id is required");
  if (c.quantity <= 0) {
    return reject(Code::invalid, "receipt " + c.receipt_id + ": quantity " +
                                     std::to_string(c.quantity) + " must be positive");
  }
  if (auto it = s.receipts.find(c.receipt_id); it != s.receipts.end()) {
    const FutureReceipt& r = it->second;
    if (r.quantity == c.quantity && r.expected_at == c.expected_at) return nothing();
    return reject(Code::already_exists, "receipt " + c.receipt_id + " already exists (" +
                                            std::string(to_string(r.status)) + ", " +
                                            std::to_string(r.quantity) + " units at " +
                                            std::to_string(r.expected_at) + ")");
  }
  return one(ReceiptExpected{c.receipt_id, c.quantity, c.expected_at});
}

Decision<Event> unknown_receipt(const std::string& receipt_id) {
  return reject(Code::not_found, "receipt " + receipt_id + " was never expected");
}

Decision<Event> decide_one(const ConfirmReceipt& c, const State& s) {
  if (c.received < 0) {
    return reject(Code::invalid, "receipt " + c.receipt_id + ": received quantity " +
                                     std::to_string(c.received) + " is negative");
  }
  const auto it = s.receipts.find(c.receipt_id);
  if (it == s.receipts.end()) return unknown_receipt(c.receipt_id);
  if (it->second.status != ReceiptStatus::expected) {
    return reject(Code::wrong_state, "receipt " + c.receipt_id + " is " +
                                         std::string(to_string(it->second.status)) +
                                         ": only an expected receipt can be confirmed");
  }
  if (!checked_add(s.on_hand, c.received)) return overflow(s.on_hand, c.received);
  std::vector<Event> events{ReceiptConfirmed{c.receipt_id, c.received}};
  // The pre-orders become reservations; those the units do not cover are released, latest first.
  std::vector<std::pair<std::string, std::int64_t>> pre_orders;
  for (const auto& [id, r] : s.reservations) {
    if (r.receipt_id == c.receipt_id) pre_orders.emplace_back(id, r.quantity);
  }
  // What covers them: the units received and those free before; a shortage already there (a
  // count below what was reserved) is not the receipt's to pay.
  std::int64_t promised = 0;
  for (const auto& p : pre_orders) promised += p.second;
  const std::int64_t cover = c.received + s.available();
  for (auto p = pre_orders.rbegin(); p != pre_orders.rend() && promised > cover; ++p) {
    events.emplace_back(ReservationReleased{
        p->first, p->second,
        "receipt " + c.receipt_id + " short: " + std::to_string(c.received) + " received"});
    promised -= p->second;
  }
  return events;
}

Decision<Event> decide_one(const CancelReceipt& c, const State& s) {
  const auto it = s.receipts.find(c.receipt_id);
  if (it == s.receipts.end()) return unknown_receipt(c.receipt_id);
  switch (it->second.status) {
    case ReceiptStatus::expected: {
      std::vector<Event> events{ReceiptCancelled{c.receipt_id}};
      for (const auto& [id, r] : s.reservations) {
        if (r.receipt_id == c.receipt_id)
          events.emplace_back(
              ReservationReleased{id, r.quantity, "receipt " + c.receipt_id + " cancelled"});
      }
      return events;
    }
    case ReceiptStatus::cancelled:
      return nothing();
    case ReceiptStatus::confirmed:
      break;
  }
  return reject(Code::wrong_state,
                "receipt " + c.receipt_id + " is confirmed and can no longer be cancelled");
}

// --- evolve ------------------------------------------------------------------------------------

void remove_reservation(State& s, const std::string& reservation_id) {
  const auto it = s.reservations.find(reservation_id);
  if (it == s.reservations.end()) return;
  const Reservation& r = it->second;
  if (!r.receipt_id.empty()) {  // a pre-order: promised on its receipt
    auto& receipt = s.receipts[r.receipt_id];
    receipt.promised -= r.quantity;
    const auto by = receipt.promised_by.find(r.view);
    if (by != receipt.promised_by.end() && (by->second -= r.quantity) <= 0)
      receipt.promised_by.erase(by);
    s.reservations.erase(it);
    return;
  }
  s.reserved -= r.quantity;
  if (r.held) s.held -= r.quantity;
  if (!r.view.empty()) {
    const auto taken = s.taken.find(r.view);
    if (taken != s.taken.end() && (taken->second -= r.quantity) <= 0) s.taken.erase(taken);
  }
  s.reservations.erase(it);
}

void add_reservation(State& s, const std::string& reservation_id, Reservation r) {
  remove_reservation(s, reservation_id);  // a repeated event replaces, never double counts
  if (!r.receipt_id.empty()) {
    auto& receipt = s.receipts[r.receipt_id];
    receipt.promised += r.quantity;
    receipt.promised_by[r.view] += r.quantity;
    s.reservations.emplace(reservation_id, std::move(r));
    return;
  }
  s.reserved += r.quantity;
  if (r.held) s.held += r.quantity;
  if (!r.view.empty()) s.taken[r.view] += r.quantity;
  s.reservations.emplace(reservation_id, std::move(r));
}

void apply(State& s, const StockReceived& e) { s.on_hand = on_hand_plus(s.on_hand, e.quantity); }
void apply(State& s, const StockAdjusted& e) { s.on_hand = on_hand_plus(s.on_hand, e.delta); }
void apply(State& s, const StockCounted& e) {
  s.on_hand = std::max<std::int64_t>(e.counted, 0);
  if (e.sequence != 0) {
    auto& last = s.counted_up_to[e.source];
    last = std::max(last, e.sequence);
  }
}

void apply(State& s, const StockReserved& e) {
  add_reservation(s, e.reservation_id,
                  Reservation{e.order_id, e.line, e.quantity, false, false, e.view, e.receipt_id});
}

void apply(State& s, const StockHeld& e) {
  add_reservation(s, e.reservation_id,
                  Reservation{e.order_id, e.line, e.quantity, false, true, e.view, {}});
}

void apply(State& s, const ReservationReleased& e) { remove_reservation(s, e.reservation_id); }

void apply(State& s, const StockPicked& e) {
  if (auto it = s.reservations.find(e.reservation_id); it != s.reservations.end()) {
    it->second.picked = true;
  }
}

void apply(State& s, const StockShipped& e) {
  // The units left the site whether or not the reservation is still known here.
  s.on_hand = on_hand_plus(s.on_hand, e.quantity > 0 ? -e.quantity : 0);
  remove_reservation(s, e.reservation_id);
}

void apply(State& s, const ReceiptExpected& e) {
  s.receipts[e.receipt_id] =
      FutureReceipt{e.quantity, e.expected_at, ReceiptStatus::expected, 0, {}};
}

void apply(State& s, const ReceiptConfirmed& e) {
  s.on_hand = on_hand_plus(s.on_hand, e.received);
  auto& receipt =
      s.receipts.try_emplace(e.receipt_id, FutureReceipt{e.received, 0, {}, 0, {}}).first->second;
  receipt.status = ReceiptStatus::confirmed;
  // Its pre-orders are reservations from on hand from now on.
  std::vector<std::pair<std::string, Reservation>> arrived;
  for (const auto& [id, r] : s.reservations) {
    if (r.receipt_id == e.receipt_id) arrived.emplace_back(id, r);
  }
  for (auto& [id, r] : arrived) {
    remove_reservation(s, id);
    r.receipt_id.clear();
    add_reservation(s, id, std::move(r));
  }
}

void apply(State& s, const ReceiptCancelled& e) {
  s.receipts[e.receipt_id].status = ReceiptStatus::cancelled;
}

}  // namespace

Decision<Event> decide(const Command& command, const State& state) {
  return std::visit([&](const auto& c) { return decide_one(c, state); }, command);
}

State evolve(State state, const Event& event) {
  std::visit([&](const auto& e) { apply(state, e); }, event);
  return state;
}

}  // namespace ordo::domain::stock
