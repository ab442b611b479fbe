// Stock of one SKU at one site: what is physically there (on hand), what orders hold (reserved),
// and what is expected (future receipts). Stream: "stock-<site_id>-<sku>".
//
// Invariants the decider keeps: on_hand >= 0; a reservation is made only from available stock
// (on_hand - reserved), so reservations never exceed on hand when they are made. An absolute count
// from a feed is the physical truth and is always accepted; when it falls below what is reserved,
// the shortage is recorded on the event and available stock stays at zero until it is resolved.
#pragma once

#include <map>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::stock {

struct Reservation {
  std::string order_id;
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  bool picked = false;
  bool held = false;  // held for a competitive round: not allocated yet (see HoldStock)
  std::string view;   // the inventory view of the order's channel ("" before views were recorded)
  std::string receipt_id;  // a pre-order on this expected receipt: not on hand yet, not reserved
  friend bool operator==(const Reservation&, const Reservation&) = default;
};

enum class ReceiptStatus : std::uint8_t { expected, confirmed, cancelled };

struct FutureReceipt {
  std::int64_t quantity = 0;
  Instant expected_at = 0;
  ReceiptStatus status = ReceiptStatus::expected;
  std::int64_t promised = 0;  // pre-ordered on it, every channel's
  std::map<std::string, std::int64_t, std::less<>> promised_by;  // pre-ordered, by inventory view
  friend bool operator==(const FutureReceipt&, const FutureReceipt&) = default;
  /// Units still free to pre-order.
  std::int64_t unpromised() const { return quantity > promised ? quantity - promised : 0; }
  std::int64_t promised_to(std::string_view view) const {
    const auto it = promised_by.find(view);
    return it == promised_by.end() ? 0 : it->second;
  }
};

// Commands. `reservation_id` names an order line: "<order_id>/<line>".
struct ReceiveStock {
  std::int64_t quantity = 0;
  std::string reference;
  Instant at = 0;
};
struct AdjustStock {
  std::int64_t delta = 0;
  std::string reason;
  Instant at = 0;
};
struct CountStock {
  std::int64_t counted = 0;
  std::string source;
  Instant at = 0;
  /// The source's own sequence number for this count (a streaming feed's message); 0: none. A
  /// count is absolute, so one older than the last applied from its source is stale: arriving
  /// late, it must not take the stock back to what it was.
  std::uint64_t sequence = 0;
};
struct ReserveStock {
  std::string reservation_id;
  std::string order_id;
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  Instant at = 0;
  std::string view;        // the inventory view the order sells from: its share caps what it takes
  std::string receipt_id;  // a pre-order: taken from this expected receipt, not from on hand
};
/// Holds units for an order line offered to this site in a competitive round: they leave the
/// available stock at once, so that no other order is accepted on them while the stores answer.
/// The winner's hold becomes its reservation (ReserveStock with the same id); the others are
/// released (ReleaseReservation).
struct HoldStock {
  std::string reservation_id;
  std::string order_id;
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  Instant at = 0;
  std::string view;
};
struct ReleaseReservation {
  std::string reservation_id;
  std::string reason;
  Instant at = 0;
};
struct PickStock {
  std::string reservation_id;
  Instant at = 0;
};
struct ShipStock {
  std::string reservation_id;
  Instant at = 0;
};
struct ExpectReceipt {
  std::string receipt_id;
  std::int64_t quantity = 0;
  Instant expected_at = 0;
  Instant at = 0;
};
struct ConfirmReceipt {
  std::string receipt_id;
  std::int64_t received = 0;
  Instant at = 0;
};
struct CancelReceipt {
  std::string receipt_id;
  Instant at = 0;
};
using Command =
    std::variant<ReceiveStock, AdjustStock, CountStock, ReserveStock, ReleaseReservation, PickStock,
                 ShipStock, ExpectReceipt, ConfirmReceipt, CancelReceipt, HoldStock>;

