// The `inventory_views` configuration area: for each sales channel, which stock it may sell.
// A plain document; `validate` lists every problem with a JSON pointer to it.
#pragma once

#include <string>
#include <vector>

#include "domain/site.h"
#include "domain/types.h"

namespace ordo::domain {

/// Which sites a rule applies to: a site matches when it passes every non-empty list.
struct SiteSelector {
  std::vector<std::string> site_ids;
  std::vector<site::SiteType> types;
  std::vector<std::string> countries;
  std::vector<std::string> regions;
  friend bool operator==(const SiteSelector&, const SiteSelector&) = default;
};

/// Units kept back at each matching site for a SKU that matches (by category prefix, or any).
struct SafetyStockRule {
  SiteSelector sites;
  std::string category_prefix;  // "" matches every category
  std::int64_t quantity = 0;
  friend bool operator==(const SafetyStockRule&, const SafetyStockRule&) = default;
};

/// Stock set aside at matching sites for some channels only (a VIP segment's reserve, stock
/// dedicated to a marketplace): hidden from every channel not in `for_channels`.
struct Exclusion {
  std::string name;
  SiteSelector sites;
  std::vector<std::string> skus;  // empty: every SKU
  std::string category_prefix;    // "" matches every category
  std::int64_t quantity = 0;      // per site and SKU
  std::vector<std::string> for_channels;
  friend bool operator==(const Exclusion&, const Exclusion&) = default;
};

struct ChannelView {
  std::string channel;               // e.g. "web", "marketplace", "stores"
  SiteSelector sites;                // which sites' stock counts for this channel
  std::int32_t share_percent = 100;  // share of each site's available stock shown, 0..100
  std::vector<SafetyStockRule> safety_stock;
  std::int32_t future_horizon_days = 0;  // expected receipts within this horizon count; 0: none
  std::int64_t minimum_display = 0;      // below this total, show 0
  friend bool operator==(const ChannelView&, const ChannelView&) = default;
};

struct InventoryViews {
  std::vector<ChannelView> channels;
  std::vector<Exclusion> exclusions;
  friend bool operator==(const InventoryViews&, const InventoryViews&) = default;

  const ChannelView* find(std::string_view channel) const;
};

/// One problem in a configuration document.
struct ConfigError {
  std::string pointer;  // RFC 6901 JSON pointer, e.g. "/channels/1/share_percent"
  std::string message;
  friend bool operator==(const ConfigError&, const ConfigError&) = default;
};

/// Every problem of `views` (empty when valid): channel ids non-empty and unique, shares 0..100,
/// non-negative quantities and horizons (horizon at most 365 days), country codes, exclusions
/// naming known channels.
std::vector<ConfigError> validate(const InventoryViews& views);

/// The problems of one site selector at `pointer`: empty ids or regions, unknown site types, bad
/// country codes.
void validate_site_selector(const SiteSelector& selector, const std::string& pointer,
                            std::vector<ConfigError>& errors);

/// True when `site` (with its id) matches `selector`.
bool matches(const SiteSelector& selector, std::string_view site_id, const site::Profile& site);

}  // namespace ordo::domain
