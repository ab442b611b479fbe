// The `orchestration` configuration area and the sourcing rules engine: which sites may serve an
// order, in which order of preference, whether it may be split, and whether it is allocated
// directly or offered to several stores at once (a competitive round, first valid claim wins).
//
// Pure: the caller passes the order, the sites with their stock and capacity, the sites already
// tried, the time and the delivery address's coordinates; the same inputs give the same plan. The
// plan records every site considered and why each was kept or dropped, for the order's timeline.
#pragma once

#include <optional>
#include <set>

#include "domain/geo.h"
#include "domain/inventory_views.h"
#include "domain/order.h"

namespace ordo::domain::orchestration {

/// Ranking keys, applied in the order configured; the site id breaks the last tie.
enum class Criterion : std::uint8_t {
  priority,       // the site group's priority, lower first
  distance,       // from the delivery address, nearer first (unknown: last)
  shipping_cost,  // rate card or base + per km, cheaper first
  capacity,       // preparations left today, more first
  stock_depth,    // smallest (sellable - ordered) over the lines, more first
};
std::string_view to_string(Criterion criterion);

enum class SplitPolicy : std::uint8_t {
  never,               // one site serves every line, or the order is not sourced
  minimize_shipments,  // one site when one can; otherwise the fewest sites
  above_value,         // like minimize_shipments from `split_min_value_minor` up, else never
};
std::string_view to_string(SplitPolicy policy);

enum class AllocationMode : std::uint8_t { direct, competitive };
std::string_view to_string(AllocationMode mode);

/// Preference and cost of the sites it selects; a site takes the first group it matches.
struct SiteGroup {
  std::string name;
  SiteSelector sites;
  std::int32_t priority = 100;
  std::int32_t lead_time_hours = 0;    // preparation and hand-over to the carrier
  std::int64_t cost_base_minor = 0;    // per shipment
  std::int64_t cost_per_km_minor = 0;  // times the distance to the delivery address
  friend bool operator==(const SiteGroup&, const SiteGroup&) = default;
};

/// A shipping rate card entry: the cost of one shipment from matching sites to matching
/// destinations, taking precedence over the group's base and per-km cost (first match wins).
struct Rate {
  SiteSelector from;
  std::string to_country;          // "" any
  std::string to_postcode_prefix;  // "" any
  std::int64_t cost_minor = 0;
  friend bool operator==(const Rate&, const Rate&) = default;
};

struct Strategy {
  std::string name;
  // Filters: a site must pass every one to be a candidate.
  std::vector<site::SiteType> site_types;  // empty: any type that can ship or collect
  std::vector<std::string> countries;      // sites in these countries; empty: any
  bool same_country = false;               // sites in the delivery country only
  std::vector<std::string> excluded_sites;
  std::vector<std::string> excluded_regions;
  bool require_capacity = true;          // a full day's preparations drops the site
  std::int32_t max_distance_km = 0;      // 0: no limit
  std::int32_t max_lead_time_hours = 0;  // 0: no limit (until promises are computed)
  // Ranking.
  std::vector<Criterion> ranking;  // empty: priority, then stock depth
  std::vector<SiteGroup> groups;
  std::vector<Rate> rates;
  // Splitting.
  SplitPolicy split = SplitPolicy::minimize_shipments;
  std::int64_t split_min_value_minor = 0;
  // Allocation.
  AllocationMode mode = AllocationMode::direct;
  std::vector<site::SiteType> competitive_types{site::SiteType::store};  // who competes
  std::int32_t round_size = 3;                                           // stores offered per round
  std::int32_t round_timeout_ms = 120'000;  // a round's deadline after it opens
  std::int32_t max_rounds = 3;
  bool fallback_direct = true;  // after the last round: allocate directly (e.g. to a warehouse),
                                // else queue the order for customer service
  friend bool operator==(const Strategy&, const Strategy&) = default;
};

/// Which strategy applies: the first selector matching the order's channel, delivery country and
/// date (month and day, inclusive, may wrap the year end; 0 and 0: all year).
struct Selector {
  std::vector<std::string> channels;   // empty: any
  std::vector<std::string> countries;  // empty: any
  std::uint16_t from_month_day = 0;    // MMDD, e.g. 1115
  std::uint16_t to_month_day = 0;      // MMDD, e.g. 0105
  std::string strategy;
  friend bool operator==(const Selector&, const Selector&) = default;
};

struct Rules {
  std::vector<Strategy> strategies;
  std::vector<Selector> selectors;
  std::string default_strategy;
  friend bool operator==(const Rules&, const Rules&) = default;

