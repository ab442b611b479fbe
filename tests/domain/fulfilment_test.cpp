// The order process (domain/fulfilment.h) against facts held in memory: what placing an order and
// acting on it mean for the order and for stock, decided as one.
#include "domain/fulfilment.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

namespace ordo::domain::fulfilment {
namespace {

using Code = Rejection::Code;
using site::SiteType;
constexpr Instant kAt = 1'795'000'000'000'000;

site::Profile profile(SiteType type, std::string postcode, double latitude, double longitude) {
  site::Profile p;
  p.name = "site " + postcode;
  p.type = type;
  p.country = "FR";
  p.postcode = std::move(postcode);
  p.latitude = latitude;
  p.longitude = longitude;
  p.time_zone = "Europe/Paris";
  p.daily_capacity = 100;
  p.capabilities = {true, type == SiteType::store, true};
  return p;
}

// A warehouse in Lyon and a store in Paris; shoes and caps; a web channel selling every site.
// Stock: Lyon 10 shoes and 5 caps, Paris 2 shoes.
class Retailer final : public Facts {
 public:
  Retailer() {
    sites_["WH-LYON"] = profile(SiteType::warehouse, "69003", 45.75, 4.85);
    sites_["FR-PARIS"] = profile(SiteType::store, "75011", 48.86, 2.38);
    items_["SHOE"] = {"SHOE", "Runner",      "shoes/running", "",   800,
                      4000,   {9900, "EUR"}, false,           true, {}};
    items_["CAP"] = {"CAP", "Cap", "accessories", "", 100, 500, {1990, "EUR"}, false, true, {}};
    views_.channels.push_back({"web", {}, 100, {}, 0, 0});
    receive("WH-LYON", "SHOE", 10);
    receive("WH-LYON", "CAP", 5);
    receive("FR-PARIS", "SHOE", 2);
  }

  void define(channel::Channel c) { channels_[c.channel_id] = std::move(c); }
  catalog::Item& item_named(const std::string& sku) { return items_.at(sku); }
  // Orders offered to the stores holding enough, a round at a time, the warehouse after.
  void competitive() {
    orchestration::Strategy s = orchestration::default_rules().strategies.front();
    s.mode = orchestration::AllocationMode::competitive;
    s.round_size = 3;
    s.max_rounds = 1;
    rules_ = orchestration::Rules{{s}, {}, s.name};
  }
  void add_store(const std::string& id, double latitude, double longitude) {
    sites_[id] = profile(SiteType::store, "59000", latitude, longitude);
  }
  // Stores compete, and a store in Lille with 3 shoes joins Paris's 2.
  void competing_stores() {
    competitive();
    add_store("FR-LILLE", 50.63, 3.06);
    receive("FR-LILLE", "SHOE", 3);
  }
  void minimum_display(std::int64_t units) { views_.channels.at(0).minimum_display = units; }
  void receive(const std::string& site, const std::string& sku, std::int64_t quantity) {
    auto& s = stocks_[{site, sku}];
    s = stock::evolve(std::move(s), stock::StockReceived{quantity, "initial"});
    auto& holding = holding_[sku];
    if (std::find(holding.begin(), holding.end(), site) == holding.end()) holding.push_back(site);
  }
  // Applies an outcome, as the engine would once it is durable.
  void apply(const std::string& order_id, const Effects& effects) {
    auto& o = orders_[order_id];
    for (const auto& e : effects.order) o = order::evolve(std::move(o), e);
    for (const auto& change : effects.stock) {
      auto& s = stocks_[{change.site_id, change.sku}];
      for (const auto& e : change.events) s = stock::evolve(std::move(s), e);
    }
  }

