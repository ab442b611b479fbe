// The promise engine: given sites with their calendars, stock and capacity, and carrier services,
// when a cart is promised to a destination at a moment, then the options and their dates. Times
// are written as the sites' wall-clock time; coordinates are real towns; the holidays are the
// real 2026-2027 French, German and English ones these cases need.
#include "tests/domain/promise_fixture.h"

namespace ordo::domain::promise::testing {
namespace {

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

TEST(Promise, OrderByIsTheLatestOrderThatKeepsTheDate) {
  World w;
  w.stock = {{"ST-LYON", 5}};
  const Destination lyon{"FR", "69002", "69", geo::Point{45.7485, 4.8270}};
  // The Lyon store closes at 16:00 today: 2 hours of preparation must start by 14:00 to ship today,
  // though its cut-off says 16:00 and the carrier's 18:00; click and collect likewise.
  w.profiles["ST-LYON"].opening_hours[1] = {540, 960};
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), lyon);
  ASSERT_NE(find(r, "home"), nullptr);
  EXPECT_EQ(find(r, "home")->order_by, paris_time({2026, 11, 24}, 14, 0));
  ASSERT_NE(find(r, "collect"), nullptr);
  EXPECT_EQ(find(r, "collect")->order_by, paris_time({2026, 11, 24}, 14, 0));
  // Ordered at 14:30, it is ready on Wednesday: the date moves, as order_by said.
  const auto later = w.promise(paris_time({2026, 11, 24}, 14, 30), lyon);
  ASSERT_NE(find(later, "home"), nullptr);
  EXPECT_EQ(find(later, "home")->ship_date, (Date{2026, 11, 25}));
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
  EXPECT_EQ(find(w.promise(utc({2026, 10, 26}, 9, 0), paris_11()), "home")->order_by,
            utc({2026, 10, 26}, 15, 0));
  EXPECT_EQ(find(w.promise(utc({2026, 10, 19}, 9, 0), paris_11()), "home")->order_by,
            utc({2026, 10, 19}, 14, 0));
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
  w.config.preparation.push_back(
      {"inventory day", {{"WH-PARIS"}, {}, {}, {}}, 120, 16 * 60, -1, {{2026, 11, 24}}});
  const auto r = w.promise(paris_time({2026, 11, 24}, 9, 0), paris_11());
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_TRUE(delayed_by(*o, Cause::site_closed));
}

TEST(Promise, ASitesOwnExceptionalClosureIsADayItDoesNotPrepare) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  w.profiles["WH-PARIS"].closed_days = {calendar::days_from_civil({2026, 11, 24})};
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
  w.config.preparation.push_back(
      {"made to order", {{"ST-LYON"}, {}, {}, {}}, 600, 16 * 60, -1, {}});
  const Destination lyon{"FR", "69002", "69", geo::Point{45.7485, 4.8270}};
  // Tuesday 10:00: 9 of the 10 hours before the 19:00 closing, the last one Wednesday 09:00-10:00.
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), lyon);
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->local_prep_day,
            calendar::days_from_civil({2026, 11, 24}));  // capacity taken on Tuesday
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->date, (Date{2026, 11, 26}));
  EXPECT_EQ(o->order_by, 0);  // no cut-off today decides this date
  const auto* c = find(r, "collect");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->earliest_at,
            paris_time({2026, 11, 24}, 12, 0));  // click and collect has its own 2 hours
}

TEST(Promise, TheCarrierCollectsOnlyOnDaysTheSiteIsOpen) {
  World w;
  w.stock = {{"WH-PARIS", 5}};
  w.config.services[0].pickup_days =
      kMondayToSaturday;  // the carrier works Saturdays; the warehouse does not
  const auto r =
      w.promise(paris_time({2026, 11, 27}, 17, 0), paris_11());  // Friday after the cut-off
  const auto* o = find(r, "home");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->ship_date, (Date{2026, 11, 30}));
}

TEST(Promise, AnOverdueReceiptIsNotStock) {
  World w;
  w.stock = {{"WH-PARIS", 0}};
  w.receipts["WH-PARIS"] = {
      {paris_time({2026, 11, 23}, 8, 0), 20}};  // expected yesterday, not received
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

// An item the catalog keeps from click and collect: the option is not offered, and said why.
TEST(Promise, ACartWithAnItemNotForCollectionIsNotOfferedClickAndCollect) {
  World w;
  w.not_collectable = "SKU-1";
  const auto r = w.promise(paris_time({2026, 11, 24}, 10, 0), strasbourg());
  EXPECT_EQ(find(r, "collect"), nullptr);
  ASSERT_NE(refused(r, "collect"), nullptr);
  EXPECT_EQ(refused(r, "collect")->cause, Cause::not_collectable);
  EXPECT_NE(find(r, "home"), nullptr);  // delivered, as before
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
  EXPECT_EQ(o->earliest_at, paris_time({2026, 11, 25}, 9, 0));   // the store's opening
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
  EXPECT_EQ(find(from_paris, "home")->carbon_g,
            150 + std::llround(0.001 * find(from_paris, "home")->distance_km * 500));
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
    return std::any_of(errors.begin(), errors.end(),
                       [&](const ConfigError& e) { return e.pointer == pointer; });
  };
  EXPECT_TRUE(has("/services/0/transit/0/zone"));
  EXPECT_TRUE(has("/services/0/window"));
  EXPECT_TRUE(has("/services/0/delivery_days"));
  EXPECT_TRUE(has("/services/1/id"));
  EXPECT_TRUE(has("/currency"));
  EXPECT_TRUE(validate(World().config).empty());
}

// Click and collect per item and per category: an excluded prefix wins over the item's own flag.
TEST(Promise, AnItemIsCollectableUnlessItOrItsCategoryIsExcluded) {
  Collect collect;
  EXPECT_TRUE(collectable(collect, true, "shoes/running"));
  EXPECT_FALSE(collectable(collect, false, "shoes/running"));
  collect.excluded_categories = {"furniture/"};
  EXPECT_TRUE(collectable(collect, true, "shoes/running"));
  EXPECT_FALSE(collectable(collect, true, "furniture/sofas"));
  Config config = default_config();
  config.collect.excluded_categories = {""};
  EXPECT_EQ(validate(config).front().pointer, "/collect/excluded_categories/0");
}

}  // namespace
}  // namespace ordo::domain::promise::testing
