// The promise engine: given sites with their calendars, stock and capacity, and carrier services,
// when a cart is promised to a destination at a moment, then the options and their dates. Times
// are written as the sites' wall-clock time; coordinates are real towns; the holidays are the
// real 2026-2027 French, German and English ones these cases need.
#include "domain/promise.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

namespace ordo::domain::promise {
namespace {

using calendar::Date;
using calendar::TimeZone;
using site::SiteType;
constexpr Instant kMinute = 60'000'000;

const TimeZone& paris() {
  static const TimeZone zone = *TimeZone::find("Europe/Paris");
  return zone;
}
const TimeZone& london() {
  static const TimeZone zone = *TimeZone::find("Europe/London");
  return zone;
}
Instant paris_time(Date date, unsigned hour, unsigned minute = 0) {
  return paris().to_instant({date, hour * 60 + minute});
}
Instant utc(Date date, unsigned hour, unsigned minute = 0) {
  return calendar::days_from_civil(date) * kMicrosPerDay + (hour * 60 + minute) * kMinute;
}

calendar::Holidays holidays() {
  calendar::Holidays h;
  for (const Date d : {Date{2026, 1, 1}, Date{2026, 4, 6}, Date{2026, 5, 1}, Date{2026, 5, 8},
                       Date{2026, 5, 14}, Date{2026, 5, 25}, Date{2026, 7, 14}, Date{2026, 8, 15},
                       Date{2026, 11, 1}, Date{2026, 11, 11}, Date{2026, 12, 25}, Date{2027, 1, 1}}) {
    h.add("FR", "*", d);
  }
  // Alsace-Moselle: Good Friday and St Stephen's Day.
  for (const char* region : {"57", "67", "68"}) {
    h.add("FR", region, {2026, 4, 3});
    h.add("FR", region, {2026, 12, 26});
  }
  for (const Date d : {Date{2026, 12, 25}, Date{2026, 12, 28}, Date{2027, 1, 1}}) h.add("GB", "*", d);
  for (const Date d : {Date{2026, 12, 25}, Date{2026, 12, 26}, Date{2027, 1, 1}}) h.add("DE", "*", d);
  return h;
}

site::Profile profile(SiteType type, std::string region, double lat, double lon, std::string zone = "Europe/Paris",
                      std::string country = "FR") {
  site::Profile p;
  p.name = "site";
  p.type = type;
  p.country = std::move(country);
  p.region = std::move(region);
  p.latitude = lat;
  p.longitude = lon;
  p.time_zone = std::move(zone);
  p.capabilities = {type == SiteType::store, type == SiteType::store, false};
  const bool warehouse = type == SiteType::warehouse;
  for (std::size_t d = 0; d < 7; ++d) {
    const bool open = warehouse ? d < 5 : d < 6;  // warehouses Monday to Friday, stores to Saturday
    p.opening_hours[d] = open ? site::DayHours{static_cast<std::uint16_t>(warehouse ? 360 : 540), 1140}
                              : site::DayHours{0, 0};
  }
  p.daily_capacity = 100;
  return p;
}

Service home() {
  Service s;
  s.id = "home";
  s.carrier = "colissimo";
  s.method = DeliveryMethod::home_standard;
  s.countries = {"FR"};
  s.transit = {{"", 0, 1}};
  s.pickup_cutoff_minute = 18 * 60;
  s.delivery_days = kMondayToSaturday;
  s.price_minor = 490;
  s.max_weight_g = 30'000;
  s.carbon_g_per_tonne_km = 500;
  s.carbon_g_per_parcel = 150;
  return s;
}

Service express() {
  Service s = home();
  s.id = "express";
  s.carrier = "chronopost";
  s.method = DeliveryMethod::home_express;
  s.delivery_days = kMondayToFriday;
  s.window = {0, 13 * 60};
  s.max_days = 1;
  s.price_minor = 1290;
  return s;
}

/// A warehouse near Paris (Bonneuil-sur-Marne), a store in Strasbourg, one in Lyon, a warehouse
/// in Daventry (England).
struct World {
  std::map<std::string, site::Profile> profiles = {
      {"WH-PARIS", profile(SiteType::warehouse, "94", 48.7701, 2.4889)},
      {"ST-STRAS", profile(SiteType::store, "67", 48.5734, 7.7521)},
      {"ST-LYON", profile(SiteType::store, "69", 45.7640, 4.8357)},
      {"WH-DAVENTRY", profile(SiteType::warehouse, "ENG", 52.2565, -1.1620, "Europe/London", "GB")},
  };
  Config config;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> load;  // (site, local day)
  std::map<std::string, std::int64_t> stock = {{"WH-PARIS", 10}, {"ST-STRAS", 10}, {"ST-LYON", 10}, {"WH-DAVENTRY", 10}};
  std::map<std::string, std::vector<std::pair<Instant, std::int64_t>>> receipts;
  std::shared_ptr<const Network> network;

