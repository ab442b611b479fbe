// The sellable stock engine: how many units of a SKU a channel may sell, and why.
// Pure: the caller passes the configuration, the item and the stock of every site.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain/catalog.h"
#include "domain/inventory_views.h"
#include "domain/site.h"
#include "domain/stock.h"

namespace ordo::domain::sellable {

/// One site's stock of the SKU, as the engine needs it. Borrows everything: the id, profile and
/// stock must outlive the call.
struct SiteStock {
  std::string_view site_id;
  const site::Profile* site = nullptr;
  const stock::State* stock = nullptr;
};

/// What one site contributes to a channel, step by step.
struct SiteContribution {
  std::string site_id;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;   // reservations and holds, every channel's
  std::int64_t safety = 0;     // safety stock kept back
  std::int64_t excluded = 0;   // set aside for other channels
  std::int64_t available = 0;  // max(0, on_hand - reserved - safety - excluded)
  std::int64_t shared = 0;     // min(available, max(0, share_cap - taken))
  bool closed = false;         // the site is not open (domain/site.h): nothing available
  std::int64_t held = 0;       // of the reserved, held for competitive rounds
  // A channel's share is of the site's stock (on hand - safety - excluded), less what its own
  // orders already took there: a channel shown 80 of 100 can take 80, not 80% of whatever is
  // left after each of its orders.
  std::int64_t share_cap = 0;  // floor(that stock x share_percent / 100)
  std::int64_t taken = 0;      // reserved or held here by the channel's orders
  friend bool operator==(const SiteContribution&, const SiteContribution&) = default;
};

/// An expected receipt that counts because it arrives within the channel's horizon.
struct FutureContribution {
  std::string site_id;
  std::string receipt_id;
  std::int64_t quantity = 0;  // after the channel's share
  Instant expected_at = 0;
  friend bool operator==(const FutureContribution&, const FutureContribution&) = default;
};

struct Result {
  std::string channel;
  std::string sku;
  bool known_channel = false;
  std::int64_t now = 0;     // units sellable from stock on hand
  std::int64_t future = 0;  // units sellable from receipts within the horizon
  std::int64_t total = 0;   // now + future, or 0 below the minimum display
  bool below_minimum_display = false;
  std::vector<SiteContribution> sites;  // sites that count for the channel, in input order
  std::vector<FutureContribution> receipts;
  std::int32_t share_percent = 100;  // the channel's share, as configured
  friend bool operator==(const Result&, const Result&) = default;
};

/// Sellable stock of `item` for `channel` at `now`. Sites not selected by the channel's view do
/// not appear. An unknown channel sells nothing (known_channel == false). Never negative.
Result compute(const InventoryViews& views, std::string_view channel, const catalog::Item& item,
               std::span<const SiteStock> stocks, Instant now);

/// What `channel` may sell of `item` from one site now (its `shared` units), without building a
/// Result: 0 for an unknown channel or a site the channel's view does not select. For sourcing,
/// which asks this for every candidate site of every line.
std::int64_t sellable_at_site(const InventoryViews& views, std::string_view channel,
                              const catalog::Item& item, const SiteStock& stock);

/// What `channel` may sell from one site's receipts due in (now, now + horizon], after the
/// channel's share: 0 for an unknown channel, a site the view does not select, or no horizon.
/// With sellable_at_site, what a projection keeps per site to update figures by difference.
std::int64_t future_at_site(const InventoryViews& views, std::string_view channel,
                            const SiteStock& stock, Instant now);

/// The receipts of one site `channel` may pre-order from now, earliest first, each with the units
/// it may still take of it (as in Result::receipts).
std::vector<FutureContribution> receipts_at_site(const InventoryViews& views,
                                                 std::string_view channel, const SiteStock& stock,
                                                 Instant now);

/// The total a channel shows for `now` and `future` units (each the saturated sum over sites):
/// their saturated sum, or 0 below the channel's minimum display.
std::int64_t shown_total(const ChannelView& view, std::int64_t now, std::int64_t future);

/// The explanation as short sentences, e.g. "site PAR-01: 12 on hand - 2 reserved - 1 safety = 9,
/// 80% shared = 7".
std::vector<std::string> explain(const Result& result);

}  // namespace ordo::domain::sellable
