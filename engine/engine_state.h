// EngineState: every aggregate's current state, folded from the log in memory. The command
// pipeline decides against it; the projections read it. Not thread-safe: one owner thread.
//
// Stream names: "site-<site>", "item-<sku>", "stock-<site>:<sku>", "order-<order>",
// "config-<area>". Site ids, SKUs and order ids are 1..64 characters of [A-Za-z0-9._-], so the
// names cannot be ambiguous.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/id.h"
#include "domain/calendar.h"
#include "domain/catalog.h"
#include "domain/configuration.h"
#include "domain/order.h"
#include "domain/site.h"
#include "domain/stock.h"
#include "eventstore/codec/codec.h"

namespace ordo::engine {

std::string site_stream(std::string_view site_id);
std::string item_stream(std::string_view sku);
std::string stock_stream(std::string_view site_id, std::string_view sku);
std::string order_stream(std::string_view order_id);
std::string config_stream(std::string_view area);
/// A stock reservation names the order line it holds stock for: "<order_id>/<line>".
std::string reservation_id(std::string_view order_id, std::uint32_t line);

struct StockKey {
  std::string site_id;
  std::string sku;
  friend bool operator==(const StockKey&, const StockKey&) = default;
};
struct StockKeyHash {
  std::size_t operator()(const StockKey& k) const {
    return std::hash<std::string>()(k.site_id) * 31 ^ std::hash<std::string>()(k.sku);
  }
};

/// The state behind `state`, or a never-created one: a reference, never a copy (aggregate states
/// hold every open reservation and are decided on for every command).
template <class State>
const State& or_empty(const State* state) {
  static const State kEmpty{};
  return state != nullptr ? *state : kEmpty;
}

class EngineState {
 public:
  /// Applies one decoded event of `stream`. Events of unknown streams are ignored (they belong to
  /// other parts of Ordo, e.g. security); returns false for a stream name it cannot parse.
  bool apply(std::string_view stream, const wire::DomainEvent& event);

  /// Current version of a stream as folded so far (the pipeline's expected version).
  std::uint64_t version(const std::string& stream) const;
  void set_version(const std::string& stream, std::uint64_t version) { versions_[stream] = version; }

  const domain::site::State* site(std::string_view site_id) const;
  const domain::catalog::State* item(std::string_view sku) const;
  const domain::stock::State* stock(std::string_view site_id, std::string_view sku) const;
  const domain::order::State* order(std::string_view order_id) const;
  const domain::InventoryViews& inventory_views() const { return inventory_views_; }
  /// The state of one configuration area (never configured: version 0).
  const domain::configuration::State& configuration(std::string_view area) const;
  /// The orchestration rules in force: the area's document, or the built-in default rules.
  const domain::orchestration::Rules& orchestration() const;
  std::uint64_t orchestration_version() const { return configuration("orchestration").version; }

  /// Orders a site prepares on its local day `day` (days since the epoch), counted when allocated:
  /// on the day its delivery promise took, or else the day it was given the order.
  std::int64_t preparations(std::string_view site_id, std::int64_t day) const;
  /// The site's calendar day at `at`, in its time zone (UTC when unknown).
  std::int64_t local_day(std::string_view site_id, domain::Instant at) const;
  /// Open competitive rounds by deadline: (deadline, order id).
  const std::set<std::pair<domain::Instant, std::string>>& round_deadlines() const { return deadlines_; }

  /// Sites that have (or had) stock of `sku`, in the order they first appeared.
  const std::vector<std::string>& sites_with(std::string_view sku) const;
  const std::unordered_map<std::string, domain::site::State>& sites() const { return sites_; }
  const std::unordered_map<std::string, domain::catalog::State>& items() const { return items_; }

 private:
  std::unordered_map<std::string, domain::site::State> sites_;
  std::unordered_map<std::string, domain::catalog::State> items_;
  std::unordered_map<StockKey, domain::stock::State, StockKeyHash> stock_;
  std::unordered_map<std::string, std::vector<std::string>> sites_by_sku_;
  std::unordered_map<std::string, domain::order::State> orders_;
  std::unordered_map<std::string, domain::configuration::State> configurations_;
  domain::InventoryViews inventory_views_;
  // Orders per site and local day; looked up without building a key (promises ask it per site
  // and day on every call).
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>()(text); }
  };
  std::unordered_map<std::string, std::map<std::int64_t, std::int64_t>, TextHash, std::equal_to<>> site_day_load_;
  std::unordered_map<std::string, domain::calendar::TimeZone, TextHash, std::equal_to<>> site_zones_;  // known zones only
  std::unordered_map<std::string, domain::Instant> decision_time_;  // by order, while allocating
  std::set<std::pair<domain::Instant, std::string>> deadlines_;
  void track_order(const std::string& order_id, std::optional<domain::Instant> deadline_before,
                   const domain::order::Event& event, const domain::order::State& after);
  std::unordered_map<std::string, std::uint64_t> versions_;
};

}  // namespace ordo::engine