  World() {
    config.zones = {{"FR-ALL", "FR", {}, {}}, {"GB-ALL", "GB", {}, {}}};
    config.services = {home(), express()};
    Service uk = home();
    uk.id = "royal-mail";
    uk.carrier = "royal-mail";
    uk.countries = {"GB"};
    uk.delivery_days = kMondayToSaturday;
    config.services.push_back(uk);
  }

  void compile() {
    std::vector<SiteInput> inputs;
    for (const auto& [id, p] : profiles) inputs.push_back({id, &p});
    network = Network::compile(config, inputs, holidays(), {2026, 1, 1});
  }

  Result promise(Instant at, Destination to, std::int64_t quantity = 1, bool explain = true,
                 std::int64_t weight_g = 1000) {
    if (!network) compile();
    Request r;
    r.channel = "web";
    r.destination = std::move(to);
    r.at = at;
    r.explain = explain;
    r.weight_g = weight_g;
    r.value_minor = 5000;
    std::vector<SiteSupply> supply;
    for (const auto& [id, units] : stock) {
      const auto index = network->index_of(id);
      if (index < 0) continue;
      supply.push_back({static_cast<std::uint32_t>(index), units, receipts[id]});
    }
    r.lines.push_back({"SKU-1", quantity, supply});
    return compute(*network, r, [&](std::uint32_t site, std::int64_t day) {
      const auto it = load.find({network->site_id(site), day});
      return it == load.end() ? 0 : it->second;
    });
  }
};

Destination paris_11() { return {"FR", "75011", "75", geo::Point{48.8574, 2.3795}}; }
Destination strasbourg() { return {"FR", "67000", "67", geo::Point{48.5839, 7.7455}}; }
Destination london_sw1() { return {"GB", "SW1A", "ENG", geo::Point{51.5010, -0.1416}}; }

const Option* find(const Result& r, std::string_view service) {
  for (const auto& o : r.options) {
    if (o.service == service) return &o;
  }
  return nullptr;
}
const Infeasible* refused(const Result& r, std::string_view service) {
  for (const auto& i : r.infeasible) {
    if (i.service == service) return &i;
  }
  return nullptr;
}
bool delayed_by(const Option& o, Cause cause) {
  return std::find(o.delays.begin(), o.delays.end(), cause) != o.delays.end();
}

// --- Cut-offs --------------------------------------------------------------------------------

TEST(Promise, OrderedBeforeTheCutOffItShipsTodayAndArrivesTomorrow) {
  World w;
  const auto r = w.promise(paris_time({2026, 11, 24}, 15, 59), paris_11());  // a Tuesday
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_from, "WH-PARIS");  // the nearest site delivering first
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 24}));
  EXPECT_EQ(o->date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->order_by, paris_time({2026, 11, 24}, 16, 0));  // the warehouse's preparation cut-off
  EXPECT_TRUE(o->delays.empty());
  EXPECT_EQ(o->promised_at, paris_time({2026, 11, 26}, 0) - 1);  // by the end of that day
  const auto* e = find(r, "express");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->date, (Date{2026, 11, 25}));
  EXPECT_EQ(e->promised_at, paris_time({2026, 11, 25}, 13, 0));  // before 13:00
  EXPECT_EQ(e->id, "express@WH-PARIS");
}

