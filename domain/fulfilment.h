// The order process: what an order command means for the order and for stock, decided as one.
//
// Placing an order checks what it refers to (its channel sells, its SKUs exist), sources it by the
// orchestration rules (domain/orchestration.h) and reserves the stock of every allocated line. An
// action on an order (a claim, a decline, an expiry, a release, a cancellation, a store's step, a
// reallocation) is decided by the order, its lines left without a site are sourced again, and
// the stock follows: a reservation per allocated line, a release per cancelled or released line,
// a pick when preparation starts, a shipment when the parcel leaves, and a correction when a store
// reports units missing. A stock movement from a feed is decided by the stock at a known site of a
// known item.
//
// Every event comes from a decider (order::decide, stock::decide); this process only chains them,
// so that the whole outcome is accepted together or refused with the first rejection. Pure: the
// rest of Ordo is read through Facts, which the engine answers from its state.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/geo.h"
#include "domain/inventory_views.h"
#include "domain/orchestration.h"
#include "domain/order.h"
#include "domain/site.h"
#include "domain/stock.h"

namespace ordo::domain::fulfilment {

/// A site's stock of a SKU, borrowed from the facts: valid for the decision.
struct Holding {
  std::string_view site_id;
  const site::Profile* site = nullptr;  // nullptr: the site is not registered
  const stock::State* stock = nullptr;
};

/// What the process reads of the rest of Ordo. The engine implements it over its in-memory state;
/// answers must be pure functions of that state (no I/O, no clock). Pointers stay valid for the
/// decision.
class Facts {
 public:
  virtual ~Facts() = default;
  /// The order's state; nullptr when it was never placed.
  [[nodiscard]] virtual const order::State* order(std::string_view order_id) const = 0;
  /// The stock of `sku` at `site_id` as committed (a never-stocked pair: an empty state).
  [[nodiscard]] virtual const stock::State& stock(std::string_view site_id,
                                                  std::string_view sku) const = 0;
  /// A site's profile; nullptr for an unknown site.
  [[nodiscard]] virtual const site::Profile* site(std::string_view site_id) const = 0;
  /// A catalog item; nullptr for an unknown SKU.
  [[nodiscard]] virtual const catalog::Item* item(std::string_view sku) const = 0;
  [[nodiscard]] virtual const InventoryViews& inventory_views() const = 0;
  /// The channel's master record; nullptr for a channel defined only by its inventory view.
  [[nodiscard]] virtual const channel::Channel* channel(std::string_view channel_id) const = 0;
  /// The orchestration rules in force and their configuration version (0: the built-in rules).
  [[nodiscard]] virtual const orchestration::Rules& rules() const = 0;
  [[nodiscard]] virtual std::uint64_t rules_version() const = 0;
  /// Every site that holds or held stock of `sku`, with that stock, in a stable order.
  [[nodiscard]] virtual std::span<const Holding> holdings(std::string_view sku) const = 0;
  /// Orders the site already prepares on its local day `day`, and its local day at `at`.
  [[nodiscard]] virtual std::int64_t preparations(std::string_view site_id,
                                                  std::int64_t day) const = 0;
  [[nodiscard]] virtual std::int64_t local_day(std::string_view site_id, Instant at) const = 0;
  /// The coordinates of a delivery address (its postcode's centroid); nullopt when unknown.
  [[nodiscard]] virtual std::optional<geo::Point> locate(const Address& address) const = 0;
  /// Category prefixes never collected in store (the promise area's click and collect).
  [[nodiscard]] virtual std::span<const std::string> collect_excluded_categories() const {
    return {};
  }
};

/// Events for the stock of one SKU at one site.
struct StockChange {
  std::string site_id;
  std::string sku;
  std::vector<stock::Event> events;
};

/// The whole outcome of one command: the order's events, then the stock changes in the order they
/// were decided, one entry per (site, SKU). Empty: nothing to do (already done).
struct Effects {
  std::vector<order::Event> order;
  std::vector<StockChange> stock;
  [[nodiscard]] bool empty() const { return order.empty() && stock.empty(); }
};
/// The effects of a command, or the rejection that refuses it whole.
using Outcome = Result<Effects, Rejection>;

/// Decides an order command (PlaceOrder included) for `order_id`. Rejections: the order's or a
/// stock's; not_found for an action on an order never placed, an unknown SKU or an unknown
/// reallocation site; invalid for a channel without an inventory view, and for AllocateLines and
/// SourceLines sent from outside (sourcing allocates).
[[nodiscard]] Outcome decide(std::string_view order_id, const order::Command& command,
                             const Facts& facts);

/// Decides a stock movement reported for `sku` at `site_id`: not_found for an unknown site or item.
[[nodiscard]] Decision<stock::Event> move_stock(std::string_view site_id, std::string_view sku,
                                                const stock::Command& command, const Facts& facts);

/// One order's events in a decision that changes several orders.
struct OrderChange {
  std::string order_id;
  std::vector<order::Event> events;
};
/// A decision that reaches several orders (a receipt's arrival, a site closing for good): the
/// stock's events, and each order's.
struct NetworkEffects {
  std::vector<StockChange> stock;
  std::vector<OrderChange> orders;
};

/// Decides a receipt's confirmation or cancellation (`command` is ConfirmReceipt or CancelReceipt)
/// with its pre-orders: the lines whose units arrived are allocated at the site; those the
/// receipt does not cover (short, or cancelled) are released and sourced again at once (queued
/// for customer service when no site can serve them). Rejections as move_stock.
[[nodiscard]] Result<NetworkEffects, Rejection> settle_receipt(std::string_view site_id,
                                                               std::string_view sku,
                                                               const stock::Command& command,
                                                               const Facts& facts);

/// A count of `sku` at `site_id` (CountStock). Counted below what is reserved there, the shortfall
/// is not left on the orders: the newest orders' lines allocated there (not yet in preparation)
/// are released until what stays reserved fits the count, and sourced again at once (elsewhere,
/// or customer service's queue when no site can serve them). Held units (open rounds), pre-orders
/// and lines in preparation stay: a store picking reports what it cannot find itself. Rejections
/// as move_stock.
[[nodiscard]] Result<NetworkEffects, Rejection> count_stock(std::string_view site_id,
                                                            std::string_view sku,
                                                            const stock::CountStock& count,
                                                            const Facts& facts);

/// Closing `site_id` for good: every line of `order_ids` allocated or pre-ordered there is released
/// from it and sourced again without it (customer service's queue when no other site can serve
/// it); its reservations there go. Refused (wrong_state) while a line there is in preparation or
/// prepared: the site ships or releases it first.
[[nodiscard]] Result<NetworkEffects, Rejection> leave_site(
    std::string_view site_id, const std::vector<std::string>& order_ids, const std::string& reason,
    Instant at, const Facts& facts);

/// A stock reservation names the order line it holds stock for: "<order_id>/<line>".
[[nodiscard]] std::string reservation_id(std::string_view order_id, std::uint32_t line);
/// The order a reservation id names; nullopt when it names none.
[[nodiscard]] std::optional<std::string_view> order_of_reservation(std::string_view reservation_id);

}  // namespace ordo::domain::fulfilment
