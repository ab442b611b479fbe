// Order: a customer's order from placement to delivery. Stream: "order-<order_id>".
//
// Each line moves on its own (it may be fulfilled by another site than its neighbours):
//   sourcing -> allocated -> in_preparation -> prepared | ready_for_pickup -> shipped -> delivered
// and any line not yet shipped may be cancelled. The order's status is its least advanced line
// that is not cancelled (cancelled when all are).
#pragma once

#include <optional>
#include <variant>

#include "domain/types.h"

namespace ordo::domain::order {

enum class LineStatus : std::uint8_t {
  sourcing,
  allocated,
  in_preparation,
  prepared,
  ready_for_pickup,
  shipped,
  delivered,
  cancelled,
};
std::string_view to_string(LineStatus status);

enum class DeliveryMethod : std::uint8_t { home_standard, home_express, pickup_point,
                                           click_and_collect, ship_to_store };
std::string_view to_string(DeliveryMethod method);

struct OrderLine {
  std::uint32_t line = 0;  // 1-based, unique in the order
  std::string sku;
  std::int64_t quantity = 0;
  std::int64_t unit_price_minor = 0;
  friend bool operator==(const OrderLine&, const OrderLine&) = default;
};

/// The delivery promise the customer was shown and chose at checkout.
struct Promise {
  std::string option_id;
  Instant promised_at = 0;
  friend bool operator==(const Promise&, const Promise&) = default;
};

struct Allocation {
  std::uint32_t line = 0;
  std::string site_id;
  friend bool operator==(const Allocation&, const Allocation&) = default;
};

// Commands
struct PlaceOrder {
  std::string order_id;
  std::string channel;
  std::string customer_id;
  std::string email;
  std::vector<OrderLine> lines;
  Address billing;
  Address delivery;
  DeliveryMethod method = DeliveryMethod::home_standard;
  Promise promise;
  std::string currency;
  Instant at = 0;
};
struct AllocateLines { std::vector<Allocation> allocations; Instant at = 0; };
struct StartPreparation { std::string site_id; Instant at = 0; };
struct MarkPrepared { std::string site_id; bool ready_for_pickup = false; Instant at = 0; };
struct ShipOrder { std::string site_id; std::string carrier; std::string tracking; Instant at = 0; };
struct DeliverOrder { std::string site_id; Instant at = 0; };
struct CancelLines { std::vector<std::uint32_t> lines; std::string reason; Instant at = 0; };  // empty: all
struct ChangeDeliveryAddress { Address address; Instant at = 0; };
using Command = std::variant<PlaceOrder, AllocateLines, StartPreparation, MarkPrepared, ShipOrder,
                             DeliverOrder, CancelLines, ChangeDeliveryAddress>;

// Events
struct OrderPlaced {
  std::string order_id;
  std::string channel;
  std::string customer_id;
  std::string email;
  std::vector<OrderLine> lines;
  Address billing;
  Address delivery;
  DeliveryMethod method = DeliveryMethod::home_standard;
  Promise promise;
  Money total;
  Instant placed_at = 0;
  friend bool operator==(const OrderPlaced&, const OrderPlaced&) = default;
};
struct LinesAllocated {
  std::vector<Allocation> allocations;
  friend bool operator==(const LinesAllocated&, const LinesAllocated&) = default;
};
struct PreparationStarted {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  friend bool operator==(const PreparationStarted&, const PreparationStarted&) = default;
};
struct OrderPrepared {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  bool ready_for_pickup = false;
  friend bool operator==(const OrderPrepared&, const OrderPrepared&) = default;
};
struct OrderShipped {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  std::string carrier;
  std::string tracking;
  friend bool operator==(const OrderShipped&, const OrderShipped&) = default;
};
struct OrderDelivered {
  std::string site_id;
  std::vector<std::uint32_t> lines;
  Instant delivered_at = 0;
  friend bool operator==(const OrderDelivered&, const OrderDelivered&) = default;
};
struct LinesCancelled {
  std::vector<std::uint32_t> lines;
  std::string reason;
  friend bool operator==(const LinesCancelled&, const LinesCancelled&) = default;
};
struct DeliveryAddressChanged {
  Address address;
  friend bool operator==(const DeliveryAddressChanged&, const DeliveryAddressChanged&) = default;
};
using Event = std::variant<OrderPlaced, LinesAllocated, PreparationStarted, OrderPrepared,
                           OrderShipped, OrderDelivered, LinesCancelled, DeliveryAddressChanged>;

struct LineState {
  OrderLine line;
  LineStatus status = LineStatus::sourcing;
  std::string site_id;  // empty while sourcing
  friend bool operator==(const LineState&, const LineState&) = default;
};

struct State {
  bool exists = false;
  OrderPlaced placed;  // as placed (the delivery address below may have changed since)
  Address delivery;
  std::vector<LineState> lines;
  friend bool operator==(const State&, const State&) = default;

  /// The least advanced line that is not cancelled; cancelled when every line is.
  LineStatus status() const;
};

/// Decisions (a rejection names the reason):
/// - PlaceOrder: new order only (same id again with the same content: nothing; other content:
///   already_exists); invalid: empty id/channel, no lines, duplicate line numbers, quantity <= 0,
///   negative price, bad currency or country. The total is the sum of quantity x unit price.
/// - AllocateLines: each line must exist and be sourcing (allocating to the same site again:
///   nothing), site id required.
/// - StartPreparation / MarkPrepared / ShipOrder / DeliverOrder act on the lines allocated to the
///   site that are in the previous step; wrong_state when there is none; repeated: nothing.
///   ShipOrder needs a carrier; MarkPrepared with ready_for_pickup is for click and collect and
///   pickup deliveries.
/// - CancelLines: lines must exist; shipped or delivered lines cannot be cancelled (wrong_state);
///   already cancelled lines: nothing.
/// - ChangeDeliveryAddress: only before any line is in preparation; country must be a code.
Decision<Event> decide(const Command& command, const State& state);
State evolve(State state, const Event& event);

}  // namespace ordo::domain::order