TEST(Promise, OrderedAfterTheCutOffItShipsTomorrowAndExpressIsNoLongerOffered) {
  World w;
  const auto r = w.promise(paris_time({2026, 11, 24}, 16, 1), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  // The stores in Strasbourg and Lyon have the same 16:00 cut-off: the warehouse still wins.
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->date, (Date{2026, 11, 26}));
  EXPECT_TRUE(delayed_by(*o, Cause::past_cutoff));
  EXPECT_EQ(find(r, "express"), nullptr);
  const auto* why = refused(r, "express");
  ASSERT_NE(why, nullptr);
  EXPECT_EQ(why->cause, Cause::past_cutoff);
  EXPECT_NE(why->detail.find("2026-11-26"), std::string::npos) << why->detail;
}

TEST(Promise, TheCarriersPickupCutOffBindsWhenPreparationEndsLate) {
  World w;
  w.config.services[0].pickup_cutoff_minute = 15 * 60;  // the van leaves at 15:00
  // Ordered at 14:00: prepared at 16:00 (120 minutes), after the van left: shipped tomorrow.
  const auto r = w.promise(paris_time({2026, 11, 24}, 14, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_TRUE(delayed_by(*o, Cause::past_cutoff));
  const auto early = w.promise(paris_time({2026, 11, 24}, 12, 30), paris_11());
  ASSERT_NE(find(early, "home"), nullptr);
  EXPECT_EQ(find(early, "home")->ship_date, (Date{2026, 11, 24}));
  EXPECT_EQ(find(early, "home")->order_by, paris_time({2026, 11, 24}, 13, 0));  // 15:00 less 2 h
}

TEST(Promise, ACarriersRoundAtSomeSitesHasItsOwnPickupDaysAndCutOff) {
  World w;
  w.stock = {{"ST-LYON", 5}};
  // The van passes the stores at 11:00, Monday, Wednesday and Friday.
  w.config.services[0].site_pickups = {{{{}, {SiteType::store}, {}, {}}, 0b0010101, 11 * 60}};
  const Destination lyon{"FR", "69002", "69", geo::Point{45.7485, 4.8270}};
  // Wednesday 08:00: prepared from opening (09:00) to 11:00, just in time for the van.
  const auto early = w.promise(paris_time({2026, 11, 25}, 8, 0), lyon);
  ASSERT_NE(find(early, "home"), nullptr);
  EXPECT_EQ(find(early, "home")->ship_date, (Date{2026, 11, 25}));
  EXPECT_EQ(find(early, "home")->order_by, paris_time({2026, 11, 25}, 9, 0));  // 11:00 less 2 h
  // Wednesday 10:00: ready at 12:00, the van has gone; Thursday is not one of its days: Friday.
  const auto late = w.promise(paris_time({2026, 11, 25}, 10, 0), lyon);
  ASSERT_NE(find(late, "home"), nullptr);
  EXPECT_EQ(find(late, "home")->ship_date, (Date{2026, 11, 27}));
  EXPECT_TRUE(delayed_by(*find(late, "home"), Cause::past_cutoff));
  EXPECT_FALSE(validate(w.config).size() > 0);
  w.config.services[0].site_pickups[0].days = 0;
  EXPECT_EQ(validate(w.config).at(0).pointer, "/services/0/site_pickups/0/days");
}

// --- Weekends --------------------------------------------------------------------------------

TEST(Promise, FridayEveningSaturdayAndSundayOrdersLeaveOnMonday) {
  World w;
  for (const Instant at : {paris_time({2026, 11, 27}, 19, 0), paris_time({2026, 11, 28}, 10, 0),
                           paris_time({2026, 11, 29}, 23, 59)}) {
    const auto r = w.promise(at, paris_11());
    const auto* o = find(r, "home");
    ASSERT_NE(o, nullptr);
    // The warehouse prepares Monday to Friday; the Saturday-open stores are too far to be sooner.
    EXPECT_EQ(o->date, (Date{2026, 12, 1})) << o->ship_from;
    EXPECT_EQ(calendar::weekday(o->date), 1u);
  }
}

TEST(Promise, FridayBeforeTheCutOffASaturdayDeliveryServiceDeliversSaturday) {
  World w;
  const auto r = w.promise(paris_time({2026, 11, 27}, 10, 0), paris_11());
  ASSERT_NE(find(r, "home"), nullptr);
  EXPECT_EQ(find(r, "home")->date, (Date{2026, 11, 28}));
  // Express delivers Monday to Friday within one day: Monday is too late.
  EXPECT_EQ(find(r, "express"), nullptr);
  ASSERT_NE(refused(r, "express"), nullptr);
  EXPECT_EQ(refused(r, "express")->cause, Cause::too_late);
  const auto thursday = w.promise(paris_time({2026, 11, 26}, 10, 0), paris_11());
  ASSERT_NE(find(thursday, "express"), nullptr);
  EXPECT_EQ(find(thursday, "express")->date, (Date{2026, 11, 27}));
}

// --- Public holidays -------------------------------------------------------------------------

TEST(Promise, ChristmasDayMovesTheDeliveryAndStStephensDayOnlyInAlsace) {
  World w;
  // Thursday 24 December 2026, 10:00: shipped the same day; Friday 25 is a holiday everywhere.
  const auto at = paris_time({2026, 12, 24}, 10, 0);
  const auto to_paris = w.promise(at, paris_11());
  ASSERT_NE(find(to_paris, "home"), nullptr);
  EXPECT_EQ(find(to_paris, "home")->date, (Date{2026, 12, 26}));  // Saturday delivery
  EXPECT_TRUE(delayed_by(*find(to_paris, "home"), Cause::carrier_closed));
  // Saturday 26 December is a public holiday in the Bas-Rhin: Monday 28 for Strasbourg.
  const auto to_strasbourg = w.promise(at, strasbourg());
  ASSERT_NE(find(to_strasbourg, "home"), nullptr);
  EXPECT_EQ(find(to_strasbourg, "home")->date, (Date{2026, 12, 28}));
}

TEST(Promise, ASiteDoesNotPrepareOnAPublicHolidayOfItsRegion) {
  World w;
  w.stock = {{"ST-STRAS", 5}};
  // Good Friday (3 April 2026) is a holiday in Alsace only: the Strasbourg store prepares Saturday.
  const auto r = w.promise(paris_time({2026, 4, 3}, 9, 30), strasbourg());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_from, "ST-STRAS");
  // Prepared Saturday 4; no pickup at weekends; Monday 6 is Easter Monday: picked up Tuesday 7.
  EXPECT_EQ(o->ship_date, (Date{2026, 4, 7}));
  EXPECT_EQ(o->date, (Date{2026, 4, 8}));
  EXPECT_EQ(o->local_prep_day, calendar::days_from_civil({2026, 4, 4}));
  EXPECT_TRUE(delayed_by(*o, Cause::site_closed));
  EXPECT_TRUE(delayed_by(*o, Cause::carrier_closed));
}

// --- Daylight saving -------------------------------------------------------------------------

TEST(Promise, TheNightOfTheSpringChangeInParis) {
  World w;
  w.stock = {{"ST-LYON", 5}};
  const Destination lyon{"FR", "69002", "69", geo::Point{45.7485, 4.8270}};
  // Sunday 29 March 2026, 00:30 UTC (01:30 CET): the store is closed on Sundays; click and collect
  // is ready Monday at 11:00, which is summer time now: 09:00 UTC, not 10:00.
  const auto r = w.promise(utc({2026, 3, 29}, 0, 30), lyon);
  const auto* c = find(r, "collect");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->date, (Date{2026, 3, 30}));
  EXPECT_EQ(c->earliest_at, utc({2026, 3, 30}, 9, 0));
  // The same a week earlier, in winter time.
  const auto before = w.promise(utc({2026, 3, 22}, 0, 30), lyon);
  ASSERT_NE(find(before, "collect"), nullptr);
  EXPECT_EQ(find(before, "collect")->earliest_at, utc({2026, 3, 23}, 10, 0));
}

