// Builders for inventory_views documents in tests, so that a document reads like its description:
//
//   Channel("marketplace").sites(Sites().types({SiteType::warehouse})).share(80)
//
// g++ 12 warns (-Wmissing-field-initializers, an error here) on a designated initializer that
// leaves out a member, which is how a test wants to write "every other field at its default".
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "domain/inventory_views.h"

namespace ordo::domain {

/// How googletest shows a problem in a failed expectation (found by argument-dependent lookup).
inline void PrintTo(const ConfigError& error, std::ostream* out) {
  *out << error.pointer << ": " << error.message;
}

}  // namespace ordo::domain

namespace ordo::domain::testing {

class Sites {
 public:
  Sites& ids(std::vector<std::string> values) { return set(selector_.site_ids, values); }
  Sites& types(std::vector<site::SiteType> values) { return set(selector_.types, values); }
  Sites& countries(std::vector<std::string> values) { return set(selector_.countries, values); }
  Sites& regions(std::vector<std::string> values) { return set(selector_.regions, values); }
  operator SiteSelector() const { return selector_; }  // NOLINT: implicit by design

 private:
  template <class T>
  Sites& set(std::vector<T>& field, std::vector<T>& values) {
    field = std::move(values);
    return *this;
  }
  SiteSelector selector_;
};

class Channel {
 public:
  explicit Channel(std::string id) { view_.channel = std::move(id); }
  Channel& sites(SiteSelector selector) {
    view_.sites = std::move(selector);
    return *this;
  }
  Channel& share(std::int32_t percent) {
    view_.share_percent = percent;
    return *this;
  }
  Channel& safety(SiteSelector selector, std::string category_prefix, std::int64_t quantity) {
    SafetyStockRule rule;
    rule.sites = std::move(selector);
    rule.category_prefix = std::move(category_prefix);
    rule.quantity = quantity;
    view_.safety_stock.push_back(std::move(rule));
    return *this;
  }
  Channel& horizon_days(std::int32_t days) {
    view_.future_horizon_days = days;
    return *this;
  }
  Channel& minimum_display(std::int64_t quantity) {
    view_.minimum_display = quantity;
    return *this;
  }
  operator ChannelView() const { return view_; }  // NOLINT: implicit by design

 private:
  ChannelView view_;
};

class Exclude {
 public:
  Exclude(std::string name, std::int64_t quantity) {
    exclusion_.name = std::move(name);
    exclusion_.quantity = quantity;
  }
  Exclude& sites(SiteSelector selector) {
    exclusion_.sites = std::move(selector);
    return *this;
  }
  Exclude& skus(std::vector<std::string> skus) {
    exclusion_.skus = std::move(skus);
    return *this;
  }
  Exclude& category(std::string prefix) {
    exclusion_.category_prefix = std::move(prefix);
    return *this;
  }
  Exclude& for_channels(std::vector<std::string> channels) {
    exclusion_.for_channels = std::move(channels);
    return *this;
  }
  operator Exclusion() const { return exclusion_; }  // NOLINT: implicit by design

 private:
  Exclusion exclusion_;
};

inline InventoryViews views(std::vector<ChannelView> channels,
                            std::vector<Exclusion> exclusions = {}) {
  InventoryViews document;
  document.channels = std::move(channels);
  document.exclusions = std::move(exclusions);
  return document;
}

/// A French retailer's document: the web shop sells 100% of French stores and warehouses with
/// receipts up to 14 days out; the marketplace 80% of the warehouses, 2 pairs of shoes kept back
/// and nothing shown below 2; VIP clients see a unit per store nobody else sees, and 20 pairs of
/// one sneaker in Lyon are the marketplace's alone.
inline InventoryViews retailer_views() {
  using site::SiteType;
  return views(
      {Channel("web")
           .sites(Sites().types({SiteType::store, SiteType::warehouse}).countries({"FR"}))
           .share(100)
           .horizon_days(14),
       Channel("marketplace")
           .sites(Sites().types({SiteType::warehouse}))
           .share(80)
           .safety(Sites(), "shoes", 2)
           .minimum_display(2),
       Channel("vip").sites(Sites().types({SiteType::store}).countries({"FR"}))},
      {Exclude("vip-reserve", 1).sites(Sites().types({SiteType::store})).for_channels({"vip"}),
       Exclude("marketplace-dedicated", 20)
           .sites(Sites().ids({"WH-LYON"}))
           .skus({"SNK-42-BLK"})
           .for_channels({"marketplace"})});
}

}  // namespace ordo::domain::testing