  const order::State* order(std::string_view id) const override {
    auto it = orders_.find(std::string(id));
    return it == orders_.end() || !it->second.exists ? nullptr : &it->second;
  }
  const stock::State& stock(std::string_view site, std::string_view sku) const override {
    static const stock::State kNone;
    auto it = stocks_.find({std::string(site), std::string(sku)});
    return it == stocks_.end() ? kNone : it->second;
  }
  const site::Profile* site(std::string_view id) const override {
    auto it = sites_.find(std::string(id));
    return it == sites_.end() ? nullptr : &it->second;
  }
  const catalog::Item* item(std::string_view sku) const override {
    auto it = items_.find(std::string(sku));
    return it == items_.end() ? nullptr : &it->second;
  }
  const InventoryViews& inventory_views() const override { return views_; }
  const channel::Channel* channel(std::string_view id) const override {
    auto it = channels_.find(id);
    return it == channels_.end() ? nullptr : &it->second;
  }
  const orchestration::Rules& rules() const override {
    return rules_ ? *rules_ : orchestration::default_rules();
  }
  std::uint64_t rules_version() const override { return 0; }
  std::span<const Holding> holdings(std::string_view sku) const override {
    holdings_.clear();
    auto it = holding_.find(std::string(sku));
    if (it == holding_.end()) return {};
    for (const auto& site_id : it->second)
      holdings_.push_back({site_id, site(site_id), &stock(site_id, sku)});
    return holdings_;
  }
  std::int64_t preparations(std::string_view, std::int64_t) const override { return 0; }
  std::int64_t local_day(std::string_view, Instant at) const override { return at / kMicrosPerDay; }
  std::optional<geo::Point> locate(const Address&) const override {
    return geo::Point{48.85, 2.35};
  }
  std::span<const std::string> collect_excluded_categories() const override {
    return not_collected_;
  }
  std::vector<std::string> not_collected_;  // the promise area's category prefixes

