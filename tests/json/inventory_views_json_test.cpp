// The inventory_views JSON codec: the documented example, round trips, and every kind of bad
// input reported with the JSON pointer of the offending value.
#include "gateway/json/inventory_views_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/inventory_views.h"
#include "tests/domain/inventory_views_builders.h"

namespace ordo::json {
namespace {

using domain::ConfigError;
using domain::InventoryViews;
using domain::site::SiteType;
using domain::testing::Channel;
using domain::testing::Exclude;
using domain::testing::retailer_views;
using domain::testing::Sites;
using domain::testing::views;
using nlohmann::json;
using Errors = std::vector<ConfigError>;

// The example of the header's comment, without its comments.
constexpr const char* kExample = R"({
  "channels": [
    { "channel": "web",
      "sites": { "types": ["store", "warehouse"], "countries": ["FR"] },
      "share_percent": 100,
      "future_horizon_days": 14,
      "minimum_display": 0 },
    { "channel": "marketplace",
      "sites": { "types": ["warehouse"] },
      "share_percent": 80,
      "safety_stock": [ { "category_prefix": "shoes", "quantity": 2 } ],
      "minimum_display": 2 },
    { "channel": "vip",
      "sites": { "types": ["store"], "countries": ["FR"] } }
  ],
  "exclusions": [
    { "name": "vip-reserve",
      "sites": { "types": ["store"] },
      "quantity": 1,
      "for_channels": ["vip"] },
    { "name": "marketplace-dedicated",
      "sites": { "site_ids": ["WH-LYON"] },
      "skus": ["SNK-42-BLK"],
      "category_prefix": "",
      "quantity": 20,
      "for_channels": ["marketplace"] }
  ]
})";

// The problems of `text`, or none (and a failure) when it parses.
Errors problems(std::string_view text) {
  const auto parsed = parse_inventory_views(json::parse(text));
  EXPECT_FALSE(parsed.has_value()) << "parsed: " << text;
  return parsed ? Errors{} : parsed.error();
}

TEST(InventoryViewsJson, TheExampleIsTheRetailersDocument) {
  const auto parsed = parse_inventory_views(json::parse(kExample));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, retailer_views());
  EXPECT_TRUE(domain::validate(*parsed).empty());
}

// Guards the header's documentation: its example, comments and all, is a document that parses.
TEST(InventoryViewsJson, TheExampleInTheHeaderParses) {
  const std::filesystem::path header_path =
      std::filesystem::path(ORDO_SOURCE_DIR) / "gateway/json/inventory_views_json.h";
  std::ifstream header(header_path);
  ASSERT_TRUE(header) << "header not found in " << ORDO_SOURCE_DIR;
  std::stringstream example;
  bool inside = false;
  for (std::string line; std::getline(header, line);) {
    if (line == "//   {") inside = true;
    if (inside) example << line.substr(2) << '\n';
    if (line == "//   }") break;
  }
  const auto parsed = parse_inventory_views(json::parse(example.str(), nullptr, true, true));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().front().pointer;
  EXPECT_EQ(*parsed, retailer_views());
}

TEST(InventoryViewsJson, OmittedFieldsTakeTheirDefaults) {
  EXPECT_EQ(parse_inventory_views(json::object()), InventoryViews{});
  const auto parsed = parse_inventory_views(json::parse(R"({"channels": [{"channel": "web"}]})"));
  EXPECT_EQ(parsed, views({Channel("web")}));
  EXPECT_EQ(parsed->channels[0].share_percent, 100);
}

TEST(InventoryViewsJson, SiteTypesAreWrittenByName) {
  const json written = to_json(views({Channel("all").sites(Sites().types(
      {SiteType::store, SiteType::warehouse, SiteType::dark_store, SiteType::pickup_point}))}));
  EXPECT_EQ(written["channels"][0]["sites"]["types"],
            json::parse(R"(["store", "warehouse", "dark_store", "pickup_point"])"));
}

TEST(InventoryViewsJson, ADocumentRoundTrips) {
  const InventoryViews everything =
      views({Channel("web")
                 .sites(Sites()
                            .ids({"PAR-01", "a/b~c"})
                            .types({SiteType::dark_store, SiteType::pickup_point})
                            .countries({"FR", "BE"})
                            .regions({"75", "69"}))
                 .share(0)
                 .safety(Sites().regions({"69"}), "shoes/running", 3)
                 .safety(Sites(), "", 1)
                 .horizon_days(365)
                 .minimum_display(9'000'000'000'000'000'000),
             Channel("vip")},
            {Exclude("été 2024", -4).category("home").for_channels({"vip", "unknown"})});
  EXPECT_EQ(parse_inventory_views(to_json(everything)), everything);
  EXPECT_EQ(parse_inventory_views(to_json(retailer_views())), retailer_views());
  EXPECT_EQ(parse_inventory_views(json::parse(to_json(retailer_views()).dump())), retailer_views());
}

TEST(InventoryViewsJson, TheRootMustBeAnObject) {
  EXPECT_EQ(problems("[]"), (Errors{{"", "expected an object, got an array"}}));
  EXPECT_EQ(problems(R"("channels")"),
            (Errors{{"", "expected an object, got the string \"channels\""}}));
  EXPECT_EQ(problems("null"), (Errors{{"", "expected an object, got null"}}));
}

