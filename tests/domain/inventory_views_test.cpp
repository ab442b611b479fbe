// The inventory_views document: which problems validate names, and where (JSON pointers), and
// which sites a selector picks.
#include "domain/inventory_views.h"

#include <gtest/gtest.h>

#include "tests/domain/inventory_views_builders.h"

namespace ordo::domain {
namespace {

using site::SiteType;
using testing::Channel;
using testing::Exclude;
using testing::retailer_views;
using testing::Sites;

std::vector<std::string> pointers(const std::vector<ConfigError>& errors) {
  std::vector<std::string> out;
  for (const ConfigError& error : errors) out.push_back(error.pointer);
  return out;
}

// The single problem of `views`, failing the test when there is not exactly one.
ConfigError only_error(const InventoryViews& views) {
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(errors.size(), 1u);
  return errors.empty() ? ConfigError{} : errors.front();
}

using Pointers = std::vector<std::string>;

TEST(InventoryViewsFind, FindsAChannelByIdAndNothingForAnUnknownOne) {
  const InventoryViews views = retailer_views();
  ASSERT_NE(views.find("marketplace"), nullptr);
  EXPECT_EQ(views.find("marketplace")->share_percent, 80);
  EXPECT_EQ(views.find("stores"), nullptr);
  EXPECT_EQ(views.find(""), nullptr);
}

TEST(InventoryViewsValidate, ARealisticDocumentAndAnEmptyOneAreValid) {
  EXPECT_TRUE(validate(retailer_views()).empty());
  EXPECT_TRUE(validate(InventoryViews{}).empty());
}

TEST(InventoryViewsValidate, AChannelNeedsAnId) {
  InventoryViews views = retailer_views();
  views.channels[1].channel = "";
  views.exclusions.clear();
  EXPECT_EQ(only_error(views), (ConfigError{"/channels/1/channel", "channel is required"}));
}

TEST(InventoryViewsValidate, AChannelIdIsDefinedOnce) {
  InventoryViews views = retailer_views();
  views.channels[2].channel = "web";
  views.exclusions.clear();
  EXPECT_EQ(only_error(views), (ConfigError{"/channels/2/channel",
                                            "channel \"web\" is already defined at /channels/0"}));
}

TEST(InventoryViewsValidate, AShareIsAPercentageFrom0To100) {
  InventoryViews views = retailer_views();
  views.channels[0].share_percent = 0;
  views.channels[1].share_percent = 100;
  EXPECT_TRUE(validate(views).empty());
  views.channels[0].share_percent = -1;
  views.channels[1].share_percent = 120;
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors), (Pointers{"/channels/0/share_percent", "/channels/1/share_percent"}));
  EXPECT_EQ(errors[1].message, "share_percent 120 is outside 0..100");
}

TEST(InventoryViewsValidate, TheFutureHorizonIsAtMostAYear) {
  InventoryViews views = retailer_views();
  views.channels[0].future_horizon_days = 365;
  EXPECT_TRUE(validate(views).empty());
  views.channels[0].future_horizon_days = 366;
  views.channels[1].future_horizon_days = -7;
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors),
            (Pointers{"/channels/0/future_horizon_days", "/channels/1/future_horizon_days"}));
  EXPECT_EQ(errors[0].message, "future_horizon_days 366 is outside 0..365");
  EXPECT_EQ(errors[1].message, "future_horizon_days -7 is outside 0..365");
}

TEST(InventoryViewsValidate, QuantitiesAreNotNegative) {
  InventoryViews views = retailer_views();
  views.channels[1].minimum_display = -1;
  views.channels[1].safety_stock[0].quantity = -2;
  views.exclusions[1].quantity = -3;
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors), (Pointers{"/channels/1/safety_stock/0/quantity",
                                        "/channels/1/minimum_display", "/exclusions/1/quantity"}));
  EXPECT_EQ(errors[0].message, "quantity -2 must not be negative");
  EXPECT_EQ(errors[1].message, "minimum_display -1 must not be negative");
  EXPECT_EQ(errors[2].message, "quantity -3 must not be negative");
}

TEST(InventoryViewsValidate, CountriesAreIsoAlpha2CodesInEverySelector) {
  InventoryViews views = retailer_views();
  views.channels[0].sites.countries = {"FR", "fr"};
  views.channels[1].safety_stock[0].sites.countries = {"FRA"};
  views.exclusions[0].sites.countries = {""};
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors), (Pointers{"/channels/0/sites/countries/1",
                                        "/channels/1/safety_stock/0/sites/countries/0",
                                        "/exclusions/0/sites/countries/0"}));
  EXPECT_EQ(errors[0].message,
            "\"fr\" is not an ISO 3166-1 alpha-2 country code (two upper-case letters)");
}

TEST(InventoryViewsValidate, SelectorsHaveNoEmptySiteIdOrRegionAndOnlyKnownSiteTypes) {
  InventoryViews views = retailer_views();
  views.channels[0].sites.site_ids = {"PAR-01", ""};
  views.channels[0].sites.regions = {""};
  views.channels[2].sites.types = {SiteType::store, static_cast<SiteType>(9)};
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors),
            (Pointers{"/channels/0/sites/site_ids/1", "/channels/0/sites/regions/0",
                      "/channels/2/sites/types/1"}));
  EXPECT_EQ(errors[2].message, "unknown site type 9");
}