 private:
  std::map<std::string, order::State> orders_;
  std::map<std::pair<std::string, std::string>, stock::State> stocks_;
  std::map<std::string, site::Profile> sites_;
  std::map<std::string, channel::Channel, std::less<>> channels_;
  std::map<std::string, catalog::Item> items_;
  std::map<std::string, std::vector<std::string>> holding_;
  InventoryViews views_;
  std::optional<orchestration::Rules> rules_;
  mutable std::vector<Holding> holdings_;
};

order::PlaceOrder place(std::string id, std::vector<std::pair<std::string, std::int64_t>> lines,
                        std::string channel = "web") {
  order::PlaceOrder p;
  p.order_id = std::move(id);
  p.channel = std::move(channel);
  p.customer_id = "C1";
  p.delivery = {"Léa Martin", "12 rue Oberkampf", "", "75011", "Paris", "FR", ""};
  p.billing = p.delivery;
  p.currency = "EUR";
  p.at = kAt;
  std::uint32_t n = 1;
  for (auto& [sku, quantity] : lines) p.lines.push_back({n++, sku, quantity, 1990});
  return p;
}

Outcome decide_placing(const Retailer& r, const order::PlaceOrder& p) {
  return decide(p.order_id, p, r);
}

template <class E, class V>
std::vector<E> of_type(const std::vector<V>& events) {
  std::vector<E> out;
  for (const auto& e : events) {
    if (const auto* x = std::get_if<E>(&e)) out.push_back(*x);
  }
  return out;
}

TEST(Fulfilment, PlacingSourcesTheOrderAndReservesEveryLineInOneOutcome) {
  Retailer r;
  auto outcome = decide_placing(r, place("O1", {{"SHOE", 2}, {"CAP", 1}}));
  ASSERT_TRUE(outcome) << outcome.error().reason;
  // Placed, sourcing recorded, both lines to the only site holding both: the warehouse.
  ASSERT_EQ(outcome->order.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<order::OrderPlaced>(outcome->order[0]));
  EXPECT_EQ(std::get<order::SourcingDecided>(outcome->order[1]).outcome, "direct");
  EXPECT_EQ(std::get<order::LinesAllocated>(outcome->order[2]).allocations,
            (std::vector<order::Allocation>{{1, "WH-LYON"}, {2, "WH-LYON"}}));
  ASSERT_EQ(outcome->stock.size(), 2u);
  EXPECT_EQ(outcome->stock[0].site_id, "WH-LYON");
  EXPECT_EQ(outcome->stock[0].sku, "SHOE");
  EXPECT_EQ(outcome->stock[0].events,
            (std::vector<stock::Event>{stock::StockReserved{"O1/1", "O1", 1, 2, "web", {}}}));
  EXPECT_EQ(outcome->stock[1].events,
            (std::vector<stock::Event>{stock::StockReserved{"O1/2", "O1", 2, 1, "web", {}}}));
}

TEST(Fulfilment, PlacingChecksWhatTheOrderRefersToAndWhatStockCanServe) {
  Retailer r;
  auto channel = decide_placing(r, place("O1", {{"SHOE", 1}}, "tv"));
  ASSERT_FALSE(channel);
  EXPECT_EQ(channel.error().code, Code::invalid);
  EXPECT_NE(channel.error().reason.find("channel 'tv' has no inventory view"), std::string::npos);
  auto sku = decide_placing(r, place("O2", {{"NOPE", 1}}));
  ASSERT_FALSE(sku);
  EXPECT_EQ(sku.error().code, Code::not_found);
  EXPECT_NE(sku.error().reason.find("NOPE"), std::string::npos);
  auto too_many = decide_placing(r, place("O3", {{"SHOE", 13}}));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, Code::insufficient_stock);
  auto bad_id = decide_placing(r, place("O 4", {{"SHOE", 1}}));
  ASSERT_FALSE(bad_id);
  EXPECT_EQ(bad_id.error().code, Code::invalid);
}

// A channel's record: orders in its currency, to the countries it sells to, by the methods it
// offers; it sells from its inventory view, here the web's.
TEST(Fulfilment, PlacingKeepsToTheChannelsCurrencyCountriesAndMethods) {
  Retailer r;
  r.define({"web-be",
            "Web shop Belgium",
            {"BE", "FR"},
            "EUR",
            "",
            "web",
            {order::DeliveryMethod::home_standard},
            channel::AddressPolicy::refuse,
            0});
  auto p = place("O-BE", {{"SHOE", 1}}, "web-be");
  p.currency = "USD";
  const auto currency = decide_placing(r, p);
  ASSERT_FALSE(currency);
  EXPECT_EQ(currency.error().reason, "currency: the order is in USD; channel web-be sells in EUR");
  p.currency = "EUR";
  p.delivery.country = "DE";
  const auto country = decide_placing(r, p);
  ASSERT_FALSE(country);
  EXPECT_EQ(country.error().reason,
            "delivery_address/country: channel web-be delivers to BE, FR, not DE");
  p.delivery.country = "FR";
  p.method = order::DeliveryMethod::click_and_collect;
  const auto method = decide_placing(r, p);
  ASSERT_FALSE(method);
  EXPECT_EQ(method.error().reason,
            "delivery_method: channel web-be does not offer click_and_collect");
  p.method = order::DeliveryMethod::home_standard;
  const auto placed = decide_placing(r, p);
  ASSERT_TRUE(placed) << placed.error().reason;  // sourced from the web's view
  EXPECT_FALSE(placed->stock.empty());
}

// A channel with a price tolerance takes each line at the item's price on it, give or take the
// tolerance; without one (0) it takes prices as sent.
TEST(Fulfilment, AChannelWithAToleranceChecksPricesAgainstItsList) {
  Retailer r;
  channel::Channel web{"web-fr",
                       "Web",
                       {"FR"},
                       "EUR",
                       "",
                       "web",
                       {order::DeliveryMethod::home_standard},
                       channel::AddressPolicy::warn,
                       0};
  r.define(web);
  auto p = place("O-P", {{"SHOE", 1}}, "web-fr");
  p.lines[0].unit_price_minor = 1;  // the list says 99.00: taken as sent
  EXPECT_TRUE(decide_placing(r, p));
  web.price_tolerance_bp = 100;  // 1% of 99.00 = 0.99
  r.define(web);
  p.lines[0].unit_price_minor = 9801;
  EXPECT_TRUE(decide_placing(r, p));
  p.lines[0].unit_price_minor = 9999;
  EXPECT_TRUE(decide_placing(r, p));
  p.lines[0].unit_price_minor = 10000;
  const auto dear = decide_placing(r, p);
  ASSERT_FALSE(dear);
  EXPECT_EQ(dear.error().code, Code::invalid);
  EXPECT_EQ(dear.error().reason,
            "lines/0/unit_price_minor: 10000 differs from SHOE's price of 9900 EUR on channel "
            "web-fr by more than its 100 bp tolerance");
  p.lines[0].unit_price_minor = 9800;
  EXPECT_FALSE(decide_placing(r, p));
  web.currency = "GBP";  // no price in the channel's currency
  r.define(web);
  p.currency = "GBP";
  const auto unpriced = decide_placing(r, p);
  ASSERT_FALSE(unpriced);
  EXPECT_EQ(unpriced.error().reason,
            "lines/0/unit_price_minor: SHOE has no price in GBP on channel web-fr");
}

// An item the catalog keeps from click and collect cannot be ordered for collection.
TEST(Fulfilment, AnItemNotForCollectionCannotBeOrderedClickAndCollect) {
  Retailer r;
  auto p = place("O-CC", {{"SHOE", 1}});  // the Paris store has shoes
  p.method = order::DeliveryMethod::click_and_collect;
  const auto collected = decide_placing(r, p);
  EXPECT_TRUE(collected) << collected.error().reason;
  r.item_named("SHOE").click_and_collect = false;
  const auto refused = decide_placing(r, p);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::invalid);
  EXPECT_EQ(refused.error().reason, "lines/0/sku: SHOE cannot be collected in store");
  p.method = order::DeliveryMethod::home_standard;
  EXPECT_TRUE(decide_placing(r, p));
}

