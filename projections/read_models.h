// What the read side answers, typed: the values of the query models, owning their bytes. Callers
// (the gateway, the relay, the tools) render these; none of them sees a column family, a key layout
// or a stored value, which belong to projections/ alone.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/brand.h"
#include "domain/catalog.h"
#include "domain/channel.h"
#include "domain/order.h"
#include "domain/site.h"
#include "eventstore/codec/codec.h"
#include "eventstore/types.h"

namespace ordo::projections {

/// What a channel may sell of a SKU: now (from stock on hand) and later (from expected receipts
/// within its horizon); total is 0 below the channel's minimum display.
struct SellableFigure {
  std::int64_t total = 0;
  std::int64_t now = 0;
  std::int64_t future = 0;
  friend bool operator==(const SellableFigure&, const SellableFigure&) = default;
};

/// Sites an order view keeps from its latest sourcing decision (the timeline has them all).
inline constexpr std::size_t kConsideredInView = 10;

/// An order as customer service sees it: its state (the sourcing explanation cut to the
/// best-ranked sites) and where its events, and its stock's, are in the log.
struct OrderView {
  domain::order::State order;
  std::uint32_t considered_total = 0;   // sites the latest sourcing decision considered
  std::vector<std::uint64_t> timeline;  // log positions, in log order
};

/// One event of an order's timeline, as read from the log.
struct TimelineEntry {
  std::uint64_t position = 0;
  std::int64_t recorded_at_us = 0;
  std::string type;
  std::string stream;
  eventstore::Actor actor;
  wire::DomainEvent event;
};

/// The fields customer service searches orders by (each an index of the order_index projection),
/// the most selective first: a search scans the index of the first it is given.
inline constexpr const char* kSearchFields[] = {"customer", "email",  "site",
                                                "channel",  "status", "queue"};

struct OrderSearch {
  /// (field, value) pairs, all of which an order must match; the first picks the index scanned
  /// (none: every order by date).
  std::vector<std::pair<std::string, std::string>> filters;
  domain::Instant from = 0;                                          // placed at or after
  domain::Instant to = std::numeric_limits<domain::Instant>::max();  // placed at or before
  std::size_t limit = 50;
  std::string after;  // the cursor of the previous page, as that page gave it; empty: the first
};

struct OrderPage {
  std::vector<OrderView> orders;  // oldest first; without their timelines
  std::string next_cursor;        // opaque; empty on the last page
};

/// A page request over master data (sites, items, brands, channels), in id order.
struct MasterQuery {
  /// (field, value) pairs a record must all match; the fields each list accepts are in
  /// kSiteFilters, kItemFilters and kChannelFilters.
  std::vector<std::pair<std::string, std::string>> filters;
  std::string after;  // the last id of the previous page; empty: the first page
  std::size_t limit = 50;
};
/// Site filters: country, type, status, region, brand (carried), capability (ship_from_store,
/// click_and_collect, returns, ship_to_store).
inline constexpr const char* kSiteFilters[] = {"country", "type",  "status",
                                               "region",  "brand", "capability"};
/// Item filters: brand, category (a prefix: "shoes/" matches "shoes/running"), channel (priced on).
inline constexpr const char* kItemFilters[] = {"brand", "category", "channel"};
/// Channel filters: country (sold to), brand, currency.
inline constexpr const char* kChannelFilters[] = {"country", "brand", "currency"};

template <class Record>
struct MasterPage {
  std::vector<Record> records;  // in id order
  std::string next_cursor;      // the `after` of the next page; empty on the last
};
struct SiteRecord {
  std::string site_id;
  domain::site::Profile profile;
  std::uint64_t version = 0;  // events in the site's stream
};
struct ItemRecord {
  domain::catalog::Item item;
  std::uint64_t version = 0;
};
struct BrandRecord {
  domain::brand::Brand brand;
  std::uint64_t version = 0;
};
struct ChannelRecord {
  domain::channel::Channel channel;
  std::uint64_t version = 0;
};

/// The stock of a SKU at a site.
struct SiteStockView {
  struct Receipt {
    std::string receipt_id;
    std::int64_t quantity = 0;
    domain::Instant expected_at = 0;
  };
  std::string site_id;
  std::string sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  std::vector<Receipt> expected_receipts;  // by receipt id
};

/// One fulfilment of a promised order: its delivery, or for click and collect, ready in store.
struct AccuracyEntry {
  std::string order_id;
  std::string option_id;
  std::string carrier;  // "collect" for click and collect
  std::string site;     // the site that fulfilled it
  std::string promised_site;
  domain::order::DeliveryMethod method = domain::order::DeliveryMethod::home_standard;
  domain::Instant promised_at = 0;
  domain::Instant fulfilled_at = 0;
  bool kept = false;
  std::string channel;  // the order's; empty in entries recorded before it was kept
};

/// A line its site still holds: allocated, in preparation, prepared or waiting for pickup.
bool is_held(domain::order::LineStatus status);

}  // namespace ordo::projections