TEST(Promise, TheNightOfTheAutumnChangeInLondonAndParis) {
  World w;
  // Saturday 24 October 2026, 22:30 UTC: 23:30 BST in London, the night the clocks go back.
  w.stock = {{"WH-DAVENTRY", 5}};
  const auto r = w.promise(utc({2026, 10, 24}, 22, 30), london_sw1());
  const auto* o = find(r, "royal-mail");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 10, 26}));  // Monday
  EXPECT_EQ(o->date, (Date{2026, 10, 27}));
  // The order-by of Monday's cut-off (16:00 GMT, winter time again) is 16:00 UTC.
  const auto monday = w.promise(utc({2026, 10, 26}, 9, 0), london_sw1());
  ASSERT_NE(find(monday, "royal-mail"), nullptr);
  EXPECT_EQ(find(monday, "royal-mail")->order_by, utc({2026, 10, 26}, 16, 0));
  // In Paris the same cut-off is 15:00 UTC that Monday, and 14:00 UTC the Monday before.
  w.stock = {{"WH-PARIS", 5}};
  EXPECT_EQ(find(w.promise(utc({2026, 10, 26}, 9, 0), paris_11()), "home")->order_by, utc({2026, 10, 26}, 15, 0));
  EXPECT_EQ(find(w.promise(utc({2026, 10, 19}, 9, 0), paris_11()), "home")->order_by, utc({2026, 10, 19}, 14, 0));
  EXPECT_EQ(london().offset_minutes(utc({2026, 10, 26}, 9, 0)), 0);
}