  const Strategy* find(std::string_view name) const;
  /// The strategy for an order; nullptr when neither a selector nor the default names one.
  const Strategy* select(std::string_view channel, std::string_view country, Instant at) const;
};

/// Every problem of `rules` (empty when valid), each with its JSON pointer.
std::vector<ConfigError> validate(const Rules& rules);

/// What Ordo does before the area is configured: direct allocation, warehouses first, then the
/// site with the most stock to spare, one shipment when possible.
const Rules& default_rules();

/// A receipt expected at a site within the channel's horizon, as sourcing may pre-order it.
struct Incoming {
  std::size_t demand = 0;  // the Request::demand entry (SKU) it brings
  std::string receipt_id;
  std::int64_t quantity = 0;  // units the channel may still pre-order on it
  Instant expected_at = 0;
};

/// One site as sourcing sees it.
struct SiteFacts {
  std::string site_id;
  const site::Profile* profile = nullptr;
  std::vector<std::int64_t> available;  // sellable to the channel now, per Request::demand entry
  std::int64_t capacity_left = 0;       // preparations it can still take today
  std::vector<Incoming> incoming;       // receipts the channel may pre-order, earliest first
};

struct Request {
  std::string order_id;
  std::string channel;
  order::DeliveryMethod method = order::DeliveryMethod::home_standard;
  Address delivery;
  std::optional<geo::Point> destination;  // the delivery postcode's centroid, when known
  std::vector<order::OrderLine> lines;
  std::vector<std::pair<std::string, std::int64_t>> demand;  // per SKU, summed over the lines
  std::int64_t order_value_minor = 0;
  std::set<std::string> tried;  // sites already offered, declined, expired or released
  std::uint32_t round = 1;      // the round a competitive plan would open
  Instant at = 0;
  std::string promised_site;    // the site of the delivery promise chosen at checkout, if any:
                                // allocated directly when it passes the filters and has every line
  std::uint32_t next_line = 0;  // the first line number the order does not use (for splits)
};

/// Sums the lines per SKU, in order of first appearance.
std::vector<std::pair<std::string, std::int64_t>> demand_of(
    const std::vector<order::OrderLine>& lines);

/// One site and what sourcing made of it.
using Considered = order::SiteVerdict;

struct Plan {
  enum class Kind : std::uint8_t { direct, round, none };
  Kind kind = Kind::none;
  std::string strategy;
  std::vector<order::LineSplit> splits;        // direct: lines split before being allocated
  std::vector<order::Allocation> allocations;  // direct
  std::vector<order::PreOrder> pre_orders;     // direct: lines waiting for a receipt
  std::vector<std::string> offered;            // round: the stores, best first
  Instant deadline = 0;                        // round
  std::string reason;                          // none: why no site was chosen
  std::vector<Considered> considered;
};

/// Sources one order. When no site can serve the order whole now, the strategy's split policy
/// decides: minimize_shipments (above_value from its value) splits by SKU across sites, then, for
/// a SKU no site has enough of, splits its lines by quantity across sites and onto receipts
/// expected within the channel's horizon (pre-orders), earliest first; never keeps one site, which
/// may serve a SKU from a single receipt. Rounds past the strategy's last one allocate directly
/// (fallback_direct) or give none; a strategy missing from the rules gives none.
Plan plan(const Rules& rules, const Request& request, const std::vector<SiteFacts>& sites);

/// The rules' strategy for the request (select), or nullptr.
const Strategy* strategy_for(const Rules& rules, const Request& request);

}  // namespace ordo::domain::orchestration
