// The law of the sellable projection: figures kept by difference, site by site, always equal
// domain::sellable::compute over the whole network, whatever arrives (stock movements,
// reservations, expected receipts, new items, sites, channel views with shares, safety stock,
// exclusions, horizons and minimum displays, channels added and removed).
#include "projections/internal/sellable_model.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "domain/sellable.h"

namespace ordo::projections::internal {
namespace {

namespace stock = domain::stock;
using domain::site::SiteType;
constexpr domain::Instant kAt = 1'795'000'000'000'000;
const std::vector<std::string> kSites = {"WH-1", "ST-1", "ST-2"};
const std::vector<std::string> kSkus = {"SHOE", "CAP", "BAG"};

domain::InventoryViews random_views() {
  domain::InventoryViews views;
  const std::vector<std::string> names = {"web", "marketplace", "stores"};
  for (const auto& name : names) {
    if (*rc::gen::inRange(0, 4) == 0) continue;  // a channel left out (or removed)
    domain::ChannelView view;
    view.channel = name;
    if (*rc::gen::arbitrary<bool>())
      view.sites.types = {*rc::gen::element(SiteType::store, SiteType::warehouse)};
    view.share_percent = *rc::gen::inRange(0, 101);
    view.future_horizon_days = *rc::gen::inRange(0, 20);
    view.minimum_display = *rc::gen::inRange(0, 5);
    if (*rc::gen::arbitrary<bool>()) {
      view.safety_stock.push_back(
          {{}, *rc::gen::element<std::string>("", "shoes", "bags"), *rc::gen::inRange(0, 4)});
    }
    views.channels.push_back(std::move(view));
  }
  if (!views.channels.empty() && *rc::gen::arbitrary<bool>()) {
    views.exclusions.push_back(
        {"reserve", {}, {}, "", *rc::gen::inRange(0, 3), {views.channels.front().channel}});
  }
  return views;
}

struct World {
  engine::EngineState state;
  SellableModel model;
  std::uint64_t config_version = 0;
  std::map<std::string, std::uint64_t> versions;
  domain::Instant at = kAt;
  std::map<std::string, domain::Instant> changed_at;  // per SKU: a figure is computed as of then
  bool saw_future = false;                            // what the case exercised, for RC_CLASSIFY
  bool saw_shown = false;

  void changed_all() {
    for (const auto& sku : kSkus) changed_at[sku] = at;
  }

  template <class Event>
  void apply(const std::string& stream, Event event) {
    const auto version = ++versions[stream];
    RC_ASSERT(state.apply(stream, wire::DomainEvent{std::move(event)}, version).has_value());
  }
  void configure() {
    apply("config-inventory_views",
          domain::configuration::Event{domain::configuration::ConfigurationChanged{
              random_views(), "test", "test", ++config_version, at}});
    model.reset(state, at);
    changed_all();
  }
  void add_site(const std::string& id) {
    domain::site::Profile p;
    p.name = id;
    p.type = id.starts_with("WH") ? SiteType::warehouse : SiteType::store;
    p.country = "FR";
    apply("site-" + id, domain::site::Event{domain::site::SiteRegistered{id, p}});
    model.reset(state, at);
    changed_all();
  }
  void add_item(const std::string& sku) {
    domain::catalog::Item item{
        sku,  sku, sku == "SHOE" ? "shoes/running" : "bags", "", 100, 100, {100, "EUR"}, false,
        true, {}};
    apply("item-" + sku, domain::catalog::Event{domain::catalog::ItemDefined{item}});
    model.item_changed(state, sku, at);
    changed_at[sku] = at;
  }
  void move(const std::string& site, const std::string& sku, const stock::Command& command) {
    const auto* current = state.stock(site, sku);
    auto decided = stock::decide(command, current != nullptr ? *current : stock::State{});
    if (!decided) return;
    for (const auto& e : *decided) apply("stock-" + site + ":" + sku, stock::Event{e});
    model.stock_changed(state, site, sku, at);
    changed_at[sku] = at;
  }