// --- Year end --------------------------------------------------------------------------------

TEST(Promise, NewYearsEveAfterTheCutOffLeavesInTheNewYear) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  // Thursday 31 December 2026, 17:00; Friday 1 January 2027 is a holiday; the warehouse is
  // closed at weekends: prepared Monday 4, delivered Tuesday 5 January 2027.
  const auto r = w.promise(paris_time({2026, 12, 31}, 17, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2027, 1, 4}));
  EXPECT_EQ(o->date, (Date{2027, 1, 5}));
  EXPECT_TRUE(delayed_by(*o, Cause::past_cutoff));
  EXPECT_TRUE(delayed_by(*o, Cause::site_closed));
}

// --- Closures and capacity -------------------------------------------------------------------

TEST(Promise, ASiteClosedForADayPreparesTheNextOne) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  w.config.preparation.push_back({"inventory day", {{"WH-PARIS"}, {}, {}, {}}, 120, 16 * 60, -1, {{2026, 11, 24}}});
  const auto r = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_TRUE(delayed_by(*o, Cause::site_closed));
}

TEST(Promise, AFullDayOfPreparationsMovesThePromiseToTheNextDay) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  const auto day = calendar::days_from_civil({2026, 11, 24});
  w.load[{"WH-PARIS", day}] = 100;
  const auto r = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->local_prep_day, day + 1);
  EXPECT_TRUE(delayed_by(*o, Cause::capacity_full));
  // Express cannot make it: refused with the reason.
  ASSERT_NE(refused(r, "express"), nullptr);
  EXPECT_EQ(refused(r, "express")->cause, Cause::capacity_full);
}

