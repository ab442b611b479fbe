// Pickup points: the parcel goes to the relay shop the customer chose (or the nearest), and the
// promise is the day the relay can hand it over, by its own opening days and closures. The relays
// are real La Poste relay shops in Paris (../shared/data/stores).
#include "tests/domain/promise_fixture.h"

namespace ordo::domain::promise::testing {
namespace {

// A relay open Tuesday to Saturday, 10:00-19:00.
site::Profile relay(double lat, double lon) {
  site::Profile p = profile(SiteType::pickup_point, "75", lat, lon);
  p.capabilities = {};
  for (std::size_t d = 0; d < 7; ++d) {
    p.opening_hours[d] = d >= 1 && d <= 5 ? site::DayHours{600, 1140} : site::DayHours{0, 0};
  }
  p.daily_capacity = 0;
  return p;
}

Service relay_service() {
  Service s = home();
  s.id = "relay";
  s.carrier = "mondial-relay";
  s.method = DeliveryMethod::pickup_point;
  s.price_minor = 390;
  return s;
}

struct RelayWorld : World {
  RelayWorld() {
    profiles["RL-BASTILLE"] = relay(48.8532, 2.3700);    // Paris 11e, near the customer
    profiles["RL-MONTMARTRE"] = relay(48.8867, 2.3431);  // Paris 18e
    config.services.push_back(relay_service());
    stock = {{"WH-PARIS", 5}};
  }
  Result promise_to(Instant at, Destination to, std::string chosen) {
    pickup_point = std::move(chosen);
    return promise(at, std::move(to));
  }
};

TEST(PromisePickup, TheParcelGoesToTheChosenRelayAndIsCollectableWhenItOpens) {
  RelayWorld w;
  // Tuesday 10:00: shipped today from the warehouse, at the relay on Wednesday.
  const auto r = w.promise_to(paris_time({2026, 11, 24}, 10, 0), paris_11(), "RL-MONTMARTRE");
  const auto* o = find(r, "relay");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->collect_at, "RL-MONTMARTRE");
  EXPECT_EQ(o->ship_from, "WH-PARIS");
  EXPECT_EQ(o->date, (Date{2026, 11, 25}));
  EXPECT_EQ(o->earliest_at, paris_time({2026, 11, 25}, 10, 0));  // the relay's opening
  EXPECT_EQ(o->promised_at, paris_time({2026, 11, 25}, 19, 0));  // collectable by its closing
  EXPECT_EQ(o->id, "relay@WH-PARIS");
}

TEST(PromisePickup, ARelayClosedOnTheDeliveryDayHandsTheParcelOverOnItsNextOpening) {
  RelayWorld w;
  // Friday 10:00: at the relay on Saturday; this one is closed that Saturday (stocktaking) and
  // every Sunday and Monday: collectable on Tuesday.
  w.profiles["RL-BASTILLE"].closed_days = {calendar::days_from_civil({2026, 11, 28})};
  const auto r = w.promise_to(paris_time({2026, 11, 27}, 10, 0), paris_11(), "RL-BASTILLE");
  const auto* o = find(r, "relay");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->date, (Date{2026, 12, 1}));
  EXPECT_EQ(o->collect_at, "RL-BASTILLE");
  // Montmartre opens that Saturday.
  w.network.reset();
  const auto other = w.promise_to(paris_time({2026, 11, 27}, 10, 0), paris_11(), "RL-MONTMARTRE");
  ASSERT_NE(find(other, "relay"), nullptr);
  EXPECT_EQ(find(other, "relay")->date, (Date{2026, 11, 28}));
}

TEST(PromisePickup, WithoutAChoiceTheNearestRelayWithinReachElseTheCarriersOwn) {
  RelayWorld w;
  const auto near = w.promise_to(paris_time({2026, 11, 24}, 10, 0), paris_11(), "");
  ASSERT_NE(find(near, "relay"), nullptr);
  EXPECT_EQ(find(near, "relay")->collect_at, "RL-BASTILLE");  // 0.7 km from the customer
  // In Strasbourg no relay of the retailer is within 15 km: the carrier's relay near the customer,
  // as a parcel to the customer's postcode.
  const auto far = w.promise_to(paris_time({2026, 11, 24}, 10, 0), strasbourg(), "");
  ASSERT_NE(find(far, "relay"), nullptr);
  EXPECT_EQ(find(far, "relay")->collect_at, "");
}

TEST(PromisePickup, AChosenRelayThatIsNotOneIsRefusedSayingWhich) {
  RelayWorld w;
  for (const char* chosen : {"RL-NOWHERE", "ST-LYON"}) {
    const auto r = w.promise_to(paris_time({2026, 11, 24}, 10, 0), paris_11(), chosen);
    EXPECT_EQ(find(r, "relay"), nullptr) << chosen;
    const auto* why = refused(r, "relay");
    ASSERT_NE(why, nullptr) << chosen;
    EXPECT_EQ(why->cause, Cause::no_store_nearby);
    EXPECT_EQ(why->detail, std::string("no open pickup point ") + chosen);
    ASSERT_NE(find(r, "home"), nullptr) << "other methods are still offered";
  }
}

TEST(PromisePickup, TheRelaysNearAPlaceAreListedNearestFirst) {
  RelayWorld w;
  w.compile();
  const auto near = relays_near(*w.network, geo::Point{48.8574, 2.3795}, 15, 10);
  ASSERT_EQ(near.size(), 2u);
  EXPECT_EQ(near[0].site_id, "RL-BASTILLE");
  EXPECT_EQ(near[1].site_id, "RL-MONTMARTRE");
  EXPECT_LT(near[0].distance_km, near[1].distance_km);
  EXPECT_EQ(near[1].profile.opening_hours[1], (site::DayHours{600, 1140}));
  EXPECT_EQ(relays_near(*w.network, geo::Point{48.8574, 2.3795}, 15, 1).size(), 1u);
  EXPECT_TRUE(relays_near(*w.network, geo::Point{48.5839, 7.7455}, 15, 10).empty());  // Strasbourg
}

}  // namespace
}  // namespace ordo::domain::promise::testing