TEST(InventoryViewsValidate, AnExclusionHasAUniqueName) {
  InventoryViews views = retailer_views();
  views.exclusions.push_back(views.exclusions[0]);
  views.exclusions[1].name = "";
  EXPECT_EQ(pointers(validate(views)), (Pointers{"/exclusions/1/name", "/exclusions/2/name"}));
  EXPECT_EQ(validate(views)[1].message,
            "exclusion \"vip-reserve\" is already defined at /exclusions/0");
}

TEST(InventoryViewsValidate, AnExclusionNamesOnlyKnownChannelsAndNoEmptySku) {
  InventoryViews views = retailer_views();
  views.exclusions[0].for_channels = {"vip", "b2b"};
  views.exclusions[1].skus = {"SNK-42-BLK", ""};
  const std::vector<ConfigError> errors = validate(views);
  EXPECT_EQ(pointers(errors), (Pointers{"/exclusions/0/for_channels/1", "/exclusions/1/skus/1"}));
  EXPECT_EQ(errors[0].message, "channel \"b2b\" is not defined in /channels");
}

TEST(InventoryViewsValidate, AnExclusionForNoChannelHidesStockFromAllAndIsValid) {
  InventoryViews views = retailer_views();
  views.exclusions[0].for_channels.clear();
  EXPECT_TRUE(validate(views).empty());
}

TEST(InventoryViewsValidate, ListsEveryProblemInDocumentOrder) {
  InventoryViews views = retailer_views();
  views.channels[0].share_percent = 101;
  views.channels[1].channel = "";
  views.channels[2].minimum_display = -5;
  views.exclusions[0].name = "";
  views.exclusions[0].for_channels = {"marketplace", "staff"};
  EXPECT_EQ(
      validate(views),
      (std::vector<ConfigError>{
          {"/channels/0/share_percent", "share_percent 101 is outside 0..100"},
          {"/channels/1/channel", "channel is required"},
          {"/channels/2/minimum_display", "minimum_display -5 must not be negative"},
          {"/exclusions/0/name", "name is required"},
          {"/exclusions/0/for_channels/0", "channel \"marketplace\" is not defined in /channels"},
          {"/exclusions/0/for_channels/1", "channel \"staff\" is not defined in /channels"},
          {"/exclusions/1/for_channels/0", "channel \"marketplace\" is not defined in /channels"},
      }));
}

site::Profile profile(SiteType type, std::string country, std::string region) {
  site::Profile p;
  p.name = "a site";
  p.type = type;
  p.country = std::move(country);
  p.region = std::move(region);
  return p;
}

TEST(InventoryViewsMatches, AnEmptySelectorMatchesEverySite) {
  EXPECT_TRUE(matches(Sites(), "PAR-01", profile(SiteType::store, "FR", "75")));
  EXPECT_TRUE(matches(Sites(), "BER-01", profile(SiteType::pickup_point, "DE", "BE")));
}

TEST(InventoryViewsMatches, EachListIsAFilterOnItsOwnAttribute) {
  const site::Profile paris = profile(SiteType::store, "FR", "75");
  EXPECT_TRUE(matches(Sites().ids({"LYS-01", "PAR-01"}), "PAR-01", paris));
  EXPECT_FALSE(matches(Sites().ids({"LYS-01"}), "PAR-01", paris));
  EXPECT_TRUE(matches(Sites().types({SiteType::warehouse, SiteType::store}), "PAR-01", paris));
  EXPECT_FALSE(matches(Sites().types({SiteType::dark_store}), "PAR-01", paris));
  EXPECT_TRUE(matches(Sites().countries({"BE", "FR"}), "PAR-01", paris));
  EXPECT_FALSE(matches(Sites().countries({"DE"}), "PAR-01", paris));
  EXPECT_TRUE(matches(Sites().regions({"75", "92"}), "PAR-01", paris));
  EXPECT_FALSE(matches(Sites().regions({"69"}), "PAR-01", paris));
}

TEST(InventoryViewsMatches, ASiteMustPassEveryNonEmptyList) {
  const SiteSelector lyon_warehouses =
      Sites().types({SiteType::warehouse}).countries({"FR"}).regions({"69"});
  EXPECT_TRUE(matches(lyon_warehouses, "WH-LYON", profile(SiteType::warehouse, "FR", "69")));
  EXPECT_FALSE(matches(lyon_warehouses, "LYS-01", profile(SiteType::store, "FR", "69")));
  EXPECT_FALSE(matches(lyon_warehouses, "WH-PARIS", profile(SiteType::warehouse, "FR", "75")));
  EXPECT_FALSE(matches(lyon_warehouses, "WH-BE", profile(SiteType::warehouse, "BE", "69")));
}

}  // namespace
}  // namespace ordo::domain