TEST(Promise, AnExpectedReceiptMovesThePromiseToItsDate) {
  World w;
  w.stock = {{"WH-PARIS", 0}};
  w.receipts["WH-PARIS"] = {{paris_time({2026, 11, 26}, 8, 0), 20}};
  const auto r = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 26}));
  EXPECT_EQ(o->date, (Date{2026, 11, 27}));
  EXPECT_TRUE(delayed_by(*o, Cause::awaiting_stock));
}

TEST(Promise, APreparationLongerThanTheDayFinishesAtTheNextOpening) {
  World w;
  w.stock = {{"ST-LYON", 5}};
  w.config.preparation.push_back({"made to order", {{"ST-LYON"}, {}, {}, {}}, 600, 16 * 60, -1, {}});
  const Destination lyon{"FR", "69002", "69", geo::Point{45.7485, 4.8270}};
  // Tuesday 10:00: 9 of the 10 hours before the 19:00 closing, the last one Wednesday 09:00-10:00.
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), lyon);
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->local_prep_day, calendar::days_from_civil({2026, 11, 24}));  // capacity taken on Tuesday
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->date, (Date{2026, 11, 26}));
  EXPECT_EQ(o->order_by, 0);  // no cut-off today decides this date
  const auto* c = find(r, "collect");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->earliest_at, paris_time({2026, 11, 24}, 12, 0));  // click and collect has its own 2 hours
}

TEST(Promise, TheCarrierCollectsOnlyOnDaysTheSiteIsOpen) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  w.config.services[0].pickup_days = kMondayToSaturday;  // the carrier works Saturdays; the warehouse does not
  const auto r = w.promise(paris_time({2026, 11, 27}, 17, 0), paris_11());  // Friday after the cut-off
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 30}));
}

TEST(Promise, AnOverdueReceiptIsNotStock) {
  World w;
  w.stock = {{"WH-PARIS", 0}};
  w.receipts["WH-PARIS"] = {{paris_time({2026, 11, 23}, 8, 0), 20}};  // expected yesterday, not received
  const auto r = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  EXPECT_EQ(find(r, "home"), nullptr);
  ASSERT_NE(refused(r, "home"), nullptr);
  EXPECT_EQ(refused(r, "home")->cause, Cause::no_stock);
}

// --- Infeasible options ----------------------------------------------------------------------

TEST(Promise, EveryInfeasibleOptionSaysWhy) {
  World w;
  w.stock = {{"WH-PARIS", 1}};
  const auto heavy = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11(), 1, true, 31'000);
  ASSERT_NE(refused(heavy, "home"), nullptr);
  EXPECT_EQ(refused(heavy, "home")->cause, Cause::over_weight);
  EXPECT_EQ(refused(heavy, "royal-mail")->cause, Cause::not_served);  // GB only
  const auto none = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11(), 2);
  EXPECT_TRUE(none.options.empty());
  EXPECT_EQ(refused(none, "home")->cause, Cause::no_stock);
  EXPECT_EQ(refused(none, "collect")->cause, Cause::no_stock);
  // Without explain, nothing infeasible is listed.
  EXPECT_TRUE(w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11(), 2, false).infeasible.empty());
}

TEST(Promise, ClickAndCollectListsNearbyStoresWithTheCart) {
  World w;
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), strasbourg());
  const auto* c = find(r, "collect");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->collect_at, "ST-STRAS");
  EXPECT_EQ(c->earliest_at, paris_time({2026, 11, 24}, 12, 0));  // two hours of preparation
  EXPECT_EQ(c->window.to_minute, 1140);
  // Paris has no store within 30 km.
  const auto far = w.promise(paris_time({2026, 11, 24}, 10, 0), paris_11());
  EXPECT_EQ(find(far, "collect"), nullptr);
  EXPECT_EQ(refused(far, "collect")->cause, Cause::no_store_nearby);
}