// Events
struct StockReceived {
  std::int64_t quantity = 0;
  std::string reference;
  friend bool operator==(const StockReceived&, const StockReceived&) = default;
};
struct StockAdjusted {
  std::int64_t delta = 0;
  std::string reason;
  friend bool operator==(const StockAdjusted&, const StockAdjusted&) = default;
};
struct StockCounted {
  std::int64_t counted = 0;
  std::int64_t delta = 0;      // counted - on hand before
  std::int64_t shortage = 0;   // reserved - counted when positive, else 0
  std::string source;          // "erp", "wms", "pos", ...
  std::uint64_t sequence = 0;  // the source's sequence number; 0: none (and before it was kept)
  friend bool operator==(const StockCounted&, const StockCounted&) = default;
};
struct StockReserved {
  std::string reservation_id;
  std::string order_id;
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  std::string view;        // "" in events recorded before views were
  std::string receipt_id;  // a pre-order on an expected receipt
  friend bool operator==(const StockReserved&, const StockReserved&) = default;
};
struct StockHeld {
  std::string reservation_id;
  std::string order_id;
  std::uint32_t line = 0;
  std::int64_t quantity = 0;
  std::string view;
  friend bool operator==(const StockHeld&, const StockHeld&) = default;
};
struct ReservationReleased {
  std::string reservation_id;
  std::int64_t quantity = 0;
  std::string reason;
  friend bool operator==(const ReservationReleased&, const ReservationReleased&) = default;
};
struct StockPicked {
  std::string reservation_id;
  friend bool operator==(const StockPicked&, const StockPicked&) = default;
};
struct StockShipped {
  std::string reservation_id;
  std::int64_t quantity = 0;
  friend bool operator==(const StockShipped&, const StockShipped&) = default;
};
struct ReceiptExpected {
  std::string receipt_id;
  std::int64_t quantity = 0;
  Instant expected_at = 0;
  friend bool operator==(const ReceiptExpected&, const ReceiptExpected&) = default;
};
struct ReceiptConfirmed {
  std::string receipt_id;
  std::int64_t received = 0;  // adds to on hand
  friend bool operator==(const ReceiptConfirmed&, const ReceiptConfirmed&) = default;
};
struct ReceiptCancelled {
  std::string receipt_id;
  friend bool operator==(const ReceiptCancelled&, const ReceiptCancelled&) = default;
};
using Event = std::variant<StockReceived, StockAdjusted, StockCounted, StockReserved,
                           ReservationReleased, StockPicked, StockShipped, ReceiptExpected,
                           ReceiptConfirmed, ReceiptCancelled, StockHeld>;

struct State {
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;                        // sum of open reservations, holds included
  std::int64_t held = 0;                            // of which held for competitive rounds
  std::map<std::string, Reservation> reservations;  // by reservation id
  std::map<std::string, FutureReceipt> receipts;    // by receipt id
  std::map<std::string, std::int64_t, std::less<>> taken;  // reserved or held, by inventory view
  std::map<std::string, std::uint64_t, std::less<>>
      counted_up_to;  // last count sequence, by source
  friend bool operator==(const State&, const State&) = default;

  std::int64_t available() const { return on_hand > reserved ? on_hand - reserved : 0; }
  /// What orders of `view` hold here, reserved or held: what its share is measured against.
  std::int64_t taken_by(std::string_view view) const {
    const auto it = taken.find(view);
    return it == taken.end() ? 0 : it->second;
  }
};

/// Decisions, each a rejection value naming the reason when refused:
/// - ReceiveStock: quantity > 0 (invalid otherwise).
/// - AdjustStock: delta != 0, reason required; refused (insufficient_stock) when on hand would fall
///   below zero or below what is reserved.
/// - CountStock: counted >= 0, source required; always accepted, nothing when counted == on hand.
///   With a sequence: nothing when the source's last count here had a sequence as high (stale);
///   a newer count equal to on hand is still recorded (StockCounted with delta 0), so that an
///   older one arriving after it stays stale.
/// - ReserveStock: quantity > 0; insufficient_stock when available < quantity; the same
///   reservation again with the same quantity: nothing; with another: already_exists. A hold with
///   the same id, order, line and quantity becomes the reservation (StockReserved). With a
///   receipt (a pre-order): the receipt must be expected (not_found, wrong_state) with as many
///   units not yet pre-ordered (insufficient_stock); the units are promised on the receipt, not
///   reserved from on hand, until it arrives.
/// - HoldStock: as ReserveStock, emitting StockHeld; a hold or reservation already there with the
///   same content: nothing.
/// - ReleaseReservation: releases an open reservation; an unknown id: nothing (already released).
/// - PickStock: not_found for an unknown reservation; wrong_state for a hold; picked twice:
///   nothing.
/// - ShipStock: not_found for an unknown reservation; wrong_state for a hold; removes it and its
///   quantity from on hand.
/// - ExpectReceipt: quantity > 0; an id already used with other content: already_exists.
/// - ConfirmReceipt: only an expected receipt (not_found / wrong_state); received >= 0. Its
///   pre-orders become reservations from on hand; when the units received and those available
///   before do not cover them all, the latest pre-orders are released (ReservationReleased, after
///   ReceiptConfirmed).
/// - CancelReceipt: only an expected receipt; cancelling twice: nothing. Its pre-orders are
///   released (ReservationReleased, after ReceiptCancelled).
/// - PickStock / ShipStock of a pre-order still waiting for its receipt: wrong_state.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::stock