// Click and collect per category: the promise area excludes a category prefix, and its items
// cannot be ordered for collection, whatever each item says; other categories still can.
TEST(Fulfilment, AnItemOfACategoryExcludedFromCollectionCannotBeOrderedClickAndCollect) {
  Retailer r;
  auto p = place("O-CC", {{"SHOE", 1}});
  p.method = order::DeliveryMethod::click_and_collect;
  r.not_collected_ = {"furniture/", "shoes/"};
  const auto refused = decide_placing(r, p);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason,
            "lines/0/sku: SHOE cannot be collected in store (category shoes/running is excluded "
            "from click and collect)");
  r.not_collected_ = {"shoes/trail"};
  EXPECT_TRUE(decide_placing(r, p));
}

// 12 shoes in the network: under a minimum display of 13 the web shows 0, so none can be ordered;
// at 12 it shows 12, and one can.
TEST(Fulfilment, AFigureShownAsZeroIsNotOrderable) {
  Retailer r;
  r.minimum_display(13);
  const auto hidden = decide_placing(r, place("O-HIDDEN", {{"SHOE", 1}}));
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().code, Code::insufficient_stock);
  EXPECT_EQ(hidden.error().reason,
            "out of stock: channel web shows 0 of SHOE and the order asks 1 (12 units, below its "
            "minimum display of 13)");
  r.minimum_display(12);
  const auto shown = decide_placing(r, place("O-SHOWN", {{"SHOE", 1}}));
  EXPECT_TRUE(shown) << shown.error().reason;
}

// An address that failed validation: the channel's policy refuses the order, holds it for
// customer service (placed, queued, nothing reserved), or places it with the verdict kept.
TEST(Fulfilment, TheChannelsAddressPolicyDecidesWhatAFailedAddressDoes) {
  const AddressCheck doubtful{AddressCheck::Verdict::confirm,
                              "city",
                              "Boulogne-Billancourt is not at postcode 62200",
                              {"62200 Boulogne-sur-Mer", "92100 Boulogne-Billancourt"},
                              {}};
  Retailer r;
  auto channel_with = [](channel::AddressPolicy policy) {
    return channel::Channel{
        "web-fr", "Web", {"FR"}, "EUR", "", "web", {order::DeliveryMethod::home_standard},
        policy,   0};
  };
  auto p = place("O-ADDR", {{"SHOE", 1}}, "web-fr");
  p.address_check = doubtful;
  r.define(channel_with(channel::AddressPolicy::refuse));
  const auto refused = decide_placing(r, p);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason,
            "delivery_address/city: Boulogne-Billancourt is not at postcode 62200; did you mean "
            "62200 Boulogne-sur-Mer or 92100 Boulogne-Billancourt");
  r.define(channel_with(channel::AddressPolicy::hold));
  const auto held = decide_placing(r, p);
  ASSERT_TRUE(held) << held.error().reason;
  ASSERT_EQ(held->order.size(), 2u);
  EXPECT_EQ(std::get<order::OrderPlaced>(held->order[0]).address_check, doubtful);
  EXPECT_EQ(std::get<order::QueuedForService>(held->order[1]).reason,
            "address to confirm: Boulogne-Billancourt is not at postcode 62200");
  EXPECT_TRUE(held->stock.empty());
  r.define(channel_with(channel::AddressPolicy::warn));
  const auto warned = decide_placing(r, p);
  ASSERT_TRUE(warned) << warned.error().reason;
  EXPECT_EQ(std::get<order::OrderPlaced>(warned->order[0]).address_check, doubtful);
  EXPECT_FALSE(warned->stock.empty());  // sourced and reserved as usual
  p.address_check.verdict = AddressCheck::Verdict::accept;
  r.define(channel_with(channel::AddressPolicy::refuse));
  EXPECT_TRUE(decide_placing(r, p));
}

