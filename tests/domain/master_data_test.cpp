// Master data deciders as given / when / then: brands, channels, a site's lifecycle (close, reopen,
// close for good), items with channel prices, and the reference checks that run before them.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "domain/brand.h"
#include "domain/channel.h"
#include "domain/references.h"
#include "tests/domain/given_when_then.h"

namespace ordo::domain {
namespace {

using testing::Scenario;
using Code = Rejection::Code;
constexpr Instant kAt = 1'800'000'000'000'000;

struct BrandDecider
    : testing::Decider<brand::Command, brand::Event, brand::State, &brand::decide, &brand::evolve> {
};
struct ChannelDecider : testing::Decider<channel::Command, channel::Event, channel::State,
                                         &channel::decide, &channel::evolve> {};
struct SiteDecider
    : testing::Decider<site::Command, site::Event, site::State, &site::decide, &site::evolve> {};

TEST(Brand, IsDefinedThenChangedThenLeftAlone) {
  const brand::Brand veja{"veja", "Veja"};
  Scenario<BrandDecider>().when(brand::DefineBrand{veja, kAt}).then({brand::BrandDefined{veja}});
  Scenario<BrandDecider>()
      .given({brand::BrandDefined{veja}})
      .when(brand::DefineBrand{veja, kAt})
      .then({});
  const brand::Brand renamed{"veja", "VEJA"};
  Scenario<BrandDecider>()
      .given({brand::BrandDefined{veja}})
      .when(brand::DefineBrand{renamed, kAt})
      .then({brand::BrandChanged{renamed}});
}

TEST(Brand, NeedsAnIdAndAName) {
  Scenario<BrandDecider>()
      .when(brand::DefineBrand{{"two words", "X"}, kAt})
      .then_rejected(Code::invalid, "brand_id 'two words' must be");
  Scenario<BrandDecider>()
      .when(brand::DefineBrand{{"x", ""}, kAt})
      .then_rejected(Code::invalid, "name is required");
}

channel::Channel web_gb() {
  return {"web-gb",
          "Web shop UK",
          {"GB"},
          "GBP",
          "",
          "",
          {order::DeliveryMethod::home_standard},
          channel::AddressPolicy::refuse,
          0};
}

TEST(Channel, IsDefinedThenChanged) {
  Scenario<ChannelDecider>()
      .when(channel::DefineChannel{web_gb(), kAt})
      .then({channel::ChannelDefined{web_gb()}});
  auto wider = web_gb();
  wider.countries.push_back("IE");
  Scenario<ChannelDecider>()
      .given({channel::ChannelDefined{web_gb()}})
      .when(channel::DefineChannel{wider, kAt})
      .then({channel::ChannelChanged{wider}});
}

TEST(Channel, ListsEveryProblemOfItsFields) {
  auto c = web_gb();
  c.countries = {"UK", "GB", "GB"};
  c.currency = "EU";
  c.delivery_methods = {};
  c.price_tolerance_bp = 10'001;
  const auto found = channel::problems(c);
  const std::vector<std::string> expected = {
      "countries/0: \"UK\" is not an ISO 3166-1 alpha-2 code", "countries/2: GB is listed twice",
      "currency: \"EU\" is not an ISO 4217 code",
      "delivery_methods: at least one delivery method is required",
      "price_tolerance_bp: 10001 is outside 0..10000"};
  EXPECT_EQ(found, expected);
  Scenario<ChannelDecider>()
      .when(channel::DefineChannel{c, kAt})
      .then_rejected(Code::invalid, "currency: \"EU\"");
}

site::Profile leeds() {
  site::Profile p;
  p.name = "Leeds";
  p.country = "GB";
  p.region = "ENG";
  p.postcode = "LS1";
  p.latitude = 53.797;
  p.longitude = -1.548;
  p.time_zone = "Europe/London";
  return p;
}

const site::SiteRegistered kRegistered{"GB-LEEDS", leeds()};

site::Profile with(site::Status status) {
  auto p = leeds();
  p.status = status;
  return p;
}

TEST(SiteLifecycle, AnOpenSiteClosesTemporarilyAndReopens) {
  const auto closed = Scenario<SiteDecider>()
                          .given({kRegistered})
                          .when(site::CloseSite{"GB-LEEDS", false, "flooded", 0, kAt})
                          .then({site::SiteClosed{"GB-LEEDS", false, "flooded", kAt}});
  EXPECT_EQ(closed.profile.status, site::Status::temporarily_closed);
  Scenario<SiteDecider>()
      .given({kRegistered, site::SiteClosed{"GB-LEEDS", false, "flooded", kAt}})
      .when(site::CloseSite{"GB-LEEDS", false, "still flooded", 0, kAt})
      .then({});
  const auto reopened = Scenario<SiteDecider>()
                            .given({kRegistered, site::SiteClosed{"GB-LEEDS", false, "x", kAt}})
                            .when(site::ReopenSite{"GB-LEEDS", kAt + 1})
                            .then({site::SiteReopened{"GB-LEEDS", kAt + 1}});
  EXPECT_EQ(reopened.profile.status, site::Status::open);
  Scenario<SiteDecider>().given({kRegistered}).when(site::ReopenSite{"GB-LEEDS", kAt}).then({});
}

TEST(SiteLifecycle, ClosingForGoodIsFinalAndWaitsForReservedStock) {
  Scenario<SiteDecider>()
      .given({kRegistered})
      .when(site::CloseSite{"GB-LEEDS", true, "lease ended", 3, kAt})
      .then_rejected(Code::wrong_state, "still holds 3 units for competitive rounds still running");
  const site::SiteClosed gone{"GB-LEEDS", true, "lease ended", kAt};
  const auto closed = Scenario<SiteDecider>()
                          .given({kRegistered, site::SiteClosed{"GB-LEEDS", false, "x", kAt}})
                          .when(site::CloseSite{"GB-LEEDS", true, "lease ended", 0, kAt})
                          .then({gone});
  EXPECT_EQ(closed.profile.status, site::Status::closed);
  Scenario<SiteDecider>()
      .given({kRegistered, gone})
      .when(site::ReopenSite{"GB-LEEDS", kAt})
      .then_rejected(Code::wrong_state, "closed for good");
  Scenario<SiteDecider>()
      .given({kRegistered, gone})
      .when(site::CloseSite{"GB-LEEDS", false, "again", 0, kAt})
      .then_rejected(Code::wrong_state, "closed for good");
}

TEST(SiteLifecycle, ClosingNeedsAReasonAndAnExistingSite) {
  Scenario<SiteDecider>()
      .given({kRegistered})
      .when(site::CloseSite{"GB-LEEDS", false, "", 0, kAt})
      .then_rejected(Code::invalid, "needs a reason");
  Scenario<SiteDecider>()
      .when(site::CloseSite{"GB-LEEDS", false, "x", 0, kAt})
      .then_rejected(Code::not_found, "does not exist");
}

// A profile sent in a command never changes the status: closing and reopening do.
TEST(SiteLifecycle, UpdatesAndDefinitionsKeepTheStatus) {
  auto sent = leeds();
  sent.daily_capacity = 40;
  sent.status = site::Status::open;
  auto kept = sent;
  kept.status = site::Status::temporarily_closed;
  Scenario<SiteDecider>()
      .given({kRegistered, site::SiteClosed{"GB-LEEDS", false, "x", kAt}})
      .when(site::UpdateSite{"GB-LEEDS", sent, kAt})
      .then({site::SiteUpdated{"GB-LEEDS", kept}});
  Scenario<SiteDecider>()
      .given({kRegistered, site::SiteClosed{"GB-LEEDS", false, "x", kAt}})
      .when(site::DefineSite{"GB-LEEDS", sent, kAt})
      .then({site::SiteUpdated{"GB-LEEDS", kept}});
  Scenario<SiteDecider>()
      .when(site::DefineSite{"GB-LEEDS", with(site::Status::closed), kAt})
      .then({site::SiteRegistered{"GB-LEEDS", leeds()}});
}

TEST(SiteProfile, BrandsAndClosedDaysAreChecked) {
  auto p = leeds();
  p.brands = {"veja", "veja"};
  Scenario<SiteDecider>()
      .when(site::RegisterSite{"GB-LEEDS", p, kAt})
      .then_rejected(Code::invalid, "brands/1: veja twice");
  p = leeds();
  p.closed_days = {20'812, 20'811};
  Scenario<SiteDecider>()
      .when(site::RegisterSite{"GB-LEEDS", p, kAt})
      .then_rejected(Code::invalid, "closed_days/1: closed days must be ascending");
  p = leeds();
  p.country = "UK";
  Scenario<SiteDecider>()
      .when(site::RegisterSite{"GB-LEEDS", p, kAt})
      .then_rejected(Code::invalid, "country \"UK\"");
}

// A directory with the brands and channels a test names.
class Directory final : public references::Directory {
 public:
  std::set<std::string, std::less<>> brands;
  std::map<std::string, channel::Channel, std::less<>> channels;
  std::set<std::string, std::less<>> views;
  bool brand_exists(std::string_view id) const override { return brands.contains(id); }
  const channel::Channel* channel(std::string_view id) const override {
    auto it = channels.find(id);
    return it == channels.end() ? nullptr : &it->second;
  }
  bool inventory_view_exists(std::string_view name) const override { return views.contains(name); }
};

TEST(References, AnItemNamesKnownBrandsAndChannelsInTheirCurrency) {
  Directory d;
  d.brands = {"veja"};
  d.channels["web-gb"] = web_gb();
  catalog::Item item{"SKU-1",       "Tee",
                     "apparel",     "adidas",
                     100,           100,
                     {1000, "EUR"}, false,
                     true,          {{"web-gb", {900, "EUR"}}, {"web-us", {1000, "USD"}}}};
  const std::vector<std::string> expected = {
      "brand: no brand has the id 'adidas'",
      "prices/0/currency: EUR is not the currency of channel web-gb (GBP)",
      "prices/1/channel: no channel has the id 'web-us'"};
  EXPECT_EQ(references::of_item(item, d), expected);
  item.brand = "veja";
  item.prices = {{"web-gb", {900, "GBP"}}};
  EXPECT_TRUE(references::of_item(item, d).empty());
  item.brand = "";  // no brand: nothing to check
  EXPECT_TRUE(references::of_item(item, d).empty());
}

TEST(References, AChannelNamesAKnownBrandAndAnExistingInventoryView) {
  Directory d;
  auto c = web_gb();
  c.brand = "veja";
  EXPECT_EQ(references::of_channel(c, d),
            (std::vector<std::string>{
                "brand: no brand has the id 'veja'",
                "inventory_view: the inventory_views configuration has no view 'web-gb'"}));
  d.brands = {"veja"};
  d.views = {"web"};
  c.inventory_view = "web";
  EXPECT_TRUE(references::of_channel(c, d).empty());
}

TEST(References, ASiteCarriesKnownBrands) {
  Directory d;
  d.brands = {"veja"};
  auto p = leeds();
  p.brands = {"veja", "nike"};
  EXPECT_EQ(references::of_site(p, d),
            std::vector<std::string>{"brands/1: no brand has the id 'nike'"});
  const auto rejection = references::rejection("site GB-LEEDS", references::of_site(p, d));
  ASSERT_TRUE(rejection);
  EXPECT_EQ(rejection->reason, "site GB-LEEDS:\nbrands/1: no brand has the id 'nike'");
}

TEST(CatalogPrices, AChannelPriceReplacesTheListPriceOnThatChannelOnly) {
  const catalog::Item item{"SKU-1", "Tee",         "apparel", "",   100,
                           100,     {1000, "EUR"}, false,     true, {{"web-gb", {900, "GBP"}}}};
  EXPECT_EQ(item.price_on("web-gb"), (Money{900, "GBP"}));
  EXPECT_EQ(item.price_on("web"), (Money{1000, "EUR"}));
}

}  // namespace
}  // namespace ordo::domain