TEST(Promise, ShipToStoreDeliversToTheStoreNearestTheCustomer) {
  World w;
  Service s = home();
  s.id = "to-store";
  s.method = DeliveryMethod::ship_to_store;
  s.delivery_days = kMondayToFriday;
  w.config.services.push_back(s);
  w.stock = {{"WH-PARIS", 5}};
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), strasbourg());
  const auto* o = find(r, "to-store");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_from, "WH-PARIS");
  EXPECT_EQ(o->collect_at, "ST-STRAS");
  EXPECT_EQ(o->date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->earliest_at, paris_time({2026, 11, 25}, 9, 0));  // the store's opening
  EXPECT_EQ(o->promised_at, paris_time({2026, 11, 25}, 19, 0));  // collectable by its closing
}

TEST(Promise, PriceIsFreeAboveTheThresholdAndCarbonGrowsWithDistance) {
  World w;
  w.config.services[0].free_above_minor = 5000;
  w.stock = {{"ST-LYON", 5}};
  const auto from_lyon = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  w.network.reset();
  w.stock = {{"WH-PARIS", 5}};
  const auto from_paris = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  ASSERT_NE(find(from_lyon, "home"), nullptr);
  ASSERT_NE(find(from_paris, "home"), nullptr);
  EXPECT_EQ(find(from_paris, "home")->price_minor, 0);
  EXPECT_EQ(find(from_paris, "express")->price_minor, 1290);
  EXPECT_GT(find(from_lyon, "home")->carbon_g, find(from_paris, "home")->carbon_g);
  EXPECT_EQ(find(from_paris, "home")->carbon_g, 150 + std::llround(0.001 * find(from_paris, "home")->distance_km * 500));
}

TEST(Promise, ConfigurationProblemsComeWithPointers) {
  Config c;
  Service s = home();
  s.transit = {{"nowhere", 0, 1}};
  s.window = {600, 500};
  s.delivery_days = 0;
  c.services = {s, s};
  c.currency = "euro";
  const auto errors = validate(c);
  const auto has = [&](std::string_view pointer) {
    return std::any_of(errors.begin(), errors.end(), [&](const ConfigError& e) { return e.pointer == pointer; });
  };
  EXPECT_TRUE(has("/services/0/transit/0/zone"));
  EXPECT_TRUE(has("/services/0/window"));
  EXPECT_TRUE(has("/services/0/delivery_days"));
  EXPECT_TRUE(has("/services/1/id"));
  EXPECT_TRUE(has("/currency"));
  EXPECT_TRUE(validate(World().config).empty());
}

// --- Laws ------------------------------------------------------------------------------------

/// A random world: the four sites with random stock, receipts, closures and loads, and a random
/// moment in 2026.
struct RandomCase {
  World world;
  Destination to;
  Instant at = 0;
  std::int64_t quantity = 1;
};

RandomCase random_case() {
  RandomCase c;
  for (auto& [id, units] : c.world.stock) units = *rc::gen::inRange<std::int64_t>(0, 4);
  for (auto& [id, units] : c.world.stock) {
    if (*rc::gen::inRange(0, 3) == 0) {
      c.world.receipts[id] = {{utc({2026, 6, 1}, 0) + *rc::gen::inRange<std::int64_t>(0, 200) * kMicrosPerDay, 3}};
    }
  }
  for (int i = *rc::gen::inRange(0, 4); i > 0; --i) {
    const auto day = calendar::days_from_civil({2026, 6, 1}) + *rc::gen::inRange(0, 200);
    c.world.load[{"WH-PARIS", day}] = 100;
  }
  c.world.config.services[0].pickup_cutoff_minute = static_cast<std::uint16_t>(*rc::gen::inRange(600, 1200));
  c.world.config.services[1].max_days = *rc::gen::inRange(0, 3);
  c.to = *rc::gen::element(paris_11(), strasbourg(), london_sw1());
  c.at = utc({2026, 6, 1}, 0) + *rc::gen::inRange<std::int64_t>(0, 200 * 24 * 60) * kMinute;
  c.quantity = *rc::gen::inRange<std::int64_t>(1, 3);
  return c;
}