// An order asks at most what its channel shows, over all its lines of a SKU.
TEST(Fulfilment, AnOrderBeyondTheChannelsFigureIsRefusedWithTheFigure) {
  Retailer r;  // 12 shoes: 10 in Lyon, 2 in Paris
  const auto beyond = decide_placing(r, place("O1", {{"SHOE", 7}, {"SHOE", 6}}));
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, Code::insufficient_stock);
  EXPECT_EQ(beyond.error().reason,
            "out of stock: channel web shows 12 of SHOE and the order asks 13");
  EXPECT_TRUE(decide_placing(r, place("O2", {{"SHOE", 10}})));
}

const stock::State& after(const Retailer& r, const char* site, const char* sku = "SHOE") {
  return r.stock(site, sku);
}

const StockChange* change_at(const Effects& effects, std::string_view site) {
  for (const auto& c : effects.stock) {
    if (c.site_id == site) return &c;
  }
  return nullptr;
}

// Given two stores offered an order in a competitive round, the units are held at both from the
// moment the order is accepted; the winner's hold becomes its reservation and the other's goes.
TEST(Fulfilment, ARoundHoldsTheUnitsAtEveryOfferedStoreAndTheWinnerKeepsThem) {
  Retailer r;
  r.competing_stores();
  auto placed = decide_placing(r, place("O1", {{"SHOE", 2}}));
  ASSERT_TRUE(placed) << placed.error().reason;
  const auto opened = of_type<order::OfferRoundOpened>(placed->order);
  ASSERT_EQ(opened.size(), 1u);
  ASSERT_EQ(opened[0].site_ids.size(), 2u);  // the two stores holding 2 shoes
  for (const auto* site : {"FR-PARIS", "FR-LILLE"}) {
    const auto* change = change_at(*placed, site);
    ASSERT_NE(change, nullptr) << site;
    EXPECT_EQ(change->events,
              (std::vector<stock::Event>{stock::StockHeld{"O1/1", "O1", 1, 2, "web"}}));
  }
  r.apply("O1", *placed);
  EXPECT_EQ(after(r, "FR-PARIS").available(), 0);
  EXPECT_EQ(after(r, "FR-LILLE").available(), 1);
  EXPECT_EQ(after(r, "FR-LILLE").held, 2);

  auto claimed = decide("O1", order::ClaimOffer{"FR-LILLE", 1, kAt + 10}, r);
  ASSERT_TRUE(claimed) << claimed.error().reason;
  EXPECT_EQ(change_at(*claimed, "FR-PARIS")->events,
            (std::vector<stock::Event>{
                stock::ReservationReleased{"O1/1", 2, "round 1 won by FR-LILLE"}}));
  EXPECT_EQ(change_at(*claimed, "FR-LILLE")->events,
            (std::vector<stock::Event>{stock::StockReserved{"O1/1", "O1", 1, 2, "web", {}}}));
  r.apply("O1", *claimed);
  EXPECT_EQ(after(r, "FR-PARIS").available(), 2);
  EXPECT_EQ(after(r, "FR-LILLE").reserved, 2);
  EXPECT_EQ(after(r, "FR-LILLE").held, 0);
}

