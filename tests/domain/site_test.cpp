// Site decider: registration, update and profile validation, as given / when / then.
#include "domain/site.h"

#include <gtest/gtest.h>

#include <limits>

#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using namespace site;
using testing::Scenario;
using Code = Rejection::Code;

struct SiteDecider : testing::Decider<Command, Event, State, &decide, &evolve> {};

constexpr Instant kAt = 1'700'000'000'000'000;

Profile strasbourg() {
  Profile p;
  p.name = "Strasbourg Kléber";
  p.type = SiteType::store;
  p.country = "FR";
  p.region = "67";
  p.postcode = "67000";
  p.latitude = 48.5839;
  p.longitude = 7.7455;
  p.time_zone = "Europe/Paris";
  p.capabilities = {.ship_from_store = true, .click_and_collect = true, .returns = true};
  for (auto& day : p.opening_hours) day = {9 * 60, 19 * 60};
  p.opening_hours[6] = {0, 0};  // closed on Sunday
  p.daily_capacity = 120;
  return p;
}

Profile renamed(std::string name) {
  Profile p = strasbourg();
  p.name = std::move(name);
  return p;
}

const std::vector<Event> kRegistered = {SiteRegistered{"STR-01", strasbourg()}};

// --- RegisterSite ------------------------------------------------------------------------------

TEST(SiteRegister, RegistersANewSite) {
  Scenario<SiteDecider>()
      .when(RegisterSite{"STR-01", strasbourg(), kAt})
      .then({SiteRegistered{"STR-01", strasbourg()}});
}

TEST(SiteRegister, RegisteringTheSameProfileAgainDoesNothing) {
  Scenario<SiteDecider>()
      .given(kRegistered)
      .when(RegisterSite{"STR-01", strasbourg(), kAt})
      .then({});
}

TEST(SiteRegister, RegisteringAnotherProfileUnderTheSameIdIsAlreadyExists) {
  Scenario<SiteDecider>()
      .given(kRegistered)
      .when(RegisterSite{"STR-01", renamed("Strasbourg Gare"), kAt})
      .then_rejected(Code::already_exists, "site STR-01 is already registered");
}

TEST(SiteRegister, TheSiteIdIsRequired) {
  Scenario<SiteDecider>()
      .when(RegisterSite{"", strasbourg(), kAt})
      .then_rejected(Code::invalid, "site id is required");
}

// --- UpdateSite --------------------------------------------------------------------------------

TEST(SiteUpdate, UpdatesAnExistingSite) {
  const State after = Scenario<SiteDecider>()
                          .given(kRegistered)
                          .when(UpdateSite{"STR-01", renamed("Strasbourg Gare"), kAt})
                          .then({SiteUpdated{"STR-01", renamed("Strasbourg Gare")}});
  EXPECT_EQ(after.profile.name, "Strasbourg Gare");
}

TEST(SiteUpdate, UpdatingAnUnknownSiteIsNotFound) {
  Scenario<SiteDecider>()
      .when(UpdateSite{"STR-01", strasbourg(), kAt})
      .then_rejected(Code::not_found, "site STR-01 does not exist");
}

TEST(SiteUpdate, AnUnchangedProfileDoesNothing) {
  Scenario<SiteDecider>().given(kRegistered).when(UpdateSite{"STR-01", strasbourg(), kAt}).then({});
}

TEST(SiteUpdate, AnUpdateForAnotherSiteIsInvalid) {
  Scenario<SiteDecider>()
      .given(kRegistered)
      .when(UpdateSite{"PAR-01", renamed("Paris"), kAt})
      .then_rejected(Code::invalid, "update of site PAR-01 was sent to site STR-01");
}

TEST(SiteUpdate, TheProfileIsValidatedOnUpdateToo) {
  Profile p = strasbourg();
  p.daily_capacity = -1;
  Scenario<SiteDecider>()
      .given(kRegistered)
      .when(UpdateSite{"STR-01", p, kAt})
      .then_rejected(Code::invalid, "daily capacity -1 is negative");
}

// --- Profile validation ------------------------------------------------------------------------

void expect_invalid_profile(const Profile& p, std::string_view reason_part) {
  Scenario<SiteDecider>()
      .when(RegisterSite{"STR-01", p, kAt})
      .then_rejected(Code::invalid, reason_part);
}

TEST(SiteProfile, TheNameIsRequired) {
  expect_invalid_profile(renamed(""), "site STR-01 has no name");
}

TEST(SiteProfile, TheCountryMustBeAnAlpha2Code) {
  for (const char* country : {"", "fr", "FRA", "F1"}) {
    Profile p = strasbourg();
    p.country = country;
    expect_invalid_profile(p, "country \"" + std::string(country) + "\" is not an ISO 3166-1");
  }
}

TEST(SiteProfile, TheLatitudeMustBeWithinNinetyDegrees) {
  Profile p = strasbourg();
  p.latitude = 90.5;
  expect_invalid_profile(p, "latitude 90.5");
}

TEST(SiteProfile, TheLongitudeMustBeWithinHundredEightyDegrees) {
  Profile p = strasbourg();
  p.longitude = -180.25;
  expect_invalid_profile(p, "longitude -180.25");
}

TEST(SiteProfile, CoordinatesThatAreNotANumberAreRefused) {
  Profile p = strasbourg();
  p.latitude = std::numeric_limits<double>::quiet_NaN();
  expect_invalid_profile(p, "latitude");
}

TEST(SiteProfile, TheDailyCapacityCannotBeNegative) {
  Profile p = strasbourg();
  p.daily_capacity = -5;
  expect_invalid_profile(p, "daily capacity -5 is negative");
}

TEST(SiteProfile, ADayCannotCloseAfterMidnight) {
  Profile p = strasbourg();
  p.opening_hours[4] = {600, 1441};
  expect_invalid_profile(p, "Friday closes at minute 1441");
}

TEST(SiteProfile, ADayCannotOpenAfterItCloses) {
  Profile p = strasbourg();
  p.opening_hours[0] = {1200, 600};
  expect_invalid_profile(p, "Monday opens at minute 1200 after it closes at minute 600");
}

TEST(SiteProfile, ASiteOpenAroundTheClockWithNoCapacityIsValid) {
  Profile p = strasbourg();
  p.type = SiteType::dark_store;
  for (auto& day : p.opening_hours) day = {0, 1440};
  p.daily_capacity = 0;
  Scenario<SiteDecider>().when(RegisterSite{"DS-01", p, kAt}).then({SiteRegistered{"DS-01", p}});
}

// --- evolve ------------------------------------------------------------------------------------

TEST(SiteEvolve, AnUpdateOfAnUnknownSiteStillRecordsTheSite) {
  const State s = evolve(State{}, SiteUpdated{"STR-01", strasbourg()});
  EXPECT_TRUE(s.exists);
  EXPECT_EQ(s.site_id, "STR-01");
  EXPECT_EQ(s.profile, strasbourg());
}

}  // namespace
}  // namespace ordo::domain