RC_GTEST_PROP(PromiseLaws, OrderingLaterNeverGivesAnEarlierPromise, ()) {
  auto c = random_case();
  const auto later = c.at + *rc::gen::inRange<std::int64_t>(0, 5 * 24 * 60) * kMinute;
  const auto first = c.world.promise(c.at, c.to, c.quantity, false);
  const auto second = c.world.promise(later, c.to, c.quantity, false);
  for (const auto& o : second.options) {
    for (const auto& p : first.options) {
      if (p.id == o.id || (p.service == o.service && o.method != DeliveryMethod::click_and_collect)) {
        RC_ASSERT(o.promised_at >= p.promised_at);
      }
    }
  }
}

RC_GTEST_PROP(PromiseLaws, NoPromisedDeliveryFallsOnADayTheCarrierDoesNotDeliver, ()) {
  auto c = random_case();
  const auto r = c.world.promise(c.at, c.to, c.quantity, false);
  const auto h = holidays();
  for (const auto& o : r.options) {
    if (o.method == DeliveryMethod::click_and_collect) continue;
    const Service* s = nullptr;
    for (const auto& svc : c.world.config.services) {
      if (svc.id == o.service) s = &svc;
    }
    RC_ASSERT(s != nullptr);
    RC_ASSERT(((s->delivery_days >> calendar::weekday(o.date)) & 1u) != 0);
    RC_ASSERT(!h.is_holiday(c.to.country, c.to.region, o.date));
    RC_ASSERT(o.promised_at > c.at);
  }
}

RC_GTEST_PROP(PromiseLaws, EveryPromisedOptionIsOneTheSitesCanServe, ()) {
  auto c = random_case();
  const auto r = c.world.promise(c.at, c.to, c.quantity, false);
  for (const auto& o : r.options) {
    const auto units = c.world.stock[o.ship_from];
    std::int64_t by_prep = units;
    const auto zone = *TimeZone::find(c.world.profiles[o.ship_from].time_zone);
    for (const auto& [when, q] : c.world.receipts[o.ship_from]) {
      const auto local = zone.to_local(when);
      if (calendar::days_from_civil(local.date) <= o.local_prep_day) by_prep += q;
    }
    RC_ASSERT(by_prep >= c.quantity);  // the site has the cart by its preparation day
    const auto load = c.world.load.find({o.ship_from, o.local_prep_day});
    RC_ASSERT(load == c.world.load.end() || load->second < c.world.profiles[o.ship_from].daily_capacity);
    const auto& p = c.world.profiles[o.ship_from];
    const auto& hours = p.opening_hours[static_cast<std::size_t>(calendar::weekday(calendar::civil_from_days(o.local_prep_day)))];
    RC_ASSERT(hours.open_minute < hours.close_minute);  // prepared on a day it is open
    RC_ASSERT(!holidays().is_holiday(p.country, p.region, calendar::civil_from_days(o.local_prep_day)));
  }
}

RC_GTEST_PROP(PromiseLaws, AddingStockNeverRemovesAnOption, ()) {
  auto c = random_case();
  const auto before = c.world.promise(c.at, c.to, c.quantity, false);
  const auto site = *rc::gen::element<std::string>("WH-PARIS", "ST-STRAS", "ST-LYON", "WH-DAVENTRY");
  c.world.stock[site] += *rc::gen::inRange<std::int64_t>(1, 5);
  const auto after = c.world.promise(c.at, c.to, c.quantity, false);
  for (const auto& o : before.options) {
    const bool kept = std::any_of(after.options.begin(), after.options.end(), [&](const Option& a) {
      return a.service == o.service && a.promised_at <= o.promised_at;
    });
    RC_ASSERT(kept);
  }
}

}  // namespace
}  // namespace ordo::domain::promise