// A decline releases that store's hold; the round's end (all declined, expired, withdrawn by a
// cancellation) releases the rest, and lines sourced again are held or reserved anew.
TEST(Fulfilment, ARoundsEndReleasesItsHolds) {
  Retailer r;
  r.competing_stores();
  auto placed = decide_placing(r, place("O1", {{"SHOE", 2}}));
  ASSERT_TRUE(placed) << placed.error().reason;
  r.apply("O1", *placed);

  auto declined = decide("O1", order::DeclineOffer{"FR-PARIS", 1, "no staff", kAt + 1}, r);
  ASSERT_TRUE(declined) << declined.error().reason;
  ASSERT_EQ(declined->stock.size(), 1u);
  EXPECT_EQ(declined->stock[0].events, (std::vector<stock::Event>{stock::ReservationReleased{
                                           "O1/1", 2, "offer declined by FR-PARIS"}}));
  r.apply("O1", *declined);
  EXPECT_EQ(after(r, "FR-PARIS").available(), 2);
  EXPECT_EQ(after(r, "FR-LILLE").held, 2);

  // The deadline passes: Lille's hold goes and the last round's fallback reserves elsewhere.
  auto expired = decide("O1", order::ExpireRound{1, kAt + 121'000'000}, r);
  ASSERT_TRUE(expired) << expired.error().reason;
  r.apply("O1", *expired);
  EXPECT_EQ(after(r, "FR-LILLE").held, 0);
  EXPECT_EQ(after(r, "FR-LILLE").reserved, 0);
  EXPECT_EQ(after(r, "WH-LYON").reserved, 2);

  // A cancellation while a round runs releases every offered store.
  auto second = decide_placing(r, place("O2", {{"SHOE", 1}}));
  ASSERT_TRUE(second) << second.error().reason;
  r.apply("O2", *second);
  EXPECT_EQ(after(r, "FR-PARIS").held + after(r, "FR-LILLE").held, 2);
  auto cancelled = decide("O2", order::CancelLines{{}, "customer changed their mind", kAt + 2}, r);
  ASSERT_TRUE(cancelled) << cancelled.error().reason;
  r.apply("O2", *cancelled);
  EXPECT_EQ(after(r, "FR-PARIS").held + after(r, "FR-LILLE").held, 0);
  EXPECT_EQ(after(r, "FR-PARIS").available(), 2);
}

TEST(Fulfilment, TwoLinesOfOneSkuAtOneSiteDrawOnTheSameStock) {
  Retailer r;
  auto fits = decide_placing(r, place("O1", {{"CAP", 2}, {"CAP", 3}}));
  ASSERT_TRUE(fits) << fits.error().reason;
  ASSERT_EQ(fits->stock.size(), 1u);  // one change per (site, SKU), both reservations in it
  EXPECT_EQ(fits->stock[0].events.size(), 2u);
  auto too_many = decide_placing(r, place("O2", {{"CAP", 3}, {"CAP", 3}}));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, Code::insufficient_stock);
}