TEST(InventoryViewsJson, AValueOfTheWrongTypeIsNamedWithItsPointer) {
  EXPECT_EQ(problems(R"({"channels": {"channel": "web"}})"),
            (Errors{{"/channels", "expected an array, got an object"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": 42}]})"),
            (Errors{{"/channels/0/channel", "expected a string, got the number 42"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "share_percent": "80"}]})"),
            (Errors{{"/channels/0/share_percent", "expected an integer, got the string \"80\""}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "share_percent": 80.5}]})"),
            (Errors{{"/channels/0/share_percent", "expected an integer, got the number 80.5"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "sites": []}]})"),
            (Errors{{"/channels/0/sites", "expected an object, got an array"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "sites": {"countries": "FR"}}]})"),
            (Errors{{"/channels/0/sites/countries", "expected an array, got the string \"FR\""}}));
  EXPECT_EQ(problems(R"({"exclusions": [{"name": "x", "quantity": true, "skus": [123]}]})"),
            (Errors{{"/exclusions/0/skus/0", "expected a string, got the number 123"},
                    {"/exclusions/0/quantity", "expected an integer, got the boolean true"}}));
  EXPECT_EQ(problems(R"({"channels": [null]})"),
            (Errors{{"/channels/0", "expected an object, got null"}}));
}

TEST(InventoryViewsJson, AnUnknownFieldIsRejectedByName) {
  EXPECT_EQ(problems(R"({"channel": []})"),
            (Errors{{"/channel", "unknown field \"channel\" (known: channels, exclusions)"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "share": 80}]})"),
            (Errors{{"/channels/0/share",
                     "unknown field \"share\" (known: channel, sites, share_percent, "
                     "safety_stock, future_horizon_days, minimum_display)"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "sites": {"country": ["FR"]}}]})"),
            (Errors{{"/channels/0/sites/country",
                     "unknown field \"country\" (known: site_ids, types, countries, regions)"}}));
  EXPECT_EQ(problems(R"({"a/b~c": 1})").front().pointer, "/a~1b~0c") << "RFC 6901 escapes";
}

TEST(InventoryViewsJson, ARequiredFieldIsReportedWhereItIsMissing) {
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web"}, {"share_percent": 80}]})"),
            (Errors{{"/channels/1/channel", "channel is required"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "safety_stock": [{}]}]})"),
            (Errors{{"/channels/0/safety_stock/0/quantity", "quantity is required"}}));
  EXPECT_EQ(problems(R"({"exclusions": [{"for_channels": ["vip"]}]})"),
            (Errors{{"/exclusions/0/name", "name is required"},
                    {"/exclusions/0/quantity", "quantity is required"}}));
}

TEST(InventoryViewsJson, ASiteTypeIsOneOfTheFourNames) {
  EXPECT_EQ(
      problems(R"({"channels": [{"channel": "web", "sites": {"types": ["store", "shop"]}}]})"),
      (Errors{{"/channels/0/sites/types/1",
               "unknown site type \"shop\" (known: store, warehouse, dark_store, "
               "pickup_point)"}}));
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "sites": {"types": [1]}}]})"),
            (Errors{{"/channels/0/sites/types/0", "expected a site type name, got the number 1"}}));
}

TEST(InventoryViewsJson, AnIntegerMustFitItsField) {
  EXPECT_EQ(problems(R"({"channels": [{"channel": "web", "share_percent": 3000000000}]})"),
            (Errors{{"/channels/0/share_percent", "3000000000 is larger than 2147483647"}}));
  EXPECT_EQ(
      problems(R"({"channels": [{"channel": "web", "future_horizon_days": -3000000000}]})"),
      (Errors{{"/channels/0/future_horizon_days", "-3000000000 is smaller than -2147483648"}}));
  EXPECT_EQ(problems(R"({"exclusions": [{"name": "x", "quantity": 18446744073709551615}]})"),
            (Errors{{"/exclusions/0/quantity",
                     "18446744073709551615 is larger than 9223372036854775807"}}));
}

TEST(InventoryViewsJson, EveryProblemIsReportedAtOnce) {
  const Errors errors = problems(R"({
    "channels": [
      {"channel": "web", "share_percent": "all", "sites": {"types": ["shop"]}},
      {"sites": {"countries": ["FR", 33]}, "colour": "red"}
    ],
    "exclusions": [{"name": "vip", "quantity": 1.5, "for_channels": "vip"}]
  })");
  std::vector<std::string> pointers;
  for (const ConfigError& error : errors) pointers.push_back(error.pointer);
  EXPECT_EQ(pointers,
            (std::vector<std::string>{"/channels/0/sites/types/0", "/channels/0/share_percent",
                                      "/channels/1/colour", "/channels/1/channel",
                                      "/channels/1/sites/countries/1", "/exclusions/0/quantity",
                                      "/exclusions/0/for_channels"}));
}

TEST(InventoryViewsJson, ShapeOnlyTheBusinessRulesAreTheDomains) {
  const auto parsed = parse_inventory_views(
      json::parse(R"({"channels": [{"channel": "web", "share_percent": 120}]})"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(domain::validate(*parsed),
            (Errors{{"/channels/0/share_percent", "share_percent 120 is outside 0..100"}}));
}

// The log keeps texts as C strings: a NUL would cut one short on replay, so it is refused where it
// comes in, with the field named.
TEST(InventoryViewsJson, ATextHoldingANulIsRefused) {
  const auto parsed = parse_inventory_views(nlohmann::json::parse(
      R"({"channels": [{"channel": "web", "sites": {"regions": ["75\u0000x"]}}]})"));
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u);
  EXPECT_EQ(parsed.error()[0].pointer, "/channels/0/sites/regions/0");
  EXPECT_NE(parsed.error()[0].message.find("contains a NUL character"), std::string::npos);
}

}  // namespace
}  // namespace ordo::json
