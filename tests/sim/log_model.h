// The simulation's own reading of the log: an independent fold of the committed events into what
// the allocation laws speak of (rounds and their winners, order lines and their sites, stock on
// hand, holds and reservations), checking each law as it goes. It shares nothing with the engine
// but the event types: it is the oracle the engine is checked against.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "domain/order.h"
#include "domain/stock.h"
#include "eventstore/event_store.h"

namespace ordo::sim {

struct RoundModel {
  std::set<std::string> sites;
  std::set<std::string> declined;
  std::string winner;
  bool closed = false;
  std::string end;  // how it closed without a winner: expired, all_declined, withdrawn
  domain::Instant deadline = 0;
};

struct LineModel {
  std::string sku;
  std::int64_t quantity = 0;
  std::string site;  // where it is allocated; empty while sourcing
  bool cancelled = false;
  bool claimed = false;  // allocated to the store that claimed it (not directly)
};

struct OrderModel {
  std::map<std::uint32_t, RoundModel> rounds;
  std::map<std::uint32_t, LineModel> lines;
  std::map<std::string, int> releases;  // AllocationReleased per site
  std::string claimant;                 // the site of an OfferClaimed whose lines come next
};

class LogModel {
 public:
  /// Folds the events committed since the last call; the first law an event breaks, as text.
  std::optional<std::string> catch_up(const eventstore::EventStore& store);
  /// Laws that hold between events of one append: one live reservation per order line, at the
  /// site the line is allocated to; what a site holds and reserves within what it has.
  std::optional<std::string> check_stock() const;
  /// Laws of a quiet system (no round open): no hold left, every allocated line reserved once.
  std::optional<std::string> check_quiet() const;

  const RoundModel* round(const std::string& order_id, std::uint32_t round) const;
  const OrderModel* order(const std::string& order_id) const;
  const std::map<std::string, OrderModel>& orders() const { return orders_; }
  std::uint64_t position() const { return position_; }
  std::uint64_t digest() const { return digest_; }
  std::size_t open_rounds() const;

 private:
  struct Reservation {
    std::string order_id;
    std::uint32_t line = 0;
    std::int64_t quantity = 0;
    bool held = true;
  };
  struct StockModel {
    std::int64_t on_hand = 0;
    std::map<std::string, Reservation> reservations;  // by reservation id
  };
  std::optional<std::string> fold(const eventstore::RecordedEvent& e);
  std::optional<std::string> fold_order(const std::string& order_id,
                                        const domain::order::Event& event);
  static void fold_lines(OrderModel& o, const domain::order::Event& event);
  std::optional<std::string> fold_stock(const std::string& site, const std::string& sku,
                                        const domain::stock::Event& event);

  std::map<std::string, OrderModel> orders_;
  std::map<std::pair<std::string, std::string>, StockModel> stock_;  // by (site, sku)
  std::uint64_t position_ = 0;
  std::uint64_t digest_ = 1469598103934665603ull;
};

}  // namespace ordo::sim