TEST(Fulfilment, TheSameOrderAgainIsNothingToDo) {
  Retailer r;
  const auto p = place("O1", {{"SHOE", 1}});
  auto first = decide_placing(r, p);
  ASSERT_TRUE(first);
  r.apply("O1", *first);
  auto again = decide_placing(r, p);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST(Fulfilment, StockFollowsTheOrdersSteps) {
  Retailer r;
  auto placed = decide_placing(r, place("O1", {{"SHOE", 2}, {"CAP", 1}}));
  ASSERT_TRUE(placed);
  r.apply("O1", *placed);
  auto started = decide("O1", order::StartPreparation{"WH-LYON", kAt + 1}, r);
  ASSERT_TRUE(started);
  ASSERT_EQ(started->stock.size(), 2u);
  EXPECT_EQ(started->stock[0].events, (std::vector<stock::Event>{stock::StockPicked{"O1/1"}}));
  r.apply("O1", *started);
  auto cancelled = decide("O1", order::CancelLines{{2}, "out of fashion", kAt + 2}, r);
  ASSERT_TRUE(cancelled);
  ASSERT_EQ(cancelled->stock.size(), 1u);
  EXPECT_EQ(cancelled->stock[0].sku, "CAP");
  EXPECT_EQ(cancelled->stock[0].events,
            (std::vector<stock::Event>{stock::ReservationReleased{"O1/2", 1, "out of fashion"}}));
  r.apply("O1", *cancelled);
  auto prepared = decide("O1", order::MarkPrepared{"WH-LYON", false, kAt + 3}, r);
  ASSERT_TRUE(prepared);
  EXPECT_TRUE(prepared->stock.empty());
  r.apply("O1", *prepared);
  auto shipped = decide("O1", order::ShipOrder{"WH-LYON", "colissimo", "6A1", kAt + 4}, r);
  ASSERT_TRUE(shipped);
  ASSERT_EQ(shipped->stock.size(), 1u);
  EXPECT_EQ(shipped->stock[0].events, (std::vector<stock::Event>{stock::StockShipped{"O1/1", 2}}));
}

TEST(Fulfilment, AReleaseWithMissingStockCorrectsTheSiteAndSourcesTheOrderAgain) {
  Retailer r;
  auto placed = decide_placing(r, place("O1", {{"SHOE", 2}}));
  ASSERT_TRUE(placed);
  r.apply("O1", *placed);  // the warehouse first
  auto released = decide(
      "O1", order::ReleaseAllocation{"WH-LYON", "not on the shelf", true, kAt + 5, {}, {}}, r);
  ASSERT_TRUE(released) << released.error().reason;
  EXPECT_EQ(of_type<order::AllocationReleased>(released->order).size(), 1u);
  // Sourced again, to Paris: the only other site holding two shoes (the warehouse was tried).
  const auto allocations = of_type<order::LinesAllocated>(released->order);
  ASSERT_EQ(allocations.size(), 1u);
  EXPECT_EQ(allocations[0].allocations, (std::vector<order::Allocation>{{1, "FR-PARIS"}}));
  ASSERT_EQ(released->stock.size(), 2u);
  EXPECT_EQ(released->stock[0].site_id, "WH-LYON");
  // The reservation goes back, then the two units reported missing leave the warehouse's stock.
  EXPECT_EQ(released->stock[0].events,
            (std::vector<stock::Event>{
                stock::ReservationReleased{"O1/1", 2, "not on the shelf"},
                stock::StockAdjusted{-2, "stock discrepancy reported by WH-LYON on order O1"}}));
  EXPECT_EQ(released->stock[1].site_id, "FR-PARIS");
  EXPECT_EQ(released->stock[1].events,
            (std::vector<stock::Event>{stock::StockReserved{"O1/1", "O1", 1, 2, "web", {}}}));
}

TEST(Fulfilment, ActionsNeedAnOrderAndOnlySourcingAllocates) {
  Retailer r;
  auto unknown = decide("NOPE", order::CancelLines{{}, "why", kAt}, r);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Code::not_found);
  auto placed = decide_placing(r, place("O1", {{"SHOE", 1}}));
  ASSERT_TRUE(placed);
  r.apply("O1", *placed);
  auto by_hand = decide("O1", order::AllocateLines{{{1, "FR-PARIS"}}, kAt}, r);
  ASSERT_FALSE(by_hand);
  EXPECT_EQ(by_hand.error().code, Code::invalid);
  auto plan = decide("O1", order::SourceLines{}, r);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, Code::invalid);
  auto nowhere = decide("O1", order::Reallocate{"FR-NOWHERE", "nearer", kAt}, r);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().code, Code::not_found);
  auto moved = decide("O1", order::Reallocate{"FR-PARIS", "nearer", kAt + 1}, r);
  ASSERT_TRUE(moved) << moved.error().reason;
  ASSERT_EQ(moved->stock.size(), 2u);  // released at the warehouse, reserved in Paris
  EXPECT_EQ(moved->stock[1].events,
            (std::vector<stock::Event>{stock::StockReserved{"O1/1", "O1", 1, 1, "web", {}}}));
}

TEST(Fulfilment, AStockMovementNeedsAKnownSiteAndItem) {
  Retailer r;
  auto site = move_stock("FR-NOWHERE", "SHOE", stock::ReceiveStock{1, "po", kAt}, r);
  ASSERT_FALSE(site);
  EXPECT_EQ(site.error().code, Code::not_found);
  auto sku = move_stock("FR-PARIS", "NOPE", stock::ReceiveStock{1, "po", kAt}, r);
  ASSERT_FALSE(sku);
  EXPECT_EQ(sku.error().code, Code::not_found);
  auto received = move_stock("FR-PARIS", "CAP", stock::ReceiveStock{3, "po-9", kAt}, r);
  ASSERT_TRUE(received);
  EXPECT_EQ(*received, (std::vector<stock::Event>{stock::StockReceived{3, "po-9"}}));
}

TEST(Fulfilment, AReservationIdNamesItsOrderLine) {
  EXPECT_EQ(reservation_id("O-1", 3), "O-1/3");
  EXPECT_EQ(order_of_reservation("O-1/3"), "O-1");
  EXPECT_EQ(order_of_reservation("no-slash"), std::nullopt);
}

}  // namespace
}  // namespace ordo::domain::fulfilment