  // The law: after settling, every figure is what compute gives over every site, at the time of
  // the last event that changed its SKU.
  void check() {
    model.settle(state);
    for (const auto& sku : kSkus) {
      const auto* item = state.item(sku);
      std::vector<domain::sellable::SiteStock> stocks;
      for (const auto& h : state.holdings(sku)) {
        if (h.site != nullptr) stocks.push_back({h.site_id, h.site, h.stock});
      }
      for (const char* channel : {"web", "marketplace", "stores"}) {
        const auto figure = model.figure(channel, sku);
        const bool configured = state.inventory_views().find(channel) != nullptr;
        RC_ASSERT(figure.has_value() == (configured && item != nullptr));
        if (!figure) continue;
        const auto expected = domain::sellable::compute(state.inventory_views(), channel,
                                                        item->item, stocks, changed_at[sku]);
        saw_future = saw_future || expected.future > 0;
        saw_shown = saw_shown || expected.total > 0;
        RC_ASSERT(figure->now == expected.now);
        RC_ASSERT(figure->future == expected.future);
        RC_ASSERT(figure->total == expected.total);
      }
    }
  }
};

RC_GTEST_PROP(SellableModel, FiguresKeptByDifferenceEqualTheWholeComputation, ()) {
  World w;
  w.configure();
  for (const auto& site : kSites) w.add_site(site);
  w.add_item("SHOE");
  w.add_item("CAP");
  for (const auto& site : kSites) {
    for (const auto& sku : {"SHOE", "CAP"})
      w.move(site, sku,
             stock::ReceiveStock{*rc::gen::inRange<std::int64_t>(0, 30), "initial", w.at});
  }
  const int steps = *rc::gen::inRange(1, 60);
  int receipts = 0;
  for (int i = 0; i < steps; ++i) {
    const auto& site = *rc::gen::elementOf(kSites);
    const auto& sku = *rc::gen::elementOf(kSkus);
    w.at += *rc::gen::inRange<domain::Instant>(0, 3 * domain::kMicrosPerDay);
    const auto quantity = *rc::gen::inRange<std::int64_t>(1, 9);
    switch (*rc::gen::inRange(0, 10)) {
      case 0:
        w.configure();
        break;
      case 1:
        w.add_item("BAG");
        break;
      case 2:
        w.move(site, sku, stock::AdjustStock{-quantity, "broken", w.at});
        break;
      case 3:
        w.move(site, sku, stock::CountStock{quantity, "pos", w.at});
        break;
      case 4:
        w.move(
            site, sku,
            stock::ReserveStock{"O" + std::to_string(i) + "/1",
                                "O" + std::to_string(i),
                                1,
                                quantity,
                                w.at,
                                *rc::gen::element<std::string>("web", "marketplace", "stores", ""),
                                {}});
        break;
      case 5:
        w.move(site, sku,
               stock::ExpectReceipt{"PO-" + std::to_string(++receipts), quantity,
                                    w.at + *rc::gen::inRange<domain::Instant>(
                                               -domain::kMicrosPerDay, 25 * domain::kMicrosPerDay),
                                    w.at});
        break;
      case 6:
        w.move(
            site, sku,
            stock::ConfirmReceipt{"PO-" + std::to_string(std::max(receipts, 1)), quantity, w.at});
        break;
      case 7:
        w.move(site, sku,
               stock::CancelReceipt{"PO-" + std::to_string(std::max(receipts, 1)), w.at});
        break;
      default:
        w.move(site, sku, stock::ReceiveStock{quantity, "po", w.at});
        break;
    }
    if (*rc::gen::inRange(0, 3) == 0) w.check();  // settle between some steps, not all
  }
  w.check();
  RC_CLASSIFY(w.saw_future, "units due on receipts");
  RC_CLASSIFY(w.saw_shown, "a figure above zero");
}

}  // namespace
}  // namespace ordo::projections::internal
